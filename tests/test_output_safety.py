"""Outputs that never harm the user: where ``-o`` writes, what a spreadsheet runs, what a terminal obeys.

A store is built from a hostile document: one task title carries a spreadsheet formula, OSC 52
(clipboard) and OSC 0 (window title) escape sequences, a C1 control and a vertical tab.
"""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import stat
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from policykg.cli import main
from policykg.cli.output import render
from policykg.exports.atomic import OutputError, write_text_atomic
from policykg.exports.cells import neutralise, xml_text
from policykg.graph.pipeline import build

HOSTILE_TITLE = ('=HYPERLINK("http://evil.example","点我")\x1b]52;c;ZXZpbA==\x07\x1b]0;pwned\x07'
                 '垂直\x0b制表\x9b31m@SUM(1)')
# Every command that writes one file with -o, and a file name it accepts.
WRITERS = [
    (["export", "matrix"], "m.xlsx"), (["export", "matrix"], "m.csv"), (["export", "graphml"], "g.graphml"),
    (["export", "gexf"], "g.gexf"), (["export", "json"], "g.json"), (["export", "ttl"], "g.ttl"),
    (["export", "trig"], "g.trig"), (["export", "nq"], "g.nq"), (["export", "jsonld"], "g.jsonld"),
    (["viz"], "g.html"),
]
WRITER_IDS = [" ".join(args[1:] or args) + ":" + name.split(".")[1] for args, name in WRITERS]


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    docs = tmp_path_factory.mktemp("hostile-docs")
    text = (corpus_dir / "shengsi-2024-qiyouxiang-workpoints.txt").read_text(encoding="utf-8")
    assert "1.大力发展普惠托育服务体系。" in text
    (docs / "hostile.txt").write_text(text.replace("1.大力发展普惠托育服务体系。", f"1.{HOSTILE_TITLE}。"),
                                      encoding="utf-8")
    store = tmp_path_factory.mktemp("hostile") / "store"
    report = build([docs], store=store)
    assert report.ok, report.failed
    return store


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


# -- item 4: what -o may replace -----------------------------------------------------------------

def _special(kind: str, path: Path) -> object:
    """Make a non-regular file of ``kind`` at ``path``; returns what must keep it alive."""
    if kind == "symlink":
        (path.parent / "precious.txt").write_text("mine", encoding="utf-8")
        path.symlink_to(path.parent / "precious.txt")
    elif kind == "dangling symlink":
        path.symlink_to(path.parent / "nowhere.txt")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
        return sock
    elif kind == "device":
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a copy of /dev/null
        except PermissionError:
            pytest.skip("making a device node needs CAP_MKNOD")
    return None


def _kind(path: Path) -> int:
    return stat.S_IFMT(path.lstat().st_mode)


@pytest.mark.parametrize("kind", ["symlink", "dangling symlink", "fifo", "directory", "socket", "device"])
@pytest.mark.parametrize(("args", "name"), WRITERS, ids=WRITER_IDS)
def test_output_refuses_anything_but_a_regular_file(hostile_store, tmp_path, args, name, kind) -> None:
    target = tmp_path / name
    keep = _special(kind, target)
    before = _kind(target)
    result = run(*args, "-o", str(target), "--store", str(hostile_store), "--force")
    assert result.exit_code == 2, result.output
    assert f"error: {target}" in result.output and "Traceback" not in result.output
    assert _kind(target) == before, "the target was replaced"
    if kind == "symlink":
        assert (tmp_path / "precious.txt").read_text(encoding="utf-8") == "mine"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "a temporary file was left"
    del keep


@pytest.mark.parametrize(("args", "name"), WRITERS, ids=WRITER_IDS)
def test_an_existing_file_is_kept_without_force_when_nobody_can_answer(hostile_store, tmp_path, args, name) -> None:
    target = tmp_path / name
    target.write_text("mine", encoding="utf-8")
    result = run(*args, "-o", str(target), "--store", str(hostile_store))
    assert result.exit_code == 2 and "--force" in result.output and str(target) in result.output, result.output
    assert target.read_text(encoding="utf-8") == "mine"
    forced = run(*args, "-o", str(target), "--store", str(hostile_store), "--force")
    assert forced.exit_code == 0, forced.output
    assert target.read_bytes() != b"mine"


