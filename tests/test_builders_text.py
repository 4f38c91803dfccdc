"""Span builders: Labels on Text, HyperTextLabels, ParagraphLabels."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prelabel import BuildError, LabelConfig, LabelError, Prediction, reproducible_ids
from prelabel.builders.text import html_text, read_task_value
from prelabel.labelmap import LabelMap
from prelabel.results import Region
from strategies_text import TRICKY_PIECES, any_text, text_and_span, tricky_text

SETTINGS = settings(max_examples=150, deadline=None)

NER = """<View>
  <Labels name="ner" toName="text">
    <Label value="PER"/><Label value="LOC" predicted_values="GPE,LOCATION"/>
    <Label value="Organization" alias="ORG"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>"""

MULTI = """<View>
  <Labels name="ner" toName="text" choice="multiple"><Label value="A"/><Label value="B"/></Labels>
  <Text name="text" value="$doc.body"/>
</View>"""

HTML = """<View>
  <HyperText name="html" value="$html"/>
  <HyperTextLabels name="hl" toName="html"><Label value="Title"/><Label value="Body"/>
  </HyperTextLabels>
  <HyperText name="inline" value="$inline" inline="true"/>
  <HyperTextLabels name="il" toName="inline"><Label value="X"/></HyperTextLabels>
  <Labels name="lab" toName="html"><Label value="Name"/></Labels>
</View>"""

PARAGRAPHS = """<View>
  <Paragraphs name="dialogue" value="$dialogue" nameKey="speaker" textKey="line"/>
  <ParagraphLabels name="intent" toName="dialogue"><Label value="Greeting"/><Label value="Sad"/>
  </ParagraphLabels>
