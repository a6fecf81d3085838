"""Bad input never hurts the build: each broken file fails alone, with one message naming it and the problem.

Covers empty files, binary junk, truncated, damaged, encrypted and image-only PDFs,
fake and damaged Word files, old binary Office files, web pages without an article,
text in an unknown encoding, files over the size limit, and paths that are missing
or cannot be read — one by one, and mixed into a folder with the corpus in all
four formats (the issue's "done when").
"""

from __future__ import annotations

import io
import random
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from agreement import KINDS, facts, pooled_f1
from click.testing import CliRunner
from twins import pdf_from_objects, print_pdfs

from policykg.cli import main
from policykg.graph.pipeline import build
from policykg.graph.store import Store
from policykg.loaders.errors import LoaderError
from policykg.loaders.extract import doc_id_for, extract_path

STEMS = ("dinghai-2023-qiyouxiang-plan", "jiangshan-2025-integration-report", "shengsi-2023-qiyouxiang-plan",
         "shengsi-2024-integration-action-plan", "shengsi-2024-qiyouxiang-workpoints")
FORMATS = ("txt", "docx", "pdf", "html")
# Same bars as tests/test_formats.py; a mixed folder must not read worse than one format alone.
THRESHOLDS = {"docx": 0.98, "html": 0.98, "pdf": 0.95}


