"""Readers bound what they read and go on after a bad line or file; extreme but valid JSON
becomes a located error (exit 2, complete JSON output), never a traceback; hostile XML in a
wide encoding or with huge attribute lists is refused fast."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from prelabel import LabelConfig
from prelabel.cli import main
from prelabel.errors import ConfigError, TaskFileError
from prelabel.io import _jsonl as jsonl_module
from prelabel.io import read_tasks, read_tasks_located

CONFIG = '<View><Text name="t" value="$text"/></View>'
DEEP = "[" * 100_000 + "]" * 100_000
HUGE_INT = '{"data": {"text": "a", "n": ' + "9" * 5000 + "}}"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "c.xml"
    path.write_text(CONFIG)
    return path


def _errors(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    problems: list[str] = []
    tasks = [t for _, t in read_tasks_located(path, on_error=lambda e: problems.append(str(e)))]
    return problems, tasks


def test_a_bad_line_is_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    lines = ['{"data": {"text": "1"}}', "not json", HUGE_INT, '{"data": {"n": -1e400}}']
    lines += ['{"data": {"x": ' + DEEP + "}}", "[1]", '{"data": {"text": "2"}}']
    path.write_text("\n".join(lines) + "\n")
    problems, tasks = _errors(path)
    assert [t["data"]["text"] for t in tasks] == ["1", "2"]
    assert [p.split(":")[1] for p in problems] == ["2", "3", "4", "5", "6"]
    assert "too large to read" in problems[1]
    assert "$.data.n is a number beyond the float range" in problems[2]
    assert "nests deeper than the JSON reader allows" in problems[3]
    with pytest.raises(TaskFileError, match=r"t\.jsonl:2:1: invalid JSON"):
        list(read_tasks(path))  # without on_error: the first problem, as before


def test_a_json_list_goes_on_after_an_element_that_is_not_a_task(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('[{"data": {"text": "1"}}, 7, {"data": {"v": 1e999}}, {"data": {"text": "2"}}]')
    problems, tasks = _errors(path)
    assert [t["data"]["text"] for t in tasks] == ["1", "2"]
    assert "task 1: a task must be a JSON object, got a number" in problems[0]
    assert "task 2: $.data.v is a number beyond the float range" in problems[1]


def test_deep_and_huge_json_files_are_located_errors(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP)
    with pytest.raises(TaskFileError, match=r"deep\.json:1: task 0: nests deeper"):
        list(read_tasks(deep))
    huge = tmp_path / "huge.json"
    huge.write_text(f"[{HUGE_INT}]")
    with pytest.raises(TaskFileError, match=r"huge\.json:1: task 0: holds a number too large"):
        list(read_tasks(huge))


def test_a_directory_reads_past_loops_fifos_and_bad_files(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.json").write_text('{"data": {"text": "a"}}')
    (folder / "loop1.json").symlink_to("loop2.json")
    (folder / "loop2.json").symlink_to("loop1.json")
    (folder / "latin.json").write_bytes(b'{"data": {"text": "\xe9"}}')
    os.mkfifo(folder / "pipe.jsonl")
    (folder / "z.jsonl").write_text('{"data": {"text": "z"}}\n')
    problems, tasks = _errors(folder)
    assert [t["data"]["text"] for t in tasks] == ["a", "z"]
    text = "\n".join(problems)
    assert "loop1.json: Too many levels of symbolic links; skipped" in text
    assert "pipe.jsonl: a FIFO" in text
    assert "latin.json: not UTF-8" in text


def test_a_line_without_end_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl_module, "MAX_LINE_BYTES", 1000)
    link = tmp_path / "zero.jsonl"
    link.symlink_to("/dev/zero")
    problems, tasks = _errors(link)
    assert tasks == []
    assert problems == [
        f"{link}:1: a line longer than 1,000 bytes (Label Studio refuses requests over 250 MB); "
        "the rest of the file is not read"
    ]


def test_validate_extreme_json_exits_2_with_complete_json_and_checks_the_rest(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP)
    huge = tmp_path / "huge.jsonl"
    huge.write_text(HUGE_INT + "\n")
    good = tmp_path / "good.jsonl"
    good.write_text('{"data": {"text": "x"}, "predictions": [{"result": [{"from_name": 1}]}]}\n')
    for jobs in ("1",):  # (--jobs 2 gives the same: tests/test_cli_jobs.py)
        status = main(["validate", "--config", str(config), "--format", "json", "--jobs", jobs,
                       str(deep), str(huge), str(good)])  # fmt: skip
        out, err = capsys.readouterr()
        assert status == 2
        problems = json.loads(out)  # complete JSON, and the last file was checked
        assert problems
        assert {p["file"] for p in problems} == {str(good)}
        assert "Traceback" not in err
        assert "deep.json:1: task 0: nests deeper" in err


def test_an_unreadable_config_is_bounded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    assert main(["inspect", "/dev/zero"]) == 1
    assert "larger than the 4,194,304-byte limit" in capsys.readouterr().err
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_doctype_in_a_wide_encoding_is_refused(encoding: str) -> None:
    xml = (
        '<!DOCTYPE View [<!ENTITY e "Evil">]><View><Image name="i" value="$i"/>'
        '<Choices name="c" toName="i"><Choice value="&e;"/></Choices></View>'
    )
    with pytest.raises(ConfigError, match="DOCTYPE and entity declarations are not allowed"):
        LabelConfig.parse(xml.encode(encoding))


def test_a_config_in_utf16_still_reads() -> None:
    config = LabelConfig.parse('<View><Image name="i" value="$i"/></View>'.encode("utf-16"))
    assert [o["name"] for o in config.to_dict()["objects"]] == ["i"]


def test_a_hundred_thousand_attributes_are_refused_fast() -> None:
    attrs = " ".join(f'a{i}="x"' for i in range(100_000))
    started = time.monotonic()
    with pytest.raises(ConfigError, match="100,002 attributes, over the 1,000 accepted"):
        LabelConfig.parse(f'<View><Image name="i" value="$i" {attrs}/></View>')
    assert time.monotonic() - started < 5  # was 78 s
