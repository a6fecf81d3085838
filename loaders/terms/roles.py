"""Who does a task: the role words of ``ontology/roles.csv`` read in brackets, prose and table headers.

One lexicon serves every place a document gives units their roles: labelled lists
(``（牵头单位：X；配合单位：Y）``, also after a deadline or a score inside the same
bracket), inline verbs (``（X牵头，Y、Z等按职责分工配合）``, ``（X、Y负责）``,
``（X指导，Y参与）``, ``（X会同Y负责）``) and the table column headers
(:func:`role_columns`).  A document may say once that the unit listed first leads
(``列第一位者为牵头单位，下同``); from there on a ``（A、B、C负责）`` list means lead A
and participants B and C (:func:`lead_first_from`).

>>> [(r.role, r.text) for r in role_lists("扩大出口。（省商务厅牵头，合肥海关、省贸促会等按职责分工配合）")]
[('lead', '省商务厅'), ('participant', '合肥海关、省贸促会')]
>>> [(r.role, r.text) for r in role_lists("（6月底完成，牵头考核单位：市审批服务局）（0.5分）")]
[('lead', '市审批服务局')]
>>> role_lists("实施方案（2024—2026年）")
[]
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from functools import cache

from policykg.loaders.terms.units import is_unit, list_items, squeeze
from policykg.ontology import data_path

ROLES = ("lead", "participant", "responsible", "person")
# A sentence that makes the first unit of every later list its lead.
_LEAD_FIRST = re.compile(r"(?:列|排)(?:在|于)?第一位(?:者|的)?(?:部门|单位)?为牵头(?:单位|部门)")
# Words between the units and the verb that do not change the role.
_QUALIFIERS = re.compile(r"(?:等(?:有关|相关)?(?:部门|单位)?(?:和单位)?)?"
                         r"(?:按职责分工|按照职责分工|按职责|依职责|分别|共同)?$")
_CLAUSE_SPLIT = re.compile(r"[，,；;。]")
# where a list after a label outside brackets ends: the sentence, the line, or the next
# number it runs into (责任单位：区建设管理委、各街镇2.编制方案…)
_SENTENCE_END = re.compile(r"[。\n(（]|\d{1,2}[.．、](?![\d%％])|[一二三四五六七八九十]+、")
_MAX_LIST = 400  # characters: no bracket holding a unit list is longer
_CO = "会同"  # "A会同B负责": A leads, B takes part
# Roles in running text: 由县发改局牵头 / (sentence start) 区建设管理委会同区规划资源局、…
_PROSE_LEAD = re.compile(r"由([^，,。；;：:\n由]{2,60}?)(?:牵头负责|牵头)")
_PROSE_CO = re.compile(r"(?:^|(?<=[。；;\n]))[ \t\u3000]*([^，,。；;：:\n]{2,30}?)(?:要|应当|应|将|负责)?会同")
_GROUP_THEN_VERB = re.compile(r"((?:各|相关|有关|其他)[\u4e00-\u9fff]{0,6}?(?:部门|单位|机构))[\u4e00-\u9fff]")
_SENTENCE_OR_CLAUSE = re.compile(r"[，,。；;\n]")


@dataclass(frozen=True)
class RoleList:
    """A unit list and the role the document gives it: ``text[start:end]`` of the text read."""

    role: str  # lead, participant, responsible, or person (责任人 names)
    start: int
    end: int
    text: str
    opens: int = -1  # where the bracket or the label that gives the role opens


@dataclass(frozen=True)
class _Lexicon:
    labels: dict[str, str]  # label -> role (lists "牵头单位：…")
    columns: dict[str, str]  # table column header -> role (labels included)
    verbs: dict[str, str]  # inline verb -> role


@cache
def _lexicon() -> _Lexicon:
    labels: dict[str, str] = {}
    columns: dict[str, str] = {}
    verbs: dict[str, str] = {}
    with data_path("roles.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            label, role, kind = squeeze(row["label"]), row["role"].strip(), row["kind"].strip()
            if role not in ROLES or kind not in ("label", "column", "verb"):
                raise ValueError(f"roles.csv: {label}: unknown role {role!r} or kind {kind!r}")
            if kind == "verb":
                verbs[label] = role
            else:
                columns[label] = role
                if kind == "label":
                    labels[label] = role
    return _Lexicon(labels, columns, verbs)


def role_columns() -> dict[str, str]:
    """Table column header -> the role of the units (or the persons) in its cells.

    >>> role_columns()["牵头部门"], role_columns()["配合单位"], role_columns()["实施主体"], role_columns()["责任人"]
    ('lead', 'participant', 'responsible', 'person')
    """
    return dict(_lexicon().columns)


def role_labels() -> dict[str, str]:
    """Label that names a unit list ("牵头单位：…") -> its role.

    >>> role_labels()["支撑单位"], role_labels()["牵头考核单位"]
    ('participant', 'lead')
    """
    return dict(_lexicon().labels)


def _alternation(words: object) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[arg-type]


@cache
def _label_pattern() -> re.Pattern[str]:
    # 各项目牵头单位 is a unit named after a role, not a label: a label starts the list
    return re.compile(r"(?<![\u4e00-\u9fff])(" + _alternation(_lexicon().labels) + r")\s*(?:[:：]|】)")


@cache
def _verb_pattern() -> re.Pattern[str]:
    return re.compile(r"(" + _alternation(_lexicon().verbs) + r")$")


def label_pattern() -> re.Pattern[str]:
    """A role label followed by a colon, group 1 the label (for lists outside brackets).

    >>> label_pattern().search("任务。责任单位：县民政局").group(1)
    '责任单位'
    """
    return _label_pattern()


def lead_first_from(text: str) -> int:
    """Where a document says that the unit listed first leads, else ``len(text)``.

    >>> lead_first_from("前言。（海关总署、商务部负责，排在第一位的部门为牵头部门，下同）")
    3
    >>> lead_first_from("（X负责）")
    5
    """
    m = _LEAD_FIRST.search(text)
    if not m:
        return len(text)
    # said inside a list's own bracket, it holds for that list too
    opened = max(text.rfind("（", 0, m.start()), text.rfind("(", 0, m.start()))
    if opened >= 0 and not re.search(r"[)）]", text[opened:m.start()]):
        return opened
    return m.start()


def bracket_pairs(text: str) -> dict[int, int]:
    """Open bracket offset -> the offset after its closing bracket, for every closed pair (one pass).

    Round brackets and 【】 count alike: 【牵头单位：X】 is a bracket like （牵头单位：X）.

    A bracket longer than a unit list can be (``_MAX_LIST`` characters) is left out: an
    unclosed （ must not swallow the paragraphs after it.

    >>> bracket_pairs("（A（B）C）D（")
    {2: 5, 0: 7}
    """
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in "(（【":
            stack.append(i)
        elif ch in ")）】" and stack:
            start = stack.pop()
            if i - start <= _MAX_LIST:
                pairs[start] = i + 1
    return pairs


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\u3000：:":
        start += 1
    while end > start and text[end - 1] in " \t\u3000；;，,、。":
        end -= 1
    return start, end


def _labelled(text: str, start: int, end: int) -> list[RoleList]:
    """Lists after labels in ``text[start:end]``; what comes before the first label (a deadline) is not a list."""
    out = []
    labels = list(_label_pattern().finditer(text, start, end))
    for i, lab in enumerate(labels):
        s, e = _trim(text, lab.end(), labels[i + 1].start() if i + 1 < len(labels) else end)
        if e > s:
            out.append(RoleList(_lexicon().labels[squeeze(lab.group(1))], s, e, text[s:e]))
    return out


def _all_units(text: str) -> bool:
    names = [n for n in list_items(text) if n.strip()]
    return bool(names) and all(is_unit(n) or is_unit(n.removesuffix("等")) for n in names)


def _inline(text: str, start: int, end: int, lead_first: bool) -> list[RoleList]:
    """Lists followed by a role verb, clause by clause; a bracket with no such clause holds no list."""
    out: list[RoleList] = []
    pos = start
    for piece in [*_CLAUSE_SPLIT.split(text[start:end])]:
        s, e = pos, pos + len(piece)
        pos = e + 1
        s, e = _trim(text, s, e)
        clause = text[s:e]
        if clause.startswith("由"):
            s, clause = s + 1, clause[1:]
        verb = _verb_pattern().search(clause)
        if not verb:
            continue
        role = _lexicon().verbs[verb.group(1)]
        units_end = s + verb.start()
        units_end = s + len(_QUALIFIERS.sub("", text[s:units_end]))
        lists: list[RoleList] = []
        co = text.find(_CO, s, units_end)
        if co > s:
            lists = [RoleList("lead", s, co, text[s:co]), RoleList("participant", co + 2, units_end,
                                                                  text[co + 2:units_end])]
        elif units_end > s:
            lists = [RoleList(role, s, units_end, text[s:units_end])]
        if not lists or not all(_all_units(r.text) for r in lists):
            continue
        if lead_first and role == "responsible" and co < 0:
            first = list_items(text[s:units_end])[0]
            cut = s + len(first)
            lists = [RoleList("lead", s, cut, first)]
            rest_s, rest_e = _trim(text, cut + 1, units_end)
            if rest_e > rest_s:
                lists.append(RoleList("participant", rest_s, rest_e, text[rest_s:rest_e]))
        out.extend(lists)
    if any(r.role == "lead" for r in out):
        # （X牵头，Y、Z按职责分工负责）: beside a lead, the others take part
        out = [replace(r, role="participant") if r.role == "responsible" else r for r in out]
    return out


def role_lists(text: str, lead_first_at: int | None = None) -> list[RoleList]:
    """The role-giving unit lists of ``text``, in order.

    A bracket with a label (牵头单位：…) is read by its labels; any other bracket by
    its inline verbs.  A label outside brackets (``。责任单位：X、Y``) lists up to
    the end of its sentence or line.  From offset ``lead_first_at`` on (see :func:`lead_first_from`)
    a list that is only 负责 gives its first unit the lead and the others a part.

    >>> [(r.role, r.text) for r in role_lists("（体育总局、公安部负责）", lead_first_at=0)]
    [('lead', '体育总局'), ('participant', '公安部')]
    >>> [(r.role, r.text) for r in role_lists("（国家发展改革委会同有关部门负责）")]
    [('lead', '国家发展改革委'), ('participant', '有关部门')]
    >>> [(r.role, r.text) for r in role_lists("（合肥海关牵头，省港航集团、省机场集团按职责分工负责）")]
    [('lead', '合肥海关'), ('participant', '省港航集团、省机场集团')]
    """
    first_at = len(text) + 1 if lead_first_at is None else lead_first_at
    out: list[RoleList] = []
    taken: list[tuple[int, int]] = []
    covered = -1  # a bracket nested in a list belongs to it; others may hold lists of their own
    for i, end in sorted(bracket_pairs(text).items()):
        if i < covered:
            continue
        inner_s, inner_e = i + 1, end - 1
        found = _labelled(text, inner_s, inner_e) or _inline(text, inner_s, inner_e, i >= first_at)
        if found:
            out.extend(replace(r, opens=i) for r in found)
            taken.append((i, end))
            covered = end
    # Labels come in order and the bracket lists are disjoint and in order, so one cursor over
    # them and the furthest end of a label's list say whether a label is inside a list already
    # (checking every list before it made thousands of stray labels quadratic).
    k, label_end = 0, -1
    for m in _label_pattern().finditer(text):
        at = m.start()
        while k < len(taken) and taken[k][1] <= at:
            k += 1
        if at < label_end or (k < len(taken) and taken[k][0] <= at):
            continue
        stop = _SENTENCE_END.search(text, m.end())
        end = stop.start() if stop else len(text)
        opens = at - 1 if at and text[at - 1] == "【" else at  # 【责任单位】X
        out.extend(replace(r, opens=opens) for r in _labelled(text, at, end))
        label_end = max(label_end, end)
    return sorted(out, key=lambda r: r.start)


def _unit_run(text: str, start: int, end: int) -> tuple[int, int]:
    """The leading units of the list at ``text[start:end]``: up to the first item that is not a unit."""
    pos = start
    stop = start
    for item in list_items(text[start:end]):
        at = text.find(item, pos, end)
        group = _GROUP_THEN_VERB.match(item)
        if group:
            # 有关部门制定清单: the group ends at its noun, the sentence goes on
            return start, at + group.end(1)
        if not is_unit(item):
            head = item.split("等", 1)[0]  # 区经委等部门制定方案: the list ends at 等
            if head != item and is_unit(head):
                stop = at + len(head)
            break
        stop = at + len(item)
        pos = stop
    return start, stop


def prose_roles(text: str) -> list[RoleList]:
    """Roles stated in running text: ``由X牵头``, and ``X会同Y、Z…`` opening a sentence.

    For a task whose text gives no role list; a position (由分管副区长牵头) is not a unit.

    >>> text = "建立机制，由县发改局牵头。区建设管理委会同区规划资源局、区经委等部门制定方案。"
    >>> [(r.role, r.text) for r in prose_roles(text)]
    [('lead', '县发改局'), ('lead', '区建设管理委'), ('participant', '区规划资源局、区经委')]
    >>> [(r.role, r.text) for r in prose_roles("市场监管总局要会同有关部门制定清单。")]
    [('lead', '市场监管总局'), ('participant', '有关部门')]
    >>> prose_roles("由分管副区长牵头统筹协调。")
    []
    """
    out: list[RoleList] = []
    for m in _PROSE_LEAD.finditer(text):
        if _all_units(m.group(1)):
            out.append(RoleList("lead", m.start(1), m.end(1), m.group(1), m.start()))
    for m in _PROSE_CO.finditer(text):
        if not is_unit(m.group(1)):
            continue
        end = _SENTENCE_OR_CLAUSE.search(text, m.end())
        s, e = _unit_run(text, m.end(), end.start() if end else len(text))
        if e > s:
            out.append(RoleList("lead", m.start(1), m.end(1), m.group(1), m.start(1)))
            out.append(RoleList("participant", s, e, text[s:e], m.start(1)))
    return sorted(out, key=lambda r: r.start)
