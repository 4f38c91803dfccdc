"""The fields of a control read from its attributes and children: labels, choice mode, limits.

``control_fields`` reads what one control class adds (Rating's maxRating, Number's bounds, ...);
``label_fields`` the labels, choice mode and usage limits every labels/choices control shares.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree

from ..errors import ConfigError
from ..tags import controls as c
from ..tags.base import ControlTag, LabelDef, variables_in
from ..tags.registry import CONTROL_TAGS
from ._attrs import attr_error, attrs_of, flag, float_attr, int_attr, line_of, lower_tag, split_list
from ._records import ConfigWarning, ServerAcceptedError

__all__ = ["control_fields", "label_fields", "label_tree"]


def control_fields(
    cls: type[ControlTag], element: etree._Element, attrs: Mapping[str, str]
) -> dict[str, Any]:
    """Attributes specific to one control class."""
    if cls is c.Rating:
        rating = int_attr(attrs, "maxrating", element, minimum=1)
        return {"max_rating": 5 if rating is None else rating}
    if cls is c.Number:
        fields = {k: float_attr(attrs, k, element) for k in ("min", "max", "step")}
        low, high = fields["min"], fields["max"]
        if low is not None and high is not None and low > high:
            raise attr_error(
                element,
                f'min="{attrs["min"]}" is greater than max="{attrs["max"]}"',
                server_accepts=True,
            )
        return fields
    if cls is c.DateTime:
        return {
            "only": split_list(attrs.get("only")),
            "format": attrs.get("format"),
            "min": attrs.get("min"),
            "max": attrs.get("max"),
        }
    if cls is c.TextArea:
        return {
            "max_submissions": int_attr(attrs, "maxsubmissions", element),
            "editable": flag(attrs, "editable"),
            "skip_duplicates": flag(attrs, "skipduplicates"),
        }
    if cls is c.Ranker:
        return {
            "buckets": tuple(b.get("name", "") for b in element.iter() if lower_tag(b) == "bucket")
        }
    if cls is c.Choices:
        return {"allow_nested": flag(attrs, "allownested")}
    if cls is c.Taxonomy:
        return {
            "leafs_only": flag(attrs, "leafsonly"),
            "api_url": attrs.get("apiurl"),
            "labeling": flag(attrs, "labeling"),
        }
    if cls in (c.Vector, c.VectorLabels):
        return {
            "closable": flag(attrs, "closable"),
            "min_points": int_attr(attrs, "minpoints", element),
            "max_points": int_attr(attrs, "maxpoints", element),
        }
    return {}


_CHOICE_MODES = ("single", "single-radio", "multiple")
# The server's config schema checks the children of these tags, spelled exactly so, and only
# these: any other tag may lack labels, or hold a label without value, and still be accepted.
_SCHEMA_CHILD = {"Labels": "Label", "Choices": "Choice"}


def label_fields(
    cls: type[c.LabelingControl],
    element: etree._Element,
    attrs: Mapping[str, str],
    name: str,
    warnings: list[ConfigWarning],
    *,
    require_labels: bool = True,
) -> dict[str, Any]:
    """Labels, choice mode and usage limits of a labels/choices/relations control."""
    labels = label_tree(element, name, warnings)
    dynamic = variables_in(attrs.get("value"))
    api_url = attrs.get("apiurl") if cls is c.Taxonomy else None
    if require_labels and not labels and not dynamic and not api_url:
        child = "Choice" if cls in (c.Choices, c.Taxonomy) else "Label"
        kind = ConfigError if str(element.tag) in _SCHEMA_CHILD else ServerAcceptedError
        raise kind(
            f'<{element.tag} name="{name}"> has no <{child}> children and no '
            f'value="$key" for labels from task data; add at least one <{child} value="..."/>',
            line=line_of(element),
            tag=str(element.tag),
            name=name,
        )
    choice = attrs.get("choice", "single").strip().lower()
    if choice not in _CHOICE_MODES:
        raise ServerAcceptedError(
            f'choice="{attrs.get("choice")}" is not one of single, single-radio, multiple',
            line=line_of(element),
            tag=str(element.tag),
            name=name,
        )
    return {
        "labels": labels,
        "dynamic_labels": dynamic[0] if dynamic else None,
        "choice": choice,
        "max_usages": int_attr(attrs, "maxusages", element),
        "allow_empty": flag(attrs, "allowempty"),
    }


def label_tree(
    element: etree._Element, control_name: str, warnings: list[ConfigWarning]
) -> tuple[LabelDef, ...]:
    """The Label/Choice/Relation children of ``element``, through layout tags, as a tree.

    A repeated value is a warning (Label Studio ships a template with one, and results cannot
    tell the copies apart anyway); a repeated value with a different alias is an error, since a
    builder given that value could not know which alias to write.
    """
    out: list[LabelDef] = []
    seen: dict[str, LabelDef] = {}

    def add(label: LabelDef, tag: str) -> None:
        first = seen.get(label.value)
        if first is None:
            seen[label.value] = label
            out.append(label)
            return
        if first.alias != label.alias:
            raise ServerAcceptedError(
                f'{tag} value "{label.value}" appears twice in <{element.tag}> with different '
                f"aliases ({first.alias!r} on line {first.line}, {label.alias!r}); "
                "give each its own value",
                line=label.line,
                tag=tag,
                name=control_name,
            )
        warnings.append(
            ConfigWarning(
                f'{tag} value "{label.value}" appears twice in <{element.tag} '
                f'name="{control_name}"> (first on line {first.line}); the copy is ignored',
                label.line,
                tag,
            )
        )

    for child in element:
        tag = lower_tag(child)
        if tag in ("label", "choice", "relation"):
            attrs = attrs_of(child)
            value = attrs.get("value")
            if value is None:
                message = f'<{child.tag}> in <{element.tag}> has no value; add value="..."'
                if _SCHEMA_CHILD.get(str(element.tag)) == str(child.tag):
                    raise ConfigError(
                        message, line=line_of(child), tag=str(child.tag), name=control_name
                    )
                warnings.append(
                    ConfigWarning(
                        message + " (Label Studio's server accepts it; no result can carry it)",
                        line_of(child),
                        str(child.tag),
                    )
                )
                continue
            label = LabelDef(
                value=value,
                alias=attrs.get("alias"),
                line=line_of(child),
                background=attrs.get("background"),
                hint=attrs.get("hint"),
                predicted_values=split_list(attrs.get("predicted_values")),
                children=label_tree(child, control_name, warnings),
            )
            add(label, str(child.tag))
        elif tag is not None and tag != "style" and tag not in CONTROL_TAGS:
            # Labels may sit inside a <View> or <Header> wrapper within their control.
            for nested in label_tree(child, control_name, warnings):
                add(nested, "label")
    return tuple(out)
