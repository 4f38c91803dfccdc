"""``prelabel from-coco`` and ``prelabel from-yolo``, in-process: files, exit codes, output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from prelabel import LabelConfig
from prelabel.cli import COMMANDS, main
from prelabel.io import read_tasks
from prelabel.validate import check

DATA = Path(__file__).parent / "data" / "adapters"
COCO = DATA / "coco" / "instances.json"
RESULTS = DATA / "coco" / "results.json"
YOLO = DATA / "yolo"

CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image">
    <Label value="Person"/><Label value="Car"/><Label value="Dog"/>
  </RectangleLabels>
  <BrushLabels name="mask" toName="image">
    <Label value="Person"/><Label value="Car"/><Label value="Dog"/>
  </BrushLabels>
</View>
"""


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "config.xml"
    path.write_text(CONFIG)
    return path


def _run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _valid(path: Path) -> list[dict[str, Any]]:
    tasks = list(read_tasks(path))
    assert [r for r in check(tasks, LabelConfig.parse(CONFIG)) if r.severity == "error"] == []
    return tasks


def test_commands_are_registered() -> None:
    assert {"from-coco", "from-yolo"} <= set(COMMANDS)


def test_from_coco_results(tmp_path: Path, config_path: Path, capsys: Any) -> None:
    out = tmp_path / "preds.json"
    status, stdout, stderr = _run(
        capsys,
        "from-coco", str(COCO), str(out), "--config", str(config_path),
        "--results", str(RESULTS), "--min-score", "0.5", "--drop-unmapped",
        "--with-ground-truth", "--model-version", "mask-rcnn",
    )  # fmt: skip
    assert (status, stderr) == (0, "")
    assert stdout == (
        f"wrote 3 task(s) to 1 file:\n  {out}\n"
        "left out, class without a label: bicycle x2\n"
        "left out, score below min_score: 1\n"
    )
    tasks = _valid(out)
    assert [t["predictions"][0]["model_version"] for t in tasks] == ["mask-rcnn"] * 3
    assert all(len(t["annotations"]) == 1 for t in tasks)


def test_from_coco_dataset_as_predictions_jsonl_json_summary(
    tmp_path: Path, config_path: Path, capsys: Any
) -> None:
    out = tmp_path / "gt.jsonl"
    status, stdout, _ = _run(
        capsys,
        "from-coco", str(COCO), str(out), "--config", str(config_path), "--as", "predictions",
        "--boxes", "box", "--image-url", "s3://coco/{file_name}", "--skip-crowd",
        "--format", "json",
    )  # fmt: skip
    assert status == 0
    summary = json.loads(stdout)
    assert summary == {
        "ok": True,
        "tasks": 3,
        "files": [str(out)],
        "dropped": {},
        "skipped": {"crowd annotation": 1},
    }
    tasks = _valid(out)
    assert tasks[0]["data"] == {"image": "s3://coco/street.jpg"}
    assert tasks[0]["predictions"][0]["model_version"] == "coco"


def test_from_coco_unmapped_class_fails_and_writes_nothing(
    tmp_path: Path, config_path: Path, capsys: Any
) -> None:
    out = tmp_path / "preds.json"
    status, stdout, stderr = _run(
        capsys, "from-coco", str(COCO), str(out), "--config", str(config_path),
        "--results", str(RESULTS),
    )  # fmt: skip
    assert (status, stdout) == (1, "")
    assert stderr == (
        "prelabel: image 1 boxes: model class(es) 'bicycle' map to no label of "
        "<RectangleLabels name='box'> (labels: 'Person', 'Car', 'Dog'); pass mapping={...}, "
        'add predicted_values="..." to a <Label>, or unmapped="drop" (here: --map '
        f"CLASS=LABEL or --drop-unmapped); nothing was written to {out}\n"
    )
    assert not out.exists()


def test_from_coco_map_option(tmp_path: Path, config_path: Path, capsys: Any) -> None:
    out = tmp_path / "preds.json"
    status, _, _ = _run(
        capsys, "from-coco", str(COCO), str(out), "--config", str(config_path),
        "--results", str(RESULTS), "--map", "bicycle=Person", "--map", "3=Car",
    )  # fmt: skip
    assert status == 0
    labels = [r["value"]["rectanglelabels"] for r in _valid(out)[0]["predictions"][0]["result"]
              if r["type"] == "rectanglelabels"]  # fmt: skip
    assert labels == [["Car"], ["Person"], ["Person"]]


