"""The command line, driven through click's CliRunner on the real corpus."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.cli import main


@pytest.fixture(scope="module")
def cli_build(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> tuple[Path, str]:
    store = tmp_path_factory.mktemp("cli") / "store"
    result = CliRunner().invoke(main, ["build", str(corpus_dir), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "5 built" in result.output and "0 failed" in result.output
    return store, result.output


@pytest.fixture(scope="module")
def cli_store(cli_build: tuple[Path, str]) -> Path:
    return cli_build[0]


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def test_help_teaches_with_examples() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("build", "queries", "query", "export", "viz"):
        assert command in result.output
    assert "policykg query top-lead-agencies" in result.output
    for command in (["build"], ["query"], ["export", "matrix"], ["viz"]):
        sub = run(*command, "--help")
        assert sub.exit_code == 0 and "Example" in sub.output, command


def test_queries_lists_every_canned_question_name_first() -> None:
    result = run("queries", "--format", "json")
    rows = json.loads(result.output)
    assert next(iter(rows[0])) == "name"
    assert {"top-lead-agencies", "relocation-islands", "tasks", "documents"} <= {r["name"] for r in rows}


def test_query_prints_json_rows(cli_store: Path) -> None:
    result = run("query", "top-lead-agencies", "--store", str(cli_store), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert set(rows[0]) == {"agency", "explicit", "inherited", "total"}
    assert rows == sorted(rows, key=lambda r: -r["total"])


def test_query_table_and_csv_formats(cli_store: Path) -> None:
    table = run("query", "relocation-islands", "--store", str(cli_store))
    assert table.exit_code == 0 and "大盘岛" in table.output
    csv_out = run("query", "agency-tasks", "-p", "agency", "县卫健局", "--store", str(cli_store), "--format", "csv")
    assert csv_out.exit_code == 0
    assert csv_out.output.splitlines()[0].startswith("agency,role,task_id")


def test_query_mistakes_get_clear_messages(cli_store: Path, tmp_path: Path) -> None:
    unknown = run("query", "no-such-query", "--store", str(cli_store))
    assert unknown.exit_code == 2 and "known:" in unknown.output
    missing = run("query", "agency-tasks", "--store", str(cli_store))
    assert missing.exit_code == 2 and "-p agency" in missing.output
    empty = run("query", "documents", "--store", str(tmp_path / "none"))
    assert empty.exit_code == 2 and "policykg build" in empty.output


def test_build_summary_says_what_a_relation_costs_in_triples(cli_build: tuple[Path, str]) -> None:
    store, output = cli_build
    line = next(line for line in output.splitlines() if line.startswith(f"store {store}:"))
    found = re.search(r"(\d+) relations, (\d+) triples \((\d+\.\d) per relation\)$", line)
    assert found, line
    # Issue 17: a stated relation with its document, span and quote costs at most 8 triples.
    assert 0 < float(found[3]) <= 8, line


def test_build_reports_bad_files_and_exits_non_zero(corpus_copy: Path, tmp_path: Path) -> None:
    (corpus_copy / "broken.txt").write_bytes(b"\x00\x01\x02binary" * 100)
    result = run("build", str(corpus_copy), "--store", str(tmp_path / "s"))
    assert result.exit_code == 1
    assert "broken.txt" in result.output and "5 built" in result.output and "1 failed" in result.output
    # each phase says when it is done and what comes next
    assert [line.split(":")[0] for line in result.output.splitlines()
            if line.startswith(("extract:", "resolve:", "store:"))] == ["extract", "resolve", "store"]


@pytest.mark.parametrize("command", [["export", "json", "-o"], ["export", "ttl", "-o"], ["export", "matrix", "-o"],
                                     ["viz", "-o"]])
def test_writing_into_a_missing_folder_is_a_message(cli_store: Path, tmp_path: Path, command: list[str]) -> None:
    target = tmp_path / "no-such-folder" / "out.file"
    result = run(*command, str(target), "--store", str(cli_store))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2 and "error:" in result.stderr and str(target.parent) in result.stderr


def test_viz_and_matrix_exports_write_files(cli_store: Path, tmp_path: Path) -> None:
    html = tmp_path / "view.html"
    assert run("viz", "-o", str(html), "--store", str(cli_store)).exit_code == 0
    assert "<html" in html.read_text(encoding="utf-8").lower()
    xlsx = tmp_path / "m.xlsx"
    assert run("export", "matrix", "-o", str(xlsx), "--store", str(cli_store)).exit_code == 0
    assert xlsx.stat().st_size > 0
    for fmt in ("graphml", "ttl"):
        out = tmp_path / f"g.{fmt}"
        result = run("export", fmt, "-o", str(out), "--store", str(cli_store))
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0


def test_viz_of_one_jurisdiction_reads_only_its_documents(cli_store: Path, tmp_path: Path) -> None:
    from policykg.graph.store import Store

    counts = Store(cli_store).jurisdictions()
    assert counts.get("嵊泗县") == 3 and sum(counts.values()) == 5, counts
    html = tmp_path / "shengsi.html"
    result = run("viz", "-o", str(html), "--whole", "--jurisdiction", "嵊泗", "--store", str(cli_store))
    assert result.exit_code == 0, result.output
    whole = tmp_path / "whole.html"
    assert run("viz", "-o", str(whole), "--whole", "--store", str(cli_store)).exit_code == 0
    # the whole view names every document; the part read names 嵊泗县's and no other, not even in the
    # tooltips of the indicators and agencies they share
    for page, others in ((whole.read_text(encoding="utf-8"), True), (html.read_text(encoding="utf-8"), False)):
        assert "shengsi-2024-qiyouxiang-workpoints" in page
        assert ("dinghai-2023-qiyouxiang-plan" in page) is others
        assert ("jiangshan-2025-integration-report" in page) is others
    wrong = run("viz", "-o", str(tmp_path / "x.html"), "--jurisdiction", "火星县", "--store", str(cli_store))
    assert wrong.exit_code == 2 and "error:" in wrong.stderr and "火星县" in wrong.stderr
    assert not (tmp_path / "x.html").exists()


def test_query_pages_with_limit_and_offset(cli_store: Path) -> None:
    whole = json.loads(run("query", "tasks", "--store", str(cli_store), "--format", "json").output)
    page = run("query", "tasks", "--store", str(cli_store), "--format", "json", "--limit", "7", "--offset", "7")
    assert page.exit_code == 0, page.output
    assert json.loads(page.output) == whole[7:14]
    past = run("query", "tasks", "--store", str(cli_store), "--format", "json", "--offset", str(len(whole)))
    assert past.exit_code == 0 and json.loads(past.output) == []
    bad = run("query", "tasks", "--store", str(cli_store), "--offset", "-1")
    assert bad.exit_code == 2 and "Invalid value for '--offset'" in bad.output
    zero = run("query", "tasks", "--store", str(cli_store), "--limit", "0")
    assert zero.exit_code == 2 and "Invalid value for '--limit'" in zero.output


def test_query_keeps_one_document_or_one_jurisdiction(cli_store: Path) -> None:
    plan = "shengsi-2023-qiyouxiang-plan"
    # by its 文号, as a user writes it: the rows are that document's
    result = run("query", "tasks", "--store", str(cli_store), "--format", "json", "--document", "嵊政办发〔2023〕23号")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and {r["doc_id"] for r in rows} == {plan}
    both = run("query", "documents", "--store", str(cli_store), "--format", "json", "--document", plan,
               "--document", "dinghai-2023-qiyouxiang-plan")
    assert [d["doc_id"] for d in json.loads(both.output)] == ["dinghai-2023-qiyouxiang-plan", plan]
    dinghai = json.loads(run("query", "indicators", "--store", str(cli_store), "--format", "json",
                             "--jurisdiction", "定海").output)
    everything = json.loads(run("query", "indicators", "--store", str(cli_store), "--format", "json").output)
    assert dinghai and len(dinghai) < len(everything) and {r["doc_id"][:7] for r in dinghai} == {"dinghai"}
    unknown = run("query", "tasks", "--store", str(cli_store), "--document", "没有这个文件")
    assert unknown.exit_code == 2 and unknown.stderr.startswith('error: no document named "没有这个文件"')
    unfit = run("query", "lineage", "-p", "document", plan, "--store", str(cli_store), "--document", plan)
    assert unfit.exit_code == 2 and "error: lineage takes no --document; its documents are -p document" in unfit.stderr
    listed = json.loads(run("queries", "--format", "json").output)
    assert {r["name"]: r["filters"] for r in listed}["tasks"] == "--jurisdiction, --document"


def test_query_agency_targets_shows_how_each_target_is_owned(cli_store: Path) -> None:
    result = run("query", "agency-targets", "-p", "agency", "县卫健局", "--store", str(cli_store), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["agency"]["name"] for r in rows} == {"嵊泗县卫生健康局"}
    assert {"table_lead", "inherited_lead"} <= {r["derived"] for r in rows}
    assert all(r["quote"] for r in rows)
    table = run("query", "agency-targets", "-p", "agency", "县卫健局", "--store", str(cli_store))
    assert table.exit_code == 0 and "table_lead" in table.output


def test_query_document_diff_lists_what_changed(cli_store: Path) -> None:
    result = run("query", "document-diff", "-p", "from", "shengsi-2023-qiyouxiang-plan", "-p", "to",
                 "shengsi-2024-qiyouxiang-workpoints", "--store", str(cli_store), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("change,confidence,method,from_doc_id")
    changes = {line.split(",")[0] for line in result.output.splitlines()}
    assert {"matched", "new", "dropped", "target_changed"} <= changes
    wrong = run("query", "document-diff", "-p", "from", "没有这个文件", "-p", "to",
                "shengsi-2024-qiyouxiang-workpoints", "--store", str(cli_store))
    assert wrong.exit_code == 2 and 'no document named "没有这个文件"' in wrong.output
    assert "Traceback" not in wrong.output
