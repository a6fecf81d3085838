"""Entity resolution: which agency, place, person, domain or indicator a name stands for.

Loaders keep names as written (县卫健局, 区卫健局, 卫健局); this module gives every
thing one id however a document spells it, and keeps apart what only looks alike:
县卫健局 in a 嵊泗县 document and 区卫健局 in a 定海区 document are two agencies.

>>> resolve_agency("县人社局", "嵊泗县") == resolve_agency("嵊泗县人力资源和社会保障局", "嵊泗县")
True
>>> resolve_agency("区卫健局", "定海区").name
'定海区卫生健康局'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from policykg.graph.ids import stable_id
from policykg.loaders.mentions.inline_targets import words as stated_words
from policykg.loaders.terms.units import is_group, squeeze
from policykg.ontology import word_list
from policykg.ontology.gazetteer import (
    COUNTY_LEVEL,
    NATIONAL,
    TOWNSHIP_LEVEL,
    Place,
    agency_alias,
    canonical_jurisdiction,
    county_of,
    domain,
    is_context_alias,
    is_generic_island_word,
    level_of,
    national_agency,
    normalise_name,
    parent_city,
    place,
    place_by_id,
    places,
)

_LEVEL_CHAR = {"县": "county", "区": "district", "市": "city", "省": "province"}
_TOWNSHIP = re.compile(r"^([\u4e00-\u9fff]{1,6}?)(镇|乡|街道)(人民政府|政府|办事处|街道办)?$")
_ISLAND = re.compile(r"^[\u4e00-\u9fff-]{1,12}岛$")


@dataclass(frozen=True)
class ResolvedAgency:
    """One organisation (or group of them) with its canonical name and id."""

    id: str
    name: str  # canonical full name: 嵊泗县卫生健康局
    short: str  # normalised short form: 卫生健康局
    kind: str  # agency | township-government | group
    jurisdiction: str | None  # the body's own jurisdiction: 嵊泗县, 舟山市, 浙江省
    level: str | None  # county-level | city | province
    category: str | None = None  # kind column of agency_aliases.csv: government-department, party-organ …


@dataclass(frozen=True)
class ResolvedPlace:
    """A place node: gazetteer id, or a derived id for an island the gazetteer lacks."""

    id: str
    name: str
    kind: str
    parent: str | None  # id of the enclosing place
    label_en: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResolvedDomain:
    """A domain node."""

    id: str
    name: str
    label_en: str | None = None
    broader: str | None = None


@cache  # a few thousand places; asked for each candidate of every agency name
def _province_of(p: Place | None) -> str | None:
    """The province ``p`` lies in; ``None`` when unknown (省 then stays as written, never a guess)."""
    while p is not None and p.kind != "province":
        p = place_by_id(p.parent) if p.parent else None
    return p.name if p is not None else None


_JURISDICTION_KINDS = ("province", "city", *COUNTY_LEVEL)


@cache
def _jurisdiction_names() -> tuple[frozenset[str], int]:
    """Full names of provinces, cities and county-level places, and the longest one's length."""
    names = frozenset(p.name for p in places() if p.kind in _JURISDICTION_KINDS)
    return names, max(map(len, names))


@cache
def _jurisdiction_aliases() -> tuple[dict[str, tuple[Place, ...]], int]:
    """Short name -> the provinces, cities and county-level places it stands for (in gazetteer
    order, which breaks ties), and the longest short name's length."""
    out: dict[str, list[Place]] = {}
    for p in places():
        if p.kind in _JURISDICTION_KINDS:
            for a in p.aliases:
                out.setdefault(a, []).append(p)
    return {a: tuple(ps) for a, ps in out.items()}, max(map(len, out), default=0)


