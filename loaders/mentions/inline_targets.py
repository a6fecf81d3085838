"""Targets stated in sentences: 到2027年，…发生率控制在1‰以下 / 不少于28幢 / 建设…2个.

Plans state many of their targets in running text rather than in tables.  This module
finds each number that carries a unit (``ontology/target_units.csv``), the comparator
the words around it give (``ontology/target_words.csv``: 以上 ≥, 以下 ≤, 不少于 ≥,
超过 >, 控制在 ≤, 达到 = …), the year the sentence sets (到2027年, 2024年底, “十四五”期间 …)
or its paragraph opens with, else the word that dates it from the document (每年, 年底前:
``ontology/period_words.csv``), and the noun phrase the sentence says the value is of — the
indicator's name.

What is *not* a target: years and dates, ordinals (第20次), numbers inside quotes and
titles (“15分钟公共服务圈”, 《…》), formula names (1+7+N+X), ranges (0—3岁), ages and
durations that qualify a noun (5岁以下儿童, 15分钟服务圈), bounds on a population
(100人以下农村学校) and starting points (从100元/年提升至…).

In a report (``ontology/reporting_document_types.txt``) figures are reported values
(``kind="actual"``) except in its next-steps part.

>>> src = SourceText("1.加快健全生育服务体系。到 2027 年，严重致残出生缺陷发生率控制在 1‰ 以下。"
...                  "技能人才总量达到 16150 人以上，占从业人员比重达 37%。")
>>> for t in find_stated_targets(src):
...     print(t.indicator, t.period, t.comparator, t.value, t.unit, t.raw)
严重致残出生缺陷发生率 2027 <= 1.0 ‰ 控制在1‰以下
技能人才总量 2027 >= 16150.0 人 达到16150人以上
技能人才占从业人员比重 2027 = 37.0 % 达37%
"""

from __future__ import annotations

import bisect
import csv
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from policykg.loaders.model import SourceText, Span, StatedTarget, Task
from policykg.ontology import word_list

_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_OPEN, _CLOSE = "(《〈“‘「", ")》〉”’」"
_QUOTED = re.compile(r"“[^“”]*”|《[^《》]*》|〈[^〈〉]*〉|‘[^‘’]*’|「[^「」]*」")
_SENTENCE_END = "。!?"
_CLAUSE_END = ",;:"
_LIST_JOIN = "、和及与"
# A year the sentence is about: 到2027年, 2024年底, 2024学年 — not 2023年度, not 2023年以来.
_YEAR = re.compile(r"((?:19|20)\d{2})(学?年)(?!度|以来|来)")
_YEAR_PHRASE = re.compile(
    r"^(?:计划|力争|争取|确保)?(?:到|至|截至|在|于|从|自)?(?:19|20)\d{2}学?年(?:底|末|内|前|起|上半年|下半年)?(?:前|起)?,?")
# “十四五”期间 / 十五五时期: the five-year plan's years; its 末 is its last year.
_FIVE_YEAR = re.compile(r"(?<![一二三四五六七八九十])(十[一二三四五六七八九]|[六七八九])五”?(?:规划)?(期间|时期|内|末)")
_FIVE_YEAR_PHRASE = re.compile(r"^(?:计划|力争|争取|确保)?(?:在|于|到)?“?(?:十[一二三四五六七八九]|[六七八九])五”?"
                               r"(?:规划)?(?:期间|时期|内|末),?")
_LINE_BREAK_OK = re.compile(r"[。;；:：!！?？]\s*$")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d{1,3}\s*[.．、](?!\d))")
# PDF conversion breaks lines at the page width; a shorter line ends a heading or a paragraph.
_WRAP_WIDTH = 20


@dataclass(frozen=True)
class UnitInfo:
    """One row of ``target_units.csv``."""

    unit: str
    base: str
    factor: float
    cls: str
    chinese: bool


@cache
def units() -> dict[str, UnitInfo]:
    """Unit words, longest first, with their base unit and factor.

    >>> units()["万人"].base, units()["万人"].factor, units()["‰"].factor
    ('人', 10000.0, 0.1)
    """
    rows = csv.DictReader(word_list("target_units.csv"))
    table = {r["unit"]: UnitInfo(r["unit"], r["base"], float(r["factor"]), r["class"], r["chinese"] == "1")
             for r in rows}
    return dict(sorted(table.items(), key=lambda kv: -len(kv[0])))


