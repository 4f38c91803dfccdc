"""Reading the XML tree into the tag registry: objects, then controls (which resolve targets).

One walk collects the tags through layout, HTML and ``<Repeater>`` wrappers; each tag then
becomes its typed class from :mod:`prelabel.tags`, checked as Label Studio would check it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

from lxml import etree

from .._suggest import did_you_mean
from ..errors import ConfigError
from ..tags import controls as c
from ..tags import objects as o
from ..tags.base import Conditions, ControlTag, ObjectTag, variables_in
from ..tags.registry import CHILD_TAGS, CONTROL_TAGS, HTML_TAGS, LAYOUT_TAGS, OBJECT_TAGS
from ._attrs import attrs_of, flag, line_of, lower_tag, split_list
from ._fields import control_fields, label_fields
from ._records import ConfigWarning, ServerAcceptedError, UnknownTag
from ._repeater import Repeat, read_repeater
from ._server import check_server_rules

__all__ = ["Builder", "Registry"]

C = TypeVar("C", bound=ControlTag)

_KNOWN_TAG_NAMES = sorted(
    {cls.tag for cls in CONTROL_TAGS.values()}
    | {cls.tag for cls in OBJECT_TAGS.values() if cls is not o.GenericObject}
    | {"View", "Header", "Style", "Label", "Choice", "Relations", "Relation", "Repeater"}
    | {"Collapse", "Panel", "Filter", "Bucket", "Channel", "Shortcut"}
)


# Tags the server's config schema checks, spelled exactly so (measured on 1.23.2): these
# controls need toName, these objects need name and value. Any other tag escapes the schema.
_SCHEMA_TONAME = frozenset({"Choices", "Labels", "TextArea", "Number"})
_SCHEMA_OBJECTS = frozenset({"Image", "Text", "HyperText"})


@dataclasses.dataclass(frozen=True)
class Registry:
    """What :class:`Builder` reads from a config: the facts :class:`LabelConfig` holds."""

    objects: Mapping[str, ObjectTag]
    controls: Mapping[str, ControlTag]
    relations: c.Relations | None
    warnings: tuple[ConfigWarning, ...]
    unknown_tags: tuple[UnknownTag, ...]
    repeated: Mapping[str, Repeat]


@dataclasses.dataclass
class Found:
    element: etree._Element
    tag: str  # lower-cased
    repeat: Repeat | None


class Builder:
    """One pass over the XML tree, then objects, then controls (which resolve targets)."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.objects: list[Found] = []
        self.controls: list[Found] = []
        self.relations: list[Found] = []
        self.warnings: list[ConfigWarning] = []
        self.unknown: list[UnknownTag] = []
        self.broken: dict[str, str] = {}  # object name -> why the server-accepted tag is unusable
        # every name= in the config, with its tag: the server's toName check looks them all up
        self.named = {
            str(e.get("name")): str(e.tag)
            for e in root.iter()
            if isinstance(e.tag, str) and e.get("name") is not None
        }

    def build(self) -> Registry:
        root_tag = lower_tag(self.root)
        if root_tag != "view":
            self.warnings.append(
                ConfigWarning(
                    f"the root tag is <{self.root.tag}>; Label Studio expects <View>",
                    line_of(self.root),
                    str(self.root.tag),
                )
            )
        check_server_rules(self.root)
        self._walk(self.root, None, is_root=True)
        objects = self._objects()
        names_seen: dict[str, int | None] = {name: obj.line for name, obj in objects.items()}
        controls: dict[str, ControlTag] = {}
        for found in self.controls:
            control = self._control(found, objects)
            check_unique(control.name, control.line, control.source_tag, names_seen)
            controls[control.name] = control
        for name, control in controls.items():
            controls[name] = self._check_conditions(control, controls)
        relations = self._relations()
        repeated = {
            f.element.get("name", ""): f.repeat
            for f in (*self.objects, *self.controls)
            if f.repeat is not None
        }
        return Registry(
            objects=objects,
            controls=controls,
            relations=relations,
            warnings=tuple(self.warnings),
            unknown_tags=tuple(self.unknown),
            repeated={k: v for k, v in repeated.items() if v is not None},
        )

    # --- walking ---------------------------------------------------------------------------

    def _walk(self, element: etree._Element, repeat: Repeat | None, is_root: bool = False) -> None:
        children = [element] if is_root else list(element)
        for child in children:
            tag = lower_tag(child)
            if tag is None:
                continue
            if tag in OBJECT_TAGS:
                self.objects.append(Found(child, tag, repeat))
                if tag == "table":
                    continue
                self._walk(child, repeat)  # e.g. <Video> may wrap nothing; harmless
            elif tag in CONTROL_TAGS:
                self.controls.append(Found(child, tag, repeat))
            elif tag == "relations":
                self.relations.append(Found(child, tag, repeat))
            elif tag == "repeater":
                self._walk(child, read_repeater(child))
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
                            line_of(child),
                            str(child.tag),
                        )
                    )
            else:
                attrs = attrs_of(child)
                self.unknown.append(
                    UnknownTag(str(child.tag), attrs.get("name"), line_of(child), attrs)
                )
                self.warnings.append(
                    ConfigWarning(
                        f"unknown tag <{child.tag}> is kept but not checked"
                        f"{did_you_mean(str(child.tag), _KNOWN_TAG_NAMES)}",
                        line_of(child),
                        str(child.tag),
                    )
                )
                self._walk(child, repeat)

    # --- objects ---------------------------------------------------------------------------

    def _objects(self) -> dict[str, ObjectTag]:
        out: dict[str, ObjectTag] = {}
        seen: dict[str, int | None] = {}
        for found in self.objects:
            try:
                obj = self._object(found)
            except ServerAcceptedError as problem:
                self.warnings.append(
                    ConfigWarning(
                        f"{problem.message}; Label Studio's server accepts the config, so "
                        "prelabel reads the rest, but no control can build or validate "
                        "results on this tag",
                        problem.line,
                        problem.tag,
                    )
                )
                if problem.name:
                    self.broken[problem.name] = problem.message
                continue
            check_unique(obj.name, obj.line, obj.source_tag, seen)
            out[obj.name] = obj
        return out

    def _object(self, found: Found) -> ObjectTag:
        element, attrs = found.element, attrs_of(found.element)
        cls = OBJECT_TAGS[found.tag]
        name = attrs.get("name")
        schema = str(element.tag) in _SCHEMA_OBJECTS
        if not name:
            kind = ConfigError if schema and name is None else ServerAcceptedError
            raise kind(
                f'<{element.tag}> has no name; add name="..." so controls can point at it',
                line=line_of(element),
                tag=str(element.tag),
            )
        value = attrs.get("value")
        value_list = attrs.get("valuelist")
        if cls.needs_value and value is None and value_list is None:
            raise (ConfigError if schema else ServerAcceptedError)(
                f'<{element.tag} name="{name}"> has no value; add value="$key" naming the '
                "task data field it shows",
                line=line_of(element),
                tag=str(element.tag),
                name=name,
            )
        keys = list(variables_in(value) + variables_in(value_list))
        common: dict[str, Any] = {
            "name": name,
            "line": line_of(element),
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
            extra["inline"] = flag(attrs, "inline")
        elif cls is o.Audio:
            extra["split_channels"] = flag(attrs, "splitchannels")
        elif cls is o.Video:
            extra.update(self._frame_rate(attrs, element, name, keys))
        elif cls is o.TimeSeries:
            extra["channels"] = tuple(
                ch.get("column", "")
                for ch in element.iter()
                if lower_tag(ch) == "channel" and ch.get("column")
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
            raise ServerAcceptedError(
                f'frameRate="{raw}" is not a positive number of frames per second',
                line=line_of(element),
                tag=str(element.tag),
                name=name,
            )
        return {"frame_rate": rate, "frame_rate_key": None}

    # --- controls --------------------------------------------------------------------------

    def _control(self, found: Found, objects: Mapping[str, ObjectTag]) -> ControlTag:
        try:
            return self._checked_control(found, objects)
        except ServerAcceptedError as problem:
            element, attrs = found.element, attrs_of(found.element)
            raw_to_name = attrs.get("toname")
            to_name = tuple(raw_to_name.split(",")) if raw_to_name else ()
            control = CONTROL_TAGS[found.tag](
                name=attrs.get("name", ""),
                line=line_of(element),
                attrs=attrs,
                source_tag=str(element.tag),
                to_name=to_name,
                targets=tuple(objects[t] for t in to_name if t in objects),
            )
            return self._unusable(control, problem.message)

    def _unusable(self, control: C, why: str) -> C:
        """``control`` marked with the mistake the server let through, and its warning."""
        self.warnings.append(
            ConfigWarning(
                f"{why}; Label Studio's server accepts the config, so prelabel reads the rest, "
                f'but results for <{control.source_tag} name="{control.name}"> cannot be '
                "built or validated",
                control.line,
                control.source_tag,
            )
        )
        return dataclasses.replace(control, problem=why)

    def _checked_control(self, found: Found, objects: Mapping[str, ObjectTag]) -> ControlTag:
        element, attrs = found.element, attrs_of(found.element)
        cls = CONTROL_TAGS[found.tag]
        line, source_tag = line_of(element), str(element.tag)
        name = attrs.get("name")
        if not name:
            raise ConfigError(
                f'<{source_tag}> has no name; add name="..." (results use it as from_name)',
                line=line,
                tag=source_tag,
            )
        raw_to_name = attrs.get("toname")
        to_name = tuple(raw_to_name.split(",")) if raw_to_name else ()
        if not to_name and source_tag in _SCHEMA_TONAME:
            raise ConfigError(
                f'<{source_tag} name="{name}"> has no toName; add toName="..." naming the '
                "object tag it annotates",
                line=line,
                tag=source_tag,
                name=name,
            )
        if not to_name:
            raise ServerAcceptedError(
                f'<{source_tag} name="{name}"> has no toName: Label Studio\'s server refuses '
                'every result for it (its from_name is "not found in configuration") and the '
                "1.23.2 editor cannot record one",
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
            if obj is None and target in self.broken:
                raise ServerAcceptedError(
                    f'toName="{target}" names a tag that cannot be used: {self.broken[target]}',
                    line=line,
                    tag=source_tag,
                    name=name,
                )
            if obj is None and target in self.named:
                raise ServerAcceptedError(
                    f'toName="{target}" names a <{self.named[target]}>, not an object tag '
                    "showing task data, so a result has nothing to point at",
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
                raise ServerAcceptedError(
                    f'<{cls.tag}> cannot annotate <{obj.tag} name="{obj.name}">; it works on '
                    + ", ".join(sorted(k.capitalize() for k in kinds)),
                    line=line,
                    tag=source_tag,
                    name=name,
                )
            targets.append(obj)
        if cls is c.Pairwise and len(targets) != 2:
            raise ServerAcceptedError(
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
            "per_region": flag(attrs, "perregion"),
            "per_item": flag(attrs, "peritem"),
            "required": flag(attrs, "required"),
            "conditions": Conditions(
                when_tag_name=attrs.get("whentagname"),
                when_label_value=split_list(attrs.get("whenlabelvalue")),
                when_choice_value=split_list(attrs.get("whenchoicevalue")),
                visible_when=attrs.get("visiblewhen"),
            ),
        }
        common.update(control_fields(cls, element, attrs))
        if issubclass(cls, c.LabelingControl):
            common.update(label_fields(cls, element, attrs, name, self.warnings))
        return cls(**common)

    def _check_conditions(
        self, control: ControlTag, controls: Mapping[str, ControlTag]
    ) -> ControlTag:
        parent = control.conditions.when_tag_name
        if parent is not None and parent not in controls and control.problem is None:
            return self._unusable(
                control,
                f'whenTagName="{parent}" names no control, so the condition on its results '
                f"cannot be checked{did_you_mean(parent, controls)}",
            )
        return control

    def _relations(self) -> c.Relations | None:
        if not self.relations:
            return None
        if len(self.relations) > 1:
            raise ConfigError(
                "only one <Relations> tag is allowed", line=line_of(self.relations[1].element)
            )
        element = self.relations[0].element
        attrs = attrs_of(element)
        why: str | None = None
        try:
            fields = label_fields(
                c.Relations, element, attrs, "relations", self.warnings, require_labels=False
            )
        except ServerAcceptedError as problem:
            fields, why = {}, problem.message
        fields["allow_empty"] = True
        relations = c.Relations(
            name="",
            line=line_of(element),
            attrs=attrs,
            source_tag=str(element.tag),
            to_name=(),
            targets=(),
            **fields,
        )
        return relations if why is None else self._unusable(relations, why)


def check_unique(name: str, line: int | None, tag: str, seen: dict[str, int | None]) -> None:
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
