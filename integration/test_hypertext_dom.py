"""HyperText text maps checked against the DOM Chromium builds, as Label Studio renders it.

Label Studio locates a ``<HyperText>`` span by the xpath of a DOM text node and offsets in it,
so :func:`prelabel.builders._htmltext.html_text_map` must see the tree the browser builds. How
Label Studio 1.23.2 puts the HTML on the page (frontend ``web/libs/editor/src/tags/object/
RichText/model.js`` ``setRemoteValue`` and ``view.jsx`` ``render``, HumanSignal/label-studio,
checked against the bundle in ``.venv-ls``):

1. the task's HTML first goes through ``sanitizeHtml`` (``utils/html.js``: the npm
   ``sanitize-html`` package, built on htmlparser2, with every tag allowed; ``<script>`` and
   non-YouTube ``<iframe>`` removed with their content, ``on*`` attributes dropped). It
   re-serializes the HTML: comments and the doctype disappear, and htmlparser2's own rules
   close mis-nested tags before the browser ever sees them;
2. without ``inline``: ``<iframe srcDoc={html} sandbox="allow-same-origin allow-scripts
   allow-presentation">``; the root of the xpaths is the iframe's ``contentDocument.body``.
   An ``about:srcdoc`` document is never in quirks mode, whatever its doctype;
3. with ``inline``: ``<div dangerouslySetInnerHTML={{__html: html}}>`` (React sets
   ``innerHTML``); the root is that ``<div>``, in the editor's no-quirks page.

This test does exactly that in Debian's Chromium (no Label Studio server: only the browser),
running Label Studio's own ``sanitize-html`` from the sources embedded in the installed
frontend bundle's source map (``web/dist/apps/labelstudio/main.js.map`` in ``.venv-ls``) with
the options ``sanitizeHtml`` passes, under Node. It walks the DOM the way prelabel's
``_Walker`` does (text nodes in document order, each ``<br>`` one ``"\\n"``, ``<template>``
skipped, element names lower-cased, ``text()`` counted among non-empty text siblings) and
compares text, xpaths and start offsets for every case of ``tests/data/hypertext/cases.json``
in both modes. ``raw`` results (the browser's parse of the HTML as given, without the
sanitizer) are recorded too, to show what the sanitizer changes.

``python integration/test_hypertext_dom.py --dump`` writes the browser's results to
``tests/data/hypertext/browser.json``, which the unit suite (``tests/test_hypertext_dom.py``)
compares without a browser. Known disagreements are listed per case in ``cases.json``
(``known``: mode -> reason) and expected to fail here.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CASES_PATH = ROOT / "tests" / "data" / "hypertext" / "cases.json"
BROWSER_JSON = ROOT / "tests" / "data" / "hypertext" / "browser.json"
CHROMIUM = Path("/usr/bin/chromium")
MODES = ("iframe", "inline")
SANDBOX = "allow-same-origin allow-scripts allow-presentation"  # view.jsx

CASES: list[dict[str, Any]] = json.loads(CASES_PATH.read_text(encoding="utf-8"))

# The same walk as prelabel.builders._htmltext._Walker, in the page.
_WALK_JS = """
(root) => {
  const parts = [], paths = [], starts = [];
  let pos = 0;
  const visit = (element, prefix) => {
    const counters = {};
    for (const child of element.childNodes) {
      if (child.nodeType === Node.TEXT_NODE || child.nodeType === Node.CDATA_SECTION_NODE) {
        if (!child.data) continue;
        counters["text()"] = (counters["text()"] || 0) + 1;
        paths.push(`${prefix}/text()[${counters["text()"]}]`);
        starts.push(pos);
        pos += [...child.data].length;
        parts.push(child.data);
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        const name = child.nodeName.toLowerCase();
        counters[name] = (counters[name] || 0) + 1;
        if (name === "br") { parts.push("\\n"); pos += 1; }
        else if (name !== "template") visit(child, `${prefix}/${name}[${counters[name]}]`);
      }
    }
  };
  visit(root, "");
  return {text: parts.join(""), paths, starts};
}
"""

_RUN_JS = """
async ([items, sandbox]) => {
  const walk = __WALK__;
  const host = document.getElementById("host");
  const out = [];
  for (const html of items) {
    const frame = document.createElement("iframe");
    frame.setAttribute("sandbox", sandbox);
    const loaded = new Promise(resolve => { frame.onload = resolve; });
    frame.srcdoc = html;
    document.body.appendChild(frame);
    await loaded;
    const iframe = walk(frame.contentDocument.body);
    iframe.quirks = frame.contentDocument.compatMode;
    frame.remove();
    const div = document.createElement("div");
    host.appendChild(div);
    div.innerHTML = html;
    const inline = walk(div);
    div.remove();
    out.push({iframe, inline});
  }
  return out;
}
""".replace("__WALK__", _WALK_JS)

# Label Studio's sanitizeHtml options (utils/html.js in 1.23.2), applied with its own
# sanitize-html under Node; reads a JSON list of HTML strings on stdin.
_SANITIZE_JS = r"""
const sanitize = require(process.argv[2]);
const YOUTUBE = ["www.youtube.com", "youtube.com", "www.youtube-nocookie.com",
                 "youtube-nocookie.com", "youtu.be"];