@cache
def _words() -> dict[str, dict[str, str]]:
    """role -> {word: comparator} from ``target_words.csv``, each longest first."""
    out: dict[str, dict[str, str]] = {}
    for r in csv.DictReader(word_list("target_words.csv")):
        out.setdefault(r["role"], {})[r["word"]] = r["comparator"]
    return {role: dict(sorted(ws.items(), key=lambda kv: -len(kv[0]))) for role, ws in out.items()}


@cache
def _period_words() -> dict[str, str]:
    """word -> what it dates by (``period`` or ``year``), from ``period_words.csv``, longest first."""
    rows = csv.DictReader(word_list("period_words.csv"))
    return {r["word"]: r["means"] for r in sorted(rows, key=lambda r: -len(r["word"]))}


@cache
def _period_word_pattern() -> re.Pattern[str]:
    # a word right after a number (3年内, 五年内) is a duration, not a date
    alt = "|".join(re.escape(w) for w in _period_words())
    return re.compile(rf"(?<![\d一二三四五六七八九十两几多])(?:{alt})")


def period_word_meaning(word: str) -> str | None:
    """What a word of ``period_words.csv`` dates a sentence's target by: ``period`` or ``year``.

    >>> period_word_meaning("每年"), period_word_meaning("年底前"), period_word_meaning("明年")
    ('period', 'year', None)
    """
    return _period_words().get(word)


def five_year_period(text: str) -> str | None:
    """The years of the first five-year plan (十四五) ``text`` speaks of as a time, else ``None``.

    The sixth plan was 1981-1985 and each since has followed the last.

    >>> five_year_period("“十四五”期间新建绿道50公里"), five_year_period("十五五末"), five_year_period("二十五个")
    ('2021-2025', '2030', None)
    """
    m = _FIVE_YEAR.search(text)
    if not m:
        return None
    first = 1981 + 5 * ((chinese_number(m.group(1)) or 0) - 6)
    return str(first + 4) if m.group(2) == "末" else f"{first}-{first + 4}"


def words(role: str) -> tuple[str, ...]:
    """The words of one role of ``target_words.csv``, longest first.

    >>> words("each")
    ('分别', '均', '都')
    """
    return tuple(_words().get(role, {}))


def base_value(value: float | None, unit: str | None) -> tuple[float | None, str | None]:
    """A value in its unit's base unit, so 0.94万人 and 9400人 compare equal.

    >>> base_value(0.94, "万人"), base_value(1.0, "‰"), base_value(3.0, "套(间)")
    ((9400.0, '人'), (0.1, '%'), (3.0, '套'))
    """
    if unit is None:
        return value, None
    key = re.sub(r"[(（].*$", "", unit).strip() or unit
    info = units().get(key) or units().get(key.split("/")[0])
    if info is None or "/" in key:
        return value, key
    if value is None:
        return None, info.base
    return float(f"{value * info.factor:.10g}"), info.base


def chinese_number(text: str) -> int | None:
    """The value of a small Chinese numeral (一 … 九十九), else ``None``.

    >>> chinese_number("一"), chinese_number("十"), chinese_number("二十五"), chinese_number("百")
    (1, 10, 25, None)
    """
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text) or text.count("十") > 1:
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


# -- logical text ------------------------------------------------------------------------
@dataclass
class _Para:
    """A paragraph with white space removed and full-width forms folded, mapped back to the source."""

    text: str
    offsets: list[int]

    def span(self, src: SourceText, start: int, end: int) -> Span:
        return src.span(self.offsets[start], self.offsets[end - 1] + 1)


