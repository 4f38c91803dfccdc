"""prelabel.distributed without an engine: the batch functions on columns, as a worker runs them.

Ray itself runs in the integration suite (integration/test_scale.py); here the same callables
get the columns Ray Data or Dask would hand them.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import prelabel.distributed._tasks as tasks_module
from prelabel import LabelConfig, PredictionBatch, ShardError
from prelabel.distributed import (
    TASK_COLUMNS,
    PredictionsToTasks,
    WriteShards,
    check_shard,
    ragged,
    shard_infos,
    write_shards,
)
from prelabel.io import TASKS_DIR, read_manifest, read_tasks, task_key

XML = (
    '<View><Image name="image" value="$image"/>'
    '<RectangleLabels name="label" toName="image">'
    '<Label value="Car"/><Label value="Person"/></RectangleLabels></View>'
)
NAMES = ["car", "person"]


def model_output(rows: int, seed: int = 0) -> dict[str, Any]:
    """What an engine hands a worker: a column per field, ragged boxes as an object column."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 4, rows)
    boxes = np.empty(rows, dtype=object)
    classes = np.empty(rows, dtype=object)
    scores = np.empty(rows, dtype=object)
    for row, count in enumerate(counts):
        xy = rng.uniform(0, 300, (count, 2))
        boxes[row] = np.concatenate([xy, xy + rng.uniform(1, 100, (count, 2))], axis=1)
        classes[row] = rng.integers(0, 2, count)
        scores[row] = rng.uniform(0, 1, count)
    return {
        "path": np.array([f"s3://bucket/images/{seed}-{row}.jpg" for row in range(rows)]),
        "width": np.full(rows, 640),
        "height": np.full(rows, 480),
        "boxes": boxes,
        "class_ids": classes,
        "scores": scores,
    }


def add_boxes(batch: PredictionBatch, columns: dict[str, Any]) -> PredictionBatch:
    xyxy, counts = ragged(columns["boxes"])
    return batch.boxes(
        "label",
        xyxy_px=xyxy,
        counts=counts,
        image_wh=np.stack([columns["width"], columns["height"]], axis=1),
        class_ids=ragged(columns["class_ids"])[0],
        class_names=NAMES,
        scores=ragged(columns["scores"])[0],
    )


def to_tasks(**options: Any) -> PredictionsToTasks:
    return PredictionsToTasks(
        XML, add_boxes, data={"image": "path"}, key="path", model_version="det-v3", **options
    )


def decoded(out: dict[str, Any]) -> list[dict[str, Any]]:
    return [json.loads(task) for task in out["task"]]


def without_ids(task: dict[str, Any]) -> dict[str, Any]:
    task = json.loads(json.dumps(task))
    for result in task["predictions"][0]["result"]:
        result.pop("id")
    return task


# --- the batch function ------------------------------------------------------------------


def test_tasks_are_what_prediction_batch_makes_and_counted() -> None:
    columns = model_output(20)
    out = to_tasks()(columns)
    assert tuple(out) == TASK_COLUMNS
    config = LabelConfig.parse(XML)
    expected = list(
        add_boxes(
            PredictionBatch(config, {"image": columns["path"]}, model_version="det-v3"), columns
        )
    )
    assert [without_ids(t) for t in decoded(out)] == [without_ids(t) for t in expected]
    assert out["key"].tolist() == columns["path"].tolist()
    assert out["results"].tolist() == [len(b) for b in columns["boxes"]]
    assert out["predictions"].tolist() == [1] * 20
    assert set(out["model_version"].tolist()) == {"det-v3"}


def test_the_config_is_parsed_once_per_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    parse = LabelConfig.parse

    def counting(source: str | bytes) -> LabelConfig:
        calls.append("parse")
        return parse(source)

    monkeypatch.setattr(tasks_module, "_configs", {})
    monkeypatch.setattr(LabelConfig, "parse", counting)
    function = to_tasks()
    for seed in range(5):
        pickle.loads(pickle.dumps(function))(model_output(4, seed))  # as a worker receives it
    assert calls == ["parse"]


def test_the_same_input_gives_the_same_bytes_and_other_keys_other_ids() -> None:
    columns = model_output(10)
    first, again = to_tasks()(columns), to_tasks()(columns)
    assert first["task"].tolist() == again["task"].tolist()
    moved = dict(columns, path=np.array([p.replace("images", "moved") for p in columns["path"]]))
    other = decoded(to_tasks()(moved))
    ids = {r["id"] for t in decoded(first) for r in t["predictions"][0]["result"]}
    assert not ids & {r["id"] for t in other for r in t["predictions"][0]["result"]}
    assert all(len(i) == 10 and i.isalnum() for i in ids)
    random_ids = to_tasks(reproducible_ids=False)
    assert random_ids(columns)["task"].tolist() != random_ids(columns)["task"].tolist()


