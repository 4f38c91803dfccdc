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
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._lazy import lazy_module
from .._suggest import did_you_mean, quote_list
from ..errors import BuildError, LabelError
from ..ids import new_id
from ..results import Region, Result
from ..tags.base import ControlTag, LabelDef
from ._common import check_id, check_score, finite, make_result
from .text import read_task_value

if TYPE_CHECKING:
    import numpy as np
else:
    np = lazy_module("numpy")


if TYPE_CHECKING:
    from ..tags.controls import (
        DateTime,
        LabelingControl,
        Number,
        Ranker,
        Rating,
        Taxonomy,
        TextArea,
    )

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

TaxonomyPath = str | Sequence[str]
When = dt.datetime | dt.date | dt.time | str

FORMAT_FULL = "%Y-%m-%dT%H:%M"
FORMAT_DATE = "%Y-%m-%d"
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def _name(control: ControlTag) -> str:
    return f"<{control.tag} name={control.name!r}>"


# --- global and per-region results ----------------------------------------------------------


def _whole(
    control: ControlTag,
    payload: dict[str, Any],
    *,
    to_name: str | None,
    id: str | None,
    score: float | None,
    readonly: bool | None,
    hidden: bool | None,
) -> Result:
    """A result for the whole object, refused on a ``perRegion`` control."""
    if control.per_region:
        raise BuildError(
            f'{_name(control)} has perRegion="true": each of its results belongs to a region; '
            f"build it with .for_region(region, ...), or remove perRegion from the config"
        )
    return make_result(
        control, payload, to_name=to_name, id=id, score=score, readonly=readonly, hidden=hidden
    )


def region_labels(region: Region) -> list[str]:
    """The labels a region carries (from its ``*labels`` results), as the editor reads them.

    >>> from prelabel.results import Region
    >>> region_labels(Region([{"id": "a", "type": "labels", "from_name": "l", "to_name": "t",
    ...                        "value": {"start": 0, "end": 2, "labels": ["PER"]}}],
    ...                      geometry={"start": 0, "end": 2}))
    ['PER']
    """
    found: list[str] = []
    for result in region.results:
        kind = result.get("type", "")
        if kind.endswith("labels"):
            values = result.get("value", {}).get(kind)
            if isinstance(values, list):
                found.extend(v for v in values if isinstance(v, str))
    return list(dict.fromkeys(found))


def _attach(
    control: ControlTag,
    region: Region,
    payload: dict[str, Any],
    *,
    score: float | None,
    readonly: bool | None,
    hidden: bool | None,
) -> Result:
    """The per-region result of ``control`` for ``region``, appended to the region."""
    if not isinstance(region, Region):
        raise BuildError(
            "for_region() needs the Region a region builder returned (a box, span, segment...), "
            f"got {type(region).__name__}"
        )
    if not control.per_region:
        raise BuildError(
            f'{_name(control)} is not perRegion="true": Label Studio shows its result for the '
            f"whole object, not for region {region.id!r}; use the global builder, or set "
            'perRegion="true" in the config'
        )
    if region.to_name not in control.to_name:
        raise BuildError(
            f"region {region.id!r} is on {region.to_name!r}, but {_name(control)} points at "
            f"{','.join(control.to_name)!r}"
        )
    if any(result["from_name"] == control.name for result in region.results):
        raise BuildError(
            f"region {region.id!r} already has a result from {_name(control)}; Label Studio "
            "keeps only the first: put every value in one call"
        )
    _check_region_conditions(control, region)
    value = {**region.geometry, **payload}
    result = make_result(
        control,
        value,
        to_name=region.to_name,
        id=region.id,
        score=score,
        readonly=readonly,
        hidden=hidden,
        **region.shared_keys,
    )
    region.attach(result)
    return result