def test_from_coco_config_it_cannot_fill(tmp_path: Path, capsys: Any) -> None:
    config = tmp_path / "config.xml"
    config.write_text(CONFIG.replace('value="$image"', 'value="$image" valueList="$images"'))
    status, _, stderr = _run(
        capsys, "from-coco", str(COCO), str(tmp_path / "o.json"), "--config", str(config)
    )
    assert status == 1
    assert "shows a list of images (valueList)" in stderr


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_from_coco_task_that_fails_validation(tmp_path: Path, capsys: Any, fmt: str) -> None:
    config = tmp_path / "config.xml"  # a caption the COCO tasks do not carry
    config.write_text(CONFIG.replace("</View>", '<Text name="caption" value="$caption"/></View>'))
    out = tmp_path / "o.json"
    status, stdout, stderr = _run(
        capsys, "from-coco", str(COCO), str(out), "--config", str(config), "--format", fmt
    )
    assert status == 1
    assert not out.exists()
    if fmt == "json":
        report = json.loads(stdout)
        assert report["ok"] is False
        assert [p["loc"] for p in report["problems"]] == ["$[0].data.caption"]
    else:
        assert stderr.startswith(
            f"prelabel: a task does not fit the config; nothing was written to {out}:\n"
            "  $[0].data.caption: error"
        )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param(["--with-ground-truth"], "prelabel: --with-ground-truth needs --results\n",
                     id="ground-truth"),
        pytest.param(["--results", str(RESULTS), "--as", "predictions"],
                     "prelabel: --as is for the dataset's annotations; with --results they are "
                     "predictions\n", id="as"),
        pytest.param(["--min-score", "0.5"],
                     "prelabel: --min-score filters detections: it needs --results\n",
                     id="min-score"),
        pytest.param(["--map", "person"], "prelabel: --map takes CLASS=LABEL, got 'person'\n",
                     id="map"),
        pytest.param(["--boxes", "nope"], "no control named 'nope'", id="control"),
        pytest.param(["--results", str(DATA / "yolo" / "classes.txt")],
                     "is not valid JSON", id="not-json"),
    ],
)  # fmt: skip
def test_from_coco_usage(
    tmp_path: Path, config_path: Path, capsys: Any, extra: list[str], message: str
) -> None:
    status, _, stderr = _run(
        capsys, "from-coco", str(COCO), str(tmp_path / "o.json"), "--config", str(config_path),
        *extra,
    )  # fmt: skip
    assert status == 2
    assert message in stderr


def test_from_coco_missing_files(tmp_path: Path, config_path: Path, capsys: Any) -> None:
    status, _, stderr = _run(
        capsys, "from-coco", str(tmp_path / "none.json"), str(tmp_path / "o.json"),
        "--config", str(config_path),
    )  # fmt: skip
    assert status == 2
    assert "none.json: No such file or directory" in stderr
    status, _, stderr = _run(
        capsys, "from-coco", str(COCO), str(tmp_path / "o.json"), "--config",
        str(tmp_path / "missing.xml"),
    )  # fmt: skip
    assert status == 2
    assert "cannot read" in stderr


def test_from_yolo_with_images_into_a_directory(
    tmp_path: Path, config_path: Path, capsys: Any
) -> None:
    out = tmp_path / "tasks"
    status, stdout, stderr = _run(
        capsys,
        "from-yolo", str(YOLO / "labels"), str(out), "--config", str(config_path),
        "--classes", str(YOLO / "data.yaml"), "--images", str(YOLO / "images"),
        "--map", "bicycle=Person", "--image-url", "/data/local-files/?d=img/{name}",
    )  # fmt: skip
    assert (status, stderr) == (0, "")
    assert stdout.startswith("wrote 3 task(s) to 3 files:\n")
    tasks = _valid(out)
    assert [t["data"]["image"] for t in tasks] == [
        "/data/local-files/?d=img/dog.png",
        "/data/local-files/?d=img/empty.png",
        "/data/local-files/?d=img/street.png",
    ]


def test_from_yolo_with_sizes_and_names_on_the_command_line(
    tmp_path: Path, config_path: Path, capsys: Any
) -> None:
    out = tmp_path / "tasks.json"
    names = ",".join(["person", "bicycle", "car"] + [f"c{i}" for i in range(3, 16)] + ["dog"])
    status, _, _ = _run(
        capsys,
        "from-yolo", str(YOLO / "labels"), str(out), "--config", str(config_path),
        "--classes", names, "--sizes", str(YOLO / "sizes.json"), "--min-score", "0.9",
        "--as", "predictions", "--indent", "2", "--image-url", "/data/local-files/?d=yolo/{name}",
    )  # fmt: skip
    assert status == 0
    tasks = _valid(out)
    assert [len(t["predictions"][0]["result"]) for t in tasks] == [1, 1]
    assert out.read_text().startswith("[\n  {")


@pytest.mark.parametrize(
    ("extra", "status", "message"),
    [
        pytest.param([], 2, "YOLO files hold no image sizes: give --images DIR or --sizes JSON",
                     id="sizes"),
        pytest.param(["--images", str(YOLO / "images"), "--as", "annotations", "--min-score",
                      "0.5"], 2, "--min-score filters predictions", id="min-score"),
        pytest.param(["--images", str(YOLO / "images"), "--kpt-shape", "17"], 2,
                     "--kpt-shape takes K,D (e.g. 17,3), got '17'", id="kpt-shape"),
        pytest.param(["--images", str(YOLO / "images"), "--task", "obb"], 1,
                     "labels/dog.txt:1: an oriented box has 8 values (+ confidence), got 5",
                     id="task"),
    ],
)  # fmt: skip
def test_from_yolo_errors(
    tmp_path: Path,
    config_path: Path,
    capsys: Any,
    extra: list[str],
    status: int,
    message: str,
) -> None:
    code, _, stderr = _run(
        capsys, "from-yolo", str(YOLO / "labels"), str(tmp_path / "o.json"), "--config",
        str(config_path), "--classes", str(YOLO / "classes.txt"), *extra,
    )  # fmt: skip
    assert code == status
    assert message in stderr


def test_from_yolo_missing_classes_file(tmp_path: Path, config_path: Path, capsys: Any) -> None:
    code, _, stderr = _run(
        capsys, "from-yolo", str(YOLO / "labels"), str(tmp_path / "o.json"), "--config",
        str(config_path), "--classes", str(tmp_path / "names.txt"), "--sizes",
        str(YOLO / "sizes.json"),
    )  # fmt: skip
    assert code == 2
    assert "names.txt: No such file or directory" in stderr
