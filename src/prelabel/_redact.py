"""Secrets out of messages: tokens, passwords in URLs, and any value registered as secret.

Error messages quote servers and URLs; a server may echo the token it was sent, and a URL may
carry ``user:password@``. Every message the package prints about a server, and every message
the command line's exception boundary prints, goes through :func:`redact`.

>>> redact("GET http://bob:hunter2@host/x answered: Token abc123def456")
'GET http://***@host/x answered: Token ***'
"""

from __future__ import annotations

import re
import threading

__all__ = ["redact", "register_secret"]

_secrets: set[str] = set()
_lock = threading.Lock()

_PATTERNS = (
    (re.compile(r"(?<=://)[^/\s@]+@"), "***@"),  # user:password@ in a URL
    (re.compile(r"\b(Token|Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}", re.IGNORECASE), r"\1 ***"),
    (
        re.compile(
            r"""(["']?\b(?:token|access|refresh|api_key|apikey|password|secret|"""
            r"""authorization)["']?\s*[:=]\s*["']?)[^"'\s&,}]{4,}""",
            re.IGNORECASE,
        ),
        r"\1***",
    ),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), "***"),  # a JWT
)


def register_secret(value: str) -> None:
    """Never print ``value`` (a token) in any message :func:`redact` sees."""
    value = value.strip()
    if len(value) >= 4:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """``text`` with secrets replaced by ``***``."""
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, "***")
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
