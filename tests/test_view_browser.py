"""The HTML view in a real browser: headless Chromium opens views of the real corpus plus a
hostile document, draws every node the page carries, runs no script from document text —
not on load and not when a tooltip shows — and leaves a screenshot in the test's tmp dir.

Chromium runs with ``--dump-dom`` and a virtual-time budget. A probe script, appended to a
copy of the page, waits for the page's own "laid out" signal (``data-ready`` on ``<body>``),
hovers every node whose text is hostile and writes what it saw into the DOM as JSON, which
the dump carries back. The page itself is opened as written for the screenshot. Host names
resolve nowhere, so a page that needed the network would not draw.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.cli import main
from policykg.exports.viz import page_data, write_view
from policykg.graph.store import Store

pytestmark = pytest.mark.browser  # headless Chromium

PWN = "window.__pwned=1"
SCRIPT = f"<script>{PWN}</script>"
IMG = f'<img src=x onerror="{PWN}">'
LINK = f'<a href="javascript:{PWN}">链接</a>'
HOSTILE_DOC = "hostile-2024-test-plan"
# A small plan in the corpus's own genre whose title, domain, task texts and unit lists carry markup.
HOSTILE_TEXT = f"""文号:

    嵊政办发〔2024〕99号

嵊泗县人民政府办公室关于印发《2024年嵊泗县"测试"{SCRIPT}工作方案》的通知

2024年嵊泗县"测试"{SCRIPT}工作方案

一、主要任务

(一)围绕"学有优教"推进{IMG}测试工作。

1.推进{SCRIPT}学校"布局"优化,做好 href="javascript:{PWN}" 的'引号'测试。(责任单位:县教育局、县{SCRIPT}局、县财政局)

