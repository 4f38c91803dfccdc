"""The review page of a whole task file: a thumbnail per task, filters, problems in place.

:class:`Report` takes every task read (with the validator's records for it), keeps the ones
to draw (the first ``limit``, or a seeded uniform sample of ``limit`` when ``sample`` is set,
holding at most ``limit`` tasks in memory), counts labels and problem codes over all of them,
and writes one self-contained HTML page: pictures embedded up to a size budget, a small inline
script for the filters, nothing loaded from the network.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ErrorRecord
from ._colors import Palette, labels_of
from ._html import esc, page, shorten, wrap
from ._render import Options, render_task

if TYPE_CHECKING:
    from ..config import LabelConfig

__all__ = ["REPORT_CSS", "Report", "problems_by_result", "write_report"]

REPORT_CSS = """
.pl-grid{display:flex;flex-wrap:wrap;gap:12px;margin-top:8px}
.pl-card{border:1px solid var(--pl-border);border-radius:6px;padding:8px;max-width:100%;
 background:var(--pl-bg)}
.pl-card.pl-has-error{border-color:var(--pl-err)}
.pl-card h3{font-size:13px;margin:0 0 4px 0;font-weight:600}
.pl-filters{position:sticky;top:0;padding:6px 0;background:var(--pl-bg);z-index:1}
.pl-filters select{margin:0 12px 0 4px}
.pl-root{background:var(--pl-bg)}
"""

_SCRIPT = """
(() => {
  const label = document.getElementById("pl-label"), code = document.getElementById("pl-code");
  const count = document.getElementById("pl-count");
  const cards = [...document.querySelectorAll(".pl-card")];
  const data = cards.map(c => ({labels: JSON.parse(c.dataset.labels),
                                codes: JSON.parse(c.dataset.codes)}));
  function apply() {
    let shown = 0;
    cards.forEach((card, i) => {
      const d = data[i];
      const okLabel = !label.value || d.labels.includes(label.value);
      const okCode = !code.value || (code.value === "__any" ? d.codes.length > 0
        : code.value === "__none" ? d.codes.length === 0 : d.codes.includes(code.value));
      card.style.display = okLabel && okCode ? "" : "none";
      shown += okLabel && okCode ? 1 : 0;
    });
    count.textContent = shown + " of " + cards.length + " shown";
  }
  label.addEventListener("change", apply); code.addEventListener("change", apply); apply();
})();
"""


def problems_by_result(
    records: Sequence[ErrorRecord],
) -> tuple[dict[tuple[str, int], dict[int, str]], list[ErrorRecord]]:
    """Records located in a result, by ``(container, index)`` then result position; and the
    others (task-level: data, envelope)."""
    placed: dict[tuple[str, int], dict[int, str]] = {}
    rest: list[ErrorRecord] = []
    for record in records:
        loc = record.loc[1:]
        if (
            len(loc) >= 4
            and loc[0] in ("predictions", "annotations")
            and isinstance(loc[1], int)
            and loc[2] == "result"
            and isinstance(loc[3], int)
        ):
            where = placed.setdefault((str(loc[0]), loc[1]), {})
            text = f"{record.severity} [{record.code}] {record.message}"
            where[loc[3]] = where[loc[3]] + "; " + text if loc[3] in where else text
        else:
            rest.append(record)
    return placed, rest


def _problem_item(record: ErrorRecord) -> str:
    cls = "pl-err" if record.severity == "error" else "pl-warn"
    hint = record.hint or ""
    shown = f' <span class="pl-muted">hint: {esc(shorten(hint, 120))}</span>' if hint else ""
    return (
        f'<li class="{cls}"><code>{esc(shorten(record.path, 80))}</code> [{esc(record.code)}] '
        f"{esc(shorten(record.message, 240))}{shown}</li>"
    )


@dataclasses.dataclass
class _Kept:
    where: str
    task: dict[str, Any]
    records: list[ErrorRecord]
    labels: list[str]


class Report:
    """Tasks to review on one page.

    Args:
        config: the labeling config (object kinds, label colours).
        limit: at most this many tasks drawn.
        sample: draw a uniform random sample of ``limit`` tasks (seeded by ``seed``) instead
            of the first ``limit``.
        width: thumbnail width of an image, in screen pixels.
        base_dir: where relative image paths are found.
        embed_mb: pictures are embedded until the page holds this many MB of them; later ones
            become placeholders of their natural size.
    """

    def __init__(
        self,
        config: LabelConfig,
        *,
        limit: int = 200,
        sample: bool = False,
        seed: int = 0,
        width: int = 320,
        base_dir: str | os.PathLike[str] | None = None,
        embed_mb: float = 50.0,
    ) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        self.config = config
        self.limit = limit
        self.sample = sample
        self._random = random.Random(seed)
        self.options = Options(
            width=width,
            base_dir=Path(base_dir) if base_dir else None,
            max_items=1,
            embed_budget=int(embed_mb * 1024 * 1024),
        )
        self.palette = Palette(config)
        self.read = 0
        self.labels: Counter[str] = Counter()
        self.codes: Counter[str] = Counter()
        self.severities: Counter[str] = Counter()
        self._kept: list[_Kept] = []

    def add(self, task: Mapping[str, Any], records: Sequence[ErrorRecord], where: str) -> None:
        """Count one task read (its labels, its problems) and keep it if it is to be drawn."""
        self.read += 1
        labels: list[str] = []
        for kind in ("predictions", "annotations"):
            for item in task.get(kind) or [] if isinstance(task, Mapping) else []:
                result = item.get("result") if isinstance(item, Mapping) else None
                for entry in result if isinstance(result, list) else []:
                    if isinstance(entry, Mapping):
                        labels += [x for x in labels_of(entry) if x not in labels]
        self.labels.update(labels)
        self.codes.update(r.code for r in records)
        self.severities.update(r.severity for r in records)
        kept = _Kept(where, dict(task) if isinstance(task, Mapping) else {}, list(records), labels)
        if len(self._kept) < self.limit:
            self._kept.append(kept)
        elif self.sample:  # reservoir sampling: every task read has the same chance
            slot = self._random.randrange(self.read)
            if slot < self.limit:
                self._kept[slot] = kept

    @property
    def drawn(self) -> int:
        """How many tasks the page draws."""
        return len(self._kept)

    def _card(self, kept: _Kept) -> str:
        placed, rest = problems_by_result(kept.records)
        body = render_task(
            kept.task,
            config=self.config,
            options=self.options,
            palette=self.palette,
            problems=placed,
        )
        codes = sorted({r.code for r in kept.records})
        errors = any(r.severity == "error" for r in kept.records)
        listed = "".join(_problem_item(r) for r in rest[:20])
        more = f'<li class="pl-more">… {len(rest) - 20} more</li>' if len(rest) > 20 else ""
        problems = f"<ul>{listed}{more}</ul>" if listed else ""
        cls = "pl-card pl-has-error" if errors else "pl-card"
        return (
            f"<div class=\"{cls}\" data-labels='{esc(json.dumps(kept.labels))}' "
            f"data-codes='{esc(json.dumps(codes))}'><h3>{esc(kept.where)}</h3>"
            f"{problems}{body}</div>"
        )

    def html(self, title: str = "prelabel preview") -> str:
        """The whole page."""
        options = "".join(
            f'<option value="{esc(label)}">{esc(shorten(label, 40))} ({n})</option>'
            for label, n in self.labels.most_common()
        )
        codes = "".join(
            f'<option value="{esc(code)}">{esc(code)} ({n})</option>'
            for code, n in self.codes.most_common()
        )
        drawn = "first" if not self.sample else "a random sample of"
        summary = (
            f"<div><b>{esc(title)}</b>: {self.read:,} task(s) read, {drawn} {self.drawn:,} "
            f"drawn; {self.severities['error']:,} error(s), {self.severities['warning']:,} "
            f"warning(s)</div>"
        )
        filters = (
            '<div class="pl-filters">label<select id="pl-label"><option value="">all</option>'
            f'{options}</select>problem<select id="pl-code"><option value="">all</option>'
            '<option value="__any">any problem</option><option value="__none">no problem'
            f'</option>{codes}</select><span id="pl-count" class="pl-muted"></span></div>'
        )
        cards = "".join(self._card(kept) for kept in self._kept)
        body = wrap(f'{summary}{filters}<div class="pl-grid">{cards}</div>')
        head = f"<style>{REPORT_CSS}</style>"
        return page(title, body + f"<script>{_SCRIPT}</script>", head=head)

    def write(self, path: str | os.PathLike[str], title: str = "prelabel preview") -> Path:
        """Write the page to ``path`` (its directory is created); returns the path."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.html(title), encoding="utf-8")
        return target


