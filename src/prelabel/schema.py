"""The JSON Schema of a task file for one labeling config, for model servers not in Python.

``task_schema(config)`` describes what ``prelabel validate`` and Label Studio check first:
the ``task.data`` keys the object tags read (with the JSON types the server accepts), and for
each control the shape of its results: ``from_name``, ``to_name`` and ``type`` as constants,
``value`` an object, and its labels or choices as an enum of the values the config defines.

The schema is generated from pydantic models built for the config, and it is deliberately
*looser* than the validator: everything it rejects, the validator rejects too (a hypothesis
test holds it to that), but geometry, offsets, masks and links between results are only
checked by the validator. A file that passes the schema can still fail ``prelabel validate``;
a file that fails the schema will always fail it.

>>> from prelabel import LabelConfig
>>> config = LabelConfig.parse(
...     '<View><Text name="text" value="$text"/>'
...     '<Choices name="topic" toName="text"><Choice value="History"/></Choices></View>'
... )
>>> schema = task_schema(config)
>>> schema["$defs"]["TaskData"]["required"]
['text']
>>> schema["$defs"]["topic_value"]["properties"]["choices"]["items"]
{'enum': ['History'], 'type': 'string'}
"""

from __future__ import annotations

from types import GenericAlias
from typing import Annotated, Any, Literal, Union

import pydantic
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, WithJsonSchema

from .config import LabelConfig
from .tags.base import ControlTag
from .tags.controls import LabelingControl, Labels, Taxonomy
from .validate._task import DataSpec, compile_data_specs