def test_an_existing_file_is_overwritten_only_when_the_user_says_yes(hostile_store, tmp_path, monkeypatch) -> None:
    from policykg.cli import target as target_module

    monkeypatch.setattr(target_module, "interactive", lambda: True)
    out = tmp_path / "g.json"
    out.write_text("mine", encoding="utf-8")
    no = run("export", "json", "-o", str(out), "--store", str(hostile_store), input="n\n")
    assert no.exit_code != 0 and f"{out} exists" in no.output, no.output
    assert out.read_text(encoding="utf-8") == "mine"
    yes = run("export", "json", "-o", str(out), "--store", str(hostile_store), input="y\n")
    assert yes.exit_code == 0, yes.output
    assert json.loads(out.read_text(encoding="utf-8"))["nodes"]


def test_a_new_file_needs_no_force(hostile_store, tmp_path) -> None:
    result = run("export", "json", "-o", str(tmp_path / "g.json"), "--store", str(hostile_store))
    assert result.exit_code == 0, result.output


def test_a_missing_or_unwritable_folder_is_a_message(hostile_store, tmp_path) -> None:
    missing = tmp_path / "no" / "g.json"
    result = run("export", "json", "-o", str(missing), "--store", str(hostile_store))
    assert result.exit_code == 2 and str(missing) in result.output and "does not exist" in result.output
    assert "Traceback" not in result.output


