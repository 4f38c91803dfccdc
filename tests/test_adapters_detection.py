"""Detection frameworks' outputs (Ultralytics, torchvision, Detectron2, MMDetection) to regions.

The frameworks are not installed here (Ultralytics and torchvision need a torch build of
several GB): the fakes below carry exactly the attributes and shapes each framework documents
for one image, and their tensors answer only ``.detach().cpu().numpy()`` (as a CUDA tensor
does), so the adapters cannot lean on ``np.asarray`` of a tensor.
"""

from __future__ import annotations

import collections
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from prelabel import BuildError, LabelConfig, LabelError, validate
from prelabel.adapters import classification_choices, detection_regions, make_task

CONFIG = """<View><Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image"><Label value="Person"/><Label value="Car"/>
  </RectangleLabels>
  <BrushLabels name="brush" toName="image"><Label value="Person"/><Label value="Car"/>
  </BrushLabels>
  <PolygonLabels name="poly" toName="image"><Label value="Person"/><Label value="Car"/>
  </PolygonLabels>
  <KeyPointLabels name="kp" toName="image"><Label value="nose"/><Label value="tail"/>
  </KeyPointLabels>
  <Choices name="kind" toName="image"><Choice value="Person"/><Choice value="Car"/></Choices>
</View>"""

W, H = 200, 100


class Tensor:
    """A tensor on another device: no ``__array__``, only ``.detach().cpu().numpy()``."""

    def __init__(self, data: Any) -> None:
        self._data = np.asarray(data)

    def detach(self) -> Tensor:
        return self

    def cpu(self) -> Tensor:
        return self

    def numpy(self) -> Any:
        return self._data


@pytest.fixture(scope="module")
def config() -> LabelConfig:
    return LabelConfig.parse(CONFIG)


def controls(config: LabelConfig) -> dict[str, Any]:
    return {name: config.control(name) for name in ("box", "brush", "poly", "kp", "kind")}


def imports(config: LabelConfig, regions: list[Any]) -> None:
    validate([make_task(config, "https://example.com/a.png", regions).to_dict()], config)


def ultralytics(**parts: Any) -> SimpleNamespace:
    """An Ultralytics ``Results``: every attribute present, None when the task lacks it."""
    base: dict[str, Any] = {
        "orig_shape": (H, W),
        "names": {0: "person", 1: "car", 2: "dog"},
        "boxes": None,
        "obb": None,
        "masks": None,
        "keypoints": None,
        "probs": None,
    }
    return SimpleNamespace(**{**base, **parts})


BOXES = SimpleNamespace(
    xyxy=Tensor([[10, 10, 60, 90], [100, 20, 190, 80], [0, 0, 5, 5]]),
    cls=Tensor([0.0, 1.0, 2.0]),
    conf=Tensor([0.9, 0.8, 0.3]),
)


def test_ultralytics_boxes_names_and_min_score(config: LabelConfig) -> None:
    c = controls(config)
    regions = detection_regions(ultralytics(boxes=BOXES), boxes=c["box"], min_score=0.5)
    assert [r.result["value"]["rectanglelabels"] for r in regions] == [["Person"], ["Car"]]
    assert [r.result["score"] for r in regions] == [0.9, 0.8]
    assert regions[0].result["value"]["x"] == 5.0
    imports(config, regions)
    with pytest.raises(LabelError, match="dog"):  # a class with no label, without min_score
        detection_regions(ultralytics(boxes=BOXES), boxes=c["box"])
    counts: collections.Counter[str] = collections.Counter()
    kept = detection_regions(
        ultralytics(boxes=BOXES), boxes=c["box"], unmapped="drop", counts=counts
    )
    assert len(kept) == 2


