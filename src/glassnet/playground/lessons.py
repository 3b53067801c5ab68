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
    "learning_rate_init": 0.03,
    "batch_size": 10,
}
# The fix the vanishing-gradient finding advises: ELU units, He initialisation.
_ELU_TOWER = _SIGMOID_TOWER | {"activation": ["elu"] * 6, "init": "he_uniform"}

# Measured on circles (noise 10 %) with seeds 0-9, diagnose() after every epoch: each
# lesson showed its finding on all ten seeds, and the fix none on any (see the README).
LESSONS: list[Lesson] = [
    Lesson(
        key="vanishing",
        title="Vanishing gradients: a deep sigmoid tower",
        text=(
            "Six layers of sigmoid (logistic) units trained with plain SGD. A sigmoid's "
            "slope is at most 0.25, so the error signal shrinks at every layer it passes "
            "back through: by the first layer it is about a millionth of the output "
            "layer's. Watch the gradient-norm chart: hidden 1's line lies orders of "
            "magnitude below the output's, the first layers barely change, and the "
            "boundary never forms (test accuracy stays at 50 %). Two sigmoid layers with "
            "the same settings learn the circles; six do not."
        ),
        spec=_spec("circles", 10, _SIGMOID_TOWER),
        expect=("vanishing_gradients",),
        by_epoch=10,
    ),
    Lesson(
        key="saturation",
        title="Saturation: large weights, large steps",
        text=(
            "Six tanh layers whose weights start large (drawn from N(0, 1) whatever the "
            "layer's width, init='normal') and take large SGD steps (0.1). Within a few "
            "epochs most units are pushed onto the flat ends of the S-curve: their output "
            "sits near -1 or +1 on almost every point, where the slope is nearly zero. A "
            "saturated unit passes back almost no gradient, so the network freezes; the "
            "drawing marks the units saturated and their maps turn flat. (At this width "
            "N(0, 1) is only about three times Glorot's scale: the large start makes "
            "saturation come sooner, the large steps finish the job.)"
        ),
        spec=_spec(
            "circles",
            10,
            _SIGMOID_TOWER
            | {"activation": ["tanh"] * 6, "init": "normal", "learning_rate_init": 0.1},
        ),
        expect=("saturation",),
        by_epoch=150,
    ),
    Lesson(
        key="dead_relu",
        title="Dead ReLUs: a learning rate too large",
        text=(
            "Three ReLU layers with a step size of 0.3 (ten times the default). A large "
            "step can push a unit's weights and bias so far that its input is negative "
            "for every point: it then outputs 0 everywhere, its gradient is 0, and it "
            "stops learning. Watch the units go dark on the drawing, layer 3 first: "
            "within ten epochs a whole layer is dead, the output is constant and the "
            "accuracy is 50 %. With the default step, 0.03, the same network learns the "
            "circles."
        ),
        spec=_spec(
            "circles",
            10,
            {
                "hidden": [8, 8, 8],
                "activation": ["relu"] * 3,
                "solver": "adam",
                "learning_rate_init": 0.3,
                "batch_size": 10,
            },
        ),
        expect=("dead_units",),
        by_epoch=20,
    ),
    Lesson(
        key="exploding",
        title="Exploding gradients: six layers that multiply",
        text=(
            "Six linear (identity) layers with weights drawn from N(0, 1): each layer "
            "multiplies the signal, forwards and backwards, by about the square root of "
            "its width, nearly 3. The gradient grows a hundredfold within two epochs, "
            "the steps become huge, and at epoch 3 the numbers overflow: training "
            "diverges. (The inputs include x1² and x2² so that a linear network "
            "could solve the circles at all.) Set the gradient clip, clip_grad_norm, to 1 "
            "and train again: each step's size is capped, and the same network reaches "
            "about 99 %."
        ),
        spec=RunSpec.model_validate(
            {
                "data": {"dataset": "circles", "noise": 10},
                "features": ["x1", "x2", "x1^2", "x2^2"],
                "lanes": [
                    {
                        "hidden": [8] * 6,
                        "activation": ["identity"] * 6,
                        "init": "normal",
                        "solver": "sgd",
                        "learning_rate_init": 0.003,
                        "batch_size": 100,
                    }
                ],
            }
        ),
        expect=("exploding_gradients",),
        by_epoch=5,
    ),
    Lesson(
        key="elu_fix",
        title="The fix: ELU units with He initialisation",
        text=(
            "The six-layer tower of the vanishing-gradient lesson, with the same SGD "
            "steps, but ELU units and He initialisation, as that lesson's finding "
            "advises. ELU's slope is 1 for positive inputs, so the error signal passes "
            "back without shrinking, and He's initial weights keep every layer's outputs "
            "at the same scale. Every layer learns: about 98 % by epoch 50, and no "
            "finding at any epoch."
        ),
        spec=_spec("circles", 10, _ELU_TOWER),
        expect=(),
        by_epoch=100,
    ),
    Lesson(
        key="sigmoid_vs_elu",
        title="Side by side: sigmoid against ELU",
        text=(
            "The lecture's point in one picture: the same data, the same seed, the same "
            "six-layer shape and the same SGD steps, trained in lockstep. On the left (A), "
            "sigmoid units: the gradient vanishes on its way back, the first layers "
            "barely move, and the accuracy stays at 50 %. On the right (B), ELU units "
            "with He initialisation: every layer learns, and no finding appears."
        ),
        spec=_spec("circles", 10, _SIGMOID_TOWER, _ELU_TOWER),
        expect=("vanishing_gradients",),
        by_epoch=10,
    ),
]
