"""Numbers at the edge of JSON, sent to the real server as raw bytes: what Label Studio 1.23.2
refuses, prelabel's readers refuse; what it stores, they read exactly.

* ``NaN`` / ``Infinity``: the server's JSON parser refuses the request (400);
* a number beyond the float range (``1e400``): Python reads it as infinity and the database
  refuses the row (500 on SQLite: "CHECK constraint failed: JSON_VALID"), in task data and in a
  prediction alike;
* an integer beyond 64 bits: stored and returned exactly (prelabel reads it as the same int,
  not the float a fast JSON parser would make of it).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from integration.server import LabelStudioServer
from prelabel.errors import TaskFileError
from prelabel.io import read_tasks
from prelabel.labelstudio import Client

CONFIG = (
    '<View><Text name="t" value="$text"/>'
    '<Choices name="c" toName="t"><Choice value="A"/></Choices></View>'
)
BIG = 123456789012345678901234
_PREDICTION = (
    b'[{"data": {"text": "a"}, "predictions": [{"result": [{"from_name": "c", "to_name": "t", '
    b'"type": "choices", "value": {"choices": ["A"]}, "score": %s}]}]}]'
)


def _post(server: LabelStudioServer, path: str, body: bytes) -> tuple[int, bytes]:
    request = urllib.request.Request(
        server.url + path,
        data=body,
        method="POST",
        headers={"Authorization": f"Token {server.token}", "Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=120) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="module")
def project(ls_client: Client) -> int:
    return ls_client.create_project("json numbers", CONFIG)


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b'[{"data": {"text": "a", "n": NaN}}]', 400, "is not valid JSON"),
        (b'[{"data": {"text": "a", "n": Infinity}}]', 400, "is not valid JSON"),
        (b'[{"data": {"text": "a", "n": 1e400}}]', 500, "beyond the float range"),
        (b'[{"data": {"text": "a", "n": -1e400}}]', 500, "beyond the float range"),
        (_PREDICTION % b"1e400", 500, "beyond the float range"),
    ],
    ids=["nan", "infinity", "1e400", "-1e400", "1e400-score"],
)
def test_what_the_server_refuses_the_readers_refuse(
    ls_server: LabelStudioServer,
    project: int,
    tmp_path: Path,
    body: bytes,
    status: int,
    says: str,
) -> None:
    got, answer = _post(ls_server, f"/api/projects/{project}/import", body)
    assert got == status, answer[:300]
    as_json, as_jsonl = tmp_path / "tasks.json", tmp_path / "tasks.jsonl"
    as_json.write_bytes(body)
    as_jsonl.write_bytes(body[1:-1] + b"\n")  # the one task on one line
    for path in (as_json, as_jsonl):
        with pytest.raises(TaskFileError, match=says):
            list(read_tasks(path))


def test_an_integer_beyond_64_bits_is_stored_and_read_exactly(
    ls_server: LabelStudioServer, ls_client: Client, project: int, tmp_path: Path
) -> None:
    line = b'{"data": {"text": "a", "n": %d}}' % BIG
    got, answer = _post(
        ls_server, f"/api/projects/{project}/import?return_task_ids=true", b"[" + line + b"]"
    )
    assert got == 201, answer[:300]
    (task_id,) = json.loads(answer)["task_ids"]
    stored = next(t for t in ls_client.iter_tasks(project) if t["id"] == task_id)
    assert stored["data"]["n"] == BIG
    assert type(stored["data"]["n"]) is int
    jsonl = tmp_path / "tasks.jsonl"
    jsonl.write_bytes(line + b"\n")
    (task,) = list(read_tasks(jsonl))
    assert task["data"]["n"] == BIG
    assert type(task["data"]["n"]) is int
