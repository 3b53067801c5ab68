"""What a playground run is: the data, the input features, one or two networks, a seed.

A :class:`RunSpec` is the whole state of the page (the URL holds it), validated with
bounds that keep one run small enough for a class to share a server. Messages name
the control and the allowed range, as the student sees them on the page.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from glassnet.nn import ACTIVATIONS, INITIALIZERS
from glassnet.workflow.plane import PLANE_FEATURES

# The bounds of one run: TensorFlow Playground's are 6 layers of 8 units and 500
# points; a run here may be twice as wide and four times as large.
MAX_LAYERS = 6
MAX_UNITS = 16
MAX_POINTS = 2000
MAX_BATCH = 500
DATASETS = ("moons", "circles", "xor", "spiral", "blobs", "titanic", "csv")
HIDDEN_ACTIVATIONS = tuple(name for name in ACTIVATIONS if name != "softmax")


class DataSpec(BaseModel):
    """The data: which set, how many points, how noisy, how many held out."""

    model_config = ConfigDict(extra="forbid")

    dataset: Literal["moons", "circles", "xor", "spiral", "blobs", "titanic", "csv"] = "moons"
    classes: int = Field(2, ge=2, le=4, description="Gaussian blobs: how many classes")
    noise: int = Field(20, ge=0, le=50, description="noise, in per cent")
    samples: int = Field(500, ge=20, le=MAX_POINTS, description="points (rows of a file)")
    test_share: int = Field(50, ge=10, le=90, description="test rows, in per cent")
    upload: str | None = Field(None, pattern=r"^[0-9a-f]{64}$", description="a CSV's SHA-256")
    x1: str | None = None
    x2: str | None = None
    label: str | None = None

    @model_validator(mode="after")
    def _columns_for_files(self) -> DataSpec:
        if self.dataset == "csv" and not (self.upload and self.x1 and self.x2 and self.label):
            raise ValueError(
                "a CSV data set needs the uploaded file and its x1, x2 and label columns"
            )
        return self


class NetworkSpec(BaseModel):
    """One network and how it trains: the parameters of ``MLPClassifier``."""

    model_config = ConfigDict(extra="forbid")

    hidden: list[int] = Field(default_factory=lambda: [4, 2], max_length=MAX_LAYERS)
    activation: list[str] = Field(default_factory=lambda: ["tanh", "tanh"])
    init: str = "auto"
    solver: Literal["sgd", "adam"] = "adam"
    learning_rate_init: float = Field(0.03, gt=0, le=10)
    batch_size: int = Field(10, ge=1, le=MAX_BATCH)
    alpha: float = Field(0.0, ge=0, le=10)
    dropout: float = Field(0.0, ge=0, le=0.9)
    clip_grad_norm: float | None = Field(None, gt=0, le=1e6)
    momentum: float = Field(0.9, ge=0, le=1)

    @field_validator("hidden")
    @classmethod
    def _units(cls, hidden: list[int]) -> list[int]:
        for i, units in enumerate(hidden, start=1):
            if not 1 <= units <= MAX_UNITS:
                raise ValueError(
                    f"hidden layer {i} has {units} units; the playground allows 1 to "
                    f"{MAX_UNITS} per layer"
                )
        return hidden

    @field_validator("init")
    @classmethod
    def _init(cls, init: str) -> str:
        if init not in INITIALIZERS:
            raise ValueError(f"init {init!r} is not one of {', '.join(INITIALIZERS)}")
        return init

    @model_validator(mode="after")
    def _one_activation_per_layer(self) -> NetworkSpec:
        if len(self.activation) != len(self.hidden):
            raise ValueError(
                f"give one activation per hidden layer: {len(self.hidden)} layers, "
                f"{len(self.activation)} activations"
            )
        for name in self.activation:
            if name not in HIDDEN_ACTIVATIONS:
                raise ValueError(
                    f"activation {name!r} is not one of {', '.join(HIDDEN_ACTIVATIONS)}"
                )
        return self

    def estimator_params(self, seed: int, max_iter: int) -> dict:
        """Return the ``MLPClassifier`` parameters of this network (never stopping by itself)."""
        params = {
            "hidden_layer_sizes": tuple(self.hidden),
            "activation": list(self.activation),
            "solver": self.solver,
            "learning_rate_init": self.learning_rate_init,
            "batch_size": self.batch_size,
            "alpha": self.alpha,
            "init": self.init,
            "dropout": self.dropout,
            "clip_grad_norm": self.clip_grad_norm,
            "max_iter": max_iter,
            # The page trains until the student stops it, as Playground does: the
            # stopping rule would need more epochs without progress than it will see.
            "n_iter_no_change": max_iter,
            "random_state": seed,
        }
        if self.solver == "sgd":
            params["momentum"] = self.momentum
        return params


class RunSpec(BaseModel):
    """The page's whole state: data, input features, seed, one or two networks."""

    model_config = ConfigDict(extra="forbid")

    data: DataSpec = Field(default_factory=DataSpec)
    features: list[str] = Field(default_factory=lambda: ["x1", "x2"], min_length=1)
    seed: int = Field(0, ge=0, le=2**31 - 1)
    lanes: list[NetworkSpec] = Field(
        default_factory=lambda: [NetworkSpec()], min_length=1, max_length=2
    )

    @field_validator("features")
    @classmethod
    def _features(cls, features: list[str]) -> list[str]:
        unknown = [f for f in features if f not in PLANE_FEATURES]
        if unknown or len(set(features)) != len(features):
            raise ValueError(
                f"features must be distinct names of {', '.join(PLANE_FEATURES)}; got "
                f"{', '.join(features)}"
            )
        # Playground's order, whatever order they were ticked in.
        return [f for f in PLANE_FEATURES if f in features]


def explain(error: ValidationError) -> str:
    """One sentence per problem of a spec, naming where it is (``lanes.0.batch_size``)."""
    parts = []
    for problem in error.errors():
        where = ".".join(str(p) for p in problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts) + "."
