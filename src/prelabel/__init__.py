"""prelabel: Label Studio pre-annotations that import cleanly, the first time.

Read the project's labeling config once, build results from model output through typed
control handles, validate every task before Label Studio sees it, and write task files.

>>> import prelabel
>>> config = prelabel.LabelConfig.parse(
...     '<View><Image name="image" value="$image"/>'
...     '<Choices name="choice" toName="image"><Choice value="Boeing"/></Choices></View>'
... )
>>> config.control("choice").tag
'Choices'
"""

from . import units
from .batch import PredictionBatch
from .builders.image import KEYPOINT_WIDTH_PCT, mask_to_data_url
from .builders.relations import relation
from .builders.text import html_text
from .conditions import check_conditions, enforce_conditions
from .config import ConfigWarning, LabelConfig, UnknownTag
from .errors import (
    BuildError,
    ConfigError,
    ErrorRecord,
    KindError,
    LabelError,
    PrelabelError,
    RLEError,
    ShardError,
    TaskFileError,
    UnknownNameError,
    ValidationError,
)
from .ids import new_id, reproducible_ids, use_id_factory
from .io import read_tasks, write_tasks
from .labelmap import LabelMap
from .media import data_url, image_size, local_files_url
from .offsets import (
    OffsetMap,
    codepoints_to_utf8,
    codepoints_to_utf16,
    convert_offsets,
    utf8_to_codepoints,
    utf16_to_codepoints,
)
from .results import Region, RelationResult, Result
from .rle import RLEHeader, RLEStats
from .tags.base import ControlTag, LabelDef, ObjectTag
from .tags.controls import (
    Bitmask,
    BitmaskLabels,
    Brush,
    BrushLabels,
    Choices,
    DateTime,
    Ellipse,
    EllipseLabels,
    HyperTextLabels,
    KeyPoint,
    KeyPointLabels,
    LabelingControl,
    Labels,
    MagicWand,
    Number,
    Pairwise,
    ParagraphLabels,
    Polygon,
    PolygonLabels,
    Ranker,
    Rating,
    Rectangle,
    RectangleLabels,
    Relations,
    Taxonomy,
    TextArea,
    TimelineLabels,
    TimeSeriesLabels,
    Vector,
    VectorLabels,
    VideoRectangle,
)
from .tasks import Prediction, Task
from .validate import ValidationStats, Validator, check, validate

__version__ = "0.1.0"

__all__ = [
    "KEYPOINT_WIDTH_PCT",
    "Bitmask",
    "BitmaskLabels",
    "Brush",
    "BrushLabels",
    "BuildError",
    "Choices",
    "ConfigError",
    "ConfigWarning",
    "ControlTag",
    "DateTime",
    "Ellipse",
    "EllipseLabels",
    "ErrorRecord",
    "HyperTextLabels",
    "KeyPoint",
    "KeyPointLabels",
    "KindError",
    "LabelConfig",
    "LabelDef",
    "LabelError",
    "LabelMap",
    "LabelingControl",
    "Labels",
    "MagicWand",
    "Number",
    "ObjectTag",
    "OffsetMap",
    "Pairwise",
    "ParagraphLabels",
    "Polygon",
    "PolygonLabels",
    "Prediction",
    "PredictionBatch",
    "PrelabelError",
    "RLEError",
    "RLEHeader",
    "RLEStats",
    "Ranker",
    "Rating",
    "Rectangle",
    "RectangleLabels",
    "Region",
    "RelationResult",
    "Relations",
    "Result",
    "ShardError",
    "Task",
    "TaskFileError",
    "Taxonomy",
    "TextArea",
    "TimeSeriesLabels",
    "TimelineLabels",
    "UnknownNameError",
    "UnknownTag",
    "ValidationError",
    "ValidationStats",
    "Validator",
    "Vector",
    "VectorLabels",
    "VideoRectangle",
    "__version__",
    "check",
    "check_conditions",
    "codepoints_to_utf8",
    "codepoints_to_utf16",
    "convert_offsets",
    "data_url",
    "enforce_conditions",
    "html_text",
    "image_size",
    "local_files_url",
    "mask_to_data_url",
    "new_id",
    "read_tasks",
    "relation",
    "reproducible_ids",
    "units",
    "use_id_factory",
    "utf8_to_codepoints",
    "utf16_to_codepoints",
    "validate",
    "write_tasks",
]
