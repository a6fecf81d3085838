"""Unit lists: the agencies and groups in (责任单位:…), table cells and the like.

Shared by the text and the table readers so that a unit is recognised the same way
wherever it is written.

>>> from policykg.loaders.model import SourceText
>>> src = SourceText("(责任单位:县发改局、县农业农村局、各乡镇)")
>>> [u.text for u in split_units(src, 6, len(src.text) - 1)]
['县发改局', '县农业农村局', '各乡镇']
"""

from __future__ import annotations

import re
from functools import cache

from policykg.loaders.model import PersonRef, SourceText, UnitRef
from policykg.ontology import word_list

# Separators inside one unit list; line breaks count because flattened tables put
# one unit per line.
_SEPARATORS = re.compile(r"[、，,；;/\n]+")
# A bracket inside a name: 各县（市、区） is one item, its 、 no separator.
_IN_BRACKETS = re.compile(r"[(（][^()（）\n]{0,12}[)）]")
_SPACE = re.compile(r"[\s\u00a0\u3000]+")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
# Group references stand for several units at once (各乡镇, 各责任单位, 相关部门…).
_GROUP = re.compile(r"^(各|相关|有关|其他|县级各|区级各|市级各|全县各|全区各)"
                    r"(?:[\u4e00-\u9fff]|[(（][\u4e00-\u9fff、]{1,8}[)）]){1,12}$")
# A unit named after its role in a list (各项目牵头单位, 领导小组成员单位) stands for several.
_ROLE_GROUP = re.compile(r"(?:牵头|成员|责任|配合|参与)(?:单位|部门)$")
_LEVEL_PREFIX = "县区市省"
# 各市、县（区）人民政府: the organ named once for all the levels of a group
_ORGAN_TAIL = re.compile(r"(?:人民政府|政府|党委|管委会)$")
# "X等相关部门": a unit named with the others it stands for
_ET_AL = re.compile(r"等(?:相关|有关|其他)?(?:部门|单位)(?:和单位)?$")


@cache
def _group_levels() -> frozenset[str]:
    return frozenset(word_list("group_level_words.txt"))


@cache
def _suffixes() -> tuple[str, ...]:
    return tuple(sorted(word_list("unit_suffixes.txt"), key=len, reverse=True))


def squeeze(text: str) -> str:
    """Remove every kind of white space (layout spaces inside names).

    >>> squeeze("叶  敏")
    '叶敏'
    """
    return _SPACE.sub("", text)


def is_group(text: str) -> bool:
    """True for a reference to several units at once.

    >>> is_group("各乡镇"), is_group("县民政局"), is_group("省工作专班牵头单位"), is_group("各县（市、区）")
    (True, False, True, True)
    """
    t = squeeze(text)
    return bool(_GROUP.match(t) or (len(t) > 4 and _ROLE_GROUP.search(t)))


def is_unit(text: str) -> bool:
    """True when ``text`` reads as one organisation or a group of them.

    >>> is_unit("县人力社保局"), is_unit("菜园镇"), is_unit("邱存安"), is_unit("团县委")
    (True, True, False, True)
    >>> is_unit("区绿化市容局等相关部门")  # a unit and the others it stands for, kept as written
    True
    """
    t = squeeze(text)
    if not t or len(t) > 40 or not re.search(r"[\u4e00-\u9fff]", t):
        return False
    if re.search(r"[。：:！？]", t):
        return False
    return is_group(t) or t.endswith(_suffixes()) or _ET_AL.sub("", t).endswith(_suffixes())


def list_items(text: str) -> list[str]:
    """``text`` cut at the list separators that are not inside a short bracket.

    >>> list_items("各县（市、区）、市民政局")
    ['各县（市、区）', '市民政局']
    """
    masked = _IN_BRACKETS.sub(lambda m: "\0" * len(m.group()), text)
    out, pos = [], 0
    for m in _SEPARATORS.finditer(masked):
        out.append(text[pos:m.start()])
        pos = m.end()
    out.append(text[pos:])
    return out


def is_unit_list(text: str) -> bool:
    """True when every item of a 、/，-separated list (a wrapped cell's line, ``、`` left at its end) is a unit.

    >>> is_unit_list("区建设管理委、区水务局、"), is_unit_list("区交通委，"), is_unit_list("推进建设、区水务局")
    (True, True, False)
    """
    items = [i for i in list_items(squeeze(text)) if i]
    return bool(items) and all(is_unit(i) for i in items)


