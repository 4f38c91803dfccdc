"""Task files: the three layouts round-trip, stream, and fail with located messages."""

from __future__ import annotations

import json
import math
import tempfile
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import prelabel.io._json as json_module
from prelabel import BuildError, Prediction, Task, TaskFileError
from prelabel.io import (
    canonical_task,
    chunk_path,
    detect_layout,
    dumps_task,
    read_tasks,
    read_tasks_located,
    task_files,
    write_dir,
    write_json,
    write_jsonl,
    write_tasks,
)
from strategies_tasks import task_dicts, task_lists

SETTINGS = settings(max_examples=40, deadline=None)

TASKS: list[dict[str, Any]] = [
    {
        "data": {"text": "café ☕ 東京", "n": 1},
        "predictions": [
            {
                "result": [{"id": "a1", "type": "choices", "value": {"choices": ["A"]}}],
                "score": 0.5,
                "model_version": "v1",
            }
        ],
        "id": 7,
    },
    {"meta": {"k": [1, 2.5, None, True]}, "data": {"text": 'line\nbreak \u2028 "q" \\'}},
]


# --- round trips ---------------------------------------------------------------------------

WRITERS = {
    "json": lambda path, tasks: write_tasks(path / "t.json", tasks),
    "json-indent": lambda path, tasks: write_tasks(path / "t.json", tasks, indent=2),
    "json-single-object": None,  # covered separately: one task object per file
    "jsonl": lambda path, tasks: write_tasks(path / "t.jsonl", tasks),
    "dir": lambda path, tasks: write_tasks(path / "out", tasks),
    "dir-lists": lambda path, tasks: write_tasks(path / "out", tasks, max_tasks_per_file=3),
    "json-chunks": lambda path, tasks: write_tasks(path / "t.json", tasks, max_tasks_per_file=2),
    "jsonl-chunks": lambda path, tasks: write_tasks(path / "t.jsonl", tasks, max_tasks_per_file=3),
}
WRITERS.pop("json-single-object")


def _read_back(written: list[Path], root: Path) -> list[dict[str, Any]]:
    out = []
    if (root / "out").is_dir():
        return list(read_tasks(root / "out"))
    for path in written:
        out.extend(read_tasks(path))
    return out


