"""Rich notebook reprs (``_repr_html_``) of prelabel's objects, and their short text reprs.

The classes' ``__repr__``/``_repr_html_`` methods are one line each and call these, so the
drawing code is imported only when a notebook first shows something.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import ErrorRecord
from ..tags.controls import LabelingControl
from ._html import esc, shorten, wrap
from ._render import Options, render_results, render_task
from ._summary import REPR_LIMIT, data_summary, results_summary

if TYPE_CHECKING:
    from ..batch import PredictionBatch
    from ..config import LabelConfig
    from ..results import Region
    from ..tasks import Prediction, Task

__all__ = [
    "batch_html",
    "config_html",
    "config_repr",
    "errors_html",
    "errors_repr",
    "prediction_html",
    "prediction_repr",
    "region_html",
    "task_html",
    "task_repr",
]

_ROWS = 50  # rows of a table before "... N more"


def _bounded(text: str) -> str:
    return text if len(text) <= REPR_LIMIT else text[: REPR_LIMIT - 2] + "…>"


def prediction_repr(prediction: Prediction) -> str:
    """``<Prediction 'yolo-v8' score=0.91: 3 result(s): rectanglelabels ×3>``."""
    version = f" {shorten(prediction.model_version, 40)!r}" if prediction.model_version else ""
    score = f" score={prediction.score:.3g}" if prediction.score is not None else ""
    return _bounded(f"<Prediction{version}{score}: {results_summary(prediction.result)}>")


def task_repr(task: Task) -> str:
    """``<Task id=3 data={'image': 'a.jpg'}: 1 prediction(s), 12 result(s)>``."""
    ident = f" id={task.id}" if task.id is not None else ""
    results = sum(len(p.result) for p in task.predictions)
    extra = f", {len(task.annotations)} annotation(s)" if task.annotations else ""
    return _bounded(
        f"<Task{ident} data={data_summary(task.data)}: {len(task.predictions)} prediction(s), "
        f"{results} result(s){extra}>"
    )


def errors_repr(records: Sequence[ErrorRecord]) -> str:
    """``<ValidationError: 3 problem(s), 2 error(s); first: $[0]...: [code] message>``."""
    errors = sum(1 for r in records if r.severity == "error")
    worst = next((r for r in records if r.severity == "error"), records[0] if records else None)
    first = f"; first: {shorten(str(worst), 160)}" if worst is not None else ""
    return _bounded(f"<ValidationError: {len(records)} problem(s), {errors} error(s){first}>")


def config_repr(config: LabelConfig) -> str:
    """``<LabelConfig objects=['image'] controls=['label', 'choice']>``, names cut to fit."""
    objects = shorten(repr(list(config.objects)), 100)
    controls = shorten(repr(list(config.controls)), 140)
    relations = " relations" if config.relations else ""
    return _bounded(f"<LabelConfig objects={objects} controls={controls}{relations}>")


def region_html(region: Region) -> str:
    """The region drawn alone (a placeholder of its image size), with its results listed."""
    body = render_results(list(region.results), data=None, config=None, options=Options())
    head = f"<div><code>{esc(repr(region))}</code></div>"
    return wrap(head + body)


def prediction_html(prediction: Prediction, config: LabelConfig | None = None) -> str:
    """The prediction's results drawn (no task data: pictures are placeholders)."""
    head = f"<div><code>{esc(prediction_repr(prediction))}</code></div>"
    body = render_results(prediction.result, data=None, config=config, options=Options())
    return wrap(head + body)


def task_html(task: Task, config: LabelConfig | None = None) -> str:
    """The task drawn: its data and each prediction/annotation (the first three)."""
    head = f"<div><code>{esc(task_repr(task))}</code></div>"
    return wrap(head + render_task(task.to_dict(), config=config, options=Options()))


def batch_html(batch: PredictionBatch, shown: int = 3) -> str:
    """The batch's first ``shown`` tasks drawn, with the count of the rest."""
    tasks = batch[:shown]
    parts = [render_task(t, config=batch.config, options=Options(width=360)) for t in tasks]
    more = len(batch) - len(tasks)
    tail = f'<div class="pl-more">… and {more} more task(s)</div>' if more > 0 else ""
    head = f"<div><code>{esc(repr(batch))}</code></div>"
    return wrap(head + "<hr>".join(parts) + tail)


def errors_html(records: Sequence[ErrorRecord]) -> str:
    """A table of records: severity, location, code, message, hint."""
    rows = []
    for record in records[:_ROWS]:
        cls = "pl-err" if record.severity == "error" else "pl-warn"
        rows.append(
            f'<tr><td class="{cls}">{esc(record.severity)}</td><td><code>'
            f"{esc(shorten(record.path, 80))}</code></td><td><code>{esc(record.code)}</code></td>"
            f"<td>{esc(shorten(record.message, 300))}</td>"
            f"<td>{esc(shorten(record.hint or '', 200))}</td></tr>"
        )
    more = len(records) - len(rows)
    tail = f'<tr><td colspan="5" class="pl-more">… {more} more</td></tr>' if more > 0 else ""
    errors = sum(1 for r in records if r.severity == "error")
    head = (
        f"<div><b>ValidationError</b>: {len(records)} problem(s), {errors} error(s), "
        f"{len(records) - errors} warning(s)</div>"
    )
    table = (
        "<table><tr><th>severity</th><th>location</th><th>code</th><th>message</th>"
        "<th>hint</th></tr>" + "".join(rows) + tail + "</table>"
    )
    return wrap(head + table)


def _labels_cell(control: Any) -> str:
    if not isinstance(control, LabelingControl):
        return ""
    cells = []
    nodes = list(control.iter_labels())
    for node in nodes[:40]:
        colour = esc(node.background) if node.background else "transparent"
        cells.append(
            f'<span style="white-space:nowrap;margin-right:8px"><span class="pl-swatch" '
            f'style="background:{colour}"></span>{esc(shorten(node.result_value, 40))}</span>'
        )
    if len(nodes) > 40:
        cells.append(f'<span class="pl-more">… {len(nodes) - 40} more</span>')
    if control.dynamic_labels:
        cells.append(f'<span class="pl-muted">from ${esc(control.dynamic_labels)}</span>')
    return " ".join(cells)


def config_html(config: LabelConfig) -> str:
    """Objects (kind, data keys) and controls (kind, targets, labels with their colours)."""
    objects = "".join(
        f"<tr><td><code>{esc(o.name)}</code></td><td>{esc(o.tag)}</td>"
        f"<td><code>{esc(', '.join('$' + k for k in o.data_keys))}</code></td></tr>"
        for o in list(config.objects.values())[:_ROWS]
    )
    controls = "".join(
        f"<tr><td><code>{esc(c.name)}</code></td><td>{esc(c.tag)}</td>"
        f"<td><code>{esc(', '.join(c.to_name))}</code></td><td>{_labels_cell(c)}</td></tr>"
        for c in list(config.controls.values())[:_ROWS]
    )
    more = max(len(config.objects), len(config.controls)) - _ROWS
    tail = f'<div class="pl-more">… {more} more</div>' if more > 0 else ""
    warnings = "".join(f"<li>{esc(shorten(str(w.message), 200))}</li>" for w in config.warnings)
    return wrap(
        "<div><b>LabelConfig</b></div>"
        "<table><tr><th>object</th><th>tag</th><th>data</th></tr>" + objects + "</table>"
        "<table><tr><th>control</th><th>tag</th><th>to</th><th>labels</th></tr>"
        + controls
        + "</table>"
        + tail
        + (f'<ul class="pl-warn">{warnings}</ul>' if warnings else "")
    )
