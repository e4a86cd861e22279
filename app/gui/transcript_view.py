"""The transcript of one job: segments with times and speakers, playback that follows
along, find, edits saved at once (the original kept for revert), speakers renamed,
merged and reassigned (each undoable, Ctrl+Z), export."""

from __future__ import annotations

import bisect
import os
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QEvent, QLocale, QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer
from PySide6.QtWidgets import (QAbstractItemDelegate, QApplication, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMenu, QPlainTextEdit, QPushButton, QSlider, QStackedWidget,
                               QStyledItemDelegate, QTableView, QVBoxLayout, QWidget)

from app.gui import palette
from workers.timefmt import clock

HIGHLIGHT, FOUND, EDITED = QColor(palette.HIGHLIGHT), QColor(palette.FOUND), QColor(palette.EDITED)
INK, GREY = QColor(palette.INK), QColor(palette.GREY)


TIME, TEXT = 0, 1  # logical columns; the speaker and translation columns follow when there


class SegmentModel(QAbstractTableModel):
    """Time and text of each segment (the text column is editable), its speaker when
    speakers were found (editable: a new name renames that speaker everywhere), and a
    translation when one is chosen. A transcript with no words whose speakers were heard
    has their turns as rows instead ("turn": read-only, no line of the transcript)."""

    edited = Signal(int, str)  # segment index, new text
    speaker_named = Signal(str, str)  # speaker key, new name

    def __init__(self, parent=None):
        super().__init__(parent)
        self.segments: list[dict] = []
        self.current = -1
        self.matches: set[int] = set()
        self.translation: dict[int, str] = {}  # segment idx → translated text
        self.translation_label = ""

    def load(self, segments: list[dict]) -> None:
        self.beginResetModel()
        self.segments, self.current, self.matches = segments, -1, set()
        self.endResetModel()

    def set_translation(self, label: str, texts: dict[int, str]) -> None:
        self.beginResetModel()
        self.translation_label, self.translation = label, texts
        self.endResetModel()

    @property
    def speaker_column(self) -> int | None:
        return 2 if any(s.get("speaker") for s in self.segments) else None

    @property
    def translation_column(self) -> int | None:
        return (3 if self.speaker_column else 2) if self.translation_label else None

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.segments)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 2 + bool(self.speaker_column) + bool(self.translation_label)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            if section == self.speaker_column:
                return self.tr("Speaker")
            if section == self.translation_column:
                return self.tr("Translation ({0})").format(self.translation_label)
            return (self.tr("Time"), self.tr("Text"))[section]
        return None

    def flags(self, index):
        base = super().flags(index)
        if self.segments[index.row()].get("turn"):
            return base
        return base | Qt.ItemIsEditable if index.column() in (TEXT, self.speaker_column) else base

    def data(self, index, role=Qt.DisplayRole):
        seg = self.segments[index.row()]
        if seg.get("turn") and role == Qt.ToolTipRole:
            return self.tr("{0} could be heard from {1} to {2}, but no words were recognised. Click to play it.").format(
                seg.get("speaker_label") or "", clock(seg["start"]), clock(seg["end"]))
        if index.column() == self.speaker_column:
            return self._speaker_data(seg, role)
        if seg.get("turn") and index.column() in (TIME, TEXT):
            shown = self._turn_data(seg, index.column(), role, index.row() == self.current)
            if shown is not None:
                return shown
        if role in (Qt.DisplayRole, Qt.EditRole):
            if index.column() == self.translation_column:
                return self.translation.get(seg["idx"], "")
            return clock(seg["start"]) if index.column() == TIME else seg["text"]
        if role == Qt.BackgroundRole:
            if index.row() == self.current:
                return QBrush(HIGHLIGHT)
            if index.row() in self.matches:
                return QBrush(FOUND)
        if role == Qt.FontRole and index.row() == self.current:  # seen under the selection's colour too
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ForegroundRole and index.column() == TEXT and seg.get("original_text"):
            return QBrush(EDITED)
        if role == Qt.ForegroundRole and (index.row() == self.current or index.row() in self.matches):
            return QBrush(INK)  # dark on the light highlight, in the dark theme too
        if role == Qt.ToolTipRole and seg.get("original_text"):
            return self.tr("Edited. Original: {0}").format(seg["original_text"])
        return None

    def _turn_data(self, seg: dict, column: int, role, current: bool):
        """A speaker's turn: its time span, and in place of words a muted "(no words recognised)"."""
        if role == Qt.DisplayRole:
            return f"{clock(seg['start'])} – {clock(seg['end'])}" if column == TIME \
                else self.tr("(no words recognised)")
        if column == TEXT and role == Qt.FontRole:
            font = QFont()
            font.setItalic(True)
            font.setBold(current)
            return font
        if column == TEXT and role == Qt.ForegroundRole and not current:
            return QBrush(GREY)
        return None

    def _speaker_data(self, seg: dict, role):
        if role in (Qt.DisplayRole, Qt.EditRole):
            return seg.get("speaker_label") or ""
        if role == Qt.ForegroundRole and seg.get("speaker"):
            return QBrush(QColor(palette.speaker_colour(seg["speaker"])))
        if role == Qt.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ToolTipRole and seg.get("speaker_confidence") is not None:
            return self.tr("Recognised by voice (similarity {0}). Type a name to correct it.").format(
                QLocale().toString(float(seg["speaker_confidence"]), "f", 2))  # "0,83" in German
        if role == Qt.ToolTipRole:
            return self.tr("Type a name: it names this speaker in the whole transcript")
        return None

    def setData(self, index, value, role=Qt.EditRole):
        if role == Qt.EditRole and index.column() == self.speaker_column:
            seg = self.segments[index.row()]
            name = str(value).strip()
            if seg.get("speaker") and name and name != seg.get("speaker_label"):
                self.speaker_named.emit(seg["speaker"], name)
                return True
            return False
        if role != Qt.EditRole or index.column() != TEXT:
            return False
        seg = self.segments[index.row()]
        text = str(value).strip()
        if text == seg["text"]:
            return False
        seg.setdefault("original_text", None)
        seg["original_text"] = seg["original_text"] or seg["text"]
        seg["text"] = text
        self.dataChanged.emit(index, index)
        self.edited.emit(seg["idx"], text)
        return True

    def set_current(self, row: int) -> None:
        if row == self.current:
            return
        old, self.current = self.current, row
        for r in (old, row):
            if 0 <= r < len(self.segments):
                self.dataChanged.emit(self.index(r, 0), self.index(r, self.columnCount() - 1))