def _check_region_conditions(control: ControlTag, region: Region) -> None:
    """Refuse a per-region result that Label Studio would drop on submit (reference §5)."""
    conditions = control.conditions
    if conditions.when_label_value:
        labels = region_labels(region)
        if not set(conditions.when_label_value) & set(labels):
            raise BuildError(
                f"{_name(control)} applies only to regions labeled "
                f"{quote_list(conditions.when_label_value)} (whenLabelValue); region "
                f"{region.id!r} has {quote_list(labels) if labels else 'no label'}, so Label "
                "Studio would drop this result on submit"
            )
    parent = conditions.when_tag_name
    if parent and conditions.visible_when in ("choice-selected", "choice-unselected"):
        for result in region.results:
            if result["from_name"] != parent:
                continue
            selected = _condition_met(result, conditions.when_choice_value)
            wanted = conditions.visible_when == "choice-selected"
            if selected != wanted:
                state = "is not" if wanted else "is"
                raise BuildError(
                    f"{_name(control)} is kept only when {parent!r} "
                    f"{'has' if wanted else 'does not have'} "
                    f"{quote_list(conditions.when_choice_value) or 'a choice'} selected "
                    f'(visibleWhen="{conditions.visible_when}"); on region {region.id!r} it '
                    f"{state}, so Label Studio would drop this result on submit"
                )


def _condition_met(result: Mapping[str, Any], values: Sequence[str]) -> bool:
    """Whether a choices/taxonomy result selects one of ``values`` (any, when empty)."""
    picked = _selected_values(result)
    if not values:
        return bool(picked)
    return any(value in picked for value in values)


def _selected_values(result: Mapping[str, Any]) -> list[str]:
    """Selected choices; for Taxonomy paths (and nested choices), the last node of each."""
    kind = result.get("type")
    raw = result.get("value", {}).get(kind) if kind in ("choices", "taxonomy") else None
    if not isinstance(raw, list):
        return []
    return [item[-1] if isinstance(item, list) and item else item for item in raw]


# --- Choices ---------------------------------------------------------------------------------

# control -> (control, {choice: the values a result carries}), for single choices given as a
# string (tags hash by identity).
_choice_memo: dict[ControlTag, tuple[ControlTag, dict[str, tuple[str, ...]]]] = {}


def _one_choice(control: ControlTag, choice: str) -> list[str]:
    """``control.resolve_labels([choice])``, remembered per control (it walks the label tree)."""
    entry = _choice_memo.get(control)
    if entry is None or entry[0] is not control:
        if len(_choice_memo) > 1024:
            _choice_memo.clear()
        entry = _choice_memo[control] = (control, {})
    found = entry[1].get(choice)
    if found is None:
        labeling: LabelingControl = control  # type: ignore[assignment]
        found = tuple(labeling.resolve_labels([choice]))
        entry[1][choice] = found
    return list(found)