class _FoldTable(dict[int, str]):
    """``str.translate`` table folding full-width forms (NFKC) one character to one, filled as met."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = unicodedata.normalize("NFKC", ch)
        self[code] = folded if len(folded) == 1 else ch
        return self[code]


_FOLD = _FoldTable()
_NON_SPACE = re.compile(r"\S+")


def _paragraphs(src: SourceText, start: int, end: int, join_wrapped: bool) -> list[_Para]:
    """Paragraphs of ``text[start:end]``; with ``join_wrapped`` a line broken mid-sentence joins the next."""
    paras: list[_Para] = []
    prev_line = ""
    if end <= start:
        return paras
    # Only the lines the range covers: walking every line of the text for each range is quadratic.
    first, last = src.line_of(start) - 1, src.line_of(end - 1)
    for line_start, line in src.lines()[first:last]:
        line_end = line_start + len(line)
        if line_end <= start or line_start >= end or not line.strip():
            continue
        s, e = max(line_start, start), min(line_end, end)
        wrapped = (join_wrapped and paras and not _LINE_BREAK_OK.search(prev_line)
                   and len("".join(prev_line.split())) >= _WRAP_WIDTH and not _HEADING.match(line))
        if not wrapped:
            paras.append(_Para("", []))
        para = paras[-1]
        # Whole runs at a time: one Python step per character would dominate extraction.
        for m in _NON_SPACE.finditer(src.text, s, e):
            para.text += m.group().translate(_FOLD)
            para.offsets.extend(range(m.start(), m.end()))
        prev_line = line
    return [p for p in paras if p.text]


def _mask(text: str) -> str:
    """``text`` with quoted and titled passages blanked, so their numbers and commas are inert."""
    out = list(text)
    for m in _QUOTED.finditer(text):
        out[m.start() + 1:m.end() - 1] = "□" * (m.end() - m.start() - 2)
    return "".join(out)


@cache
def _cut_points(marks: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(_OPEN + _CLOSE + marks) + "]")


def _split(masked: str, start: int, end: int, marks: str) -> list[tuple[int, int]]:
    """Pieces of ``masked[start:end]`` cut at any of ``marks`` outside brackets (marks left out)."""
    pieces, depth, begin = [], 0, start
    # Only brackets and marks matter: visit those, not every character.
    for m in _cut_points(marks).finditer(masked, start, end):
        ch, i = m.group(), m.start()
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            pieces.append((begin, i))
            begin = i + 1
    pieces.append((begin, end))
    return [(s, e) for s, e in pieces if e > s]


# -- values ------------------------------------------------------------------------------
@dataclass
class _Value:
    start: int  # number start in the paragraph
    end: int  # after unit and after-word
    number_end: int
    value: float
    unit: str
    comparator: str | None  # from an after-word


@cache
def _value_pattern() -> re.Pattern[str]:
    unit_alt = "|".join(re.escape(u) for u in units())
    after_alt = "|".join(re.escape(w) for w in words("after"))
    cn = "[一二两三四五六七八九十]{1,3}"
    return re.compile(
        # (?<!\d): a number starts where its digits start; trying every digit of a long run
        # again is quadratic (found by tests/test_fuzz_loaders.py: 20 000 digits took minutes)
        rf"(?<!\d)(?P<num>\d+(?:\.\d+)?|{cn})(?P<unit>{unit_alt})"
        r"(?P<alt>/(?:[\u4e00-\u9fff]{1,2}·)?[\u4e00-\u9fff]|\([\u4e00-\u9fff、]{1,3}\))?"
        rf"(?P<after>{after_alt})?")


def _is_qualifier(masked: str, m: re.Match[str], info: UnitInfo) -> bool:
    """True when a number names or bounds something instead of stating a target."""
    before = masked[max(0, m.start() - 2):m.start()]
    nxt = masked[m.end():m.end() + 1]
    noun_next = bool(nxt) and ("\u4e00" <= nxt <= "\u9fff" or nxt in "“《") and nxt != "的"
    after = m.group("after") or ""
    if before.endswith("第") or before.endswith(("+", "-")) or masked[m.end():m.end() + 1] in "+-":
        return True
    if re.search(r"\d[—–~至到-]$", masked[max(0, m.start() - 3):m.start()]):
        return True  # the end of a range: 0—3岁
    if re.match(r"[—–~-]\d", masked[m.end():m.end() + 2]) and m.group("unit") == "":
        return True
    num = m.group("num")
    if info.cls == "year":
        # 2024年 is a date, 1.2024年 a list number before one; 15.6年 and 12年 are durations
        return bool(re.fullmatch(r"(?:\d+\.)?(?:19|20)\d{2}", num))
    if info.cls in ("age", "duration") and (noun_next or (after and masked[m.end():m.end() + 1] not in
                                                          _SENTENCE_END + _CLAUSE_END + "的")):
        return True
    if after in ("以下", "及以下") and noun_next:
        return True  # 100人以下农村学校: a bound on a population
    return bool(re.search(r"[A-Za-z]$", before))


def _values(masked: str, start: int, end: int) -> list[_Value]:
    out = []
    after_words = _words()["after"]
    for m in _value_pattern().finditer(masked, start, end):
        unit = m.group("unit")
        info = units()[unit]
        num = m.group("num")
        if not num[0].isdigit():
            value = chinese_number(num)
            pre = masked[start:m.start()]
            if value is None or not info.chinese or not pre.endswith(words("count") + words("before")):
                continue
        else:
            value = float(num)
        if _is_qualifier(masked, m, info):
            continue
        after = m.group("after")
        out.append(_Value(m.start(), m.end(), m.end("num"), float(value), unit + (m.group("alt") or ""),
                          after_words[after] if after else None))
    return out


# -- names -------------------------------------------------------------------------------
def _strip_lead(name: str) -> str:
    """A subject without its year phrase, scope words (全县) and lead words (力争, 实现 …) around it."""
    changed = True
    while changed and name:
        changed = False
        m = _YEAR_PHRASE.match(name) or _FIVE_YEAR_PHRASE.match(name)
        if m and m.end():
            name, changed = name[m.end():], True
        for w in (*words("scope"), *words("lead")):
            if name.startswith(w):
                name, changed = name[len(w):], True
                break
            if name.endswith(w) and len(name) > len(w) and w in words("lead"):
                name, changed = name[:-len(w)], True
                break
        stripped = name.lstrip(_LIST_JOIN + "为对给")
        if stripped != name:
            name, changed = stripped, True
    return name


def _strip_before(pre: str) -> tuple[str, str | None, str]:
    """``pre`` without the comparator word it ends with: (subject, comparator, word)."""
    for w, comp in _words()["before"].items():
        if pre.endswith(w) and len(pre) >= len(w):
            return pre[:-len(w)], comp, w
    for w in _words()["baseline"]:
        if pre.endswith(w):
            return pre[:-len(w)], "baseline", w
    return pre, None, ""


def _head(name: str) -> str:
    for w in words("head"):
        if name.endswith(w) and len(name) > len(w):
            return name[:-len(w)]
    return name


def _post_noun(plain: str, start: int, end: int) -> str:
    """The noun right after a value: up to the next 的 or the end of the clause."""
    text = plain[start:end]
    cut = text.find("的")
    return text if cut < 0 else text[:cut]


def _name(pre: str, post: str, of_post: bool) -> str:
    """The indicator a value is of, from the words before it and the noun after it.

    >>> _name("总投资", "重大公共服务项目", True), _name("新增", "老年助餐服务点", False)
    ('重大公共服务项目总投资', '新增老年助餐服务点')
    >>> _name("就读公办学校比例", "成果", True)
    '就读公办学校比例'
    """
    if of_post and post and pre:
        if pre.endswith(words("measure")):
            return pre  # 比例100%的成果: the measure is the indicator
        return post + pre if len(pre) <= 4 else f"{pre}的{post}"
    return pre + post


# -- one paragraph -----------------------------------------------------------------------
@dataclass
class _Found:
    name: str
    value: _Value
    comparator: str
    raw_start: int
    name_start: int
    sentence: tuple[int, int]
    year: str | None
    relative: str | None = None


def _dating(para: _Para, masked: str, s_start: int, s_end: int,
            paragraph_year: str | None) -> Callable[[int], tuple[str | None, str | None]]:
    """(period, relative) of a value at an offset: the nearest year or five-year plan before it in
    the sentence, else a word of ``period_words.csv`` before it, else the paragraph's year."""
    dated = sorted([(m.start(), m.group(1)) for m in _YEAR.finditer(masked, s_start, s_end)]
                   + [(m.start(), five_year_period(m.group())) for m in _FIVE_YEAR.finditer(para.text, s_start, s_end)])
    words_at = [(m.start(), _period_words()[m.group()])
                for m in _period_word_pattern().finditer(masked, s_start, s_end)]

    def at(offset: int) -> tuple[str | None, str | None]:
        year = next((y for pos, y in reversed(dated) if pos < offset), None)
        if year:
            return year, None
        relative = next((r for pos, r in reversed(words_at) if pos < offset), None)
        return (None, relative) if relative else (paragraph_year, None)
    return at


