"""One real Label Studio server for the whole session, a client for it, and the run's timing.

Run with ``make test-integration`` (it installs label-studio==1.23.2 into ``.venv-ls`` once and
builds ``build/demo`` first). The server's log is copied to ``build/integration/server.log``
and the findings tables are written to ``build/integration/`` at the end of the run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from integration.editor import Editor, EditorReport
from integration.server import ROOT, LabelStudioServer
from prelabel.labelstudio import Client

ARTIFACTS = ROOT / "build" / "integration"
_STARTED = time.perf_counter()
_TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``build/integration/``: where the suite writes its logs and tables."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def timings() -> dict[str, float]:
    """The run's timing rows (name: seconds), printed at the end and written to timing.json."""
    return _TIMINGS


@pytest.fixture(scope="session")
def ls_server(artifacts: Path) -> Iterator[LabelStudioServer]:
    """A strict Label Studio on 127.0.0.1 with a throw-away data dir, stopped at the end.

    It keeps Label Studio's shipped security defaults (SSRF protection on, loopback ML backends
    refused); the ML backend test starts its own server for the loopback backend it serves.
    """
    # stopped by PID at the end; also registered with atexit in case this never runs
    with LabelStudioServer().serving(artifacts / "server.log") as server:
        _TIMINGS["server start"] = server.startup_s or 0.0
        yield server


@pytest.fixture(scope="session")
def ls_client(ls_server: LabelStudioServer) -> Client:
    """A :class:`prelabel.labelstudio.Client` logged in with the server's legacy token."""
    return Client(ls_server.url, ls_server.token)


@pytest.fixture(scope="session")
def editor(ls_server: LabelStudioServer) -> Iterator[Editor]:
    """Headless Chromium logged in to the session's server (``integration/editor.py``).

    Stopped at the end of the session, also when a test failed: the browser is closed through
    playwright and any process left with its profile directory is killed by PID.
    """
    browser = Editor(ls_server.url, ls_server.username, ls_server.password)
    try:
        started = time.perf_counter()
        browser.start()
        _TIMINGS["browser start"] = time.perf_counter() - started
        yield browser
    finally:
        browser.stop()


@pytest.fixture(scope="session")
def editor_report(artifacts: Path) -> Iterator[EditorReport]:
    """Rows of the editor check, written to ``build/integration/editor.md`` and ``.json``."""
    report = EditorReport()
    try:
        yield report
    finally:
        report.write(artifacts)
        if report.seconds:
            _TIMINGS["editor checks"] = report.seconds


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    total = time.perf_counter() - _STARTED
    _TIMINGS["total"] = total
    parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in _TIMINGS.items())
    terminalreporter.write_sep("=", f"integration timing: {parts}")
    if ARTIFACTS.exists():
        (ARTIFACTS / "timing.json").write_text(
            json.dumps({k: round(v, 2) for k, v in _TIMINGS.items()}, indent=2) + "\n",
            encoding="utf-8",
        )
