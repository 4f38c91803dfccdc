"""What reading a config keeps besides the tags: warnings, and tags prelabel does not know."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from ..errors import ConfigError

__all__ = ["ConfigWarning", "ServerAcceptedError", "UnknownTag"]


@dataclasses.dataclass(frozen=True)
class ConfigWarning:
    """Something in the config prelabel keeps but cannot vouch for (an unknown tag, ...)."""

    message: str
    line: int | None = None
    tag: str | None = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclasses.dataclass(frozen=True)
class UnknownTag:
    """A tag prelabel does not know, kept as written (a typo, or a newer Label Studio tag)."""

    tag: str
    name: str | None
    line: int | None
    attrs: Mapping[str, str]


class ServerAcceptedError(ConfigError):
    """A config mistake Label Studio 1.23.2's server lets through.

    The server creates the project, so the user cannot change it to please prelabel: the config
    still parses, with a :class:`ConfigWarning` naming the mistake, and only building or
    validating results for the tag concerned fails, with this message as the reason.
    """