class ChoicesBuilder(ControlTag):
    """Builders of ``<Choices>``: one choice (``choice="single"``, the default) or several.

    >>> from prelabel import LabelConfig, reproducible_ids
    >>> cfg = LabelConfig.parse('<View><Text name="text" value="$text"/>'
    ...     '<Choices name="sentiment" toName="text"><Choice value="Positive"/>'
    ...     '<Choice value="Negative"/></Choices></View>')
    >>> with reproducible_ids(1):
    ...     result = cfg.control("sentiment").choose("Positive", score=0.93)
    >>> result["value"], result["score"]
    ({'choices': ['Positive']}, 0.93)
    """

    def _choices(self, choices: str | Sequence[str]) -> list[str]:
        control: LabelingControl = self  # type: ignore[assignment]
        given = [choices] if isinstance(choices, str) else list(choices)
        duplicates = [c for i, c in enumerate(given) if c in given[:i]]
        if duplicates:
            raise LabelError(f"{duplicates[0]!r} is given twice to {_name(self)}")
        return control.resolve_labels(given)

    def choose(
        self,
        choices: str | Sequence[str],
        *,
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """The choice(s) for the whole object.

        Args:
            choices: one choice, or several on a ``choice="multiple"`` control; a Choice's
                ``value`` or ``alias`` (the result carries the alias).
            score: confidence in [0, 1], kept at result level.
            id: the result id; a fresh one when None.
            to_name: the object, when the control points at several.
            readonly: make the result read-only.
            hidden: start it hidden.

        Raises:
            LabelError: an unknown choice, two choices on a single-choice control, a choice
                given twice.
            BuildError: the control is ``perRegion`` (use :meth:`for_region`).
        """
        if (
            type(choices) is str
            and to_name is None
            and readonly is None
            and hidden is None
            and not self.per_region
        ):
            # The usual call, one choice: what make_result would build, without its detours.
            result: dict[str, Any] = {
                "id": new_id() if id is None else check_id(id),
                "type": self.result_type,
                "from_name": self.name,
                "to_name": self.targets[0].name,
                "value": {"choices": _one_choice(self, choices)},
            }
            if score is not None:
                result["score"] = (
                    score if type(score) is float and 0.0 <= score <= 1.0 else check_score(score)
                )
            return result  # type: ignore[return-value]
        return _whole(
            self,
            {"choices": self._choices(choices)},
            to_name=to_name,
            id=id,
            score=score,
            readonly=readonly,
            hidden=hidden,
        )

    def for_region(
        self,
        region: Region,
        choices: str | Sequence[str],
        *,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """The choice(s) of a ``perRegion`` control for ``region``; appended to the region."""
        return _attach(
            self,
            region,
            {"choices": self._choices(choices)},
            score=score,
            readonly=readonly,
            hidden=hidden,
        )


# --- Taxonomy --------------------------------------------------------------------------------


class TaxonomyBuilder(ControlTag):
    """Builders of ``<Taxonomy>``: paths from the root to the selected nodes.

    A path is a list of node names (``["Eukarya", "Human"]``), each a Choice's ``value`` or
    ``alias``; a single name (``"Human"``) stands for the one node of that name, wherever it is.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Text name="t" value="$t"/><Taxonomy name="tax" '
    ...     'toName="t"><Choice value="Eukarya"><Choice value="Human"/></Choice>'
    ...     '<Choice value="Archaea"/></Taxonomy></View>')
    >>> cfg.control("tax").choose([["Eukarya", "Human"], "Archaea"])["value"]
    {'taxonomy': [['Eukarya', 'Human'], ['Archaea']]}
    """

    def _taxonomy(self) -> Taxonomy:
        return self  # type: ignore[return-value]

    def _paths(self, paths: TaxonomyPath | Sequence[TaxonomyPath]) -> list[list[str]]:
        control = self._taxonomy()
        if control.labeling:
            raise BuildError(
                f'{_name(self)} has labeling="true" (span labeling), whose result format is not '
                "pinned; prelabel builds only classification taxonomies"
            )
        if isinstance(paths, str):
            given: list[TaxonomyPath] = [paths]
        else:
            given = list(paths)
        if not given:
            raise LabelError(f"{_name(self)} needs at least one path")
        dynamic = control.api_url is not None or control.dynamic_labels is not None
        if not dynamic and len(given) > 1 and all(isinstance(g, str) for g in given):
            self._refuse_flat_path([str(g) for g in given], control)
        out = [
            self._dynamic_path(item) if dynamic else self._resolve_path(item, control)
            for item in given
        ]
        for index, path in enumerate(out):
            if path in out[:index]:
                raise LabelError(f"path {path} is given twice to {_name(self)}")
        if control.max_usages is not None and len(out) > control.max_usages:
            raise LabelError(
                f"{_name(self)} allows {control.max_usages} selected path(s) (maxUsages), "
                f"got {len(out)}"
            )
        return out

    def _refuse_flat_path(self, names: list[str], control: Taxonomy) -> None:
        """A flat list that spells one root-to-node path is almost surely meant as that path."""
        level: Sequence[LabelDef] = control.labels
        for name in names:
            match = next((n for n in level if name in (n.value, n.alias)), None)
            if match is None:
                return
            level = match.children
        raise LabelError(
            f"{names} reads as {len(names)} separate node names, but it spells one path of "
            f"{_name(self)}; for that path pass [{names!r}], for separate nodes pass "
            f"{[[n] for n in names]!r}"
        )

    def _dynamic_path(self, item: TaxonomyPath) -> list[str]:
        path = [item] if isinstance(item, str) else list(item)
        if not path or not all(isinstance(p, str) and p for p in path):
            raise LabelError(f"a taxonomy path is a non-empty list of names, got {item!r}")
        return path

    def _resolve_path(self, item: TaxonomyPath, control: Taxonomy) -> list[str]:
        if isinstance(item, str):
            nodes = self._find_node(item, control)
        else:
            names = list(item)
            if not names or not all(isinstance(n, str) for n in names):
                raise LabelError(
                    f"a taxonomy path is a non-empty list of names, got {list(names)!r}"
                )
            nodes = self._walk(names, control)
        last = nodes[-1]
        if control.leafs_only and last.children:
            raise LabelError(
                f"{_path_repr(nodes)} ends at a node with children, but {_name(self)} has "
                'leafsOnly="true": pick one of '
                f"{quote_list(c.result_value for c in last.children)}"
            )
        return [node.result_value for node in nodes]

    def _walk(self, names: list[str], control: Taxonomy) -> list[LabelDef]:
        nodes: list[LabelDef] = []
        level = control.labels
        for depth, name in enumerate(names):
            match = next((n for n in level if name in (n.value, n.alias)), None)
            if match is None:
                choices = [n.result_value for n in level]
                where = (
                    f"{nodes[-1].result_value!r} has no child {name!r}"
                    if nodes
                    else f"{name!r} is not a top-level choice"
                )
                if not level:
                    where = f"{nodes[-1].result_value!r} has no children"
                raise LabelError(
                    f"{names} is not a path of {_name(self)}: {where}"
                    f"{did_you_mean(name, choices)}"
                    + (f" (choices at depth {depth}: {quote_list(choices)})" if level else "")
                )
            nodes.append(match)
            level = match.children
        return nodes

    def _find_node(self, name: str, control: Taxonomy) -> list[LabelDef]:
        found: list[list[LabelDef]] = []

        def visit(level: Sequence[LabelDef], prefix: list[LabelDef]) -> None:
            for node in level:
                path = [*prefix, node]
                if name in (node.value, node.alias):
                    found.append(path)
                visit(node.children, path)

        visit(control.labels, [])
        if not found:
            every = [node.result_value for node in control.iter_labels()]
            raise LabelError(f"{name!r} is not a node of {_name(self)}{did_you_mean(name, every)}")
        if len(found) > 1:
            raise LabelError(
                f"{name!r} names {len(found)} nodes of {_name(self)}: "
                f"{', '.join(_path_repr(p) for p in found)}; give the full path"
            )
        return found[0]

    def choose(
        self,
        paths: TaxonomyPath | Sequence[TaxonomyPath],
        *,
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """The selected taxonomy paths for the whole object.

        Args:
            paths: a list of paths, each a list of names from the root (``["A", "B"]``) or one
                unique node name (``"B"``); a lone string is one path.
            score: confidence in [0, 1].
            id: the result id; a fresh one when None.
            to_name: the object, when the control points at several.
            readonly: make the result read-only.
            hidden: start it hidden.

        Raises:
            LabelError: a path not in the tree, an ambiguous name, a non-leaf with
                ``leafsOnly``, more paths than ``maxUsages``, a path given twice.
        """
        return _whole(
            self,
            {"taxonomy": self._paths(paths)},
            to_name=to_name,
            id=id,
            score=score,
            readonly=readonly,
            hidden=hidden,
        )

    def for_region(
        self,
        region: Region,
        paths: TaxonomyPath | Sequence[TaxonomyPath],
        *,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """The taxonomy paths of a ``perRegion`` control for ``region``; appended to it."""
        return _attach(
            self,
            region,
            {"taxonomy": self._paths(paths)},
            score=score,
            readonly=readonly,
            hidden=hidden,
        )


def _path_repr(nodes: Sequence[LabelDef]) -> str:
    return repr([node.result_value for node in nodes])


# --- Rating ----------------------------------------------------------------------------------


class RatingBuilder(ControlTag):
    """Builders of ``<Rating>``: an integer from 1 to ``maxRating`` (default 5).

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Text name="t" value="$t"/>'
    ...     '<Rating name="quality" toName="t" maxRating="10"/></View>')
    >>> cfg.control("quality").rate(8)["value"]
    {'rating': 8}
    """

    def _rating(self, rating: Any) -> int:
        control: Rating = self  # type: ignore[assignment]
        top = control.max_rating
        value = None if isinstance(rating, (bool, np.bool_)) else _whole_number(rating)
        if value is None or not 1 <= value <= top:
            raise BuildError(
                f"rating must be an integer from 1 to {top} (maxRating of {_name(self)}), "
                f"got {rating!r}"
            )
        return value

    def rate(
        self,
        rating: int,
        *,
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """A rating of the whole object (integer stars, 1 to ``maxRating``).

        Raises:
            BuildError: not an integer in range (0 means "no rating" in the editor).
        """
        return _whole(
            self,
            {"rating": self._rating(rating)},
            to_name=to_name,
            id=id,
            score=score,
            readonly=readonly,
            hidden=hidden,
        )

    def for_region(
        self,
        region: Region,
        rating: int,
        *,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """A rating of ``region`` by a ``perRegion`` control; appended to the region."""
        return _attach(
            self,
            region,
            {"rating": self._rating(rating)},
            score=score,
            readonly=readonly,
            hidden=hidden,
        )


def _whole_number(value: Any) -> int | None:
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and value == int(value):
        return int(value)
    return None


# --- Number ----------------------------------------------------------------------------------


class NumberBuilder(ControlTag):
    """Builders of ``<Number>``: a number within ``min``/``max``, on the ``step`` grid.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Image name="img" value="$img"/>'
    ...     '<Number name="count" toName="img" min="0" max="100"/></View>')
    >>> cfg.control("count").set(7)["value"]
    {'number': 7}
    """

    def _number(self, number: Any) -> int | float:
        control: Number = self  # type: ignore[assignment]
        value = finite(number, f"the number of {_name(self)}")
        as_int = _whole_number(number)
        out: int | float = as_int if as_int is not None else value
        if control.min is not None and value < control.min:
            raise BuildError(
                f"{_fmt(value)} is below min={_fmt(control.min)} of {_name(self)}; "
                "the editor refuses to submit it"
            )
        if control.max is not None and value > control.max:
            raise BuildError(
                f"{_fmt(value)} is above max={_fmt(control.max)} of {_name(self)}; "
                "the editor refuses to submit it"
            )
        if control.step is not None and control.step > 0:
            basis = control.min if control.min is not None else 0.0
            # The editor checks `(value - basis) % step !== 0` with JavaScript numbers.
            delta = math.fmod(value - basis, control.step)
            if delta != 0:
                low = value - delta
                raise BuildError(
                    f"{_fmt(value)} is not on the step={_fmt(control.step)} grid of "
                    f"{_name(self)} (from {_fmt(basis)}); the nearest valid values are "
                    f"{_fmt(low)} and {_fmt(low + control.step)}"
                )
        return out

    def set(
        self,
        number: float,
        *,
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """The number for the whole object (ints stay ints in the JSON).

        Raises:
            BuildError: not a finite number, below ``min``, above ``max``, off the ``step`` grid.
        """
        return _whole(
            self,
            {"number": self._number(number)},
            to_name=to_name,
            id=id,
            score=score,
            readonly=readonly,
            hidden=hidden,
        )

    def for_region(
        self,
        region: Region,
        number: float,
        *,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """The number of ``region`` for a ``perRegion`` control; appended to the region."""
        return _attach(
            self,
            region,
            {"number": self._number(number)},
            score=score,
            readonly=readonly,
            hidden=hidden,
        )


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# --- DateTime --------------------------------------------------------------------------------


class DateTimeBuilder(ControlTag):
    """Builders of ``<DateTime>``: a string in the control's output format (reference §4.14).

    The format is the ``format`` attribute (d3 ``strftime`` directives) if set, else
    ``YYYY-MM-DDTHH:MM``, or ``YYYY-MM-DD`` with ``only="date"``, or ``HH:MM`` with
    ``only="time"``. Python ``datetime``/``date``/``time`` objects are formatted (wall-clock
    time, seconds dropped when the format has none; an aware datetime keeps its own wall-clock
    time); strings are parsed with that format (or ISO 8601) and written back in it.

    >>> import datetime as dt
    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Text name="t" value="$t"/>'
    ...     '<DateTime name="visit" toName="t" only="date"/></View>')
    >>> cfg.control("visit").set(dt.datetime(2024, 3, 5, 14, 30))["value"]
    {'datetime': '2024-03-05'}
    """

    def _control(self) -> DateTime:
        return self  # type: ignore[return-value]

    @property
    def output_format(self) -> str:
        """The d3 format of ``value.datetime`` (``"%H:%M"`` for ``only="time"``)."""
        control = self._control()
        only = control.only
        if "year" in only or "month" in only:
            raise BuildError(
                f'{_name(self)} has only="{",".join(only)}": the string Label Studio writes '
                'for years and months is not pinned; use only="date" (or a format attribute '
                "with a full date)"
            )
        if only == ("time",):
            return "%H:%M"
        if control.format:
            return control.format
        return FORMAT_FULL if not only or "time" in only else FORMAT_DATE

    def _datetime(self, when: Any) -> str:
        from ..timeunits import time_format  # the d3 codec the time-series builders use

        control = self._control()
        pattern = self.output_format
        if control.only == ("time",):
            return self._time_only(when)
        if isinstance(when, dt.datetime):
            moment = when.replace(tzinfo=None)
        elif isinstance(when, dt.date):
            moment = dt.datetime(when.year, when.month, when.day)
        elif isinstance(when, dt.time):
            raise BuildError(
                f"{_name(self)} writes dates ({pattern!r}); a time alone has no date: "
                "pass a datetime"
            )
        elif isinstance(when, str):
            moment = self._parse(when, pattern)
        else:
            raise BuildError(
                f"{_name(self)} takes a datetime, date or string, got {type(when).__name__}"
            )
        try:
            text = time_format(pattern).format(moment)
        except BuildError as exc:
            raise BuildError(f"format={pattern!r} of {_name(self)}: {exc}") from None
        day = moment.date().isoformat()
        if control.min and day < control.min:
            raise BuildError(
                f"{day} is before min={control.min!r} of {_name(self)}; the editor refuses it"
            )
        if control.max and day > control.max:
            raise BuildError(
                f"{day} is after max={control.max!r} of {_name(self)}; the editor refuses it"
            )
        return text

    def _parse(self, text: str, pattern: str) -> dt.datetime:
        from ..timeunits import time_format

        try:
            return time_format(pattern).parse(text).replace(tzinfo=None)
        except BuildError as exc:
            first_error = str(exc)
        if not self._control().format:
            try:
                return dt.datetime.fromisoformat(text).replace(tzinfo=None)
            except ValueError:
                pass
        raise BuildError(
            f"{text!r} does not match the format {pattern!r} of {_name(self)}: {first_error}"
        )

    def _time_only(self, when: Any) -> str:
        if isinstance(when, (dt.datetime, dt.time)):
            return f"{when.hour:02d}:{when.minute:02d}"
        if isinstance(when, str):
            if not _TIME.fullmatch(when):
                raise BuildError(
                    f'{_name(self)} has only="time" and stores HH:MM (24-hour), got {when!r}'
                )
            return when
        raise BuildError(
            f'{_name(self)} has only="time": pass a time, a datetime or an "HH:MM" string, '
            f"got {type(when).__name__}"
        )

    def set(
        self,
        when: When,
        *,
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """The date/time for the whole object, in the control's output format.

        Raises:
            BuildError: a string that does not parse, a date outside ``min``/``max``, a time
                without a date, or an ``only`` mode whose format is not pinned.
        """
        return _whole(
            self,
            {"datetime": self._datetime(when)},
            to_name=to_name,
            id=id,
            score=score,
            readonly=readonly,
            hidden=hidden,
        )

    def for_region(
        self,
        region: Region,
        when: When,
        *,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """The date/time of ``region`` for a ``perRegion`` control; appended to the region."""
        return _attach(
            self,
            region,
            {"datetime": self._datetime(when)},
            score=score,
            readonly=readonly,
            hidden=hidden,
        )


# --- TextArea --------------------------------------------------------------------------------


class TextAreaBuilder(ControlTag):
    """Builders of ``<TextArea>``: ``value.text`` is a list of strings (one per entry).

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Text name="t" value="$t"/>'
    ...     '<TextArea name="summary" toName="t"/></View>')
    >>> cfg.control("summary").write("A short summary.")["value"]
    {'text': ['A short summary.']}
    """

    def _texts(self, texts: str | Sequence[str]) -> list[str]:
        control: TextArea = self  # type: ignore[assignment]
        given = [texts] if isinstance(texts, str) else list(texts)
        if not given:
            raise BuildError(f"{_name(self)} needs at least one text")
        for index, text in enumerate(given):
            if not isinstance(text, str):
                raise BuildError(
                    f"text {index} for {_name(self)} must be a str, got {type(text).__name__}"
                )
            if not text:
                raise BuildError(f"text {index} for {_name(self)} is empty")
        if control.max_submissions is not None and 0 < control.max_submissions < len(given):
            raise BuildError(
                f"{_name(self)} takes at most {control.max_submissions} text(s) "
                f"(maxSubmissions), got {len(given)}"
            )
        if control.skip_duplicates and len(set(given)) < len(given):
            raise BuildError(f'{_name(self)} has skipDuplicates="true" but a text repeats')
        return given

    def write(
        self,
        texts: str | Sequence[str],
        *,
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """Text(s) for the whole object.

        Args:
            texts: one string, or several entries (up to ``maxSubmissions``).
            score: confidence in [0, 1].
            id: the result id; a fresh one when None.
            to_name: the object, when the control points at several.
            readonly: make the result read-only.
            hidden: start it hidden.

        Raises:
            BuildError: no text, an empty or non-string text, more than ``maxSubmissions``,
                a repeat with ``skipDuplicates``, or a ``perRegion`` control.
        """
        return _whole(
            self,
            {"text": self._texts(texts)},
            to_name=to_name,
            id=id,
            score=score,
            readonly=readonly,
            hidden=hidden,
        )

    def for_region(
        self,
        region: Region,
        texts: str | Sequence[str],
        *,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """Text(s) of ``region`` for a ``perRegion`` TextArea (an OCR transcription).

        The result shares the region's id and object and repeats its geometry, so the editor
        shows the text inside that region; it is appended to the region.
        """
        return _attach(
            self,
            region,
            {"text": self._texts(texts)},
            score=score,
            readonly=readonly,
            hidden=hidden,
        )


# --- Pairwise --------------------------------------------------------------------------------


class PairwiseBuilder(ControlTag):
    """Builders of ``<Pairwise>``: which of two objects wins (``value.selected``).

    The result's ``to_name`` is the first object of ``toName``: the SDK validator refuses the
    Pairwise tag's own name, which is what the editor itself writes (reference §4.16).

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Text name="a" value="$a"/><Text name="b" value="$b"/>'
    ...     '<Pairwise name="pw" toName="a,b"/></View>')
    >>> result = cfg.control("pw").select("b")
    >>> result["to_name"], result["value"]
    ('a', {'selected': 'right'})
    """

    def select(
        self,
        winner: str,
        *,
        score: float | None = None,
        id: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """The preferred side: ``"left"``/``"right"``, or the name of one compared object.

        Raises:
            BuildError: anything else.
        """
        sides = dict(zip(self.to_name, ("left", "right"), strict=False))
        side = winner if winner in ("left", "right") else sides.get(winner)
        if side is None:
            raise BuildError(
                f"{_name(self)} selects 'left' or 'right' (or {quote_list(self.to_name)}), "
                f"got {winner!r}"
            )
        return _whole(
            self,
            {"selected": side},
            to_name=self.to_name[0],
            id=id,
            score=score,
            readonly=readonly,
            hidden=hidden,
        )


# --- Ranker ----------------------------------------------------------------------------------


class RankerBuilder(ControlTag):
    """Builders of ``<Ranker>``: item ids of a ``<List>`` in order, or sorted into buckets.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><List name="results" value="$items" title="R"/>'
    ...     '<Ranker name="rank" toName="results"/></View>')
    >>> cfg.control("rank").rank(["mdn", "wiki", "blog"])["value"]
    {'ranker': {'rank': ['mdn', 'wiki', 'blog']}}
    """

    def _ranking(
        self,
        order: Sequence[str] | Mapping[str, Sequence[str]],
        items: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None,
    ) -> dict[str, list[str]]:
        control: Ranker = self  # type: ignore[assignment]
        if isinstance(order, Mapping):
            if not control.buckets:
                raise BuildError(
                    f"{_name(self)} has no <Bucket>s: pass the item ids in order, not a mapping"
                )
            ranking = {}
            for bucket, ids in order.items():
                if bucket not in control.buckets:
                    raise BuildError(
                        f"{bucket!r} is not a bucket of {_name(self)}"
                        f"{did_you_mean(str(bucket), control.buckets)} "
                        f"(buckets: {quote_list(control.buckets)})"
                    )
                ranking[bucket] = self._ids(ids, f"bucket {bucket!r}")
        else:
            if control.buckets:
                raise BuildError(
                    f"{_name(self)} sorts items into buckets {quote_list(control.buckets)}: pass "
                    "a mapping {bucket: [ids]}"
                )
            ranking = {self.name: self._ids(order, "the ranking")}
        every = [item for ids in ranking.values() for item in ids]
        repeated = [item for index, item in enumerate(every) if item in every[:index]]
        if repeated:
            raise BuildError(f"item {repeated[0]!r} is ranked twice by {_name(self)}")
        if items is not None:
            known = self._known_ids(items)
            unknown = [item for item in every if item not in known]
            if unknown:
                raise BuildError(
                    f"{unknown[0]!r} is not an item id of {self.to_name[0]!r}"
                    f"{did_you_mean(unknown[0], known)}"
                )
        return ranking

    def _ids(self, ids: Any, what: str) -> list[str]:
        if isinstance(ids, str) or not isinstance(ids, Sequence):
            raise BuildError(f"{what} must be a list of item ids, got {type(ids).__name__}")
        out = list(ids)
        for item in out:
            if not isinstance(item, str):
                raise BuildError(f"item ids are strings, got {item!r} in {what}")
        return out

    def _known_ids(self, items: Sequence[Mapping[str, Any]] | Mapping[str, Any]) -> list[str]:
        if isinstance(items, Mapping):
            items = read_task_value(self.target, items)
        if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
            raise BuildError(f"items must be the list of {{id, title, body}} dicts, got {items!r}")
        return [str(item.get("id")) for item in items if isinstance(item, Mapping)]

    def rank(
        self,
        order: Sequence[str] | Mapping[str, Sequence[str]],
        *,
        items: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None = None,
        score: float | None = None,
        id: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """A ranking of the ``<List>`` items.

        Args:
            order: item ids best first; or, when the Ranker has ``<Bucket>`` children, a
                mapping ``{bucket name: [ids in order]}``.
            items: the List's items (or the task ``data`` dict), to check the ids exist.
            score: confidence in [0, 1].
            id: the result id; a fresh one when None.
            readonly: make the result read-only.
            hidden: start it hidden.

        Raises:
            BuildError: an unknown bucket, an id ranked twice, an id not among ``items``, a
                list where buckets are expected (or the reverse).
        """
        return _whole(
            self,
            {"ranker": self._ranking(order, items)},
            to_name=None,
            id=id,
            score=score,
            readonly=readonly,
            hidden=hidden,
        )