def _sentence_targets(para: _Para, masked: str, s_start: int, s_end: int,
                      paragraph_year: str | None = None) -> list[_Found]:
    found: list[_Found] = []
    dating = _dating(para, masked, s_start, s_end, paragraph_year)
    for c_start, c_end in _split(masked, s_start, s_end, _CLAUSE_END):
        values = _values(masked, c_start, c_end)
        seg = c_start
        pending: list[_Found] = []
        carried, carried_start = "", c_start  # a starting point's subject (从100元提升至…) is the next value's
        for i, v in enumerate(values):
            year, relative = dating(v.start)
            pre_raw = para.text[seg:v.start]
            subject, comp, word = _strip_before(pre_raw)
            if comp == "baseline":
                carried = _strip_lead(subject)
                carried_start = v.start - len(pre_raw) + pre_raw.rfind(carried)
                seg = v.end
                continue
            nxt = values[i + 1].start if i + 1 < len(values) else c_end
            post_end = nxt
            if i + 1 < len(values):
                joiner = re.search(rf"[{_LIST_JOIN}]", masked[v.end:nxt])
                post_end = v.end + joiner.start() if joiner else nxt
            of_post = para.text.startswith("的", v.end)
            post = _post_noun(para.text, v.end + of_post, post_end)
            each = next((w for w in words("each") if subject.endswith(w)), "")
            subject = _strip_lead(subject[:len(subject) - len(each)] if each else subject)
            name_start = v.start - len(pre_raw) + pre_raw.rfind(subject) if subject else v.start
            comparator = v.comparator or comp or "="
            raw_start = v.start - len(word)
            if not subject and not post and pending:
                # 分别达到37%、37.2%: the next value of a list
                prev = pending.pop(0)
                found.append(_Found(prev.name, v, comparator, v.start, prev.name_start, (s_start, s_end), year,
                                   relative))
                seg = v.end
                continue
            pending = []
            if subject.startswith(words("share")) and found:
                subject = _head(found[-1].name) + subject
            elif subject and found and found[-1].name.endswith(subject) and found[-1].name != subject:
                subject = found[-1].name  # 2025年覆盖率达到90%: the previous indicator again
            if not subject and carried:
                subject, name_start = carried, carried_start
            carried = ""
            name = _name(subject, post, of_post) if (subject or post) else ""
            if not name:
                seg = v.end
                continue
            parts = [p for p in re.split(r"[、]", subject) if p] if each else [name]
            if each and (len(parts) < 2 or any(len(p) < 3 for p in parts)):
                parts = [name]
            targets = [_Found(p, v, comparator, raw_start, name_start, (s_start, s_end), year, relative)
                       for p in parts]
            if each == "分别" and len(parts) > 1:
                found.append(targets[0])
                pending = targets[1:]
            else:
                found.extend(targets)
            seg = v.end + len(post) + of_post
    return found


