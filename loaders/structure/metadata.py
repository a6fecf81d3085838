"""The metadata block and cover notice of a policy document -> :class:`DocumentMeta`.

Three layouts occur: a labelled header (a government page's 索引号/发布机构/成文日期,
gov.cn's metadata table with spaced labels 标　　题, a crawler's or Markdown front
matter's ``标题: 文号: 发布单位:`` lines — the value on the same line, the next line or
between ``|`` bars), a copy of the red-header file (文号 on a line of its own, bare or
bracketed, the cover notice 关于印发…的通知 — printed twice or split over two lines —,
the signature, several issuers' names when issued jointly, and date, then the policy
text's own title), and a bare page whose first line is the title.  Each field is read
where the document states it and its :class:`Span` recorded in ``meta.spans``.

>>> src = SourceText("索引号 1133/2024-1\\n发布机构 县政府办公室\\n成文日期:\\n2024-03-26\\n"
...                  "2024年某县公共服务行动方案\\n为了…，制定本方案。\\n一、总体要求\\n")
>>> meta = read_metadata(src)
>>> meta.index_number, meta.issuer, meta.date_written, meta.title, meta.doc_type, meta.period
('1133/2024-1', '县政府办公室', '2024-03-26', '2024年某县公共服务行动方案', '行动方案', '2024')
"""

from __future__ import annotations

import csv
import itertools
import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from policykg.loaders.model import DocumentMeta, SourceText, Span
from policykg.loaders.terms.units import is_unit
from policykg.ontology import data_path, word_list
from policykg.ontology.gazetteer import (
    NATIONAL,
    count_jurisdictions,
    find_jurisdiction,
    first_mention,
    national_agency,
)

# Labels of the metadata block, by field; the first valid value wins.
_LABELS = {
    "index_number": ("信息索引号", "索引号"),
    "doc_number": ("文号", "发文字号", "发文文号"),
    "issuer": ("发布机构", "发文机关", "发文单位", "发布单位"),
    "date_written": ("成文日期", "成文时间"),
    "date_published": ("发布时间", "发布日期"),
}
# Where the source site names who put the page up; an issuer only when nothing better exists.
_SOURCE_LABEL = "信息来源"
# The page's own title (gov.cn's 标　　题, a crawler's 标题:): the notice or the text itself.
# The value stops at a tab (the next cell) or the line's end, and is a title only when short.
_TITLE_LABEL = re.compile(
    r"^[ \t\u3000#>*-]*(?:标[ \u3000]*题|文件名称)[ \u3000]*[:：][ \t\u3000]*([^\t\n]{1,200})(?=[\t\n]|$)", re.M)

DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,15}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,5}\s*号"
)
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE_LINE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_HEADING_L1 = re.compile(r"^[ \t\u3000]*[一二三四五六七八九十]+[、.．]", re.M)
# A line that is a label of the page (主题分类:, • 文号:) rather than text.
_LABEL_LINE = re.compile(r"^[\s•·●▪\-*]*[\u4e00-\u9fff](?:[ \u3000]*[\u4e00-\u9fff]){1,6}\s*[:：]")
# Page furniture: never a title, never a value.
_FURNITURE = re.compile(r"访问次数|字体大小|【?字体[:：]|分享[:：]?$|返回顶部|打印本页|关闭窗口|信息来源|扫一扫")
_NOTICE = re.compile(r"(?:关于|印发|转发).{1,160}的(?:通知|决定|批复|通报|函)$")
_ISSUED = re.compile(
    r"(?:关于)?(?:印发|转发|发布|公布|下发)\s*(?:[^《》\s]{1,20}(?:制订|制定|拟定)的)?《?(.+?)》?\s*的通知$")
