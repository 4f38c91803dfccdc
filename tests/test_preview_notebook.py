"""examples/preview_notebook.ipynb runs from top to bottom in a real kernel, shows its objects
as HTML, and is kept in git without outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "preview_notebook.ipynb"


def test_the_notebook_is_stored_without_outputs() -> None:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == []
            assert cell["execution_count"] is None


@pytest.mark.slow
def test_the_notebook_runs_and_draws(tmp_path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()  # raises CellExecutionError, with the cell's traceback, on any error
    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]
    html = [out["data"]["text/html"] for out in outputs if "text/html" in out.get("data", {})]
    texts = "".join(out.get("text", "") for out in outputs if out["output_type"] == "stream")
    assert len(html) == 4  # the config, a region, the task on its picture, the problems
    assert all('class="pl-root"' in page for page in html)
    assert 'class="pl-photo"' in html[2]  # drawn on the array it was given
    assert 'class="pl-mask"' in html[2]
    assert "label.unknown" in html[3]
    assert "2 tasks, 2 drawn, problems: {" in texts
    assert all(len(line) <= 300 for line in texts.splitlines())  # the short reprs
