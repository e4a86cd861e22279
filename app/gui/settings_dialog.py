"""One dialog for every setting, built from the declarations in app.settings (a page per
group: Speech, Summaries, Export, Advanced), and the
model manager (Models tab): what can be downloaded, what is here, download and delete."""

from __future__ import annotations

import threading

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFormLayout, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QSpinBox,
                               QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from app.paths import choose_data_dir, chosen_data_dir
from app.settings import ADVANCED, SETTINGS, Settings


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Earmark settings")
        self.settings = settings
        self.editors = {}
        tabs = QTabWidget()
        forms = {}
        for group in dict.fromkeys(s.group for s in SETTINGS):  # one page per group, in declaration order
            page = QWidget()
            forms[group] = QFormLayout(page)
            tabs.addTab(page, group)
        self.models = ModelsWidget(settings, self.editors)
        tabs.addTab(self.models, "Models")
        self.tabs = tabs
        outer = QVBoxLayout(self)
        outer.addWidget(tabs)
        for setting in SETTINGS:
            form = forms[setting.group]
            value = settings[setting.key]
            if setting.type is bool:
                editor = QCheckBox()
                editor.setChecked(value)
            elif setting.type is int:
                editor = QSpinBox()
                editor.setRange(0, 65535)
                editor.setValue(value)
            elif setting.type is float:
                editor = QDoubleSpinBox()
                editor.setRange(0, 3600)
                editor.setValue(value)
            elif setting.choices and not setting.many:
                editor = QComboBox()
                editor.addItems(list(setting.choices))
                editor.setCurrentText(str(value))
            else:
                editor = QLineEdit(str(value))
            editor.setToolTip(setting.title)
            self.editors[setting.key] = editor
            form.addRow(setting.title, editor)
        # The data folder is kept outside any data folder, and used from the next start.
        self.data_folder = QLineEdit(chosen_data_dir())
        self.data_folder.setPlaceholderText("the platform's folder")
        forms[ADVANCED].addRow("Data folder (used from the next start)", self.data_folder)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)

    def accept(self) -> None:
        for setting in SETTINGS:
            editor = self.editors[setting.key]
            if isinstance(editor, QCheckBox):
                value = editor.isChecked()
            elif isinstance(editor, (QSpinBox, QDoubleSpinBox)):
                value = editor.value()
            elif isinstance(editor, QComboBox):
                value = editor.currentText()
            else:
                value = editor.text().strip()
            self.settings.set(setting.key, value)
        self.settings.save()
        if self.data_folder.text().strip() != chosen_data_dir():
            choose_data_dir(self.data_folder.text().strip())  # speech settings travel with each task: the next job uses them
        super().accept()

    def done(self, result: int) -> None:
        self.models.cancel()  # a download still running stops; what it fetched waits for next time
        super().done(result)


class ModelsWidget(QWidget):
    """Settings › Models: every model the manager knows, its size, what it is good for and
    whether it is here; Download (with progress, cancellable), Delete, and Use (sets the
    speech or summary model in the Settings tab). Downloads run on their own thread."""

    progress = Signal(int, int)  # bytes done, total (from the download thread)
    finished = Signal(str, str)  # model, "" or the sentence saying why it failed
    COLUMNS = ("Model", "Kind", "Size", "State", "About")

    def __init__(self, settings, editors: dict, parent=None):
        super().__init__(parent)
        self.settings, self.editors = settings, editors
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Models")
        self.download_button = QPushButton("Download")
        self.cancel_button = QPushButton("Cancel download")
        self.delete_button = QPushButton("Delete")
        self.use_button = QPushButton("Use")
        self.bar = QProgressBar()
        self.bar.setVisible(False)
        self.state = QLabel("Models are downloaded only when you ask; everything else works offline.")
        self.state.setWordWrap(True)
        row = QHBoxLayout()
        for button in (self.download_button, self.cancel_button, self.delete_button, self.use_button):
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.bar)
        layout.addWidget(self.state)
        self.download_button.clicked.connect(self.download)
        self.cancel_button.clicked.connect(self.cancel)
        self.delete_button.clicked.connect(self.delete)
        self.use_button.clicked.connect(self.use)
        self.table.itemSelectionChanged.connect(self._enable)
        self.progress.connect(self._progress)
        self.finished.connect(self._finished)
        self._cancel: threading.Event | None = None
        self._thread: threading.Thread | None = None
        self.refresh()

    def refresh(self) -> None:
        from app.models import listing

        selected = self.selected()
        self.rows = listing()
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            cells = (row["name"], row["kind"], f"{row['size_mb']} MB", row["state"] or "not downloaded", row["hint"])
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
            if row["name"] == selected:
                self.table.selectRow(r)
        self._enable()

    def selected(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.rows[rows[0].row()]["name"] if rows and hasattr(self, "rows") else None

    def _row(self) -> dict | None:
        name = self.selected()
        return next((r for r in self.rows if r["name"] == name), None)

    def _enable(self) -> None:
        row, busy = self._row(), self._thread is not None and self._thread.is_alive()
        state = row["state"] if row else None
        self.download_button.setEnabled(bool(row) and state in ("", "partial") and not busy)
        self.cancel_button.setEnabled(busy)
        self.delete_button.setEnabled(bool(row) and state in ("installed", "partial") and not busy)
        self.use_button.setEnabled(bool(row) and state in ("installed", "bundled"))

    def download(self) -> None:
        from app import models

        name = self.selected()
        if not name:
            return
        self._cancel = threading.Event()
        self.bar.setRange(0, 1000)
        self.bar.setValue(0)
        self.bar.setVisible(True)
        self.state.setText(f"Downloading {name}…")

        def run(cancel=self._cancel):
            try:
                models.download(name, on_progress=lambda d, t: self.progress.emit(d, t), cancel=cancel)
                outcome = ""
            except models.DownloadError as exc:
                outcome = str(exc)
            except Exception as exc:  # the thread must always report back
                outcome = f"The download failed: {exc}"
            try:
                self.finished.emit(name, outcome)
            except RuntimeError:
                pass  # the dialog is gone: nothing to tell
        self._thread = threading.Thread(target=run, name="model-download", daemon=True)
        self._thread.start()
        self._enable()

    def cancel(self) -> None:
        """Stop a running download (it ends at its next block; never waited for here, on
        the GUI thread); the file it was fetching is deleted, and the model is not taken as there."""
        if self._cancel is not None:
            self._cancel.set()

    def _progress(self, done: int, total: int) -> None:
        if total:
            self.bar.setValue(int(1000 * done / total))
            self.state.setText(f"Downloading {self.selected() or ''}… {done / 1e6:.0f} of {total / 1e6:.0f} MB")

    def _finished(self, name: str, error: str) -> None:
        self._thread = None
        self.bar.setVisible(False)
        self.state.setText(error or f"{name} is downloaded. Press Use to transcribe or summarize with it.")
        self.refresh()

    def delete(self) -> None:
        from app.models import remove

        name = self.selected()
        if name and remove(name):
            self.state.setText(f"{name} was deleted.")
        self.refresh()

    def use(self) -> None:
        row = self._row()
        if not row:
            return
        key = "model" if row["kind"] == "speech" else "llm_model"
        editor = self.editors.get(key)
        if editor is not None:
            editor.setText(row["name"])
        self.state.setText(f"{row['name']} will be used from the next job (press OK to keep it).")
