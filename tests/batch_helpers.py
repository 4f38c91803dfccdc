"""What the PredictionBatch part tests compare: tasks with their fresh ids blanked, key orders."""

from __future__ import annotations

import json
from typing import Any


def no_ids(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tasks with region ids blanked (fresh ids differ between builders)."""
    out: list[dict[str, Any]] = json.loads(json.dumps(tasks))
    for task in out:
        for prediction in task["predictions"]:
            for result in prediction["result"]:
                result["id"] = "-"
    return out


def key_orders(tasks: list[dict[str, Any]]) -> list[tuple[list[str], list[str]]]:
    """Each result's keys and its value's keys, in order."""
    return [
        (list(result), list(result["value"]))
        for task in tasks
        for result in task["predictions"][0]["result"]
    ]
