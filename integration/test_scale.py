"""The storage import path at scale: a Ray job writes shards, Label Studio syncs them.

A local Ray cluster (127.0.0.1, stopped at the end) runs ``examples/scale/ray_job.py``: the
workers write JSON Lines shards to an S3-compatible server (moto, on a free port on 127.0.0.1,
stopped by PID) and to a local directory; the driver writes the manifest. A Label Studio
1.23.2 project then syncs each through a source storage (S3 with a custom endpoint; Local
files), and every task and prediction must be stored exactly as sent, the counts must equal
the manifest, and a second sync (after a re-run of the job) must add nothing.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from integration.s3 import REGION, S3Server
from integration.server import ROOT, LabelStudioServer
from prelabel.io import Manifest, Store, read_manifest, read_tasks, write_chunks
from prelabel.labelstudio import Client, LabelStudioError, stored_differences

# Ray warns about its own deprecated settings as it builds its contexts; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::Warning:ray")

BUCKET = "prelabel-scale"
IMAGES = 600
TASKS_PER_SHARD = 150


def _load_job() -> ModuleType:
    path = ROOT / "examples" / "scale" / "ray_job.py"
    spec = importlib.util.spec_from_file_location("prelabel_scale_ray_job", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


job = _load_job()


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    server = S3Server()
    try:
        server.start()
        server.create_bucket(BUCKET)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def local_root() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="prelabel-local-files-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[None]:
    """A local Ray cluster on 127.0.0.1 with 2 CPUs, shut down (all its processes) at the end."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"  # never phone home
    import ray

    # The job's functions live in a file loaded by path: send them by value to the workers.
    ray.cloudpickle.register_pickle_by_value(job)
    temp = tempfile.mkdtemp(prefix="ray-", dir="/tmp")  # short: Ray's socket paths have a limit
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        _node_ip_address="127.0.0.1",
        _temp_dir=temp,
        log_to_driver=False,
    )
    try:
        yield
    finally:
        ray.shutdown()
        shutil.rmtree(temp, ignore_errors=True)


@pytest.fixture(scope="module")
def storage_server(s3: S3Server, local_root: Path, artifacts: Path) -> Iterator[LabelStudioServer]:
    """A Label Studio that serves local files from ``local_root`` and reaches the S3 server.

    Label Studio refuses a storage whose ``s3_endpoint`` is a loopback or private address
    (SSRF protection); the operator's ``S3_ENDPOINT`` setting is trusted, so that is how a
    self-hosted S3-compatible store is reached.
    """
    # SSRF protection is left as Label Studio ships it (on), so the refusal of a loopback
    # s3_endpoint below is the real default.
    server = LabelStudioServer(local_files_root=local_root, extra_env={"S3_ENDPOINT": s3.url})
    with server.serving(artifacts / "server-scale.log"):
        yield server


@pytest.fixture(scope="module")
def client(storage_server: LabelStudioServer) -> Client:
    return Client(storage_server.url, storage_server.token)


def _sent_tasks(store: Store, manifest: Manifest) -> list[dict[str, Any]]:
    """Every task as written in the shards, read back from the store."""
    import json

    return [json.loads(line) for name in manifest.files for line in store.get(name).splitlines()]


def _assert_stored_as_sent(
    client: Client, project: int, sent: list[dict[str, Any]], manifest: Manifest
) -> None:
    stored = client.read_tasks(project)
    assert len(stored) == manifest.tasks == len(sent)
    by_image = {task["data"]["image"]: task for task in stored}
    assert len(by_image) == len(stored)  # no task imported twice
    differences = [
        line
        for index, task in enumerate(sent)
        for line in stored_differences(task, by_image[task["data"]["image"]], index=index)
    ]
    assert differences == []
    assert sum(len(t["predictions"]) for t in stored) == manifest.predictions
    results = sum(len(p["result"]) for t in stored for p in t["predictions"])
    assert results == manifest.results


