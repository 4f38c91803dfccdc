"""YOLO adapters on bundled files: parsing, exact percent, labels, sizes from image headers."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prelabel import BuildError, LabelConfig, RectangleLabels
from prelabel.adapters import image_size, parse_yolo, read_class_names, yolo_regions, yolo_to_tasks
from prelabel.rle import decode_bool
from prelabel.units import boxes_from_percent
from strategies_image import box_xyxy_px, image_wh

DATA = Path(__file__).parent / "data" / "adapters" / "yolo"
URL = "https://example.com/{name}"  # where the default, the bare file name, would not load

CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image">
    <Label value="Person"/><Label value="Car"/><Label value="Dog"/>
  </RectangleLabels>
</View>"""
CFG = LabelConfig.parse(CONFIG)

SEG_CONFIG = """<View>
  <Image name="image" value="$image"/>
  <PolygonLabels name="poly" toName="image"><Label value="Person"/><Label value="Car"/>
  </PolygonLabels>
</View>"""

BRUSH_CONFIG = """<View>
  <Image name="image" value="$image"/>
  <BrushLabels name="brush" toName="image"><Label value="Person"/><Label value="Car"/>
  </BrushLabels>
</View>"""

POSE_CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image"><Label value="Person"/></RectangleLabels>
  <KeyPointLabels name="kp" toName="image"><Label value="Nose"/><Label value="Left eye"/>
    <Label value="Right eye"/></KeyPointLabels>
