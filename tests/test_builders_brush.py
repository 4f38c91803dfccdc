"""Brush builders: masks in, Label Studio brush results out, checked by the SDK and the codec."""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from prelabel import Brush, BrushLabels, BuildError, LabelConfig, LabelError, rle

CONFIG = """<View>
  <Image name="image" value="$image"/>
  <BrushLabels name="tag" toName="image">
    <Label value="Road"/><Label value="Car"/><Label value="Sky" alias="sky"/>
  </BrushLabels>
  <Brush name="brush" toName="image"/>
  <Labels name="labels" toName="image"><Label value="Road"/></Labels>
</View>"""
CFG = LabelConfig.parse(CONFIG)
TAG = CFG.control("tag", BrushLabels)
BRUSH = CFG.control("brush", Brush)


def _blob(height: int = 40, width: int = 60) -> np.ndarray:
    mask = np.zeros((height, width), dtype=bool)
    mask[5:20, 10:45] = True
    return mask


def _prediction(*results: Any) -> dict[str, Any]:
    flat = [r for region in results for r in region]
    return {"model_version": "seg-v1", "score": 0.5, "result": flat}


def test_mask_result_shape_and_decode() -> None:
    mask = _blob()
    region = TAG.mask(mask, label="Road", score=0.8, id="m1")
    result = region.result
    assert list(result) == [
        "id", "type", "from_name", "to_name", "original_width", "original_height",
        "image_rotation", "value", "score",
    ]  # fmt: skip
    assert result["type"] == "brushlabels"
    assert (result["original_width"], result["original_height"]) == (60, 40)
    assert result["value"]["format"] == "rle"
    assert result["value"]["brushlabels"] == ["Road"]
    decoded = rle.decode(result["value"]["rle"], 40, 60)
    assert np.array_equal(decoded, mask.astype(np.uint8) * 255)
    assert json.loads(json.dumps(result)) == result


def test_alias_is_written() -> None:
    assert TAG.mask(_blob(), label="Sky").result["value"]["brushlabels"] == ["sky"]


def test_sdk_accepts_brush_results(sdk_validate: Any) -> None:
    labeled = TAG.mask(_blob(), label="Car")
    plain = BRUSH.mask(_blob())
    assert plain.result["type"] == "brush"
    assert "brushlabels" not in plain.result["value"]
    assert sdk_validate(CONFIG, _prediction(labeled, plain)) == []


def test_stack_of_instances() -> None:
    stack = np.zeros((3, 10, 12), dtype=np.uint8)
    stack[0, :2] = 255
    stack[1, 5:] = 255
    stack[2, :, :3] = 255
    regions = TAG.masks(
        stack, class_ids=[1, 0, 1], class_names=["Road", "Car"], scores=[0.9, 0.8, 0.7]
    )
    assert [r.result["value"]["brushlabels"] for r in regions] == [["Car"], ["Road"], ["Car"]]
    assert [r.result["score"] for r in regions] == [0.9, 0.8, 0.7]
    assert len({r.id for r in regions}) == 3
    for region, mask in zip(regions, stack, strict=True):
        assert np.array_equal(rle.decode(region.result["value"]["rle"], 10, 12), mask)


def test_class_map_one_region_per_present_class(sdk_validate: Any) -> None:
    cmap = np.zeros((8, 8), dtype=np.int64)
    cmap[:4] = 2
    cmap[6:, 6:] = 1
    regions = TAG.class_map(cmap, class_names=["background", "Road", "Car"])
    assert [r.result["value"]["brushlabels"] for r in regions] == [["Road"], ["Car"]]
    assert np.array_equal(rle.decode_bool(regions[1].result["value"]["rle"], 8, 8), cmap == 2)
    assert sdk_validate(CONFIG, _prediction(*regions)) == []
    named = TAG.class_map(cmap, class_names={1: "Road", 2: "Car"})
    assert [r.result["value"]["brushlabels"] for r in named] == [["Road"], ["Car"]]
    flagged = TAG.class_map(cmap, class_names=["-", "Road", "Car"], readonly=True, hidden=False)
    assert [(r.result["readonly"], r.result["hidden"]) for r in flagged] == [(True, False)] * 2


