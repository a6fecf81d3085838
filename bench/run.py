"""Benchmark policykg on a synthetic corpus: extraction, build, memory, SPARQL, Neo4j, the view.

    python bench/run.py --docs 1000 --json bench-1000.json
    python bench/run.py --docs 10 100 1000 10000 --json-dir bench/results   # the table of docs/performance.md

One run per size: generate the corpus (``bench/generate.py``, deterministic by seed,
reused when already there), build it into a fresh store in a child process (so its peak
memory is its own), rebuild after changing one document, time every canned SPARQL query
on the embedded Oxigraph store and the same text on rdflib's Memory store, load Neo4j
batched (the product's loader) and one transaction per row, and write and open the
whole-graph view in headless Chromium.  Prints a table; ``--json`` writes the numbers.

Not part of the test suite: timings depend on the machine and take minutes at 10,000.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import write_corpus  # noqa: E402  (bench/ is not a package)

TARGETS = {  # issue 8's targets, for the verdict column
    "extract_mb_per_s": (">=", 5.0),
    "build_seconds": ("<=", 300.0),
    "peak_rss_mb": ("<=", 4096.0),
    "sparql_median_ms_max": ("<=", 100.0),
    "sparql_speedup_vs_rdflib_memory": (">=", 15.0),
    "first_page_ms_max": ("<=", 200.0),  # issue 18: the first page (<= 100 rows) of every canned query
    "first_page_speedup_vs_rdflib_memory": (">=", 15.0),
    "neo4j_rows_per_s": (">=", 50_000.0),
    "neo4j_speedup_vs_per_row": (">=", 100.0),
    "neo4j_bulk_rows_per_s": (">=", 50_000.0),
    "neo4j_bulk_speedup_vs_per_row": (">=", 100.0),
    "incremental_seconds": ("<=", 5.0),
    "view_open_seconds": ("<=", 3.0),  # issue 18
}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _timed(fn: Any, repeat: int, budget_s: float = 30.0) -> tuple[float, float, Any]:
    """(median, p95) milliseconds of up to ``repeat`` calls after a warm-up call, and the
    warm-up's result; calls stop once they have taken ``budget_s`` seconds (a warm-up that
    alone took that long is the one timing), so a slow query cannot stall the run."""
    started = time.perf_counter()
    result = fn()
    times = [(time.perf_counter() - started) * 1000]
    if times[0] < budget_s * 1000:
        times = []
        while len(times) < repeat and sum(times) < budget_s * 1000:
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), _percentile(times, 0.95), result


# -- the build, in a child process -----------------------------------------------------
def _build_child(corpus: Path, store: Path, jobs: int) -> None:
    """``--phase build``: build, printing one JSON line per event (files read, phase ended, done)."""
    from policykg.graph.pipeline import build

    started = time.perf_counter()
    read = {"files": 0, "bytes": 0}

    def emit(**fields: Any) -> None:
        print(json.dumps({**fields, **read, "at": time.perf_counter() - started}), flush=True)

    def on_file(path: Path) -> None:
        read["files"] += 1
        read["bytes"] += path.stat().st_size
        if read["files"] % 50 == 0:
            emit(event="files")

    report = build([corpus], store=store, jobs=jobs, on_file=on_file,
                   on_phase=lambda name, seconds: emit(event="phase", phase=name, seconds=seconds))
    emit(event="done", built=len(report.built), reused=len(report.reused), failed=report.failed,
         nodes=report.nodes, edges=report.edges, triples=report.triples, seconds=report.seconds,
         main_peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _tree_rss_mb(root: int) -> float:
    """The resident memory of a process and all its descendants (extraction workers, forkserver)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total / 2**20


PHASES = ("extract", "resolve", "store")