MULTIMEDIA_QUIET = "qt.multimedia*=false"


def quiet_multimedia_threads() -> None:
    """Qt Multimedia's own messages are turned off before a player exists. Its back ends
    log from their own threads (decoding, audio output). A message handler written in
    Python (the app's ``quiet_qt``, pytest-qt's log capture) must take Python's lock to
    run. If the GUI thread holds that lock while it waits for one of those threads, for
    example while a player is stopped or deleted, both threads wait for ever: the same
    hazard as ``settle_virtuals``'s (the hang the suite met, first blamed on this, was
    that one). Rules are checked in C++ before any handler is called, so a message turned
    off here never needs Python's lock."""
    from PySide6.QtCore import QLoggingCategory

    QLoggingCategory.setFilterRules(MULTIMEDIA_QUIET)


def settle_virtuals(*objects) -> None:
    """Let Qt's media threads call these Python-made objects' virtual methods without
    Python's lock. A QMediaPlayer or QAudioOutput made in Python is a binding subclass:
    each of its virtual methods first asks Python (under Python's lock) whether Python
    overrides it, and remembers "no" only once it has asked. The FFmpeg back end's
    threads destroy objects connected to the player's signals, and Qt then calls the
    player's ``disconnectNotify`` from that thread while holding a signal lock. If the GUI
    thread holds Python's lock and at that moment waits for the same signal lock (a
    ``setSource`` or ``stop``), both wait for ever: the suite hung this way, in
    ``open_job``. Connecting and disconnecting once here, on the GUI thread, asks
    Python both questions before any media thread can."""
    def nothing(*_args) -> None:
        pass

    for obj in objects:
        obj.disconnect(obj.destroyed.connect(nothing))  # connectNotify, then disconnectNotify


