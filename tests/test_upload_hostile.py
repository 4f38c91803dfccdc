"""The upload client against a misbehaving server on loopback: no token leaves for another
address, every wait is bounded, nonsense answers are located errors, an interrupted import
says exactly what is in and ``--resume`` finishes it without duplicates."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from hostile_server import Handler, cut, drip, serve
from prelabel.cli import main
from prelabel.io import write_json
from prelabel.labelstudio import Client, ImportInterruptedError, LabelStudioError

TOKEN = "tok-0123456789abcdef"


def _tasks(count: int) -> list[dict[str, Any]]:
    return [{"data": {"text": f"t{i}"}} for i in range(count)]


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_redirect_to_another_port_never_gets_the_token(method: str) -> None:
    with serve(lambda h: h.send(200, {"status": "UP"})) as other:

        def redirect(handler: Handler) -> None:
            handler.send(301, b"", {"Location": f"{other.url}/api/projects/"})

        with serve(redirect) as server:
            client = Client(server.url, TOKEN, retries=0)
            call = client.read_task if method == "GET" else lambda _: client.create_project("p", "")
            with pytest.raises(
                LabelStudioError, match=r"redirected \(HTTP 301\) to http://"
            ) as info:
                call(1)
        assert other.seen == []  # nothing at all went to the other address
        assert f"{method} {server.url}/api/" in str(info.value)  # blames the request it made
        assert TOKEN not in str(info.value)


def test_a_same_origin_redirect_of_a_read_is_followed() -> None:
    def answer(handler: Handler) -> None:
        if handler.path.startswith("/api/tasks/1/"):
            handler.send(302, b"", {"Location": "/api/tasks/2/"})
        else:
            handler.send(200, {"id": 2, "data": {}})

    with serve(answer) as server:
        assert Client(server.url, TOKEN).read_task(1)["id"] == 2
        assert [auth for _, _, auth, _ in server.seen] == [f"Token {TOKEN}"] * 2


def test_a_dripping_server_is_cut_off_at_the_timeout() -> None:
    with serve(lambda h: drip(h, 6)) as server:
        started = time.monotonic()
        with pytest.raises(LabelStudioError, match="no complete answer within 1 s"):
            Client(server.url, TOKEN, timeout_s=1, retries=0).read_task(1)
        assert time.monotonic() - started < 3


def test_the_overall_deadline_bounds_retries() -> None:
    with serve(lambda h: h.send(503, {"detail": "busy"})) as server:
        started = time.monotonic()
        with pytest.raises(LabelStudioError, match=r"HTTP 503|deadline"):
            Client(server.url, TOKEN, deadline_s=1.5, retries=10).read_task(1)
        assert time.monotonic() - started < 3


def test_reads_are_retried_with_backoff_imports_are_not() -> None:
    calls = {"n": 0}

    def flaky(handler: Handler) -> None:
        calls["n"] += 1
        if calls["n"] <= 2:
            handler.send(503, {"detail": "busy"}, {"Retry-After": "0"})
        else:
            handler.send(200, {"id": 1, "data": {}})

    with serve(flaky) as server:
        assert Client(server.url, TOKEN).read_task(1)["id"] == 1
        assert calls["n"] == 3
    with (
        serve(lambda h: h.send(503, {"detail": "busy"})) as server,
        pytest.raises(LabelStudioError, match="HTTP 503"),
    ):
        Client(server.url, TOKEN).import_tasks(1, _tasks(2))
    assert len(server.seen) == 1


def test_a_server_that_ignores_paging_is_stopped() -> None:
    page = [{"id": n, "data": {}} for n in range(3)]
    with serve(lambda h: h.send(200, page)) as server:
        with pytest.raises(LabelStudioError, match="ignores paging"):
            list(Client(server.url, TOKEN).iter_tasks(1, page_size=3))
        assert len(server.seen) == 2


@pytest.mark.parametrize(
    "body", [b"not json", b"{}", b"[1, 2]", b'{"id": "7"}', b'{"id": true}', b"null"]
)
def test_nonsense_answers_to_project_creation_are_located_errors(body: bytes) -> None:
    with (
        serve(lambda h: h.send(201, body)) as server,
        pytest.raises(LabelStudioError, match="POST /api/projects/ answered without a project id"),
    ):
        Client(server.url, TOKEN).create_project("p", "<View/>")


def test_read_back_tasks_without_ids_are_a_located_error() -> None:
    with (
        serve(lambda h: h.send(200, [{"data": {}}])) as server,
        pytest.raises(LabelStudioError, match="not a list of tasks with ids"),
    ):
        list(Client(server.url, TOKEN).iter_tasks(1))


def test_a_connection_closed_mid_answer_is_a_located_error() -> None:
    with (
        serve(cut) as server,
        pytest.raises(
            LabelStudioError, match=r"cannot reach .*POST /api/projects/; the server may"
        ),
    ):
        Client(server.url, TOKEN).create_project("p", "<View/>")


def test_an_echoed_token_and_url_password_are_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    def echo(handler: Handler) -> None:
        handler.send(403, {"detail": f"bad {handler.headers.get('Authorization')}"})

    with serve(echo) as server:
        with pytest.raises(LabelStudioError) as info:
            Client(server.url, TOKEN).read_task(1)
        assert TOKEN not in str(info.value)
        assert "Token ***" in str(info.value)
        url = server.url.replace("http://", "http://bob:pa55word@")
        assert main(["upload", "t.json", "--url", url, "--token", TOKEN, "--project", "1"]) == 2
        err = capsys.readouterr().err
        assert "pa55word" not in err
        assert TOKEN not in err


class Importer:
    """A server that imports tasks, and fails every import after ``fail_after`` requests."""

    def __init__(self, fail_after: int | None) -> None:
        self.fail_after = fail_after
        self.stored: list[dict[str, Any]] = []
        self.imports = 0

    def __call__(self, handler: Handler) -> None:
        if handler.command == "POST" and "/import" in handler.path:
            self.imports += 1
            if self.fail_after is not None and self.imports > self.fail_after:
                handler.send(500, b"<html><title>Server Error</title></html>")
                return
            tasks = json.loads(handler.body)
            first = len(self.stored) + 1
            self.stored += [{"id": first + n, **t} for n, t in enumerate(tasks)]
            handler.send(201, {"task_ids": list(range(first, first + len(tasks)))})
        elif handler.command == "GET" and handler.path.startswith("/api/tasks/"):
            handler.send(200, {"tasks": self.stored, "total": len(self.stored)})
        else:
            handler.send(404, {"detail": "no"})


def test_an_interrupted_import_says_what_is_in_and_resume_adds_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_json(tmp_path / "t.json", _tasks(250))
    importer = Importer(fail_after=2)
    with serve(importer) as server:
        with pytest.raises(ImportInterruptedError) as info:
            Client(server.url, TOKEN).import_tasks(7, _tasks(250), chunk_size=100)
        report = info.value.report
        assert sorted(report.task_ids) == list(range(200))
        assert report.unconfirmed == list(range(200, 250))

        argv = ["upload", str(source), "--url", server.url, "--token", TOKEN, "--project", "7"]
        importer.stored.clear()
        importer.imports = 0
        assert main([*argv, "--chunk-size", "100", "--format", "json"]) == 2
        out, err = capsys.readouterr()
        answer = json.loads(out)
        assert (answer["ok"], answer["imported"], answer["resume"]) == (
            False,
            200,
            "--project 7 --resume",
        )
        assert "tasks #200-#249 were in the request that failed" in err

        importer.fail_after = None
        assert main([*argv, "--chunk-size", "100", "--resume"]) == 0
        out, _ = capsys.readouterr()
        assert "imported 50 of 250 tasks into project 7 (200 skipped: already there)" in out
        assert [t["data"]["text"] for t in importer.stored] == [f"t{i}" for i in range(250)]


def test_refusing_every_task_takes_about_one_request_per_task() -> None:
    def refuse(handler: Handler) -> None:
        handler.send(400, {"detail": "something is wrong"})

    with serve(refuse) as server:
        report = Client(server.url, TOKEN).import_tasks(1, _tasks(1200), chunk_size=500)
    assert len(report.refused) == 1200
    assert report.requests < 1300  # halving alone took 2,397


def test_timeout_and_deadline_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["upload", "t.json", "--url", "http://x", "--token", "t", "--timeout", "0"]) == 2
    assert "--timeout: expected a positive number of seconds" in capsys.readouterr().err