class _Covering:
    """The first of some ranges (in start order) that holds an offset, in log time.

    Ranges may overlap or nest.  With ``reach[i]`` the furthest end among the first
    i + 1 ranges, the first range holding ``offset`` is the first whose reach passes
    it, provided it starts at or before ``offset``.

    >>> c = _Covering([(0, 10), (2, 4), (12, 20)])
    >>> c.first(3), c.first(11), c.first(15), c.contains(13, 20), c.contains(13, 21)
    (0, None, 2, True, False)
    """

    def __init__(self, ranges: Sequence[tuple[int, int]]) -> None:
        self.starts = [s for s, _ in ranges]
        self.reach: list[int] = []
        for _, e in ranges:
            self.reach.append(max(e, self.reach[-1]) if self.reach else e)

    def first(self, offset: int) -> int | None:
        """Index of the first range with ``start <= offset < end``, or ``None``."""
        i = bisect.bisect_right(self.reach, offset)
        return i if i < len(self.starts) and self.starts[i] <= offset else None

    def contains(self, start: int, end: int) -> bool:
        """True when one range ``(s, e)`` holds all of ``[start, end)``: ``s <= start`` and ``end <= e``."""
        i = bisect.bisect_right(self.starts, start)
        return i > 0 and self.reach[i - 1] >= end


