"""Start the desktop app: ``python main.py [--input FILE]``."""
from __future__ import annotations

from PyQt6.QtCore import QTimer

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


def run_app(spec: str | None = None) -> int:
    """Run the app until its window closes; returns the exit code."""
    application = create_application()
    window = open_main_window(spec)  # noqa: F841 (kept alive while the event loop runs)
    return application.exec()
