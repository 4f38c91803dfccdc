"""Writers are atomic per file and per run: nothing partial reads as complete, nothing is
overwritten unasked, no temporary file survives a failure or SIGTERM."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from prelabel.cli import main
from prelabel.errors import BuildError, TaskFileError
from prelabel.io import read_tasks, write_dir, write_json, write_tasks
from prelabel.io._atomic import sweep_stale_temps

TASKS = [{"data": {"text": str(i)}} for i in range(6)]


def _failing(after: int, error: BaseException) -> Iterator[dict[str, Any]]:
    """The tasks, then ``error`` after ``after`` of them (a full disk, a bad value...)."""
    yield from TASKS[:after]
    raise error


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.tmp"))


def test_a_directory_a_full_disk_stopped_is_refused_by_the_readers(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(OSError, match="No space left"):
        write_dir(out, _failing(3, OSError(errno.ENOSPC, "No space left on device")))
    assert len(list(out.iterdir())) == 3  # each file is whole: three tasks got through
    with pytest.raises(TaskFileError, match=r"partial output.*did not finish.*No space left"):
        list(read_tasks(out))
    assert _leftovers(tmp_path) == []


def test_chunks_of_an_interrupted_run_are_refused_one_by_one(tmp_path: Path) -> None:
    out = tmp_path / "preds.jsonl"
    with pytest.raises(BuildError):
        write_tasks(out, [*TASKS[:4], {"data": {"x": float("nan")}}], max_tasks_per_file=2)
    first = tmp_path / "preds-00001.jsonl"
    assert first.exists()
    with pytest.raises(TaskFileError, match="partial output"):
        list(read_tasks(first))


def test_a_stale_chunk_of_an_older_run_is_not_read_as_part_of_the_new_one(
    tmp_path: Path,
) -> None:
    out = tmp_path / "preds.json"
    write_tasks(out, TASKS, max_tasks_per_file=2)  # three chunks
    (tmp_path / "preds-00001.json").unlink()  # chunk 1 gone: the old check looked only there
    with pytest.raises(FileExistsError, match=r"preds-00002\.json already exists"):
        write_tasks(out, TASKS[:2], max_tasks_per_file=2)
    written = write_tasks(out, TASKS[:2], max_tasks_per_file=2, overwrite=True)
    assert [p.name for p in written] == ["preds-00001.json"]
    assert sorted(p.name for p in tmp_path.glob("preds-*")) == ["preds-00001.json"]

    write_tasks(out, TASKS[:2], max_tasks_per_file=2, overwrite=True)
    stray = tmp_path / "preds-00002.json"
    write_json(stray, TASKS[2:4])  # a chunk name the run did not write
    with pytest.raises(TaskFileError, match="not written by the run"):
        list(read_tasks(stray))
    assert list(read_tasks(tmp_path / "preds-00001.json")) == TASKS[:2]


def test_a_directory_changed_after_its_run_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_dir(out, TASKS)
    assert list(read_tasks(out)) == TASKS
    (out / "task-00000004.json").unlink()
    with pytest.raises(TaskFileError, match=r"task-00000004\.json: missing"):
        list(read_tasks(out))


def test_overwriting_a_directory_removes_the_older_runs_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_dir(out, TASKS)
    with pytest.raises(FileExistsError, match="--overwrite"):
        write_dir(out, TASKS[:2])
    write_dir(out, TASKS[:2], overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == ["task-00000001.json", "task-00000002.json"]
    assert list(read_tasks(out)) == TASKS[:2]


def test_a_directory_without_a_marker_reads_as_before(tmp_path: Path) -> None:
    out = tmp_path / "bucket"
    out.mkdir()
    (out / "a.json").write_text(json.dumps(TASKS[0]))
    assert list(read_tasks(out)) == TASKS[:1]


def test_cli_refuses_an_existing_output_and_overwrite_keeps_mode_and_symlink(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_json(tmp_path / "in.json", TASKS)
    real = write_json(tmp_path / "real.json", TASKS[:1])
    real.chmod(0o600)
    link = tmp_path / "link.json"
    link.symlink_to(real.name)

    assert main(["convert", str(source), str(link)]) == 2
    assert "already exists; pass --overwrite" in capsys.readouterr().err
    assert list(read_tasks(real)) == TASKS[:1]

    assert main(["convert", str(source), str(link), "--overwrite"]) == 0
    assert link.is_symlink()
    assert os.readlink(link) == real.name
    assert real.stat().st_mode & 0o777 == 0o600
    assert list(read_tasks(link)) == TASKS
    assert _leftovers(tmp_path) == []


def test_a_killed_writers_temporary_files_are_swept(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    stale = tmp_path / f".task-00000001.json.{int(dead.stdout)}.0.tmp"
    stale.write_text("{")
    mine = tmp_path / f".other.json.{os.getpid()}.0.tmp"
    mine.write_text("{")
    assert sweep_stale_temps(tmp_path) == [stale]
    assert mine.exists()


def test_sigterm_leaves_no_temporary_file_and_marks_the_run(tmp_path: Path) -> None:
    fifo = tmp_path / "in.jsonl"
    os.mkfifo(fifo)
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "prelabel.cli", "convert", str(fifo), str(out)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    with open(fifo, "w") as feed:
        feed.write(json.dumps(TASKS[0]) + "\n")
        feed.flush()
        deadline = time.monotonic() + 30
        while not _leftovers(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _leftovers(tmp_path), "the writer never started"
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 143
    assert "terminated" in err
    assert "Traceback" not in err
    assert _leftovers(tmp_path) == []
    assert not out.exists()
