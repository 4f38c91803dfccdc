"""Brush mask builders (BrushLabels / Brush / MagicWand) over the RLE codec.

A brush result stores the whole mask as Label Studio RLE of an image-sized RGBA buffer. The
traps (0/1 masks drawn invisible, (width, height) arrays drawn as stripes, streams of the wrong
length) are closed here: masks are ``(height, width)`` arrays, the result carries the size the
stream was encoded for, and a 0/1 integer mask must say how to read it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from .. import rle as rle_codec
from .._lazy import lazy_module
from ..errors import BuildError, RLEError
from ..results import Region
from ..tags.base import ControlTag
from ._classes import class_labels
from ._common import check_score, make_result, real_array, vector_shape_hint

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

    from ..tags.labeling import LabelingControl
else:
    np = lazy_module("numpy")


__all__ = ["BrushBuilder"]


class BrushBuilder(ControlTag):
    """Builders of ``<BrushLabels>``, ``<Brush>`` and ``<MagicWand>``."""

    def mask(
        self,
        mask: ArrayLike,
        *,
        label: str | Sequence[str] | None = None,
        image_wh: tuple[int, int] | None = None,
        values: rle_codec.MaskValues = "auto",
        score: float | None = None,
        id: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
        to_name: str | None = None,
        item_index: int | None = None,
    ) -> Region:
        """One brush region from a ``(height, width)`` mask.

        Args:
            mask: the mask in numpy image layout ``(height, width)``; bool (True is drawn),
                or integers 0..255 (the alpha Label Studio draws). A 0/1 integer mask is
                refused unless ``values="binary"`` (nonzero drawn at 255), see
                :func:`prelabel.rle.encode`.
            label: the label(s); required for ``BrushLabels``, refused for ``Brush``.
            image_wh: the image's ``(width, height)`` in pixels, to catch a transposed mask.
            values: how integer mask values are read (``"auto"``, ``"binary"``, ``"alpha"``).
            score: confidence in [0, 1].
            id: region id (a fresh one by default).
            readonly: make the region read-only in the editor.
            hidden: start the region hidden.
            to_name: the Image to draw on, when the control has several targets.
            item_index: the page, for an Image with ``valueList``.

        Returns:
            The region; its result carries ``original_width``/``original_height`` from the
            mask shape so the stream can be decoded and checked.

        Raises:
            BuildError: a label problem, a mask that does not match ``image_wh``, or a mask
                the RLE codec refuses (wrong ndim, float, values outside 0..255, 0/1 masks).

        >>> import numpy as np
        >>> from prelabel import LabelConfig, BrushLabels
        >>> cfg = LabelConfig.parse('<View><Image name="img" value="$img"/>'
        ...     '<BrushLabels name="tag" toName="img"><Label value="Road"/></BrushLabels></View>')
        >>> m = np.zeros((2, 3), dtype=bool); m[0, 1] = True
        >>> region = cfg.control("tag", BrushLabels).mask(m, label="Road", id="m1")
        >>> region.result["value"]["rle"]
        [0, 0, 0, 24, 57, 27, 252, 96, 17, 255, 223, 0, 0]
        >>> region.result["value"]["brushlabels"]
        ['Road']
        >>> region.result["original_width"], region.result["original_height"]
        (3, 2)
        """
        labels = self._brush_labels(label)
        array = np.asarray(mask)
        height, width = _mask_size(array, image_wh)
        if array.dtype.kind in "biu" and not array.any():
            raise BuildError(
                f"<{self.tag} name={self.name!r}>: the mask is empty (no pixel set); Label "
                "Studio would list an invisible region: leave it out"
            )
        try:
            stream = rle_codec.encode(array, values=values)
        except RLEError as exc:
            raise BuildError(f"<{self.tag} name={self.name!r}>: {exc}") from None
        return self._region(
            stream,
            labels,
            height=height,
            width=width,
            score=score,
            id=id,
            readonly=readonly,
            hidden=hidden,
            to_name=to_name,
            item_index=item_index,
        )

    def masks(
        self,
        masks: ArrayLike,
        *,
        label: str | list[str] | None = None,
        labels: Sequence[str] | None = None,
        class_ids: ArrayLike | None = None,
        class_names: Sequence[str] | Mapping[int, str] | None = None,
        scores: ArrayLike | None = None,
        ids: Sequence[str] | None = None,
        image_wh: tuple[int, int] | None = None,
        values: rle_codec.MaskValues = "auto",
        readonly: bool | None = None,
        hidden: bool | None = None,
        to_name: str | None = None,
        item_index: int | None = None,
    ) -> list[Region]:
        """One brush region per instance of an ``(N, height, width)`` stack of masks (or a
        list of N ``(height, width)`` masks, each read with its own dtype).

        Give the instances' labels as ``label`` (one for all), ``labels`` (N strings) or
        ``class_ids`` (N integers) naming ``class_names`` (a list indexed by class id, or a dict).
        ``Brush`` (unlabeled) takes neither. ``ids`` sets the N region ids.

        Raises:
            BuildError: shapes that do not agree, or any problem :meth:`mask` raises, naming
                the instance index.
        """
        stack = _mask_list(masks)
        count = len(stack)
        names = _instance_labels(self, count, label, labels, class_ids, class_names)
        score_list = _scores(count, scores)
        if ids is not None and len(ids) != count:
            raise BuildError(f"got {len(ids)} ids for {count} masks")
        regions = []
        for index in range(count):
            try:
                regions.append(
                    self.mask(
                        stack[index],
                        label=None if names is None else names[index],
                        image_wh=image_wh,
                        values=values,
                        score=None if score_list is None else score_list[index],
                        id=None if ids is None else ids[index],
                        readonly=readonly,
                        hidden=hidden,
                        to_name=to_name,
                        item_index=item_index,
                    )
                )
            except BuildError as exc:
                raise BuildError(f"instance {index}: {exc}") from None
        return regions

    def class_map(
        self,
        class_map: ArrayLike,
        *,
        class_names: Sequence[str] | Mapping[int, str],
        ignore: Sequence[int] = (0,),
        image_wh: tuple[int, int] | None = None,
        to_name: str | None = None,
        item_index: int | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> list[Region]:
        """One brush region per class present in a semantic-segmentation map.

        Args:
            class_map: ``(height, width)`` integer array of class indices.
            class_names: label per class index (a list indexed by class id, or a dict).
            ignore: class ids that get no region (background; default ``(0,)``).
            readonly: make the regions read-only.
            hidden: start them hidden.

        Raises:
            BuildError: a non-integer map, or a class present in the map with no name.
        """
        cmap = np.asarray(class_map)
        if cmap.ndim != 2:
            raise BuildError(f"class_map must have shape (height, width), got {tuple(cmap.shape)}")
        if cmap.dtype.kind not in "iu":
            raise BuildError(f"class_map must hold integer class ids, got dtype {cmap.dtype}")
        lookup = (
            dict(enumerate(class_names))
            if not isinstance(class_names, Mapping)
            else dict(class_names)
        )
        present = [int(c) for c in np.unique(cmap) if int(c) not in set(ignore)]
        missing = [c for c in present if c not in lookup]
        if missing:
            raise BuildError(
                f"class_map holds class ids {missing} that class_names does not name "
                f"(it names {sorted(lookup)})"
            )
        found: Sequence[list[str] | None] = [None] * len(present)
        if self.has_labels:
            labeling = cast("LabelingControl", self)
            found = class_labels(
                labeling, present, class_names, count=len(present), what="class", indexed=False
            )
        return [
            self.mask(
                cmap == class_id,
                label=label,
                image_wh=image_wh,
                to_name=to_name,
                item_index=item_index,
                readonly=readonly,
                hidden=hidden,
            )
            for class_id, label in zip(present, found, strict=True)
        ]

    # --- internals ---------------------------------------------------------------------------

    def _brush_labels(self, label: str | Sequence[str] | None) -> list[str] | None:
        if not self.has_labels:
            if label is not None:
                raise BuildError(
                    f"<{self.tag} name={self.name!r}> has no labels; label the region with a "
                    "<Labels> control on the same image (labels.for_region(region, ...))"
                )
            return None
        if label is None:
            raise BuildError(f"<{self.tag} name={self.name!r}> needs a label (label=...)")
        resolve = getattr(self, "resolve_labels")  # noqa: B009 - LabelingControl provides it
        resolved: list[str] = resolve(label)
        return resolved

    def _region(
        self,
        stream: list[int],
        labels: list[str] | None,
        *,
        height: int,
        width: int,
        score: float | None,
        id: str | None,
        readonly: bool | None,
        hidden: bool | None,
        to_name: str | None,
        item_index: int | None,
    ) -> Region:
        geometry: dict[str, Any] = {"format": "rle", "rle": stream}
        value = dict(geometry)
        if labels is not None and self.value_key is not None:
            value[self.value_key] = labels
        result = make_result(
            self,
            value,
            to_name=to_name,
            id=id,
            score=score,
            readonly=readonly,
            hidden=hidden,
            original_width=width,
            original_height=height,
            image_rotation=0,
            item_index=item_index,
        )
        return Region([result], geometry=geometry)


def _mask_size(array: NDArray[Any], image_wh: tuple[int, int] | None) -> tuple[int, int]:
    if array.ndim != 2:
        raise BuildError(
            f"mask must have shape (height, width), got {tuple(array.shape)}"
            + (" (a stack of masks: use .masks())" if array.ndim == 3 else "")
        )
    height, width = (int(n) for n in array.shape)
    if image_wh is not None:
        img_w, img_h = (int(n) for n in image_wh)
        if (height, width) != (img_h, img_w):
            transposed = (height, width) == (img_w, img_h)
            raise BuildError(
                f"mask has shape {(height, width)} but the image is {img_w}x{img_h} "
                f"(width x height), so the mask must be ({img_h}, {img_w})"
                + ("; it looks transposed: pass mask.T" if transposed else "")
            )
    return height, width


def _instance_labels(
    control: BrushBuilder,
    count: int,
    label: str | list[str] | None,
    labels: Sequence[str] | None,
    class_ids: ArrayLike | None,
    class_names: Sequence[str] | Mapping[int, str] | None,
) -> Sequence[str | list[str]] | None:
    given = [
        n
        for n, v in (("label", label), ("labels", labels), ("class_ids", class_ids))
        if v is not None
    ]
    if len(given) > 1:
        raise BuildError(
            f"give one of label, labels or class_ids + class_names, not {' and '.join(given)}"
        )
    if label is not None:
        return [label] * count
    if labels is not None:
        try:
            names = [labels] if isinstance(labels, str) else list(labels)
        except TypeError:
            raise BuildError(
                f"labels= takes one label per mask (a list of strings), got {type(labels).__name__}"
            ) from None
        if len(names) != count:
            raise BuildError(f"got {len(names)} labels for {count} masks")
        return names
    if class_ids is not None:
        if not control.has_labels:
            control._brush_labels("")  # raises: an unlabeled tool takes no labels
        labeling = cast("LabelingControl", control)
        return class_labels(labeling, class_ids, class_names, count=count, what="mask")
    if control.has_labels:
        raise BuildError("give label (one for all), labels (N strings) or class_ids + class_names")
    return None


def _scores(count: int, scores: ArrayLike | None) -> list[float] | None:
    if scores is None:
        return None
    array = real_array(scores, "scores")
    if array.shape != (count,):
        raise BuildError(
            f"scores must have shape ({count},), got {tuple(array.shape)}"
            + vector_shape_hint(tuple(array.shape), count)
        )
    return [check_score(s) for s in array.tolist()]


def _mask_list(masks: ArrayLike) -> Sequence[Any]:
    """The instances of ``masks``: a list keeps each mask as given (stacking would turn a bool
    mask beside an integer one into 0/1); anything else must be an ``(N, height, width)`` array.
    """
    if isinstance(masks, (list, tuple)):
        shapes = [np.shape(m) for m in masks]
        for index, shape in enumerate(shapes):
            if len(shape) != 2:
                raise BuildError(
                    f"masks[{index}] must be a (height, width) mask, got shape {shape}"
                )
            if shape != shapes[0]:
                raise BuildError(
                    f"masks[{index}] has shape {shape} but masks[0] has {shapes[0]}; every mask "
                    "of one image has the image's (height, width)"
                )
        return masks
    stack = np.asarray(masks)
    if stack.ndim != 3:
        raise BuildError(
            f"masks must have shape (N, height, width), got {tuple(stack.shape)}"
            + (" (one mask: use .mask())" if stack.ndim == 2 else "")
        )
    return stack  # type: ignore[return-value]
