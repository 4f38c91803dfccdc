"""HTTP for the Label Studio client: bounded in time and size, credentials kept to one origin.

``urllib`` alone follows redirects to any host with the ``Authorization`` header still set (the
token leaks to whoever the server names) and turns a redirected POST into a GET; its timeout is
per socket operation, so a server dripping a byte a second never times out. Here:

* a redirect is followed only for GET/HEAD and only to the same scheme, host and port;
  anything else raises :class:`RedirectError` (the caller says where it was sent);
* every request has a hard time limit: a watchdog shuts the socket down when it passes, what
  ever the server is doing (headers, body, nothing);
* an answer larger than ``max_bytes`` is refused instead of filling memory.

Retries and the overall deadline live in the client, which knows which calls are idempotent.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import http.client
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from typing import IO, Any

__all__ = ["Answer", "RedirectError", "TooLargeError", "Transport", "same_origin"]

_CHUNK = 1 << 16


class RedirectError(Exception):
    """The server redirected a request where credentials must not follow."""

    def __init__(self, status: int, location: str) -> None:
        super().__init__(f"HTTP {status} to {location}")
        self.status = status
        self.location = location


class TooLargeError(Exception):
    """The answer is larger than the transport accepts."""


@dataclasses.dataclass
class Answer:
    status: int
    body: bytes
    headers: Mapping[str, str]


def same_origin(a: str, b: str) -> bool:
    """Same scheme, host and port (default ports filled in)."""
    first, second = urllib.parse.urlsplit(a), urllib.parse.urlsplit(b)
    defaults = {"http": 80, "https": 443}
    try:
        port_a = first.port or defaults.get(first.scheme)
        port_b = second.port or defaults.get(second.scheme)
    except ValueError:
        return False
    return (first.scheme, (first.hostname or "").lower(), port_a) == (
        second.scheme,
        (second.hostname or "").lower(),
        port_b,
    )


class _Watch(threading.local):
    """The sockets of the request running in this thread, for the watchdog to shut down."""

    def __init__(self) -> None:
        self.sockets: list[socket.socket] = []

    def kill(self, sockets: list[socket.socket]) -> None:
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Connection(http.client.HTTPConnection):
    def __init__(self, *args: Any, watch: _Watch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watch = watch

    def connect(self) -> None:
        super().connect()
        self._watch.sockets.append(self.sock)


class _SecureConnection(_Connection, http.client.HTTPSConnection):
    """HTTPS with the same watch: the TLS socket is registered once the handshake is done."""


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, watch: _Watch) -> None:
        super().__init__()
        self._watch = watch

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_Connection, watch=self._watch), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, watch: _Watch) -> None:
        super().__init__()
        self._watch = watch

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        context = getattr(self, "_context", None)
        return self.do_open(
            functools.partial(_SecureConnection, watch=self._watch), req, context=context
        )


class _Redirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if req.get_method() in ("GET", "HEAD") and same_origin(req.full_url, newurl):
            return super().redirect_request(req, fp, code, msg, headers, newurl)
        fp.close()
        raise RedirectError(code, newurl)


class Transport:
    """One request at a time, each within ``seconds`` and ``max_bytes``.

    Args:
        proxies: False to never use a proxy (for a server on loopback).
        max_bytes: the largest answer body read.
    """

    def __init__(self, *, proxies: bool = True, max_bytes: int = 1 << 30) -> None:
        self._watch = _Watch()
        handlers: list[urllib.request.BaseHandler] = [
            _HTTPHandler(self._watch),
            _HTTPSHandler(self._watch),
            _Redirects(),
        ]
        if not proxies:
            handlers.append(urllib.request.ProxyHandler({}))
        self._opener = urllib.request.build_opener(*handlers)
        self.max_bytes = max_bytes

    def request(
        self, method: str, url: str, body: bytes | None, headers: Mapping[str, str], seconds: float
    ) -> Answer:
        """Send one request; the answer, whatever its status.

        Raises:
            RedirectError: a redirect credentials must not follow.
            TooLargeError: the body is over ``max_bytes``.
            TimeoutError: ``seconds`` passed.
            OSError, http.client.HTTPException: the connection failed or broke.
        """
        request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
        self._watch.sockets = []
        sockets = self._watch.sockets
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            self._watch.kill(sockets)

        timer = threading.Timer(seconds, expire)
        timer.daemon = True
        timer.start()
        late = f"no complete answer within {seconds:g} s"
        try:
            try:
                with self._opener.open(request, timeout=seconds) as answer:
                    result = Answer(answer.status, self._read(answer), dict(answer.headers))
            except urllib.error.HTTPError as error:
                with error:
                    result = Answer(error.code, self._read(error), dict(error.headers or {}))
        except (OSError, http.client.HTTPException):
            if expired.is_set():
                raise TimeoutError(late) from None
            raise
        finally:
            timer.cancel()
        if expired.is_set():  # the watchdog cut a body that had no length: it is not whole
            raise TimeoutError(late)
        return result

    def _read(self, answer: Any) -> bytes:
        parts: list[bytes] = []
        size = 0
        for part in _pieces(answer):
            size += len(part)
            if size > self.max_bytes:
                raise TooLargeError(f"the answer is larger than {self.max_bytes:,} bytes")
            parts.append(part)
        body = b"".join(parts)
        promised = (answer.headers or {}).get("Content-Length", "")
        if promised.isdigit() and len(body) < int(promised):
            raise http.client.IncompleteRead(body, int(promised) - len(body))
        return body


def _pieces(answer: Any) -> Iterator[bytes]:
    while True:
        part = answer.read(_CHUNK)
        if not part:
            return
        yield part