_ISSUING = re.compile(r"现将|现予|现印发|现转发|印发给|发给你们|转发给|下发给")
# A 政府令: 中山市人民政府令 / （第16号）, issued by the government it names.
_ORDER = re.compile(r"(.{2,30}?)令")
# What opens a title after its issuer(s): 国务院办公厅关于…, 北京市经济和信息化局印发…
_ISSUER_END = re.compile(r"关于|印发|转发")
_BRACKETED = re.compile(r"[(（]\s*(.+?)\s*[)）]")
_QUOTED = re.compile(r"《([^《》\n]{2,160})》")
_PERIOD_RANGE = re.compile(r"((?:19|20)\d{2})\s*[—–\-－~～至到]+\s*((?:19|20)\d{2})\s*年?")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_TRAILING_BRACKET = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
_SPACE = re.compile(r"[\s\u00a0\u3000]+")
# A progress report: 一是/二是 points under a heading about how the work went.
_REPORT_HEADING = re.compile(
    r"^\s*[一二三四五六七八九十]+、\s*\S{0,10}(?:推进情况|进展情况|工作情况|完成情况|工作成效)", re.M
)
_REPORT_POINT = re.compile(r"(?:^|[。；;])\s*[一二]是")
_TITLE_MAX = 90
_PERIOD_LINE = re.compile(r"[(（]\s*(?:19|20)\d{2}\s*(?:年\s*)?[—–\-－~～至到]+\s*(?:19|20)\d{2}\s*年?\s*[)）]")
_WRAP = re.compile(r"[ \t\u3000]*\n\s*")


@cache
def document_types() -> tuple[str, ...]:
    """Title endings that name a document's kind, longest first.

    >>> document_types()[:2] == tuple(sorted(document_types(), key=len, reverse=True))[:2]
    True
    """
    return tuple(sorted(word_list("document_types.txt"), key=len, reverse=True))


def title_key(text: str) -> str:
    """A comparison key for titles: width-folded, without white space or 《》.

    >>> title_key("《方案（2023—2027年）》") == title_key("方案 (2023—2027年)")
    True
    """
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).strip("《》<>")


def document_type(title: str | None) -> str | None:
    """The kind of document a title names, read from its ending.

    >>> document_type("嵊泗县公共服务“七优享”工程实施方案 (2023—2027年)")
    '实施方案'
    >>> document_type("2024年嵊泗县公共服务“七优享”工程工作要点"), document_type("人民日报")
    ('工作要点', None)
    """
    if not title:
        return None
    core = _TRAILING_BRACKET.sub("", title).strip()
    for kind in document_types():
        if core.endswith(kind):
            return kind
    return None


@cache
def _classes() -> dict[str, str]:
    with data_path("document_classes.csv").open(encoding="utf-8", newline="") as fh:
        return {r["ending"]: r["class"] for r in csv.DictReader(ln for ln in fh if not ln.startswith("#"))}


def document_class(kind: str | None) -> str | None:
    """The kind a title ending names, as one of the graph's document kinds (``document_classes.csv``).

    >>> document_class("实施意见"), document_class("行动方案"), document_class("管理办法"), document_class(None)
    ('实施方案', '行动方案', '管理办法', None)
    """
    return _classes().get(kind, kind) if kind else None


def period_of(title: str | None) -> str | None:
    """The period a title covers: ``"2023-2027"`` from (2023—2027年), else its year.

    >>> period_of("实施方案 (2023—2027年)"), period_of("2024年嵊泗县行动方案"), period_of("工作要点")
    ('2023-2027', '2024', None)
    """
    if not title:
        return None
    m = _PERIOD_RANGE.search(title)
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    m = _YEAR.search(title)
    return m.group(1) if m else None


def _iso(m: re.Match[str]) -> str | None:
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def header_end(src: SourceText) -> int:
    """Offset where the body starts: the first 一、 heading (the whole text if none).

    >>> header_end(SourceText("标题\\n一、总体要求"))
    3
    """
    m = _HEADING_L1.search(src.text)
    return m.start() if m else len(src.text)


