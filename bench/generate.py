"""Deterministic synthetic corpus of county policy documents, for policykg's scale benchmarks.

Each document imitates one genre of the real corpus (/work/shared/corpus): an implementation
plan, an action plan with annexes, work points with indicator tables, or a progress report.
Every jurisdiction is a real Zhejiang county, district or county-level city
(``vocab/jurisdictions.csv``) with townships and islands of its own built from
``vocab/syllables.txt``.  The manifest records what each document plants (tasks, lead
and participant units, indicators, inline targets, citations, islands) so a test can
measure how much of it the extractor recovers.

The same seed gives byte-identical files: all randomness comes from ``random.Random``
instances seeded from the seed (never the global generator, never ``hash()``), and every
choice iterates over lists in file order.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     m = write_corpus(Path(d), 3, seed=1)
...     len(m["documents"]), (Path(d) / "manifest.json").exists()
(3, True)

Run ``python bench/generate.py --docs 10000 --seed 0 --out /tmp/scale-corpus``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

VOCAB = Path(__file__).resolve().parent / "vocab"
GENRES = ("plan", "actionplan", "workpoints", "report")
_GENRE_WEIGHTS = (30, 30, 25, 15)
_COASTAL_CITIES = ("舟山市", "宁波市", "温州市", "台州市")
_CN = "一二三四五六七八九十"
_MIN_BYTES, _MAX_BYTES = 5_000, 60_000
COUNT_KEYS = ("tasks", "lead_units", "participant_units", "indicators", "inline_targets", "citations", "islands")


# -- vocabulary -------------------------------------------------------------------------------
def _data_lines(name: str) -> list[str]:
    text = (VOCAB / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(_data_lines(name)))


@dataclass(frozen=True)
class Jurisdiction:
    """A county-level jurisdiction: 安吉县 in 湖州市, slug ``anji``, level prefix 县, 文号 abbreviation 安."""

    name: str
    city: str
    slug: str
    prefix: str
    abbr: str


@dataclass(frozen=True)
class Theme:
    """A domain section: 养老 / 老有康养, led by 民政局, with its usual participants."""

    name: str
    heading: str
    lead: str
    participants: tuple[str, ...]


@dataclass(frozen=True)
class Vocab:
    """Everything the generator draws words from, read once from ``vocab/``."""

    jurisdictions: tuple[Jurisdiction, ...]
    agencies: dict[str, str]  # short form -> full form without the level prefix
    themes: tuple[Theme, ...]
    indicators: dict[str, tuple[tuple[str, str, float, float], ...]]
    phrases: dict[str, tuple[tuple[str, str], ...]]
    syllables: tuple[str, ...]
    filler: tuple[str, ...]
    problems: tuple[str, ...]
    surnames: tuple[str, ...]
    higher_titles: tuple[tuple[str, str], ...]


@cache
def load_vocab() -> Vocab:
    """Read the vocabulary files under ``bench/vocab``.

    >>> v = load_vocab()
    >>> len(v.jurisdictions) >= 40, v.agencies["人社局"]
    (True, '人力资源和社会保障局')
    """
    indicators: dict[str, list[tuple[str, str, float, float]]] = defaultdict(list)
    for r in _rows("indicators.csv"):
        indicators[r["theme"]].append((r["name"], r["unit"], float(r["base"]), float(r["step"])))
    phrases: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in _rows("task_phrases.csv"):
        phrases[r["theme"]].append((r["title"], r["body"]))
    themes = tuple(Theme(r["theme"], r["heading"], r["lead"], tuple(r["participants"].split("|")))
                   for r in _rows("themes.csv"))
    return Vocab(
        jurisdictions=tuple(Jurisdiction(**r) for r in _rows("jurisdictions.csv")),
        agencies={r["short"]: r["full"] for r in _rows("agencies.csv")},
        themes=tuple(t for t in themes if t.name in phrases and t.name in indicators),
        indicators={k: tuple(v) for k, v in indicators.items()},
        phrases={k: tuple(v) for k, v in phrases.items()},
        syllables=tuple(" ".join(_data_lines("syllables.txt")).split()),
        filler=tuple(_data_lines("filler.txt")),
        problems=tuple(_data_lines("problems.txt")),
        surnames=tuple(" ".join(_data_lines("surnames.txt")).split()),
        higher_titles=tuple(tuple(line.split("|", 1)) for line in _data_lines("citation_titles.txt")),
    )


# -- one jurisdiction's own places --------------------------------------------------------------
@dataclass(frozen=True)
class Places:
    """Townships (镇/乡 or 街道) and, for coastal jurisdictions, islands, stable per seed."""

    townships: tuple[str, ...]
    islands: tuple[str, ...]


def _names(rng: random.Random, syllables: tuple[str, ...], suffix: str, n: int, taken: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        stem = rng.choice(syllables) + rng.choice(syllables)
        # X大岛 / X小岛 / X海岛 would read as the generic 大岛 / 小岛 / 海岛
        if stem[0] != stem[1] and stem[1] not in "大小海" and stem not in taken:
            taken.add(stem)
            out.append(stem + suffix)
    return out


def places_of(j: Jurisdiction, seed: int) -> Places:
    """The generated townships and islands of ``j`` (the same in every document of one seed).

    >>> p = places_of(load_vocab().jurisdictions[0], 0)
    >>> p == places_of(load_vocab().jurisdictions[0], 0), all(t[-1] in "镇乡道" for t in p.townships)
    (True, True)
    """
    v = load_vocab()
    rng = random.Random(f"places:{seed}:{j.slug}")
    # a real county's or city's short name (松阳, 舟山) would make 松阳街道 another jurisdiction's
    taken = {x.name[:2] for x in v.jurisdictions} | {x.city[:2] for x in v.jurisdictions}
    if j.prefix == "区":
        towns = _names(rng, v.syllables, "街道", rng.randint(3, 5), taken) + _names(rng, v.syllables, "镇", 2, taken)
    else:
        towns = _names(rng, v.syllables, "镇", rng.randint(3, 5), taken) + _names(rng, v.syllables, "乡", 2, taken)
    islands = _names(rng, v.syllables, "岛", rng.randint(5, 8), taken) if j.city in _COASTAL_CITIES else []
    return Places(tuple(towns), tuple(islands))


# -- writing one document -----------------------------------------------------------------------
@dataclass
class _Doc:
    """The text being written, its byte size so far and what it planted."""

    j: Jurisdiction
    places: Places
    year: int
    rng: random.Random
    parts: list[str] = field(default_factory=list)
    size: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    cited: set[str] = field(default_factory=set)
    items: list[dict] = field(default_factory=list)  # planted tasks, for write_corpus(details=True)
    targets: list[dict] = field(default_factory=list)  # planted inline targets, likewise
    indicators: list[dict] = field(default_factory=list)  # planted indicator rows, likewise

    def plant_task(self, title: str, leads: list[str], parts: list[str], table: str | None = None) -> None:
        self.counts["tasks"] += 1
        self.counts["lead_units"] += len(leads)
        self.counts["participant_units"] += len(parts)
        item = {"title": title, "leads": leads, "participants": parts}
        if table:
            item["table"] = table
        self.items.append(item)

    def person(self) -> str:
        v = load_vocab()
        return self.rng.choice(v.surnames) + "".join(self.rng.sample(v.syllables, self.rng.randint(1, 2)))

    def add(self, *lines: str) -> None:
        for line in lines:
            self.parts.append(line)
            self.size += len(line.encode("utf-8")) + 1

    def blank(self, *lines: str) -> None:
        """Lines separated by blank lines, as the web pages' text has them."""
        for line in lines:
            self.add(line, "")

    @property
    def level(self) -> str:
        return self.j.prefix

    def unit(self, short: str) -> str:
        """An agency as documents write it: level prefix + short form, sometimes the full form."""
        v = load_vocab()
        name = v.agencies[short] if self.rng.random() < 0.25 else short
        return self.level + name

    def filler(self, n: int) -> str:
        v = load_vocab()
        return "，".join(s.replace("{L}", self.level).replace("{J}", self.j.name)
                        for s in self.rng.sample(v.filler, n))

    def group(self) -> str:
        return "各街道" if self.level == "区" else "各乡镇"


