"""The fast HyperText sanitizer against the previous one (``tests/hypertext_reference.py``).

``sanitize_like_label_studio`` reads ordinary markup with one regex and sends anything else
to ``html.parser.HTMLParser``; whichever path it takes, the output must be exactly the
previous implementation's, which replayed every document through HTMLParser.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hypertext_reference
from prelabel.builders._htmltext import (
    _ABRUPT_COMMENT,
    _FOREIGN,
    _IMPLIES_CLOSE,
    _INTEGRATION,
    _SELF_CLOSING,
    _VOID,
    _sanitize_fast,
    sanitize_like_label_studio,
)

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "hypertext" / "cases.json").read_text(encoding="utf-8")
)

ORDINARY_PAGE = "".join(
    f'<div class="c{i % 7}" id="d{i}"><h3>Title {i}</h3><p>Some <b>bold</b> text &amp; more '
    f'<a href="/x/{i}">link {i}</a> words here.</p><ul><li>one</li><li>two<br>three</li>'
    "</ul></div>\n"
    for i in range(1500)
)

# --- random tag soup -----------------------------------------------------------------------

_RULE_TAGS = sorted(
    set(_IMPLIES_CLOSE)
    | {tag for closes in _IMPLIES_CLOSE.values() for tag in closes}
    | _VOID
    | _FOREIGN
    | _INTEGRATION
    | _SELF_CLOSING
)
_OTHER_TAGS = [
    "b",
    "i",
    "span",
    "a",
    "em",
    "html",
    "head",
    "body",
    "template",
    "tbody",
    "caption",
    "my-el",
    "x:y",
    "foreignObject",
    "script",
    "style",
    "iframe",
    "textarea",
    "title",
    "xmp",
    "noscript",
    "plaintext",
]
_TAGS = st.sampled_from(_RULE_TAGS + _OTHER_TAGS)
_tag_names = st.tuples(_TAGS, st.sampled_from(["lower", "upper", "title"])).map(
    lambda pair: getattr(pair[0], pair[1])()
)

_TEXT_BITS = [
    "a",
    "word ",
    " ",
    "\n",
    "\r\n",
    "\t",
    "\xa0",
    "é",
    "😀",
    "&",
    "& ",
    "&amp;",
    "&amp",
    "&lt;",
    "&gt",
    "&#60;",
    "&#x3c;",
    "&#0;",
    "&#128;",
    "&#xD800;",
    "&nbsp",
    "&notit;",
    "&ampx",
    "&#",
    "&#x",
    "&zz;",
    "<",
    "< ",
    "<3",
    "<=",
    ">",
    '"',
    "'",
    "=",
    "/",
    "-",
    "--",
    "!",
    "?",
    "]]>",
]
_text = st.lists(st.sampled_from(_TEXT_BITS), max_size=5).map("".join)

_ATTR_NAMES = [
    "class",
    "id",
    "href",
    "src",
    "title",
    "onclick",
    "ONLOAD",
    "data-x",
    "xml:lang",
    "Alt",
    "_a",
    "a.b",
    "x",
]
_VALUE_BITS = [
    "v",
    " ",
    "&amp;",
    "&",
    "&quot;",
    "&#39;",
    "&lt",
    "<",
    ">",
    "/",
    "=",
    "`",
    "\n",
    "é",
    "https://www.youtube.com/embed/x",
    "http://example.com/",
    "javascript:x()",
]
_value_text = st.lists(st.sampled_from(_VALUE_BITS), max_size=4).map("".join)
_SPACES = st.sampled_from([" ", "  ", "\n", "\t", "\r\n", "\f", "\x0b", "\xa0", ""])


@st.composite
def _attribute(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(_ATTR_NAMES))
    space = draw(_SPACES)
    form = draw(st.sampled_from(["bare", "double", "single", "unquoted", "spaced", "empty"]))
    value = draw(_value_text)
    if form == "bare":
        return f"{space}{name}"
    if form == "double":
        return f'{space}{name}="{value.replace(chr(34), "")}"'
    if form == "single":
        return f"{space}{name}='{value.replace(chr(39), '')}'"
    if form == "spaced":
        return f'{space}{name} = "{value.replace(chr(34), "")}"'
    if form == "empty":
        return f"{space}{name}="
    return f"{space}{name}={value}"


@st.composite
def _start_tag(draw: st.DrawFn) -> str:
    name = draw(_tag_names)
    attributes = "".join(draw(st.lists(_attribute(), max_size=3)))
    ending = draw(st.sampled_from([">", ">", ">", "/>", " />", " >", "\n>", "/ >", ""]))
    return f"<{name}{attributes}{ending}"


@st.composite
def _end_tag(draw: st.DrawFn) -> str:
    name = draw(_tag_names)
    form = draw(st.sampled_from(["</{}>", "</{}>", "</{} >", "</ {}>", "</{} x>", "</{}"]))
    return form.format(name)


_ODD = st.sampled_from(
    [
        "<!-- c -->",
        "<!---->",
        "<!-->",
        "<!--->",
        "<!-- a -- >",
        "<!-- a --!>",
        "<!-- a - b -->",
        "<!-- <p> -->",
        "<!--",
        "<!DOCTYPE html>",
        "<!doctype html>",
        "<!DOCTYPE",
        "<![CDATA[x<y]]>",
        "<!x>",
        "<?php x ?>",
        "<?",
        "</>",
        "</3>",
        "<br>",
        "</br>",
        "<br/>",
        "<BR />",
        "</p>",
        "<p/>",
        "<svg><circle/></svg>",
        "<math><mi/></math>",
        "<script>if (a < b && c) {}</script>",
        "<script>x</SCRIPT>",
        "<style>p > b { }</style>",
        '<iframe src="https://www.youtube.com/embed/x"></iframe>',
        '<iframe src="https://evil.example/"></iframe>',
        "\x00",
        "<a\x00b>",
    ]
)

_token = st.one_of(
    _text,
    _start_tag(),
    _start_tag(),
    _end_tag(),
    _end_tag(),
    _ODD,
)
_soup = st.lists(_token, max_size=25).map("".join)

# Mostly well-formed markup, so that the fast path is exercised as well as the fallback.
_simple_start = st.builds(
    lambda name, attributes, slash: f"<{name}{''.join(attributes)}{slash}>",
    _tag_names,
    st.lists(
        st.builds(
            lambda name, value, quote: f" {name}={quote}{value}{quote}",
            st.sampled_from(_ATTR_NAMES),
            _value_text.map(lambda value: value.replace('"', "").replace("'", "")),
            st.sampled_from(['"', "'"]),
        )
        | st.builds(
            lambda name, value: f" {name}={value}",
            st.sampled_from(_ATTR_NAMES),
            st.sampled_from(["v", "1", "/x", "x/y", "a&amp;b", "&lt", "é", "x/", "a=b"]),
        )
        | st.sampled_from(_ATTR_NAMES).map(" {}".format),
        max_size=2,
    ),
    st.sampled_from(["", "", "", "/", " /"]),
)
_tidy = st.lists(
    st.one_of(
        _text,
        _simple_start,
        _tag_names.map("</{}>".format),
        st.sampled_from(["<!-- c -->", "<!-- a -- >", "<!-- a --!>", "<!---->", "<!-- - -->"]),
    ),
    max_size=30,
).map("".join)

# <script>, <style> and <title> with content that ends them, or seems to, in some version.
_RAW_BITS = [
    "a",
    "x = 1;",
    " ",
    "\n",
    "\r\n",
    "\xa0",
    "é",
    "'",
    '"',
    "&amp;",
    "&lt",
    "&",
    "<",
    "a<b",
    "<b>",
    "<p class=x>",
    "</b>",
    "</div>",
    "</span>",
    "</strong>",
    "</s>",
    "</sc",
    "</scr",
    "</SCR",
    "</script",
    "</script>",
    "</SCRIPT >",
    "</Script\t>",
    "</script x>",
    "</script/>",
    "</ script>",
    "</scriptx>",
    "</script\xa0>",
    "</script\x0b>",
    "</\u017fcript>",
    "</scr\u0131pt>",
    "</st",
    "</sty",
    "</style>",
    "</STYLE\n>",
    "</style >",
    "</style x>",
    "</\u017ftyle>",
    "</title>",
    "</TITLE >",
    "</",
    "</>",
    "</3",
    "<!--",
    "-->",
    "<!-- x -->",
    "<!-->",
    "<![CDATA[",
    "<script>",
    "<style>",
    "<title>",
    "<?",
    "\\",
    "'</script>'",
    '"</style>"',
]
_raw_name = st.tuples(
    st.sampled_from(["script", "style", "title"]), st.sampled_from(["lower", "upper", "title"])
).map(lambda pair: getattr(pair[0], pair[1])())


@st.composite
def _raw_element(draw: st.DrawFn) -> str:
    name = draw(_raw_name)
    attributes = "".join(draw(st.lists(_attribute(), max_size=2)))
    opening = draw(st.sampled_from([">", ">", ">", " >", "/>", "\n>"]))
    content = "".join(draw(st.lists(st.sampled_from(_RAW_BITS), max_size=6)))
    closing = draw(
        st.sampled_from(
            [
                "</{}>",
                "</{}>",
                "</{}>",
                "</{} >",
                "</{}\n>",
                "</{}\t >",
                "</{} x>",
                "</{}/>",
                "",
                "</ {}>",
            ]
        )
    )
    end_name = draw(st.sampled_from([name, name.lower(), name.upper(), "script", "style"]))
    return f"<{name}{attributes}{opening}{content}{closing.format(end_name)}"


_raw_page = st.lists(
    st.one_of(
        _raw_element(),
        _raw_element(),
        _raw_element(),
        _text,
        _simple_start,
        _tag_names.map("</{}>".format),
        st.sampled_from(["<svg>", "</svg>", "<head>", "</head>", "<body>", "<p>", "<!-- c -->"]),
    ),
    max_size=12,
).map("".join)

FULL_PAGE = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
    "<title>News &amp; views | Site</title>"
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    '<link rel="stylesheet" href="/static/main.css"><link rel=icon href=/favicon.ico>'
    "<style>\nbody { margin: 0; font: 16px/1.4 sans-serif }\n.nav > li + li { margin-left: 1em }\n"
    "a[href^='http']::after { content: \"\\2197\" }\n</style>"
    '<script src="/static/app.js" defer></script>'
    '<script>\nwindow.dataLayer = window.dataLayer || [];\nif (a < b && c > d) { x("<div>"); }\n'
    "var html = '<p class=\"x\">' + name + '</p>';\n</script>"
    '</head>\n<body class="page">'
    + "".join(
        f'<div class="c{i % 7}" id="d{i}"><h3>Title {i}</h3><p>Some <b>bold</b> text &amp; more '
        f'<a href="/x/{i}">link {i}</a> words here.</p><ul><li>one</li><li>two<br>three</li>'
        "</ul></div>\n"
        + (f"<script>track({i}, 'a<b', \"</span>\");</script>" if i % 50 == 0 else "")
        for i in range(1500)
    )
    + '<SCRIPT type="text/javascript">done()</SCRIPT >\n</body></html>\n'
)

_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(html: str) -> bool:
    """Equal output to the reference; returns whether the fast path took the document."""
    expected = hypertext_reference.sanitize_like_label_studio(html)
    assert sanitize_like_label_studio(html) == expected
    fast = _sanitize_fast(_ABRUPT_COMMENT.sub("", html))
    assert fast is None or fast == expected
    return fast is not None


@_SETTINGS
@given(_soup)
def test_tag_soup_matches_reference(html: str) -> None:
    _check(html)


@_SETTINGS
@given(_tidy)
def test_tidy_markup_matches_reference(html: str) -> None:
    _check(html)


@_SETTINGS
@given(_raw_page)
def test_raw_text_elements_match_reference(html: str) -> None:
    _check(html)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_cases_match_reference(case: dict[str, Any]) -> None:
    _check(case["html"])


@pytest.mark.parametrize(
    "html",
    [
        pytest.param(ORDINARY_PAGE, id="ordinary-page"),
        pytest.param("<!DOCTYPE html><p class=x>a &amp; b<!-- c --></p>", id="doctype-comment"),
        pytest.param("<DIV CLASS=\"A\" data-x='1 > 0'>x<br/>y<BR></div>", id="quotes-case"),
        pytest.param("a < b, 1<2 & c > d", id="bare-lt-amp"),
        pytest.param("<svg><circle r=1 /></svg><p/>", id="self-closing"),
        pytest.param(FULL_PAGE, id="full-page"),
        pytest.param("<script>a<b</script>", id="script"),
        pytest.param("<p>a<SCRIPT src=x>if (a) x('</div>')</script \n>b</p>", id="script-end-tag"),
        pytest.param("<style media=all>p > b { } a[x='&amp;'] {}</style>", id="style"),
        pytest.param("<style></STYLE>", id="empty-style"),
        pytest.param("<title>t &amp; u</title >", id="title"),
        pytest.param("</script></style></title>x", id="stray-end-tags"),
        pytest.param("<script>x('</script>')</script>", id="script-end-in-string"),
    ],
)
def test_fast_path_taken(html: str) -> None:
    assert _check(html)


@pytest.mark.parametrize(
    "html",
    [
        pytest.param("<script>a</script foo>b", id="script-end-with-attribute"),
        pytest.param("<script>a</ script>b</script>", id="space-before-script-name"),
        pytest.param("<script>a</\u017fcript>b</script>", id="long-s-script"),
        pytest.param("<script>a</scriptx>b</script>", id="script-longer-name"),
        pytest.param("<script>a", id="unterminated-script"),
        pytest.param("<script><!--a</script>b--></script>", id="comment-in-script"),
        pytest.param("<script/>a</script>", id="self-closing-script"),
        pytest.param("<style>a</style/>b", id="style-end-slash"),
        pytest.param("<style>a</STYLE\xa0>b</style>", id="style-end-unicode-space"),
        pytest.param("<title>a<b>c</b></title>", id="markup-in-title"),
        pytest.param("<title>a", id="unterminated-title"),
        pytest.param("<title/>a", id="self-closing-title"),
        pytest.param("<textarea>t</textarea>", id="textarea"),
        pytest.param('<iframe src="https://www.youtube.com/embed/x"></iframe>', id="iframe"),
        pytest.param("<![CDATA[x]]>", id="cdata"),
        pytest.param("<?xml version='1.0'?>", id="pi"),
        pytest.param("<!-- a -- >b", id="comment-spaced-close"),
        pytest.param("<!-- a --!>b", id="comment-bang-close"),
        pytest.param("<a href=x/>", id="unquoted-slash"),
        pytest.param('<a href="x"class="y">', id="no-space-between-attributes"),
        pytest.param("<a href='x", id="unterminated"),
        pytest.param("</ p>", id="space-in-end-tag"),
        pytest.param("a\x00b", id="nul"),
        pytest.param("<a\xa0b>", id="unicode-space"),
        # A stray end tag named like a later unterminated <style> once made the start tag
        # skip its check (the name was remembered): '<style>a</style>', not the oracle's
        # '<style></style>'. Found by test_tidy_markup_matches_reference.
        pytest.param("</STYLE><STYLE>a", id="stray-end-then-unterminated-style"),
        pytest.param("x</style><style>a", id="stray-end-then-unterminated-style-lower"),
    ],
)
def test_fallback_still_matches(html: str) -> None:
    assert not _check(html)
