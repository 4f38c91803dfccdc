"""Span builders: labels on Text, HyperTextLabels, ParagraphLabels.

Each builder returns a :class:`~prelabel.results.Region` (one span, its labels, its id) that
per-region controls and relations attach to. Offsets are checked against the task text and
converted to what Label Studio stores (reference §3):

* ``<Text>``: code points (Python ``str`` indices) into the exact task string.
* ``<HyperText>``: xpath of a DOM text node + code-point offset inside it (see :func:`html_text`).
* ``<Paragraphs>``: phrase index (as a string) + UTF-16 offset inside the phrase.

Offsets from tokenizers that count UTF-16 units (JavaScript) or UTF-8 bytes (Rust
``tokenizers``) are accepted with ``unit="utf16"`` / ``unit="utf8"``.

Modules: ``_plain`` (Text spans), ``_bio`` (BIO tag decoding), ``_hypertext``, ``_paragraphs``,
``_spans`` (the pieces they share) and ``_taskdata`` (reading the task's text).
"""

from ._bio import decode_bio as _decode_bio  # noqa: F401  (the tests reach the decoder here)
from ._hypertext import HyperTextBuilder, html_text
from ._paragraphs import ParagraphBuilder
from ._plain import TextSpanBuilder
from ._taskdata import read_task_value

__all__ = [
    "HyperTextBuilder",
    "ParagraphBuilder",
    "TextSpanBuilder",
    "html_text",
    "read_task_value",
]
