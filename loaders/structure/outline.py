"""The heading tree of a policy text and the tasks of its main-task part.

Headings are 一、 / (一) or （一） / 1. or 1． ; a report's 一是/二是 points count as
numbered items.  Only the part headed like 二、主要任务 / 重点任务 (or, in a report,
工作推进情况 and 下一步工作计划) yields tasks; numbered items under 总体要求,
基本原则 or 保障措施 are not tasks.  Each (一)-level section there is a
:class:`Domain`; a 牵头单位 closing its intro leads every task that names no lead.

Hard line breaks from PDF conversion are undone in a task's logical text: a line
joins the previous one unless that ends a sentence (。；：！？) or a bracket, a
blank line parts them, or the previous line is a short numbered title.  A body
whose line breaks were lost is cut where its numbering runs on.  Who does a task
comes from :mod:`~policykg.loaders.terms.roles` (one lexicon, ``ontology/roles.csv``).
Numbered items of 保障措施-like parts are tasks only when they name units; a text
annex with numbered items yields tasks of its own part; a text in 第X条 articles
yields no body tasks.

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
from functools import lru_cache

from policykg.loaders.model import Domain, PersonRef, SourceText, Task, UnitRef
from policykg.loaders.structure.metadata import header_end
from policykg.loaders.terms.roles import lead_first_from, prose_roles, role_lists
from policykg.loaders.terms.units import is_person_name, is_unit, person, split_units
from policykg.loaders.terms.years import deadline_years

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
# Parts that frame a plan rather than list its tasks (and the procedure of an assessment scheme).
_FRAME_PART = re.compile(r"总体要求|指导思想|基本原则|目标|保障|组织实施|实施路径|工作要求|背景|原则|意义|形势|"
                         r"考评|适用范围|结果应用|结果运用")
# An annex heading on its own line: 附件 / 附件2 / 附件2：title, but not the notice's list of
# attachments (附件：1.X 2.Y)
_ANNEX_HEAD = re.compile(r"^[ \t\u3000]*附件[ \t\u3000]*(\d*)[ \t\u3000]*(?![:：]?[ \t\u3000]*\d+[.．、])[^\n]{0,60}$",
                         re.MULTILINE)
# A score an assessment list gives a section: （3分）, (0.5分)
_SCORE = re.compile(r"[ \t\u3000]*[(（][ \t\u3000]*\d+(?:\.\d+)?[ \t\u3000]*分[ \t\u3000]*[)）]$")
# An article of a regulation-style text, opening its line: 第3条 / 第 12 条 / 第十二条
_ARTICLE = re.compile(r"^[ \t\u3000]*第[ \t\u3000]*[0-9０-９一二三四五六七八九十百零]+[ \t\u3000]*条", re.MULTILINE)
_MIN_ARTICLES = 3
_TITLE_LINE_MAX = 16  # characters: a numbered heading this short and without punctuation is a title line
_PART_NAME_MAX = 20  # a longer first clause is a sentence, not the name of a part
# A heading run on after a sentence end, in a line whose breaks were lost
# (a heading without a full stop runs straight into the next number: 二、重点任务（一）…贸易1.扩大…)
_RUN_ON = re.compile(rf"(?<![第\d.．、{_CN_NUM}])[ \t\u3000]*(?:(?P<L1>[{_CN_NUM}]+、)|(?P<L2>[(（][{_CN_NUM}]+[)）])|"
                     r"(?P<L3>\d{1,2}[.．、](?![\d%％])))")
_SAFEGUARDS = re.compile(r"保障|组织实施|工作要求")
# A line ends a sentence or a bracket: the next line is a new paragraph, not a wrapped one.
_LINE_END = re.compile(r"[。；;：:！？!?)）】]\s*$")
# Domain names: 全面推进“幼有善育” / 围绕“学有优教”… / 聚焦“分岛分策”…
_DOMAIN_QUOTE = re.compile(
    r"(?:全面|扎实|加快|深入|持续|着力|大力|全力|积极|统筹|协同|高质量|奋力|聚力)*"
    r"(?:推进|推动|围绕|聚焦|打造|实施|深化|落实|建设|提升|实现|打响|争创)\s*“([^“”]{2,12})”(?![与和及、])"
)
# Where a task's title ends: the first bracket or label that gives units a role.
_TITLE_END = re.compile(r"[。\n]")


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


_KINDS = (("L1", _L1), ("L2", _L2), ("L3", _L3), ("POINT", _POINT))


def _classify_text(text: str, start: int, end: int, points: bool = False) -> tuple[str, str, int] | None:
    """(kind, label, end of the label) of the heading opening ``text[start:end]``; 一是 points only if asked."""
    for kind, pattern in _KINDS if points else _KINDS[:3]:
        m = pattern.match(text, start, end)
        if m:
            return kind, re.sub(r"[ \t\u3000]", "", m.group(1)), m.end()
    return None


def _classify(src: SourceText, start: int, end: int) -> _Line:
    found = _classify_text(src.text, start, end, points=True)
    if found:
        kind, label, rest = found
        return _Line(start, end, kind, label, rest)
    return _Line(start, end, "text", "", start)


def _strip_span(src: SourceText, start: int, line: str) -> tuple[int, int]:
    lead = len(line) - len(line.lstrip())
    return start + lead, start + len(line.rstrip())


def _numeral(label: str) -> int:
    """The value of a heading number: 3, 十二, 二十一.

    >>> _numeral("3"), _numeral("十二"), _numeral("二十一"), _numeral("十")
    (3, 12, 21, 10)
    """
    if label.isdigit():
        return int(label)
    tens, _, ones = label.rpartition("十")
    if "十" not in label:
        return _CN_NUM.index(label) + 1 if label in _CN_NUM else 0
    return (_CN_NUM.index(tens) + 1 if tens else 1) * 10 + (_CN_NUM.index(ones) + 1 if ones else 0)


def _run_on_headings(text: str, start: int, end: int) -> list[int]:
    """Where headings start inside one line whose line breaks were lost (一、…。二、…。三、…).

    A heading counts when it follows a sentence end and continues a run of the same
    kind of numbers (二、 after 一、, 3. after 2.); a single 1. in a sentence does not.
    """
    by_kind: dict[str, list[tuple[int, int]]] = {}
    first = _classify_text(text, start, end)
    if first is not None:  # the line's own heading starts the run
        by_kind[first[0]] = [(start, _numeral(re.sub(r"[^\d一二三四五六七八九十]", "", first[1])))]
    for m in _RUN_ON.finditer(text, start, end):
        kind = next(k for k, v in m.groupdict().items() if v)
        by_kind.setdefault(kind, []).append((m.start(kind), _numeral(re.sub(r"[^\d一二三四五六七八九十]", "",
                                                                              m.group(kind)))))
    cuts: list[int] = []
    for marks in by_kind.values():
        run = [at for i, (at, n) in enumerate(marks) if (i and n == marks[i - 1][1] + 1)
               or (i + 1 < len(marks) and marks[i + 1][1] == n + 1)]
        if len(run) >= 2:
            cuts.extend(at for at in run if at > start)
    if cuts:
        # a line found run on: a first heading of any kind (（一）, 1.) opens a level there too
        cuts.extend(at for marks in by_kind.values() for at, n in marks if n == 1 and at > start)
    return sorted(set(cuts))


def _segments(src: SourceText) -> list[tuple[int, str, int, int]]:
    """(line start, line, stripped start, stripped end) of every line, a run-on line cut at its headings."""
    out = []
    for line_start, line in src.lines():
        s, e = _strip_span(src, line_start, line)
        cuts = [c for c in _run_on_headings(src.text, s, e) if c > s]
        for a, b in zip([s, *cuts], [*cuts, e], strict=True):
            seg_s, seg_e = _strip_span(src, a, src.text[a:b])
            out.append((a if a != s else line_start, src.text[a:b], seg_s, seg_e))
    return out


def _blocks(src: SourceText, start: int, regions: list[tuple[int, int]]) -> tuple[list[_Block], int]:
    """Heading blocks of the body from ``start``: each heading with the lines it carries."""
    blocks: list[_Block] = []
    current: _Block | None = None
    stop = len(src.text)
    for line_start, line, s, e in _segments(src):
        if line_start < start or not line.strip():
            continue
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


def _title_line(src: SourceText, line: _Line) -> bool:
    """A numbered heading that is only a short title ((一)建立专区监督管理体系): a paragraph of its own.

    A line a PDF wrapped runs to the width of the page; a title stops well short of it.
    """
    if line.kind == "text":
        return False
    title = src.text[line.rest:line.end].strip()
    return 0 < len(title) <= _TITLE_LINE_MAX and not re.search(r"[，,、；;：:。“”\"]", title)


def _logical(src: SourceText, lines: list[_Line], start: int) -> tuple[str, list[int]]:
    """Text of ``lines`` from offset ``start``, wrapped lines joined, with source offsets."""
    chars: list[str] = []
    offsets: list[int] = []
    prev: _Line | None = None
    for ln in lines:
        s = max(ln.start, start)
        if s >= ln.end:
            continue
        # a blank line between two lines is a paragraph break whatever the first ends with,
        # and so is a short numbered heading printed as a line of its own
        if prev is not None and (_LINE_END.search(src.text, prev.start, prev.end)
                                 or src.text.count("\n", prev.end, s) > 1
                                 or _title_line(src, prev)):
            chars.append("\n")
            offsets.append(prev.end)
        chars.extend(src.text[s:ln.end])
        offsets.extend(range(s, ln.end))
        prev = ln
    return "".join(chars), offsets


def _part_name(heading: str) -> str:
    """The name a 一、 heading gives its part, or "" when the heading runs on as a sentence (一、对…的省，给予…).

    >>> _part_name("二、保障措施。"), _part_name("对年度目标任务完成情况好、地方投资落实到位的省（区、市），给予支持")
    ('二、保障措施', '')
    """
    name = re.split(r"[。，,；;：:(（]", heading.strip(), maxsplit=1)[0]
    return name if len(name) <= _PART_NAME_MAX else ""


def _part_kind(heading: str) -> str | None:
    name = _part_name(heading)
    if _NEXT_PART.search(name):
        return "next-steps"
    if _TASK_PART.search(name):
        return "body"
    return None


def domain_name(heading: str) -> str:
    """A section's name: the quoted term of 全面推进“X”, else the heading up to 。.

    >>> domain_name("围绕“学有优教”统筹优化教育资源配置，实现…"), domain_name("融合推进“七优享”与一体化工作。")
    ('学有优教', '融合推进“七优享”与一体化工作')
    >>> domain_name("一体化政务服务平台建设（3分）")  # an assessment list's score is not the name
    '一体化政务服务平台建设'

    """
    m = _DOMAIN_QUOTE.match(heading.strip())
    if m:
        return m.group(1)
    name = re.split(r"[。\n]", heading.strip(), maxsplit=1)[0].strip().rstrip("，,；;：:")
    return _SCORE.sub("", name)


def _clause_title(text: str) -> str:
    """First clause of a task: up to 。, a line break or the first list of units with a role."""
    cut = len(text)
    m = _TITLE_END.search(text)
    if m:
        cut = m.start()
    lists = role_lists(text[:cut])
    if lists:
        cut = min(cut, lists[0].opens)
    return text[:cut].strip().rstrip("，,；;：:、 \t")


_ATTRIBUTE = {"lead": "leads", "participant": "participants", "responsible": "responsible"}


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


@lru_cache(maxsize=8)
def _lead_first(text: str) -> int:
    return lead_first_from(text)


def _roles(src: SourceText, text: str, offsets: list[int]) -> _Roles:
    """Units and persons the role lists of a text name (roles.csv: labels, inline verbs).

    A unit keeps every role it is given when several brackets of one task name it.
    """
    out = _Roles()
    at = _lead_first(src.text)
    first_at = next((i for i, o in enumerate(offsets) if o >= at), len(text) + 1)
    # roles stated in prose count only where the text gives no role list of its own
    for r in role_lists(text, first_at) or prose_roles(text):
        s, e = offsets[r.start], offsets[r.end - 1] + 1
        if r.role == "person":
            _add_persons(src, out.persons, s, e)
        else:
            _add_units(getattr(out, _ATTRIBUTE[r.role]), _unwrap(src, split_units(src, s, e)))
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
    # the units a section's own heading lists (a unit list as a sub-heading) do the tasks
    # under it that name none themselves
    section = _section_units(src, group[0]) if domain is not None else None
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
            section = _section_units(src, block)
            text, offsets = _logical(src, lines, head.rest)
            out.tasks.extend(_point_tasks(src, text, offsets, part, domain))
        elif head.kind in ("L3", "POINT"):
            text, offsets = _logical(src, lines, head.start)
            label_len = head.rest - head.start
            tasks = []
            if head.kind == "POINT":
                tasks = _point_tasks(src, text, offsets, part, domain, head.label[:-1])
            # a point whose numeral is not a single 一…十 is still one item
            tasks = tasks or [_make_task(src, text, offsets, head.label, label_len, part, domain)]
            for task in tasks:
                if section is not None and not (task.leads or task.participants or task.responsible):
                    task.responsible = [UnitRef(u.text, u.span) for u in section.responsible]
                    task.participants = [UnitRef(u.text, u.span) for u in section.participants]
            out.tasks.extend(tasks)


def _section_units(src: SourceText, block: _Block) -> _Roles | None:
    """The responsible and participating units a section heading's own text lists, if any."""
    head = block.head
    text, offsets = _logical(src, [head, *block.lines], head.rest)
    roles = _roles(src, text, offsets) if text else None
    return roles if roles is not None and (roles.responsible or roles.participants) else None


