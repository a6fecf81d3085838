"""What a text value becomes in a file another program opens: a spreadsheet cell, XML text.

One policy per kind of file, used by every writer of that kind:

* **Spreadsheets** (every CSV and XLSX the product writes for people, not the ``neo4j-admin``
  import files): a cell a spreadsheet would run as a formula gets a leading ``'``
  (:func:`neutralise`, the OWASP rule for CSV injection), except a plain negative number.
* **XML** (GraphML, GEXF, XLSX): a character XML 1.0 cannot hold (C0 controls other than
  tab, line feed and carriage return; lone surrogates; U+FFFE, U+FFFF) becomes U+FFFD ``�``
  (:func:`xml_text`), so the file parses and the reader sees where something was.

>>> neutralise(xml_text("=SUM(A1)\\x0b"))
"'=SUM(A1)�"
"""

from __future__ import annotations

import re
from typing import Any

# A spreadsheet reads a cell starting with one of these as a formula (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def neutralise(value: Any) -> Any:
    """Make a text value inert in a spreadsheet: a leading ``'`` before a formula trigger.

    Numbers, and text that is just a negative number, stay as they are.

    >>> neutralise('=HYPERLINK("http://x")'), neutralise("+1"), neutralise("县教育局"), neutralise(3)
    ('\\'=HYPERLINK("http://x")', "'+1", '县教育局', 3)
    >>> neutralise("-3.5"), neutralise("-3+cmd")
    ('-3.5', "'-3+cmd")
    """
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def xml_text(value: Any) -> Any:
    """``value`` with every character XML 1.0 cannot hold replaced by U+FFFD; non-text as it is.

    >>> xml_text("垂直\\x0b制表"), xml_text("a\\tb\\n"), xml_text(2.5)
    ('垂直�制表', 'a\\tb\\n', 2.5)
    """
    if isinstance(value, str):
        return _XML_ILLEGAL.sub(REPLACEMENT, value)
    return value
