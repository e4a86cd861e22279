"""The main window: drop zone and job list on the left, the transcript on the right."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QSystemTrayIcon,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.gui.controller import AppController
from app.gui.jobs_model import (
    COLUMNS,
    NOTE_COLUMN,
    PROGRESS_COLUMN,
    STATE_COLORS,
    JobIdRole,
    JobTableModel,
    ProgressRole,
    word,
)
from app.gui.messages import job_error, notes_words
from app.gui.settings_dialog import SettingsDialog
from app.gui.summary_view import SummaryWidget
from app.gui.table import fit_titles
from app.gui.transcript_view import TranscriptWidget
from app.store import jobstore as js
from workers.messages import notes_of

REFRESH_MS = 100  # ~10 repaints a second at most, whatever the event rate
TICK_MS = 1000  # "time left" moves even when no event arrives


class ProgressDelegate(QStyledItemDelegate):
    """A progress bar; a failed or cancelled job shows its reason in its place."""

    @staticmethod
    def text(row: dict, shown: str) -> str:
        """What the cell says: the reason a job failed or was cancelled, else the bar's text."""
        if row["state"] in (js.FAILED, js.CANCELLED):
            return job_error(row) or word(row["state"])
        if row["state"] == js.RUNNING and not row.get("progress"):
            return QCoreApplication.translate("ProgressDelegate", "working…")  # a batch at a time
        if row["state"] == js.PAUSED:
            return QCoreApplication.translate("ProgressDelegate", "paused at {0}").format(shown)
        return shown

    def paint(self, painter, option, index):
        row = index.model().rows[index.row()]
        if row["state"] in (js.FAILED, js.CANCELLED):
            painter.save()
            painter.setPen(STATE_COLORS[row["state"]])
            text = self.text(row, "")
            painter.drawText(option.rect.adjusted(4, 0, -2, 0), Qt.AlignVCenter | Qt.AlignLeft,
                             painter.fontMetrics().elidedText(text, Qt.ElideRight, option.rect.width() - 6))
            painter.restore()
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum, bar.maximum = 0, 1000
        bar.progress = int((index.data(ProgressRole) or 0.0) * 1000)
        bar.text = self.text(row, index.data(Qt.DisplayRole))
        bar.textVisible = True
        QApplication.style().drawControl(QStyle.CE_ProgressBar, bar, painter)


