"""Write the small bundled adapter test data (run from the repo root; output is committed).

Everything is constructed so the Label Studio percent values are exact: images are 640x480
and 320x240, boxes sit on multiples of 5 % of the image.
"""

from __future__ import annotations

import json
import struct
import sys
import zlib
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "src"))
from prelabel.adapters.coco_rle import encode_coco_rle

HERE = Path(__file__).resolve().parent


def png(width: int, height: int) -> bytes:
    """A black grayscale PNG of the given size (a few hundred bytes)."""
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


def rect_mask(height: int, width: int, top: int, left: int, bottom: int, right: int) -> np.ndarray:
    mask = np.zeros((height, width), dtype=bool)
    mask[top:bottom, left:right] = True
    return mask


def coco() -> None:
    folder = HERE / "coco"
    folder.mkdir(exist_ok=True)
    car = rect_mask(480, 640, 240, 320, 360, 480)
    dataset = {
        "images": [
            {"id": 1, "width": 640, "height": 480, "file_name": "street.jpg"},
            {
                "id": 2,
                "width": 320,
                "height": 240,
                "file_name": "dog.jpg",
                "coco_url": "http://images.example.com/dog.jpg",
            },
            {"id": 3, "width": 640, "height": 480, "file_name": "empty.jpg"},
        ],
        "categories": [
            {
                "id": 1,
                "name": "person",
                "supercategory": "person",
                "keypoints": ["nose", "left_eye", "right_eye"],
                "skeleton": [[1, 2], [1, 3]],
            },
            {"id": 3, "name": "car", "supercategory": "vehicle"},
            {"id": 18, "name": "dog", "supercategory": "animal"},
            {"id": 2, "name": "bicycle", "supercategory": "vehicle"},
        ],
        "annotations": [
            {
                "id": 101,
                "image_id": 1,
                "category_id": 1,
                "iscrowd": 0,
                "area": 12288.0,
                "bbox": [64, 48, 128, 96],
                "segmentation": [[64, 48, 192, 48, 192, 144, 64, 144]],
                "keypoints": [96, 72, 2, 128, 96, 1, 0, 0, 0],
                "num_keypoints": 2,
            },
            {
                "id": 102,
                "image_id": 1,
                "category_id": 3,
                "iscrowd": 1,
                "area": 19200.0,
                "bbox": [320, 240, 160, 120],
                "segmentation": encode_coco_rle(car, compressed=False),
            },
            {
                "id": 103,
                "image_id": 2,
                "category_id": 18,
                "iscrowd": 0,
                "area": 1536.0,
                "bbox": [32, 24, 64, 48],
                "segmentation": [[32, 24, 96, 24, 96, 72]],
            },
        ],
    }
    (folder / "instances.json").write_text(json.dumps(dataset, indent=1) + "\n")
    dog = rect_mask(240, 320, 24, 32, 72, 96)
    results = [
        {
            "image_id": 1,
            "category_id": 3,
            "bbox": [320.0, 240.0, 160.0, 120.0],
            "score": 0.93,
            "segmentation": encode_coco_rle(car),
        },
        {
            "image_id": 1,
            "category_id": 1,
            "bbox": [64.0, 48.0, 128.0, 96.0],
            "score": 0.88,
            "segmentation": encode_coco_rle(rect_mask(480, 640, 48, 64, 144, 192)),
        },
        {
            "image_id": 1,
            "category_id": 2,
            "bbox": [0.0, 0.0, 64.0, 48.0],
            "score": 0.61,
            "segmentation": encode_coco_rle(rect_mask(480, 640, 0, 0, 48, 64)),
        },
        {
            "image_id": 2,
            "category_id": 18,
            "bbox": [32.0, 24.0, 64.0, 48.0],
            "score": 0.97,
            "segmentation": encode_coco_rle(dog),
        },
        {
            "image_id": 2,
            "category_id": 18,
            "bbox": [160.0, 120.0, 32.0, 24.0],
            "score": 0.12,
            "segmentation": encode_coco_rle(rect_mask(240, 320, 120, 160, 144, 192)),
        },
    ]
    (folder / "results.json").write_text(json.dumps(results, indent=1) + "\n")


