"""One dialog for every setting, built from the declarations in app.settings."""

from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLineEdit,
                               QSpinBox)

from app.paths import choose_data_dir, chosen_data_dir
from app.settings import SETTINGS, Settings


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Earmark settings")
        self.settings = settings
        self.editors = {}
        form = QFormLayout(self)
        for setting in SETTINGS:
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
        form.addRow("Data folder (used from the next start)", self.data_folder)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

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
