"""Markdown documents as flattened text: front matter, headings, paragraphs, lists and pipe tables.

Markdown is parsed with markdown-it-py (CommonMark plus pipe tables) and written in
the flattened convention of :mod:`~policykg.loaders.reading.flatten`: a heading or a
paragraph per line, blocks apart by a blank line as in the Markdown, list items
with their number as printed (``1.`` stays a task number), a pipe table as tab rows.
YAML front matter (``---`` … ``---``) is kept at the top as ``key: value`` lines,
the header shape the metadata reader reads from crawled pages (``标题:`` ``文号:``
``发布日期:``).  A block quote before the first heading is a converter's note about
the file (source, copyright), not the document, and is left out.

>>> md = "---\\n文号: 某府办〔2025〕1号\\n---\\n\\n> 本文由脚本提取。\\n\\n# 某区实施方案\\n\\n"
>>> md += "1. 建设**养老机构**。\\n\\n| 序号 | 指标 |\\n|---|---|\\n| 1 | 床位数 |\\n"
>>> read_markdown(md.encode(), "plan.md").split("\\n")
['文号: 某府办〔2025〕1号', '', '某区实施方案', '', '1.建设养老机构。', '', '序号\\t指标', '1\\t床位数', '']
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import yaml
from lxml import etree, html
from markdown_it import MarkdownIt
from markdown_it.token import Token

from policykg.loaders.reading.flatten import join_blocks, render_table
from policykg.loaders.reading.textio import decode_bytes

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def _front_matter(text: str) -> tuple[list[str], str]:
    """``key: value`` lines of the front matter, and the text after it."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return [], text
    raw = m.group(1) or ""
    try:
        data: Any = yaml.safe_load(raw)
    except yaml.YAMLError:
        data = None
    if isinstance(data, dict):
        # scalar fields only: a list or mapping is no header field, and expanding its
        # aliases could make a few lines of YAML into gigabytes of text
        lines = [f"{k}: {' '.join(str(v).split())}" for k, v in data.items()
                 if isinstance(v, (str, int, float, datetime.date)) and str(v).strip()]
    else:
        # not a mapping YAML can read: its lines as written still carry the fields
        lines = [ln.strip() for ln in raw.splitlines() if ln.strip()]
    return lines, text[m.end():]


def _markup_text(markup: str) -> str:
    """The text of an HTML block, one line per block element."""
    try:
        root = html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return re.sub(r"<[^>]*>", "", markup)
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for el in root.iter("p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6"):
        el.tail = "\n" + (el.tail or "")
    return root.text_content()


def _inline_text(token: Token) -> str:
    """An inline token's text: emphasis and links dropped to their words, soft breaks kept."""
    out = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak") or (child.type == "html_inline" and _BR.match(child.content)):
            out.append("\n")
        elif child.type == "image":
            out.append(child.content)
    return "".join(out)


def _blocks(tokens: list[Token]) -> list[str]:
    blocks: list[str] = []
    rows: list[list[list[str]]] = []
    quote_depth = 0
    seen_heading = False
    item_numbers: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.type == "blockquote_open":
            quote_depth += 1
        elif tok.type == "blockquote_close":
            quote_depth -= 1
        elif tok.type == "heading_open":
            seen_heading = True
        elif tok.type == "list_item_open":
            # an ordered item keeps its number as printed: 1. is a task number
            item_numbers.append(f"{tok.info}{tok.markup}" if tok.info else "")
        elif tok.type == "tr_open":
            rows.append([])
        elif tok.type == "table_close":
            blocks.append(render_table(rows))
            rows = []
        elif tok.type == "inline":
            if quote_depth and not seen_heading:
                continue
            text = _inline_text(tok)
            parent = tokens[i - 1].type if i else ""
            if parent in ("th_open", "td_open") and rows:
                rows[-1].append(text.split("\n"))
            else:
                if item_numbers and item_numbers[-1] and parent == "paragraph_open":
                    text, item_numbers[-1] = item_numbers[-1] + text, ""
                blocks.append(text)
        elif tok.type == "list_item_close":
            item_numbers.pop()
        elif tok.type in ("fence", "code_block"):
            blocks.append(tok.content)
        elif tok.type == "html_block" and tok.content.strip():
            # markup kept by a converter (a <table>, a <div>): its text, not its tags
            blocks.append(_markup_text(tok.content))
    return blocks


def read_markdown(data: bytes, path: str = "<bytes>") -> str:
    """A Markdown file's text in the flattened convention (front matter first, as ``key: value`` lines)."""
    text = decode_bytes(data, path)
    header, body = _front_matter(text)
    parser = MarkdownIt("commonmark").enable("table")
    # a blank line between blocks, as the Markdown has it: a table flattened one cell per
    # paragraph tells its cells from a cell's wrapped lines by it
    blocks = [part for block in _blocks(parser.parse(body)) for part in (block, "")]
    return join_blocks([*header, "", *blocks] if header else blocks)
