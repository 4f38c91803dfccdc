"""``prelabel upload --config CONFIG.xml TASKS...``: import into a real Label Studio and check.

Creates a project with the config (or uses ``--project``), imports the tasks in chunks, reports
every task the server refused with its reason, then reads the tasks back and reports any
prediction whose ``result``, ``score`` or ``model_version`` was not stored exactly as sent.
The same check prelabel's own conformance suite runs against Label Studio 1.23.2.

Tasks whose media are ``/data/local-files/?d=...`` URLs: ``--local-files-root DIR`` connects a
local-files storage for DIR to the project (what the server needs to serve them), and every
such file is asked of the server after the import; each task whose file it does not serve is
reported (docs/media.md).

URL and token come from ``--url``/``--token`` or ``LABEL_STUDIO_URL``/``LABEL_STUDIO_API_KEY``.

Exit status: 0 every task imported and stored unchanged, 1 the server refused tasks, stored
something else or cannot serve a local file the tasks use, 2 wrong usage, an unreadable file,
or a server that cannot be used (unreachable, token refused, config or storage refused).
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._lazy import lazy_module
from .._redact import redact
from ..errors import TaskFileError
from ..io import read_tasks_located
from ._progress import Progress, total_size

if TYPE_CHECKING:
    from .. import labelstudio
    from ..media import _served as served_files
else:  # the HTTP client (http.client, ssl, email) is imported when an upload starts
    labelstudio = lazy_module("prelabel.labelstudio")
    served_files = lazy_module("prelabel.media._served")

NAME = "upload"
_SHOWN = 20  # lines of refusals / differences printed before "... and N more"


def add_parser(sub: Any) -> None:
    """Register the command on the ``prelabel`` subparsers."""
    parser = sub.add_parser(
        NAME,
        help="import tasks into a Label Studio project and check what it stored",
        description="Import TASKS (.json, .jsonl or directories) into Label Studio, report "
        "what the server refused, then read every task back and report any prediction not "
        "stored exactly as sent. Exit status: 0 all imported unchanged, 1 refused or changed, "
        "2 wrong usage, unreadable file or unusable server.",
    )
    parser.add_argument("tasks", nargs="+", metavar="TASKS", help=".json, .jsonl or directory")
    parser.add_argument("--config", help="labeling config XML (needed to create a project)")
    parser.add_argument(
        "--url",
        default=os.environ.get("LABEL_STUDIO_URL"),
        help="Label Studio URL (default: $LABEL_STUDIO_URL)",
    )
    parser.add_argument(
        "--token",
        default=os.environ.get("LABEL_STUDIO_API_KEY"),
        help="API token (default: $LABEL_STUDIO_API_KEY; prefer the variable, a command line "
        "is visible to other users)",
    )
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--project", type=int, help="import into this existing project id")
    target.add_argument("--title", help="title of the new project (default: from TASKS)")
    parser.add_argument("--chunk-size", type=int, default=500, help="tasks per request")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="with --project: leave out the tasks the project already holds (same data), so "
        "re-running an interrupted upload imports the rest without duplicates",
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=300.0,
        metavar="S",
        help="seconds each request may take, answer included (default 300)",
    )
    parser.add_argument(
        "--deadline",
        type=_seconds,
        metavar="S",
        help="seconds the whole upload may take (default: no limit)",
    )
    parser.add_argument(
        "--local-files-root",
        metavar="DIR",
        help="connect a local-files storage for DIR (on the server, below its "
        "LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT) so it serves the tasks' /data/local-files/ URLs",
    )
    parser.add_argument(
        "--no-check",
        action="store_true",
        help="do not read the tasks back, nor ask the server for their local files",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress bar (shown only on a terminal)"
    )


def run(args: argparse.Namespace) -> int:
    """Upload, report refusals, read back and compare; return the exit status."""
    usage = _usage_error(args)
    if usage:
        print(f"prelabel upload: {usage}", file=sys.stderr)
        return 2
    sources = [Path(p) for p in args.tasks]
    project_id = args.project
    try:
        client = labelstudio.Client(
            args.url, args.token, timeout_s=args.timeout, deadline_s=args.deadline
        )
        if project_id is None:
            xml = Path(args.config).read_text(encoding="utf-8")
            title = args.title or f"prelabel upload {sources[0].name}"[:50]
            project_id = client.create_project(title, xml)
        storage = _connect(client, project_id, args.local_files_root)
        refs = served_files.LocalFileRefs(client.url)
        progress = Progress(
            sys.stderr, total_size(sources), label="upload", enabled=not args.no_progress
        )
        report = client.import_tasks(
            project_id,
            _noting(_read(sources, progress), refs),
            chunk_size=args.chunk_size,
            progress=lambda done, refused: progress.update(tasks=done, problems=refused),
            skip=_already_there(client, project_id) if args.resume else None,
        )
        progress.clear()
        differences = [] if args.no_check else _check(client, sources, report)
        served = None if args.no_check else served_files.check_served(client, refs)
    except labelstudio.ImportInterruptedError as exc:
        return _interrupted(args, exc)
    except (OSError, TaskFileError) as exc:
        return _failed(args, _describe(exc))
    except (labelstudio.LabelStudioError, ValueError) as exc:
        return _failed(args, str(exc))
    link = f"{client.url}/projects/{project_id}/data"
    if args.format == "json":
        out = _as_json(report, differences, link, checked=not args.no_check)
        out["local_files"] = _media_json(storage, served)
        print(json.dumps(out, indent=2))
    else:
        print(_as_text(report, differences, link, checked=not args.no_check))
        if storage is not None:
            print(f"local-files storage {storage[0]}: {storage[1]}")
        for line in served.lines(limit=_SHOWN) if served is not None else ():
            print(line)
    media_ok = served is None or served.ok
    return 0 if report.ok and not differences and media_ok else 1


def _connect(
    client: labelstudio.Client, project_id: int, root: str | None
) -> tuple[int, str] | None:
    """The local-files storage for ``root`` on the project: found, or made; None without root."""
    if root is None:
        return None
    path = os.path.abspath(root)
    for storage in client.local_files_storages(project_id):
        if os.path.normpath(str(storage.get("path", ""))) == path:
            return int(storage["id"]), path
    return client.connect_local_files(project_id, path), path


def _noting(
    tasks: Iterator[dict[str, Any]], refs: served_files.LocalFileRefs
) -> Iterator[dict[str, Any]]:
    for index, task in enumerate(tasks):
        if isinstance(task, dict):
            refs.add(index, task)
        yield task


def _media_json(
    storage: tuple[int, str] | None, served: served_files.ServedReport | None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "storage": None if storage is None else {"id": storage[0], "path": storage[1]}
    }
    if served is not None:
        out.update(
            checked=served.checked,
            serving_off=served.serving_off,
            not_served=[{"index": i, "url": u, "reason": r} for i, u, r in served.not_served],
            not_checked=served.not_checked,
        )
    return out


def _usage_error(args: argparse.Namespace) -> str | None:
    if not args.url:
        return "no server: pass --url or set LABEL_STUDIO_URL"
    if not args.token:
        return "no token: set LABEL_STUDIO_API_KEY (or pass --token)"
    if args.project is None and not args.config:
        return "pass --config CONFIG.xml to create a project, or --project ID to use one"
    if args.chunk_size < 1:
        return f"--chunk-size must be at least 1, got {args.chunk_size}"
    if args.resume and args.project is None:
        return "--resume needs --project ID: the project the interrupted upload imported into"
    return None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def _failed(args: argparse.Namespace, message: str) -> int:
    """Print why the upload could not run (as JSON too with --format json); status 2."""
    message = redact(message)
    if args.format == "json":
        print(json.dumps({"ok": False, "error": message}, indent=2))
    print(f"prelabel upload: {message}", file=sys.stderr)
    return 2


def _interrupted(args: argparse.Namespace, exc: labelstudio.ImportInterruptedError) -> int:
    """The import stopped part-way: say exactly what is in, and how to go on."""
    report = exc.report
    resume = f"--project {report.project_id} --resume"
    if args.format == "json":
        answer = _as_json(report, [], "", checked=False)
        answer.update(ok=False, error=redact(str(exc)), resume=resume)
        del answer["project_url"]
        print(json.dumps(answer, indent=2))
    else:
        print(report.summary(limit=_SHOWN))
    unconfirmed = _ranges(report.unconfirmed)
    print(
        f"prelabel upload: stopped: {redact(str(exc))}\n"
        + (
            f"  tasks {unconfirmed} were in the request that failed: the server may or may "
            "not hold them\n"
            if unconfirmed
            else ""
        )
        + f"  to import the rest without duplicates, run the same command with {resume}",
        file=sys.stderr,
    )
    return 2


def _ranges(indexes: list[int]) -> str:
    """``#3-#9, #12`` for input indexes."""
    runs: list[list[int]] = []
    for index in sorted(indexes):
        if runs and index == runs[-1][1] + 1:
            runs[-1][1] = index
        else:
            runs.append([index, index])
    return ", ".join(f"#{a}" if a == b else f"#{a}-#{b}" for a, b in runs)


