"""OCR engines' outputs to Label Studio regions with their transcriptions, duck-typed.

The guide's OCR case in one call: :func:`ocr_regions` turns what RapidOCR, PaddleOCR,
EasyOCR, docTR or Tesseract returned into one region per line (a box, a rotated box or a
polygon, whichever the outline is and the config offers), its label, and its text in the
``perRegion`` ``<TextArea>``, all three sharing the region's id. No OCR package is imported:
:func:`ocr_lines` reads each engine's documented shape into :class:`OcrLine`.
"""

from ._draw import Shape, ocr_regions
from ._read import Level, OcrLine, doctr_lines, ocr_lines, tesseract_lines

__all__ = [
    "Level",
    "OcrLine",
    "Shape",
    "doctr_lines",
    "ocr_lines",
    "ocr_regions",
    "tesseract_lines",
]
