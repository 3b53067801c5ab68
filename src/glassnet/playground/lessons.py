"""The lecture's training problems, one click each, with what to watch for.

Each :class:`Lesson` is a whole run (data, seed, network) and a paragraph for the
student. ``expect`` names the finding of :func:`glassnet.diagnose` that the run
shows (the tests play each lesson and check it appears, and that the fix shows
none); ``by_epoch`` is when it shows at the latest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from glassnet.playground.spec import RunSpec


@dataclass(frozen=True)
class Lesson:
    """A preset run and its explanation."""

    key: str
    title: str
    text: str
    spec: RunSpec
    expect: tuple[str, ...]
    by_epoch: int

    def as_dict(self) -> dict[str, Any]:
        """Describe the lesson for the page."""
        return {
            "key": self.key,
            "title": self.title,
            "text": self.text,
            "spec": self.spec.model_dump(),
            "expect": list(self.expect),
        }


def _spec(dataset: str, noise: int, *lanes: dict[str, Any], seed: int = 0) -> RunSpec:
    return RunSpec.model_validate(
        {"data": {"dataset": dataset, "noise": noise}, "seed": seed, "lanes": list(lanes)}
    )


_SIGMOID_TOWER = {
    "hidden": [8, 8, 8, 8, 8, 8],
    "activation": ["logistic"] * 6,
    "init": "auto",
    "solver": "sgd",
    "learning_rate_init": 0.1,
    "batch_size": 10,
}
_ELU_TOWER = _SIGMOID_TOWER | {"activation": ["elu"] * 6, "init": "he_uniform"}

LESSONS: list[Lesson] = [
    Lesson(
        key="vanishing",
        title="Vanishing gradients: a deep sigmoid tower",
        text=(
            "Six layers of sigmoid (logistic) units. The sigmoid's slope is at most 0.25, "
            "so every layer the error signal passes back through shrinks it at least "
            "fourfold: by the first layer almost nothing is left. Watch the gradient-norm "
            "chart: the first layers' lines lie orders of magnitude below the output "
            "layer's, and the first layers hardly learn, so the boundary stays a blur."
        ),
        spec=_spec("circles", 10, _SIGMOID_TOWER),
        expect=("vanishing_gradients",),
        by_epoch=100,
    ),
    Lesson(
        key="saturation",
        title="Saturation: large initial weights",
        text=(
            "Sigmoid units whose weights start large (drawn from N(0, 1) whatever the "
            "layer's width, init='normal'). Their inputs are large, so their outputs sit "
            "at 0 or 1 on almost every point, where the slope is nearly zero: the units "
            "are saturated, pass back almost no gradient, and learn very slowly. The "
            "units' maps turn flat and the drawing marks them saturated."
        ),
        spec=_spec(
            "circles",
            10,
            {
                "hidden": [8, 8, 8],
                "activation": ["logistic"] * 3,
                "init": "normal",
                "solver": "adam",
                "learning_rate_init": 0.1,
                "batch_size": 10,
            },
        ),
        expect=("saturation",),
        by_epoch=50,
    ),
    Lesson(
        key="dead_relu",
        title="Dead ReLUs: a learning rate too large",
        text=(
            "ReLU units with a step size of 0.3. A large step can push a unit's weights "
            "and bias so far that its input is negative for every point: it then outputs "
            "0 everywhere, its gradient is 0, and nothing brings it back. Watch the units "
            "go dark on the drawing, one layer after another, and the boundary freeze."
        ),
        spec=_spec(
            "moons",
            20,
            {
                "hidden": [8, 8, 8],
                "activation": ["relu"] * 3,
                "solver": "adam",
                "learning_rate_init": 0.3,
                "batch_size": 10,
            },
        ),
        expect=("dead_units",),
        by_epoch=50,
    ),
    Lesson(
        key="exploding",
        title="Exploding gradients: a deep ReLU tower with large weights",
        text=(
            "Six ReLU layers whose weights start large (init='normal'). Each layer "
            "multiplies the signal, forwards and backwards, by more than one: the "
            "gradient grows layer by layer, the steps become huge, and the weights blow "
            "up until training diverges. Setting clip_grad_norm caps each step's size "
            "and tames it."
        ),
        spec=_spec(
            "circles",
            10,
            {
                "hidden": [8, 8, 8, 8, 8, 8],
                "activation": ["relu"] * 6,
                "init": "normal",
                "solver": "sgd",
                "learning_rate_init": 0.1,
                "batch_size": 10,
            },
        ),
        expect=("exploding_gradients",),
        by_epoch=50,
    ),
    Lesson(
        key="elu_fix",
        title="The fix: ELU units with He initialisation",
        text=(
            "The same six-layer tower as the vanishing-gradient lesson, with ELU units "
            "and He initialisation. ELU's slope is 1 for positive inputs, so the error "
            "signal passes back undiminished; for negative inputs it still passes some "
            "back, so no unit dies; He's initial weights keep each layer's outputs at the "
            "same scale. Every layer learns, and no finding appears."
        ),
        spec=_spec("circles", 10, _ELU_TOWER),
        expect=(),
        by_epoch=150,
    ),
    Lesson(
        key="sigmoid_vs_elu",
        title="Side by side: sigmoid against ELU",
        text=(
            "The lecture's point in one picture: the same data, the same seed, the same "
            "six-layer shape, trained in lockstep. On the left, sigmoid units: the "
            "gradient vanishes on its way back and the first layers barely move. On the "
            "right, ELU units with He initialisation: every layer learns."
        ),
        spec=_spec("circles", 10, _SIGMOID_TOWER, _ELU_TOWER),
        expect=("vanishing_gradients",),
        by_epoch=100,
    ),
]
