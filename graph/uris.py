"""Server URIs as policykg prints and accepts them: credentials never echoed, never taken from a URI.

Passwords come from the environment only (``NEO4J_PASSWORD``, ``SPARQL_PASSWORD``):
a URI is typed on command lines, kept in shell history, shown by ``ps`` and printed in
messages, so a URI that carries a user or password (``bolt://neo4j:PW@host``) is refused
with a message that says where the credentials go instead. Every URI the product prints
goes through :func:`redact` first, the refusal included.

>>> redact("bolt://neo4j:s3cret@db.example:7687")
'bolt://neo4j:***@db.example:7687'
>>> credentials_error("bolt://127.0.0.1:7687", "use NEO4J_PASSWORD") is None
True
"""

from __future__ import annotations

import re

# What ends the authority part of a URI (RFC 3986 §3.2).
_AUTHORITY_END = "/?#"


def _userinfo(uri: str) -> tuple[str, str, str] | None:
    """``(scheme://, userinfo, rest)`` when ``uri`` carries credentials, else ``None``.

    A password holding an unencoded ``/``, ``?`` or ``#`` makes the URI look as if its
    authority ended early (``http://u:pa/ss@host``); a "port" that is not a number then
    marks the text up to the last ``@`` as credentials, hiding too much rather than too little.
    """
    scheme, sep, rest = uri.partition("://")
    if not sep or "@" not in rest:
        return None
    end = min((i for i in (rest.find(c) for c in _AUTHORITY_END) if i >= 0), default=len(rest))
    authority = rest[:end]
    if "@" in authority:
        at = authority.rfind("@")
    else:
        _, colon, port = authority.partition(":")
        if not colon or port.isdigit() or authority.startswith("["):
            return None
        at = rest.rfind("@")
    return f"{scheme}://", rest[:at], rest[at + 1:]


def redact(uri: str) -> str:
    """``uri`` as it may be printed: a password becomes ``***``; a lone user part (often a token) too.

    >>> redact("http://dba:pa/ss@127.0.0.1:8890/sparql"), redact("https://TOKEN@example.org/q")
    ('http://dba:***@127.0.0.1:8890/sparql', 'https://***@example.org/q')
    >>> redact("http://127.0.0.1:8890/a@b")
    'http://127.0.0.1:8890/a@b'
    """
    parts = _userinfo(uri)
    if parts is None:
        return uri
    prefix, userinfo, rest = parts
    user, colon, _ = userinfo.partition(":")
    return f"{prefix}{user}:***@{rest}" if colon else f"{prefix}***@{rest}"


def credentials_error(uri: str, hint: str) -> str | None:
    """The message refusing ``uri`` when it carries credentials (``hint``: where they go instead), else ``None``.

    >>> print(credentials_error("bolt://neo4j:pw@h:7687", "set NEO4J_PASSWORD"))  # doctest: +NORMALIZE_WHITESPACE
    bolt://neo4j:***@h:7687: credentials in the URI are refused (they would show in shell history
    and process lists); set NEO4J_PASSWORD
    """
    if _userinfo(uri) is None:
        return None
    return (f"{redact(uri)}: credentials in the URI are refused (they would show in shell history and "
            f"process lists); {hint}")


_URI_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s<>\"'`]+")


def redact_all(text: str) -> str:
    """``text`` (a server's error message, say) with every URI in it passed through :func:`redact`.

    >>> redact_all("cannot reach <http://u:pw@host:8890/sparql>: refused")
    'cannot reach <http://u:***@host:8890/sparql>: refused'
    """
    return _URI_IN_TEXT.sub(lambda m: redact(m.group()), text)
