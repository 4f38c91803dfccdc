"""Relation builders: links between two regions."""

from __future__ import annotations

from ..tags.base import ControlTag


class RelationsBuilder(ControlTag):
    """Builders of relations between regions (``<Relations>``)."""
