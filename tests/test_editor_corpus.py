"""Results written by Label Studio 1.23.2's own editor validate as predictions without errors.

``tests/data/editor-corpus/`` holds one annotation per control family, made in the real editor
and read back through the API (``python -m integration.editor_corpus`` regenerates it;
``make test-integration`` captures it again and compares). Each result list is checked as a
prediction: no errors except where the strict server refuses that very result on import
(``SERVER_REFUSES``; the integration suite imports it to show it), and each warning explained
in ``WARNINGS``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from prelabel import LabelConfig
from prelabel.validate import check

CORPUS = Path(__file__).resolve().parent / "data" / "editor-corpus"
FILES = sorted(CORPUS.glob("*.json"))

FAMILIES = {
    "image-tools": "rectangles (one dragged right-to-left and bottom-to-top), an ellipse, a "
    "keypoint, a polygon, a brush stroke",
    "ocr-per-region-textarea": "a box with a per-region TextArea",
    "text-spans": "Text spans within a line and across a CRLF line break",
    "relations": "two spans and a relation between them",
    "hypertext-spans": "HyperText spans within an element and across two <p> blocks",
    "paragraphs": "a ParagraphLabels span",
    "classifications": "single and multiple Choices, Rating, Number, global TextArea, "
    "Taxonomy, DateTime",
    "audio-segments": "an audio segment",
    "video-tracks": "a VideoRectangle track with two keyframes (one with a negative size) and "
    "a TimelineLabels range",
    "timeseries-ranges": "a TimeSeriesLabels range",
    "ranker": "a Ranker over a List",
    "pairwise": "a Pairwise choice",
}

# case -> code -> why the strict server refuses the editor's own result (an error is right).
SERVER_REFUSES: dict[str, dict[str, str]] = {
    "video-tracks": {
        "value.type": "the capture has no playable video, so the editor saved duration: null; "
        "the strict server refuses a videorectangle without a numeric duration (with a number "
        "there it stores this very track, negative keyframe size included)",
    },
    "pairwise": {
        "result.to_name_mismatch": "the editor writes to_name = the Pairwise tag's own name; "
        "the strict server's checker accepts only the compared objects and refuses the import",
    },
}
# case -> code -> why the editor's result earns this warning.
WARNINGS: dict[str, dict[str, str]] = {
    "video-tracks": {
        "video.frame_range": "the editor writes framesCount from the video it loaded; the "
        "capture has no playable video, so it wrote framesCount 1 beside a keyframe at frame 5 "
        "(with a real video the count covers it)",
    },
}


def entry(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def codes_of(item: dict[str, Any]) -> dict[str, set[str]]:
    """The validator's codes for one corpus entry's results, as a prediction, by severity."""
    config = LabelConfig.parse(item["config"])
    task = {
        "data": item["data"],
        "predictions": [{"model_version": "editor", "result": item["result"]}],
    }
    out: dict[str, set[str]] = {"error": set(), "warning": set()}
    for record in check([task], config):
        out[record.severity].add(record.code)
    return out


def test_the_corpus_covers_every_family() -> None:
    assert sorted(p.stem for p in FILES) == sorted(FAMILIES)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_editor_results_validate_without_errors(path: Path) -> None:
    item = entry(path)
    assert item["result"], f"{path.stem}: the editor saved no result"
    found = codes_of(item)
    assert found["error"] == set(SERVER_REFUSES.get(path.stem, {}))
    assert found["warning"] == set(WARNINGS.get(path.stem, {}))


def test_the_editor_escapes_newlines_in_span_text() -> None:
    # What issue 17 pinned: the editor's own span text across line breaks and blocks.
    spans = entry(CORPUS / "text-spans.json")["result"]
    assert "lives in\\n\\nParis" in [r["value"]["text"] for r in spans]
    html = entry(CORPUS / "hypertext-spans.json")["result"]
    assert "llo\\n\\nwor" in [r["value"]["text"] for r in html]
