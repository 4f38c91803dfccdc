"""The test server itself: clean environment, loopback only, stopped by PID even on failure."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from integration.server import (
    LOOPBACK,
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
