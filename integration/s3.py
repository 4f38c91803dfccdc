"""An S3-compatible server on 127.0.0.1 for the scale test: moto in server mode.

Started on a free port with throw-away credentials, in its own process group, and stopped by
its PID (SIGTERM, then SIGKILL) from ``stop()``, an ``atexit`` hook or the fixture, whichever
comes first. Its log goes to ``moto.log`` in a temporary directory.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from integration.server import LOOPBACK, free_port, port_is_free

REGION = "us-east-1"


class S3Server:
    """One ``moto_server`` process on 127.0.0.1.

    Attributes:
        url: the endpoint (``http://127.0.0.1:PORT``).
        key, secret: credentials it accepts (moto accepts any; these are never real).
    """

    def __init__(self, *, startup_timeout_s: float = 60.0) -> None:
        self.startup_timeout_s = startup_timeout_s
        self.key = "prelabel-test-key"
        self.secret = "prelabel-test-secret"
        self.port: int | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.log_dir = Path(tempfile.mkdtemp(prefix="prelabel-moto-"))

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def storage_options(self) -> dict[str, Any]:
        """fsspec / s3fs options that reach this server."""
        return {
            "key": self.key,
            "secret": self.secret,
            "client_kwargs": {"endpoint_url": self.url, "region_name": REGION},
        }

    def start(self) -> S3Server:
        port = free_port()
        if not port_is_free(port):
            port = free_port()
        self.port = port
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.log_dir),
            "LANG": "C.UTF-8",
        }
        log = (self.log_dir / "moto.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", LOOPBACK, "-p", str(port)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        atexit.register(self.stop)
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto_server exited: {self.log_tail()}")
            try:
                opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
                with opener.open(f"{self.url}/moto-api/", timeout=2):
                    return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"moto_server did not answer in {self.startup_timeout_s:.0f} s")

    def create_bucket(self, name: str) -> None:
        """Make a bucket (us-east-1 takes no location constraint, which s3fs's mkdir sends)."""
        import boto3  # comes with moto

        client = boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=self.key,
            aws_secret_access_key=self.secret,
        )
        client.create_bucket(Bucket=name)

    def log_tail(self, size: int = 2000) -> str:
        text = (self.log_dir / "moto.log").read_bytes()[-size:]
        return text.decode("utf-8", "replace")

    def stop(self) -> None:
        """Stop the server by its PID (idempotent)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            process.wait(timeout=10)

    def __enter__(self) -> S3Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
