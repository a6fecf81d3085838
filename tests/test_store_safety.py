"""The store and the build never lose or mix a user's data (issue 13: items 1-4, 6, 8, 12)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner, Result

from policykg.cli.app import main
from policykg.graph import store as store_module
from policykg.graph.store import Store
from policykg.loaders.extract import doc_id_for
from policykg.loaders.workers import NO_LIMITS

CITING = "shengsi-2024-qiyouxiang-workpoints.txt"  # cites the plan below by its title
CITED = "shengsi-2023-qiyouxiang-plan.txt"


@pytest.mark.parametrize("names", [("a.txt", "b.txt"), ("b.txt", "a.txt"),
                                   ("嵊泗县工作要点.txt", "七优享实施方案.txt"),
                                   ("七优享实施方案.txt", "嵊泗县工作要点.txt")])
def test_a_document_citing_one_whose_id_sorts_later_builds(names: tuple[str, str], corpus_dir: Path,
                                                            tmp_path: Path) -> None:
    """The cited document's node used to be created by the CITES edge, untyped: KeyError 'type'."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(corpus_dir / CITING, docs / names[0])
    shutil.copy(corpus_dir / CITED, docs / names[1])
    store = tmp_path / "store"
    result = CliRunner().invoke(main, ["build", str(docs), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "2 built" in result.output
    graph = Store(store).load_graph()
    citing, cited = doc_id_for(names[0]), doc_id_for(names[1])
    assert graph.nodes[cited]["type"] == "Document" and not graph.nodes[cited].get("cited_only")
    assert "CITES" in {rel for _, to, rel in graph.out_edges(citing, data="type") if to == cited}


# -- helpers ---------------------------------------------------------------------------------

_CLI = "from policykg.cli import main; main()"


def _doc(folder: Path, name: str, agency: str = "县民政局") -> Path:
    """A small document of its own (its title and task differ by ``name``)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"某县{Path(name).stem}工作方案\n\n二、主要任务\n\n1.推进{Path(name).stem}工作。(责任单位:{agency})\n",
                    encoding="utf-8")
    return path


def _build(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["build", *map(str, args)])


def _ids(store: Path) -> list[str]:
    return [d["doc_id"] for d in Store(store).manifest()["documents"]]


def _ok(result: Result) -> None:
    assert result.exit_code == 0, (result.output, result.exception)


def _refused(result: Result, *expected: str) -> None:
    """A clear message, no traceback, a non-zero exit."""
    assert result.exit_code == 2, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.output, result.output


# -- item 2: a changed extractor never drops stored documents ---------------------------------

def _upgrade(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a new release, or one line added to a gazetteer, does to the extractor's fingerprint."""
    monkeypatch.setattr(store_module, "extractor_version", lambda: "0123456789abcdef")


def test_after_an_upgrade_stored_documents_are_extracted_again_not_dropped(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    _ok(_build(_doc(tmp_path / "old", "alpha.txt"), _doc(tmp_path / "old", "beta.txt"), "--store", store))
    before = Store(store).load_graph()
    _upgrade(monkeypatch)

    result = _build(_doc(tmp_path / "new", "gamma.txt"), "--store", store)

    _ok(result)
    assert "1 built, 0 unchanged, 2 kept, 0 failed, 0 skipped, 2 re-extracted" in result.output
    assert _ids(store) == ["alpha", "beta", "gamma"]
    after = Store(store).load_graph()
    assert {n for n, t in before.nodes(data="type") if t == "Task"} <= set(after.nodes)
    # and the extractions made again are reused from then on
    again = _build(_doc(tmp_path / "new", "delta.txt"), "--store", store)
    assert "1 built, 0 unchanged, 3 kept, 0 failed, 0 skipped\n" in again.output


def test_a_rule_changed_in_a_loaders_subfolder_changes_the_extractor_fingerprint(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The loaders live in stage folders (reading/, tabular/ …): a fingerprint of the top folder
    alone would keep serving extractions made by the old rule."""
    loaders = tmp_path / "loaders"
    (loaders / "tabular").mkdir(parents=True)
    (loaders / "__init__.py").write_text("")
    rule = loaders / "tabular" / "table_header.py"
    rule.write_text("MAX_HEADER_CELLS = 12\n")
    monkeypatch.setattr(store_module, "loaders_package", SimpleNamespace(__file__=str(loaders / "__init__.py")))
    store_module.extractor_version.cache_clear()
    try:
        before = store_module.extractor_version()
        rule.write_text("MAX_HEADER_CELLS = 13\n")
        store_module.extractor_version.cache_clear()
        assert store_module.extractor_version() != before
    finally:
        store_module.extractor_version.cache_clear()


def test_when_a_stored_document_cannot_be_extracted_again_the_build_fails_naming_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store written before originals were kept: the build refuses rather than drop documents."""
    store = tmp_path / "store"
    _ok(_build(_doc(tmp_path / "old", "alpha.txt"), _doc(tmp_path / "old", "beta.txt"), "--store", store))
    shutil.rmtree(store / "sources")
    live = Store(store).current()
    _upgrade(monkeypatch)

    result = _build(_doc(tmp_path / "new", "gamma.txt"), "--store", store)

    _refused(result, str(store), "alpha.txt (alpha)", "beta.txt (beta)", "--fresh")
    assert Store(store).current() == live and _ids(store) == ["alpha", "beta"]


def test_a_damaged_cached_extraction_is_made_again_from_the_stored_original(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _ok(_build(_doc(tmp_path / "old", "alpha.txt"), "--store", store))
    (cached,) = (store / "extractions").iterdir()
    cached.write_text('{"format": "1", "doc": {', encoding="utf-8")

    result = _build(_doc(tmp_path / "new", "beta.txt"), "--store", store)

    _ok(result)
    assert "1 built, 0 unchanged, 1 kept, 0 failed, 0 skipped, 1 re-extracted" in result.output
    assert _ids(store) == ["alpha", "beta"]
    again = _build(tmp_path / "new" / "beta.txt", "--store", store)  # and the extraction is whole again
    assert "0 built, 1 unchanged, 1 kept, 0 failed, 0 skipped\n" in again.output


def test_a_damaged_manifest_is_a_message_and_a_fresh_build_repairs_it(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _ok(_build(_doc(tmp_path, "alpha.txt"), "--store", store))
    manifest = Store(store).current() / "manifest.json"
    manifest.write_text("{", encoding="utf-8")

    _refused(_build(_doc(tmp_path, "beta.txt"), "--store", store), str(manifest), "--fresh")

    _ok(_build(tmp_path / "alpha.txt", tmp_path / "beta.txt", "--store", store, "--fresh"))
    assert _ids(store) == ["alpha", "beta"]
    # the same graph as the damaged version: its manifest is written again in place
    version = Store(store).current()
    (version / "manifest.json").write_text("[]", encoding="utf-8")
    _ok(_build(tmp_path / "alpha.txt", tmp_path / "beta.txt", "--store", store, "--fresh"))
    assert Store(store).current() == version and _ids(store) == ["alpha", "beta"]
    assert Store(store).manifest()["triples"] == len(Store(store).rdf())


# -- item 3: one writer at a time, readers never wait -----------------------------------------

def _popen_build(*args: str | Path, stderr: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != store_module.PAUSE_ENV}
    with open(stderr, "wb") as err:
        return subprocess.Popen([sys.executable, "-c", _CLI, "build", *map(str, args)], env=env,
                                stdout=subprocess.DEVNULL, stderr=err)


def _until(ready: Callable[[], bool], what: str, procs: Iterable[subprocess.Popen] = ()) -> None:
    deadline = time.monotonic() + 300  # bounds a hang; the test never depends on how fast it is
    while not ready():
        for proc in procs:
            if proc.poll() is not None:
                raise AssertionError(f"a build ended before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"never saw {what}")
        time.sleep(0.02)


@pytest.mark.slow  # two build processes and a third build: each process pays policykg's 3 s import
def test_two_builds_at_once_take_turns_and_keep_both_documents(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _ok(_build(_doc(tmp_path, "base.txt"), "--store", store))
    first = _popen_build(_doc(tmp_path, "first.txt"), "--store", store, stderr=tmp_path / "first.err")
    second = None
    try:
        lock = store / store_module.LOCK
        _until(lambda: lock.read_text().strip() == str(first.pid), "the first build take the lock", [first])
        os.kill(first.pid, signal.SIGSTOP)  # holds the lock for as long as the test needs

        refused = _build(_doc(tmp_path, "second.txt"), "--store", store, "--wait", "0")
        _refused(refused, str(store), f"pid {first.pid}", "--wait")
        # readers never wait for the lock
        listed = CliRunner().invoke(main, ["query", "documents", "--store", str(store), "--format", "json"])
        _ok(listed)
        assert '"base"' in listed.output

        second = _popen_build(tmp_path / "second.txt", "--store", store, "--wait", "600",
                              stderr=tmp_path / "second.err")
        _until(lambda: "waiting up to 600 s" in (tmp_path / "second.err").read_text(), "the second build wait",
               [second])
        os.kill(first.pid, signal.SIGCONT)
        assert first.wait(timeout=600) == 0, (tmp_path / "first.err").read_text()[-2000:]
        assert second.wait(timeout=600) == 0, (tmp_path / "second.err").read_text()[-2000:]
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                os.kill(proc.pid, signal.SIGCONT)
                proc.kill()
                proc.wait()
    assert _ids(store) == ["base", "first", "second"]
    assert [p.name for p in store.glob("v-*")] == [Store(store).current().name]
    assert not list(store.glob(".staging-*"))


# -- item 4: the store folder is policykg's, and policykg removes only what it wrote ------------

def _user_files(folder: Path) -> dict[Path, str]:
    files = {folder / "v-2023-drafts" / "draft.txt": "草稿", folder / ".staging-notes" / "n.txt": "笔记",
             folder / "extractions" / "notes.json": "{}", folder / "sources" / "mine.txt": "我的"}
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return files


def test_a_folder_of_the_users_own_files_is_refused_as_a_store(tmp_path: Path) -> None:
    mydocs = tmp_path / "mydocs"
    _doc(mydocs, "plan.txt")
    files = _user_files(mydocs)

    result = _build(mydocs, "--store", mydocs)

    _refused(result, str(mydocs), "not a policykg store")
    assert all(path.read_text(encoding="utf-8") == text for path, text in files.items())
    assert sorted(p.name for p in mydocs.iterdir()) == [".staging-notes", "extractions", "plan.txt", "sources",
                                                         "v-2023-drafts"]


def test_a_store_prunes_only_the_names_policykg_writes(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _ok(_build(_doc(tmp_path, "alpha.txt"), "--store", store))
    files = _user_files(store)

    _ok(_build(_doc(tmp_path, "alpha.txt", agency="县财政局"), "--store", store))  # a new version, pruned

    assert all(path.read_text(encoding="utf-8") == text for path, text in files.items())
    assert len(list(store.glob("v-*"))) == 2  # the live version and the user's v-2023-drafts


def test_a_store_built_by_the_previous_release_is_accepted_and_marked(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _ok(_build(_doc(tmp_path, "alpha.txt"), "--store", store))
    (store / store_module.MARKER).unlink()  # the previous release wrote no marker

    _ok(_build(_doc(tmp_path, "beta.txt"), "--store", store))

    assert (store / store_module.MARKER).is_file() and _ids(store) == ["alpha", "beta"]


def test_a_new_store_another_build_is_creating_is_not_taken_for_a_users_folder(tmp_path: Path) -> None:
    """Two builds making one new store: the second sees the first's lock file before its marker."""
    store = tmp_path / "store"
    store.mkdir()
    (store / store_module.LOCK).write_text("", encoding="utf-8")
    (store / f"{store_module.MARKER}.{os.getpid() + 1}.tmp").write_text("", encoding="utf-8")

    _ok(_build(_doc(tmp_path, "alpha.txt"), "--store", store))


def test_a_store_of_a_newer_format_is_left_alone(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _ok(_build(_doc(tmp_path, "alpha.txt"), "--store", store))
    (store / store_module.MARKER).write_text('{"store_format": 99}', encoding="utf-8")
    live = Store(store).current()

    _refused(_build(_doc(tmp_path, "beta.txt"), "--store", store), str(store), "newer policykg")
    assert Store(store).current() == live


# -- item 6: ids unique across builds ----------------------------------------------------------

def test_file_names_that_differ_only_in_chinese_get_different_ids() -> None:
    assert doc_id_for("嵊泗县工作要点(final).docx") != doc_id_for("定海区工作要点(final).docx")
    assert doc_id_for("嵊泗县工作要点(final).docx").startswith("final-docx-")
    # ASCII names keep the ids users and tests rely on
    assert [doc_id_for(n) for n in ("plan.txt", "plan.pdf", "Dinghai 2023 Plan (final).txt")] == [
        "plan", "plan-pdf", "dinghai-2023-plan-final"]


def test_a_file_with_the_id_of_a_stored_document_from_elsewhere_is_named_in_a_warning(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first, second = _doc(tmp_path / "shengsi", "plan.txt"), _doc(tmp_path / "dinghai", "plan.txt", "区民政局")
    _ok(_build(first, "--store", store))

    replaced = _build(second, "--store", store)

    _ok(replaced)
    assert "warning:" in replaced.output
    assert str(second.resolve()) in replaced.output and str(first.resolve()) in replaced.output
    # the same file built again is an update, and says nothing
    edited = _doc(tmp_path / "dinghai", "plan.txt", "区财政局")
    again = _build(edited, "--store", store)
    _ok(again)
    assert "warning" not in again.output and "1 built" in again.output


@pytest.mark.parametrize("path_recorded", [False, True], ids=["previous-release", "path-recorded"])
def test_a_document_stored_under_an_earlier_id_is_replaced_by_its_file_not_doubled(
        path_recorded: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The previous release gave 嵊泗县工作要点(final).txt the id `final` (and recorded no path)."""
    from policykg.graph import pipeline
    from policykg.loaders import extract

    def earlier(name: str | os.PathLike[str]) -> str:
        return "final" if "(final)" in str(name) else doc_id_for(name)

    store = tmp_path / "store"
    path = _doc(tmp_path, "嵊泗县工作要点(final).txt")
    with monkeypatch.context() as m:
        m.setattr(extract, "doc_id_for", earlier)
        m.setattr(pipeline, "doc_id_for", earlier)
        # in this process (no limits, one job): worker processes would not see the monkeypatch
        assert pipeline.build([path, _doc(tmp_path, "alpha.txt")], store=store, limits=NO_LIMITS).ok
    if not path_recorded:
        live = Store(store).current() / "manifest.json"
        manifest = json.loads(live.read_text(encoding="utf-8"))
        documents = [{k: v for k, v in d.items() if k != "path"} for d in manifest["documents"]]
        live.write_text(json.dumps({**manifest, "documents": documents}), encoding="utf-8")
    assert sorted(_ids(store)) == ["alpha", "final"]

    _ok(_build(_doc(tmp_path, "嵊泗县工作要点(final).txt", "县财政局"), "--store", store))

    assert sorted(_ids(store)) == ["alpha", doc_id_for(path)]


def test_a_file_that_fails_does_not_take_over_the_stored_document_of_its_id(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = _doc(tmp_path / "shengsi", "plan.txt")
    _ok(_build(first, "--store", store))
    broken = tmp_path / "dinghai" / "plan.txt"
    broken.parent.mkdir()
    broken.write_bytes(b"")
    assert _build(broken, "--store", store).exit_code == 1

    again = _build(_doc(tmp_path / "shengsi", "plan.txt", "县财政局"), "--store", store)

    _ok(again)
    assert "warning" not in again.output
    assert [d["path"] for d in Store(store).documents()] == [str(first.resolve())]


# -- item 8: a store that cannot be written is a message, and leaves nothing behind ------------

def test_a_full_disk_is_a_message_naming_the_store_and_the_old_graph_stays(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    _ok(_build(_doc(tmp_path, "alpha.txt"), "--store", store))
    live = Store(store).current()

    def full(*args: object, **kwargs: object) -> str:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(store / "shared.json"))

    monkeypatch.setattr(store_module, "_write_node_link", full)
    _refused(_build(_doc(tmp_path, "beta.txt"), "--store", store), str(store), "No space left on device")
    assert Store(store).current() == live and _ids(store) == ["alpha"]
    assert not list(store.glob(".staging-*"))

    monkeypatch.undo()
    _ok(_build(tmp_path / "beta.txt", "--store", store))
    assert _ids(store) == ["alpha", "beta"]


def test_a_read_only_file_system_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    _ok(_build(_doc(tmp_path, "alpha.txt"), "--store", store))

    def read_only(path: Path, data: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(store_module, "_write_atomic", read_only)
    _refused(_build(_doc(tmp_path, "beta.txt"), "--store", store), str(store), "Read-only file system")
    assert _ids(store) == ["alpha"] and not list(store.glob(".staging-*"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through chmod; the monkeypatched test covers it")
def test_a_read_only_store_folder_is_a_message(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _ok(_build(_doc(tmp_path, "alpha.txt"), "--store", store))
    for folder in (store, *[p for p in store.rglob("*") if p.is_dir()]):
        folder.chmod(0o555)
    try:
        _refused(_build(_doc(tmp_path, "beta.txt"), "--store", store), str(store), "Permission denied")
    finally:
        for folder in (store, *[p for p in store.rglob("*") if p.is_dir()]):
            folder.chmod(0o755)
    assert _ids(store) == ["alpha"]


def test_staging_left_by_a_dead_build_is_cleaned_by_the_next(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _ok(_build(_doc(tmp_path, "alpha.txt"), "--store", store))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftovers = [store / f".staging-{dead.stdout.strip()}", store / f".staging-{dead.stdout.strip()}-0badcafe",
                 store / f"CURRENT.{dead.stdout.strip()}.tmp"]
    for path in leftovers[:2]:
        (path / "oxigraph").mkdir(parents=True)
        (path / "graph.json").write_text("{", encoding="utf-8")
    leftovers[2].write_text("v-", encoding="utf-8")

    _ok(_build(_doc(tmp_path, "beta.txt"), "--store", store))

    assert not [p for p in leftovers if p.exists()] and _ids(store) == ["alpha", "beta"]


# -- item 12: long file names ------------------------------------------------------------------

def test_a_221_character_file_name_builds_with_a_bounded_id(tmp_path: Path) -> None:
    store = tmp_path / "store"
    path = _doc(tmp_path / "docs", "county-plan-" + "x" * 205 + ".txt")
    assert len(path.name) == 221

    _ok(_build(path, "--store", store))

    (doc_id,) = _ids(store)
    assert len(doc_id) <= 64 and doc_id == doc_id_for(path)
    assert all(len(p.name) < 255 for p in (store / "extractions").iterdir())
    assert doc_id_for("b" * 300 + ".txt") != doc_id_for("b" * 299 + "c.txt")
