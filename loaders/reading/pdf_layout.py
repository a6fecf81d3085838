"""Lines of a PDF page from its characters: spacing, wrapping, page furniture.

A PDF holds positioned glyphs, not text.  This module turns the characters of one
printed line into its text — a space only where the PDF has a space glyph, or a
gap wide enough to be one that does not touch a Chinese character, so the
quarter-em a typesetter puts between 2024 and 年 does not become "2024 年" — says
whether a line was wrapped by the layout (the next line's first word would not
have fitted in the room left) and finds the headers, footers and page numbers that
repeat on every page.

>>> chars = [_c("到", 0, 11), _c("2", 13.2, 18.7), _c("0", 18.7, 24.2), _c("年", 26.4, 37.4)]
>>> line_text(chars)
'到20年'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# A line never starts with closing punctuation nor ends with an opening one: a break
# there was made by the layout (kinsoku), so the lines are one paragraph.
_CLOSING = set("，。、；：？！）》」』】〕”’,.;:?!)]%‰…·")
_OPENING = set("（《「『【〔“‘([")
# Line breaking never separates a quotation mark from the characters either side of it.
_QUOTES = set("“”‘’\"'")
# Page furniture: a printed page number on its own.
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~～]\s*\d{1,4}\s*[-—–－~～]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|"
    r"\d{1,4}\s*/\s*\d{1,4}|\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)
# A heading or numbered item starts a new paragraph even after a full line.
_STARTS_ITEM = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|"
                          r"\d{1,3}[.．、](?!\d)|第[一二三四五六七八九十\d]{1,3}[章节条]|附件)")
_MARGIN = 0.12  # share of the page height at the top and at the bottom where furniture is printed


def _c(text: str, x0: float, x1: float, size: float = 11.0) -> dict[str, Any]:
    """A minimal character record, as pdfplumber gives (for examples and tests)."""
    return {"text": text, "x0": x0, "x1": x1, "size": size, "top": 0.0, "bottom": size}


def is_cjk(ch: str) -> bool:
    """A Chinese character or full-width punctuation mark.

    >>> is_cjk("年"), is_cjk("，"), is_cjk("2")
    (True, True, False)
    """
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef"


def line_text(chars: Sequence[dict[str, Any]]) -> str:
    """The text of one printed line from its characters (left to right).

    >>> line_text([_c("A", 0, 6), _c("B", 9, 15), _c("县", 15, 26), _c(" ", 26, 29), _c("局", 29, 40)])
    'A B县 局'
    """
    out: list[str] = []
    prev: dict[str, Any] | None = None
    for ch in sorted(chars, key=lambda c: c["x0"]):
        text = ch["text"]
        if prev is not None and text != " " and not out[-1].endswith(" "):
            gap = ch["x0"] - prev["x1"]
            size = max(prev.get("size", 10.0), ch.get("size", 10.0), 1.0)
            touches_cjk = is_cjk(prev["text"][-1:]) or is_cjk(text[:1])
            # between Latin letters or digits a gap is a word space; next to Chinese only a wide
            # one (a tab stop) is, the rest is the typesetter's spacing
            if gap > (1.5 * size if touches_cjk else 0.2 * size):
                out.append(" ")
        if text == " " and (not out or out[-1].endswith(" ")):
            prev = ch
            continue
        out.append(text)
        prev = ch
    return "".join(out).strip()


@dataclass
class Line:
    """One printed line: where it is and what it says."""

    page: int  # 0-based
    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    size: float  # font size of its first character
    first_width: float  # width of what cannot leave its start: a character and its closing marks, a Latin word

    @classmethod
    def from_chars(cls, page: int, chars: Sequence[dict[str, Any]]) -> Line | None:
        """The line of ``chars``, or ``None`` when they print nothing."""
        visible = sorted((c for c in chars if c["text"].strip()), key=lambda c: c["x0"])
        text = line_text(chars)
        if not visible or not text:
            return None
        first = [visible[0]]
        for c in visible[1:]:
            # closing marks travel with the character before them, opening marks and quotes with
            # their neighbours; Latin runs stay whole
            prev_text = first[-1]["text"]
            glued = (c["text"] in _CLOSING or c["text"] in _QUOTES or prev_text in _OPENING
                     or prev_text in _QUOTES or not (is_cjk(c["text"]) or is_cjk(prev_text)))
            if not glued or c["x0"] - first[-1]["x1"] > 0.2 * c.get("size", 10.0):
                break
            first.append(c)
        return cls(page, min(c["top"] for c in visible), max(c["bottom"] for c in visible),
                   visible[0]["x0"], visible[-1]["x1"], text, visible[0].get("size", 10.0),
                   first[-1]["x1"] - first[0]["x0"])


def lines_of(page_no: int, chars: Iterable[dict[str, Any]]) -> list[Line]:
    """Characters grouped into printed lines, top to bottom."""
    rows: list[list[dict[str, Any]]] = []
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if rows and abs(ch["top"] - rows[-1][0]["top"]) <= 0.4 * max(ch.get("size", 10.0), 1.0):
            rows[-1].append(ch)
        else:
            rows.append([ch])
    return [ln for row in rows if (ln := Line.from_chars(page_no, row)) is not None]


def wrapped(line: Line, following: Line, right: float) -> bool:
    """True when the layout broke ``line`` and ``following`` goes on with the same paragraph.

    It did when the following line's first word would not have fitted in the room
    left before ``right`` (the text's right edge), or when the break falls before a
    closing or after an opening punctuation mark, where no paragraph starts or ends.

    >>> a = Line(0, 0, 11, 90, 505, "…服务体系", 11, 11)
    >>> b, c = Line(0, 14, 25, 90, 200, "建设。", 11, 11), Line(0, 14, 25, 90, 200, "一、目标", 11, 11)
    >>> wrapped(a, b, 516), wrapped(a, c, 516)
    (True, False)
    >>> wrapped(Line(0, 0, 11, 90, 300, "县教育局", 11, 11), Line(0, 14, 25, 90, 130, "县委编办", 11, 11), 516)
    False
    """
    if following.text[0] in _CLOSING or line.text[-1] in _OPENING:
        return True
    if _STARTS_ITEM.match(following.text):
        return False
    room = right - line.x1
    return room < following.first_width + 0.5 * line.size


def is_page_number(text: str) -> bool:
    """A line that is only a printed page number.

    >>> [is_page_number(t) for t in ["- 3 -", "第 2 页 共 9 页", "12", "3/10", "2024年"]]
    [True, True, True, True, False]
    """
    return bool(_PAGE_NUMBER.match(text.strip()))


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def furniture(lines: Sequence[Line], heights: Sequence[float]) -> set[int]:
    """Indexes of header, footer and page-number lines among ``lines`` (all pages).

    A line in the top or bottom margin is furniture when it is a bare page number,
    or when the same text (digits aside) is printed there on at least half the
    pages (and at least two).
    """
    pages = len(heights)
    margin = [(i, ln) for i, ln in enumerate(lines)
              if ln.bottom <= _MARGIN * heights[ln.page] or ln.top >= (1 - _MARGIN) * heights[ln.page]]
    seen = Counter({key: len(pgs) for key, pgs in _pages_by_key(margin).items()})
    out = set()
    for i, ln in margin:
        if is_page_number(ln.text) or (pages >= 2 and seen[_furniture_key(ln.text)] >= max(2, pages / 2)):
            out.add(i)
    return out


def _pages_by_key(margin: Sequence[tuple[int, Line]]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for _, ln in margin:
        out.setdefault(_furniture_key(ln.text), set()).add(ln.page)
    return out
