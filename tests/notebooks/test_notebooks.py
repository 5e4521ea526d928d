"""The notebooks run top to bottom in a fresh kernel of this interpreter (nbclient)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _kernel_name() -> str:
    """ipykernel's native kernel ("python3") runs ``sys.executable``: the venv's interpreter."""
    from jupyter_client.kernelspec import NATIVE_KERNEL_NAME, KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(NATIVE_KERNEL_NAME)
    assert Path(spec.argv[0]).resolve() == Path(sys.executable).resolve() or spec.argv[0] in (
        "python",
        "python3",
        sys.executable,
    ), f"kernel {NATIVE_KERNEL_NAME} would run {spec.argv[0]}, not {sys.executable}"
    return NATIVE_KERNEL_NAME


@pytest.mark.slow
@pytest.mark.parametrize("name", ["quickstart.ipynb", "reviewer_batch.ipynb"])
def test_notebook_runs_top_to_bottom(name, tmp_path, monkeypatch):
    path = NOTEBOOKS / name
    notebook = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), (
        f"{name} is committed with outputs; clear them (scripts/make_notebooks.py writes it clean)"
    )
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "mpl"))
    client = nbclient.NotebookClient(
        notebook,
        timeout=300,
        kernel_name=_kernel_name(),
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors
    figures = sum(
        1
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    )
    assert figures >= 2, "the notebook should draw its plots"