def _fmt(value: float, unit: str) -> str:
    if unit == "%":
        value = min(value, 100.0)
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text


def _indicator_values(base: float, step: float, years: list[int], first: int, unit: str) -> list[str]:
    return [_fmt(base + step * (y - first), unit) for y in years]


def _inline_target(d: _Doc, theme: Theme, year: int | None = None) -> str:
    """到2025年，全县XX达到95%以上 — one planted inline target."""
    name, unit, base, step = d.rng.choice(load_vocab().indicators[theme.name])
    year = year or d.year + d.rng.randint(0, 2)
    value = _fmt(base + step * (year - 2022), unit)
    d.counts["inline_targets"] += 1
    d.targets.append({"indicator": name, "year": year, "value": float(value), "unit": unit})
    if unit == "%":
        return f"到{year}年，全{d.level}{name}达到{value}%以上"
    return f"到{year}年，全{d.level}{name}达到{value}{unit}"


def _unit_lists(d: _Doc, theme: Theme, with_lead: bool) -> tuple[list[str], list[str]]:
    rng = d.rng
    others = [p for p in theme.participants if p != theme.lead]
    leads = [d.unit(theme.lead)] if with_lead else []
    if with_lead and rng.random() < 0.2:
        leads.append(d.unit(rng.choice(others)))
    pool = [p for p in others if d.level + p not in leads]
    parts = [d.unit(p) for p in rng.sample(pool, rng.randint(1, min(4, len(pool))))]
    if not with_lead:
        parts.insert(0, d.unit(theme.lead))
    roll = rng.random()
    if roll < 0.25:
        parts.append(rng.choice(d.places.townships))
    elif roll < 0.55:
        parts.append(d.group())
    return leads, parts


