"""What the loaders hand to the graph: plain records, each with provenance.

Every extracted item carries a :class:`Span` into the document's normalised text
(decoded, CRLF folded to LF), so any fact in the graph can be traced back to the
characters it came from.  Names are kept *as written*; identity (which agency a
``县卫健局`` is) is decided later, in :mod:`policykg.graph.resolve`.

Example
-------
>>> src = SourceText("一、总体要求\\n(一)指导思想。")
>>> span = src.span(0, 6)
>>> span.quote, src.line_of(span.start)
('一、总体要求', 1)
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A character range ``[start, end)`` of the normalised text and its quote."""

    start: int
    end: int
    quote: str


_NEWLINE = re.compile("\n")


class SourceText:
    """The normalised text of one document, with line lookup for messages.

    >>> SourceText("a\\nb").line_of(2)
    2
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
        self._lines: list[tuple[int, str]] | None = None

    def span(self, start: int, end: int) -> Span:
        """The :class:`Span` of ``text[start:end]``."""
        return Span(start, end, self.text[start:end])

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return bisect.bisect_right(self._line_starts, offset)

    def lines(self) -> list[tuple[int, str]]:
        """Every line with the offset it starts at (line text without ``\\n``).

        Computed once; callers must not change the list.
        """
        if self._lines is None:
            self._lines = list(zip(self._line_starts, self.text.split("\n"), strict=True))
        return self._lines


@dataclass
class UnitRef:
    """An agency, a township government or a group (各乡镇) as a document writes it."""

    text: str  # surface form, inner whitespace removed
    span: Span


@dataclass
class PersonRef:
    """A responsible person (责任人), whitespace removed from the name."""

    name: str
    span: Span


@dataclass
class PlaceMention:
    """A place (island, township…) named in a text, with the role the text gives it.

    ``role`` is one of ``core``, ``feature-development``, ``relocation-source``,
    ``service-target`` or ``None`` for a plain mention.
    """

    name: str  # as written
    role: str | None
    span: Span
    evidence: Span | None = None  # the clause that shows the role


@dataclass
class Domain:
    """A section of the document that groups tasks (幼有善育, 一、教育 …)."""

    name: str
    section: str  # heading number as printed: "(一)", "（二）", "一、"
    part: str  # "body", "annex1", …
    leads: list[UnitRef] = field(default_factory=list)  # 牵头单位 named once for the section
    span: Span | None = None


@dataclass
class Task:
    """One numbered task, or one row of a reform list.

    ``leads`` are explicit 牵头单位; ``inherited_leads`` are the section's leads the
    task inherits (``via: section``); ``responsible`` keeps a 责任单位 list that does
    not say who leads, in the listed order.
    """

    part: str  # "body", "annex1", …
    number: str  # as printed: "4", "20.2"
    title: str
    domain: str | None
    span: Span  # the whole task text
    leads: list[UnitRef] = field(default_factory=list)
    inherited_leads: list[UnitRef] = field(default_factory=list)
    participants: list[UnitRef] = field(default_factory=list)
    responsible: list[UnitRef] = field(default_factory=list)
    persons: list[PersonRef] = field(default_factory=list)
    deadline_years: list[int] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    text: str = ""  # logical text, hard line breaks joined
    deadline_text: str | None = None  # a 完成时限 cell as printed: 2025年6月底前, 长期坚持


@dataclass
class IndicatorValue:
    """One cell of an indicator table: a period ("2024", "target" or "baseline") and its raw text."""

    period: str
    raw: str
    span: Span


@dataclass
class Indicator:
    """One row of an indicator table."""

    number: str
    name: str  # without the bracketed unit
    unit: str | None
    domain: str | None
    span: Span  # the whole row
    part: str = "body"
    lead: UnitRef | None = None
    values: list[IndicatorValue] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)  # other columns by printed header: 属性 -> 约束性
    parent: str | None = None  # number of the row a 其中 sub-row belongs to
    unsplit: str | None = None  # figures printed run together that could not be split into the year columns


@dataclass
class StatedTarget:
    """A target (or a reported figure) stated in a sentence: 到2027年，…发生率控制在1‰以下.

    ``indicator`` is the noun phrase the sentence says the value is of, white space
    removed; ``period`` the year the sentence sets ("2027"), if any; ``raw`` the words
    as written from the comparator on ("控制在1‰以下"); ``kind`` is ``target`` or
    ``actual`` (a figure a report gives as done).  ``relative`` says, when no year is
    printed, that a word dates it from the document (``ontology/period_words.csv``:
    ``period`` for 每年, ``year`` for 年底前).  ``span`` covers the indicator's
    name through the value, ``value_span`` the number with its unit, ``sentence`` the
    whole sentence.
    """

    indicator: str
    period: str | None
    raw: str
    value: float | None
    comparator: str | None  # =, <, <=, >, >=
    unit: str | None
    kind: str  # "target" | "actual"
    span: Span
    value_span: Span | None = None
    sentence: Span | None = None
    part: str | None = None  # the task's part when the sentence is in a task
    task_number: str | None = None
    relative: str | None = None  # "period" | "year": dated by a word of period_words.csv


@dataclass
class Project:
    """One row of a project list (项目清单) or a named project in a 专栏."""

    number: str
    name: str
    domain: str | None
    span: Span
    part: str = "annex"
    location: str | None = None
    investment_raw: str | None = None
    investment_yi_yuan: float | None = None
    period: str | None = None
    responsible: list[UnitRef] = field(default_factory=list)
    persons: list[PersonRef] = field(default_factory=list)
    kind: str | None = None  # 备注: 新建, 撤并, 改建 …
    content: str | None = None  # 建设内容和规模
    places: list[PlaceMention] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)  # other columns by printed header: 年度投资 -> 1.1


@dataclass
class Citation:
    """Another document named in 《》, with its 文号 when the text gives one."""

    title: str
    doc_number: str | None
    span: Span


@dataclass
class DocumentMeta:
    """The metadata block and cover notice of a document."""

    title: str | None = None
    notice_title: str | None = None
    doc_number: str | None = None
    index_number: str | None = None
    issuer: str | None = None
    date_written: str | None = None  # YYYY-MM-DD
    date_published: str | None = None  # YYYY-MM-DD
    jurisdiction: str | None = None  # 嵊泗县, 定海区, 江山市 …
    doc_type: str | None = None  # 行动方案, 实施方案, 工作要点, 工作报告 …
    period: str | None = None  # "2023-2027", "2024"
    spans: dict[str, Span] = field(default_factory=dict)  # field name -> where it was read


@dataclass
class ExtractedDocument:
    """Everything the loaders read from one document."""

    doc_id: str  # stable ASCII id derived from the file name
    source: str  # file name
    sha256: str  # of the raw bytes
    text: str  # normalised text the spans point into
    meta: DocumentMeta
    domains: list[Domain] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)  # every place mention, tasks' included
    warnings: list[str] = field(default_factory=list)
    stated_targets: list[StatedTarget] = field(default_factory=list)  # targets stated in sentences
    source_format: str = "text"  # what the file was read as: text, markdown, docx, doc, xlsx, pdf, ofd or html
    # (start, end) offsets of each printed page's text, for documents read from PDF; empty otherwise
    pages: list[tuple[int, int]] = field(default_factory=list)

    def page_of(self, offset: int) -> int | None:
        """The 1-based page a character offset is on, or ``None`` for a document without pages.

        >>> doc = ExtractedDocument("d", "d.pdf", "", "第一页第二页", DocumentMeta(), pages=[(0, 3), (3, 6)])
        >>> doc.page_of(4), ExtractedDocument("t", "t.txt", "", "正文", DocumentMeta()).page_of(0)
        (2, None)
        """
        for number, (start, end) in enumerate(self.pages, start=1):
            if start <= offset < end:
                return number
        return None
