"""The analyst notebooks: committed with their outputs, and each runs top to bottom on the corpus.

They are executed the way their committed outputs are made (``notebooks/execute.py``), with
nbclient in a kernel of this very interpreter (a kernel spec written into the test's tmp dir,
found first through ``JUPYTER_PATH``), from ``notebooks/`` as an analyst would open them. Plots
go through matplotlib's inline backend, which draws with Agg (no display needed) and hands the
notebook PNGs — so the test can see that each plot was drawn.  Outputs must read the same on
any machine: no absolute paths, no timing, no warnings on stderr.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import os
import re
import sys
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a notebook kernel per notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
KERNEL = "policykg-test"
# Where a machine's own paths would show: temporary folders, home and checkout folders.
MACHINE_PATHS = re.compile(r"(?<![\w.])/(?:tmp|var|home|root|work|Users|private)/|[A-Z]:\\\\")


def _execute_module():
    spec = importlib.util.spec_from_file_location("notebooks_execute", NOTEBOOKS / "execute.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cell_outputs(nb: dict) -> list[str]:
    """Each code cell's outputs, as text. Images are left out: their PNG bytes change with matplotlib's and
    FreeType's versions, while every text, table and number a notebook shows is the same on every run."""
    def text(output: dict) -> dict:
        data = {mime: d for mime, d in output.get("data", {}).items() if not mime.startswith("image/")}
        return {k: v for k, v in output.items() if k != "data"} | {"data": data}

    return [json.dumps([text(o) for o in c["outputs"]], ensure_ascii=False, indent=1, sort_keys=True)
            for c in nb["cells"] if c["cell_type"] == "code"]


def _outputs_text(nb: dict) -> str:
    """Every output of every code cell, as text (images left out)."""
    return "\n".join(_cell_outputs(nb))


def _shape(nb: dict) -> list[list[str]]:
    return [[o["output_type"] for o in c["outputs"]] for c in nb["cells"] if c["cell_type"] == "code"]


def test_there_are_three_notebooks():
    assert [p.name for p in PATHS] == ["01-corpus.ipynb", "02-agencies.ipynb", "03-indicators.ipynb"]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_committed_notebooks_carry_their_outputs_and_nothing_of_the_machine(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "a notebook without code"
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), (
        f"{path.name}: not run top to bottom in one go; run notebooks/execute.py")
    assert "5 documents from ../shared/corpus" in "".join(code[0]["outputs"][0]["text"])
    assert any("image/png" in o.get("data", {}) for c in code for o in c["outputs"]), "its plot is saved"
    assert not [o for c in code for o in c["outputs"] if o["output_type"] == "error"
                or o.get("name") == "stderr"], f"{path.name}: an error or a warning is saved"
    text = _outputs_text(nb)
    assert not MACHINE_PATHS.search(text), MACHINE_PATHS.search(text)
    assert str(ROOT) not in text and tempfile.gettempdir() not in text
    assert not re.search(r" at 0x[0-9a-f]+>", text), "a memory address differs on every run"
    assert not any("execution" in c["metadata"] for c in code), "timings are noise"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert nb["metadata"]["language_info"] == {"name": "python"}


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
    pytest.importorskip("nbformat")
    pytest.importorskip("nbclient")
    monkeypatch.setenv("JUPYTER_PATH", kernel)
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the notebook's temporary store lands where pytest cleans up
    monkeypatch.delenv("POLICYKG_CORPUS", raising=False)  # the notebooks find ../shared/corpus themselves
    monkeypatch.delenv("POLICYKG_STORE", raising=False)
    nb = _execute_module().execute(path, kernel_name=KERNEL)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "every cell ran"
    first = "".join(o.get("text", "") for o in code[0].outputs if o.output_type == "stream")
    assert f"5 documents from {os.path.relpath(corpus_dir, ROOT)}" in first
    errors = [o for c in code for o in c.outputs if o.output_type == "error" or o.get("name") == "stderr"]
    assert errors == []
    text = _outputs_text(nb)
    assert str(tmp_path) not in text and str(ROOT) not in text, "outputs name a path of this machine"
    plots = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(plots) >= 1, "every notebook draws at least one plot"
    committed = json.loads(path.read_text(encoding="utf-8"))
    assert _shape(nb) == _shape(committed), f"{path.name}: committed outputs are stale; run notebooks/execute.py"
    # The values too, not only which outputs there are: a changed count or table is a stale notebook.
    # nbformat reads the multi-line strings the file stores as lists of lines, as the kernel produced them.
    import nbformat

    for number, (now, saved) in enumerate(zip(_cell_outputs(nb), _cell_outputs(nbformat.read(path, 4)),
                                              strict=True), 1):
        diff = "\n".join(difflib.unified_diff(saved.splitlines(), now.splitlines(), "committed", "run now",
                                              n=1, lineterm=""))
        assert now == saved, (f"{path.name}: code cell {number} shows other values than its committed output; "
                              f"run notebooks/execute.py\n{diff[:3000]}")
