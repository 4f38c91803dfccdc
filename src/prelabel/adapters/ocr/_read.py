"""OCR engines' outputs to one shape: :class:`OcrLine` (points in pixels, text, score).

Read duck-typed, from what each engine hands over (no OCR package is imported):

* ``[quad, text, score]`` per line: RapidOCR (``result, elapse = engine(img)``; ``None`` when
  it found no text), EasyOCR ``reader.readtext(img)`` (and ``[quad, text]`` with
  ``paragraph=True``); PaddleOCR 2.x's ``[quad, (text, score)]``;
* an object with ``boxes``, ``txts``, ``scores`` (RapidOCR 2+'s output), a mapping with
  ``rec_polys``, ``rec_texts``, ``rec_scores`` (PaddleOCR 3's ``predict()`` result);
* docTR's ``Document.export()`` (or the ``Document``): relative geometry, page size
  ``(height, width)`` in ``dimensions``; one line per docTR line (or word);
* Tesseract's ``image_to_data``: the ``Output.DICT`` (or ``DATAFRAME``) columns, or its default
  TSV string; words of one ``(page, block, paragraph, line)`` make one line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeAlias

from ...builders._common import finite
from ...errors import BuildError

__all__ = ["Level", "OcrLine", "doctr_lines", "ocr_lines", "tesseract_lines"]

Level: TypeAlias = Literal["line", "word"]
Point: TypeAlias = "tuple[float, float]"


@dataclasses.dataclass(frozen=True)
class OcrLine:
    """One recognized line (or word): its outline in pixels, its text and its score.

    Attributes:
        points_px: ``K >= 3`` ``(x, y)`` vertices around the text, in order (a quad: 4).
        text: the recognized text.
        score: the engine's confidence in [0, 1], or None when it gives none.
        label: a model class for the line (a layout class), or None.
    """

    points_px: tuple[Point, ...]
    text: str
    score: float | None = None
    label: str | None = None


def _points(value: Any, where: str) -> tuple[Point, ...]:
    """``K >= 3`` points (or a 2-point ``(x1, y1), (x2, y2)`` box as its 4 corners)."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise BuildError(f"{where} must be a list of (x, y) points, got {type(value).__name__}")
    points: list[Point] = []
    for index, point in enumerate(value):
        if isinstance(point, (str, bytes)) or not isinstance(point, Sequence) or len(point) != 2:
            raise BuildError(f"{where}[{index}] must be an (x, y) pair, got {point!r:.60}")
        points.append(
            (finite(point[0], f"{where}[{index}][0]"), finite(point[1], f"{where}[{index}][1]"))
        )
    if len(points) == 2:
        (x1, y1), (x2, y2) = points
        points = [(x1, y1), (x2, y1), (x2, y2), (x1, y2)]
    if len(points) < 3:
        raise BuildError(f"{where} has {len(points)} point(s); a text outline needs at least 3")
    return tuple(points)


def _score(value: Any, where: str) -> float | None:
    if value is None:
        return None
    return finite(value, where)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise BuildError(f"{where} must be a str (the recognized text), got {type(value).__name__}")
    return value


def _line(item: Any, index: int) -> OcrLine:
    """One ``[quad, text, score]``, ``[quad, (text, score)]`` or ``[quad, text]`` line."""
    where = f"lines[{index}]"
    if isinstance(item, (str, bytes, Mapping)) or not isinstance(item, Sequence):
        raise BuildError(
            f"{where} must be [points, text, score] (RapidOCR, EasyOCR) or [points, (text, "
            f"score)] (PaddleOCR), got {type(item).__name__}"
        )
    if len(item) == 2 and isinstance(item[1], Sequence) and not isinstance(item[1], str):
        if len(item[1]) == 2 and isinstance(item[1][0], str):
            text, score = item[1]
            return OcrLine(_points(item[0], f"{where}[0]"), text, _score(score, f"{where}[1][1]"))
        if len(item[1]) == 2 and isinstance(item[1][0], Sequence):
            raise BuildError(
                f"{where} is a list of lines, not a line: PaddleOCR's ocr() returns one list of "
                "lines per image; pass result[0]"
            )
    if len(item) not in (2, 3):
        raise BuildError(
            f"{where} has {len(item)} items; expected [points, text, score] or [points, text]"
        )
    score = _score(item[2], f"{where}[2]") if len(item) == 3 else None
    return OcrLine(_points(item[0], f"{where}[0]"), _text(item[1], f"{where}[1]"), score)


