"""Place mentions (islands, townships) in a document, with the role the text gives them.

Names come from the gazetteer (:mod:`policykg.ontology.gazetteer`), longest first and
with every dash variant, so ``嵊山—枸杞岛`` is one mention; islands listed in an
enumeration (``(西绿华岛、东绿华岛)``) are found even when the gazetteer lacks them.
A role comes from keywords (``place_roles.csv``) written after the island — or, failing
that, before it — in the same clause (clauses end at 。；; or a blank line, not at commas).
Islands named together (``大洋山岛、花鸟岛``, ``泗礁本岛(含金鸡山岛)``) share one role.
Townships are reported as places only where prose names them, never in a unit list, and
carry no role: relocating a township's care-home residents is not relocating an island.
Only full names are reported (…岛, …镇/乡/街道); a short form such as 嵊山 or 黄龙 may be
the island, the township or part of a facility's name (嵊山中心卫生院).

>>> src = SourceText("嵊泗县方案\\n积极引导其他小岛(西绿华岛、壁下-安基岛)往县城搬迁;本岛集聚发展。")
>>> [(m.name, m.role) for m in find_places(src, 0, len(src.text))]
[('西绿华岛', 'relocation-source'), ('壁下-安基岛', 'relocation-source'), ('本岛', 'core')]
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from policykg.loaders.model import PlaceMention, SourceText, Span
from policykg.loaders.terms.units import is_unit
from policykg.ontology.gazetteer import (
    TOWNSHIP_LEVEL,
    Place,
    count_jurisdictions,
    county_of,
    is_generic_island_word,
    island_generic_words,
    normalise_name,
    place,
    place_role_keywords,
    places,
)

_MENTIONABLE = ("island", "island-group", *TOWNSHIP_LEVEL)
_DASH_CLASS = r"\s*[\u2010-\u2015\u2212\uff0d\u2500\u2501\ufe58\ufe63-]+\s*"
_CLAUSE_END = re.compile(r"[。；;]|\n[ \t\u3000\u00a0]*\n")
# An enumeration item: CJK (dashes allowed) ending in 岛, between 、 and/or brackets.
_ENUM_ITEM = re.compile(r"(?<=[(（、])([\u4e00-\u9fff][\u4e00-\u9fff\u2010-\u2015\uff0d-]{0,10}岛)(?=[、)）])")
_ENUM_NOT_NAME = re.compile(r"[的个等各和与及或]")
# Text that may sit between two places named together: separators, brackets, 含/包括.
_JOINER = re.compile(r"^[\s、,，和与及以及(（)）“”\"]*(?:包括|包含|含)?[\s、,，和与及(（)）“”\"]*$")
# A bracket that opens a unit list: (责任单位:…, （牵头部门：…
_UNIT_LIST = re.compile(r"[(（][^()（）]{0,8}(?:单位|部门)[:：][^()（）]*$")
_ORGAN_AFTER = ("人民政府", "政府", "党委")
# A mention is reported only when written as a full name; short forms still resolve
# (gazetteer.place) and still consume text, so 嵊山—枸杞 is not read as 嵊山 + 枸杞.
_FULL_ENDINGS = {"island": ("岛",), "island-group": ("岛",), **{k: ("镇", "乡", "街道") for k in TOWNSHIP_LEVEL}}


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    name: str
    kind: str  # gazetteer kind, "island" for enumeration finds, "anchor" for 大岛/小岛…


def _surface_regex(surface: str) -> str:
    return _DASH_CLASS.join(re.escape(part) for part in normalise_name(surface).split("-"))


@cache
def _pattern(county: str | None) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """Regex of every mentionable name (context aliases of ``county`` included), longest first."""
    surfaces: set[str] = set()
    for p in places():
        if p.kind not in _MENTIONABLE:
            continue
        surfaces.update((p.name, *p.aliases))
        home = county_of(p)
        if county is not None and home is not None and home.name == county:
            surfaces.update(p.context_aliases)
    ordered = tuple(sorted(surfaces, key=lambda s: len(normalise_name(s)), reverse=True))
    return re.compile("|".join(_surface_regex(s) for s in ordered)), ordered


@lru_cache(maxsize=8)
def _document_county(text: str) -> str | None:
    """The county-level jurisdiction a document names most often (for context aliases)."""
    counts = count_jurisdictions(text)
    return counts[0][0] if counts else None


def _line_of(text: str, pos: int) -> str:
    return text[text.rfind("\n", 0, pos) + 1 : (text.find("\n", pos) + 1 or len(text) + 1) - 1]


def _neighbour_lines(text: str, pos: int) -> list[str]:
    """The nearest non-blank line before and after the line holding ``pos``."""
    out = []
    line_start = text.rfind("\n", 0, pos) + 1
    before = [ln for ln in text[max(0, line_start - 400) : line_start].split("\n") if ln.strip()]
    if before:
        out.append(before[-1].strip())
    line_end = text.find("\n", pos)
    if line_end >= 0:
        after = [ln for ln in text[line_end : line_end + 400].split("\n") if ln.strip()]
        if after:
            out.append(after[0].strip())
    return out


def _is_unit_usage(text: str, start: int, end: int) -> bool:
    """True when a township name stands for its government, not for the place."""
    if text.startswith(_ORGAN_AFTER, end):
        return True
    clause_start = max((m.end() for m in _CLAUSE_END.finditer(text, max(0, start - 300), start)), default=0)
    if _UNIT_LIST.search(text[clause_start:start]):
        return True
    # a table cell of its own next to a unit cell: the 责任单位 column
    if _line_of(text, start).strip() == text[start:end]:
        return any(is_unit(ln) for ln in _neighbour_lines(text, start))
    return False


def _gazetteer_hits(text: str, start: int, end: int, county: str | None) -> list[_Hit]:
    pattern, _ = _pattern(county)
    hits = []
    for m in pattern.finditer(text, start, end):
        p: Place | None = place(m.group(0), county)
        if p is None or p.kind not in _MENTIONABLE:
            continue
        if not m.group(0).endswith(_FULL_ENDINGS[p.kind]):
            continue  # 嵊山, 黄龙, 花鸟: island, township or a facility's name — too ambiguous to report
        if p.kind in TOWNSHIP_LEVEL and _is_unit_usage(text, m.start(), m.end()):
            continue
        hits.append(_Hit(m.start(), m.end(), m.group(0), p.kind))
    return hits


def _enumerated_hits(text: str, start: int, end: int, taken: list[_Hit]) -> list[_Hit]:
    """Islands named in an enumeration that the gazetteer does not know."""
    hits = []
    for m in _ENUM_ITEM.finditer(text, start, end):
        s, e, name = m.start(1), m.end(1), m.group(1)
        if _ENUM_NOT_NAME.search(name) or is_generic_island_word(name):
            continue
        if any(h.start < e and s < h.end for h in taken):
            continue
        before, after = text[s - 1], text[e] if e < len(text) else ""
        if before != "、" and after != "、":
            continue  # a bracketed word, not a list
        hits.append(_Hit(s, e, name, "island"))
    return hits


@cache
def _anchor_pattern() -> re.Pattern[str] | None:
    anchors = [w for w, is_anchor in island_generic_words().items() if is_anchor]
    if not anchors:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(anchors, key=len, reverse=True)))


def _anchor_hits(text: str, start: int, end: int, taken: list[_Hit]) -> list[_Hit]:
    rx = _anchor_pattern()
    if rx is None:
        return []
    return [
        _Hit(m.start(), m.end(), m.group(0), "anchor")
        for m in rx.finditer(text, start, end)
        if not any(h.start < m.end() and m.start() < h.end for h in taken)
    ]


@lru_cache(maxsize=8)
def _clause_cuts(text: str) -> tuple[int, ...]:
    # Computed once per document: find_places runs once per task, on the same text.
    return (0, *(m.end() for m in _CLAUSE_END.finditer(text)), len(text))


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause ranges covering ``[start, end)``, extended to whole clauses of the text."""
    cuts = _clause_cuts(text)
    first = max(0, bisect.bisect_right(cuts, start) - 1)
    last = bisect.bisect_left(cuts, end, lo=first)
    return [(a, b) for a, b in itertools.pairwise(cuts[first:last + 1]) if a < end and b > start]


