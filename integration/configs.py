"""Labeling configs for the config-agreement check, and the disagreements found so far.

``INVALID``: configs with a mistake in them. prelabel refuses those the server refuses; the
others parse with a ``ConfigWarning`` naming the mistake (the user cannot change a project the
server accepted, so prelabel must not refuse the whole config).
``VALID``: unusual but legal configs (both should accept them).
``DISAGREEMENTS``: case id -> why prelabel's verdict differs from Label Studio 1.23.2's. Each is
a finding recorded in docs/integration.md and decided by the maintainers; the test marks it
xfail and fails as soon as the two verdicts agree again.
"""

from __future__ import annotations

_T = '<Text name="t" value="$t"/>'
_C = '<Choices name="c" toName="t"><Choice value="A"/></Choices>'

INVALID: dict[str, str] = {
    # --- XML ----------------------------------------------------------------------------------
    "empty": "",
    "not-xml": "hello",
    "malformed-mismatched-tag": '<View><Image name="img" value="$i"></View>',
    "two-root-elements": f"<View>{_T}</View><View/>",
    "unclosed-html-in-view": f"<View><div>{_T}<p>hi<br></p></div></View>",
    "doctype-entity": f'<!DOCTYPE View [<!ENTITY a "x">]><View>{_T}'
    '<Choices name="c" toName="t"><Choice value="&a;"/></Choices></View>',
    "xml-declaration-with-encoding": f'<?xml version="1.0" encoding="UTF-8"?><View>{_T}{_C}</View>',
    # --- names ----------------------------------------------------------------------------------
    "duplicate-object-name": '<View><Image name="img" value="$i"/>'
    '<Text name="img" value="$t"/></View>',
    "duplicate-control-name": '<View><Image name="img" value="$i"/>'
    '<Choices name="c" toName="img"><Choice value="A"/></Choices>'
    '<Choices name="c" toName="img"><Choice value="B"/></Choices></View>',
    "duplicate-name-on-view": f'<View name="t">{_T}{_C}</View>',
    "duplicate-name-on-header": f'<View><Header name="t" value="x"/>{_T}{_C}</View>',
    "duplicate-name-on-label": f'<View>{_T}<Labels name="l" toName="t">'
    '<Label value="A" name="l"/></Labels></View>',
    "duplicate-bucket-name": '<View><List name="l" value="$items" title="x"/>'
    '<Ranker name="r" toName="l"><Bucket name="b" title="B"/><Bucket name="b" title="C"/>'
    "</Ranker></View>",
    "bucket-named-like-control": '<View><List name="l" value="$items" title="x"/>'
    '<Ranker name="r" toName="l"><Bucket name="r" title="B"/></Ranker></View>',
    "duplicate-name-on-style": f'<View>{_T}<Style name="t">.a{{}}</Style></View>',
    "duplicate-name-on-html-div": f'<View>{_T}<div name="t">x</div></View>',
    "control-without-name": f'<View>{_T}<Choices toName="t"><Choice value="A"/></Choices></View>',
    "textarea-without-name": f'<View>{_T}<TextArea toName="t"/></View>',
    "object-without-name": '<View><Image value="$image"/></View>',
    "object-without-value": '<View><Image name="img"/></View>',
    "name-attribute-upper-case": f'<View><Text NAME="t" value="$t"/>{_C}</View>',
    "value-attribute-upper-case": '<View><Text name="t" VALUE="$t"/></View>',
    "name-attribute-upper-case-duplicate": f'<View>{_T}<Choices NAME="t" toName="t">'
    '<Choice value="A"/></Choices></View>',
    # --- toName ---------------------------------------------------------------------------------
    "toname-unknown": '<View><Image name="image" value="$i"/>'
    '<RectangleLabels name="b" toName="imge"><Label value="A"/></RectangleLabels></View>',
    "toname-empty": f'<View>{_T}<Choices name="c" toName=""><Choice value="A"/></Choices></View>',
    "toname-missing": f'<View>{_T}<TextArea name="t2"/></View>',
    "toname-missing-number": f'<View>{_T}<Number name="n"/></View>',
    "toname-missing-rating": f'<View>{_T}<Rating name="r"/></View>',
    "toname-space-after-comma": '<View><Text name="a" value="$a"/><Text name="b" value="$b"/>'
    '<Choices name="c" toName="a, b"><Choice value="A"/></Choices></View>',
    "toname-leading-space": f'<View>{_T}<Choices name="c" toName=" t"><Choice value="A"/>'
    "</Choices></View>",
    "toname-trailing-comma": f'<View>{_T}<Choices name="c" toName="t,"><Choice value="A"/>'
    "</Choices></View>",
    "toname-attribute-lower-case": f'<View>{_T}<Choices name="c" toname="t"><Choice value="A"/>'
    "</Choices></View>",
    "toname-lower-case-unknown": f'<View>{_T}<Choices name="c" toname="zz"><Choice value="A"/>'
    "</Choices></View>",
    "toname-names-a-control": f'<View>{_T}{_C}<Choices name="d" toName="c"><Choice value="A"/>'
    "</Choices></View>",
    "toname-names-itself": f'<View>{_T}<Choices name="c" toName="c"><Choice value="A"/>'
    "</Choices></View>",
    "toname-names-a-header": '<View><Header name="h" value="x"/>'
    '<Choices name="c" toName="h"><Choice value="A"/></Choices></View>',
    "control-without-object": '<View><Choices name="c" toName="t"><Choice value="A"/></Choices>'
    "</View>",
    "name-with-trailing-space": '<View><Text name="t " value="$t"/>'
    '<Choices name="c" toName="t "><Choice value="A"/></Choices></View>',
    # --- children -------------------------------------------------------------------------------
    "labels-without-label": f'<View>{_T}<Labels name="ner" toName="t"/></View>',
    "labels-lower-case-without-label": f'<View>{_T}<labels name="l" toName="t"/></View>',
    "choices-without-choice": f'<View>{_T}<Choices name="c" toName="t"></Choices></View>',
    "choices-lower-case-without-choice": f'<View>{_T}<choices name="l" toName="t"/></View>',
    "taxonomy-without-choice": f'<View>{_T}<Taxonomy name="tx" toName="t"/></View>',
    "label-without-value": f'<View>{_T}<Labels name="l" toName="t"><Label/></Labels></View>',
    "choice-without-value": f'<View>{_T}<Choices name="c" toName="t"><Choice/></Choices></View>',
    "relation-without-value": f"<View>{_T}<Relations><Relation/></Relations>"
    '<Labels name="l" toName="t"><Label value="A"/></Labels></View>',
    "duplicate-label-different-alias": f'<View>{_T}<Labels name="ner" toName="t">'
    '<Label value="PER" alias="p"/><Label value="PER" alias="q"/></Labels></View>',
    "image-lower-case-without-value": '<View><image name="i"/></View>',
    # --- attributes -----------------------------------------------------------------------------
    "rating-max-not-a-number": f'<View>{_T}<Rating name="r" toName="t" maxRating="zero"/></View>',
    "rating-max-negative": f'<View>{_T}<Rating name="r" toName="t" maxRating="-3"/></View>',
    "rating-max-fraction": f'<View>{_T}<Rating name="r" toName="t" maxRating="2.5"/></View>',
    "number-min-over-max": f'<View>{_T}<Number name="n" toName="t" min="5" max="1"/></View>',
    "choice-mode-unknown": f'<View>{_T}<Choices name="c" toName="t" choice="many">'
    '<Choice value="A"/></Choices></View>',
    "pairwise-one-target": '<View><Text name="a" value="$a"/><Pairwise name="pw" toName="a"/>'
    "</View>",
    "condition-names-unknown-control": f'<View>{_T}<Choices name="c" toName="t" '
    'whenTagName="topc"><Choice value="A"/></Choices>'
    '<Choices name="topic" toName="t"><Choice value="B"/></Choices></View>',
    "video-frame-rate-not-a-number": '<View><Video name="v" value="$v" frameRate="fast"/></View>',
    "video-speed-not-a-number": '<View><Video name="v" value="$v" defaultPlaybackSpeed="fast"/>'
    '<Labels name="l" toName="v"><Label value="A"/></Labels></View>',
    "video-min-speed-over-default": '<View><Video name="v" value="$v" '
    'defaultPlaybackSpeed="0.5" minPlaybackSpeed="2"/></View>',
    "video-min-speed-zero": '<View><Video name="v" value="$v" minPlaybackSpeed="0"/></View>',
    # --- control on the wrong kind of object ---------------------------------------------------
    "rectanglelabels-on-text": f'<View>{_T}<RectangleLabels name="b" toName="t">'
    '<Label value="A"/></RectangleLabels></View>',
    "videorectangle-on-image": '<View><Image name="i" value="$i"/>'
    '<VideoRectangle name="v" toName="i"/></View>',
    "paragraphlabels-on-text": f'<View>{_T}<ParagraphLabels name="p" toName="t">'
    '<Label value="A"/></ParagraphLabels></View>',
}

