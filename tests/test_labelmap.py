"""LabelMap: model classes to config labels, with every unmapped class reported."""

from __future__ import annotations

import re

import numpy as np
import pytest

from prelabel import LabelConfig, LabelError, LabelingControl
from prelabel.labelmap import LabelMap

CFG = LabelConfig.parse(
    '<View><Image name="i" value="$i"/><RectangleLabels name="b" toName="i">'
    '<Label value="Person"/><Label value="Car" predicted_values="truck,bus"/>'
    '<Label value="Traffic light" alias="light"/></RectangleLabels>'
    '<Choices name="dyn" toName="i" value="$options"/></View>'
)
BOXES = CFG.control("b", LabelingControl)


@pytest.mark.parametrize(
    ("cls", "label"),
    [
        pytest.param("Person", "Person", id="exact"),
        pytest.param("person", "Person", id="case-insensitive"),
        pytest.param("truck", "Car", id="predicted-values"),
        pytest.param("Traffic light", "light", id="value-gives-alias"),
        pytest.param("LIGHT", "light", id="alias-any-case"),
        pytest.param(0, "Person", id="index"),
        pytest.param(np.int64(1), "Car", id="numpy-index"),
    ],
)
def test_resolution_rules(cls: str | int, label: str) -> None:
    labels = LabelMap(BOXES, classes=["person", "bus", "dog"])
    assert labels(cls) == label


def test_explicit_mapping_wins() -> None:
    labels = LabelMap(BOXES, classes=["person", "bus"], mapping={"person": "Car", 1: "Person"})
    assert labels(0) == "Car"
    assert labels("bus") == "Car"  # names still go through predicted_values
    assert labels(1) == "Person"


def test_unmapped_classes_are_all_named() -> None:
    labels = LabelMap(BOXES, classes=["person", "dog", "cat"])
    with pytest.raises(LabelError) as exc:
        labels.map([0, 1, 2, 1])
    assert str(exc.value) == (
        "model class(es) 'dog', 'cat' map to no label of <RectangleLabels name='b'> "
        "(labels: 'Person', 'Car', 'light'); pass mapping={...}, add "
        'predicted_values="..." to a <Label>, or unmapped="drop"'
    )


def test_one_unmapped_class_gets_a_suggestion() -> None:
    with pytest.raises(LabelError, match=re.escape("did you mean 'Person'?")):
        LabelMap(BOXES)("Persn")


def test_drop_counts_what_it_drops() -> None:
    labels = LabelMap(BOXES, classes=["person", "dog", "cat"], unmapped="drop")
    kept, keep = labels.map_ids(np.array([0, 1, 2, 1, 0]))
    assert kept == ["Person", "Person"]
    assert keep.tolist() == [True, False, False, False, True]
    assert dict(labels.dropped) == {"dog": 2, "cat": 1}


def test_unknown_index_is_reported_by_number() -> None:
    with pytest.raises(LabelError, match=re.escape("model class(es) 'class 9' map to no label")):
        LabelMap(BOXES, classes=["person"])(9)


def test_dynamic_labels_pass_through() -> None:
    assert LabelMap(CFG.control("dyn", LabelingControl))("anything") == "anything"


def test_bad_mapping_target_is_refused_at_once() -> None:
    with pytest.raises(LabelError, match="'Bus' is not a label"):
        LabelMap(BOXES, mapping={"bus": "Bus"})


def test_map_ids_needs_integers() -> None:
    with pytest.raises(LabelError, match=re.escape("got shape (2, 2) of dtype int64")):
        LabelMap(BOXES).map_ids(np.zeros((2, 2), dtype=np.int64))
