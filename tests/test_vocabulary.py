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


# Keywords a builder may lack on purpose, each with its reason.
LACKS = {
    # One region per track id: the rows' ids would not name the regions.
    ("VideoRectangle.tracks_from_arrays", "ids"),
    # choices= is each task's label (a choice or a list of choices, or None for no result).
    ("PredictionBatch.choices", "label"),
    ("PredictionBatch.choices", "labels"),
}


def _makes_results(params: set[str]) -> bool:
    return bool(params & {"to_name", "score", "scores", "id", "ids"})


def _many(where: str, params: set[str]) -> bool:
    """A builder of N regions (or one result per task, for the batch)."""
    return bool(params & {"scores", "ids"})


def _wanted(where: str, params: set[str]) -> list[str]:
    """The shared keywords a builder with ``params`` must take."""
    wanted = []
    if _makes_results(params):
        wanted += ["readonly", "hidden"]
    if "id" in params:
        wanted += ["score"]
    if _many(where, params):
        # for_regions labels regions that already have their ids
        wanted += ["scores"] + ([] if where.endswith(".for_regions") else ["ids"])
        if params & {"label", "labels", "class_ids"}:
            wanted += ["label", "labels", "class_ids", "class_names"]
    return [name for name in wanted if (where, name) not in LACKS]


def test_one_region_and_n_regions_take_the_same_options() -> None:
    """Every builder of results takes ``readonly`` and ``hidden``; a builder of one region
    (``id=``) takes ``score``; a builder of N regions (``scores=`` or ``ids=``) takes
    ``scores``, ``ids`` and, when it has labels at all, the three ways to give them
    (``label`` for all, ``labels``, ``class_ids`` + ``class_names``)."""
    found = []
    for where, fn in BUILDERS:
        params = set(_params(fn))
        found += [f"{where} lacks {name}" for name in _wanted(where, params) if name not in params]
    assert found == []


@pytest.mark.parametrize(
    ("where", "params", "lacking"),
    [
        # Labels.spans and Labels.segments before they took the shared keywords
        (
            "Labels.spans",
            {"text", "offsets", "labels", "scores", "label_map", "to_name", "readonly", "hidden"},
            ["ids", "label", "class_ids", "class_names"],
        ),
        (
            "Labels.segments",
            {"starts_s", "ends_s", "labels", "scores", "to_name"},
            ["readonly", "hidden", "ids", "label", "class_ids", "class_names"],
        ),
        ("X.ranges_from_mask", {"mask", "label", "to_name", "score"}, ["readonly", "hidden"]),
        ("X.for_regions", {"regions", "scores", "readonly", "hidden"}, []),
    ],
    ids=["spans", "segments", "ranges", "for_regions"],
)
def test_the_rule_sees_a_gap(where: str, params: set[str], lacking: list[str]) -> None:
    assert [name for name in _wanted(where, params) if name not in params] == lacking


@pytest.mark.parametrize("name", controls.__all__)
def test_for_regions_wherever_for_region(name: str) -> None:
    cls = getattr(controls, name)
    if hasattr(cls, "for_region"):
        assert hasattr(cls, "for_regions"), f"{name} has for_region() but no for_regions()"
        one, many = _params(cls.for_region), _params(cls.for_regions)
        assert {"score", "readonly", "hidden"} <= set(one)
        assert {"scores", "readonly", "hidden"} <= set(many)


def test_batch_parts_and_their_builders_agree() -> None:
    """``PredictionBatch.<part>`` takes the per-item builder's label, score and result
    keywords."""
    pairs = {
        "boxes": controls.RectangleLabels.boxes,
        "polygons": controls.PolygonLabels.polygons,
        "ellipses": controls.EllipseLabels.ellipses,
        "keypoints": controls.KeyPointLabels.points,
        "masks": controls.BrushLabels.masks,
        "spans": controls.Labels.spans,
        "segments": controls.Labels.segments,
    }
    shared = {
        "label",
        "labels",
        "class_ids",
        "class_names",
        "scores",
        "ids",
        "readonly",
        "hidden",
        "to_name",
    }
    for part, builder in pairs.items():
        batch = _params(getattr(PredictionBatch, part))
        assert shared <= set(batch), (part, shared - set(batch))
        assert shared <= set(_params(builder)), (builder, shared - set(_params(builder)))