def _stripped(src: SourceText, start: int, end: int) -> Span:
    """The span of ``text[start:end]`` without surrounding white space."""
    seg = src.text[start:end]
    lead = len(seg) - len(seg.lstrip())
    trail = len(seg) - len(seg.rstrip())
    return src.span(start + lead, end - trail)


def _lines(src: SourceText, start: int, end: int) -> list[Span]:
    """Non-empty lines of ``text[start:end]`` as stripped spans."""
    return [
        _stripped(src, s, s + len(line))
        for s, line in src.lines()
        if start <= s < end and line.strip()
    ]


def _valid(field: str, value: str) -> bool:
    if not value or _FURNITURE.search(value):
        return False
    if field == "index_number":
        return len(value) >= 6 and any(ch.isdigit() for ch in value)
    if field == "doc_number":
        return bool(DOC_NUMBER.fullmatch(value))
    if field.startswith("date_"):
        m = _DATE.match(value)
        return bool(m and _iso(m))
    return bool(re.search(r"[\u4e00-\u9fff]", value))


def _labelled(src: SourceText, labels: Iterable[str], end: int, field: str) -> Span | None:
    """The value written after one of ``labels`` in ``text[:end]``, same line, bars or next line."""
    text = src.text
    # gov.cn spaces a label's characters out to a column's width: 索 引 号, 标　　题
    alternation = "|".join("[ \u3000]*".join(map(re.escape, label)) for label in sorted(labels, key=len, reverse=True))
    pattern = re.compile(r"(?:^|(?<=[\s|•·●]))(?:" + alternation + r")[ \t\u3000]*([:：]?)[ \t\u3000|]*([^\s|]*)", re.M)
    for m in pattern.finditer(text, 0, end):
        value_start, value = m.start(2), m.group(2)
        if field in ("date_written", "date_published") and value:
            dm = _DATE.match(text, value_start)
            if dm:
                return src.span(dm.start(), dm.end())
        if value:
            span = src.span(value_start, m.end(2))
            if _valid(field, value):
                return span
            continue
        if not m.group(1):
            continue
        # "• 成文日期:" with the value on the next non-empty line
        for line in _lines(src, m.end(), end)[:1]:
            if _LABEL_LINE.match(line.quote) or _FURNITURE.search(line.quote):
                break
            if field.startswith("date_"):
                dm = _DATE.match(line.quote)
                if dm:
                    return src.span(line.start, line.start + dm.end())
            elif _valid(field, line.quote):
                return line
    return None


def _is_title_line(text: str) -> bool:
    if len(text) > _TITLE_MAX or _FURNITURE.search(text) or _LABEL_LINE.match(text):
        return False
    if re.search(r"[。；;！？]|[，,].*[，,]", text) or DOC_NUMBER.fullmatch(text):
        return False
    return document_type(text) is not None


def _date_value(span: Span | None) -> str | None:
    if span is None:
        return None
    m = _DATE.match(span.quote)
    return _iso(m) if m else None


def joint_names(src: SourceText, line: Span) -> list[Span]:
    """The issuers a signature line names, each a span: joint issuers are printed two a
    line, run together (黄浦区发展和改革委员会黄浦区建设和管理委员会) or spaced apart.

    A cut falls where a name ends in an organisation's suffix and the next opens
    with the same jurisdiction's name, or at white space between two units.

    >>> src = SourceText("黄浦区发展和改革委员会黄浦区建设和管理委员会")
    >>> [s.quote for s in joint_names(src, src.span(0, len(src.text)))]
    ['黄浦区发展和改革委员会', '黄浦区建设和管理委员会']
    >>> src = SourceText("上海市黄浦区人民政府办公室")
    >>> [s.quote for s in joint_names(src, src.span(0, len(src.text)))]
    ['上海市黄浦区人民政府办公室']
    """
    text = line.quote
    parts = [m for m in re.finditer(r"\S+", text)]
    if len(parts) > 1 and all(is_unit(m.group(0)) for m in parts):
        return [src.span(line.start + m.start(), line.start + m.end()) for m in parts]
    opening = find_jurisdiction(text)
    cuts = [0]
    if opening:
        for m in re.finditer(re.escape(opening), text):
            if m.start() > cuts[-1] and is_unit(text[cuts[-1]:m.start()]) and is_unit(text[m.start():]):
                cuts.append(m.start())
    cuts.append(len(text))
    return [src.span(line.start + a, line.start + b) for a, b in itertools.pairwise(cuts)]


