"""``prelabel validate`` and ``prelabel convert``, run in-process: exit codes, exact output."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from prelabel import LabelConfig
from prelabel.cli import COMMANDS, main
from prelabel.cli._progress import Progress
from prelabel.errors import ErrorRecord
from prelabel.io import read_tasks, write_dir, write_json, write_jsonl
from prelabel.validate import check

CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image">
    <Label value="Airplane"/>
    <Label value="Car"/>
  </RectangleLabels>
</View>
"""


def _box(region_id: str, label: str, x: float = 10, width: float = 20) -> dict[str, Any]:
    return {
        "id": region_id,
        "type": "rectanglelabels",
        "from_name": "label",
        "to_name": "image",
        "original_width": 600,
        "original_height": 400,
        "image_rotation": 0,
        "value": {"x": x, "y": 10, "width": width, "height": 20, "rotation": 0,
                  "rectanglelabels": [label]},
    }  # fmt: skip


def _task(i: int, *boxes: dict[str, Any], model_version: str | None = "v1") -> dict[str, Any]:
    prediction: dict[str, Any] = {"result": list(boxes)}
    if model_version is not None:
        prediction = {"model_version": model_version, "score": 0.5, **prediction}
    return {"data": {"image": f"https://example.com/{i}.jpg"}, "predictions": [prediction]}


VALID = [_task(0, _box("a", "Car")), _task(1, _box("b", "Airplane"), _box("c", "Car"))]
INVALID = [
    _task(0, _box("a", "Car")),
    _task(1, _box("b", "airplane"), _box("c", "Car", x=90, width=20)),
]
WARNING_ONLY = [_task(0, _box("a", "Car"), model_version=None)]


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "config.xml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _blocks(path: Path, tasks: list[dict[str, Any]], records: list[ErrorRecord]) -> str:
    """The text blocks the CLI must print: the library's records with file and line."""
    lines = dict(enumerate(_task_lines(path)))
    out = []
    for record in records:
        index = record.loc[0]
        assert isinstance(index, int)
        out.append(
            f"{path}:{lines[index]}: {record.path}: {record.severity} [{record.code}] "
            f"{record.message}\n"
        )
        if record.hint:
            out.append(f"    hint: {record.hint}\n")
    return "".join(out)


def _task_lines(path: Path) -> list[int]:
    from prelabel.io import read_tasks_located

    return [where.line for where, _ in read_tasks_located(path)]


def test_commands_are_registered() -> None:
    assert {"inspect", "validate", "convert"} <= set(COMMANDS)


# --- validate: verdicts and exact output ----------------------------------------------------