def test_without_a_key_column_tasks_are_keyed_by_their_data() -> None:
    out = PredictionsToTasks(XML, add_boxes, data={"image": "path"})(model_output(3))
    assert out["key"].tolist() == [task_key(t) for t in decoded(out)]


def test_a_missing_column_is_named() -> None:
    columns = model_output(2)
    del columns["path"]
    with pytest.raises(ShardError, match=r"the batch has no column 'path' \(columns: width, "):
        to_tasks()(columns)


def test_validation_on_the_worker_names_the_task_key() -> None:
    columns = model_output(3)
    columns["path"] = np.array(["s3://b/a.jpg", 12, "s3://b/c.jpg"], dtype=object)  # 12: no image
    with pytest.raises(ShardError) as caught:
        to_tasks(validate=True)(columns)
    assert str(caught.value).startswith("task '12': $[1].data.image: [task.data_type] ")
    assert len(to_tasks()(columns)["task"]) == 3  # not checked unless asked


def test_a_bad_config_fails_on_the_driver() -> None:
    # (Choices without toName: a RectangleLabels without one parses since issue 17, with a
    # warning, because Label Studio's server accepts it.)
    with pytest.raises(ValueError, match="Choices"):
        PredictionsToTasks("<View><Choices name='x'/></View>", add_boxes, data=[])


@pytest.mark.parametrize(
    ("column", "values_shape", "counts"),
    [
        pytest.param(np.zeros((3, 2, 4)), (6, 4), [2, 2, 2], id="same-count-rows"),
        pytest.param([np.zeros((1, 4)), np.zeros((0, 4))], (1, 4), [1, 0], id="list"),
        pytest.param(np.array([np.arange(3), np.arange(2)], dtype=object), (5,), [3, 2], id="1d"),
        pytest.param([], (0,), [], id="empty"),
    ],
)
def test_ragged(column: Any, values_shape: tuple[int, ...], counts: list[int]) -> None:
    values, got = ragged(column)
    assert values.shape == values_shape
    assert got.tolist() == counts


def test_ragged_refuses_rows_of_other_shapes() -> None:
    with pytest.raises(ShardError, match=r"must agree past their first axis, got shapes"):
        ragged([np.zeros((1, 4)), np.zeros((1, 2))])


# --- the write step and the manifest -------------------------------------------------------


class FakeDataset:
    """The two Dataset methods write_shards calls, run in this process: batches of rows."""

    def __init__(self, columns: dict[str, Any]) -> None:
        self.columns = columns

    def map_batches(self, function: Any, *, batch_size: int, batch_format: str) -> FakeDataset:
        assert batch_format == "numpy"
        rows = len(next(iter(self.columns.values())))
        outs = [
            function({k: v[i : i + batch_size] for k, v in self.columns.items()})
            for i in range(0, rows, batch_size)
        ]
        return FakeDataset({k: np.concatenate([o[k] for o in outs]) for k in outs[0]})

    def take_all(self) -> list[dict[str, Any]]:
        rows = len(next(iter(self.columns.values())))
        return [{k: v[i] for k, v in self.columns.items()} for i in range(rows)]


def test_a_job_writes_shards_and_a_manifest_that_add_up(tmp_path: Path) -> None:
    columns = model_output(50)
    tasks = FakeDataset(columns).map_batches(to_tasks(), batch_size=16, batch_format="numpy")
    manifest = write_shards(tasks, tmp_path, tasks_per_shard=20, config=XML)
    assert sorted(s.tasks for s in manifest.shards) == [10, 20, 20]
    assert manifest.tasks == 50
    assert manifest.results == sum(len(b) for b in columns["boxes"])
    assert manifest.model_version == "det-v3"
    assert read_manifest(tmp_path) == manifest
    back = list(read_tasks(tmp_path / TASKS_DIR))
    assert sorted(t["data"]["image"] for t in back) == sorted(columns["path"].tolist())
    # a re-run (same batches) writes the same names: nothing is added, the manifest is equal
    again = write_shards(tasks, tmp_path, tasks_per_shard=20, config=XML)
    assert again == manifest
    assert len(list((tmp_path / TASKS_DIR).iterdir())) == 3