def _signature(src: SourceText, lines: list[Span], bare: bool = False) -> tuple[Span | None, Span] | None:
    """(first signatory, date) of the first signature among ``lines``.

    A signature is the block of organisation lines above a 'YYYY年M月D日' line (several
    when issued jointly; the first one named leads).  With ``bare`` (``lines`` follow
    a notice's title) the first date line ends the notice whatever is above it: with
    no organisation there the notice has no signature, and this gives (``None``, date).
    """
    for i, line in enumerate(lines):
        if not _DATE_LINE.fullmatch(line.quote):
            continue
        j = i - 1
        # skip "(某某办公室代章)" and similar bracketed lines between signature and date
        while j >= 0 and re.fullmatch(r"[(（].*[)）]", lines[j].quote):
            j -= 1
        if j < 0 or not is_unit(lines[j].quote) or _NOTICE.search(lines[j].quote):
            if bare:
                return None, line
            continue
        while j > 0 and is_unit(lines[j - 1].quote) and not _NOTICE.search(lines[j - 1].quote):
            j -= 1
        return joint_names(src, lines[j])[0], line
    return None


def _find_title(src: SourceText, lines: list[Span], wanted: str | None) -> Span | None:
    """The policy text's own title line: the document the notice issues, or a title-like line.

    A title wrapped over two lines (the period on a line of its own) spans both.
    """
    def pair(i: int) -> Span | None:
        if i + 1 < len(lines) and len(lines[i].quote) + len(lines[i + 1].quote) <= _TITLE_MAX:
            return src.span(lines[i].start, lines[i + 1].end)
        return None

    def issuers_above(i: int) -> bool:
        # 中共柳河县委 柳河县人民政府 / 关于…的实施意见: the issuers open the title
        return i > 0 and lines[i].quote.startswith("关于") and all(
            is_unit(w) for w in lines[i - 1].quote.split())

    if wanted:
        key = title_key(wanted)
        for i, line in enumerate(lines):
            both = pair(i)
            if title_key(line.quote) == key:
                return line
            if both is not None and title_key(both.quote) == key:
                return both
    for i, line in enumerate(lines):
        if _is_title_line(line.quote):
            both = pair(i)
            if both is not None and _PERIOD_LINE.fullmatch(lines[i + 1].quote):
                return both
            if issuers_above(i):
                return pair(i - 1) or line
            return line
        if len(line.quote) > _TITLE_MAX or re.search(r"[。；]", line.quote):
            break  # running text: the title would have come before it
    return None


def one_line(text: str) -> str:
    """A wrapped title on one line: breaks and the white space around them removed.

    >>> one_line("某县实施方案\\n（2023—2027年）")
    '某县实施方案（2023—2027年）'
    """
    return _WRAP.sub("", text)


def _jurisdiction(meta: DocumentMeta, src: SourceText) -> None:
    """The area the document governs: 全国 for a national issuer, else the place the
    title, issuer or notice names, else the one the text names most."""
    issuers = re.split(r"[、，,\s]+", meta.issuer) if meta.issuer else []
    if issuers and all(national_agency(i) for i in issuers):
        meta.jurisdiction = NATIONAL
        meta.spans["jurisdiction"] = meta.spans["issuer"]
        return
    for field in ("title", "issuer", "notice_title"):
        value = getattr(meta, field)
        found = find_jurisdiction(value) if value else None
        if found:
            meta.jurisdiction = found
            meta.spans["jurisdiction"] = meta.spans[field]
            return
    counted = count_jurisdictions(src.text)
    if counted:
        name = counted[0][0]
        meta.jurisdiction = name
        at = src.text.find(name)
        # else the county is named only by a short form or a township of it (菜园镇 for 嵊泗县)
        found = (at, at + len(name)) if at >= 0 else first_mention(src.text, name)
        if found is not None:
            meta.spans["jurisdiction"] = src.span(*found)


