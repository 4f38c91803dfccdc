"""A fast certificate for the common result list: one the full walk would find nothing in.

Most results a model writes are boxes, points, polygons and choices that are fine. Before
the walk (``_result.py``) checks a prediction's results one by one in Python, a certifier
compiled from the config tries them all at once: msgspec converts the list into typed
structs whose constraints (keys, types, ranges, label values) are checked in C, then a short
Python loop checks what spans results (region ids unique, one image size per image, a box
inside the image and not in its top-left 1%).

The certificate is one-sided. It holds only where every check of the walk passes silently;
anything else (an unknown key, a string where a number goes, a relation, a second label
where the walk would look closer) fails it, and the full walk runs and reports. So it can only
skip work, never change a report (``tests/test_certify.py`` pins this with hypothesis).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, Union

import msgspec
from msgspec import Meta

from ._boxes import RectangleChecker
from ._classify import ChoicesChecker
from ._context import TaskCtx, media_size_key
from ._ellipses import KeyPointChecker
from ._points import PolygonChecker
from ._values import ControlChecker

__all__ = ["CertifiedTask", "Certifier", "compile_certifier"]

_Percent = Annotated[float, Meta(ge=0.0, le=100.0)]
_NotNegative = Annotated[float, Meta(ge=0.0)]
_Positive = Annotated[float, Meta(gt=0.0)]
_Zero = Annotated[float, Meta(ge=0.0, le=0.0)]
_Pixels = Annotated[int, Meta(gt=0)]
_Score = Annotated[float, Meta(ge=0.0, le=1.0)]
_Id = Annotated[str, Meta(min_length=1)]
# Kinds of results the certifier knows, by the checker class that owns them.
_RECTANGLE, _KEYPOINT, _POLYGON, _CHOICES = range(4)
_KINDS: dict[type[ControlChecker], int] = {
    RectangleChecker: _RECTANGLE,
    KeyPointChecker: _KEYPOINT,
    PolygonChecker: _POLYGON,
    ChoicesChecker: _CHOICES,
}


class _Spec:
    """What the Python loop needs of one (control, object) pair."""

    __slots__ = ("allowed", "key", "kind", "multiple", "obj", "struct")

    def __init__(self, ck: ControlChecker, kind: int, struct: type) -> None:
        self.kind = kind
        self.struct = struct
        self.obj = ck.obj_name
        self.multiple = ck.multiple
        self.key = ck.key or ""
        # None when any label goes (no label key, or labels taken from the task data)
        self.allowed = ck.allowed if ck.key is not None else None


def _certifiable(ck: ControlChecker) -> int | None:
    """The kind of ``ck`` when its silent case is known here, else None."""
    kind = _KINDS.get(type(ck))
    if kind is None or ck.value_list or ck.needs_region:
        return None
    if kind == _CHOICES and ck.key != "choices":
        return None
    return kind


def _literal(values: list[str]) -> Any:
    return Literal.__getitem__(tuple(values))


def _labels(ck_list: list[ControlChecker], single: bool) -> Any:
    """The type of a label list: one item (regions) or one or more (choices)."""
    sets = [ck.allowed for ck in ck_list]
    item: Any = str
    if all(s is not None for s in sets):
        values = sorted({v for s in sets if s is not None for v in s})
        if values:
            item = _literal(values)
    bounds = Meta(min_length=1, max_length=1) if single else Meta(min_length=1)
    return Annotated[list[item], bounds]


def _struct(tag: str, kind: int, cks: list[ControlChecker]) -> type:
    """The typed result of one result ``type`` (every control of the config that writes it)."""
    key = cks[0].key
    names = _literal(sorted({ck.name for ck in cks}))
    objects = _literal(sorted({ck.obj_name for ck in cks}))
    value: list[Any]
    if kind == _RECTANGLE:
        value = [("x", _NotNegative), ("y", _NotNegative), ("width", _Positive),
                 ("height", _Positive)]  # fmt: skip
    elif kind == _KEYPOINT:
        value = [("x", _Percent), ("y", _Percent), ("width", Annotated[float, Meta(gt=0, le=100)])]
    elif kind == _POLYGON:
        value = [("points", Annotated[list[tuple[_Percent, _Percent]], Meta(min_length=3)])]
    else:
        value = []
    if key is not None:
        value.append((key, _labels(cks, single=kind != _CHOICES)))
    if kind == _RECTANGLE:
        value.append(("rotation", _Zero | None, None))
    elif kind == _POLYGON:
        value.append(("closed", bool, True))
    value_struct = msgspec.defstruct(f"{tag}_value", value, forbid_unknown_fields=True, gc=False)
    fields: list[Any] = [("id", _Id), ("from_name", names), ("to_name", objects),
                         ("value", value_struct)]  # fmt: skip
    if kind != _CHOICES:
        fields += [("original_width", _Pixels), ("original_height", _Pixels)]
    fields.append(("score", _Score | None, None))
    if kind != _CHOICES:
        fields.append(("image_rotation", Any, None))  # the walk does not read it
    return msgspec.defstruct(
        tag, fields, tag_field="type", tag=tag, forbid_unknown_fields=True, gc=False
    )


class CertifiedTask:
    """A task read from one JSON line whose predictions need no walk: only its data is
    checked. ``line`` is kept for the rare task whose image gets measured (then the walk
    compares sizes and runs after all)."""

    __slots__ = ("certifier", "data", "line", "predictions", "results")

    def __init__(
        self,
        certifier: Certifier,
        line: bytes,
        data: dict[str, Any],
        predictions: int,
        results: int,
    ) -> None:
        self.certifier = certifier  # what it was certified against
        self.line = line
        self.data = data
        self.predictions = predictions
        self.results = results

    def as_dict(self) -> dict[str, Any]:
        """The whole task as the json module reads the line."""
        task: dict[str, Any] = msgspec.json.decode(self.line)
        return task


class _Gate:
    """Whether a certificate is worth trying. A failed try costs a typed read on top of the
    walk (up to a quarter of a line's time), so while fewer than a quarter of the recent
    tries certify, only one in ``_SAMPLE`` is tried. Trying or not never changes a report."""

    __slots__ = ("skipped", "tries", "wins")

    def __init__(self) -> None:
        self.tries = self.wins = self.skipped = 0

    def open(self) -> bool:
        if self.tries >= _WINDOW:  # the recent tries only: a file that changes is followed
            self.tries, self.wins = self.tries // 2, self.wins // 2
        if self.tries >= _WARMUP and self.wins * 4 < self.tries:
            self.skipped += 1
            if self.skipped % _SAMPLE:
                return False
        self.tries += 1
        return True

    def win(self) -> None:
        self.wins += 1


_WARMUP, _SAMPLE, _WINDOW = 32, 16, 256


class Certifier:
    """Decides, faster than the walk, that a result list has nothing to report."""

    def __init__(self, specs: dict[str, dict[str, _Spec]], union: Any, size_keys: list[str]):
        self._specs = specs
        # A prediction: the keys the envelope check passes silently, and typed results. (A
        # struct, not list[union]: msgspec resolves a bare generic alias on every call.)
        self._prediction: Any = msgspec.defstruct(
            "Prediction",
            [("result", list[union]), ("model_version", str), ("score", _Score | None, None)],
            forbid_unknown_fields=True,
            gc=False,
        )
        # A task line: data as any JSON object; the keys the task checks pass silently.
        task = msgspec.defstruct(
            "Task",
            [
                ("data", dict[str, Any]),
                ("predictions", list[self._prediction], []),  # type: ignore[name-defined]
                ("id", Any, None),
                ("meta", dict[str, Any] | list[Any] | None, None),
            ],
            forbid_unknown_fields=True,
        )
        self._decode_task: Callable[[bytes], Any] = msgspec.json.Decoder(task).decode
        self._size_keys = size_keys
        # the struct's spec when one (control, object) pair writes it, else None
        every = [spec for targets in specs.values() for spec in targets.values()]
        self._only: dict[type, _Spec | None] = {}
        for spec in every:
            self._only[spec.struct] = None if spec.struct in self._only else spec
        self._one_image = len({spec.obj for spec in every if spec.kind != _CHOICES}) <= 1
        self._gate = _Gate()

    def prediction(self, pred: dict[str, Any], t: TaskCtx) -> int:
        """The number of results of ``pred`` (a prediction of task ``t``) when the checks of
        the prediction and its results would report nothing; -1 when they must run."""
        if (t.cache and self.measured(t.cache)) or not self._gate.open():
            return -1  # the task's image was measured (the walk compares sizes), or few certify
        try:
            items = msgspec.convert(pred, self._prediction).result
        except Exception:  # msgspec reads the user's objects (a numpy array
            return -1  # indexed by a key raises IndexError): the walk then says what is wrong
        if not self.clean_items(items):
            return -1
        self._gate.win()
        return len(items)

    def measured(self, cache: Mapping[str, Any]) -> bool:
        """True when a task's media check measured an image the certified results are on."""
        return any(key in cache for key in self._size_keys)

    def decode_line(self, line: bytes) -> CertifiedTask | None:
        """The task on one JSON line when none of its predictions needs the walk, else None
        (a line msgspec reads reads as the json module reads it: see ``io/_jsonl.py``)."""
        if not self._gate.open():
            return None
        try:
            task = self._decode_task(line)
        except (ValueError, RecursionError):  # msgspec.DecodeError, ValidationError; deep nesting
            return None
        results = 0
        for pred in task.predictions:
            items = pred.result
            if not self.clean_items(items):
                return None
            results += len(items)
        self._gate.win()
        return CertifiedTask(self, line, task.data, len(task.predictions), results)

    def clean_items(self, items: list[Any]) -> bool:
        """The checks across results, on a list msgspec has typed."""
        only = self._only
        ids: set[str] = set()
        remember = ids.add
        width = height = 0
        sizes: dict[str, tuple[int, int]] | None = None if self._one_image else {}
        for r in items:
            spec = only[type(r)]
            if spec is None:
                # from_name is one of this type's controls (a Literal): one struct per type
                spec = self._specs[r.from_name].get(r.to_name)
                if spec is None:
                    return False
            rid = r.id
            if rid in ids:
                return False
            remember(rid)
            v = r.value
            kind = spec.kind
            if kind == _RECTANGLE:
                right = v.x + v.width
                bottom = v.y + v.height
                if right > 100.0 or bottom > 100.0 or (right <= 1.0 and bottom <= 1.0):
                    return False
            elif kind == _CHOICES:
                labels = v.choices
                if len(labels) > 1 and not spec.multiple:
                    return False
                if spec.allowed is not None:
                    for label in labels:
                        if label not in spec.allowed:
                            return False
                continue
            elif kind == _POLYGON and v.closed is not True:
                return False
            if spec.allowed is not None and getattr(v, spec.key)[0] not in spec.allowed:
                return False
            if sizes is None:
                if width == 0:
                    width, height = r.original_width, r.original_height
                elif r.original_width != width or r.original_height != height:
                    return False
            elif sizes.setdefault(spec.obj, (r.original_width, r.original_height)) != (
                r.original_width,
                r.original_height,
            ):
                return False
        return "#" not in "".join(ids)


def compile_certifier(by_name: Mapping[str, Mapping[str, ControlChecker]]) -> Certifier | None:
    """A certifier for the controls of ``by_name`` it knows, or None if it knows none."""
    by_type: dict[str, list[ControlChecker]] = {}
    kinds: dict[str, int] = {}
    for targets in by_name.values():
        for ck in targets.values():
            kind = _certifiable(ck)
            if kind is None:
                continue
            if kinds.setdefault(ck.type, kind) != kind:
                kinds[ck.type] = -1  # two kinds write this type: leave it to the walk
            by_type.setdefault(ck.type, []).append(ck)
    structs = {
        tag: _struct(tag, kinds[tag], cks)
        for tag, cks in by_type.items()
        if kinds[tag] >= 0 and len({ck.key for ck in cks}) == 1
    }
    if not structs:
        return None
    specs: dict[str, dict[str, _Spec]] = {name: {} for name in by_name}
    size_keys: set[str] = set()
    for tag, struct in structs.items():
        for ck in by_type[tag]:
            spec = specs[ck.name][ck.obj_name] = _Spec(ck, kinds[tag], struct)
            if len(by_type[tag]) == 1 and ck.allowed:
                spec.allowed = None  # the struct's Literal is exactly this control's labels
            size_keys.add(media_size_key(ck.obj_name, None))
    # msgspec requires the tag of a union's member, but not of a lone struct: the member
    # nothing can decode into keeps a result without "type" out.
    never = msgspec.defstruct(
        "never", [("never", Annotated[int, Meta(gt=0, lt=0)])], tag_field="type", tag="\x00"
    )
    union = Union.__getitem__((*structs.values(), never))
    return Certifier(specs, union, sorted(size_keys))
