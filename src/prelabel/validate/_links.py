"""Checks across the results of one prediction: region ids, per-region results, the split
format, relations and conditional controls.

They run once all results of a prediction are seen, and only on the few results involved:
ids shared by several results, results that must join a region, relations, conditionals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._suggest import quote_list
from ..tags.base import ControlTag, ObjectTag
from ..tags.controls import Relations
from ._context import PredCtx
from ._show import MISSING, a_type, num, show
from ._values import ControlChecker

__all__ = ["PartnerLabelsChecker", "check_links"]

Lookup = Callable[[dict[str, Any]], ControlChecker | None]

# Tool types Label Studio's server checker accepts as the geometry partner of a <Labels>
# result (SDK LabelsTag._get_split_partner_value_class), and the value keys of each.
SPLIT_PARTNERS = frozenset(
    {"rectangle", "polygon", "ellipse", "keypoint", "brush", "bitmask", "vector"}
)
_GEOMETRY_KEYS = (
    "x", "y", "width", "height", "rotation", "radiusX", "radiusY", "points", "rle", "format",
    "imageDataURL", "vertices", "closed", "start", "end", "startOffset", "endOffset",
    "globalOffsets", "channel", "instant", "sequence", "ranges", "framesCount", "duration",
)  # fmt: skip
_GEOMETRY = frozenset(_GEOMETRY_KEYS)
_DIRECTIONS = ("right", "left", "bi")


class PartnerLabelsChecker(ControlChecker):
    """``labels`` that name another tool's region (split format, or labels of a video track).

    The labels are checked here; the geometry the server wants repeated in the value is
    checked against the partner found by id (:func:`check_links`).
    """

    def __init__(self, control: ControlTag, obj: ObjectTag) -> None:
        super().__init__(control, obj)
        self.needs_region = True
        self.post = True


def _groups(p: PredCtx) -> list[list[int]]:
    return [g for g in p.by_id.values() if type(g) is list]


def check_links(p: PredCtx, lookup: Lookup, relations: Relations | None) -> None:
    """All cross-result checks of one prediction."""
    results = p.result
    cache: dict[int, ControlChecker | None] = {}

    def ck_of(i: int) -> ControlChecker | None:
        if i not in cache:
            cache[i] = lookup(results[i])
        return cache[i]

    for group in _groups(p):
        _check_group(group, p, ck_of)
    for i in p.linked:
        _check_linked(i, p, ck_of)
    if p.relations:
        _check_relations(p, relations)


def _group_of(p: PredCtx, rid: Any) -> list[int]:
    found = p.by_id.get(rid)
    if found is None:
        return []
    return found if type(found) is list else [found]


def _definers(
    group: list[int], ck_of: Callable[[int], ControlChecker | None]
) -> list[tuple[int, ControlChecker]]:
    out = []
    for j in group:
        ck = ck_of(j)
        if ck is not None and ck.is_region and not ck.needs_region:
            out.append((j, ck))
    return out


def _check_group(
    group: list[int], p: PredCtx, ck_of: Callable[[int], ControlChecker | None]
) -> None:
    results = p.result
    rid = results[group[0]].get("id")
    seen: dict[str, int] = {}
    for j in group:
        ck = ck_of(j)
        if ck is None:
            continue
        first = seen.get(ck.name)
        if first is None:
            seen[ck.name] = j
            continue
        same_type = results[first].get("type") == results[j].get("type")
        p.add(
            "region.duplicate_id",
            (j, "id"),
            f"results [{first}] and [{j}] of {ck.what} share the id {show(rid)}; "
            + (
                "the editor merges them into one region (newer versions keep only the first)"
                if same_type
                else "the editor merges them into one region"
            ),
            hint="give every region its own id (prelabel.new_id())",
            ck=ck,
            found=show(rid),
        )
    definers = _definers(group, ck_of)
    if len(definers) > 1:
        (a, cka), (b, ckb) = definers[0], definers[1]
        if cka.name != ckb.name:
            p.add(
                "region.duplicate_id",
                (b, "id"),
                f"results [{a}] ({cka.what}) and [{b}] ({ckb.what}) both draw a region with "
                f"the id {show(rid)}; the editor merges them into one region",
                hint="give every region its own id",
                ck=ckb,
                found=show(rid),
            )
    objects = {results[j].get("to_name") for j in group if ck_of(j) is not None}
    if len(objects) > 1:
        last = group[-1]
        p.add(
            "region.mixed_objects",
            (last, "to_name"),
            f"results with the id {show(rid)} are on different objects "
            f"({quote_list(sorted(str(o) for o in objects))}); a region lives on one object",
            ck=ck_of(last),
        )
    if definers:
        for j in group:
            ck = ck_of(j)
            if ck is not None and ck.is_global:
                p.add(
                    "per_region.not_per_region",
                    (j, "id"),
                    f"{ck.what} is not perRegion, but this result shares the id {show(rid)} of "
                    f"region [{definers[0][0]}]; the editor attaches it to that region (deleting "
                    "the region deletes it)",
                    hint="give the classification its own id, or set perRegion on the control",
                    ck=ck,
                )


def _check_linked(i: int, p: PredCtx, ck_of: Callable[[int], ControlChecker | None]) -> None:
    ck = ck_of(i)
    if ck is None:
        return
    r = p.result[i]
    rid = r.get("id", MISSING)
    kind = "per-region result" if ck.per_region else "labels result (split format)"
    if rid is MISSING or rid is None or not isinstance(rid, (str, int)) or rid == "":
        p.add(
            "per_region.orphan",
            (i,),
            f"this {kind} of {ck.what} has no id; without the id of its region the editor "
            "shows it as a separate region of its own",
            hint="give it the id of the region it belongs to",
            ck=ck,
        )
        return
    key = rid if type(rid) is str else str(rid)
    group = _group_of(p, key)
    tn = r.get("to_name")
    definers = [(j, d) for j, d in _definers(group, ck_of) if p.result[j].get("to_name") == tn]
    if not definers:
        p.add(
            "per_region.orphan",
            (i, "id"),
            f"no region on {show(tn)} has the id {show(rid)} of this {kind} of {ck.what}; the "
            "editor shows it as a separate region of its own, and the region it was meant for "
            "stays empty",
            hint="use the id of the region result it belongs to",
            ck=ck,
            found=show(rid),
        )
        return
    j, region = definers[0]
    v = r.get("value")
    if not isinstance(v, dict):
        return
    if isinstance(ck, PartnerLabelsChecker):
        _check_partner(i, v, ck, j, region, p)
    else:
        own = {ck.key} if ck.key else set()
        if j > i and not (set(v) - own) & _GEOMETRY:
            p.add(
                "per_region.before_region",
                (i,),
                f"this per-region result comes before its region [{j}] and has no geometry "
                "in its value; the editor then builds the region from it as a classification",
                hint="put the region's own result first, or copy its geometry into this value",
                ck=ck,
            )
        else:
            _compare_geometry(i, v, j, p, ck)
    cond = ck.control.conditions
    if ck.per_region and cond.when_label_value:
        labels = _region_labels(group, p, ck_of)
        if not labels & set(cond.when_label_value):
            p.add(
                "condition.unmet",
                (i,),
                f"{ck.what} applies only to regions labeled "
                f"{quote_list(cond.when_label_value)} (whenLabelValue); region {show(rid)} has "
                f"{quote_list(sorted(labels)) or 'no label'}, so the editor drops this result",
                hint="drop the result, or label the region accordingly",
                ck=ck,
            )


def _region_labels(
    group: list[int], p: PredCtx, ck_of: Callable[[int], ControlChecker | None]
) -> set[str]:
    out: set[str] = set()
    for j in group:
        ck = ck_of(j)
        if ck is None or (ck.allowed is None and ck.key is None):
            continue
        v = p.result[j].get("value")
        key = ck.key or "labels"
        labels = v.get(key) if isinstance(v, dict) else None
        if isinstance(labels, list):
            out.update(x for x in labels if isinstance(x, str))
    return out


def _compare_geometry(i: int, v: dict[str, Any], j: int, p: PredCtx, ck: ControlChecker) -> None:
    other = p.result[j].get("value")
    if not isinstance(other, dict):
        return
    for key in _GEOMETRY_KEYS:
        if key in v and key in other and key != "rle" and _differs(v[key], other[key]):
            p.add(
                "per_region.geometry_mismatch",
                (i, "value", key),
                f"value.{key} is {show(v[key])} here but {show(other[key])} in its region [{j}]",
                hint="copy the region's geometry exactly, or leave it out",
                ck=ck,
            )
            return


def _check_partner(
    i: int, v: dict[str, Any], ck: ControlChecker, j: int, region: ControlChecker, p: PredCtx
) -> None:
    rtype = p.result[j].get("type")
    if ck.obj.kind == "video":
        if "start" in v and "end" in v:
            _span_types(i, v, ck, p)
        else:
            p.add(
                "value.key_missing",
                (i, "value"),
                f"a separate {ck.what} result on a video needs start and end for Label "
                f"Studio's server; the labels of a track belong in the {show(rtype)} result's "
                "value.labels",
                hint=f"move the labels into value.labels of result [{j}] and drop this result",
                ck=ck,
                expected="start, end",
            )
        return
    if "start" in v and "end" in v:
        # Label Studio's server then reads it as a span; the editor joins it by id.
        _span_types(i, v, ck, p)
        return
    partner = next(
        (
            k
            for k in _group_of(p, p.result[i].get("id"))
            if p.result[k].get("type") in SPLIT_PARTNERS
        ),
        None,
    )
    if partner is None:
        p.add(
            "per_region.orphan",
            (i,),
            f"Label Studio's server accepts {ck.what} results on an image only beside an "
            f"unlabeled tool's result with the same id (rectangle, polygon, ...); region [{j}] "
            f"is a {show(rtype)}",
            hint="label the region with its own *labels control, or use the unlabeled tool",
            ck=ck,
        )
        return
    ptype = p.result[partner].get("type")
    if _partner_geometry(str(ptype), v, i, p, ck):
        _compare_geometry(i, v, partner, p, ck)


def _span_types(i: int, v: dict[str, Any], ck: ControlChecker, p: PredCtx) -> None:
    """start/end of a labels value read as a span by the server: numbers or strings."""
    for key in ("start", "end"):
        item = v[key]
        if isinstance(item, bool) or not isinstance(item, (int, float, str)):
            p.add(
                "value.type",
                (i, "value", key),
                f"value.{key} must be a number, got {a_type(item)}",
                ck=ck,
                found=show(item),
            )


# What Label Studio's server requires of the geometry repeated in a split-format labels value
# (the partner tool's value model): required keys, and the upper bound of each number.
_PARTNER_KEYS: dict[str, tuple[tuple[str, float], ...]] = {
    "rectangle": (("x", 100), ("y", 100), ("width", 100), ("height", 100)),
    "ellipse": (("x", 100), ("y", 100), ("radiusX", 50), ("radiusY", 50)),
    "keypoint": (("x", 100), ("y", 100)),
}


def _partner_geometry(
    ptype: str, v: dict[str, Any], i: int, p: PredCtx, ck: ControlChecker
) -> bool:
    """Check the repeated geometry of a split-format labels value; True when it is complete."""
    keys = _PARTNER_KEYS.get(ptype)
    missing: list[str] = []
    if keys is not None:
        for key, high in keys:
            if key not in v:
                missing.append(key)
                continue
            n = ck.number_at(v[key], (i, "value", key), p)
            if n is not None and n > high:
                p.add(
                    "geometry.out_of_range",
                    (i, "value", key),
                    f"{key}={num(n)} is above {num(high)}",
                    ck=ck,
                    expected=f"<= {num(high)}",
                    found=f"{num(n)}",
                )
        if ptype in ("rectangle", "ellipse") and "rotation" in v:
            n = ck.number_at(v["rotation"], (i, "value", "rotation"), p)
            if n is not None and n > 360:
                p.add(
                    "geometry.out_of_range",
                    (i, "value", "rotation"),
                    f"rotation={num(n)} is above 360",
                    ck=ck,
                )
    else:
        need = {
            "polygon": "points",
            "brush": "rle",
            "bitmask": "imageDataURL",
            "vector": "vertices",
        }
        key = need[ptype]
        fmt = v.get("format")
        bad_format = ptype in ("brush", "bitmask") and (
            (fmt is not None and not isinstance(fmt, str))
            or (ptype == "brush" and "format" in v and fmt is None)
        )
        if bad_format:
            # The partner's value model (SDK 2.1.2) types format as a string: brush's may
            # be left out but not null, bitmask's may be null.
            p.add(
                "value.type",
                (i, "value", "format"),
                f"value.format must be a string, got {a_type(fmt)}",
                hint='set "format": "rle"' if ptype == "brush" else "leave format out",
                ck=ck,
                found=show(fmt),
            )
        if key not in v:
            missing.append(key)
        elif ptype == "polygon" and not _pairs_ok(v[key]):
            p.add(
                "value.type",
                (i, "value", key),
                "value.points must be [x, y] pairs of numbers <= 100",
                ck=ck,
                found=show(v[key]),
            )
        elif ptype == "brush" and not (
            isinstance(v[key], list)
            and v[key]
            and all(type(b) is int and 0 <= b <= 255 for b in v[key])
        ):
            p.add(
                "rle.invalid",
                (i, "value", key),
                "value.rle must be a non-empty list of ints 0..255",
                ck=ck,
                found=show(v[key]),
            )
        elif ptype == "bitmask" and not isinstance(v[key], str):
            p.add(
                "value.type",
                (i, "value", key),
                "value.imageDataURL must be a string",
                ck=ck,
                found=show(v[key]),
            )
        elif ptype == "vector" and not (
            isinstance(v[key], list) and all(_vertex_ok(x) for x in v[key])
        ):
            p.add(
                "value.type",
                (i, "value", key),
                "value.vertices must be objects with x and y (and string ids, as the vector's)",
                ck=ck,
                found=show(v[key]),
            )
    if missing:
        p.add(
            "value.key_missing",
            (i, "value"),
            f"split-format labels on a {ptype} must repeat its geometry "
            f"({', '.join(missing)} missing); Label Studio's server rejects the result "
            "without it",
            hint="copy the tool result's value keys into this value, as Label Studio does",
            ck=ck,
            expected=", ".join(k for k, _ in keys) if keys else None,
        )
        return False
    return True


def _vertex_ok(vertex: Any) -> bool:
    """A vertex the SDK's vector model reads: numbers x and y, id and prevPointId absent or
    strings (as the vector result's own check, ``_points.VectorChecker``)."""
    return (
        isinstance(vertex, dict)
        and _num(vertex.get("x"))
        and _num(vertex.get("y"))
        and all(vertex.get(k) is None or type(vertex[k]) is str for k in ("id", "prevPointId"))
    )


def _num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and x == x


def _pairs_ok(points: Any) -> bool:
    if not isinstance(points, list):
        return False
    for pt in points:
        if not (
            isinstance(pt, (list, tuple)) and len(pt) == 2 and all(_num(c) and c <= 100 for c in pt)
        ):
            return False
    return True


def _check_relations(p: PredCtx, relations: Relations | None) -> None:
    results = p.result
    allowed = frozenset(relations.label_values) if relations is not None else frozenset()
    for i in p.relations:
        rel = results[i]
        missing = [k for k in ("from_id", "to_id", "direction") if k not in rel]
        for key in missing:
            p.add(
                "relation.key_missing",
                (i,),
                f"a relation needs from_id, to_id and direction; {key} is missing",
                hint='add "direction": "right"' if key == "direction" else None,
            )
        direction = rel.get("direction", MISSING)
        if direction is not MISSING and direction not in _DIRECTIONS:
            p.add(
                "relation.direction",
                (i, "direction"),
                f'direction must be "right", "left" or "bi", got {show(direction)}',
                expected='"right", "left" or "bi"',
                found=show(direction),
            )
        ends = []
        for key in ("from_id", "to_id"):
            rid = rel.get(key, MISSING)
            if rid is MISSING:
                continue
            ref = rid if type(rid) is str else str(rid) if isinstance(rid, int) else None
            if ref is None or ref not in p.by_id:
                p.add(
                    "relation.unknown_id",
                    (i, key),
                    f"{key} {show(rid)} is not the id of any region in this prediction; the "
                    "editor skips the relation",
                    hint="use the id of a region result of the same prediction",
                    found=show(rid),
                )
            ends.append(rid)
        if len(ends) == 2 and ends[0] == ends[1]:
            p.add("relation.self", (i,), f"the relation links region {show(ends[0])} to itself")
        labels = rel.get("labels", MISSING)
        if labels is MISSING or labels is None:
            continue
        if not isinstance(labels, list):
            p.add(
                "label.not_list",
                (i, "labels"),
                f"relation labels must be a list of strings, got {a_type(labels)}",
                hint=f"write [{show(labels)}]" if isinstance(labels, str) else None,
                found=show(labels),
            )
            continue
        for k, lab in enumerate(labels):
            if not isinstance(lab, str):
                p.add(
                    "label.not_string",
                    (i, "labels", k),
                    "relation labels are strings",
                    found=show(lab),
                )
            elif lab not in allowed:
                hint = (
                    'add <Relations><Relation value="..."/></Relations> to the config'
                    if relations is None
                    else f"relation labels: {quote_list(sorted(allowed))}"
                )
                p.add(
                    "relation.label_unknown",
                    (i, "labels", k),
                    f"{show(lab)} is not a relation label of the config",
                    hint=hint,
                    control_kind="Relations",
                    expected=quote_list(sorted(allowed)) if allowed else "no relation labels",
                    found=show(lab),
                )
        if relations is not None and len(labels) > 1 and not relations.multiple:
            p.add(
                "choice.too_many",
                (i, "labels"),
                f"<Relations> is single-choice but the relation has {len(labels)} labels",
                hint='keep one label, or set choice="multiple" on <Relations>',
            )


def _differs(a: Any, b: Any) -> bool:
    """``a != b`` for JSON values that may hold numpy arrays (whose ``!=`` is elementwise)."""
    try:
        return bool(a != b)
    except (ValueError, TypeError):
        return bool(_plain(a) != _plain(b))


def _plain(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value
