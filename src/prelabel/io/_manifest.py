"""The manifest: written last, it says a sharded run is complete and what it holds.

Workers return :class:`~prelabel.io.ShardInfo` records (small); the driver gathers them and
calls :func:`write_manifest`, which checks the root against them (every shard there, nothing
else in ``tasks/``) before writing ``ROOT/manifest.json``. An import that waits for the
manifest never reads a half-finished run, and its counts are what Label Studio should show.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from ..config import LabelConfig
from ..errors import ShardError
from ._atomic import sweep_stale_temps
from ._common import PathLike
from ._shards import TASKS_DIR, ShardInfo, ShardLayout
from ._store import Store

__all__ = ["MANIFEST", "Manifest", "read_manifest", "write_manifest"]

MANIFEST = "manifest.json"
FORMAT = "prelabel-shards/1"
Stale = Literal["error", "delete"]


@dataclasses.dataclass(frozen=True)
class Manifest:
    """A complete run: its shards and totals, the config and model versions it was made for.

    Attributes:
        layout: ``"jsonl"`` or ``"json"``.
        shards: every shard, sorted by name.
        tasks, predictions, results, bytes: totals over the shards.
        config_sha256: digest of the labeling config's XML text (None when not given).
        model_version: the one model version of every prediction, or None when several.
        model_versions: all the model versions seen.
    """

    layout: ShardLayout
    shards: tuple[ShardInfo, ...]
    tasks: int
    predictions: int
    results: int
    bytes: int
    config_sha256: str | None
    model_version: str | None
    model_versions: tuple[str, ...]

    @property
    def files(self) -> list[str]:
        """Every task file of the run, relative to the root."""
        return [name for shard in self.shards for name in shard.files]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON, as written to ``manifest.json``."""
        return {
            "format": FORMAT,
            "layout": self.layout,
            "tasks": self.tasks,
            "predictions": self.predictions,
            "results": self.results,
            "bytes": self.bytes,
            "config_sha256": self.config_sha256,
            "model_version": self.model_version,
            "model_versions": list(self.model_versions),
            "shards": [shard.to_dict() for shard in self.shards],
        }


def config_digest(config: LabelConfig | str) -> str:
    """sha256 of the config's XML text: what the manifest records to tie a run to its config."""
    text = config if isinstance(config, str) else config.xml
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_manifest(
    shards: Iterable[ShardInfo], *, layout: ShardLayout, config: LabelConfig | str | None = None
) -> Manifest:
    """The manifest of ``shards`` (no files touched).

    A shard reported twice with the same digest (a retried worker) counts once.

    Raises:
        ShardError: one name reported with different contents, or one task file in two shards.
    """
    by_name: dict[str, ShardInfo] = {}
    for shard in shards:
        known = by_name.get(shard.name)
        if known is not None and known != shard:
            raise ShardError(
                f"shard {shard.name} was written twice with different contents; the file holds "
                "only the last: re-run the job (make region ids reproducible for retries)"
            )
        by_name[shard.name] = shard
    ordered = tuple(by_name[name] for name in sorted(by_name))
    owner: dict[str, str] = {}
    for shard in ordered:
        for name in shard.files:
            if name in owner:
                raise ShardError(
                    f"{name} is written by shards {owner[name]} and {shard.name}: the same task "
                    "key in two batches; Label Studio would import it once, with either content"
                )
            owner[name] = shard.name
    versions = tuple(sorted({v for shard in ordered for v in shard.model_versions}))
    return Manifest(
        layout=layout,
        shards=ordered,
        tasks=sum(s.tasks for s in ordered),
        predictions=sum(s.predictions for s in ordered),
        results=sum(s.results for s in ordered),
        bytes=sum(s.bytes for s in ordered),
        config_sha256=None if config is None else config_digest(config),
        model_version=versions[0] if len(versions) == 1 else None,
        model_versions=versions,
    )


def write_manifest(
    root: PathLike | Store,
    shards: Iterable[ShardInfo],
    *,
    layout: ShardLayout = "jsonl",
    config: LabelConfig | str | None = None,
    stale: Stale = "error",
    storage_options: Mapping[str, Any] | None = None,
) -> Manifest:
    """Check the root against ``shards`` and write ``ROOT/manifest.json`` (last, atomically).

    Args:
        root: the root the shards were written under (path, URL or :class:`Store`).
        shards: what every worker's writes returned.
        layout: the layout they were written in.
        config: the labeling config (or its XML), recorded as a digest.
        stale: task files under ``tasks/`` that no shard wrote (an earlier run cut into other
            batches) are an ``"error"``, or are deleted (``"delete"``).
        storage_options: fsspec options for a URL root.

    In a local root it also removes the temporary files of writers that were killed.

    Raises:
        ShardError: a shard's file is missing, or stale files are there with ``stale="error"``
            (the message names them); no manifest is written then.
    """
    store = root if isinstance(root, Store) else Store(root, storage_options=storage_options)
    manifest = build_manifest(shards, layout=layout, config=config)
    present = {f"{TASKS_DIR}/{name}" for name in store.list(TASKS_DIR)}
    expected = set(manifest.files)
    missing = sorted(expected - present)
    if missing:
        raise ShardError(
            f"{len(missing):,} shard file(s) reported written are not in {store.url(TASKS_DIR)}: "
            f"{_some(missing)}; no manifest written"
        )
    extra = sorted(present - expected)
    if extra and stale == "error":
        raise ShardError(
            f"{store.url(TASKS_DIR)} holds {len(extra):,} task file(s) this run did not write "
            f"({_some(extra)}): an earlier run's, which a storage sync would import too; "
            "delete them, write to a new root, or pass stale='delete'; no manifest written"
        )
    for name in extra:
        store.remove(name)
    if store.local:  # what a killed worker left staged in the root (never in tasks/)
        sweep_stale_temps(Path(store.root))
    text = json.dumps(manifest.to_dict(), indent=1, ensure_ascii=False) + "\n"
    store.put(MANIFEST, text.encode("utf-8"))
    return manifest


def read_manifest(
    root: PathLike | Store, *, storage_options: Mapping[str, Any] | None = None
) -> Manifest:
    """The manifest of a complete run.

    Raises:
        FileNotFoundError: no manifest: the run did not finish (or never started).
        ShardError: the manifest is not one prelabel wrote.
    """
    store = root if isinstance(root, Store) else Store(root, storage_options=storage_options)
    raw = store.get(MANIFEST)
    try:
        found = json.loads(raw)
    except ValueError as exc:
        raise ShardError(f"{store.url(MANIFEST)}: not JSON ({exc})") from None
    if not isinstance(found, dict) or found.get("format") != FORMAT:
        raise ShardError(f"{store.url(MANIFEST)}: not a {FORMAT} manifest")
    layout = found.get("layout")
    if layout not in ("jsonl", "json"):
        raise ShardError(f"{store.url(MANIFEST)}: unknown layout {layout!r}")
    config = found.get("config_sha256")
    manifest = build_manifest(
        (ShardInfo.from_dict(s) for s in found.get("shards", [])), layout=layout
    )
    return dataclasses.replace(manifest, config_sha256=config)


def _some(names: list[str]) -> str:
    shown = ", ".join(names[:3])
    return shown + (f", ... ({len(names) - 3:,} more)" if len(names) > 3 else "")
