"""Validate a written shard where it lies, inside the job (a worker per shard)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from ..config import LabelConfig
from ..errors import ErrorRecord, ShardError, TaskFileError
from ..io import Store
from ..io._common import PathLike
from ..io._json import decoder
from ..io._jsonl import fast_line, fast_loads, read_line
from ..validate import ValidationStats, Validator
from ._tasks import worker_config

__all__ = ["ShardReport", "check_shard"]


@dataclasses.dataclass
class ShardReport:
    """What :func:`check_shard` found in one shard file.

    Attributes:
        file: the shard, relative to the root.
        stats: counts of tasks, predictions, results and records by code.
        problems: ``(line, record)`` for the first ``max_records`` records.
    """

    file: str
    stats: ValidationStats
    problems: list[tuple[int, ErrorRecord]]

    @property
    def ok(self) -> bool:
        """True when no record has severity error."""
        return self.stats.error_count == 0


def check_shard(
    root: PathLike | Store,
    file: str,
    config: LabelConfig | str,
    *,
    strict: bool = False,
    max_records: int = 100,
    storage_options: Mapping[str, Any] | None = None,
) -> ShardReport:
    """Validate every task of one shard (``.jsonl``, or a ``.json`` task file) under ``root``.

    The shard is read whole (it is one worker's batch); the validator is compiled once per
    worker process and config.

    Args:
        root: the run's root (path, URL or :class:`~prelabel.io.Store`).
        file: the shard, relative to the root (``tasks/part-....jsonl``).
        config: the labeling config (or its XML).
        strict: warnings count as errors.
        max_records: records kept in the report (all are counted in ``stats``).

    Raises:
        ShardError: the shard is not UTF-8 JSON of task objects (the message names the shard
            and the line).
        FileNotFoundError: no such shard.
    """
    store = root if isinstance(root, Store) else Store(root, storage_options=storage_options)
    xml = config if isinstance(config, str) else config.xml
    validator = Validator(worker_config(xml), strict=strict)  # compiling is milliseconds
    raw = store.get(file)
    report = ShardReport(file, validator.stats, [])
    decode = decoder().decode
    loads = fast_loads()
    json_lines = file.endswith((".jsonl", ".ndjson"))
    lines = raw.splitlines() if json_lines else [raw]
    index = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:  # as prelabel validate reads a file: msgspec where it reads as json does
            value: Any = validator.decode_line(line) if json_lines else None
            if value is None and json_lines:
                value = fast_line(line, loads)
            if value is None:
                value = (
                    read_line(line, file, number, decode)
                    if json_lines
                    else decode(line.decode("utf-8"))  # a .json file: a list, or one task
                )
        except (TaskFileError, UnicodeDecodeError, ValueError) as exc:
            why = str(exc).removeprefix(f"{file}:{number}:").strip()
            raise ShardError(f"shard {store.url(file)}:{number}: not a JSON task ({why})") from None
        if value is None:
            continue
        tasks = value if isinstance(value, list) else [value]
        for task in tasks:
            for record in validator.check_task(task, index):
                if len(report.problems) < max_records:
                    report.problems.append((number, record))
            index += 1
    return report
