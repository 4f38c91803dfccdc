"""Every object's text repr is one short line, whatever it holds; its HTML repr draws it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import prelabel
from prelabel import LabelConfig, Prediction, PredictionBatch, Task
from prelabel.errors import ErrorRecord, ValidationError
from prelabel.preview._summary import REPR_LIMIT

CONFIG = LabelConfig.parse(
    '<View><Image name="image" value="$image"/>'
    '<RectangleLabels name="box" toName="image">'
    '<Label value="Car" background="#ff0000"/><Label value="Plane"/></RectangleLabels>'
    '<BrushLabels name="brush" toName="image"><Label value="Road" background="blue"/>'
    "</BrushLabels>"
    '<TextArea name="text" toName="image" perRegion="true"/>'
    '<Choices name="kind" toName="image"><Choice value="Day"/><Choice value="Night"/></Choices>'
    "</View>"
)
TEXT = st.text(min_size=0, max_size=2000)


def _regions(count: int, wh: tuple[int, int] = (640, 480)) -> list[prelabel.Region]:
    box = CONFIG.control("box", prelabel.RectangleLabels)
    xyxy = np.tile([10.0, 20.0, 200.0, 100.0], (count, 1))
    return [box.box(xyxy_px=row, image_wh=wh, label="Car", score=0.5) for row in xyxy]


def _mask_region(wh: tuple[int, int] = (640, 480)) -> prelabel.Region:
    mask = np.zeros((wh[1], wh[0]), dtype=np.uint8)
    mask[50:300, 40:400] = 255
    return CONFIG.control("brush", prelabel.BrushLabels).mask(mask, label="Road", image_wh=wh)


def _big_task(regions: int = 2000) -> Task:
    image = "data:image/png;base64," + "A" * 200_000
    prediction = Prediction(
        [*_regions(regions), _mask_region()], model_version="m" * 500, score=0.5
    )
    return Task({"image": image, "caption": "x" * 10_000}, predictions=[prediction])


@settings(max_examples=40, deadline=None)
@given(label=TEXT, name=TEXT, version=TEXT)
def test_every_repr_stays_under_the_limit(label: str, name: str, version: str) -> None:
    result: dict[str, Any] = {
        "id": name or "r",
        "type": "rectanglelabels",
        "from_name": "box",
        "to_name": name,
        "value": {"x": 1.0, "y": 2, "width": 3, "height": 4, "rectanglelabels": [label] * 50},
        "score": 0.25,
    }
    region = prelabel.Region([result, {**result, "type": "textarea"}], geometry={"x": 1.0})
    prediction = Prediction([region] * 30, model_version=version)
    task = Task({name or "k": label, "image": "data:" + label * 50}, predictions=[prediction])
    error = ValidationError(
        [ErrorRecord("label.unknown", "error", (0, "predictions", name), label, hint=label)] * 30
    )
    config = LabelConfig.parse(
        '<View><Image name="image" value="$image"/>'
        + "".join(
            f'<Choices name="c{i}{"x" * len(name)}" toName="image"><Choice value="A"/></Choices>'
            for i in range(30)
        )
        + "</View>"
    )
    for item in (region, prediction, task, error, config):
        assert len(repr(item)) <= REPR_LIMIT, repr(item)


def test_a_big_task_prints_one_line() -> None:
    text = repr(_big_task())
    assert len(text) <= REPR_LIMIT
    assert "\n" not in text
    assert "(200 KB)" in text
    assert "2001 result(s)" in text


def test_a_region_repr_names_its_label_score_and_box() -> None:
    (region,) = _regions(1)
    assert repr(region) == (
        f"<Region rectanglelabels ['Car'] 0.50 x=1.562 y=4.167 width=29.69 height=16.67 "
        f"rotation=0 on 'image' id={region.id!r}>"
    )


def test_the_batch_repr_is_unchanged_and_its_html_draws_the_first_tasks() -> None:
    batch = PredictionBatch(CONFIG, {"image": [f"img{i}.jpg" for i in range(10)]})
    batch = batch.boxes(
        "box",
        xyxy_px=np.tile([0.0, 0.0, 32.0, 24.0], (10, 1)),
        counts=[1] * 10,
        image_wh=(64, 48),
        label="Car",
    )
    assert repr(batch) == "<PredictionBatch: 10 tasks, 10 results>"
    html = batch._repr_html_()
    assert html.count('class="pl-shape"') == 3
    assert "… and 7 more task(s)" in html


@pytest.mark.parametrize(
    "make",
    [
        lambda: _regions(1)[0],
        lambda: _mask_region(),
        lambda: Prediction(_regions(3), model_version="v1"),
        lambda: _big_task(),
        lambda: CONFIG,
        lambda: ValidationError(
            [ErrorRecord("x.y", "error", (0, "data"), "<b>bad</b>", hint="fix")] * 80
        ),
    ],
    ids=["region", "mask", "prediction", "task", "config", "validation-error"],
)
def test_html_reprs_are_self_contained_and_escaped(make: Any) -> None:
    html = make()._repr_html_()
    assert html.startswith("<style>")
    assert 'class="pl-root"' in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html
    assert "<b>bad</b>" not in html


def test_a_big_task_html_draws_every_region_and_the_mask() -> None:
    html = _big_task()._repr_html_()
    assert html.count('class="pl-shape"') == 2000
    assert html.count('class="pl-mask"') == 1


def test_the_validation_error_table_lists_records_with_hints() -> None:
    records = [ErrorRecord("label.unknown", "error", (0, "predictions", 0), "m", hint="h")] * 60
    html = ValidationError(records)._repr_html_()
    assert html.count("<tr>") == 1 + 50 + 1  # head, 50 rows, "… 10 more"
    assert "label.unknown" in html
    assert "… 10 more" in html


def test_the_config_html_shows_label_colours() -> None:
    html = CONFIG._repr_html_()
    assert 'style="background:#ff0000"' in html
    assert 'style="background:blue"' in html