def _fingerprint(task: Mapping[str, Any]) -> bytes:
    data = json.loads(json.dumps(task.get("data"), allow_nan=False))
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def _already_there(
    client: labelstudio.Client, project_id: int
) -> Callable[[Mapping[str, Any]], bool]:
    """A ``skip`` for ``Client.import_tasks``: True for a task whose data the project
    already holds (each stored task matches one input task)."""
    stored = collections.Counter(_fingerprint(task) for task in client.iter_tasks(project_id))

    def skip(task: Mapping[str, Any]) -> bool:
        key = _fingerprint(task)
        if stored[key] > 0:
            stored[key] -= 1
            return True
        return False

    return skip


def _read(sources: list[Path], progress: Progress | None = None) -> Iterator[dict[str, Any]]:
    on_bytes = progress.advance if progress is not None else None
    for source in sources:
        for _, task in read_tasks_located(source, on_bytes=on_bytes):
            yield task


def _check(
    client: labelstudio.Client, sources: list[Path], report: labelstudio.ImportReport
) -> list[str]:
    """Read the imported tasks back (streaming, in id order) and compare them with the input."""
    expected = {task_id: index for index, task_id in report.task_ids.items()}
    stored = (task for task in client.iter_tasks(report.project_id) if task["id"] in expected)
    differences: list[str] = []
    found = 0
    sent = ((i, t) for i, t in enumerate(_read(sources)) if i in report.task_ids)
    for (index, task), back in zip(sent, stored, strict=False):
        found += 1
        if expected[back["id"]] != index:
            differences.append(f"task #{index}: read back task id {back['id']} out of order")
            continue
        differences += labelstudio.stored_differences(task, back, index=index)
    if found != len(report.task_ids):
        differences.append(f"read back {found} of {len(report.task_ids)} imported tasks")
    return differences


