"""Real detectors shipped in wheels, end to end: OpenCV's Haar cascades and Otsu's threshold.

``opencv-python`` ships its trained Haar cascades (``cv2.data.haarcascades``) and
``scikit-image`` ships the images, so nothing is downloaded at run time:

* faces and eyes on ``astronaut()``: ``detectMultiScale`` returns ``(N, 4)`` ``x, y, w, h``
  pixel boxes, which :func:`prelabel.adapters.box_regions` takes as ``fmt="xywh"`` with the
  class of each box;
* coins on ``coins()``: Otsu's threshold and connected components give one boolean mask per
  coin, which ``BrushLabels.masks(..., label="Coin")`` encodes as Label Studio RLE.

Needs the ``models`` extra (``pip install 'prelabel[models]'``; ``make demo`` installs it).
The images are written beside the tasks; the task URLs are placeholders for where you host them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from prelabel import BrushLabels, LabelConfig, Prediction, RectangleLabels, Task, reproducible_ids
from prelabel.adapters import box_regions

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

REQUIRES = ("cv2", "skimage")
MIN_COIN_PX = 200  # smaller components are glints and background noise, not coins

FACES = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="part" toName="image">
    <Label value="Face" background="orange"/>
    <Label value="Eye" background="purple"/>
  </RectangleLabels>
</View>"""

COINS = """<View>
  <Image name="image" value="$image"/>
  <BrushLabels name="coin" toName="image">
    <Label value="Coin" background="rgba(255, 200, 0, 0.6)"/>
  </BrushLabels>
</View>"""


def faces(out_dir: Path) -> dict[str, str]:
    import cv2
    from skimage import data

    config = LabelConfig.parse(FACES)
    image = data.astronaut()
    folder = out_dir / "model_opencv_faces"
    folder.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(folder / "skimage-astronaut.png"), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    found = []
    for name, model in (("face", "frontalface_default"), ("eye", "eye")):
        cascade = cv2.CascadeClassifier(f"{cv2.data.haarcascades}haarcascade_{model}.xml")
        boxes = cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5)
        found += [(box, name) for box in np.asarray(boxes).reshape(-1, 4).tolist()]
    height, width = grey.shape
    with reproducible_ids(seed=19):
        regions = box_regions(
            config.control("part", RectangleLabels),
            [box for box, _ in found],
            fmt="xywh",
            image_wh=(width, height),
            labels=[name for _, name in found],
        )
    prediction = Prediction(regions, model_version="opencv-haarcascade")
    task = Task({"image": "https://example.com/skimage/skimage-astronaut.png"}, [prediction])
    return write_example(out_dir, "model_opencv_faces", FACES, [task.to_dict()])


def coins(out_dir: Path) -> dict[str, str]:
    import cv2
    from skimage import data, filters, measure

    config = LabelConfig.parse(COINS)
    grey = data.coins()
    folder = out_dir / "model_opencv_coins"
    folder.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(folder / "skimage-coins.png"), grey)
    components = measure.label(grey > filters.threshold_otsu(grey))
    sizes = np.bincount(components.ravel())
    kept = [c for c in range(1, len(sizes)) if sizes[c] >= MIN_COIN_PX]
    masks = np.stack([components == c for c in kept])
    with reproducible_ids(seed=19):
        regions = config.control("coin", BrushLabels).masks(masks, label="Coin")
    prediction = Prediction(regions, model_version="otsu-threshold")
    task = Task({"image": "https://example.com/skimage/skimage-coins.png"}, [prediction])
    return write_example(out_dir, "model_opencv_coins", COINS, [task.to_dict()])


def main(out_dir: Path) -> list[dict[str, str]]:
    return [faces(out_dir), coins(out_dir)]


if __name__ == "__main__":
    for entry in main(Path("build/demo")):
        print(entry)
