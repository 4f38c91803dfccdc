"""Capture results written by Label Studio 1.23.2's own editor: the oracle of issue 17.

Each :class:`Case` is a labeling config, one task, and what an annotator does in the real editor
(headless Chromium, ``integration/editor.py``): clicks a label and drags on the image, selects
text with the browser's selection and releases the mouse, or calls the editor's own store
actions (``window.Htx``) where the pointer path needs media the test cannot play. The editor
then submits the annotation the way its Submit button does, and the result list is read back
through the API: that list, as stored, is the corpus entry.

``python -m integration.editor_corpus [--out DIR]`` starts a server and a browser and writes
``DIR/<case>.json`` (default ``tests/data/editor-corpus``). ``make test`` validates the committed
files without a browser (``tests/test_editor_corpus.py``); ``make test-integration`` captures
them again and compares (``integration/test_editor_corpus.py``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from integration.editor import Editor, stand_ins
from integration.server import ROOT, LabelStudioServer
from prelabel import LabelConfig
from prelabel.labelstudio import Client

CORPUS = ROOT / "tests" / "data" / "editor-corpus"
IMAGE = "https://example.com/photo.png"  # the editor gets an 800x600 PNG stand-in for it

# Helpers installed in the page before a case's steps run.
_HELPERS = """() => {
  window.__a = () => Htx.annotationStore.selected;
  window.__ctl = (name) => __a().names.get(name);
  window.__sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  // Select label `i` of control `name` alone.
  window.__pick = (name, i) => {
    const labels = __ctl(name).children;
    labels.forEach((l, k) => k !== i && l.selected && l.setSelected(false));
    if (!labels[i].selected) labels[i].setSelected(true);
  };
  // Select from the first occurrence of `a` to the end of the first later occurrence of `b`
  // in the text nodes under `getRoot()` (of document `getDoc()`), as a person's mouse would,
  // and release the mouse. Waits for the text to be shown (a busy machine renders late).
  window.__select = async (getDoc, getRoot, a, b) => {
    let doc = null, root = null;
    for (let k = 0; k < 200; k++) {
      try { doc = getDoc(); root = getRoot(); } catch (e) { root = null; }
      if (root && root.textContent.includes(a)) break;
      await __sleep(100);
    }
    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const nodes = []; let n; while ((n = walker.nextNode())) nodes.push(n);
    let s = null, e = null;
    for (const x of nodes) { const k = x.textContent.indexOf(a); if (!s && k >= 0) s = [x, k]; }
    for (const x of nodes.slice(nodes.indexOf(s[0]))) {
      const k = x.textContent.indexOf(b, x === s[0] ? s[1] : 0);
      if (!e && k >= 0) e = [x, k + b.length];
    }
    const range = doc.createRange(); range.setStart(...s); range.setEnd(...e);
    const sel = doc.getSelection(); sel.removeAllRanges(); sel.addRange(range);
    root.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
    await __sleep(200);
  };
  window.__textRoot = (i) => document.querySelectorAll(".lsf-richtext__container")[i];
  window.__htmlDoc = (i) => document.querySelectorAll("iframe.lsf-htx-richtext")[i].contentDocument;
  return true;
}"""


class Driver:
    """What a case's steps can do in the open editor: pointer, labels, store actions."""

    def __init__(self, editor: Editor) -> None:
        self.page = editor.page
        self.origin = (0.0, 0.0)

    def js(self, body: str) -> Any:
        """Run ``body`` (an async function body; ``__a()`` is the annotation) in the page."""
        return self.page.evaluate(f"async () => {{ {body} }}")

    def label(self, text: str) -> None:
        """Click label buttons, as an annotator does, until ``text`` is the one selected
        (a click toggles a label, and picking it also picks its control's tool)."""
        for _ in range(4):
            selected: list[str] = self.page.evaluate(
                "() => Array.from(__a().names.values()).flatMap((c) => c.children || [])"
                ".filter((l) => l.selected).map((l) => l.value)"
            )
            if selected == [text]:
                return
            wrong = [value for value in selected if value != text]
            self.page.locator(".lsf-label", has_text=wrong[0] if wrong else text).first.click()
            self.page.wait_for_timeout(200)
        raise RuntimeError(f"could not select the label {text!r} alone")

    def done(self) -> None:
        """Escape: finish the region being drawn and drop the selection."""
        self.page.keyboard.press("Escape")
        self.page.wait_for_timeout(100)

    def on_image(self) -> None:
        box = self.page.evaluate(
            "() => { const r = document.querySelector('.konvajs-content')"
            ".getBoundingClientRect(); return [r.x, r.y]; }"
        )
        self.origin = (float(box[0]), float(box[1]))

    def regions(self) -> int:
        count: int = self.page.evaluate("() => __a().regionStore.regions.length")
        return count

    def draw(self, label: str, gesture: Callable[[], None]) -> None:
        """Pick ``label``, make one region with ``gesture``, and wait until the editor has it
        (a busy machine is slow to finish a shape) before Escape ends the drawing."""
        before = self.regions()
        self.label(label)
        gesture()
        self.page.wait_for_timeout(300)
        for _ in range(50):
            if self.regions() > before:
                break
            self.page.wait_for_timeout(100)
        else:
            raise RuntimeError(f"the editor made no region for {label!r}")
        self.done()

    def drag(self, *points: tuple[float, float]) -> Callable[[], None]:
        """Press at the first point (px from the image's top-left), move through the rest."""

        def gesture() -> None:
            mouse, (x0, y0) = self.page.mouse, self.origin
            mouse.move(x0 + points[0][0], y0 + points[0][1])
            mouse.down()
            for x, y in points[1:]:
                mouse.move(x0 + x, y0 + y, steps=5)
            mouse.up()

        return gesture

    def click(self, *points: tuple[float, float]) -> Callable[[], None]:
        def gesture() -> None:
            x0, y0 = self.origin
            for x, y in points:
                self.page.mouse.click(x0 + x, y0 + y)
                self.page.wait_for_timeout(150)

        return gesture