def test_ultralytics_obb_rotated_boxes(config: LabelConfig) -> None:
    corners = [[[50, 20], [90, 40], [80, 60], [40, 40]]]
    obb = SimpleNamespace(
        xyxyxyxy=Tensor(corners), cls=Tensor([1.0]), conf=Tensor([0.7]), xywhr=None
    )
    (region,) = detection_regions(ultralytics(obb=obb, boxes=None), boxes=controls(config)["box"])
    value = region.result["value"]
    assert value["rectanglelabels"] == ["Car"]
    assert value["rotation"] == pytest.approx(26.565, abs=1e-3)
    imports(config, [region])


SQUARE = np.array([[20, 20], [60, 20], [60, 60], [20, 60]], dtype=np.float32)


def seg(retina: bool) -> SimpleNamespace:
    """A segmentation Results: masks.data at the model's 640-wide input, or at the image size
    with retina_masks=True; masks.xy outlines in original pixels (empty for a tiny mask)."""
    shape = (H, W) if retina else (320, 640)
    data = np.zeros((2, *shape), dtype=np.float32)
    if retina:
        data[0, 20:60, 20:60] = 1.0
    masks = SimpleNamespace(data=Tensor(data), xy=[SQUARE, np.zeros((0, 2), np.float32)])
    boxes = SimpleNamespace(
        xyxy=Tensor([[20, 20, 60, 60], [0, 0, 1, 1]]), cls=Tensor([0, 1]), conf=Tensor([0.9, 0.6])
    )
    return ultralytics(boxes=boxes, masks=masks)


def test_ultralytics_masks_as_polygons_and_filled_outlines(config: LabelConfig) -> None:
    c = controls(config)
    counts: collections.Counter[str] = collections.Counter()
    (poly,) = detection_regions(seg(retina=False), masks=c["poly"], counts=counts)
    assert poly.result["value"]["points"][0] == [10.0, 20.0]
    assert counts == {"mask without an outline": 1}
    (brush,) = detection_regions(seg(retina=False), masks=c["brush"])
    assert brush.result["type"] == "brushlabels"
    imports(config, [poly, brush])


def test_ultralytics_retina_masks_go_as_they_are(config: LabelConfig) -> None:
    regions = detection_regions(seg(retina=True), masks=controls(config)["brush"], unmapped="drop")
    assert [r.result["value"]["brushlabels"] for r in regions] == [["Person"]]  # empty one: skipped


def test_ultralytics_pose_keypoints(config: LabelConfig) -> None:
    keypoints = SimpleNamespace(
        xy=Tensor([[[30, 20], [50, 80]]]), conf=Tensor([[0.9, 0.2]]), xyn=None
    )
    boxes = SimpleNamespace(xyxy=Tensor([[10, 10, 60, 90]]), cls=Tensor([0]), conf=Tensor([0.9]))
    regions = detection_regions(
        ultralytics(boxes=boxes, keypoints=keypoints),
        boxes=controls(config)["box"],
        keypoints=controls(config)["kp"],
        keypoint_names=["nose", "tail"],
    )
    assert [r.result["type"] for r in regions] == ["rectanglelabels", "keypointlabels"]
    assert regions[1].result["value"]["keypointlabels"] == ["nose"]  # tail's 0.2 < 0.5
    with pytest.raises(BuildError, match=r"keypoints= needs keypoint_names= \(2 names"):
        detection_regions(ultralytics(keypoints=keypoints), keypoints=controls(config)["kp"])


def test_ultralytics_classification_probs(config: LabelConfig) -> None:
    result = ultralytics(probs=SimpleNamespace(data=Tensor([0.1, 0.7, 0.2])))
    choice = classification_choices(result, controls(config)["kind"], unmapped="drop")
    assert choice is not None
    assert (choice["value"], choice["score"]) == ({"choices": ["Car"]}, pytest.approx(0.7))