@pytest.mark.parametrize("layout", sorted(WRITERS))
@SETTINGS
@given(tasks=task_lists)
def test_every_layout_round_trips(layout: str, tasks: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        written = WRITERS[layout](root, tasks)
        assert _read_back(written, root) == tasks


@pytest.mark.parametrize("layout", sorted(WRITERS))
def test_round_trip_of_fixed_tasks_and_task_objects(layout: str, tmp_path: Path) -> None:
    objects = [Task.from_dict(t) for t in TASKS]
    written = WRITERS[layout](tmp_path, objects)
    assert _read_back(written, tmp_path) == TASKS


@settings(max_examples=15, deadline=None)
@given(raws=st.lists(task_dicts, max_size=5))
def test_task_objects_round_trip_through_every_layout(raws: list[dict[str, Any]]) -> None:
    objects = [Task.from_dict(raw) for raw in raws]
    for write in WRITERS.values():
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            back = _read_back(write(root, objects), root)
        assert back == raws
        assert [Task.from_dict(t) for t in back] == objects


@SETTINGS
@given(tasks=task_lists, chunk=st.integers(1, 9))
def test_json_reader_across_any_chunk_boundary(tasks: list[dict[str, Any]], chunk: int) -> None:
    """The streaming reader gives json.loads' answer wherever the read chunks split the text."""
    original = json_module.CHUNK_BYTES
    json_module.CHUNK_BYTES = chunk
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "t.json"
            path.write_text(json.dumps(tasks, indent=1, ensure_ascii=False), encoding="utf-8")
            assert list(read_tasks(path)) == tasks
    finally:
        json_module.CHUNK_BYTES = original


def test_lone_surrogates_are_written_escaped_and_read_back(tmp_path: Path) -> None:
    tasks = [{"data": {"x": "a\ud800b"}}]
    for name in ("t.json", "t.jsonl"):
        write_tasks(tmp_path / name, tasks)
        assert list(read_tasks(tmp_path / name)) == tasks
    assert (tmp_path / "t.jsonl").read_text(encoding="utf-8") == '{"data":{"x":"a\\ud800b"}}\n'


def test_one_task_object_in_a_json_file_is_one_task(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text('\n\n  {"data": {"t": 1}}\n', encoding="utf-8")
    [(where, task)] = list(read_tasks_located(path))
    assert task == {"data": {"t": 1}}
    assert (where.file, where.line, where.index) == (path, 3, 0)


# --- exact output ----------------------------------------------------------------------------


def test_compact_json_output_is_one_task_per_line_in_canonical_order(tmp_path: Path) -> None:
    path = write_json(tmp_path / "t.json", TASKS)
    assert path.read_text(encoding="utf-8") == (
        "[\n"
        '{"id":7,"data":{"text":"café ☕ 東京","n":1},"predictions":[{"model_version":"v1",'
        '"score":0.5,"result":[{"id":"a1","type":"choices","value":{"choices":["A"]}}]}]},\n'
        '{"data":{"text":"line\\nbreak \u2028 \\"q\\" \\\\"},"meta":{"k":[1,2.5,null,true]}}\n'
        "]\n"
    )


def test_indented_json_output_equals_json_dumps_of_the_list(tmp_path: Path) -> None:
    path = write_json(tmp_path / "t.json", [canonical_task(t) for t in TASKS], indent=2)
    expected = json.dumps([canonical_task(t) for t in TASKS], indent=2, ensure_ascii=False)
    assert path.read_text(encoding="utf-8") == expected + "\n"


def test_jsonl_output(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "t.jsonl", TASKS[1:])
    assert (
        path.read_bytes()
        == (
            '{"data":{"text":"line\\nbreak \u2028 \\"q\\" \\\\"},"meta":{"k":[1,2.5,null,true]}}\n'
        ).encode()
    )


def test_no_tasks(tmp_path: Path) -> None:
    assert write_json(tmp_path / "t.json", []).read_text() == "[]\n"
    assert write_jsonl(tmp_path / "t.jsonl", iter([])).read_text() == ""
    assert write_dir(tmp_path / "d", []) == []
    assert write_tasks(tmp_path / "c.json", [], max_tasks_per_file=5) == []
    assert list(read_tasks(tmp_path / "t.json")) == []
    assert list(read_tasks(tmp_path / "t.jsonl")) == []
    assert list(read_tasks(tmp_path / "d")) == []


def test_output_is_deterministic(tmp_path: Path) -> None:
    first = write_json(tmp_path / "a.json", TASKS).read_bytes()
    shuffled = [dict(reversed(list(t.items()))) for t in TASKS]
    assert write_json(tmp_path / "b.json", shuffled).read_bytes() == first


def test_task_keys_in_canonical_order_others_after_in_their_order() -> None:
    task = {"zz": 1, "meta": {}, "annotations": [], "aa": 2, "data": {}, "id": 3}
    task["predictions"] = [{"extra": 1, "result": [], "score": 0.1, "model_version": "m"}]
    out = canonical_task(task)
    assert list(out) == ["id", "data", "predictions", "annotations", "meta", "zz", "aa"]
    assert list(out["predictions"][0]) == ["model_version", "score", "result", "extra"]


def test_task_objects_and_dicts_write_the_same(tmp_path: Path) -> None:
    task = Task({"image": "a.jpg"}, predictions=[Prediction([], model_version="m", score=0.25)])
    assert dumps_task(task) == dumps_task(task.to_dict())
    assert dumps_task(task) == (
        '{"data":{"image":"a.jpg"},"predictions":[{"model_version":"m","score":0.25,"result":[]}]}'
    )


# --- chunks and the directory layout --------------------------------------------------------


def test_chunk_names_and_sizes(tmp_path: Path) -> None:
    tasks = [{"data": {"i": i}} for i in range(7)]
    written = write_tasks(tmp_path / "preds.json", tasks, max_tasks_per_file=3)
    assert [p.name for p in written] == ["preds-00001.json", "preds-00002.json", "preds-00003.json"]
    assert [len(list(read_tasks(p))) for p in written] == [3, 3, 1]
    assert chunk_path(tmp_path / "p.jsonl", 12).name == "p-00012.jsonl"


def test_dir_layout_one_bare_task_object_per_file(tmp_path: Path) -> None:
    written = write_dir(tmp_path / "bucket", TASKS)
    assert [p.name for p in written] == ["task-00000001.json", "task-00000002.json"]
    assert json.loads(written[0].read_text(encoding="utf-8")) == TASKS[0]
    assert written[1].read_text(encoding="utf-8").endswith("}\n")


def test_dir_reader_natural_order_and_skips(tmp_path: Path) -> None:
    folder = tmp_path / "tasks"
    folder.mkdir()
    for name in ("t-10.json", "t-2.json", "t-1.jsonl"):
        (folder / name).write_text(json.dumps({"data": {"name": name}}) + "\n", encoding="utf-8")
    (folder / ".hidden.json").write_text("not json")
    (folder / "notes.txt").write_text("not json")
    (folder / "sub.json").mkdir()
    assert [t["data"]["name"] for t in read_tasks(folder)] == ["t-1.jsonl", "t-2.json", "t-10.json"]
    assert [p.name for p in task_files(folder)] == ["t-1.jsonl", "t-2.json", "t-10.json"]
    where = [w for w, _ in read_tasks_located(folder)]
    assert [(w.file.name, w.line, w.index) for w in where] == [
        ("t-1.jsonl", 1, 0),
        ("t-2.json", 1, 0),
        ("t-10.json", 1, 0),
    ]


def test_writers_refuse_to_mix_with_old_output(tmp_path: Path) -> None:
    write_dir(tmp_path / "d", TASKS)
    with pytest.raises(FileExistsError, match=r"already holds task files \(task-00000001.json"):
        write_dir(tmp_path / "d", TASKS)
    write_tasks(tmp_path / "c.jsonl", TASKS, max_tasks_per_file=1)
    with pytest.raises(FileExistsError, match=r"c-00001.jsonl already exists"):
        write_tasks(tmp_path / "c.jsonl", TASKS, max_tasks_per_file=1)


def test_max_tasks_per_file_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="max_tasks_per_file must be at least 1, got 0"):
        write_tasks(tmp_path / "c.json", TASKS, max_tasks_per_file=0)
    with pytest.raises(ValueError, match="max_tasks_per_file must be at least 1, got 0"):
        write_dir(tmp_path / "d", TASKS, max_tasks_per_file=0)


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("a.json", "json"),
        ("a.JSON", "json"),
        ("a.jsonl", "jsonl"),
        ("a.ndjson", "jsonl"),
        ("folder", "dir"),
    ],
    ids=["json", "upper", "jsonl", "ndjson", "no-suffix"],
)
def test_detect_layout(name: str, layout: str, tmp_path: Path) -> None:
    assert detect_layout(tmp_path / name) == layout