Steps = Callable[[Driver], None]


@dataclasses.dataclass(frozen=True)
class Case:
    """One control family: its config, its task data, and what the annotator does."""

    name: str
    config: str
    data: dict[str, Any]
    steps: Steps
    results: int
    """How many results the steps make (a busy page may lose one: the case is done again)."""


def _image_tools(d: Driver) -> None:
    d.on_image()
    d.draw("Car", d.drag((400, 300), (200, 150)))  # right-to-left and bottom-to-top
    d.draw("Car", d.drag((50, 60), (150, 120)))
    # each shape starts away from the others: a press on a region's edge moves it instead
    d.draw("Cell", d.drag((500, 250), (540, 280)))
    d.draw("Nose", d.click((500, 100)))
    d.draw("Roof", d.click((60, 330), (160, 330), (110, 430), (60, 330)))
    d.draw("Road", d.drag((400, 400), (450, 420), (500, 400)))


def _ocr(d: Driver) -> None:
    d.on_image()
    d.draw("Plate", d.drag((100, 100), (300, 160)))
    d.js(
        "const a = __a(); const box = a.regionStore.regions[0]; a.selectArea(box);"
        " __ctl('transcription').addText('AB 123'); a.unselectAreas();"
    )
    d.done()


def _text_spans(d: Driver) -> None:
    d.js(
        "__pick('ner', 0);"
        " await __select(() => document, () => __textRoot(0), 'John', 'Smith');"
        " __pick('ner', 0);"
        " await __select(() => document, () => __textRoot(0), 'lives', 'Paris');"
        " __pick('ner', 0);"
        " await __select(() => document, () => __textRoot(0), 'Smith', 'Smith');"
    )


def _relations(d: Driver) -> None:
    _text_spans(d)
    d.js(
        "const a = __a(); const [p, q] = a.regionStore.regions; a.relationStore.addRelation(p, q);"
    )


def _hypertext(d: Driver) -> None:
    d.js(
        "__ctl('htl').children[0].setSelected(true);"
        " await __select(() => __htmlDoc(0), () => __htmlDoc(0).body, 'llo', 'wor');"
        " __ctl('htl').children[0].setSelected(true);"
        " await __select(() => __htmlDoc(0), () => __htmlDoc(0).body, 'Bold', 'Bold');"
    )


def _paragraphs(d: Driver) -> None:
    d.js(
        "__ctl('intent').children[0].setSelected(true);"
        " await __select(() => document,"
        " () => document.querySelector('[data-testid=phrases-wrapper]'), 'are', 'you');"
    )


def _store_regions(d: Driver, calls: str) -> None:
    d.js(f"const a = __a(); {calls}")


def _classifications(d: Driver) -> None:
    d.js(
        "__ctl('sentiment').children[1].toggleSelected();"
        " __ctl('topics').children[0].toggleSelected();"
        " __ctl('topics').children[2].toggleSelected();"
        " __ctl('quality').setRating(4);"
        " __ctl('count').setNumber(7);"
        " __ctl('summary').addText('A short summary');"
        " __ctl('summary').addText('and a second line');"
        " __ctl('taxonomy').onChange(null, [['Animals', 'Cats'], ['Plants']]);"
        " __ctl('when').setDateTime('2024-03-05T10:20'); __ctl('when').updateResult();"
    )


