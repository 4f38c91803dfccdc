"""The editor oracle (issue 17): capture the corpus again in the real editor and compare.

``integration/editor_corpus.py`` does each case in the 1.23.2 editor and reads the saved
annotation back; this checks the fresh capture against ``tests/data/editor-corpus/`` (same
results up to region ids and a pixel of layout), validates it as ``make test`` does, and
imports every committed result list into the strict server as a prediction: each is stored,
except the cases ``tests/test_editor_corpus.py`` lists in ``SERVER_REFUSES``, which must be
refused (that refusal is what makes prelabel's error on them right).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from integration.editor import Editor
from integration.editor_corpus import CASES, CORPUS, capture_all
from integration.server import ROOT
from prelabel.labelstudio import Client

TOLERANCE_PCT = 1.0  # layout may move a drawn shape by a pixel or two of the 649 px canvas


def _unit_tests() -> ModuleType:
    """``tests/test_editor_corpus.py``, for its expectations (one table for both suites)."""
    spec = importlib.util.spec_from_file_location(
        "editor_corpus_expectations", ROOT / "tests" / "test_editor_corpus.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXPECT = _unit_tests()


@pytest.fixture(scope="module")
def captured(ls_client: Client, editor: Editor, tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("editor-corpus")
    return {path.stem: json.loads(path.read_text("utf-8")) for path in capture_all(
        ls_client, editor, out)}  # fmt: skip


def _shape(value: Any, ids: dict[str, str]) -> Any:
    """``value`` with region ids numbered in order of appearance, numbers kept, RLE summarized."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ("id", "from_id", "to_id", "parentID") and isinstance(item, str):
                out[key] = ids.setdefault(item, f"region-{len(ids)}")
            elif key == "rle":
                out[key] = "rle" if isinstance(item, list) and item else item
            else:
                out[key] = _shape(item, ids)
        return out
    if isinstance(value, list):
        return [_shape(item, ids) for item in value]
    return value


def _same(a: Any, b: Any, where: str, out: list[str]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        if sorted(a) != sorted(b):
            out.append(f"{where}: keys {sorted(a)} != {sorted(b)}")
        for key in a.keys() & b.keys():
            _same(a[key], b[key], f"{where}.{key}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{where}: {len(a)} items != {len(b)}")
        for k, (x, y) in enumerate(zip(a, b, strict=False)):
            _same(x, y, f"{where}[{k}]", out)
    elif isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        if abs(a - b) > TOLERANCE_PCT:
            out.append(f"{where}: {a} != {b}")
    elif a != b:
        out.append(f"{where}: {a!r} != {b!r}")


@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_the_capture_matches_the_committed_corpus(captured: Any, name: str) -> None:
    committed = json.loads((CORPUS / f"{name}.json").read_text("utf-8"))
    fresh = captured[name]
    assert (fresh["config"], fresh["data"]) == (committed["config"], committed["data"])
    differences: list[str] = []
    _same(_shape(fresh["result"], {}), _shape(committed["result"], {}), name, differences)
    assert differences == [], "regenerate with `python -m integration.editor_corpus`"


@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_the_capture_validates_as_the_corpus_does(captured: Any, name: str) -> None:
    found = EXPECT.codes_of(captured[name])
    assert found["error"] == set(EXPECT.SERVER_REFUSES.get(name, {}))
    assert found["warning"] == set(EXPECT.WARNINGS.get(name, {}))


def test_the_strict_server_takes_editor_results_as_predictions(ls_client: Client) -> None:
    verdicts, reasons = {}, {}
    for path in sorted(CORPUS.glob("*.json")):
        item = json.loads(path.read_text("utf-8"))
        project = ls_client.create_project(f"editor corpus import {path.stem}", item["config"])
        try:
            task = {"data": item["data"], "predictions": [
                {"model_version": "editor", "result": item["result"]}]}  # fmt: skip
            report = ls_client.import_tasks(project, [task])
        finally:
            ls_client.delete_project(project)
        verdicts[path.stem] = "stored" if report.ok else "refused"
        reasons[path.stem] = report.summary()
    expected = {name: "refused" if name in EXPECT.SERVER_REFUSES else "stored" for name in verdicts}
    assert verdicts == expected, [reasons[k] for k in verdicts if verdicts[k] != expected[k]]


def test_the_corpus_names_the_cases() -> None:
    assert sorted(p.stem for p in Path(CORPUS).glob("*.json")) == sorted(c.name for c in CASES)
