"""The Ladder learns a prober nothing: a one-row change is never released.

A student who flips one row at a time and watches whether the Ladder releases the new
score would learn that row's label from every release. The parameter-free Ladder
releases when the mean loss drops by more than s/sqrt(n); for a one-row change both
are exactly 1/n, so only an exact comparison refuses it every time.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import update

from glassnet.compete.db import make_engine
from glassnet.compete.models import Competition


def flip(labels: np.ndarray, row: int) -> np.ndarray:
    probe = labels.copy()
    probe[row] = "1" if probe[row] == "0" else "0"
    return probe


def test_a_student_flipping_one_row_at_a_time_learns_no_label(live_server_factory):
    # 150 submissions on the live server, as in the issue: one public row flipped in each.
    server = live_server_factory(scoring="ladder", daily_limit=200, invalid_daily_limit=0)
    public_rows = np.flatnonzero(server.public_mask())[:149]
    best = np.full(len(server.solution), "0", dtype=object)  # the student's first guess
    learned = []
    with server.client(server.token) as client:
        first = server.upload(client, server.predictions_csv(column=best)).json()
        assert first["released"]
        shown = first["public_score"]
        for row in public_rows:
            probe = flip(best, row)
            answer = server.upload(client, server.predictions_csv(column=probe)).json()
            if answer["released"]:  # the flip was right: row's label learned
                learned.append(row)
                best, shown = probe, answer["public_score"]
            else:  # the previous release is shown again
                assert answer["public_score"] == shown
    assert learned == []


def test_a_ladder_on_a_metric_it_cannot_guard_keeps_the_first_release(live_server_factory):
    # A competition made before init refused f1 with the Ladder: it answers, and releases
    # nothing after the first score (releasing would let one-row probes through).
    server = live_server_factory(metric="f1")
    engine = make_engine(server.database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(Competition)
                .where(Competition.name == server.competition)
                .values(scoring="ladder")
            )
    finally:
        engine.dispose()
    with server.client(server.token) as client:
        first = server.upload(client, server.predictions_csv(flip=60)).json()
        better = server.upload(client, server.predictions_csv(flip=0))
    assert better.status_code == 201, better.text
    assert first["released"] and not better.json()["released"]
    assert better.json()["public_score"] == first["public_score"]
