"""LabelConfig: the parsed config's registry of object and control tags, and its lookups."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar, overload

from .._suggest import did_you_mean
from .._xml import MAX_CONFIG_BYTES, parse_xml
from ..errors import ConfigError, KindError, UnknownNameError
from ..tags import controls as c
from ..tags import objects as o
from ..tags.base import ControlTag, ObjectTag
from ._builder import Builder
from ._records import ConfigWarning, UnknownTag
from ._repeater import Repeat, expand

__all__ = ["LabelConfig"]

C = TypeVar("C", bound=ControlTag)
ObjT = TypeVar("ObjT", bound=ObjectTag)


class LabelConfig:
    """A parsed labeling config: object tags, control tags, relations and warnings.

    Build one with :meth:`parse` (``str`` or ``bytes``) or :meth:`from_file`.

    >>> config = LabelConfig.parse('''
    ... <View>
    ...   <Image name="image" value="$image"/>
    ...   <RectangleLabels name="label" toName="image">
    ...     <Label value="Airplane"/><Label value="Car"/>
    ...   </RectangleLabels>
    ... </View>''')
    >>> config.control("label").result_type
    'rectanglelabels'
    >>> config.object("image").data_keys
    ('image',)
    """

    def __init__(
        self,
        xml: str,
        *,
        objects: Mapping[str, ObjectTag],
        controls: Mapping[str, ControlTag],
        relations: c.Relations | None,
        warnings: tuple[ConfigWarning, ...],
        repeated: Mapping[str, Repeat],
        unknown_tags: tuple[UnknownTag, ...] = (),
    ) -> None:
        self.xml = xml
        self.objects: Mapping[str, ObjectTag] = dict(objects)
        self.controls: Mapping[str, ControlTag] = dict(controls)
        self.relations = relations
        self.warnings = warnings
        self.unknown_tags = unknown_tags
        self._repeated = dict(repeated)
        self._expanded: dict[str, ControlTag | ObjectTag] = {}

    # --- construction ----------------------------------------------------------------------

    @classmethod
    def parse(cls, source: str | bytes) -> LabelConfig:
        """Parse a config from its XML text or bytes.

        Raises:
            ConfigError: hostile or malformed XML, or a config mistake (named with its line).
        """
        root = parse_xml(source)
        xml = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
        found = Builder(root).build()
        return cls(
            xml,
            objects=found.objects,
            controls=found.controls,
            relations=found.relations,
            warnings=found.warnings,
            repeated=found.repeated,
            unknown_tags=found.unknown_tags,
        )

    @classmethod
    def from_string(cls, text: str) -> LabelConfig:
        """Parse a config from its XML text (same as :meth:`parse`)."""
        return cls.parse(text)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> LabelConfig:
        """Read and parse a config file (bytes, so the XML declaration decides the encoding).

        Raises:
            OSError: the file cannot be read.
            ConfigError: the content is not a valid config.
        """
        with open(path, "rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)  # bounded: the path may be /dev/zero
        if len(data) > MAX_CONFIG_BYTES:
            raise ConfigError(
                f"the labeling config is larger than the {MAX_CONFIG_BYTES:,}-byte limit"
            )
        return cls.parse(data)

    # --- lookups ---------------------------------------------------------------------------

    @overload
    def control(self, name: str) -> ControlTag: ...

    @overload
    def control(self, name: str, kind: type[C]) -> C: ...

    def control(self, name: str, kind: type[ControlTag] = ControlTag) -> ControlTag:
        """The control named ``name``, optionally checked to be of class ``kind``.

        ``config.control("label", RectangleLabels)`` is typed as ``RectangleLabels`` for mypy.
        Names made by a ``<Repeater>`` (``"choice_3"``) resolve through their template.

        Raises:
            UnknownNameError: no control has that name (the message suggests close names).
            KindError: the control is not a ``kind``.
            ConfigError: the config has a mistake in this control that Label Studio's server
                accepts (``control.problem``; parsing warned about it), so it takes no results.
        """
        found = self.controls.get(name) or self._expand(name, self.controls)
        if not isinstance(found, ControlTag):
            where = " (it is an object tag)" if self.find_object(name) else ""
            raise UnknownNameError(
                f"no control named {name!r} in the labeling config{where}"
                f"{did_you_mean(name, self.controls)}"
                + (f" (controls: {', '.join(sorted(self.controls))})" if self.controls else "")
            )
        if not isinstance(found, kind):
            raise KindError(
                f"control {name!r} is a <{found.tag}>, not a <{kind.tag}> (line {found.line})"
            )
        if found.problem is not None:
            raise ConfigError(
                f"results for this control cannot be built: {found.problem}",
                line=found.line,
                tag=found.source_tag,
                name=found.name,
            )
        return found

    def find_control(self, name: str) -> ControlTag | None:
        """The control named ``name``, or None."""
        found = self.controls.get(name) or self._expand(name, self.controls)
        return found if isinstance(found, ControlTag) else None

    @overload
    def object(self, name: str) -> ObjectTag: ...

    @overload
    def object(self, name: str, kind: type[ObjT]) -> ObjT: ...

    def object(self, name: str, kind: type[ObjectTag] = ObjectTag) -> ObjectTag:
        """The object tag named ``name``, optionally checked to be of class ``kind``.

        Raises:
            UnknownNameError: no object tag has that name.
            KindError: the object is not a ``kind``.
        """
        found = self.find_object(name)
        if found is None:
            where = " (it is a control)" if self.find_control(name) else ""
            raise UnknownNameError(
                f"no object tag named {name!r} in the labeling config{where}"
                f"{did_you_mean(name, self.objects)}"
            )
        if not isinstance(found, kind):
            raise KindError(f"object {name!r} is an <{found.tag}>, not an <{kind.tag}>")
        return found

    def find_object(self, name: str) -> ObjectTag | None:
        """The object tag named ``name``, or None."""
        found = self.objects.get(name) or self._expand(name, self.objects)
        return found if isinstance(found, ObjectTag) else None

    def controls_for(self, object_name: str) -> list[ControlTag]:
        """Usable controls whose ``toName`` includes ``object_name``, in config order."""
        return [
            ctl
            for ctl in self.controls.values()
            if object_name in ctl.to_name and ctl.problem is None
        ]

    def __iter__(self) -> Iterator[ControlTag]:
        return iter(self.controls.values())

    @property
    def data_keys(self) -> tuple[str, ...]:
        """Every top-level ``task.data`` key the object tags read, in config order."""
        keys: dict[str, None] = {}
        for obj in self.objects.values():
            keys.update(dict.fromkeys(obj.data_roots))
        return tuple(keys)

    def repeater_of(self, name: str) -> str | None:
        """The data path a ``<Repeater>`` template repeats over (``"items"``), or None."""
        rep = self._repeated.get(name)
        return None if rep is None else rep.on

    def _expand(
        self, name: str, pool: Mapping[str, ControlTag] | Mapping[str, ObjectTag]
    ) -> ControlTag | ObjectTag | None:
        """Resolve a ``<Repeater>``-expanded name (``img_2``) through its template."""
        if name in self._expanded:
            return self._expanded[name]
        expanded = expand(name, pool, self._repeated, self.find_object)
        if expanded is not None:
            self._expanded[name] = expanded
        return expanded

    # --- reporting -------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON summary: objects, controls, relations and warnings."""
        return {
            "objects": [
                {
                    "name": obj.name,
                    "kind": obj.tag if not isinstance(obj, o.GenericObject) else obj.source_tag,
                    "data_keys": list(obj.data_keys),
                    "value_type": obj.value_type,
                    "line": obj.line,
                }
                for obj in self.objects.values()
            ],
            "controls": [ctl.facts() for ctl in self.controls.values()],
            "relations": None if self.relations is None else list(self.relations.label_values),
            "warnings": [
                {"message": w.message, "line": w.line, "tag": w.tag} for w in self.warnings
            ],
            "unknown_tags": [
                {"tag": u.tag, "name": u.name, "line": u.line} for u in self.unknown_tags
            ],
        }

    def __repr__(self) -> str:
        from ..preview._reprs import config_repr

        return config_repr(self)

    def _repr_html_(self) -> str:
        from ..preview._reprs import config_html

        return config_html(self)
