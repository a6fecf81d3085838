"""Other policy documents a text names in 《》, with the 文号 that follows them.

Only titles that read as policy documents (ending in 方案, 意见, 条例, 通知 … after an
optional (2023—2027年)/(讨论稿) tail) are citations; newspapers and article titles
in 《》 are not.  The document's own title, which its cover notice quotes, is left out.

>>> from policykg.loaders.model import SourceText
>>> src = SourceText("根据《浙江省实施方案（2023—2027年）》（浙政办发〔2023〕4号）、"
...                  "《人民日报》和《浙江省实施方案(2023—2027年)》")
>>> [(c.title, c.doc_number) for c in find_citations(src)]
[('浙江省实施方案（2023—2027年）', '浙政办发〔2023〕4号')]
"""

from __future__ import annotations

import re

from policykg.loaders.model import Citation, SourceText
from policykg.loaders.structure.metadata import DOC_NUMBER, document_type, title_key

# 《》 holding no 《》 but possibly 〈〉 (a title quoted inside a title).
_CITED = re.compile(r"《([^《》]{2,200})》")
_NUMBER_AFTER = re.compile(r"\s*[(（]\s*(" + DOC_NUMBER.pattern + r")\s*[)）]")
_SPACE = re.compile(r"[\s\u00a0\u3000]+")


def is_policy_title(title: str) -> bool:
    """True when a 《》 title names a policy document rather than a paper or an article.

    >>> is_policy_title("衢州市推进基本公共服务一体化改革行动方案(讨论稿)"), is_policy_title("人民日报")
    (True, False)
    """
    return document_type(title) is not None


def find_citations(src: SourceText, own_titles: tuple[str | None, ...] = ()) -> list[Citation]:
    """Policy documents cited in 《》, first mention of each, in text order.

    ``own_titles`` (the document's title, and what its notice issues) are excluded,
    compared width-folded and without spaces.  Titles are kept as written minus
    layout spaces.

    >>> src = SourceText("现将《2024年某县工作要点》印发。根据《某省条例》《某省 条例》")
    >>> [c.title for c in find_citations(src, ("2024年某县工作要点",))]
    ['某省条例']
    """
    own = {title_key(t) for t in own_titles if t}
    seen: set[str] = set()
    out: list[Citation] = []
    for m in _CITED.finditer(src.text):
        title = _SPACE.sub("", m.group(1))
        key = title_key(title)
        if key in own or key in seen or not is_policy_title(title):
            continue
        seen.add(key)
        number = None
        end = m.end()
        after = _NUMBER_AFTER.match(src.text, m.end())
        if after:
            number = _SPACE.sub("", after.group(1))
            end = after.end()
        out.append(Citation(title=title, doc_number=number, span=src.span(m.start(), end)))
    return out