def _pairwise(d: Driver) -> None:
    d.js("__ctl('pw').selectLeft();")


TEXT = "John Smith\nlives in\r\nParis."
CASES: tuple[Case, ...] = (
    Case(
        "image-tools",
        '<View><Image name="image" value="$image"/>'
        '<RectangleLabels name="box" toName="image"><Label value="Car"/></RectangleLabels>'
        '<EllipseLabels name="ell" toName="image"><Label value="Cell"/></EllipseLabels>'
        '<PolygonLabels name="poly" toName="image"><Label value="Roof"/></PolygonLabels>'
        '<KeyPointLabels name="kp" toName="image"><Label value="Nose"/></KeyPointLabels>'
        '<BrushLabels name="mask" toName="image"><Label value="Road"/></BrushLabels></View>',
        {"image": IMAGE},
        _image_tools,
        6,
    ),
    Case(
        "ocr-per-region-textarea",
        '<View><Image name="image" value="$image"/>'
        '<RectangleLabels name="box" toName="image"><Label value="Plate"/></RectangleLabels>'
        '<TextArea name="transcription" toName="image" perRegion="true" editable="true"/>'
        "</View>",
        {"image": IMAGE},
        _ocr,
        2,
    ),
    Case(
        "text-spans",
        '<View><Text name="text" value="$text"/><Labels name="ner" toName="text">'
        '<Label value="PER"/><Label value="LOC"/></Labels></View>',
        {"text": TEXT},
        _text_spans,
        3,
    ),
    Case(
        "relations",
        '<View><Text name="text" value="$text"/><Labels name="ner" toName="text">'
        '<Label value="PER"/><Label value="LOC"/></Labels>'
        '<Relations><Relation value="lives_in"/></Relations></View>',
        {"text": TEXT},
        _relations,
        4,
    ),
    Case(
        "hypertext-spans",
        '<View><HyperText name="html" value="$html"/><HyperTextLabels name="htl" toName="html">'
        '<Label value="Greeting"/></HyperTextLabels></View>',
        {"html": "<div><p>Hello</p><p>world, <b>Bold</b> move</p></div>"},
        _hypertext,
        2,
    ),
    Case(
        "paragraphs",
        '<View><Paragraphs name="dialogue" value="$dialogue" layout="dialogue"/>'
        '<ParagraphLabels name="intent" toName="dialogue"><Label value="Question"/>'
        "</ParagraphLabels></View>",
        {
            "dialogue": [
                {"author": "A", "text": "How are you today?"},
                {"author": "B", "text": "Fine, thanks."},
            ]
        },
        _paragraphs,
        1,
    ),
    Case(
        "classifications",
        '<View><Text name="text" value="$text"/>'
        '<Choices name="sentiment" toName="text"><Choice value="Positive"/>'
        '<Choice value="Negative"/></Choices>'
        '<Choices name="topics" toName="text" choice="multiple"><Choice value="Sports"/>'
        '<Choice value="Politics"/><Choice value="Music"/></Choices>'
        '<Rating name="quality" toName="text" maxRating="5"/>'
        '<Number name="count" toName="text" min="0" max="10"/>'
        '<TextArea name="summary" toName="text"/>'
        '<Taxonomy name="taxonomy" toName="text"><Choice value="Animals"><Choice value="Cats"/>'
        '<Choice value="Dogs"/></Choice><Choice value="Plants"/></Taxonomy>'
        '<DateTime name="when" toName="text" showTime="true"/></View>',
        {"text": TEXT},
        _classifications,
        7,
    ),
    Case(
        "audio-segments",
        '<View><Audio name="audio" value="$audio"/><Labels name="speaker" toName="audio">'
        '<Label value="Speech"/></Labels></View>',
        {"audio": "https://example.com/talk.wav"},
        lambda d: _store_regions(
            d,
            # the editor writes original_length once the audio is loaded: wait for it
            "for (let k = 0; k < 200 && !__ctl('audio')._ws?.loaded; k++) await __sleep(100);"
            " __a().createResult({start: 0.5, end: 1.25, channel: 0}, {labels: ['Speech']},"
            " __ctl('speaker'), __ctl('audio'));",
        ),
        1,
    ),
    Case(
        "video-tracks",
        '<View><Video name="video" value="$video" framerate="25"/>'
        '<VideoRectangle name="track" toName="video"/>'
        '<Labels name="vlabel" toName="video"><Label value="Car"/></Labels>'
        '<TimelineLabels name="timeline" toName="video"><Label value="Walk"/></TimelineLabels>'
        "</View>",
        {"video": "https://example.com/clip.mp4"},
        lambda d: _store_regions(
            d,
            "a.createResult({sequence: [{frame: 1, enabled: true, rotation: 0, x: 10, y: 10,"
            " width: 20, height: 30, time: 0}, {frame: 5, enabled: false, rotation: 0,"
            " x: 40, y: 50, width: -20, height: -30, time: 0.16}]}, {labels: ['Car']},"
            " __ctl('track'), __ctl('video'));"
            " a.createResult({ranges: [{start: 3, end: 9}]}, {timelinelabels: ['Walk']},"
            " __ctl('timeline'), __ctl('video'));",
        ),
        2,
    ),
    Case(
        "timeseries-ranges",
        '<View><TimeSeries name="ts" value="$ts" valueType="json" timeColumn="time">'
        '<Channel column="signal"/></TimeSeries>'
        '<TimeSeriesLabels name="tsl" toName="ts"><Label value="Run"/></TimeSeriesLabels>'
        "</View>",
        {"ts": {"time": [0, 1, 2, 3, 4, 5], "signal": [1, 3, 2, 5, 4, 6]}},
        lambda d: _store_regions(
            d,
            "a.createResult({start: 1, end: 3, instant: false}, {timeserieslabels: ['Run']},"
            " __ctl('tsl'), __ctl('ts'));",
        ),
        1,
    ),
    Case(
        "ranker",
        '<View><List name="results" value="$items" title="Results"/>'
        '<Ranker name="rank" toName="results"/></View>',
        {"items": [{"id": "a", "title": "First"}, {"id": "b", "title": "Second"}]},
        lambda d: None,  # the editor writes the ranking on submit, in the shown order
        1,
    ),
    Case(
        "pairwise",
        '<View><Text name="left" value="$left"/><Text name="right" value="$right"/>'
        '<Pairwise name="pw" toName="left,right"/></View>',
        {"left": "one answer", "right": "another answer"},
        _pairwise,
        1,
    ),
)


