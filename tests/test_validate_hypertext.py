"""HyperText spans checked against the document Label Studio shows (validate/_hypertext.py)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from prelabel import LabelConfig
from prelabel.builders._htmltext import html_text_map
from prelabel.errors import BuildError
from prelabel.validate import check
from prelabel.validate._hypertext import html_doc

CASES = json.loads(
    (Path(__file__).parent / "data" / "hypertext" / "cases.json").read_text(encoding="utf-8")
)
HTMLS = [case["html"] for case in CASES]


def config(attrs: str = "") -> LabelConfig:
    return LabelConfig.parse(
        f'<View><HyperText name="html" value="$html"{attrs}/>'
        '<HyperTextLabels name="htl" toName="html"><Label value="G"/></HyperTextLabels>'
        '<Choices name="kind" toName="html" perRegion="true"><Choice value="A"/></Choices>'
        "</View>"
    )


CFG = config()
CFG_INLINE = config(' inline="true"')
HTML = "<table><tr><td>Hello <b>world</b></td></tr></table><p>a<!--c-->bc 😀 zz<br>end</p>"


def task(html: str, *values: dict[str, Any]) -> dict[str, Any]:
    results = [
        {
            "id": f"r{k}",
            "from_name": "htl",
            "to_name": "html",
            "type": "hypertextlabels",
            "value": {**value, "hypertextlabels": ["G"]},
        }
        for k, value in enumerate(values)
    ]
    return {"data": {"html": html}, "predictions": [{"model_version": "v", "result": results}]}


def span(start: str, so: int, end: str, eo: int, **extra: Any) -> dict[str, Any]:
    return {"start": start, "startOffset": so, "end": end, "endOffset": eo, **extra}


def codes(html: str, *values: dict[str, Any], cfg: LabelConfig = CFG) -> list[str]:
    return [r.code for r in check([task(html, *values)], cfg)]


def records(html: str, value: dict[str, Any], cfg: LabelConfig = CFG) -> list[Any]:
    return check([task(html, value)], cfg)


WORLD = "/table[1]/tbody[1]/tr[1]/td[1]/b[1]/text()[1]"
P_TEXT = "/p[1]/text()[1]"


# --- prelabel's own spans validate clean -----------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(HTMLS), st.booleans(), st.data())
def test_builder_spans_validate_clean(html: str, inline: bool, data: st.DataObject) -> None:
    cfg = CFG_INLINE if inline else CFG
    text = html_text_map(html, inline=inline).text
    assume(len(text) > 0)
    a = data.draw(st.integers(0, len(text) - 1))
    b = data.draw(st.integers(a + 1, len(text)))
    try:
        region = cfg.control("htl").span(html, a, b, "G")
    except BuildError:
        assume(False)
        return
    result = region.result
    tasks = [{"data": {"html": html}, "predictions": [{"model_version": "v", "result": [result]}]}]
    assert check(tasks, cfg) == []


@pytest.mark.parametrize("html", HTMLS[:20], ids=[c["id"] for c in CASES[:20]])
def test_every_text_node_of_the_corpus_is_a_clean_span(html: str) -> None:
    m = html_text_map(html)
    values = [
        span(path, 0, path, e - s, globalOffsets={"start": s, "end": e}, text=m.text[s:e])
        for path, s, e in zip(m.paths, m.starts, m.ends, strict=True)
    ]
    assert codes(html, *values) == []


def test_clean_spans_across_nodes_and_elements() -> None:
    m = html_text_map(HTML)
    assert codes(HTML, span(WORLD, 0, P_TEXT, 3, text="worldabc")) == []
    # element paths: DomManager records elements too, offsets from their first character
    assert codes(HTML, span("/p[1]", 0, "/p[1]", 3, text="abc")) == []
    assert codes(HTML, span("/table[1]", 6, "/table[1]", 11, text="world")) == []
    assert codes(HTML, span("/", 0, "/", 5, text="Hello")) == []
    # the text after the <br> is text()[2]
    at = m.text.index("end")
    assert codes(HTML, span("/p[1]/text()[2]", 0, "/p[1]/text()[2]", 3, text="end")) == []
    assert codes(HTML, span(P_TEXT, 0, P_TEXT, 3, text="", globalOffsets=None)) == []
    assert at == m.starts[-1]


def test_inline_attribute_changes_the_root() -> None:
    html = "  <p>x</p>"
    assert codes(html, span("/p[1]/text()[1]", 0, "/p[1]/text()[1]", 1, text="x")) == []
    inline = span("/p[1]/text()[1]", 0, "/p[1]/text()[1]", 1, text="x")
    assert codes(html, inline, cfg=CFG_INLINE) == []
    # with inline the leading whitespace is a text node of the root
    assert codes(html, span("/text()[1]", 0, "/text()[1]", 2), cfg=CFG_INLINE) == []
    assert codes(html, span("/text()[1]", 0, "/text()[1]", 2)) == ["hypertext.xpath_unknown"] * 2


def test_url_data_is_not_checked() -> None:
    cfg = config(' valueType="url"')
    assert codes("https://example.com/page.html", span("/nope[1]", 0, "/nope[1]", 5), cfg=cfg) == []


def test_whitespace_runs_compare_as_one_space() -> None:
    html = "<p>a\n   b</p>"
    assert codes(html, span(P_TEXT, 0, P_TEXT, 6, text="a b")) == []
    assert codes(html, span(P_TEXT, 0, P_TEXT, 6, text="a\\nb")) == []
    assert codes(html, span(P_TEXT, 0, P_TEXT, 6, text="ab")) == ["hypertext.text_mismatch"]


# --- each mistake, its code ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "hint"),
    [
        ("/html/body/p[1]/text()[1]", "write '/p[1]/text()[1]'"),
        ("/html[1]/body[1]/p[1]/text()[1]", "write '/p[1]/text()[1]'"),
        ("/p/text()", "with its index, in lower case: '/p[1]/text()[1]'"),
        ("/P[1]/TEXT()[1]", "in lower case: '/p[1]/text()[1]'"),
        ("/p[0]/text()[0]", "xpath indices start at 1: '/p[1]/text()[1]'"),
        ("/table[1]/tr[1]/td[1]/b[1]/text()[1]", f"omits: {WORLD!r}"),
        ("/p[1]/text()[3]", "this position is '/p[1]/text()[2]' at offset 0"),
        ("/p[2]/text()[1]", "the closest text node is '/p[1]/text()[1]'"),
        ("/p[1]/br[1]", "closest"),
    ],
    ids=["html-body", "html-body-indexed", "no-index", "upper", "zero", "tbody", "comment",
         "closest", "br"],
)  # fmt: skip
def test_unknown_xpath(path: str, hint: str) -> None:
    [record] = records(HTML, span(path, 0, WORLD, 5))
    assert (record.code, record.severity) == ("hypertext.xpath_unknown", "error")
    assert record.loc[-1] == "start"
    assert record.message == (
        f"value.start={path!r} names no node of the document Label Studio shows, and there "
        "are no usable globalOffsets to fall back on: the span is listed but never highlighted"
    )
    assert hint in (record.hint or "")


def test_unknown_xpath_falls_back_to_global_offsets() -> None:
    value = span("/p[2]/text()[1]", 0, WORLD, 5, globalOffsets={"start": 6, "end": 11})
    [record] = records(HTML, {**value, "text": "world"})
    assert (record.code, record.severity) == ("hypertext.xpath_fallback", "warning")
    assert "falls back to globalOffsets (6, 11), which cover 'world'" in record.message
    # the text is then compared with what globalOffsets cover
    assert codes(HTML, {**value, "text": "worl"}) == [
        "hypertext.xpath_fallback",
        "hypertext.text_mismatch",
    ]
    # globalOffsets outside the text are no fallback
    bad = span("/p[2]/text()[1]", 0, WORLD, 5, globalOffsets={"start": 6, "end": 999})
    assert codes(HTML, bad) == ["hypertext.xpath_unknown"]


def test_offset_out_of_range() -> None:
    [record] = records(HTML, span(WORLD, 0, WORLD, 7))
    assert (record.code, record.severity) == ("hypertext.offset_out_of_range", "error")
    assert record.loc[-1] == "endOffset"
    assert record.message == (
        f"endOffset=7 is past the end of {WORLD!r}, a text node of 5 characters ('world'); "
        "the editor adds it to the node's start and highlights the text that follows"
    )
    assert record.expected == "<= 5"
    start = records(HTML, span(P_TEXT, 9, P_TEXT, 9))
    assert [r.code for r in start] == ["hypertext.offset_out_of_range"] * 2


def test_utf16_offsets_get_a_code_point_hint() -> None:
    # 'abc 😀 zz': the emoji is one code point but two UTF-16 units
    node = "abc 😀 zz"
    u16 = len(node.encode("utf-16-le")) // 2
    assert u16 == 9
    [record] = records(HTML, span(P_TEXT, 4, P_TEXT, 9, text="😀 zz"))
    assert record.code == "hypertext.offset_out_of_range"
    assert record.hint == (
        "the offsets look like UTF-16 code units (JavaScript string indices); Label Studio "
        "counts code points: start='/p[1]/text()[1]', startOffset=4, end='/p[1]/text()[1]', "
        "endOffset=8"
    )


def test_global_offsets_mismatch() -> None:
    value = span(WORLD, 0, WORLD, 5, text="world", globalOffsets={"start": 0, "end": 5})
    [record] = records(HTML, value)
    assert (record.code, record.severity) == ("hypertext.global_offsets_mismatch", "warning")
    assert record.message == (
        "globalOffsets are {start: 0, end: 5} but the xpaths and offsets give {start: 6, "
        "end: 11}; the editor places the span by the xpaths and rewrites globalOffsets"
    )
    assert record.hint == "write globalOffsets {start: 6, end: 11}, or leave them out"


def test_global_offsets_in_utf16_get_a_hint() -> None:
    m = html_text_map(HTML)
    at = m.text.index("zz")
    value = span(P_TEXT, 6, P_TEXT, 8, text="zz", globalOffsets={"start": at + 1, "end": at + 3})
    [record] = records(HTML, value)
    assert record.code == "hypertext.global_offsets_mismatch"
    assert record.hint == (
        "globalOffsets look like UTF-16 code units; Label Studio counts code points"
    )


def test_text_mismatch() -> None:
    [record] = records(HTML, span(WORLD, 0, WORLD, 4, text="world"))
    assert (record.code, record.severity) == ("hypertext.text_mismatch", "error")
    assert record.message == (
        "value.text is 'world' but the xpaths and offsets cover 'worl'; the editor highlights "
        "the latter and keeps value.text as the region's text"
    )
    assert record.hint == (
        f"the text 'world' is at start={WORLD!r}, startOffset=0, end={WORLD!r}, endOffset=5 "
        "(globalOffsets 6, 11)"
    )


def test_reversed_span_across_nodes() -> None:
    [record] = records(HTML, span(P_TEXT, 0, WORLD, 2))
    assert (record.code, record.severity) == ("span.order", "error")
    assert "it is reversed" in record.message


def test_slow_path_still_checks_the_document() -> None:
    # a float offset (read as an integer) sends the span through the slow path
    got = codes(HTML, span(WORLD, 0, WORLD, 9.0, text="world"))  # type: ignore[arg-type]
    assert "hypertext.offset_out_of_range" in got


def test_deeply_nested_html_is_checked() -> None:
    """The walk keeps its own stack: 3,000 nested elements are walked, not skipped."""
    html = "<div>" * 3000 + "x"
    deep = "/div[1]" * 3000 + "/text()[1]"
    assert codes(html, span(deep, 0, deep, 1, text="x")) == []
    assert set(codes(html, span("/nope[1]", 0, "/nope[1]", 1))) == {"hypertext.xpath_unknown"}


# --- one parse per document -------------------------------------------------------------------


def test_many_spans_of_one_document_parse_it_once() -> None:
    html = "<p>" + "".join(f"<b>w{k}</b> " for k in range(200)) + "</p>"
    m = html_text_map(html)
    values = [
        span(path, 0, path, e - s, text=m.text[s:e])
        for path, s, e in zip(m.paths, m.starts, m.ends, strict=True)
    ]
    html_doc.cache_clear()
    tasks = [task(html, *values), copy.deepcopy(task(html, *values))]
    assert check(tasks, CFG) == []
    info = html_doc.cache_info()
    assert info.misses == 1
    assert info.hits <= 1  # at most once per task; the task cache serves the rest


def test_docs_name_the_editor_sources() -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "validation.md").read_text(
        encoding="utf-8"
    )
    section = text[text.index("### `hypertext.xpath_unknown`") :]
    assert re.search(r"initRangeAndOffsets", section)
    assert "applyAdditionalDataFromResult" in section