def is_person_name(text: str) -> bool:
    """True when ``text`` looks like a personal name (2–4 Chinese characters).

    >>> is_person_name("叶  敏"), is_person_name("县民政局"), is_person_name("新建")
    (True, False, True)
    """
    t = squeeze(text)
    return bool(_CJK.match(t)) and 2 <= len(t) <= 4 and not is_unit(t)


def _run_together(token: str) -> list[str]:
    """Split units a layout run together: 县交通运输局县综合行政执法局 -> two units."""
    parts: list[str] = []
    rest = token
    while rest:
        cut = None
        for i in range(2, len(rest) - 1):
            head, tail = rest[:i], rest[i:]
            if tail[0] in _LEVEL_PREFIX and head.endswith(_suffixes()) and is_unit(tail) and len(tail) >= 3:
                cut = i
                break
        if cut is None:
            parts.append(rest)
            break
        parts.append(rest[:cut])
        rest = rest[cut:]
    return parts


def _and_group(token: str) -> list[tuple[str, int]]:
    """Split "X等和各Y" / "X和各Y" into the unit and the group, with each part's offset in ``token``.

    >>> _and_group("农业农村部等和各有关省级人民政府"), _and_group("工业和信息化部")
    ([('农业农村部', 0), ('各有关省级人民政府', 7)], [('工业和信息化部', 0)])
    """
    at = token.find("和各")
    if at > 0 and is_group(token[at + 1:]):
        head = token[:at].removesuffix("等")
        if is_unit(head):
            return [(head, 0), (token[at + 1:], at + 1)]
    return [(token, 0)]


def split_units(src: SourceText, start: int, end: int) -> list[UnitRef]:
    """The units listed in ``src.text[start:end]``, in order, with their spans.

    Separators are 、，,；; / and line breaks; two units a layout ran together are
    split apart.  Empty items are dropped; everything else is kept even when it does
    not look like a unit, so nothing the document lists is silently lost.

    >>> src = SourceText("县交通运输局县综合行政执法局、县海投公司")
    >>> [u.text for u in split_units(src, 0, len(src.text))]
    ['县交通运输局', '县综合行政执法局', '县海投公司']
    >>> [u.text for u in split_units(SourceText("各区、县级市，市发展改革委"), 0, 13)]
    ['各区、县级市', '市发展改革委']
    >>> [u.text for u in split_units(SourceText("各市、县（区）人民政府"), 0, 11)]
    ['各市、县（区）人民政府']
    >>> src = SourceText("商务部、农业农村部等和各省级人民政府")
    >>> [(u.text, u.span.quote) for u in split_units(src, 0, len(src.text))][1:]
    [('农业农村部', '农业农村部'), ('各省级人民政府', '各省级人民政府')]
    """
    out: list[UnitRef] = []
    pos = start
    segment = src.text[start:end]
    for piece in list_items(segment):
        idx = src.text.find(piece, pos, end) if piece else -1
        if idx < 0:
            continue
        pos = idx + len(piece)
        stripped = piece.strip(" \t\u00a0\u3000")
        if not squeeze(stripped):
            continue
        lead = piece.find(stripped)
        cursor = idx + lead
        names: list[tuple[str, int]] = []  # name, offset in the squeezed piece
        base = 0
        for token in _run_together(squeeze(stripped)):
            names.extend((name, base + at) for name, at in _and_group(token))
            base += len(token)
        consumed = 0
        for name, at in names:
            # locate the name's characters again (inner spaces may separate them), past
            # what lies between two names (等和)
            while consumed < at and cursor < end:
                consumed += not src.text[cursor].isspace()
                cursor += 1
            while cursor < end and src.text[cursor].isspace():
                cursor += 1
            s = cursor
            e = s
            matched = 0
            while e < end and matched < len(name):
                if not src.text[e].isspace():
                    matched += 1
                e += 1
            prev = out[-1] if out else None
            if (prev and prev.text.startswith("各") and is_group(prev.text)
                    and _ORGAN_TAIL.sub("", name) in _group_levels()):
                # 各区、县级市: one group of local governments
                out[-1] = UnitRef(prev.text + "、" + name, src.span(prev.span.start, e))
            else:
                out.append(UnitRef(name, src.span(s, e)))
            cursor = e
            consumed = at + len(name)
    return out


def person(src: SourceText, start: int, end: int) -> PersonRef:
    """A :class:`PersonRef` for the name written at ``src.text[start:end]``."""
    return PersonRef(squeeze(src.text[start:end]), src.span(start, end))
