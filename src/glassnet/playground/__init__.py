"""The playground: a live page where a network learns in front of you.

``glassnet playground`` serves it (:func:`glassnet.playground.app.create_app`). The
page draws what glassnet's own ``MLPClassifier`` does epoch by epoch on 2-D data: the
decision boundary, every unit's output and health, the weights, the gradient norms,
the losses, and the findings of ``diagnose()`` as they become true.

- ``spec.py``: what a run is (data, features, networks), with its bounds
- ``datasets.py``: the toy problems, the course's Titanic file, uploaded CSVs
- ``lane.py``: one network trained one epoch at a time, and what the page draws of it
- ``runs.py``: a page's networks trained in lockstep by one thread, at the page's pace
- ``session.py``: one page's WebSocket messages; ``app.py``: the FastAPI server
- ``export.py``: the run as a Python script; ``lessons.py``: the lecture's presets
- ``static/``: the page (HTML, CSS and JavaScript, no library)
"""
