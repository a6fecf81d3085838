"""Analyst exports: responsibility matrix (xlsx/csv/DataFrame), HTML view, graph files.

The graph is built by hand in the canonical schema of ``graph/build.py`` and carries
hostile text (markup, quotes, ``href``, spreadsheet formulas) in labels, aliases and quotes.
"""

from __future__ import annotations

import configparser
import csv
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from policykg.exports import (
    assignments,
    matrix_frame,
    matrix_rows,
    write_gexf,
    write_graphml,
    write_matrix,
    write_node_link_json,
    write_rdf,
    write_view,
)
from policykg.exports.styles import STYLES_PATH, edge_style, node_style, role
from policykg.exports.viz import PHYSICS_LIMIT, page_data

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
QUOTES = "\"'"
HREF = '<a href="javascript:alert(1)">x</a>'
FORMULA = '=HYPERLINK("http://evil.example","点我")'
DOC = "shengsi-2024-demo"


def _edge(g: nx.MultiDiGraph, u: str, v: str, rel: str, **attrs) -> None:
    key = f"edge-{u}-{rel}-{v}-{attrs.get('via', '')}"
    g.add_edge(u, v, key=key, id=key, type=rel, **attrs)


def _role(g, agency, task, rel, start, as_written, via=None, order=0):
    _edge(g, agency, task, rel, doc_id=DOC, start=start, end=start + len(as_written), quote=as_written,
          as_written=as_written, order=order, **({"via": via} if via else {}))


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node(DOC, id=DOC, type="Document", label=f"嵊泗县行动方案 {SCRIPT}", doc_id=DOC, source=f"{DOC}.txt",
               title=f"嵊泗县行动方案 {SCRIPT}", jurisdiction="嵊泗县")
    g.add_node("jur", id="jur", type="Jurisdiction", label="嵊泗县", name="嵊泗县", kind="county")
    domains = {"dom-edu": "学有优教", "dom-health": "病有良医", "dom-evil": f"-负面{SCRIPT}"}
    for nid, name in domains.items():
        g.add_node(nid, id=nid, type="Domain", label=name, name=name)
    tasks = [("t1", "1", "推进学校布局优化", "学有优教", 100),
             ("t2", "2", f"提升医疗服务能力{IMG}", "病有良医", 200),
             ("t3", "3", f"完善海岛{QUOTES}交通 href {HREF}", f"-负面{SCRIPT}", 300),
             ("t4", "4", "建设智慧教育平台", "学有优教", 400)]
    for tid, number, title, domain, start in tasks:
        g.add_node(tid, id=tid, type="Task", label=title, doc_id=DOC, part="二", number=number, title=title,
                   domain=domain, text=title, deadline_years=[2025], start=start, end=start + 80)
        _edge(g, DOC, tid, "CONTAINS", doc_id=DOC, start=start, end=start + 80, quote=title)
        dom = next(k for k, v in domains.items() if v == domain)
        _edge(g, tid, dom, "IN_DOMAIN", doc_id=DOC, start=start, end=start + 80, quote=title)
    agencies = {"a-edu": ("嵊泗县教育局", ["县教育局"]),
                "a-fin": ("嵊泗县财政局", ["县财政局", FORMULA]),
                "a-health": ("嵊泗县卫生健康局", ["县卫健局"]),
                "a-evil": (f"+1 {SCRIPT}", ["@evil", IMG]),
                "a-other": ("岱山县交通运输局", ["岱山县交通局"])}
    for aid, (name, aliases) in agencies.items():
        jur = "岱山县" if aid == "a-other" else "嵊泗县"
        g.add_node(aid, id=aid, type="Agency", label=name, name=name, short=name[3:], kind="agency",
                   jurisdiction=jur, aliases=aliases)
        if jur == "嵊泗县":
            _edge(g, aid, "jur", "PART_OF", found_by="resolution")
    g.add_node("grp", id="grp", type="AgencyGroup", label="各乡镇", name="各乡镇", kind="group", aliases=["各乡镇"])
    g.add_node("isl", id="isl", type="Island", label="花鸟岛", name="花鸟岛", kind="island", aliases=["花鸟"])
    _edge(g, "isl", "jur", "PART_OF", found_by="gazetteer")
    _role(g, "a-edu", "t1", "LEADS", 150, "县教育局")
    _role(g, "a-fin", "t1", "PARTICIPATES_IN", 156, "县财政局")
    _role(g, "grp", "t1", "PARTICIPATES_IN", 162, "各乡镇", order=1)
    _role(g, "a-health", "t2", "LEADS", 250, "县卫健局")
    _role(g, "a-fin", "t2", "PARTICIPATES_IN", 256, FORMULA)
    _role(g, "a-edu", "t3", "LEADS", 290, "县教育局", via="section")
    _role(g, "a-evil", "t3", "RESPONSIBLE_FOR", 350, f"+1 {SCRIPT}")
    _role(g, "a-edu", "t4", "LEADS", 450, "县教育局")
    _role(g, "a-other", "t4", "PARTICIPATES_IN", 456, "岱山县交通局")
    _edge(g, "t2", "isl", "MENTIONS", doc_id=DOC, start=230, end=233, quote=f"花鸟岛{IMG}{HREF}",
          as_written="花鸟岛", role="relocation-source", evidence=f"引导花鸟岛居民搬迁{SCRIPT}")
    _edge(g, DOC, "jur", "APPLIES_TO", doc_id=DOC, start=0, end=3, quote="嵊泗县")
    g.graph["documents"] = [DOC]
    return g


# -- assignments and the matrix as data -------------------------------------------------------------

def test_assignments_list_every_agency_role_task_once_with_its_quote(graph):
    rows = assignments(graph)
    got = {(r["agency_id"], r["code"], r["task_id"]) for r in rows}
    assert got == {("a-edu", "L", "t1"), ("a-fin", "P", "t1"), ("a-health", "L", "t2"), ("a-fin", "P", "t2"),
                   ("a-edu", "L*", "t3"), ("a-evil", "R", "t3"), ("a-edu", "L", "t4"), ("a-other", "P", "t4")}
    assert len(rows) == len(got)
    fin = next(r for r in rows if r["agency_id"] == "a-fin" and r["task_id"] == "t2")
    assert fin["quote"] == FORMULA and fin["doc_id"] == DOC and fin["source"] == f"{DOC}.txt"
    assert [r["task_id"] for r in rows] == sorted(r["task_id"] for r in rows), "document order"


def test_groups_and_other_targets_are_not_agencies_in_the_matrix(graph):
    assert all(r["agency_id"] != "grp" for r in assignments(graph))


def test_roles_and_jurisdiction_filter_the_assignments(graph):
    assert {r["code"] for r in assignments(graph, roles=("lead", "inherited"))} == {"L", "L*"}
    assert {r["agency_id"] for r in assignments(graph, jurisdiction="岱山县")} == {"a-other"}
    with pytest.raises(ValueError, match="participant"):
        assignments(graph, roles=("leader",))


