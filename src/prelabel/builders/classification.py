"""Classification builders: Choices, Taxonomy, Rating, Number, DateTime, TextArea, Pairwise,
Ranker, and their per-region forms."""

from __future__ import annotations

from ..tags.base import ControlTag


class ChoicesBuilder(ControlTag):
    """Builders of ``<Choices>``."""


class TaxonomyBuilder(ControlTag):
    """Builders of ``<Taxonomy>``."""


class RatingBuilder(ControlTag):
    """Builders of ``<Rating>``."""


class NumberBuilder(ControlTag):
    """Builders of ``<Number>``."""


class DateTimeBuilder(ControlTag):
    """Builders of ``<DateTime>``."""


class TextAreaBuilder(ControlTag):
    """Builders of ``<TextArea>``."""


class PairwiseBuilder(ControlTag):
    """Builders of ``<Pairwise>``."""


class RankerBuilder(ControlTag):
    """Builders of ``<Ranker>``."""
