"""A labeled region in one step: its result dict and the :class:`~prelabel.results.Region`.

The span, segment, track and range builders all end the same way: the geometry in Label
Studio's units, the labels (and a span's ``text``) after it in ``value``, the result options
the caller gave, and a Region that remembers the geometry for per-region results.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from ..results import Region, Result
from ..tags.base import ControlTag
from ._common import make_result

__all__ = ["ManyOptions", "Options", "labeled_region", "result_with"]


class Options(NamedTuple):
    """The result options every region builder takes, passed through to the result."""

    id: str | None = None
    score: float | None = None
    readonly: bool | None = None
    hidden: bool | None = None


class ManyOptions(NamedTuple):
    """The options a builder of N regions takes besides their labels and scores."""

    ids: Sequence[str] | None = None
    readonly: bool | None = None
    hidden: bool | None = None


def labeled_region(
    control: ControlTag,
    to_name: str,
    geometry: dict[str, Any],
    label_key: str,
    labels: Sequence[str] | None,
    options: Options,
    *,
    text: str | None = None,
    **result_keys: Any,
) -> Region:
    """The region ``control`` draws on ``to_name``: ``value`` is the geometry, then ``text``
    (when given), then ``{label_key: labels}`` (left out when ``labels`` is None).

    Args:
        control: the control that makes the region.
        to_name: the object the region is on.
        geometry: the value keys that locate the region, in Label Studio's units.
        label_key: the value key of the labels (``"labels"``, ``"timeserieslabels"``...).
        labels: resolved labels (copied into the result), or None for an unlabeled region.
        options: the result's id, score, readonly and hidden.
        text: a span's covered text.
        result_keys: result-level keys such as ``original_length``; None values are skipped.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Text name="t" value="$t"/>'
    ...     '<Labels name="l" toName="t"><Label value="A"/></Labels></View>')
    >>> region = labeled_region(cfg.control("l"), "t", {"start": 0, "end": 2}, "labels", ["A"],
    ...                         Options(id="r1"), text="Hi")
    >>> region.result["value"]
    {'start': 0, 'end': 2, 'text': 'Hi', 'labels': ['A']}
    """
    value = dict(geometry)
    if text is not None:
        value["text"] = text
    if labels is not None:
        value[label_key] = list(labels)
    return Region([result_with(control, value, to_name, options, **result_keys)], geometry=geometry)


def result_with(
    control: ControlTag,
    value: dict[str, Any],
    to_name: str | None,
    options: Options,
    **result_keys: Any,
) -> Result:
    """:func:`~prelabel.builders._common.make_result` with the caller's :class:`Options`."""
    return make_result(
        control,
        value,
        to_name=to_name,
        id=options.id,
        score=options.score,
        readonly=options.readonly,
        hidden=options.hidden,
        **result_keys,
    )
