"""``html_text_map`` against the DOM Chromium builds for Label Studio, without a browser.

``tests/data/hypertext/cases.json`` holds malformed and tricky HTML; ``browser.json`` what
headless Chromium showed for each, after Label Studio's own ``sanitizeHtml``, in an iframe
(``inline`` off) and in a ``<div>``'s ``innerHTML`` (``inline`` on). It is written by
``python integration/test_hypertext_dom.py --dump``, which also checks it is current.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from prelabel.builders._htmltext import html_text_map, sanitize_like_label_studio

DATA = Path(__file__).parent / "data" / "hypertext"
CASES: list[dict[str, Any]] = json.loads((DATA / "cases.json").read_text(encoding="utf-8"))
BROWSER: dict[str, Any] = json.loads((DATA / "browser.json").read_text(encoding="utf-8"))


def _params() -> list[Any]:
    params = []
    for case in CASES:
        for mode in ("iframe", "inline"):
            reason = case.get("known", {}).get(mode)
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            params.append(pytest.param(case, mode, id=f"{case['id']}-{mode}", marks=marks))
    return params


def test_corpus() -> None:
    assert len(CASES) >= 40
    assert len({case["id"] for case in CASES}) == len(CASES)
    assert set(BROWSER["cases"]) == {case["id"] for case in CASES}
    assert all(case["why"] for case in CASES)


@pytest.mark.parametrize(("case", "mode"), _params())
def test_matches_chromium(case: dict[str, Any], mode: str) -> None:
    shown = BROWSER["cases"][case["id"]]["label_studio"][mode]
    found = html_text_map(case["html"], inline=mode == "inline")
    assert (found.text, list(found.paths), list(found.starts)) == (
        shown["text"],
        shown["paths"],
        shown["starts"],
    ), case["why"]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_sanitizer_matches_label_studio(case: dict[str, Any]) -> None:
    assert (
        sanitize_like_label_studio(case["html"]) == (BROWSER["cases"][case["id"]]["sanitized_html"])
    )


def test_ends_follow_starts() -> None:
    for case in CASES:
        found = html_text_map(case["html"])
        lengths = [end - start for start, end in zip(found.starts, found.ends, strict=True)]
        assert all(n > 0 for n in lengths)
        assert sum(lengths) + len(found.breaks) == len(found.text)