2.建设{IMG}平台,完善{LINK}服务。(牵头单位:县{IMG}局;配合单位:县卫健局、县"引号"局)
"""
BUDGET_MS = 20000

# Both probes start once the page says it is ready (body[data-ready]), and report a timeout after 20 s.
WHEN_READY = """function whenReady(out, report, then) {
    var tries = 0;
    (function wait() {
      if (document.body.dataset.ready !== "1") {
        if ((tries += 1) > 400) { out.timeout = true; report(); return; }
        setTimeout(wait, 50);
        return;
      }
      then();
    })();
  }"""
PROBE = r"""
<script>
(function () {
  "use strict";
  var out = {tooltips: []};
  function report() {
    out.pwned = typeof window.__pwned !== "undefined";
    var pre = document.createElement("pre");
    pre.id = "probe-result";
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }
  function positions() {
    var pos = network.getPositions();
    Object.keys(pos).forEach(function (k) { pos[k] = [Math.round(pos[k].x), Math.round(pos[k].y)]; });
    return pos;
  }
  function ink() {
    var c = document.querySelector("#mynetwork canvas");
    var px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data, n = 0;
    for (var i = 3; i < px.length; i += 4) { if (px[i] > 0) { n += 1; } }
    return n;
  }
  function hover(id, i) {
    // Park the node alone far away (each in its own spot) and put the pointer on it, so no other
    // node takes the hover; redraw first, as vis-network hit-tests against the last drawn positions.
    var spot = {x: 100000 + 1000 * i, y: 100000};
    network.moveNode(id, spot.x, spot.y);
    network.moveTo({position: spot, scale: 1, animation: false});
    network.redraw();
    var canvas = document.querySelector("#mynetwork canvas"), rect = canvas.getBoundingClientRect();
    var p = network.canvasToDOM(spot);
    canvas.dispatchEvent(new MouseEvent("mousemove", {clientX: rect.left + p.x, clientY: rect.top + p.y,
                                                      bubbles: true}));
  }
  /*WHEN_READY*/
  whenReady(out, report, function () {
    out.renderedNodes = Number(document.body.dataset.renderedNodes);
    out.renderedEdges = Number(document.body.dataset.renderedEdges);
    out.status = document.getElementById("pkg-status").textContent;
    out.heading = document.querySelector("#pkg-header h1").textContent;
    out.physicsOn = network.physics.options.enabled;
    out.titlesAreElements = nodes.get().concat(edges.get()).every(function (x) { return x.title instanceof Element; });
    out.ink = ink();
    var before = positions();
    setTimeout(function () {
      out.settled = JSON.stringify(positions()) === JSON.stringify(before);
      var hostile = nodes.get().filter(function (n) { return n.searchText.indexOf("__pwned") !== -1; });
      (function next(i) {
        if (i >= hostile.length) { report(); return; }
        hover(hostile[i].id, i);
        setTimeout(function () {
          var tip = document.querySelector("div.vis-tooltip");
          out.tooltips.push({label: hostile[i].label, fullLabel: hostile[i].fullLabel,
                             shown: !!tip && tip.style.visibility === "visible",
                             text: tip ? tip.textContent : null,
                             elements: tip ? tip.querySelectorAll("script, img, a, iframe, svg").length : -1});
          next(i + 1);
        }, 500);
      })(0);
    }, 1500);
  });
})();
</script>
""".replace("/*WHEN_READY*/", WHEN_READY)


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("headless Chromium is missing: run scripts/system-deps (Debian package `chromium`)")
    return found


def _browse(chromium: str, page: Path, *action: str) -> str:
    profile = page.parent / f".chromium-{page.stem}-{action[0].lstrip('-').split('=')[0]}"
    run = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-extensions", "--no-first-run", "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND",
         f"--user-data-dir={profile}", f"--virtual-time-budget={BUDGET_MS}", "--window-size=1400,900",
         *action, page.resolve().as_uri()],
        capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout


def _probe(chromium: str, page: Path) -> tuple[dict, str]:
    """Open a copy of ``page`` with the probe appended; return what the probe saw and the final DOM."""
    text = page.read_text(encoding="utf-8")
    head, sep, tail = text.rpartition("</body>")
    probed = page.with_name(f"{page.stem}.probe.html")
    probed.write_text(head + PROBE + sep + tail, encoding="utf-8")
    dom = _browse(chromium, probed, "--dump-dom")
    found = re.search(r'<pre id="probe-result">(.*?)</pre>', dom, re.S)
    assert found, "the probe never reported: the page did not finish laying out\n" + dom[-2000:]
    return json.loads(html.unescape(found.group(1))), dom


def _screenshot(chromium: str, page: Path) -> Path:
    png = page.with_suffix(".png")
    _browse(chromium, page, f"--screenshot={png}")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == (1400, 900)
    assert len(data) > 50_000, f"{png} looks blank"
    return png


def _assert_safe(seen: dict, dom: str, hostile_nodes: int) -> None:
    assert not seen["pwned"], "a script from document text ran"
    assert seen["titlesAreElements"], "a tooltip would be parsed as HTML"
    assert "<script>window" not in dom and "<img src=" not in dom and 'href="javascript' not in dom
    assert len(seen["tooltips"]) >= hostile_nodes
    for tip in seen["tooltips"]:
        assert tip["shown"], f"no tooltip showed for {tip['label']!r}"
        assert tip["text"].split("\n")[0] == html.unescape(tip["fullLabel"]), "the hovered node's own tooltip"
        assert tip["elements"] == 0 and "__pwned" in tip["text"], tip


def _assert_drawn(seen: dict, nodes: int, edges: int) -> None:
    assert not seen.get("timeout"), "the page never said it was laid out"
    assert (seen["renderedNodes"], seen["renderedEdges"]) == (nodes, edges)
    assert seen["status"].startswith(f"{nodes} nodes · {edges} edges")
    assert seen["physicsOn"] is False and seen["settled"], "the layout must stop moving"
    assert seen["ink"] > 20_000, "the canvas is (nearly) blank"


@pytest.fixture()
def hostile_store(corpus_copy: Path, tmp_path: Path) -> Path:
    (corpus_copy / f"{HOSTILE_DOC}.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    store = tmp_path / "store"
    result = CliRunner().invoke(main, ["build", str(corpus_copy), "--store", str(store)])
    assert result.exit_code == 0, result.output
    return store


def _viz(store: Path, page: Path, *focus: str) -> None:
    result = CliRunner().invoke(main, ["viz", "-o", str(page), "--store", str(store), *focus])
    assert result.exit_code == 0, result.output


def test_whole_corpus_view_draws_every_node_and_runs_no_document_script(chromium, hostile_store, tmp_path):
    graph = Store(hostile_store).load_graph()
    hostile = [n for n, d in graph.nodes(data=True) if "__pwned" in str(d.get("label"))]
    assert len(hostile) >= 5, "the hostile document should give a title, a domain, tasks and agencies"
    drawn = graph.subgraph([n for n, d in graph.nodes(data=True) if d.get("type") != "Target"])
    page = tmp_path / "page.html"
    _viz(hostile_store, page, "--whole")

    text = page.read_text(encoding="utf-8")
    lines = len(page_data(text)[1])
    assert lines < drawn.number_of_edges(), "the busiest agencies have more links than lines drawn"
    assert f"Showing {lines} of {drawn.number_of_edges()} edges: at most" in text

    seen, dom = _probe(chromium, page)
    _assert_drawn(seen, drawn.number_of_nodes(), lines)
    _assert_safe(seen, dom, len(hostile))
    assert seen["heading"] == "policykg — whole graph"
    any_tip = next(t["text"] for t in seen["tooltips"] if "Task" in t["text"] and "建设" in t["text"])
    assert IMG in any_tip and LINK in any_tip, "tooltips show the document's text as it was written"
    _screenshot(chromium, page)


def test_focused_view_shows_a_hostile_name_in_its_heading_as_text(chromium, hostile_store, tmp_path):
    graph = Store(hostile_store).load_graph()
    name = next(d["name"] for _, d in graph.nodes(data=True) if d.get("type") == "Agency" and "onerror" in d["name"])
    page = tmp_path / "agency.html"
    _viz(hostile_store, page, "--agency", name, "--depth", "2")
    nodes, edges = page_data(page.read_text(encoding="utf-8"))

    seen, dom = _probe(chromium, page)
    _assert_drawn(seen, len(nodes), len(edges))
    _assert_safe(seen, dom, 3)
    assert seen["heading"] == f"policykg — agency: {name} (within 2 hops)"


def test_large_view_with_fixed_positions_draws_without_physics(chromium, corpus_graph, tmp_path):
    page = tmp_path / "targets.html"
    info = write_view(corpus_graph, page, targets=True)
    assert not info.physics and info.nodes == corpus_graph.number_of_nodes()

    seen, _ = _probe(chromium, page)
    _assert_drawn(seen, info.nodes, info.edges)
    assert seen["tooltips"] == [] and not seen["pwned"]


OVERVIEW_PROBE = r"""
<script>
(function () {
  "use strict";
  var out = {};
  function report() {
    var pre = document.createElement("pre");
    pre.id = "probe-result";
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }
  function kinds(into) {
    nodes.get().forEach(function (n) { into["node:" + n.kind] = 1; });
    edges.get().forEach(function (e) { into["line:" + e.kind] = 1; });
  }
  function labels() {
    // Every label as vis-network drew it at the current zoom: its box in canvas units, and whether
    // it is big enough to be drawn at all.
    return network.body.nodeIndices.map(function (id) {
      var l = network.body.nodes[id].labelModule;
      return {id: id, text: nodes.get(id).fullLabel, visible: l.visible(),
              box: [l.size.left, l.size.top, l.size.width, l.size.height]};
    });
  }
  /*WHEN_READY*/
  whenReady(out, report, function () {
    out.nodes = nodes.length;
    out.edges = edges.length;
    out.labels = labels();
    out.legend = Array.prototype.map.call(document.querySelectorAll("#pkg-legend li"),
                                          function (li) { return li.dataset.kind; });
    out.drawn = {};
    kinds(out.drawn);
    var overviewKinds = JSON.parse(JSON.stringify(out.drawn));
    out.overviewKinds = Object.keys(overviewKinds);
    // Drill into every node, then come back.
    out.drills = [];
    var ids = nodes.getIds();
    ids.forEach(function (id) {
      var label = nodes.get(id).fullLabel;
      var opened = window.pkgDrill(id);
      out.drills.push({label: label, opened: opened, nodes: nodes.length, edges: edges.length,
                       heading: document.querySelector("#pkg-header h1").textContent,
                       titlesAreElements: nodes.get().concat(edges.get()).every(function (x) {
                         return x.title instanceof Element; })});
      kinds(out.drawn);
      document.getElementById("pkg-back").click();
    });
    out.back = {nodes: nodes.length, edges: edges.length, hidden: document.getElementById("pkg-back").hidden,
                heading: document.querySelector("#pkg-header h1").textContent};
    out.drawn = Object.keys(out.drawn);
    out.pwned = typeof window.__pwned !== "undefined";
    report();
  });
})();
</script>
""".replace("/*WHEN_READY*/", WHEN_READY)


def _overlaps(labels: list[dict]) -> list[tuple[str, str]]:
    shown = [label for label in labels if label["visible"]]
    pairs = []
    for i, a in enumerate(shown):
        ax, ay, aw, ah = a["box"]
        for b in shown[i + 1:]:
            bx, by, bw, bh = b["box"]
            if ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah:
                pairs.append((a["text"], b["text"]))
    return pairs


def test_overview_answers_who_does_what_legibly_and_drills_down(chromium, hostile_store, tmp_path):
    """The default view: agencies and areas only, every label drawn and none over another at the
    default zoom, a legend of exactly the kinds drawn (drill-downs included), and a drill-down per
    node that shows its tasks as text, never as markup."""
    from policykg.exports.matrix import matrix_cells

    graph = Store(hostile_store).load_graph()
    cells, _ = matrix_cells(graph)
    page = tmp_path / "overview.html"
    _viz(hostile_store, page)
    text = page.read_text(encoding="utf-8")
    head, sep, tail = text.rpartition("</body>")
    probed = page.with_name("overview.probe.html")
    probed.write_text(head + OVERVIEW_PROBE + sep + tail, encoding="utf-8")
    dom = _browse(chromium, probed, "--dump-dom")
    found = re.search(r'<pre id="probe-result">(.*?)</pre>', dom, re.S)
    assert found, "the probe never reported\n" + dom[-2000:]
    seen = json.loads(html.unescape(found.group(1)))

    assert not seen.get("timeout") and not seen["pwned"]
    agencies, areas = {c.agency_id for c in cells}, {c.column for c in cells}
    assert (seen["nodes"], seen["edges"]) == (len(agencies) + len(areas), len(cells)), "agencies × areas only"
    assert set(seen["overviewKinds"]) <= {"node:Agency", "node:Domain", "line:lead", "line:inherited",
                                          "line:participant", "line:responsible"}
    hidden = [label["text"] for label in seen["labels"] if not label["visible"]]
    assert not hidden, f"labels too small to draw at the default zoom: {hidden[:5]}"
    assert _overlaps(seen["labels"]) == [], "labels overlap at the default zoom"
    assert sorted(seen["legend"]) == sorted(seen["drawn"]), "the legend lists exactly what is drawn"
    assert all(d["opened"] and d["titlesAreElements"] for d in seen["drills"])
    busiest = max(agencies, key=lambda a: sum(c.tasks for c in cells if c.agency_id == a))
    drill = next(d for d in seen["drills"] if html.unescape(d["label"]) == graph.nodes[busiest]["name"])
    tasks = {c.column: c.tasks for c in cells if c.agency_id == busiest}
    assert drill["nodes"] == 1 + sum(tasks.values()) + len(tasks), "the agency, its tasks, their areas"
    assert drill["heading"] == f"policykg — agency: {graph.nodes[busiest]['name']} (its tasks)"
    assert seen["back"] == {"nodes": seen["nodes"], "edges": seen["edges"], "hidden": True,
                            "heading": "policykg — who does what"}
    _screenshot(chromium, page)
