"""A small Label Studio REST client: create a project, import tasks in chunks, read them back.

It exists to answer one question against a real server: *are my predictions imported and
stored exactly as I wrote them?* Standard library only (``urllib``), so it adds no dependency.

* :meth:`Client.import_tasks` streams any iterable of tasks in chunks. When the server refuses
  a chunk (HTTP 400: one bad task refuses the whole request), the client finds the tasks it
  refused, from the task numbers in the server's message or else by halving the chunk, imports
  the rest, and reports each refused task by its index in your input with the server's reason.
* :func:`stored_differences` compares a task as sent with the task as the server stored it:
  data, and each prediction's ``result``, ``score`` and ``model_version``.

Authentication: a legacy token (``Authorization: Token ...``) or a personal access token (a JWT
refresh token, exchanged for short-lived access tokens at ``/api/token/refresh/``); the kind is
told from the token's shape.

>>> report = ImportReport(project_id=7, sent=3, task_ids={0: 11, 2: 12},
...                       refused=[Refusal(index=1, status=400, errors=("bad x",))])
>>> print(report.summary())
imported 2 of 3 tasks into project 7; the server refused 1:
  task #1: bad x
"""

from __future__ import annotations

import base64
import dataclasses
import http.client
import ipaddress
import json
import re
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal

from ._http import RedirectError, TooLargeError, Transport
from ._redact import redact, register_secret
from .errors import PrelabelError, format_loc

__all__ = [
    "Client",
    "ImportInterruptedError",
    "ImportReport",
    "LabelStudioError",
    "Refusal",
    "stored_differences",
]

_TASK_NUMBER = re.compile(r"^-?\s*(?:Task|Error at item)\s+(\d+)\b")
# The data check appends "[assume: ...] :: {the whole task}": the task is the caller's own.
_TASK_DUMP = re.compile(r"\s*(\[assume:.*?\])?\s*::\s*[{\[].*$", re.DOTALL)
_EXCERPT = 300  # characters of a server message kept in a report line
_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
_IDEMPOTENT = frozenset({"GET", "HEAD", "DELETE", "PUT", "OPTIONS"})
_RETRY_STATUS = frozenset({502, 503, 504})
_RETRY_BASE_S = 0.5  # then 1, 2, ... seconds
_RETRY_MAX_S = 30.0  # the longest Retry-After honoured


StorageKind = Literal["s3", "gcs", "azure", "localfiles"]
"""A Label Studio source storage type, as its API path names it."""


def _kind(kind: str) -> str:
    if kind not in ("s3", "gcs", "azure", "localfiles"):
        raise ValueError(f"kind must be 's3', 'gcs', 'azure' or 'localfiles', got {kind!r}")
    return kind


class LabelStudioError(PrelabelError, RuntimeError):
    """The server could not be reached, refused the credentials, or answered unexpectedly.

    A *data* refusal during :meth:`Client.import_tasks` is not raised: it is reported in
    :class:`ImportReport`. Attributes: ``status`` (HTTP status, None when unreachable) and
    ``detail`` (the server's message, shortened).
    """

    def __init__(self, message: str, *, status: int | None = None, detail: str = "") -> None:
        self.status = status
        self.detail = redact(detail)
        super().__init__(redact(message) + (f": {self.detail}" if detail else ""))


@dataclasses.dataclass(frozen=True)
class Refusal:
    """One input task the server refused, with the server's reasons.

    Attributes:
        index: 0-based position of the task in the iterable given to ``import_tasks``.
        status: the HTTP status of the refusal (400).
        errors: the server's messages about this task, each shortened to a few hundred chars.
    """

    index: int
    status: int
    errors: tuple[str, ...]

    def __str__(self) -> str:
        reasons = "; ".join(self.errors) or f"HTTP {self.status}"
        return f"task #{self.index}: {reasons}"


