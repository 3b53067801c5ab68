"""``glassnet compete init``: a competition from a training file and a hidden solution.

The instructor gives the training file (with labels), the solution (ID, label and
optionally a ``Usage`` column of ``Public``/``Private``) and, with ``--test``, the
test rows' features (Kaggle's ``test.csv``); without ``--test`` the solution's other
columns are the features. Students get ``train.csv``, ``test.csv`` (no labels) and
``sample_submission.csv``; the labels go into the database only.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from glassnet.compete import crud
from glassnet.compete.db import session_scope
from glassnet.compete.models import Competition, SolutionRow, Submission
from glassnet.compete.scoring import get_metric, ladder_metrics, stratified_public_mask
from glassnet.compete.submission_file import normalise_label
from glassnet.workflow.data import DataError, read_csv, unknown_columns_message

MAJORITY_BASELINE = "majority class"


@dataclass
class CompetitionSpec:
    """Everything ``init`` is told (see ``glassnet compete init --help``)."""

    name: str
    train: Path
    solution: Path
    id_column: str
    target: str
    metric: str = "accuracy"
    test: Path | None = None
    public_fraction: float = 0.3
    daily_limit: int = 5
    invalid_daily_limit: int = 50
    final_selections: int = 2
    deadline: datetime | None = None
    late_until: datetime | None = None
    scoring: str = "exact"
    precision: int = 5
    seed: int = 0
    baselines: dict[str, Path] = field(default_factory=dict)
    require_signature: bool = False
    out_dir: Path = Path(".")


@dataclass(frozen=True)
class Created:
    """What ``init`` made: the instructor token (shown once), files, baseline scores."""

    instructor_token: str
    files: list[Path]
    public_rows: int
    private_rows: int
    baselines: dict[str, float]


def parse_deadline(text: str | None, option: str = "--deadline") -> datetime | None:
    """Read an ISO date-time such as ``2026-12-01T18:00``; without a zone it is UTC."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{option} {text!r} is not a date and time; write it as 2026-12-01T18:00 "
            "(UTC) or 2026-12-01T18:00+01:00."
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _check_spec(spec: CompetitionSpec) -> None:
    """Refuse settings that cannot run a competition, naming the option."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}", spec.name):
        raise ValueError(
            f"The competition name {spec.name!r} goes into URLs (/c/NAME): use letters, "
            "digits, '.', '_' and '-' only, e.g. titanic-2026."
        )
    if spec.deadline is not None and spec.deadline <= crud.now():
        raise ValueError(
            f"--deadline {spec.deadline:%Y-%m-%dT%H:%M} has passed (it is now "
            f"{crud.now():%Y-%m-%dT%H:%M} UTC): the competition would be closed from the "
            "start. Give a later date and time."
        )
    if spec.late_until is not None and (spec.deadline is None or spec.late_until <= spec.deadline):
        raise ValueError(
            "--late-until must come after --deadline (late work is taken between the two); "
            "give both, the later one to --late-until."
        )
    if spec.scoring not in ("exact", "ladder"):
        raise ValueError(f"--scoring must be exact or ladder; received {spec.scoring!r}.")
    if spec.scoring == "ladder" and get_metric(spec.metric).losses is None:
        # Its score moves by more than 1/n for one row, so each probe would be released.
        raise ValueError(
            f"--scoring ladder needs a metric that is a mean of per-row losses "
            f"({', '.join(ladder_metrics())}); {spec.metric} is not, and a change of one "
            "row would be released. Use --scoring exact, or one of those metrics."
        )
    for option, value, least in [
        ("--daily-limit", spec.daily_limit, 1),
        ("--invalid-limit", spec.invalid_daily_limit, 0),
        ("--final-selections", spec.final_selections, 1),
        ("--precision", spec.precision, 0),
    ]:
        if value < least:
            raise ValueError(f"{option} must be at least {least}; received {value}.")


def _read_text_table(path: Path) -> pd.DataFrame:
    """Read every cell as the text it is (IDs stay ``"007"``), delimiter detected."""
    table = read_csv(path)
    return pd.read_csv(path, sep=table.delimiter, dtype=str, keep_default_na=False)


def _need_columns(frame: pd.DataFrame, columns: list[str], path: Path) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(unknown_columns_message(missing, list(frame.columns), str(path)))


def _classes(train: pd.DataFrame, spec: CompetitionSpec) -> list[str]:
    labels = {normalise_label(v) for v in train[spec.target] if v.strip()}
    if len(labels) < 2:
        raise DataError(f"{spec.train}: {spec.target!r} has fewer than two labels.")
    try:
        return sorted(labels, key=float)
    except ValueError:
        return sorted(labels)


def _solution(spec: CompetitionSpec, classes: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Read and check the solution, in the students' order; return it and its public mask."""
    frame = _read_text_table(spec.solution)
    _need_columns(frame, [spec.id_column, spec.target], spec.solution)
    frame[spec.id_column] = frame[spec.id_column].str.strip()
    frame[spec.target] = frame[spec.target].map(normalise_label)
    ids = frame[spec.id_column]
    if (ids == "").any() or ids.duplicated().any():
        raise DataError(f"{spec.solution}: every {spec.id_column} must be given and unique.")
    frame = frame.iloc[_student_order(ids, spec.seed)].reset_index(drop=True)
    unknown = sorted(set(frame[spec.target]) - set(classes))
    if unknown:
        raise DataError(
            f"{spec.solution}: labels {', '.join(unknown[:5])} of {spec.target!r} never occur "
            f"in {spec.train} (labels {', '.join(classes)}); check the two files."
        )
    labels = frame[spec.target].to_numpy(dtype=object)
    if "Usage" not in frame.columns:
        return frame, stratified_public_mask(labels, spec.public_fraction, spec.seed)
    usage = frame["Usage"].str.strip().str.lower()
    if not usage.isin(["public", "private"]).all():
        raise DataError(f"{spec.solution}: the Usage column may hold only Public or Private.")
    return frame, (usage == "public").to_numpy()