def test_a_failed_write_is_a_message_naming_the_file(hostile_store, tmp_path, monkeypatch) -> None:
    def full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(nx, "write_graphml", full)
    out = tmp_path / "g.graphml"
    result = run("export", "graphml", "-o", str(out), "--store", str(hostile_store))
    assert result.exit_code == 2 and f"cannot write {out}" in result.output and "No space left" in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_library_writer_never_replaces_a_symlink(tmp_path) -> None:
    (tmp_path / "precious.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "precious.txt")
    with pytest.raises(OutputError, match="symbolic link"):
        write_text_atomic(tmp_path / "link.txt", "theirs")
    assert (tmp_path / "link.txt").is_symlink()
    assert (tmp_path / "precious.txt").read_text(encoding="utf-8") == "mine"


def _neo4j_csv(store: Path, directory: Path, *extra: str):
    return run("export", "neo4j-csv", str(directory), "--store", str(store), *extra)


def test_neo4j_csv_replaces_its_own_previous_export_only_with_force(hostile_store, tmp_path) -> None:
    bulk = tmp_path / "bulk"
    assert _neo4j_csv(hostile_store, bulk).exit_code == 0
    first = sorted(p.name for p in bulk.iterdir())
    (bulk / "nodes-Stale-9.csv").write_text("id:ID\n", encoding="utf-8")  # a file an older export left
    again = _neo4j_csv(hostile_store, bulk)
    assert again.exit_code == 2 and "--force" in again.output and str(bulk) in again.output, again.output
    forced = _neo4j_csv(hostile_store, bulk, "--force")
    assert forced.exit_code == 0, forced.output
    assert sorted(p.name for p in bulk.iterdir()) == first
    assert [p.name for p in tmp_path.iterdir()] == ["bulk"], "nothing left beside the export"


def test_neo4j_csv_keeps_a_users_files(hostile_store, tmp_path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    refused = _neo4j_csv(hostile_store, tmp_path)
    assert refused.exit_code == 2 and "notes.txt" in refused.output and "--force" in refused.output, refused.output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    forced = _neo4j_csv(hostile_store, tmp_path, "--force")
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "import.args").is_file()


@pytest.mark.parametrize("kind", ["symlink", "fifo", "socket"])
def test_neo4j_csv_never_follows_a_symlink_or_writes_into_a_special_file(hostile_store, tmp_path, kind) -> None:
    real = tmp_path / "real"
    real.mkdir()
    target = tmp_path / "bulk"
    keep = None
    if kind == "symlink":
        target.symlink_to(real, target_is_directory=True)
    else:
        keep = _special(kind, target)
    result = _neo4j_csv(hostile_store, target, "--force")
    assert result.exit_code == 2 and f"error: {target}" in result.output, result.output
    assert list(real.iterdir()) == [] and _kind(target) != stat.S_IFDIR
    del keep


def test_make_demo_passes_force() -> None:
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")
    writes = [line for line in makefile.splitlines() if " -o " in line]
    assert writes and all("--force" in line for line in writes), writes


# -- item 5: spreadsheets and terminals ------------------------------------------------------------

def test_neutralise_follows_owasp_but_keeps_numbers() -> None:
    assert [neutralise(v) for v in ("=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx")] == [
        "'=1+1", "'+cmd|' /C calc'!A0", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx"]
    assert [neutralise(v) for v in ("-3.5", "-12", "-1e5", "县卫健局", 3, -3.5, None)] == [
        "-3.5", "-12", "-1e5", "县卫健局", 3, -3.5, None]


def _csv_cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def _assert_inert(cells: list[str]) -> None:
    risky = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r") and neutralise(c) != c]
    assert not risky, risky


def test_query_csv_is_neutralised(hostile_store) -> None:
    result = run("query", "tasks", "--store", str(hostile_store), "--format", "csv")
    assert result.exit_code == 0, result.output
    cells = _csv_cells(result.output)
    assert "'" + HOSTILE_TITLE in cells
    _assert_inert(cells)


def test_sparql_csv_is_neutralised_and_numbers_stay(hostile_store) -> None:
    query = 'SELECT ("=1+1" AS ?formula) ("@SUM(A1)" AS ?at) (-3.5 AS ?number) WHERE {}'
    result = run("sparql", query, "--store", str(hostile_store), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == "'=1+1,'@SUM(A1),-3.5"


def test_csv_column_names_are_neutralised_too() -> None:
    assert render([{"=cmd": "-x", "n": -3.5}], "csv").splitlines() == ["'=cmd,n", "'-x,-3.5"]


def test_table_output_shows_control_characters_instead_of_obeying_them(hostile_store) -> None:
    result = run("query", "tasks", "--store", str(hostile_store))
    assert result.exit_code == 0, result.output
    controls = {ch for ch in result.output if (ord(ch) < 0x20 and ch != "\n") or 0x7F <= ord(ch) < 0xA0}
    assert not controls, sorted(map(hex, map(ord, controls)))
    assert r"\x1b]52;c;ZXZpbA==\x07" in result.output and r"\x9b31m" in result.output


def test_json_output_stays_exact(hostile_store) -> None:
    result = run("query", "tasks", "--store", str(hostile_store), "--format", "json")
    assert result.exit_code == 0, result.output
    assert HOSTILE_TITLE in [row["title"] for row in json.loads(result.output)]


# -- item 12: XML exports --------------------------------------------------------------------------

def test_xml_text_replaces_what_xml_cannot_hold() -> None:
    assert xml_text("a\x0bb\x00c\ud800d\ufffee\tf\ng") == "a\ufffdb\ufffdc\ufffdd\ufffde\tf\ng"
    assert xml_text(3) == 3


@pytest.mark.parametrize(("fmt", "read"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graphml_and_gexf_parse_with_an_illegal_character_in_a_task(hostile_store, tmp_path, fmt, read) -> None:
    from lxml import etree

    out = tmp_path / f"g.{fmt}"
    result = run("export", fmt, "-o", str(out), "--store", str(hostile_store))
    assert result.exit_code == 0, result.output
    etree.parse(str(out))
    titles = [d.get("title") for _, d in read(out).nodes(data=True)]
    assert xml_text(HOSTILE_TITLE) in titles


def test_an_invalid_xml_file_is_never_left_nor_reported_as_written(hostile_store, tmp_path, monkeypatch) -> None:
    def broken(_graph, path, **_kwargs):
        Path(path).write_bytes(b"<gexf>\x0b</gexf>")

    monkeypatch.setattr(nx, "write_gexf", broken)
    out = tmp_path / "g.gexf"
    result = run("export", "gexf", "-o", str(out), "--store", str(hostile_store))
    assert result.exit_code == 2 and f"cannot write {out}" in result.output and "not well-formed" in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_xlsx_matrix_follows_the_same_xml_policy(hostile_store, tmp_path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "m.xlsx"
    result = run("export", "matrix", "-o", str(out), "--store", str(hostile_store))
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out)["Sources"].iter_rows(values_only=True))
    titles = [row[rows[0].index("title")] for row in rows]
    assert "'" + xml_text(HOSTILE_TITLE) in titles
