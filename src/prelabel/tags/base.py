"""Base classes of the tag registry: object tags, control tags and label definitions.

A parsed config is a set of immutable tag objects. Each class states, as class attributes,
the Label Studio facts that decide a valid result (result ``type``, the ``value`` key holding
labels, which object kinds it can annotate), so builders and the validator read one source.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Literal

__all__ = [
    "ChoiceMode",
    "Conditions",
    "ControlTag",
    "LabelDef",
    "ObjectTag",
    "Tag",
    "data_root",
    "variables_in",
]

ChoiceMode = Literal["single", "single-radio", "multiple"]

# Label Studio resolves `$name`, `$a.b`, `$items[0].url`, `$items[{{idx}}]` (FE utils/data.js).
_VARIABLE = re.compile(r"\$([\w\[\].{}]+)")


def variables_in(attribute: str | None) -> tuple[str, ...]:
    """The data paths an attribute reads, without the ``$``.

    >>> variables_in("$image")
    ('image',)
    >>> variables_in("Title: $meta.title by $author")
    ('meta.title', 'author')
    >>> variables_in("plain")
    ()
    """
    if not attribute:
        return ()
    return tuple(m.rstrip(".") for m in _VARIABLE.findall(attribute))


def data_root(path: str) -> str:
    """The top-level ``task.data`` key of a data path.

    >>> data_root("images[0].url")
    'images'
    >>> data_root("meta.title")
    'meta'
    """
    return re.split(r"[.\[]", path, maxsplit=1)[0]


@dataclasses.dataclass(frozen=True, eq=False, kw_only=True, repr=False)
class Tag:
    """Any registered tag: its name, XML line and raw attributes (keys lower-cased)."""

    tag: ClassVar[str] = "Tag"

    name: str
    line: int | None
    attrs: Mapping[str, str]
    source_tag: str
    """The tag as written in the XML (``rectanglelabels`` or ``RectangleLabels``)."""

    def attr(self, key: str, default: str | None = None) -> str | None:
        """A raw attribute by name, case-insensitively, as Label Studio reads it."""
        return self.attrs.get(key.lower(), default)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


@dataclasses.dataclass(frozen=True, eq=False, kw_only=True, repr=False)
class ObjectTag(Tag):
    """A tag that shows task data (Image, Text, Audio, ...) and that controls annotate.

    Attributes:
        value: the raw ``value`` attribute (``"$image"``), or ``valueList`` for multi-item tags.
        data_keys: every data path the tag reads (``("image",)``, ``("meta.url",)``).
        value_type: ``valueType`` when set (``"url"``, ``"text"``, ``"json"``), else the default.
    """

    kind: ClassVar[str] = "object"
    default_value_type: ClassVar[str | None] = None
    needs_value: ClassVar[bool] = True

    value: str | None
    data_keys: tuple[str, ...]
    value_type: str | None

    @property
    def data_roots(self) -> tuple[str, ...]:
        """The top-level ``task.data`` keys this tag needs."""
        return tuple(dict.fromkeys(data_root(k) for k in self.data_keys))


@dataclasses.dataclass(frozen=True, eq=False, kw_only=True, repr=False)
class LabelDef:
    """One ``<Label>``, ``<Choice>`` or ``<Relation>``: what a result must contain to pick it.

    Attributes:
        value: the ``value`` attribute.
        alias: the ``alias`` attribute; when set, results carry it instead of ``value``.
        children: nested choices (Taxonomy, nested Choices).
        predicted_values: model class names mapped to this label (``predicted_values="a,b"``).
    """

    value: str
    alias: str | None
    line: int | None
    background: str | None = None
    hint: str | None = None
    predicted_values: tuple[str, ...] = ()
    children: tuple[LabelDef, ...] = ()

    @property
    def result_value(self) -> str:
        """The string a result must hold: the alias if there is one, else the value."""
        return self.alias if self.alias is not None else self.value

    def walk(self, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], LabelDef]]:
        """Every node below and including this one, with its path of result values."""
        path = (*prefix, self.result_value)
        yield path, self
        for child in self.children:
            yield from child.walk(path)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Conditions:
    """When a control applies: ``perRegion``, ``whenTagName``, ``whenLabelValue``, ...

    Label Studio drops, on save, a conditional result whose condition the annotation does not
    meet (FE ``regions/Result.js`` ``canBeSubmitted``), so builders and the validator check them.
    """

    when_tag_name: str | None = None
    when_label_value: tuple[str, ...] = ()
    when_choice_value: tuple[str, ...] = ()
    visible_when: str | None = None

    @property
    def any(self) -> bool:
        """True when at least one condition is set."""
        return bool(
            self.when_tag_name
            or self.when_label_value
            or self.when_choice_value
            or self.visible_when
        )


@dataclasses.dataclass(frozen=True, eq=False, kw_only=True, repr=False)
class ControlTag(Tag):
    """A tag that produces results (``from_name``): Choices, RectangleLabels, TextArea, ...

    Class attributes are the facts a result must fit:
        result_type: the result's ``type`` (the tag name lower-cased).
        value_key: the key of ``value`` that holds the labels/choices/text, if any.
        target_kinds: object kinds (``ObjectTag.kind``) it can annotate; empty means any.
        makes_regions: True for tools that draw regions (rectangles, spans, segments, ...).
    """

    result_type: ClassVar[str] = ""
    value_key: ClassVar[str | None] = None
    target_kinds: ClassVar[frozenset[str]] = frozenset()
    makes_regions: ClassVar[bool] = False
    has_labels: ClassVar[bool] = False

    to_name: tuple[str, ...]
    targets: tuple[ObjectTag, ...]
    per_region: bool = False
    per_item: bool = False
    required: bool = False
    conditions: Conditions = dataclasses.field(default_factory=Conditions)
    problem: str | None = None
    """Why results for this control cannot be built or validated, when the config has a
    mistake Label Studio's server accepts (the config parses with a warning); else None."""

    @property
    def target(self) -> ObjectTag:
        """The first (usually only) object this control annotates."""
        return self.targets[0]

    def facts(self) -> dict[str, Any]:
        """A JSON summary of the control, as ``prelabel inspect --format json`` prints it."""
        out: dict[str, Any] = {
            "name": self.name,
            "kind": self.tag,
            "type": self.result_type,
            "to_name": list(self.to_name),
            "line": self.line,
        }
        if self.value_key:
            out["value_key"] = self.value_key
        if self.per_region:
            out["per_region"] = True
        if self.required:
            out["required"] = True
        if self.problem is not None:
            out["problem"] = self.problem
        if self.conditions.any:
            out["conditions"] = {
                k: v for k, v in dataclasses.asdict(self.conditions).items() if v not in (None, ())
            }
        return out
