"""The preview draws every image region where Label Studio's editor draws it.

For each demo example whose first task has image regions: the task is imported and opened in
the real editor (``integration/editor.py``), and the same annotation the editor shows is drawn
by :func:`prelabel.preview.show` in the same browser, at the same size as the editor's image
(the same stand-in picture, so the same natural size). Then, region by region:

* shapes (rectangles, rotated or not, ellipses, polygons, keypoints): the bounding box of what
  each drew, relative to its image, must agree within 1 px (the editor's Konva client rect
  without stroke; the SVG element's client rect);
* brush masks: the pixels the editor painted and the pixels of the preview's overlay must
  overlap (IoU >= 0.99 at the natural size), and both must be stretched over the whole image.

``build/integration/preview.md`` lists what was compared and the largest difference.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from integration.editor import Editor, iter_views, stand_ins
from integration.server import ROOT
from prelabel.config import LabelConfig
from prelabel.io import read_tasks
from prelabel.labelstudio import Client
from prelabel.preview import show
from prelabel.preview._geometry import IMAGE_TYPES
from prelabel.preview._html import page

MANIFEST = ROOT / "build" / "demo" / "manifest.json"
TOLERANCE_PX = 1.0
MIN_IOU = 0.99
_ROWS: list[dict[str, Any]] = []

# Bits of a canvas's alpha (alpha > 0), packed 8 to a byte, base64: a mask read back.
_BITS_JS = """
function bitsOf(ctx, w, h) {
  const px = ctx.getImageData(0, 0, w, h).data;
  const bytes = new Uint8Array(Math.ceil(w * h / 8));
  for (let i = 3, k = 0; i < px.length; i += 4, k++) if (px[i]) bytes[k >> 3] |= 128 >> (k & 7);
  let s = ""; for (let i = 0; i < bytes.length; i += 8192)
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  return btoa(s);
}
"""

_EDITOR_MASKS_JS = (
    "() => {"
    + _BITS_JS
    + """
  const sel = window.Htx.annotationStore.selected, out = [];
  for (const r of sel.regions) {
    if (r.type !== "brushregion" || !r.layerRef) continue;
    const stage = r.layerRef.getStage();
    for (const n of r.layerRef.find("Image").filter(n => n.name() !== "highlight")) {
      const img = n.image(); if (!img) continue;
      const w = img.naturalWidth || img.width, h = img.naturalHeight || img.height;
      const c = document.createElement("canvas"); c.width = w; c.height = h;
      const ctx = c.getContext("2d"); ctx.drawImage(img, 0, 0);
      const b = n.getClientRect({relativeTo: stage, skipStroke: true});
      out.push({region: String(r.cleanId || String(r.id).split("#")[0]), w, h,
                bits: bitsOf(ctx, w, h), box: [b.x, b.y, b.width, b.height]});
      break;
    }
  }
  return out;
}"""
)

# The zoomScale of each image in the editor (keypoint radii are divided by it).
_ZOOM_JS = """() => { const out = {};
  for (const [name, tag] of window.Htx.annotationStore.selected.names.entries())
    if (tag.type === "image") out[name] = tag.zoomScale;
  return out; }"""

_PREVIEW_READ_JS = (
    "async ([name, w, h]) => {"
    + _BITS_JS
    + """
  const svg = document.querySelector(`.pl-object[data-object="${name}"] svg.pl-image`);
  if (!svg) return null;
  svg.style.width = w + "px"; svg.style.height = h + "px"; svg.style.maxWidth = "none";
  const o = svg.getBoundingClientRect();
  const rel = el => { const r = el.getBoundingClientRect();
                      return [r.x - o.x, r.y - o.y, r.width, r.height]; };
  const shapes = [...svg.querySelectorAll(".pl-shape")].map(el => ({
    region: el.dataset.region, tag: el.tagName, box: rel(el)}));
  const masks = [];
  for (const el of svg.querySelectorAll("image.pl-mask")) {
    const img = new Image(); img.src = el.getAttribute("href"); await img.decode();
    const c = document.createElement("canvas");
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const ctx = c.getContext("2d"); ctx.drawImage(img, 0, 0);
    const fill = svg.querySelector(`rect.pl-mask-fill[data-region="${el.dataset.region}"]`);
    masks.push({region: el.dataset.region, w: c.width, h: c.height,
                bits: bitsOf(ctx, c.width, c.height), box: rel(fill)});
  }
  return {svg: [o.width, o.height], shapes, masks};
}"""
)


def _entries() -> list[dict[str, str]]:
    if not MANIFEST.exists():
        return []
    found = []
    for entry in json.loads(MANIFEST.read_text(encoding="utf-8")):
        tasks = list(read_tasks(ROOT / entry["tasks"]))
        results = [
            r
            for item in tasks[0].get("predictions") or []
            for r in item.get("result") or []
            if isinstance(r, dict)
        ]
        drawn = [r for r in results if r.get("type") in IMAGE_TYPES]
        if drawn and not any("item_index" in r for r in results):
            found.append(entry)
    return found


ENTRIES = _entries()


def _bits(item: dict[str, Any]) -> Any:
    raw = np.frombuffer(base64.b64decode(item["bits"]), dtype=np.uint8)
    return np.unpackbits(raw)[: item["w"] * item["h"]].reshape(item["h"], item["w"]).astype(bool)


def _data_url(body: bytes, kind: str) -> str:
    return f"data:{kind};base64,{base64.b64encode(body).decode('ascii')}"


def _compare(
    config: LabelConfig, task: dict[str, Any], shown: dict[str, Any], view: dict[str, Any],
    editor: Editor,
) -> tuple[list[str], dict[str, Any]]:  # fmt: skip
    """Problems, and numbers for the table, of one editor view against the preview."""
    pictures = {}
    media = stand_ins(config, task)
    for name, obj in config.objects.items():
        if obj.tag == "Image" and obj.data_keys:
            url = task["data"].get(obj.data_keys[0])
            if url in media:
                pictures[name] = _data_url(*media[url])
    images = view.get("images") or {}
    zoom = editor.page.evaluate(_ZOOM_JS)
    problems: list[str] = []
    stats: dict[str, Any] = {"shapes": 0, "masks": 0, "max_px": 0.0, "min_iou": None}
    preview = editor.page.context.new_page()
    try:
        for name, image in images.items():
            ix, iy, iw, ih = image["box"]
            drawing = show({"data": task["data"], "predictions": [shown]}, config,
                           image=pictures.get(name), width=round(iw))  # fmt: skip
            preview.set_content(page("preview", drawing.html))
            mine = preview.evaluate(_PREVIEW_READ_JS, [name, iw, ih])
            if mine is None:
                problems.append(f"image {name!r}: the preview drew no image")
                continue
            theirs = [s for s in view.get("shapes") or [] if s["image"] == name]
            by_region = {s["region"]: s for s in mine["shapes"]}
            for shape in theirs:
                drawn = by_region.pop(shape["region"], None)
                if drawn is None:
                    problems.append(f"region {shape['region']}: drawn by the editor only")
                    continue
                x, y, w, h = shape["box"]
                editor_box = (x - ix, y - iy, w, h)
                if shape["cls"] == "Circle":
                    editor_box = _unzoomed_point(editor_box, float(zoom.get(name) or 1.0))
                diff = max(abs(a - b) for a, b in zip(editor_box, drawn["box"], strict=True))
                stats["shapes"] += 1
                stats["max_px"] = max(stats["max_px"], diff)
                if diff > TOLERANCE_PX:
                    problems.append(
                        f"region {shape['region']} ({shape['cls']}): the editor drew "
                        f"{_fmt(editor_box)}, the preview {_fmt(drawn['box'])} (px)"
                    )
            for region in by_region:
                problems.append(f"region {region}: drawn by the preview only")
            problems += _compare_masks(editor, mine["masks"], (ix, iy), stats)
    finally:
        preview.close()
    return problems, stats


def _unzoomed_point(box: tuple[float, ...], zoom: float) -> tuple[float, ...]:
    """A keypoint's box as the editor draws it at zoom 1.

    The editor keeps a keypoint the same size on screen whatever the zoom: its radius is
    ``max(width% of the stage width, 2 px) / zoomScale`` in the stage's coordinates, where
    every other shape is in image terms. The headless editor opens at a zoomScale of about
    1.065, not 1; the preview draws keypoints as the editor does at zoom 1, so the editor's
    radius is scaled back by its zoomScale (the centre is compared as it is).
    """
    x, y, w, h = box
    cx, cy, r = x + w / 2, y + h / 2, w / 2 * zoom
    return (cx - r, cy - r, 2 * r, 2 * r)


def _compare_masks(
    editor: Editor, mine: list[dict[str, Any]], origin: tuple[float, float], stats: dict[str, Any]
) -> list[str]:
    problems: list[str] = []
    theirs = {m["region"]: m for m in editor.page.evaluate(_EDITOR_MASKS_JS)}
    for mask in mine:
        other = theirs.pop(mask["region"], None)
        if other is None:
            problems.append(f"mask {mask['region']}: drawn by the preview only")
            continue
        a, b = _bits(other), _bits(mask)
        if a.shape != b.shape:
            problems.append(f"mask {mask['region']}: editor {a.shape}, preview {b.shape}")
            continue
        union = int((a | b).sum())
        iou = int((a & b).sum()) / union if union else 1.0
        stats["masks"] += 1
        stats["min_iou"] = iou if stats["min_iou"] is None else min(stats["min_iou"], iou)
        if iou < MIN_IOU:
            problems.append(f"mask {mask['region']}: IoU {iou:.4f} with the editor's pixels")
        x, y, w, h = other["box"]
        editor_box = (x - origin[0], y - origin[1], w, h)
        if max(abs(p - q) for p, q in zip(editor_box, mask["box"], strict=True)) > TOLERANCE_PX:
            problems.append(
                f"mask {mask['region']}: the editor stretched it over {_fmt(editor_box)}, "
                f"the preview over {_fmt(mask['box'])} (px)"
            )
    problems += [f"mask {region}: drawn by the editor only" for region in theirs]
    return problems


def _fmt(box: Any) -> str:
    return "(" + ", ".join(f"{v:.2f}" for v in box) + ")"


def test_there_are_image_examples_to_compare() -> None:
    assert len(ENTRIES) >= 5, f"{MANIFEST}: too few examples with image regions"


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["name"] for e in ENTRIES])
def test_the_preview_draws_regions_where_the_editor_does(
    ls_client: Client, editor: Editor, artifacts: Path, entry: dict[str, str]
) -> None:
    started = time.perf_counter()
    config_xml = (ROOT / entry["config"]).read_text(encoding="utf-8")
    config = LabelConfig.parse(config_xml)
    task = next(iter(read_tasks(ROOT / entry["tasks"])))
    project = ls_client.create_project(f"preview {entry['name']}"[:50], config_xml)
    imported = ls_client.import_tasks(project, [task])
    assert imported.ok, imported.summary()
    stored = next(iter(ls_client.iter_tasks(project)))
    kind, index, view = next(iter_views(editor, project, stored, stand_ins=stand_ins(config, task)))
    shown = task[f"{kind}s"][index]
    problems, stats = _compare(config, task, shown, view, editor)
    _ROWS.append({"example": entry["name"], **stats, "problems": len(problems),
                  "seconds": round(time.perf_counter() - started, 1)})  # fmt: skip
    _write_table(artifacts)
    assert stats["shapes"] + stats["masks"] > 0, f"{entry['name']}: nothing compared"
    assert problems == [], f"{entry['name']}:\n" + "\n".join(problems[:30])


def _write_table(artifacts: Path) -> None:
    lines = [
        "# Preview vs editor (same task, same size, same browser)",
        "",
        f"Shapes: bounding boxes within {TOLERANCE_PX} px; masks: IoU >= {MIN_IOU}.",
        "",
        "| example | shapes | largest box difference (px) | masks | smallest IoU | problems | s |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in _ROWS:
        iou = "-" if row["min_iou"] is None else f"{row['min_iou']:.4f}"
        lines.append(
            f"| {row['example']} | {row['shapes']} | {row['max_px']:.3f} | {row['masks']} | "
            f"{iou} | {row['problems']} | {row['seconds']} |"
        )
    (artifacts / "preview.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_demo_saved_screenshots_of_two_review_pages() -> None:
    shots = sorted((ROOT / "build" / "demo" / "preview").glob("*.png"))
    assert len(shots) == 2, shots  # make demo ran with chromium installed
    for shot in shots:
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert shot.stat().st_size > 10_000, shot


# --- the geometry the demo examples do not reach: rotations, tiny keypoints ------------------

GEOMETRY_CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image"><Label value="Box" background="#e6194b"/>
  </RectangleLabels>
  <EllipseLabels name="ellipse" toName="image"><Label value="Ellipse"/></EllipseLabels>
  <KeyPointLabels name="point" toName="image"><Label value="Point"/></KeyPointLabels>
  <PolygonLabels name="polygon" toName="image"><Label value="Polygon"/></PolygonLabels>
  <BrushLabels name="brush" toName="image"><Label value="Brush"/></BrushLabels>
</View>"""
WH = (600, 400)  # not square: rotation in pixels, not in percent, shows


