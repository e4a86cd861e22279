"""The job list: a table model over the job store, refreshed at most ~10 times a second."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale, Qt
from PySide6.QtGui import QColor

from app.gui import palette
from app.gui.messages import job_error, notes_words
from app.gui.table import ColumnsModel
from app.store import jobstore as js
from workers.timefmt import clock

ProgressRole = int(Qt.UserRole) + 1
JobIdRole = int(Qt.UserRole) + 2
# Roles as plain ints: comparing a role with a PySide6 enum (``role == Qt.DisplayRole``)
# costs about 4 µs, and a page of the job list asks ``data`` some 600 times (a scroll
# through 5,000 jobs spent 1.9 of its 3.3 s of CPU there).
DISPLAY, TOOLTIP, DECORATION = int(Qt.DisplayRole), int(Qt.ToolTipRole), int(Qt.DecorationRole)
ANSWERED = frozenset((DISPLAY, TOOLTIP, DECORATION, ProgressRole, JobIdRole))  # every other role: None


def time_left(row: dict, now: float) -> float | None:
    """From the rate so far: elapsed × (1 − p) / p, once there is a rate to go by."""
    p, started = row.get("progress") or 0.0, row.get("started_at")
    if row.get("stage_state") != js.RUNNING or not started or p < 0.02:
        return None
    return max(0.0, (now - started) * (1 - p) / p)


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[dict, float], object]
    width: int = 100


def languages(row: dict) -> str:
    """Spoken language, then what it was translated into: "de → en", "en → fr, es"."""
    spoken = row.get("language") or ""
    into = []
    if '"task": "translate"' in (row.get("options") or ""):
        into.append("en")  # Whisper's own speech-to-English
    if row.get("translations"):
        into.append(row["translations"])
    return f"{spoken} → {', '.join(into)}" if into else spoken


# What the job list says, declared for Linguist (the words are data, translated when shown):
# the states, a job's place in line (the stages' labels are declared in workers.stages and
# added to the "State" context by scripts/translations.py).
STATES = (QT_TRANSLATE_NOOP("State", "queued"), QT_TRANSLATE_NOOP("State", "running"),
          QT_TRANSLATE_NOOP("State", "done"), QT_TRANSLATE_NOOP("State", "failed"),
          QT_TRANSLATE_NOOP("State", "cancelled"), QT_TRANSLATE_NOOP("State", "paused"),
          QT_TRANSLATE_NOOP("State", "pending"))
PLACES = (QT_TRANSLATE_NOOP("State", "next"), QT_TRANSLATE_NOOP("State", "{0}st"), QT_TRANSLATE_NOOP("State", "{0}nd"),
          QT_TRANSLATE_NOOP("State", "{0}rd"), QT_TRANSLATE_NOOP("State", "{0}th"))


def word(text: str) -> str:
    return QCoreApplication.translate("State", text)


# Where a job came from (``app.jobs.desk``'s ways in), declared for Linguist.
SOURCES = (QT_TRANSLATE_NOOP("Source", "window"), QT_TRANSLATE_NOOP("Source", "command line"),
           QT_TRANSLATE_NOOP("Source", "api"), QT_TRANSLATE_NOOP("Source", "watch folder"),
           QT_TRANSLATE_NOOP("Source", "link"), QT_TRANSLATE_NOOP("Source", "live"))


def source_text(row: dict) -> str:
    """The way in, in the window's language, then its place: "watch folder /in"."""
    from app.jobs.desk import source_kind

    kind, place = source_kind(row.get("source"))
    kind = QCoreApplication.translate("Source", kind) if kind in SOURCES else kind
    return f"{kind} {place}".strip()


def note_text(row: dict) -> str:
    """The Note column: why a job failed (or what was cancelled), else what its transcription
    noted, in the window's language."""
    return job_error(row) or notes_words(row.get("note"))


def ordinal(n: int) -> str:
    if n == 1:
        return word("next")
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return word("{0}" + suffix).format(n)


def state_text(row: dict) -> str:
    """The job's state, its place in line while it waits ("queued · next", "queued · 3rd"),
    and past transcription the stage it is at ("running · Summary")."""
    text = word(row["state"])
    if row["state"] in (js.QUEUED, js.RUNNING, js.PAUSED) and row.get("stage") not in (None, "transcribe"):
        text = f"{text} · {word(js.stage_label(row['stage']))}"
    if row.get("place"):
        text += f" · {ordinal(row['place'])}"
    return text


def place_in_line(rows: list[dict]) -> None:
    """Number the jobs waiting in each queue in the order the broker will serve them: by
    priority (a job moved to the top first), then first come."""
    from workers import stages

    waiting: dict[str, list[dict]] = {}
    for row in rows:
        row["place"] = None
        if row.get("stage_state") == js.QUEUED and row.get("stage") in stages.stage_names():
            waiting.setdefault(stages.stage(row["stage"]).task.queue.name, []).append(row)
    for line in waiting.values():
        line.sort(key=lambda r: (r.get("priority") if r.get("priority") is not None else 9, r.get("queued_at") or 0))
        for place, row in enumerate(line, start=1):
            row["place"] = place