def _student_order(ids: pd.Series, seed: int) -> np.ndarray:
    """Order the test rows for the students: the IDs sorted, then shuffled with `seed`.

    The solution's own order never shows: an instructor may have sorted it by label or
    by Usage, and test.csv (and every list of IDs a message quotes, in solution order)
    would hand those to every student. Sorting first makes the order the same whatever
    the solution's, and the shuffle keeps it from being the IDs', which may have been
    given out by label.
    """
    by_id = np.argsort(ids.to_numpy(dtype=str), kind="stable")
    # A stream of its own, apart from the public/private draw's.
    shuffle = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    return by_id[shuffle.permutation(len(by_id))]


def _test_features(spec: CompetitionSpec, solution: pd.DataFrame) -> pd.DataFrame:
    """Return the test rows students get, in the solution's (students') order, no label."""
    if spec.test is None:
        return solution.drop(columns=[spec.target, "Usage"], errors="ignore")
    test = _read_text_table(spec.test)
    _need_columns(test, [spec.id_column], spec.test)
    if spec.target in test.columns:
        raise DataError(
            f"{spec.test} has the {spec.target!r} column: the test file students get must "
            "not hold the labels. Pass the features without it."
        )
    test[spec.id_column] = test[spec.id_column].str.strip()
    if set(test[spec.id_column]) != set(solution[spec.id_column]) or len(test) != len(solution):
        raise DataError(
            f"{spec.test} and {spec.solution} must hold the same {spec.id_column}s, once each."
        )
    return test.set_index(spec.id_column).loc[solution[spec.id_column]].reset_index()


def _write_student_files(
    spec: CompetitionSpec, test: pd.DataFrame, sample: np.ndarray
) -> list[Path]:
    spec.out_dir.mkdir(parents=True, exist_ok=True)
    train, test_path, sample_path = (
        spec.out_dir / name for name in ("train.csv", "test.csv", "sample_submission.csv")
    )
    if train.resolve() != spec.train.resolve():
        shutil.copyfile(spec.train, train)
    test.to_csv(test_path, index=False)
    pd.DataFrame({spec.id_column: test[spec.id_column], spec.target: sample}).to_csv(
        sample_path, index=False
    )
    return [train, test_path, sample_path]


def _majority(train: pd.DataFrame, spec: CompetitionSpec, n: int, positive: str) -> np.ndarray:
    """Predict the majority class: its label, or the positive label's training share."""
    labels = train[spec.target].map(normalise_label)
    labels = labels[labels != ""]
    if get_metric(spec.metric).wants == "probabilities":
        return np.full(n, float(np.mean(labels == positive)))
    return np.full(n, labels.value_counts().idxmax(), dtype=object)