def test_unlabeled_brush_with_labels_partner_shares_the_id() -> None:
    region = BRUSH.mask(_blob())
    assert region.geometry == {"format": "rle", "rle": region.result["value"]["rle"]}


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.bool_, st.tuples(st.integers(1, 24), st.integers(1, 24))),
)
def test_roundtrip_any_bool_mask(mask: np.ndarray) -> None:
    assume(mask.any())  # empty masks are refused (test_empty_mask_is_refused_with_its_index)
    region = BRUSH.mask(mask)
    h, w = mask.shape
    assert (region.result["original_height"], region.result["original_width"]) == (h, w)
    assert np.array_equal(rle.decode_bool(region.result["value"]["rle"], h, w), mask)


MISUSE = [
    pytest.param(
        lambda: TAG.mask(np.ones((4, 4), dtype=np.uint8), label="Road"),
        BuildError,
        "<BrushLabels name='tag'>: mask holds only 0 and 1, which Label Studio draws at alpha "
        "1/255 (invisible); use encode(mask, values='binary') to draw nonzero pixels at 255, or "
        "values='alpha' to keep alpha 1",
        id="zero-one-mask",
    ),
    pytest.param(
        lambda: TAG.mask(np.zeros((4, 4), dtype=np.float32), label="Road"),
        BuildError,
        "<BrushLabels name='tag'>: mask has dtype float32; threshold it first, e.g. "
        "encode(mask > 0.5)",
        id="float-mask",
    ),
    pytest.param(
        lambda: TAG.mask(np.zeros((60, 40), dtype=bool), label="Road", image_wh=(60, 40)),
        BuildError,
        "mask has shape (60, 40) but the image is 60x40 (width x height), so the mask must be "
        "(40, 60); it looks transposed: pass mask.T",
        id="transposed",
    ),
    pytest.param(
        lambda: TAG.mask(np.zeros((2, 4, 4), dtype=bool), label="Road"),
        BuildError,
        "mask must have shape (height, width), got (2, 4, 4) (a stack of masks: use .masks())",
        id="stack-to-mask",
    ),
    pytest.param(
        lambda: TAG.mask(_blob(), label="Roads"),
        LabelError,
        "'Roads' is not a label of <BrushLabels name='tag'>; did you mean 'Road'? "
        "(labels: 'Road', 'Car', 'sky')",
        id="unknown-label",
    ),
    pytest.param(
        lambda: TAG.mask(_blob()),
        BuildError,
        "<BrushLabels name='tag'> needs a label (label=...)",
        id="missing-label",
    ),
    pytest.param(
        lambda: BRUSH.mask(_blob(), label="Road"),
        BuildError,
        "<Brush name='brush'> has no labels; label the region with a <Labels> control on the "
        "same image (labels.for_region(region, ...))",
        id="label-on-unlabeled",
    ),
    pytest.param(
        lambda: TAG.masks(np.zeros((2, 4, 4), dtype=bool), labels=["Road"]),
        BuildError,
        "got 1 labels for 2 masks",
        id="labels-count",
    ),
    pytest.param(
        lambda: TAG.masks(np.zeros((2, 4, 4), dtype=bool), class_ids=[0, 5], class_names=["Road"]),
        BuildError,
        "class_ids[1] = 5 has no name in class_names (it has 1: class ids 0..0)",
        id="class-id-range",
    ),
    pytest.param(
        lambda: TAG.class_map(np.full((3, 3), 7), class_names=["bg", "Road"]),
        BuildError,
        "class_map holds class ids [7] that class_names does not name (it names [0, 1])",
        id="class-map-unnamed",
    ),
    pytest.param(
        lambda: TAG.mask(_blob(), label="Road", score=1.5),
        BuildError,
        "score must be between 0 and 1, got 1.5 (looks like a percentage: divide by 100)",
        id="score-range",
    ),
]


