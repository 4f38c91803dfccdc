"""``prelabel inspect``: run in-process, exact output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import DATA, TEMPLATES
from prelabel.cli import main

OCR = DATA / "ls-templates" / "computer-vision__optical-character-recognition.xml"


def test_inspect_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(OCR)]) == 0
    assert capsys.readouterr().out == (
        "objects:\n"
        "  name   kind   data\n"
        "  image  Image  $ocr\n"
        "controls:\n"
        "  name           kind       type       to     labels\n"
        "  label          Labels     labels     image  Text, Handwriting\n"
        "  bbox           Rectangle  rectangle  image\n"
        "  poly           Polygon    polygon    image\n"
        "  transcription  TextArea   textarea   image  [per_region]\n"
    )


def test_inspect_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", "--format", "json", str(OCR)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["objects"] == [
        {"name": "image", "kind": "Image", "data_keys": ["ocr"], "value_type": None, "line": 2}
    ]
    assert [c["name"] for c in summary["controls"]] == ["label", "bbox", "poly", "transcription"]
    assert summary["controls"][0]["labels"] == ["Text", "Handwriting"]
    assert summary["controls"][3]["per_region"] is True
    assert summary["relations"] is None
    assert summary["warnings"] == []


@pytest.mark.parametrize("path", TEMPLATES, ids=[p.stem for p in TEMPLATES])
def test_inspect_works_on_every_template(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(path)]) == 0
    assert "controls:" in capsys.readouterr().out
    assert main(["inspect", "--format", "json", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["controls"]


def test_inspect_invalid_config_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(
        '<View>\n<Image name="image" value="$i"/>\n<Choices name="c" toName="img">'
        '<Choice value="A"/></Choices></View>'
    )
    assert main(["inspect", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f'prelabel: {path}: invalid labeling config: toName="img" names no object tag; '
        "did you mean 'image'? (object tags: image) (<Choices name=\"c\">, line 3)\n"
    )


def test_inspect_hostile_config_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "evil.xml"
    path.write_text('<!DOCTYPE v [<!ENTITY x SYSTEM "file:///etc/passwd">]><View>&x;</View>')
    assert main(["inspect", str(path)]) == 1
    assert "DOCTYPE and entity declarations are not allowed" in capsys.readouterr().err


def test_inspect_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.xml"
    assert main(["inspect", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"prelabel: cannot read {missing}: No such file or directory\n"
    )


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["inspect"]) == 2
    assert main(["inspect", "--format", "yaml", str(OCR)]) == 2
    assert "usage: prelabel" in capsys.readouterr().err
