"""Every provenance span of an extraction, wherever it sits (tests only)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from policykg.loaders.model import ExtractedDocument, Span


def spans(value: Any) -> Iterator[Span]:
    """The :class:`Span` objects inside a record, list or dict, depth first."""
    if isinstance(value, Span):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.name != "text":
                yield from spans(getattr(value, f.name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from spans(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from spans(item)


def bad_spans(doc: ExtractedDocument) -> list[Span]:
    """Spans whose quote is not the text they point at (there must be none)."""
    return [s for s in spans(doc) if not (0 <= s.start <= s.end <= len(doc.text)) or doc.text[s.start:s.end] != s.quote]
