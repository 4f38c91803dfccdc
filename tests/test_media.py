"""prelabel.media: local-files URLs, data: URIs, image sizes; and the validator's media check."""

from __future__ import annotations

import base64
import os
import posixpath
import struct
import urllib.parse
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import prelabel
from prelabel import BuildError, LabelConfig
from prelabel.adapters import coco_to_tasks
from prelabel.errors import ValidationError
from prelabel.media import data_url, image_size, local_files_url
from prelabel.media._refs import local_files_param, reference_kind
from prelabel.validate import Validator, check

# --- reference kinds --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("https://example.com/a.png", "url"),
        ("HTTP://example.com/a.png", "url"),
        ("//cdn.example.com/a.png", "url"),
        ("data:image/png;base64,AAAA", "data"),
        ("/data/upload/3/a.png", "server"),
        ("/static/samples/sample.jpg", "server"),
        ("/tasks/12/presign/?fileuri=czM6Ly9i", "server"),
        ("/data/local-files/?d=photos/a.png", "local_files"),
        ("/data/local-files?d=photos/a.png", "local_files"),
        ("http://localhost:8080/data/local-files/?d=a.png", "local_files"),
        ("s3://bucket/a.png", "cloud"),
        ("gs://bucket/a.png", "cloud"),
        ("azure-blob://container/a.png", "cloud"),
        ("/home/me/a.png", "file_path"),
        ("/data/a.png", "file_path"),
        ("images/a.png", "relative_path"),
        ("./a.png", "relative_path"),
        ("~/a.png", "relative_path"),
        ("a.png", "relative_path"),
        ("images\\a.png", "relative_path"),
        ("C:\\Users\\me\\a.png", "windows_path"),
        ("c:/Users/me/a.png", "windows_path"),
        ("\\\\server\\share\\a.png", "windows_path"),
        ("file:///home/me/a.png", "file_url"),
        ("", "empty"),
        ("   ", "empty"),
        ("ftp://example.com/a.png", "unknown_scheme"),
        ("blob:https://x/1", "unknown_scheme"),
    ],
)
def test_reference_kind(value: str, kind: str) -> None:
    assert reference_kind(value) == kind


# --- local_files_url --------------------------------------------------------------------------


def _server_resolves(url: str, root: str) -> str:
    """What Label Studio 1.23.2 serves for ``url`` (io_storages/localfiles/views.py):
    ``request.GET['d']`` (percent- and plus-decoded), ``posixpath.normpath(...).lstrip('/')``,
    then Django's ``safe_join(root, path)`` (abspath of the join, refused outside root)."""
    path = posixpath.normpath(local_files_param(url) or "").lstrip("/")
    full = os.path.abspath(os.path.join(root, path))
    assert full.startswith(os.path.join(os.path.abspath(root), "")), "safe_join refuses it"
    return full


def test_local_files_url_examples(tmp_path: Path) -> None:
    root = tmp_path / "root"
    assert local_files_url(root / "a.png", root) == "/data/local-files/?d=a.png"
    assert (
        local_files_url(root / "my photos" / "été #1+2&x=y?.jpg", root)
        == "/data/local-files/?d=my%20photos/%C3%A9t%C3%A9%20%231%2B2%26x%3Dy%3F.jpg"
    )
    assert local_files_url(str(root / "x" / ".." / "b.png"), str(root)) == (
        "/data/local-files/?d=b.png"
    )


def test_local_files_url_relative_path_is_taken_from_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert local_files_url("images/a.png", tmp_path) == "/data/local-files/?d=images/a.png"


@pytest.mark.parametrize(
    "path",
    ["/elsewhere/a.png", "/root", "/root/../a.png", "/rootfile.png"],
    ids=["outside", "the-root-itself", "dot-dot", "sibling-prefix"],
)
def test_local_files_url_refuses_paths_outside_the_root(path: str) -> None:
    with pytest.raises(BuildError, match="is not inside the document root /root"):
        local_files_url(path, "/root")


_NAMES = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\\x00"),
    min_size=1,
    max_size=12,
).filter(lambda name: name not in (".", ".."))


@settings(max_examples=200, deadline=None)
@given(st.lists(_NAMES, min_size=1, max_size=4))
def test_local_files_url_round_trips_through_the_servers_resolution(parts: list[str]) -> None:
    root = "/srv/media root"
    path = os.path.join(root, *parts)
    url = local_files_url(path, root)
    assert reference_kind(url) == "local_files"
    assert _server_resolves(url, root) == os.path.abspath(path)
    # only the query is ours: no character the URL parser would split on is left bare
    query = urllib.parse.urlsplit(url).query
    assert query.count("=") == 1
    assert "&" not in query
    assert "#" not in url
    assert "+" not in query
    assert " " not in url