def test_valid_file(config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tasks = write_json(tmp_path / "tasks.json", VALID)
    assert _run(capsys, "validate", "--config", config_path, tasks) == (
        0,
        "checked 2 tasks, 2 predictions, 3 results in 1 file\nno problems found\n",
        "",
    )


def test_invalid_file_exact_output(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = write_json(tmp_path / "tasks.json", INVALID, indent=2)
    records = check(INVALID, LabelConfig.parse(CONFIG))
    assert {r.code for r in records} == {"label.unknown", "geometry.overflow"}
    status, out, err = _run(capsys, "validate", "--config", config_path, tasks)
    assert status == 1
    assert err == ""
    assert out == _blocks(tasks, INVALID, records) + (
        "\n"
        "checked 2 tasks, 2 predictions, 3 results in 1 file\n"
        "found 2 errors, 0 warnings\n"
        "  error    geometry.overflow  1\n"
        "  error    label.unknown      1\n"
    )
    first = out.splitlines()[0]
    assert first.startswith(f"{tasks}:34: $[1].predictions[0].result[0].value.rectanglelabels[0]: ")
    assert first.endswith("error [label.unknown] " + records[0].message)
    assert out.splitlines()[1] == "    hint: did you mean 'Airplane'?"


def test_warnings_pass_unless_strict(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = write_jsonl(tmp_path / "tasks.jsonl", WARNING_ONLY)
    [record] = check(WARNING_ONLY, LabelConfig.parse(CONFIG))
    assert (record.code, record.severity) == ("prediction.model_version_missing", "warning")
    status, out, _ = _run(capsys, "validate", "--config", config_path, tasks)
    assert status == 0
    assert out.endswith(
        "found 0 errors, 1 warning\n  warning  prediction.model_version_missing  1\n"
    )
    assert f"{tasks}:1: $[0].predictions[0]: warning [prediction.model_version_missing]" in out
    status, out, _ = _run(capsys, "validate", "--strict", "--config", config_path, tasks)
    assert status == 1
    assert f"{tasks}:1: $[0].predictions[0]: error [prediction.model_version_missing]" in out
    assert out.endswith(
        "found 1 error, 0 warnings\n  error    prediction.model_version_missing  1\n"
    )


def test_json_format(config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tasks = write_jsonl(tmp_path / "tasks.jsonl", INVALID)
    status, out, err = _run(capsys, "validate", "--format", "json", "--config", config_path, tasks)
    assert (status, err) == (1, "")
    expected = [
        {"file": str(tasks), "line": 2, **r.to_dict()}
        for r in check(INVALID, LabelConfig.parse(CONFIG))
    ]
    assert json.loads(out) == expected
    assert list(expected[0])[:7] == ["file", "line", "code", "severity", "loc", "message", "hint"]
    assert out.startswith('[\n  {"file": ')
    assert out.endswith("}\n]\n")


def test_json_format_without_problems(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = write_jsonl(tmp_path / "tasks.jsonl", VALID)
    assert _run(capsys, "validate", "--format", "json", "--config", config_path, tasks) == (
        0,
        "[]\n",
        "",
    )


def test_many_sources_and_layouts(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = write_json(tmp_path / "valid.json", VALID)
    [bucket_file, *_] = write_dir(tmp_path / "bucket", INVALID[1:] + VALID)
    status, out, _ = _run(capsys, "validate", "--config", config_path, one, tmp_path / "bucket")
    assert status == 1
    assert out.startswith(
        f"{bucket_file}:1: $[0].predictions[0].result[0].value.rectanglelabels[0]"
    )
    assert "checked 5 tasks, 5 predictions, 8 results in 2 files\nfound 2 errors" in out


def test_annotations_are_counted(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    task = {**VALID[0], "annotations": [{"result": [_box("z", "Car")]}]}
    tasks = write_json(tmp_path / "t.json", [task])
    assert _run(capsys, "validate", "--config", config_path, tasks)[1] == (
        "checked 1 task, 1 prediction, 1 annotation, 2 results in 1 file\nno problems found\n"
    )


# --- validate: unreadable input --------------------------------------------------------------


def test_missing_tasks_file(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.json"
    assert _run(capsys, "validate", "--config", config_path, missing) == (
        2,
        "checked 0 tasks, 0 predictions, 0 results in 1 file (1 could not be read)\n"
        "no problems found\n",
        f"prelabel: cannot read {missing}: No such file or directory\n",
    )


def test_missing_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tasks = write_json(tmp_path / "t.json", VALID)
    missing = tmp_path / "nope.xml"
    assert _run(capsys, "validate", "--config", missing, tasks) == (
        2,
        "",
        f"prelabel: cannot read {missing}: No such file or directory\n",
    )


def test_invalid_config_is_unreadable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tasks = write_json(tmp_path / "t.json", VALID)
    bad = tmp_path / "bad.xml"
    bad.write_text('<View><Choices name="c" toName="nothing"/></View>', encoding="utf-8")
    status, out, err = _run(capsys, "validate", "--config", bad, tasks)
    assert (status, out) == (2, "")
    assert err.startswith(f"prelabel: {bad}: invalid labeling config: ")


def test_bad_json_names_the_line(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tasks.jsonl"
    lines = [json.dumps(t) for t in INVALID]
    path.write_text(lines[1] + "\n" + lines[0][:-1] + "\n", encoding="utf-8")  # line 2 cut short
    status, out, err = _run(capsys, "validate", "--config", config_path, path)
    assert status == 2
    assert err == f"prelabel: {path}:2:{len(lines[0])}: invalid JSON: Expecting ',' delimiter\n"
    # the problems of line 1 were printed before the bad line was reached
    assert out.startswith(f"{path}:1: $[0].predictions[0].result[0].value.rectanglelabels[0]")
    assert out.endswith(
        "checked 1 task, 1 prediction, 2 results in 1 file (1 could not be read)\n"
        "found 2 errors, 0 warnings\n"
        "  error    geometry.overflow  1\n"
        "  error    label.unknown      1\n"
    )


def test_bad_json_in_a_list(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tasks.json"
    path.write_text('[\n{"data": {"image": "a.jpg"}},\n{"data": {"image": NaN}}\n]\n')
    status, _, err = _run(capsys, "validate", "--config", config_path, path)
    assert status == 2
    assert err == (
        f"prelabel: {path}:3: task 1: NaN is not valid JSON "
        "(Label Studio rejects NaN and Infinity)\n"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("t.json", "", "{f}: empty file; expected a list of tasks or one task object"),
        ("t.json", "[]\n", "{f}: no tasks found (Label Studio imports none)"),
        ("t.jsonl", "", "{f}: no tasks found (Label Studio imports none)"),
        ("t.jsonl", "\n\n", "{f}: no tasks found (Label Studio imports none)"),
    ],
    ids=["empty-json", "empty-list", "empty-jsonl", "blank-jsonl"],
)
def test_empty_files(
    name: str,
    content: str,
    message: str,
    config_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert _run(capsys, "validate", "--config", config_path, path) == (
        2,
        "checked 0 tasks, 0 predictions, 0 results in 1 file (1 could not be read)\n"
        "no problems found\n",
        "prelabel: " + message.replace("{f}", str(path)) + "\n",
    )


def test_empty_directory(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    status, _, err = _run(capsys, "validate", "--config", config_path, tmp_path / "empty")
    assert status == 2
    assert err == f"prelabel: {tmp_path / 'empty'}: no tasks found (Label Studio imports none)\n"


def test_unreadable_file_wins_over_errors(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write_json(tmp_path / "bad.json", INVALID)
    status, out, err = _run(capsys, "validate", "--config", config_path, bad, tmp_path / "x.csv")
    assert status == 2
    assert "found 2 errors" in out
    assert err == (
        f"prelabel: {tmp_path / 'x.csv'}: cannot tell the layout from the name; "
        "use .json, .jsonl or a directory\n"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["validate"],
        ["validate", "t.json"],
        ["validate", "--config", "c.xml"],
        ["validate", "--config", "c.xml", "--format", "yaml", "t.json"],
        ["convert", "in.json"],
        ["convert", "in.json", "out.json", "--max-tasks-per-file", "0"],
        ["convert", "in.json", "out.json", "--to", "csv"],
    ],
    ids=[
        "nothing",
        "no-config",
        "no-tasks",
        "bad-format",
        "convert-no-output",
        "chunk-zero",
        "bad-layout",
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, *argv)
    assert (status, out) == (2, "")
    assert "usage: prelabel" in err


# --- validate: same verdict as the library -------------------------------------------------


CASES = {
    "valid": VALID,
    "invalid": INVALID,
    "warning": WARNING_ONLY,
    "flat-task": [{"image": "a.jpg"}],
    "no-data": [{"predictions": [{"result": []}]}],
    "data-string": [{"data": "a.jpg"}],
    "predictions-dict": [{"data": {"image": "a.jpg"}, "predictions": {"result": []}}],
    "result-dict": [{"data": {"image": "a.jpg"}, "predictions": [{"result": {}}]}],
    "unknown-control": [_task(0, {**_box("a", "Car"), "from_name": "labels"})],
    "mixed": VALID + INVALID + WARNING_ONLY,
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
def test_same_verdict_as_the_library(
    name: str,
    strict: bool,
    config_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tasks = CASES[name]
    records = check(tasks, LabelConfig.parse(CONFIG), strict=strict)
    expected_status = 1 if any(r.severity == "error" for r in records) else 0
    for path in (
        write_json(tmp_path / "t.json", tasks),
        write_jsonl(tmp_path / "t.jsonl", tasks),
    ):
        argv = ["validate", "--format", "json", "--config", config_path, path]
        status, out, err = _run(capsys, *argv, *(["--strict"] if strict else []))
        assert (status, err) == (expected_status, "")
        assert [
            {k: v for k, v in r.items() if k not in ("file", "line")} for r in json.loads(out)
        ] == [r.to_dict() for r in records]


def test_same_verdict_on_every_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every example's task file gets the library's verdict (what `make demo` runs)."""
    import importlib.util
    import sys

    examples = Path(__file__).resolve().parent.parent / "examples"
    sys.path.insert(0, str(examples))
    try:
        entries: list[dict[str, str]] = []
        for script in sorted(examples.glob("*.py")):
            if script.name.startswith("_") or script.name == "run_all.py":
                continue
            spec = importlib.util.spec_from_file_location(f"example_{script.stem}", script)
            assert spec is not None
            assert spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            if getattr(module, "REQUIRES", ()):
                continue  # the real-model examples: test_examples.py runs them (no need twice)
            entries.extend(module.main(tmp_path))
    finally:
        sys.path.remove(str(examples))
    capsys.readouterr()
    root = examples.parent
    for entry in entries:
        config = root / entry["config"]
        tasks_path = root / entry["tasks"]
        records = check(list(read_tasks(tasks_path)), LabelConfig.from_file(config))
        expected = 1 if any(r.severity == "error" for r in records) else 0
        status, out, _ = _run(
            capsys, "validate", "--format", "json", "--config", config, tasks_path
        )
        assert status == expected, entry["name"]
        assert len(json.loads(out)) == len(records), entry["name"]


# --- progress bar ---------------------------------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(
    config_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tasks = write_json(tmp_path / "t.json", VALID)
    assert _run(capsys, "validate", "--config", config_path, tasks)[2] == ""  # not a tty
    fake = _Tty()
    monkeypatch.setattr("sys.stderr", fake)
    assert main(["validate", "--config", str(config_path), str(tasks)]) == 0
    drawn = fake.getvalue()
    assert drawn.startswith("\rvalidate [")
    assert "validate [########################] 100% 1 task, 0 problems\x1b[K" in drawn
    assert drawn.endswith("\r\x1b[K")  # erased at the end
    fake = _Tty()
    monkeypatch.setattr("sys.stderr", fake)
    assert main(["validate", "--no-progress", "--config", str(config_path), str(tasks)]) == 0
    assert fake.getvalue() == ""


def test_progress_render() -> None:
    clock = iter([0.0, 0.05, 0.2])
    stream = _Tty()
    bar = Progress(stream, 1000, label="validate", clock=lambda: next(clock))
    bar.advance(500)
    bar.update(tasks=1234, problems=5)
    assert bar.render() == "validate [############------------]  50% 1,234 tasks, 5 problems"
    bar.update(tasks=1235, problems=5)  # within 0.1 s: not redrawn
    assert stream.getvalue().count("\r") == 1
    bar.update(tasks=1236, problems=5)
    assert stream.getvalue().count("\r") == 2
    bar.clear()
    assert stream.getvalue().endswith("\r\x1b[K")
    assert Progress(stream, 0, label="x").render() == "x 0 tasks, 0 problems"


def test_progress_is_silent_on_a_pipe() -> None:
    stream = io.StringIO()
    bar = Progress(stream, 10, label="validate")
    bar.update(tasks=1, problems=0)
    bar.clear()
    assert stream.getvalue() == ""


# --- convert -------------------------------------------------------------------------------


def test_convert_between_layouts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_json(tmp_path / "in.json", INVALID + VALID)
    status, out, err = _run(capsys, "convert", source, tmp_path / "out.jsonl")
    assert (status, err) == (0, "")
    assert out == f"wrote 4 tasks to 1 file:\n  {tmp_path / 'out.jsonl'}\n"
    status, out, _ = _run(capsys, "convert", tmp_path / "out.jsonl", tmp_path / "bucket")
    assert status == 0
    assert out.startswith("wrote 4 tasks to 4 files:\n")
    status, out, _ = _run(capsys, "convert", tmp_path / "bucket", tmp_path / "back.json")
    assert status == 0
    assert list(read_tasks(tmp_path / "back.json")) == INVALID + VALID


def test_convert_in_chunks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [_task(i) for i in range(7)])
    status, out, _ = _run(
        capsys,
        "convert",
        source,
        source,
        tmp_path / "c.json",
        "--max-tasks-per-file",
        "2",
    )
    assert status == 0
    assert out == (
        "wrote 14 tasks to 7 files:\n"
        + "".join(f"  {tmp_path / f'c-{n:05d}.json'}\n" for n in range(1, 6))
        + "  ... (2 more)\n"
    )
    assert [len(list(read_tasks(tmp_path / f"c-{n:05d}.json"))) for n in range(1, 8)] == [2] * 7


def test_convert_to_a_dir_with_lists_and_indent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_json(tmp_path / "in.json", VALID)
    argv = ["convert", source, tmp_path / "out", "--to", "dir", "--max-tasks-per-file", "5"]
    status, _, _ = _run(capsys, *argv, "--indent", "2")
    assert status == 0
    text = (tmp_path / "out" / "task-00000001.json").read_text(encoding="utf-8")
    assert text == json.dumps(VALID, indent=2, ensure_ascii=False) + "\n"


def test_convert_predictions_as_annotations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_json(tmp_path / "in.json", VALID[:1])
    argv = ["convert", source, tmp_path / "gt.json", "--predictions-as-annotations"]
    assert _run(capsys, *argv, "--ground-truth", "--drop-predictions")[0] == 0
    [task] = read_tasks(tmp_path / "gt.json")
    assert task == {
        "data": VALID[0]["data"],
        "annotations": [{"result": VALID[0]["predictions"][0]["result"], "ground_truth": True}],
    }


def test_convert_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_json(tmp_path / "in.json", [{"data": {}}, {"data": "x"}])
    status, out, err = _run(
        capsys, "convert", source, tmp_path / "o.json", "--predictions-as-annotations"
    )
    assert (status, out) == (1, "")
    assert err == f"prelabel: {source}:3: task 1: a task's 'data' must be an object, got a string\n"
    assert not (tmp_path / "o.json").exists()

    assert _run(capsys, "convert", tmp_path / "none.json", tmp_path / "o.json") == (
        2,
        "",
        f"prelabel: {tmp_path / 'none.json'}: No such file or directory\n",
    )
    status, _, err = _run(capsys, "convert", source, tmp_path / "o.json", "--ground-truth")
    assert (status, err) == (2, "prelabel: --ground-truth needs --predictions-as-annotations\n")
    status, _, err = _run(capsys, "convert", source, tmp_path / "o.jsonl", "--indent", "2")
    assert (status, err) == (2, "prelabel: --indent does not apply to JSON Lines\n")

    nan = tmp_path / "nan.jsonl"
    nan.write_text('{"data": {}}\n{"data": {"x": Infinity}}\n', encoding="utf-8")
    status, _, err = _run(capsys, "convert", nan, tmp_path / "o.json")
    assert status == 2
    assert err == (
        f"prelabel: {nan}:2: Infinity is not valid JSON (Label Studio rejects NaN and Infinity)\n"
    )

    write_dir(tmp_path / "taken", VALID)
    status, _, err = _run(capsys, "convert", source, tmp_path / "taken")
    assert status == 2
    assert err.startswith(f"prelabel: {tmp_path / 'taken'} already holds task files")


# --- memory: the command holds nothing that grows with the file ---------------------------


@pytest.mark.slow
def test_validate_memory_does_not_grow_with_the_file() -> None:
    """A small run of benchmarks/bench_stream_validate.py (the 1,000,000-result check).

    1,000 and 2,000 tasks of 20 boxes, each validated by the real command in a subprocess:
    peak RSS under the 150 MB bound, the 2x file within 10 MB of the 1x file, and the verdict
    (one planted error per 1,000 tasks) exact.
    """
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_stream_validate.py"
    spec = importlib.util.spec_from_file_location("bench_stream_validate", path)
    assert spec is not None
    assert spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rows = bench.run(base_tasks=1_000)
    assert [row["case"] for row in rows] == ["baseline", "1x", "2x"]
    assert [row["errors"] for row in rows] == [1, 1, 2]
    assert bench.problems(rows) == [], rows


def test_json_format_stays_valid_json_when_a_file_is_unreadable(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_jsonl(tmp_path / "t.jsonl", INVALID)
    status, out, err = _run(
        capsys, "validate", "--format", "json", "--config", config_path, good, tmp_path / "x.json"
    )
    assert status == 2
    assert len(json.loads(out)) == 2
    assert err == f"prelabel: cannot read {tmp_path / 'x.json'}: No such file or directory\n"


def test_broken_pipe_ends_quietly(
    config_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class _Closed(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    tasks = write_json(tmp_path / "t.json", INVALID)
    monkeypatch.setattr("sys.stdout", _Closed())
    stderr = io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    assert main(["validate", "--config", str(config_path), str(tasks)]) == 1
    assert stderr.getvalue() == ""


def test_interrupt_exits_130(
    config_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr("prelabel.cli.validate.read_tasks_located", interrupted)
    tasks = write_json(tmp_path / "t.json", VALID)
    assert _run(capsys, "validate", "--config", config_path, tasks) == (
        130,
        "",
        "\nprelabel: interrupted\n",
    )


def test_progress_bar_is_erased_before_problems_on_a_shared_terminal(
    config_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks = write_json(tmp_path / "t.json", VALID + INVALID)
    screen = _Tty()
    monkeypatch.setattr("sys.stdout", screen)
    monkeypatch.setattr("sys.stderr", screen)
    assert main(["validate", "--config", str(config_path), str(tasks)]) == 1
    text = screen.getvalue()
    first_problem = text.index(f"{tasks}:")
    assert text[first_problem - 4 : first_problem] == "\r\x1b[K"  # the bar was erased first
    assert text.endswith("  error    label.unknown      1\n")
