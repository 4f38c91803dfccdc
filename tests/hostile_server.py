"""A Label Studio on 127.0.0.1 that misbehaves on request: redirects, drips, ignores paging,
answers nonsense, breaks connections, fails part-way. For the upload client's hardening tests
and fuzz suite; each test sets the ``script`` of answers it wants."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        with self.server.lock:
            self.server.seen.append(
                (self.command, self.path, self.headers.get("Authorization"), self.body)
            )
        self.server.answer(self)

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(raw)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, answer: Callable[[Handler], None]) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.answer = answer
        self.lock = threading.Lock()
        self.seen: list[tuple[str, str, str | None, bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextlib.contextmanager
def serve(answer: Callable[[Handler], None]) -> Iterator[Server]:
    """Run a server answering every request with ``answer`` until the block ends."""
    server = Server(answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def drip(handler: Handler, seconds: float) -> None:
    """Headers at once, then a byte of body every 0.2 s for ``seconds``."""
    handler.send_response(200)
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    stop = time.monotonic() + seconds
    with contextlib.suppress(OSError):
        while time.monotonic() < stop:
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.2)


def cut(handler: Handler) -> None:
    """Promise a body, send half of it, close the connection."""
    handler.send_response(201)
    handler.send_header("Content-Length", "100")
    handler.end_headers()
    handler.wfile.write(b'{"id": 1')
    handler.wfile.flush()
    handler.close_connection = True