def read_outline(src: SourceText, regions: list[tuple[int, int]] | None = None, start: int | None = None) -> Outline:
    """Sections and tasks of the body of ``src``, skipping table ``regions``.

    ``start`` is where the body begins (by default the first 一、 heading).  When no
    一、 heading names a task part, the 一、 sections that do not frame the plan
    (总体要求, 保障措施 …) are read as domains; without any 一、 heading the whole
    body is the task part.
    """
    regions = sorted(regions or [])
    begin = header_end(src) if start is None else start
    if start is None and begin >= len(src.text):
        # no 一、 opens a line: in a text whose line breaks were lost, the first run-on one
        begin = next((seg_s for _, _, seg_s, seg_e in _segments(src)
                      if (_classify_text(src.text, seg_s, seg_e) or ("",))[0] == "L1"), begin)
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
        if l1_as_domains and head.kind == "L1" and not _FRAME_PART.search(_part_name(src.text[head.rest:head.end])):
            kind = "body"
        task = _section_task(src, group, kind) if kind and head.kind == "L1" and len(group) == 1 else None
        if task is not None:
            # 一、 items that name who does them (a list of measures) are the tasks themselves
            out.tasks.append(task)
            continue
        if l1_as_domains and kind == "body" and head.kind == "L1":
            domain = _new_domain(src, group[0], kind, out)
        if kind:
            _read_part(src, group, kind, domain, out)
        elif head.kind == "L1":
            _read_framing_part(src, group, out)
    for part, a_start, a_end in _annexes(src, stop):
        _read_annex(src, part, a_start, a_end, regions, out)
    articles = len(_ARTICLE.findall(src.text, begin, stop))
    if articles >= _MIN_ARTICLES:
        # a 办法/条例/实施意见 written in 第X条 articles states rules, not a task list: its
        # （一） sections group articles and are not tasks
        out.warnings.append(f"{articles} articles (第X条): read as rules, not tasks")
        out.tasks = [t for t in out.tasks if t.part != "body"]
        out.domains = [d for d in out.domains if d.part != "body"]
    if not out.tasks:
        out.warnings.append("no tasks found in the body")
    return out


