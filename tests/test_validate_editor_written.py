"""Results as the 1.23.2 editor writes them validate clean; a transposed brush mask warns.

Each case is the shape the editor saves (the captured corpus in ``tests/data/editor-corpus/``
holds the real ones, see ``tests/test_editor_corpus.py``); before these fixes each was a false
error or warning.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from prelabel import LabelConfig, rle
from prelabel.validate import check
from prelabel.validate._masks import looks_transposed

CONFIG = LabelConfig.parse(
    """<View>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text"><Label value="PER"/></Labels>
  <HyperText name="html" value="$html"/>
  <HyperTextLabels name="htl" toName="html"><Label value="Greeting"/></HyperTextLabels>
  <Video name="video" value="$video"/>
  <VideoRectangle name="track" toName="video"/>
  <Image name="pages" valueList="$pages"/>
  <RectangleLabels name="box" toName="pages"><Label value="Car"/></RectangleLabels>
  <Image name="image" value="$image"/>
  <BrushLabels name="mask" toName="image"><Label value="Road"/></BrushLabels>
</View>"""
)
DATA = {
    "text": "John\nSmith\r\nlives here",
    "html": "<div><p>Hello</p><p>world</p></div>",
    "video": "https://example.com/v.mp4",
    "pages": ["https://example.com/1.jpg", "https://example.com/2.jpg"],
    "image": "https://example.com/i.jpg",
}


def records(*results: dict[str, Any]) -> list[tuple[str, str]]:
    task = {"data": DATA, "predictions": [{"model_version": "v", "result": list(results)}]}
    return [(r.code, r.severity) for r in check([task], CONFIG)]


def result(rid: str, from_name: str, to_name: str, kind: str, value: Any, **extra: Any) -> Any:
    return {"id": rid, "from_name": from_name, "to_name": to_name, "type": kind, **extra,
            "value": value}  # fmt: skip


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [(0, 10, "John\\nSmith"), (5, 17, "Smith\\n\\nlives")],
    ids=["lf", "crlf"],
)
def test_text_span_across_a_line_break_holds_escaped_newlines(
    start: int, end: int, text: str
) -> None:
    value = {"start": start, "end": end, "text": text, "labels": ["PER"]}
    assert records(result("s", "ner", "text", "labels", value)) == []


def test_text_span_with_other_text_still_mismatches() -> None:
    value = {"start": 0, "end": 10, "text": "John Smith", "labels": ["PER"]}
    found = records(result("s", "ner", "text", "labels", value))
    assert found == [("span.text_mismatch", "error")]


def test_hypertext_selection_across_blocks_holds_a_newline_between_them() -> None:
    value = {"start": "/div[1]/p[1]/text()[1]", "startOffset": 2,
             "end": "/div[1]/p[2]/text()[1]", "endOffset": 3,
             "globalOffsets": {"start": 2, "end": 8}, "text": "llo\\nwor",
             "hypertextlabels": ["Greeting"]}  # fmt: skip
    assert records(result("h", "htl", "html", "hypertextlabels", value)) == []


def test_hypertext_selection_with_other_letters_still_mismatches() -> None:
    value = {"start": "/div[1]/p[1]/text()[1]", "startOffset": 2,
             "end": "/div[1]/p[2]/text()[1]", "endOffset": 3, "text": "llo\\nwar",
             "hypertextlabels": ["Greeting"]}  # fmt: skip
    found = records(result("h", "htl", "html", "hypertextlabels", value))
    assert found == [("hypertext.text_mismatch", "error")]


def _track(**box: float) -> dict[str, Any]:
    frame = {"frame": 1, "enabled": True, "rotation": 0, "time": 0.04, **box}
    return result("v", "track", "video", "videorectangle",
                  {"framesCount": 10, "duration": 0.4, "sequence": [frame]})  # fmt: skip


def test_video_keyframe_dragged_up_and_left_has_a_negative_size() -> None:
    assert records(_track(x=60, y=50, width=-20, height=-30)) == []


def test_video_keyframe_dragged_past_the_edge_is_still_out_of_range() -> None:
    found = records(_track(x=10, y=50, width=-20, height=10))
    assert found == [("geometry.out_of_range", "error")]


def _page(rid: str, item: int, width: int) -> dict[str, Any]:
    value = {"x": 1, "y": 1, "width": 5, "height": 5, "rotation": 0, "rectanglelabels": ["Car"]}
    return result(rid, "box", "pages", "rectanglelabels", value,
                  original_width=width, original_height=300, item_index=item)  # fmt: skip


def test_image_value_list_items_each_have_their_own_size() -> None:
    assert (
        records(_page("a", 0, 400), _page("b", 1, 500), _page("c", 0, 400), _page("d", 1, 500))
        == []
    )


def test_one_item_of_an_image_value_list_with_two_sizes_is_inconsistent() -> None:
    found = records(_page("a", 0, 400), _page("b", 1, 500), _page("c", 1, 600))
    assert found == [("result.image_size_inconsistent", "warning")]


def _blob(height: int, width: int) -> np.ndarray[Any, np.dtype[np.uint8]]:
    yy, xx = np.mgrid[:height, :width]
    inside = ((yy - height / 2) / (height / 3)) ** 2 + ((xx - width / 3) / (width / 4)) ** 2 < 1
    return (inside * 255).astype(np.uint8)


def _mask(encoded: list[int], width: int, height: int) -> dict[str, Any]:
    value = {"format": "rle", "rle": encoded, "brushlabels": ["Road"]}
    return result("m", "mask", "image", "brushlabels", value,
                  original_width=width, original_height=height)  # fmt: skip


def test_a_transposed_mask_warns() -> None:
    mask = _blob(40, 70)
    assert records(_mask(rle.encode(mask), 70, 40)) == []
    transposed = rle.encode(np.ascontiguousarray(mask.T))
    assert records(_mask(transposed, 70, 40)) == [("rle.transposed", "warning")]


@pytest.mark.parametrize(
    "mask",
    [
        np.pad(np.full((2, 70), 255, np.uint8), ((10, 28), (0, 0))),  # a full-width band
        (np.random.default_rng(0).random((40, 70)) < 0.5).astype(np.uint8) * 255,  # noise
        np.pad(np.full((20, 30), 255, np.uint8), ((5, 15), (10, 30))),  # a box
    ],
    ids=["band", "noise", "box"],
)
def test_masks_that_read_right_are_not_called_transposed(
    mask: np.ndarray[Any, np.dtype[np.uint8]],
) -> None:
    assert not looks_transposed(mask)