def test_domain_matrix_counts_distinct_tasks_heaviest_agency_first(graph):
    header, rows = matrix_rows(graph, by="domain")
    assert header == ["agency", "学有优教", "病有良医", f"-负面{SCRIPT}"]
    assert rows[0] == ["嵊泗县教育局", 2, 0, 1]
    assert rows[1] == ["嵊泗县财政局", 1, 1, 0]
    loads = [sum(r[1:]) for r in rows]
    assert loads == sorted(loads, reverse=True)


def test_task_matrix_cells_carry_role_codes(graph):
    frame = matrix_frame(graph, by="task")
    t1 = f"{DOC}#1 推进学校布局优化"
    assert frame.loc["嵊泗县教育局", t1] == "L"
    assert frame.loc["嵊泗县财政局", t1] == "P"
    assert frame.loc["嵊泗县卫生健康局", t1] == ""
    t3 = next(c for c in frame.columns if c.startswith(f"{DOC}#3 "))
    assert frame.loc["嵊泗县教育局", t3] == "L*"
    assert len(t3) == len(f"{DOC}#3 ") + 12
    assert frame.index.name == "agency"


def test_document_matrix_counts_tasks_per_role(graph):
    frame = matrix_frame(graph, by="document")
    assert frame.loc["嵊泗县教育局", DOC] == "2L 1L*", "the role mix the issue asks for: tasks, then role"
    assert frame.loc["嵊泗县财政局", DOC] == "2P"


def test_unknown_axis_is_refused(graph):
    with pytest.raises(ValueError, match="by='agency'"):
        matrix_rows(graph, by="agency")


