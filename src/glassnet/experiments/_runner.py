"""Where the tasks of an experiment run: the one place that knows about processes.

Experiments hand :func:`run_tasks` a function and the tasks to call it on, and
consume the results as they complete: in this process, one task after the other;
in local joblib workers (``n_jobs=``); or on a Dask cluster (``scheduler=``, an
address or a ``dask.distributed.Client``). The experiments do not change with the
choice: they only see ``(task, result)`` pairs. Dask is imported only when a
scheduler is given, so ``import glassnet`` stays light.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from joblib import Parallel, delayed

from glassnet._extras import need

Task = TypeVar("Task")
Result = TypeVar("Result")
Run = Callable[[Callable[[Any], Any], Iterable[Any]], Iterator[tuple[Any, Any]]]


class SchedulerError(ValueError):
    """No Dask scheduler could be reached at the address given as ``scheduler=``."""


def run_tasks(
    function: Callable[[Task], Result],
    tasks: Iterable[Task],
    *,
    n_jobs: int | None = None,
    scheduler: Any = None,
    timeout: float = 10,
) -> Iterator[tuple[Task, Result]]:
    """Call ``function`` on every task, yielding each result as soon as it is ready.

    Parameters
    ----------
    function : callable
        Called as ``function(task)``. With ``n_jobs`` or ``scheduler`` it runs in
        other processes, so it and the tasks must be picklable (a module-level
        function or a ``functools.partial`` of one), and a cluster's workers must
        have glassnet installed.
    tasks : iterable
        The inputs, one call each. With ``scheduler`` all of them are submitted
        at once, so the iterable must be finite.
    n_jobs : int or None, default=None
        A number runs the tasks in that many joblib worker processes (-1: one
        per processor).
    scheduler : str, dask.distributed.Client or None, default=None
        Run the tasks on a Dask cluster: the scheduler's address
        (``'tcp://10.0.0.5:8786'``), which is connected to and disconnected from
        here, or a ``Client`` that is already connected, which is left open.
        None with ``n_jobs=None`` runs the tasks here, in order.
    timeout : float, default=10
        Seconds to wait for the scheduler at an address to answer before giving
        up with :class:`SchedulerError`.

    Yields
    ------
    tuple
        ``(task, function(task))``. With ``n_jobs`` or ``scheduler``, results
        arrive in the order they finish, not the order of ``tasks``. An exception
        in a task is raised here, after the results that completed before it
        were yielded; tasks still running on a cluster are then cancelled.

    Raises
    ------
    ValueError
        When both ``n_jobs`` and ``scheduler`` are given, or ``scheduler`` is
        neither an address nor a ``Client``.
    SchedulerError
        A ``ValueError``: no scheduler answered at the address within ``timeout``.
    """
    _check_one_place(n_jobs, scheduler)  # now, not at the first result
    return _run_all(function, tasks, n_jobs=n_jobs, scheduler=scheduler, timeout=timeout)


def _run_all(
    function: Callable[[Task], Result],
    tasks: Iterable[Task],
    *,
    n_jobs: int | None,
    scheduler: Any,
    timeout: float,
) -> Iterator[tuple[Task, Result]]:
    with task_runner(n_jobs=n_jobs, scheduler=scheduler, timeout=timeout) as run:
        yield from run(function, tasks)


@contextlib.contextmanager
def task_runner(
    *, n_jobs: int | None = None, scheduler: Any = None, timeout: float = 10
) -> Iterator[Run]:
    """Yield ``run(function, tasks)``, which behaves as :func:`run_tasks`.

    For callers that run many small batches, such as a search fitting the seeds
    of one architecture after another: the joblib workers or the connection to
    the scheduler are set up once and kept until the ``with`` block ends.
    """
    _check_one_place(n_jobs, scheduler)
    if scheduler is not None:
        with _dask_client(scheduler, timeout) as client:
            yield functools.partial(_run_on_dask, client)
    elif n_jobs is not None:
        # 'generator_unordered' (joblib >= 1.4) hands back each result as it
        # finishes, so a caller can save it before slower tasks are done.
        with Parallel(n_jobs=n_jobs, return_as="generator_unordered") as parallel:
            yield functools.partial(_run_in_joblib, parallel)
    else:
        yield _run_here


def _check_one_place(n_jobs: int | None, scheduler: Any) -> None:
    if n_jobs is not None and scheduler is not None:
        raise ValueError(
            f"n_jobs={n_jobs!r} and scheduler={scheduler!r} were both given; n_jobs "
            "starts local processes and scheduler uses a Dask cluster's workers, so "
            "pass one of the two."
        )


def _run_here(
    function: Callable[[Task], Result], tasks: Iterable[Task]
) -> Iterator[tuple[Task, Result]]:
    for task in tasks:
        yield task, function(task)


def _run_in_joblib(
    parallel: Parallel, function: Callable[[Task], Result], tasks: Iterable[Task]
) -> Iterator[tuple[Task, Result]]:
    # The task travels with its result because the order is lost.
    yield from parallel(delayed(_with_task)(function, task) for task in tasks)


def _with_task(function: Callable[[Task], Result], task: Task) -> tuple[Task, Result]:
    return task, function(task)


# ------------------------------------------------------------------ Dask


def _run_on_dask(
    client: Any, function: Callable[[Task], Result], tasks: Iterable[Task]
) -> Iterator[tuple[Task, Result]]:
    from distributed import as_completed

    # pure=False: the same task submitted twice (two searches of one cell) runs twice.
    futures = {client.submit(function, task, pure=False): task for task in tasks}
    try:
        # The client's loop: it need not be the default client (set_as_default=False).
        for future in as_completed(futures, loop=client.loop):
            yield futures[future], future.result()
    finally:
        # After an error, or when the caller stops early, nothing keeps running.
        client.cancel(list(futures))


@contextlib.contextmanager
def _dask_client(scheduler: Any, timeout: float) -> Iterator[Any]:
    """Yield a connected Client: the one given, or one to the address, closed after."""
    need("dask")
    from distributed import Client

    if isinstance(scheduler, Client):
        yield scheduler
        return
    if not isinstance(scheduler, str):
        raise ValueError(
            f"scheduler={scheduler!r} is a {type(scheduler).__name__}; give the Dask "
            "scheduler's address, e.g. scheduler='tcp://10.0.0.5:8786', or a connected "
            "dask.distributed.Client."
        )
    start = time.monotonic()
    try:
        _check_answers(scheduler, timeout)
        client = Client(scheduler, timeout=timeout, set_as_default=False)
    except Exception as err:
        # Refused, timed out, or something other than a Dask scheduler answering:
        # all mean that there is no scheduler to use at this address.
        if time.monotonic() - start >= 0.9 * timeout:  # whatever the error says
            reason = f"no answer within {timeout:g} s"
        elif isinstance(err, OSError):  # refused, unreachable, unknown host
            reason = f"{type(err).__name__}: {err}"
        else:  # a server that speaks, but not Dask's protocol (a proxy, a web server)
            reason = (
                "something answered there, but not as a Dask scheduler does "
                f"({type(err).__name__}: {str(err)[:80]})"
            )
        raise SchedulerError(
            f"could not connect to a Dask scheduler at {scheduler!r}: {reason}. Check that "
            "the scheduler is running (`dask scheduler` prints its address) and reachable "
            "from this machine, or pass n_jobs=... to run on local processes instead."
        ) from err
    try:
        yield client
    finally:
        client.close()


def _check_answers(address: str, timeout: float) -> None:
    """Complete Dask's handshake with ``address`` within ``timeout`` or raise.

    ``Client(address, timeout=...)`` bounds the TCP connection but not the
    handshake after it, so a server that accepts and stays silent would hang it.
    """
    from distributed.comm import connect

    async def handshake() -> None:
        comm = await asyncio.wait_for(connect(address, timeout=timeout), timeout)
        await comm.close()

    # In a thread with its own event loop, so that this works under a running
    # loop too (a Jupyter notebook).
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, handshake()).result()