def _build(corpus: Path, store: Path, jobs: int, limit_s: float, max_rss_mb: float) -> dict[str, Any]:
    """Build in a child process watched every half second; stopped (and said so) past a limit.

    Returns the child's events folded into one dict: ``phases`` (seconds of each finished
    phase), ``files``/``bytes`` read so far and when, ``peak_rss_mb`` of the whole process
    tree, and ``stopped`` (why, when, in which phase) or the final ``done`` report.
    """
    import signal
    import tempfile
    import threading

    started = time.perf_counter()
    # stderr to a file, not a pipe nobody reads until the end: a chatty child would block on it.
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as errors:
        child = subprocess.Popen([sys.executable, __file__, "--phase", "build", "--corpus", str(corpus),
                                  "--store", str(store), "--jobs", str(jobs)], stdout=subprocess.PIPE,
                                 stderr=errors, text=True, start_new_session=True)
        events: list[dict[str, Any]] = []
        reader = threading.Thread(target=lambda: events.extend(json.loads(line) for line in child.stdout
                                                                if line.startswith("{")), daemon=True)
        reader.start()
        peak, stopped = 0.0, None
        while child.poll() is None:
            rss, elapsed = _tree_rss_mb(child.pid), time.perf_counter() - started
            peak = max(peak, rss)
            if rss > max_rss_mb or elapsed > limit_s:
                reason = f"memory over {max_rss_mb:,.0f} MB" if rss > max_rss_mb else f"time over {limit_s:,.0f} s"
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
                stopped = {"reason": reason, "after_s": elapsed, "rss_mb": rss}
                break
            time.sleep(0.5)
        reader.join(timeout=10)
        errors.seek(0)
        stderr = errors.read()
    out: dict[str, Any] = {"wall_seconds": time.perf_counter() - started, "peak_rss_mb": peak,
                           "phases": {e["phase"]: e["seconds"] for e in events if e["event"] == "phase"},
                           "files": 0, "bytes": 0, "read_seconds": 0.0}
    if events:
        last = events[-1]
        out.update(files=last["files"], bytes=last["bytes"], read_seconds=last["at"])
    done = next((e for e in events if e["event"] == "done"), None)
    if stopped is not None:
        stopped["phase"] = next((p for p in PHASES if p not in out["phases"]), "store")
        out["stopped"] = stopped
    elif done is None:
        raise SystemExit(f"build failed:\n{stderr[-4000:]}")
    else:
        out.update(done)
    return out


# -- queries -----------------------------------------------------------------------------
def _query_params(graph: Any) -> dict[str, dict[str, str]]:
    """A parameter per parameterised canned query that exercises it: the busiest agency, …"""
    from collections import Counter

    def top(edge_type: str, end: int, node_type: str) -> str | None:
        counts = Counter((u, v)[end] for u, v, d in graph.edges(data=True) if d.get("type") == edge_type)
        best = [n for n, _ in counts.most_common() if graph.nodes[n].get("type") == node_type]
        return best[0] if best else None

    agency = top("LEADS", 0, "Agency")
    indicator = top("HAS_TARGET", 0, "Indicator")
    document = top("CITES", 0, "Document") or next(n for n, d in graph.nodes(data=True) if d["type"] == "Document")
    task = top("SAME_WORK_AS", 0, "Task") or next(n for n, d in graph.nodes(data=True) if d["type"] == "Task")
    # two documents that share the most work, else one document against itself
    shared = max(((d.get("shared_tasks", 0), u, v) for u, v, d in graph.edges(data=True)
                  if d.get("type") == "SHARES_TASKS_WITH"), default=(0, document, document))[1:]
    agency_param = {"agency": graph.nodes[agency]["name"]} if agency else {"agency": "none"}
    return {"agency-tasks": agency_param, "agency-targets": agency_param,
            "target-series": {"indicator": graph.nodes[indicator]["name"]} if indicator else {"indicator": "none"},
            "lineage": {"document": document}, "task-history": {"task": task},
            "document-diff": {"from": shared[0], "to": shared[1]}}


