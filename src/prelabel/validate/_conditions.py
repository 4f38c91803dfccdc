"""Conditional controls: a result is kept on save only when its condition holds.

``visibleWhen="choice-selected"`` (with ``whenTagName``/``whenChoiceValue``) keeps a result
only if the annotation also selects the parent choice (FE ``Result.canBeSubmitted``). The
``whenLabelValue`` condition of per-region controls is checked with the region links.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .._suggest import quote_list
from ._context import PredCtx
from ._values import ControlChecker

__all__ = ["Conditional", "check_conditions", "compile_conditions"]

Conditional = tuple[str | None, tuple[str, ...]]


def compile_conditions(
    by_name: Mapping[str, Mapping[str, ControlChecker]],
) -> dict[str, Conditional]:
    """Controls whose results need a selected choice: name -> (whenTagName, whenChoiceValue)."""
    out: dict[str, Conditional] = {}
    for name, targets in by_name.items():
        ck = next(iter(targets.values()))
        cond = ck.control.conditions
        if cond.visible_when == "choice-selected":
            out[name] = (cond.when_tag_name, cond.when_choice_value)
    return out


def _selected(value: Any, key: str) -> list[str]:
    picked = value.get(key) if isinstance(value, dict) else None
    if not isinstance(picked, list):
        return []
    out = []
    for item in picked:
        if isinstance(item, list) and item and isinstance(item[-1], str):
            out.append(item[-1])  # taxonomy path: its last node
        elif isinstance(item, str):
            out.append(item)
    return out


def check_conditions(
    p: PredCtx,
    conditional: Mapping[str, Conditional],
    lookup: Callable[[dict[str, Any]], ControlChecker | None],
) -> None:
    """Report results of choice-conditional controls whose parent choice is not selected."""
    results = p.result
    parents: list[tuple[int, str, Any, list[str]]] = []
    mine: list[int] = []
    for i, r in enumerate(results):
        if not isinstance(r, dict):
            continue
        t = r.get("type")
        if t in ("choices", "taxonomy"):
            parents.append((i, str(r.get("from_name")), r.get("id"), _selected(r.get("value"), t)))
        name = r.get("from_name")
        if isinstance(name, str) and name in conditional:  # a list here is reported elsewhere
            mine.append(i)
    for i in mine:
        r = results[i]
        ck = lookup(r)
        if ck is None:
            continue
        tag, values = conditional[ck.name]
        candidates = [q for q in parents if q[0] != i]
        if tag is not None:
            candidates = [q for q in candidates if q[1] == tag]
            parent_ck = None
            for q in candidates:
                parent_ck = lookup(results[q[0]])
                break
            if parent_ck is not None and parent_ck.per_region:
                candidates = [q for q in candidates if q[2] == r.get("id")]
            candidates = candidates[:1]
        ok = bool(candidates) and (not values or any(v in q[3] for q in candidates for v in values))
        if ok:
            continue
        want = quote_list(values) if values else "any choice"
        where = f" of {tag!r}" if tag else ""
        p.add(
            "condition.unmet",
            (i,),
            f"{ck.what} is shown only when {want}{where} is selected (visibleWhen="
            "choice-selected), and this prediction does not select it; the editor drops "
            "this result when the annotation is saved",
            hint="predict the parent choice too, or drop this result",
            ck=ck,
        )
