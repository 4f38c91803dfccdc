"""Regenerate the audio, video and time-series example data: fake model outputs, no media.

* ``diarization.json``: a diarization + speech-recognition model's turns (seconds, speaker ids,
  text) for two meetings, shaped like pyannote/whisper output.
* ``sound_events.json``: a sound-event detector's events in sample indices, per channel.
* ``tracks.csv``: a multi-object tracker's rows (0-based frame index, track id, box in pixels,
  class, score) for a 10 s, 25 fps, 1280x720 video; one person is occluded for a second and
  the dog walks out of the frame.
* ``sensor.csv``: ``first_column`` with spikes and a drift, and a ``second_column``, no time
  column, as in the Label Studio guide's time-series example.
* ``activity.json``: 60 s of 10 Hz velocity/acceleration with timestamps, and a per-row activity
  classifier's output.

Run once; the files are committed so the examples need no download and no model.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent


def diarization() -> None:
    meetings = [
        {
            "audio": "https://example.com/meetings/standup-01.wav",
            "duration_s": 24.0,
            "turns": [
                (0.52, 4.87, "SPEAKER_00", "Good morning, let's start with the build status."),
                (5.10, 9.64, "SPEAKER_01", "The nightly build is green again since yesterday."),
                (9.80, 13.25, "SPEAKER_00", "Great. Any blockers on the release branch?"),
                (13.60, 19.95, "SPEAKER_01", "Only the flaky upload test, I am on it today."),
                (20.30, 23.40, "SPEAKER_00", "Thanks, that's all for now."),
            ],
        },
        {
            "audio": "https://example.com/meetings/standup-02.wav",
            "duration_s": 12.5,
            "turns": [
                (0.00, 3.20, "SPEAKER_01", "Quick one today."),
                (3.45, 8.90, "SPEAKER_00", "The migration finished overnight without errors."),
                (9.10, 12.45, "SPEAKER_01", "Perfect, let's ship it."),
            ],
        },
    ]
    out = {
        "model": "synthetic diarization + ASR (pyannote/whisper-shaped)",
        "files": [
            {
                "audio": m["audio"],
                "duration_s": m["duration_s"],
                "turns": [
                    {"start": s, "end": e, "speaker": spk, "text": text}
                    for s, e, spk, text in m["turns"]
                ],
            }
            for m in meetings
        ],
    }
    (HERE / "diarization.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


def sound_events() -> None:
    rate = 16_000
    events = [
        (0.40, 1.25, 0, "dog_bark", 0.91),
        (2.00, 2.60, 0, "dog_bark", 0.67),
        (1.10, 5.80, 1, "siren", 0.88),
        (6.25, 9.00, 1, "car_horn", 0.73),
    ]
    out = {
        "audio": "https://example.com/street/corner-stereo.wav",
        "sample_rate_hz": rate,
        "duration_s": 10.0,
        "events": [
            {
                "start_sample": round(s * rate),
                "end_sample": round(e * rate),
                "channel": ch,
                "label": label,
                "score": score,
            }
            for s, e, ch, label, score in events
        ],
    }
    (HERE / "sound_events.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


def tracks() -> None:
    rng = np.random.default_rng(11)
    rows = []

    def walk(track_id, frames, start_xy, end_xy, size_wh, classes) -> None:
        frames = np.asarray(frames)
        t = (frames - frames[0]) / max(1, frames[-1] - frames[0])
        xs = start_xy[0] + (end_xy[0] - start_xy[0]) * t + rng.normal(0, 1.5, len(frames))
        ys = start_xy[1] + (end_xy[1] - start_xy[1]) * t + rng.normal(0, 1.0, len(frames))
        for frame, x, y, cls in zip(frames, xs, ys, classes(len(frames)), strict=True):
            w, h = size_wh
            score = float(np.clip(rng.normal(0.85, 0.06), 0.3, 0.99))
            rows.append((int(frame), track_id, x, y, x + w, y + h, cls, score))

    walk(1, range(180), (100, 300), (900, 320), (80, 210), lambda n: ["male"] * n)
    # Occluded from frame 100 to 124: the tracker reports nothing there.
    frames_2 = [f for f in range(30, 250) if not 100 <= f < 125]
    walk(
        2,
        frames_2,
        (1100, 280),
        (300, 330),
        (75, 200),
        lambda n: ["female" if i % 9 else "male" for i in range(n)],  # the class flickers
    )
    # The dog trots out of the right edge: the last boxes are partly, then fully, outside.
    walk(3, range(150, 231), (900, 560), (1400, 560), (120, 90), lambda n: ["dog"] * n)
    rows.sort(key=lambda r: (r[0], r[1]))
    with (HERE / "tracks.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["frame_idx", "track_id", "x1", "y1", "x2", "y2", "class", "score"])
        for frame, tid, x1, y1, x2, y2, cls, score in rows:
            writer.writerow(
                [
                    frame,
                    tid,
                    f"{x1:.1f}",
                    f"{y1:.1f}",
                    f"{x2:.1f}",
                    f"{y2:.1f}",
                    cls,
                    f"{score:.3f}",
                ]
            )


def sensor() -> None:
    rng = np.random.default_rng(5)
    n = 600
    values = np.sin(np.arange(n) / 25.0) + rng.normal(0, 0.08, n)
    values[140:147] += 3.0  # a burst
    values[322] -= 2.5  # a single-sample glitch
    values[450:] += np.linspace(0, 2.5, n - 450)  # a drift
    with (HERE / "sensor.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        # A second column: the editor's CSV parser needs a separator on every line, so a
        # one-column file (as in the guide) shows "Cannot find provided separator" and no chart.
        second = np.cos(np.arange(n) / 40.0) + rng.normal(0, 0.05, n)
        writer.writerow(["first_column", "second_column"])
        writer.writerows([[f"{v:.4f}", f"{w:.4f}"] for v, w in zip(values, second, strict=True)])


def activity() -> None:
    rng = np.random.default_rng(3)
    rate_hz, seconds = 10, 60
    n = rate_hz * seconds
    start = dt.datetime(2024, 3, 1, 8, 0, 0)
    times = [
        (start + dt.timedelta(milliseconds=100 * i)).strftime("%Y-%m-%d %H:%M:%S.%f")
        for i in range(n)
    ]
    states = np.array(["Walk"] * n, dtype=object)
    states[150:320] = "Run"
    states[430:520] = "Ride"
    speed = {"Walk": 3.0, "Run": 8.0, "Ride": 15.0}
    velocity = np.array([speed[s] for s in states]) + rng.normal(0, 0.4, n)
    acceleration = np.gradient(velocity) * rate_hz
    out = {
        "model": "synthetic activity classifier, one class per row",
        "data": {
            "time": times,
            "velocity": [round(float(v), 3) for v in velocity],
            "acceleration": [round(float(a), 3) for a in acceleration],
        },
        "predicted": states.tolist(),
    }
    (HERE / "activity.json").write_text(json.dumps(out) + "\n", encoding="utf-8")


def main() -> None:
    diarization()
    sound_events()
    tracks()
    sensor()
    activity()


if __name__ == "__main__":
    main()
