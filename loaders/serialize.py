"""JSON round trip of :class:`~policykg.loaders.model.ExtractedDocument`.

The store caches each document's extraction so that a rebuild re-reads only the
documents whose bytes changed.

>>> from policykg.loaders.model import DocumentMeta, ExtractedDocument
>>> doc = ExtractedDocument("d", "d.txt", "00", "正文", DocumentMeta(title="标题"))
>>> from_dict(to_dict(doc)) == doc
True
"""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache
from typing import Any

from policykg.loaders import model
from policykg.loaders.model import ExtractedDocument


def to_dict(doc: ExtractedDocument) -> dict[str, Any]:
    """A JSON-ready dict of the whole extraction: what :func:`dataclasses.asdict` gives, made without
    its deep copy of every leaf (4× less CPU on corpus + realworld; every extracted document is cached).

    >>> from policykg.loaders.model import DocumentMeta, ExtractedDocument
    >>> doc = ExtractedDocument("d", "d.txt", "00", "正文", DocumentMeta(title="标题"))
    >>> to_dict(doc) == dataclasses.asdict(doc)
    True
    """
    return _plain(doc)


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _plain(value: Any) -> Any:
    # The model holds dataclasses, lists, tuples, dicts and immutable leaves (str, int, float, bool, None).
    cls = type(value)
    if cls in (str, int, float, bool) or value is None:
        return value
    if cls is list:
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(cls):
        return {name: _plain(getattr(value, name)) for name in _field_names(cls)}
    if cls is tuple:
        return tuple(_plain(v) for v in value)
    if cls is dict:
        return {k: _plain(v) for k, v in value.items()}
    return value  # another immutable leaf: asdict would copy it, to the same value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(model))


def _build(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(inner[0], value)
    if origin is list:
        (item,) = typing.get_args(tp)
        return [_build(item, v) for v in value]
    if origin is tuple:  # JSON keeps tuples as lists
        return tuple(value)
    if origin is dict:
        _, item = typing.get_args(tp)
        return {k: _build(item, v) for k, v in value.items()}
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        return tp(**{k: _build(hints[k], v) for k, v in value.items() if k in hints})
    return value


def from_dict(data: dict[str, Any]) -> ExtractedDocument:
    """Rebuild an :class:`ExtractedDocument` from :func:`to_dict` output."""
    return _build(ExtractedDocument, data)
