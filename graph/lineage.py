"""Who issued a document, and at which level: from its 文号 (document number) and its title.

A 文号 opens with its issuing jurisdiction's abbreviation: 浙政办发〔2023〕4号 is the
province's (浙江省), 舟政办发 the city's (舟山市), 嵊政办发 the county's (嵊泗县).  The
abbreviation is the first character of the jurisdiction's name in the gazetteer, or a
longer opening of it (温岭政发 → 温岭市); ``ontology/document_number_prefixes.csv``
lists the abbreviations that are not (甬 → 宁波市).  When several jurisdictions share an
abbreviation (嵊 → 嵊泗县, 嵊州市) the one closest to the citing document wins.  Without a
文号, the jurisdiction a title opens with (浙江省公共服务…方案) is the issuer's.

>>> issuer_of("浙江省公共服务“七优享”工程实施方案", "浙政办发〔2023〕4号", "嵊泗县")
('浙江省', 'province')
>>> issuer_of("某方案", "嵊政办发〔2023〕23号", "嵊泗县"), issuer_of("2024年舟山市工作要点", None, None)
(('嵊泗县', 'county'), ('舟山市', 'city'))
>>> issuer_of("关于构建优质均衡的基本公共教育服务体系的意见", None, "嵊泗县")
(None, None)
"""

from __future__ import annotations

import csv
from functools import cache

from policykg.ontology import word_list
from policykg.ontology.gazetteer import COUNTY_LEVEL, Place, find_jurisdiction, place, place_by_id, places

LEVELS = {"province": "province", "city": "city", **{k: "county" for k in COUNTY_LEVEL}}


def level(jurisdiction: str | None) -> str | None:
    """``province``, ``city`` or ``county`` for a jurisdiction name (county-level cities and districts are counties).

    >>> level("江山市"), level("舟山市"), level("定海区"), level("菜园镇")
    ('county', 'city', 'county', None)
    """
    p = _jurisdiction(jurisdiction)
    return LEVELS.get(p.kind) if p else None


def _jurisdiction(name: str | None) -> Place | None:
    p = place(name) if name else None
    return p if p is not None and p.kind in LEVELS else None


@cache
def _prefixes() -> dict[str, tuple[str, ...]]:
    """Abbreviation → jurisdiction names: the listed ones, and every opening of a jurisdiction's name."""
    out: dict[str, list[str]] = {}
    for r in csv.DictReader(word_list("document_number_prefixes.csv")):
        out.setdefault(r["prefix"], []).append(r["jurisdiction"])
    for p in places():
        if p.kind in LEVELS:
            for n in (1, 2):
                out.setdefault(p.name[:n], []).append(p.name)
    # a municipality's district writes the municipality's abbreviation first: 沪松府办 (松江区)
    for abbreviation, names in list(out.items()):
        for name in names if len(abbreviation) == 1 else ():
            province = _jurisdiction(name)
            if province is None or province.kind != "province":
                continue
            for p in places():
                if p.parent == province.id and p.kind in COUNTY_LEVEL:
                    out.setdefault(abbreviation + p.name[0], []).append(p.name)
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


def _ancestors(p: Place | None) -> list[str]:
    out = []
    while p is not None:
        out.append(p.id)
        p = place_by_id(p.parent) if p.parent else None
    return out


_RANK = {"province": 3, "city": 2, "county": 1}


def _closest(names: tuple[str, ...], context: str | None) -> str | None:
    """The candidate sharing the most enclosing places with ``context``; ``None`` on a tie.

    Without a context, the highest-level candidate when it is the only one at its level
    (舟 is 舟山市 rather than a county elsewhere that opens with 舟).
    """
    if len(names) == 1:
        return names[0]
    if context is None:
        top = max(_RANK.get(level(n) or "", 0) for n in names)
        at_top = [n for n in names if _RANK.get(level(n) or "", 0) == top]
        return at_top[0] if len(at_top) == 1 and top > 1 else None
    home_place = _jurisdiction(context)
    if home_place is not None and home_place.name in names:
        return home_place.name  # 阿府办发 in an 阿坝州 document: the state itself, not its 阿坝县
    home = set(_ancestors(home_place))
    scored = sorted(((len(home & set(_ancestors(_jurisdiction(n)))), n) for n in names), reverse=True)
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1]


def number_jurisdiction(doc_number: str | None, context: str | None = None) -> str | None:
    """The jurisdiction a 文号 names by its opening abbreviation, else ``None``.

    >>> number_jurisdiction("舟政办发〔2023〕23号"), number_jurisdiction("嵊七优享办〔2024〕1号", "嵊泗县")
    ('舟山市', '嵊泗县')
    >>> number_jurisdiction("嵊政发〔2024〕1号", "嵊州市"), number_jurisdiction("甬政发〔2024〕1号")
    ('嵊州市', '宁波市')
    >>> number_jurisdiction("皖政办秘〔2021〕82号"), number_jurisdiction("沪松府办〔2025〕31号", "松江区")
    ('安徽省', '松江区')
    >>> number_jurisdiction("阿府办发〔2021〕21号", "阿坝藏族羌族自治州")
    '阿坝藏族羌族自治州'
    """
    if not doc_number:
        return None
    for n in (2, 1):
        names = _prefixes().get(doc_number[:n])
        if names:
            return _closest(names, context)
    return None


def issuer_of(title: str | None, doc_number: str | None, context: str | None) -> tuple[str | None, str | None]:
    """(jurisdiction, level) of a document's issuer, read from its 文号, else its title.

    ``context`` is the jurisdiction of the document that names it, which settles shared
    abbreviations.
    """
    name = number_jurisdiction(doc_number, context)
    if name is None and title:
        name = find_jurisdiction(title)
    return (name, level(name)) if name else (None, None)