# What matters first fits a laptop's half window: file, progress, state, time left, and
# why a job failed; duration and languages after them.
COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "File"), lambda r, now: Path(r["path"]).name, 190),
    Column(QT_TRANSLATE_NOOP("Columns", "Progress"), lambda r, now: r.get("progress") or 0.0, 110),
    Column(QT_TRANSLATE_NOOP("Columns", "State"), lambda r, now: state_text(r), 150),
    Column(QT_TRANSLATE_NOOP("Columns", "Time left"), lambda r, now: clock(time_left(r, now)), 65),
    Column(QT_TRANSLATE_NOOP("Columns", "Note"), lambda r, now: note_text(r), 240),
    Column(QT_TRANSLATE_NOOP("Columns", "Duration"), lambda r, now: clock(r["duration_seconds"]), 65),
    Column(QT_TRANSLATE_NOOP("Columns", "Language"), lambda r, now: languages(r), 90),
    Column(QT_TRANSLATE_NOOP("Columns", "From"), lambda r, now: source_text(r), 140),
)
WHOLE_READ_SECONDS = 30.0  # every job read again now and then: what changed without its job (a speaker merged)
CHANGED_MARGIN_SECONDS = 5.0  # another process's change may commit a little after the time it carries
PROGRESS_COLUMN = 1
STATE_COLUMN = 2
NOTE_COLUMN = 4
STATE_COLORS = {state: QColor(colour) for state, colour in palette.JOB_STATE_COLOURS.items()}
STATE_ICONS: dict = {}  # made once a QApplication exists (see JobTableModel)


def _state_icons() -> dict:
    from PySide6.QtGui import QIcon, QPainter, QPixmap

    icons = {}
    for state, colour in STATE_COLORS.items():
        pixmap = QPixmap(12, 12)
        pixmap.fill(Qt.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setBrush(colour)
        painter.setPen(Qt.NoPen)
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()
        icons[state] = QIcon(pixmap)
    return icons


class JobTableModel(ColumnsModel):
    columns = COLUMNS

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.now = time.time()
        self.notes: dict[tuple, list] = {}  # (job id, finished at) → its transcript's notes ([] when none)
        self._count = -1  # jobs in the store at the last whole read
        self._read_at = 0.0  # when the last whole read was
        self._changed_until = 0.0  # the newest change read so far (the writers' clock)
        if not STATE_ICONS:
            STATE_ICONS.update(_state_icons())

    def refresh(self) -> None:
        """Re-read what changed in the store since the last refresh (every job when jobs came
        or went, and now and then); rows changed in place keep the selection. Reading every
        job a second took the window's event loop 0.3-0.5 s a time with 10,000 jobs."""
        now = time.time()
        count = self.store.job_count()
        if self.rows and count == self._count and now - self._read_at < WHOLE_READ_SECONDS:
            changed = self.store.job_rows(changed_since=self._changed_until - CHANGED_MARGIN_SECONDS)
            where = {r["id"]: i for i, r in enumerate(self.rows)}
            if all(r["id"] in where for r in changed):
                rows = list(self.rows)
                for row in changed:
                    rows[where[row["id"]]] = row
                self._show(rows, changed, reset=False)
                return
        rows = self.store.job_rows()
        self._count, self._read_at = count, now
        self._show(rows, rows, reset=[r["id"] for r in rows] != [r["id"] for r in self.rows])

    def _show(self, rows: list[dict], read: list[dict], reset: bool) -> None:
        """*rows*: the whole list to show; *read*: those of them just read from the store."""
        self._changed_until = max([self._changed_until, *(r["updated_at"] for r in read)])
        place_in_line(rows)
        # what a transcription noted (speech in a language the model cannot hear): read once a job
        # (again after a retry: the key holds when the job last finished)
        unread = {r["id"]: (r["id"], r["finished_at"]) for r in read
                  if (r["id"], r["finished_at"]) not in self.notes and (r["state"] in js.FINAL
                                                                        or r["stage"] != "transcribe")}
        if unread:
            noted = self.store.transcript_notes(list(unread))
            self.notes.update({key: noted.get(job_id, []) for job_id, key in unread.items()})
        for row in read:
            row["note"] = self.notes.get((row["id"], row["finished_at"]), [])
        self.now = time.time()
        if not reset:
            self.rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(COLUMNS) - 1))
        else:
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()

    def data(self, index, role=DISPLAY):
        if role not in ANSWERED or not index.isValid():
            return None
        row = self.rows[index.row()]
        at = index.column()
        if role == DISPLAY:
            value = COLUMNS[at].value(row, self.now)
            # "25 %" in German: the number as the locale writes it, the sign's spacing the translation's
            return (QCoreApplication.translate("JobTableModel", "{0}%").format(QLocale().toString(round(value * 100)))
                    if at == PROGRESS_COLUMN else value)
        if role == ProgressRole:
            return 1.0 if row["state"] == js.DONE else (row.get("progress") or 0.0)
        if role == JobIdRole:
            return row["id"]
        if role == TOOLTIP:
            if COLUMNS[at].title == "From":
                return source_text(row) or None
            return note_text(row) or row["path"]
        if at == STATE_COLUMN and row["state"] in STATE_ICONS:  # DECORATION
            return STATE_ICONS[row["state"]]  # a coloured mark, readable on the selection's colour too
        return None

    def job_id(self, row: int) -> str:
        return self.rows[row]["id"]
