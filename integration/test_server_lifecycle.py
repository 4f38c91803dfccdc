"""The test server itself: clean environment, loopback only, stopped by PID even on failure."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from integration.server import (
    LOOPBACK,
    LOOPBACK_ML_ENV,
    STRICT_FLAG,
    LabelStudioServer,
    clean_env,
    port_is_free,
)

# Settings Label Studio would read from the environment (LABEL_STUDIO_X, HEARTEX_X, bare X).
LEAKY = {
    "HOST": "0.0.0.0",
    "PORT": "80",
    "DEBUG": "true",
    "CI": "true",
    "USERNAME": "x",
    "PASSWORD": "y",
    "LABEL_STUDIO_HOST": "http://example.com",
    "HEARTEX_PORT": "1",
}


def test_clean_env_inherits_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key, value in LEAKY.items():
        monkeypatch.setenv(key, value)
    env = clean_env(tmp_path)
    assert not set(LEAKY) & set(env)
    assert env[STRICT_FLAG] == "true"
    assert env["HOME"] == str(tmp_path / "home")
    assert env["LABEL_STUDIO_BASE_DATA_DIR"] == str(tmp_path)
    assert STRICT_FLAG not in clean_env(tmp_path, strict=False)


def _security_settings(env: dict[str, str]) -> dict[str, str]:
    """What ``env`` sets of the two checks that refuse a loopback ML backend, under any of the
    names Label Studio reads them by (``LABEL_STUDIO_X``, ``HEARTEX_X``, bare ``X``)."""
    names = {
        prefix + name for prefix in ("LABEL_STUDIO_", "HEARTEX_", "") for name in LOOPBACK_ML_ENV
    }
    return {key: value for key, value in env.items() if key in names}


def test_a_default_server_keeps_the_shipped_security_defaults(tmp_path: Path) -> None:
    """SSRF protection and the loopback ML check stay on (unset: Label Studio's default)
    everywhere but the ML backend test's own server."""
    assert _security_settings(clean_env(tmp_path)) == {}
    assert _security_settings(clean_env(tmp_path, local_files_root=tmp_path)) == {}
    assert _security_settings(clean_env(tmp_path, allow_loopback_ml=True)) == {
        "ML_BLOCK_LOCAL_IP": "false",
        "SSRF_PROTECTION_ENABLED": "false",
    }
    widened = clean_env(tmp_path, allow_loopback_ml=True)
    assert set(widened) - set(clean_env(tmp_path)) == set(LOOPBACK_ML_ENV)


def test_the_session_server_runs_with_the_shipped_security_defaults(
    ls_server: LabelStudioServer,
) -> None:
    """What the running process got, read back from /proc (not what the builder meant)."""
    assert ls_server.process is not None
    environ = Path(f"/proc/{ls_server.process.pid}/environ")
    if not environ.exists():
        pytest.skip("needs /proc/PID/environ (Linux)")
    entries = environ.read_bytes().decode("utf-8", "replace").split("\0")
    env = dict(entry.split("=", 1) for entry in entries if "=" in entry)
    assert env["LABEL_STUDIO_BASE_DATA_DIR"] == str(ls_server.data_dir)
    assert _security_settings(env) == {}


def test_a_busy_port_is_seen() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert not port_is_free(port)
    assert port_is_free(port)


def _listeners(port: int) -> list[str]:
    """Local addresses listening on ``port``, from /proc/net/tcp{,6} (hex as the kernel has it)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                found.append(address)
    return found


def test_the_server_listens_on_loopback_only(ls_server: LabelStudioServer) -> None:
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs /proc/net/tcp (Linux)")
    assert ls_server.port is not None
    assert _listeners(ls_server.port) == ["0100007F"]  # 127.0.0.1, and nothing else
    assert f"Starting development server at {ls_server.url}/" in ls_server.log_text()


def _fail_while_running(server: LabelStudioServer, seen: dict[str, object]) -> None:
    with server:
        assert server.process is not None
        seen.update(pid=server.process.pid, data_dir=server.data_dir, healthy=server.healthy())
        raise RuntimeError("boom")


def test_the_server_is_stopped_by_pid_when_the_body_fails() -> None:
    server = LabelStudioServer()
    seen: dict[str, object] = {}
    with pytest.raises(RuntimeError, match="boom"):
        _fail_while_running(server, seen)
    assert seen["healthy"] is True
    pid, data_dir = seen["pid"], seen["data_dir"]
    assert isinstance(pid, int)
    assert isinstance(data_dir, Path)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not data_dir.exists()
    assert server.process is None
