"""The example notebooks run from a fresh kernel, draw their charts and are committed clean.

Every ``notebooks/*.ipynb`` is executed with nbclient (kernel ``python3``, a timeout of 300 s
per cell, the notebooks folder as working directory, ``MPLBACKEND=Agg`` so that nothing
opens a window; each notebook selects the inline backend itself). A notebook passes when no
cell raises (the notebooks' own assertions included) and at least one cell displays an
``image/png`` output. The notebooks are executed in memory: the files are never written.
A separate test checks that every committed notebook has no outputs and null execution
counts, that it names the ``python3`` kernel, and that ``notebooks/README.md`` lists it.
"""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
KERNEL = "python3"
CELL_TIMEOUT = 300  # seconds


def _code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_there_are_notebooks():
    assert NOTEBOOKS, f"no notebooks found in {NOTEBOOK_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_runs_and_draws(path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")  # inherited by the kernel process
    notebook = nbformat.read(path, as_version=4)  # an in-memory copy; never written back
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on an error
    outputs = [output for cell in _code_cells(notebook) for output in cell.outputs]
    errors = [output for output in outputs if output.output_type == "error"]
    assert not errors, [f"{error.ename}: {error.evalue}" for error in errors]
    images = [output for output in outputs if "image/png" in output.get("data", {})]
    assert images, f"{path.name} displayed no image/png output"


def test_committed_notebooks_are_clean():
    readme = (NOTEBOOK_DIR / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        dirty = [
            index
            for index, cell in enumerate(notebook.cells)
            if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
        ]
        assert not dirty, f"{path.name}: cells {dirty} have outputs or execution counts"
        assert notebook.metadata.kernelspec.name == KERNEL, path.name
        assert path.name in readme, f"notebooks/README.md does not list {path.name}"
