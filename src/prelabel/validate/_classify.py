"""Classifications and inputs: Choices, TextArea, Number, Rating, DateTime, Taxonomy,
Pairwise, Ranker, and the controls whose format only the SDK knows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .._suggest import close_matches, quote_list
from ..tags.base import ControlTag, ObjectTag
from ..tags.controls import DateTime, Number, Rating, Taxonomy, TextArea
from ..timeunits import D3TimeFormat
from ._context import PredCtx
from ._data import object_data, whole_path
from ._show import MISSING, a_type, num, show
from ._spans import d3_parser, parse_time
from ._values import ControlChecker

_EXAMPLE_MOMENT = dt.datetime(2024, 3, 5, 14, 30, tzinfo=dt.timezone.utc)

__all__ = [
    "ChoicesChecker",
    "DateTimeChecker",
    "GenericChecker",
    "NumberChecker",
    "PairwiseChecker",
    "RankerChecker",
    "RatingChecker",
    "TaxonomyChecker",
    "TextAreaChecker",
]

_NT = frozenset({int, float})
_INF = float("inf")


class GenericChecker(ControlChecker):
    """A control whose value format prelabel does not pin: only its label list is checked."""


class ChoicesChecker(ControlChecker):
    """``choices``: a list of choice values (alias if set); nested paths with allowNested."""

    CLASSIFICATION = True

    def __init__(self, control: ControlTag, obj: ObjectTag) -> None:
        super().__init__(control, obj)
        self.nested = bool(getattr(control, "allow_nested", False))

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        choices = v.get("choices", MISSING)
        if self.nested and type(choices) is list and any(type(c) is list for c in choices):
            flat = [x for c in choices for x in (c if type(c) is list else [c])]
            self._diagnose_labels(flat, "choices", (i, "value", "choices"), p, required=True)
            return
        self.check_labels(v, i, p)


class TextAreaChecker(ControlChecker):
    """``textarea``: ``value.text`` is a list of strings."""

    CLASSIFICATION = True

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        text = v.get("text", MISSING)
        if type(text) is list and all(type(t) is str for t in text):
            limit = self.control.max_submissions if isinstance(self.control, TextArea) else None
            if limit and len(text) > limit:
                p.add(
                    "textarea.too_many",
                    (i, "value", "text"),
                    f"{len(text)} texts, but {self.what} has maxSubmissions={limit}",
                    ck=self,
                )
            return
        where = (i, "value", "text")
        if text is MISSING:
            self.key_missing(
                i, p, f"{self.what} results carry value.text, a list of strings", "text"
            )
        elif isinstance(text, str):
            self.wrong_type(
                where,
                p,
                "value.text must be a list of strings, got a string",
                text,
                hint=f"write [{show(text)}]",
                expected="a list of strings",
            )
        elif not isinstance(text, (list, tuple)):
            self.wrong_type(
                where, p, f"value.text must be a list of strings, got {a_type(text)}", text
            )
        else:
            for j, item in enumerate(text):
                if not isinstance(item, str):
                    self.wrong_type(
                        (*where, j),
                        p,
                        f"value.text[{j}] must be a string, got {a_type(item)}",
                        item,
                    )
                    break


class NumberChecker(ControlChecker):
    """``number``: a finite number within the control's min/max."""

    CLASSIFICATION = True

    def __init__(self, control: ControlTag, obj: ObjectTag) -> None:
        super().__init__(control, obj)
        self.low = control.min if isinstance(control, Number) else None
        self.high = control.max if isinstance(control, Number) else None

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        n = v.get("number", MISSING)
        if type(n) is not float or not -_INF < n < _INF:
            if n is MISSING:
                self.key_missing(i, p, f"{self.what} results carry value.number", "number")
                return
            n = self.number_at(n, (i, "value", "number"), p)
            if n is None:
                return
        if (self.low is not None and n < self.low) or (self.high is not None and n > self.high):
            p.add(
                "number.range",
                (i, "value", "number"),
                f"{num(n)} is outside min={_g(self.low)}, max={_g(self.high)} of {self.what}; "
                "the editor refuses to submit it",
                hint=f"clip it to {_g(self.low)}..{_g(self.high)}",
                ck=self,
                expected=f"{_g(self.low)}..{_g(self.high)}",
                found=f"{num(n)}",
            )


def _g(x: float | None) -> str:
    return "none" if x is None else f"{num(x)}"


