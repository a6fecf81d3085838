"""The heading tree of a policy text and the tasks of its main-task part.

Headings are 一、 / (一) or （一） / 1. or 1． ; a report's 一是/二是 points count as
numbered items.  Only the part headed like 二、主要任务 / 重点任务 (or, in a report,
工作推进情况 and 下一步工作计划) yields tasks; numbered items under 总体要求,
基本原则 or 保障措施 are not tasks.  Each (一)-level section there is a
:class:`Domain`; a 牵头单位 closing its intro leads every task that names no lead.

Hard line breaks from PDF conversion are undone in a task's logical text: a line
joins the previous one unless that ends a sentence (。；：！？) or a bracket.

>>> from policykg.loaders.model import SourceText
>>> src = SourceText("二、重点任务\\n(一)全面推进“幼有善育”。加强服务。（牵头单位：县卫健局）\\n"
...                  "1.加快健全生育服务体系。到 2027 年，发生率控\\n制在1‰以下。\\n"
...                  "2.推进托育。(责任单位:县教育局、各乡镇)\\n三、保障措施\\n1.强化领导。")
>>> o = read_outline(src)
>>> [(d.name, [u.text for u in d.leads]) for d in o.domains]
[('幼有善育', ['县卫健局'])]
>>> [(t.number, t.title, [u.text for u in t.inherited_leads], [u.text for u in t.responsible], t.deadline_years)
...  for t in o.tasks]
[('1', '加快健全生育服务体系', ['县卫健局'], [], [2027]), ('2', '推进托育', ['县卫健局'], ['县教育局', '各乡镇'], [])]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from policykg.loaders.metadata import header_end
from policykg.loaders.model import Domain, PersonRef, SourceText, Task, UnitRef
from policykg.loaders.units import is_person_name, is_unit, person, split_units
from policykg.loaders.years import deadline_years

_CN_NUM = "一二三四五六七八九十"
_L1 = re.compile(rf"[ \t\u3000]*([{_CN_NUM}]+、)[ \t\u3000]*")
_L2 = re.compile(rf"[ \t\u3000]*([(（][ \t\u3000]*[{_CN_NUM}]+[ \t\u3000]*[)）])[ \t\u3000]*")
# "1." / "1．" / "1、" but not "3.0" (a number), unless a year follows ("1.2024年…")
_L3 = re.compile(r"[ \t\u3000]*(\d{1,3})[ \t\u3000]*[.．、](?:(?!\d)|(?=(?:19|20)\d{2}[ \t]*年))[ \t\u3000]*")
_POINT = re.compile(rf"[ \t\u3000]*([{_CN_NUM}]+是)(?!否|指|为)")
# Where the body ends: annexes, distribution list, page furniture, print date.
_END = re.compile(
    r"[ \t\u3000]*(?:附件\s*\d*\s*[:：]?|抄送[:：]|信息来源[:：]|分享[:：]?$|【返回顶部】|"
    r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:印发)?\s*$)"
)
# Heading words of the parts that hold tasks.
_NEXT_PART = re.compile(r"下一步|下阶段|今后|下半年|明年")
_TASK_PART = re.compile(
    r"任务|重点工作|主要工作|工作举措|主要举措|重点举措|具体举措|工作措施|主要措施|重点措施|具体措施|"
    r"推进情况|进展情况|工作情况|完成情况|工作成效|主要做法|工作开展"
)
# Parts that frame a plan rather than list its tasks.
_FRAME_PART = re.compile(r"总体要求|指导思想|基本原则|目标|保障|组织实施|实施路径|工作要求|背景|原则|意义|形势")
# A line ends a sentence or a bracket: the next line is a new paragraph, not a wrapped one.
_LINE_END = re.compile(r"[。；;：:！？!?)）】]\s*$")
# Domain names: 全面推进“幼有善育” / 围绕“学有优教”… / 聚焦“分岛分策”…
_DOMAIN_QUOTE = re.compile(
    r"(?:全面|扎实|加快|深入|持续|着力|大力|全力|积极|统筹|协同|高质量|奋力|聚力)*"
    r"(?:推进|推动|围绕|聚焦|打造|实施|深化|落实|建设|提升|实现|打响|争创)\s*“([^“”]{2,12})”(?![与和及、])"
)
_ROLE_LABELS = {
    "牵头单位": "leads",
    "牵头部门": "leads",
    "责任单位": "responsible",
    "责任部门": "responsible",
    "参与单位": "participants",
    "参与部门": "participants",
    "配合单位": "participants",
    "配合部门": "participants",
    "协同单位": "participants",
    "协办单位": "participants",
}
_PERSON_LABELS = ("责任人",)
_ANY_LABEL = "|".join(sorted((*_ROLE_LABELS, *_PERSON_LABELS), key=len, reverse=True))
_BRACKET_OPEN = re.compile(r"[(（]\s*(?=(?:" + _ANY_LABEL + r")\s*[:：])")
_LABEL_IN = re.compile(r"(" + _ANY_LABEL + r")\s*[:：]")
_UNIT_BRACKET_START = re.compile(r"[(（]\s*(?:" + "|".join(_ROLE_LABELS) + r")\s*[:：]")
_PERSONS_OUTSIDE = re.compile(r"责任人\s*[:：]\s*([^()（）。；;\n]{2,40})")


@dataclass
class _Line:
    start: int
    end: int
    kind: str  # "L1", "L2", "L3", "POINT" or "text"
    label: str = ""  # heading number as printed
    rest: int = 0  # offset where the text after the label starts


@dataclass
class _Block:
    head: _Line
    lines: list[_Line] = field(default_factory=list)

    @property
    def end(self) -> int:
        return self.lines[-1].end if self.lines else self.head.end


@dataclass
class Outline:
    """What :func:`read_outline` found: sections, tasks and remarks."""

    domains: list[Domain] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    body: tuple[int, int] = (0, 0)  # range of the body text that was read


def _in_regions(start: int, end: int, regions: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in regions)


def _classify(src: SourceText, start: int, end: int) -> _Line:
    text = src.text
    for kind, pattern in (("L1", _L1), ("L2", _L2), ("L3", _L3), ("POINT", _POINT)):
        m = pattern.match(text, start, end)
        if m:
            return _Line(start, end, kind, re.sub(r"[ \t\u3000]", "", m.group(1)), m.end())
    return _Line(start, end, "text", "", start)


def _strip_span(src: SourceText, start: int, line: str) -> tuple[int, int]:
    lead = len(line) - len(line.lstrip())
    return start + lead, start + len(line.rstrip())


def _blocks(src: SourceText, start: int, regions: list[tuple[int, int]]) -> tuple[list[_Block], int]:
    """Heading blocks of the body from ``start``: each heading with the lines it carries."""
    blocks: list[_Block] = []
    current: _Block | None = None
    stop = len(src.text)
    for line_start, line in src.lines():
        if line_start < start or not line.strip():
            continue
        s, e = _strip_span(src, line_start, line)
        if _in_regions(s, e, regions):
            current = None  # a table ends whatever paragraph ran into it
            continue
        if _END.match(src.text, line_start, e):
            stop = line_start
            break
        ln = _classify(src, s, e)
        if ln.kind == "text" and current is not None:
            current.lines.append(ln)
            continue
        current = _Block(ln)
        blocks.append(current)
    return blocks, stop


def _logical(src: SourceText, lines: list[_Line], start: int) -> tuple[str, list[int]]:
    """Text of ``lines`` from offset ``start``, wrapped lines joined, with source offsets."""
    chars: list[str] = []
    offsets: list[int] = []
    prev: _Line | None = None
    for ln in lines:
        s = max(ln.start, start)
        if s >= ln.end:
            continue
        if prev is not None and _LINE_END.search(src.text, prev.start, prev.end):
            chars.append("\n")
            offsets.append(prev.end)
        chars.extend(src.text[s:ln.end])
        offsets.extend(range(s, ln.end))
        prev = ln
    return "".join(chars), offsets


def _part_kind(heading: str) -> str | None:
    if _NEXT_PART.search(heading):
        return "next-steps"
    if _TASK_PART.search(heading):
        return "body"
    return None


def domain_name(heading: str) -> str:
    """A section's name: the quoted term of 全面推进“X”, else the heading up to 。.

    >>> domain_name("围绕“学有优教”统筹优化教育资源配置，实现…"), domain_name("融合推进“七优享”与一体化工作。")
    ('学有优教', '融合推进“七优享”与一体化工作')
    """
    m = _DOMAIN_QUOTE.match(heading.strip())
    if m:
        return m.group(1)
    return re.split(r"[。\n]", heading.strip(), maxsplit=1)[0].strip().rstrip("，,；;：:")


def _clause_title(text: str) -> str:
    """First clause of a task: up to 。, a line break or the first unit bracket."""
    cut = len(text)
    for m in (re.search(r"[。\n]", text), _UNIT_BRACKET_START.search(text)):
        if m:
            cut = min(cut, m.start())
    return text[:cut].strip().rstrip("，,；;：:、 \t")


def _bracket_ends(text: str) -> dict[int, int]:
    """For each opening bracket of ``text``: the index after the bracket that closes it (nesting allowed).

    One pass with a stack, so thousands of unclosed brackets cost no more than one.  A bracket
    never closed, or still the innermost one open at a 。 or line break more than 200
    characters on, is left out.

    >>> _bracket_ends("（A（B）C）D（")
    {2: 5, 0: 7}
    """
    ends: dict[int, int] = {}
    open_at: list[int] = []
    given_up: set[int] = set()
    for i, ch in enumerate(text):
        if ch in "(（":
            open_at.append(i)
        elif ch in ")）":
            if open_at:
                at = open_at.pop()
                if at not in given_up:
                    ends[at] = i + 1
        elif ch in "。\n" and open_at and i - open_at[-1] > 200:
            given_up.add(open_at[-1])
    return ends


@dataclass
class _Roles:
    leads: list[UnitRef] = field(default_factory=list)
    responsible: list[UnitRef] = field(default_factory=list)
    participants: list[UnitRef] = field(default_factory=list)
    persons: list[PersonRef] = field(default_factory=list)


def _unwrap(src: SourceText, units: list[UnitRef]) -> list[UnitRef]:
    """Rejoin a unit name a hard line break cut in two (县卫生 / 健康局).

    In running text a list separates units with 、 or ，; a bare line break after
    something that is not yet a unit name is a wrapped line, not a separator.

    >>> src = SourceText("县教育局、县卫生\\n健康局、县民政局\\n县财政局")
    >>> [u.text for u in _unwrap(src, split_units(src, 0, len(src.text)))]
    ['县教育局', '县卫生健康局', '县民政局', '县财政局']
    """
    out: list[UnitRef] = []
    for u in units:
        prev = out[-1] if out else None
        gap = src.text[prev.span.end:u.span.start] if prev else ""
        if prev and "\n" in gap and not gap.strip() and not is_unit(prev.text):
            out[-1] = UnitRef(prev.text + u.text, src.span(prev.span.start, u.span.end))
        else:
            out.append(u)
    return out


def _add_units(target: list[UnitRef], units: Iterable[UnitRef]) -> None:
    seen = {u.text for u in target}
    for u in units:
        if u.text not in seen:
            seen.add(u.text)
            target.append(u)


def _roles(src: SourceText, text: str, offsets: list[int]) -> _Roles:
    """Units and persons in the (牵头单位:…)/(责任单位:…)/(责任人:…) brackets of a text."""
    out = _Roles()
    ends = _bracket_ends(text)
    for m in _BRACKET_OPEN.finditer(text):
        end = ends.get(m.start(), -1)
        if end < 0:
            continue
        inner_start, inner_end = m.end(), end - 1
        labels = list(_LABEL_IN.finditer(text, inner_start, inner_end))
        for i, lab in enumerate(labels):
            v_start = lab.end()
            v_end = labels[i + 1].start() if i + 1 < len(labels) else inner_end
            while v_end > v_start and text[v_end - 1] in " \t；;，,、":
                v_end -= 1
            if v_end <= v_start:
                continue
            s, e = offsets[v_start], offsets[v_end - 1] + 1
            if lab.group(1) in _PERSON_LABELS:
                _add_persons(src, out.persons, s, e)
            else:
                _add_units(getattr(out, _ROLE_LABELS[lab.group(1)]), _unwrap(src, split_units(src, s, e)))
    for m in _PERSONS_OUTSIDE.finditer(text):
        if not any(p.span.start == offsets[m.start(1)] for p in out.persons):
            _add_persons(src, out.persons, offsets[m.start(1)], offsets[m.end(1) - 1] + 1)
    return out


def _add_persons(src: SourceText, target: list[PersonRef], start: int, end: int) -> None:
    seen = {p.name for p in target}
    for u in split_units(src, start, end):
        if is_person_name(u.text) and u.text not in seen:
            seen.add(u.text)
            target.append(person(src, u.span.start, u.span.end))


def _points(text: str, first: str = "一") -> list[tuple[int, str]]:
    """(index, label) of 一是/二是… points in a text, consecutive from ``first`` on."""
    out: list[tuple[int, str]] = []
    base = _CN_NUM.find(first)
    for m in re.finditer(rf"(?:^|(?<=[。；;\n]))\s*([{_CN_NUM}]+是)(?!否|指|为)", text):
        numeral = m.group(1)[:-1]
        expected = base + len(out)
        if base >= 0 and expected < len(_CN_NUM) and numeral == _CN_NUM[expected]:
            out.append((m.start(1), m.group(1)))
    return out


def _make_task(
    src: SourceText, text: str, offsets: list[int], number: str, label_len: int, part: str, domain: Domain | None
) -> Task:
    body = text[label_len:].lstrip(" \t\u3000")
    roles = _roles(src, text, offsets)
    task = Task(
        part=part,
        number=number,
        title=_clause_title(body),
        domain=domain.name if domain else None,
        span=src.span(offsets[0], offsets[-1] + 1),
        leads=roles.leads,
        participants=roles.participants,
        responsible=roles.responsible,
        persons=roles.persons,
        deadline_years=deadline_years(text),
        text=text,
    )
    if domain is not None and domain.leads and not task.leads:
        task.inherited_leads = [UnitRef(u.text, u.span) for u in domain.leads]
    return task


def _point_tasks(
    src: SourceText, text: str, offsets: list[int], part: str, domain: Domain | None, first: str = "一"
) -> list[Task]:
    """Tasks for the 一是/二是 points of a text, numbered from ``first`` on."""
    points = _points(text, first)
    tasks = []
    for i, (at, label) in enumerate(points):
        end = points[i + 1][0] if i + 1 < len(points) else len(text)
        seg = text[at:end].rstrip()
        tasks.append(_make_task(src, seg, offsets[at:at + len(seg)], label, len(label), part, domain))
    return tasks


def _groups(blocks: list[_Block]) -> list[list[_Block]]:
    """Blocks grouped under their 一、 heading (a leading group may have none)."""
    groups: list[list[_Block]] = []
    for b in blocks:
        if b.head.kind == "L1" or not groups:
            groups.append([b])
        else:
            groups[-1].append(b)
    return groups


def _read_part(src: SourceText, group: list[_Block], part: str, domain: Domain | None, out: Outline) -> None:
    """Tasks of one task-holding part: numbered items under (一) sections, or points."""
    has_items = any(b.head.kind in ("L3", "POINT") for b in group)
    for block in group:
        head = block.head
        lines = [head, *block.lines]
        if head.kind == "L1":
            text, offsets = _logical(src, lines, head.rest)
            out.tasks.extend(_point_tasks(src, text, offsets, part, domain))
        elif head.kind == "L2" and not has_items:
            # (一)(二)… are the tasks themselves when nothing below them is numbered
            text, offsets = _logical(src, lines, head.start)
            out.tasks.append(_make_task(src, text, offsets, head.label, head.rest - head.start, part, domain))
        elif head.kind == "L2":
            domain = _new_domain(src, block, part, out)
            text, offsets = _logical(src, lines, head.rest)
            out.tasks.extend(_point_tasks(src, text, offsets, part, domain))
        elif head.kind in ("L3", "POINT"):
            text, offsets = _logical(src, lines, head.start)
            label_len = head.rest - head.start
            tasks = []
            if head.kind == "POINT":
                tasks = _point_tasks(src, text, offsets, part, domain, head.label[:-1])
            # a point whose numeral is not a single 一…十 is still one item
            out.tasks.extend(tasks or [_make_task(src, text, offsets, head.label, label_len, part, domain)])


def read_outline(src: SourceText, regions: list[tuple[int, int]] | None = None, start: int | None = None) -> Outline:
    """Sections and tasks of the body of ``src``, skipping table ``regions``.

    ``start`` is where the body begins (by default the first 一、 heading).  When no
    一、 heading names a task part, the 一、 sections that do not frame the plan
    (总体要求, 保障措施 …) are read as domains; without any 一、 heading the whole
    body is the task part.
    """
    regions = sorted(regions or [])
    begin = header_end(src) if start is None else start
    blocks, stop = _blocks(src, begin, regions)
    out = Outline(body=(begin, stop))
    groups = _groups(blocks)
    kinds = [_part_kind(src.text[g[0].head.rest:g[0].head.end]) if g[0].head.kind == "L1" else None for g in groups]
    has_l1 = any(g[0].head.kind == "L1" for g in groups)
    l1_as_domains = has_l1 and not any(kinds)
    if not has_l1:
        out.warnings.append("no 一、 headings: the whole body is read as the task part")
        kinds = ["body"] * len(groups)
    elif l1_as_domains:
        out.warnings.append("no 主要任务-style part: 一、 sections that are not framing parts are read as domains")
    for group, kind in zip(groups, kinds, strict=True):
        head = group[0].head
        domain = None
        if l1_as_domains and head.kind == "L1" and not _FRAME_PART.search(src.text[head.rest:head.end]):
            kind = "body"
            domain = _new_domain(src, group[0], kind, out)
        if kind:
            _read_part(src, group, kind, domain, out)
    if not out.tasks:
        out.warnings.append("no tasks found in the body")
    return out


def _new_domain(src: SourceText, block: _Block, part: str, out: Outline) -> Domain:
    head = block.head
    text, offsets = _logical(src, [head, *block.lines], head.rest)
    d = Domain(
        name=domain_name(text),
        section=head.label,
        part=part,
        leads=_roles(src, text, offsets).leads if text else [],
        span=src.span(head.start, head.end),
    )
    out.domains.append(d)
    return d
