"""Every loader limit is enforced with a named error for that one file, and nothing is skipped without a word.

Non-regular files (FIFOs, devices, sockets), folder walks that meet dangling
links, loops and unknown suffixes, HTML nested beyond the parser's depth,
decompression bombs in Word and PDF files, and a worker process that dies or
hangs: each fails (or is skipped) alone, with a message naming the file, and the
rest of the build goes on.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from twins import pdf_from_objects

from policykg.loaders.errors import LoaderError
from policykg.loaders.reading.textio import read_bytes


def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.txt"
    os.mkfifo(fifo)
    # Opening a FIFO for reading blocks until a writer comes: the refusal must come from its type alone.
    with pytest.raises(LoaderError, match="not a regular file: a FIFO") as err:
        read_bytes(fifo)
    assert err.value.path == str(fifo)


def test_devices_and_sockets_are_refused(tmp_path: Path) -> None:
    with pytest.raises(LoaderError, match="not a regular file: a character device"):
        read_bytes("/dev/null")
    path = tmp_path / "s.txt"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        with pytest.raises(LoaderError, match="not a regular file: a socket"):
            read_bytes(path)


def test_a_fifo_given_to_the_build_fails_alone_instead_of_blocking(tmp_path: Path, corpus_dir: Path) -> None:
    from click.testing import CliRunner

    from policykg.cli import main

    good = tmp_path / "good.txt"
    good.write_bytes((corpus_dir / "jiangshan-2025-integration-report.txt").read_bytes())
    os.mkfifo(tmp_path / "pipe.txt")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "pipe.txt"), str(good),
                                       "--store", str(tmp_path / "store")])
    assert result.exit_code == 1, result.output
    assert f"failed: {tmp_path / 'pipe.txt'}: not a regular file: a FIFO" in result.output
    assert "1 built" in result.output


def _walk_report(paths: list[Path]) -> tuple[list[str], dict[str, str], dict[str, str]]:
    from policykg.loaders.extract import iter_sources

    failed: dict[str, str] = {}
    skipped: dict[str, str] = {}
    found = [p.name for p in iter_sources(paths, on_error=lambda p, e: failed.__setitem__(p.name, str(e)),
                                          on_skip=lambda p, why: skipped.__setitem__(p.name, why))]
    return found, failed, skipped


def test_a_folder_walk_reports_what_it_cannot_read_or_does_not_read(tmp_path: Path, corpus_dir: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_bytes((corpus_dir / "jiangshan-2025-integration-report.txt").read_bytes())
    (docs / "photo.jpg").write_bytes(b"\xff\xd8")
    (docs / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (docs / "self.txt").symlink_to(docs / "self.txt")
    (docs / "loop").symlink_to(docs)
    os.mkfifo(docs / "pipe.txt")
    found, failed, skipped = _walk_report([docs])
    # The FIFO is yielded: reading it refuses it by its type, without blocking.
    assert found == ["a.txt", "pipe.txt"]
    assert "a broken link" in failed["gone.txt"] and str(docs / "gone.txt") in failed["gone.txt"]
    assert "a symbolic link loop" in failed["self.txt"]
    assert "walked already" in skipped["loop"]
    assert skipped["photo.jpg"].startswith("not a format policykg reads (")


def test_an_unreadable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text("某县方案", encoding="utf-8")
    real = os.scandir

    def scandir(path: str | os.PathLike[str] = ".") -> object:  # root reads any folder: deny this one
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found, failed, _ = _walk_report([tmp_path])
    assert found == [] and "cannot read the folder: Permission denied" in failed["locked"]


def test_the_build_counts_and_names_skipped_files(tmp_path: Path, corpus_dir: Path) -> None:
    from click.testing import CliRunner

    from policykg.cli import main

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_bytes((corpus_dir / "jiangshan-2025-integration-report.txt").read_bytes())
    (docs / "notes.png").write_bytes(b"\x89PNG")
    (docs / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    result = CliRunner().invoke(main, ["build", str(docs), "--store", str(tmp_path / "store")])
    assert result.exit_code == 1, result.output
    assert "1 built, 0 unchanged, 0 kept, 1 failed, 1 skipped" in result.output
    assert f"skipped: {docs / 'notes.png'}: not a format policykg reads" in result.output
    assert f"failed: {docs / 'gone.txt'}: a broken link" in result.output


def _nested_page(depth: int) -> bytes:
    """A plan whose tasks sit each one level deeper than the last, as generated pages sometimes nest."""
    head = "<html><body><div><p>某县养老服务实施方案</p><p>二、主要任务</p>"
    tasks = "".join(f"<div><p>{n}.推进第{n}项养老服务工作。(责任单位:县民政局)</p>" for n in range(1, depth + 1))
    return (head + tasks + "</div>" * (depth + 1) + "</body></html>").encode()


def test_deep_html_is_read_completely() -> None:
    from policykg.loaders.extract import extract_bytes

    doc = extract_bytes(_nested_page(300), "deep.html")
    assert len(doc.tasks) == 300


def test_html_nested_beyond_the_limit_fails_with_a_named_error() -> None:
    from policykg.loaders.reading.html_reader import MAX_NESTING, read_html

    with pytest.raises(LoaderError, match=f"nested deeper than {MAX_NESTING} levels") as err:
        read_html(_nested_page(MAX_NESTING + 10), "deeper.html")
    assert err.value.path == "deeper.html"
    # beyond what the parser itself can hold, the same error, never a page cut short
    with pytest.raises(LoaderError, match="nested deeper than"):
        read_html(_nested_page(3000), "deepest.html")


def test_the_html_error_counts_every_chinese_character_of_the_page() -> None:
    from policykg.loaders.reading.html_reader import read_html

    page = ("<html><head><title>某县养老服务实施方案</title></head>"
            "<body><ul><li><a href='/'>首页</a></li></ul><p>𠀀㐀</p></body></html>")
    with pytest.raises(LoaderError, match="2 of its 14 Chinese characters"):
        read_html(page.encode(), "menu.html")


def _word_file(document_xml: bytes) -> bytes:
    import io
    import zipfile

    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, document_xml if info.filename == "word/document.xml" else src.read(info))
    return out.getvalue()


def test_a_word_decompression_bomb_is_refused_before_unpacking() -> None:
    from policykg.loaders.reading.archive import MAX_RATIO
    from policykg.loaders.reading.docx_reader import read_docx

    body = '<w:p><w:r><w:t>一、推进工作。</w:t></w:r></w:p>' * 200_000  # ~9 MB of XML, squeezed to a few KB
    xml = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           f'<w:body>{body}</w:body></w:document>').encode()
    data = _word_file(xml)
    assert len(xml) > MAX_RATIO * len(data)
    with pytest.raises(LoaderError, match=r"word/document\.xml unpacks to \d+ bytes from \d+, over the ratio") as err:
        read_docx(data, "bomb.docx")
    assert err.value.path == "bomb.docx"


def test_a_word_file_over_the_unpacked_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from policykg.loaders.reading import archive, docx_reader

    text = "某县方案。".encode() * 20_000
    data = _word_file(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                      b'<w:body><w:p><w:r><w:t>' + text + b'</w:t></w:r></w:p></w:body></w:document>')
    monkeypatch.setattr(archive, "MAX_XML_PART", 100_000)
    with pytest.raises(LoaderError, match=r"word/document\.xml unpacks to \d+ bytes, over the 100000-byte limit"):
        docx_reader.read_docx(data, "long.docx")


def _corpus_folder(tmp_path: Path, corpus_dir: Path, names: tuple[str, ...]) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    report = (corpus_dir / "jiangshan-2025-integration-report.txt").read_bytes()
    for i, name in enumerate(names):
        (docs / name).write_bytes(report + f"\n附{i}\n".encode())
    return docs


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_worker_that_dies_fails_only_the_file_it_held(tmp_path: Path, corpus_dir: Path,
                                                        monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    from policykg.graph.pipeline import build
    from policykg.loaders.workers import WORKER_FAULT_ENV

    docs = _corpus_folder(tmp_path, corpus_dir, ("a.txt", "b.txt", "c.txt", "d.txt"))
    monkeypatch.setenv(WORKER_FAULT_ENV, "exit:b.txt")  # as a kill -9 or the OOM killer would end it
    report = build([docs], store=tmp_path / "store", jobs=jobs)
    assert report.built == ["a", "c", "d"]
    ((path, message),) = report.failed
    assert path == str(docs / "b.txt")
    assert message == f"{docs / 'b.txt'}: the worker process died while reading it (exit code 9; " \
                      "a document over the 4096 MiB memory limit can end so)"


def test_a_document_past_the_time_limit_fails_alone_through_the_cli(tmp_path: Path, corpus_dir: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from policykg.cli import main
    from policykg.loaders.workers import WORKER_FAULT_ENV

    docs = _corpus_folder(tmp_path, corpus_dir, ("a.txt", "stuck.txt", "z.txt"))
    monkeypatch.setenv(WORKER_FAULT_ENV, "hang:stuck.txt")  # hangs an hour: only the deadline ends it
    result = CliRunner().invoke(main, ["build", str(docs), "--store", str(tmp_path / "store"), "--timeout", "2"])
    assert result.exit_code == 1, result.output
    assert "2 built, 0 unchanged, 0 kept, 1 failed" in result.output
    assert f"failed: {docs / 'stuck.txt'}: extracting took longer than the 2-second limit per document" \
        in result.output
    assert "Traceback" not in result.output


def test_a_document_over_the_memory_limit_fails_alone(tmp_path: Path, corpus_dir: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from policykg.graph.pipeline import build
    from policykg.loaders.workers import WORKER_FAULT_ENV, Limits

    docs = _corpus_folder(tmp_path, corpus_dir, ("a.txt", "big.txt"))
    monkeypatch.setenv(WORKER_FAULT_ENV, "alloc:big.txt")  # asks for 1.2 GiB, as a decompression bomb would
    report = build([docs], store=tmp_path / "store", limits=Limits(seconds=600, memory=600 * 2**20))
    assert report.built == ["a"]
    ((_, message),) = report.failed
    assert message == f"{docs / 'big.txt'}: extracting needs more than the 600 MiB memory limit per document"


def _flate_bomb(unpacked: int, pages: int = 1) -> bytes:
    """Pages sharing one content stream of ``unpacked`` spaces, its compressed end cut off (as damaged files are)."""
    import zlib

    packed = zlib.compress(b" " * unpacked, 9)[:-4]
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    return pdf_from_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
        *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * pages])


def test_a_damaged_flate_stream_is_unpacked_in_linear_time(tmp_path: Path) -> None:
    from policykg.graph.pipeline import build
    from policykg.loaders.workers import Limits

    # pdfminer unpacks a stream with a damaged end one byte at a time, copying all it has each time:
    # 30 MB ran for over 300 s. Bounded by a generous deadline, it must end with the reader's own verdict.
    (tmp_path / "bomb.pdf").write_bytes(_flate_bomb(30 * 2**20))
    report = build([tmp_path / "bomb.pdf"], store=tmp_path / "store", limits=Limits(seconds=120))
    ((_, message),) = report.failed
    assert "the PDF has no text layer" in message


def test_a_flate_bomb_fails_with_a_named_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from policykg.loaders.reading import pdf_guard
    from policykg.loaders.reading.pdf_reader import read_pdf

    monkeypatch.setattr(pdf_guard, "MAX_STREAM", 2**20)
    for bomb in (_flate_bomb(3 * 2**20), _flate_bomb(3 * 2**20)[:-40] + _flate_bomb(0)[-40:]):
        with pytest.raises(LoaderError, match="a compressed stream unpacks to more than 1048576 bytes") as err:
            read_pdf(bomb, "bomb.pdf")
        assert err.value.path == "bomb.pdf"


def test_a_pdf_over_the_page_limit_fails_with_a_named_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from policykg.loaders.reading import pdf_reader

    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 5)
    with pytest.raises(LoaderError, match="the PDF has 20 pages, over the 5-page limit"):
        pdf_reader.read_pdf(_flate_bomb(100, pages=20), "long.pdf")


def test_pdfminer_warnings_stay_off_the_terminal_and_in_the_extraction(caplog: pytest.LogCaptureFixture) -> None:
    from policykg.loaders.reading.readers import read_source

    content = b"BT /F1 12 Tf 72 712 Td (Hello world) Tj ET"
    pdf = pdf_from_objects([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> >> >>",
                b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Foo /FontDescriptor 6 0 R >>",
                b"<< /Type /FontDescriptor /FontName /Foo /FontBBox [0 0 (x) 1] >>"])
    reading = read_source(pdf, "font.pdf")
    assert reading.text == "Hello world\n"
    assert not [r for r in caplog.records if r.name.startswith("pdfminer")]
    assert any("FontBBox" in w for w in reading.warnings)


def test_extract_paths_yields_what_the_walk_could_not_read(tmp_path: Path) -> None:
    from policykg.loaders.extract import extract_paths

    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    ((path, result),) = list(extract_paths([tmp_path]))
    assert path == tmp_path / "gone.txt" and isinstance(result, LoaderError)
    assert "a broken link" in result.message


def test_a_folder_walk_goes_as_deep_as_the_folders_do(tmp_path: Path) -> None:
    deep = tmp_path
    for _ in range(1200):  # deeper than Python's recursion limit
        deep = deep / "d"
        deep.mkdir()
    (deep / "plan.txt").write_text("某县方案", encoding="utf-8")
    try:
        found, failed, skipped = _walk_report([tmp_path])
    finally:  # pytest's own clean-up recurses: remove the tree level by level
        (deep / "plan.txt").unlink()
        while deep != tmp_path:
            deep.rmdir()
            deep = deep.parent
    assert found == ["plan.txt"] and not failed and not skipped


def test_documents_aborted_with_a_broken_pool_are_extracted_again(tmp_path: Path) -> None:
    """pebble aborts every task in flight when a worker dies before the pool has heard which task it
    took (seen once in CI under load); the documents aborted so are extracted again, not failed."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from policykg.graph.pipeline import _in_order
    from policykg.loaders.workers import extract_in_worker

    class BreaksOnce:  # the first two calls come back aborted, as from pebble's broken pool
        calls = 0

        def schedule(self, function, args=(), kwargs=None, timeout=None) -> Future:
            BreaksOnce.calls += 1
            future: Future = Future()
            if BreaksOnce.calls <= 2:
                future.set_exception(BrokenProcessPool("All workers expired"))
            else:
                future.set_result(function(*args))
            return future

    work = [(tmp_path / f"{n}.txt", f"二、主要任务\n1.推进{n}工作。".encode()) for n in "abc"]
    out = list(_in_order(BreaksOnce(), work, window=4))
    assert [type(r).__name__ for _, r, _ in out] == ["ExtractedDocument"] * 3
    assert [r.tasks[0].title for _, r, _ in out] == [extract_in_worker(d, p).tasks[0].title for p, d in work]
    assert BreaksOnce.calls == 5  # three, and the two aborted once more
