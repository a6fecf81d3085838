"""Gazetteers: places (jurisdictions, townships, islands), domains and agency aliases.

The vocabulary lives in data files next to this module (``places.csv``,
``domains.csv``, ``agency_aliases.csv``, ``place_ambiguous_short_names.txt``);
this module only loads and indexes it.

>>> find_jurisdiction("嵊泗县人民政府办公室关于印发…的通知")
'嵊泗县'
>>> place("嵊山-枸杞岛") == place("嵊山—枸杞岛")
True
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from policykg.ontology import data_path, word_list

COUNTY_LEVEL = ("county", "district", "county-city")
TOWNSHIP_LEVEL = ("township",)  # 乡, 镇 and 街道 alike; the name says which
_ADMIN = ("province", "city", *COUNTY_LEVEL, *TOWNSHIP_LEVEL)

# Every dash a document may put between two names (em/en dash, figure dash, minus,
# full-width hyphen-minus, box-drawing line) folds to ASCII "-".
_DASHES = re.compile(r"[\u2010-\u2015\u2212\uff0d\u2500\u2501\u2e3a\u2e3b\ufe58\ufe63-]+")
_SPACE = re.compile(r"[\s\u00a0\u3000]+")


@dataclass(frozen=True)
class Place:
    """One gazetteer entry: a jurisdiction, a township, an island or a group of islands."""

    id: str
    name: str
    kind: str
    parent: str | None  # id of the enclosing place
    aliases: tuple[str, ...] = ()
    context_aliases: tuple[str, ...] = ()  # valid only in a document of the same county
    label_en: str | None = None


@dataclass(frozen=True)
class DomainEntry:
    """One domain (七优享 area or annex group) from ``domains.csv``."""

    id: str
    name: str
    label_en: str | None = None
    broader: str | None = None  # name of a broader domain
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgencyAlias:
    """``short`` (as documents abbreviate it after the jurisdiction) -> ``full`` template."""

    short: str
    full: str  # with ``{J}`` for the jurisdiction's full name
    kind: str
    levels: tuple[str, ...] = ()  # county-level | city | province; empty: every level


def normalise_name(text: str) -> str:
    """Fold dashes to "-" and drop white space, so variants of one name compare equal.

    >>> normalise_name("壁下－安基岛"), normalise_name("嵊山 — 枸杞岛")
    ('壁下-安基岛', '嵊山-枸杞岛')
    """
    return _DASHES.sub("-", _SPACE.sub("", text))


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(a.strip() for a in (cell or "").split("|") if a.strip())


def _rows(name: str) -> list[dict[str, str]]:
    with data_path(name).open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(line for line in fh if not line.startswith("#"))]


@cache
def places() -> tuple[Place, ...]:
    """Every entry of ``places.csv``.

    >>> sum(1 for p in places() if p.kind in COUNTY_LEVEL)
    90
    """
    return tuple(
        Place(
            id=r["id"],
            name=r["name"],
            kind=r["kind"],
            parent=r["parent"] or None,
            aliases=_split(r.get("aliases")),
            context_aliases=_split(r.get("context_aliases")),
            label_en=r.get("label_en") or None,
        )
        for r in _rows("places.csv")
    )


@cache
def _by_id() -> dict[str, Place]:
    return {p.id: p for p in places()}


@cache
def _surfaces() -> dict[str, tuple[Place, ...]]:
    """Normalised name or alias -> places (more than one when a short form is shared)."""
    out: dict[str, list[Place]] = {}
    for p in places():
        for s in (p.name, *p.aliases):
            lst = out.setdefault(normalise_name(s), [])
            if p not in lst:
                lst.append(p)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _context_surfaces() -> dict[str, tuple[Place, ...]]:
    out: dict[str, list[Place]] = {}
    for p in places():
        for s in p.context_aliases:
            out.setdefault(normalise_name(s), []).append(p)
    return {k: tuple(v) for k, v in out.items()}


def place_by_id(place_id: str) -> Place | None:
    """The place with this gazetteer id.

    >>> place_by_id("zj-zhoushan").name
    '舟山市'
    """
    return _by_id().get(place_id)


def county_of(p: Place) -> Place | None:
    """The county-level place ``p`` lies in (``p`` itself when it is county-level).

    >>> county_of(place("菜园镇")).name
    '嵊泗县'
    """
    cur: Place | None = p
    while cur is not None and cur.kind not in COUNTY_LEVEL:
        cur = _by_id().get(cur.parent) if cur.parent else None
    return cur


def _jurisdiction_place(jurisdiction: str | None) -> Place | None:
    if not jurisdiction:
        return None
    for p in _surfaces().get(normalise_name(jurisdiction), ()):
        if p.kind in ("province", "city", *COUNTY_LEVEL):
            return p
    return None


def place(name_or_alias: str, jurisdiction: str | None = None) -> Place | None:
    """The place a name, alias or dash variant stands for.

    Context-only aliases (本岛, 菜园 …) resolve only when ``jurisdiction`` is the
    county the place lies in.  When a short form is shared, a place in the
    given jurisdiction wins.

    >>> place("嵊泗").name, place("壁下-安基岛").name
    ('嵊泗县', '壁下—安基岛')
    >>> place("本岛") is None, place("本岛", "嵊泗县").name
    (True, '泗礁山岛')
    """
    key = normalise_name(name_or_alias)
    juris = _jurisdiction_place(jurisdiction)
    county = county_of(juris) if juris else None
    found = _surfaces().get(key, ())
    if found:
        if county is not None:
            for p in found:
                if county_of(p) == county:
                    return p
        return found[0]
    if county is None:
        return None
    for p in _context_surfaces().get(key, ()):
        if county_of(p) == county:
            return p
    return None


def parent_city(jurisdiction: str) -> str | None:
    """Full name of the prefecture-level city a county-level jurisdiction belongs to.

    >>> parent_city("嵊泗县"), parent_city("江山"), parent_city("舟山市")
    ('舟山市', '衢州市', None)
    """
    p = _jurisdiction_place(jurisdiction)
    if p is None or p.kind not in COUNTY_LEVEL or not p.parent:
        return None
    city = _by_id().get(p.parent)
    return city.name if city else None


@cache
def _admin_pattern() -> re.Pattern[str]:
    """Names and safe short names of administrative places, longest first."""
    ambiguous = set(word_list("place_ambiguous_short_names.txt"))
    surfaces = set()
    for p in places():
        if p.kind not in _ADMIN:
            continue
        surfaces.add(p.name)
        surfaces.update(a for a in p.aliases if a not in ambiguous)
    alternation = "|".join(re.escape(s) for s in sorted(surfaces, key=len, reverse=True))
    return re.compile(alternation)


@cache
def _admin_head_pattern() -> re.Pattern[str]:
    """Every name and short name, for the start of a title (江山发改局, 定海七优享)."""
    surfaces = {s for p in places() if p.kind in _ADMIN for s in (p.name, *p.aliases)}
    alternation = "|".join(re.escape(s) for s in sorted(surfaces, key=len, reverse=True))
    return re.compile(r"[\s\u00a0\u3000]*(" + alternation + ")")


def _admin_mentions(text: str, head: bool = False) -> list[tuple[int, str, Place]]:
    """(offset, name as written, place) for each administrative name in ``text``; shared short forms skipped.

    With ``head`` an ambiguous short name also counts when it opens the text.
    """
    matches = list(_admin_pattern().finditer(text))
    first = _admin_head_pattern().match(text) if head else None
    if first and not any(m.start() == first.start(1) for m in matches):
        matches.insert(0, first)
    out = []
    for m in matches:
        m_start, m_text = (m.start(1), m.group(1)) if m.re is _admin_head_pattern() else (m.start(), m.group(0))
        cands = [p for p in _surfaces().get(m_text, ()) if p.kind in _ADMIN]
        if len(cands) == 1:
            out.append((m_start, m_text, cands[0]))
    return out


def find_jurisdiction(text: str) -> str | None:
    """The county-level jurisdiction a title or issuer names (the city if only a city is named).

    The most specific level wins; among equals the first written.  A township
    named alone stands for its county.

    >>> find_jurisdiction("舟山市定海区公共服务“七优享”工程实施方案")
    '定海区'
    >>> find_jurisdiction("江山市人民政府办公室"), find_jurisdiction("嵊泗七优享办")
    ('江山市', '嵊泗县')
    >>> find_jurisdiction("定海七优享"), find_jurisdiction("科学制定海岛方案")
    ('定海区', None)
    >>> find_jurisdiction("舟山市公共服务“七优享”工程实施方案"), find_jurisdiction("工作要点")
    ('舟山市', None)
    """
    best: tuple[int, int, Place] | None = None
    rank = {"province": 3, "city": 2}
    for pos, _, p in _admin_mentions(text, head=True):
        county = county_of(p)
        target = county if county is not None else p
        level = 1 if county is not None else rank[p.kind]
        if best is None or (level, pos) < (best[0], best[1]):
            best = (level, pos, target)
    return best[2].name if best else None


def count_jurisdictions(text: str) -> list[tuple[str, int]]:
    """County-level jurisdictions named in ``text`` with their counts, most frequent first.

    A township counts for its county; ties keep the order of first mention.

    >>> count_jurisdictions("嵊泗县…定海区…嵊泗…菜园镇")
    [('嵊泗县', 3), ('定海区', 1)]
    """
    counts: dict[str, int] = {}
    for _, _, p in _admin_mentions(text):
        county = county_of(p)
        if county is not None:
            counts[county.name] = counts.get(county.name, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])


def first_mention(text: str, county: str) -> tuple[int, int] | None:
    """Where ``text`` first names ``county``, by its own name or a place in it: (start, end).

    What a jurisdiction found by :func:`count_jurisdictions` quotes as its evidence.

    >>> first_mention("推进菜园镇学校建设，嵊泗县…", "嵊泗县"), first_mention("工作要点", "嵊泗县")
    ((2, 5), None)
    """
    for pos, written, p in _admin_mentions(text):
        found = county_of(p)
        if found is not None and found.name == county:
            return pos, pos + len(written)
    return None


@cache
def domains() -> tuple[DomainEntry, ...]:
    """Every entry of ``domains.csv``.

    >>> [d.name for d in domains()][1:3]
    ['幼有善育', '学有优教']
    """
    return tuple(
        DomainEntry(
            id=r["id"],
            name=r["name"],
            label_en=r.get("label_en") or None,
            broader=r.get("broader") or None,
            aliases=_split(r.get("aliases")),
        )
        for r in _rows("domains.csv")
    )


def _domain_key(name: str) -> str:
    return normalise_name(name).strip("“”\"'‘’「」")


@cache
def _domain_index() -> dict[str, DomainEntry]:
    return {_domain_key(s): d for d in domains() for s in (d.name, *d.aliases)}


def domain(name: str) -> DomainEntry | None:
    """The domain entry a name or alias stands for (quotes and spaces ignored), else ``None``.

    >>> domain("“幼有善育”").label_en, domain("教育").broader, domain("分岛分策以外")
    ('Childcare for the young', '学有优教', None)
    """
    return _domain_index().get(_domain_key(name))


@cache
def agency_aliases() -> tuple[AgencyAlias, ...]:
    """Every row of ``agency_aliases.csv``.

    >>> next(a.full for a in agency_aliases() if a.short == "人社局")
    '{J}人力资源和社会保障局'
    """
    return tuple(
        AgencyAlias(short=r["short"], full=r["full"], kind=r["kind"], levels=_split(r.get("levels")))
        for r in _rows("agency_aliases.csv")
    )


def level_of(jurisdiction: str) -> str | None:
    """``county-level``, ``city`` or ``province`` for a jurisdiction name, else ``None``.

    >>> level_of("定海区"), level_of("舟山市"), level_of("浙江省"), level_of("菜园镇")
    ('county-level', 'city', 'province', None)
    """
    p = _jurisdiction_place(jurisdiction)
    if p is None:
        return None
    return "county-level" if p.kind in COUNTY_LEVEL else p.kind


def agency_alias(short: str, level: str | None) -> AgencyAlias | None:
    """The alias row for ``short`` at a jurisdiction level (a row for every level also fits).

    >>> agency_alias("卫健委", "county-level").full, agency_alias("卫健委", "province").full
    ('{J}卫生健康局', '{J}卫生健康委员会')
    """
    fallback = None
    for a in agency_aliases():
        if a.short != short:
            continue
        if level in a.levels:
            return a
        if not a.levels or level is None:
            fallback = fallback or a
    return fallback


def canonical_jurisdiction(name: str | None) -> str | None:
    """Full name of a province, city or county-level jurisdiction written in any form.

    >>> canonical_jurisdiction("嵊泗"), canonical_jurisdiction("江山"), canonical_jurisdiction("本岛")
    ('嵊泗县', '江山市', None)
    """
    p = _jurisdiction_place(name)
    return p.name if p else None


@cache
def island_generic_words() -> dict[str, bool]:
    """Words ending in 岛 that name no island, each with whether it stands for a set of islands.

    >>> island_generic_words()["小岛"], island_generic_words()["海岛"]
    (True, False)
    """
    return {r["word"]: r["anchor"].strip() == "1" for r in _rows("island_generic_words.csv")}


def is_generic_island_word(name: str) -> bool:
    """True when ``name`` is, or ends in, a generic island word (其他小岛, 临港产业岛).

    >>> is_generic_island_word("其他小岛"), is_generic_island_word("西绿华岛")
    (True, False)
    """
    return any(normalise_name(name).endswith(w) for w in island_generic_words())


@cache
def place_role_keywords() -> tuple[tuple[str, str], ...]:
    """(keyword, role) pairs from ``place_roles.csv``.

    >>> ("特色发展", "feature-development") in place_role_keywords()
    True
    """
    return tuple((r["keyword"], r["role"]) for r in _rows("place_roles.csv"))


def is_context_alias(name: str) -> bool:
    """True when ``name`` is a context-only alias of some place (本岛: the main island).

    Such a word names a place only inside that place's county; elsewhere it is generic.

    >>> is_context_alias("本岛"), is_context_alias("泗礁本岛")
    (True, False)
    """
    return normalise_name(name) in _context_surfaces()
