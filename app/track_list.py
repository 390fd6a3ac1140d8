"""The list of tracked people, each with its colour; selecting one opens the inspector."""
from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QColor, QIcon, QPixmap
from PyQt6.QtWidgets import QListWidget, QListWidgetItem

from common.colors import track_color


def color_icon(track_id: int, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(*track_color(track_id)))
    return QIcon(pixmap)


class TrackList(QListWidget):
    """One row per track id with how many frames it was seen in; emits the selected id or None."""

    track_selected = pyqtSignal(object)  # int or None

    def __init__(self, parent=None):
        super().__init__(parent)
        self._items: dict[int, QListWidgetItem] = {}
        self._counts: dict[int, int] = {}
        self.setToolTip("Select a person to highlight them and inspect their joints "
                        "(or click them in the video)")
        self.itemSelectionChanged.connect(self._emit_selection)

    def clear_tracks(self) -> None:
        self.blockSignals(True)
        self.clear()
        self.blockSignals(False)
        self._items, self._counts = {}, {}

    def count_frames(self, track_ids) -> None:
        """A frame with these ids arrived: add new people, update the frame counts."""
        for track_id in (int(t) for t in track_ids):
            self._counts[track_id] = self._counts.get(track_id, 0) + 1
            item = self._items.get(track_id)
            if item is None:
                item = QListWidgetItem(color_icon(track_id), "")
                item.setData(Qt.ItemDataRole.UserRole, track_id)
                self._items[track_id] = item
                self._insert_sorted(item, track_id)
            item.setText(f"Person {track_id}   ({self._counts[track_id]} frames)")

    def _insert_sorted(self, item: QListWidgetItem, track_id: int) -> None:
        row = sum(1 for other in self._items if other < track_id)
        self.insertItem(row, item)

    @property
    def track_ids(self) -> list[int]:
        return sorted(self._items)

    def selected_id(self) -> int | None:
        items = self.selectedItems()
        return int(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def select(self, track_id: int | None) -> None:
        """Select ``track_id`` (None clears the selection); emits ``track_selected``."""
        if track_id is None or track_id not in self._items:
            self.clearSelection()
            return
        self.setCurrentItem(self._items[track_id])
        self.scrollToItem(self._items[track_id])

    def _emit_selection(self) -> None:
        self.track_selected.emit(self.selected_id())
