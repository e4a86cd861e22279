"""Export: which formats (remembered), where, and for subtitles the cue limits. Built
from the declarations: ``export.FORMATS`` and the Export settings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from app import export
from app.gui.settings_dialog import setting_text
from app.jobs.autoexport import formats_of
from app.settings import BY_KEY, Settings

NAMES = {"txt": QT_TRANSLATE_NOOP("Export", "Plain text"),
         "srt": QT_TRANSLATE_NOOP("Export", "SubRip subtitles"),
         "vtt": QT_TRANSLATE_NOOP("Export", "WebVTT subtitles"),
         "json": QT_TRANSLATE_NOOP("Export", "JSON (with times)"),
         "md": QT_TRANSLATE_NOOP("Export", "Markdown"),
         "tsv": QT_TRANSLATE_NOOP("Export", "Spreadsheet (tab-separated)")}
SUBTITLES = ("srt", "vtt")
LIMITS = ("subtitle_line_chars", "subtitle_lines", "subtitle_min_seconds", "subtitle_max_seconds")


class ExportDialog(QDialog):
    def __init__(self, settings: Settings, count: int, default_folder: str, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Export"))
        chosen = set(formats_of(settings))
        formats = QGroupBox(self.tr("Formats"))
        rows = QVBoxLayout(formats)
        self.checks = {}
        for fmt in export.FORMATS:
            box = QCheckBox(f"{QCoreApplication.translate('Export', NAMES.get(fmt, fmt.upper()))} (.{fmt})")
            box.setChecked(fmt in chosen)
            box.toggled.connect(self._changed)
            self.checks[fmt] = box
            rows.addWidget(box)
        # the notes are Markdown whatever the transcript's formats (a file of their own)
        self.notes = QCheckBox(self.tr("Notes (Markdown, .summary.md)"))
        self.notes.setChecked(settings["export_notes"])
        self.notes.toggled.connect(self._changed)
        rows.addWidget(self.notes)
        self.subtitles = QGroupBox(self.tr("Subtitles"))
        limits = QFormLayout(self.subtitles)
        self.limits = {}
        for key in LIMITS:
            setting = BY_KEY[key]
            editor = QSpinBox() if setting.type is int else QDoubleSpinBox()
            editor.setRange(1, 200)
            editor.setValue(settings[key])
            editor.setAccessibleName(setting_text(setting.title))
            self.limits[key] = editor
            short = setting_text(setting.title).split(": ", 1)[-1]  # "Subtitles:" is the group's title
            limits.addRow(short[:1].upper() + short[1:], editor)  # German nouns keep their capitals
        self.folder = QLineEdit(settings["export_folder"] or default_folder)
        self.folder.setAccessibleName(self.tr("Export folder"))
        self.folder.setMinimumWidth(360)
        choose = QPushButton(self.tr("Choose…"))
        choose.clicked.connect(self._choose)
        where = QHBoxLayout()
        where.addWidget(self.folder, 1)
        where.addWidget(choose)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(self.tr("Export 1 transcript") if count == 1
                                                         else self.tr("Export {0} transcripts").format(count))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(formats)
        layout.addWidget(self.subtitles)
        layout.addWidget(QLabel(self.tr("To the folder:")))
        layout.addLayout(where)
        layout.addWidget(self.buttons)
        self._changed()

    def chosen_formats(self) -> list[str]:
        return [fmt for fmt, box in self.checks.items() if box.isChecked()]

    def _changed(self, *_) -> None:
        self.subtitles.setEnabled(any(fmt in SUBTITLES for fmt in self.chosen_formats()))
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(bool(self.chosen_formats()) or self.notes.isChecked())

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export to"), self.folder.text() or str(Path.home()))
        if folder:
            self.folder.setText(folder)

    def accept(self) -> None:
        """The choices are remembered for next time (the settings' Export page)."""
        if self.chosen_formats():  # (notes alone: the formats stay as they were)
            self.settings.set("export_formats", ",".join(self.chosen_formats()))
        self.settings.set("export_notes", self.notes.isChecked())
        for key, editor in self.limits.items():
            self.settings.set(key, editor.value())
        self.settings.save()
        super().accept()