def _columns(result: Any, keys: tuple[str, str, str]) -> list[OcrLine]:
    """Lines from three parallel columns: points, texts, scores (a mapping or attributes)."""
    if isinstance(result, Mapping):
        polys, texts, scores = (result.get(k) for k in keys)
    else:
        polys, texts, scores = (getattr(result, k, None) for k in keys)
    if polys is None or texts is None:
        return []
    polys, texts = list(polys), list(texts)
    scores = [None] * len(texts) if scores is None else list(scores)
    if not len(polys) == len(texts) == len(scores):
        raise BuildError(
            f"{keys[0]}, {keys[1]} and {keys[2]} have {len(polys)}, {len(texts)} and "
            f"{len(scores)} items; expected one per line"
        )
    return [
        OcrLine(
            _points(poly, f"{keys[0]}[{i}]"),
            _text(text, f"{keys[1]}[{i}]"),
            _score(score, f"{keys[2]}[{i}]"),
        )
        for i, (poly, text, score) in enumerate(zip(polys, texts, scores, strict=True))
    ]


def ocr_lines(result: Any, *, level: Level = "line", page: int = 0) -> list[OcrLine]:
    """The lines of any supported OCR output (see the module), in the engine's order.

    Args:
        result: what the engine returned (see the module for the shapes).
        level: for docTR and Tesseract: one region per ``"line"`` (default) or ``"word"``.
        page: for docTR and Tesseract: which page (0-based).

    Raises:
        BuildError: a shape none of the engines returns, naming where it differs.

    >>> ocr_lines([[[[10, 10], [90, 10], [90, 30], [10, 30]], "Hello", 0.98]])
    [OcrLine(points_px=((10.0, 10.0), (90.0, 10.0), (90.0, 30.0), (10.0, 30.0)), \
text='Hello', score=0.98, label=None)]
    """
    if result is None:
        return []  # RapidOCR's answer for an image without text
    if isinstance(result, OcrLine):
        return [result]
    if isinstance(result, str):
        return tesseract_lines(result, level=level, page=page)
    if isinstance(result, Mapping) or hasattr(result, "export") or hasattr(result, "columns"):
        if "pages" in result if isinstance(result, Mapping) else hasattr(result, "export"):
            return doctr_lines(result, level=level, page=page)
        if "rec_texts" in result if isinstance(result, Mapping) else False:
            return _columns(result, ("rec_polys", "rec_texts", "rec_scores"))
        if "level" in result and "text" in result:
            return tesseract_lines(result, level=level, page=page)
        raise BuildError(
            "an OCR result mapping must be docTR's export() ('pages'), PaddleOCR's predict() "
            "result ('rec_polys', 'rec_texts', 'rec_scores') or Tesseract's image_to_data "
            f"('level', 'text', ...); got keys {sorted(map(str, result))[:8]}"
        )
    if hasattr(result, "txts") and hasattr(result, "boxes"):
        return _columns(result, ("boxes", "txts", "scores"))
    if (
        isinstance(result, tuple)
        and len(result) == 2
        and (result[0] is None or isinstance(result[0], list))
        and not isinstance(result[1], str)
    ):
        return ocr_lines(result[0])  # RapidOCR 1.x: (result, elapse)
    if isinstance(result, (bytes, Mapping)) or not isinstance(result, Sequence):
        raise BuildError(
            "OCR output must be a list of [points, text, score] lines, docTR's export(), "
            f"PaddleOCR's or RapidOCR's result, or Tesseract's image_to_data; got "
            f"{type(result).__name__}"
        )
    return [item if isinstance(item, OcrLine) else _line(item, i) for i, item in enumerate(result)]


