"""Mutated policy documents for fuzzing the whole command line (tests only).

Every document starts as a short excerpt of a corpus or real-world document (.txt, .md,
.html) and then goes through a few of the edits this genre suffers in the wild: lines and
paragraphs cut, repeated or shuffled; brackets lost or doubled; outline numbering broken;
control characters, invalid UTF-8, GB18030 pieces, byte order marks and old line ends;
very long lines; tables empty, flattened or with the wrong number of cells; 责任单位 lists
with nobody in them; HTML nested deep or with broken tags; Markdown pipe tables gone wrong;
huge numbers and years like 0000 and 9999.  A few become Word files.

Everything comes from one ``random.Random(seed)``: the same seed gives the same bytes.

>>> a = [d.name for d in documents(8, seed=3)]
>>> a == [d.name for d in documents(8, seed=3)], len(set(a))
(True, 8)
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from gold import CORPUS_DIR

REALWORLD_DOCS = CORPUS_DIR.parent / "realworld" / "docs"
# Lines kept from a text source: enough for titles, numbering and a table, small enough
# that a thousand documents build in well under two minutes.
EXCERPT_LINES = (6, 30)
_HAN = re.compile(r"[\u4e00-\u9fff]")
BRACKETS = "（）()【】〔〕《》"
CONTROL = ["\x00", "\x0b", "\x0c", "\x1b[31m", "\x1b]0;title\x07", "\x1b]52;c;cGF5bG9hZA==\x07", "\x7f",
           "\ufffe", "\uffff", "\u202e", "\u200b", "\u2028", "\x85", "\ufeff"]
NUMBERING = ["1.", "1、", "（一）", "(一)", "一、", "第一条", "1）", "①", "（1）", "一是", "第十一章"]
UNITS = ["（责任单位：）", "（牵头单位：、、；责任单位：）", "牵头单位：\n", "责任单位：、", "（责任单位:；）",
         "（牵头单位：县发改局、、县财政局，配合单位：）", "（责任单位：县" + "、县" * 40 + "）"]
NUMBERS = ["到0000年", "到9999年", "2025—0000年", "（9999—2025年）", "99999999999999999999999999亿元",
           "1e308%", "-0.0万人", "１２３４５６７８９０１２３４５６７８９万元", "NaN%", "〇〇〇〇年", "∞个",
           "到2025年达到" + "9" * 400 + "个"]


@dataclass(frozen=True)
class FuzzDocument:
    """One mutated document: its file name, its bytes, and the edits that made it (to report)."""

    name: str
    data: bytes
    edits: tuple[str, ...]


def _sources() -> list[Path]:
    found = sorted(CORPUS_DIR.glob("*.txt"))
    found += sorted(p for p in REALWORLD_DOCS.iterdir() if p.suffix in {".txt", ".md", ".html"})
    return found


# -- edits of a document's lines --------------------------------------------------------------
def _cut(rng: random.Random, lines: list[str]) -> list[str]:
    i = rng.randrange(len(lines))
    return lines[:i] + lines[i + rng.randint(1, 8):]


def _duplicate(rng: random.Random, lines: list[str]) -> list[str]:
    i = rng.randrange(len(lines))
    block = lines[i:i + rng.randint(1, 6)]
    return lines[:i] + block * rng.randint(2, 4) + lines[i:]


def _shuffle(rng: random.Random, lines: list[str]) -> list[str]:
    i = rng.randrange(len(lines))
    block = lines[i:i + rng.randint(2, 12)]
    rng.shuffle(block)
    return lines[:i] + block + lines[i + len(block):]


def _paragraphs(rng: random.Random, lines: list[str]) -> list[str]:
    """Paragraphs (blank-line separated) swapped or one dropped."""
    paras = "\n".join(lines).split("\n\n")
    if len(paras) > 2:
        i, j = rng.randrange(len(paras)), rng.randrange(len(paras))
        paras[i], paras[j] = paras[j], paras[i]
        if rng.random() < 0.5:
            del paras[rng.randrange(len(paras))]
    return "\n\n".join(paras).split("\n")


def _brackets(rng: random.Random, lines: list[str]) -> list[str]:
    """Every bracket of some lines deleted, doubled, or one stray bracket added."""
    out = list(lines)
    for _ in range(rng.randint(1, 6)):
        i = rng.randrange(len(out))
        how = rng.choice(["delete", "double", "stray"])
        if how == "delete":
            out[i] = re.sub(f"[{re.escape(BRACKETS)}]", "", out[i])
        elif how == "double":
            out[i] = re.sub(f"([{re.escape(BRACKETS)}])", r"\1\1", out[i])
        else:
            pos = rng.randint(0, len(out[i]))
            out[i] = out[i][:pos] + rng.choice(BRACKETS) + out[i][pos:]
    return out


def _numbering(rng: random.Random, lines: list[str]) -> list[str]:
    """Outline numbers swapped for another style, repeated, or stripped."""
    pattern = re.compile(r"^(\s*)(?:第[一二三四五六七八九十]+[章条节]|[（(][一二三四五六七八九十\d]+[)）]|"
                         r"[一二三四五六七八九十]+、|\d+[.、．)）])")
    out = []
    for line in lines:
        if pattern.match(line) and rng.random() < 0.5:
            new = rng.choice([*NUMBERING, "", "1.1.", "（（一））"])
            line = pattern.sub(lambda m, new=new: m.group(1) + new, line, count=1)
        out.append(line)
    return out


def _control(rng: random.Random, lines: list[str]) -> list[str]:
    out = list(lines)
    for _ in range(rng.randint(1, 5)):
        i = rng.randrange(len(out))
        pos = rng.randint(0, len(out[i]))
        out[i] = out[i][:pos] + rng.choice(CONTROL) + out[i][pos:]
    return out


def _long_line(rng: random.Random, lines: list[str]) -> list[str]:
    unit = rng.choice([lines[rng.randrange(len(lines))] or "县民政局", "县民政局、", "1.", "（", "（责任单位：",
                       "12.5%", "一是", "\t", "【", "到2025年"])
    i = rng.randrange(len(lines))
    return [*lines[:i], unit * max(1, rng.randint(2000, 30000) // max(1, len(unit))), *lines[i:]]


def _table(rng: random.Random, lines: list[str]) -> list[str]:
    """A tab-flattened table whose rows have the wrong number of cells, or a table with no rows."""
    header = rng.choice(["序号\t指标名称\t单位\t2022年\t2025年\t牵头单位", "序号\t任务\t责任单位\t完成时限",
                         "序号\t项目名称\t建设内容\t总投资（亿元）\t责任单位"])
    rows = [header] if rng.random() < 0.3 else [header] + [
        "\t".join(rng.choice(["1", "", "县教育局", "95%", "9999", "——", "（", "2025年底前", "、"])
                  for _ in range(rng.randint(0, 9))) for _ in range(rng.randint(1, 8))]
    i = rng.randrange(len(lines))
    return [*lines[:i], "", "表1 主要指标", *rows, "", *lines[i:]]


def _units(rng: random.Random, lines: list[str]) -> list[str]:
    out = list(lines)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(out))
        out[i] = re.sub(r"[（(](?:牵头|责任|配合)单位[:：][^）)]*[）)]", rng.choice(UNITS), out[i]) \
            if "单位" in out[i] else out[i] + rng.choice(UNITS)
    return out


def _numbers(rng: random.Random, lines: list[str]) -> list[str]:
    out = list(lines)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(out))
        swapped = re.sub(r"\d{4}年|\d+(?:\.\d+)?(?:%|万|亿|个)", lambda m: rng.choice(NUMBERS), out[i], count=2)
        out[i] = swapped if swapped != out[i] else out[i] + rng.choice(NUMBERS)
    return out


def _html_nesting(rng: random.Random, lines: list[str]) -> list[str]:
    depth = rng.choice([30, 300, 1200])
    i = rng.randrange(len(lines))
    tag = rng.choice(["div", "span", "table><tr><td", "ul><li", "b"])
    opening, closing = f"<{tag}>", "".join(f"</{t}>" for t in reversed(tag.split("><")))
    inner = "1.推进学校布局优化。到2025年完成。（责任单位：县教育局）"
    return [*lines[:i], opening * depth + inner + closing * rng.choice([0, depth // 2, depth]), *lines[i:]]


def _html_tags(rng: random.Random, lines: list[str]) -> list[str]:
    """Tags cut in half, tables left open or empty, stray closing tags, a comment never closed."""
    out = list(lines)
    for _ in range(rng.randint(1, 5)):
        i = rng.randrange(len(out))
        how = rng.choice(["cut", "open-table", "empty-table", "stray", "comment", "entity"])
        if how == "cut" and ">" in out[i]:
            out[i] = out[i].replace(">", "", rng.randint(1, 3))
        elif how == "open-table":
            out[i] += "<table><tr><td>县教育局<td>2025年<tr><td colspan=999999>"
        elif how == "empty-table":
            out[i] += "<table></table><table><tr></tr></table><table><tbody><tr><td></td></tr></tbody></table>"
        elif how == "stray":
            out[i] = "</td></tr></table></div></body></html>" + out[i]
        elif how == "comment":
            out[i] += "<!-- 未闭合的注释"
        else:
            out[i] += "&#0;&#xD800;&#1114112;&nbsp&amp&#x1b;[31m&lt;script&gt;"
    return out


def _md_tables(rng: random.Random, lines: list[str]) -> list[str]:
    """Pipe tables with missing separators, ragged rows, escaped pipes and no rows at all."""
    table = rng.choice([
        ["| 序号 | 任务 | 责任单位 |", "|---|---|", "| 1 | 推进学校布局优化 | 县教育局 | 县财政局 | 多余 |", "| 2 |"],
        ["| 指标 | 2025年 |", "| --- | --- |"],
        ["|||", "|-|-|-|", "| \\| | \\|\\| |"],
        ["| 序号 | 指标名称 | 单位 |", "1 | 托位数 | 个", "| :--: | --: |"],
        ["|" * 500],
    ])
    i = rng.randrange(len(lines))
    return [*lines[:i], "", *table, "", *lines[i:]]


LINE_EDITS: dict[str, Callable[[random.Random, list[str]], list[str]]] = {
    "cut": _cut, "duplicate": _duplicate, "shuffle": _shuffle, "paragraphs": _paragraphs,
    "brackets": _brackets, "numbering": _numbering, "control": _control, "long-line": _long_line,
    "table": _table, "units": _units, "numbers": _numbers,
}
HTML_EDITS = {"html-nesting": _html_nesting, "html-tags": _html_tags}
MD_EDITS = {"md-table": _md_tables}


# -- edits of the bytes -------------------------------------------------------------------------
def _encode(rng: random.Random, text: str) -> tuple[bytes, str | None]:
    """The text as bytes: UTF-8 mostly, or one of the encodings and damage files arrive with."""
    how = rng.choice(["utf-8"] * 6 + ["bom", "crlf", "cr", "gb18030", "gb18030-piece", "invalid", "utf-16"])
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass"), how
    if how == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8"), how
    if how == "cr":
        return text.replace("\n", "\r").encode("utf-8"), how
    if how == "gb18030":
        return text.encode("gb18030", "replace"), how
    if how == "utf-16":
        return text.encode("utf-16"), how
    data = bytearray(text.encode("utf-8"))
    if how == "gb18030-piece":
        # a passage pasted from a GB18030 file into a UTF-8 one
        pos = rng.randrange(len(data) + 1)
        data[pos:pos] = "（责任单位：县教育局、县财政局）到2025年完成。".encode("gb18030")
        return bytes(data), how
    if how == "invalid":
        for _ in range(rng.randint(1, 8)):
            pos = rng.randrange(len(data) + 1)
            data[pos:pos] = rng.choice([b"\xff", b"\xc3", b"\xe4\xb8", b"\xed\xa0\x80", b"\x80\x80", b"\xf8\x88\x80"])
        return bytes(data), how
    return bytes(data), None


def _excerpt(rng: random.Random, lines: list[str]) -> list[str]:
    """The head (title, 文号, issuer) and one stretch of the body, from a line with words in it
    (not a web page's navigation)."""
    size = rng.randint(*EXCERPT_LINES)
    worded = [i for i, line in enumerate(lines) if len(_HAN.findall(line)) >= 10] or [0]
    start = rng.choice(worded)
    head = lines[:rng.randint(0, 8)]
    return head + lines[max(start, len(head)):start + size]


def docx_bytes(rng: random.Random, lines: list[str]) -> bytes:
    """A Word file of these lines: paragraphs, tab-separated runs as tables (ragged or empty)."""
    import docx

    document = docx.Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if not rows:
            return
        width = max(len(r) for r in rows)
        table = document.add_table(rows=0 if rng.random() < 0.2 else len(rows), cols=width)
        for r, row in zip(table.rows, rows, strict=False):
            for cell, text in zip(r.cells, row, strict=False):  # short rows leave cells empty
                cell.text = text
        rows.clear()

    for line in lines:
        # Word refuses XML-illegal characters; a user's document simply cannot hold them.
        line = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", line)
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        flush()
        document.add_paragraph(line)
    flush()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


NAMES = ["{i:04d}-{stem}", "嵊泗县{stem}工作要点（第{i}稿）", "{stem} 副本 ({i})", "定海区-{i}-实施方案【征求意见稿】",
         "{i}.{stem}.final", "江山市 {i} 号文件"]


def documents(count: int, seed: int, docx_every: int = 0) -> Iterator[FuzzDocument]:
    """``count`` mutated documents, unique names, the same for the same ``seed``; every
    ``docx_every``-th one (if > 0) a Word file made from mutated text."""
    rng = random.Random(seed)
    sources = _sources()
    for i in range(count):
        src = rng.choice(sources)
        text = src.read_text(encoding="utf-8")
        suffix = src.suffix
        lines = text.split("\n")
        if suffix != ".html" or rng.random() < 0.9:  # HTML: a stretch of its source, or the whole page
            lines = _excerpt(rng, lines)
        edits = dict(LINE_EDITS)
        edits.update(HTML_EDITS if suffix == ".html" else MD_EDITS if suffix == ".md" else {})
        applied = []
        for _ in range(rng.randint(1, 4)):
            if not lines:
                break
            name = rng.choice(sorted(edits))
            lines = edits[name](rng, lines)
            applied.append(name)
        as_docx = docx_every and i % docx_every == docx_every - 1 and suffix != ".html"
        if as_docx:
            data, suffix = docx_bytes(rng, lines), ".docx"
            applied.append("docx")
        else:
            data, encoding = _encode(rng, "\n".join(lines))
            if encoding:
                applied.append(encoding)
        stem = rng.choice(NAMES).format(i=i, stem=src.stem[:24])
        yield FuzzDocument(stem + suffix, data, tuple(applied))