# --- data_url ---------------------------------------------------------------------------------


def _decode(url: str) -> tuple[str, bytes]:
    head, _, payload = url[5:].partition(",")
    if head.endswith(";base64"):
        return head[: -len(";base64")], base64.b64decode(payload)
    return head, urllib.parse.unquote_to_bytes(payload)


def _png_pixels(png: bytes) -> tuple[int, int, int, bytes]:
    """Width, height, colour type and the inflated rows of a PNG (its IDAT chunks)."""
    width, height, _, color = struct.unpack(">IIBB", png[16:26])
    idat, at = b"", 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        if png[at + 4 : at + 8] == b"IDAT":
            idat += png[at + 8 : at + 8 + length]
        at += 12 + length
    return width, height, color, zlib.decompress(idat)


def test_data_url_image_is_base64_audio_is_percent_encoded(tmp_path: Path) -> None:
    png = tmp_path / "a.png"
    png.write_bytes(base64.b64decode(_PNG_1X1))
    url = data_url(png)
    assert url.startswith("data:image/png;base64,")
    assert _decode(url) == ("image/png", png.read_bytes())
    wav = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00" + bytes(range(256))
    audio = data_url(wav)
    assert audio.startswith("data:audio/wav,RIFF")
    assert ";base64" not in audio
    assert "?" not in audio
    assert "#" not in audio
    assert _decode(audio) == ("audio/wav", wav)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["audio/mpeg", "image/webp", "video/mp4"]))
def test_data_url_round_trips_any_bytes(payload: bytes, mime: str) -> None:
    assert _decode(data_url(payload, mime=mime)) == (mime, payload)


def test_data_url_of_a_numpy_image_is_a_png_of_its_pixels() -> None:
    rgb = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    mime, png = _decode(data_url(rgb))
    assert mime == "image/png"
    width, height, color, raw = _png_pixels(png)
    assert (width, height, color) == (3, 2, 2)
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(2, 1 + 9)
    assert (rows[:, 0] == 0).all()
    assert np.array_equal(rows[:, 1:].reshape(2, 3, 3), rgb)
    _, mask_png = _decode(data_url(np.eye(2, dtype=bool)))
    assert _png_pixels(mask_png)[3] == b"\x00\xff\x00\x00\x00\xff"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (b"plain bytes", "cannot tell the media type: pass mime="),
        (
            np.zeros((2, 2), dtype=float),
            "an image array must be uint8 (0-255) or bool, got float64",
        ),
        (np.zeros((2, 2, 5), dtype=np.uint8), "with 1-4 channels, got (2, 2, 5)"),
        (np.zeros((0, 2), dtype=np.uint8), "got (0, 2)"),
    ],
    ids=["unknown-bytes", "float-image", "five-channels", "empty-image"],
)
def test_data_url_refuses_what_it_cannot_type(source: Any, message: str) -> None:
    with pytest.raises(BuildError, match=message.replace("(", r"\(").replace(")", r"\)")):
        data_url(source)


def test_data_url_reads_the_type_from_the_suffix_when_the_bytes_say_nothing(
    tmp_path: Path,
) -> None:
    svg = tmp_path / "a.svg"
    svg.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert data_url(svg).startswith("data:image/svg+xml;base64,")


def test_image_size_is_public_and_reads_headers_only(tmp_path: Path) -> None:
    png = tmp_path / "a.png"
    png.write_bytes(base64.b64decode(_PNG_1X1)[:24])  # the header alone
    assert image_size(png) == (1, 1)
    assert prelabel.image_size is image_size
    assert prelabel.data_url is data_url
    assert prelabel.local_files_url is local_files_url


_PNG_1X1 = "".join(
    [
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwAB",
        "BAEAwS2OUAAAAABJRU5ErkJggg==",
    ]
)

# --- the validator ----------------------------------------------------------------------------