def test_matrix_frame_without_pandas_says_how_to_install_it(graph, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        matrix_frame(graph)


def test_domain_matrix_agrees_with_the_canned_query(graph):
    from policykg.queries.nx_queries import responsibility_matrix

    header, rows = matrix_rows(graph, by="domain")
    from_query = {(r["agency_name"], r["domain"]): r["total"] for r in responsibility_matrix(graph)}
    ours = {(r[0], d): n for r in rows for d, n in zip(header[1:], r[1:], strict=True) if n}
    assert ours == from_query


def test_domain_matrix_is_the_canned_querys_answer_not_a_second_count(graph, monkeypatch):
    """The matrix reuses the query's rows: change what the query answers and the matrix follows."""
    from policykg.queries import nx_queries

    real = nx_queries.IMPLEMENTATIONS["responsibility-matrix"]

    def doubled(g, **filters):
        return [{**r, **{k: 2 * r[k] for k in ("lead", "inherited_lead", "participant", "responsible", "total")}}
                for r in real(g, **filters)]

    monkeypatch.setitem(nx_queries.IMPLEMENTATIONS, "responsibility-matrix", doubled)
    rows = matrix_rows(graph, by="domain")[1]
    assert rows[0] == ["嵊泗县教育局", 4, 0, 2]


def _with_annex_task(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """An annex row grouped under 教育, a narrower name for the plan's 学有优教."""
    g.add_node("dom-jiaoyu", id="dom-jiaoyu", type="Domain", label="教育", name="教育")
    g.add_node("t5", id="t5", type="Task", label="撤并小规模学校", doc_id=DOC, part="附件1", number="1",
               title="撤并小规模学校", domain="教育", start=600, end=640)
    _edge(g, DOC, "t5", "CONTAINS", doc_id=DOC, start=600, end=640, quote="撤并小规模学校")
    _edge(g, "t5", "dom-jiaoyu", "IN_DOMAIN", doc_id=DOC, start=600, end=640, quote="教育")
    _role(g, "a-edu", "t5", "RESPONSIBLE_FOR", 630, "县教育局")
    _role(g, "a-fin", "t5", "RESPONSIBLE_FOR", 636, "县财政局", order=1)
    return g


def test_broader_rolls_narrower_domains_into_their_area_only_when_asked(graph):
    g = _with_annex_task(graph)
    header, rows = matrix_rows(g)
    assert "教育" in header and "学有优教" in header, "by default domains stay as the documents name them"
    header, rows = matrix_rows(g, broader=True)
    assert header == ["agency", "学有优教", "病有良医", "(other)"], "a name the ontology lacks is no column"
    assert rows[0] == ["嵊泗县教育局", 3, 0, 1]
    assert next(r for r in rows if r[0] == "嵊泗县财政局") == ["嵊泗县财政局", 2, 1, 0]
    assert {r["area"] for r in assignments(g) if r["task_id"] == "t5"} == {"学有优教"}
    with pytest.raises(ValueError, match="by='domain'"):
        matrix_rows(g, by="task", broader=True)


# -- spreadsheet files ---------------------------------------------------------------------------

def _cells(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_xlsx_has_a_sheet_per_jurisdiction_and_a_sources_sheet(graph, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(write_matrix(graph, tmp_path / "m.xlsx"))
    assert wb.sheetnames == ["嵊泗县", "岱山县", "Sources"], "the jurisdiction with most assignments first"
    assert {r[0] for r in _cells(wb["岱山县"])[1:2]} == {"岱山县交通运输局"}
    assert "岱山县交通运输局" not in [r[0] for r in _cells(wb["嵊泗县"])]
    only = openpyxl.load_workbook(write_matrix(graph, tmp_path / "j.xlsx", jurisdiction="嵊泗县"))
    assert only.sheetnames == ["嵊泗县", "Sources"]


def test_xlsx_has_frozen_header_role_fills_totals_and_a_legend(graph, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = write_matrix(graph, tmp_path / "m.xlsx", by="task")
    wb = openpyxl.load_workbook(path)
    ws = wb["嵊泗县"]
    assert ws.freeze_panes == "B2"
    header = [c.value for c in ws[1]]
    assert header[0] == "agency" and header[-1] == "Total (tasks)"
    t1 = header.index(f"{DOC}#1 推进学校布局优化") + 1
    note = ws.cell(row=1, column=t1).comment
    assert note is not None and DOC in note.text and "task 1" in note.text
    rows = {r[0]: r for r in _cells(ws)}
    edu = next(i for i, row in enumerate(ws.iter_rows(), start=1) if row[0].value == "嵊泗县教育局")
    assert edu == 2, "the heaviest agency comes first"
    lead_cell = ws.cell(row=edu, column=t1)
    assert lead_cell.value == "L"
    assert lead_cell.fill.fgColor.rgb.endswith(role("lead").fill.lstrip("#").upper())
    assert rows["嵊泗县教育局"][-1] == 3
    totals = rows["Total (agencies)"]
    assert totals[t1 - 1] == 2, "edu and fin on t1 (the group is not an agency)"
    assert totals[-1] == 4
    assert "L*" in rows and "Legend" in rows


def test_xlsx_cells_show_the_role_mix_coloured_by_the_strongest_role(graph, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    g = _with_annex_task(graph)
    _role(g, "a-health", "t5", "PARTICIPATES_IN", 640, "县卫健局")
    ws = openpyxl.load_workbook(write_matrix(g, tmp_path / "m.xlsx"))["嵊泗县"]
    header = [c.value for c in ws[1]]
    assert header == ["agency", "学有优教", "病有良医", "(other)", "Total (tasks)"], "one level: areas"
    rows = {r[0]: i for i, r in enumerate(_cells(ws), start=1)}
    edu = ws.cell(row=rows["嵊泗县教育局"], column=2)
    assert edu.value == "2L 1R", "t1 and t4 led, the annex's 教育 row t5 as responsible"
    assert edu.fill.fgColor.rgb.endswith(role("lead").fill.lstrip("#").upper())
    health = ws.cell(row=rows["嵊泗县卫生健康局"], column=2)
    assert health.value == "1P" and health.fill.fgColor.rgb.endswith(role("participant").fill.lstrip("#").upper())
    assert ws.cell(row=rows["嵊泗县教育局"], column=5).value == 4
    assert "学有优教、教育" in ws.cell(row=1, column=2).comment.text
    assert f"-负面{SCRIPT}" in ws.cell(row=1, column=4).comment.text
    legend = {r[0]: r[1] for r in _cells(ws)[rows["Legend"]:]}
    assert "2L 6R" in legend["Cells"] and "strongest" in legend["Colour"]


def test_xlsx_cells_link_to_their_rows_on_the_sources_sheet(graph, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(write_matrix(graph, tmp_path / "m.xlsx"))
    ws, sources = wb["嵊泗县"], wb["Sources"]
    header = [c.value for c in sources[1]]
    assert header[:7] == ["jurisdiction", "agency", "column", "role", "code", "doc_title", "doc_number"]
    assert "quote" in header
    col = {name: i for i, name in enumerate(header)}
    body = _cells(sources)[1:]
    linked = 0
    agency_rows = [row for row in ws.iter_rows(min_row=2) if row[0].value != "Total (tasks)"]
    for row in agency_rows[:agency_rows.index(next(r for r in agency_rows if r[0].value is None))]:
        for cell in row[1:-1]:
            if not cell.value:
                continue
            link = cell.hyperlink
            assert link is not None and link.location.startswith("Sources!A"), cell.coordinate
            first = int(link.location.rsplit("A", 1)[1])
            agency, column = row[0].value, ws.cell(row=1, column=cell.column).value
            mine = [r for r in body if r[col["agency"]] == agency and r[col["column"]] == column
                    and r[col["jurisdiction"]] == "嵊泗县"]
            assert body[first - 2] == mine[0], "the link opens the cell's first row"
            assert cell.value == " ".join(f"{sum(1 for r in mine if r[col['code']] == c)}{c}"
                                          for c in ("L", "L*", "P", "R") if any(r[col["code"]] == c for r in mine))
            linked += 1
    assert linked == 6
    assert all(r[col["quote"]] and r[col["doc_title"]] for r in body)


def test_xlsx_is_set_up_to_print_landscape_one_page_wide(graph, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(write_matrix(graph, tmp_path / "m.xlsx"))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.page_setup.fitToHeight == 0, ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
    assert wb["嵊泗县"].print_title_cols == "$A:$A"
    header = [c.value for c in wb["Sources"][1]]
    last = openpyxl.utils.get_column_letter(header.index("quote") + 1)
    assert wb["Sources"].print_area == f"'Sources'!$A$1:${last}${wb['Sources'].max_row}", "ids stay on screen"


def test_xlsx_neutralises_formulas_in_every_text_cell(graph, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = write_matrix(graph, tmp_path / "m.xlsx", by="domain", broader=False)
    wb = openpyxl.load_workbook(path)
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula: {c.value!r}"
                if isinstance(c.value, str):
                    texts.append(c.value)
    assert f"'+1 {SCRIPT}" in texts
    assert f"'-负面{SCRIPT}" in texts
    assert "'" + FORMULA in texts
    assert not [t for t in texts if t[0] in "=+-@"]
    assert len(_cells(wb["Sources"])) == 1 + len(assignments(graph))


def _corpus_held(corpus_graph: nx.MultiDiGraph) -> dict[str | None, dict[str, set[str]]]:
    """jurisdiction -> agency -> tasks, recounted from the edges."""
    from policykg.exports.styles import edge_role

    held: dict[str | None, dict[str, set[str]]] = {}
    for a, t, e in corpus_graph.edges(data=True):
        agency = corpus_graph.nodes[a]
        if agency.get("type") == "Agency" and corpus_graph.nodes[t].get("type") == "Task" and edge_role(e):
            held.setdefault(agency.get("jurisdiction"), {}).setdefault(agency["name"], set()).add(t)
    return held


def test_corpus_matrix_xlsx_opens_with_the_expected_cells(corpus_graph, tmp_path):
    """On the real corpus: every agency's load per jurisdiction, recounted from the edges, and
    columns on one level of the ontology's domains."""
    openpyxl = pytest.importorskip("openpyxl")
    from policykg.exports import area
    from policykg.ontology.gazetteer import domains

    held = _corpus_held(corpus_graph)
    wb = openpyxl.load_workbook(write_matrix(corpus_graph, tmp_path / "corpus.xlsx"))
    assert sorted(wb.sheetnames) == sorted([*held, "Sources"]) and wb.sheetnames[-1] == "Sources"
    roots_above = {d.broader for d in domains() if d.broader} & {d.name for d in domains() if not d.broader}
    areas = {area(d.name) for d in domains()} - roots_above
    for jurisdiction, agencies in held.items():
        rows = _cells(wb[jurisdiction])
        header = rows[0]
        assert header[0] == "agency" and header[-1] == "Total (tasks)"
        assert set(header[1:-1]) <= areas | {"(other)"}, "no 七优享 with 教育, no section titles"
        body = rows[1:1 + len(agencies)]
        assert {r[0]: r[-1] for r in body} == {name: len(tasks) for name, tasks in agencies.items()}
        loads = [r[-1] for r in body]
        assert loads == sorted(loads, reverse=True)
        assert rows[1 + len(agencies)][-1] == len(set().union(*agencies.values()))
    assert max(len(a) for a in held["嵊泗县"].values()) >= 20, "the busiest agency"
    assert wb["Sources"].max_row == 1 + len(assignments(corpus_graph))


@pytest.mark.slow
def test_corpus_matrix_prints_within_a_page_width_in_libreoffice(corpus_graph, tmp_path):
    """LibreOffice prints each jurisdiction's matrix one page wide: landscape, every column of
    the header on the first page, the header row and agency column again on the next pages."""
    pdfplumber = pytest.importorskip("pdfplumber")
    from policykg.loaders.reading.office import convert, find_soffice

    if find_soffice() is None:
        pytest.skip("LibreOffice is not installed (scripts/debian-packages.txt)")
    held = _corpus_held(corpus_graph)
    for jurisdiction in held:
        xlsx = write_matrix(corpus_graph, tmp_path / f"{jurisdiction}.xlsx", jurisdiction=jurisdiction)
        openpyxl = pytest.importorskip("openpyxl")
        header = [c.value for c in openpyxl.load_workbook(xlsx)[jurisdiction][1]]
        busiest = max(held[jurisdiction], key=lambda a: len(held[jurisdiction][a]))
        (pdf,) = convert([xlsx], "pdf", tmp_path / "pdf", timeout=300)
        with pdfplumber.open(pdf) as doc:
            first = doc.pages[0]
            assert first.width > first.height, "landscape"
            text = first.extract_text().replace("\n", "").replace(" ", "")
            for label in [*header, busiest]:
                assert label.replace(" ", "") in text, f"{jurisdiction}: {label} not on the first page"
            matrix_pages = [p for p in doc.pages if "Total(tasks)" in (p.extract_text() or "").replace(" ", "")]
            for page in matrix_pages:
                assert "agency" in page.extract_text(), "the header row repeats on every page"


def test_csv_is_utf8_with_bom_reads_back_and_is_neutralised(graph, tmp_path):
    path = write_matrix(graph, tmp_path / "m.csv", broader=False)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["agency", "学有优教", "病有良医", f"'-负面{SCRIPT}", "Total (tasks)"]
    assert rows[1] == ["嵊泗县教育局", "2", "0", "1", "3"]
    assert [f"'+1 {SCRIPT}", "0", "0", "1", "1"] in rows
    assert rows[-1][0] == "Total (tasks)" and rows[-1][-1] == "4"
    with write_matrix(graph, tmp_path / "rolled.csv").open(encoding="utf-8-sig", newline="") as f:
        assert next(csv.reader(f)) == ["agency", "学有优教", "病有良医", "(other)", "Total (tasks)"]


def test_other_suffixes_are_refused_by_name_and_nothing_is_written(graph, tmp_path):
    with pytest.raises(ValueError, match=re.escape(str(tmp_path / "m.ods"))):
        write_matrix(graph, tmp_path / "m.ods")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary(graph, tmp_path, monkeypatch):
    pytest.importorskip("openpyxl")
    from openpyxl import Workbook

    target = tmp_path / "m.xlsx"
    target.write_bytes(b"old")

    def boom(self, filename):
        Path(filename).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(Workbook, "save", boom)
    with pytest.raises(OSError, match="disk full"):
        write_matrix(graph, target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["m.xlsx"]


# -- graph files ----------------------------------------------------------------------------------

def test_graphml_round_trips_with_the_same_counts_and_json_lists(graph, tmp_path):
    back = nx.read_graphml(write_graphml(graph, tmp_path / "g.graphml"))
    assert (back.number_of_nodes(), back.number_of_edges()) == (graph.number_of_nodes(), graph.number_of_edges())
    assert json.loads(back.nodes["a-fin"]["aliases"]) == ["县财政局", FORMULA]
    assert back.nodes["t2"]["title"] == f"提升医疗服务能力{IMG}"
    assert json.loads(back.graph["documents"]) == [DOC]


def test_gexf_round_trips_without_turning_spans_into_time(graph, tmp_path):
    path = write_gexf(graph, tmp_path / "g.gexf")
    back = nx.read_gexf(path)
    assert (back.number_of_nodes(), back.number_of_edges()) == (graph.number_of_nodes(), graph.number_of_edges())
    assert 'mode="dynamic"' not in path.read_text(encoding="utf-8")
    edge = next(d for *_, d in back.edges(data=True) if d.get("relation") == "RESPONSIBLE_FOR")
    assert edge["span_start"] == 350


def test_node_link_json_round_trips(graph, tmp_path):
    data = json.loads(write_node_link_json(graph, tmp_path / "g.json").read_text(encoding="utf-8"))
    back = nx.node_link_graph(data, edges="edges")
    assert (back.number_of_nodes(), back.number_of_edges()) == (graph.number_of_nodes(), graph.number_of_edges())
    assert back.nodes["a-evil"]["aliases"] == ["@evil", IMG]


def test_node_link_json_keeps_every_attribute_of_the_corpus_graph(corpus_graph, tmp_path):
    # The export had a writer of its own whose edge keys overwrote PART_OF's attribute `source`.
    data = json.loads(write_node_link_json(corpus_graph, tmp_path / "g.json").read_text(encoding="utf-8"))
    back = nx.node_link_graph(data, edges="edges")
    assert dict(back.nodes(data=True)) == dict(corpus_graph.nodes(data=True))
    assert sorted(back.edges(keys=True, data=True)) == sorted(corpus_graph.edges(keys=True, data=True))
    assert any(d["type"] == "PART_OF" and d["found_by"] for *_, d in back.edges(data=True))


def test_graphml_edges_read_into_a_pandas_edge_frame_with_every_attribute(corpus_graph, tmp_path):
    back = nx.read_graphml(write_graphml(corpus_graph, tmp_path / "g.graphml"))
    frame = nx.to_pandas_edgelist(back)
    assert len(frame) == corpus_graph.number_of_edges()
    assert set(frame["source"]) | set(frame["target"]) <= set(corpus_graph)  # the ends, never an attribute
    attributes = {k for *_, d in corpus_graph.edges(data=True) for k in d}
    assert attributes <= set(frame.columns), attributes - set(frame.columns)
    part_of = frame[frame["type"] == "PART_OF"]
    assert len(part_of) and set(part_of["found_by"]) <= {"gazetteer", "resolution"}


def test_every_format_writes_the_same_attributes_of_a_node():
    # GraphML wrote deadline_years="[]" and aliases="[]" where Neo4j and RDF write nothing.
    from policykg.exports import portable_copy
    from policykg.exports.demo import demo_graph
    from policykg.graph.neo4j import neo4j_props
    from policykg.graph.rdf import camel, to_rdflib
    from policykg.graph.vocab import ID, PKG

    g = demo_graph()
    g.nodes["t1"].update(deadline_years=[], aliases=[], part="一", number=None)
    core = {"id", "type", "label"}
    graphml = set(portable_copy(g).nodes["t1"]) - core
    neo4j = set(neo4j_props(g.nodes["t1"])) - core
    ns = str(PKG._NS)
    rdf = {str(p)[len(ns):] for p in to_rdflib(g).predicates(ID["t1"], None) if str(p).startswith(ns)}
    expected = {"doc_id", "title", "domain", "start", "end", "part"}
    assert graphml == neo4j == expected
    assert {camel(k) for k in expected} <= rdf and not {"number", "deadlineYears", "aliases"} & rdf


def _import_files(directory: Path) -> dict[str, list[dict[str, str]]]:
    """Each CSV file of a neo4j-csv export named in its import.args, as rows keyed by header."""
    out = {}
    for arg in (directory / "import.args").read_text(encoding="utf-8").split():
        if arg.startswith(("--nodes=", "--relationships=")):
            with open(directory / arg.split("=", 1)[1], encoding="utf-8", newline="") as handle:
                out[arg.split("=", 1)[1]] = list(csv.DictReader(handle))
    return out


def test_neo4j_csv_asks_for_multiline_parsing_only_for_a_cell_with_a_line_break(tmp_path):
    # --multiline-fields=true was always passed: it keeps neo4j-admin from splitting a file between threads.
    from policykg.exports.demo import demo_graph
    from policykg.exports.neo4j_csv import write_neo4j_csv

    g = demo_graph()
    flat = write_neo4j_csv(g, tmp_path / "flat")
    assert flat.multiline_files == []
    assert "multiline" not in (tmp_path / "flat" / "import.args").read_text(encoding="utf-8")
    g.nodes["t1"]["text"] = "第一行\r\n第二行"
    broken = write_neo4j_csv(g, tmp_path / "broken")
    assert broken.multiline_files == ["nodes-Task-1.csv"]
    assert "--multiline-fields=true" in (tmp_path / "broken" / "import.args").read_text(encoding="utf-8").split()
    assert _import_files(tmp_path / "broken")["nodes-Task-1.csv"][0]["text:string"] == "第一行\r\n第二行"


def test_neo4j_csv_gives_each_value_the_type_the_loader_gives_it(tmp_path):
    from policykg.exports.neo4j_csv import write_neo4j_csv

    g = nx.MultiDiGraph()
    g.add_node("x1", type="Target", value=1.5, cited_only=True, deadline_years=[2025, 2027], aliases=["甲", "乙"])
    g.add_node("x2", type="Target", value=2, cited_only=False, deadline_years=(2030,), aliases=["丙;丁"])
    g.add_node("x3", type="Target", value=0.1 + 0.2, start=None, spans={"a": 1})
    g.add_edge("x1", "x2", key="e1", type="CITES", order=2**70, quote="")
    out = write_neo4j_csv(g, tmp_path / "bulk")
    files = _import_files(tmp_path / "bulk")
    # An integer where the other rows hold floats keeps its own file, so Neo4j stores a long as the loader does.
    assert {name: [r.get("id:ID") for r in rows] for name, rows in files.items()} == {
        "nodes-Target-1.csv": ["x1"], "nodes-Target-2.csv": ["x2"], "nodes-Target-3.csv": ["x3"],
        "relationships-CITES-1.csv": [None]}
    one, two, three = (files[f"nodes-Target-{i}.csv"][0] for i in (1, 2, 3))
    assert out.array_delimiter == "|" and two[":LABEL"] == "Entity|Target"
    assert one == {"id:ID": "x1", ":LABEL": "Entity|Target", "aliases:string[]": "甲|乙", "cited_only:boolean": "true",
                   "deadline_years:long[]": "2025|2027", "type:string": "Target", "value:double": "1.5"}
    assert two["value:long"] == "2" and two["cited_only:boolean"] == "false" and two["aliases:string[]"] == "丙;丁"
    assert three == {"id:ID": "x3", ":LABEL": "Entity|Target", "spans:string": '{"a": 1}', "type:string": "Target",
                     "value:double": repr(0.1 + 0.2)}
    assert files["relationships-CITES-1.csv"][0] == {
        ":START_ID": "x1", ":END_ID": "x2", ":TYPE": "CITES", "id:string": "e1", "order:string": str(2**70),
        "quote:string": "", "type:string": "CITES"}


def test_no_relation_has_a_property_named_like_an_edge_frames_own_columns():
    from policykg.ontology.schema import schema

    named = {p for rel in schema().relations.values() for p in rel.allowed} & {"source", "target", "key"}
    assert not named, f"ontology/schema.toml: rename relation properties {sorted(named)}"


@pytest.mark.parametrize("name,fmt", [("g.ttl", "turtle"), ("g.jsonld", "json-ld")])
def test_rdf_files_parse_back_to_the_projection(graph, tmp_path, name, fmt):
    import rdflib

    from policykg.graph.rdf import to_rdflib

    path = write_rdf(graph, tmp_path / name)
    assert len(rdflib.Graph().parse(path, format=fmt)) == len(to_rdflib(graph, with_ontology=True))  # files carry it


def test_rdf_format_must_be_known(graph, tmp_path):
    with pytest.raises(ValueError, match=re.escape("g.xml")):
        write_rdf(graph, tmp_path / "g.xml")


# -- HTML view ------------------------------------------------------------------------------------

REMOTE = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I)


def _view(graph, tmp_path, **kw):
    info = write_view(graph, tmp_path / "v.html", **kw)
    return info, (tmp_path / "v.html").read_text(encoding="utf-8")


def test_view_is_offline_with_legend_and_search_box(graph, tmp_path):
    info, page = _view(graph, tmp_path)
    assert info.nodes == graph.number_of_nodes() and info.edges == graph.number_of_edges()
    assert not REMOTE.search(page)
    assert "vis.Network" in page and "new vis.DataSet" in page, "vis-network is inlined"
    assert 'id="pkg-legend"' in page and 'id="pkg-search"' in page
    assert "Agency" in page and html.escape(role("inherited").label) in page
    settle = r'stabilizationIterationsDone", function \(\) \{\s*network\.setOptions\(\{physics: false\}\)'
    assert re.search(settle, page), "physics turns off once the layout has settled"
    assert 'id="pkg-status"' in page and "dataset.renderedNodes" in page, "the page says what it drew"


def _with_targets(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    g.add_node("ind", id="ind", type="Indicator", label="每千人口床位数", name="每千人口床位数", unit="张")
    _edge(g, DOC, "ind", "CONTAINS", doc_id=DOC, start=500, end=507, quote="每千人口床位数")
    for order, (year, raw) in enumerate([("2022", "3.2"), ("2025", f">4{SCRIPT}")]):
        tid = f"target-{year}"
        g.add_node(tid, id=tid, type="Target", label=f"每千人口床位数 {year}: {raw}", doc_id=DOC, period=year,
                   raw=raw, order=order)
        _edge(g, "ind", tid, "HAS_TARGET", doc_id=DOC, start=510 + order * 5, end=513 + order * 5, quote=raw)
        _edge(g, DOC, tid, "STATES", doc_id=DOC, start=510 + order * 5, end=513 + order * 5, quote=raw)
    return g


def test_whole_view_folds_targets_into_their_indicator_and_focused_views_draw_them(graph, tmp_path):
    g = _with_targets(graph)
    info, page = _view(g, tmp_path)
    assert info.folded == 2 and info.nodes == g.number_of_nodes() - 2
    nodes, _ = page_data(page)
    tip = html.unescape(next(n["title"] for n in nodes if html.unescape(n["fullLabel"]) == "每千人口床位数"))
    assert f"{DOC}: 每千人口床位数 2022: 3.2 · 2025: >4{SCRIPT}" in tip, "the indicator next to its values"
    assert "2 yearly targets are folded into their indicators" in page
    assert not any(n["fullLabel"].startswith("每千人口床位数 20") for n in nodes)
    info, page = _view(g, tmp_path, document=DOC)
    assert info.folded == 0
    targets = [n for n in page_data(page)[0] if n["fullLabel"].startswith("每千人口床位数 20")]
    assert len(targets) == 2
    assert all("\nindicator: 每千人口床位数\n" in html.unescape(n["title"]) for n in targets)
    assert html.unescape(targets[0]["label"]) == "每千人口床位数 2022: 3.2", "the label keeps the value"
    assert _view(g, tmp_path, targets=True)[0].nodes == g.number_of_nodes()


def test_hubs_are_sized_by_their_links_and_labels_by_type(graph, tmp_path):
    _, page = _view(graph, tmp_path)
    nodes = {html.unescape(n["fullLabel"]): n for n in page_data(page)[0]}
    assert nodes["嵊泗县教育局"]["value"] > nodes["岱山县交通运输局"]["value"], "more tasks, bigger hexagon"
    assert "value" not in nodes["推进学校布局优化"]
    assert nodes["学有优教"]["font"]["size"] > nodes["推进学校布局优化"]["font"]["size"]


def test_view_never_carries_hostile_markup_unescaped(graph, tmp_path):
    _, page = _view(graph, tmp_path, agency=f"+1 {SCRIPT}", depth=2)
    for bad in (SCRIPT, "<script>alert", IMG, "<img src=x", HREF, "<a href"):
        assert bad not in page
    assert "popup.innerHTML" not in page, "pyvis switched to raw-HTML tooltips"
    assert f"<h1>policykg — agency: +1 {html.escape(SCRIPT)}" in page
    nodes, edges = page_data(page)
    for item in nodes + edges:
        for key in ("label", "title", "fullLabel", "aliases"):
            if isinstance(item.get(key), str):
                assert "<" not in item[key] and ">" not in item[key] and '"' not in item[key]
                assert "href" not in item[key]


def test_view_hooks_into_pyvis_code_never_into_document_text_that_looks_like_it(graph, tmp_path):
    code = "network = new vis.Network(container, data, options);"
    graph.nodes[DOC]["label"] = code
    _, page = _view(graph, tmp_path)
    assert page.count("pkgPrepare(nodes, edges);") == 1
    assert page.index("pkgPrepare(nodes, edges);") > page.rindex(json.dumps(code)), "after the data"
    assert any(n["fullLabel"] == code for n in page_data(page)[0])


def test_view_tooltips_say_type_and_for_edges_the_quote_with_doc_and_span(graph, tmp_path):
    _, page = _view(graph, tmp_path, island="花鸟", depth=1)
    nodes, edges = page_data(page)
    labels = {html.unescape(n["fullLabel"]) for n in nodes}
    assert labels == {"花鸟岛", f"提升医疗服务能力{IMG}", "嵊泗县"}
    island = next(n for n in nodes if n["fullLabel"] == "花鸟岛")
    assert "Island" in island["title"] and island["shape"] == node_style("Island")["shape"]
    mention = next(e for e in edges if e["title"].startswith("MENTIONS"))
    text = html.unescape(mention["title"])
    assert f"“花鸟岛{IMG}{HREF}”" in text and f"{DOC} [230–233]" in text


def test_view_edges_are_styled_by_role(graph, tmp_path):
    _, page = _view(graph, tmp_path, agency="县教育局")
    nodes, edges = page_data(page)
    assert {html.unescape(n["fullLabel"]) for n in nodes} >= {"嵊泗县教育局", "推进学校布局优化"}
    styles = {html.unescape(e["title"]).split("\n")[0]: (e.get("color"), e.get("dashes")) for e in edges}
    assert styles[f"LEADS — {role('lead').label}"] == (role("lead").color, False)
    assert styles[f"LEADS — {role('inherited').label}"] == (role("inherited").color, role("inherited").dashes)
    # Other relations carry no style of their own: the default is set once, in the options.
    _, page = _view(graph, tmp_path)
    edges = page_data(page)[1]
    plain = [e for e in edges if e["kind"] in ("CONTAINS", "IN_DOMAIN", "PART_OF", "APPLIES_TO")]
    assert plain and len(plain) < len(edges) and not any({"color", "width", "dashes"} & e.keys() for e in plain)
    options = json.loads(re.search(r"var options = (\{.*?\});\n", page).group(1))
    assert {k: options["edges"][k] for k in ("color", "width", "dashes")} == edge_style({})


def _legend_kinds(page: str) -> set[str]:
    return set(re.findall(r'<li data-kind="([^"]+)"', page))


def _drawn_kinds(page: str) -> set[str]:
    nodes, edges = page_data(page)
    return {f"node:{n['kind']}" for n in nodes} | {f"line:{e['kind']}" for e in edges}


def test_view_legend_lists_exactly_the_node_and_line_kinds_drawn(graph, tmp_path):
    g = _with_targets(graph)
    _edge(g, "t1", "t4", "SAME_WORK_AS", confidence=0.8, method="tfidf", evidence="title 1.00")
    _, page = _view(g, tmp_path)
    legend = _legend_kinds(page)
    assert legend == _drawn_kinds(page)
    assert {"line:SAME_WORK_AS", "line:island:relocation-source", "line:lead", "line:CONTAINS"} <= legend
    assert "island: people move away" in page and "same work in another document" in page
    _, page = _view(g, tmp_path, agency="县财政局")
    assert _legend_kinds(page) == _drawn_kinds(page)
    assert "line:island:relocation-source" not in _legend_kinds(page), "a kind not drawn is not listed"


def test_view_focus_must_match_something(graph, tmp_path):
    with pytest.raises(ValueError, match="no agency called '县公安局'"):
        write_view(graph, tmp_path / "v.html", agency="县公安局")
    with pytest.raises(ValueError, match=re.escape("v.png")):
        write_view(graph, tmp_path / "v.png")
    assert list(tmp_path.iterdir()) == []


def test_view_caps_the_node_count_and_says_so(graph, tmp_path):
    info, page = _view(graph, tmp_path, document=DOC, depth=2, max_nodes=5)
    assert info.nodes == 5 and info.left_out == graph.number_of_nodes() - 5
    assert f"Showing the 5 nearest of {graph.number_of_nodes()} nodes" in page
    assert len(page_data(page)[0]) == 5


def test_unfocused_view_caps_lines_per_node_says_so_and_focused_views_draw_every_edge(graph, tmp_path):
    """A busy agency (40 tasks) draws at most ``edges_per_node`` lines in the whole view; the page,
    and the agency's tooltip, say how many are shown of how many; focused on it, every edge is drawn."""
    for i in range(40):
        tid = f"busy{i}"
        graph.add_node(tid, id=tid, type="Task", label=f"任务{i}", doc_id=DOC, number=str(i), start=1000 + i)
        _edge(graph, DOC, tid, "CONTAINS", doc_id=DOC)
        _role(graph, "a-edu", tid, "RESPONSIBLE_FOR", 1000 + i, "县教育局")
    total = graph.number_of_edges()
    info, page = _view(graph, tmp_path, edges_per_node=6)
    nodes, edges = page_data(page)
    lines = {n["id"]: 0 for n in nodes}
    for e in edges:
        lines[e["from"]] += 1
        lines[e["to"]] += 1
    assert max(lines.values()) == 6 and info.edges == len(edges) < total and info.edges + info.capped == total
    assert f"Showing {len(edges)} of {total} edges: at most 6 lines per node" in page
    number = {html.unescape(n["fullLabel"]): n["id"] for n in nodes}
    quiet = {number[html.unescape(str(d.get("label") or n))] for n, d in graph.nodes(data=True) if graph.degree(n) <= 6}
    quiet_edges = [(u, v) for u, v in graph.edges() if graph.degree(u) <= 6 and graph.degree(v) <= 6]
    assert quiet_edges and sum(1 for e in edges if {e["from"], e["to"]} <= quiet) == len(quiet_edges), \
        "the hubs give up their lines: quiet nodes keep theirs"
    agency = next(n for n in nodes if html.unescape(n["fullLabel"]) == "嵊泗县教育局")
    assert f"lines: 6 of {graph.degree('a-edu')} drawn here" in html.unescape(agency["title"])
    assert agency["value"] == 1.0, "sized by all its links, not the drawn ones"

    info, page = _view(graph, tmp_path, agency="县教育局", edges_per_node=6)
    focused = graph.subgraph(nx.ego_graph(graph, "a-edu", undirected=True))
    assert info.capped == 0 and info.edges == focused.number_of_edges() > 40
    assert "lines per node" not in page and "drawn here" not in page


def test_large_views_get_fixed_positions_and_no_physics(graph, tmp_path):
    for i in range(PHYSICS_LIMIT + 20):  # just over the limit: the precomputed layout
        tid = f"x{i}"
        graph.add_node(tid, id=tid, type="Task", label=f"任务{i}", doc_id=DOC, number=str(i), start=1000 + i)
        _edge(graph, DOC, tid, "CONTAINS", doc_id=DOC)
    info, page = _view(graph, tmp_path)
    assert not info.physics
    assert "physics is off" in page
    nodes, _ = page_data(page)
    assert all(isinstance(n.get("x"), float) and isinstance(n.get("y"), float) for n in nodes)
    assert '"physics": {"enabled": false' in page
    # What would cost the browser seconds at thousands of nodes: no layout pass, no curved edges,
    # no edges redrawn while zooming, and no extra draw before the page says it is ready.
    options = json.loads(re.search(r"var options = (\{.*?\});\n", page).group(1))
    assert options["layout"]["improvedLayout"] is False and options["edges"]["smooth"]["enabled"] is False
    assert options["interaction"]["hideEdgesOnZoom"] and options["interaction"]["hideEdgesOnDrag"]
    assert "var PHYSICS = false;" in page


_JS_STUBS = r"""
function DataSet(items) { this.items = {}; for (var i of items) { this.items[i.id] = Object.assign({}, i); } }
DataSet.prototype.get = function () { return Object.values(this.items); };
DataSet.prototype.update = function (list) { for (var u of list) { Object.assign(this.items[u.id], u); } };
DataSet.prototype.clear = function () { this.items = {}; };
DataSet.prototype.add = function (list) { for (var i of list) { this.items[i.id] = Object.assign({}, i); } };
var inputs = {};
var heading = {textContent: "policykg — who does what"};
var document = {
  getElementById: function (id) { return inputs[id] = inputs[id] || {value: "", textContent: "", on: {},
                                   addEventListener: function (ev, f) { this.on[ev] = f; }}; },
  createElement: function (tag) { return {tag: tag, textContent: null, innerHTML: "NEVER"}; },
  querySelector: function () { return heading; },
  body: {dataset: {}}
};
var selected = [];
var network = {once: function () {}, setOptions: function () {}, fit: function () {}, redraw: function () {},
               on: function () {}, selectNodes: function (ids) { selected = ids; }};
var window = globalThis;
var dashes = [];
function CanvasRenderingContext2D() {}
CanvasRenderingContext2D.prototype.setLineDash = function (p) { dashes.push(p); };
CanvasRenderingContext2D.prototype.getTransform = function () { return {a: this.zoom}; };
function drawGraph() { pkgPrepare(nodes, edges); }  // pyvis's, as _page rewires it
"""


def _run_probe(node: str, tmp_path: Path, records: list, script: str) -> dict:
    """The page's own script and a probe under node, on the page's node and edge records (vis
    stubbed by _JS_STUBS): what the probe printed, as JSON."""
    (tmp_path / "probe.js").write_text(_JS_STUBS + f"var nodes = new DataSet({json.dumps(records[0])});\n"
                                       f"var edges = new DataSet({json.dumps(records[1])});\n" + script,
                                       encoding="utf-8")
    run = subprocess.run([node, str(tmp_path / "probe.js")], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_view_script_shows_the_original_text_as_text_and_searches_it(graph, tmp_path):
    """Run our page script under node with the DataSet/DOM calls it uses stubbed."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    _, page = _view(graph, tmp_path, agency="县财政局", depth=1)
    ours = re.findall(r"<script[^>]*>(.*?)</script>", page, re.S)[-1]
    records = page_data(page, joined=False)
    probe = """
    inputs["pkg-search"].value = "财政";
    inputs["pkg-search"].on.input();
    var zoomedOut = new CanvasRenderingContext2D();
    zoomedOut.zoom = 0.25;
    zoomedOut.setLineDash([2, 4]);
    console.log(JSON.stringify({
      nodes: nodes.get().map(n => [n.label, n.title.tag, n.title.textContent, n.title.innerHTML]),
      edges: edges.get().map(e => e.title.textContent), selected: selected,
      count: inputs["pkg-search-count"].textContent, dashes: dashes}));
    """
    out = _run_probe(node, tmp_path, records, ours + probe)
    labels = {label for label, *_ in out["nodes"]}
    assert f"提升医疗服务能力{IMG}"[:17] + "…" in labels, "labels are shown as the original text"
    assert all(tag == "div" and inner == "NEVER" for _, tag, _, inner in out["nodes"]), "tooltips are text nodes"
    assert any(FORMULA in text for text in out["edges"])
    assert any(f"“{FORMULA}”" in text and f"{DOC} [256–" in text for text in out["edges"])
    assert len(out["selected"]) == 1 and out["count"] == "1 match"
    assert out["edges"] == [html.unescape(e["title"]) for e in page_data(page)[1]], "titles joined from the table"
    assert out["dashes"] == [[8, 16]], "dashes keep their length in screen pixels at any zoom"


def test_overview_drill_down_shows_the_tasks_as_text_and_comes_back(graph, tmp_path):
    """pkgDrill and Back under node: the tasks' hostile titles become text, the overview returns."""
    from policykg.exports.viz import write_overview

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    write_overview(graph, tmp_path / "o.html")
    page = (tmp_path / "o.html").read_text(encoding="utf-8")
    ours = re.findall(r"<script[^>]*>(.*?)</script>", page, re.S)[-1]
    records = page_data(page, joined=False)
    edu = next(n["id"] for n in records[0] if n["fullLabel"] == "学有优教")
    probe = f"""
    var opened = window.pkgDrill({edu}), missing = window.pkgDrill(9999);
    var drilled = {{heading: heading.textContent,
                   nodes: nodes.get().map(n => [n.label, n.title.tag, n.title.innerHTML]),
                   edges: edges.get().map(e => e.title.textContent), back: inputs["pkg-back"].hidden}};
    inputs["pkg-back"].on.click();
    console.log(JSON.stringify({{opened: opened, missing: missing, drilled: drilled, heading: heading.textContent,
                                after: nodes.get().length, back: inputs["pkg-back"].hidden}}));
    """
    out = _run_probe(node, tmp_path, records, ours + probe)
    assert out["opened"] is True and out["missing"] is False
    drilled = out["drilled"]
    assert drilled["heading"] == "policykg — domain: 学有优教 (its tasks)" and drilled["back"] is False
    labels = {label for label, *_ in drilled["nodes"]}
    assert labels >= {"推进学校布局优化", "建设智慧教育平台", "教育局"}, "agencies without their jurisdiction"
    assert all(tag == "div" and inner == "NEVER" for _, tag, inner in drilled["nodes"]), "tooltips are text"
    assert any("“县财政局”" in text for text in drilled["edges"]), "role lines carry their quotes"
    assert out["heading"] == "policykg — who does what" and out["after"] == len(records[0]) and out["back"] is True


def test_the_styles_file_ships_with_the_package():
    cfg = configparser.ConfigParser()
    cfg.read(Path(__file__).resolve().parents[1] / "setup.cfg", encoding="utf-8")
    shipped = cfg["options.package_data"].get("policykg.exports", "")
    assert STYLES_PATH.suffix[1:] in shipped.replace("*.", "").replace(",", " ").split(), (
        "add `policykg.exports = *.toml` to setup.cfg [options.package_data]")


# -- the matrix from the command line -------------------------------------------------------------

def test_cli_matrix_writes_a_sheet_per_jurisdiction(built_store, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from click.testing import CliRunner

    from policykg.cli import main

    out = tmp_path / "m.xlsx"
    result = CliRunner().invoke(main, ["export", "matrix", "-o", str(out), "--store", str(built_store.path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"wrote {out}"
    assert openpyxl.load_workbook(out).sheetnames == ["嵊泗县", "定海区", "Sources"]


def test_cli_matrix_of_an_unknown_jurisdiction_says_which_there_are(built_store, tmp_path):
    from click.testing import CliRunner

    from policykg.cli import main

    out = tmp_path / "m.xlsx"
    result = CliRunner().invoke(main, ["export", "matrix", "-o", str(out), "--jurisdiction", "岱山县",
                                       "--store", str(built_store.path)])
    assert result.exit_code == 2
    assert "error: no agency of jurisdiction '岱山县' holds a task; jurisdictions: 定海区, 嵊泗县" in result.output
    assert "Traceback" not in result.output and not out.exists()


# -- the overview --------------------------------------------------------------------------------

def _drills(page: str) -> dict:
    from policykg.exports.viz import drill_data

    return drill_data(page)


def test_overview_draws_agencies_and_areas_with_the_matrix_cells_and_drills_down(graph, tmp_path):
    from policykg.exports import matrix_cells
    from policykg.exports.viz import write_overview

    g = _with_annex_task(graph)
    info = write_overview(g, tmp_path / "o.html")
    page = (tmp_path / "o.html").read_text(encoding="utf-8")
    nodes, edges = page_data(page)
    cells, _ = matrix_cells(g)
    assert {n["kind"] for n in nodes} == {"Agency", "Domain"} and not info.physics
    areas = {html.unescape(n["fullLabel"]) for n in nodes if n["kind"] == "Domain"}
    assert areas == {"学有优教", "病有良医", "(other)"}
    assert len(edges) == len(cells) == info.edges
    edu = next(e for e in edges if e["title"].startswith("嵊泗县教育局 → 学有优教"))
    assert "3 tasks: 2L 1R" in edu["title"] and edu["kind"] == "lead" and edu["color"]["color"] == role("lead").color
    drills = _drills(page)
    assert set(map(int, drills)) == {n["id"] for n in nodes}
    edu_id = next(n["id"] for n in nodes if html.unescape(n["fullLabel"]) == "嵊泗县教育局")
    drill = drills[str(edu_id)]
    assert drill["heading"] == "policykg — agency: 嵊泗县教育局 (its tasks)"
    assert {n["kind"] for n in drill["nodes"]} == {"Agency", "Task", "Domain"}
    assert sum(n["kind"] == "Task" for n in drill["nodes"]) == 4
    drawn = {f"node:{n['kind']}" for n in nodes} | {f"line:{e['kind']}" for e in edges}
    for d in drills.values():
        drawn |= {f"node:{n['kind']}" for n in d["nodes"]} | {f"line:{e['kind']}" for e in d["edges"]}
    assert _legend_kinds(page) == drawn


def test_cli_viz_draws_the_overview_unless_asked_for_every_node(built_store, tmp_path):
    from click.testing import CliRunner

    from policykg.cli import main

    runner = CliRunner()
    overview, whole = tmp_path / "o.html", tmp_path / "w.html"
    result = runner.invoke(main, ["viz", "-o", str(overview), "--store", str(built_store.path)])
    assert result.exit_code == 0 and result.output.strip() == f"wrote {overview}"
    assert "<h1>policykg — who does what</h1>" in overview.read_text(encoding="utf-8")
    result = runner.invoke(main, ["viz", "-o", str(whole), "--whole", "--store", str(built_store.path)])
    assert result.exit_code == 0, result.output
    assert "<h1>policykg — whole graph</h1>" in whole.read_text(encoding="utf-8")
    assert len(page_data(whole.read_text(encoding="utf-8"))[0]) > 3 * len(
        page_data(overview.read_text(encoding="utf-8"))[0])
    # The corpus's busiest agency has more links than a node may draw unfocused: the page says so,
    # and focused on that agency every edge is drawn.
    text = whole.read_text(encoding="utf-8")
    assert re.search(rf"Showing {len(page_data(text)[1])} of \d+ edges: at most 12 lines per node", text)
    graph = built_store.load_graph()
    busiest = max((n for n, d in graph.nodes(data=True) if d.get("type") == "Agency"), key=graph.degree)
    focused = tmp_path / "a.html"
    result = runner.invoke(main, ["viz", "-o", str(focused), "--agency", graph.nodes[busiest]["name"],
                                  "--store", str(built_store.path)])
    assert result.exit_code == 0, result.output
    page = focused.read_text(encoding="utf-8")
    assert "lines per node" not in page and len(page_data(page)[1]) >= graph.degree(busiest) > 12
