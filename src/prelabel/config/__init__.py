"""LabelConfig: a labeling config read into an immutable registry of object and control tags.

The config is the source of truth for every result: builders take ``from_name``, ``to_name``
and ``type`` from it, and the validator checks results against it. It is read once, with the
hardened parser of :mod:`prelabel._xml`, and never re-parsed downstream.

Modules, in the order a config is read:
    ``_server``: rules Label Studio's server applies to the whole text.
    ``_builder``: the walk over the tree into typed tags (``_attrs`` reads attributes,
    ``_fields`` the per-control fields and labels, ``_repeater`` the ``<Repeater>`` templates).
    ``_label_config``: :class:`LabelConfig`, the registry and its lookups.
"""

from __future__ import annotations

from ._label_config import LabelConfig
from ._records import ConfigWarning, UnknownTag

__all__ = ["ConfigWarning", "LabelConfig", "UnknownTag"]
