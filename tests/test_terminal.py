"""What a reader sees in a terminal: tables that fit its width without cutting a word, only
the columns that say something, and a progress bar on a build only where someone watches it.

Driven through click's CliRunner (never a terminal, like a pipe) with ``COLUMNS`` set when a
test stands for a terminal of that width; widths are measured in terminal cells (wcwidth),
not characters.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from wcwidth import wcswidth

from policykg.cli import main
from policykg.cli.build_cmd import progress_shown
from policykg.cli.output import render
from policykg.graph.store import Store
from policykg.queries.runner import run_query

ANSI = re.compile(r"\x1b\[")
BOX_DRAWING = re.compile("[\u2500-\u257f]")
# The bar rich.progress draws, in any of its states.
BAR = re.compile("[\u2501\u257a\u257b\u2578\u2579]")


@pytest.fixture(scope="module")
def store(built_store: Store) -> Path:
    """The session's corpus store: these tests only read it (a build's own output is tested below)."""
    return built_store.path


def in_terminal(columns: int, *args: str):
    """The command as a terminal ``columns`` wide would run it."""
    return CliRunner(env={"COLUMNS": str(columns)}).invoke(main, list(args), terminal_width=columns)


def piped(*args: str):
    return CliRunner(env={"COLUMNS": None}).invoke(main, list(args))


def cells(line: str) -> int:
    return wcswidth(line)


def test_agency_tasks_fit_a_100_column_terminal(store: Path) -> None:
    result = in_terminal(100, "query", "agency-tasks", "-p", "agency", "县卫健局", "--store", str(store))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) > 10
    too_long = [line for line in lines if cells(line) > 100]
    assert too_long == []
    assert "…" not in result.stdout


def test_the_agency_bound_by_the_parameter_is_said_once_and_source_repeating_doc_id_is_dropped(store: Path) -> None:
    result = in_terminal(160, "query", "agency-tasks", "-p", "agency", "县卫健局", "--store", str(store))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "agency: 嵊泗县卫生健康局"
    header = lines[2].split()
    assert "agency" not in header and "source" not in header
    assert {"role", "task_id", "doc_id", "title"} <= set(header)
    assert result.stdout.count("嵊泗县卫生健康局") == 1


def test_wide_keeps_every_column_and_one_line_per_row(store: Path) -> None:
    rows = run_query("agency-tasks", {"agency": "县卫健局"}, store=Store(store))
    result = in_terminal(100, "query", "agency-tasks", "-p", "agency", "县卫健局", "--store", str(store), "--wide")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == len(rows) + 2
    assert lines[0].split() == list(rows[0])
    assert max(cells(line) for line in lines) > 100


def test_columns_chooses_and_orders_columns(store: Path) -> None:
    result = in_terminal(100, "query", "agency-tasks", "-p", "agency", "县卫健局", "--store", str(store),
                         "--columns", "title,agency")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].split() == ["title", "agency"]
    csv_out = piped("query", "agency-tasks", "-p", "agency", "县卫健局", "--store", str(store), "--format", "csv",
                    "--columns", "role,title")
    assert csv_out.stdout.splitlines()[0] == "role,title"


def test_an_unknown_column_is_an_error_listing_the_known_ones(store: Path) -> None:
    result = in_terminal(100, "query", "agency-tasks", "-p", "agency", "县卫健局", "--store", str(store),
                         "--columns", "title,nope")
    assert result.exit_code == 2
    assert "unknown column 'nope'" in result.stderr
    assert "known: agency, role, task_id, doc_id, source" in result.stderr
    assert "Traceback" not in result.output


def test_piped_tables_stay_plain_and_one_line_per_row(store: Path) -> None:
    rows = run_query("agency-tasks", {"agency": "县卫健局"}, store=Store(store))
    result = piped("query", "agency-tasks", "-p", "agency", "县卫健局", "--store", str(store))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2 + 2 + len(rows)  # the agency and a blank line, header and rule, the rows
    assert not ANSI.search(result.stdout) and not BOX_DRAWING.search(result.stdout)
    for row in rows:
        assert any(row["task_id"] in line and row["title"] in line for line in lines)


def test_csv_and_json_are_every_field_as_before(store: Path) -> None:
    rows = run_query("agency-tasks", {"agency": "县卫健局"}, store=Store(store))
    as_json = in_terminal(100, "query", "agency-tasks", "-p", "agency", "县卫健局", "--store", str(store),
                          "--format", "json")
    assert as_json.stdout == json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    as_csv = in_terminal(100, "query", "agency-tasks", "-p", "agency", "县卫健局", "--store", str(store),
                         "--format", "csv")
    assert as_csv.stdout.splitlines()[0] == ",".join(rows[0])
    assert len(as_csv.stdout.splitlines()) == len(rows) + 1


def test_queries_shows_whole_descriptions(store: Path) -> None:
    rows = json.loads(piped("queries", "--format", "json").stdout)
    result = in_terminal(80, "queries")
    assert result.exit_code == 0, result.output
    assert max(cells(line) for line in result.stdout.splitlines()) <= 80
    alone = in_terminal(40, "queries", "--columns", "description")  # lines of one column read in order
    squeezed = "".join(alone.stdout.split())
    for row in rows:
        assert "".join(row["description"].split()) in squeezed, row["name"]


def test_too_many_columns_for_the_width_print_one_block_per_row(store: Path) -> None:
    rows = run_query("documents", {}, store=Store(store))
    result = in_terminal(100, "query", "documents", "--store", str(store))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(cells(line) for line in lines) <= 100
    assert [line for line in lines if line.startswith("-[ ")] == [f"-[ {n} ]-" for n in range(1, len(rows) + 1)]
    for row in rows:
        assert any(re.fullmatch(rf"doc_id +{re.escape(row['doc_id'])}", line) for line in lines), row["doc_id"]


def test_sparql_and_validate_tables_fit_too(store: Path, tmp_path: Path) -> None:
    query = "SELECT ?title WHERE { ?t pkg:title ?title } LIMIT 20"
    result = in_terminal(40, "sparql", query, "--store", str(store))
    assert result.exit_code == 0, result.output
    assert max(cells(line) for line in result.stdout.splitlines()) <= 40
    # a plan that prints no year: its target column stays undated, which validate warns of
    (tmp_path / "plan.txt").write_text("某县托育服务提升实施方案\n\n一、主要指标\n\n序号\t指标\t目标值\t牵头单位\n"
                                       "1\t托位数(个)\t4.5\t县卫健局\n", encoding="utf-8")
    undated = tmp_path / "undated"
    assert CliRunner().invoke(main, ["build", str(tmp_path / "plan.txt"), "--store", str(undated)]).exit_code == 0
    validate = in_terminal(60, "validate", "--store", str(undated), "--columns", "severity,message")
    assert validate.stdout.splitlines()[0].split() == ["severity", "message"]
    assert max(cells(line) for line in validate.stdout.splitlines()) <= 60


# -- the table itself ----------------------------------------------------------------------------

QUOTE = "推进海岛“医学高峰”建设，提升县域医疗服务能力，到2025年县域就诊率达到90%以上"


def test_a_long_chinese_quote_wraps_between_characters_and_loses_nothing() -> None:
    table = render([{"quote": QUOTE}, {"quote": "短"}], width=24)
    lines = table.splitlines()
    assert max(cells(line) for line in lines) <= 24
    body = [line for line in lines[2:] if line]
    assert "".join(body[:-1]) == QUOTE and body[-1] == "短"


def test_english_wraps_at_word_boundaries() -> None:
    text = "the lead agency answers for every target of the section it heads"
    lines = render([{"note": text}], width=20).splitlines()[2:]
    assert all(cells(line) <= 20 for line in lines)
    assert " ".join(lines) == text  # every break is at a space: no word is split


def test_wide_characters_and_chinese_quotes_keep_columns_aligned() -> None:
    rows = [{"name": "“县卫健局”", "n": 1}, {"name": "abc", "n": 22}, {"name": "县局", "n": 3}]
    lines = render(rows).splitlines()
    starts = {cells(line[:line.rindex(" ") + 1]) for line in lines}
    assert len(starts) == 1, lines


def test_control_characters_are_shown_when_a_cell_wraps() -> None:
    table = render([{"title": "县局\x1b]52;c;ZXZpbA==\x07" + "很长的标题" * 6}], width=20)
    assert "\x1b" not in table and "\x07" not in table
    assert "\\x1b" in "".join(table.split())


def test_a_constant_column_is_kept_when_no_parameter_binds_it() -> None:
    rows = [{"agency": "县卫健局", "title": "甲"}, {"agency": "县卫健局", "title": "乙"}]
    assert render(rows).splitlines()[0].split() == ["agency", "title"]


def test_a_column_repeating_another_is_kept_when_one_row_cannot_tell() -> None:
    assert render([{"doc_id": "plan", "source": "plan.txt"}]).splitlines()[0].split() == ["doc_id", "source"]


# -- build progress ------------------------------------------------------------------------------

class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_is_drawn_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    assert progress_shown(_Tty()) is True
    assert progress_shown(io.StringIO()) is False
    monkeypatch.setenv("TERM", "dumb")
    assert progress_shown(_Tty()) is False


def test_a_build_into_a_pipe_prints_its_lines_without_a_bar(corpus_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(corpus_dir), "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert not ANSI.search(result.output) and not BAR.search(result.output) and "\r" not in result.output
    assert [line.split(":")[0] for line in result.stderr.splitlines()
            if line.startswith(("extract:", "resolve:", "store:"))] == ["extract", "resolve", "store"]


# -- any text, any width -------------------------------------------------------------------------

_PIECES = st.sampled_from([*"县卫健局“”、。（）ab 12-_\t\x1b\x07\x9b", "很长的标题", "word "])
_TEXT = st.lists(_PIECES, max_size=40).map("".join)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.dictionaries(st.sampled_from(["title", "quote", "id", "n"]), _TEXT, min_size=1), min_size=1,
                     max_size=4),
       columns=st.integers(min_value=20, max_value=120))
def test_any_table_fits_its_width_and_obeys_no_control_character(rows: list[dict[str, str]], columns: int) -> None:
    table = render(rows, width=columns)
    assert max(cells(line) for line in table.splitlines()) <= columns
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", table)
