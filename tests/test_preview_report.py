"""``prelabel preview`` and the review page: every task read is counted, the drawn ones are the
first --limit or a seeded sample, problems are drawn where they are, nothing points to the
network."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from prelabel import LabelConfig
from prelabel.cli import main
from prelabel.media._png import png_bytes
from prelabel.preview import Report, write_report

CONFIG = (
    '<View><Image name="image" value="$image"/>'
    '<RectangleLabels name="label" toName="image"><Label value="Airplane" background="#00ff00"/>'
    '<Label value="Car"/></RectangleLabels></View>'
)


def _box(region_id: str, label: str, x: float = 10) -> dict[str, Any]:
    return {
        "id": region_id,
        "type": "rectanglelabels",
        "from_name": "label",
        "to_name": "image",
        "original_width": 600,
        "original_height": 400,
        "value": {"x": x, "y": 10, "width": 20, "height": 20, "rectanglelabels": [label]},
    }


def _task(i: int, *boxes: dict[str, Any], image: str | None = None) -> dict[str, Any]:
    return {
        "data": {"image": image or f"https://example.com/{i}.jpg"},
        "predictions": [{"model_version": "v1", "result": list(boxes)}],
    }


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "img.png").write_bytes(png_bytes(np.full((40, 60, 3), 200, dtype=np.uint8)))
    tasks = [_task(i, _box(f"r{i}", "Car")) for i in range(30)]
    tasks[3] = _task(3, _box("bad", "Cat"), _box("ok", "Airplane", x=50))
    tasks[4] = _task(4, _box("r4", "Airplane"), image="/data/local-files/?d=img.png")
    config = tmp_path / "config.xml"
    config.write_text(CONFIG, encoding="utf-8")
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return config, path


def _cards(page: str) -> list[str]:
    return re.findall(r'<div class="pl-card[^"]*"', page)


def test_the_page_draws_the_first_tasks_and_counts_all(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, tasks = files
    out = tmp_path / "out"
    assert main(["preview", str(config), str(tasks), "--out", str(out), "--limit", "5"]) == 0
    assert capsys.readouterr().out == (
        f"wrote {out / 'index.html'}: 5 tasks drawn of 30 tasks read; 1 error, 1 warning\n"
    )
    page = (out / "index.html").read_text(encoding="utf-8")
    assert len(_cards(page)) == 5
    assert "30 task(s) read, first 5 drawn; 1 error(s), 1 warning(s)" in page
    # The filters list every label and code over all tasks read, with counts.
    assert '<option value="Car">Car (28)</option>' in page
    assert '<option value="label.unknown">label.unknown (1)</option>' in page


def test_a_problem_is_drawn_in_place_and_listed(files: tuple[Path, Path], tmp_path: Path) -> None:
    config, tasks = files
    report = write_report(
        LabelConfig.from_file(config),
        json.loads(tasks.read_text(encoding="utf-8"))[3:4],
        tmp_path / "index.html",
    )
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert report.codes == {"label.unknown": 1}
    (bad,) = re.findall(r'<rect [^>]*data-region="bad"[^>]*>', page)
    (ok,) = re.findall(r'<rect [^>]*data-region="ok"[^>]*>', page)
    assert 'stroke-dasharray="6 3"' in bad
    assert "stroke-dasharray" not in ok
    assert 'stroke="#00ff00"' in ok  # the label's background from the config
    assert "result[0]: error [label.unknown]" in page
    assert "data-codes='[&quot;label.unknown&quot;]'" in page


def test_a_sample_is_seeded_and_holds_limit_tasks(files: tuple[Path, Path]) -> None:
    config = LabelConfig.parse(CONFIG)
    tasks = json.loads(files[1].read_text(encoding="utf-8"))

    def drawn(seed: int) -> list[str]:
        report = Report(config, limit=4, sample=True, seed=seed)
        for i, task in enumerate(tasks):
            report.add(task, [], f"task {i}")
        return re.findall(r"<h3>(task \d+)</h3>", report.html())

    assert drawn(1) == drawn(1)
    assert drawn(1) != drawn(2)
    assert len(drawn(1)) == 4
    assert drawn(1) != [f"task {i}" for i in range(4)]


def test_local_pictures_are_embedded_and_remote_ones_never_referenced(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    config, tasks = files
    out = tmp_path / "out"
    assert main(["preview", str(config), str(tasks), "--out", str(out), "--no-progress"]) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.count('class="pl-photo"') == 1  # task 4: a local-files URL, found under --base-dir
    assert 'href="data:image/png;base64,' in page
    assert "example.com" not in page
    assert not re.search(r"""(href|src)=["']?(https?:)?//""", page)
    assert "not fetched (remote URL)" in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.xml", "tasks.json"], "prelabel: cannot read missing.xml: "),
        (["config.xml", "missing.json"], "prelabel: cannot read "),
        (["config.xml", "empty.json"], "prelabel: no tasks found in "),
    ],
    ids=["config", "tasks", "empty"],
)
def test_unreadable_input_exits_2(
    files: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "empty.json").write_text("[]", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["preview", *args, "--out", "out"]) == 2
    assert capsys.readouterr().err.startswith(message)
    assert not (tmp_path / "out").exists()
