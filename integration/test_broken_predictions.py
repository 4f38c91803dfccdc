"""Never looser than the server: every prediction a strict Label Studio refuses, prelabel refuses.

Each case of ``broken_cases.CASES`` is imported alone into a project with its config, and run
through ``prelabel.validate.check``. "prelabel refuses" means at least one record of severity
``error`` (warnings do not count). The hard rule: server refuses => prelabel refuses. The other
direction (prelabel refuses what the server stores) is allowed and recorded: the table of every
case is written to ``build/integration/broken-predictions.md`` and copied into
docs/integration.md.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from integration.broken_cases import CASES, CONFIGS, Case
from integration.server import LabelStudioServer, validation_errors_in
from prelabel import LabelConfig
from prelabel.labelstudio import Client, stored_differences

# Cases the strict server refuses that prelabel's validator passes: findings for the validator
# owners (docs/integration.md). Listed here with the reason so CI stays green while they are
# decided; a listed case that prelabel starts to refuse fails, so the list stays true.
VALIDATOR_GAPS: dict[str, str] = {}


@dataclasses.dataclass
class Outcome:
    case: Case
    server_refused: bool
    server_reasons: tuple[str, ...]
    stored_changes: list[str]
    errors: list[str]
    warnings: list[str]

    @property
    def verdict(self) -> str:
        if self.server_refused and not self.errors:
            return "**prelabel looser**"
        if self.server_refused:
            return "both refuse"
        if self.errors:
            return "prelabel stricter"
        return "both accept"


_OUTCOMES: list[Outcome] = []


@pytest.fixture(scope="module")
def project_for(ls_client: Client) -> Callable[[str], int]:
    """A project per config key, made on first use."""
    made: dict[str, int] = {}

    def get(key: str) -> int:
        if key not in made:
            made[key] = ls_client.create_project(f"broken cases: {key}", CONFIGS[key])
        return made[key]

    return get


@pytest.fixture(scope="module", autouse=True)
def table(artifacts: Path) -> Iterator[None]:
    yield
    if not _OUTCOMES:  # a run that selected none of the cases keeps the last table
        return
    rows = sorted(_OUTCOMES, key=lambda o: CASES.index(o.case))
    (artifacts / "broken-predictions.md").write_text(render_table(rows), encoding="utf-8")
    plain = [
        {"case": o.case.id, "server_refused": o.server_refused, "server": list(o.server_reasons),
         "stored_changes": o.stored_changes, "errors": o.errors, "warnings": o.warnings,
         "verdict": o.verdict}
        for o in rows
    ]  # fmt: skip
    (artifacts / "broken-predictions.json").write_text(json.dumps(plain, indent=1) + "\n")


def _validate(case: Case) -> tuple[list[str], list[str]]:
    from prelabel.validate import check

    records = check([case.task], LabelConfig.parse(CONFIGS[case.config]))
    errors = sorted({r.code for r in records if r.severity == "error"})
    warnings = sorted({r.code for r in records if r.severity == "warning"})
    return errors, warnings


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_server_refuses_implies_prelabel_refuses(
    ls_client: Client, project_for: Callable[[str], int], case: Case
) -> None:
    report = ls_client.import_tasks(project_for(case.config), [case.task])
    refused = bool(report.refused)
    reasons = report.refused[0].errors if refused else ()
    changes: list[str] = []
    if not refused:
        stored = ls_client.read_task(report.task_ids[0])
        changes = stored_differences(case.task, stored)
    errors, warnings = _validate(case)
    _OUTCOMES.append(Outcome(case, refused, reasons, changes, errors, warnings))

    if case.valid:
        assert not refused, f"the server refused a valid baseline: {reasons}"
        assert not errors, f"prelabel refused a valid baseline: {errors}"
        assert changes == [], f"the server changed a valid baseline: {changes}"
        return
    gap = VALIDATOR_GAPS.get(case.id)
    if refused and not errors:
        if gap:
            pytest.xfail(gap)
        pytest.fail(
            f"{case.id} ({case.what}): the server refuses it ({'; '.join(reasons)}) but "
            f"prelabel reports no error (warnings: {warnings or 'none'})"
        )
    assert gap is None, f"{case.id} is listed in VALIDATOR_GAPS but prelabel refuses it now"


def test_the_server_is_strict(
    ls_server: LabelStudioServer, ls_client: Client, project_for: Callable[[str], int]
) -> None:
    """Without the strict flag the server stores anything; the comparison would be empty.

    Also proves the log check of the example round trip can see a validation failure.
    """
    pixels = next(case for case in CASES if case.id == "rect-pixels")
    log_start = ls_server.log_size()
    report = ls_client.import_tasks(project_for(pixels.config), [pixels.task])
    assert report.refused, "strict prediction validation is off: check the server's env"
    assert validation_errors_in(ls_server.log_text(log_start))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_table(rows: list[Outcome]) -> str:
    """Markdown: case, what is broken, the server's answer, prelabel's codes, the verdict."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.verdict] = counts.get(row.verdict, 0) + 1
    lines = [
        "| case | what | server (strict, 1.23.2) | prelabel errors | prelabel warnings | verdict |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        if row.server_refused:
            first = row.server_reasons[0] if row.server_reasons else "HTTP 400"
            server = "refused: " + (first[:120] + ("..." if len(first) > 120 else ""))
        elif row.stored_changes:
            server = "stored, changed: " + "; ".join(row.stored_changes)[:120]
        else:
            server = "stored as sent"
        lines.append(
            f"| `{row.case.id}` | {_cell(row.case.what)} | {_cell(server)} "
            f"| {', '.join(f'`{c}`' for c in row.errors) or '-'} "
            f"| {', '.join(f'`{c}`' for c in row.warnings) or '-'} | {row.verdict} |"
        )
    summary = ", ".join(f"{n} {verdict}" for verdict, n in sorted(counts.items()))
    return "\n".join([f"{len(rows)} cases: {summary}.", "", *lines]) + "\n"
