"""Fuzzing the whole command line: over a thousand mutated documents built, rebuilt, queried, exported.

Where ``test_fuzz_loaders.py`` calls the extractor, this goes through what a user runs:
``policykg build DIR --store S`` on batches of mutated documents (:mod:`fuzz_docs`), a
rebuild of some stores with files changed, removed and added (the incremental path),
then every canned query and some exports on each store.  Nothing may end in a traceback;
a file that cannot be read is named in its ``failed:`` line and the build exits 1; no
stored fact is without provenance.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fuzz_docs import FuzzDocument, documents
from lxml import etree
from provenance import bad_spans, unsourced_edges
from test_fuzz_loaders import time_limit

from policykg.cli import main
from policykg.graph.store import Store

pytestmark = pytest.mark.slow  # fuzzing: over a thousand builds

BATCHES = 11
PER_BATCH = 100
DOCX_EVERY = 20  # Word files are slow to make and read: about four a batch
REBUILD_EVERY = 3  # batches whose store is built a second time with files changed
# Generous: a batch builds in seconds; a pathological input would take minutes.
BATCH_LIMIT_SECONDS = 300
EXPORTS = ["json", "graphml", "gexf", "ttl", "nq", "trig", "matrix", "neo4j-csv", "jsonld"]  # jsonld, the slowest, once
PARAMETERS = {"agency": "县教育局", "document": "实施方案", "indicator": "托位数", "task": "推进学校布局优化"}


@dataclass
class Batch:
    """One batch's folder, store and what the user saw."""

    root: Path
    files: dict[Path, FuzzDocument] = field(default_factory=dict)
    results: list[tuple[list[str], Result]] = field(default_factory=list)
    read: int = 0  # files given to the first build
    stored: int = 0  # documents in the store at the end

    @property
    def store(self) -> Path:
        return self.root / "store"

    def place(self, doc: FuzzDocument) -> None:
        # Markdown is read when named, not found by a folder walk: it goes beside the folder.
        folder = self.root / ("md" if doc.name.endswith(".md") else "docs")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / doc.name).write_bytes(doc.data)
        self.files[folder / doc.name] = doc

    def build_args(self) -> list[str]:
        markdown = sorted(str(p) for p in self.files if p.parent.name == "md" and p.exists())
        return ["build", str(self.root / "docs"), *markdown, "--store", str(self.store)]


def run(batch: Batch, args: list[str]) -> Result:
    result = CliRunner().invoke(main, args, catch_exceptions=True)
    batch.results.append((args, result))
    return result


def documents_in_batches() -> Iterator[list[FuzzDocument]]:
    docs = list(documents(BATCHES * PER_BATCH, seed=13, docx_every=DOCX_EVERY))
    for k in range(BATCHES):
        yield docs[k * PER_BATCH:(k + 1) * PER_BATCH]


def change_files(batch: Batch, rng: random.Random, seed: int) -> None:
    """Some files rewritten under the same name, some removed, some new ones."""
    current = sorted(p for p in batch.files if p.exists())
    fresh = iter(documents(20, seed=seed, docx_every=DOCX_EVERY))
    for path in rng.sample(current, 8):
        replacement = next(fresh)
        path.write_bytes(replacement.data)
        batch.files[path] = FuzzDocument(path.name, replacement.data, replacement.edits)
    for path in rng.sample([p for p in current if p.exists()], 4):
        path.unlink()
    for doc in fresh:
        batch.place(FuzzDocument(f"new-{doc.name}", doc.data, doc.edits))


def stored_sources(store: Path) -> set[str]:
    return {d["source"] for d in Store(store).manifest()["documents"]}


def check_build(batch: Batch, result: Result) -> int:
    """The build ended in a message, named every file it could not read; the number of files read."""
    assert result.exit_code in (0, 1), result.output
    given = {p for p in batch.files if p.exists()}
    failed_lines = [line for line in result.stderr.splitlines() if line.startswith("failed:")]
    failed = set()
    for line in failed_lines:
        named = {p for p in given if str(p) in line}
        assert named, f"a failure that names no file: {line}"
        failed |= named
    assert (result.exit_code == 1) == bool(failed_lines), result.output
    stored = stored_sources(batch.store)
    # every file given is either in the store or named as failed (Markdown is stored under its name too)
    missing = {p for p in given if p not in failed and p.name not in stored}
    assert not missing, f"neither stored nor reported: {sorted(map(str, missing))[:5]}"
    return len(given)


