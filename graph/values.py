"""One value policy for every target format (GraphML, GEXF, Neo4j and its CSV import, RDF).

* ``None`` and an empty list are *no value*: no format writes the attribute, so every format
  agrees on which attributes a node or edge has (:func:`present`). The empty string is a value
  (a number cell printed empty), which Neo4j and its CSV import keep; only RDF leaves it out,
  since an empty literal states nothing and the shapes require non-empty text.
* A set is written as its sorted list, a tuple as a list (:func:`normalised`).
* Where a format cannot hold a value as it is (a list or a map in GraphML or GEXF; a map, a list of
  mixed kinds or an integer beyond 64 bits in Neo4j) it is written as canonical JSON text
  (:func:`json_text`): sorted keys, Chinese as it is.

Each format module then only says how its own syntax spells a value (a CSV cell, an RDF literal).

>>> present(""), present([]), present(0), present(False)
(True, False, True, True)
>>> normalised({"b", "a"}), json_text({"b": 1, "a": ["县"]})
(['a', 'b'], '{"a": ["县"], "b": 1}')
>>> dict(attributes({"a": None, "b": "", "c": [], "d": ("x",), "e": 0}))
{'b': '', 'd': ['x'], 'e': 0}
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

_COLLECTIONS = (list, tuple, set, frozenset, dict)


def present(value: Any) -> bool:
    """Whether ``value`` is a value a format writes (not ``None`` or an empty collection).

    >>> present(None), present("0"), present(set())
    (False, True, False)
    """
    if value is None:
        return False
    return not (isinstance(value, _COLLECTIONS) and not value)


def normalised(value: Any) -> Any:
    """A set as its sorted list, a tuple as a list; anything else as it is.

    >>> normalised((1, 2)), normalised(frozenset({3, 1})), normalised("甲")
    ([1, 2], [1, 3], '甲')
    """
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if isinstance(value, tuple):
        return list(value)
    return value


def json_text(value: Any) -> str:
    """``value`` as canonical JSON text (sorted keys, non-ASCII as it is, sets sorted, else ``str``).

    >>> json_text(["县教育局", 2])
    '["县教育局", 2]'
    """
    return json.dumps(normalised(value), ensure_ascii=False, sort_keys=True,
                      default=lambda v: sorted(v, key=str) if isinstance(v, (set, frozenset)) else str(v))


def scalar(value: Any) -> Any:
    """``value`` for a format that holds only scalars: a collection or a map as :func:`json_text`.

    >>> scalar(["县教育局"]), scalar(3.5)
    ('["县教育局"]', 3.5)
    """
    return json_text(value) if isinstance(value, (list, tuple, set, frozenset, dict)) else value


def attributes(data: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """The attributes of a node or edge that have a value (:func:`present`), collections normalised.

    Asked for every attribute of every node and edge each format writes (millions in a store's
    text), so a scalar, the common case, takes one test rather than two calls.

    >>> list(attributes({"a": None, "b": 0, "c": (), "d": {"y", "x"}}))
    [('b', 0), ('d', ['x', 'y'])]
    """
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, _COLLECTIONS):
            if value:  # an empty collection is no value (present())
                yield key, normalised(value)
        else:
            yield key, value
