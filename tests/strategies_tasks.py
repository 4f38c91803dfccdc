"""Hypothesis strategies for tasks, predictions and the JSON inside them."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

# Keys and strings: any Unicode Label Studio could be sent (emoji, CJK, combining marks,
# quotes, backslashes, control characters, U+2028), short so examples stay fast.
text = st.text(max_size=12)
keys = st.text(min_size=1, max_size=8)
finite_floats = st.floats(allow_nan=False, allow_infinity=False)
scalars = st.none() | st.booleans() | st.integers() | finite_floats | text

json_values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=6,
)
json_objects = st.dictionaries(keys, json_values, max_size=3)

result_dicts = st.fixed_dictionaries(
    {
        "id": st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10),
        "type": st.sampled_from(["rectanglelabels", "choices", "labels", "textarea"]),
        "from_name": keys,
        "to_name": keys,
        "value": json_objects,
    },
    optional={"score": st.floats(0, 1), "original_width": st.integers(1, 10_000)},
)

prediction_dicts = st.fixed_dictionaries(
    {"result": st.lists(result_dicts, max_size=3)},
    optional={
        "model_version": text,
        "score": st.floats(0, 1) | st.integers(0, 1),
    },
)

annotation_dicts = st.fixed_dictionaries(
    {"result": st.lists(result_dicts, max_size=2)},
    optional={"ground_truth": st.booleans(), "completed_by": st.integers(1, 100)},
)

task_dicts = st.fixed_dictionaries(
    {"data": json_objects},
    optional={
        "id": st.integers(0, 2**53),
        "predictions": st.lists(prediction_dicts, min_size=1, max_size=3),
        "annotations": st.lists(annotation_dicts, min_size=1, max_size=2),
        "meta": json_objects,
        "drafts": st.lists(json_objects, max_size=2),
        "custom": json_values,
    },
)
"""Task dicts that :meth:`prelabel.Task.from_dict` reads and ``to_dict`` writes back equal."""

raw_tasks = st.dictionaries(keys, json_values, max_size=5) | task_dicts
"""Any JSON object a task file may hold (readers and writers do not check the envelope)."""

task_lists = st.lists(raw_tasks, max_size=5)
