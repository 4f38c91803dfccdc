"""The text of one YOLO label or prediction file, parsed into arrays by line shape."""

from __future__ import annotations

import dataclasses
from typing import Literal, TypeAlias, cast

import numpy as np
import numpy.typing as npt

from ...errors import BuildError

__all__ = ["YoloLabels", "YoloTask", "parse_yolo"]

YoloTask: TypeAlias = Literal["auto", "detect", "segment", "obb", "pose"]


@dataclasses.dataclass(frozen=True)
class YoloLabels:
    """The objects of one YOLO file; every coordinate normalized (0-1 of width / height).

    Attributes:
        task: ``"detect"``, ``"segment"``, ``"obb"`` or ``"pose"``.
        class_ids: ``(N,)`` class indices.
        scores: ``(N,)`` confidences, or None when the file has no confidence column.
        boxes: ``(N, 4)`` ``cx, cy, w, h`` (detect, pose), else None.
        polygons: ``N`` arrays of ``(K, 2)`` vertices (segment), else None.
        corners: ``(N, 4, 2)`` oriented-box corners (obb), else None.
        keypoints: ``(N, K, 2)`` or ``(N, K, 3)`` (pose), else None.
    """

    task: Literal["detect", "segment", "obb", "pose"]
    class_ids: npt.NDArray[np.int64]
    scores: npt.NDArray[np.float64] | None = None
    boxes: npt.NDArray[np.float64] | None = None
    polygons: list[npt.NDArray[np.float64]] | None = None
    corners: npt.NDArray[np.float64] | None = None
    keypoints: npt.NDArray[np.float64] | None = None

    def __len__(self) -> int:
        return int(self.class_ids.shape[0])


def parse_yolo(
    text: str,
    *,
    task: YoloTask = "auto",
    kpt_shape: tuple[int, int] | None = None,
    where: str = "<text>",
) -> YoloLabels:
    """Parse the text of one YOLO label or prediction file.

    Args:
        text: the file's content.
        task: the line shape (see the module); ``"auto"`` tells detect from segment.
        kpt_shape: ``(K, 2 or 3)`` for ``task="pose"``, as in the dataset's ``data.yaml``.
        where: the file name, for messages (``labels/img1.txt:3: ...``).

    Raises:
        BuildError: a value that is not a number, a class id that is not a whole number
            0 or more, a line of the wrong length, or lines with and without confidence.

    >>> labels = parse_yolo("0 0.5 0.5 0.2 0.4 0.91\\n2 0.1 0.1 0.1 0.1 0.55\\n")
    >>> labels.task, labels.class_ids.tolist(), labels.scores.tolist()
    ('detect', [0, 2], [0.91, 0.55])
    >>> parse_yolo("1 0.1 0.1 0.4 0.1 0.4 0.5").polygons[0].tolist()
    [[0.1, 0.1], [0.4, 0.1], [0.4, 0.5]]
    """
    if task not in ("auto", "detect", "segment", "obb", "pose"):
        raise BuildError(f"task must be auto, detect, segment, obb or pose; got {task!r}")
    if task == "pose":
        if kpt_shape is None or len(kpt_shape) != 2 or kpt_shape[1] not in (2, 3):
            raise BuildError("task='pose' needs kpt_shape=(K, 2) or (K, 3), as in data.yaml")
    elif kpt_shape is not None:
        raise BuildError("kpt_shape= is only for task='pose'")
    rows: list[tuple[int, int, npt.NDArray[np.float64]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        try:
            values = np.array([float(f) for f in fields], dtype=np.float64)
        except ValueError:
            bad = next(f for f in fields if not _is_number(f))
            raise BuildError(f"{where}:{number}: {bad!r} is not a number") from None
        if not np.isfinite(values).all():
            raise BuildError(f"{where}:{number}: values must be finite")
        cls = values[0]
        if cls < 0 or cls != int(cls):
            raise BuildError(f"{where}:{number}: class {fields[0]!r} is not a class index")
        rows.append((number, int(cls), values[1:]))
    kinds = {_line_kind(len(v), task, kpt_shape, f"{where}:{n}") for n, _, v in rows}
    shapes = {kind for kind, _ in kinds}
    if len(shapes) > 1:
        raise BuildError(
            f"{where} mixes box lines and polygon lines; pass task='detect' or task='segment'"
        )
    confs = {conf for _, conf in kinds}
    if len(confs) > 1:
        raise BuildError(f"{where}: some lines have a confidence column and some do not")
    kind = cast(
        Literal["detect", "segment", "obb", "pose"],
        shapes.pop() if shapes else ("detect" if task == "auto" else task),
    )
    has_conf = bool(confs and confs.pop())
    ids = np.array([cls for _, cls, _ in rows], dtype=np.int64)
    scores = np.array([v[-1] for _, _, v in rows], dtype=np.float64) if has_conf else None
    body = [v[:-1] if has_conf else v for _, _, v in rows]
    if kind == "detect":
        return YoloLabels(kind, ids, scores, boxes=np.array(body, dtype=np.float64).reshape(-1, 4))
    if kind == "segment":
        return YoloLabels(kind, ids, scores, polygons=[v.reshape(-1, 2) for v in body])
    if kind == "obb":
        corners = np.array(body, dtype=np.float64).reshape(-1, 4, 2)
        return YoloLabels(kind, ids, scores, corners=corners)
    count, dims = cast(tuple[int, int], kpt_shape)
    stacked = np.array(body, dtype=np.float64).reshape(-1, 4 + count * dims)
    return YoloLabels(
        kind,
        ids,
        scores,
        boxes=stacked[:, :4],
        keypoints=stacked[:, 4:].reshape(-1, count, dims),
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _line_kind(
    size: int, task: YoloTask, kpt_shape: tuple[int, int] | None, where: str
) -> tuple[str, bool]:
    """The shape of a line with ``size`` values after the class, and whether it has a conf."""
    if task in ("auto", "detect") and size in (4, 5):
        return "detect", size == 5
    if task == "obb":
        if size in (8, 9):
            return "obb", size == 9
        raise BuildError(f"{where}: an oriented box has 8 values (+ confidence), got {size}")
    if task == "pose":
        count, dims = cast(tuple[int, int], kpt_shape)
        want = 4 + count * dims
        if size in (want, want + 1):
            return "pose", size == want + 1
        raise BuildError(
            f"{where}: a pose line with kpt_shape {tuple(kpt_shape or ())} has {want} values "
            f"(+ confidence), got {size}"
        )
    if task in ("auto", "segment") and size >= 6:
        return "segment", size % 2 == 1
    expected = "4 (+ confidence)" if task == "detect" else "at least 6 (3 points)"
    raise BuildError(f"{where}: expected {expected} values after the class, got {size}")