def write_report(
    config: LabelConfig,
    tasks: Iterable[Mapping[str, Any]],
    path: str | os.PathLike[str],
    *,
    limit: int = 200,
    sample: bool = False,
    seed: int = 0,
    base_dir: str | os.PathLike[str] | None = None,
) -> Report:
    """Validate ``tasks`` and write the review page of them to ``path``; returns the report.

    >>> import tempfile, pathlib
    >>> from prelabel import LabelConfig
    >>> config = LabelConfig.parse('<View><Text name="t" value="$t"/>'
    ...     '<Labels name="l" toName="t"><Label value="PER"/></Labels></View>')
    >>> task = {"data": {"t": "Ada wrote"}, "predictions": [{"model_version": "v1", "result": [
    ...     {"id": "a", "type": "labels", "from_name": "l", "to_name": "t",
    ...      "value": {"start": 0, "end": 3, "text": "Ada", "labels": ["PER"]}}]}]}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     report = write_report(config, [task], pathlib.Path(tmp) / "index.html")
    >>> report.read, report.drawn, dict(report.labels)
    (1, 1, {'PER': 1})
    """
    from ..validate import Validator

    validator = Validator(config)
    report = Report(config, limit=limit, sample=sample, seed=seed, base_dir=base_dir)
    for index, task in enumerate(tasks):
        report.add(task, validator.check_task(task, index), f"task {index}")
    report.write(path)
    return report