def _task_paragraph(d: _Doc, theme: Theme, number: str, with_lead: bool) -> str:
    rng = d.rng
    title, body = rng.choice(load_vocab().phrases[theme.name])
    body = body.replace("{N}", str(rng.randint(2, 30))).replace("{J}", d.j.name)
    sentences = [f"{number}{title}", body, d.filler(rng.randint(1, 3))]
    if rng.random() < 0.4:
        sentences.append(_inline_target(d, theme))
    leads, parts = _unit_lists(d, theme, with_lead)
    d.plant_task(title, leads, parts)
    if leads:
        tail = f"（牵头单位：{'、'.join(leads)}；责任单位：{'、'.join(parts)}）"
    else:
        tail = f"（责任单位：{'、'.join(parts)}）"
    return "。".join(sentences) + "。" + tail


# -- building blocks shared by genres -----------------------------------------------------------
def _date(d: _Doc, month_lo: int = 2, month_hi: int = 5) -> tuple[str, str]:
    m, day = d.rng.randint(month_lo, month_hi), d.rng.randint(1, 28)
    return f"{d.year}-{m:02d}-{day:02d}", f"{d.year}年{m}月{day}日"


def _index_number(d: _Doc) -> str:
    rng = d.rng
    code = f"1133{rng.randrange(10**4):04d}00{rng.randrange(10**4):04d}{rng.choice('ABCDEFGHJKLM')}"
    return f"{code}/{d.year}-{rng.randint(1000, 99999)}"


def _header(d: _Doc, title: str, doc_number: str, issuer_office: str) -> None:
    """The portal's metadata block, the cover notice and the title line."""
    iso, cn = _date(d)
    idx = _index_number(d)
    d.add(f"索引号 {idx}", f" 组配分类 政府文件  发布机构 {issuer_office}",
          f" 生成日期 {iso}  公开方式 主动公开")
    for label, value in (("信息索引号", idx), ("主题分类", "其他"), ("发布机构", issuer_office),
                         ("成文日期", iso), ("文号", doc_number), ("文件登记号", ""), ("公开方式", "主动公开")):
        d.add(f"  • {label}:", "")
        if value:
            d.add(f"    {value}", "")
    d.add("  • 有效性:", "")
    office = f"{d.j.name}人民政府办公室"
    d.blank(f"{office}关于印发{title}的通知", f"发布时间:{iso} {d.rng.randint(8, 18)}:{d.rng.randint(0, 59):02d}",
            "信息来源:", f"信息来源:{issuer_office}", "访问次数:", "字体大小:",
            f"{d.group()}人民政府,{d.level}政府直属各单位:",
            f"《{title}》已经{d.level}政府同意,现印发给你们,请认真贯彻落实。", office, cn)
    d.add("", title, "")