def _level_jurisdiction(char: str, doc: str | None) -> str | None:
    """The jurisdiction a level prefix (县/区/市/省) means in a document of ``doc``."""
    doc_place = place(doc) if doc else None
    if char == "省":
        return _province_of(doc_place)
    if doc_place is None:
        return None
    if char == "市":
        if doc_place.kind in ("city", "county-city"):
            return doc_place.name
        if doc_place.kind in COUNTY_LEVEL:
            return parent_city(doc_place.name)
        return None
    # 县/区: the document's own county-level jurisdiction (a 县 written in a 区 document
    # still means the body of that document's jurisdiction)
    return doc_place.name if doc_place.kind in COUNTY_LEVEL else None


def _has_level_prefix(s: str) -> bool:
    """True when 县/区/市/省 opens ``s`` as a level (县民政局), not as a word (市场监管局)."""
    if s[:1] not in _LEVEL_CHAR or len(s) < 2:
        return False
    if any(agency_alias(s[1:], level) for level in (None, "county-level", "city", "province")):
        return True
    return not s.startswith(word_list("unit_level_exceptions.txt"))


def _full_prefix(s: str) -> tuple[str | None, str]:
    """Strip full jurisdiction names from the start: 舟山市定海区教育局 -> (定海区, 教育局).

    >>> _full_prefix("浙江省舟山市定海区教育局"), _full_prefix("舟山市")
    (('定海区', '教育局'), (None, '舟山市'))
    """
    names, longest = _jurisdiction_names()
    found = None
    while True:
        # the longest name that opens s and leaves something after it
        cut = next((k for k in range(min(longest, len(s) - 1), 0, -1) if s[:k] in names), 0)
        if not cut:
            return found, s
        found, s = s[:cut], s[cut:]


def _short_prefix(s: str, doc: str | None = None) -> tuple[str | None, str]:
    """A jurisdiction's short name opening ``s`` (嵊泗海事处 -> 嵊泗县, 海事处).

    In a document of a known province only that province's places (and provinces)
    count: 中山公园管理处 in a Shanghai plan is a park's office, not 中山市's.

    >>> _short_prefix("嵊泗海事处"), _short_prefix("中山公园管理处", "上海市")
    (('嵊泗县', '海事处'), (None, '中山公园管理处'))
    """
    home = _province_of(place(doc)) if doc and doc != NATIONAL else None
    aliases, longest = _jurisdiction_aliases()
    for k in range(min(longest, len(s) - 1), 0, -1):  # the longest short name first
        for p in aliases.get(s[:k], ()):
            if home is None or p.kind == "province" or _province_of(p) == home:
                return p.name, s[k:]
    return None, s


def _template(full: str, jurisdiction: str | None, written_prefix: str) -> str:
    return full.replace("{J}", jurisdiction if jurisdiction else written_prefix)


def _short_of(full: str, rest: str) -> str:
    return full.split("{J}", 1)[1] if full.startswith("{J}") else rest


def _township(jurisdiction: str | None, rest: str) -> ResolvedAgency | None:
    m = _TOWNSHIP.match(rest)
    if not m:
        return None
    town = m.group(1) + m.group(2)
    gaz = place(town, jurisdiction)
    home = county_of(gaz) if gaz is not None and gaz.kind in TOWNSHIP_LEVEL else None
    # a township the gazetteer places in a neighbouring county of the same city belongs there
    if home is not None and (jurisdiction is None or parent_city(home.name) == parent_city(jurisdiction)):
        jurisdiction = home.name
    suffix = "办事处" if m.group(2) == "街道" else "人民政府"
    name = f"{jurisdiction or ''}{town}{suffix}"
    return ResolvedAgency(stable_id("agency", jurisdiction or "", name), name, town, "township-government",
                          jurisdiction, level_of(jurisdiction) if jurisdiction else None, "township-government")


