"""Run the analyst notebooks top to bottom and save them with their outputs.

The notebooks are committed with their outputs, so a reader sees the answers on GitHub
before installing anything; this is how they are made (and how the test suite runs
them, from this folder as an analyst would open them).  Saved outputs carry nothing of
the machine that ran them: the notebooks print paths relative to the checkout, timing
metadata is not recorded and the kernel's version details are left out.

    .venv/bin/python notebooks/execute.py                  # all of them, in place
    .venv/bin/python notebooks/execute.py 02-agencies.ipynb
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
CELL_TIMEOUT = 180
# Python's default repr names a memory address (<pandas…Styler at 0x7f…>): different on every run.
_ADDRESS_REPR = re.compile(r"<[^<>]* at 0x[0-9a-f]+>")


def execute(path: Path, kernel_name: str = "python3", timeout: int = CELL_TIMEOUT) -> nbformat.NotebookNode:
    """The notebook at ``path`` run top to bottom in ``kernel_name``, from its own folder.

    Raises :class:`nbclient.exceptions.CellExecutionError` naming the cell when one fails.
    Example (it builds the corpus, so it takes a minute)::

        nbformat.write(execute(HERE / "01-corpus.ipynb"), "/tmp/01-corpus.ipynb")
    """
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name=kernel_name, timeout=timeout, record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    # The kernel's version and its own spec name say which machine ran it, not what the notebook shows.
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if len(data) > 1 and _ADDRESS_REPR.fullmatch(data.get("text/plain", "")):
                del data["text/plain"]  # the HTML or image is what a reader sees
    return nb


def main(names: list[str]) -> int:
    """Execute the named notebooks (all of this folder's by default) and write them back."""
    paths = [HERE / name for name in names] or sorted(HERE.glob("*.ipynb"))
    for path in paths:
        nbformat.write(execute(path), path)
        print(f"wrote {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
