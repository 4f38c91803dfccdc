"""Chunks share their folder with nothing but chunks: a Label Studio local-files storage sync
reads every file of its folder and fails on one that is not a JSON task file (pinned in
integration/test_scale.py), so the run marker of chunks lives in a hidden folder beside them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prelabel.errors import TaskFileError
from prelabel.io import read_tasks, write_chunks

TASKS = [{"data": {"text": f"t{i}"}} for i in range(5)]


def test_only_chunks_are_files_in_their_folder(tmp_path: Path) -> None:
    written = write_chunks(tmp_path / "preds.json", TASKS, max_tasks_per_file=2)
    files = sorted(p for p in tmp_path.iterdir() if p.is_file())
    assert files == written
    marker = tmp_path / ".prelabel" / "preds.json.prelabel-run"
    assert json.loads(marker.read_text(encoding="utf-8"))["complete"] is True
    assert [t["data"]["text"] for f in written for t in read_tasks(f)] == [
        t["data"]["text"] for t in TASKS
    ]


def test_the_marker_still_refuses_a_chunk_the_run_did_not_write(tmp_path: Path) -> None:
    write_chunks(tmp_path / "preds.json", TASKS, max_tasks_per_file=2)
    stray = tmp_path / "preds-00009.json"
    stray.write_text(json.dumps(TASKS[:1]), encoding="utf-8")
    with pytest.raises(TaskFileError, match=r"not written by the run that wrote preds\.json"):
        list(read_tasks(stray))


def test_a_marker_left_beside_the_chunks_by_an_older_version_is_removed(tmp_path: Path) -> None:
    old = tmp_path / ".preds.json.prelabel-run"
    old.write_text('{"format": "prelabel-run", "version": 1, "complete": true, "files": []}\n')
    other = tmp_path / ".notes.prelabel-run"
    other.write_text("not a marker")
    write_chunks(tmp_path / "preds.json", TASKS, max_tasks_per_file=2)
    assert not old.exists()
    assert other.read_text() == "not a marker"  # anything else is left alone
