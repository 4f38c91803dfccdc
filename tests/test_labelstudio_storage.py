"""Client.add_import_storage / sync_import_storage against a tiny fake storage API on 127.0.0.1.

The real Label Studio syncs real storages in integration/test_scale.py.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from prelabel.labelstudio import Client, LabelStudioError

TOKEN = "storage-token"


class FakeStorages(BaseHTTPRequestHandler):
    """Storage 1 syncs after two polls; storage 2 fails; a bucket named "missing" is refused."""

    polls: ClassVar[dict[int, int]] = {}
    created: ClassVar[list[tuple[str, dict[str, Any]]]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _state(self, storage: int) -> dict[str, Any]:
        polls = self.polls.get(storage, 0)
        if storage == 2:
            return {"id": 2, "status": "failed", "traceback": "KeyError: s3://b/p not found."}
        status = "completed" if polls >= 2 else "in_progress"
        return {"id": storage, "status": status, "last_sync_count": 7 if polls >= 2 else 0}

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length)) if length else {}
        parts = self.path.strip("/").split("/")  # api, storages, kind, [id, sync]
        if len(parts) == 3:
            if body.get("bucket") == "missing":
                self._send(400, {"detail": "s3://missing/p not found."})
                return
            self.created.append((parts[2], body))
            self._send(201, {"id": 1, **body})
        else:
            self.polls[int(parts[3])] = 0
            self._send(200, {"id": int(parts[3]), "status": "queued"})

    def do_GET(self) -> None:
        storage = int(self.path.strip("/").split("/")[3])
        self.polls[storage] = self.polls.get(storage, 0) + 1
        self._send(200, self._state(storage))


@pytest.fixture
def client() -> Iterator[Client]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStorages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeStorages.created.clear()
    try:
        yield Client(f"http://127.0.0.1:{server.server_address[1]}", TOKEN)
    finally:
        server.shutdown()
        server.server_close()


def test_add_and_sync_waits_for_completion(client: Client) -> None:
    storage = client.add_import_storage(7, "s3", bucket="b", prefix="run/tasks")
    assert storage == 1
    assert FakeStorages.created == [("s3", {"project": 7, "bucket": "b", "prefix": "run/tasks"})]
    state = client.sync_import_storage("s3", storage, timeout_s=30)
    assert (state["status"], state["last_sync_count"]) == ("completed", 7)


def test_a_refused_storage_says_why(client: Client) -> None:
    with pytest.raises(LabelStudioError, match="the server refused the s3 storage") as caught:
        client.add_import_storage(7, "s3", bucket="missing")
    assert caught.value.status == 400
    assert "s3://missing/p not found." in str(caught.value)


def test_a_failed_sync_raises_with_the_server_reason(client: Client) -> None:
    with pytest.raises(LabelStudioError, match="the s3 storage sync ended 'failed'") as caught:
        client.sync_import_storage("s3", 2, timeout_s=30)
    assert "KeyError: s3://b/p not found." in str(caught.value)


def test_an_unknown_storage_kind_is_refused_before_any_request(client: Client) -> None:
    with pytest.raises(ValueError, match="kind must be 's3', 'gcs', 'azure' or 'localfiles'"):
        client.add_import_storage(7, "dropbox", bucket="b")  # type: ignore[arg-type]
    assert FakeStorages.created == []
