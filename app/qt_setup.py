"""Qt start-up shared by the app and its tests.

OpenGL widgets in several top-level windows (and a second window in the same process, as in the
tests) need shared GL contexts, which Qt only grants if asked before the QApplication exists.
"""
from __future__ import annotations

import sys

import pyqtgraph as pg
from PyQt6.QtCore import QCoreApplication, Qt
from PyQt6.QtWidgets import QApplication

ORGANIZATION = "PoseScope"
APPLICATION = "PoseScope"


def prepare_qt() -> None:
    """Settings that must precede the QApplication."""
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    pg.setConfigOptions(antialias=True, background="#1c1e24", foreground="#d0d3da")


def create_application(argv: list[str] | None = None) -> QApplication:
    """The process's QApplication, created once with the settings above."""
    existing = QApplication.instance()
    if existing is not None:
        return existing
    prepare_qt()
    return QApplication(argv if argv is not None else sys.argv)
