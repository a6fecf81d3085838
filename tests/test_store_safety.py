"""The store and the build never lose or mix a user's data (issue 13: items 1-4, 6, 8, 12)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.cli.app import main
from policykg.graph.store import Store
from policykg.loaders.extract import doc_id_for

CITING = "shengsi-2024-qiyouxiang-workpoints.txt"  # cites the plan below by its title
CITED = "shengsi-2023-qiyouxiang-plan.txt"


@pytest.mark.parametrize("names", [("a.txt", "b.txt"), ("b.txt", "a.txt"),
                                   ("嵊泗县工作要点.txt", "七优享实施方案.txt"),
                                   ("七优享实施方案.txt", "嵊泗县工作要点.txt")])
def test_a_document_citing_one_whose_id_sorts_later_builds(names: tuple[str, str], corpus_dir: Path,
                                                            tmp_path: Path) -> None:
    """The cited document's node used to be created by the CITES edge, untyped: KeyError 'type'."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(corpus_dir / CITING, docs / names[0])
    shutil.copy(corpus_dir / CITED, docs / names[1])
    store = tmp_path / "store"
    result = CliRunner().invoke(main, ["build", str(docs), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "2 built" in result.output
    graph = Store(store).load_graph()
    citing, cited = doc_id_for(names[0]), doc_id_for(names[1])
    assert graph.nodes[cited]["type"] == "Document" and not graph.nodes[cited].get("cited_only")
    assert "CITES" in {rel for _, to, rel in graph.out_edges(citing, data="type") if to == cited}
