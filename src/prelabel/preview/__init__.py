"""See predictions before importing them: drawings of what Label Studio will show.

A preview *reads* result dicts (never on the build or write path) and draws them with Label
Studio's own geometry: percent of the image's natural size, rectangles rotated about their
top-left corner, keypoints sized by ``width``, brush masks decoded from their RLE and laid over
the picture, each region in its label's ``background`` colour from the config.

* :func:`show` returns a :class:`Preview` that a notebook displays (``_repr_html_``) and that
  :meth:`Preview.save` writes as a self-contained page;
* :func:`write_report` (and ``prelabel preview``) writes a review page for a whole task file
  (thumbnails, filters by label and problem, problems drawn in place).

Nothing is fetched from the network: pictures come from ``data:`` URLs, local files or arrays
you pass; a remote image is drawn as a placeholder of its natural size.

>>> from prelabel import LabelConfig
>>> config = LabelConfig.parse('<View><Image name="image" value="$image"/>'
...     '<RectangleLabels name="box" toName="image">'
...     '<Label value="Car" background="#ff0000"/></RectangleLabels></View>')
>>> result = {"id": "r1", "type": "rectanglelabels", "from_name": "box", "to_name": "image",
...           "original_width": 200, "original_height": 100,
...           "value": {"x": 10, "y": 20, "width": 30, "height": 40, "rectanglelabels": ["Car"]}}
>>> page = show({"data": {"image": "https://example.com/a.jpg"},
...              "predictions": [{"result": [result]}]}, config)
>>> '<rect x="20" y="20" width="60" height="40"' in page.html
True
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._html import esc, page, wrap
from ._render import Options, render_results, render_task
from ._report import Report, write_report

if TYPE_CHECKING:
    from ..config import LabelConfig

__all__ = ["Preview", "Report", "show", "write_report"]


class Preview:
    """A drawing as HTML: displayed by notebooks, saved with :meth:`save`.

    Attributes:
        html: the fragment (style included), as a notebook cell shows it.
    """

    def __init__(self, html: str, *, title: str = "prelabel preview") -> None:
        self.html = html
        self.title = title

    def _repr_html_(self) -> str:
        return self.html

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write a self-contained HTML page; returns its path."""
        target = Path(path)
        target.write_text(page(self.title, self.html), encoding="utf-8")
        return target

    def __repr__(self) -> str:
        return f"<Preview {self.title!r}: {len(self.html) // 1000} KB of HTML>"


def show(
    item: Any,
    config: LabelConfig | None = None,
    *,
    image: Any = None,
    width: int = 480,
    base_dir: str | os.PathLike[str] | None = None,
    max_items: int = 3,
) -> Preview:
    """Draw a task, prediction, region, result or list of results as Label Studio would.

    Args:
        item: a :class:`~prelabel.Task` or task dict, a :class:`~prelabel.Prediction` or
            prediction dict, a :class:`~prelabel.Region`, a result dict, a list of results
            and regions, or a :class:`~prelabel.PredictionBatch` (its first ``max_items``
            tasks).
        config: the labeling config (colours, object kinds); without it, results are drawn
            by their types and colours are picked per label.
        image: the picture to draw on: an ``(H, W[, 3|4])`` uint8 array, a local path or a
            ``data:`` URL, or a dict of them by image object name. Default: the task's data.
        width: display width of an image, in screen pixels.
        base_dir: where relative image paths in task data are found.
        max_items: at most this many predictions/annotations of a task (tasks of a batch).
    """
    options = Options(
        width=width, base_dir=Path(base_dir) if base_dir else None, image=image,
        max_items=max_items,
    )  # fmt: skip
    return Preview(wrap(_body(item, config, options)))


def _body(item: Any, config: LabelConfig | None, options: Options) -> str:
    from ..batch import PredictionBatch
    from ..results import Region
    from ..tasks import Prediction, Task

    if isinstance(item, Task):
        item = item.to_dict()
    if isinstance(item, Prediction):
        item = item.to_dict()
    if isinstance(item, Region):
        item = list(item.results)
    if isinstance(item, PredictionBatch):
        shown = [render_task(task, config=config, options=options) for task in
                 item[: options.max_items]]  # fmt: skip
        more = len(item) - len(shown)
        tail = f'<div class="pl-more">… {more} more task(s)</div>' if more > 0 else ""
        return "<hr>".join(shown) + tail
    if isinstance(item, Mapping):
        if "data" in item:
            return render_task(item, config=config, options=options)
        if "result" in item:
            results = item["result"] if isinstance(item["result"], list) else []
            return render_results(results, data=None, config=config, options=options)
        return render_results([item], data=None, config=config, options=options)
    if isinstance(item, Sequence) and not isinstance(item, (str, bytes)):
        flat: list[Any] = []
        for entry in item:
            flat += list(entry.results) if isinstance(entry, Region) else [entry]
        return render_results(flat, data=None, config=config, options=options)
    return f'<span class="pl-err">cannot preview a {esc(type(item).__name__)}</span>'
