"""Qt start-up shared by the app and its tests.

OpenGL widgets in several top-level windows (and a second window in the same process, as in the
tests) need shared GL contexts, which Qt only grants if asked before the QApplication exists.

Triton (which torch and torchvision import when present) carries its own LLVM; loading it after
Mesa's software OpenGL (llvmpipe, as under Xvfb or on machines without a GPU driver) has started
crashes the process, so it is loaded first.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys

import pyqtgraph as pg
from PyQt6.QtCore import QCoreApplication, Qt
from PyQt6.QtWidgets import QApplication

ORGANIZATION = "PoseScope"
APPLICATION = "PoseScope"


def prepare_qt() -> None:
    """Settings that must precede the QApplication (and the first GL context)."""
    if importlib.util.find_spec("triton") is not None:
        importlib.import_module("triton")
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
