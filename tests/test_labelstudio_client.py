"""prelabel.labelstudio against a tiny fake Label Studio on 127.0.0.1.

The real server is exercised by integration/ (`make test-integration`).
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prelabel.cli import upload
from prelabel.labelstudio import (
    Client,
    ImportReport,
    LabelStudioError,
    Refusal,
    _chunks,
    _error_lines,
    stored_differences,
)

TOKEN = "secret-token"


def _jwt(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256'})}.{part(claims)}.c2lnbmF0dXJl"


REFRESH = _jwt({"token_type": "refresh", "exp": 4_000_000_000})


class FakeLabelStudio(BaseHTTPRequestHandler):
    """Just enough of the REST API: projects, import (with refusals), tasks, token refresh.

    A task is refused when its ``data`` has ``"bad"``: ``"numbered"`` answers like the strict
    prediction check ("Task i, prediction 0: ..."), ``"item"`` like the data check ("Error at
    item i: ... :: {task}"), ``"anonymous"`` with a message that names no task.
    """

    projects: ClassVar[dict[int, dict[str, Any]]] = {}
    tasks: ClassVar[dict[int, dict[str, Any]]] = {}
    requests: ClassVar[list[tuple[str, str, str]]] = []
    access_tokens: ClassVar[set[str]] = set()
    lock = threading.Lock()

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: Any = None) -> None:
        raw = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        return header == f"Token {TOKEN}" or header.removeprefix("Bearer ") in self.access_tokens

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length", 0))
        return json.loads(self.rfile.read(length)) if length else None

    def do_GET(self) -> None:
        with self.lock:
            self.requests.append(("GET", self.path, self.headers.get("Authorization", "")))
        if self.path == "/health":
            return self._send(200, {"status": "UP"})
        if not self._authorized():
            return self._send(401, {"detail": "Invalid token."})
        match = re.match(r"/api/tasks/\?(.*)$", self.path)
        if match:
            query = dict(part.split("=") for part in match.group(1).split("&"))
            rows = [t for t in self.tasks.values() if t["project"] == int(query["project"])]
            size, page = int(query["page_size"]), int(query["page"])
            chunk = rows[(page - 1) * size : page * size]
            if page > 1 and not chunk:
                return self._send(404, {"detail": "Invalid page."})
            return self._send(200, {"tasks": chunk, "total": len(rows)})
        return self._send(404, {"detail": "Not found."})

    def do_POST(self) -> None:
        body = self._body()
        with self.lock:
            self.requests.append(("POST", self.path, self.headers.get("Authorization", "")))
        if self.path == "/api/token/refresh/":
            if body != {"refresh": REFRESH}:
                return self._send(401, {"detail": "Token is invalid or expired"})
            access = _jwt({"token_type": "access", "exp": int(time.time()) + 300, "n": time.time()})
            self.access_tokens.add(access)
            return self._send(200, {"access": access})
        if self.path == "/api/projects/validate/":
            if "<View" not in body["label_config"]:
                return self._send(400, {"label_config": ["Not a View"]})
            return self._send(204)
        if not self._authorized():
            return self._send(401, {"detail": "Invalid token."})
        if self.path == "/api/projects/":
            if len(body["title"]) < 3:
                return self._send(
                    400,
                    {
                        "detail": "Validation error",
                        "validation_errors": {
                            "title": ["Ensure this field has at least 3 characters."]
                        },
                    },
                )
            project_id = len(self.projects) + 1
            self.projects[project_id] = body
            return self._send(201, {"id": project_id, **body})
        match = re.match(r"/api/projects/(\d+)/import\?return_task_ids=true$", self.path)
        if match:
            return self._import(int(match.group(1)), body)
        return self._send(404, {"detail": "Not found."})

    def _import(self, project_id: int, body: list[dict[str, Any]]) -> None:
        if project_id not in self.projects:
            return self._send(404, {"detail": "Not found."})
        numbered = [i for i, t in enumerate(body) if t["data"].get("bad") == "numbered"]
        item = [i for i, t in enumerate(body) if t["data"].get("bad") == "item"]
        anonymous = [i for i, t in enumerate(body) if t["data"].get("bad") == "anonymous"]
        if numbered:
            lines = "".join(
                f"- Task {i}, prediction 0: Region 0: x out of bounds\n" for i in numbered
            )
            message = f"Prediction validation failed ({len(numbered)} errors):\n{lines}"
            return self._send(400, {"validation_errors": {"predictions": [message]}})
        if item:
            first = item[0]
            message = (
                f'Error at item {first}: "image" key is expected in task data '
                f'[assume: item["data"] = task root with values] :: {body[first]!r}'
            )
            return self._send(400, {"validation_errors": {"non_field_errors": [{}, message]}})
        if anonymous:
            return self._send(400, {"validation_errors": {"data": ["something is wrong"]}})
        ids = []
        with self.lock:
            for task in body:
                task_id = len(self.tasks) + 1
                self.tasks[task_id] = {"id": task_id, "project": project_id, **task}
                ids.append(task_id)
        return self._send(201, {"task_count": len(ids), "task_ids": ids})

    def do_DELETE(self) -> None:
        self._send(204)


@pytest.fixture
def fake() -> Iterator[str]:
    FakeLabelStudio.projects.clear()
    FakeLabelStudio.tasks.clear()
    FakeLabelStudio.requests.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeLabelStudio)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _task(n: int, bad: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"image": f"https://example.com/{n}.jpg"}
    if bad:
        data["bad"] = bad
    result = {
        "id": f"r{n}",
        "from_name": "label",
        "to_name": "image",
        "type": "rectanglelabels",
        "value": {"x": 1.5, "y": 2, "width": 3, "height": 4, "rectanglelabels": ["Car"]},
    }
    return {
        "data": data,
        "predictions": [{"model_version": "m1", "score": 0.5, "result": [result]}],
    }


def _imports() -> int:
    return sum(1 for method, path, _ in FakeLabelStudio.requests if "/import" in path)


# --- construction ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "token", "message"),
    [
        pytest.param(
            "localhost:8080",
            TOKEN,
            "url must be an http(s) URL like http://localhost:8080, got 'localhost:8080'",
            id="no-scheme",
        ),
        pytest.param(
            "http://localhost:8080",
            " ",
            "token must not be empty (Label Studio: Account & Settings)",
            id="empty-token",
        ),
    ],
)
def test_client_refuses_bad_arguments(url: str, token: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        Client(url, token)


def test_health(fake: str) -> None:
    assert Client(fake, TOKEN).health() is True
    assert Client("http://127.0.0.1:9", TOKEN, timeout_s=2).health() is False


def test_unreachable_server_raises() -> None:
    client = Client("http://127.0.0.1:9", TOKEN, timeout_s=2)
    with pytest.raises(LabelStudioError, match=r"^cannot reach http://127\.0\.0\.1:9 \(POST"):
        client.create_project("title", "<View/>")


def test_wrong_token_is_named(fake: str) -> None:
    with pytest.raises(LabelStudioError) as info:
        Client(fake, "wrong").create_project("abc", "<View/>")
    assert info.value.status == 401
    assert "the token was refused" in str(info.value)
    assert str(info.value).endswith(": Invalid token.")


def test_validate_config(fake: str) -> None:
    client = Client(fake, TOKEN)
    assert client.validate_config("<View/>") == []
    assert client.validate_config("<Nope/>") == ["Not a View"]


def test_create_project_and_its_refusal(fake: str) -> None:
    client = Client(fake, TOKEN)
    assert client.create_project("first", "<View/>", show_collab_predictions=True) == 1
    assert FakeLabelStudio.projects[1]["show_collab_predictions"] is True
    with pytest.raises(LabelStudioError) as info:
        client.create_project("x", "<View/>")
    assert str(info.value) == (
        "the server refused the project: Ensure this field has at least 3 characters."
    )


# --- import ---------------------------------------------------------------------------------


def test_import_in_chunks_keeps_input_order(fake: str) -> None:
    client = Client(fake, TOKEN)
    project = client.create_project("chunks", "<View/>")
    calls: list[tuple[int, int]] = []
    tasks = (_task(n) for n in range(25))  # a generator: read lazily
    report = client.import_tasks(
        project, tasks, chunk_size=10, progress=lambda d, r: calls.append((d, r))
    )
    assert report.ok
    assert report.sent == 25
    assert report.requests == 3
    assert list(report.task_ids) == list(range(25))
    assert list(report.task_ids.values()) == list(range(1, 26))
    assert calls == [(10, 0), (20, 0), (25, 0)]
    assert report.summary() == "imported 25 of 25 tasks into project 1"


@pytest.mark.parametrize("kind", ["numbered", "item", "anonymous"])
def test_import_isolates_refused_tasks(fake: str, kind: str) -> None:
    client = Client(fake, TOKEN)
    project = client.create_project("refusals", "<View/>")
    bad = {3, 4, 17}
    tasks = [_task(n, kind if n in bad else None) for n in range(20)]
    report = client.import_tasks(project, tasks, chunk_size=8)
    assert [refusal.index for refusal in report.refused] == sorted(bad)
    assert sorted(report.task_ids) == [n for n in range(20) if n not in bad]
    assert not report.ok
    stored = [t["data"]["image"] for t in FakeLabelStudio.tasks.values()]
    assert stored == [f"https://example.com/{n}.jpg" for n in range(20) if n not in bad]
    reasons = {
        "numbered": ("prediction 0: Region 0: x out of bounds",),
        "item": ('"image" key is expected in task data',),
        "anonymous": ("something is wrong",),
    }[kind]
    assert all(refusal.errors == reasons for refusal in report.refused)
    if kind == "numbered":  # the server named the tasks: one retry per chunk, no halving
        assert report.requests == 3 + 2


def test_import_refusal_report_text() -> None:
    report = ImportReport(
        project_id=3,
        sent=30,
        task_ids={n: n + 1 for n in range(5)},
        refused=[Refusal(index=n, status=400, errors=("bad",)) for n in range(5, 30)],
    )
    text = report.summary(limit=2)
    assert text.splitlines() == [
        "imported 5 of 30 tasks into project 3; the server refused 25:",
        "  task #5: bad",
        "  task #6: bad",
        "  ... and 23 more",
    ]


def test_import_argument_errors(fake: str) -> None:
    client = Client(fake, TOKEN)
    with pytest.raises(ValueError, match=r"^chunk_size must be at least 1, got 0$"):
        client.import_tasks(1, [_task(0)], chunk_size=0)
    with pytest.raises(ValueError, match=r"^task #1 is not plain JSON: Out of range float"):
        client.import_tasks(1, [_task(0), {"data": {"x": math.nan}}])


def test_import_into_missing_project_raises(fake: str) -> None:
    with pytest.raises(LabelStudioError, match=r"HTTP 404 \(not found: check the URL"):
        Client(fake, TOKEN).import_tasks(99, [_task(0)])


def test_chunks_respect_byte_limit() -> None:
    tasks = [{"data": {"text": "x" * 100}} for _ in range(10)]
    sizes = [len(chunk) for chunk in _chunks(tasks, 100, 400)]
    assert sizes == [3, 3, 3, 1]
    assert [len(c) for c in _chunks(tasks, 100, 10)] == [1] * 10  # a big task goes alone


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 60), size=st.integers(1, 12))
def test_chunks_keep_every_task_in_order(n: int, size: int) -> None:
    tasks = [{"data": {"i": i}} for i in range(n)]
    chunks = list(_chunks(tasks, size, 10_000))
    assert all(1 <= len(chunk) <= size for chunk in chunks)
    flat = [item for chunk in chunks for item in chunk]
    assert [index for index, _ in flat] == list(range(n))
    assert [json.loads(raw) for _, raw in flat] == tasks


# --- read back ------------------------------------------------------------------------------


def test_read_tasks_pages(fake: str) -> None:
    client = Client(fake, TOKEN)
    project = client.create_project("pages", "<View/>")
    client.import_tasks(project, [_task(n) for n in range(7)])
    other = client.create_project("other", "<View/>")
    client.import_tasks(other, [_task(99)])
    tasks = list(client.iter_tasks(project, page_size=3))
    assert [t["id"] for t in tasks] == list(range(1, 8))
    assert client.read_tasks(other)[0]["data"]["image"] == "https://example.com/99.jpg"


def test_jwt_token_is_exchanged_and_refreshed(fake: str) -> None:
    client = Client(fake, REFRESH)
    project = client.create_project("jwt", "<View/>")
    FakeLabelStudio.access_tokens.clear()  # the server forgets it: a 401 makes us refresh
    client.import_tasks(project, [_task(0)])
    refreshes = [r for r in FakeLabelStudio.requests if r[1] == "/api/token/refresh/"]
    assert len(refreshes) == 2
    assert all(auth.startswith("Bearer ") for _, path, auth in FakeLabelStudio.requests[-1:])


# --- stored_differences ---------------------------------------------------------------------


def _stored(task: dict[str, Any], **changes: Any) -> dict[str, Any]:
    back = json.loads(json.dumps(task))
    back["id"] = 5
    for prediction in back["predictions"]:
        prediction.update({"id": 1, "created_at": "2026-01-01", "task": 5})
    back.update(changes)
    return back


def test_stored_unchanged() -> None:
    task = _task(1)
    assert stored_differences(task, _stored(task)) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            lambda p: p["result"][0]["value"].update(x=2),
            ["$[4].predictions[0].result[0].value.x: sent 1.5, stored 2"],
            id="value",
        ),
        pytest.param(
            lambda p: p.update(score=None),
            ["$[4].predictions[0].score: sent 0.5, stored null"],
            id="score",
        ),
        pytest.param(
            lambda p: p["result"][0].pop("id"),
            ['$[4].predictions[0].result[0].id: sent "r1", not stored'],
            id="dropped-key",
        ),
        pytest.param(
            lambda p: p["result"][0].update(origin="prediction"),
            ['$[4].predictions[0].result[0].origin: not sent, stored "prediction"'],
            id="added-key",
        ),
        pytest.param(
            lambda p: p["result"][0]["value"].update(width=3.0),
            ["$[4].predictions[0].result[0].value.width: sent 3, stored 3.0"],
            id="int-became-float",
        ),
        pytest.param(
            lambda p: p["result"].append({}),
            ["$[4].predictions[0].result: sent 1 item(s), stored 2"],
            id="extra-result",
        ),
    ],
)
def test_stored_differences(change: Any, expected: list[str]) -> None:
    task = _task(1)
    back = _stored(task)
    change(back["predictions"][0])
    assert stored_differences(task, back, index=4) == expected


def test_missing_model_version_is_reported() -> None:
    task = _task(1)
    del task["predictions"][0]["model_version"]
    back = _stored(task)
    back["predictions"][0]["model_version"] = "undefined"
    assert stored_differences(task, back) == [
        '$.predictions[0].model_version: sent none, stored "undefined" '
        "(set model_version on every prediction)"
    ]


def test_prediction_count_differs() -> None:
    task = _task(1)
    assert stored_differences(task, _stored(task, predictions=[])) == [
        "$.predictions: sent 1 prediction(s), stored 0"
    ]


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None)
@given(data=st.dictionaries(st.text(max_size=5), _json, max_size=4), result=st.lists(_json))
def test_round_trip_is_unchanged(data: dict[str, Any], result: list[Any]) -> None:
    task = {"data": data, "predictions": [{"model_version": "m", "score": 0.1, "result": result}]}
    assert stored_differences(task, json.loads(json.dumps(task))) == []


def test_error_lines_shapes() -> None:
    assert _error_lines({"detail": "Invalid token."}) == ["Invalid token."]
    html = "<!doctype html><html><head><title>Not Found</title></head></html>"
    assert _error_lines(html) == ["Not Found"]
    assert _error_lines({"validation_errors": {"a": ["x" * 400]}}) == ["x" * 297 + "..."]


# --- the CLI --------------------------------------------------------------------------------


def _run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="prelabel")
    upload.add_parser(parser.add_subparsers(dest="command"))
    return upload.run(parser.parse_args(["upload", *argv]))


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "config.xml").write_text("<View/>", encoding="utf-8")
    good = [_task(n) for n in range(5)]
    (tmp_path / "good.json").write_text(json.dumps(good), encoding="utf-8")
    bad = [_task(0), _task(1, "numbered"), _task(2)]
    (tmp_path / "bad.jsonl").write_text("\n".join(map(json.dumps, bad)) + "\n", encoding="utf-8")
    return tmp_path


def test_cli_upload_and_check(
    fake: str, files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", TOKEN)
    status = _run_cli(
        ["--url", fake, "--config", str(files / "config.xml"), str(files / "good.json")]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    assert out.splitlines() == [
        "imported 5 of 5 tasks into project 1",
        f"project: {fake}/projects/1/data",
        "read back 5 tasks: every prediction stored as sent",
    ]
    assert FakeLabelStudio.projects[1]["title"] == "prelabel upload good.json"


def test_cli_reports_refusals_as_json(
    fake: str, files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--url", fake, "--token", TOKEN, "--config", str(files / "config.xml")]
    status = _run_cli([*argv, "--format", "json", str(files / "bad.jsonl")])
    report = json.loads(capsys.readouterr().out)
    assert status == 1
    assert report["imported"] == 2
    assert report["refused"] == [
        {"index": 1, "errors": ["prediction 0: Region 0: x out of bounds"]}
    ]
    assert report["differences"] == []


def test_cli_check_finds_a_changed_prediction(
    fake: str, files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = FakeLabelStudio._import

    def altering(self: FakeLabelStudio, project_id: int, body: list[dict[str, Any]]) -> None:
        body[2]["predictions"][0]["score"] = 0.25  # the "server" changes what it stores
        original(self, project_id, body)

    monkeypatch.setattr(FakeLabelStudio, "_import", altering)
    argv = ["--url", fake, "--token", TOKEN, "--config", str(files / "config.xml")]
    assert _run_cli([*argv, str(files / "good.json")]) == 1
    out = capsys.readouterr().out
    assert "  $[2].predictions[0].score: sent 0.5, stored 0.25" in out.splitlines()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["t.json"], "no server: pass --url or set LABEL_STUDIO_URL", id="no-url"),
        pytest.param(
            ["--url", "http://127.0.0.1:9", "t.json"],
            "no token: set LABEL_STUDIO_API_KEY (or pass --token)",
            id="no-token",
        ),
        pytest.param(
            ["--url", "http://127.0.0.1:9", "--token", "abcdef", "t.json"],
            "pass --config CONFIG.xml to create a project, or --project ID to use one",
            id="no-config",
        ),
    ],
)
def test_cli_usage_errors(
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    assert _run_cli(argv) == 2
    assert capsys.readouterr().err == f"prelabel upload: {message}\n"


def test_cli_unreadable_file(fake: str, files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--url", fake, "--token", TOKEN, "--project", "1", str(files / "missing.json")]
    FakeLabelStudio.projects[1] = {"title": "existing"}
    assert _run_cli(argv) == 2
    assert "prelabel upload: cannot read" in capsys.readouterr().err
