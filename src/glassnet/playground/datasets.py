"""The playground's data: toy problems in the plane, the course's Titanic file, any CSV.

Every data set ends as points in the plane with a class each, split into training
and test rows, then scaled as the course scales (``StandardScaler`` fitted on the
training rows, after filling missing values with the training mean where a file
has them). The page draws the scaled plane; the network sees Playground's features
of it (:mod:`glassnet.workflow.plane`). :mod:`glassnet.playground.export` writes the
same steps as a Python script, so the numbers on the page can be had again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import make_blobs, make_circles, make_moons
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from glassnet.playground.spec import DataSpec
from glassnet.workflow.data import DataError, check_target, read_csv

Array = np.ndarray

COURSE_FILE = "titanic_train_500_age_passengerclass.csv"
COURSE_COLUMNS = ("Pclass", "Age", "Survived")
# Most classes a label column may have on the page: one colour each.
MAX_CLASSES = 8


def make_xor(n_samples: int = 500, noise: float = 0.0, random_state: int | None = None) -> tuple:
    """Points in four squares, labelled by the sign of x1 * x2 (Playground's XOR).

    A gap of 0.3 is left along the axes; ``noise`` (0 to 0.5) moves the point used
    for the label by up to ``10 * noise`` in each direction, so labels flip near
    the axes.
    """
    rng = np.random.default_rng(random_state)
    X = rng.uniform(-5, 5, size=(n_samples, 2))
    X += np.where(X > 0, 0.3, -0.3)
    jitter = rng.uniform(-5, 5, size=X.shape) * noise
    y = ((X[:, 0] + jitter[:, 0]) * (X[:, 1] + jitter[:, 1]) >= 0).astype(int)
    return X, y


def make_spiral(n_samples: int = 500, noise: float = 0.0, random_state: int | None = None) -> tuple:
    """Two interleaved spirals of radius 5, half the points each (Playground's spiral).

    ``noise`` (0 to 0.5) moves each point by up to ``noise`` in each direction.
    """
    rng = np.random.default_rng(random_state)
    parts = []
    for label, turn in ((0, 0.0), (1, np.pi)):
        n = n_samples // 2 + (n_samples % 2) * label
        i = np.arange(n)
        r = i / n * 5
        t = 1.75 * i / n * 2 * np.pi + turn
        xy = np.column_stack([r * np.sin(t), r * np.cos(t)])
        parts.append((xy + rng.uniform(-1, 1, size=xy.shape) * noise, np.full(n, label)))
    return np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def blob_centers(n_classes: int) -> np.ndarray:
    """Centres of the Gaussian blobs: evenly on a circle of radius 3."""
    angles = 2 * np.pi * np.arange(n_classes) / n_classes + np.pi / 4
    return 3 * np.column_stack([np.cos(angles), np.sin(angles)])


def generate(spec: DataSpec, seed: int) -> tuple[Array, Array]:
    """Draw one of the toy data sets: ``(X (n, 2), y (n,))``."""
    noise = spec.noise / 100
    n = spec.samples
    if spec.dataset == "moons":
        return make_moons(n_samples=n, noise=noise, random_state=seed)
    if spec.dataset == "circles":
        return make_circles(n_samples=n, noise=noise, factor=0.5, random_state=seed)
    if spec.dataset == "xor":
        return make_xor(n_samples=n, noise=noise, random_state=seed)
    if spec.dataset == "spiral":
        return make_spiral(n_samples=n, noise=noise, random_state=seed)
    if spec.dataset == "blobs":
        return make_blobs(
            n_samples=n,
            centers=blob_centers(spec.classes),
            cluster_std=0.5 + 3 * noise,
            random_state=seed,
        )
    raise ValueError(f"{spec.dataset!r} is not a generated data set")


@dataclass(frozen=True)
class PlaneData:
    """A data set ready for the page and the network.

    Attributes
    ----------
    X_train, X_test : pandas.DataFrame
        The two input columns as given (before filling and scaling).
    y_train, y_test : ndarray
        The labels as given.
    classes : ndarray
        The sorted distinct labels; the page colours class ``k`` by its index.
    columns : tuple of str
        Names of the two inputs (``x1``, ``x2`` for the toy problems).
    label : str
        Name of the label column (``y`` for the toy problems).
    imputer : SimpleImputer or None
        Fitted on the training rows, for files with missing inputs.
    scaler : StandardScaler
        Fitted on the (filled) training rows.
    P_train, P_test : ndarray of shape (n, 2)
        The scaled points: where the page draws them, what the features are made of.
    extent : float
        The page's plane spans ``[-extent, extent]`` on both axes.
    notes : list of str
        What was done to the data that the student should know.
    """

    X_train: pd.DataFrame
    X_test: pd.DataFrame
    y_train: Array
    y_test: Array
    classes: Array
    columns: tuple[str, str]
    label: str
    imputer: SimpleImputer | None
    scaler: StandardScaler
    P_train: Array
    P_test: Array
    extent: float
    notes: list[str] = field(default_factory=list)

    def to_plane(self, X: pd.DataFrame) -> Array:
        """Fill and scale input rows as the training rows were."""
        if self.imputer is not None:
            X = pd.DataFrame(self.imputer.transform(X), columns=list(self.columns))
        return self.scaler.transform(X)


def load(spec: DataSpec, seed: int, file: Path | None = None) -> PlaneData:
    """Build the data set a spec describes.

    Parameters
    ----------
    spec : DataSpec
        Which data, how many points, how noisy, the test share; for files, the
        columns.
    seed : int
        Seeds the draw, the sample of a file's rows and the split.
    file : pathlib.Path, optional
        The CSV file, for ``dataset='titanic'`` (the course file) or ``'csv'``.

    Returns
    -------
    PlaneData

    Raises
    ------
    DataError
        For files: a column that does not exist or is not numeric, a label column
        that is not classes, too few rows of a class to split.
    """
    notes: list[str] = []
    if spec.dataset in ("titanic", "csv"):
        if file is None:
            raise DataError(f"the {spec.dataset} data set needs a file")
        frame, columns, label = _read_file(spec, file, notes)
        X = frame[list(columns)]
        if spec.samples < len(frame):
            X = X.sample(n=spec.samples, random_state=seed)
            notes.append(f"{spec.samples} of the file's {len(frame)} rows, drawn at random.")
        y = frame.loc[X.index, label].to_numpy()
        X = X.reset_index(drop=True)
    else:
        raw, y = generate(spec, seed)
        columns, label = ("x1", "x2"), "y"
        X = pd.DataFrame(raw, columns=list(columns))
    classes = np.unique(y)
    X_train, X_test, y_train, y_test = _split(X, y, spec.test_share / 100, seed, label)
    imputer = None
    if X_train.isna().any().any() or X_test.isna().any().any():
        imputer = SimpleImputer().fit(X_train)
        for name, mean, missing in zip(
            columns, imputer.statistics_, X.isna().sum().tolist(), strict=True
        ):
            if missing:
                notes.append(
                    f"{name}: {missing} missing values filled with the training rows' "
                    f"mean, {mean:.4g}."
                )
        X_fill = pd.DataFrame(imputer.transform(X_train), columns=list(columns))
    else:
        X_fill = X_train
    scaler = StandardScaler().fit(X_fill)
    data = PlaneData(
        X_train=X_train,
        X_test=X_test,
        y_train=y_train,
        y_test=y_test,
        classes=classes,
        columns=columns,
        label=label,
        imputer=imputer,
        scaler=scaler,
        P_train=np.empty((0, 2)),
        P_test=np.empty((0, 2)),
        extent=0.0,
        notes=notes,
    )
    P_train, P_test = data.to_plane(X_train), data.to_plane(X_test)
    reach = max(np.abs(P_train).max(), np.abs(P_test).max())
    # A round edge a little beyond the farthest point, so the picture has a margin.
    extent = float(np.ceil(reach * 1.05 * 2) / 2)
    return PlaneData(**{**data.__dict__, "P_train": P_train, "P_test": P_test, "extent": extent})


def _read_file(spec: DataSpec, file: Path, notes: list[str]) -> tuple:
    """Read a CSV and check its chosen columns: (frame, (x1, x2), label)."""
    table = read_csv(file)
    frame = table.frame
    if spec.dataset == "titanic":
        x1, x2, label = COURSE_COLUMNS
    else:
        x1, x2, label = spec.x1, spec.x2, spec.label
    for role, name in (("x1", x1), ("x2", x2), ("label", label)):
        if name not in frame.columns:
            found = ", ".join(map(str, frame.columns[:12]))
            raise DataError(
                f"{file.name} has no column {name!r} (chosen as {role}); its columns are "
                f"{found}{', ...' if len(frame.columns) > 12 else ''}. Pick one of them."
            )
    if len({x1, x2, label}) < 3:
        raise DataError(
            f"pick three different columns of {file.name} for x1, x2 and the label; "
            f"got {x1!r}, {x2!r} and {label!r}."
        )
    for role, name in (("x1", x1), ("x2", x2)):
        if not pd.api.types.is_numeric_dtype(frame[name]):
            sample = frame[name].dropna().astype(str).head(3).tolist()
            raise DataError(
                f"column {name!r} of {file.name} (chosen as {role}) is not numeric "
                f"(values such as {', '.join(map(repr, sample))}); the plane needs numbers. "
                "Pick a numeric column."
            )
        if frame[name].isna().all():
            raise DataError(f"column {name!r} of {file.name} has no values; pick another.")
    target = check_target(frame[[x1, x2, label]], label, file.name, option="the label menu")
    if target.notice:
        notes.append(target.notice)
    if len(target.classes) > MAX_CLASSES:
        raise DataError(
            f"label column {label!r} of {file.name} has {len(target.classes)} classes; the "
            f"playground colours at most {MAX_CLASSES}. Pick a column with fewer classes."
        )
    return target.frame, (x1, x2), label


def _split(X: pd.DataFrame, y: Array, test_size: float, seed: int, label: str) -> tuple:
    """Split as the exported script does: stratified by class, seeded."""
    classes, counts = np.unique(y, return_counts=True)
    if counts.min() < 2:
        raise DataError(
            f"class {classes[counts.argmin()]!r} of {label!r} has a single row, so it cannot "
            "be in both the training and the test rows; use more rows or another label."
        )
    try:
        return train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y)
    except ValueError as err:
        raise DataError(
            f"cannot split {len(y)} rows of {len(classes)} classes with a {test_size:.0%} "
            f"test share ({err}); use more rows or a test share nearer 50 %."
        ) from err
