"""LabelConfig: a labeling config read into an immutable registry of object and control tags.

The config is the source of truth for every result: builders take ``from_name``, ``to_name``
and ``type`` from it, and the validator checks results against it. It is read once, with the
hardened parser of :mod:`prelabel._xml`, and never re-parsed downstream.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar, overload

from lxml import etree

from ._suggest import did_you_mean
from ._xml import parse_xml
from .errors import ConfigError, KindError, UnknownNameError
from .tags import controls as c
from .tags import objects as o
from .tags.base import Conditions, ControlTag, LabelDef, ObjectTag, variables_in
from .tags.registry import CHILD_TAGS, CONTROL_TAGS, HTML_TAGS, LAYOUT_TAGS, OBJECT_TAGS

__all__ = ["ConfigWarning", "LabelConfig", "UnknownTag"]

C = TypeVar("C", bound=ControlTag)
ObjT = TypeVar("ObjT", bound=ObjectTag)

_KNOWN_TAG_NAMES = sorted(
    {cls.tag for cls in CONTROL_TAGS.values()}
    | {cls.tag for cls in OBJECT_TAGS.values() if cls is not o.GenericObject}
    | {"View", "Header", "Style", "Label", "Choice", "Relations", "Relation", "Repeater"}
    | {"Collapse", "Panel", "Filter", "Bucket", "Channel", "Shortcut"}
)
_TRUE = {"true", "1", "yes"}


@dataclasses.dataclass(frozen=True)
class ConfigWarning:
    """Something in the config prelabel keeps but cannot vouch for (an unknown tag, ...)."""

    message: str
    line: int | None = None
    tag: str | None = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclasses.dataclass(frozen=True)
class UnknownTag:
    """A tag prelabel does not know, kept as written (a typo, or a newer Label Studio tag)."""

    tag: str
    name: str | None
    line: int | None
    attrs: Mapping[str, str]


@dataclasses.dataclass(frozen=True)
class _Repeat:
    """The ``<Repeater on="$items" indexFlag="{{idx}}">`` a tag sits in."""

    on: str
    index_flag: str


@dataclasses.dataclass
class _Found:
    element: etree._Element
    tag: str  # lower-cased
    repeat: _Repeat | None


def _attrs(element: etree._Element) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in element.attrib.items()}


def _bool(attrs: Mapping[str, str], key: str, default: bool = False) -> bool:
    raw = attrs.get(key)
    return default if raw is None else raw.strip().lower() in _TRUE


def _split(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _line(element: etree._Element) -> int | None:
    """The element's 1-based source line (lxml-stubs type it loosely)."""
    line = getattr(element, "sourceline", None)
    return line if isinstance(line, int) else None


def _lower_tag(element: etree._Element) -> str | None:
    return element.tag.lower() if isinstance(element.tag, str) else None


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
        repeated: Mapping[str, _Repeat],
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
        return _Builder(root).build(xml)

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
            return cls.parse(handle.read())

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
        """Controls whose ``toName`` includes ``object_name``, in config order."""
        return [ctl for ctl in self.controls.values() if object_name in ctl.to_name]

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
        for template, tag in pool.items():
            rep = self._repeated.get(template)
            if rep is None or rep.index_flag not in template:
                continue
            head, _, tail = template.partition(rep.index_flag)
            match = re.fullmatch(re.escape(head) + r"(\d+)" + re.escape(tail), name)
            if match is None:
                continue
            expanded = self._instantiate(tag, rep, match.group(1))
            self._expanded[name] = expanded
            return expanded
        return None

    def _instantiate(
        self, tag: ControlTag | ObjectTag, rep: _Repeat, index: str
    ) -> ControlTag | ObjectTag:
        def sub(text: str) -> str:
            return text.replace(rep.index_flag, index)

        changes: dict[str, Any] = {"name": sub(tag.name)}
        if isinstance(tag, ObjectTag):
            changes["value"] = sub(tag.value) if tag.value else tag.value
            changes["data_keys"] = tuple(sub(k) for k in tag.data_keys)
        else:
            changes["to_name"] = tuple(sub(t) for t in tag.to_name)
            targets = []
            for target in tag.targets:
                obj = self.find_object(sub(target.name))
                targets.append(obj if obj is not None else target)
            changes["targets"] = tuple(targets)
        return dataclasses.replace(tag, **changes)

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
        return (
            f"<LabelConfig objects={list(self.objects)} controls={list(self.controls)}"
            f"{' relations' if self.relations else ''}>"
        )


