"""Where the image is at hand (a base64 ``data:`` image, or a ``/data/local-files/`` file under
the document root the validator is given), the results' ``original_width``/``original_height``
are compared with its real size, and a local file that is not there is an error."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from prelabel import LabelConfig
from prelabel.cli import main
from prelabel.media import data_url, local_files_url
from prelabel.validate import Validator

CONFIG = LabelConfig.parse(
    '<View><Image name="image" value="$image"/>'
    '<RectangleLabels name="label" toName="image"><Label value="Car"/></RectangleLabels></View>'
)
LIST_CONFIG = LabelConfig.parse(
    '<View><Image name="pages" valueList="$pages"/>'
    '<RectangleLabels name="label" toName="pages"><Label value="Car"/></RectangleLabels></View>'
)


def png_bytes(width: int, height: int) -> bytes:
    """A valid PNG of ``width`` x ``height`` black pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x00" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _box(width: Any, height: Any, item: int | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": f"b{item}",
        "type": "rectanglelabels",
        "from_name": "label",
        "to_name": "pages" if item is not None else "image",
        "original_width": width,
        "original_height": height,
        "image_rotation": 0,
        "value": {"x": 10, "y": 10, "width": 20, "height": 20, "rotation": 0,
                  "rectanglelabels": ["Car"]},
    }  # fmt: skip
    if item is not None:
        result["item_index"] = item
    return result


def _task(image: str, *results: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": {"image": image},
        "predictions": [{"model_version": "v", "result": list(results)}],
    }


def _codes(records: list[Any]) -> list[str]:
    return [r.code for r in records if r.code not in ("media.local_files",)]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a b.png").write_bytes(png_bytes(40, 20))
    return tmp_path


def test_a_local_file_of_the_same_size_passes(root: Path) -> None:
    url = local_files_url(root / "photos" / "a b.png", root)
    records = Validator(CONFIG, local_files_root=root).check([_task(url, _box(40, 20))])
    assert _codes(records) == []


@pytest.mark.parametrize(
    ("size", "says"),
    [
        ((80, 40), "the same shape at another scale"),
        ((20, 40), "width and height are swapped: was the size taken from img.shape[:2]"),
        ((40, 30), "another shape: percent coordinates computed for that size are drawn"),
    ],
)
def test_a_local_file_of_another_size_is_a_warning(
    root: Path, size: tuple[int, int], says: str
) -> None:
    url = local_files_url(root / "photos" / "a b.png", root)
    records = Validator(CONFIG, local_files_root=root).check([_task(url, _box(*size))])
    (record,) = [r for r in records if r.code == "media.size_mismatch"]
    assert record.severity == "warning"
    assert record.path == "$[0].predictions[0].result[0].original_width"
    assert says in record.message
    assert record.expected == "40x20"
    assert "image_wh=(40, 20)" in (record.hint or "")


def test_a_local_file_missing_or_outside_the_root_is_an_error(root: Path) -> None:
    tasks = [
        _task("/data/local-files/?d=photos/missing.png", _box(40, 20)),
        _task("/data/local-files/?d=../outside.png", _box(40, 20)),
    ]
    records = Validator(CONFIG, local_files_root=root).check(tasks)
    missing = [r for r in records if r.code == "media.file_missing"]
    assert [r.severity for r in missing] == ["error", "error"]
    assert "there is no file" in missing[0].message
    assert "is outside the document root" in missing[1].message


def test_without_a_root_local_files_are_not_looked_up(root: Path) -> None:
    records = Validator(CONFIG).check(
        [_task("/data/local-files/?d=photos/missing.png", _box(1, 1))]
    )
    assert _codes(records) == []


def test_a_base64_data_image_is_measured() -> None:
    url = data_url(png_bytes(40, 20), mime="image/png")
    assert _codes(Validator(CONFIG).check([_task(url, _box(40, 20))])) == []
    records = Validator(CONFIG).check([_task(url, _box(20, 40))])
    assert _codes(records) == ["media.size_mismatch"]


def test_an_unreadable_data_image_is_left_to_the_other_checks() -> None:
    records = Validator(CONFIG).check([_task("data:image/png;base64,AAAA", _box(20, 40))])
    assert "media.size_mismatch" not in _codes(records)


def test_each_item_of_a_value_list_has_its_own_size(root: Path) -> None:
    (root / "photos" / "b.png").write_bytes(png_bytes(30, 30))
    pages = [
        local_files_url(root / "photos" / "a b.png", root),
        local_files_url(root / "photos" / "b.png", root),
    ]
    task = {
        "data": {"pages": pages},
        "predictions": [{"model_version": "v", "result": [_box(40, 20, 0), _box(40, 20, 1)]}],
    }
    records = Validator(LIST_CONFIG, local_files_root=root).check([task])
    (record,) = [r for r in records if r.code == "media.size_mismatch"]
    assert record.path == "$[0].predictions[0].result[1].original_width"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_command_takes_the_root(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    from prelabel.io import write_jsonl

    config = tmp_path / "c.xml"
    config.write_text(CONFIG.xml, encoding="utf-8")
    url = local_files_url(root / "photos" / "a b.png", root)
    files = [
        str(write_jsonl(tmp_path / f"{n}.jsonl", [_task(url, _box(80, 40))])) for n in range(2)
    ]
    argv = ["validate", "--no-progress", "--config", str(config), *files, "--jobs", jobs]
    assert main([*argv, "--local-files-root", str(root)]) == 0
    out = capsys.readouterr().out
    assert out.count("[media.size_mismatch]") == 2
    assert main(argv) == 0
    assert "[media.size_mismatch]" not in capsys.readouterr().out
