"""Fuzzing, bounded in time (part of ``make test``): the validator, the task readers and the
upload client never crash, whatever they are given. Each found crash is kept as an example.

* the validator gets predictions for the shipped configs with hostile values put anywhere
  (lists where names go, numpy arrays, lone surrogates, huge numbers, deep nesting): it
  returns records, never raises;
* the readers get arbitrary bytes as .json and .jsonl files: problems come back located
  (``TaskFileError``), through ``on_error`` when given, and reading goes on;
* the upload client talks to a server on loopback answering arbitrary statuses, bodies and
  headers: it returns or raises ``LabelStudioError``, within its time limit.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hostile_server import Handler, serve
from prelabel.errors import TaskFileError
from prelabel.io import read_tasks, read_tasks_located
from prelabel.labelstudio import Client, LabelStudioError
from prelabel.validate import Validator
from strategies_validate import CONFIG_XML, config_named, prediction_for


def fuzz(examples: int) -> settings:
    """Bounded fuzzing: ``examples`` draws, no per-example deadline (the machine is shared)."""
    return settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))


CONDITIONAL = """<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text">
    <Choice value="Positive"/><Choice value="Negative"/>
  </Choices>
  <Choices name="why" toName="text" visibleWhen="choice-selected" whenTagName="sentiment"
           whenChoiceValue="Negative"><Choice value="Rude"/></Choices>
  <Labels name="ner" toName="text"><Label value="PER"/></Labels>
