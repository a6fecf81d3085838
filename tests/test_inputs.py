"""Inputs a user has: no file of a folder skipped silently; .xlsx, .doc/.wps and OFD read as documents."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from policykg.cli.app import main
from policykg.loaders.extract import iter_sources

PLAN = "某县实施方案\n二、主要任务\n1.推进工作。（责任单位：县民政局）\n"


def test_every_file_of_a_folder_is_built_failed_or_skipped_with_a_reason(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / ".git").mkdir(parents=True)
    (docs / ".git" / "config").write_text("x")
    (docs / "a.txt").write_text(PLAN, encoding="utf-8")
    (docs / "b.txt").write_bytes(b"")
    (docs / "scan.png").write_bytes(b"\x89PNG")
    (docs / "notes").write_text("x")
    (docs / "README.md").write_text("# about\n")
    (docs / "~$a.docx").write_bytes(b"x")
    (docs / ".DS_Store").write_bytes(b"x")
    result = CliRunner().invoke(main, ["build", str(docs), "--store", str(tmp_path / "store")])
    assert result.exit_code == 1, result.output  # b.txt failed
    out = result.output
    assert "failed: " in out and "b.txt: the file is empty" in out
    for name, reason in ((".git", "hidden folder"), (".DS_Store", "hidden file"), ("README.md", "README"),
                         ("~$a.docx", "lock file"), ("scan.png", "not a format policykg reads"),
                         ("notes", "not a format policykg reads")):
        assert f"skipped: {docs / name}: " in out and reason in out.split(f"skipped: {docs / name}: ")[1].split("\n")[0]
    assert "1 built, 0 unchanged, 0 kept, 1 failed, 6 skipped" in out


def test_the_walk_tells_what_it_skips_and_why(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "a.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "z.zip").write_bytes(b"PK")
    skipped: list[tuple[str, str]] = []
    found = list(iter_sources([tmp_path], on_skip=lambda p, why: skipped.append((p.name, why))))
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.txt", "sub/a.txt"]
    assert [name for name, _ in skipped] == ["z.zip"]
