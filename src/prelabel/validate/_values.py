"""The base of the per-control checkers, and the value checks every control shares.

A checker is compiled once per (control, target object): it holds the control's facts as
plain attributes and lookup sets (allowed labels, choice mode, bounds), then checks one
``value`` dict per call. The common case is tested first with a few comparisons; the
diagnosis (which key, what was expected, a hint) runs only when that test fails.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

from .._suggest import close_matches, quote_list
from ..tags.base import ControlTag, ObjectTag
from ..tags.controls import LabelingControl
from ._context import PredCtx
from ._show import MISSING, a_type, num, show

__all__ = ["NUMBER_TYPES", "ControlChecker"]

NUMBER_TYPES = (int, float)
_MAX_FLOAT = 1.7976931348623157e308
_HINT_CACHE_SIZE = 256


class ControlChecker:
    """Checks the ``value`` of one control's results on one target object.

    Attributes say how the control's results relate to regions:
        is_region: the result defines a region (a shape, span, segment, track).
        is_global: a classification that is not per region: ``value`` holds only its key.
        needs_region: the result belongs to a region and must share its id (per-region
            controls, labels of the split format).
    """

    REGION: ClassVar[bool] = False
    CLASSIFICATION: ClassVar[bool] = False
    label_key_required: ClassVar[bool] = True
    """Label Studio's server rejects the result when the label key is missing."""

    def __init__(self, control: ControlTag, obj: ObjectTag) -> None:
        self.control = control
        self.obj = obj
        self.obj_name = obj.name
        self.name = control.name
        self.kind = control.tag
        self.type = control.result_type
        self.key: str | None = control.value_key
        self.per_region = control.per_region
        self.is_region = self.REGION
        self.is_global = self.CLASSIFICATION and not control.per_region
        self.needs_region = control.per_region
        self.value_list = bool(getattr(obj, "value_list", False))
        self.post = self.is_global or self.needs_region or self.value_list
        self.what = f'<{control.tag} name="{control.name}">'
        self.allowed: frozenset[str] | None = None
        self.aliases: dict[str, str] = {}
        self.multiple = True
        self.allow_empty = True
        self._hints: dict[str, str | None] = {}
        self.known: frozenset[str] | _Anything = _ANYTHING
        if isinstance(control, LabelingControl):
            self.multiple = control.multiple
            self.allow_empty = control.allow_empty
            if control.dynamic_labels is None:
                self.allowed = frozenset(control.label_values)
                self.known = self.allowed
                self.aliases = {
                    node.value: node.alias
                    for node in control.iter_labels()
                    if node.alias is not None and node.alias != node.value
                }

    # --- the entry point ------------------------------------------------------------------

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        """Check ``v`` (the result's value) of result ``r`` at index ``i``."""
        if self.key is not None:
            self.check_labels(v, i, p)

    # --- labels -----------------------------------------------------------------------------

    def check_labels(self, v: Mapping[str, Any], i: int, p: PredCtx) -> None:
        """The label list under ``self.key``: present, a list of known strings, mode."""
        key = self.key
        assert key is not None
        labels = v.get(key, MISSING)
        if type(labels) is list:
            allowed = self.allowed
            if len(labels) == 1:
                first = labels[0]
                if type(first) is str and (allowed is None or first in allowed):
                    return
            elif len(labels) > 1 and self.multiple:
                for item in labels:
                    if type(item) is not str or (allowed is not None and item not in allowed):
                        break
                else:
                    return
        self._diagnose_labels(labels, key, (i, "value", key), p, required=self.label_key_required)

    def _diagnose_labels(
        self, labels: Any, key: str, tail: tuple[Any, ...], p: PredCtx, *, required: bool
    ) -> None:
        if labels is MISSING:
            if not required:
                return
            hint = None
            v = p.result[tail[0]].get("value", {})
            other = [k for k in ("labels", *_LABEL_KEYS) if k != key and k in v]
            if other:
                hint = f"rename value.{other[0]} to value.{key}"
            p.add(
                "value.key_missing",
                tail[:-1],
                f"{self.what} results carry their values in value.{key}, which is missing",
                hint=hint or f"add value.{key} = [...]",
                ck=self,
                expected=f"value.{key}",
                found=show(sorted(v)) if isinstance(v, dict) else None,
            )
            return
        if not isinstance(labels, (list, tuple)):
            hint = f"write [{show(labels)}]" if isinstance(labels, str) else None
            p.add(
                "label.not_list",
                tail,
                f"value.{key} must be a list of strings, got {a_type(labels)}",
                hint=hint,
                ck=self,
                expected="a list of strings",
                found=show(labels),
            )
            return
        if not labels:
            if not self.allow_empty:
                p.add(
                    "label.empty",
                    tail,
                    f"value.{key} is empty; the region is shown without a label",
                    hint=f"give a value, or set allowEmpty on {self.what}",
                    ck=self,
                )
            return
        for j, item in enumerate(labels):
            if not isinstance(item, str):
                p.add(
                    "label.not_string",
                    (*tail, j),
                    f"value.{key}[{j}] must be a string, got {a_type(item)}",
                    ck=self,
                    expected="a string",
                    found=show(item),
                )
            elif self.allowed is not None and item not in self.allowed:
                self.unknown_label(item, (*tail, j), p)
        if len(labels) > 1 and not self.multiple:
            self.too_many(labels, tail, p)

    def unknown_label(self, item: str, tail: tuple[Any, ...], p: PredCtx) -> None:
        """Report a label the control does not define, with the closest ones as a hint."""
        assert self.allowed is not None
        hint = self._hints.get(item, MISSING)
        if hint is MISSING:
            alias = self.aliases.get(item)
            if alias is not None:
                hint = f"{show(item)} has alias {alias!r} in the config; results carry the alias"
            else:
                near = close_matches(item, self.allowed)
                hint = "did you mean " + " or ".join(repr(m) for m in near) + "?" if near else None
            if len(self._hints) < _HINT_CACHE_SIZE and len(item) <= 100:
                self._hints[item] = hint
        p.add(
            "label.unknown",
            tail,
            f"{show(item)} is not a label of {self.what}",
            hint=hint,
            ck=self,
            expected=quote_list(sorted(self.allowed)),
            found=show(item),
        )

    def too_many(self, labels: Any, tail: tuple[Any, ...], p: PredCtx) -> None:
        mode = getattr(self.control, "choice", "single")
        p.add(
            "choice.too_many",
            tail,
            f'{self.what} is single-choice (choice="{mode}") but the result has '
            f"{len(labels)} values",
            hint='keep one value, or set choice="multiple" in the config',
            ck=self,
            expected="1 value",
            found=show(labels),
        )

    # --- reports ----------------------------------------------------------------------------

    def key_missing(self, i: int, p: PredCtx, message: str, expected: str) -> None:
        """Report a key the result's ``value`` lacks (``value.key_missing`` at ``value``)."""
        p.add("value.key_missing", (i, "value"), message, ck=self, expected=expected)

    def wrong_type(
        self,
        where: tuple[Any, ...],
        p: PredCtx,
        message: str,
        found: Any,
        *,
        hint: str | None = None,
        expected: str | None = None,
    ) -> None:
        """Report ``found`` at ``where`` as of the wrong type (``value.type``), shown briefly."""
        p.add(
            "value.type", where, message, hint=hint, ck=self, expected=expected, found=show(found)
        )

    # --- numbers ----------------------------------------------------------------------------

    def number(
        self,
        v: Mapping[str, Any],
        key: str,
        i: int,
        p: PredCtx,
        *,
        required: bool = True,
        integer: bool = False,
        tail: tuple[Any, ...] | None = None,
    ) -> float | None:
        """``v[key]`` as a finite number, or None after reporting what is wrong with it."""
        value = v.get(key, MISSING)
        where = (i, "value", key) if tail is None else (*tail, key)
        if value is MISSING:
            if required:
                p.add(
                    "value.key_missing",
                    where[:-1],
                    f"{self.what} results need value{_path(where[2:])}",
                    ck=self,
                    expected=f"a number in {key}",
                )
            return None
        return self.number_at(value, where, p, integer=integer)

    def number_at(
        self, value: Any, where: tuple[Any, ...], p: PredCtx, *, integer: bool = False
    ) -> float | None:
        """``value`` (found at ``where``) as a finite number, or None after reporting."""
        t = type(value)
        if (
            t is not int
            and t is not float
            and (isinstance(value, bool) or not isinstance(value, NUMBER_TYPES))
        ):
            if _is_foreign_number(value):
                p.add(
                    "value.not_json",
                    where,
                    f"value{_path(where[2:])} is {a_type(value)}, which JSON cannot hold",
                    hint="convert it with float() or int() (or .tolist() for arrays)",
                    ck=self,
                    found=show(value),
                )
                return None
            hint = None
            if isinstance(value, str) and _numeric(value):
                hint = f"write the number {value.strip()}, not the string {show(value)}"
            self.wrong_type(
                where,
                p,
                f"value{_path(where[2:])} must be a number, got {a_type(value)}",
                value,
                hint=hint,
                expected="an integer" if integer else "a number",
            )
            return None
        if t is int and not -_MAX_FLOAT <= value <= _MAX_FLOAT:
            p.add(
                "number.not_finite",
                where,
                f"value{_path(where[2:])} is {num(value)}, beyond the largest number JavaScript "
                "reads (it becomes Infinity)",
                ck=self,
                found=num(value),
            )
            return None
        if isinstance(value, float):
            if not math.isfinite(value):
                p.add(
                    "number.not_finite",
                    where,
                    f"value{_path(where[2:])} is {show(value)}; Label Studio needs a finite number",
                    ck=self,
                    found=show(value),
                )
                return None
            if integer and not value.is_integer():
                self.wrong_type(
                    where,
                    p,
                    f"value{_path(where[2:])} must be an integer, got {show(value)}",
                    value,
                    hint="round it to a whole number",
                    expected="an integer",
                )
                return None
        return value  # type: ignore[no-any-return]

    def string(
        self, v: Mapping[str, Any], key: str, i: int, p: PredCtx, *, required: bool = True
    ) -> str | None:
        """``v[key]`` as a string, or None after reporting."""
        value = v.get(key, MISSING)
        if type(value) is str:
            return value
        if value is MISSING:
            if required:
                self.key_missing(
                    i, p, f"{self.what} results need value.{key}", f"a string in {key}"
                )
            return None
        if isinstance(value, str):
            return value
        self.wrong_type(
            (i, "value", key),
            p,
            f"value.{key} must be a string, got {a_type(value)}",
            value,
            expected="a string",
        )
        return None

    def boolean(self, v: Mapping[str, Any], key: str, i: int, p: PredCtx) -> bool | None:
        """Optional ``v[key]`` as a bool, or None (absent, or reported)."""
        value = v.get(key, MISSING)
        if value is MISSING or value is True or value is False:
            return None if value is MISSING else bool(value)
        self.wrong_type(
            (i, "value", key),
            p,
            f"value.{key} must be true or false, got {a_type(value)}",
            value,
            expected="a boolean",
        )
        return None


class _Anything:
    """Contains every string: the label set of a control with labels from task data."""

    __slots__ = ()

    def __contains__(self, item: object) -> bool:
        return True


_ANYTHING = _Anything()

_LABEL_KEYS = (
    "rectanglelabels",
    "polygonlabels",
    "ellipselabels",
    "keypointlabels",
    "brushlabels",
    "bitmasklabels",
    "vectorlabels",
    "hypertextlabels",
    "paragraphlabels",
    "timeserieslabels",
    "timelinelabels",
    "choices",
    "label",
)


def _path(parts: tuple[Any, ...]) -> str:
    out = []
    for part in parts:
        out.append(f"[{part}]" if isinstance(part, int) else f".{part}")
    return "".join(out)


def _numeric(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _is_foreign_number(value: Any) -> bool:
    """A number type JSON cannot hold as is (numpy scalars, Decimal, Fraction)."""
    try:
        return not isinstance(value, (str, bytes, bool)) and (
            hasattr(value, "__float__") or hasattr(value, "__index__")
        )
    except Exception:  # pragma: no cover - hostile __getattr__
        return False
