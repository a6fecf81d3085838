"""A build killed midway leaves the store answering with the old graph; the next build converges.

``policykg build`` runs in a subprocess on the corpus, over a store holding one document.  With
``POLICYKG_TEST_PAUSE_BEFORE_SWITCH`` (a test-only hook in Store.commit) it stops
once the new version is completely written but not yet switched in, and is killed
there (SIGKILL, and Ctrl-C's SIGINT, after which the build removes what it wrote); without
it, it is killed as soon as it starts writing the new version.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policykg.graph.pipeline import build
from policykg.graph.store import PAUSE_ENV, Store
from policykg.queries.runner import run_query

pytestmark = pytest.mark.slow  # build processes started and killed: ~13 s of CPU each, mostly imports

_CLI = "from policykg.cli import main; main()"


def _start_build(folder: Path, store: Path, pause: bool) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != PAUSE_ENV}
    if pause:
        env[PAUSE_ENV] = "600"
    return subprocess.Popen([sys.executable, "-c", _CLI, "build", str(folder), "--store", str(store)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(proc: subprocess.Popen, ready, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            raise AssertionError(f"the build ended before the kill: {proc.stderr.read().decode()[-2000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the build never reached the point to kill it at")
        time.sleep(0.01)


def _staging(store: Path) -> list[Path]:
    return [p for p in store.glob(".staging-*") if p.is_dir()]


def _state(store: Store) -> tuple:
    """What a reader of the store sees: live version, its manifest, and a query's answer."""
    return store.current(), store.manifest(), run_query("top-lead-agencies", store=store)


@pytest.fixture()
def old_store(corpus_dir: Path, tmp_path: Path) -> Store:
    """A store holding one document: the graph a killed build must leave alone."""
    store = Store(tmp_path / "store")
    build([corpus_dir / "jiangshan-2025-integration-report.txt"], store=store)
    return store


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_a_build_killed_before_the_switch_leaves_the_old_graph(old_store: Store, corpus_copy: Path,
                                                               sig: int) -> None:
    store = old_store
    before = _state(store)

    proc = _start_build(corpus_copy, store.path, pause=True)
    _wait_for(proc, lambda: any((s / "manifest.json").exists() for s in _staging(store.path)))
    proc.send_signal(sig)
    assert proc.wait(timeout=60) != 0

    # SIGKILL leaves the written version behind for the next build to clean; Ctrl-C cleans up itself
    assert bool(_staging(store.path)) == (sig == signal.SIGKILL)
    assert _state(store) == before
    _converges(corpus_copy, store, before)


def test_a_build_killed_while_writing_leaves_a_complete_graph(old_store: Store, corpus_copy: Path) -> None:
    store = old_store
    before = _state(store)

    proc = _start_build(corpus_copy, store.path, pause=False)
    _wait_for(proc, lambda: bool(_staging(store.path)))
    proc.kill()
    proc.wait(timeout=60)

    live, manifest, answer = _state(store)
    if live == before[0]:  # the usual case: killed before the switch
        assert (manifest, answer) == before[1:]
    else:  # the whole commit won the race: then the new graph is complete
        assert len(manifest["documents"]) == 5 and answer
    _converges(corpus_copy, store, before)


def _converges(inputs: Path, store: Store, before: tuple) -> None:
    """A re-run finishes the job: the new graph is live and nothing is left over."""
    env = {k: v for k, v in os.environ.items() if k != PAUSE_ENV}
    done = subprocess.run([sys.executable, "-c", _CLI, "build", str(inputs), "--store", str(store.path)],
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    after = _state(store)
    assert after[0] != before[0] and len(after[1]["documents"]) == 5
    assert _staging(store.path) == []
    assert [p.name for p in store.path.glob("v-*")] == [after[0].name]
