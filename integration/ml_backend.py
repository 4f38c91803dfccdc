"""Start and stop the example ML backend (examples/ml_backend.py) for the suite.

It runs from its own virtualenv (``.venv-mlb``, made by ``make test-integration``: the real
``label-studio-ml`` from PyPI, with prelabel), on a free port of 127.0.0.1, and is stopped by
its PID (SIGTERM, then SIGKILL) from :meth:`MLBackend.stop`, an ``atexit`` hook or the pytest
fixture, whichever comes first. Each /predict exchange is appended to ``answers.jsonl``, so a
test can compare what Label Studio stored with what the backend answered.
"""

from __future__ import annotations

import atexit
import json
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from integration.server import LOOPBACK, ROOT, free_port, port_is_free, stop_group

PYTHON = ROOT / ".venv-mlb" / "bin" / "python"
SCRIPT = ROOT / "examples" / "ml_backend.py"


class MLBackendError(RuntimeError):
    """The backend did not come up (the message carries the tail of its log)."""


class MLBackend:
    """``examples/ml_backend.py serve`` on 127.0.0.1, with a throw-away work dir."""

    def __init__(self, *, startup_timeout_s: float = 120.0) -> None:
        self.startup_timeout_s = startup_timeout_s
        self.dir: Path | None = None
        self.port: int | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_s: float | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def answers_path(self) -> Path:
        assert self.dir is not None
        return self.dir / "answers.jsonl"

    @property
    def log_path(self) -> Path:
        assert self.dir is not None
        return self.dir / "backend.log"

    def answers(self) -> list[dict[str, Any]]:
        """Every /predict exchange so far: ``{"task_ids", "context", "status", "answer"}``."""
        if not self.answers_path.exists():
            return []
        lines = self.answers_path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line]

    def start(self) -> MLBackend:
        if not PYTHON.exists():
            raise MLBackendError(f"{PYTHON} not found: run `make test-integration`")
        atexit.register(self.stop)
        started = time.perf_counter()
        self.dir = Path(tempfile.mkdtemp(prefix="prelabel-mlb-"))
        for _attempt in range(3):
            self.port = free_port()
            if not port_is_free(self.port):
                continue
            self._spawn()
            if self._wait_healthy():
                self.startup_s = time.perf_counter() - started
                return self
            self._reap()
        raise MLBackendError(
            f"the ML backend did not answer /health on {self.url}\n{self._log_tail()}"
        )

    def _spawn(self) -> None:
        assert self.dir is not None
        command = [
            str(PYTHON), str(SCRIPT), "serve", "--host", LOOPBACK, "--port", str(self.port),
            "--model-dir", str(self.dir / "model"), "--log-answers", str(self.answers_path),
        ]  # fmt: skip
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.dir),
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
        }
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _wait_healthy(self) -> bool:
        assert self.process is not None
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as answer:
                    if json.loads(answer.read()).get("status") == "UP":
                        return True
            except (OSError, ValueError, urllib.error.URLError):
                pass
            time.sleep(0.3)
        return False

    def _log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """Stop the backend by its PID; remove its work dir."""
        self._reap()
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def _reap(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            stop_group(process, timeout_s=10.0)