def _record(artifacts: Path, line: str) -> None:
    """Append a timing line to build/integration/scale.md (docs/performance.md cites it)."""
    with (artifacts / "scale.md").open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def test_s3_shards_from_a_ray_job_sync_as_sent(
    ray_cluster: None, s3: S3Server, client: Client, artifacts: Path
) -> None:
    root = f"s3://{BUCKET}/run-1"
    started = time.perf_counter()
    manifest = job.run(
        root,
        images=IMAGES,
        tasks_per_shard=TASKS_PER_SHARD,
        blocks=4,
        storage_options=s3.storage_options,
    )
    job_s = time.perf_counter() - started
    assert manifest.tasks == IMAGES
    assert len(manifest.shards) >= IMAGES // TASKS_PER_SHARD
    store = Store(root, storage_options=s3.storage_options)
    assert read_manifest(store) == manifest
    sent = _sent_tasks(store, manifest)

    project = client.create_project("scale: s3 shards", job.CONFIG)
    credentials = {
        "aws_access_key_id": s3.key,
        "aws_secret_access_key": s3.secret,
        "region_name": REGION,
    }
    settings = {
        "bucket": BUCKET,
        "prefix": "run-1/tasks",
        "use_blob_urls": False,
        "presign": False,
        **credentials,
    }
    with pytest.raises(LabelStudioError) as refused:  # a loopback endpoint on the storage itself
        client.add_import_storage(project, "s3", s3_endpoint=s3.url, **settings)
    assert refused.value.status == 403
    assert "reserved network address" in str(refused.value)
    storage = client.add_import_storage(project, "s3", **settings)

    started = time.perf_counter()
    first = client.sync_import_storage("s3", storage)
    sync_s = time.perf_counter() - started
    assert first["last_sync_count"] == manifest.tasks
    _assert_stored_as_sent(client, project, sent, manifest)
    _record(
        artifacts,
        f"- S3: Ray job {job_s:.1f} s for {manifest.tasks} tasks / {manifest.results} results "
        f"in {len(manifest.shards)} shards; Label Studio sync {sync_s:.1f} s "
        f"({manifest.tasks / sync_s:.0f} tasks/s)",
    )

    again = job.run(
        root,
        images=IMAGES,
        tasks_per_shard=TASKS_PER_SHARD,
        blocks=4,
        storage_options=s3.storage_options,
    )
    assert again == manifest  # the same shards, byte for byte (digests in the manifest)
    second = client.sync_import_storage("s3", storage)
    assert second["last_sync_count"] == 0
    assert len(client.read_tasks(project)) == manifest.tasks


def test_local_files_shards_sync_as_sent(
    ray_cluster: None, local_root: Path, client: Client
) -> None:
    root = local_root / "run-1"
    manifest = job.run(str(root), images=IMAGES, tasks_per_shard=TASKS_PER_SHARD, blocks=4)
    sent = list(read_tasks(root / "tasks"))
    assert len(sent) == manifest.tasks == IMAGES
    assert [p.name for p in root.iterdir() if p.name.startswith(".")] == []  # nothing staged

    project = client.create_project("scale: local shards", job.CONFIG)
    storage = client.add_import_storage(
        project, "localfiles", path=str(root / "tasks"), use_blob_urls=False
    )
    first = client.sync_import_storage("localfiles", storage)
    assert first["last_sync_count"] == manifest.tasks
    _assert_stored_as_sent(client, project, sent, manifest)

    second = client.sync_import_storage("localfiles", storage)
    assert second["last_sync_count"] == 0
    assert len(client.read_tasks(project)) == manifest.tasks


def test_chunks_sync_from_local_files_with_the_default_settings(
    local_root: Path, client: Client
) -> None:
    """A local-files storage reads every file of its folder as tasks (no regex filter by
    default) and fails the whole sync on a file that is not JSON: chunks written by
    ``write_chunks`` keep their run marker in a hidden folder, which the sync skips."""
    folder = local_root / "chunks"
    folder.mkdir()
    tasks = [{"data": {"image": f"https://example.com/{i}.jpg"}} for i in range(5)]
    written = write_chunks(folder / "preds.json", tasks, max_tasks_per_file=2)
    assert sorted(p for p in folder.iterdir() if p.is_file()) == written
    project = client.create_project("scale: chunks", job.CONFIG)
    storage = client.add_import_storage(
        project, "localfiles", path=str(folder), use_blob_urls=False
    )
    assert client.sync_import_storage("localfiles", storage)["last_sync_count"] == len(tasks)
    stored = sorted(t["data"]["image"] for t in client.read_tasks(project))
    assert stored == sorted(t["data"]["image"] for t in tasks)

    # the negative control: a file beside the chunks that is not JSON fails the sync
    (folder / ".preds.json.prelabel-run").write_text("{}", encoding="utf-8")
    other = client.create_project("scale: chunks, a stray file", job.CONFIG)
    storage = client.add_import_storage(other, "localfiles", path=str(folder), use_blob_urls=False)
    with pytest.raises(LabelStudioError, match="is not a JSON/JSONL/Parquet file"):
        client.sync_import_storage("localfiles", storage)