@lru_cache(maxsize=8192)  # pure, and builders ask about the same few names again and again
def resolve_agency(surface: str, jurisdiction: str | None) -> ResolvedAgency:
    """Canonical agency for a unit name as written in a document of ``jurisdiction``.

    A full jurisdiction name in front is used as written; a level prefix means the
    document's jurisdiction (县/区), its city (市 in a county or district document) or
    the province (省); no prefix means the document's jurisdiction.  The rest is
    normalised by ``agency_aliases.csv``.

    >>> resolve_agency("市民政局", "嵊泗县").name, resolve_agency("发改局", "江山市").name
    ('舟山市民政局', '江山市发展和改革局')
    >>> resolve_agency("团县委", "嵊泗县").name, resolve_agency("县委编办", "嵊泗县").name
    ('共青团嵊泗县委员会', '中共嵊泗县委机构编制委员会办公室')
    >>> a = resolve_agency("菜园镇", "嵊泗县"); a.name, a.kind
    ('嵊泗县菜园镇人民政府', 'township-government')
    >>> g = resolve_agency("各乡镇", "嵊泗县"); g.name, g.kind
    ('嵊泗县各乡镇', 'group')
    >>> resolve_agency("省商务厅", "安徽省").name, resolve_agency("人社部", "嵊泗县").name
    ('安徽省商务厅', '人力资源和社会保障部')
    """
    s = squeeze(surface)
    doc = canonical_jurisdiction(jurisdiction)
    if is_group(s):
        return ResolvedAgency(stable_id("group", doc or "", s), f"{doc or ''}{s}", s, "group", doc,
                              level_of(doc) if doc else None)
    national = national_agency(s, national_document=doc == NATIONAL)
    if national is not None:
        # one node per national body, whichever document names it
        return ResolvedAgency(stable_id("agency", NATIONAL, national), national, national, "agency",
                              NATIONAL, "national", "national-body")
    party = s.startswith("中共")
    if party:
        s = s[2:]
    youth = s.startswith("共青团")
    if youth:
        s = s[3:]
    juris, rest = _full_prefix(s)
    written_prefix = ""
    explicit_short = False
    if juris is None:
        short_juris, short_rest = _short_prefix(s, doc)
        if short_juris is not None:
            juris, rest, explicit_short = short_juris, short_rest, True
    if juris is None:
        m = re.match(r"^团([县区市省])委(.*)$", s)
        if m:
            s, youth = m.group(1) + "团委" + m.group(2), True
        if _has_level_prefix(s):
            written_prefix, rest = s[0], s[1:]
            juris = _level_jurisdiction(s[0], doc)
        else:
            juris, rest = doc, s
    if youth and rest in ("委", "委员会", "团委"):
        rest = "团委"
    level = level_of(juris) if juris else (
        "county-level" if written_prefix in ("县", "区") else _LEVEL_CHAR.get(written_prefix))
    if not party and not youth:
        town = _township(juris, rest)
        if town is not None:
            return town
    alias = agency_alias(rest, level)
    if alias is not None:
        name = _template(alias.full, juris, written_prefix)
        short = _short_of(alias.full, rest)
    elif explicit_short:
        name, short = squeeze(surface), rest  # 嵊泗海事处: already explicit, keep as written
    else:
        name = ("中共" if party else "") + (juris or written_prefix) + rest
        short = rest
    return ResolvedAgency(stable_id("agency", juris or "", name), name, short, "agency", juris, level,
                          alias.kind if alias else None)


@lru_cache(maxsize=8192)
def resolve_place(surface: str, jurisdiction: str | None) -> ResolvedPlace | None:
    """The place a name stands for, or ``None`` when it names none.

    Gazetteer places keep their gazetteer id; an island the gazetteer lacks gets a
    derived id and the document's county as parent.

    >>> resolve_place("壁下-安基岛", "嵊泗县").id, resolve_place("本岛", "嵊泗县").name
    ('zj-zhoushan-shengsi-bixia-anji', '泗礁山岛')
    >>> p = resolve_place("鼠浪湖岛", "嵊泗县"); p.id.startswith("island-"), p.parent
    (True, 'zj-zhoushan-shengsi')
    >>> resolve_place("小岛", "嵊泗县") is None
    True
    """
    p = place(surface, jurisdiction)
    if p is not None:
        return ResolvedPlace(p.id, p.name, p.kind, p.parent, p.label_en, p.aliases)
    name = normalise_name(surface)
    if not _ISLAND.match(name) or is_generic_island_word(name) or is_context_alias(name):
        return None
    home = place(jurisdiction) if jurisdiction else None
    county = county_of(home) if home else None
    return ResolvedPlace(stable_id("island", county.name if county else "", name), name, "island",
                         county.id if county else None)


