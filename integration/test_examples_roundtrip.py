"""Every example's output imports into a strict Label Studio and is stored exactly as sent.

For each entry of ``build/demo/manifest.json`` (``make demo``): create a project with the
example's config, import its tasks through ``POST /api/projects/{id}/import``, read every task
back, and require each task's data and each prediction's ``result``, ``score`` and
``model_version`` to be stored unchanged, with no prediction validation error in the server log.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from integration.server import ROOT, LabelStudioServer, validation_errors_in
from prelabel.io import read_tasks
from prelabel.labelstudio import Client, stored_differences

MANIFEST = ROOT / "build" / "demo" / "manifest.json"


def _entries() -> list[dict[str, str]]:
    if not MANIFEST.exists():
        return []
    entries: list[dict[str, str]] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return entries


ENTRIES = _entries()


def test_the_demo_was_built() -> None:
    assert ENTRIES, f"{MANIFEST} is missing or empty: run `make demo` first"


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["name"] for e in ENTRIES])
def test_example_is_stored_as_sent(
    ls_server: LabelStudioServer, ls_client: Client, entry: dict[str, str]
) -> None:
    config = (ROOT / entry["config"]).read_text(encoding="utf-8")
    tasks: list[dict[str, Any]] = list(read_tasks(ROOT / entry["tasks"]))
    assert tasks, f"{entry['tasks']} holds no task"
    assert any(task.get("predictions") for task in tasks), "the example has no prediction"

    log_start = ls_server.log_size()
    project = ls_client.create_project(f"example {entry['name']}"[:50], config)
    report = ls_client.import_tasks(project, tasks, chunk_size=200)
    assert report.ok, report.summary()

    stored = {task["id"]: task for task in ls_client.iter_tasks(project)}
    assert sorted(stored) == sorted(report.task_ids.values())
    differences: list[str] = []
    for index, task_id in report.task_ids.items():
        differences += stored_differences(tasks[index], stored[task_id], index=index)
    assert differences == [], "\n".join(differences[:30])

    logged = validation_errors_in(ls_server.log_text(log_start))
    assert logged == [], "\n".join(logged[:10])