def is_report(text: str) -> bool:
    """True for a progress report: 一是/二是 points under a 工作推进情况-style heading.

    >>> is_report("一、工作推进情况\\n一是抓统筹。二是抓落实。"), is_report("一、总体要求\\n一是…")
    (True, False)
    """
    return bool(_REPORT_HEADING.search(text) and _REPORT_POINT.search(text))


def _title_label(src: SourceText, end: int) -> Span | None:
    """The value of the page's own 标题 label (gov.cn's table, a crawler's header)."""
    m = _TITLE_LABEL.search(src.text, 0, end)
    return _stripped(src, m.start(1), m.end(1)) if m else None


def _doc_number_line(src: SourceText, lines: list[Span]) -> Span | None:
    """A 文号 printed on a line of its own near the top, bare or in brackets (（皖开放办〔2022〕6号）)."""
    for line in lines[:12]:
        if DOC_NUMBER.fullmatch(line.quote):
            return line
        m = _BRACKETED.fullmatch(line.quote)
        if m and DOC_NUMBER.fullmatch(m.group(1)):
            return src.span(line.start + m.start(1), line.start + m.end(1))
    return None


def _notice_line(src: SourceText, lines: list[Span]) -> tuple[int, Span] | None:
    """(index of its last line, span) of the cover notice's title among ``lines``.

    A title split over two lines (…消费扶贫 / 助力…的指导意见) spans both; a title
    printed twice (pkulaw prints it with ASCII and full-width brackets) is the second.
    """
    for i, line in enumerate(lines):
        if _LABEL_LINE.match(line.quote) or len(line.quote) > 200:
            continue
        found = None
        if _NOTICE.search(line.quote):
            found = (i, line)
        elif (i + 1 < len(lines) and not re.search(r"[。；：:，,]", line.quote)
              and len(line.quote) + len(lines[i + 1].quote) <= _TITLE_MAX + 30
              and not _NOTICE.search(lines[i + 1].quote) and _NOTICE.search(line.quote + lines[i + 1].quote)):
            found = (i + 1, src.span(line.start, lines[i + 1].end))
        if found is None:
            continue
        k, span = found
        if k + 1 < len(lines) and title_key(lines[k + 1].quote) == title_key(one_line(span.quote)):
            return k + 1, lines[k + 1]
        return found
    return None


def _issuers_opening(src: SourceText, title: Span) -> Span | None:
    """Where a title opens with its issuer(s): 国务院办公厅 in 国务院办公厅关于…,
    中共柳河县委 柳河县人民政府 in 中共柳河县委 柳河县人民政府关于…; else ``None``."""
    m = _ISSUER_END.search(title.quote)
    if not m or m.start() == 0:
        return None
    names = title.quote[: m.start()].split()
    return _stripped(src, title.start, title.start + m.start()) if all(is_unit(n) for n in names) else None


