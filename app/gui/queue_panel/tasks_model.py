"""The task table: its columns declared once (title, value, sort key, width), the
filter and the model over every task in the job store."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QLocale, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.gui.jobs_model import source_text, word
from app.gui.palette import STATE_COLOURS
from app.gui.table import ColumnsModel

FINISHED = ("succeeded", "failed", "cancelled", "revoked", "moved")
# a task's states, beside the job's (app.gui.jobs_model.STATES): shown with word()
TASK_STATES = (QT_TRANSLATE_NOOP("State", "received"), QT_TRANSLATE_NOOP("State", "started"),
               QT_TRANSLATE_NOOP("State", "retried"), QT_TRANSLATE_NOOP("State", "succeeded"),
               QT_TRANSLATE_NOOP("State", "revoked"), QT_TRANSLATE_NOOP("State", "moved"),
               QT_TRANSLATE_NOOP("State", "lost"), QT_TRANSLATE_NOOP("State", "sent"))  # sent: by the app
TaskIdRole = Qt.UserRole + 1


def when(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else ""


def secs(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value * 1000:.0f} ms" if value < 1 else f"{QLocale().toString(float(value), 'f', 1)} s"  # "7,9 s" in German


def _wait(r: dict) -> float | None:
    return r["started_at"] - r["queued_at"] if r["started_at"] and r["queued_at"] else None


def _run(r: dict) -> float | None:
    if r["runtime"] is not None:
        return r["runtime"]
    return r["finished_at"] - r["started_at"] if r["finished_at"] and r["started_at"] else None


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[dict], str]
    sort_key: Callable[[dict], object]  # fast: 10,000 rows sort in milliseconds
    width: int = 80


COLUMNS = (
    Column(QT_TRANSLATE_NOOP("Columns", "State"), lambda r: word(r["state"] or ""), lambda r: r["state"]),
    Column(QT_TRANSLATE_NOOP("Columns", "Task"), lambda r: (r["name"] or "?").replace("earmark.", "") + (
        f" #{r['chunk']}" if r["chunk"] is not None else ""), lambda r: (r["name"] or "", r["chunk"] or 0), 150),
    Column(QT_TRANSLATE_NOOP("Columns", "Queue"), lambda r: r["queue"] or "", lambda r: r["queue"] or ""),
    Column(QT_TRANSLATE_NOOP("Columns", "File"), lambda r: Path(r["path"]).name if r.get("path") else "",
           lambda r: r.get("path") or "", 180),
    Column(QT_TRANSLATE_NOOP("Columns", "From"), lambda r: source_text(r), lambda r: r.get("source") or "", 110),
    Column(QT_TRANSLATE_NOOP("Columns", "Worker"), lambda r: r["worker"] or "", lambda r: r["worker"] or "", 160),
    Column(QT_TRANSLATE_NOOP("Columns", "Queued"), lambda r: when(r["queued_at"]), lambda r: r["queued_at"] or 0.0,
           140),
    Column(QT_TRANSLATE_NOOP("Columns", "Wait"), lambda r: secs(_wait(r)), lambda r: _wait(r) or -1.0, 70),
    Column(QT_TRANSLATE_NOOP("Columns", "Run"), lambda r: secs(_run(r)), lambda r: _run(r) or -1.0, 70),
    Column(QT_TRANSLATE_NOOP("Columns", "Finished"), lambda r: when(r["finished_at"]),
           lambda r: r["finished_at"] or 0.0, 140),
    Column(QT_TRANSLATE_NOOP("Columns", "Retries"), lambda r: str(r["retries"] or ""), lambda r: r["retries"] or 0, 50),
    Column(QT_TRANSLATE_NOOP("Columns", "Error"), lambda r: r["error"] or "", lambda r: r["error"] or ""),
)
NEWEST_FIRST = 6  # the Queued column, descending


class TaskFilter:
    """State, task name, queue, worker, free text (file, id, error) and a time range."""

    def __init__(self):
        self.state = self.name = self.queue = self.worker = self.text = ""
        self.after = self.before = None

    def accepts(self, row: dict) -> bool:
        if self.state and row["state"] != self.state:
            return False
        if self.name and row["name"] != self.name:
            return False
        if self.queue and row["queue"] != self.queue:
            return False
        if self.worker and row["worker"] != self.worker:
            return False
        at = row["queued_at"] or row["updated_at"]
        if self.after and at < self.after or self.before and at > self.before:
            return False
        if self.text:
            hay = " ".join(str(row.get(k) or "") for k in ("path", "task_id", "error", "job_id", "name")).lower()
            if self.text not in hay:
                return False
        return True


FIRST_READ = 10_000  # the tasks the panel shows of a longer history: the newest (and all that change after)


class TaskModel(ColumnsModel):
    """The job store's tasks (of a history longer than FIRST_READ, the newest and every one
    that changes after), filtered and sorted here (plain list operations,
    not a proxy's per-row calls: 10,000 rows re-sort in about 10 ms); refreshed with
    only the rows changed since last time, keeping the selection."""

    columns = COLUMNS

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.all: dict[str, dict] = {}  # self.rows: the visible ones, filtered and sorted
        self.position: dict[str, int] = {}
        self.since = 0.0
        self.stored = 0  # tasks in the store at the last refresh
        self.filter = TaskFilter()
        self.sort_column, self.sort_order = NEWEST_FIRST, Qt.DescendingOrder

    @property
    def total(self) -> int:
        """Every task in the history (the model holds the newest FIRST_READ of a longer one)."""
        return max(self.stored, len(self.all))

    def _arrange(self) -> None:
        """Recompute the visible rows; persistent indexes (the selection) follow their task."""
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        ids = [self.rows[i.row()]["task_id"] if i.row() < len(self.rows) else None for i in old]
        rows = [r for r in self.all.values() if self.filter.accepts(r)]
        rows.sort(key=COLUMNS[self.sort_column].sort_key, reverse=self.sort_order == Qt.DescendingOrder)
        self.rows = rows
        self.position = {r["task_id"]: i for i, r in enumerate(rows)}
        self.changePersistentIndexList(old, [self.index(self.position[t], i.column()) if t in self.position
                                             else QModelIndex() for t, i in zip(ids, old)])
        self.layoutChanged.emit()

    def set_filter(self, **values) -> None:
        for key, value in values.items():
            setattr(self.filter, key, value)
        self._arrange()

    def sort(self, column, order=Qt.AscendingOrder):
        self.sort_column, self.sort_order = column, order
        self._arrange()

    def refresh(self) -> int:
        """Read what changed; return how many rows changed. Rows deleted elsewhere (a
        job removed from the list) are noticed by the count and dropped."""
        self.stored = self.store.task_count()
        if self.stored < len(self.all):
            self.all, self.since = {}, 0.0
            self._arrange()
        # a year's history is 100,000 tasks: read at first only the newest (2.6 s of CPU for all)
        changed = self.store.task_rows(self.since) if self.all else self.store.newest_task_rows(FIRST_READ)
        if not changed:
            return 0
        self.since = max(r["updated_at"] for r in changed)
        new = any(r["task_id"] not in self.all for r in changed)
        for row in changed:
            self.all[row["task_id"]] = row
        if new or len(changed) > 50:
            self._arrange()  # new rows take their place in the order
        else:
            for row in changed:
                i = self.position.get(row["task_id"])
                if i is not None:
                    self.rows[i] = row
                    self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))
        return len(changed)

    def remove(self, task_ids: set[str]) -> None:
        for task_id in task_ids:
            self.all.pop(task_id, None)
        self._arrange()

    def data(self, index, role=Qt.DisplayRole):
        row = self.rows[index.row()]
        if role == Qt.DisplayRole:
            return COLUMNS[index.column()].value(row)
        if role == TaskIdRole:
            return row["task_id"]
        if role == Qt.ForegroundRole and index.column() == 0 and row["state"] in STATE_COLOURS:
            return QBrush(QColor(STATE_COLOURS[row["state"]]))
        return None