__all__ = ["DRAFT", "task_schema"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_ORIGINS = Literal["prediction", "prediction-changed", "manual"]
_DIRECTIONS = Literal["right", "left", "bi"]
_JSON_TYPES: dict[type, Any] = {
    str: pydantic.StrictStr,
    int: pydantic.StrictInt,
    float: pydantic.StrictFloat,
    list: list[Any],
    dict: dict[str, Any],
    type(None): None,
}
# Types are built at run time from the config: typing's special forms, seen as values.
_Literal: Any = Literal
_Union: Any = Union
_Annotated: Any = Annotated
_RELATION: Any = _Literal["relation"]


def _list_of(item: Any) -> Any:
    return GenericAlias(list, (item,))


def task_schema(config: LabelConfig) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a task file for ``config``: one task or a list.

    Each task is ``$defs.Task``, so a JSONL line can be checked against
    ``{"$ref": "#/$defs/Task"}`` with the same ``$defs``.
    """
    task = _task_model(config)
    either: Any = _Union[_list_of(task), task]
    adapter: TypeAdapter[Any] = TypeAdapter(either)
    schema = adapter.json_schema(ref_template="#/$defs/{model}")
    return {
        "$schema": DRAFT,
        "title": "Label Studio task file",
        "description": "Tasks for this labeling config, as Label Studio imports them: a list "
        "of tasks or one task. Checked here: data keys and types, each result's names, type "
        "and labels; `prelabel validate` checks the rest (geometry, offsets, masks, links).",
        **schema,
    }


# --- models built for one config ----------------------------------------------------------


def _task_model(config: LabelConfig) -> type[BaseModel]:
    result = _result_type(config)
    prediction = pydantic.create_model(
        "Prediction",
        __config__=ConfigDict(extra="allow", title="Prediction"),
        result=(_list_of(result), ...),
        # A numeric string is only a warning; null means none.
        score=(Annotated[float, Field(ge=0, le=1)] | str | None, None),
        model_version=(str | int | float | None, None),
    )
    annotation = pydantic.create_model(
        "Annotation",
        __config__=ConfigDict(extra="allow", title="Annotation"),
        result=(_list_of(result), ...),
    )
    return pydantic.create_model(
        "Task",
        __config__=ConfigDict(
            extra="allow",
            title="Task",
            # Without predictions or annotations, a task with no "data" is read as data itself.
            json_schema_extra={
                "dependentRequired": {"predictions": ["data"], "annotations": ["data"]}
            },
        ),
        data=(_data_model(compile_data_specs(config)) | None, None),
        predictions=(_list_of(prediction), None),
        annotations=(_list_of(annotation), None),
    )


def _data_model(specs: tuple[DataSpec, ...]) -> Any:
    """``task.data``: every key an object tag reads, nested for ``$a.b`` paths."""
    tree: dict[str, Any] = {}
    for spec in specs:
        parts = [str(p) for p in (spec.parts or (spec.key,))]
        node = tree
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break  # "$a" and "$a.b" both read: keep the outer type only
            node = child
        else:
            node.setdefault(parts[-1], spec.types)
    return _object_model("TaskData", tree)


def _object_model(name: str, tree: dict[str, Any]) -> Any:
    fields: dict[str, Any] = {}
    for index, (key, node) in enumerate(tree.items()):
        if isinstance(node, dict):
            kind: Any = _object_model(f"{name}_{index}", node)
        else:
            kind = _Union[tuple(_JSON_TYPES[t] for t in node)]
        fields[f"f{index}"] = (kind, Field(..., alias=key))
    return pydantic.create_model(name, __config__=ConfigDict(extra="allow", title=name), **fields)


def _result_type(config: LabelConfig) -> Any:
    models: list[Any] = []
    for control in config.controls.values():
        models.extend(_control_results(config, control))
    models.append(_relation_model(config))
    return _Union[tuple(models)]


def _control_results(config: LabelConfig, control: ControlTag) -> list[Any]:
    """One model per result shape the control writes (two for a Labels merged into a tool)."""
    targets = tuple(dict.fromkeys(t.name for t in control.targets))
    base: dict[str, Any] = {
        "from_name": (_Literal[control.name], ...),
        "to_name": (_Literal[targets], ...),
        "value": (_value_model(control), ...),
        "origin": (_ORIGINS | None, None),
    }
    name = control.name
    own = pydantic.create_model(
        f"{name}_result",
        __config__=ConfigDict(extra="allow", title=f"<{control.tag} name={name!r}> result"),
        type=(_Literal[control.result_type], ...),
        **base,
    )
    merged = _merged_types(config, control)
    if not merged:
        return [own]
    base["value"] = (dict[str, Any], ...)
    loose = pydantic.create_model(
        f"{name}_merged_result",
        __config__=ConfigDict(extra="allow", title=f"<{control.tag} name={name!r}> merged"),
        type=(_Literal[merged], ...),
        **base,
    )
    return [own, loose]


def _merged_types(config: LabelConfig, control: ControlTag) -> tuple[str, ...]:
    """``rectanglelabels`` etc.: a <Labels> result typed as a sibling tool's labels."""
    if not isinstance(control, Labels):
        return ()
    tools = {
        c.result_type
        for obj in control.targets
        for c in config.controls_for(obj.name)
        if c.name != control.name
    }
    return tuple(sorted(f"{tool}labels" for tool in tools if tool))


def _value_model(control: ControlTag) -> Any:
    key = control.value_key
    if key is None or not _enumerable(control):
        return dict[str, Any]
    assert isinstance(control, LabelingControl)
    values = control.label_values
    item = _enum(values)
    # One value unless choice="multiple"; none is only a warning. No labels: none may be used.
    limit = None if control.multiple else 1
    labels = _Annotated[_list_of(item), Field(max_length=limit if values else 0)]
    return pydantic.create_model(
        f"{control.name}_value",
        __config__=ConfigDict(extra="allow", title=f"{control.name} value"),
        labels=(labels, Field(..., alias=key)),
    )


def _enumerable(control: ControlTag) -> bool:
    """True when every label the control accepts is in the config (so an enum is exact)."""
    return (
        isinstance(control, LabelingControl)
        and not isinstance(control, Taxonomy)
        and control.dynamic_labels is None
        and not getattr(control, "allow_nested", False)
    )


def _enum(values: tuple[str, ...]) -> Any:
    """A string among ``values``, written as an enum even when there is one (not a const)."""
    if not values:
        return str
    return _Annotated[
        _Literal[values],
        WithJsonSchema({"type": "string", "enum": list(values)}),
    ]


def _relation_model(config: LabelConfig) -> Any:
    relations = config.relations
    values = relations.label_values if relations is not None else ()
    item = _enum(values)
    multiple = relations is not None and relations.multiple
    labels = _Annotated[_list_of(item), Field(max_length=None if multiple else 1 if values else 0)]
    return pydantic.create_model(
        "relation_result",
        __config__=ConfigDict(extra="allow", title="relation between two regions"),
        type=(_RELATION, ...),
        from_id=(Any, ...),
        to_id=(Any, ...),
        direction=(_DIRECTIONS, ...),
        labels=(labels | None, None),
    )
