"""``<Taxonomy>``: paths from the root of the choice tree to the selected nodes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from ..._suggest import did_you_mean, quote_list
from ...errors import BuildError, LabelError
from ...results import Region, Result
from ...tags.base import LabelDef
from .._classes import item_list
from ._base import Options, name_of, whole
from ._region import PerRegionBuilder, attach

__all__ = ["TaxonomyBuilder"]

TaxonomyPath = str | Sequence[str]


class Taxonomy(Protocol):
    """What the builder reads of its control (``tags.controls.Taxonomy`` mixes it in, so it
    names the fields instead of importing the class)."""

    @property
    def labels(self) -> tuple[LabelDef, ...]: ...
    @property
    def dynamic_labels(self) -> str | None: ...
    @property
    def max_usages(self) -> int | None: ...
    @property
    def labeling(self) -> bool: ...
    @property
    def api_url(self) -> str | None: ...
    @property
    def leafs_only(self) -> bool: ...
    def iter_labels(self) -> Iterator[LabelDef]: ...


class TaxonomyBuilder(PerRegionBuilder):
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
                f'{name_of(self)} has labeling="true" (span labeling), whose result format is not '
                "pinned; prelabel builds only classification taxonomies"
            )
        given: list[TaxonomyPath] = item_list(paths, f"the paths for {name_of(self)}")
        if not given:
            raise LabelError(f"{name_of(self)} needs at least one path")
        dynamic = control.api_url is not None or control.dynamic_labels is not None
        if not dynamic and len(given) > 1 and all(isinstance(g, str) for g in given):
            self._refuse_flat_path([str(g) for g in given], control)
        out = [
            self._dynamic_path(item) if dynamic else self._resolve_path(item, control)
            for item in given
        ]
        for index, path in enumerate(out):
            if path in out[:index]:
                raise LabelError(f"path {path} is given twice to {name_of(self)}")
        if control.max_usages is not None and len(out) > control.max_usages:
            raise LabelError(
                f"{name_of(self)} allows {control.max_usages} selected path(s) (maxUsages), "
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
            f"{name_of(self)}; for that path pass [{names!r}], for separate nodes pass "
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
                f"{_path_repr(nodes)} ends at a node with children, but {name_of(self)} has "
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
                    f"{names} is not a path of {name_of(self)}: {where}"
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
            raise LabelError(
                f"{name!r} is not a node of {name_of(self)}{did_you_mean(name, every)}"
            )
        if len(found) > 1:
            raise LabelError(
                f"{name!r} names {len(found)} nodes of {name_of(self)}: "
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
        return whole(
            self, {"taxonomy": self._paths(paths)}, to_name, Options(id, score, readonly, hidden)
        )

    def _region_payload(self, value: Any) -> dict[str, Any]:
        return {"taxonomy": self._paths(value)}

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
        return attach(self, region, self._region_payload(paths), score, readonly, hidden)


def _path_repr(nodes: Sequence[LabelDef]) -> str:
    return repr([node.result_value for node in nodes])
