"""Audio segments: ``<Labels>`` on ``<Audio>``, in seconds or in samples."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ... import timeunits
from ..._lazy import lazy_module
from ...errors import BuildError
from ...results import Region
from ...tags.base import ControlTag
from ...tags.objects import Audio
from .._classes import ClassNames
from .._common import finite
from .._labeled_region import ManyOptions, Options, labeled_region
from ..image._calls import _batch_ids
from ._shared import (
    LabelArg,
    float_vector,
    int_vector,
    integer,
    interval_s,
    labels_given,
    labels_of,
    target_of,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike
else:
    np = lazy_module("numpy")

__all__ = ["AudioSegmentBuilder"]


class _Labels(NamedTuple):
    """The ways to give N segments their labels (exactly one is set)."""

    label: LabelArg | None
    labels: LabelArg | Sequence[LabelArg] | None
    class_ids: ArrayLike | None
    class_names: ClassNames | None


def _audio_length(original_length_s: float | None) -> float | None:
    if original_length_s is None:
        return None
    length = finite(original_length_s, "original_length_s")
    if length <= 0:
        raise BuildError(f"original_length_s must be positive, got {length}")
    return length


def _channel(audio: Audio, channel: Any, where: str = "") -> int:
    number = integer(channel, f"{where}channel")
    if number < 0:
        raise BuildError(f"{where}channel must be >= 0, got {number}")
    if number and not audio.split_channels:
        raise BuildError(
            f'{where}channel={number} needs splitchannels="true" on <Audio name={audio.name!r}>; '
            "without it the editor shows every segment on channel 0"
        )
    return number


def _audio_segment(
    control: ControlTag,
    audio: Audio,
    start: float,
    end: float,
    channel: int,
    labels: list[str],
    length: float | None,
    options: Options,
    where: str = "",
) -> Region:
    if length is not None and end > length:
        raise BuildError(
            f"{where}end_s ({end}) is past the end of the audio (original_length_s={length})"
        )
    geometry = {"start": start, "end": end, "channel": channel}
    return labeled_region(
        control, audio.name, geometry, "labels", labels, options, original_length=length
    )


class AudioSegmentBuilder(ControlTag):
    """Builders of ``<Labels>`` on ``<Audio>``: segments in seconds or samples.

    A segment's value is ``{start, end, channel, labels}`` with times in seconds (reference
    §4.27). A per-segment transcription is a ``perRegion`` TextArea attached to the returned
    :class:`~prelabel.results.Region`.
    """

    def segment(
        self,
        start_s: float,
        end_s: float,
        *,
        label: LabelArg,
        channel: int = 0,
        original_length_s: float | None = None,
        to_name: str | None = None,
        id: str | None = None,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """One labeled audio segment from ``start_s`` to ``end_s`` seconds.

        Args:
            start_s: segment start in seconds from the beginning of the file (>= 0).
            end_s: segment end in seconds (after ``start_s``).
            label: the label (or labels, for ``choice="multiple"``); value or alias.
            channel: 0-based channel; other than 0 only with ``splitchannels="true"``.
            original_length_s: the audio's duration; when given, it is checked and written
                as ``original_length``.
            to_name: the ``<Audio>`` to build on when the control has several targets.
            id: region id (a fresh one when None).
            score: confidence in [0, 1].
            readonly: make the segment read-only in the editor.
            hidden: start it hidden.

        Raises:
            BuildError: the control is not on an ``<Audio>``, end not after start, a
                negative start, a channel without split channels, a segment past the end.
            LabelError: a label the control does not define.

        >>> from prelabel import LabelConfig
        >>> cfg = LabelConfig.parse('<View><Audio name="audio" value="$audio"/>'
        ...     '<Labels name="speaker" toName="audio"><Label value="A"/></Labels></View>')
        >>> cfg.control("speaker").segment(1.25, 3.8, label="A", id="s1").result
        ... # doctest: +NORMALIZE_WHITESPACE
        {'id': 's1', 'type': 'labels', 'from_name': 'speaker', 'to_name': 'audio',
         'value': {'start': 1.25, 'end': 3.8, 'channel': 0, 'labels': ['A']}}
        """
        options = Options(id, score, readonly, hidden)
        return self._audio_segment_at(
            start_s, end_s, label, channel, original_length_s, to_name, options
        )

    def segment_from_samples(
        self,
        start_sample: int,
        end_sample: int,
        *,
        sample_rate_hz: float,
        label: LabelArg,
        channel: int = 0,
        original_length_s: float | None = None,
        to_name: str | None = None,
        id: str | None = None,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """One labeled segment from sample indices: ``[start_sample, end_sample)`` at a rate.

        ``end_sample`` is exclusive (Python slice style), so the segment ends at
        ``end_sample / sample_rate_hz`` seconds.

        Raises:
            BuildError: non-integer samples, a rate that is not positive, and everything
                :meth:`segment` refuses.

        >>> from prelabel import LabelConfig
        >>> cfg = LabelConfig.parse('<View><Audio name="audio" value="$audio"/>'
        ...     '<Labels name="event" toName="audio"><Label value="Dog"/></Labels></View>')
        >>> seg = cfg.control("event").segment_from_samples(8000, 24000, sample_rate_hz=16000,
        ...                                                 label="Dog")
        >>> seg.geometry
        {'start': 0.5, 'end': 1.5, 'channel': 0}
        """
        first = integer(start_sample, "start_sample")
        last = integer(end_sample, "end_sample")
        if last <= first:
            raise BuildError(f"end_sample ({last}) must be after start_sample ({first})")
        start_s = timeunits.samples_to_seconds(first, sample_rate_hz)
        end_s = timeunits.samples_to_seconds(last, sample_rate_hz)
        options = Options(id, score, readonly, hidden)
        return self._audio_segment_at(
            start_s, end_s, label, channel, original_length_s, to_name, options
        )

    def _audio_segment_at(
        self,
        start_s: float,
        end_s: float,
        label: LabelArg,
        channel: int,
        original_length_s: float | None,
        to_name: str | None,
        options: Options,
    ) -> Region:
        audio = target_of(self, to_name, Audio, "segment")
        start, end = interval_s(start_s, end_s)
        channel = _channel(audio, channel)
        labels = labels_of(self, label)
        length = _audio_length(original_length_s)
        return _audio_segment(self, audio, start, end, channel, labels, length, options)

    def segments(
        self,
        starts_s: ArrayLike,
        ends_s: ArrayLike,
        *,
        labels: LabelArg | Sequence[LabelArg] | None = None,
        label: LabelArg | None = None,
        class_ids: ArrayLike | None = None,
        class_names: ClassNames | None = None,
        channels: ArrayLike | None = None,
        scores: ArrayLike | None = None,
        ids: Sequence[str] | None = None,
        original_length_s: float | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> list[Region]:
        """Many segments at once, e.g. a diarization or sound-event detector's output.

        Args:
            starts_s: shape (N,), segment starts in seconds.
            ends_s: shape (N,), segment ends in seconds.
            labels: N labels (each a string, or a list of strings for ``choice="multiple"``),
                or one string for every segment; or
            label: one label (or list of labels) for every segment; or
            class_ids: shape (N,) model class ids, with
            class_names: the model's class names, a list or a ``{class_id: name}`` dict.
            channels: shape (N,) channel numbers; all 0 when None.
            scores: shape (N,) confidences in [0, 1].
            ids: N region ids; fresh ones when None.
            original_length_s: the audio's duration (checked, written on every result).
            to_name: the ``<Audio>`` when the control has several targets.
            readonly: make the segments read-only in the editor.
            hidden: start them hidden.

        Returns:
            One region per segment, in input order.

        Raises:
            BuildError: as :meth:`segment`; messages name the segment's index.
        """
        return self._audio_segments_at(
            starts_s,
            ends_s,
            _Labels(label, labels, class_ids, class_names),
            channels,
            scores,
            original_length_s,
            to_name,
            ManyOptions(ids, readonly, hidden),
        )

    def _audio_segments_at(
        self,
        starts_s: ArrayLike,
        ends_s: ArrayLike,
        labels: _Labels,
        channels: ArrayLike | None,
        scores: ArrayLike | None,
        original_length_s: float | None,
        to_name: str | None,
        many: ManyOptions,
    ) -> list[Region]:
        audio = target_of(self, to_name, Audio, "segments")
        starts = float_vector(starts_s, "starts_s")
        n = starts.shape[0]
        ends = float_vector(ends_s, "ends_s", n)
        chans = np.zeros(n, np.int64) if channels is None else int_vector(channels, "channels", n)
        probs = None if scores is None else float_vector(scores, "scores", n)
        per_item = labels_given(
            self,
            n,
            "segment",
            label=labels.label,
            labels=labels.labels,
            class_ids=labels.class_ids,
            class_names=labels.class_names,
        )
        region_ids = None if many.ids is None else _batch_ids(many.ids, n, "segment")
        length = _audio_length(original_length_s)
        regions = []
        for i in range(n):
            where = f"segment {i}: "
            start, end = interval_s(starts[i], ends[i], where)
            regions.append(
                _audio_segment(
                    self,
                    audio,
                    start,
                    end,
                    _channel(audio, chans[i], where),
                    per_item[i],
                    length,
                    Options(
                        None if region_ids is None else region_ids[i],
                        None if probs is None else float(probs[i]),
                        many.readonly,
                        many.hidden,
                    ),
                    where,
                )
            )
        return regions

    def segments_from_samples(
        self,
        start_samples: ArrayLike,
        end_samples: ArrayLike,
        *,
        sample_rate_hz: float,
        labels: LabelArg | Sequence[LabelArg] | None = None,
        label: LabelArg | None = None,
        class_ids: ArrayLike | None = None,
        class_names: ClassNames | None = None,
        channels: ArrayLike | None = None,
        scores: ArrayLike | None = None,
        ids: Sequence[str] | None = None,
        original_length_s: float | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> list[Region]:
        """:meth:`segments` from sample indices (``end_samples`` exclusive) and a sample rate."""
        first = int_vector(start_samples, "start_samples")
        last = int_vector(end_samples, "end_samples", first.shape[0])
        rate = finite(sample_rate_hz, "sample_rate_hz")
        if rate <= 0:
            raise BuildError(f"sample_rate_hz must be positive, got {rate}")
        return self._audio_segments_at(
            first / rate,
            last / rate,
            _Labels(label, labels, class_ids, class_names),
            channels,
            scores,
            original_length_s,
            to_name,
            ManyOptions(ids, readonly, hidden),
        )
