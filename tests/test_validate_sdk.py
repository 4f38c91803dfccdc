"""Conformance with Label Studio's own checker (SDK ``LabelInterface.validate_prediction``).

For predictions drawn from every shipped template's config (and two extra configs that cover
the control kinds the templates lack), valid or mutated:

* when prelabel reports no error, the SDK reports none either;
* when the SDK reports an error for a result, prelabel reports an error for that result.

The SDK is stricter than Label Studio only where ``docs/sdk-disagreements.md`` says so; those
cases are excluded here by name and pinned in ``test_sdk_rejects_valid_*`` below. The cases
where the SDK accepts what Label Studio mishandles are pinned in ``test_sdk_accepts_*``.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import sdk_errors
from prelabel import LabelConfig
from prelabel.errors import ErrorRecord
from prelabel.validate import Validator
from strategies_validate import CONFIG_XML, config_named, prediction_for

NAMES = sorted(CONFIG_XML)
# Examples per config; raise it to hunt for disagreements: PRELABEL_SDK_EXAMPLES=500 pytest ...
EXAMPLES = int(os.environ.get("PRELABEL_SDK_EXAMPLES", "15"))
_REF = re.compile(r"(Region|Relation) (\d+):")


def ours(config: LabelConfig, pred: dict[str, Any]) -> list[ErrorRecord]:
    """prelabel's errors for one prediction (task-level data records left out)."""
    records = Validator(config).check_task({"data": {}, "predictions": [pred]}, 0)
    return [r for r in records if r.severity == "error" and r.loc[1:2] == ("predictions",)]


def sdk_rejects_valid(config: LabelConfig, pred: dict[str, Any]) -> bool:
    """The SDK's known false rejections (docs/sdk-disagreements.md), present in ``pred``."""
    for r in pred.get("result", []):
        if not isinstance(r, dict) or not isinstance(r.get("value"), dict):
            continue
        control = config.find_control(str(r.get("from_name")))
        choices = r["value"].get("choices")
        nested = getattr(control, "allow_nested", False)
        if nested and isinstance(choices, list) and any(isinstance(x, list) for x in choices):
            return True
    return False


def assert_agrees(name: str, pred: dict[str, Any]) -> None:
    config = config_named(name)
    pred = json.loads(json.dumps(pred, allow_nan=False))
    sdk = sdk_errors(CONFIG_XML[name], pred)
    mine = ours(config, pred)
    if sdk_rejects_valid(config, pred):
        return
    detail = f"\nSDK: {sdk}\nprelabel: {[str(r) for r in mine]}\npred: {pred}"
    if not mine:
        assert not sdk, "prelabel found no error but the SDK did" + detail
    flagged = {r.loc[4] for r in mine if len(r.loc) > 4}
    results = pred.get("result", [])
    for message in sdk:
        ref = _REF.match(message)
        if ref is None:
            assert mine, "the SDK rejects the prediction, prelabel does not" + detail
            continue
        index = int(ref.group(2))
        if index in flagged:
            continue
        if ref.group(1) == "Relation":
            # The SDK resolves relation ends only among regions it accepted.
            rel = results[index]
            ends = {rel.get("from_id"), rel.get("to_id")}
            bad_ids = {
                results[k].get("id")
                for k in flagged
                if k < len(results) and isinstance(results[k], dict)
            }
            if ends & bad_ids:
                continue
        raise AssertionError(f"the SDK rejects result {index}, prelabel does not" + detail)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_agrees_with_sdk(name: str, data: st.DataObject) -> None:
    pred = data.draw(prediction_for(config_named(name)))
    assert_agrees(name, pred)


@pytest.mark.parametrize("name", NAMES)
@settings(
    max_examples=max(EXAMPLES // 3, 4), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(data=st.data())
def test_unmutated_predictions_pass_both(name: str, data: st.DataObject) -> None:
    config = config_named(name)
    pred = json.loads(json.dumps(data.draw(prediction_for(config, mutate=False))))
    assert ours(config, pred) == []
    if not sdk_rejects_valid(config, pred):
        assert sdk_errors(CONFIG_XML[name], pred) == []
