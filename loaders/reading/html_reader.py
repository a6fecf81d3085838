"""Web pages as flattened text: the article without the site's navigation and footer furniture.

The charset comes from a byte-order mark or the page's ``<meta>`` (GB2312 and GBK
read as their superset GB18030), else from detection (:func:`decode_bytes`).
Scripts, styles, forms, ``<nav>``/``<header>``/``<footer>``/``<aside>`` and
elements whose class or id names navigation, menus, breadcrumbs, sidebars,
sharing or copyright are dropped, and so are blocks that are mostly links; what
is left is the article, written out by :mod:`~policykg.loaders.reading.html_render`.

>>> page = '<html><head><meta charset="gbk"></head><body><nav><a href="/">首页</a></nav>'
>>> page += '<div id="zoom"><p>某县养老服务实施方案</p><p>一、总体要求。健全养老服务体系。</p></div></body></html>'
>>> read_html(page.encode("gbk"), "plan.html")
'某县养老服务实施方案\\n一、总体要求。健全养老服务体系。\\n'
"""

from __future__ import annotations

import codecs
import re

from lxml import etree, html

from policykg.loaders.errors import LoaderError
from policykg.loaders.reading.html_render import element_text
from policykg.loaders.reading.textio import decode_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{2,40})""", re.IGNORECASE)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
              "iso-8859-1": "cp1252", "us-ascii": "utf-8", "ascii": "utf-8"}
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
              "select", "button", "input", "textarea", "head", "nav", "header", "footer", "aside")
_FURNITURE = re.compile(
    r"(?:^|[-_ ])(?:nav|navbar|menu|breadcrumbs?|crumbs?|sidebar|side|footer|foot|copyright|share|"
    r"toolbar|topbar|banner|login|search|skip|print|fontsize|related|friendlink|links)(?:$|[-_ \d])",
    re.IGNORECASE,
)
_LINK_HEAVY = 0.7  # a block whose text is this much link text is a menu or a list of links
_MIN_ARTICLE = 20  # Chinese characters: fewer than this is no article
# Ideographs of every block (extensions A-G, compatibility forms), so a count says what is there.
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
# Elements nested deeper than this are not a page people write; the renderer recurses once a level.
MAX_NESTING = 512


def _declared(data: bytes) -> str | None:
    """The charset a ``<meta>`` in the first 4 KB declares, if Python knows it."""
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, path: str = "<bytes>") -> str:
    """A page's text: a BOM first, then the ``<meta>`` charset, then detection.

    >>> decode_html('<meta charset="gb2312"><p>方案</p>'.encode("gb18030"))
    '<meta charset="gb2312"><p>方案</p>'
    """
    declared = None if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) \
        else _declared(data)
    if declared:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass  # a wrong declaration is common: detect instead
    return decode_bytes(data, path)


def _cjk_count(el: etree._Element) -> int:
    return len(_CJK.findall(el.text_content()))


def _link_share(el: etree._Element) -> float:
    total = len("".join(el.text_content().split()))
    links = sum(len("".join(a.text_content().split())) for a in el.iter("a"))
    return links / total if total else 1.0


# What XML cannot hold (C0 controls but tab and line ends): lxml parses it from a page, raw or as
# &#x1b;, but refuses it when the tree is edited (dropping a comment joins the text around it).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(root: etree._Element) -> None:
    """Control characters in the text of the tree as spaces (in place).

    >>> root = html.fragment_fromstring("<p>第一段&#x1b;[31m文字<b>粗</b>\x0b尾巴</p>")
    >>> _xml_safe(root); root.text_content()
    '第一段 [31m文字粗 尾巴'
    """
    for el in root.iter():
        for attr in ("text", "tail"):
            value = getattr(el, attr)
            if value and _NOT_XML.search(value):
                setattr(el, attr, _NOT_XML.sub(" ", value))


def _clean(body: etree._Element) -> None:
    """Remove what is not the article (in place)."""
    for el in list(body.iter(etree.Comment, etree.ProcessingInstruction)):
        el.drop_tree()
    total = _cjk_count(body) or 1
    for el in list(body.iter(*_DROP_TAGS)):
        # a mislabelled container holding most of the page is the article itself
        if el.tag in ("header", "footer", "aside", "nav") and _cjk_count(el) * 2 > total:
            continue
        el.drop_tree()
    for el in list(body.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        names = f"{el.get('class', '')} {el.get('id', '')}"
        if names.strip() and _FURNITURE.search(names) and _cjk_count(el) * 2 <= total:
            el.drop_tree()
    for el in list(body.iter("ul", "ol", "div", "p", "table", "dl", "section")):
        if el.getparent() is not None and el.find(".//a") is not None and _link_share(el) >= _LINK_HEAVY:
            el.drop_tree()


def read_html(data: bytes, path: str = "<bytes>") -> str:
    """The flattened article text of a web page; :class:`LoaderError` when it holds none."""
    text = decode_html(data, path)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str input that declares an encoding
    # huge_tree lifts libxml2's depth limit of 256, past which it stops reading without an error.
    parser = html.HTMLParser(huge_tree=True)
    try:
        root = html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise LoaderError(path, f"not a readable HTML page: {exc}") from exc
    _check_nesting(root, parser, path)
    _xml_safe(root)
    body = root.find("body")
    if body is None:
        body = root
    _clean(body)
    found = _cjk_count(body)
    if found < _MIN_ARTICLE:
        raise LoaderError(path, f"HTML page without article text: {found} of its {len(_CJK.findall(text))} "
                                "Chinese characters are outside navigation, links, scripts, comments and the head")
    return element_text(body)


def _check_nesting(root: etree._Element, parser: etree.HTMLParser, path: str) -> None:
    """Refuse a page nested deeper than :data:`MAX_NESTING`, or than the parser could read whole."""
    too_deep = any(e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for e in parser.error_log)
    depth = deepest = 0
    if not too_deep:
        for event, _el in etree.iterwalk(root, events=("start", "end")):
            depth += 1 if event == "start" else -1
            deepest = max(deepest, depth)
    if too_deep or deepest > MAX_NESTING:
        raise LoaderError(path, f"HTML elements nested deeper than {MAX_NESTING} levels; "
                                "the page cannot be read whole")
