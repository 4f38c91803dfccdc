"""Hypothesis strategies for the validator: predictions for any config, mostly valid, then
mutated the ways hand-written and model-written predictions go wrong.

``prediction_for(config)`` draws a prediction dict for a parsed config: for a few of its
controls a result in the control's format (regions get ids; per-region controls and
split-format labels attach to a region; relations link regions), then, with some
probability, one mutation (a key dropped, a value of the wrong type or out of range, an
unknown label, a wrong name or type, a duplicate id ...).
"""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

import numpy as np
from hypothesis import strategies as st

from conftest import TEMPLATES
from prelabel import LabelConfig, rle
from prelabel.tags import controls as c
from prelabel.tags.base import ControlTag, ObjectTag

# Controls the shipped templates lack, so that every control kind is generated.
EXTRA_CONFIGS = {
    "extra_image_tools": """
<View>
  <Image name="img" value="$image"/>
  <Rectangle name="rect" toName="img"/>
  <Ellipse name="ell" toName="img"/>
  <EllipseLabels name="ell_l" toName="img">
    <Label value="Cell"/><Label value="Nucleus"/>
  </EllipseLabels>
  <KeyPoint name="kp" toName="img"/>
  <Brush name="br" toName="img"/>
  <MagicWand name="mw" toName="img"/>
  <Bitmask name="bm" toName="img"/>
  <BitmaskLabels name="bm_l" toName="img"><Label value="Person"/></BitmaskLabels>
  <Vector name="vec" toName="img"/>
  <VectorLabels name="vec_l" toName="img"><Label value="Lane"/></VectorLabels>
  <Labels name="img_lab" toName="img"><Label value="Car"/><Label value="Bus"/></Labels>
  <Number name="count" toName="img" min="0" max="10"/>
  <DateTime name="taken" toName="img" only="date"/>
  <Rating name="quality" toName="img" maxRating="3"/>
  <Choices name="kind" toName="img" choice="multiple">
    <Choice value="Indoor"/><Choice value="Outdoor" alias="out"/>
  </Choices>
</View>""",
    "extra_paragraphs": """
<View>
  <Paragraphs name="dialogue" value="$dialogue"/>
  <ParagraphLabels name="intent" toName="dialogue">
    <Label value="Question"/><Label value="Answer"/>
  </ParagraphLabels>
  <Choices name="mood" toName="dialogue" choice="single-radio">
    <Choice value="Happy"/><Choice value="Sad"/>
  </Choices>
</View>""",
}

CONFIG_XML: dict[str, str] = {
    **{p.stem: p.read_text(encoding="utf-8") for p in TEMPLATES},
    **EXTRA_CONFIGS,
}
_CONFIGS: dict[str, LabelConfig] = {}


def config_named(name: str) -> LabelConfig:
    """The parsed config (cached) of a template stem or an extra config name."""
    if name not in _CONFIGS:
        _CONFIGS[name] = LabelConfig.parse(CONFIG_XML[name])
    return _CONFIGS[name]


# --- numbers --------------------------------------------------------------------------------

pct = st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 3))
small_pct = st.floats(0.5, 40, allow_nan=False).map(lambda x: round(x, 3))
JUNK = [None, "10", "x", True, [], {}, -5, 1e9, 250, [1, 2], {"a": 1}, 3.5, 0]


def _labels(control: ControlTag, draw: st.DrawFn, *, key_multiple: bool = False) -> list[str]:
    values = list(getattr(control, "label_values", ())) or ["anything"]
    multiple = getattr(control, "multiple", False) or key_multiple
    n = draw(st.integers(1, min(3, len(values)))) if multiple else 1
    return draw(st.lists(st.sampled_from(values), min_size=n, max_size=n, unique=True))


