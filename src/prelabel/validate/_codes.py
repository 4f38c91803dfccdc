"""The table of validation codes: each stable slug, its severity and a one-line summary.

Severity rule (docs/validation.md): ``error`` when Label Studio's server rejects the item, or
its editor drops, mis-draws or misreads it; ``warning`` when it is shown as sent but looks
like a mistake. Every code here has a section with an example and the fix in
``docs/validation.md`` (a test keeps the two in step).
"""

from __future__ import annotations

from typing import Final

from ..errors import Severity

__all__ = ["CODES", "ONCE_PER_VALIDATOR", "severity_of"]

ONCE_PER_VALIDATOR: Final = frozenset({"media.local_files", "media.cloud_storage"})
"""Codes a validator reports once per object tag (the record's ``control``), at the first task
that has them: they are about the server's setup, not one task. Several validators over the
parts of one run (``prelabel validate --jobs``) keep the first and drop the repeats."""

_E: Final = "error"
_W: Final = "warning"

CODES: Final[dict[str, tuple[Severity, str]]] = {
    # --- the task list and tasks ---------------------------------------------------------
    "tasks.not_list": (_E, "tasks must be a list of task objects"),
    "task.not_object": (_E, "a task must be a JSON object"),
    "task.data_missing": (_E, "the task has predictions or annotations but no 'data'"),
    "task.data_flat": (_W, "the task has no 'data' key; Label Studio reads the whole task as data"),
    "task.data_not_object": (_E, "task 'data' must be a JSON object"),
    "task.data_key_missing": (_E, "a $key that an object tag reads is missing from task data"),
    "task.data_type": (_E, "a task data value has a type its object tag does not accept"),
    "task.data_shape": (_W, "task data has the right type but not the shape the editor reads"),
    "task.key_unknown": (_W, "a task key Label Studio ignores"),
    "task.list_not_list": (_E, "task 'predictions' or 'annotations' must be a list"),
    "task.meta_type": (_E, "task 'meta' must be an object or a list"),
    # --- media the object tags load (validate/_media.py, docs/media.md) -------------------
    "media.local_path": (_E, "a file-system path as media; the browser cannot load it"),
    "media.file_url": (_E, "a file:// URL as media; a web page may not load it"),
    "media.empty": (_E, "an empty string as media"),
    "media.scheme_unknown": (_E, "a media URL whose scheme nothing loads"),
    "media.local_files_no_path": (_E, "a /data/local-files/ URL without ?d=<path>"),
    "media.audio_base64": (_E, "a base64 data: URI on <Audio>, which its loader breaks"),
    "media.data_uri_invalid": (_E, "a data: URI without the ',' before its data"),
    "media.data_uri_refused": (_E, 'a data: URI on a Text/HyperText with valueType="url"'),
    "media.data_uri_type": (_W, "a data: URI whose media type is not the tag's"),
    "media.data_uri_large": (_W, "a data: URI over 1 MB, stored in every task file"),
    "media.local_files": (_W, "/data/local-files/ media: needs serving on and a storage"),
    "media.cloud_storage": (_W, "s3://, gs:// or azure-blob:// media: needs a cloud storage"),
    "media.file_missing": (_E, "a /data/local-files/ image with no file under the given root"),
    "media.size_mismatch": (_W, "original_width/height differ from the image's own size"),
    # --- predictions and annotations -----------------------------------------------------
    "prediction.not_object": (_E, "a prediction or annotation must be a JSON object"),
    "prediction.result_missing": (_E, "a prediction or annotation has no 'result'"),
    "prediction.result_not_list": (_E, "'result' must be a list of result objects"),
    "prediction.score_type": (_E, "prediction 'score' is not a number"),
    "prediction.score_string": (_W, "prediction 'score' is a numeric string"),
    "prediction.score_range": (_E, "prediction 'score' is outside [0, 1]"),
    "prediction.model_version_type": (_E, "'model_version' is not a string"),
    "prediction.model_version_number": (_W, "'model_version' is a number, stored as a string"),
    "prediction.model_version_missing": (_W, "the prediction has no 'model_version'"),
    "prediction.key_unknown": (_W, "a prediction key Label Studio drops"),
    # --- result items ----------------------------------------------------------------------
    "result.not_object": (_E, "a result item must be a JSON object"),
    "result.key_missing": (_E, "a result lacks from_name, to_name, type or value"),
    "result.key_type": (_E, "a result-level key has the wrong JSON type"),
    "result.key_unknown": (_W, "a result-level key Label Studio does not read"),
    "result.from_name_unknown": (_E, "from_name names no control of the config"),
    "result.control_unusable": (_E, "the control has a config mistake the server accepts"),
    "result.to_name_unknown": (_E, "to_name names no object tag of the config"),
    "result.to_name_mismatch": (_E, "to_name is not one of the control's toName targets"),
    "result.type_mismatch": (_E, "type is not the control's result type"),
    "result.type_merged": (_W, "a <Labels> result typed as its geometry tool's labels"),
    "result.repeater_name": (_E, "a <Repeater>-expanded name, which the server checker rejects"),
    "result.id_type": (_W, "the region id is not a string"),
    "result.id_format": (_W, "the region id is empty or contains '#'"),
    "result.score_type": (_W, "result 'score' is not a number"),
    "result.score_range": (_W, "result 'score' is outside [0, 1]"),
    "result.origin_invalid": (_E, "'origin' is not prediction, prediction-changed or manual"),
    "result.image_size_missing": (_W, "an image result without original_width/original_height"),
    "result.image_size_invalid": (_W, "original_width/original_height is not a positive integer"),
    "result.image_size_inconsistent": (_W, "results on one image give different image sizes"),
    "result.item_index_missing": (_W, "a result on a multi-image object has no item_index"),
    "result.item_index_range": (_E, "item_index points past the object's list of items"),
    # --- values ------------------------------------------------------------------------------
    "value.not_object": (_E, "'value' must be a JSON object"),
    "value.key_missing": (_E, "a key the control's value needs is missing"),
    "value.type": (_E, "a value field has the wrong JSON type"),
    "value.not_json": (_E, "a value that is not a JSON type (numpy scalar, set, ...)"),
    "value.extra_key": (_W, "a classification value holds keys besides its own"),
    "number.not_finite": (_E, "a number is NaN or infinite"),
    # --- labels and choices ------------------------------------------------------------------
    "label.not_list": (_E, "labels/choices must be a list of strings"),
    "label.not_string": (_E, "a label/choice is not a string"),
    "label.unknown": (_E, "a label/choice the control does not define"),
    "label.empty": (_W, "an empty label/choice list"),
    "choice.too_many": (_E, "more values than the control's choice mode allows"),
    # --- image geometry ----------------------------------------------------------------------
    "geometry.out_of_range": (
        _E,
        "a coordinate outside 0-100 percent (or a bound the server sets)",
    ),
    "geometry.negative": (_E, "a negative width, height or radius"),
    "geometry.overflow": (_E, "the box runs past the image edge (x + width > 100)"),
    "geometry.partly_outside": (_W, "part of the shape lies outside the image"),
    "geometry.empty": (_W, "a shape of zero width or height"),
    "geometry.pixels_suspected": (_E, "coordinates look like pixels, not percent"),
    "geometry.fraction_suspected": (_W, "coordinates look like 0-1 fractions, not percent"),
    "polygon.too_few_points": (_E, "a polygon with fewer than 3 points"),
    "polygon.open": (_W, "a polygon with closed: false"),
    "keypoint.width_missing": (_E, "a keypoint without value.width"),
    "keypoint.height_present": (_E, "a keypoint with value.height (read as a rectangle)"),
    "vector.vertex_invalid": (_W, "a vector vertex that the editor cannot link or draw"),
    "video.frame_range": (_W, "a video frame number outside 1..framesCount"),
    "video.sequence_order": (_W, "video keyframes are not in frame order"),
    # --- masks -------------------------------------------------------------------------------
    "rle.invalid": (_E, "value.rle is not a Label Studio brush RLE that decodes"),
    "rle.size_mismatch": (_E, "the RLE holds another pixel count than the image size"),
    "rle.invisible": (_E, "the mask uses alpha 1 (a 0/1 mask), drawn invisible"),
    "rle.empty": (_W, "the mask has no painted pixel"),
    "rle.transposed": (_W, "the mask looks transposed (a content heuristic)"),
    "rle.format": (_W, "value.format is not 'rle'"),
    "bitmask.not_data_url": (_W, "imageDataURL is not a data:image/png;base64 URL"),
    "bitmask.size_mismatch": (_W, "the bitmask PNG has another size than the image"),
    # --- spans and time ranges -------------------------------------------------------------
    "span.out_of_range": (_E, "span offsets outside the task text"),
    "span.order": (_E, "a span or range whose start is not before its end"),
    "span.text_mismatch": (_E, "value.text is not the text between start and end"),
    "paragraph.index_type": (_W, "paragraph start/end given as numbers, not strings"),
    "hypertext.xpath": (_W, "HyperText start/end do not look like xpaths"),
    "hypertext.xpath_unknown": (_E, "a HyperText xpath that names no node, with no fallback"),
    "hypertext.xpath_fallback": (_W, "a HyperText xpath that names no node; globalOffsets used"),
    "hypertext.offset_out_of_range": (_E, "a HyperText offset past the end of its node"),
    "hypertext.global_offsets_mismatch": (_W, "globalOffsets disagree with the xpaths"),
    "hypertext.text_mismatch": (_E, "value.text is not the HyperText text the span covers"),
    "timeseries.instant": (_W, "instant: true on a range with start != end"),
    "timeseries.time_format": (_E, "a time string that does not parse with timeFormat"),
    # --- classifications ---------------------------------------------------------------------
    "number.range": (_E, "a number outside the control's min/max"),
    "rating.range": (_E, "a rating outside 0..maxRating"),
    "rating.zero": (_W, "rating 0, which the editor shows as no rating"),
    "datetime.format": (_E, "a datetime string not in the control's format"),
    "datetime.range": (_E, "a datetime before min or after max"),
    "taxonomy.path_unknown": (_E, "a taxonomy path that is not in the tree"),
    "taxonomy.not_leaf": (_W, "a taxonomy path that stops above a leaf (leafsOnly)"),
    "pairwise.selected": (_E, "pairwise 'selected' is not 'left' or 'right'"),
    "ranker.bucket_unknown": (_W, "a ranker key that is neither the ranker nor a bucket"),
    "ranker.item_unknown": (_W, "a ranked id that is not an item of the list"),
    "textarea.too_many": (_W, "more texts than maxSubmissions"),
    # --- links between results -------------------------------------------------------------
    "region.duplicate_id": (_E, "two regions share one id"),
    "region.mixed_objects": (_E, "results with one id are on different objects"),
    "per_region.orphan": (_E, "a per-region result shares no id with a region"),
    "per_region.before_region": (
        _E,
        "a per-region result comes before its region, without geometry",
    ),
    "per_region.geometry_mismatch": (_W, "geometry copied into a per-region result differs"),
    "per_region.not_per_region": (_W, "a global classification shares a region's id"),
    "relation.key_missing": (_E, "a relation lacks from_id, to_id or direction"),
    "relation.unknown_id": (_E, "a relation points at an id no region has"),
    "relation.direction": (_E, "relation direction is not right, left or bi"),
    "relation.label_unknown": (_E, "a relation label the <Relations> tag does not define"),
    "relation.self": (_W, "a relation from a region to itself"),
    "condition.unmet": (_E, "a conditional control's result whose condition is not met"),
}


def severity_of(code: str) -> Severity:
    """The severity a code is reported with (before strict mode)."""
    return CODES[code][0]
