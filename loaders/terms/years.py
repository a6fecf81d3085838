"""Deadline years: the years a task or table row commits to.

Shared by the outline reader and the table reader so a year counts the same way in
a paragraph and in a reform-list cell.

>>> deadline_years("到2025年底建成；《规划(2019—2030年)》")
[2025]
"""

from __future__ import annotations

import re

from policykg.loaders.structure.metadata import document_type

# Years: 到2027年, 2024年底, 2024年内, 2024学年 …; not 2023年度, not 2000年底前建成的.
_YEAR = re.compile(r"((?:19|20)\d{2})\s*(学?年)")
_RANGE = re.compile(r"(?:19|20)\d{2}\s*年?\s*[—–\-－~～至到]+\s*(?:19|20)\d{2}\s*年?")
_STRONG_AFTER = re.compile(r"\s*(?:底|末|内|前|起|上半年|下半年|[一二三四1-4]季度|\d{1,2}\s*月|[,，])")
_STRONG_BEFORE = re.compile(r"(?:到|至|于|在|从|自|计划|力争|确保|争取|截至)\s*$")
_CUTOFF_AFTER = re.compile(r"\s*(?:底|末)?\s*以?前\s*(?:建成|建设|竣工|建造|投用|出生|形成|登记)")
# a year not followed by another year of the same range: 2024—2026年 ends in 2026
_RANGE_END = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\s*年?\s*[—–\-－~～至到]+\s*(?:19|20)\d{2})(?!\d)")
_SINCE_AFTER = re.compile(r"\s*(?:以来|来)")  # 2023年以来: looking back, not a target
_ACTION_START = re.compile(r"\s*(?:完成|出台|制定|建成|实现|开展|启动|推进|编制|印发|发布|新增|新建|建设|实施)")
_CLAUSE_CUT = re.compile(r"[，,。；;：:、《(（]|与|和|及")


def _masked(text: str) -> str:
    """``text`` with 《…》 titles and year ranges blanked, so their years are not deadlines."""
    out = list(text)
    for pattern in (re.compile(r"《[^《》]*》"), _RANGE):
        for m in pattern.finditer(text):
            out[m.start():m.end()] = "#" * (m.end() - m.start())
    return "".join(out)


def deadline_years(text: str) -> list[int]:
    """Target years a task sets: 到2027年, 2024年底, 2024年内, 2024学年, 从2024年起 …

    Years inside 《》 titles, ranges, 2023年度 reviews, 2000年底前建成 cut-offs and
    years that open a document name (2025年…工作要点) are not deadlines.

    >>> deadline_years("到 2027 年，完成2000 年底前建成的小区改造；落实《规划(2019—2030年)》，开展2023年度复核")
    [2027]
    >>> deadline_years("2024学年出台方案，2024年完成工程；2025年实现全覆盖")
    [2024, 2025]
    >>> deadline_years("结合衢州市2025年公共服务工程工作要点，制定清单")
    []
    """
    masked = _masked(text)
    years: list[int] = []
    for m in _YEAR.finditer(masked):
        after = m.end()
        if m.group(2) == "年" and masked.startswith("度", after):
            continue
        if _CUTOFF_AFTER.match(masked, after) or _SINCE_AFTER.match(masked, after):
            continue
        strong = (
            m.group(2) == "学年"
            or _STRONG_AFTER.match(masked, after)
            or _STRONG_BEFORE.search(masked, max(0, m.start() - 4), m.start())
        )
        if not strong and not _ACTION_START.match(masked, after):
            clause = _CLAUSE_CUT.split(masked[after:after + 40], maxsplit=1)[0]
            if document_type(clause):
                continue  # "2025年…工作要点": the year belongs to a document's name
        year = int(m.group(1))
        if year not in years:
            years.append(year)
    return sorted(years)


def deadline_cell_years(text: str) -> list[int]:
    """The years of a 完成时限 cell: the column says they are deadlines, so no cue word is needed.

    A range runs until its last year; a recurring cell (每年, 长期坚持) names none.

    >>> deadline_cell_years("2025年"), deadline_cell_years("2024—2026年"), deadline_cell_years("2025年6月底前、2026年")
    ([2025], [2026], [2025, 2026])
    >>> deadline_cell_years("长期坚持")
    []
    """
    years = {int(m.group(0)) for m in _RANGE_END.finditer(text)}
    return sorted(years)


_RANGE_DASH = re.compile(r"\s*[-—–~～至到]+\s*")


def period_of(text: str) -> str:
    """A year cell as a period key: 年 dropped, any dash a hyphen.

    >>> period_of("2020年-2023年"), period_of("2024 年"), period_of("2025—2027年")
    ('2020-2023', '2024', '2025-2027')
    """
    return _RANGE_DASH.sub("-", re.sub(r"\s+", "", text).replace("年", ""))
