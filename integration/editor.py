"""Open tasks in Label Studio's real labeling editor (headless Chromium) and read what it shows.

The server storing a prediction does not mean the annotator sees it (docs/integration.md,
"The editor"). This module drives Debian's Chromium through Python playwright (launched with
``executable_path``: playwright's own browser download does not work offline) and reads the
editor the way a person would look at it:

* **what it holds**: ``window.Htx`` is the editor's store. The annotation on screen is
  serialized with the editor's own ``serializeAnnotation()``, i.e. exactly what Submit would
  save, and each region lists the controls whose results it carries;
* **what it drew**: the Konva shapes of image regions (found by the region id the editor puts
  in each shape's name), the pixels of brush masks (alpha and bounding box, read back from the
  mask image the editor drew), and the DOM highlight spans of text regions;
* **error boxes** the editor shows instead of the task.

:func:`differences` compares one such view with the prediction that was sent and lists every
way it was not shown as sent (an empty list: shown as sent).

Lifecycle: :class:`Editor` starts one browser with a fresh profile in a temporary directory and
is stopped by :meth:`Editor.stop` (also from ``atexit`` and the pytest fixture finalizer). Stop
closes the browser through playwright, then kills by PID any process still running with that
profile directory on its command line (only processes this module started carry it).

Loopback only: every request the page makes to a host other than 127.0.0.1 is answered by a
stand-in (:func:`stand_ins`: a PNG of the declared size for an image URL, a WAV for audio, a
bundled file for a CSV; also for Label Studio local-files URLs, which the test server cannot
serve) or aborted, and Chromium resolves no other host name at all.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import json
import math
import os
import shutil
import signal
import struct
import tempfile
import time
import urllib.parse
import zlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from integration.server import LOOPBACK, ROOT
from prelabel.config import LabelConfig
from prelabel.rle import decode

CHROMIUM = Path("/usr/bin/chromium")
# The flags the machine needs (reference: label-studio-editor.md); playwright adds --headless.
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # Belt and braces for "loopback only": no host name resolves but the loopback ones.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
)
VIEWPORT = {"width": 1280, "height": 900}
PROFILE_PREFIX = "prelabel-chromium-"
# Label Studio's local-files storage: the test server has none, so these are stand-ins too.
LOCAL_FILES = "/data/local-files/"

# How close a drawn shape must be to the sent geometry, in percent of the image side.
TOLERANCE_PCT = 0.25
# Drawing settles a few frames after the store is ready: wait until nothing changed for this long.
STABLE_S = 0.4
POLL_S = 0.1
ERROR_S = 3.0

IMAGE_SHAPES = {
    "rectangle": "rect",
    "rectanglelabels": "rect",
    "ellipse": "ellipse",
    "ellipselabels": "ellipse",
    "polygon": "polygon",
    "polygonlabels": "polygon",
    "keypoint": "point",
    "keypointlabels": "point",
}
BRUSH_TYPES = {"brushlabels", "brush"}
# Values the editor recomputes from the media when it loads it, whatever was sent: a video's
# frame count and duration (seen: a track sent with framesCount 250 on a 1050-frame video is
# held with 1050). Reported apart (media_changes), not as a rendering failure.
MEDIA_DERIVED: dict[str, tuple[str, ...]] = {"videorectangle": ("framesCount", "duration")}
SPAN_TYPES = {"labels"}  # on a <Text>: character offsets into the task text


class EditorError(RuntimeError):
    """The browser could not be started, logged in, or the task page did not load."""


# --- the page reader (runs in the page) -----------------------------------------------------

# The editor's error boxes: the list above the task (`.lsf-errors`, one box per error, e.g.
# "Error: [mobx-state-tree] No matching type for union (string[] | undefined?)") and the
# error messages of single tags.
ERROR_BOXES = ".lsf-errors > *, .lsf-error-message, .ls-error-message, [class*='error-message']"

# A cheap fingerprint of what is drawn, polled until it stops changing.
_SIGNATURE_JS = """
() => {
  const ERRORS = __ERRORS__;
  const H = window.Htx;
  const parts = [];
  if (!H || !H.annotationStore || !H.annotationStore.selected) return "none";
  const sel = H.annotationStore.selected;
  parts.push(String(sel.id), String(sel.regions.length));
  if (window.Konva) {
    for (const stage of window.Konva.stages) {
      for (const n of stage.find(n => !n.getChildren)) {
        const r = n.getClientRect({relativeTo: stage, skipStroke: true, skipShadow: true});
        parts.push(n.getClassName() + n.name() + [r.x, r.y, r.width, r.height]
          .map(v => Math.round(v * 10)).join(","));
      }
    }
  }
  parts.push(String(document.querySelectorAll(".htx-highlight").length));
  parts.push(String(document.querySelectorAll(ERRORS).length));
  for (const [, tag] of sel.names.entries()) {
    if (tag.type !== "image") continue;
    const e = tag.currentImageEntity;
    if (e) parts.push(`${e.imageLoaded}/${e.error}`);
  }
  return parts.join("|");
}
""".replace("__ERRORS__", json.dumps(ERROR_BOXES))

_READ_JS = """
(statusOnly) => {
  const ERRORS = __ERRORS__;
  const out = {ready: false, errors: []};
  const visible = el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  out.errors = [...document.querySelectorAll(ERRORS)]
    .filter(visible).map(e => e.innerText.trim()).filter(Boolean);
  const H = window.Htx;
  if (!H || !H.annotationStore || !H.task) return out;
  out.task_id = Number(H.task.id);
  const st = H.annotationStore;
  const sel = st.selected;
  if (!sel) return out;
  out.predictions = st.predictions.map(p => ({id: p.id, pk: p.pk == null ? null : Number(p.pk)}));
  out.annotations = st.annotations.map(a => ({
    id: a.id, pk: a.pk == null ? null : Number(a.pk),
    parent_prediction: a.parent_prediction == null ? null : Number(a.parent_prediction)}));
  out.selected = {
    id: sel.id, type: sel.type, pk: sel.pk == null ? null : Number(sel.pk),
    parent_prediction: sel.parent_prediction == null ? null : Number(sel.parent_prediction)};
  if (statusOnly) { out.ready = true; return out; }
  out.results = JSON.parse(JSON.stringify(sel.serializeAnnotation()));
  const cleanId = r => String(r.cleanId || String(r.id).split("#")[0]);
  out.regions = sel.regions.map(r => {
    const o = {id: cleanId(r), type: r.type || "",
               controls: r.results.map(x => x.from_name && x.from_name.name),
               object: r.object ? r.object.name : null};
    if (r._spans) {
      o.spans = r._spans.map(s => ({
        text: s.textContent, connected: s.isConnected,
        drawn: s.isConnected && s.getClientRects().length > 0}));
    }
    return o;
  });
  // Objects: images and their Konva stages.
  out.images = {};
  out.shapes = [];
  const regionOf = new Map(sel.regions.map(r => [String(r.id), cleanId(r)]));
  for (const [name, tag] of sel.names.entries()) {
    if (tag.type !== "image") continue;
    const entity = tag.currentImageEntity;
    if (!entity || !tag.stageRef) continue;
    const stage = tag.stageRef;
    const rel = n => n.getClientRect({relativeTo: stage, skipStroke: true, skipShadow: true});
    let box = null;
    const layers = stage.getLayers();
    const first = layers.length ? layers[0].find("Image")[0] : null;
    if (first) { const r = rel(first); box = [r.x, r.y, r.width, r.height]; }
    else box = [0, 0, entity.stageWidth, entity.stageHeight];
    out.images[name] = {
      loaded: !!entity.imageLoaded, error: !!entity.error,
      natural: [entity.naturalWidth, entity.naturalHeight], box};
    const SHAPES = ["Line", "Rect", "Ellipse", "Circle"];
    for (let n of stage.find(() => true)) {
      const token = String(n.name() || "").split(" ")[0];
      if (!regionOf.has(token)) continue;
      if (n.getChildren) {  // a polygon: a group named by the region, holding its Line
        n = n.find(m => !m.getChildren && SHAPES.includes(m.getClassName()))[0];
        if (!n) continue;
      }
      let visibleNode = n.isVisible();
      for (let p = n.getParent(); p && visibleNode; p = p.getParent()) visibleNode = p.isVisible();
      const r = rel(n);
      out.shapes.push({region: regionOf.get(token), image: name, cls: n.getClassName(),
                       visible: visibleNode, opacity: n.opacity(),
                       box: [r.x, r.y, r.width, r.height]});
    }
  }
  // Brush masks: the pixels of the mask image each brush region drew.
  out.brushes = [];
  for (const r of sel.regions) {
    if (r.type !== "brushregion") continue;
    const item = {region: cleanId(r), images: []};
    const layer = r.layerRef;
    const stage = layer ? layer.getStage() : null;
    const nodes = layer ? layer.find("Image").filter(n => n.name() !== "highlight") : [];
    for (const n of nodes) {
      const img = n.image();
      if (!img) continue;
      const w = img.naturalWidth || img.width, h = img.naturalHeight || img.height;
      const c = document.createElement("canvas");
      c.width = w; c.height = h;
      const ctx = c.getContext("2d");
      ctx.drawImage(img, 0, 0);
      const px = ctx.getImageData(0, 0, w, h).data;
      let amax = 0, count = 0, x0 = w, y0 = h, x1 = -1, y1 = -1;
      for (let i = 3, k = 0; i < px.length; i += 4, k++) {
        const a = px[i];
        if (!a) continue;
        count++;
        if (a > amax) amax = a;
        const x = k % w, y = (k - x) / w;
        if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
      }
      const rc = stage ? n.getClientRect({relativeTo: stage, skipStroke: true}) : null;
      item.images.push({size: [w, h], alpha_max: amax, painted: count,
                        bbox: count ? [x0, y0, x1, y1] : null, visible: n.isVisible(),
                        opacity: n.opacity(),
                        box: rc ? [rc.x, rc.y, rc.width, rc.height] : null});
    }
    out.brushes.push(item);
  }
  out.ready = true;
  return out;
}
""".replace("__ERRORS__", json.dumps(ERROR_BOXES))


# --- stand-ins for media the browser cannot fetch ------------------------------------------


def png_bytes(width: int, height: int) -> bytes:
    """A grey-gradient RGB PNG of exactly ``width`` x ``height`` pixels (no dependency).

    >>> png_bytes(3, 2)[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    row = bytes(((x * 255) // max(width - 1, 1)) for x in range(width) for _ in range(3))
    raw = b"".join(b"\x00" + row for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


def wav_bytes(seconds: float, channels: int = 1, rate: int = 8000) -> bytes:
    """A 16-bit PCM WAV of a quiet 220 Hz tone, ``seconds`` long.

    >>> wav_bytes(0.5)[:4]
    b'RIFF'
    """
    frames = max(1, int(seconds * rate))
    one = [int(3000 * math.sin(2 * math.pi * 220 * i / rate)) for i in range(rate)]
    samples = bytearray()
    for i in range(frames):
        samples += struct.pack("<h", one[i % rate]) * channels
    block = 2 * channels
    header = (
        b"RIFF"
        + struct.pack("<I", 36 + len(samples))
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * block, block, 16)
        + b"data"
        + struct.pack("<I", len(samples))
    )
    return header + bytes(samples)


def _is_external(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("http", "https") and parts.hostname not in (LOOPBACK, "localhost")


def _lookup_keys(url: str) -> list[str]:
    """The stand-in keys a requested URL may match: as is, without the editor's ``lsref``
    cache-buster, and for a loopback URL its path and query (stand-ins for server paths are
    keyed the way the task data holds them, ``/data/local-files/?d=...``)."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.urlencode(
        [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
         if k != "lsref"]
    )  # fmt: skip
    bare = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
    keys = [url, bare]
    if parts.hostname in (LOOPBACK, "localhost"):
        keys += [f"{parts.path}?{parts.query}", f"{parts.path}?{query}" if query else parts.path]
    return keys


def _data_value(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.replace("]", "").replace("[", ".").split("."):
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _bundled_file(url: str) -> Path | None:
    """A file with the URL's file name under examples/data (the example's own data) or
    build/demo (an image an example wrote, as the real-model examples write theirs)."""
    parts = urllib.parse.urlsplit(url)
    served = (
        dict(urllib.parse.parse_qsl(parts.query)).get("d") if url.startswith(LOCAL_FILES) else None
    )
    name = Path(served or parts.path).name
    if not name:
        return None
    found = sorted((ROOT / "examples" / "data").rglob(name)) or sorted(
        (ROOT / "build" / "demo").rglob(name)
    )
    return found[0] if len(found) == 1 else None


def stand_ins(config: LabelConfig, task: Mapping[str, Any]) -> dict[str, tuple[bytes, str]]:
    """Local stand-ins for the external media URLs of one task, by URL.

    Images become a PNG of the ``original_width`` x ``original_height`` the task's results
    declare for that image (800 x 600 when none does), or the image file the example bundles
    under ``examples/data`` (or wrote under ``build/demo``) when there is one with that name;
    audio a WAV as long as the last segment (plus a second) with as many channels as the
    results use; any other URL whose file
    name is bundled once under ``examples/data`` that file. URLs of Label Studio's local-files
    storage (``/data/local-files/?d=...``) get stand-ins too: the test server has no such
    storage. The task itself is not changed: the
    server stores and serves the URLs as sent, only the browser gets the stand-in.
    """
    data = task.get("data", {})
    results = [
        result
        for container in ("predictions", "annotations")
        for prediction in task.get(container) or []
        if isinstance(prediction, Mapping)
        for result in prediction.get("result") or []
        if isinstance(result, Mapping)
    ]
    out: dict[str, tuple[bytes, str]] = {}
    for obj in config.objects.values():
        for key in obj.data_keys:
            url = _data_value(data, key)
            if not isinstance(url, str) or not (_is_external(url) or url.startswith(LOCAL_FILES)):
                continue
            mine = [r for r in results if r.get("to_name") == obj.name]
            if obj.tag == "Image":
                sized = [r for r in mine if "original_width" in r and "original_height" in r]
                width, height = (
                    (int(sized[0]["original_width"]), int(sized[0]["original_height"]))
                    if sized
                    else (800, 600)
                )
                local = _bundled_file(url)
                if local is not None and local.suffix.lower() in (".png", ".jpg", ".jpeg"):
                    kind = "image/png" if local.suffix.lower() == ".png" else "image/jpeg"
                    out[url] = (local.read_bytes(), kind)
                else:
                    out[url] = (png_bytes(width, height), "image/png")
            elif obj.tag == "Audio":
                ends = [float(r["value"].get("end", 0)) for r in mine if "value" in r]
                lengths = [float(r["original_length"]) for r in mine if "original_length" in r]
                channels = [int(r["value"].get("channel", 0)) for r in mine if "value" in r]
                seconds = max([*ends, *lengths, 1.0]) + 1.0
                out[url] = (wav_bytes(seconds, max([*channels, 0]) + 1), "audio/wav")
            else:
                local = _bundled_file(url)
                if local is not None:
                    kind = "text/csv" if local.suffix == ".csv" else "application/octet-stream"
                    out[url] = (local.read_bytes(), kind)
    return out


# --- the browser ----------------------------------------------------------------------------


class Editor:
    """One headless Chromium logged in to a Label Studio server, reading its labeling page.

    Args:
        url: the server, ``http://127.0.0.1:PORT``.
        username, password: a user of that server (the server fixture's).
        executable: the Chromium binary.
        timeout_s: how long a task page may take to load and settle.
    """

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        *,
        executable: Path = CHROMIUM,
        timeout_s: float = 60.0,
        playwright: Any = None,
    ) -> None:
        host = urllib.parse.urlsplit(url).hostname
        if host != LOOPBACK:
            raise EditorError(f"the editor check talks to {LOOPBACK} only, got {url}")
        self.url = url.rstrip("/")
        self.username = username
        self.password = password
        self.executable = executable
        self.timeout_s = timeout_s
        self.profile: Path | None = None
        self.stand_ins: dict[str, tuple[bytes, str]] = {}
        self.served: list[str] = []  # URLs answered with a stand-in
        self.blocked: list[str] = []  # URLs to other hosts, aborted (no stand-in)
        self.page_errors: list[str] = []
        self._playwright: Any = None
        # A playwright another Editor started (one sync playwright per process): used, not
        # stopped by this one.
        self._shared_playwright = playwright
        self._context: Any = None
        self.page: Any = None
        self._project: int | None = None

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> Editor:
        """Launch Chromium with a fresh profile and log in; return self."""
        if not self.executable.exists():
            raise EditorError(
                f"{self.executable} not found: `make test-integration` installs Debian's "
                "chromium package (apt-get install -y chromium)"
            )
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as error:  # pragma: no cover - the Makefile installs it
            raise EditorError(
                "playwright is not installed: `make test-integration` installs it into .venv"
            ) from error
        atexit.register(self.stop)
        self.profile = Path(tempfile.mkdtemp(prefix=PROFILE_PREFIX))
        try:
            if self._shared_playwright is None:
                self._playwright = sync_playwright().start()
            self._context = self.playwright.chromium.launch_persistent_context(
                str(self.profile),
                executable_path=str(self.executable),
                headless=True,
                args=list(CHROMIUM_FLAGS),
                viewport=VIEWPORT,
                service_workers="block",
                timeout=self.timeout_s * 1000,
            )
            self._context.set_default_timeout(self.timeout_s * 1000)
            self._context.route("**/*", self._route)
            self.page = self._context.pages[0] if self._context.pages else self._context.new_page()
            self.page.on("pageerror", lambda error: self.page_errors.append(str(error)[:300]))
            self._login()
        except Exception:
            self.stop()
            raise
        return self

    @property
    def playwright(self) -> Any:
        """The running playwright this editor drives its browser with."""
        return self._shared_playwright or self._playwright

    def _route(self, route: Any) -> None:
        url = route.request.url
        parts = urllib.parse.urlsplit(url)
        local = parts.hostname in (LOOPBACK, "localhost")
        stand_in = None
        for key in _lookup_keys(url):
            stand_in = self.stand_ins.get(key)
            if stand_in is not None:
                break
        if stand_in is not None:
            self.served.append(url)
            body, content_type = stand_in
            route.fulfill(
                status=200,
                body=body,
                content_type=content_type,
                headers={
                    "Access-Control-Allow-Origin": self.url,
                    "Access-Control-Allow-Credentials": "true",
                },
            )
        elif local or parts.scheme not in ("http", "https", "ws", "wss"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("internetdisconnected")

    def _login(self) -> None:
        page = self.page
        page.goto(f"{self.url}/user/login/")
        page.fill("input[name=email]", self.username)
        page.fill("input[name=password]", self.password)
        page.click("button[type=submit]")
        page.wait_for_load_state("domcontentloaded")
        deadline = time.monotonic() + self.timeout_s
        while "/user/login" in page.url:
            if time.monotonic() > deadline:
                raise EditorError(f"login to {self.url} as {self.username} did not succeed")
            page.wait_for_timeout(100)

    def pids(self) -> list[int]:
        """PIDs of running processes started with this editor's profile directory."""
        return processes_with(str(self.profile)) if self.profile is not None else []

    def stop(self) -> None:
        """Close the browser and playwright; kill leftovers by PID; remove the profile."""
        context, self._context = self._context, None
        playwright, self._playwright = self._playwright, None
        if context is not None:
            with contextlib.suppress(Exception):
                context.close()
        if playwright is not None:
            with contextlib.suppress(Exception):
                playwright.stop()
        self.page = None
        if self.profile is not None:
            for pid in processes_with(str(self.profile)):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while processes_with(str(self.profile)) and time.monotonic() < deadline:
                time.sleep(0.1)
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = None

    def __enter__(self) -> Editor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- pages --------------------------------------------------------------------------

    def open_task(
        self,
        project_id: int,
        task_id: int,
        *,
        predictions: int,
        annotations: int = 0,
        stand_ins: Mapping[str, tuple[bytes, str]] | None = None,
    ) -> dict[str, Any]:
        """Open a task in the data manager's labeling view and read it once drawing settled.

        ``predictions``/``annotations``: how many the server holds for the task; the page is
        ready when the editor has loaded them all and selected the annotation it shows (with
        predictions and no annotation: the copy of a prediction it makes for the annotator).
        """
        self.stand_ins = dict(stand_ins or {})
        self.page_errors.clear()
        if self._project != int(project_id):
            self._project = None
            self.page.goto(f"{self.url}/projects/{int(project_id)}/data", wait_until="commit")
            self.page.wait_for_function(
                "() => window.DM && window.DM.taskStore && !window.DM.loading"
                " && window.DM.taskStore.list.length > 0"
            )
            self._project = int(project_id)
        # What a click on the task's row does: the data manager loads the whole task (with
        # its predictions) and opens it in the editor beside the list.
        started = self.page.evaluate(
            """async (tid) => {
              const DM = window.DM;
              let item = DM.taskStore.list.find(t => t.id === tid);
              if (!item) { await DM.taskStore.loadTask(tid); item = DM.taskStore.selected; }
              if (!item || item.id !== tid) return false;
              await DM.startLabeling(item);
              return true;
            }""",
            int(task_id),
        )
        if not started:
            raise EditorError(f"the data manager of project {project_id} has no task {task_id}")

        def loaded(view: dict[str, Any]) -> bool:
            if not view.get("ready") or view.get("task_id") != int(task_id):
                return False
            if len(view["predictions"]) < predictions:
                return False
            saved = [a for a in view["annotations"] if a["pk"] is not None]
            if len(saved) < annotations:
                return False
            if annotations:
                return view["selected"]["pk"] is not None
            if predictions:
                return view["selected"]["parent_prediction"] is not None
            return True

        return self._settle(loaded, f"task {task_id} of project {project_id}")

    def show(self, kind: str, pk: int) -> dict[str, Any]:
        """Select the tab of one saved annotation or prediction (``kind``) and read it."""
        if kind not in ("annotation", "prediction"):
            raise ValueError(f"kind must be 'annotation' or 'prediction', got {kind!r}")
        found = self.page.evaluate(
            """([kind, pk]) => {
              const st = window.Htx.annotationStore;
              const list = kind === "prediction" ? st.predictions : st.annotations;
              const item = list.find(a => Number(a.pk) === pk);
              if (!item) return false;
              if (kind === "prediction") st.selectPrediction(item.id);
              else st.selectAnnotation(item.id);
              return true;
            }""",
            [kind, int(pk)],
        )
        if not found:
            raise EditorError(f"the editor holds no {kind} {pk}")

        def shown(view: dict[str, Any]) -> bool:
            selected = view.get("selected") or {}
            return bool(view.get("ready")) and selected.get("pk") == int(pk)

        return self._settle(shown, f"{kind} {pk}")

    def _settle(self, ready: Any, what: str) -> dict[str, Any]:
        """Wait until ``ready(view)`` and nothing drawn changed for STABLE_S; return the view.

        The data manager may build the editor twice for one task (a second store replaces the
        first, empty at first), so readiness is checked again after the drawing settled.
        """
        deadline = time.monotonic() + self.timeout_s
        erring_since: float | None = None
        while True:
            view = self.status()
            if ready(view):
                last, since = self._signature(), time.monotonic()
                while time.monotonic() - since < STABLE_S and time.monotonic() < deadline:
                    self.page.wait_for_timeout(POLL_S * 1000)
                    now = self._signature()
                    if now != last:
                        last, since = now, time.monotonic()
                view = self.read()
                if ready(view):
                    break
            # An error box instead of the task: give it ERROR_S to go away, then report it.
            if view.get("errors"):
                erring_since = erring_since or time.monotonic()
                if time.monotonic() - erring_since > ERROR_S:
                    view = self.read()
                    break
            else:
                erring_since = None
            if time.monotonic() > deadline:
                raise EditorError(
                    f"the editor did not show {what} within {self.timeout_s:.0f} s; it shows "
                    + _summary(view)
                )
            self.page.wait_for_timeout(POLL_S * 1000)
        view["page_errors"] = list(self.page_errors)
        return view

    def _signature(self) -> str:
        signature: str = self.page.evaluate(_SIGNATURE_JS)
        return signature

    def read(self) -> dict[str, Any]:
        """What the editor holds and drew right now (see the module docstring)."""
        view: dict[str, Any] = self.page.evaluate(_READ_JS, False)
        return view

    def status(self) -> dict[str, Any]:
        """Only which task and annotation the editor shows, and its error boxes (cheap)."""
        view: dict[str, Any] = self.page.evaluate(_READ_JS, True)
        return view

    def screenshot(self, path: Path) -> Path | None:
        """Save a PNG of the page; None when the page cannot be captured."""
        if self.page is None:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.page.screenshot(path=str(path), full_page=False)
        except Exception:
            return None
        return path


def _summary(view: Mapping[str, Any]) -> str:
    """One line about a view: task, selected annotation, counts, error boxes."""
    if not view.get("ready"):
        return "no editor"
    return (
        f"task {view.get('task_id')}, selected {view.get('selected')}, "
        f"{len(view.get('predictions') or [])} predictions, "
        f"{len(view.get('annotations') or [])} annotations, "
        f"{len(view.get('regions') or [])} regions, errors {view.get('errors')}"
    )


def processes_with(marker: str) -> list[int]:
    """PIDs of running processes whose command line holds ``marker`` (a unique temp dir)."""
    found: list[int] = []
    needle = marker.encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if needle in cmdline:
            found.append(int(entry.name))
    return found


# --- comparing a view with what was sent ----------------------------------------------------

LABEL_KEYS = {
    "labels",
    "rectanglelabels",
    "polygonlabels",
    "ellipselabels",
    "keypointlabels",
    "brushlabels",
    "choices",
    "taxonomy",
    "timeserieslabels",
    "timelinelabels",
    "paragraphlabels",
    "hypertextlabels",
    "text",
}


def _same(sent: Any, shown: Any, loc: str, out: list[str], tol: float) -> None:
    if isinstance(sent, bool) or isinstance(shown, bool):
        if sent != shown:
            out.append(f"{loc}: sent {sent!r}, the editor holds {shown!r}")
        return
    if isinstance(sent, (int, float)) and isinstance(shown, (int, float)):
        if not math.isclose(float(sent), float(shown), rel_tol=1e-9, abs_tol=tol):
            out.append(f"{loc}: sent {sent!r}, the editor holds {shown!r}")
        return
    if isinstance(sent, Mapping):
        if not isinstance(shown, Mapping):
            out.append(f"{loc}: sent an object, the editor holds {_short(shown)}")
            return
        for key, value in sent.items():
            if key not in shown:
                out.append(f"{loc}.{key}: sent {_short(value)}, missing in the editor")
            else:
                _same(value, shown[key], f"{loc}.{key}", out, tol)
        return
    if isinstance(sent, list):
        if not isinstance(shown, list) or len(sent) != len(shown):
            out.append(f"{loc}: sent {_short(sent)}, the editor holds {_short(shown)}")
            return
        for i, (a, b) in enumerate(zip(sent, shown, strict=True)):
            _same(a, b, f"{loc}[{i}]", out, tol)
        return
    if sent != shown:
        out.append(f"{loc}: sent {_short(sent)}, the editor holds {_short(shown)}")


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _result_key(result: Mapping[str, Any]) -> tuple[str, str]:
    if result.get("type") == "relation":
        return (f"{result.get('from_id')}->{result.get('to_id')}", "relation")
    return (str(result.get("id")), str(result.get("from_name")))


def _expected_box(kind: str, value: Mapping[str, Any], wh: tuple[float, float]) -> Any:
    """The sent shape's bounding box in percent ``(x0, y0, x1, y1)``, or its centre for a point."""
    if kind == "point":
        return (float(value["x"]), float(value["y"]))
    if kind == "polygon":
        xs = [float(p[0]) for p in value["points"]]
        ys = [float(p[1]) for p in value["points"]]
        return (min(xs), min(ys), max(xs), max(ys))
    width, height = wh
    if kind == "rect":
        x, y = float(value["x"]), float(value["y"])
        corners = [(0.0, 0.0), (float(value["width"]), 0.0), (0.0, float(value["height"]))]
        corners.append((float(value["width"]), float(value["height"])))
    else:  # ellipse: centre and radii
        x, y = float(value["x"]), float(value["y"])
        rx, ry = float(value["radiusX"]), float(value["radiusY"])
        if float(value.get("rotation") or 0) == 0:
            return (x - rx, y - ry, x + rx, y + ry)
        return None  # a rotated ellipse's box is not checked (its centre is)
    angle = math.radians(float(value.get("rotation") or 0))
    # Rotation turns the box about its top-left corner, in pixels.
    points = []
    for dx, dy in corners:
        px, py = dx * width / 100, dy * height / 100
        rx_ = px * math.cos(angle) - py * math.sin(angle)
        ry_ = px * math.sin(angle) + py * math.cos(angle)
        points.append((x + rx_ * 100 / width, y + ry_ * 100 / height))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def differences(
    config: LabelConfig,
    data: Mapping[str, Any],
    sent: Sequence[Mapping[str, Any]],
    view: Mapping[str, Any],
    *,
    drawn: bool = True,
) -> list[str]:
    """Every way the editor view does not show the sent results as sent; [] when it does.

    Args:
        config: the project's labeling config.
        data: the task's ``data`` as sent.
        sent: the ``result`` list of the prediction (or annotation) the view shows.
        view: :meth:`Editor.open_task` / :meth:`Editor.show_prediction`.
        drawn: also check what was drawn (shapes, masks, highlights), not only the store.
    """
    out: list[str] = []
    for error in view.get("errors") or []:
        out.append(f"the editor shows an error box: {error[:300]!r}")
    for error in view.get("page_errors") or []:
        out.append(f"the page raised: {error[:300]}")
    shown: dict[tuple[str, str], Mapping[str, Any]] = {}
    for result in view.get("results") or []:
        shown.setdefault(_result_key(result), result)
    regions: dict[str, list[Mapping[str, Any]]] = {}
    for region in view.get("regions") or []:
        regions.setdefault(region["id"], []).append(region)

    # 1. Each result is held under the same control with the same value.
    for i, result in enumerate(sent):
        where = (
            f"result[{i}] ({result.get('from_name')} {result.get('type')} id {result.get('id')})"
        )
        held = shown.get(_result_key(result))
        if held is None:
            out.append(f"{where}: not in the shown annotation")
            continue
        if result.get("type") == "relation":
            _same(result.get("labels", []), held.get("labels", []), f"{where}.labels", out, 0)
            continue
        if held.get("type") != result.get("type"):
            out.append(f"{where}: type {result.get('type')!r} shown as {held.get('type')!r}")
        value = dict(result.get("value") or {})
        shown_value = dict(held.get("value") or {})
        for key in MEDIA_DERIVED.get(str(result.get("type")), ()):
            value.pop(key, None)  # the editor takes these from the media (media_changes)
        if str(result.get("type")) in BRUSH_TYPES and "rle" in value:
            out += _same_mask(where, result, value.pop("rle"), shown_value.pop("rle", None))
        _same(value, shown_value, f"{where}.value", out, 1e-6)

    # 2. Regions: as many as sent, and per-region results on a region with a shape/label.
    sent_regions = {str(r.get("id")) for r in sent if r.get("type") != "relation"}
    classifications = {
        str(r.get("id"))
        for r in sent
        if r.get("type") != "relation"
        and not _makes_region(config, r)
        and not _is_per_region(config, r)
    }
    expected_regions = sent_regions - classifications
    editor_regions = {rid for rid, found in regions.items() if any(r["type"] for r in found)}
    for rid in sorted(expected_regions - editor_regions):
        out.append(f"region {rid}: not a region in the editor")
    for rid, found in sorted(regions.items()):
        if len(found) > 1:
            out.append(f"region {rid}: shown as {len(found)} regions")
        for region in found:
            controls = [c for c in region["controls"] if c]
            per_region = [c for c in controls if _control_per_region(config, c)]
            if region["type"] and per_region and len(per_region) == len(controls):
                out.append(
                    f"region {rid}: holds only per-region results ({', '.join(per_region)}): "
                    "shown as a separate unlabeled region"
                )

    if not drawn:
        return out

    # 3. What was drawn.
    shapes: dict[str, list[Mapping[str, Any]]] = {}
    for shape in view.get("shapes") or []:
        shapes.setdefault(shape["region"], []).append(shape)
    brushes = {b["region"]: b for b in view.get("brushes") or []}
    images = view.get("images") or {}
    for i, result in enumerate(sent):
        kind = IMAGE_SHAPES.get(str(result.get("type")))
        value = result.get("value") or {}
        rid = str(result.get("id"))
        where = f"result[{i}] ({result.get('from_name')} {result.get('type')} id {rid})"
        image = images.get(str(result.get("to_name")))
        if kind and image is not None and _has_geometry(kind, value):
            out += _check_shape(where, kind, value, image, shapes.get(rid, []))
        elif result.get("type") in BRUSH_TYPES and image is not None:
            out += _check_brush(where, result, brushes.get(rid), image)
        elif result.get("type") in SPAN_TYPES and "start" in value and "end" in value:
            obj = config.objects.get(str(result.get("to_name")))
            if obj is not None and obj.tag == "Text":
                found = regions.get(rid) or [{}]
                out += _check_span(where, value, data, obj.data_keys, found[0])
    targets = {str(r.get("to_name")) for r in sent}
    for name in sorted(targets):
        obj = config.objects.get(name)
        if obj is not None and obj.tag == "Image" and name not in images:
            out.append(f"image {name!r}: not shown")
    for name, image in images.items():
        if image.get("error") or not image.get("loaded"):
            out.append(f"image {name!r}: not loaded in the browser (error={image.get('error')})")
    return out


def media_changes(
    sent: Sequence[Mapping[str, Any]], view: Mapping[str, Any]
) -> list[tuple[str, str, Any, Any]]:
    """``(result id, key, sent, held)`` for each MEDIA_DERIVED value the editor replaced."""
    held = {_result_key(r): r for r in view.get("results") or []}
    out: list[tuple[str, str, Any, Any]] = []
    for result in sent:
        shown = held.get(_result_key(result))
        if shown is None:
            continue
        for key in MEDIA_DERIVED.get(str(result.get("type")), ()):
            a, b = (result.get("value") or {}).get(key), (shown.get("value") or {}).get(key)
            if a is not None and a != b:
                out.append((str(result.get("id")), key, a, b))
    return out


def _same_mask(where: str, result: Mapping[str, Any], sent: Any, shown: Any) -> list[str]:
    """Brush RLEs: the editor re-encodes the mask (its bytes may differ, e.g. in padding),
    so the decoded masks are compared."""
    import numpy as np

    if sent == shown:
        return []
    height, width = int(result["original_height"]), int(result["original_width"])
    try:
        a, b = decode(sent, height, width), decode(shown, height, width)
    except Exception as error:  # the editor's RLE does not decode at the sent size
        return [f"{where}.value.rle: the editor holds another mask ({error})"]
    changed = int(np.count_nonzero(a != b))
    return [f"{where}.value.rle: {changed} pixels differ in the editor"] if changed else []


def _has_geometry(kind: str, value: Mapping[str, Any]) -> bool:
    needed = {"rect": ("x", "y", "width", "height"), "ellipse": ("x", "y", "radiusX")}
    needed |= {"polygon": ("points",), "point": ("x", "y")}
    return all(key in value for key in needed[kind])


def _makes_region(config: LabelConfig, result: Mapping[str, Any]) -> bool:
    control = config.find_control(str(result.get("from_name")))
    return bool(control is not None and control.makes_regions)


def _is_per_region(config: LabelConfig, result: Mapping[str, Any]) -> bool:
    return _control_per_region(config, str(result.get("from_name")))


def _control_per_region(config: LabelConfig, name: str) -> bool:
    control = config.find_control(name)
    return bool(control is not None and control.per_region)


def _pct(box: Sequence[float], image_box: Sequence[float]) -> tuple[float, float, float, float]:
    ix, iy, iw, ih = image_box
    x, y, w, h = box
    return (
        (x - ix) * 100 / iw,
        (y - iy) * 100 / ih,
        (x + w - ix) * 100 / iw,
        (y + h - iy) * 100 / ih,
    )


def _check_shape(
    where: str,
    kind: str,
    value: Mapping[str, Any],
    image: Mapping[str, Any],
    shapes: Sequence[Mapping[str, Any]],
) -> list[str]:
    if not shapes:
        return [f"{where}: nothing drawn"]
    visible = [s for s in shapes if s["visible"] and s["opacity"] > 0]
    if not visible:
        return [f"{where}: drawn hidden"]
    out: list[str] = []
    shape = visible[0]
    if kind == "point" and shape["cls"] != "Circle":
        out.append(f"{where}: a keypoint drawn as a {shape['cls']}, not a point")
    x0, y0, x1, y1 = _pct(shape["box"], image["box"])
    tol = TOLERANCE_PCT
    if x0 < -tol or y0 < -tol or x1 > 100 + tol or y1 > 100 + tol:
        out.append(
            f"{where}: drawn outside the image (at {x0:.2f},{y0:.2f} to {x1:.2f},{y1:.2f} %)"
        )
    natural = image.get("natural") or [100, 100]
    expected = _expected_box(kind, value, (float(natural[0] or 100), float(natural[1] or 100)))
    if expected is None:
        return out
    if kind == "point":
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if abs(cx - expected[0]) > tol or abs(cy - expected[1]) > tol:
            out.append(
                f"{where}: point drawn at {cx:.2f},{cy:.2f} %, sent {expected[0]},{expected[1]}"
            )
        return out
    got = (x0, y0, x1, y1)
    if any(abs(a - b) > tol for a, b in zip(got, expected, strict=True)):
        shown = ",".join(f"{v:.2f}" for v in got)
        want = ",".join(f"{v:.2f}" for v in expected)
        out.append(f"{where}: drawn at box {shown} %, sent {want} %")
    return out


def mask_bbox(mask: Any) -> tuple[int, int, int, int] | None:
    """``(x0, y0, x1, y1)`` of the non-zero pixels of a (height, width) array, inclusive."""
    import numpy as np

    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    return (int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max()))


def _check_brush(
    where: str,
    result: Mapping[str, Any],
    brush: Mapping[str, Any] | None,
    image_view: Mapping[str, Any],
) -> list[str]:
    if brush is None or not brush["images"]:
        return [f"{where}: no mask drawn"]
    image = brush["images"][0]
    out: list[str] = []
    width, height = int(result["original_width"]), int(result["original_height"])
    if list(image["size"]) != [width, height]:
        out.append(
            f"{where}: mask drawn {image['size'][0]}x{image['size'][1]}, sent {width}x{height}"
        )
    if image["alpha_max"] != 255:
        out.append(f"{where}: mask drawn at alpha {image['alpha_max']}/255 (invisible below 255)")
    if not image["visible"] or image["opacity"] <= 0:
        out.append(f"{where}: mask hidden")
    if image["box"] is not None:  # the mask image is stretched over the whole image
        x0, y0, x1, y1 = _pct(image["box"], image_view["box"])
        if any(
            abs(a - b) > TOLERANCE_PCT
            for a, b in zip((x0, y0, x1, y1), (0, 0, 100, 100), strict=True)
        ):
            shown = ",".join(f"{v:.2f}" for v in (x0, y0, x1, y1))
            out.append(f"{where}: mask drawn over {shown} % of the image, not all of it")
    sent_mask = decode(result["value"]["rle"], height, width)
    expected = mask_bbox(sent_mask)
    got = tuple(image["bbox"]) if image["bbox"] else None
    if expected is not None and (
        got is None or any(abs(a - b) > 1 for a, b in zip(got, expected, strict=True))
    ):
        out.append(f"{where}: mask drawn with bounding box {got}, sent {expected} (x0,y0,x1,y1 px)")
    painted = int((sent_mask > 0).sum())
    if painted and abs(image["painted"] - painted) > max(2, painted // 100):
        out.append(f"{where}: {image['painted']} pixels painted, sent {painted}")
    return out


def _check_span(
    where: str,
    value: Mapping[str, Any],
    data: Mapping[str, Any],
    data_keys: Sequence[str],
    region: Mapping[str, Any],
) -> list[str]:
    text = _data_value(data, data_keys[0]) if data_keys else None
    if not isinstance(text, str):
        return []
    start, end = int(value["start"]), int(value["end"])
    spans = region.get("spans") or []
    if not spans or not all(s["drawn"] for s in spans):
        return [f"{where}: no highlight drawn"]
    highlighted = "".join(s["text"] for s in spans)
    out: list[str] = []
    if highlighted != text[start:end]:
        out.append(
            f"{where}: highlights {highlighted!r}, data[{start}:{end}] is {text[start:end]!r}"
        )
    if "text" in value and highlighted != value["text"]:
        out.append(f"{where}: highlights {highlighted!r}, the result's text is {value['text']!r}")
    return out


def iter_views(
    editor: Editor,
    project_id: int,
    stored: Mapping[str, Any],
    *,
    stand_ins: Mapping[str, tuple[bytes, str]] | None = None,
) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """Open a stored task and yield ``(kind, index, view)`` for each thing it holds.

    ``kind`` is ``"annotation"`` or ``"prediction"`` and ``index`` the position in the task's
    ``annotations`` / ``predictions`` as sent (the server keeps their order: ids ascend). The
    first view is what the editor opens with: the first saved annotation, or else its editable
    copy of a prediction (the one of the project's ``model_version``, else the first); then
    every other annotation and prediction is selected in its tab.
    """
    ids = {
        kind: [int(item["id"]) for item in sorted(stored.get(kind) or [], key=lambda a: a["id"])]
        for kind in ("annotations", "predictions")
    }
    view = editor.open_task(
        project_id,
        int(stored["id"]),
        predictions=len(ids["predictions"]),
        annotations=len(ids["annotations"]),
        stand_ins=stand_ins,
    )
    selected = view.get("selected") or {}
    if selected.get("pk") is not None and selected["pk"] in ids["annotations"]:
        first = ("annotation", int(selected["pk"]))
    elif selected.get("parent_prediction") in ids["predictions"]:
        first = ("prediction", int(selected["parent_prediction"]))
    else:
        raise EditorError(f"cannot tell what the editor shows: {_summary(view)}")
    yield first[0], ids[first[0] + "s"].index(first[1]), view
    if view.get("errors"):
        return  # an error box instead of the task: there are no tabs to look at
    for kind in ("annotation", "prediction"):
        for index, pk in enumerate(ids[kind + "s"]):
            if (kind, pk) != first:
                yield kind, index, editor.show(kind, pk)


# --- the report -------------------------------------------------------------------------------


@dataclasses.dataclass
class EditorReport:
    """What the editor check saw, written to ``editor.md`` and ``editor.json`` at the end."""

    views: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    cases: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    seconds: float = 0.0

    def add_view(
        self,
        example: str,
        task: int,
        kind: str,
        index: int,
        sent: Sequence[Mapping[str, Any]],
        view: Mapping[str, Any],
        problems: Sequence[str],
        seconds: float,
    ) -> None:
        """One annotation or prediction as the editor showed it."""
        self.views.append(
            {
                "example": example,
                "task": task,
                "shown": f"{kind} {index}",
                "results": len(sent),
                "held": len(view.get("results") or []),
                "shapes": len(view.get("shapes") or []),
                "masks": len(view.get("brushes") or []),
                "spans": sum(1 for r in view.get("regions") or [] if r.get("spans")),
                "media_changes": [list(c) for c in media_changes(sent, view)],
                "problems": list(problems),
                "seconds": round(seconds, 2),
            }
        )

    def write(self, directory: Path) -> None:
        """Write ``editor.json`` (everything) and ``editor.md`` (tables) into ``directory``."""
        if not self.views and not self.cases:
            return
        directory.mkdir(parents=True, exist_ok=True)
        data = {"views": self.views, "cases": self.cases, "seconds": round(self.seconds, 1)}
        (directory / "editor.json").write_text(json.dumps(data, indent=1) + "\n", "utf-8")
        lines = [
            "# Editor check (Label Studio's labeling page in headless Chromium)",
            "",
            f"{len(self.views)} views in {self.seconds:.0f} s.",
            "",
            "| example | task | shown | results | held | shapes | masks | spans | problems |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for v in self.views:
            problems = "; ".join(v["problems"][:3]).replace("|", "\\|") or "none"
            lines.append(
                f"| {v['example']} | {v['task']} | {v['shown']} | {v['results']} | {v['held']} "
                f"| {v['shapes']} | {v['masks']} | {v['spans']} | {problems} |"
            )
        changed = [v for v in self.views if v["media_changes"]]
        if changed:
            lines += ["", "Values the editor took from the media instead of the prediction:", ""]
            for v in changed:
                for rid, key, sent, held in v["media_changes"][:5]:
                    lines.append(
                        f"- {v['example']} task {v['task']} {v['shown']}: result {rid} "
                        f"{key} sent {sent}, held {held}"
                    )
        if self.cases:
            lines += [
                "",
                "## Negative controls",
                "",
                "| case | version | reached the editor as | editor check | prelabel errors |",
                "| --- | --- | --- | --- | --- |",
            ]
            for c in self.cases:
                problems = "; ".join(c["problems"][:2]).replace("|", "\\|") or "shown as sent"
                codes = ", ".join(c["codes"]) or "none"
                lines.append(
                    f"| {c['case']} | {c['version']} | {c['via']} | {problems} | {codes} |"
                )
        (directory / "editor.md").write_text("\n".join(lines) + "\n", "utf-8")