CONFIG = LabelConfig.parse(
    """<View>
  <Image name="image" value="$image"/>
  <Image name="pages" valueList="$pages"/>
  <Audio name="audio" value="$audio"/>
  <Video name="video" value="$video"/>
  <Text name="doc" value="$doc" valueType="url"/>
  <Text name="text" value="$text"/>
  <Choices name="c" toName="image"><Choice value="A"/></Choices>
</View>"""
)
GOOD = {
    "image": "https://example.com/a.png",
    "pages": ["/data/upload/1/p1.png", "data:image/png;base64,AAAA"],
    "audio": "data:audio/wav,RIFF%00",
    "video": "/static/samples/opossum_snow.mp4",
    "doc": "https://example.com/doc.txt",
    "text": "C:\\not\\a\\url, just text",
}


def _codes(**data: Any) -> list[tuple[str, str, str]]:
    records = check([{"data": {**GOOD, **data}}], CONFIG)
    return [(r.path, r.code, r.severity) for r in records]


def test_loadable_media_and_plain_text_pass() -> None:
    assert _codes() == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"image": "/home/me/a.png"}, ("$[0].data.image", "media.local_path", "error")),
        ({"image": "a.png"}, ("$[0].data.image", "media.local_path", "error")),
        ({"pages": ["https://x/1.png", "C:\\a.png"]},
         ("$[0].data.pages[1]", "media.local_path", "error")),
        ({"audio": "file:///a.wav"}, ("$[0].data.audio", "media.file_url", "error")),
        ({"video": ""}, ("$[0].data.video", "media.empty", "error")),
        ({"doc": "ftp://x/doc.txt"}, ("$[0].data.doc", "media.scheme_unknown", "error")),
        ({"audio": "data:audio/wav;base64,UklGRg=="},
         ("$[0].data.audio", "media.audio_base64", "error")),
        ({"doc": "data:text/plain,hi"}, ("$[0].data.doc", "media.data_uri_refused", "error")),
        ({"video": "data:image/png;base64,AAAA"},
         ("$[0].data.video", "media.data_uri_type", "warning")),
        ({"image": "/data/local-files/?d=a.png"},
         ("$[0].data.image", "media.local_files", "warning")),
        ({"image": "gs://bucket/a.png"}, ("$[0].data.image", "media.cloud_storage", "warning")),
    ],
    ids=["absolute", "relative", "list-item", "file-url", "empty", "ftp", "audio-base64",
         "text-url-data", "image-in-video", "local-files", "cloud"],
)  # fmt: skip
def test_each_form(data: dict[str, Any], expected: tuple[str, str, str]) -> None:
    assert _codes(**data) == [expected]


def test_hint_names_the_fixes() -> None:
    [record] = check([{"data": {**GOOD, "image": "/home/me/a.png"}}], CONFIG)
    assert record.control == "image"
    assert record.control_kind == "Image"
    for fix in ("local_files_url", "data_url", "/data/upload/", "cloud storage"):
        assert fix in (record.hint or "")


def test_setup_notes_are_reported_once_per_object_tag_and_strict_makes_them_errors() -> None:
    validator = Validator(CONFIG)
    tasks = [{"data": {**GOOD, "image": f"/data/local-files/?d={i}.png"}} for i in range(5)]
    records = [r for i, t in enumerate(tasks) for r in validator.check_task(t, i)]
    assert [(r.path, r.code) for r in records] == [("$[0].data.image", "media.local_files")]
    assert [r.severity for r in check(tasks, CONFIG, strict=True)] == ["error"]


def test_a_large_data_uri_is_a_warning_that_gives_its_size() -> None:
    [record] = check([{"data": {**GOOD, "image": "data:image/png;base64," + "A" * 2_500_000}}],
                     CONFIG)  # fmt: skip
    assert (record.code, record.severity) == ("media.data_uri_large", "warning")
    assert "2.5 MB" in record.message


def test_the_coco_adapters_default_file_name_is_refused(tmp_path: Path) -> None:
    dataset = {
        "images": [{"id": 1, "width": 4, "height": 4, "file_name": "a.jpg"}],
        "annotations": [],
        "categories": [{"id": 1, "name": "A"}],
    }
    config = LabelConfig.parse(
        '<View><Image name="image" value="$image"/>'
        '<RectangleLabels name="box" toName="image"><Label value="A"/></RectangleLabels></View>'
    )
    with pytest.raises(ValidationError, match=r"media\.local_path.*'a\.jpg'"):
        list(coco_to_tasks(dataset, config))


# --- image_wh given as numpy's (height, width) -----------------------------------------------

WH_CONFIG = LabelConfig.parse(
    """<View><Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image"><Label value="A"/></RectangleLabels>
  <PolygonLabels name="poly" toName="image"><Label value="A"/></PolygonLabels>
  <KeyPointLabels name="kp" toName="image"><Label value="A"/></KeyPointLabels>
</View>"""
)
SWAPPED = "did you pass img.shape[:2], which is (height, width)? Use image_wh=(640, 480)"


