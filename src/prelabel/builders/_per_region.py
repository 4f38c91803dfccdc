"""Results that belong to a region made earlier (a box, a span, a segment, a track).

Label Studio joins the results of one region by their ``id``: a result added to a region (the
value of a ``perRegion`` control, the labels of an unlabeled shape) carries the region's id and
object, repeats the region's geometry in ``value`` ahead of its own keys, and repeats the
region's object-level keys (``original_width``, ``original_length``...) (reference §4.11, §5).
Callers check that the control may add a result to that region; this module builds and appends.
"""

from __future__ import annotations

from typing import Any

from ..results import Region, Result
from ..tags.base import ControlTag
from ._common import make_result

__all__ = ["attach_to_region", "copy_json"]


def attach_to_region(
    control: ControlTag,
    region: Region,
    payload: dict[str, Any],
    *,
    score: float | None = None,
    readonly: bool | None = None,
    hidden: bool | None = None,
) -> Result:
    """The result of ``control`` for ``region``, appended to the region and returned.

    Args:
        control: the control whose result this is (gives ``from_name`` and ``type``).
        region: the region the result belongs to (gives ``id``, ``to_name``, geometry).
        payload: the control's own value keys (``{"choices": [...]}``), after the geometry.
        score: confidence in [0, 1], at result level.
        readonly: make the result read-only.
        hidden: start it hidden.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Text name="t" value="$t"/>'
    ...     '<Labels name="ner" toName="t"><Label value="PER"/></Labels>'
    ...     '<Choices name="kind" toName="t" perRegion="true"><Choice value="Name"/></Choices>'
    ...     '</View>')
    >>> region = cfg.control("ner").span("Hi Ann", 3, 6, "PER", id="r1")
    >>> attach_to_region(cfg.control("kind"), region, {"choices": ["Name"]})["value"]
    {'start': 3, 'end': 6, 'choices': ['Name']}
    >>> len(region.results)
    2
    """
    value = {key: copy_json(item) for key, item in region.geometry.items()}
    value.update(payload)
    result = make_result(
        control,
        value,
        to_name=region.to_name,
        id=region.id,
        score=score,
        readonly=readonly,
        hidden=hidden,
        **region.shared_keys,
    )
    region.attach(result)
    return result


def copy_json(item: Any) -> Any:
    """A copy of nested lists and dicts, so two results never share a mutable value."""
    if isinstance(item, list):
        return [copy_json(x) for x in item]
    if isinstance(item, dict):
        return {k: copy_json(v) for k, v in item.items()}
    return item
