"""What every classification builder shares: naming the control in messages, and a result
for the whole object."""

from __future__ import annotations

from typing import Any

from ...errors import BuildError
from ...results import Result
from ...tags.base import ControlTag
from .._labeled_region import Options, result_with

__all__ = ["Options", "name_of", "whole"]


def name_of(control: ControlTag) -> str:
    """``<Tag name='...'>``, how messages name a control."""
    return f"<{control.tag} name={control.name!r}>"


def whole(
    control: ControlTag, payload: dict[str, Any], to_name: str | None, options: Options
) -> Result:
    """A result for the whole object, refused on a ``perRegion`` control."""
    if control.per_region:
        raise BuildError(
            f'{name_of(control)} has perRegion="true": each of its results belongs to a region; '
            f"build it with .for_region(region, ...), or remove perRegion from the config"
        )
    return result_with(control, payload, to_name, options)