@pytest.mark.parametrize(
    "build",
    [
        lambda: WH_CONFIG.control("box").box(xyxy_px=(500, 10, 600, 100), image_wh=(480, 640),
                                             label="A"),
        lambda: WH_CONFIG.control("box").box(
            corners_px=[(520, 200), (560, 240), (520, 280), (480, 240)], image_wh=(480, 640),
            label="A"),
        lambda: WH_CONFIG.control("poly").polygon(points_px=[(10, 10), (620, 100), (600, 50)],
                                                  image_wh=(480, 640), label="A"),
        lambda: WH_CONFIG.control("kp").point(xy_px=(630, 20), image_wh=(480, 640), label="A"),
    ],
    ids=["box", "rotated-box", "polygon", "keypoint"],
)  # fmt: skip
def test_a_shape_that_fits_the_swapped_size_says_so_first(build: Any) -> None:
    with pytest.raises(BuildError) as caught:
        build()
    message = str(caught.value)
    assert "every point fits a 640x480 image" in message
    assert SWAPPED in message
    # said before clip=True, which would squash a swapped shape silently
    assert "clip=True" not in message.split("img.shape")[0]


def test_a_shape_outside_both_sizes_gets_the_clip_hint() -> None:
    with pytest.raises(BuildError, match=r"pass clip=True") as caught:
        WH_CONFIG.control("box").box(xyxy_px=(10, 10, 700, 100), image_wh=(480, 640), label="A")
    assert "img.shape" not in str(caught.value)


# --- prelabel upload: which local files the server serves (media/_served.py) ------------------


class _FakeServer:
    """Answers media_status() like Label Studio: a dict of path -> (status, message)."""

    def __init__(self, answers: dict[str, tuple[int, str]]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def media_status(self, url: str) -> tuple[int, str]:
        self.asked.append(url)
        return self.answers.get(url, (404, ""))


def _refs(tasks: list[dict[str, Any]], limit: int = 100) -> Any:
    from prelabel.media._served import LocalFileRefs

    refs = LocalFileRefs("http://ls:8080", limit=limit)
    for index, task in enumerate(tasks):
        refs.add(index, task)
    return refs


def test_each_distinct_local_file_is_asked_once_and_reported_by_its_first_task() -> None:
    from prelabel.media._served import check_served

    a, b = "/data/local-files/?d=a.png", "/data/local-files/?d=b.png"
    tasks = [
        {"data": {"image": a}},
        {"data": {"image": "https://x/1.png", "pages": [b, a]}},
        {"data": {"image": "http://ls:8080" + b}},  # the server's own full URL: its path
        {"data": {"image": "http://other:8080/data/local-files/?d=c.png"}},  # not ours to ask
    ]
    server = _FakeServer({a: (200, "")})
    report = check_served(server, _refs(tasks))  # type: ignore[arg-type]
    assert server.asked == [a, b]
    assert (report.checked, report.tasks, report.ok) == (2, 3, False)
    assert [(i, url) for i, url, _ in report.not_served] == [(1, b)]
    assert report.lines()[0] == (
        "media: the server serves 1 of 2 local files checked; the editor cannot load these:"
    )


def test_serving_off_is_one_line_naming_the_variables() -> None:
    from prelabel.media._served import check_served

    off = (403, "Serving local files can be dangerous ... LOCAL_FILES_SERVING_ENABLED ...")
    server = _FakeServer({"/data/local-files/?d=a.png": off})
    tasks = [{"data": {"image": f"/data/local-files/?d={n}.png"}} for n in "ab"]
    report = check_served(server, _refs(tasks))  # type: ignore[arg-type]
    assert report.serving_off
    assert server.asked == ["/data/local-files/?d=a.png"]
    [line] = report.lines()
    assert "LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED=true" in line


def test_references_over_the_limit_are_counted_not_asked() -> None:
    from prelabel.media._served import check_served

    tasks = [{"data": {"image": f"/data/local-files/?d={i}.png"}} for i in range(5)]
    server = _FakeServer({f"/data/local-files/?d={i}.png": (206, "") for i in range(5)})
    report = check_served(server, _refs(tasks, limit=3))  # type: ignore[arg-type]
    assert (report.checked, report.not_checked, report.ok) == (3, 2, True)
    assert "2 more references not checked" in report.lines()[0]