def read_metadata(src: SourceText) -> DocumentMeta:
    """Read the metadata block, cover notice and title of a document.

    Missing fields stay ``None``; nothing is guessed beyond what the text states,
    except the jurisdiction (the gazetteer's reading of title, issuer or text) and,
    for a report without a title, the doc type and the year it reports on.

    >>> src = SourceText("某县人民政府办公室关于印发某县养老服务实施方案的通知\\n"
    ...                  "现将《某县养老服务实施方案》印发给你们。\\n某县人民政府办公室\\n2023年4月20日\\n"
    ...                  "某县养老服务实施方案\\n一、总体要求\\n")
    >>> m = read_metadata(src)
    >>> m.title, m.issuer, m.date_written, m.notice_title[-7:]
    ('某县养老服务实施方案', '某县人民政府办公室', '2023-04-20', '实施方案的通知')
    >>> page = "标　　题：\\t国务院关于某某工作的意见\\n发文字号：\\t国发〔2019〕3号\\n一、总体要求"
    >>> m = read_metadata(SourceText(page))
    >>> m.title, m.doc_number, m.issuer, m.jurisdiction
    ('国务院关于某某工作的意见', '国发〔2019〕3号', '国务院', '全国')
    """
    meta = DocumentMeta()
    end = header_end(src)
    spans: dict[str, Span] = {}
    for field, labels in _LABELS.items():
        span = _labelled(src, labels, end, field)
        if span is not None:
            spans[field] = span
    lines = _lines(src, 0, end)
    if "doc_number" not in spans:
        number = _doc_number_line(src, lines)
        if number is not None:
            spans["doc_number"] = number

    labelled_title = _title_label(src, end)
    notice = _notice_line(src, lines)
    if labelled_title is not None and not _NOTICE.search(labelled_title.quote):
        notice = None  # the page is the policy text itself: 国务院关于…的意见
        spans["title"] = labelled_title
    elif labelled_title is not None and notice is None:
        # a header names the notice that the text then leaves out: the body opens with the plan
        at = next(i for i, ln in enumerate(lines) if ln.start <= labelled_title.start < ln.end)
        notice = (at, labelled_title)
    after = lines
    wanted = None
    if notice is not None:
        notice_i, spans["notice_title"] = notice
        after = lines[notice_i + 1:]
        signed = _signature(src, after, bare=True)
        notice_body = after
        if signed is not None:
            sig, date = signed
            if sig is not None:
                spans["signature"] = sig
            spans["signature_date"] = date
            cut = next(i for i, ln in enumerate(after) if ln.start == date.start)
            notice_body, after = after[:cut], after[cut + 1:]
        for line in notice_body:
            quoted = _QUOTED.search(line.quote)
            # 现将《X》印发给你们 — not a sentence that mentions some other document 印发 earlier
            if quoted and _ISSUING.search(line.quote):
                wanted = quoted.group(1)
                break
        if wanted is None:
            issued = _ISSUED.search(one_line(spans["notice_title"].quote))
            wanted = issued.group(1) if issued else None
    else:
        tail = _lines(src, max(end, len(src.text) - 2000), len(src.text))
        signed = _signature(src, tail[-12:])
        if signed is not None and signed[0] is not None:  # never None without ``bare``
            spans["signature"], spans["signature_date"] = signed[0], signed[1]

    if "title" not in spans:
        title = _find_title(src, after, wanted)
        if title is None and wanted and notice is not None:
            at = spans["notice_title"].quote.find(wanted)
            if at >= 0:
                title = src.span(spans["notice_title"].start + at, spans["notice_title"].start + at + len(wanted))
        if title is None and notice is not None and wanted is None:
            title = spans["notice_title"]  # a notice that issues nothing else is the text itself
        if title is not None:
            spans["title"] = title

    meta.title = one_line(spans["title"].quote) if "title" in spans else None
    meta.notice_title = one_line(spans["notice_title"].quote) if "notice_title" in spans else None
    meta.index_number = spans["index_number"].quote if "index_number" in spans else None
    if "doc_number" in spans:
        meta.doc_number = _SPACE.sub("", spans["doc_number"].quote)

    # The signature spells the issuer in full; the page's label often abbreviates it.
    if "signature" in spans:
        spans["issuer"] = spans["signature"]
    elif "issuer" not in spans:
        head = next((ln for ln in lines[:3] if re.fullmatch(r"\S+文件", ln.quote) and is_unit(ln.quote[:-2])), None)
        order = next((ln for ln in lines[:8] if (m := _ORDER.fullmatch(ln.quote)) and is_unit(m.group(1))), None)
        source = _labelled(src, (_SOURCE_LABEL,), len(src.text), "issuer")
        opening = next((o for f in ("notice_title", "title") if f in spans
                        and (o := _issuers_opening(src, spans[f])) is not None), None)
        if head is not None:
            spans["issuer"] = src.span(head.start, head.end - 2)
        elif order is not None:
            spans["issuer"] = src.span(order.start, order.end - 1)
        elif opening is not None:
            spans["issuer"] = opening
        elif source is not None and is_unit(source.quote):
            spans["issuer"] = source
    if "issuer" in spans:
        # issuers named together (中共柳河县委 柳河县人民政府) are listed with 、
        meta.issuer = "、".join(spans["issuer"].quote.split())

    if "date_written" not in spans and "signature_date" in spans:
        spans["date_written"] = spans["signature_date"]
    if "date_written" not in spans and "title" in spans:
        # （2023年2月8日） printed under the title of a text that has no signature
        below = next((ln for ln in lines if ln.start > spans["title"].end), None)
        m = _BRACKETED.fullmatch(below.quote) if below is not None else None
        if m and _DATE_LINE.fullmatch(m.group(1)):
            spans["date_written"] = src.span(below.start + m.start(1), below.start + m.end(1))
    meta.date_written = _date_value(spans.get("date_written"))
    meta.date_published = _date_value(spans.get("date_published"))

    meta.doc_type = document_class(document_type(meta.title))
    if meta.title:
        meta.period = period_of(meta.title)
    if meta.period is None and meta.notice_title:
        # 关于印发X和Y（2021—2023年）的通知: what the notice issues is dated by its title
        # when the body's own title prints no years (two documents issued together)
        issued = _ISSUED.search(meta.notice_title)
        meta.period = period_of(issued.group(1)) if issued else None
        if meta.period:
            spans["period"] = spans["notice_title"]
    if meta.doc_type is None and is_report(src.text):
        meta.doc_type = "工作报告"
        # "今年以来" in a report speaks of the year it was written in
        if meta.period is None and meta.date_written and "今年" in src.text:
            meta.period = meta.date_written[:4]
            spans["period"] = spans["date_written"]
    if meta.doc_type and "title" in spans:
        spans["doc_type"] = spans["title"]
    if meta.period and "period" not in spans and "title" in spans:
        spans["period"] = spans["title"]

    meta.spans = {k: v for k, v in spans.items() if k not in ("signature", "signature_date")}
    if "signature" in spans:
        meta.spans["signature"] = spans["signature"]
    _jurisdiction(meta, src)
    return meta


