"""Screenshot of the real main window for the README: opens the demo clip, processes it, selects
a person and grabs the window. Run under Xvfb:

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python tools/screenshot_app.py docs/images/app.png
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PyQt6.QtGui import QImage  # noqa: E402

from app.launch import open_main_window  # noqa: E402
from app.qt_setup import create_application  # noqa: E402
from main import DEMO_CLIP  # noqa: E402


def main(out: str, frame: int = 45) -> None:
    application = create_application()
    window = open_main_window(str(DEMO_CLIP))
    window.resize(1560, 960)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:  # wait for the worker thread to process the clip
        application.processEvents()
        time.sleep(0.05)
        if window.store is not None and len(window.store) >= 80 and window.worker is None:
            break
    window._go_to(frame)
    window._cycle_person(1)
    window.scene.frame_people()
    for _ in range(40):
        application.processEvents()
        time.sleep(0.05)
    image = window.grab().toImage().convertToFormat(QImage.Format.Format_Indexed8)  # small PNG
    image.save(out)
    window.close()
    print(f"wrote {out} ({len(window.store)} frames processed)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/images/app.png")
