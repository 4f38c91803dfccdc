"""Video pre-annotations: a tracker's boxes as VideoRectangle tracks, and frame ranges.

The tracker output (``data/av/tracks.csv``) is what trackers such as ByteTrack or BoT-SORT
produce on a frame loop: one row per box with the 0-based frame index, the track id, the box
in pixels, the detector's class and score. It is bundled as arrays, so no video is decoded.

* ``video_tracking``: one ``videorectangle`` result per track id, labeled through the
  ``<Labels>`` on the video (each track takes its most frequent class). A person occluded for
  a second closes the track (``enabled: false``) and reopens it; the dog leaving the frame is
  clipped, then hidden. Two predictions: every frame a keyframe (exact), and keyframes thinned
  to what interpolation reproduces within 0.5 % of the frame.
* ``video_timeline``: TimelineLabels frame ranges from a per-frame signal (frames where two or
  more objects move) and from seconds, plus a Choices classification of the whole video.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import prelabel
from prelabel import Choices, LabelConfig, Labels, Prediction, Task, TimelineLabels, VideoRectangle
from prelabel.labelmap import LabelMap

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

DATA = Path(__file__).parent / "data" / "av"
# A sample video Label Studio serves itself; the tracks are synthetic, not of this video.
VIDEO = "/static/samples/opossum_snow.mp4"
FRAME_WH = (1280, 720)
FPS = 25.0
FRAMES = 1050  # opossum_snow.mp4: 42 s at 25 fps (the editor overwrites a wrong length)

TRACKING = """<View>
   <Labels name="videoLabels" toName="video" allowEmpty="true">
     <Label value="Man" background="blue"/>
     <Label value="Woman" background="red"/>
     <Label value="Other" background="green"/>
   </Labels>
   <!-- Please specify FPS carefully, it will be used for all project videos -->
   <Video name="video" value="$video" framerate="25.0"/>
   <VideoRectangle name="box" toName="video"/>
</View>"""

TIMELINE = """<View>
  <TimelineLabels name="videoLabels" toName="video">
    <Label value="Movement" background="#c813ec"/>
    <Label value="Still" background="#1d81cd"/>
    <Label value="Slow Motion" background="#54d651"/>
  </TimelineLabels>
  <Video name="video" value="$video" framerate="25" timelineHeight="120"/>
  <Choices name="scene" toName="video">
    <Choice value="Outdoor"/>
    <Choice value="Indoor"/>
  </Choices>
</View>"""


def load_tracks() -> np.ndarray:
    """The tracker's rows as a structured array (frame_idx, track_id, x1..y2, class, score)."""
    return np.genfromtxt(
        DATA / "tracks.csv", delimiter=",", names=True, dtype=None, encoding="utf-8"
    )


def tracking_task(rows: np.ndarray) -> Task:
    config = LabelConfig.parse(TRACKING)
    box = config.control("box", VideoRectangle)
    labels = config.control("videoLabels", Labels)
    classes = LabelMap(labels, mapping={"male": "Man", "female": "Woman", "dog": "Other"})
    common = {
        "track_ids": rows["track_id"],
        "frame_idx": rows["frame_idx"],
        "xyxy_px": np.stack([rows["x1"], rows["y1"], rows["x2"], rows["y2"]], axis=1),
        "frame_wh": FRAME_WH,
        "frames_count": FRAMES,
        "labels": classes.map(rows["class"].tolist()),
        "labels_control": labels,
        "scores": rows["score"],
    }
    exact = box.tracks_from_arrays(**common)
    thinned = box.tracks_from_arrays(**common, tolerance_pct=0.5)
    return Task(
        {"video": VIDEO},
        predictions=[
            Prediction(exact, model_version="tracker-exact", score=0.85),
            Prediction(thinned, model_version="tracker-thinned", score=0.85),
        ],
    )


def timeline_task(rows: np.ndarray) -> Task:
    config = LabelConfig.parse(TIMELINE)
    timeline = config.control("videoLabels", TimelineLabels)
    # A per-frame signal, as a frame classifier gives it: busy where two or more objects move.
    busy = np.bincount(rows["frame_idx"], minlength=FRAMES) >= 2
    regions = [
        *timeline.ranges_from_frame_mask(busy, label="Movement"),
        *timeline.ranges_from_frame_mask(~busy, label="Still"),
        timeline.range_by_seconds(4.0, 5.5, label="Slow Motion", frames_count=FRAMES),
    ]
    scene = config.control("scene", Choices).choose("Outdoor", score=0.8)
    return Task(
        {"video": VIDEO},
        predictions=[Prediction([*regions, scene], model_version="frame-classifier-synthetic")],
    )


def main(out_dir: Path) -> list[dict[str, str]]:
    rows = load_tracks()
    with prelabel.reproducible_ids(seed=25):
        tracking = tracking_task(rows)
        timeline = timeline_task(rows)
    return [
        write_example(out_dir, "video_tracking", TRACKING, [tracking.to_dict()]),
        write_example(out_dir, "video_timeline", TIMELINE, [timeline.to_dict()]),
    ]


if __name__ == "__main__":
    for entry in main(Path("build/demo")):
        print(entry)