class _Tasks:
    """Tasks sorted by start, and which one holds a given offset."""

    def __init__(self, tasks: Iterable[Task]) -> None:
        self.tasks = sorted(tasks, key=lambda t: t.span.start)
        self.index = _Covering([(t.span.start, t.span.end) for t in self.tasks])

    def at(self, offset: int) -> Task | None:
        i = self.index.first(offset)
        return None if i is None else self.tasks[i]


def _kind(tasks: _Tasks, offset: int, reported: bool) -> tuple[str, Task | None]:
    task = tasks.at(offset)
    if reported and (task is None or task.part != "next-steps"):
        return "actual", task
    return "target", task


def find_stated_targets(
    src: SourceText,
    ranges: Iterable[tuple[int, int]] | None = None,
    tasks: Iterable[Task] = (),
    reported: bool = False,
    table_ranges: Iterable[tuple[int, int]] = (),
) -> list[StatedTarget]:
    """Every target stated in the sentences of ``ranges`` (default: the whole text), in text order.

    ``tasks`` give each target its task (part and number); ``reported`` marks a report,
    whose figures outside its next-steps part are reported values.  In
    ``table_ranges`` (reform lists flattened to one cell per line) each line is a
    paragraph of its own; elsewhere a line broken mid-sentence joins the next.

    >>> src = SourceText("到2024年底,100%的村(社区)建成“15分钟公共法律服务圈”。新增4个老年助餐服务点。")
    >>> [(t.indicator, t.value, t.unit, t.period) for t in find_stated_targets(src)]
    [('村(社区)建成“15分钟公共法律服务圈”', 100.0, '%', '2024'), ('新增老年助餐服务点', 4.0, '个', '2024')]
    """
    task_list = _Tasks(tasks)
    tables = _Covering(sorted(table_ranges))
    out: list[StatedTarget] = []
    for r_start, r_end in sorted(ranges if ranges is not None else [(0, len(src.text))]):
        in_table = tables.contains(r_start, r_end)
        for para in _paragraphs(src, r_start, r_end, join_wrapped=not in_table):
            masked = _mask(para.text)
            paragraph_year = None  # 发展目标: 到2025年，…。…达到75%。 — the opening year holds for the paragraph
            for s_start, s_end in _split(masked, 0, len(masked), _SENTENCE_END):
                for f in _sentence_targets(para, masked, s_start, s_end, paragraph_year):
                    out.append(_record(src, para, f, task_list, reported))
                opening = _YEAR_PHRASE.match(masked[s_start:s_end])
                # searched in the whole sentence: cut at the phrase's end, 2023年以来 would look like a date
                year = _YEAR.search(masked, s_start, s_end) if opening else None
                if opening and year and year.start() < s_start + opening.end():
                    paragraph_year = year.group(1)
    return out


def _record(src: SourceText, para: _Para, f: _Found, tasks: _Tasks, reported: bool) -> StatedTarget:
    v = f.value
    kind, task = _kind(tasks, para.offsets[v.start], reported)
    return StatedTarget(
        indicator=f.name,
        period=f.year,
        raw=para.text[f.raw_start:v.end],
        value=v.value,
        comparator=f.comparator,
        unit=v.unit,
        kind=kind,
        span=para.span(src, min(f.name_start, f.raw_start), v.end),
        value_span=para.span(src, v.start, v.end),
        sentence=para.span(src, *f.sentence),
        part=task.part if task else None,
        task_number=task.number if task else None,
        relative=f.relative,
    )
