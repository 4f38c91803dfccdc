"""The JSON Lines reader parses with orjson and hands a line to the json module wherever the
two could differ: every line reads to the same value (types included) and fails with the same
message as it did through the json module alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from prelabel.errors import TaskFileError
from prelabel.io import _jsonl as jsonl_module
from prelabel.io import read_tasks_located

_INTS = st.one_of(
    st.integers(-(2**70), 2**70),
    st.sampled_from([2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63), -(2**63) - 1, 10**18, -0]),
)
_FLOATS = st.floats(allow_nan=False, allow_infinity=False)
_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=12)
_SCALARS = st.one_of(st.none(), st.booleans(), _INTS, _FLOATS, _TEXT)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_TEXT, inner, max_size=4)),
    max_leaves=12,
)


def _json_only(raw: bytes, number: int) -> Any:
    """What the reader gave before orjson: the json module's value or its message."""
    try:
        return (
            "value",
            jsonl_module.read_line(raw, Path("f.jsonl"), number, json.JSONDecoder().decode),
        )
    except TaskFileError as exc:
        return ("error", str(exc))


def _read(tmp_path: Path, lines: list[bytes]) -> list[Any]:
    path = tmp_path / "f.jsonl"
    path.write_bytes(b"".join(lines))
    out: list[Any] = []
    for _location, task in read_tasks_located(
        path, on_error=lambda exc: out.append(("error", str(exc).replace(str(path), "f.jsonl")))
    ):
        out.append(("value", task))
    return out


def _typed(value: Any) -> Any:
    """``value`` with every number tagged by its type: 1 and 1.0 differ, -0.0 and 0.0 differ."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if isinstance(value, float):
        return ("float", value.hex())
    return (type(value).__name__, value)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.dictionaries(_TEXT, _VALUES, max_size=5), min_size=1, max_size=4),
    st.booleans(),
)
def test_every_line_reads_as_the_json_module_reads_it(
    tmp_path_factory: Any, tasks: list[dict[str, Any]], ascii_only: bool
) -> None:
    tmp_path = tmp_path_factory.mktemp("lines")
    lines = [
        json.dumps(task, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass") + b"\n"
        for task in tasks
    ]
    expected = [
        outcome
        for number, raw in enumerate(lines, 1)
        if (outcome := _json_only(raw, number)) != ("value", None)
    ]
    got = _read(tmp_path, lines)
    assert [(kind, _typed(v) if kind == "value" else v) for kind, v in got] == [
        (kind, _typed(v) if kind == "value" else v) for kind, v in expected
    ]


def test_the_lines_orjson_reads_otherwise_keep_the_json_reading(tmp_path: Path) -> None:
    lines = [
        b'{"n": 123456789012345678901234}\n',  # orjson: a float; json: the int
        b'{"n": -9223372036854775809}\n',
        b'{"n": 18446744073709551616}\n',
        b'{"s": "\\ud800"}\n',  # a lone surrogate: orjson refuses, json reads it
        b"\x0c\n",  # blank to str.strip()
        b'{"n": 1.7976931348623159e308}\n',  # orjson refuses; json reads inf: refused, located
        b'{"n": 1e400}\n',
        b"[1, 2]\n",
        b'{"a": 1}x\n',
    ]
    got = _read(tmp_path, lines)
    assert got[0] == ("value", {"n": 123456789012345678901234})
    assert type(got[0][1]["n"]) is int
    assert got[1] == ("value", {"n": -9223372036854775809})
    assert got[2] == ("value", {"n": 18446744073709551616})
    assert got[3] == ("value", {"s": "\ud800"})
    assert [kind for kind, _ in got[4:]] == ["error"] * 4
    assert "f.jsonl:6: $.n is a number beyond the float range" in got[4][1]
    assert "f.jsonl:7: $.n is a number beyond the float range" in got[5][1]
    assert got[6][1] == "f.jsonl:8: a task must be a JSON object, got a list"
    assert got[7][1].startswith("f.jsonl:9:9: invalid JSON: Extra data")


def test_a_byte_order_mark_on_the_first_line_is_read(tmp_path: Path) -> None:
    got = _read(tmp_path, [b'\xef\xbb\xbf{"data": {"a": 1}}\n', b'{"data": {"a": 2}}\n'])
    assert got == [("value", {"data": {"a": 1}}), ("value", {"data": {"a": 2}})]


@given(st.text(st.sampled_from("0123456789eE+-. x\u0663"), max_size=400))
def test_the_overflow_marks_find_every_number_the_old_pattern_found(text: str) -> None:
    """The byte marks that decide whether a task is walked for an infinite number catch every
    text the former regex caught (``\\d{309}|\\d[eE][+]?\\d{3}``, ASCII digits: only those make
    JSON numbers) and nothing it did not."""
    import re

    from prelabel.io._json import _HUGE_MARKS, NUMBER_MARKS

    old = re.search(r"[0-9]{309}|[0-9][eE][+]?[0-9]{3}", text) is not None
    marks = text.encode("utf-8").translate(NUMBER_MARKS)
    assert any(mark in marks for mark in _HUGE_MARKS) == old


def test_validate_restores_the_garbage_collector(tmp_path: Path) -> None:
    """The command collects less often while it streams, and leaves the process as it was."""
    import gc

    from prelabel.cli import main

    config = tmp_path / "c.xml"
    config.write_text('<View><Text name="t" value="$text"/></View>')
    tasks = tmp_path / "t.jsonl"
    tasks.write_bytes(b'{"data": {"text": "a"}}\n')
    before = gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()
    assert main(["validate", "--no-progress", "--config", str(config), str(tasks)]) == 0
    assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == before