def doctr_lines(export: Any, *, level: Level = "line", page: int = 0) -> list[OcrLine]:
    """docTR's ``Document.export()`` (or the Document) to lines in pixels.

    A line's text is its words joined by spaces, its score their mean ``confidence``.
    Geometry is relative to the page, whose ``dimensions`` are ``(height, width)``.

    Raises:
        BuildError: not a docTR export, no such page, a geometry that is not a box or polygon.
    """
    if hasattr(export, "export") and not isinstance(export, Mapping):
        export = export.export()
    pages = export.get("pages") if isinstance(export, Mapping) else None
    if not isinstance(pages, Sequence):
        raise BuildError("a docTR export is a dict with 'pages' (from Document.export())")
    if not 0 <= page < len(pages):
        raise BuildError(f"page={page} but the docTR export has {len(pages)} page(s)")
    found = pages[page]
    height, width = (finite(v, "dimensions") for v in found["dimensions"])
    lines: list[OcrLine] = []
    for b, block in enumerate(found.get("blocks", ())):
        for n, line in enumerate(block.get("lines", ())):
            where = f"pages[{page}].blocks[{b}].lines[{n}]"
            words = list(line.get("words", ()))
            if level == "word":
                for w, word in enumerate(words):
                    lines.append(_doctr_item(word, [word], f"{where}.words[{w}]", width, height))
            elif words:
                lines.append(_doctr_item(line, words, where, width, height))
    return lines


def _doctr_item(
    item: Mapping[str, Any],
    words: Sequence[Mapping[str, Any]],
    where: str,
    width: float,
    height: float,
) -> OcrLine:
    rel = _points(item["geometry"], f"{where}.geometry")
    text = " ".join(_text(w["value"], f"{where}.value") for w in words)
    scores = [finite(w["confidence"], f"{where}.confidence") for w in words]
    return OcrLine(tuple((x * width, y * height) for x, y in rel), text, sum(scores) / len(scores))


_TESSERACT_KEYS = ("level", "page_num", "block_num", "par_num", "line_num")
_TESSERACT_BOX = ("left", "top", "width", "height", "conf", "text")


def _tsv_columns(tsv: str) -> dict[str, list[str]]:
    rows = [row.split("\t") for row in tsv.splitlines() if row]
    if not rows or "level" not in rows[0]:
        raise BuildError("Tesseract TSV output must start with its header row (level, ...)")
    header = rows[0]
    columns: dict[str, list[str]] = {name: [] for name in header}
    for row in rows[1:]:
        for name, cell in zip(header, row + [""] * (len(header) - len(row)), strict=False):
            columns[name].append(cell)
    return columns


def tesseract_lines(data: Any, *, level: Level = "line", page: int = 0) -> list[OcrLine]:
    """Tesseract ``image_to_data`` output to lines (or words) in pixels.

    Words (level 5) with a text and a confidence >= 0 are kept; a line's box encloses its
    words, its text is the words joined by spaces, its score the mean confidence / 100.

    Raises:
        BuildError: a column is missing or the columns differ in length.
    """
    columns: Mapping[str, Any] = _tsv_columns(data) if isinstance(data, str) else data
    try:
        cols = {k: list(columns[k]) for k in (*_TESSERACT_KEYS, *_TESSERACT_BOX)}
    except KeyError as exc:
        raise BuildError(
            f"Tesseract image_to_data output has no {exc.args[0]!r} column; pass "
            "image_to_data(..., output_type=Output.DICT) (or its TSV string)"
        ) from None
    count = len(cols["level"])
    if any(len(v) != count for v in cols.values()):
        raise BuildError("Tesseract image_to_data columns differ in length")
    groups: dict[tuple[Any, ...], list[tuple[float, float, float, float, str, float]]] = {}
    first_page = min((int(p) for p in cols["page_num"]), default=1)
    for i in range(count):
        text = str(cols["text"][i]).strip() if cols["text"][i] is not None else ""
        conf = finite(cols["conf"][i], f"conf[{i}]")
        if int(cols["level"][i]) != 5 or not text or conf < 0:
            continue
        if int(cols["page_num"][i]) - first_page != page:
            continue
        left, top = finite(cols["left"][i], f"left[{i}]"), finite(cols["top"][i], f"top[{i}]")
        right = left + finite(cols["width"][i], f"width[{i}]")
        bottom = top + finite(cols["height"][i], f"height[{i}]")
        key = tuple(cols[k][i] for k in _TESSERACT_KEYS[1:]) + ((i,) if level == "word" else ())
        groups.setdefault(key, []).append((left, top, right, bottom, text, conf))
    lines = []
    for words in groups.values():
        x1, y1 = min(w[0] for w in words), min(w[1] for w in words)
        x2, y2 = max(w[2] for w in words), max(w[3] for w in words)
        lines.append(
            OcrLine(
                ((x1, y1), (x2, y1), (x2, y2), (x1, y2)),
                " ".join(w[4] for w in words),
                sum(w[5] for w in words) / len(words) / 100.0,
            )
        )
    return lines
