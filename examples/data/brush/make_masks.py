"""Regenerate masks.npz: a fake segmentation model's output for three 120x160 street images.

Run once; the .npz is committed so the example needs no download and no model.
"""

from pathlib import Path

import numpy as np


def main() -> None:
    rng = np.random.default_rng(7)
    height, width = 120, 160
    yy, xx = np.mgrid[0:height, 0:width]
    class_maps = []
    instances = []
    for _ in range(3):
        cmap = np.zeros((height, width), dtype=np.uint8)
        cy, cx = rng.integers(30, 90), rng.integers(40, 120)
        ry, rx = rng.integers(10, 25), rng.integers(15, 35)
        plane = ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 <= 1
        cmap[plane] = 1  # Airplane
        top = rng.integers(80, 100)
        left = rng.integers(0, 100)
        cmap[top : top + 15, left : left + 40] = 2  # Car
        class_maps.append(cmap)
        instances.append(np.stack([plane, cmap == 2]).astype(np.uint8) * 255)
    np.savez_compressed(
        Path(__file__).with_name("masks.npz"),
        class_maps=np.stack(class_maps),
        instances=np.stack(instances),
        scores=rng.uniform(0.6, 0.99, size=(3, 2)).round(3),
    )


if __name__ == "__main__":
    main()