</View>"""
NAMES = ["extra_image_tools", "extra_paragraphs", "conditional", *sorted(CONFIG_XML)[:12:3]]

HOSTILE: list[Any] = [
    ["label"],
    {"a": [1, {"b": None}]},
    np.array([[1.5, 2.0], [3.0, 4.0]]),
    np.float64(3.5),
    np.int64(7),
    "\ud800",
    "a\ud800b",
    10**40,
    -(10**25),
    float("inf"),
    float("nan"),
    [[[[[[[[[[1]]]]]]]]]],
    "",
    True,
    None,
]


def _config(name: str) -> Any:
    if name == "conditional":
        from prelabel import LabelConfig

        return LabelConfig.parse(CONDITIONAL)
    return config_named(name)


def _poison(value: Any, draw: st.DrawFn, depth: int = 0) -> Any:
    """``value`` with some of its leaves or keys replaced by hostile values."""
    if depth > 6:
        return value
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            roll = draw(st.integers(0, 9))
            if roll == 0:
                out[key] = draw(st.sampled_from(HOSTILE))
            elif roll == 1:
                continue  # the key dropped
            else:
                out[key] = _poison(item, draw, depth + 1)
        return out
    if isinstance(value, list):
        return [_poison(item, draw, depth + 1) for item in value]
    return draw(st.sampled_from(HOSTILE)) if draw(st.integers(0, 7)) == 0 else value


@st.composite
def hostile_tasks(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(NAMES))
    prediction = draw(prediction_for(_config(name)))
    if prediction["result"] and draw(st.booleans()):  # two results sharing an id
        prediction["result"].append(dict(prediction["result"][0]))
    data = {key: draw(st.sampled_from(["text", "a\ud800 b", "", 5])) for key in ("text", "image")}
    task = {"data": data, "predictions": [_poison(prediction, draw)]}
    return name, task


@fuzz(150)
@given(hostile_tasks())
@example(  # an unhashable from_name beside visibleWhen conditions (TypeError before)
    (
        "conditional",
        {
            "data": {"text": "t"},
            "predictions": [
                {
                    "result": [
                        {
                            "from_name": ["why"],
                            "to_name": "text",
                            "type": "choices",
                            "value": {"choices": ["Rude"]},
                        },
                    ]
                }
            ],
        },
    )
)
@example(  # a lone surrogate before a span whose text is off (UnicodeEncodeError before)
    (
        "conditional",
        {
            "data": {"text": "\ud800 Anna met Bob"},
            "predictions": [
                {
                    "result": [
                        {
                            "id": "a",
                            "from_name": "ner",
                            "to_name": "text",
                            "type": "labels",
                            "value": {"start": 2, "end": 6, "text": "Anna met", "labels": ["PER"]},
                        },
                    ]
                }
            ],
        },
    )
)
@example(  # numpy points in two polygons sharing an id (ValueError before)
    (
        "extra_image_tools",
        {
            "data": {"image": "x.png"},
            "predictions": [
                {
                    "result": [
                        {
                            "id": "p",
                            "from_name": "img_lab",
                            "to_name": "img",
                            "type": "labels",
                            "original_width": 10,
                            "original_height": 10,
                            "value": {
                                "points": np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 1.0]]),
                                "labels": ["Car"],
                            },
                        },
                        {
                            "id": "p",
                            "from_name": "kp",
                            "to_name": "img",
                            "type": "keypoint",
                            "original_width": 10,
                            "original_height": 10,
                            "value": {
                                "points": np.array([[1.0, 2.0], [3.0, 5.0], [5.0, 1.0]]),
                                "x": 1,
                                "y": 2,
                                "width": 1,
                            },
                        },
                    ]
                }
            ],
        },
    )
)
def test_the_validator_never_crashes(case: tuple[str, dict[str, Any]]) -> None:
    name, task = case
    records = Validator(_config(name)).check_task(task, 0)
    assert all(record.code and record.path for record in records)


json_bytes = st.one_of(
    st.binary(max_size=300),
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8)),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=4)
        ),
        max_leaves=12,
    ).map(lambda v: json.dumps(v).encode()),
    st.lists(
        st.sampled_from(
            [
                b'{"data": {}}',
                b"[",
                b"]",
                b",",
                b"\n",
                b"1e999",
                b"NaN",
                b"\xff",
                b'"\\ud800"',
                b"{",
                b"}",
                b'"data":',
                b"9" * 5000,
                b"[" * 2000,
            ]
        ),
        max_size=12,
    ).map(b"".join),
)


@fuzz(80)
@given(content=json_bytes, suffix=st.sampled_from([".json", ".jsonl"]))
def test_the_readers_locate_every_problem_and_go_on(
    tmp_path_factory: pytest.TempPathFactory, content: bytes, suffix: str
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"t{suffix}"
    path.write_bytes(content)
    problems: list[TaskFileError] = []
    located = list(read_tasks_located(path, on_error=problems.append))
    assert all(isinstance(task, dict) for _, task in located)
    assert all(str(p).startswith(str(path)) for p in problems)
    try:
        plain = list(read_tasks(path))
    except TaskFileError:
        assert problems  # raising without on_error means on_error heard of it
    else:
        assert plain == [task for _, task in located]


answers = st.tuples(
    st.sampled_from([200, 201, 204, 301, 302, 400, 401, 404, 413, 500, 502, 503]),
    st.one_of(
        st.sampled_from(
            [
                b"",
                b"null",
                b"{}",
                b"[]",
                b"not json",
                b'{"id": 1}',
                b'{"id": "1"}',
                b'{"task_ids": [1]}',
                b'[{"id": 1}]',
                b'{"tasks": [{"id": 1}]}',
                b'{"detail": "Token tok-secret-value"}',
                b"<html><title>x</title>",
            ]
        ),
        st.binary(max_size=60),
    ),
    st.sampled_from(
        [
            {},
            {"Location": "http://127.0.0.1:9/x"},
            {"Location": "/api/tasks/"},
            {"Retry-After": "0"},
            {"Content-Length": "999"},
        ]
    ),
)


@fuzz(25)
@given(st.lists(answers, min_size=1, max_size=4), st.sampled_from(["create", "import", "read"]))
def test_the_upload_client_only_raises_its_own_error(
    script: list[tuple[int, bytes, dict[str, str]]], call: str
) -> None:
    queue = list(script)

    def answer(handler: Handler) -> None:
        status, body, headers = queue.pop(0) if len(queue) > 1 else queue[0]
        if status == 204 or "Content-Length" in headers:
            handler.send_response(status)
            for key, value in headers.items():
                handler.send_header(key, value)
            handler.end_headers()
            handler.wfile.write(body)
        else:
            handler.send(status, body, headers)

    with serve(answer) as server:
        client = Client(server.url, "tok-secret-value", timeout_s=1, deadline_s=2, retries=1)
        started = time.monotonic()
        message = ""
        try:
            if call == "create":
                client.create_project("p", "<View/>")
            elif call == "import":
                client.import_tasks(1, [{"data": {"t": i}} for i in range(3)], chunk_size=2)
            else:
                list(client.iter_tasks(1, page_size=1))
        except LabelStudioError as error:
            message = str(error)
        assert "tok-secret-value" not in message
        assert time.monotonic() - started < 4


def test_a_fuzz_found_crash_is_replayed(tmp_path: Path) -> None:
    """The reader examples above that crashed before, as plain assertions."""
    path = tmp_path / "t.jsonl"
    path.write_bytes(b'{"data": {"n": ' + b"9" * 5000 + b"}}\n" + b'{"data": {}}\n')
    problems: list[TaskFileError] = []
    assert [t for _, t in read_tasks_located(path, on_error=problems.append)] == [{"data": {}}]
    assert len(problems) == 1
