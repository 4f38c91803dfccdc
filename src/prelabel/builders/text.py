"""Span builders: labels on Text, HyperTextLabels, ParagraphLabels."""

from __future__ import annotations

from ..tags.base import ControlTag


class TextSpanBuilder(ControlTag):
    """Builders of ``<Labels>`` on ``<Text>``: spans by offsets, substring or tokens."""


class HyperTextBuilder(ControlTag):
    """Builders of ``<HyperTextLabels>``."""


class ParagraphBuilder(ControlTag):
    """Builders of ``<ParagraphLabels>``."""
