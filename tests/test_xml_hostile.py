"""Hostile and broken XML: refused with a clear ConfigError; never a hang, file read or fetch."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import pytest

from prelabel import ConfigError, LabelConfig
from prelabel._xml import MAX_CONFIG_BYTES, MAX_DEPTH, parse_xml

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<View><Header value="&lol9;"/><Text name="t" value="$t"/></View>"""

NOT_XML = "the labeling config is not well-formed XML: Start tag expected, '<' not found (line 1)"
DOCTYPE_REFUSED = (
    "DOCTYPE and entity declarations are not allowed in a labeling config (they can expand "
    "without bound or read local files); remove the <!DOCTYPE ...> block (line 2)"
)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything tries to open a socket."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the parser tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_billion_laughs_is_refused_fast() -> None:
    started = time.perf_counter()
    with pytest.raises(ConfigError) as exc:
        LabelConfig.parse(BILLION_LAUGHS)
    assert str(exc.value) == DOCTYPE_REFUSED
    assert time.perf_counter() - started < 1.0


def test_external_entity_to_local_file_is_refused_and_does_not_leak(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    xml = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE v [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        '<View><Text name="t" value="$t"/><Header value="&xxe;"/></View>'
    )
    with pytest.raises(ConfigError) as exc:
        LabelConfig.parse(xml)
    assert str(exc.value) == DOCTYPE_REFUSED
    assert "TOP-SECRET" not in str(exc.value)


def test_external_entity_to_url_is_refused_without_network(no_network: None) -> None:
    xml = (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE v [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/evil.dtd">]>\n'
        '<View><Header value="&xxe;"/></View>'
    )
    with pytest.raises(ConfigError, match="DOCTYPE and entity declarations are not allowed"):
        LabelConfig.parse(xml)


def test_external_dtd_is_refused(no_network: None) -> None:
    xml = '<?xml version="1.0"?>\n<!DOCTYPE View SYSTEM "http://127.0.0.1:9/x.dtd">\n<View/>'
    with pytest.raises(ConfigError) as exc:
        LabelConfig.parse(xml)
    assert str(exc.value) == DOCTYPE_REFUSED


def test_lowercase_doctype_is_refused_too() -> None:
    with pytest.raises(ConfigError, match="DOCTYPE"):
        parse_xml("<!doctype html>\n<View/>")


def test_undeclared_entity_reference_is_a_syntax_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as exc:
        LabelConfig.parse('<View><Header value="&passwd;"/></View>')
    assert "not well-formed XML" in str(exc.value)
    assert "Entity 'passwd' not defined" in str(exc.value)


def test_predefined_entities_still_work() -> None:
    config = LabelConfig.parse(
        '<View><Text name="t" value="$t"/><Choices name="c" toName="t">'
        '<Choice value="A &amp; B" html="&lt;b&gt;x&lt;/b&gt;"/></Choices></View>'
    )
    assert config.controls["c"].label_values == ("A & B",)  # type: ignore[attr-defined]


def test_very_deep_nesting_is_refused() -> None:
    depth = MAX_DEPTH + 10
    xml = "<View>" * depth + '<Text name="t" value="$t"/>' + "</View>" * depth
    with pytest.raises(ConfigError) as exc:
        LabelConfig.parse(xml)
    assert str(exc.value).startswith(f"the labeling config nests deeper than {MAX_DEPTH} levels")


def test_extremely_deep_nesting_fails_fast_in_lxml() -> None:
    depth = 100_000
    xml = "<View>" * depth + "</View>" * depth
    started = time.perf_counter()
    with pytest.raises(ConfigError):
        LabelConfig.parse(xml)
    assert time.perf_counter() - started < 5.0


def test_very_large_document_is_refused_before_parsing() -> None:
    filler = "<Header value='x'/>" * (MAX_CONFIG_BYTES // 19 + 10)
    with pytest.raises(ConfigError) as exc:
        LabelConfig.parse(f"<View>{filler}</View>")
    assert "over the 4,194,304-byte limit" in str(exc.value)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param(
            "", "the labeling config is empty; it must be XML with a <View> root", id="empty"
        ),
        pytest.param(
            "   \n ", "the labeling config is empty; it must be XML with a <View> root", id="blank"
        ),
        pytest.param(
            b"", "the labeling config is empty; it must be XML with a <View> root", id="bytes"
        ),
        pytest.param(
            "this is not xml",
            NOT_XML,
            id="plain-text",
        ),
        pytest.param(
            "<View><Image name='i' value='$i'>\n</View>",
            "the labeling config is not well-formed XML: "
            "Opening and ending tag mismatch: Image line 1 and View (line 2)",
            id="unclosed-tag",
        ),
        pytest.param(
            '{"label_config": "<View/>"}',
            NOT_XML,
            id="json",
        ),
    ],
)
def test_broken_input_gets_a_clear_error(source: str | bytes, message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        LabelConfig.parse(source)
    assert str(exc.value) == message


def test_stray_html_inside_view_is_walked_through() -> None:
    config = LabelConfig.parse(
        "<View><div class='box'><h2>Read this</h2><p>Label <b>every</b> car.<br/></p>"
        '<Image name="image" value="$image"/></div>'
        '<RectangleLabels name="b" toName="image"><Label value="Car"/></RectangleLabels></View>'
    )
    assert list(config.objects) == ["image"]
    assert list(config.controls) == ["b"]
    assert config.warnings == ()


def test_unclosed_html_inside_view_names_the_line() -> None:
    with pytest.raises(ConfigError) as exc:
        LabelConfig.parse('<View>\n<p>Label cars<br>\n<Image name="i" value="$i"/></p></View>')
    assert exc.value.line is not None
    assert "not well-formed XML" in str(exc.value)


def test_processing_instructions_and_comments_are_ignored() -> None:
    config = LabelConfig.parse(
        '<View><?php echo 1; ?><!-- <Image name="x" value="$x"/> -->'
        '<Text name="t" value="$t"/></View>'
    )
    assert list(config.objects) == ["t"]
