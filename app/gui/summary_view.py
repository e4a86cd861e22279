"""The summaries of the open job: pick a template, (re-)run it, watch it stream in."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.gui.messages import job_error
from app.templates import available, title


def template_title(path) -> str:
    """A template file's title (its ``# Title`` line), as its notes are stored under."""
    from workers.engines.llm import Template

    return Template.parse(path.read_text(encoding="utf-8")).title


class SummaryWidget(QWidget):
    play_at = Signal(float)  # a note's time link was clicked: play the recording from there

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.job_id: str | None = None
        self.streaming = ""
        self._shown = None
        self._outdated: list[str] = []
        self.template = QComboBox()
        self.run_button = QPushButton(self.tr("Summarize"))
        self.run_button.clicked.connect(self.run)
        self.state = QLabel("")
        self.state.setWordWrap(True)
        # notes an LLM condensed do not follow edits by themselves: one click makes them again
        self.refresh_button = QPushButton(self.tr("Refresh notes"))
        self.refresh_button.setAccessibleName(self.tr("Refresh the notes from the transcript as it is now"))
        self.refresh_button.clicked.connect(self.refresh_outdated)
        self.refresh_button.hide()
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        self.text.setOpenLinks(False)  # every line of grounded notes links to its time: [0:48](#t=S)
        self.text.anchorClicked.connect(self._link)
        self.template.setAccessibleName(self.tr("Summary template"))
        self.text.setAccessibleName(self.tr("Notes"))
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Template")))
        row.addWidget(self.template, 1)
        row.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        state_row = QHBoxLayout()
        state_row.addWidget(self.state, 1)
        state_row.addWidget(self.refresh_button)
        layout.addLayout(state_row)
        layout.addWidget(self.text, 1)
        self.reload_templates()
        controller.summary_text.connect(self._streamed)

    def reload_templates(self) -> None:
        """A template a person drops into the data folder's templates/ shows up here."""
        current = self.template.currentData()
        self.template.clear()
        for name in available(self.controller.data.root):
            self.template.addItem(QCoreApplication.translate("Template", title(name)), name)
        wanted = current or self.controller.settings["summary_template"]
        index = self.template.findData(wanted)
        self.template.setCurrentIndex(max(0, index))

    def open_job(self, job_id: str) -> None:
        self.job_id = job_id
        self.streaming = ""
        self.reload_templates()
        self.refresh()

    def refresh(self) -> None:
        if not self.job_id:
            return
        summaries = self.controller.store.summaries(self.job_id)
        stage = self.controller.store.stage(self.job_id, "summarize")
        if stage and stage["state"] in ("queued", "running"):
            self.state.setText(self.tr("Summarizing… {0}%").format(int((stage["progress"] or 0) * 100)))
            if self.streaming:
                self._show(self.streaming)
                return
        elif stage and stage["state"] == "failed":
            self.state.setText(self.tr("The summary failed: {0}").format(job_error(stage)))
        elif self.outdated():
            self.state.setText(self.tr("These notes are older than the transcript: it was edited or its speakers "
                                       "changed after they were written."))
        else:
            self.state.setText("" if summaries else self.tr("No summary yet: pick a template and press Summarize."))
        self.refresh_button.setVisible(bool(self._outdated) and not (stage and stage["state"] in ("queued", "running")))
        self.streaming = ""
        self._show("\n\n".join(s["markdown"] for s in summaries))

    def outdated(self) -> list[str]:
        """The titles of this job's notes made from an older transcript."""
        self._outdated = self.controller.store.outdated_notes(self.job_id) if self.job_id else []
        return self._outdated

    def refresh_outdated(self) -> None:
        """Make the outdated notes again, each with the template it was made with."""
        if not self.job_id:
            return
        names = {template_title(path): name for name, path in available(self.controller.data.root).items()}
        for title in self.outdated():
            if title in names:
                self.controller.run_stage([self.job_id], "summarize", summary_template=names[title])
        self.refresh_button.hide()
        self.state.setText(self.tr("Summarizing…"))

    def _show(self, markdown: str) -> None:
        if markdown != self._shown:  # re-setting the same text would jump the scroll
            self._shown = markdown
            self.text.setMarkdown(markdown)

    def _link(self, url) -> None:
        fragment = url.fragment()
        if fragment.startswith("t="):
            try:
                self.play_at.emit(float(fragment[2:]))
            except ValueError:
                pass

    def run(self) -> None:
        if self.job_id:
            self.streaming = ""
            self.controller.run_stage([self.job_id], "summarize", summary_template=self.template.currentData())
            self.state.setText(self.tr("Summarizing…"))

    def _streamed(self, job_id: str, text: str) -> None:
        if job_id == self.job_id:
            self.streaming += text
            self._show(self.streaming)
