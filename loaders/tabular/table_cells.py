"""The pieces a flattened table is made of, and what a piece looks like.

Web pages and PDF conversions print a table one cell per line (cells wrapping over
several lines) or one row per line with tabs between cells (the convention the
Word, PDF and HTML readers write, :mod:`~policykg.loaders.reading.flatten`).  A :class:`Piece` is
one non-blank line, or one tab-separated cell, with the offsets of its text in the
normalised document; the predicates here say which kind of cell a piece can be.

>>> from policykg.loaders.model import SourceText
>>> [p.text for p in line_pieces(SourceText("序号\\n\\n  改革\\n名称 \\n"))]
['序号', '改革', '名称']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policykg.loaders.model import SourceText
from policykg.loaders.reading.flatten import CELL_LINE_BREAK
from policykg.loaders.terms.units import is_person_name, is_unit, is_unit_list, squeeze


@dataclass(frozen=True)
class Piece:
    """One line (or tab cell) of a table: its stripped text and where it is."""

    start: int
    end: int
    text: str
    blank_before: bool = True  # a blank line (or the start of the text) comes before it
    line_no: int = 0


_OPEN, _CLOSE = "(（", ")）"
_TRIM = re.compile(r"^[^\S\t]*(.*?)[^\S\t]*$")
_SERIAL = re.compile(r"^\d{1,3}$")
_NUMBERED = re.compile(r"^(\d{1,2})\s*[.．、]\s*(?!\d)\S")
_GROUP_ROW = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.．]\s*([^\s。，,；;：:]{1,15})$")
# a named group row: 行动一：…, 专项行动二 …, 任务三、…, 工程一 …
_NAMED_GROUP_ROW = re.compile(
    r"^((?:专项)?(?:行动|任务|工程|板块|领域)[一二三四五六七八九十]{1,3})\s*[、.．:：]?\s*([^\s。，,；;：:]{1,20})$")
_VALUE = re.compile(
    r"^(?:[<>≤≥＜＞=＝≈~～约]|不低于|不少于|不高于|不超过|低于|高于|大于|小于)?\s*[-+]?\d[\d,，]*(?:\.\d+)?"
    r"\s*(?:%|‰|％)?\s*(?:以上|以下|左右)?$"
)
_NO_VALUE = {"/", "／", "-", "—", "——", "–", "无", "空", "——/"}
_SENTENCE_END = "。；;：:，,！？"
# A cell that ends in one of these was cut by the layout and continues on the next line.
_JOINERS = "、，,；;"
_ANNEX = re.compile(r"^附件\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*(?:[:：]\s*\S.{0,60})?$")
# the one annex of a document is not numbered: 附件 alone, or 附件：<its title> (not 附件：1.… listing several)
_ONLY_ANNEX = re.compile(r"^附件\s*(?:[:：]\s*(?![0-9一二三四五六七八九十]{1,3}\s*[.．、])\S.{0,60})?$")
_ARTEFACT = re.compile(r"\.(?:pdf|docx?|wps|ofd|xlsx?|et)\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(][一二三四五六七八九十]{1,3}[)）])")
_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def line_pieces(src: SourceText) -> list[Piece]:
    """Every non-blank line of the document as a :class:`Piece` (surrounding spaces cut off)."""
    out: list[Piece] = []
    blank = True
    for n, (start, line) in enumerate(src.lines(), start=1):
        if not line.strip():
            blank = True
            continue
        # tabs at either end are empty cells of a tab-separated row: keep them
        m = _TRIM.match(line) if "\t" in line else None
        lead, stripped = (m.start(1), m.group(1)) if m else (len(line) - len(line.lstrip()), line.strip())
        out.append(Piece(start + lead, start + lead + len(stripped), stripped, blank, n))
        blank = False
    return out


def tab_cells(piece: Piece) -> list[Piece]:
    """The tab-separated cells of one line; an empty cell has an empty text at its position.

    >>> [c.text for c in tab_cells(Piece(0, 9, "a\\t\\t b \\tc"))]
    ['a', '', 'b', 'c']
    """
    cells: list[Piece] = []
    pos = piece.start
    for raw in piece.text.split("\t"):
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        s = pos + lead if stripped else pos
        cells.append(Piece(s, s + len(stripped), stripped, True, piece.line_no))
        pos += len(raw) + 1
    return cells


def cell_lines(cell: Piece) -> list[Piece]:
    """The lines of one tab cell (a Word or PDF cell keeps its lines apart with U+2028); none if empty.

    >>> [(c.start, c.text) for c in cell_lines(Piece(4, 13, "县教育局\u2028 县财政局"))]
    [(4, '县教育局'), (10, '县财政局')]
    """
    out: list[Piece] = []
    pos = cell.start
    for raw in cell.text.split(CELL_LINE_BREAK):
        stripped = raw.strip()
        if stripped:
            s = pos + len(raw) - len(raw.lstrip())
            out.append(Piece(s, s + len(stripped), stripped, cell.blank_before, cell.line_no))
        pos += len(raw) + 1
    return out


def is_serial(text: str) -> bool:
    """A 序号 cell: a bare row number.

    >>> is_serial("12"), is_serial("1.2"), is_serial("1.加快")
    (True, False, False)
    """
    return bool(_SERIAL.match(text.strip()))


def numbered_text(text: str) -> str | None:
    """The number of a numbered text line ("2.摸清…" -> "2"), else ``None``.

    >>> numbered_text("2.摸清本岛闲置资产情况。"), numbered_text("2.5"), numbered_text("县府办")
    ('2', None, None)
    """
    m = _NUMBERED.match(text.strip())
    return m.group(1) if m and len(text.strip()) > 4 else None


def group_row(text: str) -> tuple[str, str] | None:
    """A group row such as ``一、教育`` -> (section, name).

    >>> group_row("三、 养老"), group_row("二、重点任务。"), group_row("行动一：夯实数字基础设施")
    (('三、', '养老'), None, ('行动一', '夯实数字基础设施'))
    """
    m = _GROUP_ROW.match(text.strip())
    if m:
        return m.group(1) + "、", m.group(2)
    m = _NAMED_GROUP_ROW.match(text.strip())
    return (m.group(1), m.group(2)) if m else None


def is_value(text: str) -> bool:
    """A short figure cell: numbers with comparison signs, percentages, or a dash for "none".

    >>> [is_value(t) for t in ["3.0", "<5", "≥28.07", "> 0.867", "/", "全覆盖", "县府办"]]
    [True, True, True, True, True, False, False]
    """
    t = text.strip()
    return t in _NO_VALUE or bool(_VALUE.match(t))


def is_amount(text: str) -> bool:
    """An investment cell: a plain number or a dash for "none".

    >>> is_amount("0.5394"), is_amount("/"), is_amount("约1亿")
    (True, True, False)
    """
    t = squeeze(text)
    return t in _NO_VALUE or bool(re.match(r"^\d[\d,]*(?:\.\d+)?$", t))


def is_years(text: str) -> bool:
    """A 建设起止年限 cell: a year or a range of years.

    >>> is_years("2023-2024"), is_years("2024"), is_years("2024年—2027年"), is_years("菜园镇")
    (True, True, True, False)
    """
    return bool(re.match(r"^\d{4}\s*年?(?:\s*[-—–~～至到]\s*\d{4}\s*年?)?$", text.strip()))


def is_unit_cell(text: str) -> bool:
    """A unit-list cell line: one unit, units a layout ran together, or a list of units.

    >>> is_unit_cell("县交通运输局县综合行政执法局"), is_unit_cell("邱存安"), is_unit_cell("区水务局、区交通委，")
    (True, False, True)
    """
    return is_unit(text) or is_unit_list(text)


def is_person_cell(text: str) -> bool:
    """A 责任人 cell.

    >>> is_person_cell("叶 \\u00a0敏"), is_person_cell("县残联")
    (True, False)
    """
    return is_person_name(text)


def is_short_label(text: str, limit: int = 10) -> bool:
    """A short label without sentence punctuation (a wrapped header or domain cell).

    >>> is_short_label("幼有"), is_short_label("加强优生优育服务保障。")
    (True, False)
    """
    t = squeeze(text)
    return 0 < len(t) <= limit and not any(ch in t for ch in _SENTENCE_END) and "\t" not in text


def continues(text: str) -> bool:
    """True when a cell's line ends in a list separator, so the cell goes on.

    >>> continues("职工86、"), continues("城乡居民70")
    (True, False)
    """
    t = text.rstrip()
    return len(t) > 1 and t[-1] in _JOINERS


def annex_part(text: str) -> str | None:
    """``annexN`` for a line that opens an annex (附件1, 附件 2, 附件三), else ``None``.

    >>> annex_part("附件1"), annex_part("附件 三"), annex_part("附件:1.2024年改革清单")
    ('annex1', 'annex3', None)
    >>> annex_part("附件"), annex_part("附件：某区重点任务分解表"), annex_part("附件：1.清单 2.名单")
    ('annex1', 'annex1', None)
    """
    m = _ANNEX.match(text.strip())
    if not m:
        return "annex1" if _ONLY_ANNEX.match(text.strip()) else None
    num = m.group(1)
    if num.isdigit():
        return f"annex{int(num)}"
    if "十" not in num:
        return f"annex{_CN_DIGITS[num[0]]}"
    tens, _, ones = num.partition("十")  # 十一 -> 11, 二十 -> 20
    return f"annex{(_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)}"


def ends_table(text: str) -> bool:
    """A line no table cell can be: a numbered main-text heading, an annex line, a file-name artefact.

    >>> ends_table("二、重点任务"), ends_table("（三）强化保障"), ends_table("嵊政办发〔2024〕10号.pdf")
    (True, True, True)
    >>> ends_table("新建")
    False
    """
    t = text.strip()
    return bool(annex_part(t) or _ARTEFACT.search(t) or _HEADING.match(t))


def looks_like_title(text: str) -> bool:
    """A table title line (printed right above a header): short, not a sentence or a numbered heading.

    >>> looks_like_title("嵊泗县公共服务“七优享”五年目标"), looks_like_title("（二）发展目标。")
    (True, False)
    """
    t = text.strip()
    if not t or len(t) > 60 or "\t" in t or t[-1] in _SENTENCE_END or annex_part(t):
        return False
    return not re.match(r"^[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]", t)


def split_unit(name: str) -> tuple[str, str | None]:
    """An indicator name and its unit: the last bracketed group at the end of the name.

    Brackets nest (套(间)); earlier brackets belong to the name ((含大病保险)(%)).

    >>> split_unit("基本医疗保险政策范围内住院报销比例(含大病保险)(%)")
    ('基本医疗保险政策范围内住院报销比例(含大病保险)', '%')
    >>> split_unit("每千人口拥有 3\\u00a0岁以下婴幼儿托位数（个）")
    ('每千人口拥有3岁以下婴幼儿托位数', '个')
    """
    text = squeeze(name)
    if not text or text[-1] not in _CLOSE:
        return text, None
    depth = 0
    for k in range(len(text) - 1, -1, -1):
        if text[k] in _CLOSE:
            depth += 1
        elif text[k] in _OPEN:
            depth -= 1
            if depth == 0:
                unit = text[k + 1 : -1]
                return (text[:k], unit) if unit and k > 0 else (text, None)
    return text, None
