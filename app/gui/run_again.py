"""One dialog shape for running a stage again (``workers.stages.Again``): the stage's
question, the settings dialog's editor for the one option it asks, and a caution where
that option has one (a translation model that scored below the floor)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

from app.gui.settings_dialog import editor_for, ok_cancel, value_of
from app.settings import BY_KEY


def stage_text(text: str) -> str:
    """A stage's declared words (Qt-free: scripts/translations.py adds them) in the person's language."""
    return QCoreApplication.translate("Stage", text)


def action_text(stage) -> str:
    return stage_text(stage.again.action)


def caution(key: str, settings) -> str:
    """What a person should know before relying on what this option makes ("" if nothing):
    the Translate dialog and Settings › "Translate to" (the summary model's text translation),
    Settings › the speech task "translate" (Whisper's, with the speech model chosen)."""
    if key == "task" and settings["task"] == "translate":
        from workers.engines.llm import TRANSLATION_CHRF, TRANSLATION_FLOOR, translation_warning

        if translation_warning("speech", settings["model"]):
            return QCoreApplication.translate(
                "MainWindow", "Whisper '{0}' scored {1} of 100 translating speech to English on Earmark's test "
                "recording, below the {2} a usable translation needs: expect missing and wrong sentences. A "
                "larger multilingual speech model (Settings › Models: small or medium) translates better.").format(
                settings["model"], f"{TRANSLATION_CHRF[('speech', settings['model'])]:.0f}", f"{TRANSLATION_FLOOR:.0f}")
    if key == "translate_to":
        from workers.engines.llm import BUNDLED, TRANSLATION_CHRF, TRANSLATION_FLOOR, translation_warning

        if translation_warning("text", settings["llm_model"]):
            return QCoreApplication.translate(
                "MainWindow", "The bundled translation model (SmolLM2-135M) scored {0} of 100 on Earmark's test "
                "translation, below the {1} a usable translation needs: expect wrong and untranslated "
                "sentences. For English from speech, transcribe with the speech model 'base' and the "
                "task 'translate'; for other languages, choose a larger summary model in Settings › "
                "Models.").format(f"{TRANSLATION_CHRF[('text', BUNDLED)]:.0f}", f"{TRANSLATION_FLOOR:.0f}")
    return ""


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