def inherit_period(meta: DocumentMeta, cited: Iterable[tuple[str, Span]]) -> None:
    """Give a title without a period the period of the higher-level plan it implements.

    A county plan titled like the provincial plan it cites (same name after the
    place) covers the same years: 定海区…实施方案 citing 《浙江省…实施方案（2023—2027年）》.

    >>> m = DocumentMeta(title="舟山市定海区公共服务工程实施方案")
    >>> inherit_period(m, [("浙江省公共服务工程实施方案（2023—2027年）", Span(0, 1, "x"))])
    >>> m.period
    '2023-2027'
    """
    if meta.period or not meta.title:
        return
    own = title_key(meta.title)
    for title, span in cited:
        m = _PERIOD_RANGE.search(title)
        if not m:
            continue
        core = title_key(_TRAILING_BRACKET.sub("", title))
        # both titles must be "<place><same name>": only the place differs
        for cut in range(2, min(8, len(core) - 6)):
            rest = core[cut:]
            own_place = own[: len(own) - len(rest)]
            if (
                own.endswith(rest)
                and own_place
                and find_jurisdiction(core[:cut]) is not None
                and find_jurisdiction(own_place) is not None
            ):
                meta.period = f"{m.group(1)}-{m.group(2)}"
                meta.spans["period"] = span
                return
