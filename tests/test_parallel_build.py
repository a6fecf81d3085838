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
