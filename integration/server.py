"""Start and stop a real Label Studio server for the conformance suite, headless and offline.

The server runs from its own virtualenv (``.venv-ls``, made by ``make test-integration``) so its
pins never decide ours; this process talks to it over HTTP on 127.0.0.1 only.

Lifecycle guarantees:

* the port is chosen free on 127.0.0.1 and checked free again right before the start (Label
  Studio silently moves to another port when its port is busy), and ``/health`` is polled on
  that exact port, so a server answering elsewhere is never mistaken for ours;
* the environment is built from scratch (Label Studio reads ``LABEL_STUDIO_X``, ``HEARTEX_X``
  and bare ``X``, so an inherited ``HOST``, ``PORT``, ``DEBUG`` or ``CI`` would leak in), with
  ``HOME`` inside the temporary data dir; Label Studio's security defaults stay as it ships
  them (SSRF protection on, loopback ML backends refused) unless a server asks otherwise
  (``allow_loopback_ml``, for the ML backend test alone);
* the process is stopped by its PID (SIGTERM, then SIGKILL) from ``stop()``, from an ``atexit``
  hook and from the pytest fixture finalizer, whichever comes first;
* stdout and stderr go to ``server.log`` in the data dir, which the tests grep.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BIN = ROOT / ".venv-ls" / "bin" / "label-studio"
# A data dir with the migrations applied and the test user made, copied for every run: the
# first start of a data dir migrates the database (30 s to minutes on 2 busy cores), a copy
# starts in seconds. It lives in .venv-ls, so a new install makes a new one.
DEFAULT_TEMPLATE = ROOT / ".venv-ls" / "prelabel-data-template"
_CREDENTIALS = "prelabel-credentials.json"
LOOPBACK = "127.0.0.1"
STRICT_FLAG = "fflag_feat_utc_210_prediction_validation_15082025"

# What lets Label Studio connect an ML backend on 127.0.0.1 (see clean_env): both are on by
# default, and only the ML backend test's own server turns them off.
LOOPBACK_ML_ENV = {"ML_BLOCK_LOCAL_IP": "false", "SSRF_PROTECTION_ENABLED": "false"}

# The log lines Label Studio writes when a prediction does not validate (lenient and strict).
VALIDATION_LOG_MARKERS = ("Prediction validation failed", "Error validating prediction")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(port: int) -> bool:
    """True when a socket can bind 127.0.0.1:port and nothing accepts connections there."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        if probe.connect_ex((LOOPBACK, port)) == 0:
            return False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def clean_env(
    data_dir: Path,
    *,
    strict: bool = True,
    local_files_root: Path | None = None,
    allow_loopback_ml: bool = False,
) -> dict[str, str]:
    """The whole environment of the server process: nothing inherited but a minimal PATH.

    With ``local_files_root``, the server serves ``/data/local-files/?d=...`` from that
    document root; without, it refuses to (Label Studio's default: its auto-detection looks for
    a ``mydata`` directory in the working directory, the fresh data dir, which has none).

    With ``allow_loopback_ml``, the server connects an ML backend on 127.0.0.1, which Label
    Studio refuses twice by default: the ML URL check (``ML_BLOCK_LOCAL_IP``) and the URL check
    of the webhook ``<url>/webhook`` it makes for every new backend
    (``SSRF_PROTECTION_ENABLED``, which also guards storages). Both go off, so only a server
    that serves the ML backend test asks for it; every other server keeps the shipped defaults.
    """
    home = data_dir / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_DB": "sqlite",
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "SENTRY_DSN": "",
        "LABEL_STUDIO_SENTRY_DSN": "",
        "LABEL_STUDIO_FRONTEND_SENTRY_DSN": "",
        "LABEL_STUDIO_LATEST_VERSION_CHECK": "false",
        "LABEL_STUDIO_COLLECT_ANALYTICS": "false",
        "LABEL_STUDIO_FEATURE_FLAGS_OFFLINE": "true",
        "LABEL_STUDIO_CONVERTER_DOWNLOAD_RESOURCES": "false",
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
    }
    if strict:
        env[STRICT_FLAG] = "true"
    if allow_loopback_ml:
        env |= LOOPBACK_ML_ENV
    if local_files_root is not None:
        env["LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED"] = "true"
        env["LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT"] = str(local_files_root)
    return env


