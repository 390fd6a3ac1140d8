"""Problems are shown to the user as dialogs that say what went wrong with what, never tracebacks."""
from __future__ import annotations

from PyQt6.QtWidgets import QMessageBox, QWidget

from common.atomic import ExportPathError
from common.sources import (CameraUnavailableError, EmptySourceError, NotAVideoError,
                            SourceNotFoundError, TruncatedVideoError)
from common.store import StoreFormatError

# What the user can do about each kind of problem, added under the exception's own message.
_ADVICE: list[tuple[type[BaseException], str]] = [
    (SourceNotFoundError, "Check the path, or pick the file again with File › Open."),
    (NotAVideoError, "PoseScope reads video files (MP4, AVI, MOV, MKV…) and folders of images."),
    (EmptySourceError, "The input holds no frames; choose another file or folder."),
    (TruncatedVideoError, "The frames decoded before the damaged part were kept; you can still "
                          "scrub and export them."),
    (CameraUnavailableError, "Check that the camera is connected and not used by another program, "
                             "or try another camera index."),
    (ExportPathError, "Choose a folder that exists and that you can write to."),
    (StoreFormatError, "Open a results file saved by PoseScope (File › Save results)."),
]


def explain(exc: BaseException) -> str:
    """The exception's message plus advice for the kinds of problems users can fix."""
    text = str(exc) or type(exc).__name__
    for kind, advice in _ADVICE:
        if isinstance(exc, kind):
            return f"{text}\n\n{advice}"
    return text


def report_error(parent: QWidget | None, title: str, exc: BaseException | str) -> None:
    """A modal error dialog (tests replace ``QMessageBox.critical`` to read the text)."""
    text = explain(exc) if isinstance(exc, BaseException) else exc
    QMessageBox.critical(parent, title, text)