def capture(client: Client, editor: Editor, case: Case, *, tries: int = 3) -> dict[str, Any]:
    """Do the case in the editor, submit, and read the annotation back; the corpus entry.

    On a busy machine the data manager may build the editor again while the steps run, and
    what was made in the first one is lost; the case is then done again, in a new project.
    """
    why = ""
    for _ in range(tries):
        try:
            entry = _capture_once(client, editor, case)
        except Exception as error:  # a step on an editor the data manager replaced mid-way
            why = str(error)[:300]
            continue
        if len(entry["result"]) == case.results:
            return entry
        why = f"the editor saved {len(entry['result'])} results, not {case.results}"
    raise RuntimeError(f"{case.name}: {why}")


def _capture_once(client: Client, editor: Editor, case: Case) -> dict[str, Any]:
    project = client.create_project(f"editor corpus {case.name}", case.config)
    try:
        task = {"data": case.data}
        client.import_tasks(project, [task])
        [stored] = client.read_tasks(project)
        media = stand_ins(LabelConfig.parse(case.config), task)
        editor.open_task(project, stored["id"], predictions=0, stand_ins=media)
        editor.page.evaluate(_HELPERS)
        case.steps(Driver(editor))
        editor.page.evaluate("() => Htx.submitAnnotation()")
        annotations: list[Any] = []
        for _ in range(100):
            annotations = client.read_task(stored["id"]).get("annotations") or []
            if annotations:
                break
            editor.page.wait_for_timeout(100)
        if not annotations:
            raise RuntimeError(f"{case.name}: the editor saved no annotation")
        result = annotations[-1]["result"]
    finally:
        client.delete_project(project)
    return {"case": case.name, "config": case.config, "data": case.data, "result": result}


def capture_all(client: Client, editor: Editor, out: Path) -> list[Path]:
    """Capture every case into ``out/<case>.json``; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for case in CASES:
        entry = capture(client, editor, case)
        path = out / f"{case.name}.json"
        path.write_text(json.dumps(entry, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    with (
        LabelStudioServer() as server,
        Editor(server.url, server.username, server.password) as editor,
    ):
        client = Client(server.url, server.token)
        for path in capture_all(client, editor, args.out):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
