"""Reading text files: every encoding and line-ending gives the same extraction; bad files fail clearly."""

from __future__ import annotations

import codecs
import dataclasses
import hashlib
from pathlib import Path

import pytest
from gold import CORPUS_DIR

from policykg.loaders.errors import LoaderError
from policykg.loaders.extract import extract_path, extract_paths
from policykg.loaders.reading.textio import decode_bytes, read_text

CORPUS = sorted(CORPUS_DIR.glob("*.txt"))
# Documents whose layouts differ most: PDF copy with full-width brackets, web page with tables, report.
SAMPLES = ["shengsi-2023-qiyouxiang-plan", "shengsi-2024-integration-action-plan", "jiangshan-2025-integration-report"]

ENCODINGS = {
    "gb18030": lambda s: s.encode("gb18030"),
    "utf-8-bom": lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
    "utf-16": lambda s: s.encode("utf-16"),
    "utf-16-be-bom": lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
    "utf-16-le-no-bom": lambda s: s.encode("utf-16-le"),
    "crlf": lambda s: s.replace("\n", "\r\n").encode("utf-8"),
    "cr": lambda s: s.replace("\n", "\r").encode("utf-8"),
    "gb18030-crlf": lambda s: s.replace("\n", "\r\n").encode("gb18030"),
}


def _comparable(doc) -> dict:
    d = dataclasses.asdict(doc)
    d.pop("sha256")
    return d


def test_corpus_is_there():
    assert len(CORPUS) == 5


@pytest.mark.parametrize("stem", SAMPLES)
@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_encoding_and_line_endings_do_not_change_the_extraction(tmp_path: Path, stem: str, encoding: str):
    original = CORPUS_DIR / f"{stem}.txt"
    text = original.read_text(encoding="utf-8")
    copy = tmp_path / original.name
    raw = ENCODINGS[encoding](text)
    copy.write_bytes(raw)

    expected = extract_path(original)
    got = extract_path(copy)

    assert got.text == expected.text
    assert got.sha256 == hashlib.sha256(raw).hexdigest()
    assert _comparable(got) == _comparable(expected)
    assert len(got.tasks) >= 7


def test_spans_point_into_the_normalised_text():
    for path in CORPUS:
        doc = extract_path(path)
        spans = [*doc.meta.spans.values(), *(c.span for c in doc.citations)]
        for t in doc.tasks:
            spans += [t.span, *(u.span for u in (*t.leads, *t.participants, *t.responsible, *t.inherited_leads))]
        for d in doc.domains:
            spans += [u.span for u in d.leads]
        assert spans
        for s in spans:
            assert doc.text[s.start:s.end] == s.quote, (path.name, s)


def test_read_text_returns_the_hash_of_the_raw_bytes(tmp_path: Path):
    raw = "一、总体要求\r\n".encode("gb18030")
    f = tmp_path / "a.txt"
    f.write_bytes(raw)
    assert read_text(f) == ("一、总体要求\n", hashlib.sha256(raw).hexdigest())


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \r\n\t\n", "empty"),
        ("nul.txt", "一、总体要求\n".encode() + b"\x00\x01\x02\x03" * 50, "binary"),
        ("controls.txt", "方案".encode() + bytes(range(1, 9)) * 40, "binary"),
        ("latin.txt", b"\x80\x81\xff\xfe\xfd not text \xff", "decode"),
        ("bad-bom.txt", codecs.BOM_UTF8 + b"\xff\xfe\xfa", "byte-order mark"),
    ],
)
def test_bad_files_raise_a_loader_error_naming_the_file(tmp_path: Path, name: str, data: bytes, message: str):
    f = tmp_path / name
    f.write_bytes(data)
    with pytest.raises(LoaderError) as err:
        extract_path(f)
    assert err.value.path == str(f)
    assert str(f) in str(err.value)
    assert message in err.value.message


def test_undecodable_text_reports_the_line(tmp_path: Path):
    f = tmp_path / "broken.txt"
    f.write_bytes("第一行\n第二行\n".encode() + b"\x80\x81\xff bad \xff\xfe\n")
    with pytest.raises(LoaderError) as err:
        read_text(f)
    assert err.value.line == 3


def test_missing_file_and_folder_raise_loader_errors(tmp_path: Path):
    with pytest.raises(LoaderError, match="no such file") as err:
        extract_path(tmp_path / "missing.txt")
    assert "missing.txt" in str(err.value)
    with pytest.raises(LoaderError, match="folder"):
        read_text(tmp_path)


def test_size_cap(tmp_path: Path):
    f = tmp_path / "big.txt"
    f.write_bytes("方案".encode() * 100)
    with pytest.raises(LoaderError, match="limit") as err:
        read_text(f, max_bytes=100)
    assert str(f) in str(err.value)
    assert read_text(f, max_bytes=1000)[0] == "方案" * 100


def test_decode_prefers_utf8_and_falls_back_to_gb18030():
    text = "嵊政办发〔2024〕10号“七优享”‰㎡"
    assert decode_bytes(text.encode("utf-8")) == text
    assert decode_bytes(text.encode("gb18030")) == text
    assert decode_bytes(text.encode("gbk", errors="ignore")) == text.encode("gbk", errors="ignore").decode("gbk")


def test_extract_paths_walks_folders_sorted_and_goes_on_after_a_bad_file(tmp_path: Path):
    good = (CORPUS_DIR / "jiangshan-2025-integration-report.txt").read_bytes()
    (tmp_path / "b.txt").write_bytes(good)
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "README.md").write_text("not a document")
    (tmp_path / ".hidden.txt").write_bytes(good)
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "c.txt").write_bytes(good)
    hidden_dir = tmp_path / ".cache"
    hidden_dir.mkdir()
    (hidden_dir / "d.txt").write_bytes(good)

    results = list(extract_paths([tmp_path]))

    assert [p.relative_to(tmp_path).as_posix() for p, _ in results] == ["a.txt", "b.txt", "sub/c.txt"]
    assert isinstance(results[0][1], LoaderError)
    assert [r.doc_id for _, r in results[1:]] == ["b", "c"]


def test_extract_paths_reports_a_missing_file_and_continues(tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_bytes((CORPUS_DIR / "dinghai-2023-qiyouxiang-plan.txt").read_bytes())
    results = list(extract_paths([tmp_path / "nope.txt", good]))
    assert isinstance(results[0][1], LoaderError)
    assert results[1][1].doc_id == "good"


def test_doc_id_is_an_ascii_slug_of_the_file_name(tmp_path: Path):
    src = (CORPUS_DIR / "jiangshan-2025-integration-report.txt").read_bytes()
    ascii_name = tmp_path / "Jiangshan Report (2025).txt"
    chinese_name = tmp_path / "江山市工作报告.txt"
    ascii_name.write_bytes(src)
    chinese_name.write_bytes(src)
    assert extract_path(ascii_name).doc_id == "jiangshan-report-2025"
    cid = extract_path(chinese_name).doc_id
    assert cid.startswith("doc-") and len(cid) == 16 and cid.isascii()
    assert cid == extract_path(chinese_name).doc_id
