"""Pieces every builder shares: assembling a result dict and checking plain numbers.

Builders take ``from_name``, ``to_name`` and ``type`` from their control, never from the user,
and emit keys in one fixed order so output files are deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .._lazy import lazy_module
from ..errors import BuildError
from ..ids import new_id
from ..results import Result
from ..tags.base import ControlTag, ObjectTag

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
else:
    np = lazy_module("numpy")

__all__ = [
    "check_id",
    "check_score",
    "finite",
    "make_result",
    "pick_target",
    "plain_score",
    "real_array",
    "rows_shape_hint",
    "score_hint",
    "vector_shape_hint",
]


def pick_target(control: ControlTag, to_name: str | None) -> ObjectTag:
    """The object a result goes on: ``to_name`` if given (must be a target), else the first.

    Raises:
        BuildError: ``to_name`` is not one of the control's ``toName`` targets, or the control
            takes no results (``control.problem``).
    """
    if control.problem is not None:
        raise BuildError(
            f"<{control.tag} name={control.name!r}> takes no results: {control.problem}"
        )
    if to_name is None:
        return control.targets[0]
    for target in control.targets:
        if target.name == to_name:
            return target
    raise BuildError(
        f"<{control.tag} name={control.name!r}> does not point at {to_name!r}; "
        f"its toName is {','.join(control.to_name)!r}"
    )


def make_result(
    control: ControlTag,
    value: dict[str, Any],
    *,
    to_name: str | None = None,
    id: str | None = None,
    score: float | None = None,
    readonly: bool | None = None,
    hidden: bool | None = None,
    result_type: str | None = None,
    **result_keys: Any,
) -> Result:
    """Assemble one result dict for ``control`` in Label Studio's key order.

    Args:
        control: the control the result belongs to (gives ``from_name`` and ``type``).
        value: the ``value`` payload, already in Label Studio units.
        to_name: the target object; defaults to the control's first ``toName``.
        id: region id; a fresh one (see :mod:`prelabel.ids`) when None.
        score: per-result confidence in [0, 1] (kept at result level, never inside ``value``).
        readonly: make the region read-only in the editor.
        hidden: start the region hidden.
        result_type: override the type (only for the split format's ``labels`` partner).
        result_keys: result-level keys such as ``original_width``; None values are skipped.

    Raises:
        BuildError: a score outside [0, 1] or not finite.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Text name="t" value="$t"/>'
    ...     '<Choices name="c" toName="t"><Choice value="A"/></Choices></View>')
    >>> make_result(cfg.control("c"), {"choices": ["A"]}, id="r1")
    {'id': 'r1', 'type': 'choices', 'from_name': 'c', 'to_name': 't', 'value': {'choices': ['A']}}
    """
    target = pick_target(control, to_name)
    result: dict[str, Any] = {
        "id": new_id() if id is None else check_id(id),
        "type": result_type or control.result_type,
        "from_name": control.name,
        "to_name": target.name,
    }
    for key, item in result_keys.items():
        if item is not None:
            result[key] = item
    result["value"] = value
    if score is not None:
        result["score"] = check_score(score)
    if readonly is not None:
        result["readonly"] = bool(readonly)
    if hidden is not None:
        result["hidden"] = bool(hidden)
    return result  # type: ignore[return-value]


def check_id(region_id: str) -> str:
    """A user-given region id, refused when empty, not a string, or holding ``#``.

    Raises:
        BuildError: the id cannot link results in Label Studio.
    """
    if not isinstance(region_id, str) or not region_id:
        raise BuildError(f"a region id must be a non-empty string, got {region_id!r}")
    if "#" in region_id:
        raise BuildError(
            f"region id {region_id!r} contains '#', which Label Studio strips; use [A-Za-z0-9_-]"
        )
    return region_id


def check_score(score: float) -> float:
    """A confidence as a plain float in [0, 1].

    Raises:
        BuildError: not a finite number in [0, 1].
    """
    value = finite(score, "score")
    if not 0.0 <= value <= 1.0:
        raise BuildError(f"score must be between 0 and 1, got {value}{score_hint([value])}")
    return value


_NUMPY_FLOATS: set[type] = set()
"""numpy's real float types met as scores (so that importing prelabel imports no numpy)."""


