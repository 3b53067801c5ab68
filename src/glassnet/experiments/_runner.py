"""Where the tasks of an experiment run: the one place that knows about processes.

Experiments hand :func:`run_tasks` a function and the tasks to call it on, and
consume the results as they complete. Today that is either this process, one task
after the other, or local joblib workers. A Dask cluster will plug in here too
(a ``scheduler=`` argument, ``distributed.Client.map`` plus ``as_completed``),
without the experiments changing: they only see ``(task, result)`` pairs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from joblib import Parallel, delayed

Task = TypeVar("Task")
Result = TypeVar("Result")


def run_tasks(
    function: Callable[[Task], Result],
    tasks: Iterable[Task],
    *,
    n_jobs: int | None = None,
) -> Iterator[tuple[Task, Result]]:
    """Call ``function`` on every task, yielding each result as soon as it is ready.

    Parameters
    ----------
    function : callable
        Called as ``function(task)``. With ``n_jobs`` it runs in other
        processes, so it and the tasks must be picklable (a module-level
        function or a ``functools.partial`` of one).
    tasks : iterable
        The inputs, one call each.
    n_jobs : int or None, default=None
        None runs the tasks here, in order. A number runs them in that many
        joblib worker processes (-1: one per processor), and results arrive in
        the order they finish, not the order of ``tasks``.

    Yields
    ------
    tuple
        ``(task, function(task))``. An exception in a task is raised here, after
        the results that completed before it were yielded.
    """
    if n_jobs is None:
        for task in tasks:
            yield task, function(task)
        return
    # 'generator_unordered' (joblib >= 1.4) hands back each result as it finishes,
    # so a caller can save it before slower tasks are done. The task travels with
    # its result because the order is lost.
    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    yield from parallel(delayed(_with_task)(function, task) for task in tasks)


def _with_task(function: Callable[[Task], Result], task: Task) -> tuple[Task, Result]:
    return task, function(task)
