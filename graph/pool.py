"""Where a build's work runs: in this process, or in worker processes (pebble's pool).

Extraction (:mod:`policykg.graph.pipeline`) and the resolution and projection of partitions
(:mod:`policykg.graph.store`) share it. Not in :mod:`policykg.loaders.workers`, whose code is
part of the extractor's fingerprint: changing how work is scheduled must not make every cached
extraction stale.

>>> with worker_pool(1, NO_LIMITS) as pool:
...     pool.schedule(max, args=(2, 3)).result()
3
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any, Protocol

from pebble import ProcessPool

from policykg.loaders.workers import NO_LIMITS, WORKER_FAULT_ENV, Limits, start_worker

__all__ = ["NO_LIMITS", "InProcess", "Scheduler", "worker_pool"]


class Scheduler(Protocol):
    """What runs a call and hands back its :class:`~concurrent.futures.Future`."""

    def schedule(self, function: Callable[..., Any], args: Iterable[Any] = (), kwargs: Any = None,
                 timeout: float | None = None) -> Future[Any]: ...


class InProcess:
    """Runs each call at once, in this process, as :func:`worker_pool` does without limits and one job.

    >>> InProcess().schedule(divmod, args=(7, 2)).result()
    (3, 1)
    """

    def schedule(self, function: Callable[..., Any], args: Iterable[Any] = (), kwargs: Any = None,
                 timeout: float | None = None) -> Future[Any]:
        """Call ``function`` now; its result or exception in a finished future."""
        future: Future[Any] = Future()
        try:
            future.set_result(function(*args, **(kwargs or {})))
        except BaseException as err:  # handed to the caller by future.result(), as a pool would
            future.set_exception(err)
        return future


class _Renewed:
    """pebble's pool, started again when it has broken down.

    pebble gives up the whole pool (``BrokenProcessPool``: "All workers expired", every task in
    flight aborted) when a worker dies before the pool has heard which task it took: a worker
    killed at once, on a loaded machine (seen once in CI, a test's worker exiting on its document).
    The tasks aborted so are not the cause: the caller schedules them again, and here they get a
    working pool rather than an error.
    """

    def __init__(self, make: Callable[[], ProcessPool]) -> None:
        self._make = make
        self._pool = make()

    def schedule(self, function: Callable[..., Any], args: Iterable[Any] = (), kwargs: Any = None,
                 timeout: float | None = None) -> Future[Any]:
        """pebble's ``schedule``, on a new pool when the last one broke down."""
        if not self._pool.active:
            self._pool.stop()
            self._pool.join()
            self._pool = self._make()
        return self._pool.schedule(function, args=args, kwargs=kwargs or {}, timeout=timeout)

    def stop(self) -> None:
        self._pool.stop()

    def close(self) -> None:
        self._pool.close()

    def join(self) -> None:
        self._pool.join()


@contextmanager
def worker_pool(jobs: int, limits: Limits = NO_LIMITS) -> Iterator[Scheduler]:
    """This process (one job, no limits) or ``jobs`` worker processes.

    The workers are pebble's: a worker past its task's timeout is stopped, one that
    dies fails only the task it held, and either is replaced by a fresh one.

    >>> with worker_pool(0):
    ...     pass
    Traceback (most recent call last):
    ...
    ValueError: jobs must be at least 1
    """
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    if jobs == 1 and not limits.enforced:
        yield InProcess()
        return
    # forkserver, not fork: forking a process that runs threads (a notebook kernel, a driver's
    # pool, the store's N-Quads writer) can deadlock. Each worker loads the gazetteers once and keeps them.
    context = multiprocessing.get_context("forkserver")
    # The fork server imports the loaders and loads what they read lazily once (loaders/preload.py);
    # each worker forks from it ready to extract.
    context.set_forkserver_preload(["__main__", "policykg.loaders.preload"])
    fault = os.environ.get(WORKER_FAULT_ENV, "")
    pool = _Renewed(lambda: ProcessPool(max_workers=jobs, initializer=start_worker, initargs=(limits, fault),
                                        context=context))
    try:
        yield pool
    except BaseException:
        pool.stop()  # do not wait for work nobody will read (Ctrl-C, a failed build)
        raise
    finally:
        pool.close()
        pool.join()
