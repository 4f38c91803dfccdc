"""supervision.Detections, duck-typed: boxes and masks from the same object."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import numpy as np
import pytest

from prelabel import BuildError, LabelConfig, Prediction
from prelabel.adapters import detections_regions
from prelabel.rle import decode_bool

CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image"><Label value="Person"/><Label value="Car"/>
  </RectangleLabels>
  <BrushLabels name="mask" toName="image"><Label value="Person"/><Label value="Car"/>
  </BrushLabels>
</View>"""
CFG = LabelConfig.parse(CONFIG)


@dataclasses.dataclass
class FakeDetections:
    """The attributes supervision.Detections has (no supervision import needed)."""

    xyxy: np.ndarray
    mask: np.ndarray | None = None
    confidence: np.ndarray | None = None
    class_id: np.ndarray | None = None
    tracker_id: np.ndarray | None = None
    data: dict[str, Any] = dataclasses.field(default_factory=dict)


def _detections(**extra: Any) -> FakeDetections:
    masks = np.zeros((2, 48, 64), dtype=bool)
    masks[0, 4:20, 8:30] = True
    masks[1, 24:48, 32:64] = True
    return FakeDetections(
        xyxy=np.array([[8, 4, 30, 20], [32, 24, 64, 48]], dtype=np.float32),
        mask=masks,
        confidence=np.array([0.9, 0.4], dtype=np.float32),
        class_id=np.array([0, 2]),
        **extra,
    )


def test_boxes_and_masks_with_class_names_in_data(sdk_validate: Any) -> None:
    detections = _detections(data={"class_name": np.array(["person", "car"])})
    regions = detections_regions(detections, boxes=CFG.control("box"), masks=CFG.control("mask"))
    assert [r.result["type"] for r in regions] == ["rectanglelabels"] * 2 + ["brushlabels"] * 2
    first = regions[0].result["value"]
    assert [first[k] for k in ("x", "y", "width", "height")] == pytest.approx(
        [12.5, 100 / 12, 100 * 22 / 64, 100 / 3]
    )
    assert regions[3].result["value"]["brushlabels"] == ["Car"]
    assert np.array_equal(decode_bool(regions[3].result["value"]["rle"], 48, 64),
                          detections.mask[1])  # type: ignore[index]  # fmt: skip
    prediction = Prediction(regions, model_version="sv").to_dict()
    assert json.loads(json.dumps(prediction)) == prediction
    assert sdk_validate(CONFIG, prediction) == []


def test_class_ids_with_names_and_min_score() -> None:
    regions = detections_regions(
        _detections(),
        boxes=CFG.control("box"),
        class_names={0: "person", 2: "car"},
        min_score=0.5,
    )
    assert [r.result["value"]["rectanglelabels"] for r in regions] == [["Person"]]
    assert regions[0].result["score"] == pytest.approx(0.9)


def test_boxes_only_need_the_image_size() -> None:
    detections = _detections(data={"class_name": ["person", "car"]})
    detections.mask = None
    with pytest.raises(BuildError, match=re.escape("pass image_wh=(width, height)")):
        detections_regions(detections, boxes=CFG.control("box"))
    regions = detections_regions(detections, boxes=CFG.control("box"), image_wh=(64, 48))
    assert len(regions) == 2
    with pytest.raises(BuildError, match=re.escape("masks= was given but the detections have")):
        detections_regions(detections, masks=CFG.control("mask"), image_wh=(64, 48))


@pytest.mark.parametrize(
    ("detections", "kwargs", "message"),
    [
        pytest.param(_detections(), {}, "give boxes= and/or masks=", id="no-controls"),
        pytest.param(object(), {"boxes": CFG.control("box")}, "detections must have .xyxy",
                     id="not-detections"),
        pytest.param(dataclasses.replace(_detections(), class_id=None),
                     {"boxes": CFG.control("box")},
                     "the detections have neither class_id nor data['class_name']",
                     id="no-classes"),
    ],
)  # fmt: skip
def test_errors(detections: Any, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(BuildError, match=re.escape(message)):
        detections_regions(detections, **kwargs)
