"""Every example's predictions render as sent in Label Studio's real editor (headless Chromium).

For each entry of ``build/demo/manifest.json``: import the example's first TASKS_PER_EXAMPLE
tasks into the session's server, open each task in the data manager's labeling view, and
compare what the editor holds and drew with what was sent (``integration/editor.py``,
:func:`~integration.editor.differences`): every result under the same control with the same
value, image regions drawn inside the image at the sent percent, keypoints as points, brush
masks visible with the mask's bounding box, text spans highlighting exactly ``data[start:end]``,
and no error box. Every prediction of a task is looked at (the first in the editable copy the
editor makes, the others in their tabs), and so is every imported annotation.

The negative controls (``integration/editor_cases.py``) prove that the same check fails on
predictions the editor does not show as sent, and that prelabel's validator refuses each.

When a check fails, screenshots go to ``build/integration/editor/``: the example's first task,
and each view that failed. The findings table is ``build/integration/editor.md``.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from integration.editor import (
    CHROMIUM_FLAGS,
    Editor,
    EditorError,
    EditorReport,
    differences,
    iter_views,
    processes_with,
    stand_ins,
)
from integration.editor_cases import CASES, Case
from integration.server import ROOT, LabelStudioServer
from prelabel.config import LabelConfig
from prelabel.io import read_tasks
from prelabel.labelstudio import Client
from prelabel.validate import check

MANIFEST = ROOT / "build" / "demo" / "manifest.json"
# About 1 s per task in the editor: the first tasks of each example keep the run short.
TASKS_PER_EXAMPLE = 3


# Examples the editor does not show as sent, with the reason; xfail(strict): an example that
# starts to render as sent fails the run until it is taken off this list.
KNOWN_FAILURES: dict[str, str] = {}


def _entries() -> list[dict[str, str]]:
    if not MANIFEST.exists():
        return []
    entries: list[dict[str, str]] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return entries


ENTRIES = _entries()


def _shots(artifacts: Path) -> Path:
    return artifacts / "editor"


def _show(
    editor: Editor,
    report: EditorReport,
    project: int,
    stored: dict[str, Any],
    task: dict[str, Any],
    config: LabelConfig,
    *,
    label: str,
    index: int,
    shots: Path,
    first_shot: list[bytes],
) -> list[str]:
    """Look at every annotation and prediction of one task; return the problems."""
    problems: list[str] = []
    started = time.perf_counter()
    try:
        for kind, k, view in iter_views(editor, project, stored, stand_ins=stand_ins(config, task)):
            sent = task[f"{kind}s"][k].get("result") or []
            found = differences(config, task["data"], sent, view)
            if not first_shot:
                first_shot.append(editor.page.screenshot())
            if found:
                editor.screenshot(shots / f"{label}-task{index}-{kind}{k}.png")
            report.add_view(label, index, kind, k, sent, view, found, time.perf_counter() - started)
            problems += [f"task {index}, {kind} {k}: {problem}" for problem in found]
            started = time.perf_counter()
    except EditorError as error:
        editor.screenshot(shots / f"{label}-task{index}-error.png")
        problems.append(f"task {index}: {error}")
    return problems


def test_the_demo_was_built() -> None:
    assert ENTRIES, f"{MANIFEST} is missing or empty: run `make demo` first"


def _marked(entry: dict[str, str]) -> Any:
    reason = KNOWN_FAILURES.get(entry["name"])
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(entry, id=entry["name"], marks=marks)


@pytest.mark.parametrize("entry", [_marked(e) for e in ENTRIES])
def test_example_renders_as_sent(
    ls_client: Client,
    editor: Editor,
    editor_report: EditorReport,
    artifacts: Path,
    entry: dict[str, str],
) -> None:
    started = time.perf_counter()
    name = entry["name"]
    config_xml = (ROOT / entry["config"]).read_text(encoding="utf-8")
    config = LabelConfig.parse(config_xml)
    tasks: list[dict[str, Any]] = list(read_tasks(ROOT / entry["tasks"]))[:TASKS_PER_EXAMPLE]
    assert tasks, f"{entry['tasks']} holds no task"

    project = ls_client.create_project(f"editor {name}"[:50], config_xml)
    imported = ls_client.import_tasks(project, tasks)
    assert imported.ok, imported.summary()
    stored = {task["id"]: task for task in ls_client.iter_tasks(project)}

    problems: list[str] = []
    first_shot: list[bytes] = []
    for index in sorted(imported.task_ids):
        problems += _show(
            editor,
            editor_report,
            project,
            stored[imported.task_ids[index]],
            tasks[index],
            config,
            label=name,
            index=index,
            shots=_shots(artifacts),
            first_shot=first_shot,
        )
    editor_report.seconds += time.perf_counter() - started
    if problems and first_shot:
        path = _shots(artifacts) / f"{name}-first-task.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(first_shot[0])
    assert problems == [], f"{name}: not shown as sent (screenshots in {_shots(artifacts)}):\n" + (
        "\n".join(problems[:40])
    )


# --- negative controls ----------------------------------------------------------------------


def _import_case(client: Client, case: Case, *, fixed: bool) -> tuple[int, dict[str, Any], str]:
    """Import the case as a prediction; as an annotation when the strict server refuses it."""
    version = "fixed" if fixed else "broken"
    project = client.create_project(f"editor case {case.id} {version}"[:50], case.config)
    task = case.task(fixed=fixed)
    imported = client.import_tasks(project, [task])
    via = "prediction"
    if not imported.ok:
        assert not fixed, f"the server refused the fixed version: {imported.summary()}"
        via = "annotation (the strict server refuses the prediction)"
        task = case.task(fixed=fixed, as_annotation=True)
        imported = client.import_tasks(project, [task])
        assert imported.ok, imported.summary()
    return project, task, via


@pytest.mark.parametrize("fixed", [False, True], ids=["broken", "fixed"])
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_negative_control(
    ls_client: Client,
    editor: Editor,
    editor_report: EditorReport,
    artifacts: Path,
    case: Case,
    fixed: bool,
) -> None:
    """The check passes on the fixed prediction and fails on the broken one, for its reason."""
    started = time.perf_counter()
    config = LabelConfig.parse(case.config)
    project, task, via = _import_case(ls_client, case, fixed=fixed)
    stored = next(iter(ls_client.iter_tasks(project)))
    label = f"case-{case.id}-{'fixed' if fixed else 'broken'}"
    problems = _show(
        editor,
        editor_report,
        project,
        stored,
        task,
        config,
        label=label,
        index=0,
        shots=_shots(artifacts),
        first_shot=[],
    )
    codes = sorted({r.code for r in check([case.task(fixed=fixed)], config)})
    editor_report.cases.append(
        {
            "case": case.id,
            "version": "fixed" if fixed else "broken",
            "via": via,
            "sees": case.sees,
            "problems": problems,
            "codes": codes,
        }
    )
    editor_report.seconds += time.perf_counter() - started
    if fixed:
        assert problems == [], "\n".join(problems)
    else:
        assert problems, f"{case.id}: the editor check found nothing ({case.sees})"
        assert any(any(e in p for e in case.expect) for p in problems), (
            f"{case.id}: expected a problem with one of {case.expect}, got:\n" + "\n".join(problems)
        )


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_validator_refuses_what_the_editor_hides(case: Case) -> None:
    config = LabelConfig.parse(case.config)
    broken = [r for r in check([case.task()], config) if r.severity == "error"]
    assert {r.code for r in broken} & set(case.codes), (
        f"{case.id}: expected one of {case.codes}, prelabel reported "
        f"{sorted({r.code for r in broken})}"
    )
    fixed = check([case.task(fixed=True)], config, strict=True)
    assert fixed == [], [f"{r.path} {r.code}" for r in fixed]


# --- the browser itself ---------------------------------------------------------------------


def test_browser_is_headless_with_the_machine_flags(editor: Editor) -> None:
    pids = editor.pids()
    assert pids, "no process runs with the editor's profile directory"
    lines = []
    for pid in pids:
        try:
            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        lines.append(raw.replace(b"\0", b" ").decode("utf-8", "replace"))
    # The browser process itself: its helpers (--type=renderer, gpu-process, utility) carry the
    # profile directory too, and pid order does not put the browser first.
    browser = [line for line in lines if "--user-data-dir" in line and "--type=" not in line]
    assert browser, lines
    assert "--headless" in browser[0]
    for flag in CHROMIUM_FLAGS:
        assert flag.split("=")[0] in browser[0], flag


def test_only_loopback_reaches_the_network(editor: Editor, ls_server: LabelStudioServer) -> None:
    """A request to any other host is aborted in the browser, never sent."""
    blocked_before = len(editor.blocked)
    outcome = editor.page.evaluate(
        """async () => {
          try { await fetch("https://example.org/prelabel-probe", {mode: "no-cors"});
                return "fetched"; }
          catch (e) { return "refused"; }
        }"""
    )
    assert outcome == "refused"
    assert any("example.org" in url for url in editor.blocked[blocked_before:])
    for url in editor.blocked:
        assert urllib.parse.urlsplit(url).hostname not in ("127.0.0.1", "localhost"), url


def test_editor_refuses_a_non_loopback_server() -> None:
    with pytest.raises(EditorError, match=r"talks to 127\.0\.0\.1 only"):
        Editor("http://example.com:8080", "user", "password")


def test_browser_is_stopped_by_pid_when_a_test_fails(ls_server: LabelStudioServer) -> None:
    """A second browser, stopped from a failing ``with`` block: no process of it survives.

    It runs in its own thread: playwright's sync API allows one instance per thread, and the
    session's browser is running in this one.
    """
    seen: dict[str, Any] = {}

    def failing_test() -> None:
        browser = Editor(ls_server.url, ls_server.username, ls_server.password)
        try:
            with browser:
                seen["profile"] = browser.profile
                seen["pids"] = browser.pids()
                raise RuntimeError("boom")
        except RuntimeError as error:
            seen["error"] = str(error)

    thread = threading.Thread(target=failing_test)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert seen.get("error") == "boom"
    assert seen["pids"], "the browser did not run"
    assert processes_with(str(seen["profile"])) == []
    assert not seen["profile"].exists()