class RatingChecker(ControlChecker):
    """``rating``: an integer 1..maxRating (0 means no rating)."""

    CLASSIFICATION = True

    def __init__(self, control: ControlTag, obj: ObjectTag) -> None:
        super().__init__(control, obj)
        self.high = control.max_rating if isinstance(control, Rating) else 5

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        n = v.get("rating", MISSING)
        if type(n) is int and 1 <= n <= self.high:
            return
        if n is MISSING:
            self.key_missing(i, p, f"{self.what} results carry value.rating", "rating")
            return
        n = self.number_at(n, (i, "value", "rating"), p, integer=True)
        if n is None:
            return
        if n < 0 or n > self.high:
            p.add(
                "rating.range",
                (i, "value", "rating"),
                f"rating {num(n)} is outside 1..{self.high} (maxRating)",
                ck=self,
                expected=f"1..{self.high}",
                found=f"{num(n)}",
            )
        elif n == 0:
            p.add(
                "rating.zero",
                (i, "value", "rating"),
                "rating 0 is shown as no rating",
                hint=f"use 1..{self.high}, or leave the result out",
                ck=self,
            )


_FULL = "%Y-%m-%dT%H:%M"
_DATE = "%Y-%m-%d"
_TIME = "%H:%M"


class DateTimeChecker(ControlChecker):
    """``datetime``: a string in the control's output format."""

    CLASSIFICATION = True

    def __init__(self, control: ControlTag, obj: ObjectTag) -> None:
        super().__init__(control, obj)
        self.format: str | None = None
        self.parser: D3TimeFormat | None = None
        if isinstance(control, DateTime):
            if control.format:
                self.format = control.format
            elif not control.only or set(control.only) == {"date", "time"}:
                self.format = _FULL
            elif control.only == ("date",):
                self.format = _DATE
            elif control.only == ("time",):
                self.format = _TIME
        if self.format is not None:
            self.parser = d3_parser(self.format)
        self.low = self._bound(control, "min")
        self.high = self._bound(control, "max")

    def _bound(self, control: ControlTag, key: str) -> int | None:
        raw = getattr(control, key, None)
        if not isinstance(raw, str) or self.parser is None:
            return None
        return parse_time(raw, self.parser)

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        text = self.string(v, "datetime", i, p)
        if text is None or self.parser is None:
            return
        when = parse_time(text, self.parser)
        if when is None:
            p.add(
                "datetime.format",
                (i, "value", "datetime"),
                f"{show(text)} does not match the format {self.format!r} of {self.what}; "
                "the editor ignores it",
                hint=f"format it as {self.format!r}, e.g. {self.parser.format(_EXAMPLE_MOMENT)!r}",
                ck=self,
                expected=self.format,
                found=show(text),
            )
            return
        if (self.low is not None and when < self.low) or (
            self.high is not None and when > self.high
        ):
            p.add(
                "datetime.range",
                (i, "value", "datetime"),
                f"{show(text)} is outside min={self.control.attr('min')}, "
                f"max={self.control.attr('max')} of {self.what}; the editor refuses to submit it",
                ck=self,
                expected=f"{self.control.attr('min')}..{self.control.attr('max')}",
                found=show(text),
            )


