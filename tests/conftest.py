"""Shared fixtures: the real corpus, built once into a real embedded store."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from policykg.graph.pipeline import build
from policykg.graph.store import Store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
GOLD = SHARED / "gold"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the sample corpus is missing: expected it at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Store:
    """The five corpus documents built into a fresh store (read-only for tests)."""
    path = tmp_path_factory.mktemp("store")
    report = build([corpus_dir], store=path)
    assert report.ok, report.failed
    return Store(path)


@pytest.fixture(scope="session")
def corpus_graph(built_store: Store):
    return built_store.load_graph()



@pytest.fixture(scope="session")
def rdf_export(built_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """``rdf_export(fmt, profile="default")``: the file ``policykg export FMT --profile PROFILE`` writes from
    :func:`built_store`, written on first ask and shared by every test of the session (read-only for tests).

    The files are named ``policy.FMT`` in one folder per profile. Each export takes seconds of CPU, and the
    RDF tests (parsers, Jena, pySHACL, the Data Cube) read the same ones.
    """
    from click.testing import CliRunner

    from policykg.cli import main

    out = tmp_path_factory.mktemp("rdf-exports")
    written: dict[tuple[str, str], Path] = {}

    def export(fmt: str, profile: str = "default") -> Path:
        if (fmt, profile) not in written:
            path = out / profile / f"policy.{fmt}"
            path.parent.mkdir(exist_ok=True)
            result = CliRunner().invoke(main, ["export", fmt, "-o", str(path), "--profile", profile,
                                               "--store", str(built_store.path)])
            assert result.exit_code == 0, result.output
            assert f"({profile} profile)" in result.output
            written[fmt, profile] = path
        return written[fmt, profile]

    return export



@pytest.fixture()
def built_store_copy(built_store: Store, tmp_path: Path) -> Store:
    """A writable copy of :func:`built_store`, for tests that change a built store rather than test the
    build that made it: copying takes milliseconds, building the corpus seconds. The copy's documents
    keep their sha256, so a build from :func:`corpus_copy` finds them unchanged."""
    target = tmp_path / "store"
    shutil.copytree(built_store.path, target, symlinks=True)
    return Store(target)


@pytest.fixture()
def corpus_copy(tmp_path: Path, corpus_dir: Path) -> Path:
    """A writable copy of the corpus texts, for tests that change or break documents."""
    target = tmp_path / "corpus"
    target.mkdir()
    for path in corpus_dir.glob("*.txt"):
        shutil.copy(path, target / path.name)
    return target


@pytest.fixture(scope="session")
def format_twins(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> dict[str, dict[str, Path]]:
    """Each corpus document as .txt, .docx, .pdf (printed by LibreOffice once) and .html: stem -> format -> path.

    Nothing is cached in the repository: the twins are made afresh in a temporary folder each session.
    """
    from twins import PAGE_HEADER, print_pdfs, write_docx, write_html

    from policykg.loaders.extract import extract_text

    out = tmp_path_factory.mktemp("twins")
    twins: dict[str, dict[str, Path]] = {}
    for path in sorted(corpus_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        title = extract_text(text, path.name).meta.title
        stem = path.stem
        twins[stem] = {
            "txt": path,
            "docx": write_docx(text, out / f"{stem}.docx", header=PAGE_HEADER,
                               big=frozenset({title}) if title else frozenset()),
            "html": write_html(text, out / f"{stem}.html"),
        }
    pdfs = print_pdfs([t["docx"] for t in twins.values()], out)
    for t, pdf in zip(twins.values(), pdfs, strict=True):
        t["pdf"] = pdf
    return twins


# What a test needs beyond Python decides its tier (markers declared in setup.cfg): `make check` leaves out
# `slow`, `neo4j`, `browser` and `office`; `make test` runs everything. A test module that needs a program
# throughout says so with `pytestmark`; a fixture that starts one marks every test that uses it, here, so a
# new test asking for it cannot land in the fast tier by mistake.
FIXTURE_MARKERS = {"format_twins": "office", "neo4j_uri": "neo4j", "own_server": "neo4j"}


# `make test` runs on every core (pytest-xdist, `--dist loadgroup`): the tests of one server run on one
# worker, so what they share is made once a run (the session's Neo4j server; the documents LibreOffice
# converts for the format twins). Virtuoso's module says so itself.
SERVER_GROUPS = ("neo4j", "office")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for fixture, marker in FIXTURE_MARKERS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)
        for group in SERVER_GROUPS:
            if item.get_closest_marker(group) is not None:
                item.add_marker(pytest.mark.xdist_group(group))
                break
