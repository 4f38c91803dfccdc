"""A dataset's predictions as columns: built in a few array operations, read as task dicts.

Per-image builders return dicts, and building a dict per result costs about a microsecond
however it is done. A whole dataset's model output is arrays; :class:`PredictionBatch` checks
and converts them as arrays and keeps them so (about 110 bytes per box, most of it the region
id, against about 770 for the box's dicts), and makes each task's dict only when it is read,
written or validated.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, overload

from .._lazy import lazy_module
from ..config import LabelConfig
from ..errors import BuildError
from ..labelmap import LabelMap
from ..offsets import OffsetUnit
from ..rle import MaskValues
from ..tags.base import ControlTag
from ..tags.controls import (
    Brush,
    BrushLabels,
    Choices,
    Ellipse,
    EllipseLabels,
    KeyPoint,
    KeyPointLabels,
    Labels,
    Polygon,
    PolygonLabels,
    Rectangle,
    RectangleLabels,
)
from ._boxes import BOX_ARGS, BoxPart
from ._choices import Choice, ChoicePart
from ._ellipses import CENTER_ARGS, RADII_ARGS, EllipsePart
from ._keypoints import POINT_ARGS, KeyPointPart
from ._labels import ClassNames
from ._masks import MaskPart
from ._part import RowOptions
from ._polygons import POLYGON_ARGS, PolygonPart
from ._rows import per_task_scores
from ._segments import SegmentPart
from ._spans import SpanLabel, SpanPart

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike
else:
    np = lazy_module("numpy")

__all__ = ["PredictionBatch"]

_CHUNK = 1024  # tasks made at a time while iterating


class _Part(Protocol):
    @property
    def count(self) -> int: ...

    def results(self, start: int, stop: int) -> list[list[dict[str, Any]]]: ...


class PredictionBatch(Sequence[dict[str, Any]]):
    """One prediction per task for a whole dataset, from arrays.

    Give the tasks' data, then add each control's output for all tasks at once with
    :meth:`boxes`, :meth:`keypoints`, :meth:`polygons`, :meth:`ellipses`, :meth:`masks`,
    :meth:`spans`, :meth:`segments` and :meth:`choices`.
    The batch is a sequence of task dicts, the same as the per-image builders give, made when
    read: pass it to :func:`prelabel.io.write_jsonl`, iterate it, or index it.

    Args:
        config: the labeling config the predictions are for.
        data: the tasks' data, a dict per task, or columns ``{"image": [url, ...]}``.
        model_version: the model's name, shown with every prediction.
        score: the prediction-level confidence: one number, or one per task.

    >>> from prelabel import LabelConfig
    >>> config = LabelConfig.parse('<View><Image name="image" value="$image"/>'
    ...     '<RectangleLabels name="box" toName="image"><Label value="Car"/></RectangleLabels>'
    ...     '</View>')
    >>> batch = PredictionBatch(config, {"image": ["a.jpg", "b.jpg"]}, model_version="v1")
    >>> batch = batch.boxes("box", xyxy_px=[[0, 0, 320, 240], [64, 48, 128, 96]],
    ...                     counts=[1, 1], image_wh=(640, 480), class_ids=[0, 0],
    ...                     class_names=["car"], scores=[0.9, 0.6])
    >>> task = batch[1]
    >>> task["data"], task["predictions"][0]["result"][0]["value"]["rectanglelabels"]
    ({'image': 'b.jpg'}, ['Car'])
    >>> value = task["predictions"][0]["result"][0]["value"]
    >>> [round(value[key], 6) for key in ("x", "y", "width", "height")]
    [10.0, 10.0, 10.0, 10.0]
    >>> len(batch), batch.result_count
    (2, 2)
    """

    def __init__(
        self,
        config: LabelConfig,
        data: Sequence[Mapping[str, Any]] | Mapping[str, Sequence[Any]],
        *,
        model_version: str | None = None,
        score: float | ArrayLike | None = None,
    ) -> None:
        self.config = config
        self._data, self._columns = _task_data(config, data)
        self._tasks = len(self._data) if self._columns is None else _column_length(self._columns)
        if model_version is not None and not isinstance(model_version, str):
            raise BuildError(f"model_version must be a string, got {type(model_version).__name__}")
        self.model_version = model_version
        self._score = per_task_scores(score, self._tasks, "score")
        self._parts: list[_Part] = []

    # --- adding results ----------------------------------------------------------------------

    def boxes(
        self,
        control: str | RectangleLabels | Rectangle,
        *,
        xyxy_px: ArrayLike | None = None,
        xyxy_norm: ArrayLike | None = None,
        xyxy_pct: ArrayLike | None = None,
        xywh_px: ArrayLike | None = None,
        xywh_norm: ArrayLike | None = None,
        xywh_pct: ArrayLike | None = None,
        cxcywh_px: ArrayLike | None = None,
        cxcywh_norm: ArrayLike | None = None,
        cxcywh_pct: ArrayLike | None = None,
        image_wh: ArrayLike,
        task_index: ArrayLike | None = None,
        counts: ArrayLike | None = None,
        label: str | Sequence[str] | None = None,
        labels: Sequence[str | Sequence[str]] | None = None,
        class_ids: ArrayLike | None = None,
        class_names: ClassNames | None = None,
        scores: ArrayLike | None = None,
        ids: Sequence[str] | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
        to_name: str | None = None,
        clip: bool = False,
    ) -> PredictionBatch:
        """Add every task's boxes: ``M`` rows in all, in one format and unit.

        Args:
            control: a ``RectangleLabels`` or ``Rectangle`` control, or its name.
            xyxy_px ... cxcywh_pct: ``(M, 4)`` boxes of all tasks, in exactly one format.
            image_wh: ``(width, height)`` of every image, or ``(tasks, 2)``, one per task.
            task_index: ``(M,)`` the task of each box, in any order; or
            counts: ``(tasks,)`` boxes per task, the boxes given task by task.
            label, labels, class_ids, class_names: as in :meth:`RectangleLabels.boxes`;
                ``class_names`` may be a :class:`~prelabel.LabelMap` (``unmapped="drop"``
                drops the boxes of classes it does not map).
            scores: ``(M,)`` confidences in [0, 1].
            ids: ``(M,)`` the region ids, in the rows' order; fresh ones by default.
            readonly: make every result read-only.
            hidden: start every result hidden.
            to_name: the image, when the control points at several.
            clip: clip boxes that reach past an edge to the image, as the builder does.

        Returns:
            The batch itself, to chain calls.

        Raises:
            BuildError: as :meth:`RectangleLabels.boxes`, naming the task (``task 617: ...``).
            LabelError: an unknown label or model class.
        """
        found = self._control(control)
        if not isinstance(found, (RectangleLabels, Rectangle)):
            raise _wrong_control("boxes() takes a <RectangleLabels> or <Rectangle> control", found)
        arg, value = _one_of(
            "boxes",
            list(BOX_ARGS),
            (
                xyxy_px,
                xyxy_norm,
                xyxy_pct,
                xywh_px,
                xywh_norm,
                xywh_pct,
                cxcywh_px,
                cxcywh_norm,
                cxcywh_pct,
            ),
        )
        self._parts.append(
            BoxPart(
                found,
                self._tasks,
                arg=arg,
                boxes=value,
                image_wh=image_wh,
                label=label,
                labels=labels,
                class_ids=class_ids,
                class_names=class_names,
                options=RowOptions(task_index, counts, scores, ids, readonly, hidden),
                to_name=to_name,
                clip=clip,
            )
        )
        return self

    def keypoints(
        self,
        control: str | KeyPointLabels | KeyPoint,
        *,
        xy_px: ArrayLike | None = None,
        xy_norm: ArrayLike | None = None,
        xy_pct: ArrayLike | None = None,
        image_wh: ArrayLike,
        task_index: ArrayLike | None = None,
        counts: ArrayLike | None = None,
        width_px: ArrayLike | None = None,
        width_pct: ArrayLike | None = None,
        label: str | Sequence[str] | None = None,
        labels: Sequence[str | Sequence[str]] | None = None,
        class_ids: ArrayLike | None = None,
        class_names: ClassNames | None = None,
        scores: ArrayLike | None = None,
        ids: Sequence[str] | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
        to_name: str | None = None,
        clip: bool = False,
    ) -> PredictionBatch:
        """Add every task's keypoints: ``M`` points in all, in one unit.

        Args:
            control: a ``KeyPointLabels`` or ``KeyPoint`` control, or its name.
            xy_px, xy_norm, xy_pct: ``(M, 2)`` points of all tasks, in exactly one unit.
            image_wh: ``(width, height)`` of every image, or ``(tasks, 2)``, one per task.
            task_index: ``(M,)`` the task of each point, in any order; or
            counts: ``(tasks,)`` points per task, the points given task by task.
            width_px, width_pct: the drawn radius, one number or ``(M,)``; default 0.5
                percent of the image width, as :meth:`KeyPointLabels.points`.
            label, labels, class_ids, class_names: as in :meth:`boxes`.
            scores: ``(M,)`` confidences in [0, 1].
            ids, readonly, hidden: as in :meth:`boxes`.
            to_name: the image, when the control points at several.
            clip: move points outside the image onto its edge, as the builder does.

        Returns:
            The batch itself, to chain calls.

        Raises:
            BuildError: as :meth:`KeyPointLabels.points`, naming the task (``task 3: ...``).
            LabelError: an unknown label or model class.
        """
        found = self._control(control)
        if not isinstance(found, (KeyPointLabels, KeyPoint)):
            raise _wrong_control(
                "keypoints() takes a <KeyPointLabels> or <KeyPoint> control", found
            )
        arg, value = _one_of("points", POINT_ARGS, (xy_px, xy_norm, xy_pct))
        self._parts.append(
            KeyPointPart(
                found,
                self._tasks,
                arg=arg,
                points=value,
                image_wh=image_wh,
                width_px=width_px,
                width_pct=width_pct,
                label=label,
                labels=labels,
                class_ids=class_ids,
                class_names=class_names,
                options=RowOptions(task_index, counts, scores, ids, readonly, hidden),
                to_name=to_name,
                clip=clip,
            )
        )
        return self

    def polygons(
        self,
        control: str | PolygonLabels | Polygon,
        *,
        points_px: ArrayLike | None = None,
        points_norm: ArrayLike | None = None,
        points_pct: ArrayLike | None = None,
        point_counts: ArrayLike,
        image_wh: ArrayLike,
        task_index: ArrayLike | None = None,
        counts: ArrayLike | None = None,
        label: str | Sequence[str] | None = None,
        labels: Sequence[str | Sequence[str]] | None = None,
        class_ids: ArrayLike | None = None,
        class_names: ClassNames | None = None,
        scores: ArrayLike | None = None,
        ids: Sequence[str] | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
        to_name: str | None = None,
        clip: bool = False,
    ) -> PredictionBatch:
        """Add every task's polygons: ``M`` polygons of ``P`` vertices in all, in one unit.

        Args:
            control: a ``PolygonLabels`` or ``Polygon`` control, or its name.
            points_px, points_norm, points_pct: ``(P, 2)`` the vertices of every polygon, one
                polygon after another, in exactly one unit.
            point_counts: ``(M,)`` how many vertices each polygon has (3 or more; a last
                vertex equal to the first is dropped, as :meth:`PolygonLabels.polygons` does).
            image_wh: ``(width, height)`` of every image, or ``(tasks, 2)``, one per task.
            task_index: ``(M,)`` the task of each polygon, in any order; or
            counts: ``(tasks,)`` polygons per task, the polygons given task by task.
            label, labels, class_ids, class_names: one per polygon, as in :meth:`boxes`.
            scores: ``(M,)`` confidences in [0, 1].
            ids, readonly, hidden: as in :meth:`boxes`.
            to_name: the image, when the control points at several.
            clip: move vertices outside the image onto its edge, as the builder does.

        Returns:
            The batch itself, to chain calls.

        Raises:
            BuildError: as :meth:`PolygonLabels.polygons`, naming the task
                (``task 3 (polygons from 12 on, points_px rows from 80 on): ...``).
            LabelError: an unknown label or model class.
        """
        found = self._control(control)
        if not isinstance(found, (PolygonLabels, Polygon)):
            raise _wrong_control("polygons() takes a <PolygonLabels> or <Polygon> control", found)
        arg, value = _one_of("polygons", POLYGON_ARGS, (points_px, points_norm, points_pct))
        self._parts.append(
            PolygonPart(
                found,
                self._tasks,
                arg=arg,
                points=value,
                point_counts=point_counts,
                image_wh=image_wh,
                label=label,
                labels=labels,
                class_ids=class_ids,
                class_names=class_names,
                options=RowOptions(task_index, counts, scores, ids, readonly, hidden),
                to_name=to_name,
                clip=clip,
            )
        )
        return self

    def ellipses(
        self,
        control: str | EllipseLabels | Ellipse,
        *,
        center_px: ArrayLike | None = None,
        center_norm: ArrayLike | None = None,
        center_pct: ArrayLike | None = None,
        radii_px: ArrayLike | None = None,
        radii_norm: ArrayLike | None = None,
        radii_pct: ArrayLike | None = None,
        angle_deg: ArrayLike = 0.0,
        image_wh: ArrayLike,
        task_index: ArrayLike | None = None,
        counts: ArrayLike | None = None,
        label: str | Sequence[str] | None = None,
        labels: Sequence[str | Sequence[str]] | None = None,
        class_ids: ArrayLike | None = None,
        class_names: ClassNames | None = None,
        scores: ArrayLike | None = None,
        ids: Sequence[str] | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
        to_name: str | None = None,
    ) -> PredictionBatch:
        """Add every task's ellipses: ``M`` ellipses in all, centres and radii each in one unit.

        Args:
            control: an ``EllipseLabels`` or ``Ellipse`` control, or its name.
            center_px, center_norm, center_pct: ``(M, 2)`` the centres, in exactly one unit.
            radii_px, radii_norm, radii_pct: ``(M, 2)`` the radii ``(rx, ry)``, in exactly one
                unit (``rx`` scaled by the image width, ``ry`` by its height).
            angle_deg: degrees clockwise on screen about the centre, one number or ``(M,)``.
            image_wh: ``(width, height)`` of every image, or ``(tasks, 2)``, one per task.
            task_index: ``(M,)`` the task of each ellipse, in any order; or
            counts: ``(tasks,)`` ellipses per task, the ellipses given task by task.
            label, labels, class_ids, class_names: as in :meth:`boxes`.
            scores: ``(M,)`` confidences in [0, 1].
            ids, readonly, hidden: as in :meth:`boxes`.
            to_name: the image, when the control points at several.

        Returns:
            The batch itself, to chain calls.

        Raises:
            BuildError: as :meth:`EllipseLabels.ellipses`, naming the task (``task 3: ...``).
            LabelError: an unknown label or model class.
        """
        found = self._control(control)
        if not isinstance(found, (EllipseLabels, Ellipse)):
            raise _wrong_control("ellipses() takes an <EllipseLabels> or <Ellipse> control", found)
        center_arg, centers = _one_of("centres", CENTER_ARGS, (center_px, center_norm, center_pct))
        radii_arg, radii = _one_of("radii", RADII_ARGS, (radii_px, radii_norm, radii_pct))
        self._parts.append(
            EllipsePart(
                found,
                self._tasks,
                center_arg=center_arg,
                centers=centers,
                radii_arg=radii_arg,
                radii=radii,
                angle_deg=angle_deg,
                image_wh=image_wh,
                label=label,
                labels=labels,
                class_ids=class_ids,
                class_names=class_names,
                options=RowOptions(task_index, counts, scores, ids, readonly, hidden),
                to_name=to_name,
            )
        )
        return self

    def masks(
        self,
        control: str | BrushLabels | Brush,
        masks: ArrayLike | Sequence[ArrayLike],
        *,
        image_wh: ArrayLike | None = None,
        task_index: ArrayLike | None = None,
        counts: ArrayLike | None = None,
        label: str | Sequence[str] | None = None,
        labels: Sequence[str | Sequence[str]] | None = None,
        class_ids: ArrayLike | None = None,
        class_names: ClassNames | None = None,
        scores: ArrayLike | None = None,
        ids: Sequence[str] | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
        values: MaskValues = "auto",
        to_name: str | None = None,
    ) -> PredictionBatch:
        """Add every task's brush masks: ``M`` masks in all, one region each.

        Each mask is encoded to Label Studio RLE now, as :meth:`BrushLabels.masks` does, and
        only its stream is kept.

        Args:
            control: a ``BrushLabels`` or ``Brush`` control, or its name.
            masks: ``(M, height, width)``, or a list of ``M`` ``(height, width)`` arrays (images
                of several sizes); bool, or integers 0..255 read as ``values`` says.
            image_wh: ``(width, height)`` of every image, or ``(tasks, 2)``, one per task, to
                catch a mask of another size (a transposed one); by default each mask's own.
            task_index: ``(M,)`` the task of each mask, in any order; or
            counts: ``(tasks,)`` masks per task, the masks given task by task.
            label, labels, class_ids, class_names: as in :meth:`boxes`.
            scores: ``(M,)`` confidences in [0, 1].
            ids, readonly, hidden: as in :meth:`boxes`.
            values: how integer masks are read: ``"auto"``, ``"binary"`` or ``"alpha"``, see
                :func:`prelabel.rle.encode`.
            to_name: the image, when the control points at several.

        Returns:
            The batch itself, to chain calls.

        Raises:
            BuildError: as :meth:`BrushLabels.masks`, naming the task
                (``task 3 (masks from 12 on): instance 1: ...``).
            LabelError: an unknown label or model class.
        """
        found = self._control(control)
        if not isinstance(found, (BrushLabels, Brush)):
            raise _wrong_control("masks() takes a <BrushLabels> or <Brush> control", found)
        self._parts.append(
            MaskPart(
                found,
                self._tasks,
                masks=masks,
                image_wh=image_wh,
                label=label,
                labels=labels,
                class_ids=class_ids,
                class_names=class_names,
                values=values,
                options=RowOptions(task_index, counts, scores, ids, readonly, hidden),
                to_name=to_name,
            )
        )
        return self

    def spans(
        self,
        control: str | Labels,
        *,
        start: ArrayLike,
        end: ArrayLike,
        task_index: ArrayLike | None = None,
        counts: ArrayLike | None = None,
        label: SpanLabel | None = None,
        labels: Sequence[SpanLabel] | None = None,
        class_ids: ArrayLike | None = None,
        class_names: ClassNames | None = None,
        label_map: Mapping[str, str] | LabelMap | None = None,
        scores: ArrayLike | None = None,
        ids: Sequence[str] | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
        unit: OffsetUnit = "codepoint",
        to_name: str | None = None,
    ) -> PredictionBatch:
        """Add every task's labeled spans on its ``<Text>``: ``M`` spans in all.

        Each task's text is read from its data through the ``<Text>`` tag's ``$key``, and
        each span's ``text`` is cut from it, as :meth:`Labels.spans` does.

        Args:
            control: a ``Labels`` control on a ``Text``, or its name.
            start: ``(M,)`` the first character of each span, in ``unit``.
            end: ``(M,)`` one past the last character of each span, in ``unit``.
            task_index: ``(M,)`` the task of each span, in any order; or
            counts: ``(tasks,)`` spans per task, the spans given task by task.
            label: one label for every span; or
            labels: ``(M,)`` a label (or a list of labels) per span: config labels or model
                class names, mapped as :meth:`Labels.spans` maps them (``label_map``, then
                ``predicted_values``, the exact name, the name in any case); or
            class_ids: ``(M,)`` model class ids, with
            class_names: the model's class names, or a :class:`~prelabel.LabelMap`.
            label_map: for ``label``/``labels``: model class name -> config label, or a
                ``LabelMap`` (``unmapped="drop"`` drops the spans of unmapped classes).
            scores: ``(M,)`` confidences in [0, 1].
            ids, readonly, hidden: as in :meth:`boxes`.
            unit: what the offsets count: ``"codepoint"`` (Python ``str`` indices, what Label
                Studio stores), ``"utf16"`` (JavaScript) or ``"utf8"`` (bytes).
            to_name: the ``<Text>``, when the control points at several.

        Returns:
            The batch itself, to chain calls.

        Raises:
            BuildError: as :meth:`Labels.spans`, naming the task (``task 9: ...``).
            LabelError: an unknown label or model class.
        """
        found = self._control(control)
        if not isinstance(found, Labels):
            raise _wrong_control("spans() takes a <Labels> control on a <Text>", found)
        self._parts.append(
            SpanPart(
                found,
                self._tasks,
                self._task_data,
                start=start,
                end=end,
                label=label,
                labels=labels,
                class_ids=class_ids,
                class_names=class_names,
                label_map=label_map,
                unit=unit,
                options=RowOptions(task_index, counts, scores, ids, readonly, hidden),
                to_name=to_name,
            )
        )
        return self

    def segments(
        self,
        control: str | Labels,
        *,
        starts_s: ArrayLike,
        ends_s: ArrayLike,
        task_index: ArrayLike | None = None,
        counts: ArrayLike | None = None,
        label: str | Sequence[str] | None = None,
        labels: Sequence[str | Sequence[str]] | None = None,
        class_ids: ArrayLike | None = None,
        class_names: ClassNames | None = None,
        channels: ArrayLike | None = None,
        scores: ArrayLike | None = None,
        ids: Sequence[str] | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
        original_length_s: float | ArrayLike | None = None,
        to_name: str | None = None,
    ) -> PredictionBatch:
        """Add every task's labeled segments on its ``<Audio>``: ``M`` segments in all.

        Args:
            control: a ``Labels`` control on an ``Audio``, or its name.
            starts_s, ends_s: ``(M,)`` segment starts and ends in seconds.
            task_index: ``(M,)`` the task of each segment, in any order; or
            counts: ``(tasks,)`` segments per task, the segments given task by task.
            label, labels, class_ids, class_names: as in :meth:`boxes`.
            channels: ``(M,)`` 0-based channels (other than 0 only with
                ``splitchannels="true"``); all 0 by default.
            scores: ``(M,)`` confidences in [0, 1].
            ids, readonly, hidden: as in :meth:`boxes`.
            original_length_s: each audio's duration, one number or one per task; checked
                and written as ``original_length``, as :meth:`Labels.segments` does.
            to_name: the ``<Audio>``, when the control points at several.

        Returns:
            The batch itself, to chain calls.

        Raises:
            BuildError: as :meth:`Labels.segments`, naming the task
                (``task 9 (segments from 40 on): segment 2: ...``).
            LabelError: an unknown label or model class.
        """
        found = self._control(control)
        if not isinstance(found, Labels):
            raise _wrong_control("segments() takes a <Labels> control on an <Audio>", found)
        self._parts.append(
            SegmentPart(
                found,
                self._tasks,
                starts_s=starts_s,
                ends_s=ends_s,
                label=label,
                labels=labels,
                class_ids=class_ids,
                class_names=class_names,
                channels=channels,
                original_length_s=original_length_s,
                options=RowOptions(task_index, counts, scores, ids, readonly, hidden),
                to_name=to_name,
            )
        )
        return self

    def choices(
        self,
        control: str | Choices,
        choices: Sequence[Choice | None] | None = None,
        *,
        class_ids: ArrayLike | None = None,
        class_names: ClassNames | None = None,
        scores: ArrayLike | None = None,
        ids: Sequence[str] | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
        to_name: str | None = None,
    ) -> PredictionBatch:
        """Add one classification per task.

        Args:
            control: a ``Choices`` control, or its name.
            choices: per task a choice, a list of choices (``choice="multiple"``), or None
                for no result; or
            class_ids: ``(tasks,)`` model class ids, with
            class_names: the model's class names, or a :class:`~prelabel.LabelMap`.
            scores: one confidence, or one per task, in [0, 1].
            ids: ``(tasks,)`` the result id of each task's choice (unused where it has none);
                fresh ones by default.
            readonly: make every result read-only.
            hidden: start every result hidden.
            to_name: the object, when the control points at several.

        Returns:
            The batch itself, to chain calls.
        """
        found = self._control(control)
        if not isinstance(found, Choices):
            raise _wrong_control("choices() takes a <Choices> control", found)
        self._parts.append(
            ChoicePart(
                found,
                self._tasks,
                choices=choices,
                class_ids=class_ids,
                class_names=class_names,
                scores=scores,
                ids=ids,
                readonly=readonly,
                hidden=hidden,
                to_name=to_name,
            )
        )
        return self

    # --- reading -----------------------------------------------------------------------------

    @property
    def result_count(self) -> int:
        """How many results the batch holds, over all tasks."""
        return sum(part.count for part in self._parts)

    def __len__(self) -> int:
        return self._tasks

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._tasks)
            if step == 1:
                return self._make(start, max(start, stop))
            return [self[i] for i in range(start, stop, step)]
        position = index + self._tasks if index < 0 else index
        if not 0 <= position < self._tasks:
            raise IndexError(f"task {index} is out of range: the batch has {self._tasks}")
        return self._make(position, position + 1)[0]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for start in range(0, self._tasks, _CHUNK):
            yield from self._make(start, min(start + _CHUNK, self._tasks))

    def __repr__(self) -> str:
        return f"<PredictionBatch: {self._tasks} tasks, {self.result_count} results>"

    def _repr_html_(self) -> str:
        from ..preview._reprs import batch_html

        return batch_html(self)

    def _make(self, start: int, stop: int) -> list[dict[str, Any]]:
        """Task dicts ``start`` to ``stop``, in the writers' key order."""
        per_part = [part.results(start, stop) for part in self._parts]
        scores = None if self._score is None else self._score[start:stop].tolist()
        version = self.model_version
        out = []
        for offset in range(stop - start):
            result: list[dict[str, Any]] = []
            for part in per_part:
                result += part[offset]
            prediction: dict[str, Any] = {}
            if version is not None:
                prediction["model_version"] = version
            if scores is not None:
                prediction["score"] = scores[offset]
            prediction["result"] = result
            out.append({"data": self._task_data(start + offset), "predictions": [prediction]})
        return out

    def _control(self, control: str | ControlTag) -> ControlTag:
        return self.config.control(control) if isinstance(control, str) else control

    def _task_data(self, task: int) -> dict[str, Any]:
        if self._columns is None:
            return dict(self._data[task])
        return {key: column[task] for key, column in self._columns.items()}


