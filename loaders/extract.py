"""One policy document -> :class:`ExtractedDocument`.

Reads the file — plain text, Markdown, Word (.docx, .doc, .wps), Excel, PDF, OFD or a web page, by content
(:mod:`~policykg.loaders.reading.readers`) — then its metadata, tables, heading tree and
tasks, citations and place mentions, each by its own module.

>>> doc_id_for("shengsi-2024-integration-action-plan"), doc_id_for("嵊政办发〔2024〕10号")
('shengsi-2024-integration-action-plan', 'doc-2bea44d45307')
"""

from __future__ import annotations

import bisect
import errno
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from policykg.loaders.errors import LoaderError
from policykg.loaders.mentions.citations import find_citations
from policykg.loaders.mentions.inline_targets import find_stated_targets
from policykg.loaders.mentions.places import find_places
from policykg.loaders.model import ExtractedDocument, PlaceMention, SourceText
from policykg.loaders.reading.readers import DOCUMENT_SUFFIXES, is_document, read_source
from policykg.loaders.reading.textio import DEFAULT_MAX_BYTES, read_bytes
from policykg.loaders.structure.metadata import inherit_period, read_metadata
from policykg.loaders.structure.outline import read_outline
from policykg.loaders.tabular.tables import find_tables
from policykg.ontology import word_list

_SKIPPED_NAMES = {"readme.md", "readme.txt"}
_TEXT_SUFFIXES = {".txt", ".text", ".md"}


MAX_ID_LENGTH = 64


def doc_id_for(name: str | os.PathLike[str]) -> str:
    """A stable ASCII id for a file (path, name or stem): lowercase ``[a-z0-9-]``, at most
    :data:`MAX_ID_LENGTH` characters.

    The id is the slug of the file stem; a stem without ASCII letters gets
    ``doc-`` and the first 12 hex digits of the stem's SHA-1.  Only text files
    drop their suffix: ``plan.docx``, ``plan.pdf`` and ``plan.html`` are
    ``plan-docx``, ``plan-pdf`` and ``plan-html``, so the same document published
    in several formats never collides with its text copy ``plan``.  The slug drops
    every other character, so a stem with some (Chinese, accents) gets 8 hex digits
    of its SHA-1 too, and a slug too long is cut and ends in 12 of them: two names
    that differ only there still get two ids.

    >>> doc_id_for("Dinghai 2023 Plan (final)"), doc_id_for(Path("/corpus/jiangshan-report.txt"))
    ('dinghai-2023-plan-final', 'jiangshan-report')
    >>> doc_id_for("jiangshan-report.PDF")
    'jiangshan-report-pdf'
    >>> doc_id_for("嵊泗县工作要点(final).docx"), doc_id_for("定海区工作要点(final).docx")
    ('final-docx-6c02470e', 'final-docx-ea368472')
    """
    p = Path(name)
    stem = p.stem if p.suffix.lower() in _TEXT_SUFFIXES else p.name
    digest = hashlib.sha1(stem.encode("utf-8")).hexdigest()
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    if not re.search(r"[a-z]", stem.lower()):
        return "doc-" + digest[:12]
    if not stem.isascii():
        slug = f"{slug}-{digest[:8]}"
    if len(slug) > MAX_ID_LENGTH:
        slug = f"{slug[:MAX_ID_LENGTH - 13].rstrip('-')}-{digest[:12]}"
    return slug