VALID: dict[str, str] = {
    "root-not-view": '<Image name="img" value="$i"/>',
    "view-only": "<View></View>",
    "no-object-tags": '<View><Header value="hi"/></View>',
    "xml-declaration": f'<?xml version="1.0"?><View>{_T}{_C}</View>',
    "byte-order-mark": f"\ufeff<View>{_T}{_C}</View>",
    "leading-whitespace": f"  \n<View>{_T}{_C}</View>",
    "comments": f'<!-- hi --><View>{_T}<!-- <Choices name="x" toName="zz"/> -->{_C}</View>',
    "cdata-in-style": f"<View>{_T}<Style><![CDATA[ .a{{}} ]]></Style>{_C}</View>",
    "single-quoted-attributes": "<View><Text name='t' value='$t'/><Choices name='c' "
    "toName='t'><Choice value='A'/></Choices></View>",
    "lower-case-tags": '<view><text name="t" value="$t"/><choices name="c" toName="t">'
    '<choice value="A"/></choices></view>',
    "names-differ-only-in-case": '<View><Text name="T" value="$a"/><Text name="t" value="$b"/>'
    f"{_C}</View>",
    "two-targets": '<View><Text name="a" value="$a"/><Text name="b" value="$b"/>'
    '<Choices name="c" toName="a,b"><Choice value="A"/></Choices></View>',
    "duplicate-label-same-value": f'<View>{_T}<Labels name="ner" toName="t">'
    '<Label value="PER"/><Label value="PER"/></Labels></View>',
    "duplicate-taxonomy-choice": f'<View>{_T}<Taxonomy name="x" toName="t"><Choice value="A"/>'
    '<Choice value="A"/></Taxonomy></View>',
    "nested-choice": f'<View>{_T}<Choices name="c" toName="t"><Choice value="A">'
    '<Choice value="B"/></Choice></Choices></View>',
    "choices-grouped-in-view": f'<View>{_T}<Choices name="c" toName="t"><View>'
    '<Choice value="A"/></View></Choices></View>',
    "dynamic-choices": f'<View>{_T}<Choices name="c" toName="t" value="$opts"/></View>',
    "dynamic-labels": f'<View>{_T}<Labels name="c" toName="t" value="$opts"/></View>',
    "unknown-tag": f'<View>{_T}<Foo name="x" toName="t"/></View>',
    "object-value-without-dollar": '<View><Image name="img" value="image"/>'
    '<Choices name="c" toName="img"><Choice value="A"/></Choices></View>',
    "object-value-empty": '<View><Text name="t" value=""/></View>',
    "image-value-list-empty": '<View><Image name="i" valueList=""/></View>',
    "image-value-list": '<View><Image name="i" valueList="$imgs"/>'
    '<RectangleLabels name="r" toName="i"><Label value="A"/></RectangleLabels></View>',
    "namespaced-tag": f'<View xmlns:x="http://x">{_T}<x:Choices name="c" toName="t">'
    '<Choice value="A"/></x:Choices></View>',
    "escaped-ampersand": f'<View>{_T}<Choices name="c" toName="t"><Choice value="A &amp; B"/>'
    "</Choices></View>",
    "quote-in-name": '<View><Text name="a&quot;b" value="$t"/></View>',
    "name-with-space": '<View><Text name="my text" value="$t"/>'
    '<Choices name="c" toName="my text"><Choice value="A"/></Choices></View>',
    "empty-name": '<View><Text name="" value="$t"/></View>',
    "repeater": '<View><Repeater on="$items" indexFlag="{{idx}}">'
    '<Image name="img_{{idx}}" value="$items[{{idx}}].url"/>'
    '<Choices name="c_{{idx}}" toName="img_{{idx}}"><Choice value="A"/></Choices>'
    "</Repeater></View>",
    "textarea-on-image": '<View><Image name="i" value="$i"/><TextArea name="v" toName="i"/></View>',
    "timeseries-without-channel": '<View><TimeSeries name="ts" value="$ts"/>'
    '<TimeSeriesLabels name="l" toName="ts"><Label value="A"/></TimeSeriesLabels></View>',
    "channel-without-column": '<View><TimeSeries name="ts" value="$ts" valueType="json">'
    "<Channel/></TimeSeries></View>",
    "relations-without-labels": f'<View>{_T}<Relations><Relation value="r"/></Relations>'
    '<Labels name="l" toName="t"><Label value="A"/></Labels></View>',
    "hypertextlabels-on-text": f'<View>{_T}<HyperTextLabels name="c" toName="t">'
    '<Label value="A"/></HyperTextLabels></View>',
    "header-without-value": f"<View><Header/>{_T}</View>",
    "object-value-a-number": '<View><Text name="t" value="5"/></View>',
}

# Why prelabel's verdict differs from the server's. "looser": the server refuses a config that
# prelabel parses (the project cannot even be created; prelabel should refuse it too). Never
# "stricter": a config the server accepts parses, with a ConfigWarning naming the mistake, and
# only the control concerned refuses to build or validate results (issue 17).
DISAGREEMENTS: dict[str, str] = {}
