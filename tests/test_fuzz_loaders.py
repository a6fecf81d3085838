"""Property-based tests: mangled documents never crash, hang or invent facts without provenance.

Corpus documents are mutated at random — lines deleted, table cells swapped, stray
brackets, random Unicode, very long lines — and read as text, and as bytes through
every reader.  Reading raises nothing but :class:`LoaderError`, finishes within a
time bound per document, and every span it produces quotes the text it points at.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from gold import CORPUS_DIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from provenance import bad_spans

from policykg.loaders.errors import LoaderError
from policykg.loaders.extract import extract_bytes, extract_text

pytestmark = pytest.mark.slow  # fuzzing

TEXTS = {p.stem: p.read_text(encoding="utf-8") for p in sorted(CORPUS_DIR.glob("*.txt"))}
# Wall-clock bound per document; a pathological regex would take minutes, a normal read well under one second.
LIMIT_SECONDS = 20
FUZZ = settings(max_examples=60, deadline=timedelta(seconds=LIMIT_SECONDS), derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
BRACKETS = "()（）【】〔〕《》“”「」[]{}<>"
NASTY = ["\u2028", "\u00a0", "\u3000", "\t", "\r", "\ufeff", "\u200b", "\x00", "\x85", "\ud7ff", "\U0001f600"]


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail (rather than hang the suite) when the body runs longer than ``seconds``."""
    def expire(signum, frame):
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@st.composite
def mutation(draw, lines: list[str]) -> list[str]:
    """One random edit of a document's lines."""
    if not lines:
        return lines
    i = draw(st.integers(0, len(lines) - 1))
    kind = draw(st.sampled_from(["delete", "swap-lines", "swap-cells", "bracket", "unicode", "long", "dup"]))
    out = list(lines)
    if kind == "delete":
        n = draw(st.integers(1, 8))
        del out[i:i + n]
    elif kind == "swap-lines":
        j = draw(st.integers(0, len(lines) - 1))
        out[i], out[j] = out[j], out[i]
    elif kind == "swap-cells":
        cells = out[i].split("\t")
        if len(cells) > 1:
            a, b = draw(st.integers(0, len(cells) - 1)), draw(st.integers(0, len(cells) - 1))
            cells[a], cells[b] = cells[b], cells[a]
            out[i] = "\t".join(cells)
        else:  # a flattened table: cells are lines of their own
            out[i:i + 3] = out[i:i + 3][::-1]
    elif kind == "bracket":
        pos = draw(st.integers(0, len(out[i])))
        out[i] = out[i][:pos] + draw(st.sampled_from(BRACKETS)) * draw(st.integers(1, 3)) + out[i][pos:]
    elif kind == "unicode":
        pos = draw(st.integers(0, len(out[i])))
        junk = draw(st.text(min_size=1, max_size=30) | st.sampled_from(NASTY))
        out[i] = out[i][:pos] + junk + out[i][pos:]
    elif kind == "long":
        unit = draw(st.sampled_from([out[i] or "县民政局", "县民政局、", "1.", "(", "（责任单位:", "12.5%", "一是"]))
        out[i] = unit * max(1, 20_000 // max(1, len(unit)))
    else:
        out[i:i] = [out[i]] * draw(st.integers(1, 4))
    return out


@st.composite
def mangled(draw) -> tuple[str, str]:
    stem = draw(st.sampled_from(sorted(TEXTS)))
    lines = TEXTS[stem].split("\n")
    for _ in range(draw(st.integers(1, 6))):
        lines = draw(mutation(lines))
    return stem, "\n".join(lines)


def _check(doc) -> None:
    assert bad_spans(doc) == []


@FUZZ
@given(mangled())
def test_mangled_text_reads_or_fails_cleanly(case: tuple[str, str]) -> None:
    stem, text = case
    with time_limit(LIMIT_SECONDS):
        try:
            doc = extract_text(text, f"{stem}.txt")
        except LoaderError:
            return
    _check(doc)


@st.composite
def mangled_bytes(draw, formats: dict[str, bytes]) -> tuple[str, bytes]:
    """A twin's bytes with a few bytes overwritten, cut short, or a block repeated."""
    name = draw(st.sampled_from(sorted(formats)))
    data = bytearray(formats[name])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "repeat"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip":
            data[pos:pos + 4] = draw(st.binary(min_size=1, max_size=4))
        elif kind == "cut":
            del data[pos:pos + draw(st.integers(1, 2000))]
        else:
            data[pos:pos] = data[pos:pos + 64] * draw(st.integers(1, 50))
    return name, bytes(data)


@pytest.fixture(scope="module")
def small_twins(format_twins) -> dict[str, bytes]:
    """The shortest document as Word, PDF and web page (keeps each example quick)."""
    twin = format_twins["jiangshan-2025-integration-report"]
    return {f"report.{fmt}": Path(twin[fmt]).read_bytes() for fmt in ("docx", "pdf", "html", "txt")}


def test_mangled_files_of_every_format_read_or_fail_cleanly(small_twins: dict[str, bytes]) -> None:
    @settings(max_examples=40, deadline=timedelta(seconds=LIMIT_SECONDS), derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.function_scoped_fixture])
    @given(mangled_bytes(small_twins))
    def check(case: tuple[str, bytes]) -> None:
        name, data = case
        with time_limit(LIMIT_SECONDS):
            try:
                doc = extract_bytes(data, name)
            except LoaderError as err:
                assert err.path == name
                return
        _check(doc)

    check()
