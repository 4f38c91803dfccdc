"""The validator reads timeFormat timestamps as the editor's d3 does, like the builders."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from prelabel import LabelConfig, TimeSeriesLabels, check

CONFIG = """<View>
  <TimeSeries name="ts" value="$csv" timeColumn="time" timeFormat="%Y-%m-%d %H:%M:%S.%L">
    <Channel column="x"/>
  </TimeSeries>
  <TimeSeriesLabels name="label" toName="ts"><Label value="Run"/></TimeSeriesLabels>
</View>"""
CFG = LabelConfig.parse(CONFIG)


def _task(results: list[Any]) -> dict[str, Any]:
    prediction = {"model_version": "v1", "result": results}
    return {"data": {"csv": "https://x/s.csv"}, "predictions": [prediction]}


def _range(start: str, end: str) -> dict[str, Any]:
    value = {"start": start, "end": end, "instant": False, "timeserieslabels": ["Run"]}
    return {"id": "a", "type": "timeserieslabels", "from_name": "label", "to_name": "ts",
            "value": value}  # fmt: skip


def test_builder_output_validates_clean() -> None:
    labels = CFG.control("label", TimeSeriesLabels)
    region = labels.range_by_time(
        dt.datetime(2024, 1, 1, 0, 0, 0, 5000), dt.datetime(2024, 1, 1, 0, 0, 1), label="Run"
    )
    assert check([_task(region.results)], CFG, strict=True) == []


@pytest.mark.parametrize(
    ("start", "end", "codes"),
    [
        pytest.param("2024-01-01 00:00:00.005", "2024-01-01 00:00:01.000", [], id="ok"),
        pytest.param(
            "2024-02-30 00:00:00.000",
            "2024-03-02 00:00:00.000",
            ["timeseries.time_format"],
            id="feb-30",  # d3 would roll it over to March 1: a misread, refused
        ),
        pytest.param(
            "2024-01-01T00:00:00.000",
            "2024-01-01 00:00:01.000",
            ["timeseries.time_format"],
            id="wrong-separator",
        ),
    ],
)
def test_timestamps_parse_like_d3(start: str, end: str, codes: list[str]) -> None:
    assert [r.code for r in check([_task([_range(start, end)])], CFG)] == codes