def _png_data_url(width: int, height: int) -> str:
    raw = b"".join(b"\x00" + b"\x00" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode()


# --- one region or classification per control -------------------------------------------------


def _box(draw: st.DrawFn) -> dict[str, Any]:
    x, y = draw(st.floats(0, 60)), draw(st.floats(0, 60))
    w, h = draw(st.floats(0.5, 40)), draw(st.floats(0.5, 40))
    return {"x": round(x, 3), "y": round(y, 3), "width": round(w, 3), "height": round(h, 3)}


def _geometry(kind: str, draw: st.DrawFn, size: tuple[int, int]) -> dict[str, Any]:
    """The value keys (no labels) of an image tool's region."""
    if kind in ("rectangle", "rectanglelabels"):
        return {**_box(draw), "rotation": 0}
    if kind in ("ellipse", "ellipselabels"):
        rx, ry = draw(st.floats(0.5, 20)), draw(st.floats(0.5, 20))
        x, y = draw(st.floats(rx, 100 - rx)), draw(st.floats(ry, 100 - ry))
        return {"x": x, "y": y, "radiusX": rx, "radiusY": ry, "rotation": 0}
    if kind in ("keypoint", "keypointlabels"):
        return {"x": draw(pct), "y": draw(pct), "width": 0.5}
    if kind in ("polygon", "polygonlabels"):
        points = draw(st.lists(st.tuples(pct, pct).map(list), min_size=3, max_size=6))
        return {"points": points, "closed": True}
    if kind in ("brush", "brushlabels", "magicwand"):
        w, h = size
        mask = np.zeros((h, w), dtype=np.uint8)
        mask[draw(st.integers(0, h - 1)), draw(st.integers(0, w - 1))] = 255
        return {"format": "rle", "rle": rle.encode(mask)}
    if kind in ("bitmask", "bitmasklabels"):
        return {"imageDataURL": _png_data_url(*size)}
    if kind in ("vector", "vectorlabels"):
        n = draw(st.integers(2, 4))
        vertices = [{"id": f"v{k}", "x": draw(pct), "y": draw(pct)} for k in range(n)]
        for k in range(1, n):
            vertices[k]["prevPointId"] = f"v{k - 1}"
        return {"vertices": vertices, "closed": False}
    raise AssertionError(kind)


_IMAGE_TOOLS = frozenset(
    {
        "rectangle", "rectanglelabels", "ellipse", "ellipselabels", "keypoint", "keypointlabels",
        "polygon", "polygonlabels", "brush", "brushlabels", "magicwand", "bitmask",
        "bitmasklabels", "vector", "vectorlabels",
    }
)  # fmt: skip
_SPLIT_TOOLS = ("rectangle", "polygon", "ellipse", "keypoint", "brush", "bitmask", "vector")


def _span_value(control: ControlTag, obj: ObjectTag, draw: st.DrawFn) -> dict[str, Any] | None:
    kind = obj.kind
    if kind == "text":
        start = draw(st.integers(0, 20))
        return {"start": start, "end": start + draw(st.integers(1, 10))}
    if kind == "hypertext":
        return {
            "start": "/p[1]/text()[1]",
            "end": "/p[1]/text()[1]",
            "startOffset": 0,
            "endOffset": draw(st.integers(1, 5)),
        }
    if kind == "paragraphs":
        return {"start": "0", "end": "0", "startOffset": 0, "endOffset": draw(st.integers(1, 5))}
    if kind == "timeseries":
        start = draw(st.integers(0, 50))
        instant = draw(st.booleans())
        end = start if instant else start + draw(st.integers(1, 20))
        out: dict[str, Any] = {"start": start, "end": end}
        if control.result_type == "timeserieslabels":
            out["instant"] = instant
        return out
    if kind == "audio":
        start = round(draw(st.floats(0, 30)), 2)
        return {"start": start, "end": start + 1.5, "channel": 0}
    return None


def _classification(control: ControlTag, draw: st.DrawFn) -> dict[str, Any] | None:
    if isinstance(control, c.Choices):
        return {"choices": _labels(control, draw)}
    if isinstance(control, c.TextArea):
        return {"text": draw(st.lists(st.text(max_size=8), min_size=1, max_size=2))}
    if isinstance(control, c.Number):
        low = control.min if control.min is not None else -100
        high = control.max if control.max is not None else 100
        return {"number": draw(st.floats(low, high))}
    if isinstance(control, c.Rating):
        return {"rating": draw(st.integers(1, control.max_rating))}
    if isinstance(control, c.DateTime):
        if control.only == ("date",):
            return {"datetime": "2024-03-05"}
        if control.only == ("time",):
            return {"datetime": "14:30"}
        return {"datetime": "2024-03-05T14:30"}
    if isinstance(control, c.Taxonomy):
        paths = control.paths()
        if not paths:
            return None
        return {"taxonomy": [list(draw(st.sampled_from(paths)))]}
    if isinstance(control, c.Pairwise):
        return {"selected": draw(st.sampled_from(["left", "right"]))}
    if isinstance(control, c.Ranker):
        return {"ranker": {control.name: ["a", "b"]}}
    return None


_ids = iter(range(10**9))


def _new_id() -> str:
    return f"id{next(_ids)}"


def _results_for(
    config: LabelConfig, control: ControlTag, obj: ObjectTag, draw: st.DrawFn
) -> list[dict[str, Any]]:
    """Results for one control on one object (a region, or a region plus its partners)."""
    size = (draw(st.integers(1, 6)), draw(st.integers(1, 6)))
    base = {"from_name": control.name, "to_name": obj.name, "type": control.result_type}
    image = {"original_width": size[0], "original_height": size[1]} if obj.kind == "image" else {}
    key = control.value_key
    kind = control.result_type
    if control.per_region:
        region = _region_for(config, obj, draw, size)
        if region is None:
            return []
        value = _classification(control, draw)
        if value is None:
            return []
        geometry = {k: v for k, v in region["value"].items() if k != region_key(region)}
        wanted = control.conditions.when_label_value
        label_key = _label_key(region)
        if wanted and label_key is not None:
            region["value"][label_key] = [wanted[0]]
        if draw(st.booleans()):
            value = {**geometry, **value}
        return [region, {"id": region["id"], **base, **image, "value": value}]
    if kind in _IMAGE_TOOLS and obj.kind == "image":
        value = _geometry(kind, draw, size)
        if key:
            value[key] = _labels(control, draw)
        return [{"id": _new_id(), **base, **image, "value": value}]
    if isinstance(control, c.Labels) and obj.kind == "image":
        tools = [
            t
            for t in config.controls_for(obj.name)
            if t.result_type in _SPLIT_TOOLS and not t.per_region
        ]
        if not tools:
            return []
        tool = draw(st.sampled_from(tools))
        geometry = _geometry(tool.result_type, draw, size)
        rid = _new_id()
        partner = {
            "id": rid,
            "from_name": tool.name,
            "to_name": obj.name,
            "type": tool.result_type,
            **image,
            "value": dict(geometry),
        }
        labels = {
            "id": rid,
            **base,
            **image,
            "value": {**geometry, "labels": _labels(control, draw)},
        }
        return [partner, labels]
    if isinstance(control, c.Labels) and obj.kind == "video":
        tracks = [t for t in config.controls_for(obj.name) if isinstance(t, c.VideoRectangle)]
        if not tracks:
            return []
        track = _results_for(config, tracks[0], obj, draw)[0]
        # Label Studio's server wants start/end on a separate labels result on a video.
        value = {"start": 1, "end": 5, "labels": _labels(control, draw)}
        return [track, {"id": track["id"], **base, "value": value}]
    if isinstance(control, c.VideoRectangle):
        rate = 24
        frames = sorted(draw(st.lists(st.integers(1, 100), min_size=1, max_size=3, unique=True)))
        seq = [
            {"frame": f, "enabled": True, "time": f / rate, **_box(draw), "rotation": 0}
            for f in frames
        ]
        value: dict[str, Any] = {"framesCount": 100, "duration": 100 / rate, "sequence": seq}
        labels = [ctl for ctl in config.controls_for(obj.name) if isinstance(ctl, c.Labels)]
        if labels:
            value["labels"] = _labels(labels[0], draw)
        return [{"id": _new_id(), **base, "value": value}]
    if isinstance(control, c.TimelineLabels):
        start = draw(st.integers(1, 50))
        value = {"ranges": [{"start": start, "end": start + draw(st.integers(0, 20))}]}
        value["timelinelabels"] = _labels(control, draw)
        return [{"id": _new_id(), **base, "value": value}]
    if control.makes_regions:
        span = _span_value(control, obj, draw)
        if span is None or key is None:
            return []
        span[key] = _labels(control, draw)
        return [{"id": _new_id(), **base, "value": span}]
    value = _classification(control, draw)
    if value is None:
        return []
    return [{"id": _new_id(), **base, "value": value}]


def region_key(result: dict[str, Any]) -> str | None:
    t = result["type"]
    return t if t.endswith("labels") else None


def _label_key(result: dict[str, Any]) -> str | None:
    key = region_key(result)
    return key if key is not None and key in result["value"] else None


def _parent_choice(config: LabelConfig, control: ControlTag) -> dict[str, Any] | None:
    """The choice a ``visibleWhen="choice-selected"`` control needs selected."""
    cond = control.conditions
    if cond.visible_when != "choice-selected" or cond.when_tag_name is None:
        return None
    parent = config.find_control(cond.when_tag_name)
    if parent is None or not parent.targets:
        return None
    values = list(cond.when_choice_value) or list(getattr(parent, "label_values", ()))[:1]
    key = "taxonomy" if parent.result_type == "taxonomy" else "choices"
    picked: list[Any] = [[values[0]]] if key == "taxonomy" else values[:1]
    return {
        "id": _new_id(),
        "from_name": parent.name,
        "to_name": parent.targets[0].name,
        "type": parent.result_type,
        "value": {key: picked},
    }


def _region_for(
    config: LabelConfig, obj: ObjectTag, draw: st.DrawFn, size: tuple[int, int]
) -> dict[str, Any] | None:
    """A region result on ``obj`` for a per-region control to attach to."""
    tools = [
        t
        for t in config.controls_for(obj.name)
        if t.makes_regions and not t.per_region and not isinstance(t, c.Labels)
    ]
    tools += [
        t for t in config.controls_for(obj.name) if isinstance(t, c.Labels) and obj.kind != "image"
    ]
    for tool in tools:
        results = _results_for(config, tool, obj, draw)
        if results and results[0]["type"] == tool.result_type:
            return results[0]
    return None


# --- mutations ------------------------------------------------------------------------------


def _mutate(results: list[dict[str, Any]], config: LabelConfig, draw: st.DrawFn) -> None:
    if not results:
        return
    r = draw(st.sampled_from(results))
    value = r.get("value")
    how = draw(
        st.sampled_from(
            [
                "drop_key",
                "drop_value_key",
                "junk_value",
                "junk_value",
                "junk_value",
                "unknown_label",
                "label_string",
                "wrong_type",
                "wrong_from",
                "wrong_to",
                "duplicate_id",
                "extra_value_key",
                "score",
                "negative",
                "junk_nested",
                "junk_nested",
            ]
        )
    )
    if how == "drop_key":
        r.pop(draw(st.sampled_from(sorted(r))))
    elif how == "drop_value_key" and isinstance(value, dict) and value:
        value.pop(draw(st.sampled_from(sorted(value))))
    elif how == "junk_value" and isinstance(value, dict) and value:
        value[draw(st.sampled_from(sorted(value)))] = draw(st.sampled_from(JUNK))
    elif how == "unknown_label" and isinstance(value, dict):
        keys = [k for k, v in value.items() if isinstance(v, list) and v and isinstance(v[0], str)]
        if keys:
            value[keys[0]] = ["NotALabel"]
    elif how == "label_string" and isinstance(value, dict):
        keys = [k for k, v in value.items() if isinstance(v, list) and v and isinstance(v[0], str)]
        if keys:
            value[keys[0]] = value[keys[0]][0]
    elif how == "wrong_type":
        r["type"] = draw(st.sampled_from(["choices", "labels", "rectanglelabels", "Choices"]))
    elif how == "wrong_from":
        r["from_name"] = draw(st.sampled_from([*config.controls, "nope"]))
    elif how == "wrong_to":
        r["to_name"] = draw(st.sampled_from([*config.objects, "nope"]))
    elif how == "duplicate_id":
        results.append(dict(r))
    elif how == "extra_value_key" and isinstance(value, dict):
        value["score"] = 0.5
    elif how == "score":
        r["score"] = draw(st.sampled_from([1.5, -0.1, "high", 0.5]))
    elif how == "junk_nested" and isinstance(value, dict):
        node: Any = value
        for _ in range(3):  # walk into a nested list/dict of the value, replace one item
            inner = [k for k, x in (node.items() if isinstance(node, dict) else enumerate(node))
                     if isinstance(x, (dict, list)) and x]  # fmt: skip
            if not inner:
                break
            node = node[draw(st.sampled_from(inner))]
        if isinstance(node, dict) and node:
            node[draw(st.sampled_from(sorted(node)))] = draw(st.sampled_from(JUNK))
        elif isinstance(node, list) and node:
            node[draw(st.integers(0, len(node) - 1))] = draw(st.sampled_from(JUNK))
    elif how == "negative" and isinstance(value, dict):
        nums = [
            k for k, v in value.items() if isinstance(v, (int, float)) and not isinstance(v, bool)
        ]
        if nums:
            value[draw(st.sampled_from(nums))] = -draw(st.floats(0.1, 50))


@st.composite
def prediction_for(draw: st.DrawFn, config: LabelConfig, *, mutate: bool = True) -> dict[str, Any]:
    """A prediction dict for ``config``; mutated with probability 1/2 when ``mutate``."""
    pairs = [(ctl, obj) for ctl in config.controls.values() for obj in ctl.targets]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=3)) if pairs else []
    results: list[dict[str, Any]] = []
    for control, obj in chosen:
        made = _results_for(config, control, obj, draw)
        parent = _parent_choice(config, control) if made else None
        if parent is not None:
            made.append(parent)
        results.extend(made)
    regions = [r["id"] for r in results if "id" in r and r["type"] != "choices"]
    if config.relations is not None and len(regions) >= 2 and draw(st.booleans()):
        a, b = draw(st.lists(st.sampled_from(regions), min_size=2, max_size=2, unique=True))
        rel: dict[str, Any] = {"type": "relation", "from_id": a, "to_id": b, "direction": "right"}
        values = list(config.relations.label_values)
        if values:
            rel["labels"] = [draw(st.sampled_from(values))]
        results.append(rel)
    if mutate and draw(st.booleans()):
        _mutate(results, config, draw)
    pred: dict[str, Any] = {"model_version": "m1", "result": results}
    if draw(st.booleans()):
        pred["score"] = draw(st.floats(0, 1))
    return pred


# --- arbitrary JSON, for hostile input ----------------------------------------------------

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=10),
)
_KEYS = [
    "data", "predictions", "result", "value", "from_name", "to_name", "type", "id", "x", "y",
    "width", "height", "labels", "choices", "rle", "points", "start", "end", "text", "score",
    "image", "annotations", "model_version", "direction", "from_id", "to_id",
    "rectanglelabels", "original_width", "original_height",
]  # fmt: skip
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(_KEYS) | st.text(max_size=5),
            children,
            max_size=5,
        ),
    ),
    max_leaves=25,
)
