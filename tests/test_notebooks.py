"""The analyst notebooks: committed without outputs, and each runs top to bottom on the corpus.

They are executed with nbclient in a kernel of this very interpreter (a kernel spec written
into the test's tmp dir, found first through ``JUPYTER_PATH``), from ``notebooks/`` as an
analyst would open them. Plots go through matplotlib's inline backend, which draws with Agg
(no display needed) and hands the notebook PNGs — so the test can see that each plot was drawn.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a notebook kernel per notebook

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
KERNEL = "policykg-test"
CELL_TIMEOUT = 180


def test_there_are_three_notebooks():
    assert [p.name for p in PATHS] == ["01-corpus.ipynb", "02-agencies.ipynb", "03-indicators.ipynb"]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_committed_notebooks_carry_no_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "a notebook without code"
    for i, cell in enumerate(code):
        assert cell["outputs"] == [] and cell["execution_count"] is None, (
            f"{path.name}: code cell {i} has stale output; clear outputs before committing")
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A kernel spec running this interpreter, so the notebooks see the policykg installed here."""
    pytest.importorskip("ipykernel")
    spec = tmp_path_factory.mktemp("jupyter") / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "policykg tests", "language": "python", "env": {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}}))
    return str(spec.parents[1])


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom(path, kernel, corpus_dir, monkeypatch, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("JUPYTER_PATH", kernel)
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the notebook's temporary store lands where pytest cleans up
    monkeypatch.delenv("POLICYKG_CORPUS", raising=False)  # the notebooks find ../shared/corpus themselves
    monkeypatch.delenv("POLICYKG_STORE", raising=False)
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, kernel_name=KERNEL, timeout=CELL_TIMEOUT,
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "every cell ran"
    first = "".join(o.get("text", "") for o in code[0].outputs if o.output_type == "stream")
    assert f"5 documents from {corpus_dir.resolve()}" in first
    assert str(tmp_path) in first
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == []
    plots = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(plots) >= 1, "every notebook draws at least one plot"