def _model_predictions(
    model: Path, test_csv: Path, spec: CompetitionSpec, positive: str
) -> np.ndarray:
    """Predict the test rows with a model file, as the competition scores them."""
    from glassnet.workflow.model_data import read_model_data

    checked = read_model_data(model, test_csv, [spec.id_column], spec.require_signature)
    if get_metric(spec.metric).wants == "labels":
        labels = checked.pipeline.predict(checked.features)
        return np.array([normalise_label(str(v)) for v in labels], dtype=object)
    classes = [normalise_label(str(c)) for c in checked.pipeline.classes_]
    if positive not in classes:
        raise DataError(f"{model} does not predict the label {positive!r}.")
    return checked.pipeline.predict_proba(checked.features)[:, classes.index(positive)]


def create_competition(engine: Engine, spec: CompetitionSpec) -> Created:
    """Check the files, write the students' files and store the competition.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The database (migrated).
    spec : CompetitionSpec
        What ``init`` was told.

    Returns
    -------
    Created
        The instructor token (shown once), the files written, baseline public scores.
    """
    metric = get_metric(spec.metric)
    _check_spec(spec)
    with session_scope(engine) as session:
        _check_new_name(session, spec.name)  # before any file is written
    train = _read_text_table(spec.train)
    _need_columns(train, [spec.id_column, spec.target], spec.train)
    classes = _classes(train, spec)
    if metric.wants == "probabilities" and len(classes) != 2:
        raise DataError(f"{metric.name} needs two labels; {spec.target!r} has {len(classes)}.")
    solution, public = _solution(spec, classes)
    test = _test_features(spec, solution)
    positive = classes[-1]
    sample = _majority(train, spec, len(test), positive)
    files = _write_student_files(spec, test, sample)
    predictions = {MAJORITY_BASELINE: sample}
    for name, model in spec.baselines.items():
        predictions[name] = _model_predictions(model, files[1], spec, positive)
    token = crud.new_token()
    with session_scope(engine) as session:
        competition = _store(session, spec, classes, positive, crud.hash_token(token))
        _store_solution(session, competition, solution, public, spec)
        crud.store_student_files(session, competition, {f.name: f.read_bytes() for f in files})
        scored = crud.load_solution(session, competition)
        baselines = {
            name: _store_baseline(session, competition, scored, name, values)
            for name, values in predictions.items()
        }
    return Created(token, files, int(public.sum()), int((~public).sum()), baselines)


def _check_new_name(session: Session, name: str) -> None:
    if session.scalar(select(Competition.id).where(Competition.name == name)) is not None:
        raise ValueError(
            f"A competition named {name!r} already exists in this database; choose another "
            "name or another --database."
        )


def _store(
    session: Session, spec: CompetitionSpec, classes: list[str], positive: str, token_hash: str
) -> Competition:
    _check_new_name(session, spec.name)
    competition = Competition(
        name=spec.name,
        metric=spec.metric,
        id_column=spec.id_column,
        target=spec.target,
        classes=json.dumps(classes),
        positive_label=positive,
        public_fraction=spec.public_fraction,
        daily_limit=spec.daily_limit,
        invalid_daily_limit=spec.invalid_daily_limit,
        final_selections=spec.final_selections,
        deadline=spec.deadline,
        late_until=spec.late_until,
        board_version=0,
        scoring=spec.scoring,
        precision=spec.precision,
        revealed=False,
        instructor_token_hash=token_hash,
        created_at=crud.now(),
    )
    session.add(competition)
    session.flush()
    return competition


def _store_solution(
    session: Session,
    competition: Competition,
    solution: pd.DataFrame,
    public: np.ndarray,
    spec: CompetitionSpec,
) -> None:
    rows = [
        {
            "competition_id": competition.id,
            "position": position,
            "row_id": row_id,
            "label": label,
            "public": bool(is_public),
        }
        for position, (row_id, label, is_public) in enumerate(
            zip(solution[spec.id_column], solution[spec.target], public, strict=True)
        )
    ]
    session.execute(insert(SolutionRow), rows)


def _store_baseline(
    session: Session,
    competition: Competition,
    solution: crud.Solution,
    name: str,
    predictions: np.ndarray,
) -> float:
    """Add a baseline row (a team without a token) with its one scored submission."""
    team, _ = crud.add_team(session, competition, name, baseline=True)
    public, private = solution.score(predictions)
    session.add(
        Submission(
            competition_id=competition.id,
            team_id=team.id,
            created_at=crud.now(),
            filename=f"{name} (baseline)",
            content_hash="",
            public_score=public,
            public_shown=public,
            private_score=private,
            released=True,
            predictions=json.dumps(predictions.tolist()),
            selected=False,
        )
    )
    return public
