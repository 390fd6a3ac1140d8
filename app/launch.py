"""Start the desktop app: ``python main.py [--input FILE]``."""
from __future__ import annotations

import sys
import traceback

from PyQt6.QtCore import QTimer

from app.errors import report_error
from app.main_window import MainWindow
from app.qt_setup import create_application


def open_main_window(spec: str | None = None, max_frames: int | None = None) -> MainWindow:
    """Show the main window and open ``spec`` (a video, image folder, camera index or results
    file) as soon as the event loop runs, so the window appears before any dialog."""
    create_application()
    window = MainWindow()
    window.show()
    if spec:
        if spec.lower().endswith(".npz"):
            QTimer.singleShot(0, lambda: window.open_results(spec))
        else:
            QTimer.singleShot(0, lambda: window.open_input(spec, max_frames=max_frames))
    return window


def _show_unexpected_error(kind, exc, tb) -> None:
    """Last resort for a bug: the traceback goes to stderr, the user gets a dialog, the app lives
    on (PyQt would otherwise abort the process on an exception escaping a slot)."""
    traceback.print_exception(kind, exc, tb, file=sys.stderr)
    report_error(None, "Unexpected error", f"{kind.__name__}: {exc}\n\nDetails were printed to the terminal.")


def run_app(spec: str | None = None) -> int:
    """Run the app until its window closes; returns the exit code."""
    application = create_application()
    sys.excepthook = _show_unexpected_error
    window = open_main_window(spec)
    try:
        return application.exec()
    finally:
        window.close()  # stops any worker thread before the interpreter exits
