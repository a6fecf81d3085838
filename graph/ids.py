"""Stable, readable node ids.

>>> stable_id("agency", "嵊泗县", "嵊泗县卫生健康局")
'agency-dd7d638a92a4'
"""

from __future__ import annotations

import hashlib


def stable_id(kind: str, *parts: str) -> str:
    """``{kind}-{first 12 hex digits of sha1(kind + "\\x1f".join(parts))}``.

    ASCII and deterministic: the same parts give the same id in every run, so ids
    survive re-extraction and can be compared across documents.

    >>> stable_id("island", "嵊泗县", "西绿华岛") == stable_id("island", "嵊泗县", "西绿华岛")
    True
    >>> stable_id("domain", "便民").startswith("domain-"), len(stable_id("x", "y"))
    (True, 14)
    """
    digest = hashlib.sha1((kind + "\x1f".join(parts)).encode("utf-8")).hexdigest()
    return f"{kind}-{digest[:12]}"
