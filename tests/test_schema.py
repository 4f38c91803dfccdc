"""prelabel.schema / ``prelabel schema``: the JSON Schema of a task file, held to the validator.

The property: whatever the schema rejects, the validator rejects too, at the same task and
result. The schema is looser (geometry, offsets and links are the validator's alone), never
stricter.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prelabel import LabelConfig, Validator
from prelabel.cli import main
from prelabel.schema import task_schema
from prelabel.validate._task import compile_data_specs
from strategies_validate import CONFIG_XML, JUNK, config_named, prediction_for

NAMES = sorted(CONFIG_XML)
# Examples per config; raise it to hunt: PRELABEL_SCHEMA_EXAMPLES=300 pytest tests/test_schema.py
EXAMPLES = int(os.environ.get("PRELABEL_SCHEMA_EXAMPLES", "8"))
_CHECKERS: dict[str, jsonschema.Draft202012Validator] = {}

TEXT_XML = """<View>
  <Text name="text" value="$text"/>
  <Labels name="entities" toName="text">
    <Label value="Person"/><Label value="Location"/>
  </Labels>
  <Choices name="topic" toName="text"><Choice value="History" alias="hist"/></Choices>
  <Relations><Relation value="knows"/></Relations>
</View>"""


def checker(name: str) -> jsonschema.Draft202012Validator:
    """The schema of one task (``$defs.Task``), so that errors are located inside it."""
    if name not in _CHECKERS:
        schema = task_schema(config_named(name))
        one = {"$ref": "#/$defs/Task", "$defs": schema["$defs"]}
        _CHECKERS[name] = jsonschema.Draft202012Validator(one)
    return _CHECKERS[name]


_VALUES: dict[type, list[Any]] = {
    str: ["https://example.com/a.png", "Ada met Charles in London."],
    int: [3],
    float: [2.5],
    list: [[], [{"text": "hi", "author": "a"}]],
    dict: [{}, {"a": [1, 2]}],
    type(None): [None],
}


@st.composite
def task_data(draw: st.DrawFn, config: LabelConfig) -> Any:
    """``task.data`` for ``config``: every key with a value of a type its tag takes, then
    sometimes a key dropped, a value of the wrong type, or no object at all."""
    data: dict[str, Any] = {}
    for spec in compile_data_specs(config):
        parts = [str(p) for p in (spec.parts or (spec.key,))]
        node = data
        for part in parts[:-1]:
            node = node.setdefault(part, {}) if isinstance(node.get(part, {}), dict) else {}
        kind = draw(st.sampled_from(spec.types))
        node.setdefault(parts[-1], copy.deepcopy(draw(st.sampled_from(_VALUES[kind]))))
    how = draw(st.sampled_from(["keep", "keep", "keep", "drop", "junk", "not_object"]))
    if how == "drop" and data:
        data.pop(draw(st.sampled_from(sorted(data))))
    elif how == "junk" and data:
        data[draw(st.sampled_from(sorted(data)))] = draw(st.sampled_from(JUNK))
    elif how == "not_object":
        return draw(st.sampled_from([[], "x", 3]))
    return data


@st.composite
def task_for(draw: st.DrawFn, config: LabelConfig) -> Any:
    task: dict[str, Any] = {"data": draw(task_data(config))}
    pred = draw(prediction_for(config))
    how = draw(st.sampled_from(["keep"] * 6 + ["score", "version", "no_data", "not_list"]))
    if how == "score":
        pred["score"] = draw(st.sampled_from([1.5, -1, "0.5", "high", None, True]))
    elif how == "version":
        pred["model_version"] = draw(st.sampled_from([1, None, [], "v"]))
    elif how == "no_data":
        del task["data"]
    task["predictions"] = [pred] if how != "not_list" else pred
    return task


def _prefix(path: Any) -> tuple[Any, ...]:
    """Where a schema error is, down to the result item (``(0, 'predictions', 0, 'result', 2)``)."""
    return tuple(path)[:5]


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_what_the_schema_rejects_the_validator_rejects(name: str, data: st.DataObject) -> None:
    config = config_named(name)
    task = json.loads(json.dumps(data.draw(task_for(config))))
    refusals = list(checker(name).iter_errors(task))
    if not refusals:
        return
    records = [r for r in Validator(config).check_task(task, 0) if r.severity == "error"]
    where = [r.loc for r in records]
    for refusal in refusals:
        prefix = _prefix([0, *refusal.absolute_path])
        assert any(loc[: len(prefix)] == prefix for loc in where), (
            f"the schema rejects {list(refusal.absolute_path)} ({refusal.message[:200]}), "
            f"the validator finds no error there; its errors: {[str(r) for r in records]}"
            f"\ntask: {json.dumps(task)[:2000]}"
        )


@pytest.mark.parametrize("name", NAMES)
def test_every_config_gives_a_valid_schema(name: str) -> None:
    schema = task_schema(config_named(name))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert json.loads(json.dumps(schema)) == schema


# --- what the schema pins, one case each (it is not vacuous) --------------------------------

SPAN = {
    "id": "a",
    "from_name": "entities",
    "to_name": "text",
    "type": "labels",
    "value": {"start": 0, "end": 3, "text": "Ada", "labels": ["Person"]},
}
TOPIC = {
    "from_name": "topic",
    "to_name": "text",
    "type": "choices",
    "value": {"choices": ["hist"]},
}


def _task(*results: dict[str, Any], **data: Any) -> dict[str, Any]:
    return {
        "data": data or {"text": "Ada met Charles."},
        "predictions": [{"result": list(results)}],
    }


def _with(result: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(result)
    *parents, last = path.split(".")
    node = out
    for part in parents:
        node = node[part]
    node[last] = value
    return out


REJECTED = {
    "unknown label": _task(_with(SPAN, "value.labels", ["Persn"])),
    "two labels on a single-choice control": _task(_with(SPAN, "value.labels", ["Person"] * 2)),
    "a choice's value where its alias is due": _task(_with(TOPIC, "value.choices", ["History"])),
    "unknown from_name": _task(_with(SPAN, "from_name", "entity")),
    "to_name of no target": _task(_with(SPAN, "to_name", "txt")),
    "wrong type": _task(_with(SPAN, "type", "Labels")),
    "labels missing": _task(_with(SPAN, "value", {"start": 0, "end": 3})),
    "value not an object": _task(_with(SPAN, "value", ["Person"])),
    "data key missing": _task(SPAN, content="Ada met Charles."),
    "data of the wrong type": _task(SPAN, text={"a": 1}),
    "score above 1": {**_task(SPAN), "predictions": [{"result": [SPAN], "score": 1.5}]},
    "result not a list": {**_task(), "predictions": [{"result": SPAN}]},
    "unknown relation label": _task(
        SPAN,
        _with(SPAN, "id", "b"),
        {"type": "relation", "from_id": "a", "to_id": "b", "direction": "right", "labels": ["x"]},
    ),
    "relation direction": _task(
        SPAN,
        _with(SPAN, "id", "b"),
        {"type": "relation", "from_id": "a", "to_id": "b", "direction": "up"},
    ),
}


@pytest.mark.parametrize("task", REJECTED.values(), ids=list(REJECTED))
def test_the_schema_rejects_and_so_does_the_validator(task: dict[str, Any]) -> None:
    config = LabelConfig.parse(TEXT_XML)
    assert list(jsonschema.Draft202012Validator(task_schema(config)).iter_errors(task))
    assert any(r.severity == "error" for r in Validator(config).check_task(task, 0))


def test_a_valid_task_passes_the_schema() -> None:
    config = LabelConfig.parse(TEXT_XML)
    relation = {"type": "relation", "from_id": "a", "to_id": "b", "direction": "right"}
    task = _task(SPAN, _with(SPAN, "id", "b"), TOPIC, {**relation, "labels": ["knows"]})
    jsonschema.validate([task, task], task_schema(config))
    assert [r for r in Validator(config).check_task(task, 0) if r.severity == "error"] == []


def test_labels_are_enums_and_names_constants() -> None:
    schema = task_schema(LabelConfig.parse(TEXT_XML))
    defs = schema["$defs"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert defs["entities_value"]["properties"]["labels"]["items"] == {
        "enum": ["Person", "Location"],
        "type": "string",
    }
    assert defs["topic_value"]["properties"]["choices"]["items"]["enum"] == ["hist"]
    assert defs["entities_result"]["properties"]["from_name"]["const"] == "entities"
    assert defs["TaskData"]["required"] == ["text"]


def test_cli_writes_the_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.xml"
    config.write_text(TEXT_XML, encoding="utf-8")
    assert main(["schema", str(config)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == task_schema(LabelConfig.parse(TEXT_XML))
    out = tmp_path / "schema.json"
    assert main(["schema", str(config), "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == printed


def test_cli_invalid_config_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.xml"
    config.write_text("<View><Choices name='c' toName='nowhere'/></View>", encoding="utf-8")
    assert main(["schema", str(config)]) == 1
    assert "invalid labeling config" in capsys.readouterr().err


def test_cli_unreadable_files_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", str(tmp_path / "missing.xml")]) == 2
    assert "cannot read" in capsys.readouterr().err
    config = tmp_path / "config.xml"
    config.write_text(TEXT_XML, encoding="utf-8")
    assert main(["schema", str(config), "-o", str(tmp_path / "no" / "dir.json")]) == 2
    assert "cannot write" in capsys.readouterr().err