def test_detect_layout_refuses_other_suffixes(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("")
    with pytest.raises(TaskFileError, match=r"x\.csv: cannot tell the layout from the name"):
        detect_layout(tmp_path / "x.csv")
    assert detect_layout(tmp_path) == "dir"


# --- refusing what is not JSON --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (math.nan, "task 0: $[0].data.x is nan; JSON has no NaN or infinity"),
        (-math.inf, "task 0: $[0].data.x is -inf; JSON has no NaN or infinity"),
        ([1, math.inf], r"task 0: $[0].data.x[1] is inf"),
        (np.float32(0.5), "task 0: $[0].data.x is a numpy.float32, which JSON cannot hold"),
        ({1}, "task 0: $[0].data.x is a builtins.set, which JSON cannot hold"),
        ({(1, 2): 1}, "task 0: $[0].data.x has a key of type tuple"),
    ],
    ids=["nan", "-inf", "inf-in-list", "numpy", "set", "tuple-key"],
)
def test_writers_refuse_non_json_values(value: Any, message: str, tmp_path: Path) -> None:
    for write in (write_json, write_jsonl):
        with pytest.raises(BuildError, match=_escape(message)):
            write(tmp_path / "t.out", [{"data": {"x": value}}])
    assert list(tmp_path.iterdir()) == []  # nothing half-written is left


