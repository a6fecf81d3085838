"""``--jobs N``: extraction spread over processes gives exactly the single-process result."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from policykg.cli import main
from policykg.graph.neo4j import graph_digest
from policykg.graph.pipeline import build
from policykg.graph.store import Store
from policykg.loaders.workers import WORKER_FAULT_ENV

pytestmark = pytest.mark.slow  # worker processes building the corpus several times


def _with_bad_files(corpus_copy: Path) -> Path:
    (corpus_copy / "empty.txt").write_bytes(b"")
    (corpus_copy / "binary.txt").write_bytes(bytes(range(256)) * 64)
    return corpus_copy


def test_parallel_build_equals_serial_build(corpus_copy: Path, corpus_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    inputs = _with_bad_files(corpus_copy)
    serial = build([inputs], store=tmp_path / "serial", jobs=1)
    parallel = build([inputs], store=tmp_path / "parallel", jobs=2)
    assert parallel.built == serial.built and len(serial.built) == 5
    # Errors raised in a worker come back whole: the file named, the reason given.
    assert parallel.failed == serial.failed and len(serial.failed) == 2
    assert all(path in message for path, message in parallel.failed)
    graphs = [Store(tmp_path / name).load_graph() for name in ("serial", "parallel")]
    assert graph_digest(graphs[0]) == graph_digest(graphs[1]) == graph_digest(corpus_graph)


def test_parallel_rebuild_reuses_the_cache(corpus_copy: Path, tmp_path: Path) -> None:
    build([corpus_copy], store=tmp_path / "store", jobs=2)
    changed = sorted(corpus_copy.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n附:补充说明。\n", encoding="utf-8")
    again = build([corpus_copy], store=tmp_path / "store", jobs=2)
    assert again.built == [changed.stem] and len(again.reused) == 4


def test_cli_jobs_option(corpus_copy: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(corpus_copy), "--store", str(tmp_path / "s"), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert "5 built" in result.output
    assert "--jobs" in CliRunner().invoke(main, ["build", "--help"]).output


def test_partitions_resolved_in_workers_give_the_same_version_and_bytes(corpus_dir: Path, tmp_path: Path) -> None:
    serial = build([corpus_dir], store=tmp_path / "serial", jobs=1)
    parallel = build([corpus_dir], store=tmp_path / "parallel", jobs=2)
    stores = [Store(tmp_path / name) for name in ("serial", "parallel")]
    # more than one partition to resolve: the workers were used, not this process
    assert len(stores[0].manifest()["partitions"]) > 1
    assert parallel.version == serial.version and parallel.triples == serial.triples
    versions = [s.current() for s in stores]
    assert versions[0] is not None and versions[1] is not None

    def files(version: Path) -> dict[str, bytes]:
        return {p.relative_to(version).as_posix(): p.read_bytes() for p in sorted(version.rglob("*.json"))}

    assert files(versions[0]) == files(versions[1])
    assert not list(versions[1].rglob("*.nq"))  # the partitions' text is loaded, then gone
    quads = [set(s.rdf()) for s in stores]
    assert quads[0] == quads[1]


def test_a_worker_dying_while_resolving_names_the_files_and_leaves_the_store(
        corpus_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    first = sorted(corpus_copy.glob("*.txt"))
    build(first[:1], store=store)
    live = Store(store).current()
    monkeypatch.setenv(WORKER_FAULT_ENV, f"exit-resolving:{first[-1].stem}")

    result = CliRunner().invoke(main, ["build", str(corpus_copy), "--store", str(store), "--jobs", "2"])

    assert result.exit_code == 2, result.output  # fail(): the store's errors
    assert first[-1].name in result.output and "worker process died" in result.output
    assert "Traceback" not in result.output
    assert Store(store).current() == live and [d["doc_id"] for d in Store(store).documents()] == [first[0].stem]
    assert not list(store.glob(".staging-*"))
