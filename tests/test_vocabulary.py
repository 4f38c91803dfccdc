"""One vocabulary across builders and batch parts: the same keyword for the same idea.

Read from the signatures themselves, so a new builder that says ``confidence=`` or forgets
``for_regions`` fails here, not in a user's notebook.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from prelabel.batch import PredictionBatch
from prelabel.tags import controls

# Spellings of an idea that already has a keyword (the keyword is on the right).
SYNONYMS = {
    "confidence": "score",
    "confidences": "scores",
    "conf": "score",
    "prob": "score",
    "probs": "scores",
    "region_id": "id",
    "region_ids": "ids",
    "read_only": "readonly",
    "is_hidden": "hidden",
    "image_size": "image_wh",
    "size_wh": "image_wh",
    "wh": "image_wh",
    "clip_to_image": "clip",
    "category": "label",
    "categories": "labels",
    "class_id": "class_ids",
    "category_ids": "class_ids",
    "names": "class_names",
}

# The default every builder gives a keyword (None: "not set, Label Studio's own default").
DEFAULTS = {
    "score": None,
    "scores": None,
    "id": None,
    "ids": None,
    "readonly": None,
    "hidden": None,
    "to_name": None,
    "item_index": None,
    "class_ids": None,
    "class_names": None,
    "clip": False,
}

# Known, deliberate differences, each with its reason.
EXCEPTIONS = {
    # A video track interpolates boxes between keyframes; a tracker's box leaving the frame
    # for a few frames is the norm, so tracks clip unless told otherwise.
    ("VideoRectangle.track", "clip"),
    ("VideoRectangle.tracks_from_arrays", "clip"),
}


def _builders() -> Iterator[tuple[str, Callable[..., Any]]]:
    for name in controls.__all__:
        cls = getattr(controls, name)
        for method, fn in inspect.getmembers(cls, inspect.isfunction):
            if not method.startswith("_"):
                yield f"{name}.{method}", fn
    for method, fn in inspect.getmembers(PredictionBatch, inspect.isfunction):
        if not method.startswith("_"):
            yield f"PredictionBatch.{method}", fn


BUILDERS = sorted(dict(_builders()).items())


def _params(fn: Callable[..., Any]) -> dict[str, inspect.Parameter]:
    return {p.name: p for p in inspect.signature(fn).parameters.values() if p.name != "self"}


def test_no_synonyms() -> None:
    found = [
        f"{where}({name}=): say {SYNONYMS[name]}="
        for where, fn in BUILDERS
        for name in _params(fn)
        if name in SYNONYMS
    ]
    assert found == []


def test_same_defaults() -> None:
    """A keyword that has a default has the same one everywhere (required ones have none)."""
    found = [
        f"{where}({name}={param.default!r}); the others have {name}={DEFAULTS[name]!r}"
        for where, fn in BUILDERS
        for name, param in _params(fn).items()
        if name in DEFAULTS
        and param.default is not inspect.Parameter.empty
        and param.default != DEFAULTS[name]
        and (where, name) not in EXCEPTIONS
    ]
    assert found == []


def test_one_region_and_n_regions_take_the_same_options() -> None:
    """A builder of one region (``id=``) takes ``score``, ``readonly``, ``hidden``; a builder
    of N regions (``ids=``) takes ``scores``, ``readonly``, ``hidden`` and the three ways to
    give labels (``label`` for all, ``labels``, ``class_ids`` + ``class_names``) when it has
    labels at all."""
    found = []
    for where, fn in BUILDERS:
        params = set(_params(fn))
        if "id" in params:
            found += [
                f"{where} lacks {n}" for n in ("score", "readonly", "hidden") if n not in params
            ]
        if "ids" in params:
            wanted = ["scores", "readonly", "hidden"]
            if "labels" in params:
                wanted += ["label", "class_ids", "class_names"]
            found += [f"{where} lacks {n}" for n in wanted if n not in params]
    assert found == []


@pytest.mark.parametrize("name", controls.__all__)
def test_for_regions_wherever_for_region(name: str) -> None:
    cls = getattr(controls, name)
    if hasattr(cls, "for_region"):
        assert hasattr(cls, "for_regions"), f"{name} has for_region() but no for_regions()"
        one, many = _params(cls.for_region), _params(cls.for_regions)
        assert {"score", "readonly", "hidden"} <= set(one)
        assert {"scores", "readonly", "hidden"} <= set(many)


def test_image_batch_builders_and_their_batch_parts_agree() -> None:
    """``PredictionBatch.<part>`` takes the per-image builder's label and score keywords."""
    pairs = {
        "boxes": controls.RectangleLabels.boxes,
        "polygons": controls.PolygonLabels.polygons,
        "ellipses": controls.EllipseLabels.ellipses,
        "keypoints": controls.KeyPointLabels.points,
        "masks": controls.BrushLabels.masks,
    }
    shared = {"label", "labels", "class_ids", "class_names", "scores", "to_name"}
    for part, builder in pairs.items():
        batch = _params(getattr(PredictionBatch, part))
        assert shared <= set(batch), (part, shared - set(batch))
        assert shared <= set(_params(builder)), (builder, shared - set(_params(builder)))
