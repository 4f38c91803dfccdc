"""``<Repeater>``: the template tags it repeats, and the names its copies get.

A tag inside ``<Repeater on="$items" indexFlag="{{idx}}">`` is a template: the editor makes one
copy per item of ``task.data.items``, with ``{{idx}}`` replaced by the item's index in every
name. The registry keeps the templates; a copy's name (``img_2``) resolves through them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import Any

from lxml import etree

from ..errors import ConfigError
from ..tags.base import ControlTag, ObjectTag, variables_in
from ._attrs import attrs_of, line_of

__all__ = ["Repeat", "expand", "read_repeater"]


@dataclasses.dataclass(frozen=True)
class Repeat:
    """The ``<Repeater on="$items" indexFlag="{{idx}}">`` a tag sits in."""

    on: str
    index_flag: str


def read_repeater(element: etree._Element) -> Repeat:
    """The data list and index flag of a ``<Repeater>`` element."""
    attrs = attrs_of(element)
    on = variables_in(attrs.get("on"))
    if not on:
        raise ConfigError(
            'a <Repeater> needs on="$key" naming the task data list it repeats over',
            line=line_of(element),
            tag=str(element.tag),
        )
    return Repeat(on=on[0], index_flag=attrs.get("indexflag", "{{idx}}"))


def expand(
    name: str,
    pool: Mapping[str, ControlTag] | Mapping[str, ObjectTag],
    repeated: Mapping[str, Repeat],
    find_object: Callable[[str], ObjectTag | None],
) -> ControlTag | ObjectTag | None:
    """The copy named ``name`` of a template in ``pool`` (``img_2`` of ``img_{{idx}}``), or None.

    ``find_object`` resolves a copied control's targets to the copies of their templates.
    """
    for template, tag in pool.items():
        rep = repeated.get(template)
        if rep is None or rep.index_flag not in template:
            continue
        head, _, tail = template.partition(rep.index_flag)
        match = re.fullmatch(re.escape(head) + r"(\d+)" + re.escape(tail), name)
        if match is None:
            continue
        return _instantiate(tag, rep, match.group(1), find_object)
    return None


def _instantiate(
    tag: ControlTag | ObjectTag,
    rep: Repeat,
    index: str,
    find_object: Callable[[str], ObjectTag | None],
) -> ControlTag | ObjectTag:
    def sub(text: str) -> str:
        return text.replace(rep.index_flag, index)

    changes: dict[str, Any] = {"name": sub(tag.name)}
    if isinstance(tag, ObjectTag):
        changes["value"] = sub(tag.value) if tag.value else tag.value
        changes["data_keys"] = tuple(sub(k) for k in tag.data_keys)
    else:
        changes["to_name"] = tuple(sub(t) for t in tag.to_name)
        targets = []
        for target in tag.targets:
            obj = find_object(sub(target.name))
            targets.append(obj if obj is not None else target)
        changes["targets"] = tuple(targets)
    return dataclasses.replace(tag, **changes)
