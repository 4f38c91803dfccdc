"""Region ids: unique by default, reproducible on request.

Label Studio links every result of one region by its ``id`` (and relations point at it), so
builders always set one. Re-running a pipeline should be able to give the same file, so ids
can come from a seeded generator for the duration of a ``with`` block.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import threading
from collections.abc import Callable, Iterator

__all__ = ["new_id", "new_ids", "reproducible_ids", "use_id_factory"]

# string.ascii_letters + string.digits, spelled out (the string module is not needed here)
_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_LENGTH = 10

IdFactory = Callable[[], str]

# Unseeded ids are drawn from os.urandom in bulk: a byte b < 248 (4 * 62, no modulo bias)
# becomes _ALPHABET[b % 62]; larger bytes are dropped. One id costs well under a microsecond.
_TABLE = bytes(ord(_ALPHABET[b % 62]) for b in range(256))
_REJECT = bytes(range(248, 256))
_pool: list[str] = []
_pool_lock = threading.Lock()
os.register_at_fork(after_in_child=_pool.clear)  # a forked worker must not reuse its parent's


_split = re.compile(f".{{{_LENGTH}}}").findall  # cuts the text into ids in one C call


def _draw(count: int) -> list[str]:
    need = count * _LENGTH
    chars = b""
    while len(chars) < need:
        chars += os.urandom(need - len(chars) + 64).translate(_TABLE, _REJECT)
    ids: list[str] = _split(chars[:need].decode("ascii"))
    return ids


def _take(count: int) -> list[str]:
    with _pool_lock:
        if count > len(_pool):
            _pool.extend(_draw(max(4096, count)))
        taken = _pool[-count:]
        del _pool[-count:]
    return taken


def _secure_id() -> str:
    try:
        return _pool.pop()  # atomic; the lock only guards refills
    except IndexError:
        return _take(1)[0]


_factory: contextvars.ContextVar[IdFactory] = contextvars.ContextVar(
    "prelabel_id_factory", default=_secure_id
)


def new_id() -> str:
    """A fresh region id (10 characters of ``[A-Za-z0-9]``, like Label Studio's own).

    >>> len(new_id())
    10
    """
    factory = _factory.get()
    if factory is _secure_id:
        try:
            return _pool.pop()  # atomic; the lock only guards refills
        except IndexError:
            return _take(1)[0]
    return factory()


def new_ids(count: int) -> list[str]:
    """``count`` fresh region ids at once (the batch builders' path), honouring the factory.

    >>> ids = new_ids(3)
    >>> len(ids), len(set(ids))
    (3, 3)
    """
    if count <= 0:
        return []
    factory = _factory.get()
    if factory is _secure_id:
        return _take(count)
    return [factory() for _ in range(count)]


@contextlib.contextmanager
def use_id_factory(factory: IdFactory) -> Iterator[None]:
    """Use ``factory`` for every id that builders generate inside the block.

    >>> counter = iter(range(100))
    >>> with use_id_factory(lambda: f"r{next(counter)}"):
    ...     new_id(), new_id()
    ('r0', 'r1')
    """
    token = _factory.set(factory)
    try:
        yield
    finally:
        _factory.reset(token)


@contextlib.contextmanager
def reproducible_ids(seed: int) -> Iterator[None]:
    """Generate the same sequence of ids for the same ``seed``, inside the block.

    The setting lives in a :mod:`contextvars` variable, so it holds for this thread (and its
    asyncio tasks) only: a worker thread starts with unseeded ids. That is on purpose, since
    threads interleave in no fixed order and one shared seeded sequence would not repeat. For
    reproducible ids from a thread pool, give each work item its own block, e.g.
    ``pool.submit(build, item)`` where ``build`` runs ``with reproducible_ids(seed + i):``.

    >>> with reproducible_ids(7):
    ...     first = [new_id(), new_id()]
    >>> with reproducible_ids(7):
    ...     second = [new_id(), new_id()]
    >>> first == second
    True
    """
    import random  # only here: not on the import path of the package

    rng = random.Random(seed)

    def seeded() -> str:
        return "".join(rng.choice(_ALPHABET) for _ in range(_LENGTH))

    with use_id_factory(seeded):
        yield
