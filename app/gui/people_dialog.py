"""View › People…: the voices Earmark remembers. A person is kept when a speaker is
named; their voice labels them by name in the next recordings. Rename, merge or
forget (forgetting deletes every voice print of theirs)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QInputDialog, QLabel, QListWidget,
                               QListWidgetItem, QMessageBox, QPushButton, QVBoxLayout)


class PeopleDialog(QDialog):
    changed = Signal(list)  # a person was renamed, merged or forgotten: the jobs whose names (and notes) changed

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(self.tr("People"))
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("People whose voices Earmark knows"))
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.rename_button = QPushButton(self.tr("Rename…"))
        self.merge_button = QPushButton(self.tr("Merge into…"))
        self.forget_button = QPushButton(self.tr("Forget"))
        self.rename_button.clicked.connect(self.rename_selected)
        self.merge_button.clicked.connect(self.merge_selected)
        self.forget_button.clicked.connect(self.forget_selected)
        note = QLabel(self.tr("Name a speaker in a transcript and Earmark remembers their voice: the next "
                              "recordings label it with that name. Forgetting a person deletes their voice data."))
        note.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.rename_button, self.merge_button, self.forget_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.resize(420, 360)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        for person in self.store.people():
            item = QListWidgetItem(self.tr("{0} — 1 recording").format(person["name"]) if person["jobs"] == 1
                                   else self.tr("{0} — {1} recordings").format(person["name"], person["jobs"]))
            item.setData(Qt.UserRole, person)
            self.list.addItem(item)
        if not self.list.count():
            self.list.addItem(QListWidgetItem(self.tr("No one yet: name a speaker in a transcript.")))
        self._update_buttons()

    def selected(self) -> dict | None:
        item = self.list.currentItem()
        return item.data(Qt.UserRole) if item and item.isSelected() else None

    def _update_buttons(self) -> None:
        person = self.selected()
        for button in (self.rename_button, self.forget_button):
            button.setEnabled(person is not None)
        self.merge_button.setEnabled(person is not None and len(self.store.people()) > 1)

    def rename_selected(self, name: str | None = None) -> None:
        person = self.selected()
        if person is None:
            return
        if not name:
            name, ok = QInputDialog.getText(self, self.tr("Rename"), self.tr("New name:"), text=person["name"])
            if not ok:
                return
        if name.strip():
            self._done(self.store.rename_person(person["id"], name.strip()))

    def merge_selected(self, into: str | None = None) -> None:
        person = self.selected()
        others = [p for p in self.store.people() if person and p["id"] != person["id"]]
        if person is None or not others:
            return
        if into is None:
            into, ok = QInputDialog.getItem(self, self.tr("Merge"), self.tr("{0} is the same person as:").format(
                person["name"]), [p["name"] for p in others], 0, False)
            if not ok:
                return
        target = next(p for p in others if p["name"] == into)
        self._done(self.store.merge_people(person["id"], target["id"]))

    def forget_selected(self, confirmed: bool = False) -> None:
        person = self.selected()
        if person is None:
            return
        if not confirmed and QMessageBox.question(
                self, self.tr("Forget"), self.tr("Forget {0}? Their voice data is deleted; the names in your "
                                                 "transcripts stay.").format(person["name"])) != QMessageBox.Yes:
            return
        self.store.forget_person(person["id"])
        self._done([])  # the names in transcripts stay

    def _done(self, jobs: list[str]) -> None:
        self.reload()
        self.changed.emit(jobs)