class TaxonomyChecker(ControlChecker):
    """``taxonomy``: a list of paths from the root, each a list of node values (alias if set)."""

    CLASSIFICATION = True

    def __init__(self, control: ControlTag, obj: ObjectTag) -> None:
        super().__init__(control, obj)
        self.paths: frozenset[tuple[str, ...]] | None = None
        self.leaves: frozenset[tuple[str, ...]] = frozenset()
        self.leafs_only = False
        self.max_usages: int | None = None
        if isinstance(control, Taxonomy):
            self.max_usages = control.max_usages
            self.leafs_only = control.leafs_only
            if control.dynamic_labels is None and control.api_url is None:
                self.paths = frozenset(control.paths())
                self.leaves = frozenset(control.leaf_paths())
            else:
                self.allowed = None

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        paths = v.get("taxonomy", MISSING)
        where = (i, "value", "taxonomy")
        if paths is MISSING:
            self.key_missing(
                i, p, f"{self.what} results carry value.taxonomy, a list of paths", "taxonomy"
            )
            return
        if not isinstance(paths, (list, tuple)):
            p.add(
                "label.not_list",
                where,
                f"value.taxonomy must be a list of paths, got {a_type(paths)}",
                hint=f"write [[{show(paths)}]]" if isinstance(paths, str) else None,
                ck=self,
                found=show(paths),
            )
            return
        if paths and all(isinstance(x, str) for x in paths):
            self.wrong_type(
                where,
                p,
                "value.taxonomy must be a list of paths (lists), got a flat list of strings",
                paths,
                hint=f"write {show([list(paths)])} for one path, or one list per selected node",
                expected="[[root, ..., node], ...]",
            )
            return
        if self.max_usages is not None and len(paths) > self.max_usages:
            p.add(
                "choice.too_many",
                where,
                f"{len(paths)} paths, but {self.what} has maxUsages={self.max_usages}",
                hint="keep the most likely paths",
                ck=self,
            )
        for j, path in enumerate(paths):
            if not isinstance(path, (list, tuple)) or not all(isinstance(x, str) for x in path):
                self.wrong_type(
                    (*where, j), p, f"path {j} must be a list of strings, got {show(path)}", path
                )
                continue
            if self.paths is None:
                continue
            key = tuple(path)
            if key not in self.paths:
                self.unknown_path(key, (*where, j), p)
            elif self.leafs_only and key not in self.leaves:
                p.add(
                    "taxonomy.not_leaf",
                    (*where, j),
                    f"path {show(list(path))} stops above a leaf, and {self.what} has leafsOnly",
                    ck=self,
                )

    def unknown_path(self, path: tuple[str, ...], where: tuple[Any, ...], p: PredCtx) -> None:
        assert self.paths is not None
        hint = None
        if not path:
            msg = "an empty path selects nothing"
        else:
            msg = f"path {show(list(path))} is not in the taxonomy of {self.what}"
            ends = [full for full in self.paths if full[-1] == path[-1]]
            if ends:
                hint = "did you mean " + " or ".join(show(list(e)) for e in ends[:3]) + "?"
                hint += " (a path lists every node from the root)"
            else:
                near = close_matches(path[-1], {full[-1] for full in self.paths})
                if near:
                    full = [f for f in self.paths if f[-1] == near[0]]
                    hint = f"did you mean {show(list(full[0]))}?"
        p.add(
            "taxonomy.path_unknown",
            where,
            msg,
            hint=hint,
            ck=self,
            expected="a path from the root of the taxonomy",
            found=show(list(path)),
        )


class PairwiseChecker(ControlChecker):
    """``pairwise``: ``value.selected`` is ``"left"`` or ``"right"``."""

    CLASSIFICATION = True

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        sel = v.get("selected", MISSING)
        if sel == "left" or sel == "right":
            return
        if sel is MISSING:
            self.key_missing(i, p, f"{self.what} results carry value.selected", "selected")
            return
        p.add(
            "pairwise.selected",
            (i, "value", "selected"),
            f'value.selected must be "left" or "right", got {show(sel)}',
            ck=self,
            expected='"left" or "right"',
            found=show(sel),
        )


class RankerChecker(ControlChecker):
    """``ranker``: ``{name or bucket: [item ids]}``; ids are the ``id``s of the List items."""

    CLASSIFICATION = True

    def __init__(self, control: ControlTag, obj: ObjectTag) -> None:
        super().__init__(control, obj)
        self.keys = frozenset({control.name, "_", *getattr(control, "buckets", ())})
        self.path = whole_path(obj)

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        ranks = v.get("ranker", MISSING)
        where = (i, "value", "ranker")
        if ranks is MISSING:
            self.key_missing(i, p, f"{self.what} results carry value.ranker", "ranker")
            return
        if not isinstance(ranks, dict):
            self.wrong_type(
                where,
                p,
                f"value.ranker must be an object {{{self.name!r}: [ids]}}, got {a_type(ranks)}",
                ranks,
                hint=f"write {{{self.name!r}: {show(ranks)}}}" if isinstance(ranks, list) else None,
            )
            return
        items = object_data(self.obj, self.path, p.task)
        ids = None
        if isinstance(items, list):
            ids = {str(it.get("id")) for it in items if isinstance(it, dict)}
        for key, order in ranks.items():
            if (
                not isinstance(key, str)
                or not isinstance(order, list)
                or not all(isinstance(x, str) for x in order)
            ):
                self.wrong_type(
                    (*where, str(key)),
                    p,
                    "each ranker entry must be a list of item id strings",
                    order,
                )
                continue
            if key not in self.keys:
                p.add(
                    "ranker.bucket_unknown",
                    (*where, key),
                    f"{show(key)} is neither the ranker's name nor one of its buckets",
                    hint=f"use one of {quote_list(sorted(self.keys - {'_'}))}",
                    ck=self,
                )
            if ids is not None:
                for j, item in enumerate(order):
                    if item not in ids:
                        p.add(
                            "ranker.item_unknown",
                            (*where, key, j),
                            f"{item!r} is not the id of an item of {self.obj.name!r}",
                            ck=self,
                        )
                        break