</View>"""

IMAGE_LABELS = """<View><Image name="image" value="$image"/>
  <Labels name="label" toName="image"><Label value="Text"/></Labels></View>"""


def ner() -> Any:
    return LabelConfig.parse(NER).control("ner")


def round_trips(item: Region | dict[str, Any]) -> None:
    results = item.results if isinstance(item, Region) else [item]
    for result in results:
        assert json.loads(json.dumps(result, allow_nan=False)) == result


# --- Labels on Text --------------------------------------------------------------------------


@SETTINGS
@given(text_and_span())
def test_span_text_is_the_task_slice(case: tuple[str, int, int]) -> None:
    text, start, end = case
    region = ner().span(text, start, end, "PER")
    value = region.result["value"]
    assert (value["start"], value["end"]) == (start, end)
    assert value["text"] == text[start:end]
    assert region.geometry == {"start": start, "end": end}
    round_trips(region)


@SETTINGS
@given(text_and_span())
def test_span_of_finds_the_slice(case: tuple[str, int, int]) -> None:
    text, start, end = case
    substring = text[start:end]
    before = sum(1 for i in range(start) if text.startswith(substring, i))
    value = ner().span_of(text, substring, "LOC", occurrence=before).result["value"]
    assert (value["start"], value["end"]) == (start, end)
    assert value["text"] == text[value["start"] : value["end"]] == substring


@SETTINGS
@given(text_and_span(tricky_text))
def test_utf16_and_utf8_offsets_land_on_the_same_span(case: tuple[str, int, int]) -> None:
    text, start, end = case
    control = ner()
    expected = control.span(text, start, end, "PER").result["value"]
    u16 = [len(text[:i].encode("utf-16-le")) // 2 for i in (start, end)]
    u8 = [len(text[:i].encode("utf-8")) for i in (start, end)]
    got16 = control.span(text, *u16, "PER", unit="utf16").result["value"]
    got8 = control.span(text, *u8, "PER", unit="utf8").result["value"]
    assert got16 == got8 == expected


@SETTINGS
@given(tricky_text, st.data())
def test_batch_spans_equal_single_spans(text: str, data: st.DataObject) -> None:
    starts = data.draw(st.lists(st.integers(0, len(text) - 1), min_size=1, max_size=6))
    pairs = [[s, data.draw(st.integers(s + 1, len(text)))] for s in starts]
    control = ner()
    u16 = [[len(text[:i].encode("utf-16-le")) // 2 for i in pair] for pair in pairs]
    batch = control.spans(text, u16, ["PER"] * len(pairs), unit="utf16")
    singles = [control.span(text, s, e, "PER").result["value"] for s, e in pairs]
    assert [r.result["value"] for r in batch] == singles


@pytest.mark.parametrize(
    ("text", "substring", "start"),
    [
        ("👨🏻‍🚒 firemen drive firetrucks at work", "firetrucks", 19),
        ("I ❤️ New York", "New York", 5),
        ("café vs cafe\u0301", "cafe\u0301", 8),
        ("東京タワー is in Tokyo", "Tokyo", 12),
        ("line one\r\nline two", "two", 15),
        ("col1\tcol2\tcol3", "col3", 10),
        ("🇯🇵 Japan", "Japan", 3),
    ],
    ids=["zwj", "variation-selector", "combining", "cjk", "crlf", "tabs", "flag"],
)
def test_span_of_known_texts(text: str, substring: str, start: int) -> None:
    value = ner().span_of(text, substring, "LOC").result["value"]
    assert value == {
        "start": start,
        "end": start + len(substring),
        "text": substring,
        "labels": ["LOC"],
    }


def test_span_result_shape_and_sdk(sdk_validate: Any) -> None:
    with reproducible_ids(3):
        region = ner().span_of("Ann lives in 🇫🇷 Paris", "Paris", "LOC", score=0.82)
    result = region.result
    assert list(result) == ["id", "type", "from_name", "to_name", "value", "score"]
    assert result["type"] == "labels"
    assert (result["from_name"], result["to_name"]) == ("ner", "text")
    assert result["score"] == 0.82
    assert sdk_validate(NER, Prediction([region], model_version="m").to_dict()) == []


def test_alias_and_multiple_labels() -> None:
    assert ner().span("Acme Inc", 0, 4, "Organization").result["value"]["labels"] == ["ORG"]
    assert ner().span("Acme Inc", 0, 4, "ORG").result["value"]["labels"] == ["ORG"]
    multi = LabelConfig.parse(MULTI).control("ner")
    assert multi.span("ab", 0, 2, ["A", "B"]).result["value"]["labels"] == ["A", "B"]


def test_text_from_task_data() -> None:
    multi = LabelConfig.parse(MULTI).control("ner")
    region = multi.span_of({"doc": {"body": "🐱 hello"}}, "hello", "A")
    assert region.result["value"]["start"] == 2
    with pytest.raises(BuildError, match=re.escape("task data has no 'doc.body'")):
        multi.span({"text": "x"}, 0, 1, "A")


@pytest.mark.parametrize(
    ("encoding", "raw"),
    [
        ("base64unicode", base64.b64encode("🐱 Ann".encode()).decode()),
        ("base64", base64.b64encode("é Ann".encode("latin-1")).decode()),
    ],
    ids=["base64unicode", "base64"],
)
def test_encoded_text_is_decoded(encoding: str, raw: str) -> None:
    config = LabelConfig.parse(
        f'<View><Text name="t" value="$t" encoding="{encoding}"/>'
        '<Labels name="l" toName="t"><Label value="P"/></Labels></View>'
    )
    value = config.control("l").span_of({"t": raw}, "Ann", "P").result["value"]
    assert (value["start"], value["text"]) == (2, "Ann")


def test_read_task_value_paths() -> None:
    config = LabelConfig.parse('<View><Text name="t" value="$items[1].text"/></View>')
    assert read_task_value(config.object("t"), {"items": [{}, {"text": "b"}]}) == "b"
    with pytest.raises(BuildError, match=re.escape("task data has no 'items[1].text'")):
        read_task_value(config.object("t"), {"items": [{}]})


def test_spans_from_tokens_and_bio() -> None:
    text = "🐱 Ann Lee visited New York"
    words = text.split(" ")
    offsets, position = [], 0
    for word in words:
        start = text.index(word, position)
        offsets.append([start, start + len(word)])
        position = start + len(word)
    control = ner()
    regions = control.spans_from_tokens(text, offsets, [[1, 3], [4, 6]], ["PER", "GPE"])
    assert [(r.result["value"]["text"], r.result["value"]["labels"]) for r in regions] == [
        ("Ann Lee", ["PER"]),
        ("New York", ["LOC"]),
    ]
    tags = ["O", "B-PER", "I-PER", "O", "B-LOCATION", "I-LOCATION"]
    bio = control.spans_from_bio(text, offsets, tags, token_scores=[1, 0.9, 0.7, 1, 0.6, 0.4])
    assert [(r.result["value"]["text"], r.result["score"]) for r in bio] == [
        ("Ann Lee", pytest.approx(0.8)),
        ("New York", pytest.approx(0.5)),
    ]


@pytest.mark.parametrize(
    ("tags", "spans"),
    [
        (["B-PER", "I-PER", "O"], [("PER", 0, 2)]),
        (["I-PER", "I-PER"], [("PER", 0, 2)]),  # IOB1: I- starts a span
        (["B-PER", "B-PER"], [("PER", 0, 1), ("PER", 1, 2)]),
        (["B-PER", "I-LOC"], [("PER", 0, 1), ("LOC", 1, 2)]),
        (["S-PER", "B-LOC", "E-LOC", "I-LOC"], [("PER", 0, 1), ("LOC", 1, 3), ("LOC", 3, 4)]),
        (["U-PER", "B-LOC", "L-LOC"], [("PER", 0, 1), ("LOC", 1, 3)]),
        (["O", "O"], []),
    ],
    ids=["bio", "iob1", "adjacent", "label-change", "bioes", "bilou", "none"],
)
def test_bio_decoding(tags: list[str], spans: list[tuple[str, int, int]]) -> None:
    from prelabel.builders.text import _decode_bio

    assert _decode_bio(tags) == spans


def test_nothing_found_gives_no_regions() -> None:
    control = ner()
    assert control.spans("ab", [], []) == []
    assert control.spans_from_tokens("ab", [[0, 1]], [], []) == []
    assert control.spans_from_bio("ab", [[0, 1], [1, 2]], ["O", "O"]) == []


def test_label_map_and_dropping() -> None:
    control = ner()
    text = "Ann met Bob"
    regions = control.spans(
        text, [[0, 3], [4, 7], [8, 11]], ["per", "GPE", "PERSON"], label_map={"PERSON": "PER"}
    )
    assert [r.result["value"]["labels"] for r in regions] == [["PER"], ["LOC"], ["PER"]]
    drop = LabelMap(control, unmapped="drop")
    kept = control.spans(text, [[0, 3], [8, 11]], ["PER", "MISC"], label_map=drop)
    assert [r.result["value"]["text"] for r in kept] == ["Ann"]
    assert dict(drop.dropped) == {"MISC": 1}


def test_batch_is_plain_json_with_numpy_input() -> None:
    import numpy as np

    regions = ner().spans(
        "ab cd",
        np.array([[0, 2], [3, 5]], dtype=np.int32),
        ["PER", "LOC"],
        scores=np.array([0.5, 0.25], dtype=np.float32),
    )
    for region in regions:
        round_trips(region)
        value = region.result["value"]
        assert type(value["start"]) is int
        assert type(region.result["score"]) is float


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda c: c.span("hello", 2, 9, "PER"),
            BuildError,
            "span (2, 9) is outside the text of <Text name='text'> (5 code points)",
        ),
        (
            lambda c: c.span("hello", 3, 3, "PER"),
            BuildError,
            "a span needs start < end, got (3, 3) on <Text name='text'>",
        ),
        (
            lambda c: c.span("🐱 x", 1, 3, "PER", unit="utf16"),
            BuildError,
            "span (1, 3) on <Text name='text'>: UTF-16 offset 1 falls inside the character '🐱' "
            "(code point 0, UTF-16 units 0-2); an offset must fall between characters: check "
            "the offsets' unit",
        ),
        (
            lambda c: c.span_of("Ann", "Bob", "PER"),
            BuildError,
            "'Bob' does not occur in the text of <Text name='text'>",
        ),
        (
            lambda c: c.span_of("New york", "New York", "PER"),
            BuildError,
            "'New York' does not occur in the text of <Text name='text'> "
            "(a case-insensitive match starts at 0)",
        ),
        (
            lambda c: c.span_of("ab ab", "ab", "PER", occurrence=2),
            BuildError,
            "'ab' occurs 2 time(s) in the text of <Text name='text'>; occurrence=2 asks for "
            "match number 3",
        ),
        (
            lambda c: c.span("hello", 0, 2, "Person"),
            LabelError,
            "'Person' is not a label of <Labels name='ner'>; did you mean 'PER'? "
            "(labels: 'PER', 'LOC', 'ORG')",
        ),
        (
            lambda c: c.span("hello", 0, 2, ["PER", "LOC"]),
            LabelError,
            "<Labels name='ner'> is single-choice (choice=\"single\") but got 2 values: "
            "'PER', 'LOC'; pass one, or set choice=\"multiple\" in the config",
        ),
        (
            lambda c: c.spans("hello", [[0, 2]], ["PER", "LOC"]),
            BuildError,
            "got 1 spans but 2 labels",
        ),
        (
            lambda c: c.spans("hello", [0, 2], ["PER"]),
            BuildError,
            "offsets must have shape (N, 2), got (2,)",
        ),
        (
            lambda c: c.spans_from_tokens("hello", [[0, 5]], [[0, 2]], ["PER"]),
            BuildError,
            "token span [0, 2) is not a non-empty range of the 1 tokens",
        ),
        (
            lambda c: c.spans_from_bio("hello", [[0, 5]], ["X-PER"]),
            BuildError,
            "tag 0 is 'X-PER'; expected O or B-/I-/E-/L-/S-/U- followed by a label",
        ),
        (
            lambda c: c.span(42, 0, 1, "PER"),
            BuildError,
            "pass the text of <Text name='text'> as a str, or the task data dict, got int",
        ),
        (
            lambda c: c.span("hello", 0.0, 2, "PER"),
            BuildError,
            "start must be an int, got float",
        ),
    ],
    ids=[
        "outside",
        "empty",
        "inside-surrogate",
        "missing-substring",
        "case-hint",
        "occurrence",
        "unknown-label",
        "single-choice",
        "label-count",
        "offsets-shape",
        "token-range",
        "bad-tag",
        "text-type",
        "float-offset",
    ],
)
def test_text_misuse_messages(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        call(ner())


@pytest.mark.parametrize(
    ("config", "control", "message"),
    [
        (
            IMAGE_LABELS,
            "label",
            "<Labels name='label'> points at <Image name='image'>, not at <Text>; "
            "text spans need a <Text> object",
        ),
        (
            HTML,
            "lab",
            "<Labels name='lab'> points at <HyperText name='html'>, not at <Text>; "
            "use html_span() for HTML",
        ),
    ],
    ids=["image", "hypertext"],
)
def test_span_needs_a_text_object(config: str, control: str, message: str) -> None:
    with pytest.raises(BuildError, match=f"^{re.escape(message)}$"):
        LabelConfig.parse(config).control(control).span("x", 0, 1, "Text")


def test_url_text_needs_the_text_itself() -> None:
    config = LabelConfig.parse(
        '<View><Text name="t" value="$url" valueType="url"/>'
        '<Labels name="l" toName="t"><Label value="P"/></Labels></View>'
    )
    message = (
        "<Text name='t'> loads its text from a URL (valueType=\"url\"); pass the text itself, "
        "exactly as Label Studio will fetch it"
    )
    with pytest.raises(BuildError, match=f"^{re.escape(message)}$"):
        config.control("l").span({"url": "https://x/y.txt"}, 0, 1, "P")
    assert config.control("l").span("abc", 0, 1, "P").result["value"]["text"] == "a"


# --- HyperText -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "inline", "text"),
    [
        ("<p>Hello <b>world</b></p>", False, "Hello world"),
        ("<h1>T</h1>\n<p>a&amp;b&nbsp;c</p>", False, "T\na&b\u00a0c"),
        ("\n<p>x</p>", False, "x"),
        ("\n<p>x</p>", True, "\nx"),
        ("a\r\nb<br>c<br/>d", False, "a\nb\nc\nd"),
        ("<p>a<!-- note -->b</p>", False, "ab"),
        ("<table><tr><td>1</td></tr>\n<tr><td>2</td></tr></table>", False, "1\n2"),
        ("<title>T</title><p>x</p>", False, "x"),
        ("<p>🐱 <i>cat</i></p>", False, "🐱 cat"),
    ],
    ids=[
        "basic",
        "entities",
        "leading-ws",
        "inline-ws",
        "br-crlf",
        "comment",
        "table",
        "head",
        "emoji",
    ],
)
def test_html_text(html: str, inline: bool, text: str) -> None:
    assert html_text(html, inline=inline) == text


def _node_text(html: str, xpath: str, *, inline: bool = False) -> str:
    """The text node an xpath names, found independently with lxml's own xpath engine on a
    copy of the browser-like tree."""
    from lxml import etree

    from prelabel.builders._htmltext import _roots, sanitize_like_label_studio

    root = etree.Element("root")

    def copy(node: Any, parent: Any) -> None:
        last = None
        while node is not None:
            if node.is_text_node:
                data = node.text_content or ""
                if last is None:
                    parent.text = (parent.text or "") + data
                else:
                    last.tail = (last.tail or "") + data
            elif node.is_element_node:
                last = etree.SubElement(parent, (node.tag or "x").lower())
                if last.tag != "template":
                    copy(node.child, last)
            node = node.next

    for first, _ in _roots(sanitize_like_label_studio(html), inline=inline):
        copy(first, root)
    found = root.xpath("." + xpath)
    assert len(found) == 1, (xpath, found)
    return str(found[0])


@pytest.mark.parametrize(
    ("html", "substring", "start", "end"),
    [
        ("<p>Hello <b>world</b>!</p>", "world", "/p[1]/b[1]/text()[1]", "/p[1]/b[1]/text()[1]"),
        ("<p>Hello <b>world</b>!</p>", "lo wor", "/p[1]/text()[1]", "/p[1]/b[1]/text()[1]"),
        # Label Studio sanitizes the HTML first: the comment goes, "abc" is one text node.
        ("<p>a<!--c-->bc</p>", "bc", "/p[1]/text()[1]", "/p[1]/text()[1]"),
        ("<div><p>x</p><p>🐱 y</p></div>", "y", "/div[1]/p[2]/text()[1]", "/div[1]/p[2]/text()[1]"),
        (
            "<table><tr><td>1</td><td>22</td></tr></table>",
            "22",
            "/table[1]/tbody[1]/tr[1]/td[2]/text()[1]",
            "/table[1]/tbody[1]/tr[1]/td[2]/text()[1]",
        ),
        ("one<br>two", "two", "/text()[2]", "/text()[2]"),
    ],
    ids=["inside-tag", "across-nodes", "after-comment", "nested", "implicit-tbody", "after-br"],
)
def test_hypertext_xpaths(
    html: str, substring: str, start: str, end: str, sdk_validate: Any
) -> None:
    region = LabelConfig.parse(HTML).control("hl").span_of(html, substring, "Body")
    value = region.result["value"]
    assert (value["start"], value["end"]) == (start, end)
    assert value["text"] == substring
    head = _node_text(html, value["start"])[value["startOffset"] :]
    tail = _node_text(html, value["end"])[: value["endOffset"]]
    assert substring.startswith(head[: len(substring)]) or head.startswith(substring)
    assert substring.endswith(tail[-len(substring) :])
    assert region.geometry == {
        k: value[k] for k in ("start", "startOffset", "end", "endOffset", "globalOffsets")
    }
    assert sdk_validate(HTML, {"result": region.results}) == []


html_pieces = st.lists(
    st.sampled_from(
        [
            "<p>",
            "</p>",
            "<b>",
            "</b>",
            "<br>",
            "<i>",
            "</i>",
            "<!-- c -->",
            " ",
            "\n",
            "&amp;",
            *TRICKY_PIECES,
            "word",
            "x",
        ]
    ),
    min_size=1,
    max_size=30,
).map("".join)


@SETTINGS
@given(html_pieces, st.booleans(), st.data())
def test_hypertext_offsets_point_at_the_text(html: str, inline: bool, data: st.DataObject) -> None:
    content = html_text(html, inline=inline)
    if not content.replace("\n", ""):
        return
    from prelabel.builders._htmltext import html_text_map

    dom = html_text_map(html, inline=inline)
    start = data.draw(st.integers(0, len(content) - 1))
    end = data.draw(st.integers(start + 1, len(content)))
    if start in dom.breaks or end - 1 in dom.breaks:
        with pytest.raises(BuildError, match="<br> line break"):
            dom.locate(start, end)
        return
    start_path, start_offset, end_path, end_offset = dom.locate(start, end)
    first = _node_text(html, start_path, inline=inline)
    last = _node_text(html, end_path, inline=inline)
    assert content[start] == first[start_offset]
    assert content[end - 1] == last[end_offset - 1]


def test_hypertext_on_text_uses_plain_offsets() -> None:
    config = LabelConfig.parse(
        '<View><Text name="t" value="$t"/><HyperTextLabels name="h" toName="t">'
        '<Label value="X"/></HyperTextLabels></View>'
    )
    value = config.control("h").span_of("🐱 <b>x</b>", "<b>", "X").result["value"]
    assert value == {"start": 2, "end": 5, "text": "<b>", "hypertextlabels": ["X"]}


def test_labels_on_hypertext_and_inline(sdk_validate: Any) -> None:
    config = LabelConfig.parse(HTML)
    region = config.control("lab").html_span("<p>Hi <b>Ann</b></p>", 3, 6, "Name")
    assert region.result["type"] == "labels"
    assert region.result["value"]["start"] == "/p[1]/b[1]/text()[1]"
    inline = config.control("il").span_of({"inline": "\n<p>x y</p>"}, "y", "X")
    assert inline.result["value"]["start"] == "/p[1]/text()[1]"
    assert inline.result["value"]["globalOffsets"] == {"start": 3, "end": 4}
    assert sdk_validate(HTML, {"result": [*region.results, *inline.results]}) == []


@pytest.mark.parametrize(
    ("html", "start", "end", "message"),
    [
        (
            "a<br>b",
            1,
            3,
            "span (1, 3) on <HyperText name='html'>: the span starts at offset 1, next to a "
            "<br> line break that no text node holds; move it onto the neighbouring text",
        ),
        (
            "a<br><br>b",
            0,
            2,
            "span (0, 2) on <HyperText name='html'>: the span ends at offset 2, next to a "
            "<br> line break that no text node holds; move it onto the neighbouring text",
        ),
        ("", 0, 1, "span (0, 1) is outside the text of <HyperText name='html'> (0 code points)"),
        (
            "<p>ab</p>",
            0,
            5,
            "span (0, 5) is outside the text of <HyperText name='html'> (2 code points)",
        ),
    ],
    ids=["start-on-br", "end-on-br", "empty", "outside"],
)
def test_hypertext_misuse(html: str, start: int, end: int, message: str) -> None:
    with pytest.raises(BuildError, match=f"^{re.escape(message)}$"):
        LabelConfig.parse(HTML).control("hl").span(html, start, end, "Body")


# --- Paragraphs ------------------------------------------------------------------------------

DIALOGUE = [
    {"speaker": "Ann", "line": "Hi there 👋!"},
    {"speaker": "Bob", "line": "I am 😢 sad today."},
    {"speaker": "Ann", "line": "Oh no, 東京 again?"},
]


def test_paragraph_offsets_are_utf16(sdk_validate: Any) -> None:
    control = LabelConfig.parse(PARAGRAPHS).control("intent")
    region = control.span_of({"dialogue": DIALOGUE}, "sad", "Sad")
    line = DIALOGUE[1]["line"]
    start_cp = line.index("sad")
    start_16 = len(line[:start_cp].encode("utf-16-le")) // 2
    assert region.result["value"] == {
        "start": "1",
        "end": "1",
        "startOffset": start_16,
        "endOffset": start_16 + 3,
        "text": "sad",
        "paragraphlabels": ["Sad"],
    }
    assert start_16 == start_cp + 1
    assert sdk_validate(PARAGRAPHS, {"result": region.results}) == []


def test_paragraph_builders() -> None:
    control = LabelConfig.parse(PARAGRAPHS).control("intent")
    whole = control.whole_phrase(DIALOGUE, 0, "Greeting").result["value"]
    assert (whole["start"], whole["startOffset"], whole["endOffset"]) == ("0", 0, 12)
    assert whole["text"] == DIALOGUE[0]["line"]
    across = control.span_across(DIALOGUE, (0, 3), (1, 4), "Sad").result["value"]
    assert across == {
        "start": "0",
        "end": "1",
        "startOffset": 3,
        "endOffset": 4,
        "paragraphlabels": ["Sad"],
    }
    js = control.span(DIALOGUE, 1, 5, 7, "Sad", unit="utf16").result["value"]
    assert (js["startOffset"], js["endOffset"], js["text"]) == (5, 7, "😢")
    again = control.span_of(DIALOGUE, "a", "Greeting", occurrence=2).result["value"]
    assert again["start"] == "1"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda c: c.span(DIALOGUE, 5, 0, 1, "Sad"),
            "phrase 5 does not exist: <Paragraphs name='dialogue'> has 3 phrase(s)",
        ),
        (
            lambda c: c.span(DIALOGUE, 0, 0, 40, "Sad"),
            "span (0, 40) is outside the text of phrase 0 of <Paragraphs name='dialogue'> "
            "(11 code points)",
        ),
        (
            lambda c: c.span_across(DIALOGUE, (1, 0), (0, 2), "Sad"),
            "the span ends in phrase 0, before it starts (phrase 1)",
        ),
        (
            lambda c: c.span(DIALOGUE, 0, 10, 11, "Sad", unit="utf16"),
            "span (10, 11) on phrase 0 of <Paragraphs name='dialogue'>: UTF-16 offset 10 falls "
            "inside the character '👋' (code point 9, UTF-16 units 9-11); an offset must fall "
            "between characters: check the offsets' unit",
        ),
        (
            lambda c: c.span([{"text": "x"}], 0, 0, 1, "Sad"),
            "phrase 0 of <Paragraphs name='dialogue'> has no 'line' string (textKey=\"line\")",
        ),
        (
            lambda c: c.span_of(DIALOGUE, "zzz", "Sad"),
            "'zzz' does not occur in the phrases of <Paragraphs name='dialogue'>",
        ),
    ],
    ids=["phrase-index", "outside", "backwards", "inside-surrogate", "text-key", "missing"],
)
def test_paragraph_misuse(call: Any, message: str) -> None:
    with pytest.raises(BuildError, match=f"^{re.escape(message)}$"):
        call(LabelConfig.parse(PARAGRAPHS).control("intent"))


@SETTINGS
@given(any_text, st.data())
def test_paragraph_span_of_utf16_matches_javascript(line: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(line) - 1))
    end = data.draw(st.integers(start + 1, len(line)))
    phrases = [{"speaker": "a", "line": "pad"}, {"speaker": "b", "line": line}]
    value = LabelConfig.parse(PARAGRAPHS).control("intent").span(phrases, 1, start, end, "Sad")
    got = value.result["value"]
    js = line.encode("utf-16-le")
    assert js[: got["startOffset"] * 2].decode("utf-16-le") == line[:start]
    assert js[got["startOffset"] * 2 : got["endOffset"] * 2].decode("utf-16-le") == line[start:end]


NER_LABELS = LabelConfig.parse(
    '<View><Text name="t" value="$t"/><Labels name="ner" toName="t">'
    '<Label value="Person" predicted_values="PER"/><Label value="Org"/></Labels></View>'
).control("ner")


@pytest.mark.parametrize(
    ("options", "labels"),
    [
        ({"label": "PER"}, [["Person"], ["Person"]]),
        ({"class_ids": [1, 0], "class_names": ["person", "org"]}, [["Org"], ["Person"]]),
        ({"labels": ["Org", "PER"]}, [["Org"], ["Person"]]),
    ],
    ids=["label", "class-ids", "labels"],
)
def test_spans_take_the_three_ways_to_give_labels_and_ids(
    options: dict[str, Any], labels: list[list[str]]
) -> None:
    regions = NER_LABELS.spans(
        "Ann and Bob", [[0, 3], [8, 11]], ids=["a", "b"], readonly=True, **options
    )
    assert [(r.result["id"], r.result["value"]["labels"]) for r in regions] == list(
        zip(["a", "b"], labels, strict=True)
    )
    assert all(r.result["readonly"] is True for r in regions)
    tokens = NER_LABELS.spans_from_tokens("Ann and Bob", [[0, 3], [4, 7], [8, 11]], [[2, 3]],
                                   label="Org", ids=["z"])  # fmt: skip
    assert [(r.result["id"], r.result["value"]["text"]) for r in tokens] == [("z", "Bob")]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "needs labels: pass one of label= (the same for every span)"),
        ({"label": "PER", "labels": ["Org"]}, "got label, labels"),
        ({"class_ids": [0], "class_names": ["x"], "label_map": {"x": "Org"}}, "class_names="),
    ],
    ids=["none", "two", "label-map-with-class-ids"],
)
def test_spans_labels_given_once(options: dict[str, Any], message: str) -> None:
    with pytest.raises(LabelError, match=re.escape(message)):
        NER_LABELS.spans("Ann", [[0, 3]], **options)