@dataclass
class _Registry:
    """Documents already written, per jurisdiction, that later documents may cite."""

    by_jurisdiction: dict[str, list[tuple[int, str, str | None]]] = field(default_factory=lambda: defaultdict(list))
    numbers: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    titles: set[str] = field(default_factory=set)

    def title(self, template: str) -> str:
        """``template`` with {topic} filled so that no two documents share a title."""
        topics = ["公共服务", *(f"{t.name}服务" for t in load_vocab().themes)]
        for topic in topics:
            title = template.replace("{topic}", topic)
            if title not in self.titles:
                break
        else:
            title = template.replace("{topic}", f"公共服务（第{len(self.titles)}批）")
        self.titles.add(title)
        return title

    def doc_number(self, d: _Doc, kind: str) -> str:
        key = (d.j.name, d.year)
        self.numbers[key] += 1
        return f"{d.j.abbr}{kind}〔{d.year}〕{self.numbers[key]}号"


def _citations(d: _Doc, registry: _Registry) -> str:
    """根据《省…》（浙政办发〔2023〕4号）、《市…》和本地区早年文件 — each title counted once."""
    rng = d.rng
    cited: list[str] = []
    for tmpl, number in rng.sample(load_vocab().higher_titles, 2):
        year = str(d.year - 1 if "{Y}" in tmpl and rng.random() < 0.5 else d.year)
        fill = {"{P}": "浙江省", "{C}": d.j.city, "{Y}": year, "{p}": "浙", "{c}": d.j.city[0],
                "{n}": str(rng.randint(1, 60))}
        for k, val in fill.items():
            tmpl, number = tmpl.replace(k, val), number.replace(k, val)
        cited.append(f"《{tmpl}》" + (f"（{number}）" if number else ""))
    earlier = [e for e in registry.by_jurisdiction[d.j.name] if e[0] < d.year]
    for _, title, number in rng.sample(earlier, min(len(earlier), rng.randint(1, 2))):
        cited.append(f"《{title}》" + (f"（{number}）" if number else ""))
    for c in cited:
        title = c[1:c.index("》")]
        if title not in d.cited:
            d.cited.add(title)
            d.counts["citations"] += 1
    return "、".join(cited)


def _island_sentences(d: _Doc) -> list[str]:
    """Relocation and development of the jurisdiction's islands, named in enumerations."""
    islands = list(d.places.islands)
    if not islands:
        return []
    rng = d.rng
    rng.shuffle(islands)
    k = rng.randint(2, min(4, len(islands) - 2))
    move, grow = islands[:k], islands[k:k + 2]
    d.counts["islands"] += len(move) + len(grow)
    town = rng.choice(d.places.townships)
    return [f"推动建制乡镇所在的岛屿（{'、'.join(grow)}）特色发展，{town}打造海岛特色产业",
            f"积极引导其他人口小于100人的小岛（{'、'.join(move)}）往{d.level}城搬迁，稳妥推进撤并"]


def _tab_indicator_table(d: _Doc, themes: list[Theme], caption: str) -> None:
    """A tab-separated indicator table with yearly targets (two header styles)."""
    rng = d.rng
    first = d.year - 1
    years = list(range(first, first + rng.randint(3, 5)))
    with_domain = rng.random() < 0.5
    if with_domain:
        header = ["领域", "序号", "指标"] + [f"{y}年" for y in years]
    else:
        header = ["序号", "指标名称", "单位"] + [f"{y}年" for y in years]
    d.add(caption, "", "\t".join(header))
    n = 0
    for theme in themes:
        rows = rng.sample(load_vocab().indicators[theme.name], min(2, len(load_vocab().indicators[theme.name])))
        for i, (name, unit, base, step) in enumerate(rows):
            n += 1
            values = _indicator_values(base, step, years, 2022, unit)
            if with_domain:
                cells = [theme.heading if i == 0 else "", str(n), f"{name}({unit})", *values]
            else:
                cells = [str(n), name, unit, *values]
            d.indicators.append({"name": name, "unit": unit, "values": values,
                                 "style": "bracket" if with_domain else "unit-column"})
            d.add("\t".join(cells))
    d.counts["indicators"] += n
    d.add("")


def _cell_indicator_table(d: _Doc, themes: list[Theme], caption: str) -> None:
    """An indicator table flattened to one cell per line, as the 定海区 plan prints it."""
    rng = d.rng
    years = list(range(d.year - 1, d.year + 3))
    d.blank(caption, "领域", "序号", "指标", *[f"{y}年" for y in years])
    n = 0
    for theme in themes:
        d.blank(theme.heading)
        for name, unit, base, step in rng.sample(load_vocab().indicators[theme.name], 2):
            n += 1
            values = _indicator_values(base, step, years, 2022, unit)
            d.indicators.append({"name": name, "unit": unit, "values": values, "style": "bracket"})
            d.blank(str(n), f"{name}({unit})", *values)
    d.counts["indicators"] += n


