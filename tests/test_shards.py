"""Shards and the manifest: stable names, whole files, totals that add up, stale files refused."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prelabel import BuildError, ShardError
from prelabel.io import (
    MANIFEST,
    TASKS_DIR,
    ShardWriter,
    Store,
    canonical_task,
    read_manifest,
    read_tasks,
    task_key,
    write_manifest,
)
from strategies_tasks import task_dicts

SETTINGS = settings(max_examples=25, deadline=None)


def make_tasks(count: int, *, results: int = 2, version: str = "v1") -> list[dict[str, Any]]:
    return [
        {
            "data": {"image": f"s3://bucket/img-{i}.jpg"},
            "predictions": [
                {
                    "model_version": version,
                    "score": 0.5,
                    "result": [{"id": f"r{i}-{k}", "type": "choices"} for k in range(results)],
                }
            ],
        }
        for i in range(count)
    ]


def read_back(root: Path) -> list[dict[str, Any]]:
    return list(read_tasks(root / TASKS_DIR))


# --- one shard ---------------------------------------------------------------------------


def test_jsonl_shard_holds_the_tasks_and_counts_them(tmp_path: Path) -> None:
    tasks = make_tasks(5, results=3)
    info = ShardWriter(tmp_path).write(tasks)
    assert info.files == (f"{TASKS_DIR}/{info.name}",)
    assert (info.tasks, info.predictions, info.results) == (5, 5, 15)
    assert info.model_versions == ("v1",)
    data = (tmp_path / info.files[0]).read_bytes()
    assert info.bytes == len(data)
    assert data.count(b"\n") == 5
    assert read_back(tmp_path) == tasks


def test_the_same_tasks_get_the_same_names_so_a_rerun_overwrites(tmp_path: Path) -> None:
    writer = ShardWriter(tmp_path)
    first = writer.write(make_tasks(4))
    second = writer.write(make_tasks(4))
    assert first == second
    assert len(list((tmp_path / TASKS_DIR).iterdir())) == 1


def test_other_tasks_or_keys_get_other_names(tmp_path: Path) -> None:
    writer = ShardWriter(tmp_path)
    tasks = make_tasks(4)
    names = {
        writer.write(tasks).name,
        writer.write(tasks[:3]).name,
        writer.write(tasks, keys=["a", "b", "c", "d"]).name,
    }
    assert len(names) == 3


def test_json_layout_writes_a_file_per_task_named_by_its_key(tmp_path: Path) -> None:
    keys = ["img-1.jpg", "s3://bucket/dir/img 2.jpg", "s3://other/dir/img 2.jpg"]
    info = ShardWriter(tmp_path, layout="json").write(make_tasks(3), keys=keys)
    names = [Path(f).name for f in info.files]
    assert names[0] == "img-1.jpg.json"
    # unsafe keys are cleaned and hashed: readable, and never the same name for two keys
    assert names[1].startswith("s3_bucket_dir_img_2.jpg-")
    assert names[2].startswith("s3_other_dir_img_2.jpg-")
    assert len(set(names)) == 3
    for name, task in zip(info.files, make_tasks(3), strict=True):
        assert json.loads((tmp_path / name).read_text("utf-8")) == task
    assert info.tasks == 3
    assert info.bytes == sum((tmp_path / f).stat().st_size for f in info.files)


def test_task_key_is_a_hash_of_the_data_alone() -> None:
    one = {"data": {"a": 1, "b": [2]}, "predictions": []}
    reordered = {"predictions": [{"result": []}], "data": {"b": [2], "a": 1}}
    assert task_key(one) == task_key(reordered)
    assert task_key(one) != task_key({"data": {"a": 2, "b": [2]}})


@pytest.mark.parametrize(
    ("tasks", "keys", "message"),
    [
        pytest.param(
            make_tasks(3),
            ["a", "b", "a"],
            "task key 'a' appears twice in the batch (tasks 0 and 2); Label Studio would "
            "import both: give each task its own key",
            id="duplicate-key",
        ),
        pytest.param(make_tasks(3), ["a"], "1 keys for 3 tasks: give one per task", id="key-count"),
        pytest.param([], None, "an empty batch makes no shard", id="empty"),
        pytest.param(
            [{"predictions": []}],
            None,
            "a task needs a 'data' object to derive its key; pass keys instead",
            id="no-data",
        ),
    ],
)
def test_bad_batches_are_refused(
    tmp_path: Path, tasks: list[dict[str, Any]], keys: list[str] | None, message: str
) -> None:
    # ShardError for the batch; BuildError for a task that has no key to give
    with pytest.raises((ShardError, BuildError)) as caught:
        ShardWriter(tmp_path).write(tasks, keys=keys)
    assert str(caught.value) == message
    assert not (tmp_path / TASKS_DIR).exists()


def test_an_unwritable_task_names_the_shard_and_the_task_key(tmp_path: Path) -> None:
    tasks = make_tasks(3)
    tasks[1]["predictions"][0]["score"] = float("nan")
    with pytest.raises(ShardError) as caught:
        ShardWriter(tmp_path).write(tasks, keys=["a", "b", "c"])
    message = str(caught.value)
    assert message.startswith("shard part-")
    assert "task 'b': task 1: $[1].predictions[0].score is nan" in message
    assert not (tmp_path / TASKS_DIR).exists()


def test_a_job_killed_while_writing_leaves_nothing_a_sync_would_read(tmp_path: Path) -> None:
    # The process dies (SIGKILL) after the bytes are written and before the rename.
    script = textwrap.dedent(
        f"""
        import os, signal
        from prelabel.io import ShardWriter
        os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)
        tasks = [{{"data": {{"text": "x" * 1000}}}} for _ in range(2000)]
        ShardWriter({str(tmp_path)!r}).write(tasks, keys=[str(i) for i in range(2000)])
        """
    )
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True)
    assert done.returncode == -9, done.stderr
    assert not list((tmp_path / TASKS_DIR).iterdir())  # the directory a storage scans: empty
    leftovers = [p.name for p in tmp_path.iterdir() if p.is_file()]
    assert len(leftovers) == 1
    assert leftovers[0].startswith(".part-")
    write_manifest(tmp_path, [])  # the driver's last step sweeps what the dead writer left
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["manifest.json"]


@SETTINGS
@given(tasks=st.lists(task_dicts, min_size=1, max_size=12), size=st.integers(1, 5))
def test_any_tasks_cut_into_shards_read_back_whole(tasks: list[dict[str, Any]], size: int) -> None:
    import tempfile

    root = Path(tempfile.mkdtemp())
    writer = ShardWriter(root)
    keys = [f"k{i}" for i in range(len(tasks))]
    shards = [
        writer.write(tasks[i : i + size], keys=keys[i : i + size])
        for i in range(0, len(tasks), size)
    ]
    manifest = write_manifest(root, shards)
    expected = [canonical_task(t) for t in tasks]
    by_file = {name: i for i, shard in enumerate(manifest.shards) for name in shard.files}
    back = [t for name in sorted(by_file, key=by_file.get) for t in read_tasks(root / name)]  # type: ignore[arg-type]
    assert sorted(map(json.dumps, back)) == sorted(map(json.dumps, expected))
    assert manifest.tasks == len(tasks)
    assert manifest.predictions == sum(len(t.get("predictions", [])) for t in tasks)
    assert manifest.results == sum(
        len(p["result"]) for t in tasks for p in t.get("predictions", [])
    )


# --- the manifest ------------------------------------------------------------------------


def test_manifest_totals_config_and_model_version(tmp_path: Path) -> None:
    writer = ShardWriter(tmp_path)
    tasks = make_tasks(7, results=4)
    shards = [writer.write(tasks[:3]), writer.write(tasks[3:])]
    xml = '<View><Text name="t" value="$t"/></View>'
    manifest = write_manifest(tmp_path, shards, config=xml)
    assert (manifest.tasks, manifest.predictions, manifest.results) == (7, 7, 28)
    assert manifest.model_version == "v1"
    assert manifest.bytes == sum(s.bytes for s in shards)
    assert manifest.config_sha256 is not None
    assert len(manifest.config_sha256) == 64
    written = json.loads((tmp_path / MANIFEST).read_text("utf-8"))
    assert written["format"] == "prelabel-shards/1"
    assert written["tasks"] == 7
    assert len(written["shards"]) == 2
    assert read_manifest(tmp_path) == manifest
    # the manifest is beside tasks/, never in it: a storage sync of tasks/ never reads it
    assert sorted(p.name for p in (tmp_path / TASKS_DIR).iterdir()) == sorted(
        Path(f).name for f in manifest.files
    )


def test_several_model_versions_leave_model_version_empty(tmp_path: Path) -> None:
    writer = ShardWriter(tmp_path)
    shards = [writer.write(make_tasks(2)), writer.write(make_tasks(1, version="v2"), keys=["z"])]
    manifest = write_manifest(tmp_path, shards)
    assert manifest.model_version is None
    assert manifest.model_versions == ("v1", "v2")


def test_a_retried_shard_counts_once(tmp_path: Path) -> None:
    writer = ShardWriter(tmp_path)
    shard = writer.write(make_tasks(3))
    again = writer.write(make_tasks(3))
    assert write_manifest(tmp_path, [shard, again]).tasks == 3


def test_a_shard_rewritten_with_other_content_is_refused(tmp_path: Path) -> None:
    writer = ShardWriter(tmp_path)
    first = writer.write(make_tasks(2), keys=["a", "b"])
    other = make_tasks(2)
    other[0]["predictions"][0]["score"] = 0.9
    second = writer.write(other, keys=["a", "b"])
    with pytest.raises(ShardError, match=f"shard {first.name} was written twice"):
        write_manifest(tmp_path, [first, second])
    assert not (tmp_path / MANIFEST).exists()


def test_one_key_in_two_batches_is_refused(tmp_path: Path) -> None:
    writer = ShardWriter(tmp_path, layout="json")
    one = writer.write(make_tasks(2), keys=["a", "b"])
    two = writer.write(make_tasks(1), keys=["b"])
    with pytest.raises(ShardError, match=r"tasks/b\.json is written by shards"):
        write_manifest(tmp_path, [one, two], layout="json")


def test_a_missing_shard_file_is_refused(tmp_path: Path) -> None:
    writer = ShardWriter(tmp_path)
    shard = writer.write(make_tasks(2))
    (tmp_path / shard.files[0]).unlink()
    with pytest.raises(ShardError, match=r"1 shard file\(s\) reported written are not in"):
        write_manifest(tmp_path, [shard])
    assert not (tmp_path / MANIFEST).exists()


def test_stale_files_from_an_earlier_run_are_refused_or_deleted(tmp_path: Path) -> None:
    writer = ShardWriter(tmp_path)
    tasks = make_tasks(6)
    old = writer.write(tasks)  # an earlier run cut the same tasks into one batch
    new = [writer.write(tasks[:3]), writer.write(tasks[3:])]
    with pytest.raises(ShardError) as caught:
        write_manifest(tmp_path, new)
    assert f"holds 1 task file(s) this run did not write (tasks/{old.name})" in str(caught.value)
    assert not (tmp_path / MANIFEST).exists()
    manifest = write_manifest(tmp_path, new, stale="delete")
    assert not (tmp_path / old.files[0]).exists()
    assert sorted(read_back(tmp_path), key=json.dumps) == sorted(tasks, key=json.dumps)
    assert manifest.tasks == 6


def test_reading_a_missing_or_foreign_manifest(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_manifest(tmp_path)
    (tmp_path / MANIFEST).write_text('{"tasks": 3}', encoding="utf-8")
    with pytest.raises(ShardError, match="not a prelabel-shards/1 manifest"):
        read_manifest(tmp_path)


# --- an fsspec store ---------------------------------------------------------------------


def test_an_fsspec_url_store_writes_lists_and_reads() -> None:
    pytest.importorskip("fsspec")
    import pickle

    root = "memory://prelabel-test/run-1"
    writer = ShardWriter(root)
    tasks = make_tasks(4)
    shards = [writer.write(tasks[:2]), writer.write(tasks[2:])]
    manifest = write_manifest(root, shards, config="<View/>")
    assert read_manifest(root) == manifest
    store = pickle.loads(pickle.dumps(Store(root)))  # sent to a worker: no filesystem inside
    assert store.list(TASKS_DIR) == sorted(Path(f).name for f in manifest.files)
    back = [json.loads(line) for f in manifest.files for line in store.get(f).splitlines()]
    assert sorted(back, key=json.dumps) == sorted(tasks, key=json.dumps)
    store.remove(manifest.files[0])
    with pytest.raises(ShardError, match="not in memory://prelabel-test/run-1/tasks"):
        write_manifest(root, shards)


def test_a_url_without_fsspec_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fsspec", None)
    with pytest.raises(ImportError, match=r"pip install 'prelabel\[s3\]'"):
        Store("s3://bucket/run").list(TASKS_DIR)