def quiet_ffmpeg() -> None:
    """Qt's FFmpeg prints a banner for every file it opens ("Input #0, mp3, from '/path…'",
    a dozen lines naming the file) on the terminal: keep only its errors. Called once a
    player exists (Qt has loaded its libavutil then: only that copy is reached)."""
    import ctypes
    import re
    from pathlib import Path as _Path

    import PySide6

    av_log_error = 16
    loaded_only = getattr(os, "RTLD_NOLOAD", 0) | getattr(os, "RTLD_LAZY", 0)
    for library in (_Path(PySide6.__file__).parent / "Qt" / "lib").glob("libavutil.so.*"):
        if loaded_only and re.fullmatch(r"libavutil\.so\.\d+", library.name):
            try:
                ctypes.CDLL(str(library), mode=loaded_only).av_log_set_level(av_log_error)
            except (OSError, AttributeError):  # another FFmpeg, or none loaded: a banner is no reason to stop
                pass


class SegmentTextDelegate(QStyledItemDelegate):
    """A segment's text is edited in a box that wraps, as tall as the text (a long segment
    shows its start and its end); Return saves, Escape cancels, as in a one-line editor."""

    def createEditor(self, parent, option, index):
        if index.column() != TEXT:
            return super().createEditor(parent, option, index)
        editor = QPlainTextEdit(parent)
        editor.setTabChangesFocus(True)
        editor.setFrameShape(QPlainTextEdit.NoFrame)
        editor.setVerticalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        editor.installEventFilter(self)
        return editor

    def setEditorData(self, editor, index):
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(index.data(Qt.EditRole) or "")
            editor.moveCursor(editor.textCursor().MoveOperation.End)
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QPlainTextEdit):
            model.setData(index, " ".join(editor.toPlainText().split()), Qt.EditRole)  # one line, as it was
        else:
            super().setModelData(editor, model, index)

    def updateEditorGeometry(self, editor, option, index):
        rect = option.rect
        if isinstance(editor, QPlainTextEdit):  # the whole text in view: taller than the row where needed
            text = editor.toPlainText() or index.data(Qt.EditRole) or " "  # called before the text is set
            needed = editor.fontMetrics().boundingRect(rect.adjusted(4, 0, -12, 0), Qt.TextWordWrap,
                                                       text).height() + 12
            rect = rect.adjusted(0, 0, 0, max(0, needed - rect.height()))
        editor.setGeometry(rect)

    def eventFilter(self, editor, event):
        if isinstance(editor, QPlainTextEdit) and event.type() == QEvent.KeyPress:
            if event.key() in (Qt.Key_Return, Qt.Key_Enter) and not event.modifiers() & Qt.ShiftModifier:
                self.commitData.emit(editor)
                self.closeEditor.emit(editor, QAbstractItemDelegate.NoHint)
                return True
            if event.key() == Qt.Key_Escape:
                self.closeEditor.emit(editor, QAbstractItemDelegate.RevertModelCache)
                return True
        return super().eventFilter(editor, event)