def stop_group(process: subprocess.Popen[bytes], timeout_s: float = 15.0) -> None:
    """Stop a process started with ``start_new_session``: SIGTERM to its group (whose id is
    its PID, so only what it started), then SIGKILL after ``timeout_s``."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout_s)


class ServerError(RuntimeError):
    """The server did not come up (the message carries the tail of its log)."""


class LabelStudioServer:
    """One Label Studio process on 127.0.0.1 with a throw-away SQLite data dir.

    Use as a context manager, or call :meth:`start` and :meth:`stop` (stop is idempotent and
    also registered with ``atexit``). It keeps Label Studio's shipped security defaults;
    ``allow_loopback_ml=True`` turns off the two checks that refuse an ML backend on 127.0.0.1
    (:data:`LOOPBACK_ML_ENV`), for the server of the ML backend test only.
    """

    def __init__(
        self,
        *,
        binary: Path = DEFAULT_BIN,
        strict: bool = True,
        template: Path | None = DEFAULT_TEMPLATE,
        startup_timeout_s: float = 300.0,
        keep_data: bool = False,
        local_files_root: Path | None = None,
        allow_loopback_ml: bool = False,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.binary = binary
        self.local_files_root = local_files_root
        self.allow_loopback_ml = allow_loopback_ml  # SSRF protection off: see clean_env
        self.extra_env = dict(extra_env or {})  # e.g. S3_ENDPOINT for an S3-compatible server
        self.template = template
        self.strict = strict
        self.startup_timeout_s = startup_timeout_s
        self.keep_data = keep_data
        self.username = "prelabel@example.com"
        self.password = secrets.token_urlsafe(12)
        self.token = "prelabel-" + secrets.token_hex(16)
        self.data_dir: Path | None = None
        self.port: int | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_s: float | None = None
        self.stop_s: float | None = None
        self._log_handle: object | None = None

    # --- properties -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self.port is None:
            raise ServerError("the server has not been started")
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def log_path(self) -> Path:
        if self.data_dir is None:
            raise ServerError("the server has not been started")
        return self.data_dir / "server.log"

    def log_text(self, start: int = 0) -> str:
        """The server's log from byte offset ``start`` (stdout and stderr, merged)."""
        with self.log_path.open("rb") as handle:
            handle.seek(start)
            return handle.read().decode("utf-8", "replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> LabelStudioServer:
        """Start on a free loopback port and wait for ``/health``; return self."""
        if self.process is not None:
            raise ServerError("the server is already running")
        if not self.binary.exists():
            raise ServerError(
                f"{self.binary} not found: run `make test-integration` (it installs "
                "label-studio==1.23.2 into .venv-ls)"
            )
        atexit.register(self.stop)
        started = time.perf_counter()
        if self.template is not None and not (self.template / _CREDENTIALS).exists():
            self._make_template(self.template)
        self.data_dir = Path(tempfile.mkdtemp(prefix="prelabel-ls-"))
        if self.template is not None:
            shutil.copytree(self.template, self.data_dir, dirs_exist_ok=True)
            credentials = json.loads((self.data_dir / _CREDENTIALS).read_text("utf-8"))
            self.username = credentials["username"]
            self.password = credentials["password"]
            self.token = credentials["token"]
        self._launch()
        self.startup_s = time.perf_counter() - started
        return self

    def _launch(self) -> None:
        for _attempt in range(3):
            self.port = free_port()
            if not port_is_free(self.port):
                continue
            self._spawn()
            try:
                self._wait_healthy()
            except ServerError:
                if self.process is not None and self.process.poll() is None:
                    raise
                # It died: another process may have taken the port between check and bind.
                self._reap()
                if port_is_free(self.port):
                    raise
                continue
            return
        raise ServerError("could not find a free port on 127.0.0.1 for Label Studio")

    def _make_template(self, template: Path) -> None:
        """Start once on a fresh data dir (migrations, user, token), stop, keep a copy."""
        self.data_dir = Path(tempfile.mkdtemp(prefix="prelabel-ls-template-"))
        try:
            self._launch()
            self._reap()
            staging = template.with_name(f"{template.name}.{os.getpid()}.tmp")
            shutil.copytree(self.data_dir, staging, ignore=shutil.ignore_patterns("server.log"))
            credentials = {"username": self.username, "password": self.password}
            credentials["token"] = self.token
            (staging / _CREDENTIALS).write_text(json.dumps(credentials), encoding="utf-8")
            try:
                staging.rename(template)  # atomic: a half-made template is never used
            except OSError:
                shutil.rmtree(staging, ignore_errors=True)  # another run made it first
        finally:
            self._reap()
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir = None

    def _spawn(self) -> None:
        assert self.data_dir is not None
        assert self.port is not None
        command = [
            str(self.binary),
            "start",
            "--no-browser",
            "--internal-host",
            LOOPBACK,
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
            "--username",
            self.username,
            "--password",
            self.password,
            "--user-token",
            self.token,
            "--enable-legacy-api-token",
        ]
        log = self.log_path.open("ab")
        self._log_handle = log
        self.process = subprocess.Popen(
            command,
            cwd=self.data_dir,
            env=self.environment(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a stop reaches any child too
        )

    def environment(self) -> dict[str, str]:
        """The whole environment the server process gets (:func:`clean_env`, then ``extra_env``)."""
        assert self.data_dir is not None
        env = clean_env(
            self.data_dir,
            strict=self.strict,
            local_files_root=self.local_files_root,
            allow_loopback_ml=self.allow_loopback_ml,
        )
        return env | self.extra_env

    def _wait_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(
                    f"Label Studio exited with status {self.process.returncode} during start"
                    f"\n--- last lines of {self.log_path} ---\n{self._log_tail()}"
                )
            if self.healthy():
                return
            time.sleep(0.5)
        raise ServerError(
            f"Label Studio did not answer /health on {self.url} within "
            f"{self.startup_timeout_s:.0f} s\n--- last lines of {self.log_path} ---\n"
            f"{self._log_tail()}"
        )

    def healthy(self) -> bool:
        """True when ``GET /health`` on our port answers ``{"status": "UP"}``."""
        try:
            with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:
                body = json.loads(response.read().decode("utf-8"))
        except (OSError, ValueError, urllib.error.URLError):
            return False
        return isinstance(body, dict) and body.get("status") == "UP"

    def _log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_text().splitlines()[-lines:])
        except OSError:
            return "(no log)"

    @contextlib.contextmanager
    def serving(self, log_copy: Path) -> Iterator[LabelStudioServer]:
        """Start the server for the block; at its end, also on failure, copy the server's log
        to ``log_copy`` (``build/integration/...``) and stop it by PID (:attr:`stop_s` says
        how long stopping took)."""
        try:
            yield self.start()
        finally:
            if self.data_dir is not None and self.log_path.exists():
                shutil.copyfile(self.log_path, log_copy)
            stopping = time.perf_counter()
            self.stop()
            self.stop_s = time.perf_counter() - stopping

    def stop(self) -> None:
        """Stop the server by its PID (SIGTERM, then SIGKILL after 15 s); remove the data dir."""
        self._reap()
        if self.data_dir is not None and not self.keep_data:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir = None

    def _reap(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            stop_group(process)
        handle, self._log_handle = self._log_handle, None
        if handle is not None:
            with contextlib.suppress(OSError):
                handle.close()  # type: ignore[attr-defined]

    def __enter__(self) -> LabelStudioServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def validation_errors_in(log: str) -> list[str]:
    """The log lines that say a prediction failed validation."""
    return [line for line in log.splitlines() if any(m in line for m in VALIDATION_LOG_MARKERS)]