def _annexes(src: SourceText, after: int) -> list[tuple[str, int, int]]:
    """(part, start, end) of each annex after the body: from the line after its 附件 heading to the next one."""
    starts = [(m.group(1), m.end()) for m in _ANNEX_HEAD.finditer(src.text, after)]
    out = []
    for i, (number, start) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(src.text)
        out.append((f"annex{number}", start, end))
    return out


def _read_annex(src: SourceText, part: str, start: int, end: int, regions: list[tuple[int, int]],
                out: Outline) -> None:
    """Numbered items written as text in an annex (an 考评指标 list, a task list): tasks of the annex part.

    Tables in the annex are the table reader's; an annex that only lists the
    attachments' names holds no numbered items and yields nothing.
    """
    blocks, _ = _blocks(src, start, regions)
    blocks = [b for b in blocks if b.head.start < end]
    if not any(b.head.kind == "L3" for b in blocks):
        return
    found = Outline()
    for group in _groups(blocks):
        head = group[0].head
        domain = _new_domain(src, group[0], part, found) if head.kind == "L1" else None
        _read_part(src, group, part, domain, found)
    out.domains.extend(found.domains)
    out.tasks.extend(found.tasks)


def _read_framing_part(src: SourceText, group: list[_Block], out: Outline) -> None:
    """Numbered items of 保障措施-like parts are tasks only when the document names who does them."""
    part = "safeguards" if _SAFEGUARDS.search(src.text[group[0].head.rest:group[0].head.end]) else "framing"
    found = Outline()
    _read_part(src, group, part, None, found)
    # a role in a list (a bracket, 责任单位：), not one told in prose, makes a framing item a task
    tasks = [t for t in found.tasks if (t.leads or t.participants or t.responsible) and role_lists(t.text)]
    if not found.tasks:
        # one paragraph under the heading, with its own unit bracket: the part is one task
        task = _section_task(src, group, part)
        tasks = [task] if task is not None else []
    out.tasks.extend(tasks)


def _section_task(src: SourceText, group: list[_Block], part: str) -> Task | None:
    """A 一、 section without numbered items as one task, when its text names units with a role.

    A heading that is only a name (二、保障措施) names the section, and the task is
    the paragraph under it; a heading that runs on as a sentence is the task.
    """
    block = group[0]
    if any(b.head.kind != "text" for b in group[1:]) or _points(src.text[block.head.rest:block.end]):
        return None
    heading = src.text[block.head.rest:block.head.end]
    named = bool(block.lines) and not re.search(r"[。；;(（]", heading)
    lines = [ln for b in group for ln in ([*b.lines] if b is block else [b.head, *b.lines])]
    lines = lines if named else [block.head, *lines]
    if not lines:
        return None
    start = lines[0].start if named else block.head.rest
    text, offsets = _logical(src, lines, start)
    task = _make_task(src, text, offsets, block.head.label, 0, part, None)
    if named:
        task.domain = domain_name(heading)
    return task if (task.leads or task.participants or task.responsible) and role_lists(task.text) else None


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
