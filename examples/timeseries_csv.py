"""Time-series pre-annotations: the guide's CSV by URL, and inline columns with timestamps.

* ``timeseries_csv``: the Label Studio guide's first example, ``<TimeSeries value="$csv"
  valueType="url">`` with one channel and no time column, so the time axis is the 0-based row
  of the CSV. An anomaly detector's per-row flags become ranges (a one-row flag becomes an
  instant). The task's ``data.csv`` is the URL of ``data/av/sensor.csv``: host that file where
  the annotators' browser can fetch it (a bucket, a static server, or Label Studio's local
  files serving) and put its URL in ``CSV_URL``.
* ``timeseries_activity``: the activity-recognition template with the data inline
  (``valueType="json"``: the task holds the columns) and ``timeColumn``/``timeFormat``, so
  ranges are timestamps in that format. A per-row activity classifier's output becomes one
  range per run of each class.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

import prelabel
from prelabel import LabelConfig, Prediction, Task, TimeSeriesLabels

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

DATA = Path(__file__).parent / "data" / "av"
CSV_URL = "https://example.com/prelabel/sensor.csv"

GUIDE = """<View>
  <TimeSeries name="ts" value="$csv" valueType="url">
    <Channel column="first_column"/>
  </TimeSeries>
  <TimeSeriesLabels name="label" toName="ts">
    <Label value="Anomaly" background="red"/>
    <Label value="Drift" background="orange"/>
  </TimeSeriesLabels>
</View>"""

ACTIVITY = """<View>
  <TimeSeriesLabels name="label" toName="ts">
    <Label value="Run" background="red"/>
    <Label value="Walk" background="green"/>
    <Label value="Fly" background="blue"/>
    <Label value="Swim" background="#f6a"/>
    <Label value="Ride" background="#351"/>
  </TimeSeriesLabels>
  <TimeSeries name="ts" valueType="json" value="$ts"
              timeColumn="time"
              timeFormat="%Y-%m-%d %H:%M:%S.%f"
              timeDisplayFormat="%H:%M:%S"
              overviewChannels="velocity">
    <Channel column="velocity" units="miles/h" displayFormat=",.1f" strokeColor="#1f77b4"
             legend="Velocity"/>
    <Channel column="acceleration" units="miles/h^2" displayFormat=",.1f"
             strokeColor="#ff7f0e" legend="Acceleration"/>
  </TimeSeries>
</View>"""


def detect(values: np.ndarray, window: int = 25) -> tuple[np.ndarray, np.ndarray]:
    """A small detector: rows far from the rolling median (anomalies), and a late drift."""
    padded = np.pad(values, window // 2, mode="edge")
    median = np.array([np.median(padded[i : i + window]) for i in range(len(values))])
    anomalies = np.abs(values - median) > 1.0
    baseline = np.convolve(np.pad(values, 50, mode="edge"), np.ones(100) / 100, mode="valid")[:-1]
    drift = np.zeros(len(values), dtype=bool)
    drift[450:] = baseline[450:] - baseline[350] > 0.5
    return anomalies & ~drift, drift


def guide_task() -> Task:
    label = LabelConfig.parse(GUIDE).control("label", TimeSeriesLabels)
    values = np.loadtxt(DATA / "sensor.csv", delimiter=",", skiprows=1, usecols=0)
    anomalies, drift = detect(values)
    regions = [
        *label.ranges_from_mask(anomalies, label="Anomaly", score=0.9),
        *label.ranges_from_mask(drift, label="Drift", score=0.7),
    ]
    return Task({"csv": CSV_URL}, predictions=[Prediction(regions, model_version="detector-1")])


def activity_task() -> Task:
    label = LabelConfig.parse(ACTIVITY).control("label", TimeSeriesLabels)
    bundle = json.loads((DATA / "activity.json").read_text(encoding="utf-8"))
    times = bundle["data"]["time"]
    predicted = np.array(bundle["predicted"])
    regions = []
    for activity in dict.fromkeys(bundle["predicted"]):
        regions.extend(
            label.ranges_from_mask(predicted == activity, label=activity, time_values=times)
        )
    # An event at one instant, given as the model's own timestamp string.
    regions.append(label.instant_by_time("2024-03-01 08:00:15.000000", label="Run"))
    return Task(
        {"ts": bundle["data"]},
        predictions=[Prediction(regions, model_version="activity-synthetic")],
    )


def main(out_dir: Path) -> list[dict[str, str]]:
    with prelabel.reproducible_ids(seed=8):
        guide = guide_task()
        activity = activity_task()
    return [
        write_example(out_dir, "timeseries_csv", GUIDE, [guide.to_dict()]),
        write_example(out_dir, "timeseries_activity", ACTIVITY, [activity.to_dict()]),
    ]


if __name__ == "__main__":
    for entry in main(Path("build/demo")):
        print(entry)