def _groups(hits: list[_Hit], text: str) -> list[list[_Hit]]:
    """Runs of places named together: only separators or 含/包括 between them."""
    groups: list[list[_Hit]] = []
    for h in hits:
        if groups and _JOINER.match(text[groups[-1][-1].end : h.start]):
            groups[-1].append(h)
        else:
            groups.append([h])
    return groups


def _key(h: _Hit, county: str | None) -> str:
    p = place(h.name, county)
    return p.id if p is not None else normalise_name(h.name)


def _first_role(segment: str) -> str | None:
    best: tuple[int, int, str] | None = None
    for kw, role in place_role_keywords():
        i = segment.find(kw)
        if i >= 0 and (best is None or (i, -len(kw)) < best[:2]):
            best = (i, -len(kw), role)
    return best[2] if best else None


def _group_roles(groups: list[list[_Hit]], text: str, c_start: int, c_end: int,
                 county: str | None) -> list[str | None]:
    """One role per group: keywords after it (up to the next other place), else before it."""
    roles: list[str | None] = []
    for gi, group in enumerate(groups):
        names = {_key(h, county) for h in group}
        seg_end = c_end
        for later in groups[gi + 1 :]:
            if not names.issuperset(_key(h, county) for h in later):
                seg_end = later[0].start
                break
        role = _first_role(text[group[-1].end : seg_end])
        if role is None:
            seg_start = groups[gi - 1][-1].end if gi else c_start
            role = _first_role(text[seg_start : group[0].start])
        roles.append(role)
    return roles


