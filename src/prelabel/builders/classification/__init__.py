"""Classification builders: Choices, Taxonomy, Rating, Number, DateTime, TextArea, Pairwise,
Ranker, and their per-region forms.

A global builder (``choose``, ``rate``, ``set``, ``write``, ``select``, ``rank``) returns one
result dict for the whole object. ``for_region(region, ...)`` builds the result of a
``perRegion="true"`` control for a region made earlier (a box, a span, a segment): it takes the
region's ``id`` and object, repeats the region's geometry in ``value`` as Label Studio does,
and appends the result to the region, after the region's own result (reference §5). Put the
region in the prediction; its attached results come with it.

Global values hold only their own key (``{"choices": [...]}``): Label Studio decides that a
result is a classification from the number of keys in ``value`` (reference §1.3 rule 4), so a
score goes at result level.

Modules: ``_choices``, ``_taxonomy``, ``_values`` (rating, number, datetime, textarea),
``_ranking`` (pairwise, ranker), ``_region`` (per-region checks and attaching) and ``_base``.
"""

from ._choices import ChoicesBuilder
from ._ranking import PairwiseBuilder, RankerBuilder
from ._region import region_labels
from ._taxonomy import TaxonomyBuilder
from ._values import DateTimeBuilder, NumberBuilder, RatingBuilder, TextAreaBuilder

__all__ = [
    "ChoicesBuilder",
    "DateTimeBuilder",
    "NumberBuilder",
    "PairwiseBuilder",
    "RankerBuilder",
    "RatingBuilder",
    "TaxonomyBuilder",
    "TextAreaBuilder",
    "region_labels",
]