@dataclasses.dataclass
class ImportReport:
    """What :meth:`Client.import_tasks` did.

    Attributes:
        project_id: the project imported into.
        sent: how many tasks were read from the input.
        task_ids: input index -> id of the task the server created.
        refused: the tasks the server refused, in input order.
        requests: import requests made (more than the chunks when some were refused).
        seconds: wall time of the whole import.
        skipped: input indexes not sent because ``skip`` said they are already imported.
        unconfirmed: input indexes sent in the request that failed, so the server may or may
            not hold them (empty unless the import was interrupted).
    """

    project_id: int
    sent: int = 0
    task_ids: dict[int, int] = dataclasses.field(default_factory=dict)
    refused: list[Refusal] = dataclasses.field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    skipped: list[int] = dataclasses.field(default_factory=list)
    unconfirmed: list[int] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every task was imported (or skipped as imported before)."""
        return not self.refused and len(self.task_ids) + len(self.skipped) == self.sent

    def summary(self, *, limit: int = 20) -> str:
        """A short human report: counts, then one line per refused task (at most ``limit``)."""
        head = f"imported {len(self.task_ids)} of {self.sent} tasks into project {self.project_id}"
        if self.skipped:
            head += f" ({len(self.skipped)} skipped: already there)"
        if not self.refused:
            return head
        lines = [f"{head}; the server refused {len(self.refused)}:"]
        lines += [f"  {refusal}" for refusal in self.refused[:limit]]
        if len(self.refused) > limit:
            lines.append(f"  ... and {len(self.refused) - limit} more")
        return "\n".join(lines)


class ImportInterruptedError(LabelStudioError):
    """The import stopped part-way (the server failed, the deadline passed): ``report`` says
    exactly which input tasks were imported (``task_ids``), refused, and which were in the
    request that failed (``unconfirmed``). Import the rest into the same project with
    ``skip`` (``prelabel upload --project ID --resume``): no task is imported twice."""

    def __init__(self, cause: LabelStudioError, report: ImportReport) -> None:
        super().__init__(str(cause), status=cause.status)
        self.detail = cause.detail
        self.report = report


@dataclasses.dataclass
class _Response:
    status: int
    body: Any


class Client:
    """Talk to one Label Studio server with an API token.

    Args:
        url: the server's base URL (``http://localhost:8080``).
        token: a legacy API token, or a personal access token (JWT refresh token).
        timeout_s: seconds each request may take in all, answer included (a big import chunk
            can take a while); a server that drips its answer is cut off.
        deadline_s: seconds all requests of this client may take together (None: no limit).
        retries: how often a read (GET) or a DELETE is retried after HTTP 502/503/504 or a
            broken connection, with exponential backoff, within the deadline. Imports are
            never retried (the server may have stored the tasks).

    Redirects are followed only for reads, and only to the same scheme, host and port: the
    token never goes to another address, and a POST is never turned into a GET. The token
    never appears in an error message.

    Raises:
        ValueError: ``url`` is not an http(s) URL, or ``token`` is empty.
    """

    def __init__(
        self,
        url: str,
        token: str,
        *,
        timeout_s: float = 300.0,
        deadline_s: float | None = None,
        retries: int = 3,
    ) -> None:
        if token.strip():
            register_secret(token)
        parsed = urllib.parse.urlsplit(url)
        if parsed.password:
            register_secret(parsed.password)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(
                f"url must be an http(s) URL like http://localhost:8080, got {redact(repr(url))}"
            )
        if not token.strip():
            raise ValueError("token must not be empty (Label Studio: Account & Settings)")
        if not timeout_s > 0 or (deadline_s is not None and not deadline_s > 0):
            raise ValueError("timeout_s and deadline_s must be positive numbers of seconds")
        self.url = url.rstrip("/")
        self.timeout_s = timeout_s
        self.deadline_s = deadline_s
        self.retries = max(0, retries)
        self.requests = 0
        """Requests sent so far (retries included)."""
        self._deadline = None if deadline_s is None else time.monotonic() + deadline_s
        self._token = token.strip()
        self._jwt = bool(_JWT.match(self._token))
        self._access: str | None = None
        self._access_expires = 0.0
        # never send loopback to a proxy
        self._transport = Transport(proxies=not _is_loopback(parsed.hostname or ""))

    # --- projects ---------------------------------------------------------------------------

    def health(self) -> bool:
        """True when ``/health`` answers ``{"status": "UP"}``."""
        try:
            response = self._call("GET", "/health", auth=False)
        except LabelStudioError:
            return False
        return isinstance(response.body, dict) and response.body.get("status") == "UP"

    def validate_config(self, config_xml: str) -> list[str]:
        """The server's objections to a labeling config; an empty list when it accepts it."""
        response = self._call(
            "POST",
            "/api/projects/validate/",
            _json_bytes({"label_config": config_xml}),
            accept=(204, 200, 400),
        )
        return _error_lines(response.body) if response.status == 400 else []

    def create_project(self, title: str, config_xml: str, **settings: Any) -> int:
        """Create a project with this labeling config; return its id.

        ``settings`` are passed through as project fields (``show_collab_predictions=True``,
        ``model_version="yolo-v8"``, ...).

        Raises:
            LabelStudioError: the server refused the project (an invalid config, a title
                shorter than 3 characters, ...); the message carries its reasons.
        """
        body = {"title": title, "label_config": config_xml, **settings}
        response = self._call("POST", "/api/projects/", _json_bytes(body), accept=(201, 400))
        if response.status == 400:
            raise LabelStudioError(
                "the server refused the project",
                status=400,
                detail="; ".join(_error_lines(response.body)),
            )
        project_id = response.body.get("id") if isinstance(response.body, dict) else None
        if not isinstance(project_id, int) or isinstance(project_id, bool):
            raise LabelStudioError(
                "POST /api/projects/ answered without a project id",
                status=response.status,
                detail=_excerpt(response.body),
            )
        return project_id

    def delete_project(self, project_id: int) -> None:
        """Delete a project and its tasks."""
        self._call("DELETE", f"/api/projects/{int(project_id)}/", accept=(204, 200, 404))

    # --- tasks ------------------------------------------------------------------------------

    def import_tasks(
        self,
        project_id: int,
        tasks: Iterable[Mapping[str, Any]],
        *,
        chunk_size: int = 500,
        max_chunk_bytes: int = 32 * 2**20,
        progress: Callable[[int, int], None] | None = None,
        skip: Callable[[Mapping[str, Any]], bool] | None = None,
    ) -> ImportReport:
        """Import tasks (with inline ``predictions``) into a project, a chunk at a time.

        Args:
            project_id: the project to import into.
            tasks: task dicts, read lazily (a generator over a huge file is fine).
            chunk_size: at most this many tasks per request.
            max_chunk_bytes: at most about this many bytes of JSON per request.
            progress: called after every request with (tasks done, tasks refused so far).
            skip: tasks for which it answers True are not sent (counted in ``skipped``): how
                a resumed import leaves out the tasks the project already holds.

        Returns:
            The report: created task ids by input index, and every refused task with the
            server's reasons. Refused tasks do not stop the import.

        Raises:
            ValueError: ``chunk_size`` < 1, or a task that is not JSON (NaN, a set, ...).
            ImportInterruptedError: the import stopped part-way (the server failed or became
                unreachable, the deadline passed): its ``report`` says which tasks are in.
            LabelStudioError: the server is unreachable, the token is refused, the project
                does not exist, or an answer other than success or a data refusal, before
                any task was imported.
        """
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
        report = ImportReport(project_id=int(project_id))
        started = time.perf_counter()
        done = 0
        try:
            for chunk in _chunks(tasks, chunk_size, max_chunk_bytes, report, skip):
                self._send(report, chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, len(report.refused))
        except LabelStudioError as error:
            report.seconds = time.perf_counter() - started
            report.refused.sort(key=lambda refusal: refusal.index)
            if not (report.task_ids or report.refused or report.skipped or report.unconfirmed):
                raise
            raise ImportInterruptedError(error, report) from error
        report.refused.sort(key=lambda refusal: refusal.index)
        report.seconds = time.perf_counter() - started
        return report

    def _send(self, report: ImportReport, part: list[tuple[int, bytes]]) -> None:
        """Import ``part``, settling every refusal."""
        if not self._post(report, part):
            self._split(report, part)

    def _split(self, report: ImportReport, part: list[tuple[int, bytes]]) -> None:
        """Find the refused tasks of ``part``, refused as a whole with no task named, keeping
        the input order: halve while refusals are rare; when half or more of the first half
        was refused, send the second half a task at a time (about one request per task when
        most are bad, where halving alone takes two)."""
        middle = len(part) // 2
        first, second = part[:middle], part[middle:]
        before = len(report.refused)
        self._send(report, first)
        if (len(report.refused) - before) * 2 >= len(first) and len(second) > 1:
            for item in second:
                self._post(report, [item])
        else:
            self._send(report, second)

    def _post(self, report: ImportReport, part: list[tuple[int, bytes]]) -> bool:
        """One import request. True when ``part`` is settled (imported, or its refusals
        named and the rest imported); False when refused as a whole with no task named."""
        path = f"/api/projects/{report.project_id}/import?return_task_ids=true"
        body = b"[" + b",".join(raw for _, raw in part) + b"]"
        report.unconfirmed = [index for index, _ in part]  # until the server answers
        response = self._call("POST", path, body, accept=(201, 400))
        report.requests += 1
        if response.status == 201:
            ids = response.body.get("task_ids") if isinstance(response.body, dict) else None
            if not (isinstance(ids, list) and len(ids) == len(part)):
                raise LabelStudioError(
                    f"the import answered without one task id per task ({len(part)} sent)",
                    status=201,
                    detail=_excerpt(response.body),
                )
            report.unconfirmed = []
            report.task_ids.update(zip((index for index, _ in part), ids, strict=True))
            return True
        report.unconfirmed = []
        lines = _error_lines(response.body)
        if len(part) == 1:
            report.refused.append(Refusal(part[0][0], 400, _strip_numbers(lines)))
            return True
        by_task = _lines_by_task(lines, len(part))
        if not by_task:
            return False
        for local, reasons in sorted(by_task.items()):
            report.refused.append(Refusal(part[local][0], 400, reasons))
        rest = [item for local, item in enumerate(part) if local not in by_task]
        if rest:
            self._send(report, rest)
        return True

    def iter_tasks(self, project_id: int, *, page_size: int = 200) -> Iterator[dict[str, Any]]:
        """Yield every task of a project as stored, with its predictions, in id order.

        Raises:
            LabelStudioError: as every call; also a page that is not a list of tasks with
                ids, or a server that ignores paging (a page repeating tasks already read).
        """
        page, seen = 1, 0
        ids: set[int] = set()
        while True:
            query = urllib.parse.urlencode(
                {
                    "project": int(project_id),
                    "fields": "all",
                    "resolve_uri": "false",
                    "page_size": page_size,
                    "page": page,
                }
            )
            response = self._call("GET", f"/api/tasks/?{query}", accept=(200, 404))
            if response.status == 404:  # past the last page
                return
            body = response.body
            tasks = body.get("tasks", []) if isinstance(body, dict) else body
            if not isinstance(tasks, list) or not all(
                isinstance(t, dict) and isinstance(t.get("id"), int) for t in tasks
            ):
                raise LabelStudioError(
                    f"unexpected answer to GET /api/tasks/ page {page}: not a list of tasks "
                    "with ids",
                    status=response.status,
                    detail=_excerpt(body),
                )
            fresh = {t["id"] for t in tasks} - ids
            if tasks and not fresh:
                raise LabelStudioError(
                    f"GET /api/tasks/ page {page} repeats tasks already read: the server "
                    "ignores paging (stopped instead of reading forever)",
                    status=response.status,
                )
            ids |= fresh
            yield from tasks
            seen += len(tasks)
            total = body.get("total") if isinstance(body, dict) else None
            if not tasks or (isinstance(total, int) and seen >= total):
                return
            page += 1

    def read_tasks(self, project_id: int) -> list[dict[str, Any]]:
        """Every task of a project as stored, with its predictions, in id order."""
        return list(self.iter_tasks(project_id))

    def read_task(self, task_id: int) -> dict[str, Any]:
        """One stored task by id, with its predictions."""
        response = self._call("GET", f"/api/tasks/{int(task_id)}/?resolve_uri=false")
        if not isinstance(response.body, dict):
            raise LabelStudioError(
                f"GET /api/tasks/{int(task_id)}/ answered something else than a task",
                status=response.status,
                detail=_excerpt(response.body),
            )
        body: dict[str, Any] = response.body
        return body

    # --- source storages --------------------------------------------------------------------

    def add_import_storage(self, project_id: int, kind: StorageKind, **settings: Any) -> int:
        """Connect a source storage to a project (tasks are read from it on sync); its id.

        Args:
            project_id: the project.
            kind: ``"s3"``, ``"gcs"``, ``"azure"`` or ``"localfiles"``.
            settings: the storage's fields, e.g. for ``s3``: ``bucket``, ``prefix``,
                ``use_blob_urls=False`` (read each file as tasks), ``regex_filter``,
                ``aws_access_key_id``, ``aws_secret_access_key``, ``region_name``,
                ``s3_endpoint``; for ``localfiles``: ``path``.

        Raises:
            LabelStudioError: the server refused the storage (it checks the connection: a
                missing bucket or prefix, a refused endpoint); the message carries why.
        """
        body = {"project": int(project_id), **settings}
        response = self._call(
            "POST", f"/api/storages/{_kind(kind)}/", _json_bytes(body), accept=(200, 201, 400)
        )
        if response.status == 400:
            raise LabelStudioError(
                f"the server refused the {kind} storage",
                status=400,
                detail="; ".join(_error_lines(response.body)),
            )
        return int(response.body["id"])

    def sync_import_storage(
        self, kind: StorageKind, storage_id: int, *, timeout_s: float = 600.0
    ) -> dict[str, Any]:
        """Sync a source storage (import the files it has not imported yet) and wait for it.

        Returns:
            The storage as the server describes it after the sync: ``status``
            (``completed``), ``last_sync_count`` (tasks added by this sync), ``meta``.

        Raises:
            LabelStudioError: the sync failed, ended with errors, or did not end in
                ``timeout_s``; the message carries the server's reason.
        """
        path = f"/api/storages/{_kind(kind)}/{int(storage_id)}"
        state: dict[str, Any] = self._call("POST", f"{path}/sync", b"{}").body
        deadline = time.monotonic() + timeout_s
        while state.get("status") in ("initialized", "queued", "in_progress"):
            if time.monotonic() > deadline:
                raise LabelStudioError(f"the {kind} storage sync did not end in {timeout_s:.0f} s")
            time.sleep(0.5)
            state = self._call("GET", path).body
        if state.get("status") != "completed":
            detail = state.get("traceback") or json.dumps(state.get("meta"))[:_EXCERPT]
            raise LabelStudioError(
                f"the {kind} storage sync ended {state.get('status')!r}", detail=str(detail)
            )
        return state

    # --- media (docs/media.md) ---------------------------------------------------------------

    def local_files_storages(self, project_id: int) -> list[dict[str, Any]]:
        """The local-files import storages of a project (``path``, ``id``, ``title``, ...)."""
        query = urllib.parse.urlencode({"project": int(project_id)})
        response = self._call("GET", f"/api/storages/localfiles/?{query}")
        body = response.body
        return [s for s in body if isinstance(s, dict)] if isinstance(body, list) else []

    def connect_local_files(self, project_id: int, path: str, *, title: str = "") -> int:
        """Add a local-files storage for ``path`` (a directory on the server) to a project.

        The storage is not synced: it only lets the server serve ``/data/local-files/?d=...``
        URLs of files inside ``path`` (syncing would import every file as a new task).

        Raises:
            LabelStudioError: the server refused it; its reason says what to set up (local
                files serving off, ``path`` not below ``LOCAL_FILES_DOCUMENT_ROOT``, missing).
        """
        try:
            return self.add_import_storage(
                project_id,
                "localfiles",
                path=path,
                title=title or f"prelabel {path}"[:256],
                use_blob_urls=True,
            )
        except LabelStudioError as error:
            if error.status != 400:
                raise
            raise LabelStudioError(
                f"the server refused a local-files storage for {path}",
                status=400,
                detail=error.detail,
            ) from None

    def media_status(self, url: str) -> tuple[int, str]:
        """Ask the server for a media URL it would serve the editor (``/data/...``).

        Returns the HTTP status (200/206 served, 403 refused, 404 not found) and the start of
        the server's message when it refused; only the first byte is asked for.
        """
        headers = {"Range": "bytes=0-0", "User-Agent": "prelabel"}
        headers["Authorization"] = self._authorization()
        where = f"GET {self.url}{url.split('?')[0]}"
        try:
            answer = self._transport.request(
                "GET", self.url + url, None, headers, self._budget(where)
            )
        except (RedirectError, TooLargeError, OSError, http.client.HTTPException) as error:
            raise LabelStudioError(f"cannot read {where}", detail=str(error)) from None
        if answer.status in (200, 206):
            return answer.status, ""
        return answer.status, _excerpt(answer.body[:2000].decode("utf-8", "replace").strip())

    # --- HTTP -------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        *,
        accept: Sequence[int] = (200, 201, 204),
        auth: bool = True,
        retry_auth: bool = True,
    ) -> _Response:
        headers = {"Accept": "application/json", "User-Agent": "prelabel"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        where = f"{method} {self.url}{path.split('?')[0]}"
        idempotent = method in _IDEMPOTENT
        attempt = 0
        while True:
            if auth:
                headers["Authorization"] = self._authorization()
            seconds = self._budget(where)
            self.requests += 1
            try:
                answer = self._transport.request(method, self.url + path, body, headers, seconds)
            except RedirectError as redirect:
                raise LabelStudioError(
                    f"{where} was redirected (HTTP {redirect.status}) to {redirect.location}; "
                    "prelabel follows a redirect only for a read on the same scheme, host and "
                    "port (the token must not go elsewhere, and a redirected POST loses its "
                    "body): use the final address as the URL",
                    status=redirect.status,
                ) from None
            except TooLargeError as error:
                raise LabelStudioError(f"{where}: {error}") from None
            except (OSError, http.client.HTTPException) as error:
                if idempotent and self._backoff(attempt, None):
                    attempt += 1
                    continue
                reason = getattr(error, "reason", None) or error
                refused = isinstance(reason, ConnectionRefusedError)
                doubt = "" if idempotent or refused else "; the server may or may not have done it"
                raise LabelStudioError(
                    f"cannot reach {self.url} ({method} {path.split('?')[0]}{doubt})",
                    detail=str(reason) or type(reason).__name__,
                ) from None
            status = answer.status
            if status in _RETRY_STATUS and idempotent and self._backoff(attempt, answer.headers):
                attempt += 1
                continue
            break
        parsed = _parse(answer.body)
        if status == 401 and auth and self._jwt and retry_auth:
            self._access = None  # the access token expired early: refresh once and retry
            return self._call(method, path, body, accept=accept, retry_auth=False)
        if status in accept:
            return _Response(status, parsed)
        raise LabelStudioError(
            f"{where} answered HTTP {status}{_hint(status)}",
            status=status,
            detail="; ".join(_error_lines(parsed)) if isinstance(parsed, dict) else "",
        )

    def _budget(self, where: str) -> float:
        """Seconds the next request may take: the timeout, or what is left of the deadline."""
        if self._deadline is None:
            return self.timeout_s
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise LabelStudioError(f"the deadline of {self.deadline_s:g} s passed before {where}")
        return min(self.timeout_s, left)

    def _backoff(self, attempt: int, headers: Mapping[str, str] | None) -> bool:
        """Wait before retry ``attempt + 1``; False when no retry is left or the deadline
        would pass first."""
        if attempt >= self.retries:
            return False
        delay = _RETRY_BASE_S * 2**attempt
        retry_after = (headers or {}).get("Retry-After", "")
        if retry_after.strip().isdigit():
            delay = max(delay, min(float(retry_after), _RETRY_MAX_S))
        if self._deadline is not None and time.monotonic() + delay >= self._deadline:
            return False
        time.sleep(delay)
        return True

    def _authorization(self) -> str:
        if not self._jwt:
            return f"Token {self._token}"
        if self._access is None or time.time() > self._access_expires - 30:
            response = self._call(
                "POST",
                "/api/token/refresh/",
                _json_bytes({"refresh": self._token}),
                accept=(200,),
                auth=False,
            )
            access = response.body.get("access") if isinstance(response.body, dict) else None
            if not isinstance(access, str):
                raise LabelStudioError("the token refresh answered without an access token")
            register_secret(access)
            self._access = access
            self._access_expires = _jwt_expiry(access) or time.time() + 240
        return f"Bearer {self._access}"


# --- comparing what was sent with what was stored ---------------------------------------------


def stored_differences(
    sent: Mapping[str, Any], stored: Mapping[str, Any], *, index: int | None = None
) -> list[str]:
    """How a stored task differs from the task as sent; an empty list when it is unchanged.

    Compares ``data`` and, prediction by prediction, ``result`` (after a JSON round trip, so
    tuples equal lists), ``score`` and ``model_version``. Everything else the server adds (ids,
    timestamps, counters) is ignored. A prediction sent without ``model_version`` is reported:
    the server stores ``"undefined"``, which the editor shows as the prediction's author.

    Args:
        sent: the task dict as imported.
        stored: the task dict read back (:meth:`Client.read_tasks`).
        index: the task's input index, used as the first element of each reported location.

    >>> sent = {"data": {"t": "hi"}, "predictions": [{"model_version": "m", "score": 0.5,
    ...         "result": [{"value": {"x": 1}}]}]}
    >>> stored = {"id": 9, "data": {"t": "hi"}, "predictions": [{"model_version": "m",
    ...           "score": 0.5, "result": [{"value": {"x": 2}}]}]}
    >>> stored_differences(sent, stored, index=0)
    ['$[0].predictions[0].result[0].value.x: sent 1, stored 2']
    """
    sent_plain = json.loads(json.dumps(sent, allow_nan=False))
    root: tuple[str | int, ...] = () if index is None else (index,)
    out: list[str] = []
    _diff(sent_plain.get("data"), stored.get("data"), (*root, "data"), out)
    sent_predictions = sent_plain.get("predictions") or []
    stored_predictions = stored.get("predictions") or []
    if len(sent_predictions) != len(stored_predictions):
        out.append(
            f"{format_loc((*root, 'predictions'))}: sent {len(sent_predictions)} prediction(s), "
            f"stored {len(stored_predictions)}"
        )
    for number, (mine, theirs) in enumerate(
        zip(sent_predictions, stored_predictions, strict=False)
    ):
        loc = (*root, "predictions", number)
        _diff(mine.get("result"), theirs.get("result"), (*loc, "result"), out)
        _diff(mine.get("score"), theirs.get("score"), (*loc, "score"), out)
        if "model_version" not in mine:
            out.append(
                f"{format_loc((*loc, 'model_version'))}: sent none, stored "
                f"{_short(theirs.get('model_version'))} (set model_version on every prediction)"
            )
        else:
            _diff(mine["model_version"], theirs.get("model_version"), (*loc, "model_version"), out)
    return out


def _diff(a: Any, b: Any, loc: tuple[str | int, ...], out: list[str]) -> None:
    if type(a) is type(b) and isinstance(a, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if key not in b:
                out.append(f"{format_loc((*loc, key))}: sent {_short(a[key])}, not stored")
            elif key not in a:
                out.append(f"{format_loc((*loc, key))}: not sent, stored {_short(b[key])}")
            else:
                _diff(a[key], b[key], (*loc, key), out)
    elif type(a) is type(b) and isinstance(a, list):
        if len(a) != len(b):
            out.append(f"{format_loc(loc)}: sent {len(a)} item(s), stored {len(b)}")
        for position, (x, y) in enumerate(zip(a, b, strict=False)):
            _diff(x, y, (*loc, position), out)
    elif a != b or type(a) is not type(b):
        out.append(f"{format_loc(loc)}: sent {_short(a)}, stored {_short(b)}")


# --- helpers ----------------------------------------------------------------------------------


def _chunks(
    tasks: Iterable[Mapping[str, Any]],
    size: int,
    max_bytes: int,
    report: ImportReport | None = None,
    skip: Callable[[Mapping[str, Any]], bool] | None = None,
) -> Iterator[list[tuple[int, bytes]]]:
    """Runs of ``(input index, JSON bytes)``; counts ``sent`` and ``skipped`` on ``report``."""
    chunk: list[tuple[int, bytes]] = []
    nbytes = 0
    for index, task in enumerate(tasks):
        if report is not None:
            report.sent += 1
            if skip is not None and skip(task):
                report.skipped.append(index)
                continue
        try:
            raw = _json_bytes(task)
        except (TypeError, ValueError) as error:
            raise ValueError(f"task #{index} is not plain JSON: {error}") from error
        if chunk and (len(chunk) >= size or nbytes + len(raw) > max_bytes):
            yield chunk
            chunk, nbytes = [], 0
        chunk.append((index, raw))
        nbytes += len(raw) + 1
    if chunk:
        yield chunk


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def _parse(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def _error_lines(body: Any) -> list[str]:
    """The server's error messages, one per line, from its JSON error body."""
    if isinstance(body, dict) and "validation_errors" in body:
        body = body["validation_errors"]
    lines: list[str] = []

    def walk(value: Any, key: str | None) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, str(k) if key is None else f"{key}.{k}")
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, str):
            for line in value.splitlines():
                text = line.strip()
                if text and not text.startswith("Prediction validation failed ("):
                    lines.append(_excerpt(_TASK_DUMP.sub("", text.removeprefix("- "))))
        elif value is not None:
            lines.append(_excerpt(value))

    if isinstance(body, dict) and set(body) <= {"detail", "id", "status_code", "version"}:
        walk(body.get("detail"), None)
    elif isinstance(body, str):
        lines.append(_excerpt(_strip_html(body)))
    else:
        walk(body, None)
    return lines


def _lines_by_task(lines: Sequence[str], count: int) -> dict[int, tuple[str, ...]]:
    """Group server lines by the task number they start with (0-based in the request).

    Returns an empty dict unless every line names a task inside the request, so a message
    that cannot be attributed falls back to halving.
    """
    grouped: dict[int, list[str]] = {}
    for line in lines:
        match = _TASK_NUMBER.match(line)
        if match is None or int(match.group(1)) >= count:
            return {}
        grouped.setdefault(int(match.group(1)), []).append(line)
    return {k: _strip_numbers(v) for k, v in grouped.items()}


def _strip_numbers(lines: Iterable[str]) -> tuple[str, ...]:
    """Drop the request-relative "Task 3, " prefix: it means nothing to the caller."""
    out = []
    for line in lines:
        match = _TASK_NUMBER.match(line)
        out.append(line[match.end() :].lstrip(" ,:") if match else line)
    return tuple(out)


def _excerpt(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 3] + "..."


def _short(value: Any) -> str:
    return _excerpt(json.dumps(value, ensure_ascii=False))


def _strip_html(text: str) -> str:
    if "<html" in text.lower():
        title = re.search(r"<title>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        return title.group(1).strip() if title else "an HTML page"
    return text.strip()


def _hint(status: int) -> str:
    return {
        401: " (the token was refused: copy it from Account & Settings)",
        403: " (the token's user may not do this)",
        404: " (not found: check the URL and the project id)",
        413: " (the request is too large: use a smaller chunk size)",
    }.get(status, "")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _jwt_expiry(token: str) -> float | None:
    """The ``exp`` claim of a JWT, read without checking the signature (the server does)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return float(exp) if isinstance(exp, int | float) else None