def _evidence(src: SourceText, start: int, end: int) -> Span:
    """The clause without the white space around it."""
    quote = src.text[start:end]
    lead = len(quote) - len(quote.lstrip())
    return src.span(start + lead, start + len(quote.rstrip()))


def find_places(src: SourceText, start: int, end: int, jurisdiction: str | None = None) -> list[PlaceMention]:
    """Places named in ``src.text[start:end]``, in text order, each with its role.

    ``jurisdiction`` (the document's county) enables context-only aliases such as
    本岛; when omitted it is the county the whole document names most often.

    >>> src = SourceText("嵊泗县:5个外岛(大洋山岛、嵊山—枸杞岛)特色发展,在洋山镇新建驿站。")
    >>> [(m.name, m.role) for m in find_places(src, 0, len(src.text))]
    [('大洋山岛', 'feature-development'), ('嵊山—枸杞岛', 'feature-development'), ('洋山镇', None)]
    >>> [m.name for m in find_places(SourceText("本岛集聚发展"), 0, 6)]
    []
    """
    text = src.text
    county = jurisdiction or _document_county(text)
    out: list[PlaceMention] = []
    for c_start, c_end in _clauses(text, start, end):
        named = _gazetteer_hits(text, c_start, c_end, county)
        named += _enumerated_hits(text, c_start, c_end, named)
        named.sort(key=lambda h: h.start)
        anchors = _anchor_hits(text, c_start, c_end, named)
        every = sorted(named + anchors, key=lambda h: h.start)
        groups = _groups(every, text)
        roles = _group_roles(groups, text, c_start, c_end, county)
        for group, role in zip(groups, roles, strict=True):
            for h in group:
                if h.kind == "anchor" or not (start <= h.start and h.end <= end):
                    continue
                r = None if h.kind in TOWNSHIP_LEVEL else role
                evidence = _evidence(src, c_start, c_end) if r else None
                out.append(PlaceMention(h.name, r, src.span(h.start, h.end), evidence))
    return out