def _blank_pdf() -> bytes:
    """A valid one-page PDF with no text on it, as a scan without OCR is."""
    return pdf_from_objects([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                             b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"])


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


def _xlsx() -> bytes:
    book = openpyxl.Workbook()  # a workbook with nothing in it
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def encrypted_pdf(format_twins, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("encrypted")
    (pdf,) = print_pdfs([format_twins["jiangshan-2025-integration-report"]["docx"]], out, password="secret")
    return pdf.read_bytes()


@pytest.fixture(scope="module")
def broken(format_twins, encrypted_pdf: bytes) -> dict[str, tuple[bytes, str]]:
    """A dozen broken files: name -> (bytes, what the message must say)."""
    junk = random.Random(5).randbytes(4096)
    pdf = format_twins["jiangshan-2025-integration-report"]["pdf"].read_bytes()
    word = format_twins["jiangshan-2025-integration-report"]["docx"].read_bytes()
    nav_only = ('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><nav><a href="/">首页</a>'
                '<a href="/zwgk/">政务公开</a></nav><footer>版权所有</footer></body></html>').encode()
    return {
        "empty.txt": (b"", "the file is empty"),
        "empty.docx": (b"", "the file is empty"),
        "junk.txt": (junk, "binary content"),
        "junk.pdf": (junk, "not a PDF file"),
        "truncated.pdf": (pdf[: len(pdf) // 2], "truncated PDF"),
        "damaged.pdf": (b"%PDF-1.7\n" + junk[:500] + b"\n%%EOF\n", "damaged PDF"),
        "encrypted.pdf": (encrypted_pdf, "encrypted PDF"),
        "scanned.pdf": (_blank_pdf(), "no text layer"),
        "fake.docx": (_zip({"data.csv": "指标,2024年\n".encode()}), "not a Word document"),
        "empty-sheet.docx": (_xlsx(), "the spreadsheet has no text"),  # read by content, whatever its name
        "truncated.docx": (word[: len(word) // 2], "damaged Word file"),
        "old-word.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + junk, "old binary Office file"),
        "nav-only.html": (nav_only, "without article text"),
        "unknown-encoding.txt": (b"\x80\x81\xff\xfe\xfd plan \xff" * 20, "cannot decode"),
    }


def test_each_broken_file_fails_with_one_clear_message(broken, tmp_path: Path) -> None:
    for name, (data, expected) in broken.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(LoaderError) as err:
            extract_path(path)
        assert err.value.path == str(path), name
        assert str(err.value).startswith(f"{path}"), name
        assert expected in err.value.message, (name, err.value.message)
        assert "\n" not in str(err.value), name


def test_the_size_cap_is_configurable(tmp_path: Path, corpus_dir: Path) -> None:
    # A 200 MB file is stood in for by a small cap: the check is on the size, never on reading it.
    big = tmp_path / "big.txt"
    shutil.copy(corpus_dir / "jiangshan-2025-integration-report.txt", big)
    size = big.stat().st_size
    with pytest.raises(LoaderError, match=f"{size} bytes, over the 1000-byte limit"):
        extract_path(big, max_bytes=1000)
    report = build([big], store=tmp_path / "store", max_bytes=1000)
    assert report.built == [] and len(report.failed) == 1 and "limit" in report.failed[0][1]
    assert build([big], store=tmp_path / "store", max_bytes=size).built == ["big"]
    result = CliRunner().invoke(main, ["build", str(big), "--store", str(tmp_path / "s2"), "--max-mb", "0.001"])
    assert result.exit_code == 1 and "over the 1048-byte limit" in result.output


def test_missing_and_unreadable_paths_are_reported_and_the_rest_built(tmp_path: Path, corpus_dir: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    good = tmp_path / "good.txt"
    locked = tmp_path / "locked.txt"
    shutil.copy(corpus_dir / "jiangshan-2025-integration-report.txt", good)
    shutil.copy(corpus_dir / "jiangshan-2025-integration-report.txt", locked)
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:  # root reads any file: deny this one as a locked file would be
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    report = build([tmp_path / "missing.txt", locked, good, tmp_path / "nowhere"], store=tmp_path / "store")
    failed = dict(report.failed)
    assert report.built == ["good"]
    assert "no such file" in failed[str(tmp_path / "missing.txt")]
    assert "no such file or folder" in failed[str(tmp_path / "nowhere")]
    assert "cannot read the file: Permission denied" in failed[str(locked)]


def test_a_mixed_folder_builds_with_clear_messages_and_the_facts_of_the_text_corpus(
        format_twins, broken, corpus_graph, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for stem in STEMS:
        for fmt in FORMATS:
            shutil.copy(format_twins[stem][fmt], folder / f"{stem}.{fmt}")
    for name, (data, _) in broken.items():
        (folder / "broken").mkdir(exist_ok=True)
        (folder / "broken" / name).write_bytes(data)
    store = tmp_path / "store"

    result = CliRunner().invoke(main, ["build", str(folder), "--store", str(store)])

    assert result.exit_code == 1, result.output
    assert f"20 built, 0 unchanged, 0 kept, {len(broken)} failed" in result.output
    failures = [line for line in result.output.splitlines() if line.startswith("failed: ")]
    assert len(failures) == len(broken)
    for name, (_, expected) in broken.items():
        line = next(f for f in failures if f"/broken/{name}:" in f)
        assert expected in line, line

    # every format of every document is in the store, with the facts of its text
    docs = {d.doc_id: d for d in Store(store).stored_extractions()}
    assert len(docs) == 20
    for fmt, bar in THRESHOLDS.items():
        for kind in KINDS:
            pairs = [(facts(docs[stem.lower()])[kind], facts(docs[f"{stem}-{fmt}"])[kind]) for stem in STEMS]
            assert pooled_f1(pairs) >= bar, (fmt, kind)
    # and the graph knows the same agencies as the text corpus's graph
    graph = Store(store).load_graph()

    def agencies(g) -> set[str]:
        return {n for n, d in g.nodes(data=True) if d.get("type") in ("Agency", "AgencyGroup")}

    assert agencies(graph) == agencies(corpus_graph)
    read = {d["doc_id"] for _, d in graph.nodes(data=True) if d.get("type") == "Document" and d.get("sha256")}
    assert read == set(docs)  # (documents they cite are nodes too, without a file behind them)


def test_doc_ids_keep_formats_apart_and_a_real_collision_is_reported(corpus_dir: Path, tmp_path: Path) -> None:
    src = corpus_dir / "jiangshan-2025-integration-report.txt"
    shutil.copy(src, tmp_path / "report.txt")
    (tmp_path / "sub").mkdir()
    shutil.copy(src, tmp_path / "sub" / "report.txt")  # same file name in another folder: same id
    report = build([tmp_path], store=tmp_path / "store")
    assert report.built == ["report"]
    (path, message), = report.failed
    assert path == str(tmp_path / "sub" / "report.txt")
    assert message == f"{path}: same document id 'report' as {tmp_path / 'report.txt'}; rename one of the files"
    # the same document as text, Word, PDF and web page: four ids, no collision
    for suffix in (".docx", ".pdf", ".html"):
        shutil.copy(src, tmp_path / f"report{suffix}")
    assert {doc_id_for(p) for p in tmp_path.glob("report.*")} == {"report", "report-docx", "report-pdf",
                                                                  "report-html"}


@pytest.mark.parametrize("stray", ["\x0b", "\x0c", "\x1b[31m", "&#x1b;", "&#11;"])
def test_control_characters_in_a_web_page_are_read_past(stray: str) -> None:
    # lxml parses them, raw or as references, then refuses them when the reader removes a
    # comment or a script beside them (ValueError: "All strings must be XML compatible").
    from policykg.loaders.reading.html_reader import read_html

    page = (f"<html><body><p>第一段文字。</p><!-- 注释 --><script>x()</script>{stray}尾巴"
            f"<p>{'推进学校布局优化，完善教育资源配置。' * 4}</p></body></html>")
    text = read_html(page.encode("utf-8", "surrogatepass"), "page.html")
    assert "推进学校布局优化" in text and "尾巴" in text