</View>"""


def _clean(sdk_validate: Any, config: str, tasks: list[dict[str, Any]]) -> None:
    for task in tasks:
        assert json.loads(json.dumps(task)) == task
        for kind in ("predictions", "annotations"):
            for item in task.get(kind, []):
                assert sdk_validate(config, item) == []


def _geometry(result: dict[str, Any]) -> list[float]:
    return [result["value"][k] for k in ("x", "y", "width", "height")]


# --- parsing -------------------------------------------------------------------------------


def test_parse_every_task() -> None:
    detect = parse_yolo((DATA / "labels" / "street.txt").read_text())
    assert detect.task == "detect"
    assert detect.class_ids.tolist() == [2, 0, 1]
    assert detect.scores is not None
    assert detect.scores.tolist() == [0.93, 0.88, 0.61]
    assert detect.boxes is not None
    assert detect.boxes[0].tolist() == [0.75, 0.625, 0.25, 0.25]
    segment = parse_yolo((DATA / "seg" / "street.txt").read_text())
    assert segment.task == "segment"
    assert segment.scores is None
    assert segment.polygons is not None
    assert [p.shape for p in segment.polygons] == [(4, 2), (3, 2)]
    obb = parse_yolo((DATA / "obb" / "street.txt").read_text(), task="obb")
    assert obb.corners is not None
    assert obb.corners.shape == (2, 4, 2)
    pose = parse_yolo((DATA / "pose" / "street.txt").read_text(), task="pose", kpt_shape=(3, 3))
    assert pose.keypoints is not None
    assert pose.keypoints.shape == (1, 3, 3)
    assert len(parse_yolo("")) == 0
    assert parse_yolo("\n\n").task == "detect"


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        pytest.param("0 0.5 0.5 x 0.1", {}, "f.txt:1: 'x' is not a number", id="not-a-number"),
        pytest.param("\n1.5 0.5 0.5 0.1 0.1", {}, "f.txt:2: class '1.5' is not a class index",
                     id="class"),
        pytest.param("0 0.5 0.5", {}, "f.txt:1: expected at least 6 (3 points) values after the "
                     "class, got 2", id="short"),
        pytest.param("0 1 1 1 1\n0 1 1 1 1 1 1", {}, "f.txt mixes box lines and polygon lines; "
                     "pass task='detect' or task='segment'", id="mixed"),
        pytest.param("0 1 1 1 1\n0 1 1 1 1 0.5", {}, "f.txt: some lines have a confidence "
                     "column and some do not", id="conf"),
        pytest.param("0 1 1 1 1", {"task": "obb"}, "f.txt:1: an oriented box has 8 values "
                     "(+ confidence), got 4", id="obb"),
        pytest.param("0 1 1 1 1", {"task": "pose"}, "task='pose' needs kpt_shape=(K, 2) or "
                     "(K, 3), as in data.yaml", id="pose-shape"),
        pytest.param("0 1 1 1 1 1 1", {"task": "pose", "kpt_shape": (2, 3)}, "f.txt:1: a pose "
                     "line with kpt_shape (2, 3) has 10 values (+ confidence), got 6",
                     id="pose-line"),
        pytest.param("0 nan 1 1 1", {}, "f.txt:1: values must be finite", id="nan"),
    ],
)  # fmt: skip
def test_parse_errors(text: str, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(BuildError, match=re.escape(message)):
        parse_yolo(text, where="f.txt", **kwargs)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        pytest.param("classes.txt", "person\nbicycle\n\n", id="txt"),
        pytest.param("data.yaml", "nc: 2\nnames: ['person', \"bicycle\"]\n", id="yaml-flow"),
        pytest.param("data.yaml", "names:\n  - person  # people\n  - bicycle\nnc: 2\n",
                     id="yaml-list"),
        pytest.param("data.json", '["person", "bicycle"]', id="json"),
    ],
)  # fmt: skip
def test_class_names_files(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert read_class_names(path) == ["person", "bicycle"]


def test_class_names_yaml_mapping() -> None:
    names = read_class_names(DATA / "data.yaml")
    assert isinstance(names, dict)
    assert names[16] == "dog"
    assert names[2] == "car"
    assert read_class_names(DATA / "classes.txt")[16] == "dog"  # type: ignore[index]


def test_class_names_yaml_without_names(tmp_path: Path) -> None:
    path = tmp_path / "data.yaml"
    path.write_text("nc: 2\n")
    with pytest.raises(BuildError, match=re.escape("found no 'names:' list")):
        read_class_names(path)


# --- tasks ---------------------------------------------------------------------------------


def test_detect_folder_with_images(sdk_validate: Any) -> None:
    stream = yolo_to_tasks(
        DATA / "labels",
        CFG,
        class_names=DATA / "data.yaml",
        images_dir=DATA / "images",
        image_url="/data/local-files/?d=yolo/{path}",
        min_score=0.5,
        unmapped="drop",
    )
    tasks = [t.to_dict() for t in stream]
    assert [t["data"]["image"] for t in tasks] == [
        "/data/local-files/?d=yolo/dog.png",
        "/data/local-files/?d=yolo/empty.png",
        "/data/local-files/?d=yolo/street.png",
    ]
    dog, empty, street = (t["predictions"][0] for t in tasks)
    assert dog["model_version"] == "yolo"
    assert [(_geometry(r), r["value"]["rectanglelabels"], r["score"]) for r in dog["result"]] == [
        ([10.0, 10.0, 20.0, 20.0], ["Dog"], 0.97)
    ]
    assert (dog["result"][0]["original_width"], dog["result"][0]["original_height"]) == (320, 240)
    assert empty["result"] == []
    assert [(_geometry(r), r["value"]["rectanglelabels"]) for r in street["result"]] == [
        ([62.5, 50.0, 25.0, 25.0], ["Car"]),
        ([10.0, 10.0, 20.0, 20.0], ["Person"]),
    ]
    assert stream.dropped == {"bicycle": 1}
    assert stream.skipped == {"score below min_score": 1}
    _clean(sdk_validate, CONFIG, tasks)


def test_detect_folder_with_sizes_as_annotations(sdk_validate: Any) -> None:
    tasks = [
        t.to_dict()
        for t in yolo_to_tasks(
            DATA / "labels",
            CFG,
            class_names=DATA / "classes.txt",
            image_sizes=DATA / "sizes.json",
            image_url="https://example.com/images/{stem}.png",
            label_map={"bicycle": "Person"},
            into="annotations",
        )
    ]
    assert [t["data"]["image"] for t in tasks] == [
        "https://example.com/images/dog.png",
        "https://example.com/images/street.png",
    ]
    assert "predictions" not in tasks[1]
    labels = [r["value"]["rectanglelabels"] for r in tasks[1]["annotations"][0]["result"]]
    assert labels == [["Car"], ["Person"], ["Person"]]
    _clean(sdk_validate, CONFIG, tasks)


def test_segment_to_polygons_brush_and_boxes(sdk_validate: Any) -> None:
    sizes = {"street": (640, 480)}
    common: dict[str, Any] = {"class_names": DATA / "classes.txt", "image_sizes": sizes,
                              "image_url": URL}  # fmt: skip
    polygons = [t.to_dict() for t in yolo_to_tasks(DATA / "seg", LabelConfig.parse(SEG_CONFIG),
                                                   **common)]  # fmt: skip
    points = [np.array(r["value"]["points"]) for r in polygons[0]["predictions"][0]["result"]]
    assert points[0] == pytest.approx(np.array([[10, 10], [30, 10], [30, 30], [10, 30]]))
    assert points[1] == pytest.approx(np.array([[50, 50], [75, 50], [75, 75]]))
    _clean(sdk_validate, SEG_CONFIG, polygons)
    brush = [t.to_dict() for t in yolo_to_tasks(DATA / "seg", LabelConfig.parse(BRUSH_CONFIG),
                                                **common)]  # fmt: skip
    person = brush[0]["predictions"][0]["result"][0]
    expected = np.zeros((480, 640), dtype=bool)
    expected[48:144, 64:192] = True
    assert np.array_equal(decode_bool(person["value"]["rle"], 480, 640), expected)
    _clean(sdk_validate, BRUSH_CONFIG, brush)
    boxes = [t.to_dict() for t in yolo_to_tasks(DATA / "seg", CFG, **common)]
    assert _geometry(boxes[0]["predictions"][0]["result"][0]) == pytest.approx([10, 10, 20, 20])


def test_oriented_boxes(sdk_validate: Any) -> None:
    tasks = [
        t.to_dict()
        for t in yolo_to_tasks(
            DATA / "obb",
            CFG,
            class_names=DATA / "classes.txt",
            image_sizes={"street": (640, 480)},
            image_url=URL,
            task="obb",
        )
    ]
    square, diamond = tasks[0]["predictions"][0]["result"]
    assert _geometry(square) == pytest.approx([50, 50, 25, 25])
    assert square["value"]["rotation"] == pytest.approx(0, abs=1e-9)
    side = math.hypot(40, 40)  # the diamond's corners are 40 px apart in x and in y
    assert diamond["value"]["width"] == pytest.approx(side / 640 * 100)
    assert diamond["value"]["height"] == pytest.approx(side / 480 * 100)
    assert diamond["value"]["rotation"] % 90 == pytest.approx(45)
    _clean(sdk_validate, CONFIG, tasks)


def test_pose(sdk_validate: Any) -> None:
    stream = yolo_to_tasks(
        DATA / "pose",
        LabelConfig.parse(POSE_CONFIG),
        class_names=["person"],
        image_sizes={"street": (640, 480)},
        image_url=URL,
        task="pose",
        kpt_shape=(3, 3),
        keypoint_names=["nose", "left eye", "right eye"],
    )
    tasks = [t.to_dict() for t in stream]
    result = tasks[0]["predictions"][0]["result"]
    assert [r["type"] for r in result] == ["rectanglelabels", "keypointlabels", "keypointlabels"]
    assert [(r["value"]["x"], r["value"]["keypointlabels"]) for r in result[1:]] == [
        (pytest.approx(15.0), ["Nose"]),
        (pytest.approx(20.0), ["Left eye"]),
    ]
    assert stream.skipped == {"keypoint not labeled (visibility 0)": 1}
    _clean(sdk_validate, POSE_CONFIG, tasks)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param(
            {},
            "YOLO files do not store image sizes: pass images_dir= (sizes are read from the "
            "image headers) or image_sizes= (name -> (width, height))",
            id="no-sizes",
        ),
        pytest.param({"image_sizes": {"street": (1, 1)}}, "no image size for 'dog' in image_sizes",
                     id="missing-size"),
        pytest.param({"images_dir": DATA / "images"},
                     "model class(es) 'bicycle' map to no label of <RectangleLabels name='box'>",
                     id="unmapped"),
        pytest.param({"images_dir": DATA / "images", "min_score": 0.5, "task": "segment"},
                     "labels/dog.txt:1: expected at least 6 (3 points) values after the class",
                     id="task"),
    ],
)  # fmt: skip
def test_folder_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(BuildError, match=re.escape(message)):
        list(yolo_to_tasks(DATA / "labels", CFG, class_names=DATA / "classes.txt", image_url=URL,
                           **kwargs))  # fmt: skip


def test_min_score_needs_a_confidence_column() -> None:
    with pytest.raises(BuildError, match=re.escape("min_score= needs a confidence column")):
        yolo_regions(
            "0 0.5 0.5 0.1 0.1",
            image_wh=(64, 48),
            class_names=["person"],
            boxes=CFG.control("box"),
            min_score=0.5,
        )


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_pixel_boxes_through_yolo_text(data: Any) -> None:
    wh = data.draw(image_wh())
    boxes = np.array(data.draw(st.lists(box_xyxy_px(wh), min_size=1, max_size=6)))
    width, height = wh
    lines = []
    for x1, y1, x2, y2 in boxes.tolist():
        cx, cy = (x1 + x2) / 2 / width, (y1 + y2) / 2 / height
        bw, bh = (x2 - x1) / width, (y2 - y1) / height
        lines.append(f"0 {cx!r} {cy!r} {bw!r} {bh!r}")
    regions = yolo_regions(
        "\n".join(lines),
        image_wh=wh,
        class_names=["person"],
        boxes=CFG.control("box", RectangleLabels),
    )
    pct = [_geometry(r.result) for r in regions]
    back = boxes_from_percent(pct, fmt="xyxy", units="px", image_wh=wh)
    assert back == pytest.approx(boxes, abs=1e-6 * max(wh))


# --- image headers -------------------------------------------------------------------------


def test_png_headers_of_the_bundled_images() -> None:
    assert image_size(DATA / "images" / "street.png") == (640, 480)
    assert image_size(DATA / "images" / "dog.png") == (320, 240)


@pytest.mark.parametrize("fmt", ["PNG", "GIF", "BMP", "WEBP", "JPEG"])
def test_headers_agree_with_pillow(tmp_path: Path, fmt: str) -> None:
    image_module = pytest.importorskip("PIL.Image")
    path = tmp_path / f"x.{fmt.lower()}"
    image_module.new("RGB", (37, 21)).save(path, format=fmt)
    assert image_size(path) == (37, 21)


@pytest.mark.parametrize(("orientation", "size"), [(1, (40, 30)), (6, (30, 40)), (8, (30, 40))])
def test_jpeg_exif_orientation_swaps_the_sides(
    tmp_path: Path, orientation: int, size: tuple[int, int]
) -> None:
    image_module = pytest.importorskip("PIL.Image")
    image = image_module.new("RGB", (40, 30))
    exif = image.getexif()
    exif[0x0112] = orientation
    path = tmp_path / "photo.jpg"
    image.save(path, format="JPEG", exif=exif.tobytes())
    assert image_size(path) == size


def test_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello")
    with pytest.raises(BuildError, match=re.escape("not a PNG, JPEG, GIF, BMP or WebP image")):
        image_size(path)
    truncated = tmp_path / "cut.jpg"
    truncated.write_bytes(b"\xff\xd8\xff\xe0\x00")
    with pytest.raises(BuildError, match=re.escape("the image header is truncated")):
        image_size(truncated)