def check_provenance(store: Path) -> int:
    """No stored extraction or graph edge states a fact without its source; the number of documents."""
    st = Store(store)
    extractions = st.stored_extractions()
    assert len(extractions) == len(st.manifest()["documents"]), "a stored document lost its extraction"
    for doc in extractions:
        assert bad_spans(doc) == [], doc.source
    graph = st.load_graph()
    bad = unsourced_edges(graph, {d.doc_id: d.text for d in extractions})
    assert bad == [], bad[:3]
    return len(extractions)


def run_queries(batch: Batch, k: int, queries: list[dict[str, str]]) -> None:
    """Half the canned queries as JSON (the other half on the next batch), each answer parsed."""
    for query in queries[k % 2::2]:
        args = ["query", query["name"], "--store", str(batch.store), "--format", "json"]
        for name, value in PARAMETERS.items():
            if query["parameters"].startswith(f"{name}:"):
                args += ["-p", name, value]
        result = run(batch, args)
        if result.exit_code == 0:
            json.loads(result.stdout)


def failures(results: list[tuple[list[str], Result]]) -> list[tuple[list[str], str]]:
    """Commands that ended in a traceback, or in an exit status that is neither success, failed
    files (1) nor a refusal with an error message (2)."""
    return [(args[:2], repr(r.exception) if r.exception is not None else r.output[-500:])
            for args, r in results
            if (r.exception is not None and not isinstance(r.exception, SystemExit))
            or "Traceback" in r.output
            or (r.exit_code not in (0, 1) and not (r.exit_code == 2 and "error:" in r.stderr))]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> list[Batch]:
    """The batches built (some twice, with files changed), their provenance checked, queried."""
    root = tmp_path_factory.mktemp("fuzz-cli")
    rng = random.Random(13)
    queries = json.loads(CliRunner().invoke(main, ["queries", "--format", "json"]).output)
    batches = []
    for k, docs in enumerate(documents_in_batches()):
        batch = Batch(root / f"batch-{k}")
        batches.append(batch)
        for doc in docs:
            batch.place(doc)
        with time_limit(BATCH_LIMIT_SECONDS):
            batch.read = check_build(batch, run(batch, batch.build_args()))
            if k % REBUILD_EVERY == 0:
                before = stored_sources(batch.store)
                change_files(batch, rng, seed=1000 + k)
                result = run(batch, batch.build_args())
                check_build(batch, result)
                # a rebuild adds and replaces; it never drops a document (one now failing may go)
                lost = {name for name in before - stored_sources(batch.store) if name not in result.stderr}
                assert not lost, f"documents lost by a rebuild: {sorted(lost)[:5]}"
            batch.stored = check_provenance(batch.store)
            run_queries(batch, k, queries)
    return batches


def test_a_thousand_mutated_documents_build_and_answer_through_the_cli(fuzzed: list[Batch]) -> None:
    assert failures([item for b in fuzzed for item in b.results]) == []
    read, stored = sum(b.read for b in fuzzed), sum(b.stored for b in fuzzed)
    assert read >= 1000
    # most mutations leave a readable document (about a fifth are undecodable or binary by
    # design): the fuzz reaches the extractor and the graph, not only the decoder's refusals
    assert stored >= 0.6 * read, (stored, read)


@pytest.mark.parametrize("fmt", EXPORTS)
def test_every_export_of_the_fuzzed_stores_writes_a_file_or_says_why(
        fuzzed: list[Batch], fmt: str, tmp_path: Path) -> None:
    results = []
    for k in range(EXPORTS.index(fmt), len(fuzzed), len(EXPORTS)):  # each store exported once or twice
        store = fuzzed[k].store
        target = tmp_path / (f"{k}-{fmt}" if fmt == "neo4j-csv" else f"{k}.{'xlsx' if fmt == 'matrix' else fmt}")
        # `--force` (overwrite without asking) where this version has it
        force = ["--force"] if "--force" in CliRunner().invoke(main, ["export", fmt, "--help"]).output else []
        args = ["export", fmt, str(target)] if fmt == "neo4j-csv" else ["export", fmt, "-o", str(target)]
        args += [*force, "--store", str(store)]
        result = CliRunner().invoke(main, args)
        results.append((args, result))
        if result.exit_code == 0 and fmt in ("graphml", "gexf"):
            etree.parse(str(target))  # a tool reading the file must be able to
        elif result.exit_code == 0 and fmt == "json":
            json.loads(target.read_text(encoding="utf-8"))
    assert failures(results) == []