def _within(fn: Any, repeat: int, limit_s: float) -> tuple[float, bool]:
    """``_timed(fn, repeat)``'s median in a forked child, given up after ``limit_s`` seconds:
    (median ms, True) or (``limit_s`` in ms, False)."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")  # the child shares the loaded rdflib graph
    reader, writer = ctx.Pipe(duplex=False)
    child = ctx.Process(target=lambda: writer.send(_timed(fn, repeat, limit_s)[0]), daemon=True)
    child.start()
    finished = reader.poll(limit_s)
    value = reader.recv() if finished else limit_s * 1000
    child.kill()
    child.join()
    return value, finished


FIRST_PAGE = 100


def _queries(store_path: Path, repeat: int, rdflib_max_triples: int, rdflib_limit_s: float) -> dict[str, Any]:
    """Every canned query timed whole and its first page (``FIRST_PAGE`` rows, cut by the store:
    :func:`~policykg.queries.runner.paged_sparql`), on Oxigraph and on rdflib's Memory store."""
    from rdflib import Literal, Variable

    from policykg.graph.rdf import classic_query, to_dataset
    from policykg.graph.store import Store
    from policykg.queries.runner import (
        Page,
        get_query,
        list_queries,
        page_rows_sparql,
        paged_after,
        paged_sparql,
        sparql_rows,
    )

    store = Store(store_path)
    graph = store.load_graph()
    rdf = store.rdf()
    params = _query_params(graph)
    out: dict[str, Any] = {"sparql_median_ms": {}, "sparql_p95_ms": {}, "rdflib_median_ms": {}, "rows": {},
                           "rdflib_timed_out": [], "rdflib_limit_s": rdflib_limit_s, "first_page_ms": {},
                           "first_page_rdflib_ms": {}, "first_page_rdflib_timed_out": []}
    triples = len(rdf)
    memory = None
    if triples <= rdflib_max_triples:
        started = time.perf_counter()
        # rdflib's default store (Memory), by graph as the canned queries read it; rdflib reads
        # no RDF 1.2 triple terms, so the classic form and the queries rewritten for it.
        memory = to_dataset(graph, with_ontology=True)
        memory.default_union = True
        out["rdflib_load_seconds"] = time.perf_counter() - started
    for query in list_queries():
        p = params.get(query.name, {})
        # A query paged after it is read (document-diff: two documents' facts) is read whole.
        # The first page as the runner reads it (its keys, then their details); rdflib below gets the one-query form.
        page = Page() if paged_after(query) else Page(limit=FIRST_PAGE)
        first = paged_sparql(query, page)
        out["first_page_ms"][query.name] = _timed(
            lambda q=query, g=page, p=p: page_rows_sparql(lambda t: rdf.query(t, use_default_graph_as_union=True),
                                                          q, g, p), repeat)[0]
        median, p95, rows = _timed(lambda q=query, p=p: sparql_rows(rdf, q.sparql, p), repeat)
        out["sparql_median_ms"][query.name], out["sparql_p95_ms"][query.name] = median, p95
        out["rows"][query.name] = len(rows)
        if memory is not None:
            bindings = {Variable(k): Literal(v) for k, v in p.items()}
            for text, times, late in ((classic_query(get_query(query.name).sparql), "rdflib_median_ms",
                                       "rdflib_timed_out"),
                                      (classic_query(first), "first_page_rdflib_ms", "first_page_rdflib_timed_out")):
                ms, finished = _within(lambda t=text, b=bindings: list(memory.query(t, initBindings=b)),
                                       max(1, repeat // 3), rdflib_limit_s)
                out[times][query.name] = ms
                if not finished:
                    out[late].append(query.name)
    if memory is not None:
        # A query rdflib did not finish within the limit counts at the limit: a lower bound.
        ratios = [out["rdflib_median_ms"][n] / max(out["sparql_median_ms"][n], 1e-3) for n in out["rdflib_median_ms"]]
        out["sparql_speedup_vs_rdflib_memory"] = statistics.median(ratios)
        out["sparql_speedup_vs_rdflib_memory_min"] = min(ratios)
        ratios = [out["first_page_rdflib_ms"][n] / max(out["first_page_ms"][n], 1e-3) for n in out["first_page_ms"]]
        out["first_page_speedup_vs_rdflib_memory"] = statistics.median(ratios)
        out["first_page_speedup_vs_rdflib_memory_min"] = min(ratios)
    else:
        out["sparql_speedup_vs_rdflib_memory"] = out["first_page_speedup_vs_rdflib_memory"] = None
    out["sparql_median_ms_max"] = max(out["sparql_median_ms"].values())
    out["first_page_ms_max"] = max(out["first_page_ms"].values())
    out["first_page_slowest"] = max(out["first_page_ms"], key=out["first_page_ms"].get)
    return out


# -- Neo4j ---------------------------------------------------------------------------------
def _neo4j(store_path: Path, work: Path, uri: str | None, per_row_sample: int) -> dict[str, Any]:
    from policykg.graph.neo4j import connect, database_counts, load_into, node_records
    from policykg.graph.store import Store

    graph = Store(store_path).load_graph()
    env = {**os.environ, "NEO4J_STATE_DIR": str(work / "neo4j"), "NEO4J_HEAP": os.environ.get("NEO4J_HEAP", "2g")}
    env.pop("NEO4J_PASSWORD", None)
    script = ROOT / "scripts" / "neo4j-server"
    own = uri is None
    if own:
        shutil.rmtree(work / "neo4j" / "data", ignore_errors=True)
        up = subprocess.run([str(script), "up"], env=env, capture_output=True, text=True, check=False)
        if up.returncode != 0:
            raise SystemExit(f"Neo4j did not start:\n{up.stderr[-3000:]}")
        uri = up.stdout.strip().splitlines()[-1].split("=", 1)[1]
    try:
        with connect(uri) as driver:
            with driver.session() as session:
                session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
            summary = load_into(driver, graph)
            rows = summary.nodes + summary.relationships
            counts = database_counts(driver)
            # One transaction per row: the same MERGE for a sample of nodes, each committed alone.
            sample = [r for _, r in zip(range(per_row_sample), node_records(graph), strict=False)]
            with driver.session() as session:
                started = time.perf_counter()
                for rec in sample:
                    session.execute_write(lambda tx, r=rec: tx.run(
                        "MERGE (n:PerRowBench {id: $id}) SET n = $props", id=r.id, props=r.props).consume())
                per_row_seconds = time.perf_counter() - started
                session.run("MATCH (n:PerRowBench) DETACH DELETE n").consume()
        bulk = _neo4j_bulk(graph, work, script, env, counts) if own else {}
    finally:
        if own:
            subprocess.run([str(script), "down"], env=env, capture_output=True, text=True, check=False)
    batched = rows / summary.seconds
    per_row = len(sample) / per_row_seconds
    out = {"neo4j_load_seconds": summary.seconds, "neo4j_rows": rows, "neo4j_counts": list(counts),
           "neo4j_rows_per_s": batched, "neo4j_per_row_rows_per_s": per_row,
           "neo4j_speedup_vs_per_row": batched / per_row, **bulk}
    if bulk:
        out["neo4j_bulk_speedup_vs_per_row"] = bulk["neo4j_bulk_rows_per_s"] / per_row
    return out


def _neo4j_bulk(graph: Any, work: Path, script: Path, env: dict[str, str],
                expected: tuple[int, int]) -> dict[str, Any]:
    """The bulk path for a first load: ``export neo4j-csv`` then ``neo4j-admin database import``
    into the benchmark's own server (stopped for it), checked against the driver load's counts."""
    from policykg.exports.neo4j_csv import write_neo4j_csv
    from policykg.graph.neo4j import connect, database_counts

    subprocess.run([str(script), "down"], env=env, capture_output=True, text=True, check=True)
    folder = work / "neo4j-csv"
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    write_neo4j_csv(graph, folder)
    export_s = time.perf_counter() - started
    started = time.perf_counter()
    command = ["admin", "database", "import", "full", "@import.args", "--overwrite-destination", "neo4j"]
    done = subprocess.run([str(script), *command], env=env, cwd=folder, capture_output=True, text=True, check=False)
    import_s = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"neo4j-admin import failed:\n{(done.stdout + done.stderr)[-3000:]}")
    up = subprocess.run([str(script), "up"], env=env, capture_output=True, text=True, check=True)
    with connect(up.stdout.strip().splitlines()[-1].split("=", 1)[1]) as driver:
        counts = database_counts(driver)
    if tuple(counts) != tuple(expected):
        raise SystemExit(f"neo4j-admin import holds {counts}, the driver load {expected}")
    shutil.rmtree(folder, ignore_errors=True)
    rows = sum(counts)
    return {"neo4j_bulk_export_seconds": export_s, "neo4j_bulk_import_seconds": import_s,
            "neo4j_bulk_rows_per_s": rows / (export_s + import_s)}


# -- the view --------------------------------------------------------------------------------
def _view(store_path: Path, work: Path) -> dict[str, Any]:
    from policykg.exports.viz import write_view
    from policykg.graph.store import Store

    graph = Store(store_path).load_graph()
    page = work / "view.html"
    started = time.perf_counter()
    info = write_view(graph, page, max_nodes=5000)
    out: dict[str, Any] = {"view_write_seconds": time.perf_counter() - started, "view_nodes": info.nodes,
                           "view_edges": info.edges, "view_edges_capped": info.capped}
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser:
        started = time.perf_counter()
        dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                              "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={work / '.chromium'}",
                              "--dump-dom", page.resolve().as_uri()],
                             capture_output=True, check=True, timeout=600, text=True).stdout
        out["view_open_seconds"] = time.perf_counter() - started
        # The time counts only if the page had drawn when it was dumped: its own signal, set after the first draw.
        body = re.search(r"<body\b[^>]*>", dom)
        ready = re.search(r'data-ready-ms="(\d+)"', body.group(0)) if body else None
        if not body or 'data-ready="1"' not in body.group(0) or not ready:
            raise SystemExit(f"the view {page} was dumped before it had drawn: its open time would mean nothing")
        out["view_ready_ms"] = int(ready.group(1))
    return out


