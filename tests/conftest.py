"""Shared fixtures: the bundled Label Studio templates and Label Studio's own SDK validator."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"
TEMPLATES = sorted((DATA / "ls-templates").glob("*.xml"))


@functools.lru_cache(maxsize=64)
def _interface(config_xml: str) -> Any:
    from label_studio_sdk.label_interface import LabelInterface

    return LabelInterface(config_xml)


def sdk_errors(config_xml: str, prediction: dict[str, Any]) -> list[str]:
    """Errors Label Studio's SDK (the server gate) reports for one prediction dict.

    The prediction goes through a JSON round trip first, as it would on its way to the server.
    """
    errors = _interface(config_xml).validate_prediction(
        json.loads(json.dumps(prediction, allow_nan=False)), return_errors=True
    )
    return list(errors)


@pytest.fixture(scope="session")
def sdk_validate() -> Any:
    """``sdk_validate(config_xml, prediction_dict) -> list[str]`` of SDK validation errors."""
    return sdk_errors


def template(name: str) -> str:
    """The XML of a bundled template, by file stem (``"computer-vision__keypoints"``)."""
    return (DATA / "ls-templates" / f"{name}.xml").read_text(encoding="utf-8")