const youtube = (src) => {
  if (!src) return false;
  try {
    const url = new URL(src);
    return url.protocol === "https:" && YOUTUBE.includes(url.hostname);
  }
  catch (e) { return false; }
};
const options = {
  allowedTags: false, allowedAttributes: false, disallowedTagsMode: "discard",
  allowVulnerableTags: true,
  exclusiveFilter: (frame) => frame.tag === "iframe" ? !youtube(frame.attribs && frame.attribs.src)
                                                     : frame.tag === "script",
  nonTextTags: ["script", "textarea", "option", "noscript"],
  transformTags: {"*": (tagName, attribs) => {
    for (const name of Object.keys(attribs)) if (/^on/i.test(name)) delete attribs[name];
    return {tagName, attribs};
  }},
};
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  process.stdout.write(JSON.stringify(JSON.parse(input).map((html) => sanitize(html, options))));
});
"""

# The packages sanitize-html needs, with the file Node should load for each (the bundle keeps
# the sources, not the package.json files); the browser build replaces two postcss modules.
_MAINS = {
    "sanitize-html": "index.js",
    "htmlparser2": "lib/index.js",
    "htmlparser2/node_modules/domhandler": "lib/index.js",
    "htmlparser2/node_modules/domutils": "lib/index.js",
    "htmlparser2/node_modules/dom-serializer": "lib/index.js",
    "domhandler": "lib/index.js",
    "domelementtype": "lib/index.js",
    "entities": "lib/index.js",
    "deepmerge": "dist/cjs.js",
    "is-plain-object": "dist/is-plain-object.js",
    "parse-srcset": "src/parse-srcset.js",
    "sanitize-html/node_modules/escape-string-regexp": "index.js",
    "sanitize-html/node_modules/postcss": "lib/postcss.js",
    "nanoid": "index.browser.js",
    "nanoid/non-secure": "index.cjs",
    "picocolors": "picocolors.browser.js",
}


def _bundle_map() -> Path | None:
    found = sorted(ROOT.glob(".venv-ls/lib/python3*/site-packages/web/dist/apps/labelstudio"))
    for directory in found:
        if (directory / "main.js.map").exists():
            return directory / "main.js.map"
    return None


def label_studio_sanitize(htmls: list[str]) -> list[str] | None:
    """Each HTML after Label Studio's ``sanitizeHtml``; None without ``.venv-ls`` or Node."""
    source_map = _bundle_map()
    node = shutil.which("node")
    if source_map is None or node is None:
        return None
    bundle = json.loads(source_map.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="prelabel-sanitize-") as tmp:
        base = Path(tmp)
        for name, content in zip(bundle["sources"], bundle["sourcesContent"], strict=True):
            rel = name.split("/../../", 1)[-1]
            if content is None or not rel.startswith("node_modules/"):
                continue
            target = base / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        modules = base / "node_modules"
        for package, main in _MAINS.items():
            path = modules / package
            (path / "package.json").write_text(json.dumps({"main": main}), encoding="utf-8")
        postcss = modules / "sanitize-html" / "node_modules" / "postcss" / "lib"
        (postcss / "terminal-highlight.js").write_text("module.exports = {};\n")
        stub = modules / "source-map-js"
        stub.mkdir(exist_ok=True)
        (stub / "index.js").write_text("module.exports = {};\n")
        script = base / "sanitize.js"
        script.write_text(_SANITIZE_JS, encoding="utf-8")
        done = subprocess.run(
            [node, str(script), str(modules / "sanitize-html")],
            input=json.dumps(htmls),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    result: list[str] = json.loads(done.stdout)
    return result


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A page in headless Debian Chromium (flags of integration/editor.py), no network."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found (make test-integration installs it)")
    from playwright.sync_api import sync_playwright

    from integration.editor import CHROMIUM_FLAGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_FLAGS)
        )
        try:
            context = browser.new_context()
            context.route("**/*", lambda route: route.abort("internetdisconnected"))
            page = context.new_page()
            page.set_content('<!DOCTYPE html><html><body><div id="host"></div></body></html>')
            yield page
        finally:
            browser.close()