def plain_score(score: Any) -> float:
    """:func:`check_score`, with a numpy float in [0, 1] (a model's score as it comes out of
    an array) taken in one step: the same float, the same refusals."""
    kind = type(score)
    if kind not in _NUMPY_FLOATS:
        if kind.__module__ != "numpy" or not issubclass(kind, np.floating):
            return check_score(score)
        _NUMPY_FLOATS.add(kind)
    value = float(score)
    if 0.0 <= value <= 1.0:
        return value
    return check_score(score)


def score_hint(values: Iterable[float]) -> str:
    """What to do about scores outside [0, 1]: divide by 100 only when every one of them is
    in (1, 100] (percentages); anything else (a negative, above 100, a mix with probabilities)
    is a model's raw output, and a sigmoid is the usual fix."""
    values = list(values)
    if any(value != value for value in values):
        return ""  # NaN: a broken number, not a scale to fix
    if all(1.0 < value <= 100.0 for value in values):
        return " (looks like a percentage: divide by 100)"
    return (
        " (scores must be probabilities in [0, 1]; for a model's raw outputs (logits) apply "
        "a sigmoid, or a softmax across classes)"
    )


def vector_shape_hint(shape: tuple[int, ...], count: int) -> str:
    """How to fix an array that should have shape ``(count,)``, when one call does it."""
    if len(shape) > 1 and math.prod(shape) == count:
        return "; pass .ravel() to make it one value per row"
    return ""


def rows_shape_hint(shape: tuple[int, ...], width: int) -> str:
    """How to fix an array that should have shape ``(N, width)``, when one call does it."""
    if len(shape) == 2 and shape[0] == width and shape[1] != width:
        return "; the array looks transposed (one column per row): pass .T"
    if len(shape) > 2 and shape[-1] == width and math.prod(shape[1:-1]) == 1:
        return f"; pass .reshape(-1, {width})"
    return ""


def real_array(values: Any, name: str) -> npt.NDArray[np.float64]:
    """``values`` as a float64 array, refusing what numpy would turn into numbers silently
    (a masked array's masked entries, complex numbers' imaginary parts) or raise on with a raw
    TypeError/ValueError (strings, objects).

    Raises:
        BuildError: names ``name`` and what is wrong.
    """
    if isinstance(values, (str, bytes)):
        raise BuildError(f"{name} must be numbers, got {type(values).__name__}")
    if isinstance(values, np.ndarray) and type(values) is not np.ndarray:
        if type(values).__name__ == "MaskedArray" and np.ma.getmaskarray(values).any():  # type: ignore[no-untyped-call]
            raise BuildError(
                f"{name} is a masked array with masked entries; fill them or drop them first "
                "(.filled(value) or .compressed())"
            )
        values = np.asarray(values)
    try:
        array = np.asarray(values)
        complex_ = array.dtype.kind == "c" or (array.dtype.kind == "O" and _has_complex(array))
        if not complex_:
            return array.astype(np.float64, copy=False)
    except (TypeError, ValueError):
        raise BuildError(f"{name} must be numbers, got {type(values).__name__}") from None
    raise BuildError(
        f"{name} must be real numbers, got complex ones; pass .real if the imaginary part is "
        "only rounding noise"
    )


def _is_complex(number: Any) -> bool:
    """A complex scalar, numpy's included (float() keeps only its real part, with a warning)."""
    if type(number).__module__ != "numpy":
        return False
    return isinstance(number, np.complexfloating) or (
        isinstance(number, np.ndarray) and number.dtype.kind == "c"
    )


def _has_complex(array: Any) -> bool:
    return any(isinstance(item, (complex, np.complexfloating)) for item in array.ravel().tolist())


def finite(number: Any, what: str) -> float:
    """``number`` as a plain Python float, refusing NaN, infinity and non-numbers.

    Raises:
        BuildError: names ``what`` and the bad value.
    """
    if isinstance(number, bool):
        raise BuildError(f"{what} must be a number, got a bool ({number})")
    if (type(number) is not float and isinstance(number, complex)) or _is_complex(number):
        raise BuildError(f"{what} must be a real number, got {number!r}")
    try:
        value = float(number)
    except (TypeError, ValueError):
        raise BuildError(f"{what} must be a number, got {type(number).__name__}") from None
    if not math.isfinite(value):
        raise BuildError(f"{what} must be finite, got {value}")
    return value