def resolve_person(name: str, jurisdiction: str | None) -> str:
    """Id of a responsible person: one name in one jurisdiction is one person.

    >>> resolve_person("叶 敏", "嵊泗县") == resolve_person("叶敏", "嵊泗")
    True
    """
    return stable_id("person", canonical_jurisdiction(jurisdiction) or "", squeeze(name))


def fold_name(text: str) -> str:
    """Fold width, brackets, dashes and spaces; “” quotes are kept (NFKC leaves them).

    >>> fold_name("（城镇）登记 失业率") == fold_name("(城镇)登记失业率")
    True
    """
    return normalise_name(unicodedata.normalize("NFKC", text))


def resolve_domain(name: str) -> ResolvedDomain:
    """The domain a section name stands for; unknown names get an id of their own.

    >>> d = resolve_domain("“幼有善育”"); d.id, d.label_en
    ('domain-youyoushanyu', 'Childcare for the young')
    >>> resolve_domain("融合推进 工作").id == resolve_domain("融合推进工作").id
    True
    """
    d = domain(name)
    if d is not None:
        return ResolvedDomain(d.id, d.name, d.label_en, d.broader)
    key = fold_name(name).strip("“”\"'")
    return ResolvedDomain(stable_id("domain", key), key)


# Separators written between the parts of a product name (浙里惠民保·舟惠保 / 浙里惠民保.舟惠保).
_NAME_DOTS = re.compile(r"(?<=[\u4e00-\u9fff”])[·.•・‧](?=[\u4e00-\u9fff“])")


def indicator_key(name: str) -> str:
    """The folded name that decides which indicator a name stands for.

    Width, brackets, dashes, spaces and name separators are folded; the document's own
    jurisdiction in front (全县, 全区, 我市 …) and a closing 数 (托位数 = 托位) are
    dropped, since documents write the same indicator with and without them.  Quotes
    are kept: “15分钟”服务圈 names a programme.

    >>> indicator_key("全县开展职业技能培训累计数") == indicator_key("全区开展职业技能培训累计数")
    True
    >>> indicator_key("每万老年人口拥有持证养老护理员数"), indicator_key("“浙里惠民保.舟惠保”投保率")
    ('每万老年人口拥有持证养老护理员', '“浙里惠民保·舟惠保”投保率')
    >>> indicator_key("安薪指数")
    '安薪指数'
    """
    key = _NAME_DOTS.sub("·", fold_name(name))
    for word in stated_words("scope"):
        if key.startswith(word) and len(key) > len(word) + 1:
            key = key[len(word):]
            break
    if key.endswith("数") and len(key) > 2 and not key.endswith(stated_words("whole")):
        key = key[:-1]
    return key


def resolve_indicator(name: str, unit: str | None = None) -> str:
    """Id of an indicator: the same folded name (:func:`indicator_key`) across documents is one node.

    The unit is not part of an indicator's identity: one document counts 基本养老保险参保人数
    in 人, another in 万人, and a target keeps its own unit.  ``unit`` is accepted for
    callers that have one at hand.

    >>> resolve_indicator("每千人口拥有0—3岁婴幼儿托位数", "个") == resolve_indicator(
    ...     "每千人口拥有 0-3岁婴幼儿托位数", "万个")
    True
    >>> resolve_indicator("（城镇）登记失业率", "%") == resolve_indicator("(城镇)登记失业率")
    True
    """
    return stable_id("indicator", indicator_key(name))
