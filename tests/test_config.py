"""LabelConfig: shipped templates parse, the registry holds the right facts, mistakes are named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import prelabel
from conftest import TEMPLATES, template
from prelabel import (
    Choices,
    ConfigError,
    KeyPointLabels,
    KindError,
    LabelConfig,
    Labels,
    RectangleLabels,
    UnknownNameError,
)
from prelabel.tags import objects as o
from prelabel.validate import check


@pytest.mark.parametrize("path", TEMPLATES, ids=[p.stem for p in TEMPLATES])
def test_every_shipped_template_parses(path: Path) -> None:
    config = LabelConfig.from_file(path)
    assert config.objects, "every template shows some data"
    assert config.controls, "every template has at least one control"
    for control in config.controls.values():
        assert control.targets, control.name
        assert all(t.name in config.objects for t in control.targets)
        assert control.result_type == control.tag.lower()


def test_templates_are_all_bundled() -> None:
    assert len(TEMPLATES) >= 46


def _facts(config: LabelConfig) -> dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    out = {}
    for name, ctl in config.controls.items():
        labels = getattr(ctl, "label_values", ())
        out[name] = (ctl.tag, ctl.result_type, ctl.to_name, labels)
    return out


def _objects(config: LabelConfig) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {name: (obj.tag, obj.data_keys) for name, obj in config.objects.items()}


def test_registry_ocr() -> None:
    config = LabelConfig.parse(template("computer-vision__optical-character-recognition"))
    assert _objects(config) == {"image": ("Image", ("ocr",))}
    assert _facts(config) == {
        "label": ("Labels", "labels", ("image",), ("Text", "Handwriting")),
        "bbox": ("Rectangle", "rectangle", ("image",), ()),
        "poly": ("Polygon", "polygon", ("image",), ()),
        "transcription": ("TextArea", "textarea", ("image",), ()),
    }
    transcription = config.control("transcription", prelabel.TextArea)
    assert transcription.per_region
    assert transcription.required
    assert transcription.max_submissions == 1
    assert transcription.editable


def test_registry_object_detection() -> None:
    config = LabelConfig.parse(template("computer-vision__object-detection-with-bounding-boxes"))
    boxes = config.control("label", RectangleLabels)
    assert boxes.label_values == ("Airplane", "Car")
    assert boxes.choice == "single"
    assert boxes.value_key == "rectanglelabels"
    assert isinstance(boxes.target, o.Image)


def test_registry_keypoints() -> None:
    config = LabelConfig.parse(template("computer-vision__keypoints"))
    points = config.control("kp-1", KeyPointLabels)
    assert points.label_values == ("Face", "Nose")
    assert points.to_name == ("img-1",)
    assert config.object("img-1").data_keys == ("img",)


def test_registry_taxonomy_tree() -> None:
    config = LabelConfig.parse(template("natural-language-processing__taxonomy"))
    taxonomy = config.control("taxonomy", prelabel.Taxonomy)
    assert taxonomy.paths() == [
        ("Archaea",),
        ("Bacteria",),
        ("Eukarya",),
        ("Eukarya", "Human"),
        ("Eukarya", "Oppossum"),
        ("Eukarya", "Extraterrestial"),
    ]
    assert taxonomy.leaf_paths() == [
        ("Archaea",),
        ("Bacteria",),
        ("Eukarya", "Human"),
        ("Eukarya", "Oppossum"),
        ("Eukarya", "Extraterrestial"),
    ]
    assert taxonomy.multiple


def test_registry_ranker_with_buckets() -> None:
    config = LabelConfig.parse(template("generative-ai__llm-ranker"))
    ranker = config.control("rank", prelabel.Ranker)
    assert ranker.buckets == ("relevant_results", "biased_results")
    assert isinstance(ranker.target, o.List)
    assert config.object("answers").data_keys == ("items",)
    assert _objects(config)["task"] == ("Text", ("task",))


def test_registry_dynamic_choices_and_rating_defaults() -> None:
    config = LabelConfig.parse(template("ranking-and-scoring__serp-ranking"))
    dynamic = config.control("dynamic_choices", Choices)
    assert dynamic.dynamic_labels == "options"
    assert dynamic.multiple
    assert dynamic.allow_nested
    assert config.control("relevance", prelabel.Rating).max_rating == 5
    confidence = config.control("confidence", Choices)
    assert confidence.label_values == ("Low", "High")


def test_registry_timeseries_channels_and_per_region_rating() -> None:
    config = LabelConfig.parse(template("time-series-analysis__signal-quality"))
    series = config.object("ts", o.TimeSeries)
    assert series.channels == ("signal_1", "signal_2")
    assert series.time_column == "time"
    assert series.value_type == "url"
    assert series.data_keys == ("csv",)
    rating = config.control("rating", prelabel.Rating)
    assert rating.max_rating == 10
    assert rating.per_region


def test_registry_timeseries_time_format() -> None:
    config = LabelConfig.parse(template("time-series-analysis__activity-recognition"))
    series = config.object("ts", o.TimeSeries)
    assert series.time_format == "%Y-%m-%d %H:%M:%S.%f"
    assert series.channels == ("velocity", "acceleration")


def test_registry_multi_target_choices() -> None:
    config = LabelConfig.parse(
        template("community-contributions__breast-cancer-mammogram-classification")
    )
    birads = config.control("birads_right", Choices)
    assert birads.to_name == ("left_cc", "right_cc", "left_mlo", "right_mlo")
    assert [t.name for t in birads.targets] == list(birads.to_name)
    assert birads.required
    assert birads.label_values[0] == "0 - Incomplete"


def test_registry_audio_segments_with_per_region_textarea() -> None:
    config = LabelConfig.parse(
        template("audio-speech-processing__automatic-speech-recognition-using-segments")
    )
    assert _facts(config) == {
        "labels": ("Labels", "labels", ("audio",), ("Speech", "Noise")),
        "transcription": ("TextArea", "textarea", ("audio",), ()),
    }
    assert isinstance(config.object("audio"), o.Audio)
    assert config.control("transcription").per_region


def test_registry_video_tracking() -> None:
    config = LabelConfig.parse(template("videos__video-object-tracking"))
    video = config.object("video", o.Video)
    assert video.frame_rate == 25.0  # the template sets frameRate="25.0"
    assert config.control("box", prelabel.VideoRectangle).result_type == "videorectangle"
    labels = config.control("videoLabels", Labels)
    assert labels.allow_empty
    assert labels.label_values == ("Man", "Woman", "Other")


def test_registry_pairwise_and_relations() -> None:
    pairwise = LabelConfig.parse(template("ranking-and-scoring__pairwise-classification"))
    assert pairwise.control("pw").to_name == ("text1", "text2")
    assert pairwise.control("pw").result_type == "pairwise"
    relations = LabelConfig.parse(template("natural-language-processing__relation-extraction"))
    assert relations.relations is not None
    assert relations.relations.label_values == ("org:founded_by", "org:founded")
    assert "relations" not in relations.controls


def test_registry_html_and_paragraphs() -> None:
    html = LabelConfig.parse(template("structured-data-parsing__html-entity-recognition"))
    ner = html.control("ner", prelabel.HyperTextLabels)
    assert isinstance(ner.target, o.HyperText)
    paragraphs = LabelConfig.parse(template("conversational-ai__response-selection"))
    prg = paragraphs.object("prg", o.Paragraphs)
    assert (prg.name_key, prg.text_key, prg.value_type) == ("author", "text", "json")


def test_registry_chat_and_pdf() -> None:
    chat = LabelConfig.parse(template("chat__chat_llm_eval"))
    assert isinstance(chat.object("chat"), o.Chat)
    assert chat.control("answered_rating").targets[0].name == "chat"
    pdf = LabelConfig.parse(template("structured-data-parsing__pdf-classification"))
    assert isinstance(pdf.object("pdf"), o.Pdf)
    assert pdf.control("choices", Choices).choice == "single-radio"
    assert pdf.control("rating", prelabel.Rating).max_rating == 10


def test_duplicate_choice_in_shipped_template_is_a_warning() -> None:
    config = LabelConfig.parse(template("ranking-and-scoring__document-retrieval"))
    assert config.control("selection", Choices).label_values == ("One", "Two")
    assert [str(w) for w in config.warnings] == [
        'line 14: Choice value "Two" appears twice in <Choices name="selection"> '
        "(first on line 13); the copy is ignored"
    ]


# --- parsing details -------------------------------------------------------------------------


def test_tag_names_and_attributes_are_case_insensitive() -> None:
    config = LabelConfig.parse(
        '<view><IMAGE name="img" value="$pic"/>'
        '<rectanglelabels name="b" toName="img" CHOICE="multiple">'
        '<label value="A"/><LABEL value="B" ALIAS="b"/></rectanglelabels></view>'
    )
    boxes = config.control("b", RectangleLabels)
    assert boxes.multiple
    assert boxes.label_values == ("A", "b")
    assert boxes.resolve_labels(["A", "B"]) == ["A", "b"]
    assert config.object("img").data_keys == ("pic",)


def test_nested_and_url_data_keys() -> None:
    config = LabelConfig.parse(
        '<View><Image name="a" value="$meta.url"/><Image name="b" valueList="$pages"/>'
        '<Text name="c" value="$items[0].text" valueType="url"/>'
        '<Header value="Title: $title"/></View>'
    )
    assert config.object("a").data_keys == ("meta.url",)
    assert config.object("a").data_roots == ("meta",)
    pages = config.object("b", o.Image)
    assert pages.value_list
    assert pages.data_keys == ("pages",)
    assert config.object("c").value_type == "url"
    assert config.data_keys == ("meta", "pages", "items")


def test_video_frame_rate_from_data() -> None:
    config = LabelConfig.parse(
        '<View><Video name="v" value="$video" frameRate="$fps"/>'
        '<VideoRectangle name="box" toName="v"/></View>'
    )
    video = config.object("v", o.Video)
    assert video.frame_rate is None
    assert video.frame_rate_key == "fps"
    assert video.data_keys == ("video", "fps")


def test_labels_inside_view_wrapper_and_conditions() -> None:
    config = LabelConfig.parse(
        '<View><Text name="t" value="$t"/>'
        '<Choices name="topic" toName="t"><View><Choice value="Sport"/></View>'
        '<Choice value="News"/></Choices>'
        '<Choices name="sub" toName="t" visibleWhen="choice-selected" whenTagName="topic" '
        'whenChoiceValue="Sport,News"><Choice value="Football"/></Choices></View>'
    )
    assert config.control("topic", Choices).label_values == ("Sport", "News")
    conditions = config.control("sub").conditions
    assert conditions.when_tag_name == "topic"
    assert conditions.when_choice_value == ("Sport", "News")
    assert conditions.visible_when == "choice-selected"


def test_repeater_names_resolve_through_the_template() -> None:
    config = LabelConfig.parse(
        '<View><Repeater on="$images" indexFlag="{{idx}}">'
        '<Image name="image_{{idx}}" value="$images[{{idx}}].url"/>'
        '<Choices name="choice_{{idx}}" toName="image_{{idx}}"><Choice value="Cat"/></Choices>'
        "</Repeater></View>"
    )
    expanded = config.control("choice_3", Choices)
    assert expanded.name == "choice_3"
    assert expanded.to_name == ("image_3",)
    assert expanded.target.name == "image_3"
    assert expanded.target.data_keys == ("images[3].url",)
    assert config.repeater_of("choice_{{idx}}") == "images"
    with pytest.raises(UnknownNameError):
        config.control("choice_x")


def test_unknown_tags_are_kept_as_warnings_with_suggestions() -> None:
    config = LabelConfig.parse(
        '<View><Image name="i" value="$i"/><Rectangel name="r" toName="i"/>'
        "<div><p>Instructions</p></div></View>"
    )
    assert [str(w) for w in config.warnings] == [
        "line 1: unknown tag <Rectangel> is kept but not checked; "
        "did you mean 'Rectangle' or 'RectangleLabels' or 'VideoRectangle'?"
    ]
    assert list(config.controls) == []
    assert [(u.tag, u.name, u.line) for u in config.unknown_tags] == [("Rectangel", "r", 1)]
    assert config.unknown_tags[0].attrs == {"name": "r", "toname": "i"}


def test_lookup_errors_suggest_names() -> None:
    config = LabelConfig.parse(template("computer-vision__object-detection-with-bounding-boxes"))
    with pytest.raises(UnknownNameError) as exc:
        config.control("lable")
    assert str(exc.value) == (
        "no control named 'lable' in the labeling config; did you mean 'label'? (controls: label)"
    )
    with pytest.raises(UnknownNameError, match=r"\(it is an object tag\)"):
        config.control("image")
    with pytest.raises(KindError) as kind:
        config.control("label", Choices)
    assert str(kind.value) == "control 'label' is a <RectangleLabels>, not a <Choices> (line 3)"
    with pytest.raises(
        UnknownNameError,
        match="no object tag named 'imag' in the labeling config; did you mean 'image'",
    ):
        config.object("imag")


def test_resolve_labels_messages() -> None:
    config = LabelConfig.parse(template("computer-vision__object-detection-with-bounding-boxes"))
    boxes = config.control("label", RectangleLabels)
    with pytest.raises(prelabel.LabelError) as exc:
        boxes.resolve_labels("airplane")
    assert str(exc.value) == (
        "'airplane' is not a label of <RectangleLabels name='label'>; did you mean 'Airplane'? "
        "(labels: 'Airplane', 'Car')"
    )
    with pytest.raises(prelabel.LabelError, match=re.escape('is single-choice (choice="single")')):
        boxes.resolve_labels(["Airplane", "Car"])


def test_from_file_reads_utf8_bytes(tmp_path: Path) -> None:
    path = tmp_path / "config.xml"
    path.write_bytes(
        '<?xml version="1.0"?>\n<View><Text name="t" value="$t"/>'
        '<Choices name="c" toName="t"><Choice value="Ünïcode"/></Choices></View>'.encode()
    )
    assert LabelConfig.from_file(path).control("c", Choices).label_values == ("Ünïcode",)
    text = path.read_text(encoding="utf-8")
    assert LabelConfig.parse(text).control("c", Choices).label_values == ("Ünïcode",)


@pytest.mark.parametrize("source", ["str", "bytes"])
def test_encoding_declaration_is_refused(source: str) -> None:
    # Label Studio 1.23.2 answers HTTP 500 to such a config (integration/configs.py).
    xml = '<?xml version="1.0" encoding="UTF-8"?>\n<View><Text name="t" value="$t"/></View>'
    with pytest.raises(ConfigError) as exc:
        LabelConfig.parse(xml if source == "str" else xml.encode())
    assert str(exc.value) == (
        "remove the <?xml ... encoding=...?> declaration: Label Studio's server fails "
        "(HTTP 500) on a labeling config that starts with one (line 1)"
    )


# --- config mistakes, each with its exact message --------------------------------------------

MISTAKES = [
    pytest.param(
        '<View><Image name="img" value="$i"/>\n<Text name="img" value="$t"/></View>',
        'duplicate name "img" (first used on line 1); Label Studio\'s server requires every '
        'name= in the config to be unique, on any tag (<Text name="img">, line 2)',
        id="duplicate-object-name",
    ),
    pytest.param(
        '<View><Image name="img" value="$i"/>\n'
        '<Choices name="c" toName="img"><Choice value="A"/></Choices>\n'
        '<Choices name="c" toName="img"><Choice value="B"/></Choices></View>',
        'duplicate name "c" (first used on line 2); Label Studio\'s server requires every '
        'name= in the config to be unique, on any tag (<Choices name="c">, line 3)',
        id="duplicate-control-name",
    ),
    pytest.param(
        '<View><Text name="t" value="$t"/>\n<Labels name="l" toName="t">'
        '<Label value="A" name="t"/></Labels></View>',
        'duplicate name "t" (first used on line 1); Label Studio\'s server requires every '
        'name= in the config to be unique, on any tag (<Label name="t">, line 2)',
        id="duplicate-name-on-a-label",
    ),
    pytest.param(
        '<View><Text name="t" value="$t"/>\n<Choices NAME="c" toName="t"><Choice value="A"/>'
        "</Choices></View>",
        "attribute NAME= must be spelled name= (Label Studio's server reads it only in that "
        "case) (<Choices>, line 2)",
        id="name-attribute-case",
    ),
    pytest.param(
        '<View><Text name="a" value="$a"/><Text name="b" value="$b"/>\n'
        '<Choices name="c" toName="a, b"><Choice value="A"/></Choices></View>',
        'toName="a, b" has spaces around "b"; write toName="a,b" (Label Studio\'s server does '
        'not strip them, so it finds no tag of that name) (<Choices name="c">, line 2)',
        id="toname-spaces",
    ),
    pytest.param(
        '<View><Text name="t" value="$t"/>\n'
        '<Choices name="c" toName="t,"><Choice value="A"/></Choices></View>',
        'toName="t," has an empty name (a stray comma); list object names separated by commas '
        '(<Choices name="c">, line 2)',
        id="toname-trailing-comma",
    ),
    pytest.param(
        '<View>\n<Video name="v" value="$v" defaultPlaybackSpeed="0.5" minPlaybackSpeed="2"/>'
        "</View>",
        'minPlaybackSpeed="2" is above defaultPlaybackSpeed="0.5" (<Video name="v">, line 2)',
        id="video-speeds-order",
    ),
    pytest.param(
        '<View>\n<Video name="v" value="$v" minPlaybackSpeed="0"/></View>',
        'minPlaybackSpeed="0" must be a number from 0.05 to 10 (<Video name="v">, line 2)',
        id="video-speed-range",
    ),
    pytest.param(
        '<View><Image name="image" value="$i"/>\n'
        '<RectangleLabels name="b" toName="imge"><Label value="A"/></RectangleLabels></View>',
        "toName=\"imge\" names no object tag; did you mean 'image'? (object tags: image) "
        '(<RectangleLabels name="b">, line 2)',
        id="toname-unknown",
    ),
    pytest.param(
        '<View><Text name="text" value="$t"/>\n<Labels name="ner" toName="text"/></View>',
        '<Labels name="ner"> has no <Label> children and no value="$key" for labels from task '
        'data; add at least one <Label value="..."/> (<Labels name="ner">, line 2)',
        id="labels-without-labels",
    ),
    pytest.param(
        '<View><Text name="text" value="$t"/>\n<Choices name="c" toName="text"></Choices></View>',
        '<Choices name="c"> has no <Choice> children and no value="$key" for labels from task '
        'data; add at least one <Choice value="..."/> (<Choices name="c">, line 2)',
        id="choices-without-choices",
    ),
    pytest.param(
        '<View><Text name="text" value="$t"/>\n<Choices toName="text"><Choice value="A"/>'
        "</Choices></View>",
        '<Choices> has no name; add name="..." (results use it as from_name) (<Choices>, line 2)',
        id="control-without-name",
    ),
    pytest.param(
        '<View><Text name="text" value="$t"/>\n<TextArea name="t2"/></View>',
        '<TextArea name="t2"> has no toName; add toName="..." naming the object tag it '
        'annotates (<TextArea name="t2">, line 2)',
        id="control-without-toname",
    ),
    pytest.param(
        '<View>\n<Image value="$image"/></View>',
        '<Image> has no name; add name="..." so controls can point at it (<Image>, line 2)',
        id="object-without-name",
    ),
    pytest.param(
        '<View>\n<Image name="img"/></View>',
        '<Image name="img"> has no value; add value="$key" naming the task data field it shows '
        '(<Image name="img">, line 2)',
        id="object-without-value",
    ),
    pytest.param(
        '<View><Text name="t" value="$t"/>\n'
        '<Choices name="c" toName="t"><Choice/></Choices></View>',
        '<Choice> in <Choices> has no value; add value="..." (<Choice name="c">, line 2)',
        id="choice-without-value",
    ),
]


# --- mistakes Label Studio's server accepts: a warning, and only that control is unusable ----

SERVER_ACCEPTED = [
    pytest.param(
        '<View><Text name="text" value="$t"/>\n'
        '<RectangleLabels name="b" toName="text"><Label value="A"/></RectangleLabels></View>',
        "b",
        '<RectangleLabels> cannot annotate <Text name="text">; it works on Image',
        id="wrong-target-kind",
    ),
    pytest.param(
        '<View><Text name="text" value="$t"/>\n<Labels name="ner" toName="text">\n'
        '<Label value="PER" alias="p"/>\n<Label value="PER" alias="q"/></Labels></View>',
        "ner",
        "Label value \"PER\" appears twice in <Labels> with different aliases ('p' on line 3, "
        "'q'); give each its own value",
        id="duplicate-label-conflicting-alias",
    ),
    pytest.param(
        '<View><Text name="t" value="$t"/>\n<Rating name="r" toName="t" maxRating="zero"/></View>',
        "r",
        'maxRating="zero" must be an integer >= 1',
        id="bad-max-rating",
    ),
    pytest.param(
        '<View><Text name="t" value="$t"/>\n<Number name="n" toName="t" min="5" max="1"/></View>',
        "n",
        'min="5" is greater than max="1"',
        id="number-min-over-max",
    ),
    pytest.param(
        '<View><Text name="t" value="$t"/>\n'
        '<Choices name="c" toName="t" choice="many"><Choice value="A"/></Choices></View>',
        "c",
        'choice="many" is not one of single, single-radio, multiple',
        id="bad-choice-mode",
    ),
    pytest.param(
        '<View><Text name="a" value="$a"/>\n<Pairwise name="pw" toName="a"/></View>',
        "pw",
        '<Pairwise> compares exactly two objects; toName="a" names 1',
        id="pairwise-one-target",
    ),
    pytest.param(
        '<View><Text name="t" value="$t"/>\n'
        '<Choices name="c" toName="t" whenTagName="topc"><Choice value="A"/></Choices>\n'
        '<Choices name="topic" toName="t"><Choice value="B"/></Choices></View>',
        "c",
        'whenTagName="topc" names no control, so the condition on its results cannot be '
        "checked; did you mean 'topic'?",
        id="condition-parent-unknown",
    ),
    pytest.param(
        '<View><Video name="v" value="$v" frameRate="fast"/>\n'
        '<VideoRectangle name="box" toName="v"/></View>',
        "box",
        'toName="v" names a tag that cannot be used: frameRate="fast" is not a positive number '
        "of frames per second",
        id="bad-frame-rate",
    ),
    pytest.param(
        '<View><Text name="t" value="$t"/>\n<Rating name="r"/></View>',
        "r",
        '<Rating name="r"> has no toName: Label Studio\'s server refuses every result for it '
        '(its from_name is "not found in configuration") and the 1.23.2 editor cannot record one',
        id="rating-without-toname",
    ),
    pytest.param(
        '<View><Text name="t" value="$t"/><Header name="h" value="x"/>\n'
        '<Choices name="c" toName="h"><Choice value="A"/></Choices></View>',
        "c",
        'toName="h" names a <Header>, not an object tag showing task data, so a result has '
        "nothing to point at",
        id="toname-names-a-header",
    ),
]


@pytest.mark.parametrize(("xml", "name", "problem"), SERVER_ACCEPTED)
def test_mistakes_the_server_accepts_parse_and_only_their_control_refuses(
    xml: str, name: str, problem: str
) -> None:
    config = LabelConfig.parse(xml)
    assert problem in [
        w.message.split("; Label Studio's server accepts")[0] for w in config.warnings
    ]
    assert config.controls[name].problem == problem
    with pytest.raises(ConfigError) as exc:
        config.control(name)
    assert exc.value.message == f"results for this control cannot be built: {problem}"
    assert exc.value.line == 2


def test_a_control_the_server_accepts_broken_leaves_the_others_usable() -> None:
    config = LabelConfig.parse(
        '<View><Text name="t" value="$t"/><Rating name="r"/>'
        '<Choices name="c" toName="t"><Choice value="A"/></Choices></View>'
    )
    result = config.control("c", Choices).choose("A", id="c1")
    task = {"data": {"t": "x"}, "predictions": [{"model_version": "v", "result": [
        result, {"id": "r1", "from_name": "r", "to_name": "t", "type": "rating",
                 "value": {"rating": 3}}]}]}  # fmt: skip
    [record] = check([task], config)
    assert (record.code, record.severity, record.path) == (
        "result.control_unusable",
        "error",
        "$[0].predictions[0].result[1].from_name",
    )
    assert "has no toName" in record.message


@pytest.mark.parametrize(("xml", "message"), MISTAKES)
def test_config_mistakes_have_exact_messages(xml: str, message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        LabelConfig.parse(xml)
    assert str(exc.value) == message
    assert exc.value.line is not None


def test_config_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not well-formed XML"):
        LabelConfig.parse("<View><Image></View>")
