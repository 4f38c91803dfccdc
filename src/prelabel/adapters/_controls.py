"""Which controls of a config the adapters draw on: picked by name or found by kind, and the
``<Labels>`` that labels an unlabeled tool (Label Studio's split format).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import NamedTuple, cast

from .._suggest import quote_list
from ..config import LabelConfig
from ..errors import BuildError
from ..tags.base import ControlTag
from ..tags.controls import (
    Bitmask,
    BitmaskLabels,
    Brush,
    BrushLabels,
    KeyPoint,
    KeyPointLabels,
    LabelingControl,
    Labels,
    Polygon,
    PolygonLabels,
    Rectangle,
    RectangleLabels,
)

BOX_CONTROLS: tuple[type[ControlTag], ...] = (RectangleLabels, Rectangle)
MASK_CONTROLS: tuple[type[ControlTag], ...] = (
    BrushLabels,
    Brush,
    BitmaskLabels,
    Bitmask,
    PolygonLabels,
    Polygon,
)
KEYPOINT_CONTROLS: tuple[type[ControlTag], ...] = (KeyPointLabels, KeyPoint)


def describe(control: ControlTag) -> str:
    return f"<{control.tag} name={control.name!r}>"


@contextlib.contextmanager
def located(where: str) -> Iterator[None]:
    """Prefix the message of a :class:`BuildError` raised inside with ``where: ``."""
    try:
        yield
    except BuildError as exc:
        raise type(exc)(f"{where}: {exc}") from None


class ImageControls(NamedTuple):
    """The controls an image adapter draws on (each may be None) and the ``<Labels>`` of
    unlabeled ones."""

    boxes: ControlTag | None
    masks: ControlTag | None
    keypoints: ControlTag | None
    labels: Labels | None

    def check_kinds(self) -> None:
        """Raise unless each control is of a kind its role draws."""
        for control, kinds, role in (
            (self.boxes, BOX_CONTROLS, "boxes"),
            (self.masks, MASK_CONTROLS, "masks"),
            (self.keypoints, KEYPOINT_CONTROLS, "keypoints"),
        ):
            if control is not None and not isinstance(control, kinds):
                allowed = " / ".join(f"<{k.tag}>" for k in kinds)
                raise BuildError(f"{role} go to {allowed}, not to {describe(control)}")

    @property
    def tools(self) -> tuple[ControlTag | None, ControlTag | None, ControlTag | None]:
        """The box, mask and keypoint controls (without the ``<Labels>``)."""
        return self.boxes, self.masks, self.keypoints

    def split(self, control: ControlTag) -> Labels | None:
        """The ``<Labels>`` that labels ``control``'s regions: None for a labeled tool."""
        return None if control.has_labels else self.labels


def pick_control(
    config: LabelConfig,
    name: str | None,
    kinds: tuple[type[ControlTag], ...],
    role: str,
    *,
    object_kind: str = "image",
) -> ControlTag | None:
    """The control named ``name`` (checked to be one of ``kinds``), or, when ``name`` is None,
    the only control of those kinds on an object of ``object_kind`` (None when there is none).

    Raises:
        BuildError: the named control is of another kind, or several controls could serve.
    """
    allowed = " / ".join(f"<{k.tag}>" for k in kinds)
    if name is not None:
        control = config.control(name)
        if not isinstance(control, kinds):
            raise BuildError(
                f"{role}={name!r} is a {describe(control)}; {role} go to {allowed} controls"
            )
        return control
    found = [
        c
        for c in config.controls.values()
        if isinstance(c, kinds)
        and c.problem is None
        and any(t.kind == object_kind for t in c.targets)
    ]
    if len(found) > 1:
        names = quote_list(c.name for c in found)
        raise BuildError(
            f"the config has several controls that can take {role} ({names}); "
            f"say which one with {role}=NAME"
        )
    return found[0] if found else None


def split_labels_control(config: LabelConfig, tool: ControlTag, name: str | None) -> Labels | None:
    """The ``<Labels>`` that labels an unlabeled tool's regions (the split format), if any."""
    if tool.has_labels:
        if name is not None:
            raise BuildError(
                f"{describe(tool)} carries its own labels; labels={name!r} is only for unlabeled "
                "tools (Rectangle, Polygon, Brush, ...) labeled by a <Labels> on the same image"
            )
        return None
    if name is not None:
        return config.control(name, Labels)
    found = [
        c
        for c in config.controls.values()
        if isinstance(c, Labels) and c.problem is None and set(c.to_name) & set(tool.to_name)
    ]
    if len(found) > 1:
        raise BuildError(
            f"several <Labels> point at {tool.to_name[0]!r} "
            f"({quote_list(c.name for c in found)}); say which one with labels=NAME"
        )
    return found[0] if found else None


def labeling_control(tool: ControlTag, labels_control: Labels | None) -> LabelingControl | None:
    """The control whose labels regions of ``tool`` carry: the tool, or its ``<Labels>``."""
    if tool.has_labels:
        if labels_control is not None:
            raise BuildError(
                f"{describe(tool)} carries its own labels; labels_control= is only for "
                "unlabeled tools (Rectangle, Polygon, Brush, ...)"
            )
        return tool  # type: ignore[return-value]  # has_labels is True only on LabelingControl
    if labels_control is not None:
        if not isinstance(labels_control, Labels):
            raise BuildError(
                f"labels_control must be a <Labels> control, got {describe(labels_control)}"
            )
        if not set(labels_control.to_name) & set(tool.to_name):
            raise BuildError(
                f"{describe(labels_control)} points at {','.join(labels_control.to_name)!r}, "
                f"not at {','.join(tool.to_name)!r} where {describe(tool)} draws"
            )
    return labels_control


def image_controls(
    config: LabelConfig,
    boxes: str | None,
    masks: str | None,
    keypoints: str | None,
    labels: str | None,
) -> ImageControls:
    """The box, mask and keypoint controls named (or, with none named, every one the config
    has) and the ``<Labels>`` of unlabeled ones."""
    auto = boxes is None and masks is None and keypoints is None
    box = pick_control(config, boxes, BOX_CONTROLS, "boxes") if auto or boxes else None
    mask = pick_control(config, masks, MASK_CONTROLS, "masks") if auto or masks else None
    point = (
        pick_control(config, keypoints, KEYPOINT_CONTROLS, "keypoints")
        if auto or keypoints
        else None
    )
    if box is None and mask is None and point is None:
        raise BuildError(
            "the config has no control for COCO boxes, masks or keypoints "
            "(RectangleLabels, BrushLabels, BitmaskLabels, PolygonLabels, KeyPointLabels or "
            "their unlabeled tools)"
        )
    unlabeled = [c for c in (box, mask, point) if c is not None and not c.has_labels]
    labels_control = None
    if unlabeled:
        labels_control = split_labels_control(config, unlabeled[0], labels)
    elif labels is not None:
        split_labels_control(config, cast(ControlTag, box or mask or point), labels)
    return ImageControls(box, mask, point, labels_control)
