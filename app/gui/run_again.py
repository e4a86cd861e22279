"""One dialog shape for running a stage again (``workers.stages.Again``): the stage's
question, the settings dialog's editor for the one option it asks, and a caution where
that option has one (a translation model that scored below the floor)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

from app.gui.settings_dialog import caution, editor_for, ok_cancel, value_of
from app.settings import BY_KEY


def stage_text(text: str) -> str:
    """A stage's declared words (Qt-free: scripts/translations.py adds them) in the person's language."""
    return QCoreApplication.translate("Stage", text)


def action_text(stage) -> str:
    return stage_text(stage.again.action)


class RunAgainDialog(QDialog):
    def __init__(self, stage, settings, data_root, parent=None):
        super().__init__(parent)
        again = stage.again
        self.key = again.asks
        self.setWindowTitle(action_text(stage).rstrip("…"))
        setting = BY_KEY[self.key]
        value = str(settings[self.key]).strip()
        self.editor = editor_for(setting, value if value not in ("", "off") else again.fallback, data_root)
        layout = QVBoxLayout(self)
        self.caution = QLabel(caution(self.key, settings))
        self.caution.setWordWrap(True)
        self.caution.setVisible(bool(self.caution.text()))
        layout.addWidget(self.caution)
        self.prompt = QLabel(stage_text(again.prompt))
        self.prompt.setWordWrap(True)
        self.prompt.setBuddy(self.editor)
        layout.addWidget(self.prompt)
        layout.addWidget(self.editor)
        layout.addWidget(ok_cancel(self))

    def options(self) -> dict:
        """The option the stage asks for, as chosen."""
        return {self.key: value_of(self.editor)}
