"""Model class ids to the labels of a control: one checker and one lookup for every builder.

A detector or segmenter gives integer class ids and its list (or dict) of class names. The
image builders (``boxes(class_ids=, class_names=)``), the brush builders and the adapters all
read them here, and every class name is matched to a label by :class:`~prelabel.LabelMap`:
a label's ``predicted_values``, then its value or alias, then the same name in another case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from .._lazy import lazy_module
from .._suggest import did_you_mean, quote_list
from ..errors import BuildError, LabelError
from ..labelmap import LabelMap
from ._common import vector_shape_hint

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from ..tags.base import ControlTag
    from ..tags.labeling import LabelingControl
else:
    np = lazy_module("numpy")

__all__ = ["ClassNames", "class_id_array", "class_labels", "item_list", "one_way_to_label"]

ClassNames: TypeAlias = "Sequence[str] | Mapping[int, str]"
"""The model's class names: a list indexed by class id, or a dict ``{class_id: name}``."""


def one_way_to_label(
    control: ControlTag, what: str, *, label: object, labels: object, class_ids: object
) -> None:
    """Refuse none, or more than one, of the ways to give ``what``s their labels.

    Raises:
        LabelError: naming the three ways (``label`` for every ``what``, ``labels`` one per
            ``what``, ``class_ids`` with ``class_names``) and the ones given.
    """
    given = [
        name
        for name, value in (("label", label), ("labels", labels), ("class_ids", class_ids))
        if value is not None
    ]
    if len(given) != 1:
        raise LabelError(
            f"<{control.tag} name={control.name!r}> needs labels: pass one of label= (the same "
            f"for every {what}), labels= (one per {what}) or class_ids= with class_names="
            + (f"; got {', '.join(given)}" if given else "")
        )


def item_list(value: object, what: str) -> list[Any]:
    """``value`` as a list of items: one ``str`` is one item; a list, a tuple or a 1-d array
    is its items. Anything else (a number, None, bytes, a dict, a 0-d or 2-d array) is
    refused here, by name, instead of failing later as "not iterable".

    Raises:
        BuildError: ``value`` is not one item or a flat sequence of them.

    >>> item_list("Cat", "choices"), item_list(("Cat", "Dog"), "choices")
    (['Cat'], ['Cat', 'Dog'])
    """
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    if type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 1:
        return list(value.tolist())  # type: ignore[attr-defined]
    shape = getattr(value, "shape", None)
    kind = type(value).__name__ + (f" of shape {shape}" if shape is not None else "")
    raise BuildError(f"{what} must be one string or a list of them, got {kind}")


def class_id_array(class_ids: npt.ArrayLike, count: int, what: str = "region") -> npt.NDArray[Any]:
    """``class_ids`` as a ``(count,)`` int64 array; whole floats (YOLO text, tensors) are fine.

    Raises:
        BuildError: the wrong shape, a fraction or a non-finite number, or not numbers.

    >>> class_id_array([2.0, 0], 2).tolist()
    [2, 0]
    """
    ids = np.asarray(class_ids)
    if ids.size == 0:
        ids = ids.reshape(0)
    if ids.shape != (count,):
        raise BuildError(
            f"class_ids must have shape ({count},), one per {what}, got {ids.shape}"
            + vector_shape_hint(ids.shape, count)
        )
    if ids.dtype.kind == "f":
        whole = np.isfinite(ids) & (ids == np.round(ids))
        if not whole.all():
            bad = int(np.flatnonzero(~whole)[0])
            raise BuildError(f"class_ids[{bad}] = {ids[bad]} is not a whole number")
    elif ids.dtype.kind not in "iub":
        raise BuildError(f"class_ids must be integers, got dtype {ids.dtype}")
    return ids.astype(np.int64, copy=False)


class _Table:
    """The labels found so far for one control and one ``class_names``."""

    __slots__ = ("labels", "mapper", "names")

    def __init__(self, control: LabelingControl, names: ClassNames) -> None:
        self.names = names
        self.mapper: LabelMap = LabelMap(control, classes=names, unmapped="drop")
        self.labels: dict[int, tuple[str, ...]] = {}


# Per control (tags hash by identity), then per class_names as a tuple: a pipeline calls with
# the same ones for every image.
_tables: dict[Any, dict[Any, _Table]] = {}


def _table(control: LabelingControl, names: ClassNames) -> _Table:
    tables = _tables.get(control)
    if tables is None:
        if len(_tables) > 1024:
            _tables.clear()
        tables = _tables[control] = {}
    try:
        key: Any = tuple(names.items()) if isinstance(names, Mapping) else tuple(names)
        table = tables.get(key)
    except TypeError:  # unhashable names: nothing is kept
        return _Table(control, names)
    if table is None:
        if len(tables) > 64:
            tables.clear()
        table = tables[key] = _Table(control, names)
    return table


def class_labels(
    control: LabelingControl,
    class_ids: npt.ArrayLike,
    class_names: ClassNames | None,
    *,
    count: int,
    what: str,
    indexed: bool = True,
) -> list[list[str]]:
    """One label list per class id, each name matched to a label by :class:`LabelMap`.

    Args:
        control: the labeling control the labels belong to.
        class_ids: ``(count,)`` integer class ids (whole floats are fine).
        class_names: the model's class names, a list or a ``{class_id: name}`` dict.
        count: how many ids there must be.
        what: what one id stands for, in messages (``"box"``).
        indexed: name an id by its place (``class_ids[3] = 7``); else as ``class id 7``.

    Raises:
        LabelError: no ``class_names``, an id without a name, or a name that matches no label
            (with "did you mean").
        BuildError: class ids of the wrong shape or not whole numbers.
    """
    if class_names is None:
        raise LabelError(
            "class_ids needs class_names= (the model's class names: a list, or a dict "
            "{class_id: name})"
        )
    id_list: list[int] = class_id_array(class_ids, count, what).tolist()
    table = _table(control, class_names)
    found = table.labels
    try:
        return list(map(list, map(found.__getitem__, id_list)))  # a fresh list each
    except KeyError:  # a class id not seen yet with these names: resolved below
        pass
    names = class_names
    for class_id in set(id_list) - found.keys():
        where = (
            f"class_ids[{id_list.index(class_id)}] = {class_id}"
            if indexed
            else (f"class id {class_id}")
        )
        if (
            (class_id not in names)
            if isinstance(names, Mapping)
            else not (0 <= class_id < len(names))
        ):
            raise LabelError(f"{where} has no name in class_names ({_named(names)})")
        label = table.mapper(class_id)
        if label is None:
            name = str(names[class_id])
            raise LabelError(
                f"{where}: {name!r} is not a label of <{control.tag} name={control.name!r}>"
                f"{did_you_mean(name, _label_names(control))} "
                f"(labels: {quote_list(control.label_values)}); keep only detections of classes "
                f'the config labels, or list the class in a label\'s predicted_values="..."'
            )
        found[class_id] = (label,)
    return [list(found[i]) for i in id_list]


def _named(names: ClassNames) -> str:
    if isinstance(names, Mapping):
        return f"it names class ids {', '.join(map(str, sorted(names)[:10]))}" + (
            " ..." if len(names) > 10 else ""
        )
    return f"it has {len(names)}" + (f": class ids 0..{len(names) - 1}" if names else "")


def _label_names(control: LabelingControl) -> list[str]:
    """Every value and alias of the control's labels, for "did you mean"."""
    out: list[str] = []
    for node in control.iter_labels():
        out.append(node.value)
        if node.alias is not None:
            out.append(node.alias)
    return out