class TranscriptWidget(QWidget):
    speakers_changed = Signal()  # a name, a merge, a segment moved or an edit undone: the notes follow
    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.job_id: str | None = None
        self.speakers: list[dict] = []
        self.starts: list[float] = []
        self.model = SegmentModel(self)
        self.model.edited.connect(self._save_edit)
        self.model.speaker_named.connect(self.name_speaker)

        self.title = QLabel(self.tr("No transcript open"))
        self.title.setFont(QFont(self.title.font().family(), 12, QFont.Bold))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.selectionModel().selectionChanged.connect(self._update_revert)
        self.model.dataChanged.connect(self._update_revert)  # a line edited
        self.model.modelReset.connect(self._update_edit_buttons)  # opened, or a speaker edit reloaded it
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.setSelectionBehavior(QTableView.SelectRows)
        self.table.setEditTriggers(QTableView.DoubleClicked | QTableView.EditKeyPressed)
        self.table.setItemDelegateForColumn(TEXT, SegmentTextDelegate(self.table))
        self.table.setContextMenuPolicy(Qt.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._speaker_menu)
        self.table.clicked.connect(self._clicked)
        self.table.doubleClicked.connect(self._double_clicked)
        self._click_row: int | None = None
        self._click_timer = QTimer(self, singleShot=True, timeout=self._play_clicked)
        # a long line is shown whole: the rows in view (only those: all of a long transcript's
        # would take seconds) are fitted to their text whenever what is in view may have changed
        self._fit_timer = QTimer(self, singleShot=True, interval=0, timeout=self._fit_rows_in_view)
        for changed in (self.model.modelReset, self.model.dataChanged, self.model.layoutChanged,
                        self.table.horizontalHeader().sectionResized, self.table.verticalScrollBar().valueChanged,
                        self.table.verticalScrollBar().rangeChanged):
            changed.connect(lambda *_: self._fit_timer.start())

        quiet_multimedia_threads()
        self.player = QMediaPlayer(self)
        quiet_ffmpeg()
        self.audio = QAudioOutput(self)
        settle_virtuals(self.player, self.audio)
        self.player.setAudioOutput(self.audio)
        self.player.positionChanged.connect(self._position_changed)
        self.player.durationChanged.connect(self._duration_changed)
        self.player.playbackStateChanged.connect(self._state_changed)
        self.player.mediaStatusChanged.connect(self._media_status_changed)
        self._pending_ms: int | None = None  # a seek asked for before the new file was loaded
        self._loaded_ms: int | None = None  # the open file's length, once the player has read it
        self._known_ms = 0  # and as the job knows it, shown until then

        self.play_button = QPushButton(self.tr("Play"))
        self.play_button.clicked.connect(self.toggle_play)
        self.seek = QSlider(Qt.Horizontal)
        self.seek.setMinimumWidth(120)  # a bar to drag, never a square, whatever shares its row
        self.seek.sliderMoved.connect(self.player.setPosition)
        self.position_label = QLabel(self.tr("0:00 / 0:00"))
        self.no_sound = QLabel(self.tr("No sound output found: playback is silent."))
        self.no_sound.setWordWrap(True)
        self.no_sound.setVisible(not QMediaDevices.audioOutputs())
        self.speed = QComboBox()
        for rate in ("0.5×", "0.75×", "1×", "1.25×", "1.5×", "2×"):
            self.speed.addItem(rate, float(rate[:-1]))
        self.speed.setCurrentIndex(2)
        self.speed.currentIndexChanged.connect(lambda _: self.player.setPlaybackRate(self.speed.currentData()))
        self.languages = QComboBox()  # which translation shows beside the original
        self.languages.setToolTip(self.tr("Show a translation beside the original"))
        self.languages.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.languages.currentIndexChanged.connect(self._show_translation)
        self.revert_button = QPushButton(self.tr("Revert edit"))
        self.revert_button.clicked.connect(self.revert_selected)
        self.undo_speakers = QAction(self.tr("Undo speaker edit"), self)
        self.undo_speakers.setShortcut(QKeySequence.Undo)
        self.undo_speakers.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        self.undo_speakers.triggered.connect(self.undo_speaker_edit)
        self.table.addAction(self.undo_speakers)
        self.undo_button = QPushButton(self.tr("Undo speaker edit"))
        self.undo_button.clicked.connect(self.undo_speaker_edit)

        # a translation from a model that scored below the floor says so where it is read
        self.translation_note = QLabel()
        self.translation_note.setWordWrap(True)
        self.translation_note.setVisible(False)

        self.find = QLineEdit()
        self.find.setPlaceholderText(self.tr("Find in transcript (Ctrl+F)"))
        self.find.textChanged.connect(self._find)
        self.find.returnPressed.connect(self._find_next)
        QShortcut(QKeySequence.Find, self, activated=lambda: (self.find.setFocus(), self.find.selectAll()))

        controls = QHBoxLayout()  # playback on one row, edits and what to know on the next:
        for w in (self.play_button, self.seek, self.position_label, self.speed, self.languages):
            controls.addWidget(w, 1 if w is self.seek else 0)
        edits = QHBoxLayout()  # longer words ("Bearbeitung zurücknehmen") are never cut short
        for w in (self.revert_button, self.undo_button):
            edits.addWidget(w)
        edits.addWidget(self.no_sound, 1)  # the seek bar keeps its row
        # with no transcript open: a sentence, not an empty table and buttons that do nothing
        self.empty = QLabel(self.tr("No transcript open.\n\nDouble-click a finished job in the list, or press Return "
                                    "on it, to read, play and edit its transcript here."))
        self.empty.setAlignment(Qt.AlignCenter)
        self.empty.setWordWrap(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self.table)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.find)
        layout.addWidget(self.translation_note)
        layout.addWidget(self.pages, 1)
        layout.addLayout(controls)
        layout.addLayout(edits)
        self.languages.setVisible(False)  # shown when the open transcript has translations
        self.undo_button.setVisible(False)  # and this when it has speakers
        for widget, name in ((self.table, self.tr("Transcript segments")), (self.seek, self.tr("Playback position")),
                             (self.speed, self.tr("Playback speed")), (self.languages, self.tr("Translation shown")),
                             (self.find, self.tr("Find in transcript")), (self.position_label, self.tr("Position"))):
            widget.setAccessibleName(name)
        self._set_open(False)

    def _set_open(self, is_open: bool) -> None:
        self.pages.setCurrentWidget(self.table if is_open else self.empty)
        for control in (self.find, self.play_button, self.seek, self.speed):
            control.setEnabled(is_open)
        self._update_edit_buttons()

    def _update_edit_buttons(self, *_) -> None:
        """Revert and undo only when they have something to put back (a fresh transcript
        offered both, and pressing them did nothing). Again at each (re)load."""
        undo = bool(self.job_id) and self.store.speaker_edit_to_undo(self.job_id) is not None
        self.undo_button.setEnabled(undo)
        self.undo_speakers.setEnabled(undo)
        self._update_revert()

    def _update_revert(self, *_) -> None:
        """Revert: when a selected line was edited (as the selection or a line changes)."""
        shown = self.job_id is not None and self.pages.currentWidget() is self.table
        rows = self.table.selectionModel().selectedRows() if shown else []
        self.revert_button.setEnabled(any(self.model.segments[i.row()].get("original_text") for i in rows
                                          if i.row() < len(self.model.segments)))

    def _fit_rows_in_view(self) -> None:
        """Each row in view as tall as its text needs (never less than the usual row)."""
        table, rows = self.table, self.model.rowCount()
        row, least = max(0, table.rowAt(0)), table.verticalHeader().defaultSectionSize()
        while row < rows and table.rowViewportPosition(row) < table.viewport().height():
            table.setRowHeight(row, max(least, table.sizeHintForRow(row)))
            row += 1

    # --- loading -----------------------------------------------------------------
    def open_job(self, job_id: str, segment: int | None = None) -> None:
        job = self.store.job(job_id)
        self.job_id = job_id
        self._set_open(True)
        self.title.setText(Path(job["path"]).name)
        self._load_segments()
        self.refresh_translations()
        self.player.stop()
        self._pending_ms = None
        # the length known from the job until the player has read the new file's own (the
        # last file's stayed on show until then, or for good if this one cannot be read)
        self._loaded_ms, self._known_ms = None, int((job.get("duration_seconds") or 0) * 1000)
        self.player.setSource(QUrl.fromLocalFile(job["path"]))
        self._show_position(0)
        if segment is not None and 0 <= segment < len(self.model.segments):
            self.table.scrollTo(self.model.index(segment, TEXT))

    def _load_segments(self) -> None:
        """The open job's segments (again, after a speaker edit: the row shown stays)."""
        segments = self.store.segments(self.job_id)
        if not segments:  # no words recognised, the speakers heard: their turns, to see and play
            segments = [{"idx": None, "start": t["start"], "end": t["end"], "text": "", "speaker": t["key"],
                         "turn": True} for t in self.store.speaker_turns(self.job_id, keys=True)]
        self.speakers = self.store.speakers(self.job_id)
        for speaker in self.speakers:  # one not named yet reads "Speaker N" in the window's language
            if not speaker["name"]:
                speaker["label"] = self.tr("Speaker {0}").format(speaker["key"])
        confidence = {s["key"]: s["confidence"] for s in self.speakers}
        label = {s["key"]: s["label"] for s in self.speakers}
        for seg in segments:
            seg["speaker_confidence"] = confidence.get(seg.get("speaker"))
            if seg.get("speaker") in label:
                seg["speaker_label"] = label[seg["speaker"]]
        self.starts = [s["start"] for s in segments]
        top = self.table.rowAt(0)
        self.model.load(segments)
        header = self.table.horizontalHeader()
        if self.model.speaker_column is not None:  # shown between the time and the text
            header.moveSection(header.visualIndex(self.model.speaker_column), 1)
            header.setSectionResizeMode(self.model.speaker_column, QHeaderView.ResizeToContents)
        self.undo_button.setVisible(bool(self.speakers))
        if top > 0:
            self.table.scrollTo(self.model.index(top, TEXT), QTableView.PositionAtTop)

    def refresh_translations(self, prefer: str | None = None) -> None:
        """Offer every translation of the open job; keep the one shown, or show *prefer*."""
        runs = self.store.translation_languages(self.job_id) if self.job_id else []
        keep = prefer or self.languages.currentData()
        self.languages.blockSignals(True)
        self.languages.clear()
        self.languages.addItem(self.tr("No translation"), None)
        for run in runs:  # by its own name, as the Translate dialog and Settings offer it ("français (fr)")
            code = run["language"]
            self.languages.addItem(f"{QLocale(code).nativeLanguageName() or run['language_name'] or code} ({code})",
                                   code)
        found = self.languages.findData(keep) if keep else -1
        if found < 0 and runs and prefer is None and keep is None:
            found = self.languages.count() - 1  # the newest, when none was chosen
        self.languages.setCurrentIndex(max(0, found))
        self.languages.setVisible(bool(runs))
        self.languages.blockSignals(False)
        self._show_translation()

    def _show_translation(self, *_):
        language = self.languages.currentData()
        translation = self.store.translation(self.job_id, language) if language and self.job_id else None
        texts = {s["idx"]: s["text"] for s in translation["segments"]} if translation else {}
        self.model.set_translation(language or "", texts)
        note = self._caution(translation["model"]) if translation else ""
        self.translation_note.setText(note)
        self.translation_note.setVisible(bool(note))
        header = self.table.horizontalHeader()
        for column in (TEXT, self.model.translation_column):
            if column is not None:
                header.setSectionResizeMode(column, QHeaderView.Stretch)

    def _caution(self, model: str | None) -> str:
        """What to know about a translation *model* made (a file name, as stored), when it
        scored below the floor on Earmark's test translation ("" otherwise)."""
        from workers.engines import llm
        from workers.engines.gguf import BUNDLED, bundled_gguf
        from workers.errors import ModelError

        try:
            bundled = os.path.basename(bundled_gguf())
        except ModelError:
            bundled = None
        if model not in (BUNDLED, bundled) or not llm.translation_warning("text", BUNDLED):
            return ""
        return self.tr("Translated by the bundled model (SmolLM2-135M), which scored {0} of 100 on Earmark's test "
                       "translation, below the {1} a usable translation needs: expect wrong and untranslated "
                       "sentences.").format(f"{llm.TRANSLATION_CHRF[('text', BUNDLED)]:.0f}", f"{llm.TRANSLATION_FLOOR:.0f}")

    def text(self) -> str:
        return " ".join(s["text"] for s in self.model.segments)

    def has_lines(self) -> bool:
        """Whether the open transcript has lines (rows that are only speakers' turns are none)."""
        return any(not s.get("turn") for s in self.model.segments)

    # --- playback ----------------------------------------------------------------
    def toggle_play(self) -> None:
        if self.player.playbackState() == QMediaPlayer.PlayingState:
            self.player.pause()
        else:
            self.player.play()

    def play_at(self, seconds: float) -> None:
        """Play from *seconds*, the segment that holds it selected (a note's time link)."""
        rows = [i for i, seg in enumerate(self.model.segments) if seg["start"] <= seconds + 0.01]
        if rows:
            self.table.selectRow(rows[-1])
        self.seek_to(int(seconds * 1000))
        self.player.play()

    def play_from(self, row: int) -> None:
        self.seek_to(int(self.model.segments[row]["start"] * 1000))
        self.player.play()

    def seek_to(self, ms: int) -> None:
        """Go to *ms*; a file still loading (just opened: a search hit in another
        transcript) takes the position once loaded, as the player ignores it before."""
        loaded = self.player.mediaStatus() in (QMediaPlayer.LoadedMedia, QMediaPlayer.BufferedMedia,
                                               QMediaPlayer.BufferingMedia, QMediaPlayer.EndOfMedia)
        self._pending_ms = None if loaded else ms
        if loaded:  # one seek only: seeks in quick succession make Qt's FFmpeg rebuild its renderers
            self.player.setPosition(ms)

    def _media_status_changed(self, status) -> None:
        if status in (QMediaPlayer.LoadedMedia, QMediaPlayer.BufferedMedia) and self._pending_ms is not None:
            ms, self._pending_ms = self._pending_ms, None
            self.player.setPosition(ms)

    def _clicked(self, index) -> None:
        """A click plays from its segment, unless it is the first of a double click (which
        edits): the play waits for the double-click interval."""
        self._click_row = index.row()
        self._click_timer.start(QApplication.styleHints().mouseDoubleClickInterval())

    def _double_clicked(self, index) -> None:
        self._click_timer.stop()

    def _play_clicked(self) -> None:
        if self._click_row is not None and 0 <= self._click_row < len(self.model.segments):
            self.play_from(self._click_row)

    def pause(self) -> None:
        if self.player.playbackState() == QMediaPlayer.PlayingState:
            self.player.pause()

    def _duration_changed(self, ms: int) -> None:
        self.seek.setRange(0, ms)
        self._loaded_ms = ms or None
        self._show_position(self.player.position())

    def _show_position(self, ms: int) -> None:
        self.position_label.setText(f"{clock(ms / 1000)} / {clock((self._loaded_ms or self._known_ms) / 1000)}")

    def _position_changed(self, ms: int) -> None:
        if not self.seek.isSliderDown():
            self.seek.setValue(ms)
        self._show_position(ms)
        row = bisect.bisect_right(self.starts, ms / 1000) - 1
        if row >= 0 and ms / 1000 > self.model.segments[row]["end"] + 0.5:
            row = -1  # a silence between segments
        if row != self.model.current:
            self.model.set_current(row)
            if row >= 0:
                self.table.scrollTo(self.model.index(row, TEXT))

    def _state_changed(self, state) -> None:
        self.play_button.setText(self.tr("Pause") if state == QMediaPlayer.PlayingState else self.tr("Play"))

    # --- editing and finding -----------------------------------------------------
    def _save_edit(self, idx: int, text: str) -> None:
        self.store.edit_segment(self.job_id, idx, text)  # local SQLite: a millisecond

    # --- speakers: each edit saved at once, undoable (Ctrl+Z), kept across restarts ---
    def name_speaker(self, key: str, name: str) -> None:
        """Name a speaker in the whole transcript. The name of another speaker of this
        transcript merges the two (they were one person)."""
        same = next((s for s in self.speakers if s["key"] != key and s["label"].casefold() == name.casefold()), None)
        if same:
            self.store.merge_speakers(self.job_id, key, same["key"])
        else:
            self.store.rename_speaker(self.job_id, key, name)
        self._load_segments()
        self.speakers_changed.emit()

    def merge_speaker(self, source: str, target: str) -> None:
        self.store.merge_speakers(self.job_id, source, target)
        self._load_segments()
        self.speakers_changed.emit()

    def move_segment(self, row: int, key: str | None) -> None:
        """One segment to another speaker (None: a new one)."""
        key = key or self.store.next_speaker_key(self.job_id)
        self.store.assign_segment(self.job_id, self.model.segments[row]["idx"], key)
        self._load_segments()
        self.speakers_changed.emit()

    def undo_speaker_edit(self) -> None:
        if self.job_id and self.store.undo_speaker_edit(self.job_id):
            self._load_segments()
            self.speakers_changed.emit()

    def _speaker_menu(self, pos) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid() or self.model.speaker_column is None or self.model.segments[index.row()].get("turn"):
            return
        seg = self.model.segments[index.row()]
        menu = QMenu(self)
        current = seg.get("speaker_label") or ""
        rename = menu.addAction(self.tr("Rename {0}…").format(current))
        rename.triggered.connect(lambda: self.table.edit(self.model.index(index.row(), self.model.speaker_column)))
        others = [s for s in self.speakers if s["key"] != seg.get("speaker")]
        merge = menu.addMenu(self.tr("Merge {0} into").format(current))
        move = menu.addMenu(self.tr("Move this segment to"))
        for other in others:
            merge.addAction(other["label"]).triggered.connect(
                lambda _=False, k=other["key"]: self.merge_speaker(seg["speaker"], k))
            move.addAction(other["label"]).triggered.connect(
                lambda _=False, k=other["key"], r=index.row(): self.move_segment(r, k))
        move.addAction(self.tr("A new speaker")).triggered.connect(lambda: self.move_segment(index.row(), None))
        merge.setEnabled(bool(others) and bool(seg.get("speaker")))
        menu.addSeparator()
        menu.addAction(self.undo_speakers)
        self.speaker_menu = menu  # tests reach it here
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def revert_selected(self) -> None:
        for index in self.table.selectionModel().selectedRows():
            seg = self.model.segments[index.row()]
            if seg.get("original_text"):
                self.store.revert_segment(self.job_id, seg["idx"])
        if self.job_id:
            self.open_job(self.job_id)
            self.speakers_changed.emit()  # the words changed back: the notes too

    def _find(self, needle: str) -> None:
        needle = needle.strip().lower()
        self.model.matches = {i for i, s in enumerate(self.model.segments)
                              if needle and needle in s["text"].lower()}
        if self.model.segments:
            self.model.dataChanged.emit(self.model.index(0, 0),
                                        self.model.index(len(self.model.segments) - 1, self.model.columnCount() - 1))
        self._find_next()

    def _find_next(self) -> None:
        if not self.model.matches:
            return
        current = self.table.currentIndex().row()
        after = sorted(m for m in self.model.matches if m > current) or sorted(self.model.matches)
        self.table.selectRow(after[0])
        self.table.scrollTo(self.model.index(after[0], TEXT))
