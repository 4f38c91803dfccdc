"""prelabel.labelstudio and ``prelabel upload`` against the real server: refusals, tokens, CLI."""

from __future__ import annotations

import argparse
import json
import urllib.request
from pathlib import Path

import pytest

from integration.broken_cases import CASES, CONFIGS, Case
from integration.server import LabelStudioServer
from prelabel.cli import upload
from prelabel.labelstudio import Client, stored_differences


def _case(case_id: str) -> Case:
    return next(case for case in CASES if case.id == case_id)


def test_refused_tasks_are_isolated_in_one_chunk(ls_client: Client) -> None:
    good = _case("valid-rectangle").task
    bad = {
        2: _case("rect-pixels").task,  # refused by the prediction check ("Task i, ...")
        5: _case("data-key-missing").task,  # refused by the data check ("Error at item i")
        7: _case("rect-label-unknown").task,
    }
    tasks = [bad.get(i, good) for i in range(10)]
    project = ls_client.create_project("isolate refusals", CONFIGS["image"])
    report = ls_client.import_tasks(project, tasks, chunk_size=10)
    assert [refusal.index for refusal in report.refused] == [2, 5, 7]
    assert sorted(report.task_ids) == [0, 1, 3, 4, 6, 8, 9]
    assert "out of bounds" in report.refused[0].errors[0]
    assert report.refused[1].errors == ('"image" key is expected in task data',)
    stored = {task["id"]: task for task in ls_client.iter_tasks(project)}
    assert sorted(stored) == sorted(report.task_ids.values())
    for index, task_id in report.task_ids.items():
        assert stored_differences(tasks[index], stored[task_id]) == []


def test_a_personal_access_token_works(ls_server: LabelStudioServer) -> None:
    request = urllib.request.Request(
        f"{ls_server.url}/api/token/",
        data=b"{}",
        method="POST",
        headers={"Authorization": f"Token {ls_server.token}", "Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as answer:
        refresh = json.loads(answer.read())["token"]
    client = Client(ls_server.url, refresh)
    project = client.create_project("personal token", CONFIGS["text"])
    report = client.import_tasks(project, [_case("valid-ner-relation").task])
    assert report.ok


def _run_upload(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="prelabel")
    upload.add_parser(parser.add_subparsers(dest="command"))
    return upload.run(parser.parse_args(["upload", *argv]))


def test_upload_command(
    ls_server: LabelStudioServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "config.xml").write_text(CONFIGS["image"], encoding="utf-8")
    tasks = [_case("valid-rectangle").task, _case("rect-pixels").task, _case("valid-brush").task]
    lines = "".join(json.dumps(task) + "\n" for task in tasks)
    (tmp_path / "tasks.jsonl").write_text(lines, encoding="utf-8")
    argv = ["--url", ls_server.url, "--token", ls_server.token, "--no-progress"]
    argv += ["--config", str(tmp_path / "config.xml"), str(tmp_path / "tasks.jsonl")]

    assert _run_upload(argv) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("imported 2 of 3 tasks into project ")
    assert out[0].endswith("; the server refused 1:")
    assert out[1].startswith("  task #1: prediction 0: Region 0: Invalid geometry")
    assert out[-1] == "read back 2 tasks: every prediction stored as sent"

    (tmp_path / "good.json").write_text(json.dumps([tasks[0], tasks[2]]), encoding="utf-8")
    argv[-1] = str(tmp_path / "good.json")
    assert _run_upload([*argv, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["imported"], report["refused"], report["differences"]) == (2, [], [])
