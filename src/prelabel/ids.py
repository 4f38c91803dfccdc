"""Region ids: unique by default, reproducible on request.

Label Studio links every result of one region by its ``id`` (and relations point at it), so
builders always set one. Re-running a pipeline should be able to give the same file, so ids
can come from a seeded generator for the duration of a ``with`` block.
"""

from __future__ import annotations

import contextlib
import contextvars
import random
import secrets
import string
from collections.abc import Callable, Iterator

__all__ = ["new_id", "reproducible_ids", "use_id_factory"]

_ALPHABET = string.ascii_letters + string.digits
_LENGTH = 10

IdFactory = Callable[[], str]


def _secure_id() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))


_factory: contextvars.ContextVar[IdFactory] = contextvars.ContextVar(
    "prelabel_id_factory", default=_secure_id
)


def new_id() -> str:
    """A fresh region id (10 characters of ``[A-Za-z0-9]``, like Label Studio's own).

    >>> len(new_id())
    10
    """
    return _factory.get()()


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

    >>> with reproducible_ids(7):
    ...     first = [new_id(), new_id()]
    >>> with reproducible_ids(7):
    ...     second = [new_id(), new_id()]
    >>> first == second
    True
    """
    rng = random.Random(seed)

    def seeded() -> str:
        return "".join(rng.choice(_ALPHABET) for _ in range(_LENGTH))

    with use_id_factory(seeded):
        yield