def _as_text(
    report: labelstudio.ImportReport, differences: list[str], link: str, *, checked: bool
) -> str:
    lines = [report.summary(limit=_SHOWN), f"project: {link}"]
    if checked:
        if differences:
            lines.append(f"{len(differences)} difference(s) between what was sent and stored:")
            lines += [f"  {line}" for line in differences[:_SHOWN]]
            if len(differences) > _SHOWN:
                lines.append(f"  ... and {len(differences) - _SHOWN} more")
        else:
            lines.append(f"read back {len(report.task_ids)} tasks: every prediction stored as sent")
    return "\n".join(lines)


def _as_json(
    report: labelstudio.ImportReport, differences: list[str], link: str, *, checked: bool
) -> dict[str, Any]:
    return {
        "project_id": report.project_id,
        "project_url": link,
        "sent": report.sent,
        "imported": len(report.task_ids),
        "refused": [{"index": r.index, "errors": list(r.errors)} for r in report.refused],
        "skipped": len(report.skipped),
        "unconfirmed": report.unconfirmed,
        "requests": report.requests,
        "checked": checked,
        "differences": differences,
        "seconds": round(report.seconds, 3),
    }


def _describe(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"cannot read {os.fsdecode(exc.filename)}: {exc.strerror or exc}"
    return str(exc)