def test_non_json_value_is_located_by_task_index(tmp_path: Path) -> None:
    tasks = [
        {"data": {}},
        {"data": {}},
        {"data": {}, "predictions": [{"result": [{"v": math.nan}]}]},
    ]
    with pytest.raises(BuildError, match=_escape("task 2: $[2].predictions[0].result[0].v is nan")):
        write_tasks(tmp_path / "t.json", tasks, max_tasks_per_file=2)


def test_numpy_float64_is_a_float_and_is_written(tmp_path: Path) -> None:
    write_json(tmp_path / "t.json", [{"data": {"x": np.float64(0.25)}}])
    assert list(read_tasks(tmp_path / "t.json")) == [{"data": {"x": 0.25}}]


def _escape(text: str) -> str:
    import re

    return re.escape(text)


# --- reader errors: file, line, task index ---------------------------------------------------

JSON_ERRORS = [
    ("", "{f}: empty file; expected a list of tasks or one task object"),
    (" \n\t", "{f}: empty file; expected a list of tasks or one task object"),
    (
        '[\n  {"data": {}},\n  {"data": {"x" 1}}\n]',
        "{f}:3:17: task 1: invalid JSON: Expecting ':' delimiter",
    ),
    (
        '[\n  {"data": {}},\n  {"data": {"x": NaN}}\n]',
        "{f}:3: task 1: NaN is not valid JSON (Label Studio rejects NaN and Infinity)",
    ),
    (
        '[{"data": {"x": -Infinity}}]',
        "{f}:1: task 0: -Infinity is not valid JSON (Label Studio rejects NaN and Infinity)",
    ),
    ('[{"data": {}},\n]', "{f}:2:1: a ',' after task 0 but no task: remove it"),
    ('[{"data": {}}', "{f}:1:14: unexpected end of file: the list of tasks is not closed with ']'"),
    ('[{"data": {}} {"data": {}}]', "{f}:1:15: expected ',' or ']' after task 0, got '{'"),
    ('[{"data": {}}]\n]', "{f}:2:1: extra data after the tasks"),
    ('{"data": {}} {"data": {}}', "{f}:1:14: extra data after the tasks"),
    ("[1]", "{f}:1: task 0: a task must be a JSON object, got a number"),
    ('[{"data": {}}, [{"data": {}}]]', "{f}:1: task 1: a task must be a JSON object, got a list"),
    ('"tasks"', "{f}:1: expected a list of tasks or one task object, got a string"),
    ('[{"data": "\x01"}]', "{f}:1:12: task 0: invalid JSON: Invalid control character at"),
    (
        '[{"data": "unterminated}]',
        "{f}:1:11: task 0: invalid JSON: Unterminated string starting at",
    ),
]


@pytest.mark.parametrize(
    ("content", "message"),
    JSON_ERRORS,
    ids=[
        "empty",
        "blank",
        "syntax",
        "nan",
        "-infinity",
        "trailing-comma",
        "unclosed",
        "missing-comma",
        "extra-bracket",
        "two-objects",
        "number-task",
        "list-task",
        "string",
        "control-char",
        "unterminated",
    ],
)
@pytest.mark.parametrize("chunk", [1 << 20, 3], ids=["big-chunks", "3-byte-chunks"])
def test_json_reader_errors(
    content: str, message: str, chunk: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_module, "CHUNK_BYTES", chunk)
    path = tmp_path / "t.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TaskFileError) as info:
        list(read_tasks(path))
    assert str(info.value).startswith(message.replace("{f}", str(path)))


JSONL_ERRORS = [
    ('{"data": {}}\n{"data": {"x" 1}}\n', "{f}:2:15: invalid JSON: Expecting ':' delimiter"),
    ('{"data": {}}\n\n{"data": {}} x\n', "{f}:3:14: invalid JSON: Extra data"),
    (
        '{"data": {"x": NaN}}\n',
        "{f}:1: NaN is not valid JSON (Label Studio rejects NaN and Infinity)",
    ),
    ('[{"data": {}}]\n', "{f}:1: a task must be a JSON object, got a list"),
    ('{"data": {}}\n"x"\n', "{f}:2: a task must be a JSON object, got a string"),
]