def _reform_table(d: _Doc, themes: list[Theme]) -> None:
    """An annex reform list flattened to one cell per line, as the real action plan's 附件1.

    Header 序号/改革名称/改革目标/改革任务/牵头单位/责任人/参与单位; each participant on its
    own line; domain rows (一、教育) between the reforms.
    """
    rng = d.rng
    d.blank("序号", "改革名称", "改革目标", "改革任务", "牵头单位", "责任人", "参与单位")
    n = 1
    for i, theme in enumerate(themes):
        d.blank(f"{_CN[i % 10]}、{theme.name}")
        phrases = load_vocab().phrases[theme.name]
        for title, body in rng.sample(phrases, min(2, len(phrases))):
            leads, parts = _unit_lists(d, theme, with_lead=True)
            leads = leads[:1]
            d.plant_task(title, leads, parts, table="reform")
            d.blank(str(n), title, f"{d.filler(1)}。", body.replace("{N}", str(rng.randint(2, 20))) + "。",
                    *leads, d.person(), *parts)
            n += 1


def _deadline_table(d: _Doc, themes: list[Theme]) -> None:
    """A task list flattened to one cell per line: 序号/工作任务/牵头单位/责任单位/完成时限."""
    rng = d.rng
    d.blank("序号", "工作任务", "牵头单位", "责任单位", "完成时限")
    n = 1
    for theme in themes:
        phrases = load_vocab().phrases[theme.name]
        for title, _ in rng.sample(phrases, min(2, len(phrases))):
            leads, parts = _unit_lists(d, theme, with_lead=True)
            leads = leads[:1]
            d.plant_task(title, leads, parts, table="deadline")
            d.blank(str(n), title, *leads, "、".join(parts), f"{d.year}年{rng.choice((6, 9, 12))}月底前")
            n += 1


def _closing(d: _Doc, number_word: str) -> None:
    d.blank(f"{number_word}、保障措施")
    for i, name in enumerate(("加强组织领导", "强化要素保障", "强化督查考评")):
        d.blank(f"（{_CN[i]}）{name}。{d.filler(3)}。")


def _themes(d: _Doc, lo: int, hi: int) -> list[Theme]:
    themes = list(load_vocab().themes)
    return d.rng.sample(themes, d.rng.randint(lo, min(hi, len(themes))))


def _task_sections(d: _Doc, themes: list[Theme], target: int, style: str, first_section: int = 0) -> int:
    """One domain section per theme, with numbered tasks, until the document reaches ``target`` bytes.

    ``style``: ``plan`` (section lead, tasks with 责任单位), ``action`` (numbering runs on,
    tasks with 责任单位 only) or ``workpoints`` (every task names its own 牵头单位).
    """
    rng = d.rng
    number = 0
    start = d.size
    for i, theme in enumerate(themes):
        word = "聚焦" if style == "action" else "全面推进"
        heading = f"（{_CN[(first_section + i) % 10]}）{word}“{theme.heading}”。{d.filler(1)}。"
        if style == "plan":
            heading += f"（牵头单位：{d.unit(theme.lead)}）"
            d.counts["lead_units"] += 1
        d.blank(heading)
        if style != "action":
            number = 0
        budget = start + (target - start) * (i + 1) // len(themes)
        for k in range(14):
            if k >= 2 and d.size >= budget:
                break
            number += 1
            with_lead = style == "workpoints" or (style == "plan" and rng.random() < 0.3)
            d.blank(_task_paragraph(d, theme, f"{number}.", with_lead))
    return number


