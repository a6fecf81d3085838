"""Limits on extracting one document, enforced in the worker process that extracts it.

A worker's address space is capped (``RLIMIT_AS``) when it starts, so a document that
needs more memory fails alone with :class:`MemoryError` turned into a
:class:`LoaderError`; the time limit is the parent's (:mod:`policykg.graph.pipeline`
stops a worker past it).  The worker imports only the loaders, so starting one is cheap.

>>> death(-9, Limits(memory=None))
'killed by SIGKILL'
"""

from __future__ import annotations

import os
import resource
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from policykg.loaders.errors import LoaderError
from policykg.loaders.extract import extract_bytes
from policykg.loaders.model import ExtractedDocument

# Per-document limits, enforced in the worker processes that extract (see Limits).
DEFAULT_TIMEOUT = 300.0  # seconds
DEFAULT_MAX_MEMORY = 4 * 2**30  # bytes of address space of one worker
# Test-only: "exit:NAME" makes the worker given file NAME exit at once, "hang:NAME" makes it hang,
# "alloc:NAME" makes it ask for twice its memory limit, so tests can kill, time out and starve
# workers deterministically. Read by the parent when it starts the
# workers and handed to them (forkserver workers do not see the parent's later environment).
WORKER_FAULT_ENV = "POLICYKG_TEST_WORKER_FAULT"


@dataclass(frozen=True)
class Limits:
    """What extracting one document may take: ``seconds`` of wall time, ``memory`` bytes of address space.

    ``None`` lifts a limit.  With any limit set, documents are extracted in worker
    processes: the worker's address space is capped (``RLIMIT_AS``), the parent stops
    and replaces a worker past the deadline or one that dies, and that one document
    fails with the reason.

    >>> Limits(), NO_LIMITS.enforced
    (Limits(seconds=300.0, memory=4294967296), False)
    """

    seconds: float | None = DEFAULT_TIMEOUT
    memory: int | None = DEFAULT_MAX_MEMORY

    @property
    def enforced(self) -> bool:
        """True when some limit needs worker processes to be enforced."""
        return self.seconds is not None or self.memory is not None


DEFAULT_LIMITS = Limits()
# No limit: extraction runs in this process when ``jobs`` is 1 (debugging, notebooks).
NO_LIMITS = Limits(None, None)
_worker_limits = NO_LIMITS
_worker_fault = ""


def start_worker(limits: Limits, fault: str = "") -> None:
    """Initialise an extraction worker: cap its address space, keep its limits for messages.

    ``fault`` is the test-only :data:`WORKER_FAULT_ENV` value the parent read.
    """
    global _worker_limits, _worker_fault
    _worker_limits, _worker_fault = limits, fault
    if limits.memory is not None:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))


def extract_in_worker(data: bytes, path: Path) -> ExtractedDocument:
    """:func:`~policykg.loaders.extract.extract_bytes` within the worker's limits.

    >>> extract_in_worker("二、主要任务\\n1.推进工作。".encode(), Path("a.txt")).tasks[0].title
    '推进工作'
    """
    kind, _, name = _worker_fault.partition(":")
    try:
        if name and path.name == name:
            if kind == "exit":
                os._exit(9)
            if kind == "alloc":
                data += bytes(2 * (_worker_limits.memory or 0))
            else:
                time.sleep(3600)
        return extract_bytes(data, path)
    except MemoryError as err:  # the address-space cap: this document alone is too big to extract
        raise LoaderError(str(path), f"extracting needs more than the {_mib(_worker_limits.memory)} "
                                     "memory limit per document") from err


def _mib(size: int | None) -> str:
    return f"{(size or 0) / 2**20:g} MiB"


def death(exitcode: int | None, limits: Limits) -> str:
    """Why a worker ended, from its exit code (negative: the signal that killed it).

    >>> death(-9, Limits())
    'killed by SIGKILL; a document over the 4096 MiB memory limit can end so'
    """
    if exitcode is not None and exitcode < 0:
        try:
            how = f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"killed by signal {-exitcode}"
    else:
        how = f"exit code {exitcode}"
    if limits.memory is not None:
        how += f"; a document over the {_mib(limits.memory)} memory limit can end so"
    return how
