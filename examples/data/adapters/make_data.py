"""Regenerate the adapter examples' data: model outputs in the shapes their tools write them.

Run once from the repo root; the files are committed so the examples need no download, no
model and no third-party package. Every shape is synthetic (ellipses, rectangles, made-up
scores) but byte-for-byte the format of its source:

* ``coco/``: a COCO dataset (``instances.json``: boxes, polygons, an iscrowd RLE, person
  keypoints) and a detector's results file (``results.json``: boxes, scores, pycocotools'
  compressed RLE masks);
* ``yolo/``: an Ultralytics ``predict(save_txt=True, save_conf=True)`` folder (detect and
  segment), ``data.yaml`` and the images (black PNGs of the right size);
* ``hf/``: Hugging Face pipeline outputs (token classification raw and grouped, object
  detection, image classification, zero-shot) and spaCy entities;
* ``ml_backend/``: the fake model of ``examples/ml_backend.py`` and the tasks it labels.
"""

from __future__ import annotations

import json
import struct
import sys
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "src"))
from prelabel.adapters.coco_rle import encode_coco_rle  # noqa: E402

HERE = Path(__file__).resolve().parent
IMAGES = [
    {"id": 1, "file_name": "kitchen.jpg", "width": 640, "height": 480},
    {"id": 2, "file_name": "street.jpg", "width": 800, "height": 600},
    {"id": 3, "file_name": "park.jpg", "width": 512, "height": 512},
]
CATEGORIES = [
    {"id": 1, "name": "person", "supercategory": "person",
     "keypoints": ["nose", "left_eye", "right_eye", "left_shoulder", "right_shoulder"],
     "skeleton": [[1, 2], [1, 3], [4, 5]]},
    {"id": 3, "name": "car", "supercategory": "vehicle"},
    {"id": 18, "name": "dog", "supercategory": "animal"},
    {"id": 47, "name": "cup", "supercategory": "kitchen"},
    {"id": 64, "name": "potted plant", "supercategory": "furniture"},
]  # fmt: skip


