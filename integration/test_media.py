"""Media the way a user points at it: local files served by the real Label Studio, and the forms
that never load (docs/media.md, prelabel.media, the validator's ``media.*`` codes).

A second Label Studio runs here with local-files serving on and ``examples/data`` as its
document root (the session's server has serving off, Label Studio's default). The
``local_files`` example's tasks (``/data/local-files/`` URLs to the three bundled photos, boxes
from a YOLO detector) are uploaded with ``prelabel upload --local-files-root``, which connects
the storage, and opened in the editor in Chromium with **no stand-ins**: each photo comes from
the server, loads at its real size, and each box is drawn over it where the model put it.

Negative controls: the same photo as a file-system path and as a ``file://`` URL are errors in
the validator, and the editor shows "There was an issue loading URL" for both. The data-URI
forms ``prelabel.media.data_url`` writes are pinned per tag the same way.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from integration.editor import Editor, differences, wav_bytes
from integration.server import ROOT, LabelStudioServer
from prelabel import LabelConfig, image_size
from prelabel.cli import upload
from prelabel.labelstudio import Client
from prelabel.media import data_url
from prelabel.validate import Validator, check

DOCUMENT_ROOT = ROOT / "examples" / "data"
PHOTOS = DOCUMENT_ROOT / "adapters" / "yolo" / "images"
LOADING_ERROR = "There was an issue loading URL"
# Reads the page: the loading message, and the state of an <Image>'s or <audio>'s media.
_MEDIA_JS = """() => {
  const text = document.body.innerText;
  const at = text.indexOf(__ISSUE__);
  const H = window.Htx;
  let image = null;
  const sel = H && H.annotationStore && H.annotationStore.selected;
  if (sel) for (const [, tag] of sel.names.entries()) {
    const e = tag.type === "image" ? tag.currentImageEntity : null;
    if (e) image = {loaded: !!e.imageLoaded, natural: [e.naturalWidth, e.naturalHeight]};
  }
  const audio = document.querySelector("audio");
  return {issue: at >= 0, image, audio: audio ? audio.readyState : null};
}""".replace("__ISSUE__", json.dumps(LOADING_ERROR))


@pytest.fixture(scope="module")
def lf_server(artifacts: Path) -> Iterator[LabelStudioServer]:
    """Label Studio serving local files below ``examples/data``, stopped at the end."""
    server = LabelStudioServer(local_files_root=DOCUMENT_ROOT)
    with server.serving(artifacts / "server-local-files.log"):
        yield server


@pytest.fixture(scope="module")
def lf_editor(lf_server: LabelStudioServer, editor: Editor) -> Iterator[Editor]:
    """A second browser, for this server, on the session editor's playwright (one sync
    playwright per process)."""
    browser = Editor(
        lf_server.url, lf_server.username, lf_server.password, playwright=editor.playwright
    )
    try:
        browser.start()
        yield browser
    finally:
        browser.stop()


@pytest.fixture(scope="module")
def lf_client(lf_server: LabelStudioServer) -> Client:
    return Client(lf_server.url, lf_server.token)


def _example(out_dir: Path) -> dict[str, str]:
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import local_files  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "examples"))
    [entry] = local_files.main(out_dir)
    return dict(entry)


def _upload(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    parser = argparse.ArgumentParser(prog="prelabel")
    upload.add_parser(parser.add_subparsers(dest="command"))
    status = upload.run(parser.parse_args(["upload", "--no-progress", "--format", "json", *argv]))
    return status, json.loads(capsys.readouterr().out)


def _look(editor: Editor, project: int, task_id: int, predictions: int) -> dict[str, Any]:
    view = editor.open_task(project, task_id, predictions=predictions, stand_ins={})
    media: dict[str, Any] = {}
    for _ in range(30):  # the loading message comes after the request fails: poll ~3 s
        media = editor.page.evaluate(_MEDIA_JS)
        image = media["image"] or {}
        if media["issue"] or image.get("loaded") or (media["audio"] or 0) >= 2:
            break
        editor.page.wait_for_timeout(100)
    view["media"] = media
    return view


def test_local_files_upload_and_the_boxes_on_the_real_photos(
    lf_server: LabelStudioServer,
    lf_client: Client,
    lf_editor: Editor,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    entry = _example(tmp_path)
    capsys.readouterr()  # what the example printed
    tasks = json.loads(Path(entry["tasks"]).read_text(encoding="utf-8"))
    config = LabelConfig.from_file(entry["config"])
    argv = ["--url", lf_server.url, "--token", lf_server.token, "--config", entry["config"]]
    status, report = _upload([*argv, "--local-files-root", str(PHOTOS), entry["tasks"]], capsys)
    assert status == 0, report
    assert report["local_files"]["storage"]["path"] == str(PHOTOS)
    assert (report["local_files"]["checked"], report["local_files"]["not_served"]) == (3, [])
    project = report["project_id"]
    stored = {t["id"]: t for t in lf_client.iter_tasks(project)}
    lf_editor.served.clear()
    for task_id, back in sorted(stored.items()):
        index = next(i for i, t in enumerate(tasks) if t["data"] == back["data"])
        photo = DOCUMENT_ROOT / back["data"]["image"].split("?d=", 1)[1]
        view = _look(lf_editor, project, task_id, predictions=1)
        assert not view["media"]["issue"], view.get("errors")
        assert view["images"]["image"]["loaded"]
        assert tuple(view["images"]["image"]["natural"]) == image_size(photo)
        sent = tasks[index]["predictions"][0]["result"]
        assert len(sent) >= 1
        assert differences(config, tasks[index]["data"], sent, view) == []
    assert lf_editor.served == []  # every photo came from Label Studio, none from a stand-in
    # Given the document root, the validator finds each photo and the size the browser showed
    records = Validator(config, local_files_root=DOCUMENT_ROOT).check(tasks)
    assert [r.code for r in records if r.code != "media.local_files"] == []

    # Uploading again into the same project finds the storage instead of adding another.
    status, again = _upload([*argv, "--project", str(project), "--local-files-root",
                             str(PHOTOS), entry["tasks"]], capsys)  # fmt: skip
    assert status == 0
    assert again["local_files"]["storage"] == report["local_files"]["storage"]
    assert len(lf_client.local_files_storages(project)) == 1


def test_unservable_local_files_are_reported(
    lf_server: LabelStudioServer,
    ls_server: LabelStudioServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "config.xml"
    config.write_text('<View><Image name="image" value="$image"/></View>', encoding="utf-8")
    tasks = tmp_path / "tasks.json"
    urls = ["/data/local-files/?d=adapters/yolo/images/park.png",
            "/data/local-files/?d=adapters/yolo/missing.png",
            "/data/local-files/?d=adapters/yolo/images/missing.png"]  # fmt: skip
    tasks.write_text(json.dumps([{"data": {"image": url}} for url in urls]), encoding="utf-8")
    argv = ["--config", str(config), str(tasks)]
    # served by this server (the storage covers the photos); 404 for the file outside it
    lf = ["--url", lf_server.url, "--token", lf_server.token, "--local-files-root", str(PHOTOS)]
    status, report = _upload([*lf, *argv], capsys)
    assert status == 1
    outside, missing = report["local_files"]["not_served"]
    assert (outside["index"], outside["url"]) == (1, urls[1])
    assert outside["reason"].startswith("404: no local-files storage covers it")
    # inside the storage's path but not on disk: 404 too; the validator, given the document
    # root, says so before any upload
    assert (missing["index"], missing["url"]) == (2, urls[2])
    assert missing["reason"].startswith("404: ")
    validator = Validator(LabelConfig.from_file(config), local_files_root=DOCUMENT_ROOT)
    records = validator.check([{"data": {"image": url}} for url in urls])
    assert [(r.loc[0], r.code) for r in records if r.severity == "error"] == [
        (1, "media.file_missing"),
        (2, "media.file_missing"),
    ]
    # a server with local-files serving off (Label Studio's default) says so
    status, report = _upload(["--url", ls_server.url, "--token", ls_server.token, *argv], capsys)
    assert status == 1
    assert report["local_files"]["serving_off"]
    # a storage outside the document root is refused by the server, with its reason
    parser = argparse.ArgumentParser(prog="prelabel")
    upload.add_parser(parser.add_subparsers(dest="command"))
    args = ["upload", "--no-progress", "--url", lf_server.url, "--token", lf_server.token,
            "--local-files-root", str(tmp_path), *argv]  # fmt: skip
    assert upload.run(parser.parse_args(args)) == 2
    assert "must be a subdirectory of" in capsys.readouterr().err


def _project(client: Client, xml: str, values: list[str]) -> tuple[int, list[int]]:
    project = client.create_project(f"media {len(values)}", xml)
    report = client.import_tasks(project, [{"data": {"m": value}} for value in values])
    assert report.ok, report.summary()
    return project, [report.task_ids[i] for i in range(len(values))]


# A control beside the object: without one the data manager opens no labeling editor.
CHOICE = '<Choices name="c" toName="m"><Choice value="A"/></Choices>'
IMAGE_XML = f'<View><Image name="m" value="$m"/>{CHOICE}</View>'


def test_paths_never_load_and_are_validator_errors(lf_client: Client, lf_editor: Editor) -> None:
    photo = PHOTOS / "park.png"
    forms = {"path": str(photo), "file-url": photo.as_uri(), "relative": "images/park.png"}
    codes = {"path": "media.local_path", "file-url": "media.file_url",
             "relative": "media.local_path"}  # fmt: skip
    config = LabelConfig.parse(IMAGE_XML)
    for name, value in forms.items():
        [record] = check([{"data": {"m": value}}], config)
        assert (record.code, record.severity) == (codes[name], "error"), name
    project, ids = _project(lf_client, IMAGE_XML, list(forms.values()))
    for name, task_id in zip(forms, ids, strict=True):
        media = _look(lf_editor, project, task_id, predictions=0)["media"]
        assert media["issue"], f"{name}: the editor showed no loading error"
        assert not media["image"]["loaded"], name


def test_data_uris_load_in_the_form_data_url_writes(lf_client: Client, lf_editor: Editor) -> None:
    wav = wav_bytes(1.0)
    base64_audio = "data:audio/wav;base64," + base64.b64encode(wav).decode("ascii")
    audio_xml = f'<View><Audio name="m" value="$m"/>{CHOICE}</View>'
    project, (written, broken) = _project(lf_client, audio_xml, [data_url(wav), base64_audio])
    assert (_look(lf_editor, project, written, 0)["media"]["audio"] or 0) >= 2  # decoded
    assert _look(lf_editor, project, broken, 0)["media"]["issue"]  # the ?lsref=1 breaks it
    config = LabelConfig.parse(audio_xml)
    assert [r.code for r in check([{"data": {"m": base64_audio}}], config)] == [
        "media.audio_base64"
    ]
    assert check([{"data": {"m": data_url(wav)}}], config) == []

    project, (image,) = _project(lf_client, IMAGE_XML, [data_url(PHOTOS / "park.png")])
    media = _look(lf_editor, project, image, 0)["media"]
    assert media["image"] == {"loaded": True, "natural": list(image_size(PHOTOS / "park.png"))}

    for tag in ("Text", "HyperText"):
        xml = f'<View><{tag} name="m" value="$m" valueType="url"/>{CHOICE}</View>'
        project, (task_id,) = _project(lf_client, xml, ["data:text/plain,Hello"])
        errors = lf_editor.open_task(project, task_id, predictions=0, stand_ins={})["errors"]
        assert any("is not valid" in error for error in errors), (tag, errors)
        [record] = check([{"data": {"m": "data:text/plain,Hello"}}], LabelConfig.parse(xml))
        assert record.code == "media.data_uri_refused"
