"""Word, PDF and web-page copies of a document give the facts its text gives.

Each corpus document is turned into a .docx with real Word tables, a PDF printed
from it by LibreOffice and an HTML page amid site furniture (``format_twins`` in
conftest.py); the tasks, agencies, roles and indicator cells read from each are
compared with the text version's, corpus-wide, with thresholds.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import docx
import pdfplumber
import pytest
from agreement import KINDS, facts, pooled_f1
from provenance import bad_spans
from twins import PAGE_HEADER, write_html

from policykg.loaders.extract import extract_path, iter_sources
from policykg.loaders.model import ExtractedDocument
from policykg.loaders.reading.docx_reader import read_docx
from policykg.loaders.reading.readers import read_source

# Share of the text version's facts (F1, corpus-wide) each format must reproduce.  Measured when
# written: 1.00 for every kind in every format; the margins allow for layout differences, not bugs.
THRESHOLDS = {"docx": 0.98, "html": 0.98, "pdf": 0.95}
FORMATS = sorted(THRESHOLDS)


@pytest.fixture(scope="module")
def readings(format_twins: dict[str, dict[str, Path]]) -> dict[str, dict[str, ExtractedDocument]]:
    """stem -> format -> extraction."""
    return {stem: {fmt: extract_path(path) for fmt, path in twin.items()} for stem, twin in format_twins.items()}


def agreement(readings: dict[str, dict[str, ExtractedDocument]], fmt: str, kind: str) -> float:
    """F1 of the format's facts against the text version's, pooled over the corpus."""
    return pooled_f1([(facts(docs["txt"])[kind], facts(docs[fmt])[kind]) for docs in readings.values()])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_format_gives_the_facts_of_the_text(readings, fmt: str, kind: str) -> None:
    score = agreement(readings, fmt, kind)
    assert score >= THRESHOLDS[fmt], f"{fmt} {kind}: F1 {score:.3f} < {THRESHOLDS[fmt]}"


def test_the_comparison_is_not_vacuous(readings) -> None:
    sizes = {k: sum(len(facts(d["txt"])[k]) for d in readings.values()) for k in KINDS}
    assert sizes["tasks"] >= 150 and sizes["roles"] >= 300 and sizes["indicator_cells"] >= 200, sizes
    assert sizes["agencies"] >= 40 and sizes["projects"] >= 20, sizes


@pytest.mark.parametrize("fmt", FORMATS)
def test_metadata_is_read_alike(readings, fmt: str) -> None:
    for stem, docs in readings.items():
        want, got = docs["txt"].meta, docs[fmt].meta
        for name in ("title", "doc_number", "issuer", "date_published", "jurisdiction", "doc_type"):
            assert getattr(got, name) == getattr(want, name), (stem, fmt, name)


@pytest.mark.parametrize("fmt", [*FORMATS, "txt"])
def test_every_span_quotes_the_text_it_points_at(readings, fmt: str) -> None:
    for stem, docs in readings.items():
        assert bad_spans(docs[fmt]) == [], (stem, fmt)


def test_the_reader_follows_the_content_not_the_file_name(format_twins, tmp_path: Path) -> None:
    twin = format_twins["shengsi-2024-qiyouxiang-workpoints"]
    expected = facts(extract_path(twin["txt"]))
    for fmt in FORMATS:
        disguised = tmp_path / f"workpoints-{fmt}.txt"
        shutil.copy(twin[fmt], disguised)
        doc = extract_path(disguised)
        assert doc.source_format == fmt
        assert facts(doc)["tasks"] == expected["tasks"]


def test_the_word_twins_hold_real_merged_tables(format_twins) -> None:
    document = docx.Document(str(format_twins["shengsi-2024-integration-action-plan"]["docx"]))
    assert len(document.tables) == 2
    xml = document.element.xml
    assert "w:vMerge" in xml and "w:gridSpan" in xml


def test_word_merged_and_multi_line_cells_become_tab_rows() -> None:
    d = docx.Document()
    table = d.add_table(rows=4, cols=4)
    texts = [["序号", "改革名称", "改革任务", "牵头单位"], ["一、教育", "", "", ""],
             ["1", "学校改革", "1.建设学校。", "县教育局"], ["", "", "2.培训教师。", "县人力社保局"]]
    for r, row in enumerate(texts):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(1, 0).merge(table.cell(1, 3))  # a group row across the table
    table.cell(2, 0).merge(table.cell(3, 0))  # 序号 and 改革名称 merged down a row split in two
    table.cell(2, 1).merge(table.cell(3, 1))
    table.cell(2, 3).add_paragraph("县财政局")  # two units in one cell
    buf = io.BytesIO()
    d.save(buf)
    rows = read_docx(buf.getvalue(), "t.docx").split("\n")[:-1]  # (str.splitlines would split at U+2028)
    assert rows == ["序号\t改革名称\t改革任务\t牵头单位", "一、教育\t\t\t",
                    "1\t学校改革\t1.建设学校。\t县教育局\u2028县财政局", "1\t学校改革\t2.培训教师。\t县人力社保局"]


def test_pdf_keeps_the_page_of_every_character(readings, format_twins) -> None:
    doc = readings["shengsi-2024-integration-action-plan"]["pdf"]
    with pdfplumber.open(format_twins["shengsi-2024-integration-action-plan"]["pdf"]) as pdf:
        pages = len(pdf.pages)
    assert len(doc.pages) == pages > 10
    assert doc.pages[0][0] == 0 and doc.pages[-1][1] == len(doc.text)
    assert all(a[1] == b[0] for a, b in zip(doc.pages, doc.pages[1:], strict=False))
    first_task = next(t for t in doc.tasks if t.part == "body")
    last_project = doc.projects[-1]
    assert doc.page_of(doc.meta.spans["title"].start) in (1, 2)
    assert doc.page_of(first_task.span.start) < pages - 1 <= doc.page_of(last_project.span.start)
    assert readings["shengsi-2024-integration-action-plan"]["txt"].pages == []


def test_pdf_page_headers_and_numbers_are_dropped(readings) -> None:
    for stem, docs in readings.items():
        text = docs["pdf"].text
        assert PAGE_HEADER not in text, stem
        assert not re.search(r"(?m)^\s*-\s*\d+\s*-\s*$", text), stem


def test_pdf_spaces_between_chinese_and_digits_are_removed_where_they_are_artefacts(readings, format_twins) -> None:
    # The title is printed large, so the typesetter's space between 2024 and 年 is wide
    # enough for pdfplumber's plain extraction to turn it into a space.
    stem = "shengsi-2024-integration-action-plan"
    title = readings[stem]["txt"].meta.title
    assert title and title.startswith("2024年")
    with pdfplumber.open(format_twins[stem]["pdf"]) as pdf:
        plain = "".join((p.extract_text() or "") for p in pdf.pages[:3])
    assert "2024 年嵊泗县" in plain
    assert title in readings[stem]["pdf"].text
    # a space the document itself has stays
    workpoints = readings["shengsi-2024-qiyouxiang-workpoints"]
    assert "2024 年,计划实施" in workpoints["txt"].text and "2024 年,计划实施" in workpoints["pdf"].text
    spaced = re.compile(r"[\u4e00-\u9fff][ \u00a0\u3000]+\d|\d[ \u00a0\u3000]+[\u4e00-\u9fff]")
    for docs in readings.values():
        assert len(spaced.findall(docs["pdf"].text)) <= len(spaced.findall(docs["txt"].text))


def test_html_leaves_the_site_furniture_out(readings) -> None:
    for stem, docs in readings.items():
        text = docs["html"].text
        for furniture in ("办事服务", "互动交流", "网站标识码", "相关链接", "网站地图", "var visits"):
            assert furniture not in text, (stem, furniture)


@pytest.mark.parametrize("charset", ["gb2312", "gbk", "gb18030", "utf-16"])
def test_html_charset_from_the_page_or_detection(readings, tmp_path: Path, charset: str) -> None:
    stem = "dinghai-2023-qiyouxiang-plan"
    text = readings[stem]["txt"].text
    expected = readings[stem]["html"].text
    page = write_html(text, tmp_path / "declared.html", charset=charset)
    assert read_source(page.read_bytes(), str(page)).text == expected
    # no declaration at all: the charset is detected
    undeclared = page.read_bytes().decode("gb18030" if charset.startswith("gb") else "utf-16")
    undeclared = undeclared.replace(f'<meta charset="{charset}">', "")
    raw = undeclared.encode("gb18030" if charset.startswith("gb") else "utf-16")
    assert read_source(raw, "undeclared.html").text == expected


def test_a_folder_walk_reads_every_supported_format(tmp_path: Path) -> None:
    for name in ("a.txt", "b.DOCX", "c.pdf", "d.html", "e.HTM", "~$b.docx", "f.xlsx", "g.png", "README.txt"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in iter_sources([tmp_path])] == ["a.txt", "b.DOCX", "c.pdf", "d.html", "e.HTM", "f.xlsx"]
