"""Start the desktop app: ``python main.py [--input FILE]``."""
from __future__ import annotations

from PyQt6.QtCore import QTimer

from app.main_window import MainWindow
from app.qt_setup import create_application


def run_app(spec: str | None = None) -> int:
    """Show the main window, open ``spec`` (a video, folder, camera index or results file) once
    the event loop runs, and return the application's exit code."""
    application = create_application()
    window = MainWindow()
    window.show()
    if spec:
        QTimer.singleShot(0, lambda: window.open_any(spec))
    return application.exec()
