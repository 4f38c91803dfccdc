"""The exceptions prelabel raises, and the records its validator collects.

Two families, as the style guide asks:

* *Misuse* of the API raises at once (a label the control does not have, an array of the
  wrong shape, a name that is not in the config).
* *Data* that does not fit the config (predictions, task files) is collected: every problem
  becomes an :class:`ErrorRecord`, and :class:`ValidationError` carries all of them.

Exception tree::

    PrelabelError
    ├── ConfigError (ValueError)          the labeling config is unreadable, hostile or invalid
    ├── UnknownNameError (LookupError)    a tag name that is not in the config ("did you mean")
    ├── KindError (TypeError)             a tag of another kind than the caller asked for
    ├── BuildError (ValueError)           a builder was called with input it cannot use
    │   └── LabelError                    a label/choice the control does not define
    ├── RLEError (ValueError)             a brush mask or RLE stream that cannot be encoded/decoded
    ├── TaskFileError (ValueError)        a task file that cannot be read (names file, line, index)
    ├── ShardError (ValueError)           a sharded run that cannot be written or is not whole
    │                                     (names the shard, and the task by its key)
    ├── LabelStudioError (RuntimeError)   a Label Studio server refused a request (in
    │                                     ``prelabel.labelstudio``, with the server's answer)
    ├── RequestError (ValueError)         an ML backend request Label Studio would not send (in
    │                                     ``prelabel.mlbackend``, each problem as a JSON path)
    └── ValidationError (ValueError)      predictions that do not fit the config (all records)

Every class also subclasses the builtin a caller would catch, so ``except ValueError`` works.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Literal

__all__ = [
    "BuildError",
    "ConfigError",
    "ErrorRecord",
    "KindError",
    "LabelError",
    "Loc",
    "PrelabelError",
    "RLEError",
    "Severity",
    "ShardError",
    "TaskFileError",
    "UnknownNameError",
    "ValidationError",
    "format_loc",
]

Severity = Literal["error", "warning"]
Loc = tuple[str | int, ...]


class PrelabelError(Exception):
    """Base class of every exception prelabel raises on purpose."""


class ConfigError(PrelabelError, ValueError):
    """The labeling config cannot be used: not XML, hostile XML, or a real config mistake.

    Attributes:
        line: 1-based line in the XML source, when known.
        tag: the tag name as written (``"RectangleLabels"``), when known.
        name: the tag's ``name`` attribute, when it has one.
    """

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        tag: str | None = None,
        name: str | None = None,
    ) -> None:
        self.message = message
        self.line = line
        self.tag = tag
        self.name = name
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.tag is not None:
            where.append(f"<{self.tag}" + (f' name="{self.name}"' if self.name else "") + ">")
        if self.line is not None:
            where.append(f"line {self.line}")
        return f"{self.message} ({', '.join(where)})" if where else self.message


class UnknownNameError(PrelabelError, LookupError):
    """A tag name that the config does not define; the message suggests close names."""

    def __str__(self) -> str:  # LookupError would repr() the message: keep it readable
        return str(self.args[0]) if self.args else ""


class KindError(PrelabelError, TypeError):
    """A tag exists under that name but is of another kind than asked for."""


class BuildError(PrelabelError, ValueError):
    """A builder was given input it cannot turn into a valid result."""


class LabelError(BuildError):
    """A label or choice that the control does not define."""


class RLEError(PrelabelError, ValueError):
    """A brush mask that cannot be encoded, or an RLE stream that cannot be decoded."""


class TaskFileError(PrelabelError, ValueError):
    """A task file that cannot be read: the message names the file and line or task index."""


class ShardError(PrelabelError, ValueError):
    """A shard that cannot be written, or a run whose shards do not add up (names the shard)."""


def format_loc(loc: Loc) -> str:
    """Render a location tuple as a JSON path, e.g. ``$[3].predictions[0].result[2].value.x``.

    >>> format_loc((3, "predictions", 0, "result", 2, "value", "x"))
    '$[3].predictions[0].result[2].value.x'
    >>> format_loc(())
    '$'
    """
    parts = ["$"]
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part.isidentifier():
            parts.append(f".{part}")
        else:
            parts.append(f"[{part!r}]")
    return "".join(parts)


@dataclasses.dataclass(frozen=True, slots=True)
class ErrorRecord:
    """One problem found in tasks or predictions, located down to the field.

    Attributes:
        code: stable slug documented in ``docs/validation.md`` (``"label.unknown"``).
        severity: ``"error"`` when Label Studio rejects, drops or misreads it; ``"warning"``
            when it is suspicious but shown.
        loc: path from the task list down to the field.
        message: one sentence saying what is wrong.
        hint: how to fix it, when obvious (``"did you mean 'Airplane'?"``).
        control: the control's name, when the problem belongs to one.
        control_kind: the control's tag (``"RectangleLabels"``).
        expected: what the config allows, summarized.
        found: what was given, summarized (never a whole RLE).
    """

    code: str
    severity: Severity
    loc: Loc
    message: str
    hint: str | None = None
    control: str | None = None
    control_kind: str | None = None
    expected: str | None = None
    found: str | None = None

    @property
    def path(self) -> str:
        """The location as a JSON path string."""
        return format_loc(self.loc)

    def to_dict(self) -> dict[str, object]:
        """Plain-JSON form, as ``prelabel validate --format json`` prints it."""
        return {
            "code": self.code,
            "severity": self.severity,
            "loc": self.path,
            "message": self.message,
            "hint": self.hint,
            "control": self.control,
            "control_kind": self.control_kind,
            "expected": self.expected,
            "found": self.found,
        }

    def __str__(self) -> str:
        text = f"{self.path}: {self.severity} [{self.code}] {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


class ValidationError(PrelabelError, ValueError):
    """Every problem found in a set of tasks; :meth:`errors` returns the records."""

    def __init__(self, records: Sequence[ErrorRecord]) -> None:
        self._records = tuple(records)
        shown = "\n".join(f"  {record}" for record in self._records[:20])
        more = len(self._records) - 20
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{len(self._records)} problem(s) found:\n{shown}{tail}")

    def errors(self) -> list[ErrorRecord]:
        """All records, in the order they were found."""
        return list(self._records)

    def __repr__(self) -> str:
        from .preview._reprs import errors_repr

        return errors_repr(self._records)

    def _repr_html_(self) -> str:
        from .preview._reprs import errors_html

        return errors_html(self._records)