@pytest.mark.parametrize(
    ("content", "message"),
    JSONL_ERRORS,
    ids=["syntax", "extra-data", "nan", "list-line", "string-line"],
)
def test_jsonl_reader_errors(content: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TaskFileError) as info:
        list(read_tasks(path))
    assert str(info.value).startswith(message.replace("{f}", str(path)))


def test_jsonl_lines_are_numbered_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('\ufeff{"data": {"a": 1}}\r\n\n  \n{"data": {"a": 2}}', encoding="utf-8")
    found = [(w.line, w.index, t) for w, t in read_tasks_located(path)]
    assert found == [(1, 0, {"data": {"a": 1}}), (4, 1, {"data": {"a": 2}})]


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "t.json").write_bytes(b'[{"data": {"x": "\xff"}}]')
    with pytest.raises(TaskFileError, match=r"t\.json: not UTF-8 text \(byte 17\)"):
        list(read_tasks(tmp_path / "t.json"))
    (tmp_path / "t.jsonl").write_bytes(b'{"data": {}}\n{"data": {"x": "\xff"}}\n')
    with pytest.raises(TaskFileError, match=r"t\.jsonl:2: not UTF-8 text \(byte 17 of the line\)"):
        list(read_tasks(tmp_path / "t.jsonl"))


def test_dir_errors_name_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "bucket"
    write_dir(folder, TASKS)
    (folder / "task-00000003.json").write_text('{"data": {"x": }}', encoding="utf-8")
    with pytest.raises(TaskFileError) as info:
        list(read_tasks(folder))
    assert str(info.value) == f"{folder / 'task-00000003.json'}:1:16: invalid JSON: Expecting value"


def test_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        list(read_tasks(tmp_path / "missing.json"))
    with pytest.raises(FileNotFoundError):
        list(read_tasks(tmp_path / "missing"))


def test_locations_in_a_json_list(tmp_path: Path) -> None:
    path = write_json(tmp_path / "t.json", TASKS, indent=2)
    found = [(w.line, w.index) for w, _ in read_tasks_located(path)]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [lines[line - 1] for line, _ in found] == ["  {", "  {"]
    assert [index for _, index in found] == [0, 1]
    assert str(next(read_tasks_located(path))[0]) == f"{path}:2"


def test_on_bytes_counts_the_whole_file(tmp_path: Path) -> None:
    for name in ("t.json", "t.jsonl"):
        path = write_tasks(tmp_path / name, TASKS * 50)[0]
        seen: list[int] = []
        assert len(list(read_tasks_located(path, on_bytes=seen.append))) == 100
        assert sum(seen) == path.stat().st_size


# --- streaming: memory does not grow with the number of tasks -------------------------------


def _many(count: int) -> Iterator[dict[str, Any]]:
    for i in range(count):
        yield {
            "data": {"image": f"s3://bucket/{i:07d}.jpg"},
            "predictions": [
                {
                    "model_version": "m",
                    "result": [
                        {"id": f"r{i}", "type": "rectanglelabels", "value": {"x": 1.5, "y": 2.5}}
                    ],
                }
            ],
        }


def _peak_bytes(action: Any) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("name", ["t.json", "t.jsonl"])
def test_writing_and_reading_stream(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Peak memory is the same for 2,000 and 8,000 tasks: nothing grows with the file."""
    monkeypatch.setattr(json_module, "CHUNK_BYTES", 1 << 16)
    peaks = []
    for count in (2_000, 8_000):
        path = tmp_path / f"{count}-{name}"
        peak_write = _peak_bytes(lambda: write_tasks(path, _many(count)))  # noqa: B023
        peak_read = _peak_bytes(lambda: sum(1 for _ in read_tasks(path)))  # noqa: B023
        peaks.append((path.stat().st_size, peak_write, peak_read))
    (small, *small_peaks), (big, *big_peaks) = peaks
    assert big > 3.9 * small
    # Holding 8,000 tasks as dicts takes ~14 MB; the stream needs one task, one read chunk
    # (64 KiB here) and the 1 MiB write buffer.
    for peak_small, peak_big in zip(small_peaks, big_peaks, strict=True):
        assert peak_big < 1_500_000, peaks
        assert peak_big < peak_small + 100_000, peaks