# -- genres ---------------------------------------------------------------------------------------
def _plan(d: _Doc, registry: _Registry, target: int) -> tuple[str, str | None]:
    start, end = d.year, d.year + 4
    title = registry.title(f"{d.j.name}{{topic}}优质共享实施方案（{start}—{end}年）")
    number = registry.doc_number(d, "政办发")
    _header(d, title, number, f"{d.level}政府办公室")
    d.blank(f"为进一步增加我{d.level}高品质公共服务供给，根据{_citations(d, registry)}，"
            f"结合我{d.level}实际，特制订本实施方案。")
    themes = _themes(d, 4, 7)
    d.blank("一、总体要求", f"（一）指导思想。{d.filler(3)}。",
            f"（二）发展目标。{_inline_target(d, themes[0], end)}，{d.filler(2)}。"
            f"{_inline_target(d, themes[1], end)}。")
    caption = f"{d.j.name}公共服务五年目标"
    if d.rng.random() < 0.5:
        _tab_indicator_table(d, themes, caption)
    else:
        _cell_indicator_table(d, themes, caption)
    d.blank("二、主要任务")
    _task_sections(d, themes, target - 1500, "plan")
    if d.places.islands:
        d.blank(f"（{_CN[len(themes) % 10]}）优化海岛人口布局。" + "；".join(_island_sentences(d)) + "。")
    _closing(d, "三")
    return title, number


def _action_plan(d: _Doc, registry: _Registry, target: int) -> tuple[str, str | None]:
    title = registry.title(f"{d.year}年{d.j.name}{{topic}}一体化改革行动方案")
    number = registry.doc_number(d, "政办发")
    _header(d, title, number, f"{d.level}政府办公室")
    d.blank(f"为加快推动全{d.level}公共服务普惠均等和一体化，根据{_citations(d, registry)}，制定本方案。")
    themes = _themes(d, 4, 7)
    d.blank("一、总体要求", f"（一）指导思想。{d.filler(4)}。",
            f"（二）目标方向。{d.filler(2)}。{_inline_target(d, themes[0], d.year)}。")
    d.blank("二、主要任务")
    if d.places.islands:
        d.blank("（一）优化人口布局。" + "；".join(_island_sentences(d)) + "。")
    _task_sections(d, themes, int(target * 0.8), "action", first_section=1 if d.places.islands else 0)
    _closing(d, "三")
    d.blank(f"附件:1.{d.year}年{d.j.name}公共服务一体化改革清单", f"          2.{d.year}年{d.j.name}公共服务重点指标")
    d.blank("附件1", f"{d.year}年{d.j.name}公共服务一体化改革清单")
    _reform_table(d, themes[:3])
    d.blank("附件2")
    _tab_indicator_table(d, themes, f"{d.year}年{d.j.name}公共服务重点指标")
    return title, number


def _workpoints(d: _Doc, registry: _Registry, target: int) -> tuple[str, str | None]:
    title = registry.title(f"{d.year}年{d.j.name}{{topic}}“七优享”工程工作要点")
    number = registry.doc_number(d, "政办函")
    _header(d, title, number, f"{d.j.name}公共服务工作专班办公室")
    d.blank(f"根据{_citations(d, registry)}，结合我{d.level}实际，特制定本工作要点。")
    themes = _themes(d, 4, 7)
    d.blank("一、主要目标", f"{d.year}年，{_inline_target(d, themes[0], d.year)}，{d.filler(2)}。")
    _tab_indicator_table(d, themes, f"表  {d.year}年{d.j.name}公共服务重点指标")
    d.blank("二、重点任务")
    _task_sections(d, themes, target - 2500, "workpoints")
    if d.places.islands:
        d.blank("三、优化海岛公共服务布局", "；".join(_island_sentences(d)) + "。")
    d.blank("附件1", f"{d.year}年{d.j.name}公共服务重点任务清单")
    _deadline_table(d, themes[:2])
    return title, number