def _geometry_task() -> dict[str, Any]:
    from prelabel import rle

    def result(rid: str, control: str, kind: str, value: dict[str, Any]) -> dict[str, Any]:
        return {"id": rid, "from_name": control, "to_name": "image", "type": kind,
                "original_width": WH[0], "original_height": WH[1], "image_rotation": 0,
                "value": {**value, kind: [control.capitalize()]}}  # fmt: skip

    boxes = [
        ("rot30", 20, 15, 30, 15, 30.0),
        ("rot90", 60, 10, 20, 10, 90.0),
        ("rot200", 45, 70, 20, 12, 200.0),
        ("rot315", 8, 60, 15, 20, 315.0),
        ("straight", 70, 55, 20, 30, 0.0),
    ]
    results = [
        result(rid, "box", "rectanglelabels",
               {"x": x, "y": y, "width": w, "height": h, "rotation": r})
        for rid, x, y, w, h, r in boxes
    ]  # fmt: skip
    results += [
        result("ell", "ellipse", "ellipselabels",
               {"x": 75, "y": 25, "radiusX": 10, "radiusY": 6, "rotation": 30}),
        result("kp-tiny", "point", "keypointlabels", {"x": 50, "y": 50, "width": 0.1}),
        result("kp-big", "point", "keypointlabels", {"x": 30, "y": 45, "width": 2.5}),
        result("poly", "polygon", "polygonlabels",
               {"points": [[5, 5], [15, 8], [18, 20], [9, 30], [3, 18]], "closed": True}),
    ]  # fmt: skip
    ys, xs = np.mgrid[0 : WH[1], 0 : WH[0]]
    mask = ((xs - 420) ** 2 / 60**2 + (ys - 300) ** 2 / 40**2) <= 1
    results.append(
        result("mask", "brush", "brushlabels", {"format": "rle", "rle": rle.encode(mask)})
    )
    return {
        "data": {"image": "https://example.com/geometry.png"},
        "predictions": [{"model_version": "geometry", "result": results}],
    }


