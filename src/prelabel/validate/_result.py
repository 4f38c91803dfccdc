"""The walk over one ``result`` list: result-level keys, dispatch to the control's checker.

This is the hot path. A result is dispatched with two dict lookups (``from_name`` then
``to_name``) to a checker compiled for that control and object; only a result that fails the
common case goes through :meth:`ResultChecker.diagnose`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from .._suggest import close_matches, did_you_mean
from ..config import LabelConfig
from ._context import PredCtx
from ._data import parse_path, resolve
from ._show import MISSING, a_type, show
from ._values import ControlChecker

__all__ = ["ResultChecker"]

_NT = frozenset({int, float})
_REQUIRED = ("from_name", "to_name", "type", "value")
_CORE = operator.itemgetter(*_REQUIRED)
RESULT_KEYS = frozenset(
    {
        "id", "type", "from_name", "to_name", "value", "score", "readonly", "hidden", "origin",
        "meta", "parentID", "item_index", "original_width", "original_height",
        "image_rotation", "original_length", "is_positive", "manual", "ground_truth",
    }
)  # fmt: skip
# Result keys that need no check beyond the ones every result gets.
_PLAIN_KEYS = frozenset(
    {
        "id", "type", "from_name", "to_name", "value", "score", "original_width",
        "original_height", "image_rotation", "original_length", "meta", "parentID",
        "item_index",
    }
)  # fmt: skip
_ORIGINS = ("prediction", "prediction-changed", "manual")
# (result type, bound check method, post flag, checker): one dispatch entry of the walk
_Check = Callable[[dict[str, Any], dict[str, Any], int, PredCtx], None]
_Entry = tuple[str, _Check, bool, ControlChecker]
_EXPANDED_CACHE = 1024
# The value keys each image tool's geometry needs (Label Studio SDK 2.1.2's value models).
_TOOL_GEOMETRY: dict[str, tuple[str, ...]] = {
    "rectangle": ("x", "y", "width", "height"),
    "polygon": ("points",),
    "ellipse": ("x", "y", "radiusX", "radiusY"),
    "keypoint": ("x", "y"),
    "brush": ("rle",),
    "bitmask": ("imageDataURL",),
    "vector": ("vertices",),
}
_BOOL_KEYS = ("readonly", "hidden")


class ResultChecker:
    """Compiled dispatch tables for one config, and the result-list walk."""

    def __init__(
        self,
        config: LabelConfig,
        by_name: Mapping[str, Mapping[str, ControlChecker]],
        compile_one: Any,
    ) -> None:
        self.config = config
        self.by_name = by_name
        self._compile_one = compile_one
        self._expanded: dict[str, Mapping[str, ControlChecker] | None] = {}
        # by_name for the walk: what it reads of each checker, bound once
        self._walk: dict[str, dict[str, _Entry]] = {
            fn: {tn: (ck.type, ck.check, ck.post, ck) for tn, ck in targets.items()}
            for fn, targets in by_name.items()
        }

    # --- lookups -------------------------------------------------------------------------

    def lookup(self, r: dict[str, Any]) -> ControlChecker | None:
        """The checker of a result, or None (unknown names, wrong types)."""
        fn = r.get("from_name")
        tn = r.get("to_name")
        if type(fn) is not str or type(tn) is not str:
            return None
        targets = self.by_name.get(fn)
        if targets is None:
            targets = self.expanded(fn)
            if targets is None:
                return None
        return targets.get(tn)

    def expanded(self, name: str) -> Mapping[str, ControlChecker] | None:
        """Checkers of a ``<Repeater>``-expanded control name (``label_3``), or None."""
        if name in self._expanded:
            return self._expanded[name]
        control = self.config.find_control(name)
        usable = control is not None and control.problem is None
        targets = self._compile_one(control) if usable else None
        if len(self._expanded) < _EXPANDED_CACHE and len(name) <= 200:
            self._expanded[name] = targets
        return targets

    # --- the walk ---------------------------------------------------------------------------

    def check_results(self, results: list[Any], p: PredCtx) -> None:
        """Check every item of one ``result`` list."""
        walk = self._walk
        by_id = p.by_id
        remember = by_id.setdefault
        core = _CORE
        plain_keys = _PLAIN_KEYS.issuperset
        numbers = _NT
        check: _Check
        for i, r in enumerate(results):
            try:
                fn, tn, t, v = core(r)
            except (KeyError, TypeError, IndexError):
                ck = self.odd_result(r, i, p)
                if ck is None:
                    continue
                v = r["value"]
                check, post = ck.check, ck.post
            else:
                try:  # an unknown or unhashable name is the slow path's to explain
                    entry = walk[fn][tn] if type(fn) is str and type(tn) is str else None
                except KeyError:
                    entry = None
                if entry is not None and t == entry[0] and type(v) is dict:
                    _, check, post, ck = entry
                else:
                    if t == "relation":
                        p.relations.append(i)
                        continue
                    found = self.diagnose(r, i, p)
                    if found is None:
                        continue
                    ck = found
                    v = r["value"]
                    check, post = ck.check, ck.post
            check(v, r, i, p)
            if not plain_keys(r):  # every key is one that needs no more checks
                self.extra_result_keys(r, ck, i, p)
            rid = r.get("id")
            if rid is not None:
                if type(rid) is not str or not rid or "#" in rid:
                    rid = self.odd_id(rid, ck, i, p)
                if rid is not None:
                    prev = remember(rid, i)
                    if prev != i:  # an id seen before (prev is its index, or their list)
                        if type(prev) is list:
                            prev.append(i)
                        else:
                            by_id[rid] = [prev, i]
            score = r.get("score")
            if score is not None and not (
                (type(score) is float and 0.0 <= score <= 1.0)
                or (type(score) in numbers and 0 <= score <= 1)
            ):
                self.result_score(score, ck, i, p)
            if post:
                self.post(v, r, ck, i, p)

    def post(
        self, v: dict[str, Any], r: dict[str, Any], ck: ControlChecker, i: int, p: PredCtx
    ) -> None:
        """The checks only some controls need: global values, region links, item_index."""
        if ck.is_global and len(v) > 1:
            self.extra_keys(v, ck, i, p)
        if ck.needs_region:
            p.linked.append(i)
        if ck.value_list:
            self.item_index(r, ck, i, p)

    def odd_result(self, r: Any, i: int, p: PredCtx) -> ControlChecker | None:
        """A result without all four core keys: a relation, a non-object, or a broken one."""
        if not isinstance(r, dict):
            p.add(
                "result.not_object",
                (i,),
                f"a result item must be an object, got {a_type(r)}",
                hint="flatten nested lists of results" if isinstance(r, (list, tuple)) else None,
                found=show(r),
            )
            return None
        if r.get("type") == "relation":
            p.relations.append(i)
            return None
        return self.diagnose(r, i, p)

    # --- diagnosis -------------------------------------------------------------------------

    def diagnose(self, r: dict[str, Any], i: int, p: PredCtx) -> ControlChecker | None:
        """Explain why a result does not dispatch; return its checker if its value can still
        be checked, else None."""
        missing = [k for k in _REQUIRED if k not in r]
        if missing:
            for key in missing:
                hint = None
                if key == "value":
                    stray = [k for k in r if k not in RESULT_KEYS]
                    if stray:
                        hint = f"put {', '.join(repr(k) for k in stray[:4])} inside value"
                p.add(
                    "result.key_missing",
                    (i,),
                    f"the result has no {key!r}; every result needs from_name, to_name, type "
                    "and value",
                    hint=hint,
                    expected=", ".join(_REQUIRED),
                    found=show(sorted(str(k) for k in r)),
                )
            return None
        bad = False
        for key in ("from_name", "to_name", "type"):
            if not isinstance(r[key], str):  # a str subclass (a StrEnum) is written as a string
                p.add(
                    "result.key_type",
                    (i, key),
                    f"{key} must be a string, got {a_type(r[key])}",
                    found=show(r[key]),
                )
                bad = True
        if bad:
            return None
        fn, tn, t = r["from_name"], r["to_name"], r["type"]
        targets = self.by_name.get(fn)
        if targets is None:
            targets = self.expanded(fn)
            if targets is not None:
                p.add(
                    "result.repeater_name",
                    (i, "from_name"),
                    f"{show(fn)} is a name made by <Repeater>; the editor shows it, but Label "
                    "Studio's server-side prediction check does not expand <Repeater> and "
                    "refuses the whole import when prediction validation is on",
                    hint="import into a server without strict prediction validation, or "
                    "replace the <Repeater> with the controls it expands to",
                )
            else:
                self.unknown_from_name(fn, r, i, p)
                return None
        ck = targets.get(tn)
        if ck is None:
            self.bad_to_name(fn, tn, targets, i, p)
            return None
        if t != ck.type and not self.bad_type(t, ck, i, p):
            return None
        v = r["value"]
        if not isinstance(v, dict):
            p.add(
                "value.not_object",
                (i, "value"),
                f"value must be an object, got {a_type(v)}",
                ck=ck,
                found=show(v),
            )
            return None
        return ck

    def unknown_from_name(self, fn: str, r: dict[str, Any], i: int, p: PredCtx) -> None:
        control = self.config.controls.get(fn)
        if control is not None and control.problem is not None:
            p.add(
                "result.control_unusable",
                (i, "from_name"),
                f"<{control.source_tag} name={show(fn)}> (line {control.line}) takes no "
                f"results: {control.problem}",
                control_kind=control.tag,
                found=show(fn),
            )
            return
        hint = None
        if fn in self.config.objects:
            hint = (
                f"{fn!r} is an object tag (it goes in to_name); from_name is the control, one of "
                + ", ".join(repr(c.name) for c in self.config.controls_for(fn))
            )
        else:
            near = did_you_mean(fn, self.by_name)
            hint = near[2:] if near else None
        p.add(
            "result.from_name_unknown",
            (i, "from_name"),
            f"from_name {show(fn)} is not the name of a control in the labeling config; the "
            "editor drops the result",
            hint=hint,
            expected=", ".join(sorted(self.by_name))[:200],
            found=show(fn),
        )

    def bad_to_name(
        self, fn: str, tn: str, targets: Mapping[str, ControlChecker], i: int, p: PredCtx
    ) -> None:
        ck = next(iter(targets.values()))
        valid = ", ".join(repr(t) for t in targets)
        if tn == fn and ck.kind == "Pairwise":
            p.add(
                "result.to_name_mismatch",
                (i, "to_name"),
                f"to_name is the Pairwise tag's own name {show(tn)}; Label Studio's server checker "
                "accepts only the compared objects",
                hint=f"use the first compared object: to_name = {next(iter(targets))!r}",
                ck=ck,
                expected=valid,
                found=show(tn),
            )
        elif self.config.find_object(tn) is None:
            near = close_matches(tn, list(targets) + list(self.config.objects))
            p.add(
                "result.to_name_unknown",
                (i, "to_name"),
                f"to_name {show(tn)} is not the name of an object tag in the labeling config; the "
                "editor drops the result",
                hint=("did you mean " + " or ".join(repr(m) for m in near) + "?") if near else None,
                ck=ck,
                expected=valid,
                found=show(tn),
            )
        else:
            p.add(
                "result.to_name_mismatch",
                (i, "to_name"),
                f"{ck.what} does not point at {show(tn)}; its toName is {valid}",
                hint=f"set to_name to {next(iter(targets))!r}",
                ck=ck,
                expected=valid,
                found=show(tn),
            )

    def bad_type(self, t: str, ck: ControlChecker, i: int, p: PredCtx) -> bool:
        """Report a type mismatch; True when the value can still be checked as ``ck``'s."""
        expected = ck.type
        if t.lower() == expected or (t == "htmllabels" and expected == "hypertextlabels"):
            p.add(
                "result.type_mismatch",
                (i, "type"),
                f"type is {show(t)}; {ck.what} results have type {expected!r}"
                + (
                    " (the editor's result model knows only lower-case types)"
                    if t.lower() == expected
                    else " (htmllabels is a legacy name the server checker rejects)"
                ),
                hint=f'set "type": "{expected}"',
                ck=ck,
                expected=expected,
                found=show(t),
            )
            return True
        if ck.kind == "Labels" and t.endswith("labels") and t != "labels":
            tool = t[: -len("labels")]
            siblings = [
                c
                for c in self.config.controls_for(ck.obj.name)
                if c.result_type == tool and c.name != ck.name
            ]
            if siblings:
                p.add(
                    "result.type_merged",
                    (i, "type"),
                    f"a <Labels> result typed {show(t)}: read as labels merged into the "
                    f"{siblings[0].tag} region; prefer the split format (type 'labels' beside a "
                    f"{tool!r} result with the same id)",
                    ck=ck,
                )
                v = p.result[i].get("value")
                if isinstance(v, dict):
                    key = t if t in v else "labels"
                    ck._diagnose_labels(
                        v.get(key, MISSING), key, (i, "value", key), p, required=True
                    )
                    lacking = [k for k in _TOOL_GEOMETRY.get(tool, ()) if k not in v]
                    if lacking:
                        # The server checker reads the value as the tool's (SDK 2.1.2
                        # LabelsTag.validate_value): another shape's geometry is refused.
                        ck.key_missing(
                            i,
                            p,
                            f"a <Labels> result typed {show(t)} carries {tool} geometry, but "
                            f"value has no {', '.join(map(repr, lacking))}; type it as the "
                            "region's own tool (e.g. 'polygonlabels' for a polygon), or 'labels'",
                            ", ".join(_TOOL_GEOMETRY[tool]),
                        )
                return False
        p.add(
            "result.type_mismatch",
            (i, "type"),
            f"type is {show(t)}, but {ck.what} results have type {expected!r}",
            hint=f'set "type": "{expected}"',
            ck=ck,
            expected=expected,
            found=show(t),
        )
        return False

    # --- result-level extras ---------------------------------------------------------------

    def extra_result_keys(self, r: dict[str, Any], ck: ControlChecker, i: int, p: PredCtx) -> None:
        """Keys beyond the plain ones: flags (origin, readonly, hidden) and unknown keys."""
        if "origin" in r or "readonly" in r or "hidden" in r:
            self.flags(r, ck, i, p)
        if not r.keys() <= RESULT_KEYS:
            self.unknown_keys(r, i, p)

    def unknown_keys(self, r: dict[str, Any], i: int, p: PredCtx) -> None:
        for key in r:
            if key in RESULT_KEYS:
                continue
            if not isinstance(key, str):
                p.add("result.key_unknown", (i,), f"result key {show(key)} is not a string")
                continue
            near = close_matches(key, RESULT_KEYS)
            hint = f"did you mean {near[0]!r}?" if near else None
            if key in ("labels", "choices", "label", "text") or key.endswith("labels"):
                hint = f"{show(key)} belongs inside value"
            p.add(
                "result.key_unknown",
                (i, key),
                f"result key {show(key)} is not read by Label Studio",
                hint=hint,
            )

    def extra_keys(self, v: dict[str, Any], ck: ControlChecker, i: int, p: PredCtx) -> None:
        extra = [k for k in v if k != ck.key]
        if not extra:
            return
        hint = "move score to the result level" if "score" in extra else "keep only " + repr(ck.key)
        p.add(
            "value.extra_key",
            (i, "value", str(extra[0])),
            f"a global {ck.kind} value should hold only {ck.key!r}; it also has "
            + ", ".join(show(k) for k in extra[:5])
            + " (the editor shows it, and drops the extra keys when the annotation is saved)",
            hint=hint,
            ck=ck,
        )

    def odd_id(self, rid: Any, ck: ControlChecker, i: int, p: PredCtx) -> str | None:
        if isinstance(rid, str) and rid and "#" not in rid:
            return str(rid)  # a str subclass (a StrEnum): JSON writes it as its string
        if isinstance(rid, str):
            p.add(
                "result.id_format",
                (i, "id"),
                "the id is empty; the editor then makes up a random one"
                if not rid
                else f"the id {show(rid)} contains '#', which the editor cuts off (ids "
                "that differ only after '#' collide)",
                hint="use ids of [A-Za-z0-9_-]",
                ck=ck,
            )
            if not rid:
                return None
            return rid.split("#", 1)[0]
        p.add(
            "result.id_type",
            (i, "id"),
            f"the id is {a_type(rid)}; region ids are strings",
            hint=f'write "{rid}"' if isinstance(rid, int) else None,
            ck=ck,
            found=show(rid),
        )
        if isinstance(rid, (int, float)) and not isinstance(rid, bool):
            return str(rid)
        return None

    def result_score(self, score: Any, ck: ControlChecker, i: int, p: PredCtx) -> None:
        if type(score) in _NT and score == score:
            p.add(
                "result.score_range",
                (i, "score"),
                f"score {show(score)} is outside [0, 1]",
                hint="divide by 100" if 1 < score <= 100 else None,
                ck=ck,
                found=show(score),
            )
        else:
            p.add(
                "result.score_type",
                (i, "score"),
                f"score must be a number in [0, 1], got {show(score)}",
                ck=ck,
                found=show(score),
            )

    def flags(self, r: dict[str, Any], ck: ControlChecker, i: int, p: PredCtx) -> None:
        origin = r.get("origin", MISSING)
        if origin is not MISSING and origin not in _ORIGINS:
            p.add(
                "result.origin_invalid",
                (i, "origin"),
                f"origin {show(origin)} is not one of the editor's values; the region fails to "
                "load",
                hint='leave origin out, or use "prediction"',
                ck=ck,
                expected=", ".join(_ORIGINS),
                found=show(origin),
            )
        for key in _BOOL_KEYS:
            flag = r.get(key, MISSING)
            if flag is not MISSING and flag is not True and flag is not False:
                p.add(
                    "result.key_type",
                    (i, key),
                    f"{key} must be true or false, got {a_type(flag)}",
                    ck=ck,
                    found=show(flag),
                )

    def item_index(self, r: dict[str, Any], ck: ControlChecker, i: int, p: PredCtx) -> None:
        idx = r.get("item_index", MISSING)
        if idx is MISSING:
            p.add(
                "result.item_index_missing",
                (i,),
                f"{ck.obj.name!r} shows a list of images (valueList); results on it should say "
                "which one with item_index (0-based)",
                hint='add "item_index": 0 for the first image',
                ck=ck,
            )
            return
        if type(idx) is not int or idx < 0:
            p.add(
                "result.key_type",
                (i, "item_index"),
                f"item_index must be an integer >= 0, got {show(idx)}",
                ck=ck,
                found=show(idx),
            )
            return
        key = ck.obj.data_keys[0] if ck.obj.data_keys else None
        path = parse_path(key) if key else None
        items = resolve(p.task.data, path) if path is not None and p.task.data else MISSING
        if isinstance(items, list) and idx >= len(items):
            p.add(
                "result.item_index_range",
                (i, "item_index"),
                f"item_index {idx} points past the {len(items)} images of {ck.obj.name!r}",
                ck=ck,
                expected=f"0..{len(items) - 1}",
                found=str(idx),
            )