@pytest.mark.parametrize(("call", "error", "message"), MISUSE)
def test_misuse_messages(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        call()


def test_stack_options_ids_flags_and_dict_names() -> None:
    stack = np.zeros((2, 6, 6), dtype=bool)
    stack[0, :2] = True
    stack[1, 3:] = True
    regions = TAG.masks(
        stack, class_ids=[2, 1], class_names={1: "Road", 2: "Car"}, ids=["a", "b"], readonly=True
    )
    assert [r.id for r in regions] == ["a", "b"]
    assert [r.result["value"]["brushlabels"] for r in regions] == [["Car"], ["Road"]]
    assert all(r.result["readonly"] is True for r in regions)


def test_empty_mask_is_refused_with_its_index() -> None:
    stack = np.zeros((2, 4, 4), dtype=bool)
    stack[0, 0, 0] = True
    with pytest.raises(BuildError) as exc:
        TAG.masks(stack, labels=["Road", "Car"])
    assert str(exc.value) == (
        "instance 1: <BrushLabels name='tag'>: the mask is empty (no pixel set); Label Studio "
        "would list an invisible region: leave it out"
    )


def test_binary_values_for_zero_one_masks() -> None:
    region = TAG.mask(np.eye(4, dtype=np.uint8), label="Road", values="binary")
    assert np.array_equal(rle.decode(region.result["value"]["rle"], 4, 4), np.eye(4) * 255)


def test_class_ids_and_class_maps_match_labels_like_label_map() -> None:
    stack = np.zeros((2, 4, 4), dtype=bool)
    stack[0, 0] = True
    stack[1, 3] = True
    regions = TAG.masks(stack, class_ids=[1.0, 0], class_names=["ROAD", "car"])
    assert [r.result["value"]["brushlabels"] for r in regions] == [["Car"], ["Road"]]
    cmap = np.array([[0, 1], [2, 2]])
    named = TAG.class_map(cmap, class_names={1: "road", 2: "SKY"})
    assert [r.result["value"]["brushlabels"] for r in named] == [["Road"], ["sky"]]


def test_class_map_names_an_unknown_class_by_its_id() -> None:
    with pytest.raises(BuildError, match=r"^class id 1: 'dog' is not a label of <BrushLabels"):
        TAG.class_map(np.array([[0, 1]]), class_names=["bg", "dog"])


def test_class_ids_on_an_unlabeled_brush() -> None:
    with pytest.raises(BuildError, match=r"^<Brush name='brush'> has no labels"):
        BRUSH.masks(np.ones((1, 2, 2), dtype=bool), class_ids=[0], class_names=["Road"])


def test_a_list_of_masks_keeps_each_masks_dtype() -> None:
    """A bool mask beside a uint8 one was stacked to 0/1 and drawn at alpha 1 (invisible)."""
    bool_mask = _blob(10, 12)
    alpha_mask = np.zeros((10, 12), dtype=np.uint8)
    alpha_mask[6:, 6:] = 200
    regions = BRUSH.masks([bool_mask, alpha_mask], values="alpha")
    assert regions[0].result["value"]["rle"] == BRUSH.mask(bool_mask).result["value"]["rle"]
    assert np.array_equal(rle.decode(regions[1].result["value"]["rle"], 10, 12), alpha_mask)


@pytest.mark.parametrize(
    ("masks", "message"),
    [
        (
            [np.ones((2, 2), bool), np.ones((3, 2), bool)],
            "masks[1] has shape (3, 2) but masks[0] has (2, 2); every mask of one image has",
        ),
        ([np.ones((2, 2), bool), np.ones(4, bool)], "masks[1] must be a (height, width) mask"),
    ],
    ids=["different-sizes", "not-2d"],
)
def test_a_list_of_masks_is_checked_as_a_list(masks: list[Any], message: str) -> None:
    with pytest.raises(BuildError, match=re.escape(message)):
        BRUSH.masks(masks)


def test_masks_take_one_label_for_every_instance() -> None:
    """BrushLabels.masks(label=...) like boxes(label=...): one label for all instances."""
    config = LabelConfig.parse(
        '<View><Image name="im" value="$im"/><BrushLabels name="b" toName="im">'
        '<Label value="Coin"/></BrushLabels></View>'
    )
    masks = np.zeros((2, 4, 6), dtype=bool)
    masks[0, 0, 0] = masks[1, 3, 5] = True
    regions = config.control("b", BrushLabels).masks(masks, label="Coin")
    assert [r.result["value"]["brushlabels"] for r in regions] == [["Coin"], ["Coin"]]
    with pytest.raises(BuildError, match="give one of label, labels or class_ids"):
        config.control("b", BrushLabels).masks(masks, label="Coin", labels=["Coin", "Coin"])
