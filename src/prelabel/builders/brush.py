"""Brush mask builders (BrushLabels / Brush) over the RLE codec."""

from __future__ import annotations

from ..tags.base import ControlTag


class BrushBuilder(ControlTag):
    """Builders of ``<BrushLabels>``, ``<Brush>`` and ``<MagicWand>``."""
