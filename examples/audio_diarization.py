"""Audio pre-annotations: speaker turns, transcribed segments and sound events.

Three model outputs, as the models hand them over:

* a diarization model's turns (``start``/``end`` seconds, ``SPEAKER_00``...) -> one labeled
  segment per turn on the speaker-segmentation template;
* the same turns with a speech recognizer's text -> a "Speech" segment plus its transcription
  (a ``perRegion`` TextArea sharing the segment's id), on the ASR-with-segments template;
* a sound-event detector's events in sample indices, per stereo channel -> segments on an
  ``<Audio splitchannels="true">``, class names mapped through ``predicted_values``.

No audio is needed to build the predictions; the task URLs are placeholders.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

import prelabel
from prelabel import LabelConfig, Labels, Prediction, Task, TextArea
from prelabel.labelmap import LabelMap

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

DATA = Path(__file__).parent / "data" / "av"

SPEAKERS = """<View>
  <Labels name="label" toName="audio" zoom="true" hotkey="ctrl+enter">
    <Label value="Speaker one" background="#00FF00"/>
    <Label value="Speaker two" background="#12ad59"/>
  </Labels>
  <Audio name="audio" value="$audio"/>
</View>"""

ASR_SEGMENTS = """<View>
  <Labels name="labels" toName="audio">
    <Label value="Speech"/>
    <Label value="Noise"/>
  </Labels>
  <Audio name="audio" value="$audio"/>
  <TextArea name="transcription" toName="audio"
            rows="2" editable="true"
            perRegion="true" required="true"/>
</View>"""

SOUND_EVENTS = """<View>
  <Labels name="event" toName="audio">
    <Label value="Dog" predicted_values="dog_bark"/>
    <Label value="Siren" predicted_values="siren"/>
    <Label value="Car horn" predicted_values="car_horn"/>
  </Labels>
  <Audio name="audio" value="$audio" splitchannels="true"/>
</View>"""


def diarization_tasks(files: list[dict[str, Any]]) -> list[Task]:
    """One segment per speaker turn; model speaker ids mapped to the config's labels."""
    speaker = LabelConfig.parse(SPEAKERS).control("label", Labels)
    names = LabelMap(speaker, mapping={"SPEAKER_00": "Speaker one", "SPEAKER_01": "Speaker two"})
    tasks = []
    for item in files:
        turns = item["turns"]
        regions = speaker.segments(
            [t["start"] for t in turns],
            [t["end"] for t in turns],
            labels=names.map(t["speaker"] for t in turns),
            original_length_s=item["duration_s"],
        )
        prediction = Prediction(regions, model_version="diarization-synthetic")
        tasks.append(Task({"audio": item["audio"]}, predictions=[prediction]))
    return tasks


def asr_tasks(files: list[dict[str, Any]]) -> list[Task]:
    """A "Speech" segment per turn, with its text in the per-region TextArea."""
    config = LabelConfig.parse(ASR_SEGMENTS)
    labels = config.control("labels", Labels)
    transcription = config.control("transcription", TextArea)
    tasks = []
    for item in files:
        regions = []
        for turn in item["turns"]:
            segment = labels.segment(
                turn["start"], turn["end"], label="Speech", original_length_s=item["duration_s"]
            )
            transcription.for_region(segment, turn["text"])
            regions.append(segment)
        prediction = Prediction(regions, model_version="asr-synthetic")
        tasks.append(Task({"audio": item["audio"]}, predictions=[prediction]))
    return tasks


def sound_event_task(found: dict[str, Any]) -> Task:
    """Events in sample indices on two channels; class names resolved by predicted_values."""
    event = LabelConfig.parse(SOUND_EVENTS).control("event", Labels)
    events = found["events"]
    regions = event.segments_from_samples(
        np.array([e["start_sample"] for e in events]),
        np.array([e["end_sample"] for e in events]),
        sample_rate_hz=found["sample_rate_hz"],
        labels=LabelMap(event).map(e["label"] for e in events),
        channels=np.array([e["channel"] for e in events]),
        scores=np.array([e["score"] for e in events]),
        original_length_s=found["duration_s"],
    )
    return Task(
        {"audio": found["audio"]},
        predictions=[Prediction(regions, model_version="sound-events-synthetic")],
    )


def main(out_dir: Path) -> list[dict[str, str]]:
    turns = json.loads((DATA / "diarization.json").read_text(encoding="utf-8"))["files"]
    events = json.loads((DATA / "sound_events.json").read_text(encoding="utf-8"))
    with prelabel.reproducible_ids(seed=6):
        diarized = diarization_tasks(turns)
        transcribed = asr_tasks(turns)
        detected = [sound_event_task(events)]
    return [
        write_example(out_dir, "audio_diarization", SPEAKERS, [t.to_dict() for t in diarized]),
        write_example(
            out_dir, "audio_asr_segments", ASR_SEGMENTS, [t.to_dict() for t in transcribed]
        ),
        write_example(out_dir, "audio_sound_events", SOUND_EVENTS, [t.to_dict() for t in detected]),
    ]


if __name__ == "__main__":
    for entry in main(Path("build/demo")):
        print(entry)