class SentenceDelegate(QStyledItemDelegate):
    """A sentence (the Note column) is cut at its end: the table cuts file names in their
    middle ("meeting…sync.mp3"), which cut a wrapped sentence in the middle of its second line."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.ElideRight


UNNAMED = re.compile(r"Speaker (\d+)")  # the store's label of a speaker nobody named (jobstore.LABEL_SQL)


def unnamed_in_language(label: str | None) -> str | None:
    """A speaker's label as the transcript shows it: one nobody named reads "Speaker N" in
    the window's language ("Sprecher 2"), as in the transcript's speaker column."""
    found = UNNAMED.fullmatch(label or "")
    return QCoreApplication.translate("TranscriptWidget", "Speaker {0}").format(found.group(1)) if found else label


def faint_text(palette) -> str:
    """Secondary text that stays readable: two thirds of the way from the background to
    the text colour (palette(mid) was too pale on white)."""
    text, base = palette.color(palette.ColorRole.Text), palette.color(palette.ColorRole.Base)
    mixed = [round(b + (t - b) * 0.68) for t, b in zip(text.getRgb()[:3], base.getRgb()[:3])]
    return "#{:02x}{:02x}{:02x}".format(*mixed)


class DropZone(QLabel):
    def __init__(self):
        super().__init__()
        self.setText(self.tr("Drop recordings or folders here\n\nor use File › Add files (Ctrl+O)"))
        self.setAlignment(Qt.AlignCenter)
        # palette roles, not fixed colours: readable in the light theme and the dark one
        self.setStyleSheet("QLabel { border: 2px dashed palette(mid); border-radius: 12px;"
                           " color: palette(window-text); font-size: 16px; margin: 24px; }")


class MainWindow(QMainWindow):
    def __init__(self, controller: AppController):
        super().__init__()
        self.controller = controller
        self.setWindowTitle(self.tr("Earmark"))
        self.setAcceptDrops(True)
        self._closing = False  # a stop is under way
        self._closed = False  # the stack has stopped: the window may go
        self._dirty = True
        self._states: dict[str, str] = {}
        self._shown_translations: dict[str, str | None] = {}
        self._shown_speakers: dict[str, int | None] = {}
        self._batch: dict[str, str] = {}  # job id → state, for the jobs of the batch under way
        self._quiet: set[str] = set()  # jobs of the batch that are only indexed again
        self._skipped: list[str] = []  # what the batch's folders held that is not a recording
        self._notices: list[str] = []  # what transcripts the batch opened by itself say of themselves
        self._notice = ""  # what the transcript open_job opened last says of itself (no words)
        self._said = ""  # what open_job last put in the status line (a job's notice, error or state)
        self._followed = False  # the list was read once: jobs new after that were added here
        self.prefs = QSettings(str(controller.data.root / "window.ini"), QSettings.IniFormat)

        self.model = JobTableModel(controller.store, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setItemDelegateForColumn(PROGRESS_COLUMN, ProgressDelegate(self.table))
        self.table.setItemDelegateForColumn(NOTE_COLUMN, SentenceDelegate(self.table))
        self.table.verticalHeader().hide()
        self.table.setTextElideMode(Qt.ElideMiddle)  # "meeting…sync.mp3": the ending stays readable
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        fit_titles(self.table, [column.width for column in COLUMNS])
        self.table.doubleClicked.connect(lambda index: self.open_job(self.model.job_id(index.row())))
        self.table.setContextMenuPolicy(Qt.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

        self.drop_zone = DropZone()
        self.results = QListWidget()
        self.results.itemActivated.connect(self._open_hit)
        self.results.itemClicked.connect(self._open_hit)
        self.results.viewport().installEventFilter(self)  # resized: results fit the new width
        self.pages = QStackedWidget()
        self.pages.addWidget(self.drop_zone)
        self.pages.addWidget(self.table)
        self.pages.addWidget(self.results)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(self.tr("Search all transcripts (Ctrl+K)"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(lambda _: self.search_timer.start())
        self.search_order = QComboBox()
        self.search_order.addItem(self.tr("Most relevant"), "relevance")
        self.search_order.addItem(self.tr("Newest first"), "newest")
        self.search_order.currentIndexChanged.connect(lambda _: self.run_search())
        self.search_timer = QTimer(self, singleShot=True, interval=200, timeout=self.run_search)
        QShortcut(QKeySequence("Ctrl+K"), self, activated=lambda: (self.search_box.setFocus(),
                                                                   self.search_box.selectAll()))
        search_row = QHBoxLayout()
        search_row.setContentsMargins(0, 0, 0, 0)
        search_row.addWidget(self.search_box, 1)
        search_row.addWidget(self.search_order)
        self.search_speaker = QComboBox()  # filled with the people Earmark knows when opened
        self.search_speaker.addItem(self.tr("Anyone"), None)
        self.search_speaker.setToolTip(self.tr("Only what this person said"))
        self.search_speaker.setAccessibleName(self.tr("Speaker of search results"))
        self.search_speaker.currentIndexChanged.connect(lambda _: self.run_search())
        search_row.addWidget(self.search_speaker)
        self.left = QWidget()
        left_layout = QVBoxLayout(self.left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(search_row)
        left_layout.addWidget(self.pages, 1)
        self.transcript = TranscriptWidget(controller.store)
        # an edit changes what search must find: index the job again
        self.transcript.model.edited.connect(lambda *_: self.controller.reindex(self.transcript.job_id))
        self.summary = SummaryWidget(controller)
        # the store made the grounded notes again (an edit, a name, a merge): show them, index them
        self.transcript.model.edited.connect(lambda *_: self.summary.refresh())
        self.transcript.speakers_changed.connect(self.summary.refresh)
        self.transcript.speakers_changed.connect(lambda: self.controller.reindex(self.transcript.job_id))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.transcript, self.tr("Transcript"))
        self.tabs.addTab(self.summary, self.tr("Summary"))
        self.summary.play_at.connect(self._play_note)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([760, 600])  # the job list's first five columns in view at a laptop's width
        self.setCentralWidget(self.splitter)

        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)
        self.overall = QProgressBar()
        self.overall.setMaximumWidth(200)
        self.overall.setRange(0, 1000)
        self.overall.hide()
        self.statusBar().addPermanentWidget(self.overall)
        self.api_label = QLabel()  # where the local API listens, while it does (Settings › API)
        self.api_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.api_label.hide()
        self.statusBar().addPermanentWidget(self.api_label)
        self._make_actions()
        self._make_queue_panel()
        self._make_toolbar()
        self._make_tray()
        self._name_controls()

        controller.status.connect(self.status_label.setText)
        controller.api_changed.connect(self._show_api)
        controller.skipped.connect(self._note_skipped)
        controller.jobs_changed.connect(self._mark_dirty)
        controller.start_failed.connect(self._start_failed)
        controller.duplicate.connect(self._duplicate)
        controller.exported.connect(lambda paths: self.status_label.setText(
            (self.tr("Exported 1 file to {0}").format(Path(paths[0]).parent) if len(paths) == 1 else
             self.tr("Exported {0} files to {1}").format(len(paths), Path(paths[0]).parent)) if paths
            else self.tr("Nothing was exported: the selection has no transcript yet.")))
        controller.stopped.connect(self._stopped)
        self.refresh_timer = QTimer(self, interval=REFRESH_MS, timeout=self._refresh_if_dirty)
        self.refresh_timer.start()
        self.tick = QTimer(self, interval=TICK_MS, timeout=self._mark_dirty)
        self.tick.start()
        self._restore_geometry()
        self._refresh_if_dirty()
        last = self.prefs.value("open_job")
        if last and self.controller.store.job(last) and (
                self.controller.store.stage(last, "transcribe") or {}).get("state") == js.DONE:
            self.open_job(last)  # the transcript open last time, open again

    # --- building ------------------------------------------------------------------
    def _action(self, text, slot, shortcut=None, menu=None) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(slot)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if menu is not None:
            menu.addAction(action)
        return action

    def _make_actions(self) -> None:
        self.file_menu = file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.act_add = self._action(self.tr("Add files…"), self.add_files_dialog, "Ctrl+O", file_menu)
        self._action(self.tr("Add folder…"), self.add_folder_dialog, "Ctrl+Shift+O", file_menu)
        self._action(self.tr("Add link…"), self.add_link_dialog, "Ctrl+L", file_menu)
        self.act_export = self._action(self.tr("Export selected…"), self.export_dialog, "Ctrl+E", file_menu)
        file_menu.addSeparator()
        self._action(self.tr("Settings…"), self.settings_dialog, "Ctrl+,", file_menu)
        self._action(self.tr("Quit"), self.close, "Ctrl+Q", file_menu)
        self.jobs_menu = self.menuBar().addMenu(self.tr("&Jobs"))
        self.act_open = self._action(self.tr("Open transcript"),
                                     lambda: self._selected() and self.open_job(self._selected()[0]), "Return",
                                     self.jobs_menu)
        self.act_cancel = self._action(self.tr("Cancel"), lambda: self.controller.cancel(self._selected()), "Ctrl+.",
                                       self.jobs_menu)
        self.act_retry = self._action(self.tr("Retry"), lambda: self.controller.retry(self._selected()), "Ctrl+R",
                                      self.jobs_menu)
        self.act_top = self._action(self.tr("Move to top"), lambda: self.controller.move_to_top(self._selected()),
                                    "Ctrl+T", self.jobs_menu)
        self.act_remove = self._action(self.tr("Remove from list"), lambda: self.controller.remove(self._selected()),
                                       "Delete", self.jobs_menu)
        self.act_pause = self._action(self.tr("Pause"), lambda: self.controller.pause(self._selected()), "Ctrl+P",
                                      self.jobs_menu)
        self.act_resume = self._action(self.tr("Resume"), lambda: self.controller.resume(self._selected()),
                                       "Ctrl+Shift+P", self.jobs_menu)
        from app.gui.run_again import action_text
        from workers import stages

        self.again_actions = {stage.name: self._action(action_text(stage), lambda _=False, n=stage.name:
                                                       self.run_again_dialog(n), None, self.jobs_menu)
                              for stage in stages.run_again()}  # one per stage a person may run again
        self.act_reveal = self._action(self.tr("Show in file manager"), self.reveal_selected, None, self.jobs_menu)
        # Return and Delete act on the job list only: as window shortcuts they took the keys
        # from the transcript's editor (Return threw an edit away; Delete removed the job).
        for action in (self.act_open, self.act_remove):
            action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
            self.table.addAction(action)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.update_actions())
        self.update_actions()

    def _make_queue_panel(self) -> None:
        """The queue panel (replaces Flower) in a dock: View › Queue panel, Ctrl+Shift+Q."""
        from app.gui.queue_panel import QueuePanel

        self.queue_panel = QueuePanel(self.controller)
        self.queue_dock, toggle = self._dock(self.queue_panel, self.tr("Queue"), "queue-dock", Qt.BottomDockWidgetArea,
                                             self.tr("Queue panel"))
        # opened for the first time, it takes a third of the window: the job list keeps its room
        self.queue_dock.visibilityChanged.connect(self._size_queue_dock)
        toggle.setShortcut(QKeySequence("Ctrl+Shift+Q"))
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        view_menu.addAction(toggle)
        self.act_people = self._action(self.tr("People…"), self.people_dialog, None, view_menu)
        self._make_record_panel(view_menu)

    def _dock(self, widget, title: str, name: str, area, toggle_text: str):
        """*widget* in a dock, hidden at first; returns the dock and its View menu toggle."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        dock.hide()
        toggle = dock.toggleViewAction()
        toggle.setText(toggle_text)
        return dock, toggle

    def _make_record_panel(self, view_menu) -> None:
        """The Record panel (live text) in a dock: View › Record panel; Record (Ctrl+Shift+R)
        shows it and starts or stops recording."""
        from app.gui.record_panel import RecordPanel

        self.record_panel = RecordPanel(self.controller)
        self.record_dock, toggle = self._dock(self.record_panel, self.tr("Record"), "record-dock",
                                              Qt.RightDockWidgetArea, self.tr("Record panel"))
        view_menu.addAction(toggle)
        self.act_record = self._action(self.tr("Record"), self.record, "Ctrl+Shift+R")
        self.file_menu.insertAction(self.act_export, self.act_record)  # a way in, with the others; not after Quit

    def record(self) -> None:
        """Show the Record panel and start recording from its input, or stop."""
        self.record_dock.show()
        self.record_dock.raise_()
        self.record_panel.toggle()

    def _name_controls(self) -> None:
        """Accessible names where a control shows no words of its own (a screen reader
        reads them; Tab reaches every one)."""
        for widget, name in ((self.table, self.tr("Jobs")), (self.search_box, self.tr("Search all transcripts")),
                             (self.search_order, self.tr("Order of search results")),
                             (self.results, self.tr("Search results")), (self.overall, self.tr("Overall progress")),
                             (self.tabs, self.tr("Transcript and summary")), (self.drop_zone, self.tr("Drop zone"))):
            widget.setAccessibleName(name)

    def _make_toolbar(self) -> None:
        """The main actions, with icons and words, where people look for them first."""
        icon = self.style().standardIcon
        bar = self.addToolBar(self.tr("Main"))
        bar.setObjectName("main-toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        for action, standard in ((self.act_add, QStyle.SP_FileDialogNewFolder),
                                 (self.act_export, QStyle.SP_DialogSaveButton),
                                 (self.act_record, QStyle.SP_MediaPlay),
                                 (self.act_cancel, QStyle.SP_BrowserStop),
                                 (self.act_retry, QStyle.SP_BrowserReload),
                                 (self.act_top, QStyle.SP_ArrowUp),
                                 (self.queue_dock.toggleViewAction(), QStyle.SP_ComputerIcon)):
            action.setIcon(icon(standard))
            bar.addAction(action)
        for action in bar.actions():
            action.setToolTip(f"{action.text().rstrip('…')} ({action.shortcut().toString(QKeySequence.NativeText)})"
                              if not action.shortcut().isEmpty() else action.text().rstrip("…"))

    def event(self, event) -> bool:
        if event.type() == QEvent.WindowBlocked:  # a modal dialog opened: playback waits for the person
            self.transcript.pause()
        elif event.type() == QEvent.WindowUnblocked:  # it closed: the keys come back here at once
            QTimer.singleShot(0, self._take_focus_back)
        return super().event(event)

    def _take_focus_back(self) -> None:
        """After a dialog: this window active again with a control focused (without a window
        manager, or with a strict one, nobody else gives it back and shortcuts do nothing)."""
        if not self.isVisible() or QApplication.activeModalWidget() is not None:
            return
        self.activateWindow()
        self.raise_()
        focused = self.focusWidget()
        (focused if focused is not None and focused.isVisible() else self.table).setFocus(Qt.OtherFocusReason)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Resize and watched is self.results.viewport():
            self._fit_results()
        return super().eventFilter(watched, event)

    def _size_queue_dock(self, visible: bool) -> None:
        if visible and not getattr(self, "_dock_sized", False):
            self._dock_sized = True  # after the dock is laid out, or the layout undoes it
            QTimer.singleShot(0, lambda: self.resizeDocks([self.queue_dock], [max(300, self.height() // 2)],
                                                          Qt.Vertical))

    def _make_tray(self) -> None:
        self.tray = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(self.windowIcon() or QIcon(), self)
            self.tray.setToolTip(self.tr("Earmark"))
            self.tray.activated.connect(lambda _: (self.showNormal(), self.activateWindow()))
            self.tray.show()

    def update_actions(self) -> None:
        """Each job action is enabled only when it applies to the selection (Translate… on
        a failed text file, Cancel on a finished job: greyed out, not an error later).
        From the rows the list already holds: no store reads on the GUI thread."""
        rows = [self.model.rows[i.row()] for i in self.table.selectionModel().selectedRows()
                if i.row() < len(self.model.rows)]
        states = {r["state"] for r in rows}
        # a row's stage is its first unfinished one (the first when all are done)
        has_transcript = any(r["state"] == js.DONE or r["stage"] != "transcribe" or r["stage_state"] == js.DONE
                             for r in rows)
        self.act_open.setEnabled(len(rows) == 1 and has_transcript)
        self.act_cancel.setEnabled(bool(states & {js.QUEUED, js.RUNNING, js.PAUSED}))
        self.act_retry.setEnabled(bool(states & {js.FAILED, js.CANCELLED})
                                  or any(r["stage_state"] == js.CANCELLED for r in rows))
        self.act_top.setEnabled(js.QUEUED in states)
        self.act_pause.setEnabled(bool(states & {js.QUEUED, js.RUNNING}))
        self.act_resume.setEnabled(js.PAUSED in states)
        self.act_remove.setEnabled(bool(rows))
        for action in self.again_actions.values():
            action.setEnabled(has_transcript)
        self.act_reveal.setEnabled(bool(rows))
        self.act_export.setEnabled(has_transcript)

    def _context_menu(self, pos) -> None:
        if self._selected():
            QMenu.exec(self.jobs_menu.actions(), self.table.viewport().mapToGlobal(pos), None, self)

    # --- jobs ------------------------------------------------------------------------
    def _selected(self) -> list[str]:
        return [index.data(JobIdRole) for index in self.table.selectionModel().selectedRows()]

    def add_paths(self, paths: list[str], force: bool = False) -> None:
        if paths:
            self.controller.add_paths(paths, force)

    def add_files_dialog(self) -> None:
        from workers.media import MEDIA_SUFFIXES

        patterns = " ".join(f"*{suffix}" for suffix in sorted(MEDIA_SUFFIXES))
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Add recordings"), self._last_folder(),
                                                self.tr("Audio and video ({0});;All files (*)").format(patterns))
        if files:
            self.prefs.setValue("last_folder", str(Path(files[0]).parent))
        self.add_paths(files)

    def add_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a folder of recordings"), self._last_folder())
        if folder:
            self.prefs.setValue("last_folder", str(Path(folder).parent))
        self.add_paths([folder] if folder else [])

    def add_link_dialog(self) -> None:
        """A link to a recording, or to a page that holds one: fetched (yt-dlp) only now
        that it is asked for. The clipboard's link is offered."""
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtWidgets import QInputDialog

        from app.jobs.links import is_link

        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Add link"))
        dialog.setLabelText(self.tr("A link to a recording, or to a page that holds one (it is downloaded now):"))
        copied = QGuiApplication.clipboard().text().strip()
        dialog.setTextValue(copied if is_link(copied) else "")
        dialog.resize(560, dialog.sizeHint().height())

        def take() -> None:
            url = dialog.textValue().strip()
            if is_link(url):
                self.controller.add_link(url)
            elif url:
                self.statusBar().showMessage(self.tr("{0} is not a link (http:// or https://).").format(url), 8000)
        dialog.accepted.connect(take)
        self.link_box = dialog
        dialog.open()

    def _last_folder(self) -> str:
        """Where the last recordings were chosen from (the home folder the first time)."""
        folder = self.prefs.value("last_folder") or ""
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    def open_job(self, job_id: str, segment: int | None = None) -> None:
        job = self.controller.store.job(job_id)
        transcribed = job and self.controller.store.stage(job_id, "transcribe")["state"] == js.DONE
        if transcribed:  # readable while later stages (search indexing, …) still run
            self.transcript.open_job(job_id, segment)
            self.summary.open_job(job_id)
            notes = () if self.transcript.has_lines() else notes_of(self.controller.store.transcript(job_id) or {})
            self._notice = f"{Path(job['path']).name}: {notes_words(notes)}" if notes else ""
            if notes:  # no words (the speakers were heard): why the transcript is empty
                self._say_of_job(self._notice)
            elif self._said and self.status_label.text() == self._said:
                self._say_of_job("")  # the last job's words are not this job's (a batch's summary stays)
        elif job:
            self._say_of_job(f"{Path(job['path']).name}: {job_error(job) or self.tr('not transcribed yet')}")

    def _say_of_job(self, sentence: str) -> None:
        """The status line says what the job just opened says of itself (nothing: cleared)."""
        self._said = sentence
        self.status_label.setText(sentence)

    def _play_note(self, seconds: float) -> None:
        self.tabs.setCurrentWidget(self.transcript)
        self.transcript.play_at(seconds)

    def run_again_dialog(self, name: str) -> None:
        """Jobs › Find speakers…, Summarize…, Translate…: one dialog shape for every stage the
        table lets a person run again (``workers.stages.Again``): its question, the editor
        the settings dialog has for the option it asks, and a caution where the option has
        one. The desk checks the value (a sentence in the status bar when it cannot be used)."""
        from app.gui.run_again import RunAgainDialog
        from workers import stages

        ids = self._selected() or ([self.transcript.job_id] if self.transcript.job_id else [])
        if not ids:
            self.status_label.setText(self.tr("Select the transcripts first."))
            return
        dialog = RunAgainDialog(stages.stage(name), self.controller.settings, self.controller.data.root, self)
        dialog.accepted.connect(lambda: self.controller.run_stage(ids, name, **dialog.options()))
        dialog.open()
        self.again_box = dialog

    def people_dialog(self) -> None:
        from app.gui.people_dialog import PeopleDialog

        dialog = PeopleDialog(self.controller.store, self)
        dialog.changed.connect(self._people_changed)
        dialog.open()
        self.people_box = dialog

    def _people_changed(self, jobs: list[str]) -> None:
        """A person renamed or merged in View › People: the store made those transcripts'
        notes again with the new name; show them, and index those jobs again for search."""
        if self.transcript.job_id:
            self.transcript._load_segments()
        self.refresh_speaker_filter()
        self.summary.refresh()
        for job_id in jobs:
            self.controller.reindex(job_id)

    def reveal_selected(self) -> None:
        for job_id in self._selected()[:5]:
            path = Path(self.controller.store.job(job_id)["path"])
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))

    def export_dialog(self) -> None:
        ids = self._selected() or ([self.transcript.job_id] if self.transcript.job_id else [])
        if not ids:
            self.status_label.setText(self.tr("Select the jobs to export first."))
            return
        from app.gui.export_dialog import ExportDialog

        first = self.controller.store.job(ids[0])
        dialog = ExportDialog(self.controller.settings, len(ids), str(Path(first["path"]).parent), self)
        dialog.accepted.connect(lambda: self.controller.export(ids, dialog.chosen_formats(), dialog.folder.text().strip(),
                                                               notes=dialog.notes.isChecked()))
        self.export_box = dialog
        dialog.open()

    def settings_dialog(self) -> None:
        controller = self.controller
        dialog = SettingsDialog(controller.settings, self, api=controller if controller.api is not None else None)
        dialog.accepted.connect(lambda: dialog.restart_needed and controller.restart_stack())
        dialog.accepted.connect(controller.apply_api)
        self.settings_box = dialog
        dialog.open()

    # --- search ----------------------------------------------------------------------
    def run_search(self) -> None:
        query = self.search_box.text().strip()
        if not query:
            self.pages.setCurrentWidget(self.table if self.model.rows else self.drop_zone)
            return
        from html import escape

        from app.store.jobstore import MARK_END, MARK_START
        from workers.timefmt import clock

        self.results.clear()
        self.refresh_speaker_filter()
        faint = faint_text(self.results.palette())
        hits = self.controller.store.search(query, order=self.search_order.currentData(),
                                            speaker=self.search_speaker.currentData())
        for hit in hits:
            words, at = hit["marked"], hit["at"]
            kind = {"summary": self.tr("notes"), "translation": self.tr("translation")}.get(hit["kind"])
            where = " · ".join(part for part in (Path(hit["path"]).name, clock(at) if at is not None else None,
                                                 kind, unnamed_in_language(hit.get("speaker"))) if part)
            item = QListWidgetItem()
            item.setData(Qt.UserRole, (hit["job_id"], hit["idx"], hit["kind"], at))
            item.setData(Qt.AccessibleTextRole, f"{where}: {words.replace(MARK_START, '').replace(MARK_END, '')}")
            html = escape(words).replace(MARK_START, "<b>").replace(MARK_END, "</b>")
            label = QLabel(f"<span style='color: {faint}'>{escape(where)}</span><br>{html}")
            label.setTextFormat(Qt.RichText)
            label.setWordWrap(True)
            label.setContentsMargins(6, 3, 6, 3)
            label.setAttribute(Qt.WA_TransparentForMouseEvents)  # clicks reach the list
            self.results.addItem(item)
            self.results.setItemWidget(item, label)
        self._fit_results()
        if not hits:
            self.results.addItem(QListWidgetItem(self.tr("No transcript mentions “{0}”.").format(query)))
        self.pages.setCurrentWidget(self.results)

    def _fit_results(self) -> None:
        """Each result as tall as its wrapped words at the list's width: even gaps."""
        width = self.results.viewport().width()
        for i in range(self.results.count()):
            item = self.results.item(i)
            label = self.results.itemWidget(item)
            if label is not None:
                item.setSizeHint(QSize(width, label.heightForWidth(width)))

    def _open_hit(self, item) -> None:
        hit = item.data(Qt.UserRole)
        if not hit:
            return
        job_id, idx, kind, at = hit
        self.open_job(job_id, idx if kind != "summary" else None)
        if self.transcript.job_id != job_id:
            return
        if kind == "summary":  # the notes it was found in; their time link plays from there
            self.tabs.setCurrentWidget(self.summary)
            if at is not None:
                self.transcript.play_at(at)
            return
        self.tabs.setCurrentWidget(self.transcript)
        self.transcript.table.selectRow(idx)
        self.transcript.play_from(idx)

    # --- drops -----------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        urls = event.mimeData().urls()
        paths = [u.toLocalFile() for u in urls if u.isLocalFile()]
        links = [u.toString() for u in urls if u.scheme() in ("http", "https")]  # a link dragged from a browser
        if paths or links:
            event.acceptProposedAction()
            self.add_paths(paths)
            for link in links:
                self.controller.add_link(link)

    # --- updates ---------------------------------------------------------------------
    def _mark_dirty(self) -> None:
        self._dirty = True

    def _refresh_if_dirty(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        self.model.refresh()
        self.update_actions()  # a selected job's state may have changed
        self.summary.refresh()
        self._follow_translations()
        self._follow_speakers()
        if not self.search_box.text().strip():
            self.pages.setCurrentWidget(self.table if self.model.rows else self.drop_zone)
        self._follow_states()

    def _follow_translations(self) -> None:
        """A translation finished for the open transcript: offer it and show it."""
        job_id = self.transcript.job_id
        if not job_id:
            return
        row = next((r for r in self.model.rows if r["id"] == job_id), None)
        known = row.get("translations") if row else None
        if known != self._shown_translations.get(job_id):
            self._shown_translations[job_id] = known
            newest = known.split(", ")[-1] if known else None
            self.transcript.refresh_translations(prefer=newest)

    def _follow_speakers(self) -> None:
        """Speakers were found for the open transcript: show them (its segments change)."""
        job_id = self.transcript.job_id
        row = next((r for r in self.model.rows if r["id"] == job_id), None) if job_id else None
        if row is not None and row.get("speakers") != self._shown_speakers.get(job_id):
            self._shown_speakers[job_id] = row.get("speakers")
            self.transcript._load_segments()

    def refresh_speaker_filter(self) -> None:
        """The search's speaker filter offers everyone named so far."""
        keep = self.search_speaker.currentData()
        self.search_speaker.blockSignals(True)
        self.search_speaker.clear()
        self.search_speaker.addItem(self.tr("Anyone"), None)
        for person in self.controller.store.people():
            self.search_speaker.addItem(person["name"], person["name"])
        self.search_speaker.setCurrentIndex(max(0, self.search_speaker.findData(keep)))
        self.search_speaker.blockSignals(False)

    def _follow_states(self) -> None:
        """Notifications and overall progress, from state changes (auto-export: app.jobs.autoexport).

        A batch is every job that was waiting or running since the list was last idle; the
        overall bar is that batch's share done (a finished job counts whole), and the
        batch's end says how many were done, failed and cancelled."""
        active = [r for r in self.model.rows if r["state"] in (js.QUEUED, js.RUNNING, js.PAUSED)]
        # indexing again after an edit is quiet work: no "Working…", no "Batch finished: 1 done"
        quiet = {r["id"] for r in active if r.get("stage") == "index"}
        if active and not self._batch and len(quiet) < len(active):
            # a new batch: the last one's summary is old news (what was skipped of it is not)
            self.status_label.setText(" ".join([self.tr("Working…"), *self._skipped]))
        for row in self.model.rows:
            before = self._states.get(row["id"])
            now = row["state"]
            self._states[row["id"]] = now
            # a job under way, or one added since the window opened (a file that failed at once
            # counts in the batch it was dropped with)
            if now in (js.QUEUED, js.RUNNING, js.PAUSED) or row["id"] in self._batch or (
                    before is None and self._followed):
                if row["id"] not in self._batch and row["id"] in quiet:
                    self._quiet.add(row["id"])
                self._batch[row["id"]] = now
            if before is None or before == now or before in js.FINAL:
                continue
            if now == js.DONE and self.transcript.job_id is None:
                self.open_job(row["id"])
                self._notices += [self._notice] if self._notice else []
            elif now == js.FAILED:
                self.notify(self.tr("A job failed"), f"{Path(row['path']).name}: {job_error(row)}")
        self._followed = True
        if active:
            rows = {r["id"]: r for r in self.model.rows if r["id"] in self._batch}
            share = sum(1.0 if r["state"] in js.FINAL else (r.get("progress") or 0.0) for r in rows.values())
            self.overall.show()
            self.overall.setValue(int(share / max(1, len(rows)) * 1000))
            self.overall.setFormat(self.tr("{0} of {1} · %p%").format(
                sum(r["state"] in js.FINAL for r in rows.values()), len(rows)))
            if self.tray:
                self.tray.setToolTip(self.tr("Earmark: 1 job left") if len(active) == 1
                                     else self.tr("Earmark: {0} jobs left").format(len(active)))
        else:
            self.overall.hide()
            for job_id in self._quiet:  # re-indexed only: said if it failed, else nothing
                if self._batch.get(job_id) == js.DONE:
                    del self._batch[job_id]
            self._quiet = set()
            if self._batch:
                counts = {state: sum(s == state for s in self._batch.values())
                          for state in (js.DONE, js.FAILED, js.CANCELLED)}
                words = {js.DONE: self.tr("{0} done"), js.FAILED: self.tr("{0} failed"),
                         js.CANCELLED: self.tr("{0} cancelled")}
                said = ", ".join(words[state].format(n) for state, n in counts.items() if n)
                said = said or self.tr("nothing left")
                self.notify(self.tr("Batch finished"), ". ".join([said, " ".join(self._skipped)]) if self._skipped
                            else said)
                if self._notices:  # a transcript opened by itself says why it is empty: still in sight
                    self.status_label.setText(" ".join([f"{self.status_label.text()}.", *self._notices]))
                self._batch = {}
                self._skipped = []
                self._notices = []

    def _show_api(self, url: str, problem: str) -> None:
        self.api_label.setText(self.tr("API: {0}").format(url))
        self.api_label.setToolTip(self.tr("Other programs reach Earmark here (Settings › API has the key)"))
        self.api_label.setVisible(bool(url))

    def _note_skipped(self, sentence: str) -> None:
        """Said now and again when the batch ends: "Working…" must not hide it."""
        self._skipped.append(sentence)
        self.status_label.setText(sentence)

    def notify(self, title: str, message: str) -> None:
        self.status_label.setText(f"{title}: {message}")
        if self.tray:
            self.tray.showMessage(title, message)

    def _start_failed(self, message: str) -> None:
        self.status_label.setText(self.tr("Earmark could not start its workers"))
        box = QMessageBox(QMessageBox.Critical, self.tr("Earmark could not start"), message, QMessageBox.Ok, self)
        box.open()
        self.start_error_box = box

    def _duplicate(self, path: str, job_id: str) -> None:
        box = QMessageBox(QMessageBox.Question, self.tr("Already transcribed"),
                          self.tr("{0} was already transcribed with these settings.").format(Path(path).name),
                          parent=self)
        open_button = box.addButton(self.tr("Open transcript"), QMessageBox.AcceptRole)
        box.addButton(self.tr("Transcribe again"), QMessageBox.RejectRole)

        def answered(_):
            if box.clickedButton() is open_button:
                self.open_job(job_id)
            else:
                self.add_paths([path], force=True)

        box.finished.connect(answered)
        box.open()
        self.duplicate_box = box

    # --- window state and closing ------------------------------------------------------
    def _restore_geometry(self) -> None:
        if self.prefs.value("geometry"):
            self.restoreGeometry(self.prefs.value("geometry"))
            self.splitter.restoreState(self.prefs.value("splitter"))
            self.table.horizontalHeader().restoreState(self.prefs.value("columns"))
            if self.prefs.value("window_state"):
                self.restoreState(self.prefs.value("window_state"))
                self._dock_sized = True  # the person's own dock size, from last time
        else:
            self.resize(1280, 760)

    def closeEvent(self, event) -> None:
        if self._closed:
            event.accept()
            return
        if self._closing:  # a second close while stopping: keep waiting
            event.ignore()
            return
        active = any(r["state"] in (js.QUEUED, js.RUNNING) for r in self.model.rows)
        if self.tray and active and self.controller.settings["keep_running_in_tray"]:
            self.hide()
            self.notify(self.tr("Earmark keeps running"), self.tr("Jobs continue in the background."))
            event.ignore()
            return
        self.prefs.setValue("geometry", self.saveGeometry())
        self.prefs.setValue("splitter", self.splitter.saveState())
        self.prefs.setValue("columns", self.table.horizontalHeader().saveState())
        self.prefs.setValue("window_state", self.saveState())
        self.prefs.setValue("open_job", self.transcript.job_id or "")
        self.prefs.sync()
        event.ignore()
        self._closing = True
        self.status_label.setText(self.tr("Stopping workers…"))
        self.refresh_timer.stop()
        self.tick.stop()
        self.transcript.player.stop()
        self.queue_panel.close_panel()
        # The warm stop takes a second or two: off the GUI thread, then close for real.
        # a recording under way is finished and kept as a job first
        threading.Thread(target=lambda: (self.record_panel.shut(), self.controller.stop()), name="shutdown",
                         daemon=True).start()

    def _stopped(self) -> None:
        self._closed = True
        self.close()