def _wrong_control(takes: str, found: ControlTag) -> BuildError:
    """``boxes() takes a <RectangleLabels> or <Rectangle> control, not <Choices name='x'>``."""
    return BuildError(f"{takes}, not <{found.tag} name={found.name!r}>")


def _one_of(kind: str, names: Sequence[str], values: Sequence[Any]) -> tuple[str, Any]:
    """The one argument given among ``names``."""
    given = [(name, value) for name, value in zip(names, values, strict=True) if value is not None]
    if len(given) != 1:
        listed = ", ".join(f"{n}=" for n in names)
        got = f"; got {', '.join(name for name, _ in given)}" if given else ""
        raise BuildError(f"give the {kind} once, as one of {listed}{got}")
    return given[0]


def _task_data(
    config: LabelConfig, data: Sequence[Mapping[str, Any]] | Mapping[str, Sequence[Any]]
) -> tuple[Sequence[Mapping[str, Any]], dict[str, Sequence[Any]] | None]:
    """The data as rows or as columns, with every key the config reads present."""
    needed = sorted({key for tag in config.objects.values() for key in tag.data_roots})
    if isinstance(data, Mapping):
        columns = {str(key): _column(key, values) for key, values in data.items()}
        missing = [key for key in needed if key not in columns]
        if missing:
            raise BuildError(
                f"data has no column {missing[0]!r}, which the config reads as ${missing[0]} "
                f"(columns: {', '.join(map(repr, columns)) or 'none'})"
            )
        return [], columns
    if isinstance(data, (str, bytes)):
        raise BuildError("data must be a list of task data dicts, or a dict of columns")
    rows = list(data)
    for task, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise BuildError(f"data[{task}] must be a dict, got {type(row).__name__}")
        missing = [key for key in needed if key not in row]
        if missing:
            raise BuildError(
                f"data[{task}] has no {missing[0]!r}, which the config reads as ${missing[0]}"
            )
    return rows, None


def _column(key: Any, values: Any) -> Sequence[Any]:
    if type(values).__module__ == "numpy" and hasattr(values, "tolist"):
        listed: list[Any] = values.tolist()
        return listed
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise BuildError(
            f"data column {key!r} must be a list with one value per task, got "
            f"{type(values).__name__}"
        )
    return values


def _column_length(columns: dict[str, Sequence[Any]]) -> int:
    lengths = {key: len(values) for key, values in columns.items()}
    if len(set(lengths.values())) > 1:
        raise BuildError(
            "data columns must have one value per task, but their lengths differ: "
            + ", ".join(f"{key}: {n}" for key, n in lengths.items())
        )
    return next(iter(lengths.values()), 0)
