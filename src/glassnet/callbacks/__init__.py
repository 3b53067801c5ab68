"""Callbacks for ``MLPClassifier(callbacks=[...])``: they see every epoch and reach the model.

Pass any of these (several at once) in ``callbacks``; each keeps its state per
training run (reset when a fit starts), so one object serves fit after fit, and
the copies ``GridSearchCV`` makes. Write your own by subclassing :class:`Callback`
(or with a plain function of the epoch's record). See ``glassnet.nn._callbacks`` for
when each hook runs.

- :class:`EarlyStopping`: stop when a watched number stalls, keep the best weights;
- :class:`ReduceLROnPlateau`: divide the learning rate when it stalls;
- :class:`CSVLogger`: the record, row after row, in a CSV file;
- :class:`ModelCheckpoint`: the best model so far in a ``.glassnet`` file;
- :class:`ProgressBar`: epoch, loss, validation score and time left;
- :class:`LivePlot`: the training curves, redrawn every few epochs.
"""

from glassnet.callbacks.files import CSVLogger, ModelCheckpoint
from glassnet.callbacks.learning_rate import ReduceLROnPlateau
from glassnet.callbacks.live_plot import LivePlot
from glassnet.callbacks.progress import ProgressBar
from glassnet.callbacks.stopping import EarlyStopping
from glassnet.nn._callbacks import Callback

__all__ = [
    "CSVLogger",
    "Callback",
    "EarlyStopping",
    "LivePlot",
    "ModelCheckpoint",
    "ProgressBar",
    "ReduceLROnPlateau",
]
