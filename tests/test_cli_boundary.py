"""The command line's one exception boundary: an error no command expected is one located line
and exit status 2 (a traceback only with --debug), machine output stays JSON, no secret shows."""

from __future__ import annotations

import argparse
import json

import pytest

from prelabel.cli import COMMANDS, main


def _boom(message: str) -> object:
    def run(args: argparse.Namespace) -> int:
        raise RuntimeError(message)

    return run


ARGV = {
    "inspect": ["c.xml"],
    "validate": ["--config", "c.xml", "t.json"],
    "convert": ["a.json", "b.json"],
    "from-coco": ["a.json", "o", "--config", "c"],
    "from-yolo": ["d", "o", "--config", "c", "--classes", "a,b"],
    "upload": ["t.json"],
}


@pytest.mark.parametrize("command", sorted(ARGV))
def test_every_command_gets_the_boundary(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(COMMANDS[command], "run", _boom("it broke"))
    assert main([command, *ARGV[command]]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"prelabel {command}: unexpected RuntimeError: it broke "
        "(--debug shows where; please report it)\n"
    )


def test_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(COMMANDS["inspect"], "run", _boom("it broke"))
    assert main(["inspect", "c.xml", "--debug"]) == 2
    assert "Traceback (most recent call last)" in capsys.readouterr().err
    assert main(["--debug", "inspect", "c.xml"]) == 2
    assert "Traceback (most recent call last)" in capsys.readouterr().err
    monkeypatch.setenv("PRELABEL_DEBUG", "1")
    assert main(["inspect", "c.xml"]) == 2
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_json_output_stays_json_and_secrets_are_redacted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        COMMANDS["inspect"], "run", _boom("http://bob:hunter2@h/ said Token s3cr3tvalue")
    )
    assert main(["inspect", "c.xml", "--format", "json"]) == 2
    out, err = capsys.readouterr()
    answer = json.loads(out)
    assert answer["ok"] is False
    for text in (out, err):
        assert "hunter2" not in text
        assert "s3cr3tvalue" not in text
    assert "http://***@h/" in err


def test_a_command_that_printed_keeps_its_output(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(args: argparse.Namespace) -> int:
        print("[]")
        raise ValueError("late")

    monkeypatch.setattr(COMMANDS["inspect"], "run", run)
    assert main(["inspect", "c.xml", "--format", "json"]) == 2
    out, _ = capsys.readouterr()
    assert out == "[]\n"
