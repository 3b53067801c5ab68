"""Experiments on a real Dask cluster: two worker processes on this machine."""

import math
import os
import socket
import subprocess
import sys
import threading
import time

import pandas as pd
import pytest
from distributed import Client, LocalCluster
from sklearn.datasets import make_moons

from glassnet.experiments import smallest_network, sweep
from glassnet.experiments._runner import SchedulerError, run_tasks

GRID = {"n_samples": (200, 400), "noise": (0.05, 0.3)}
SEARCH = {"target": 0.9, "seeds": 2, "max_units": 4, "max_layers": 1}


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def client(cluster):
    with Client(cluster, set_as_default=False) as client:
        yield client


def n_clients(client):
    return client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.clients))


def n_finished(client, prefix):
    """How many tasks named ``prefix-...`` the cluster has finished so far."""
    counts = client.run_on_scheduler(
        lambda dask_scheduler: {
            name: prefix.state_counts["memory"]
            for name, prefix in dask_scheduler.task_prefixes.items()
        }
    )
    return counts.get(prefix, 0)


def where(k):
    """k! and the process that computed it."""
    return math.factorial(k), os.getpid()


def run_within(seconds, function):
    """Call function() in a thread; fail the test if it has not returned after `seconds`."""
    outcome = {}

    def target():
        try:
            outcome["result"] = function()
        except Exception as err:
            outcome["error"] = err

    thread = threading.Thread(target=target, daemon=True)
    start = time.perf_counter()
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds} s"
    return outcome, time.perf_counter() - start


# run_tasks


def test_run_tasks_on_the_workers_with_a_client_left_open(client):
    # A lambda is shipped by value; the test module is not importable on the workers.
    results = dict(run_tasks(lambda k: where(k), range(8), scheduler=client))
    assert {k: value for k, (value, _) in results.items()} == {
        k: math.factorial(k) for k in range(8)
    }
    pids = {pid for _, pid in results.values()}
    assert os.getpid() not in pids
    assert pids <= set(client.run(os.getpid).values())
    assert client.status == "running"


def test_run_tasks_at_an_address_connects_and_disconnects(cluster, client):
    before = n_clients(client)
    results = run_tasks(math.factorial, range(8), scheduler=cluster.scheduler_address)
    assert sorted(results) == [(k, math.factorial(k)) for k in range(8)]
    deadline = time.perf_counter() + 5
    while n_clients(client) != before and time.perf_counter() < deadline:
        time.sleep(0.05)
    assert n_clients(client) == before


def test_a_task_error_on_a_worker_is_raised_here(client):
    with pytest.raises(ValueError, match="not defined for negative"):
        list(run_tasks(math.factorial, [3, -1, 4], scheduler=client))


# sweep and smallest_network


def test_sweep_on_a_cluster_gives_the_same_table(client, tmp_path):
    here = sweep(**GRID, **SEARCH)
    out = tmp_path / "sweep.csv"
    there = sweep(**GRID, **SEARCH, out=out, scheduler=client)
    assert (there.n_run, there.n_skipped) == (4, 0)
    assert n_finished(client, "run_cell") == 4
    pd.testing.assert_frame_equal(
        there.table.drop(columns="seconds"), here.table.drop(columns="seconds")
    )
    assert len(pd.read_csv(out)) == 4


def test_smallest_network_on_a_cluster_gives_the_same_scores(cluster, client):
    X, y = make_moons(300, noise=0.1, random_state=0)
    small = {"max_layers": 2, "max_units": 4, "seeds": 3, "max_iter": 300}
    here = smallest_network(X, y, **small)
    there = smallest_network(X, y, scheduler=cluster.scheduler_address, **small)
    pd.testing.assert_frame_equal(there.scores, here.scores)
    assert there.hidden_layer_sizes == here.hidden_layer_sizes
    # On the batched engine, one task per architecture trains all of its seeds.
    assert n_finished(client, "fit_seeds") == len(there.summary)


# Errors


@pytest.fixture
def silent_server():
    """An address that accepts connections and never says a word."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"


@pytest.mark.parametrize("kind", ["nothing listening", "silent server"])
def test_an_unreachable_scheduler_is_an_error_after_the_timeout(kind, request):
    address = (
        "tcp://127.0.0.1:9"
        if kind == "nothing listening"
        else request.getfixturevalue("silent_server")
    )
    outcome, seconds = run_within(
        2 + 5, lambda: list(run_tasks(math.factorial, [3], scheduler=address, timeout=2))
    )
    assert isinstance(outcome.get("error"), SchedulerError), outcome
    assert isinstance(outcome["error"], ValueError)
    message = str(outcome["error"])
    assert f"could not connect to a Dask scheduler at '{address}': no answer within 2 s" in (
        message
    )
    assert "Check that the scheduler is running" in message
    assert seconds >= 1.5


def test_n_jobs_and_scheduler_together_are_refused_before_connecting():
    # Refused at once: no attempt to reach the address, which would take the timeout.
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"n_jobs=2 and scheduler='tcp://127\.0\.0\.1:9'"):
        run_tasks(math.factorial, [3], n_jobs=2, scheduler="tcp://127.0.0.1:9")
    with pytest.raises(ValueError, match=r"were both given; .* pass one of the two"):
        sweep(**GRID, **SEARCH, n_jobs=2, scheduler="tcp://127.0.0.1:9")
    assert time.perf_counter() - start < 1


def test_a_scheduler_that_is_neither_an_address_nor_a_client_is_refused():
    with pytest.raises(ValueError, match="scheduler=8786 is a int; give the Dask scheduler's"):
        list(run_tasks(math.factorial, [3], scheduler=8786))


def test_importing_glassnet_does_not_import_dask():
    code = (
        "import sys, glassnet; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'dask', 'distributed'}))"
    )
    imported = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert imported.strip() == "[]"