def _complement(start: int, end: int, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of ``[start, end)`` outside every range in ``taken``."""
    out = []
    pos = start
    for s, e in sorted(taken):
        if s > pos:
            out.append((pos, min(s, end)))
        pos = max(pos, e)
        if pos >= end:
            break
    if pos < end:
        out.append((pos, end))
    return [(s, e) for s, e in out if e > s]


def _holds_any(region: tuple[int, int], starts: list[int]) -> bool:
    """True when one of the sorted ``starts`` falls in ``[start, end)`` (bisection: every table
    against every task was quadratic in a long document)."""
    i = bisect.bisect_left(starts, region[0])
    return i < len(starts) and starts[i] < region[1]


def _dedupe(mentions: Iterable[PlaceMention]) -> list[PlaceMention]:
    seen: set[tuple[int, int, str, str | None]] = set()
    out = []
    for m in sorted(mentions, key=lambda m: (m.span.start, m.span.end)):
        key = (m.span.start, m.span.end, m.name, m.role)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def extract_text(text: str, source: str, sha256: str = "") -> ExtractedDocument:
    """Extract everything from an already decoded, normalised text.

    >>> doc = extract_text("某县养老服务实施方案\\n二、主要任务\\n1.建设养老机构。(责任单位:县民政局)\\n", "plan.txt")
    >>> doc.doc_id, doc.meta.title, [(t.title, [u.text for u in t.responsible]) for t in doc.tasks]
    ('plan', '某县养老服务实施方案', [('建设养老机构', ['县民政局'])])
    """
    src = SourceText(text)
    meta = read_metadata(src)
    tables = find_tables(src, source)
    regions = sorted(tables.regions)
    outline = read_outline(src, regions)
    citations = find_citations(src, (meta.title,))
    inherit_period(meta, [(c.title, c.span) for c in citations])

    tasks = [*outline.tasks, *tables.tasks]
    mentions: list[PlaceMention] = []
    for task in tasks:
        if not task.places:
            task.places = find_places(src, task.span.start, task.span.end)
        mentions.extend(task.places)
    for project in tables.projects:
        if not project.places:
            project.places = find_places(src, project.span.start, project.span.end)
        mentions.extend(project.places)
    # sentences outside tasks and tables (实施路径, 基本原则…) give places their roles too
    start = meta.spans["title"].end if "title" in meta.spans else 0
    taken = [(t.span.start, t.span.end) for t in tasks] + regions
    for s, e in _complement(start, len(text), taken):
        mentions.extend(find_places(src, s, e))

    # sentences of the body and of reform lists state targets; indicator and project
    # tables are read as tables
    task_starts = sorted(t.span.start for t in tables.tasks)
    task_tables = [r for r in regions if _holds_any(r, task_starts)]
    stated = find_stated_targets(src, [*_complement(outline.body[0], len(text), regions), *task_tables], tasks,
                                 reported=meta.doc_type in word_list("reporting_document_types.txt"),
                                 table_ranges=task_tables)

    return ExtractedDocument(
        doc_id=doc_id_for(source),
        source=Path(source).name,
        sha256=sha256,
        text=text,
        meta=meta,
        domains=[*outline.domains, *tables.domains],
        tasks=tasks,
        indicators=list(tables.indicators),
        projects=list(tables.projects),
        citations=citations,
        places=_dedupe(mentions),
        warnings=[*outline.warnings, *tables.warnings],
        stated_targets=stated,
    )


def extract_bytes(data: bytes, path: str | os.PathLike[str]) -> ExtractedDocument:
    """Read and extract a document's raw bytes, any format; ``path`` names it (id, messages).

    >>> extract_bytes("二、主要任务\\r\\n1.推进工作。".encode("gb18030"), "a.txt").tasks[0].title
    '推进工作'
    """
    reading = read_source(data, path)
    doc = extract_text(reading.text, str(path), hashlib.sha256(data).hexdigest())
    doc.source_format = reading.format
    doc.pages = reading.pages
    doc.warnings += reading.warnings
    return doc


def extract_path(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> ExtractedDocument:
    """Read and extract one document file; :class:`LoaderError` if it cannot be read or is over ``max_bytes``."""
    return extract_bytes(read_bytes(path, max_bytes), path)


def skip_reason(path: Path) -> str | None:
    """Why a folder walk does not read ``path``, or ``None`` when it reads it.

    >>> skip_reason(Path("plan.DOCX")), skip_reason(Path("README.md")), skip_reason(Path("~$plan.docx"))
    (None, "the folder's README, not a policy document", "Office's lock file of a document open in Word or WPS")
    >>> skip_reason(Path("scan.png"))
    'not a format policykg reads (.doc, .docx, .htm, .html, .markdown, .md, .ofd, .pdf, .rtf, .txt, .wps, .xlsx)'
    """
    if path.name.startswith("."):
        return "hidden folder, not read" if path.is_dir() else "hidden file, not read"
    if path.name.lower() in _SKIPPED_NAMES:
        return "the folder's README, not a policy document"
    if path.name.startswith("~$"):
        return "Office's lock file of a document open in Word or WPS"
    if path.is_dir():
        return None
    if not is_document(path):
        return f"not a format policykg reads ({', '.join(sorted(DOCUMENT_SUFFIXES))})"
    return None


OnError = Callable[[Path, LoaderError], None]
OnSkip = Callable[[Path, str], None]


def _broken_link(path: Path) -> LoaderError | None:
    """The error for a link that leads nowhere (a missing target, or a loop of links), else ``None``."""
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return LoaderError(str(path), "a symbolic link loop: the link leads back to itself")
        if path.is_symlink():
            return LoaderError(str(path), f"a broken link: its target {os.readlink(path)} does not exist")
    return None


def _listing(folder: Path, on_error: OnError) -> Iterator[os.DirEntry[str]]:
    """A folder's entries in name order; an unreadable folder goes to ``on_error`` and has none."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        on_error(folder, LoaderError(str(folder), f"cannot read the folder: {exc.strerror}"))
        entries = []
    return iter(entries)


def _walk(folder: Path, walked: dict[tuple[int, int], Path], on_error: OnError, on_skip: OnSkip) -> Iterator[Path]:
    """The document files under ``folder``, depth first in name order (the order of their sorted paths).

    Links to folders are followed once: ``walked`` maps each folder read (device, inode)
    to its path, so a loop or a second link to the same folder is skipped with a word.
    The folders being read are a stack, not recursion, so no depth of folders is too deep.
    """
    stack = [_listing(folder, on_error)]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        path = Path(entry.path)
        if entry.name.startswith(".") or entry.name.lower() in _SKIPPED_NAMES or entry.name.startswith("~$"):
            on_skip(path, skip_reason(path) or "")  # never documents, by convention; a hidden folder once
            continue
        broken = _broken_link(path) if entry.is_symlink() else None
        if broken is not None:
            if is_document(path):
                on_error(path, broken)
            else:
                on_skip(path, broken.message)
        elif entry.is_dir():  # follows links
            info = entry.stat()
            key = (info.st_dev, info.st_ino)
            if key in walked:
                on_skip(path, f"a link to the folder {walked[key]}, walked already")
            else:
                walked[key] = path
                stack.append(_listing(path, on_error))
        elif not is_document(path):
            on_skip(path, skip_reason(path) or "")
        else:
            yield path  # a FIFO or a device among them is refused by read_bytes, by its type


def iter_sources(
    paths: Iterable[str | os.PathLike[str]],
    on_error: OnError | None = None,
    on_skip: OnSkip | None = None,
) -> Iterator[Path]:
    """The document files under ``paths``: files as given, folders walked for the formats of
    :data:`~policykg.loaders.reading.readers.DOCUMENT_SUFFIXES` (any case), sorted.

    Every other file of a folder goes to ``on_skip`` with the reason it is not read
    (:func:`skip_reason`: hidden, a README, an Office lock file, another format, a second
    link to a folder); a hidden folder goes there once, not file by file.  What a walk
    cannot read (a folder, a broken link, a loop of links) and a path that does not
    exist go to ``on_error`` when given; otherwise they are yielded, so that reading
    them reports the error in its turn.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     for name in ("b.txt", "a.PDF", "c.jpg", "README.md"):
    ...         _ = Path(d, name).write_bytes(b"x")
    ...     [p.name for p in iter_sources([d], on_skip=lambda p, why: print(p.name, why))]
    README.md the folder's README, not a policy document
    c.jpg not a format policykg reads (.doc, .docx, .htm, .html, .markdown, .md, .ofd, .pdf, .rtf, .txt, .wps, .xlsx)
    ['a.PDF', 'b.txt']
    """
    def keep(path: Path, err: LoaderError) -> None:
        errors.append(path)

    errors: list[Path] = []
    report_error = on_error or keep
    for p in map(Path, paths):
        if p.is_dir():
            info = p.stat()
            yield from _walk(p, {(info.st_dev, info.st_ino): p}, report_error, on_skip or (lambda _p, _why: None))
        elif on_error is not None and not p.exists():
            on_error(p, _broken_link(p) or LoaderError(str(p), "no such file or folder"))
        else:
            yield p
        # without on_error, what a walk could not read is yielded: reading it names the problem
        yield from errors
        errors.clear()


def extract_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[Path, ExtractedDocument | LoaderError]]:
    """Extract every document under the given files and folders, sorted, one result each.

    A file that cannot be read, and a folder, broken link or missing path the walk
    cannot read, yields its :class:`LoaderError` and the walk goes on.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = (Path(d) / "a.txt").write_bytes(b"")
    ...     [(p.name, type(r).__name__) for p, r in extract_paths([d])]
    [('a.txt', 'LoaderError')]
    """
    unreadable: list[tuple[Path, LoaderError]] = []
    for f in iter_sources(paths, on_error=lambda p, e: unreadable.append((p, e))):
        yield from unreadable
        unreadable.clear()
        try:
            yield f, extract_path(f)
        except LoaderError as exc:
            yield f, exc
    yield from unreadable
