"""``prelabel validate --jobs N``: the report of N processes is the report of one."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from prelabel.cli import main
from prelabel.cli._jobs import default_jobs
from prelabel.io import write_dir, write_json, write_jsonl
from prelabel.io._run import marker_path
from test_cli import CONFIG, INVALID, VALID, WARNING_ONLY

Layout = Callable[[Path], list[Path]]


def shards(root: Path) -> list[Path]:
    """A directory of shards with problems in several of them, and a file beside it."""
    write_dir(root / "run", (INVALID + WARNING_ONLY + VALID) * 3, max_tasks_per_file=2)
    return [root / "run", write_jsonl(root / "more.jsonl", INVALID)]


def broken_middle(root: Path) -> list[Path]:
    """A directory whose second file is broken: one process stops reading it there."""
    folder = root / "run"
    write_dir(folder, INVALID * 3, max_tasks_per_file=2)
    marker_path(folder).unlink()  # a plain directory: with its run marker the edit is refused
    (folder / "task-00000002.json").write_text('[{"data": {"image": "a"}},', encoding="utf-8")
    return [folder, write_json(root / "after.json", INVALID)]


def empty_and_missing(root: Path) -> list[Path]:
    (root / "empty").mkdir()
    return [
        write_json(root / "a.json", INVALID),
        root / "empty",
        root / "missing.jsonl",
        write_json(root / "b.json", VALID),
        write_json(root / "none.json", []),
    ]


def setup_warnings(root: Path) -> list[Path]:
    """Images in a bucket and in local files, in every file: one process reports each setup
    warning once (``ONCE_PER_VALIDATOR``), at the first task that needs it."""
    tasks = []
    for number, task in enumerate((VALID + INVALID) * 3):
        where = ("s3://bucket/", "/data/local-files/?d=images/", "https://example.com/")
        tasks.append({**task, "data": {"image": f"{where[number % 3]}{number}.jpg"}})
    write_dir(root / "run", tasks, max_tasks_per_file=1)
    return [root / "run", write_jsonl(root / "more.jsonl", tasks[:2])]


@pytest.mark.parametrize(
    ("layout", "options"),
    [
        pytest.param(shards, [], id="shards"),
        pytest.param(shards, ["--format", "json", "--strict"], id="shards-json-strict"),
        pytest.param(broken_middle, [], id="broken-middle"),
        pytest.param(broken_middle, ["--format", "json"], id="broken-middle-json"),
        pytest.param(empty_and_missing, [], id="empty-and-missing"),
        pytest.param(setup_warnings, [], id="setup-warnings"),
        pytest.param(setup_warnings, ["--format", "json", "--strict"], id="setup-warnings-json"),
    ],
)
def test_jobs_print_what_one_process_prints(
    layout: Layout, options: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.xml"
    config.write_text(CONFIG, encoding="utf-8")
    sources = [str(p) for p in layout(tmp_path)]
    argv = ["validate", "--config", str(config), *options, *sources]
    one = main([*argv, "--jobs", "1"]), *capsys.readouterr()
    two = main([*argv, "--jobs", "2"]), *capsys.readouterr()
    assert two == one
    assert one[1]  # something was printed
    if "--format" in options:
        json.loads(one[1])


def test_default_jobs_is_the_cores() -> None:
    assert default_jobs() >= 1


def test_jobs_must_be_positive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--config", "c.xml", "--jobs", "0", "t.json"]) == 2
    assert "--jobs: expected a positive integer, got 0" in capsys.readouterr().err


def test_threads_the_threading_module_does_not_see_mean_spawn() -> None:
    """A test runner's or an extension's ``_thread`` thread makes fork unsafe (a run in an
    xdist worker hung 20 minutes in a forked pool): only a single-threaded process forks."""
    import _thread
    import threading

    from prelabel.cli import _jobs

    release = threading.Lock()
    release.acquire()
    started = threading.Event()

    def hold() -> None:
        started.set()
        release.acquire()

    _thread.start_new_thread(hold, ())
    started.wait()
    try:
        assert _jobs._start_method() == "spawn"
    finally:
        release.release()


def test_workers_stop_on_sigterm_whatever_the_command_installed() -> None:
    """The pool stops workers with SIGTERM; a worker must not keep the command's handler."""
    import signal

    from prelabel.cli import _jobs

    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        signal.signal(signal.SIGTERM, lambda *_: None)
        _jobs._worker_signals()
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
