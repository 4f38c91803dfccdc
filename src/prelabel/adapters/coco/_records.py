"""Reading COCO JSON: categories, image records (ids and sizes), annotations grouped by image,
and the checked fields of one annotation (ids, scores, polygon segmentations).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ...errors import BuildError

__all__ = ["CocoSource", "coco_categories", "group_by_image"]

CocoSource = str | os.PathLike[str] | Mapping[str, Any]
"""A COCO dataset: a path to its JSON file, or the loaded dict."""


def coco_categories(categories: Any) -> dict[int, str]:
    """``{category_id: name}`` from a COCO dataset, its ``categories`` list, or such a dict.

    >>> coco_categories([{"id": 1, "name": "person"}, {"id": 3, "name": "car"}])
    {1: 'person', 3: 'car'}
    """
    if isinstance(categories, Mapping) and "categories" in categories:
        categories = categories["categories"]
    if isinstance(categories, Mapping):
        return {int(k): str(v) for k, v in categories.items()}
    out: dict[int, str] = {}
    for index, item in enumerate(categories or ()):
        if not isinstance(item, Mapping) or "id" not in item or "name" not in item:
            raise BuildError(f"categories[{index}] must be an object with 'id' and 'name'")
        out[int(item["id"])] = str(item["name"])
    return out


def category_keypoints(categories: Any) -> dict[int, list[str]]:
    if isinstance(categories, Mapping) and "categories" in categories:
        categories = categories["categories"]
    if isinstance(categories, Mapping):
        return {}
    return {
        int(item["id"]): [str(n) for n in item["keypoints"]]
        for item in categories or ()
        if isinstance(item, Mapping) and item.get("keypoints")
    }


def group_by_image(annotations: Iterable[Mapping[str, Any]]) -> dict[int, list[Mapping[str, Any]]]:
    """Annotations (or results) grouped by ``image_id``, in one pass, input order kept.

    >>> group_by_image([{"image_id": 2, "id": 1}, {"image_id": 1}, {"image_id": 2, "id": 3}])
    {2: [{'image_id': 2, 'id': 1}, {'image_id': 2, 'id': 3}], 1: [{'image_id': 1}]}
    """
    groups: dict[int, list[Mapping[str, Any]]] = {}
    for index, item in enumerate(annotations):
        if not isinstance(item, Mapping) or "image_id" not in item:
            raise BuildError(f"annotation {index} must be an object with 'image_id'")
        groups.setdefault(int_id(item["image_id"], f"annotation {index} image_id"), []).append(item)
    return groups


def int_id(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise BuildError(f"{what} must be an integer, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BuildError(f"{what} must be an integer, got {value!r}") from None
    if number != value and str(number) != str(value):
        raise BuildError(f"{what} must be an integer, got {value!r}")
    return number


def annotation_scores(
    items: Sequence[Mapping[str, Any]], where: str
) -> npt.NDArray[np.float64] | None:
    found = [item.get("score") for item in items]
    if all(score is None for score in found):
        return None
    if any(score is None for score in found):
        index = found.index(None)
        raise BuildError(f"{where}: annotation {index} has no score while others have one")
    return np.asarray(found, dtype=np.float64)


def polygon_parts(segmentation: Any, where: str) -> list[npt.NDArray[np.float64]]:
    """COCO polygon parts (flat ``[x1, y1, x2, y2, ...]`` lists) with 3 points or more."""
    if not isinstance(segmentation, Sequence) or isinstance(segmentation, (str, bytes)):
        raise BuildError(f"{where}: segmentation must be a list of polygons or an RLE object")
    parts = segmentation
    if parts and not isinstance(parts[0], Sequence):
        parts = [parts]  # a single flat polygon, as some exporters write it
    out: list[npt.NDArray[np.float64]] = []
    for number, part in enumerate(parts):
        flat = np.asarray(part, dtype=np.float64)
        if flat.ndim != 1 or flat.size % 2:
            raise BuildError(
                f"{where}: polygon {number} must be a flat list of x, y pairs, got "
                f"{flat.size} values"
            )
        if flat.size >= 6:
            out.append(flat.reshape(-1, 2))
    return out


def image_records(images: Any) -> list[dict[str, Any]]:
    """Image records ``{id, width, height, ...}`` from a dataset, a list, or ``{id: (w, h)}``."""
    if isinstance(images, Mapping) and "images" in images:
        images = images["images"]
    records: list[dict[str, Any]] = []
    if isinstance(images, Mapping):
        for key, size in images.items():
            if isinstance(size, Mapping):
                record = dict(size)
                record.setdefault("id", key)
            else:
                try:
                    width, height = size
                except (TypeError, ValueError):
                    raise BuildError(
                        f"image sizes must map image id -> (width, height), got {size!r} for "
                        f"{key!r}"
                    ) from None
                record = {"id": key, "width": width, "height": height}
            records.append(record)
    elif isinstance(images, Sequence) and not isinstance(images, (str, bytes)):
        records = [dict(r) if isinstance(r, Mapping) else {"bad": r} for r in images]
    else:
        raise BuildError(
            "images must be a COCO dataset, a list of image records, or {image_id: (width, "
            f"height)}}; got {type(images).__name__}"
        )
    for index, record in enumerate(records):
        if "bad" in record or not {"id", "width", "height"} <= record.keys():
            raise BuildError(f"image {index} must have 'id', 'width' and 'height'")
        record["id"] = int_id(record["id"], f"image {index} id")
        for key in ("width", "height"):
            value = record[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise BuildError(f"image {record['id']}: {key} must be a positive number")
            if float(value) != int(value):
                raise BuildError(f"image {record['id']}: {key} must be a whole number of pixels")
            record[key] = int(value)
    return records


def default_url(record: Mapping[str, Any]) -> str:
    for key in ("coco_url", "flickr_url", "file_name"):
        value = record.get(key)
        if isinstance(value, str) and value:
            return value
    raise BuildError(
        f"image {record.get('id')} has no coco_url, flickr_url or file_name; pass image_url= "
        "(a template such as '/data/local-files/?d=coco/{file_name}', or a function)"
    )