def _about_centre(shape_of: Any) -> Any:
    """A wrong preview: boxes turned about their centre instead of their top-left corner."""
    import math

    from prelabel.preview._geometry import Box

    def wrong(kind: str, value: Any, width: float, height: float) -> Any:
        shape = shape_of(kind, value, width, height)
        if not isinstance(shape, Box) or not shape.rotation:
            return shape
        a = math.radians(shape.rotation)
        hw, hh = shape.width / 2, shape.height / 2
        dx = hw - (hw * math.cos(a) - hh * math.sin(a))
        dy = hh - (hw * math.sin(a) + hh * math.cos(a))
        return Box(shape.x + dx, shape.y + dy, shape.width, shape.height, shape.rotation)

    return wrong


def test_rotations_and_keypoint_sizes_agree_with_the_editor(
    ls_client: Client, editor: Editor, artifacts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rotated boxes and ellipses on a non-square image, keypoints under and over the 2 px
    minimum; and a negative control: boxes turned about their centre are caught."""
    started = time.perf_counter()
    config = LabelConfig.parse(GEOMETRY_CONFIG)
    task = _geometry_task()
    project = ls_client.create_project("preview geometry", GEOMETRY_CONFIG)
    imported = ls_client.import_tasks(project, [task])
    assert imported.ok, imported.summary()
    stored = next(iter(ls_client.iter_tasks(project)))
    kind, index, view = next(iter_views(editor, project, stored, stand_ins=stand_ins(config, task)))
    shown = task[f"{kind}s"][index]
    problems, stats = _compare(config, task, shown, view, editor)
    _ROWS.append({"example": "geometry (rotations, keypoints)", **stats,
                  "problems": len(problems),
                  "seconds": round(time.perf_counter() - started, 1)})  # fmt: skip
    _write_table(artifacts)
    assert stats["shapes"] == 9
    assert stats["masks"] == 1
    assert problems == [], "\n".join(problems)

    from prelabel.preview import _image

    monkeypatch.setattr(_image, "shape_of", _about_centre(_image.shape_of))
    wrong, _ = _compare(config, task, shown, view, editor)
    caught = sorted({p.split()[1] for p in wrong})
    assert caught == ["rot200", "rot30", "rot315", "rot90"], wrong


# Labels without background (and one with the editor's default, which it replaces too), in
# scripts whose UTF-16 code units differ from their bytes; one with its own colour.
COLOUR_VALUES = ["Car", "Person", "PER", "traffic light", "Ünïcode", "猫", "😀 emoji", "a"]
COLOUR_CONFIG = (
    '<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image">'
    + "".join(f'<Label value="{value}"/>' for value in COLOUR_VALUES)
    + '<Label value="Default" background="#DA935D"/><Label value="Own" background="#123456"/>'
    + "</RectangleLabels></View>"
)
_LABEL_COLOURS_JS = """() => {
  const tag = window.Htx.annotationStore.names.get("label");
  return Object.fromEntries(tag.children.map(l => [l.value, l.background]));
}"""


def test_labels_without_background_get_the_editors_colours(
    ls_client: Client, editor: Editor
) -> None:
    """The preview's colour of a label without ``background`` is the one the editor draws."""
    from prelabel.preview._colors import Palette

    config = LabelConfig.parse(COLOUR_CONFIG)
    image = "data:image/png;base64," + base64.b64encode(_png_1x1()).decode("ascii")
    project = ls_client.create_project("preview colours", COLOUR_CONFIG)
    imported = ls_client.import_tasks(project, [{"data": {"image": image}}])
    assert imported.ok, imported.summary()
    editor.open_task(project, imported.task_ids[0], predictions=0, stand_ins={})
    shown = editor.page.evaluate(_LABEL_COLOURS_JS)
    assert len(shown) == len(COLOUR_VALUES) + 2
    palette = Palette(config)
    ours = {value: palette.colour("label", value) for value in shown}
    assert {v: c.lower() for v, c in shown.items()} == ours
    assert ours["Own"] == "#123456"
    assert ours["Default"] != "#DA935D"


def _png_1x1() -> bytes:
    return base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