def _report(d: _Doc, registry: _Registry, target: int) -> tuple[str, str | None]:
    iso, _ = _date(d, 6, 11)
    title = registry.title(f"{d.j.name}{d.year}年{{topic}}一体化工作推进情况报告")
    d.add(f"索引号: | {_index_number(d)} | 主题分类: | 综合政务/政务公开 |",
          f"发文机关: | {d.level}府办 | 成文日期: | {iso} |", title)
    themes = _themes(d, 3, 6)
    d.add(f"今年以来，{d.j.name}围绕公共服务一体化，聚焦{'、'.join(t.name for t in themes)}等重点领域，{d.filler(2)}。")
    d.add("一、工作推进情况")
    points = d.rng.randint(4, 10)
    for ordinal in range(points):
        theme = themes[ordinal % len(themes)]
        title_phrase, body = d.rng.choice(load_vocab().phrases[theme.name])
        point = f"{_CN[ordinal]}是聚焦{theme.heading}，{title_phrase}。"
        if ordinal < 2:
            point += f"对照{_citations(d, registry)}，"
        point += f"{body.replace('{N}', str(d.rng.randint(2, 30)))}。"
        if d.rng.random() < 0.5:
            point += f"{_inline_target(d, theme, d.year + 1)}。"
        budget = 400 + (target - 3000) // points
        while len(point.encode("utf-8")) < budget:
            point += f"{d.filler(3)}。"
        d.plant_task(f"聚焦{theme.heading}，{title_phrase}", [], [])
        d.add(point)
    problems = d.rng.sample(load_vocab().problems, 3)
    d.add("二、存在问题", "；".join(f"{_CN[i]}是{p}" for i, p in enumerate(problems)) + "。")
    if d.places.islands:
        d.add("三、下一步工作计划", "；".join(_island_sentences(d)) + f"。{d.j.name}将{d.filler(2)}。")
    else:
        d.add("三、下一步工作计划", f"{d.j.name}将{d.filler(3)}。")
    return title, None


_BUILDERS = {"plan": _plan, "actionplan": _action_plan, "workpoints": _workpoints, "report": _report}


def _encoding(rng: random.Random) -> str:
    roll = rng.random()
    return "gb18030" if roll < 0.10 else "utf-8-sig" if roll < 0.13 else "utf-8"


def _target_size(rng: random.Random, encoding: str) -> int:
    """Size to aim for, in UTF-8 bytes: log-normal around 24 KB on disk, within the real corpus' range."""
    on_disk = min(_MAX_BYTES - 10_000, max(_MIN_BYTES + 3_000, rng.lognormvariate(10.09, 0.5)))
    # GB18030 spends two bytes on a Chinese character where UTF-8 spends three
    return int(on_disk * (1.5 if encoding == "gb18030" else 1.0))


def write_corpus(out_dir: Path, n_docs: int, seed: int = 0, details: bool = False) -> dict:
    """Write ``n_docs`` documents and ``manifest.json`` into ``out_dir``; return the manifest.

    Per document the manifest gives the file, jurisdiction, genre, year, encoding, byte
    size and the counts of what it planted; ``details`` adds every planted task with its
    lead and participant units as written (for recall tests; large for big corpora).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     doc = write_corpus(Path(d), 1, seed=7)["documents"][0]
    ...     sorted(doc["planted"]) == sorted(COUNT_KEYS), doc["bytes"] == (Path(d) / doc["file"]).stat().st_size
    (True, True)
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    vocab = load_vocab()
    rng = random.Random(seed)
    registry = _Registry()
    # several documents per jurisdiction, as a real collection has, so later ones can cite earlier ones
    pool = rng.sample(vocab.jurisdictions, max(1, min(len(vocab.jurisdictions), n_docs // 4)))
    places = {j.slug: places_of(j, seed) for j in pool}
    documents = []
    for index in range(n_docs):
        j = rng.choice(pool)
        genre = rng.choices(GENRES, weights=_GENRE_WEIGHTS)[0]
        d = _Doc(j, places[j.slug], rng.randint(2022, 2026), random.Random(rng.getrandbits(64)))
        encoding = _encoding(d.rng)
        title, number = _BUILDERS[genre](d, registry, _target_size(d.rng, encoding))
        registry.by_jurisdiction[j.name].append((d.year, title, number))
        data = ("\n".join(d.parts) + "\n").encode(encoding)
        name = f"{j.slug}-{d.year}-{genre}-{index:05d}.txt"
        (out_dir / name).write_bytes(data)
        documents.append({"file": name, "jurisdiction": j.name, "city": j.city, "genre": genre, "year": d.year,
                          "title": title, "doc_number": number, "encoding": encoding, "bytes": len(data),
                          "planted": d.counts})
        if details:
            documents[-1].update(tasks=d.items, targets=d.targets, indicators=d.indicators)
    manifest = {"seed": seed, "n_docs": n_docs, "documents": documents}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python bench/generate.py --docs N --seed S --out DIR``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--docs", type=int, default=100, help="number of documents")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    manifest = write_corpus(args.out, args.docs, args.seed)
    total = sum(doc["bytes"] for doc in manifest["documents"])
    print(f"{args.docs} documents, {total / 1e6:.1f} MB, in {time.perf_counter() - started:.1f} s -> {args.out}")


if __name__ == "__main__":
    main()