# -- one size ------------------------------------------------------------------------------------
def run(n_docs: int, work: Path, seed: int, jobs: int, repeat: int, neo4j_uri: str | None, skip_neo4j: bool,
        rdflib_max_triples: int, rdflib_limit_s: float, per_row_sample: int,
        build_limit_s: float = 1800, build_max_rss_mb: float = 16_000) -> dict[str, Any]:
    """Every measurement for a corpus of ``n_docs`` documents; a flat dict (see the module docstring).

    A build past ``build_limit_s`` or ``build_max_rss_mb`` (the whole process tree) is
    stopped: the result then says when and in which phase (``build_stopped``), keeps what
    was measured until then (extraction throughput so far) and skips what needs the store.
    """
    corpus = work / f"corpus-{n_docs}-{seed}"
    if not (corpus / "manifest.json").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        write_corpus(corpus, n_docs, seed)
    files = sorted(corpus.glob("*.txt"))
    total_bytes = sum(f.stat().st_size for f in files)
    store = work / f"store-{n_docs}"
    shutil.rmtree(store, ignore_errors=True)
    built = _build(corpus, store, jobs, build_limit_s, build_max_rss_mb)
    phases = built["phases"]
    # Extraction throughput: of the whole phase, or of the files read before a stop.
    extract_s, extract_bytes, extract_files = ((phases["extract"], total_bytes, len(files)) if "extract" in phases
                                               else (built["read_seconds"], built["bytes"], built["files"]))
    result: dict[str, Any] = {
        "docs": n_docs, "seed": seed, "jobs": jobs, "corpus_mb": total_bytes / 1e6,
        "extract_seconds": extract_s,
        "extract_mb_per_s": extract_bytes / 1e6 / extract_s if extract_s else None,
        "extract_docs_per_s": extract_files / extract_s if extract_s else None,
        "resolve_seconds": phases.get("resolve"), "store_seconds": phases.get("store"),
        "build_seconds": built["wall_seconds"], "peak_rss_mb": built["peak_rss_mb"],
        "build_limits": {"seconds": build_limit_s, "rss_mb": build_max_rss_mb},
    }
    if "stopped" in built:
        stop = built["stopped"]
        result["build_stopped"] = (f"{stop['reason']} after {stop['after_s']:,.0f} s, in the {stop['phase']} "
                                   f"phase ({built['files']:,} of {len(files):,} files read)")
        result["build_seconds"] = None  # not finished: the wall time so far is in build_stopped
        shutil.rmtree(store, ignore_errors=True)
        return result
    # Sampled every half second, the tree's peak can miss a spike the main process's own peak saw.
    result["peak_rss_mb"] = max(built["peak_rss_mb"], built["main_peak_rss_mb"])
    result.update({"main_peak_rss_mb": built["main_peak_rss_mb"], "failed": len(built["failed"]),
                   "nodes": built["nodes"], "edges": built["edges"], "triples": built["triples"],
                   "triples_per_s": built["triples"] / phases["store"]})
    from policykg.loaders.reading.textio import read_text

    changed = files[len(files) // 2]
    changed.write_text(read_text(changed)[0] + "\n本方案自印发之日起施行。\n", encoding="utf-8")
    try:
        again = _build(corpus, store, jobs, build_limit_s, build_max_rss_mb)
    finally:
        # Leave the generated corpus as generated, for the next run at this size.
        shutil.rmtree(corpus)
        write_corpus(corpus, n_docs, seed)
    result["incremental_seconds"] = again["wall_seconds"] if "stopped" not in again else None
    result["incremental_rebuilt"] = again.get("built")
    result.update(_queries(store, repeat, rdflib_max_triples, rdflib_limit_s))
    if not skip_neo4j:
        result.update(_neo4j(store, work, neo4j_uri, per_row_sample))
    result.update(_view(store, work))
    return result


def _verdict(name: str, value: Any) -> str:
    if name not in TARGETS or value is None:
        return ""
    op, target = TARGETS[name]
    ok = value >= target if op == ">=" else value <= target
    return f"{'met' if ok else 'MISSED'} ({op} {target:g})"


def table(results: list[dict[str, Any]]) -> str:
    """The results side by side, one column per corpus size, with each target's verdict."""
    rows = [("documents", "docs"), ("corpus MB", "corpus_mb"), ("extraction MB/s", "extract_mb_per_s"),
            ("extraction docs/s", "extract_docs_per_s"), ("build s (wall)", "build_seconds"),
            ("  extract s", "extract_seconds"), ("  resolve s", "resolve_seconds"), ("  store s", "store_seconds"),
            ("peak RSS MB", "peak_rss_mb"), ("nodes", "nodes"), ("edges", "edges"), ("triples", "triples"),
            ("store triples/s", "triples_per_s"), ("rebuild 1 changed doc s", "incremental_seconds"),
            ("SPARQL median ms (slowest query)", "sparql_median_ms_max"),
            ("SPARQL speedup vs rdflib Memory (median)", "sparql_speedup_vs_rdflib_memory"),
            ("first page ms (<= 100 rows, slowest query)", "first_page_ms_max"),
            ("first page speedup vs rdflib Memory (median)", "first_page_speedup_vs_rdflib_memory"),
            ("Neo4j load rows/s", "neo4j_rows_per_s"), ("Neo4j speedup vs per-row", "neo4j_speedup_vs_per_row"),
            ("Neo4j bulk import rows/s (CSV + neo4j-admin)", "neo4j_bulk_rows_per_s"),
            ("Neo4j bulk import speedup vs per-row", "neo4j_bulk_speedup_vs_per_row"),
            ("view write s", "view_write_seconds"), ("view nodes", "view_nodes"),
            ("view opens in Chromium s", "view_open_seconds"), ("view drawn after ms", "view_ready_ms")]

    def fmt(v: Any) -> str:
        if v is None:
            return "—"
        return f"{v:,.0f}" if isinstance(v, int) or abs(v) >= 100 else f"{v:.2f}"

    header = ["measure", *(f"{r['docs']:,} docs" for r in results), "target (largest)"]
    lines = [header, ["---"] * len(header)]
    for label, key in rows:
        values = [r.get(key) for r in results]
        # A stopped build's memory so far is no verdict on the build's memory.
        unfinished = results[-1].get("build_stopped") and key == "peak_rss_mb"
        verdict = "not finished" if unfinished else _verdict(key, values[-1]) if key != "docs" else ""
        lines.append([label, *map(fmt, values), verdict])
    lines.append(["slowest canned query", *(max(r["sparql_median_ms"], key=r["sparql_median_ms"].get)
                                            if r.get("sparql_median_ms") else "—" for r in results), ""])
    if any(r.get("build_stopped") for r in results):
        lines.append(["build stopped", *(r.get("build_stopped") or "" for r in results), ""])
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, nargs="+", default=[10], help="corpus sizes (default 10)")
    parser.add_argument("--json", type=Path, help="write the results (a list when several sizes) to this file")
    parser.add_argument("--work", type=Path, default=ROOT / ".bench", help="corpora, stores, Neo4j (default .bench/)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="build processes (default: cores)")
    parser.add_argument("--repeat", type=int, default=9, help="timed runs per query (after a warm-up)")
    parser.add_argument("--neo4j-uri", help="use this Neo4j (its database is wiped!) instead of starting one")
    parser.add_argument("--skip-neo4j", action="store_true")
    parser.add_argument("--rdflib-max-triples", type=int, default=1_500_000,
                        help="compare with rdflib's Memory store up to this many triples (it is slow and big)")
    parser.add_argument("--rdflib-limit-s", type=float, default=30.0,
                        help="give rdflib this long per query; one that takes longer counts at the limit")
    parser.add_argument("--per-row-sample", type=int, default=2000, help="rows written one transaction each")
    parser.add_argument("--build-limit-s", type=float, default=1800,
                        help="stop a build that takes longer (and say so in the results)")
    parser.add_argument("--build-max-rss-mb", type=float, default=16_000,
                        help="stop a build whose processes together hold more memory than this")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path,
                        help="only time the canned queries, on this built store (opened read-only; nothing is built)")
    args = parser.parse_args()
    if args.phase == "build":
        _build_child(args.corpus, args.store, args.jobs)
        return
    if args.store is not None:
        found = {"store": str(args.store), **_queries(args.store, args.repeat, args.rdflib_max_triples,
                                                       args.rdflib_limit_s)}
        print(json.dumps({k: found[k] for k in ("first_page_ms", "first_page_ms_max", "first_page_slowest",
                                                "first_page_speedup_vs_rdflib_memory", "sparql_median_ms_max")},
                         ensure_ascii=False, indent=2))
        if args.json:
            args.json.write_text(json.dumps(found, ensure_ascii=False, indent=2), encoding="utf-8")
        return
    args.work.mkdir(parents=True, exist_ok=True)
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
               "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}
    results = []
    for n in args.docs:
        print(f"bench: {n} documents …", file=sys.stderr, flush=True)
        results.append({**run(n, args.work, args.seed, args.jobs, args.repeat, args.neo4j_uri, args.skip_neo4j,
                              args.rdflib_max_triples, args.rdflib_limit_s, args.per_row_sample,
                              args.build_limit_s, args.build_max_rss_mb), "machine": machine})
        # Written after every size: a long run that is stopped keeps what it measured.
        print(table(results), flush=True)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            data = results[0] if len(results) == 1 else results
            args.json.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