def browser_results() -> dict[str, Any]:
    """``{"chromium", "sanitizer", "cases": {id: {"raw"|"label_studio": {mode: walk}}}}``."""
    htmls = [case["html"] for case in CASES]
    sanitized = label_studio_sanitize(htmls)
    with chromium() as page:
        version = page.context.browser.version
        raw = page.evaluate(_RUN_JS, [htmls, SANDBOX])
        shown = page.evaluate(_RUN_JS, [sanitized, SANDBOX]) if sanitized is not None else None
    cases: dict[str, Any] = {}
    for i, case in enumerate(CASES):
        entry: dict[str, Any] = {"raw": raw[i]}
        if shown is not None and sanitized is not None:
            entry["sanitized_html"] = sanitized[i]
            entry["label_studio"] = shown[i]
        cases[case["id"]] = entry
    return {
        "chromium": version,
        "sanitizer": "label-studio 1.23.2 sanitize-html" if sanitized is not None else None,
        "cases": cases,
    }


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    """The browser's results, from a child process: the editor check keeps Playwright's sync
    API running in this process for the whole session, and a second sync session cannot start
    in the same thread."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found (make test-integration installs it)")
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"the browser run failed:\n{done.stderr[-4000:]}")
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def _params() -> list[Any]:
    params = []
    for case in CASES:
        for mode in MODES:
            reason = case.get("known", {}).get(mode)
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            params.append(pytest.param(case, mode, id=f"{case['id']}-{mode}", marks=marks))
    return params


def _walk_of(html: str, mode: str) -> dict[str, Any]:
    from prelabel.builders._htmltext import html_text_map

    found = html_text_map(html, inline=mode == "inline")
    return {"text": found.text, "paths": list(found.paths), "starts": list(found.starts)}


@pytest.mark.parametrize(("case", "mode"), _params())
def test_matches_label_studio(results: dict[str, Any], case: dict[str, Any], mode: str) -> None:
    shown = results["cases"][case["id"]].get("label_studio")
    if shown is None:
        pytest.skip("Label Studio's frontend bundle (.venv-ls) or node is missing")
    expected = {k: shown[mode][k] for k in ("text", "paths", "starts")}
    assert _walk_of(case["html"], mode) == expected, case["why"]


def test_iframe_documents_are_no_quirks(results: dict[str, Any]) -> None:
    modes = {entry["raw"]["iframe"]["quirks"] for entry in results["cases"].values()}
    assert modes == {"CSS1Compat"}


def test_browser_json_is_current(results: dict[str, Any]) -> None:
    """The unit suite's copy (browser.json) holds what this browser shows now."""
    stored = json.loads(BROWSER_JSON.read_text(encoding="utf-8"))
    assert stored["cases"] == results["cases"]


def main(argv: list[str]) -> int:
    if argv == ["--json"]:  # for the test's fixture
        print(json.dumps(browser_results(), ensure_ascii=False))
        return 0
    if argv != ["--dump"]:
        print("usage: python integration/test_hypertext_dom.py --dump | --json", file=sys.stderr)
        return 2
    found = browser_results()
    BROWSER_JSON.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {BROWSER_JSON.relative_to(ROOT)}: {len(found['cases'])} cases")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    raise SystemExit(main(sys.argv[1:]))