def test_torchvision_mask_rcnn(config: LabelConfig) -> None:
    masks = np.zeros((1, 1, H, W), dtype=np.float32)
    masks[0, 0, 10:30, 10:50] = 0.8
    output = {
        "boxes": Tensor([[10.0, 10.0, 50.0, 30.0]]),
        "labels": Tensor([3]),
        "scores": Tensor([0.95]),
        "masks": Tensor(masks),
    }
    names = ["__background__", "person", "bicycle", "car"]
    c = controls(config)
    box, brush = detection_regions(output, boxes=c["box"], masks=c["brush"], class_names=names)
    assert box.result["value"]["rectanglelabels"] == ["Car"]
    assert box.result["original_width"] == W
    assert brush.result["value"]["brushlabels"] == ["Car"]
    imports(config, [box, brush])
    del output["masks"]
    with pytest.raises(BuildError, match=r"pass image_wh=\(width, height\)"):
        detection_regions(output, boxes=c["box"], class_names=names)
    with pytest.raises(BuildError, match="has class ids but no class names: pass class_names="):
        detection_regions(output, boxes=c["box"], image_wh=(W, H))


def test_torchvision_keypoint_rcnn_visibility(config: LabelConfig) -> None:
    output = {
        "boxes": Tensor([[10.0, 10.0, 50.0, 90.0]]),
        "labels": Tensor([1]),
        "scores": Tensor([0.9]),
        "keypoints": Tensor([[[20.0, 20.0, 1.0], [40.0, 80.0, 0.0]]]),
        "keypoints_scores": Tensor([[3.2, -1.0]]),  # logits
    }
    regions = detection_regions(
        output,
        keypoints=controls(config)["kp"],
        keypoint_names=["nose", "tail"],
        image_wh=(W, H),
    )
    assert [r.result["value"]["keypointlabels"] for r in regions] == [["nose"]]


class Instances:
    """Detectron2's Instances: fields as attributes, AttributeError for a missing one."""

    def __init__(self, image_size: tuple[int, int], **fields: Any) -> None:
        self.image_size = image_size
        self._fields = fields

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in self._fields:
            raise AttributeError(f"Cannot find field '{name}' in the given Instances!")
        return self._fields[name]


def test_detectron2_instances(config: LabelConfig) -> None:
    masks = np.zeros((1, H, W), dtype=bool)
    masks[0, 5:15, 5:25] = True
    outputs = {
        "instances": Instances(
            (H, W),
            pred_boxes=SimpleNamespace(tensor=Tensor([[5.0, 5.0, 25.0, 15.0]])),
            scores=Tensor([0.8]),
            pred_classes=Tensor([0]),
            pred_masks=Tensor(masks),
        )
    }
    c = controls(config)
    box, brush = detection_regions(
        outputs, boxes=c["box"], masks=c["brush"], class_names=["person", "car"]
    )
    assert box.result["value"]["width"] == 10.0
    assert brush.result["value"]["brushlabels"] == ["Person"]
    imports(config, [box, brush])


def test_mmdet_data_sample(config: LabelConfig) -> None:
    sample = SimpleNamespace(
        pred_instances=SimpleNamespace(
            bboxes=Tensor([[0.0, 0.0, 100.0, 50.0]]), labels=Tensor([1]), scores=Tensor([0.6])
        ),
        metainfo={"ori_shape": (H, W), "img_shape": (800, 1600)},
    )
    (region,) = detection_regions(
        sample, boxes=controls(config)["box"], class_names=("person", "car")
    )
    assert region.result["value"]["rectanglelabels"] == ["Car"]
    assert region.result["value"]["width"] == 50.0


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ([ultralytics(boxes=BOXES)], r"the ultralytics output is a list .* \(output\[0\]\)"),
        ({"bbox": []}, "not a detection output prelabel reads"),
        (ultralytics(boxes=None), "boxes= was given but the output has no boxes"),
    ],
    ids=["list", "unknown", "no-boxes"],
)
def test_refused(config: LabelConfig, output: Any, message: str) -> None:
    with pytest.raises(BuildError, match=message):
        detection_regions(output, boxes=controls(config)["box"])


def test_wrong_control_kind(config: LabelConfig) -> None:
    with pytest.raises(BuildError, match="cannot draw boxes"):
        detection_regions(ultralytics(boxes=BOXES), boxes=controls(config)["brush"])
