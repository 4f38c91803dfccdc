"""`make demo`, after the examples: the review pages of two of them, and screenshots of both.

``prelabel preview`` writes ``build/demo/preview/<example>/index.html`` for each. The
screenshots (``build/demo/preview/<example>.png``) need a Chromium: when ``/usr/bin/chromium``
is missing (``make test-integration`` installs Debian's), they are skipped with a note and the
demo still succeeds; when it is there and fails, the demo fails.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# Polygons and keypoints on many images; brush masks decoded from their RLE.
EXAMPLES = ("dataset_batch_shapes", "brush_instances")
WINDOW = "1280,900"


def screenshot(page: Path, png: Path) -> None:
    """A PNG of ``page`` in headless Chromium with a throw-away profile, offline."""
    with tempfile.TemporaryDirectory(prefix="prelabel-shot-") as profile:
        subprocess.run(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--hide-scrollbars",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                f"--user-data-dir={profile}",
                f"--window-size={WINDOW}",
                f"--screenshot={png}",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    if not png.exists() or png.stat().st_size == 0:
        raise RuntimeError(f"chromium wrote no screenshot of {page}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--demo", type=Path, default=ROOT / "build" / "demo")
    args = parser.parse_args(argv)
    from prelabel.cli import main as cli

    out = args.demo / "preview"
    pages = []
    for name in EXAMPLES:
        folder = args.demo / name
        status = cli(
            ["preview", str(folder / "config.xml"), str(folder / "tasks.json"),
             "--out", str(out / name), "--base-dir", str(ROOT / "examples" / "data"),
             "--no-progress"]
        )  # fmt: skip
        if status:
            return status
        pages.append((out / name / "index.html", out / f"{name}.png"))
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        print(f"screenshots skipped: no {CHROMIUM} (make test-integration installs chromium)")
        return 0
    for page, png in pages:
        screenshot(page, png)
        print(f"wrote {png.relative_to(ROOT) if png.is_relative_to(ROOT) else png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