def yolo() -> None:
    folder = HERE / "yolo"
    (folder / "labels").mkdir(parents=True, exist_ok=True)
    (folder / "images").mkdir(exist_ok=True)
    (folder / "images" / "street.png").write_bytes(png(640, 480))
    (folder / "images" / "dog.png").write_bytes(png(320, 240))
    (folder / "images" / "empty.png").write_bytes(png(64, 48))
    # detect with confidence: cx cy w h conf, normalized
    (folder / "labels" / "street.txt").write_text(
        "2 0.75 0.625 0.25 0.25 0.93\n0 0.2 0.2 0.2 0.2 0.88\n1 0.05 0.05 0.1 0.1 0.61\n"
    )
    (folder / "labels" / "dog.txt").write_text(
        "16 0.2 0.2 0.2 0.2 0.97\n16 0.55 0.55 0.1 0.1 0.12\n"
    )
    names = {0: "person", 1: "bicycle", 2: "car", 16: "dog"}
    table = [names.get(i, f"class{i}") for i in range(17)]
    (folder / "classes.txt").write_text("".join(f"{n}\n" for n in table))
    yaml = "path: .\ntrain: images\nval: images\nnames:\n" + "".join(
        f"  {i}: {n}\n" for i, n in enumerate(table)
    )
    (folder / "data.yaml").write_text(yaml)
    (folder / "sizes.json").write_text(
        json.dumps({"street": [640, 480], "dog": [320, 240], "empty": [64, 48]}) + "\n"
    )
    seg = folder / "seg"
    seg.mkdir(exist_ok=True)
    # segment: a rectangle (4 points) and a triangle, no confidence
    (seg / "street.txt").write_text(
        "0 0.1 0.1 0.3 0.1 0.3 0.3 0.1 0.3\n2 0.5 0.5 0.75 0.5 0.75 0.75\n"
    )
    obb = folder / "obb"
    obb.mkdir(exist_ok=True)
    # obb: an axis-aligned square given by corners, and a diamond (45 degrees)
    (obb / "street.txt").write_text(
        "2 0.5 0.5 0.75 0.5 0.75 0.75 0.5 0.75 0.9\n"
        "2 0.25 0.125 0.3125 0.2083333333333333 0.25 0.2916666666666667 "
        "0.1875 0.2083333333333333 0.8\n"
    )
    pose = folder / "pose"
    pose.mkdir(exist_ok=True)
    # pose: box + 3 keypoints (x y v); the third is not labeled (v=0)
    (pose / "street.txt").write_text("0 0.2 0.2 0.2 0.2 0.15 0.15 2 0.2 0.2 1 0 0 0\n")


def hf() -> None:
    folder = HERE / "hf"
    folder.mkdir(exist_ok=True)
    # The shapes transformers' pipelines return (the example sentence of the Hugging Face
    # course); raw per-token output and the "simple" aggregation of the same tokens.
    text = "My name is Sylvain and I work at Hugging Face in Brooklyn."
    raw = [
        {"entity": "I-PER", "score": 0.9993828, "index": 4, "word": "S", "start": 11, "end": 12},
        {
            "entity": "I-PER",
            "score": 0.99815476,
            "index": 5,
            "word": "##yl",
            "start": 12,
            "end": 14,
        },
        {
            "entity": "I-PER",
            "score": 0.99590725,
            "index": 6,
            "word": "##va",
            "start": 14,
            "end": 16,
        },
        {"entity": "I-PER", "score": 0.9992327, "index": 7, "word": "##in", "start": 16, "end": 18},
        {"entity": "I-ORG", "score": 0.97389334, "index": 12, "word": "Hu", "start": 33, "end": 35},
        {
            "entity": "I-ORG",
            "score": 0.976115,
            "index": 13,
            "word": "##gging",
            "start": 35,
            "end": 40,
        },
        {
            "entity": "I-ORG",
            "score": 0.98879766,
            "index": 14,
            "word": "Face",
            "start": 41,
            "end": 45,
        },
        {
            "entity": "I-LOC",
            "score": 0.99321055,
            "index": 16,
            "word": "Brooklyn",
            "start": 49,
            "end": 57,
        },
    ]
    grouped = [
        {"entity_group": "PER", "score": 0.9981694, "word": "Sylvain", "start": 11, "end": 18},
        {
            "entity_group": "ORG",
            "score": 0.97960204,
            "word": "Hugging Face",
            "start": 33,
            "end": 45,
        },
        {"entity_group": "LOC", "score": 0.99321055, "word": "Brooklyn", "start": 49, "end": 57},
    ]
    detection = [
        {
            "score": 0.9982,
            "label": "remote",
            "box": {"xmin": 40, "ymin": 70, "xmax": 175, "ymax": 117},
        },
        {
            "score": 0.9960,
            "label": "remote",
            "box": {"xmin": 333, "ymin": 72, "xmax": 368, "ymax": 187},
        },
        {
            "score": 0.9955,
            "label": "couch",
            "box": {"xmin": 0, "ymin": 1, "xmax": 639, "ymax": 473},
        },
        {
            "score": 0.9988,
            "label": "cat",
            "box": {"xmin": 13, "ymin": 52, "xmax": 314, "ymax": 470},
        },
        {
            "score": 0.9987,
            "label": "cat",
            "box": {"xmin": 345, "ymin": 23, "xmax": 640, "ymax": 368},
        },
    ]
    classification = [
        {"score": 0.4335, "label": "lynx, catamount"},
        {
            "score": 0.0348,
            "label": "cougar, puma, catamount, mountain lion, painter, panther, Felis concolor",
        },
        {"score": 0.0324, "label": "snow leopard, ounce, Panthera uncia"},
        {"score": 0.0239, "label": "Egyptian cat"},
        {"score": 0.0229, "label": "tiger cat"},
    ]
    zero_shot = {
        "sequence": "one day I will see the world",
        "labels": ["travel", "dancing", "cooking"],
        "scores": [0.9938651323318481, 0.0032737774308770895, 0.002861034357920289],
    }
    data = {
        "ner": {"text": text, "raw": raw, "grouped": grouped},
        "detection": {"image_wh": [640, 480], "output": detection},
        "classification": classification,
        "zero_shot": zero_shot,
        "spacy": {
            "text": "Apple is looking at buying U.K. startup for $1 billion",
            "ents": [[0, 5, "ORG"], [27, 31, "GPE"], [44, 54, "MONEY"]],
        },
    }
    (folder / "outputs.json").write_text(json.dumps(data, indent=1) + "\n")


if __name__ == "__main__":
    coco()
    yolo()
    hf()
