"""Projects named in a 专栏 box: prose that lists projects with their planned investment.

Work points print a box such as "专栏 重大项目数量及投资额" whose paragraph names each
project once, followed by its 年度计划投资: ``学有优教项目数 1个(西城区幼儿园新建工程),
年度计划投资0.33亿元``.  A bundle (``…打包项目1个,内含子项目2个``) is followed by its
sub-projects, each with its own amount.  Every amount closes a "subject" (the text
since the previous amount); what the subject says decides what the amount belongs to.

>>> src = SourceText("专栏 重大项目\\n\\n分领域:学有优教项目数 1个(甲幼儿园新建工程),年度计划投资0.33亿元。")
>>> [(p.number, p.name, p.domain, p.investment_yi_yuan) for p in box_projects(src)]
[('1', '甲幼儿园新建工程', '学有优教', 0.33)]
"""

from __future__ import annotations

import re

from policykg.loaders.model import Project, SourceText
from policykg.loaders.terms.units import squeeze

_BOX_TITLE = re.compile(r"^专栏(?:\s*\d{1,2})?(?:\s|[:：]|$)")
_AMOUNT = re.compile(
    r"(?P<label>(?:年度)?(?:计划)?(?:总)?投资(?:额)?)\s*(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元)"
)
_NAMED = re.compile(
    r"(?P<domain>[^\s:：;；,，。、()（）]*?)\s*项目数?\s*(?P<count>\d+)\s*个\s*[（(](?P<names>[^（）()]+)[)）]"
)
_BUNDLE = re.compile(r"(?P<name>[^:：;；,，。]*?打包项目)\s*\d+\s*个(?:[,，]?\s*内含子项目\s*(?P<subs>\d+)\s*个)?")
# where a sub-project's name stops: a time plan (计划一季度完工) or the next clause
_NAME_END = re.compile(
    r"(?:计划|预计|拟)(?:于|在)?(?:[一二三四1-4]季度|\d{1,2}月|年内|年底|上半年|下半年|开工|完工|建成)|[,，;；。]"
)
_LEAD_PUNCT = " \t\n\u00a0\u3000。;；,，:：、"


def box_paragraphs(src: SourceText) -> list[tuple[int, int]]:
    """Character ranges of the paragraphs printed under a ``专栏`` title line.

    >>> box_paragraphs(SourceText("专栏 项目\\n\\n甲项目,投资1亿元。\\n\\n二、重点任务"))
    [(7, 17)]
    """
    lines = src.lines()
    out = []
    for k, (_start, line) in enumerate(lines):
        if not _BOX_TITLE.match(line.strip()) or len(line.strip()) > 40:
            continue
        m = k + 1
        while m < len(lines) and not lines[m][1].strip():
            m += 1
        # the box's paragraphs: consecutive ones that give amounts
        while m < len(lines) and lines[m][1].strip() and _AMOUNT.search(lines[m][1]):
            start, text = lines[m]
            out.append((start + len(text) - len(text.lstrip()), start + len(text.rstrip())))
            m += 1
            while m < len(lines) and not lines[m][1].strip():
                m += 1
    return out


def _subject_start(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos] in _LEAD_PUNCT:
        pos += 1
    return pos


def box_projects(src: SourceText) -> list[Project]:
    """The projects of every 专栏 box, numbered 1, 2, 3 and 3.1, 3.2 for a bundle's sub-projects."""
    out: list[Project] = []
    number = 0
    for start, end in box_paragraphs(src):
        text = src.text
        prev = start
        bundle: Project | None = None
        pending = 0
        last: Project | None = None
        for m in _AMOUNT.finditer(text, start, end):
            s = _subject_start(text, prev, m.start())
            subject = text[s : m.start()]
            prev = m.end()
            value = float(m.group("value")) / (10000 if m.group("unit") == "万元" else 1)
            raw = squeeze(m.group("value") + m.group("unit"))
            annual = "年度" in m.group("label")
            if not re.search(r"[\u4e00-\u9fff]", subject) and last is not None:
                if annual or last.investment_yi_yuan is None:  # a second amount of the same project
                    last.investment_raw, last.investment_yi_yuan = raw, value
                continue
            named = _NAMED.search(subject)
            grouped = _BUNDLE.search(subject)
            last = None
            if named and not grouped:
                names = [squeeze(n) for n in re.split(r"[、，,]", named.group("names")) if squeeze(n)]
                for name in names:
                    number += 1
                    last = Project(str(number), name, squeeze(named.group("domain")) or None,
                                   src.span(s, m.end()), part="column", investment_raw=raw if len(names) == 1 else None,
                                   investment_yi_yuan=value if len(names) == 1 else None)
                    out.append(last)
                bundle, pending = None, 0
            elif grouped:
                number += 1
                name = squeeze(grouped.group("name"))
                bundle = last = Project(str(number), name, None, src.span(s, m.end()), part="column",
                                        investment_raw=raw, investment_yi_yuan=value)
                out.append(bundle)
                pending = int(grouped.group("subs") or 0)
            elif bundle is not None and pending > 0:
                body = re.sub(r"^其中\s*", "", subject)
                cut = _NAME_END.search(body)
                name = squeeze(body[: cut.start()] if cut else body)
                if name:
                    index = sum(1 for p in out if p.number.startswith(bundle.number + ".")) + 1
                    sub_start = s + (len(subject) - len(body))
                    last = Project(f"{bundle.number}.{index}", name, None, src.span(sub_start, m.end()),
                                   part="column", investment_raw=raw, investment_yi_yuan=value)
                    out.append(last)
                    pending -= 1
    return out