def dump(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def png(width: int, height: int) -> bytes:
    """A black grayscale PNG of the given size."""
    raw = b"".join(b"\x00" + bytes(width) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def ellipse(
    wh: tuple[int, int], centre: tuple[float, float], radii: tuple[float, float]
) -> np.ndarray:
    width, height = wh
    yy, xx = np.mgrid[0:height, 0:width]
    return ((xx + 0.5 - centre[0]) / radii[0]) ** 2 + ((yy + 0.5 - centre[1]) / radii[1]) ** 2 <= 1


def bbox(mask: np.ndarray) -> list[float]:
    rows, cols = np.nonzero(mask)
    return [float(cols.min()), float(rows.min()), float(cols.max() + 1 - cols.min()),
            float(rows.max() + 1 - rows.min())]  # fmt: skip


def octagon(centre: tuple[float, float], radius: float) -> list[float]:
    angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    points = np.stack([centre[0] + radius * np.cos(angles), centre[1] + radius * np.sin(angles)], 1)
    return [round(float(v), 2) for v in points.ravel()]


def coco(rng: np.random.Generator) -> None:
    annotations = []
    results = []
    objects = {
        1: [(47, (200, 300), (40, 55)), (47, (430, 280), (35, 45)), (1, (320, 200), (70, 150))],
        2: [(3, (250, 420), (150, 70)), (3, (600, 430), (120, 60)), (1, (420, 300), (50, 140))],
        3: [(18, (180, 360), (90, 60)), (64, (400, 120), (60, 90)), (1, (300, 250), (45, 120))],
    }
    next_id = 1
    for image in IMAGES:
        wh = (image["width"], image["height"])
        for category, centre, radii in objects[image["id"]]:
            mask = ellipse(wh, centre, radii)
            box = bbox(mask)
            annotation = {
                "id": next_id, "image_id": image["id"], "category_id": category, "iscrowd": 0,
                "area": float(mask.sum()), "bbox": box,
                "segmentation": [octagon(centre, min(radii))],
            }  # fmt: skip
            if category == 1:
                cx, cy = centre
                top = cy - radii[1] * 0.8
                points = [
                    (cx, top),
                    (cx - 8, top - 6),
                    (cx + 8, top - 6),
                    (cx - radii[0] * 0.8, top + 40),
                    (cx + radii[0] * 0.8, top + 40),
                ]
                visibility = [2, 2, 1, 2, 0]
                flat = []
                for (x, y), v in zip(points, visibility, strict=True):
                    flat += [round(x, 1), round(y, 1), v] if v else [0, 0, 0]
                annotation["keypoints"] = flat
                annotation["num_keypoints"] = sum(1 for v in visibility if v)
            annotations.append(annotation)
            next_id += 1
            jitter = rng.normal(0, 2, size=2)
            detected = ellipse(wh, (centre[0] + jitter[0], centre[1] + jitter[1]), radii)
            results.append({
                "image_id": image["id"], "category_id": category,
                "bbox": [round(v, 2) for v in bbox(detected)],
                "score": round(float(rng.uniform(0.55, 0.99)), 3),
                "segmentation": encode_coco_rle(detected),
            })  # fmt: skip
    # a crowd of cars as one RLE (uncompressed counts, as the dataset stores crowds)
    crowd = np.zeros((600, 800), dtype=bool)
    crowd[380:470, 20:160] = True
    annotations.append({
        "id": next_id, "image_id": 2, "category_id": 3, "iscrowd": 1,
        "area": float(crowd.sum()), "bbox": bbox(crowd),
        "segmentation": encode_coco_rle(crowd, compressed=False),
    })  # fmt: skip
    # low-confidence noise and a class the config does not label (a detector's tail)
    results.append(
        {
            "image_id": 1,
            "category_id": 47,
            "bbox": [10.0, 10.0, 30.0, 30.0],
            "score": 0.08,
            "segmentation": encode_coco_rle(ellipse((640, 480), (25, 25), (15, 15))),
        }
    )
    results.append(
        {
            "image_id": 3,
            "category_id": 64,
            "bbox": [20.0, 30.0, 40.0, 50.0],
            "score": 0.41,
            "segmentation": encode_coco_rle(ellipse((512, 512), (40, 55), (20, 25))),
        }
    )
    dataset = {
        "info": {"description": "prelabel example (synthetic)", "version": "1.0"},
        "licenses": [],
        "images": IMAGES,
        "annotations": annotations,
        "categories": CATEGORIES,
    }
    dump(HERE / "coco" / "instances.json", dataset)
    dump(HERE / "coco" / "results.json", results)


def yolo(rng: np.random.Generator) -> None:
    names = {0: "person", 2: "car", 16: "dog", 41: "cup", 58: "potted plant"}
    coco_to_yolo = {1: 0, 3: 2, 18: 16, 47: 41, 64: 58}
    folder = HERE / "yolo"
    (folder / "images").mkdir(parents=True, exist_ok=True)
    dataset = json.loads((HERE / "coco" / "instances.json").read_text())
    for image in IMAGES:
        stem = Path(image["file_name"]).stem
        (folder / "images" / f"{stem}.png").write_bytes(png(image["width"], image["height"]))
        width, height = image["width"], image["height"]
        detect, segment = [], []
        for ann in dataset["annotations"]:
            if ann["image_id"] != image["id"] or ann["iscrowd"]:
                continue
            x, y, w, h = ann["bbox"]
            cls = coco_to_yolo[ann["category_id"]]
            conf = rng.uniform(0.3, 0.98)
            detect.append(f"{cls} {(x + w / 2) / width:.6f} {(y + h / 2) / height:.6f} "
                          f"{w / width:.6f} {h / height:.6f} {conf:.4f}")  # fmt: skip
            poly = np.array(ann["segmentation"][0]).reshape(-1, 2) / [width, height]
            coords = " ".join(f"{v:.6f}" for v in poly.ravel())
            segment.append(f"{cls} {coords} {conf:.4f}")
        for kind, lines in (("detect", detect), ("segment", segment)):
            path = folder / kind / "labels" / f"{stem}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(f"{line}\n" for line in lines))
    table = "".join(f"  {k}: {v}\n" for k, v in sorted(names.items()))
    (folder / "data.yaml").write_text(
        "# Ultralytics dataset file (the names a COCO-trained YOLO model uses; subset)\n"
        f"path: .\ntrain: images\nval: images\nnames:\n{table}"
    )


def hf() -> None:
    folder = HERE / "hf"
    ner_texts = [
        "My name is Sylvain and I work at Hugging Face in Brooklyn.",
        "Ada Lovelace met Charles Babbage in London in 1833.",
    ]
    raw = [
        {"entity": "I-PER", "score": 0.9993828, "index": 4, "word": "S", "start": 11, "end": 12},
        {"entity": "I-PER", "score": 0.99815476, "index": 5, "word": "##yl", "start": 12,
         "end": 14},
        {"entity": "I-PER", "score": 0.99590725, "index": 6, "word": "##va", "start": 14,
         "end": 16},
        {"entity": "I-PER", "score": 0.9992327, "index": 7, "word": "##in", "start": 16,
         "end": 18},
        {"entity": "I-ORG", "score": 0.97389334, "index": 12, "word": "Hu", "start": 33,
         "end": 35},
        {"entity": "I-ORG", "score": 0.976115, "index": 13, "word": "##gging", "start": 35,
         "end": 40},
        {"entity": "I-ORG", "score": 0.98879766, "index": 14, "word": "Face", "start": 41,
         "end": 45},
        {"entity": "I-LOC", "score": 0.99321055, "index": 16, "word": "Brooklyn", "start": 49,
         "end": 57},
    ]  # fmt: skip
    grouped = [
        {"entity_group": "PER", "score": 0.9971, "word": "Ada Lovelace", "start": 0, "end": 12},
        {"entity_group": "PER", "score": 0.9958, "word": "Charles Babbage", "start": 17,
         "end": 32},
        {"entity_group": "LOC", "score": 0.9989, "word": "London", "start": 36, "end": 42},
        {"entity_group": "MISC", "score": 0.4127, "word": "1833", "start": 46, "end": 50},
    ]  # fmt: skip
    outputs = {
        "ner": [
            {"text": ner_texts[0], "entities": raw, "aggregation_strategy": "none"},
            {"text": ner_texts[1], "entities": grouped, "aggregation_strategy": "simple"},
        ],
        "vision": {
            "image": {"url": "http://images.cocodataset.org/val2017/000000039769.jpg",
                      "width": 640, "height": 480},
            "object_detection": [
                {"score": 0.9982, "label": "remote",
                 "box": {"xmin": 40, "ymin": 70, "xmax": 175, "ymax": 117}},
                {"score": 0.996, "label": "remote",
                 "box": {"xmin": 333, "ymin": 72, "xmax": 368, "ymax": 187}},
                {"score": 0.9955, "label": "couch",
                 "box": {"xmin": 0, "ymin": 1, "xmax": 639, "ymax": 473}},
                {"score": 0.9988, "label": "cat",
                 "box": {"xmin": 13, "ymin": 52, "xmax": 314, "ymax": 470}},
                {"score": 0.9987, "label": "cat",
                 "box": {"xmin": 345, "ymin": 23, "xmax": 640, "ymax": 368}},
            ],
            "image_classification": [
                {"score": 0.4335, "label": "lynx, catamount"},
                {"score": 0.0348,
                 "label": "cougar, puma, catamount, mountain lion, painter, panther, "
                          "Felis concolor"},
                {"score": 0.0324, "label": "snow leopard, ounce, Panthera uncia"},
                {"score": 0.0239, "label": "Egyptian cat"},
                {"score": 0.0229, "label": "tiger cat"},
            ],
        },
        "zero_shot": [
            {"sequence": "one day I will see the world",
             "labels": ["travel", "dancing", "cooking"],
             "scores": [0.9938651323318481, 0.0032737774308770895, 0.002861034357920289]},
            {"sequence": "the sauce needs another ten minutes on a low flame",
             "labels": ["cooking", "travel", "dancing"],
             "scores": [0.9712, 0.0191, 0.0097]},
        ],
        "spacy": [
            {"text": "Apple is looking at buying U.K. startup for $1 billion",
             "ents": [[0, 5, "ORG"], [27, 31, "GPE"], [44, 54, "MONEY"]]},
            {"text": "Autonomous cars shift insurance liability toward manufacturers",
             "ents": []},
            {"text": "San Francisco considers banning sidewalk delivery robots",
             "ents": [[0, 13, "GPE"]]},
        ],
    }  # fmt: skip
    dump(folder / "outputs.json", outputs)


def ml_backend() -> None:
    folder = HERE / "ml_backend"
    model = {
        "name": "gazetteer-ner",
        "version": "2024.06",
        "gazetteer": {
            "Ada Lovelace": "PER", "Charles Babbage": "PER", "Grace Hopper": "PER",
            "London": "LOC", "Paris": "LOC", "Harvard": "ORG", "Royal Society": "ORG",
            "Navy": "ORG",
        },
        "topics": {
            "computing": ["engine", "program", "compiler", "computer"],
            "science": ["society", "lecture", "mathematics"],
            "history": ["1833", "1843", "1944", "century"],
        },
    }  # fmt: skip
    tasks = [
        {"id": 101, "data": {"text": "Ada Lovelace met Charles Babbage in London in 1833."}},
        {"id": 102, "data": {"text": "In 1843 Ada Lovelace published the first program for "
                                     "the Analytical Engine."}},
        {"id": 103, "data": {"text": "Grace Hopper wrote the first compiler while serving in "
                                     "the Navy; later Harvard honoured her."}},
        {"id": 104, "data": {"text": "Nothing to see here."}},
    ]  # fmt: skip
    dump(folder / "model.json", model)
    dump(folder / "tasks.json", tasks)


if __name__ == "__main__":
    generator = np.random.default_rng(11)
    coco(generator)
    yolo(generator)
    hf()
    ml_backend()