class _Builder:
    """One pass over the XML tree, then objects, then controls (which resolve targets)."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.objects: list[_Found] = []
        self.controls: list[_Found] = []
        self.relations: list[_Found] = []
        self.warnings: list[ConfigWarning] = []
        self.unknown: list[UnknownTag] = []

    def build(self, xml: str) -> LabelConfig:
        root_tag = _lower_tag(self.root)
        if root_tag != "view":
            self.warnings.append(
                ConfigWarning(
                    f"the root tag is <{self.root.tag}>; Label Studio expects <View>",
                    _line(self.root),
                    str(self.root.tag),
                )
            )
        _check_server_rules(self.root)
        self._walk(self.root, None, is_root=True)
        objects = self._objects()
        names_seen: dict[str, int | None] = {name: obj.line for name, obj in objects.items()}
        controls: dict[str, ControlTag] = {}
        for found in self.controls:
            control = self._control(found, objects)
            _check_unique(control.name, control.line, control.source_tag, names_seen)
            controls[control.name] = control
        for control in controls.values():
            self._check_conditions(control, controls)
        relations = self._relations()
        repeated = {
            f.element.get("name", ""): f.repeat
            for f in (*self.objects, *self.controls)
            if f.repeat is not None
        }
        return LabelConfig(
            xml,
            objects=objects,
            controls=controls,
            relations=relations,
            warnings=tuple(self.warnings),
            unknown_tags=tuple(self.unknown),
            repeated={k: v for k, v in repeated.items() if v is not None},
        )

    # --- walking ---------------------------------------------------------------------------

    def _walk(self, element: etree._Element, repeat: _Repeat | None, is_root: bool = False) -> None:
        children = [element] if is_root else list(element)
        for child in children:
            tag = _lower_tag(child)
            if tag is None:
                continue
            if tag in OBJECT_TAGS:
                self.objects.append(_Found(child, tag, repeat))
                if tag == "table":
                    continue
                self._walk(child, repeat)  # e.g. <Video> may wrap nothing; harmless
            elif tag in CONTROL_TAGS:
                self.controls.append(_Found(child, tag, repeat))
            elif tag == "relations":
                self.relations.append(_Found(child, tag, repeat))
            elif tag == "repeater":
                self._walk(child, self._repeat(child))
            elif tag == "style":
                continue
            elif tag in LAYOUT_TAGS or tag in HTML_TAGS:
                if child is not element or is_root:
                    self._walk(child, repeat)
            elif tag in CHILD_TAGS:
                if tag != "channel":  # Channels are read by their TimeSeries
                    self.warnings.append(
                        ConfigWarning(
                            f"<{child.tag}> outside the control it belongs to is ignored",
                            _line(child),
                            str(child.tag),
                        )
                    )
            else:
                attrs = _attrs(child)
                self.unknown.append(
                    UnknownTag(str(child.tag), attrs.get("name"), _line(child), attrs)
                )
                self.warnings.append(
                    ConfigWarning(
                        f"unknown tag <{child.tag}> is kept but not checked"
                        f"{did_you_mean(str(child.tag), _KNOWN_TAG_NAMES)}",
                        _line(child),
                        str(child.tag),
                    )
                )
                self._walk(child, repeat)

    def _repeat(self, element: etree._Element) -> _Repeat:
        attrs = _attrs(element)
        on = variables_in(attrs.get("on"))
        if not on:
            raise ConfigError(
                'a <Repeater> needs on="$key" naming the task data list it repeats over',
                line=_line(element),
                tag=str(element.tag),
            )
        return _Repeat(on=on[0], index_flag=attrs.get("indexflag", "{{idx}}"))

    # --- objects ---------------------------------------------------------------------------

    def _objects(self) -> dict[str, ObjectTag]:
        out: dict[str, ObjectTag] = {}
        seen: dict[str, int | None] = {}
        for found in self.objects:
            obj = self._object(found)
            _check_unique(obj.name, obj.line, obj.source_tag, seen)
            out[obj.name] = obj
        return out

    def _object(self, found: _Found) -> ObjectTag:
        element, attrs = found.element, _attrs(found.element)
        cls = OBJECT_TAGS[found.tag]
        name = attrs.get("name")
        if not name:
            raise ConfigError(
                f'<{element.tag}> has no name; add name="..." so controls can point at it',
                line=_line(element),
                tag=str(element.tag),
            )
        value = attrs.get("value")
        value_list = attrs.get("valuelist")
        if cls.needs_value and value is None and value_list is None:
            raise ConfigError(
                f'<{element.tag} name="{name}"> has no value; add value="$key" naming the '
                "task data field it shows",
                line=_line(element),
                tag=str(element.tag),
                name=name,
            )
        keys = list(variables_in(value) + variables_in(value_list))
        common: dict[str, Any] = {
            "name": name,
            "line": _line(element),
            "attrs": attrs,
            "source_tag": str(element.tag),
            "value": value if value is not None else value_list,
            "value_type": attrs.get("valuetype", cls.default_value_type),
        }
        extra: dict[str, Any] = {}
        if cls is o.Image:
            extra["value_list"] = value_list is not None
        elif cls is o.Text:
            extra["encoding"] = attrs.get("encoding")
        elif cls is o.HyperText:
            extra["inline"] = _bool(attrs, "inline")
        elif cls is o.Audio:
            extra["split_channels"] = _bool(attrs, "splitchannels")
        elif cls is o.Video:
            extra.update(self._frame_rate(attrs, element, name, keys))
        elif cls is o.TimeSeries:
            extra["channels"] = tuple(
                ch.get("column", "")
                for ch in element.iter()
                if _lower_tag(ch) == "channel" and ch.get("column")
            )
            extra["time_column"] = attrs.get("timecolumn")
            extra["time_format"] = attrs.get("timeformat")
            extra["sep"] = attrs.get("sep", ",")
        elif cls is o.Paragraphs:
            extra["name_key"] = attrs.get("namekey", "author")
            extra["text_key"] = attrs.get("textkey", "text")
            keys.extend(variables_in(attrs.get("audiourl")))
        elif cls is o.GenericObject:
            extra["tag_name"] = str(element.tag)
        common["data_keys"] = tuple(dict.fromkeys(keys))
        return cls(**common, **extra)

    @staticmethod
    def _frame_rate(
        attrs: Mapping[str, str], element: etree._Element, name: str, keys: list[str]
    ) -> dict[str, Any]:
        raw = attrs.get("framerate")
        if raw is None:
            return {"frame_rate": 24.0, "frame_rate_key": None}
        variables = variables_in(raw)
        if variables:
            keys.extend(variables)
            return {"frame_rate": None, "frame_rate_key": variables[0]}
        try:
            rate = float(raw)
        except ValueError:
            rate = float("nan")
        if not rate > 0 or rate == float("inf"):
            raise ConfigError(
                f'frameRate="{raw}" is not a positive number of frames per second',
                line=_line(element),
                tag=str(element.tag),
                name=name,
            )
        return {"frame_rate": rate, "frame_rate_key": None}

    # --- controls --------------------------------------------------------------------------

    def _control(self, found: _Found, objects: Mapping[str, ObjectTag]) -> ControlTag:
        element, attrs = found.element, _attrs(found.element)
        cls = CONTROL_TAGS[found.tag]
        line, source_tag = _line(element), str(element.tag)
        name = attrs.get("name")
        if not name:
            raise ConfigError(
                f'<{source_tag}> has no name; add name="..." (results use it as from_name)',
                line=line,
                tag=source_tag,
            )
        raw_to_name = attrs.get("toname")
        to_name = tuple(raw_to_name.split(",")) if raw_to_name else ()
        if not to_name:
            raise ConfigError(
                f'<{source_tag} name="{name}"> has no toName; add toName="..." naming the '
                "object tag it annotates",
                line=line,
                tag=source_tag,
                name=name,
            )
        targets = []
        for target in to_name:
            obj = objects.get(target)
            if obj is None and target.strip() in objects:
                raise ConfigError(
                    f'toName="{raw_to_name}" has spaces around "{target.strip()}"; write '
                    f'toName="{",".join(t.strip() for t in to_name)}" (Label Studio\'s server '
                    "does not strip them, so it finds no tag of that name)",
                    line=line,
                    tag=source_tag,
                    name=name,
                )
            if obj is None and not target.strip():
                raise ConfigError(
                    f'toName="{raw_to_name}" has an empty name (a stray comma); '
                    "list object names separated by commas",
                    line=line,
                    tag=source_tag,
                    name=name,
                )
            if obj is None:
                raise ConfigError(
                    f'toName="{target}" names no object tag'
                    f"{did_you_mean(target, objects)}"
                    + (f" (object tags: {', '.join(objects)})" if objects else ""),
                    line=line,
                    tag=source_tag,
                    name=name,
                )
            kinds = cls.target_kinds
            if kinds and obj.kind not in kinds and obj.kind != "other":
                raise ConfigError(
                    f'<{cls.tag}> cannot annotate <{obj.tag} name="{obj.name}">; it works on '
                    + ", ".join(sorted(k.capitalize() for k in kinds)),
                    line=line,
                    tag=source_tag,
                    name=name,
                )
            targets.append(obj)
        if cls is c.Pairwise and len(targets) != 2:
            raise ConfigError(
                f'<Pairwise> compares exactly two objects; toName="{",".join(to_name)}" '
                f"names {len(targets)}",
                line=line,
                tag=source_tag,
                name=name,
            )
        common: dict[str, Any] = {
            "name": name,
            "line": line,
            "attrs": attrs,
            "source_tag": source_tag,
            "to_name": to_name,
            "targets": tuple(targets),
            "per_region": _bool(attrs, "perregion"),
            "per_item": _bool(attrs, "peritem"),
            "required": _bool(attrs, "required"),
            "conditions": Conditions(
                when_tag_name=attrs.get("whentagname"),
                when_label_value=_split(attrs.get("whenlabelvalue")),
                when_choice_value=_split(attrs.get("whenchoicevalue")),
                visible_when=attrs.get("visiblewhen"),
            ),
        }
        common.update(_control_fields(cls, element, attrs))
        if issubclass(cls, c.LabelingControl):
            common.update(_label_fields(cls, element, attrs, name, self.warnings))
        return cls(**common)

    def _check_conditions(self, control: ControlTag, controls: Mapping[str, ControlTag]) -> None:
        parent = control.conditions.when_tag_name
        if parent is not None and parent not in controls:
            raise ConfigError(
                f'whenTagName="{parent}" names no control{did_you_mean(parent, controls)}',
                line=control.line,
                tag=control.source_tag,
                name=control.name,
            )

    def _relations(self) -> c.Relations | None:
        if not self.relations:
            return None
        if len(self.relations) > 1:
            raise ConfigError(
                "only one <Relations> tag is allowed", line=_line(self.relations[1].element)
            )
        element = self.relations[0].element
        attrs = _attrs(element)
        fields = _label_fields(
            c.Relations, element, attrs, "relations", self.warnings, require_labels=False
        )
        fields["allow_empty"] = True
        return c.Relations(
            name="",
            line=_line(element),
            attrs=attrs,
            source_tag=str(element.tag),
            to_name=(),
            targets=(),
            **fields,
        )


_EXACT_ATTRIBUTES = {"name": "name", "toname": "toName", "value": "value", "valuelist": "valueList"}
_MIN_SPEED, _MAX_SPEED = 0.05, 10.0  # Label Studio's bounds on <Video> playback speeds


def _check_server_rules(root: etree._Element) -> None:
    """Rules Label Studio's server applies to the whole config before it creates a project.

    The server finds names with a case-sensitive ``name="..."`` search over the whole config
    (any tag, Labels and HTML included) and requires them unique, and its schema reads
    ``name``, ``toName``, ``value`` only in that spelling; the editor is laxer, but a config
    the server refuses cannot be used at all.
    """
    first_line: dict[str, int | None] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for key in element.attrib:
            written = str(key)
            expected = _EXACT_ATTRIBUTES.get(written.lower())
            if expected is not None and written != expected:
                raise ConfigError(
                    f"attribute {written}= must be spelled {expected}= (Label Studio's server "
                    "reads it only in that case)",
                    line=_line(element),
                    tag=str(element.tag),
                    name=element.get("name"),
                )
        name = element.get("name")
        if name is None:
            continue
        if name in first_line:
            raise ConfigError(
                f'duplicate name "{name}" (first used on line {first_line[name]}); Label '
                "Studio's server requires every name= in the config to be unique, on any tag",
                line=_line(element),
                tag=str(element.tag),
                name=name,
            )
        first_line[name] = _line(element)
        if str(element.tag).lower() == "video":
            _check_playback_speeds(element)


def _check_playback_speeds(element: etree._Element) -> None:
    speeds: dict[str, float] = {}
    for key in ("defaultPlaybackSpeed", "minPlaybackSpeed"):
        raw = element.get(key)
        if raw is None:
            continue
        try:
            speed = float(raw)
        except ValueError:
            speed = float("nan")
        if not _MIN_SPEED <= speed <= _MAX_SPEED:
            raise ConfigError(
                f'{key}="{raw}" must be a number from {_MIN_SPEED} to {_MAX_SPEED:g}',
                line=_line(element),
                tag=str(element.tag),
                name=element.get("name"),
            )
        speeds[key] = speed
    if speeds.get("minPlaybackSpeed", 0.0) > speeds.get("defaultPlaybackSpeed", _MAX_SPEED):
        raise ConfigError(
            f'minPlaybackSpeed="{element.get("minPlaybackSpeed")}" is above '
            f'defaultPlaybackSpeed="{element.get("defaultPlaybackSpeed")}"',
            line=_line(element),
            tag=str(element.tag),
            name=element.get("name"),
        )


def _check_unique(name: str, line: int | None, tag: str, seen: dict[str, int | None]) -> None:
    if name in seen:
        first = seen[name]
        raise ConfigError(
            f'duplicate name "{name}"'
            + (f" (first used on line {first})" if first else "")
            + "; every object and control needs its own name",
            line=line,
            tag=tag,
            name=name,
        )
    seen[name] = line


def _written(element: etree._Element, key: str) -> str:
    """The attribute name as the config spells it (``maxRating``), for messages."""
    return next((str(k) for k in element.attrib if str(k).lower() == key), key)


def _int_attr(
    attrs: Mapping[str, str], key: str, element: etree._Element, *, minimum: int = 0
) -> int | None:
    raw = attrs.get(key)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ConfigError(
            f'{_written(element, key)}="{raw}" must be an integer >= {minimum}',
            line=_line(element),
            tag=str(element.tag),
            name=element.get("name"),
        )
    return value


def _float_attr(attrs: Mapping[str, str], key: str, element: etree._Element) -> float | None:
    raw = attrs.get(key)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if value != value or value in (float("inf"), float("-inf")):
        raise ConfigError(
            f'{_written(element, key)}="{raw}" must be a finite number',
            line=_line(element),
            tag=str(element.tag),
            name=element.get("name"),
        )
    return value


def _control_fields(
    cls: type[ControlTag], element: etree._Element, attrs: Mapping[str, str]
) -> dict[str, Any]:
    """Attributes specific to one control class."""
    if cls is c.Rating:
        rating = _int_attr(attrs, "maxrating", element, minimum=1)
        return {"max_rating": 5 if rating is None else rating}
    if cls is c.Number:
        fields = {k: _float_attr(attrs, k, element) for k in ("min", "max", "step")}
        low, high = fields["min"], fields["max"]
        if low is not None and high is not None and low > high:
            raise ConfigError(
                f'min="{attrs["min"]}" is greater than max="{attrs["max"]}"',
                line=_line(element),
                tag=str(element.tag),
                name=element.get("name"),
            )
        return fields
    if cls is c.DateTime:
        return {
            "only": _split(attrs.get("only")),
            "format": attrs.get("format"),
            "min": attrs.get("min"),
            "max": attrs.get("max"),
        }
    if cls is c.TextArea:
        return {
            "max_submissions": _int_attr(attrs, "maxsubmissions", element),
            "editable": _bool(attrs, "editable"),
            "skip_duplicates": _bool(attrs, "skipduplicates"),
        }
    if cls is c.Ranker:
        return {
            "buckets": tuple(b.get("name", "") for b in element.iter() if _lower_tag(b) == "bucket")
        }
    if cls is c.Choices:
        return {"allow_nested": _bool(attrs, "allownested")}
    if cls is c.Taxonomy:
        return {
            "leafs_only": _bool(attrs, "leafsonly"),
            "api_url": attrs.get("apiurl"),
            "labeling": _bool(attrs, "labeling"),
        }
    if cls in (c.Vector, c.VectorLabels):
        return {
            "closable": _bool(attrs, "closable"),
            "min_points": _int_attr(attrs, "minpoints", element),
            "max_points": _int_attr(attrs, "maxpoints", element),
        }
    return {}


_CHOICE_MODES = ("single", "single-radio", "multiple")


def _label_fields(
    cls: type[c.LabelingControl],
    element: etree._Element,
    attrs: Mapping[str, str],
    name: str,
    warnings: list[ConfigWarning],
    *,
    require_labels: bool = True,
) -> dict[str, Any]:
    """Labels, choice mode and usage limits of a labels/choices/relations control."""
    labels = _label_tree(element, name, warnings)
    dynamic = variables_in(attrs.get("value"))
    api_url = attrs.get("apiurl") if cls is c.Taxonomy else None
    if require_labels and not labels and not dynamic and not api_url:
        child = "Choice" if cls in (c.Choices, c.Taxonomy) else "Label"
        raise ConfigError(
            f'<{element.tag} name="{name}"> has no <{child}> children and no '
            f'value="$key" for labels from task data; add at least one <{child} value="..."/>',
            line=_line(element),
            tag=str(element.tag),
            name=name,
        )
    choice = attrs.get("choice", "single").strip().lower()
    if choice not in _CHOICE_MODES:
        raise ConfigError(
            f'choice="{attrs.get("choice")}" is not one of single, single-radio, multiple',
            line=_line(element),
            tag=str(element.tag),
            name=name,
        )
    return {
        "labels": labels,
        "dynamic_labels": dynamic[0] if dynamic else None,
        "choice": choice,
        "max_usages": _int_attr(attrs, "maxusages", element),
        "allow_empty": _bool(attrs, "allowempty"),
    }


def _label_tree(
    element: etree._Element, control_name: str, warnings: list[ConfigWarning]
) -> tuple[LabelDef, ...]:
    """The Label/Choice/Relation children of ``element``, through layout tags, as a tree.

    A repeated value is a warning (Label Studio ships a template with one, and results cannot
    tell the copies apart anyway); a repeated value with a different alias is an error, since a
    builder given that value could not know which alias to write.
    """
    out: list[LabelDef] = []
    seen: dict[str, LabelDef] = {}

    def add(label: LabelDef, tag: str) -> None:
        first = seen.get(label.value)
        if first is None:
            seen[label.value] = label
            out.append(label)
            return
        if first.alias != label.alias:
            raise ConfigError(
                f'{tag} value "{label.value}" appears twice in <{element.tag}> with different '
                f"aliases ({first.alias!r} on line {first.line}, {label.alias!r}); "
                "give each its own value",
                line=label.line,
                tag=tag,
                name=control_name,
            )
        warnings.append(
            ConfigWarning(
                f'{tag} value "{label.value}" appears twice in <{element.tag} '
                f'name="{control_name}"> (first on line {first.line}); the copy is ignored',
                label.line,
                tag,
            )
        )

    for child in element:
        tag = _lower_tag(child)
        if tag in ("label", "choice", "relation"):
            attrs = _attrs(child)
            value = attrs.get("value")
            if value is None:
                raise ConfigError(
                    f'<{child.tag}> in <{element.tag}> has no value; add value="..."',
                    line=_line(child),
                    tag=str(child.tag),
                    name=control_name,
                )
            label = LabelDef(
                value=value,
                alias=attrs.get("alias"),
                line=_line(child),
                background=attrs.get("background"),
                hint=attrs.get("hint"),
                predicted_values=_split(attrs.get("predicted_values")),
                children=_label_tree(child, control_name, warnings),
            )
            add(label, str(child.tag))
        elif tag is not None and tag != "style" and tag not in CONTROL_TAGS:
            # Labels may sit inside a <View> or <Header> wrapper within their control.
            for nested in _label_tree(child, control_name, warnings):
                add(nested, "label")
    return tuple(out)