def test_a_rerun_cut_into_other_shards_is_refused_until_told(tmp_path: Path) -> None:
    tasks = FakeDataset(model_output(30)).map_batches(
        to_tasks(), batch_size=30, batch_format="numpy"
    )
    write_shards(tasks, tmp_path, tasks_per_shard=10)
    with pytest.raises(ShardError, match="this run did not write"):
        write_shards(tasks, tmp_path, tasks_per_shard=15)
    manifest = write_shards(tasks, tmp_path, tasks_per_shard=15, stale="delete")
    assert len(list((tmp_path / TASKS_DIR).iterdir())) == 2
    assert manifest.tasks == 30


def test_write_step_records_round_trip(tmp_path: Path) -> None:
    out = to_tasks()(model_output(5))
    rows = WriteShards(tmp_path, layout="json")(out)
    (info,) = shard_infos([{"shard": rows["shard"][0]}])
    assert info.tasks == 5
    assert len(info.files) == 5


def test_the_write_step_needs_task_columns(tmp_path: Path) -> None:
    with pytest.raises(ShardError, match="'task' is missing"):
        WriteShards(tmp_path)({"key": np.array(["a"])})


# --- checking a written shard ------------------------------------------------------------


def test_check_shard_reports_each_problem_with_its_line(tmp_path: Path) -> None:
    out = to_tasks()(model_output(6))
    good = WriteShards(tmp_path)(out)
    (info,) = shard_infos([{"shard": good["shard"][0]}])
    report = check_shard(tmp_path, info.files[0], XML)
    assert report.ok
    assert report.stats.tasks == 6
    bad = json.loads(out["task"][2])
    bad["predictions"][0]["result"] = [{"from_name": "nope", "to_name": "image", "value": {}}]
    (tmp_path / TASKS_DIR / "bad.jsonl").write_text(
        out["task"][0].decode() + "\n" + json.dumps(bad) + "\n", encoding="utf-8"
    )
    report = check_shard(tmp_path, f"{TASKS_DIR}/bad.jsonl", LabelConfig.parse(XML))
    assert not report.ok
    # the first problem is the note that s3:// images need a cloud storage (once per shard)
    line, record = next(p for p in report.problems if p[1].code != "media.cloud_storage")
    assert line == 2
    assert record.path.startswith("$[1].predictions[0].result[0]")


def test_check_shard_names_the_shard_and_line_of_broken_json(tmp_path: Path) -> None:
    (tmp_path / TASKS_DIR).mkdir()
    (tmp_path / TASKS_DIR / "x.jsonl").write_bytes(b'{"data": {}}\n{"data": NaN}\n')
    with pytest.raises(ShardError, match=r"shard .*tasks/x\.jsonl:2: not a JSON task"):
        check_shard(tmp_path, f"{TASKS_DIR}/x.jsonl", XML)


def test_import_prelabel_does_not_import_the_distributed_package() -> None:
    code = (
        "import sys, prelabel; "
        "print('prelabel.distributed' in sys.modules, 'fsspec' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert done.stdout.split() == ["False", "False"]


def test_a_pandas_partition_works_as_dask_map_partitions_passes_it() -> None:
    pd = pytest.importorskip("pandas")
    columns = model_output(6)
    frame = pd.DataFrame({k: list(v) if v.dtype == object else v for k, v in columns.items()})
    out = to_tasks()(frame)
    assert out["task"].tolist() == to_tasks()(columns)["task"].tolist()
    assert pd.DataFrame(out)["results"].sum() == sum(len(b) for b in columns["boxes"])


def test_check_shard_reads_lines_as_prelabel_validate_does(tmp_path: Path) -> None:
    """An infinite number is a located error (json alone read it as inf and went on), and an
    integer beyond 64 bits stays an int (orjson alone reads it as a float)."""
    (tmp_path / TASKS_DIR).mkdir()
    (tmp_path / TASKS_DIR / "x.jsonl").write_bytes(
        b'{"data": {"image": "https://x/a.jpg", "n": 123456789012345678901234}}\n'
        b'{"data": {"image": "https://x/b.jpg", "n": 1e400}}\n'
    )
    with pytest.raises(ShardError, match=r"tasks/x\.jsonl:2: not a JSON task \(\$\.data\.n is a "):
        check_shard(tmp_path, f"{TASKS_DIR}/x.jsonl", XML)
