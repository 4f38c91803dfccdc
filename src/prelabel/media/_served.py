"""Does a Label Studio server serve the local files the tasks point at? (``prelabel upload``)

A ``/data/local-files/?d=...`` URL loads in the editor only when the server has local-files
serving on and a local-files storage covers the file; the task imports either way. So after
an import, each distinct such URL is asked of the server itself (the first byte, with the
caller's token) and every task whose file it does not serve is reported, by its input index.
"""

from __future__ import annotations

import dataclasses
import urllib.parse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._refs import reference_kind

if TYPE_CHECKING:
    from ..labelstudio import Client

__all__ = ["LocalFileRefs", "ServedReport", "check_served"]

PROBE_LIMIT = 2000  # distinct files asked of the server; beyond, they are counted, not asked
_SERVING_OFF = "LOCAL_FILES_SERVING_ENABLED"  # in the server's 403 text when serving is off


class LocalFileRefs:
    """The distinct local-files URLs of a stream of tasks, each with the first task using it.

    Args:
        server_url: the server's base URL; a full ``http://that-server/data/local-files/...``
            URL counts as its path, a local-files URL of another host is not asked about.
        limit: how many distinct URLs to keep (memory stays bounded on a huge upload).
    """

    def __init__(self, server_url: str, *, limit: int = PROBE_LIMIT) -> None:
        self.origin = _origin(server_url)
        self.limit = limit
        self.first_task: dict[str, int] = {}
        self.tasks = 0  # tasks that reference at least one local file
        self.beyond_limit = 0  # distinct-or-not references not kept (over the limit)

    def add(self, index: int, task: Mapping[str, Any]) -> None:
        """Note the local-files URLs among ``task``'s data values (and lists of them)."""
        data = task.get("data", task)
        if not isinstance(data, Mapping):
            return
        found = False
        for value in data.values():
            for item in value if isinstance(value, list) else (value,):
                if isinstance(item, str) and reference_kind(item) == "local_files":
                    path = self._path(item)
                    if path is None:
                        continue
                    found = True
                    if path in self.first_task:
                        continue
                    if len(self.first_task) < self.limit:
                        self.first_task[path] = index
                    else:
                        self.beyond_limit += 1
        self.tasks += found

    def _path(self, url: str) -> str | None:
        parts = urllib.parse.urlsplit(url.strip())
        if parts.scheme and _origin(url) != self.origin:
            return None
        return urllib.parse.urlunsplit(("", "", parts.path, parts.query, ""))


@dataclasses.dataclass
class ServedReport:
    """What the server said about the local files the tasks reference.

    Attributes:
        checked: distinct files asked of the server.
        not_served: ``(task index, url, reason)`` for each file it does not serve.
        serving_off: the server has local-files serving off (nothing was served).
        not_checked: references over the probe limit, not asked about.
        tasks: tasks that reference a local file.
    """

    checked: int = 0
    not_served: list[tuple[int, str, str]] = dataclasses.field(default_factory=list)
    serving_off: bool = False
    not_checked: int = 0
    tasks: int = 0

    @property
    def ok(self) -> bool:
        """True when the server serves every file it was asked about."""
        return not self.not_served and not self.serving_off

    def lines(self, *, limit: int = 20) -> list[str]:
        """A short human report (empty when no task references a local file)."""
        if not self.checked:
            return []
        tail = (
            f" ({self.not_checked} more references not checked: over {PROBE_LIMIT})"
            if self.not_checked
            else ""
        )
        if self.serving_off:
            return [
                f"the server does not serve local files, which {self.tasks} task(s) reference: "
                "restart Label Studio with LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED=true and "
                "LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT=<a directory above your files> "
                "(docs/media.md)" + tail
            ]
        served = self.checked - len(self.not_served)
        if not self.not_served:
            return [f"media: the server serves all {self.checked} local files checked{tail}"]
        out = [
            f"media: the server serves {served} of {self.checked} local files checked; the "
            f"editor cannot load these{tail}:"
        ]
        out += [f"  task #{i}: {url} ({why})" for i, url, why in self.not_served[:limit]]
        if len(self.not_served) > limit:
            out.append(f"  ... and {len(self.not_served) - limit} more")
        out.append(
            "  connect a local-files storage whose path contains them: prelabel upload "
            "--local-files-root DIR (docs/media.md)"
        )
        return out


def check_served(client: Client, refs: LocalFileRefs) -> ServedReport:
    """Ask the server for each local file of ``refs``; report those it does not serve."""
    report = ServedReport(not_checked=refs.beyond_limit, tasks=refs.tasks)
    for url, index in refs.first_task.items():
        status, message = client.media_status(url)
        report.checked += 1
        if status in (200, 206):
            continue
        if status == 403 and _SERVING_OFF in message:
            report.serving_off = True
            break
        if status == 404:
            why = "404: no local-files storage covers it, or the file does not exist"
        else:
            why = f"HTTP {status}" + (f": {message}" if message else "")
        report.not_served.append((index, url, why))
    return report


def _origin(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()
