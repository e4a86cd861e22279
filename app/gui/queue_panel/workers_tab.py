"""Workers: one row each (heartbeat, queues, pool, load, memory, model, restarts), and
what can be asked of them (restart, stop a helper, grow or shrink the pool, pause or resume a queue)."""

from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.gui import palette
from app.gui.table import read_only_table
from app.runtime import fleet

COLUMNS = (
    QT_TRANSLATE_NOOP("Columns", "Worker"), QT_TRANSLATE_NOOP("Columns", "Role"),
    QT_TRANSLATE_NOOP("Columns", "Status"), QT_TRANSLATE_NOOP("Columns", "Heartbeat"),
    QT_TRANSLATE_NOOP("Columns", "Queues"), QT_TRANSLATE_NOOP("Columns", "Pool"),
    QT_TRANSLATE_NOOP("Columns", "Active"), QT_TRANSLATE_NOOP("Columns", "Processed"),
    QT_TRANSLATE_NOOP("Columns", "Failed"), QT_TRANSLATE_NOOP("Columns", "Load"),
    QT_TRANSLATE_NOOP("Columns", "Memory"), QT_TRANSLATE_NOOP("Columns", "Model"),
    QT_TRANSLATE_NOOP("Columns", "Restarts"), QT_TRANSLATE_NOOP("Columns", "Last change"),
)


STATUSES = (QT_TRANSLATE_NOOP("WorkersTab", "online"), QT_TRANSLATE_NOOP("WorkersTab", "restarting"),
            QT_TRANSLATE_NOOP("WorkersTab", "offline"))
HELPER_GONE_SECONDS = 60  # a helper silent this long was turned off: its row goes (the log keeps it)


def status_word(status: str) -> str:
    return QCoreApplication.translate("WorkersTab", status)


def status_of(w: dict) -> str:
    return "online" if w["online"] else ("restarting" if w["supervised"] and w.get("alive") is not False
                                         else "offline")


class WorkersTab(QWidget):
    def __init__(self, controller, say: Callable[[str], None], after_action: Callable[[], None], parent=None):
        super().__init__(parent)
        self.controller, self.say, self.after_action = controller, say, after_action
        self.rows: list[dict] = []
        self.log: list[tuple[float, str, str, str]] = []  # (when, worker, status, why)
        self._status: dict[str, str] = {}
        self.table = read_only_table(COLUMNS, self.tr("Workers"), select_rows=True)
        self.queue_choice = QComboBox()
        self.queue_choice.setAccessibleName(self.tr("Queue to pause or resume"))
        buttons = QHBoxLayout()
        for text, slot in ((self.tr("Restart"), self.restart_worker), (self.tr("Stop helper"), self.stop_helper),
                           (self.tr("Grow pool"), lambda: self.resize_pool(+1)),
                           (self.tr("Shrink pool"), lambda: self.resize_pool(-1))):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel(self.tr("Queue:")))
        buttons.addWidget(self.queue_choice)
        for text, slot in ((self.tr("Pause consuming"), lambda: self.consume(False)),
                           (self.tr("Resume consuming"), lambda: self.consume(True))):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def refresh(self, last_poll: dict) -> None:
        stack = self.controller.stack
        if stack is None or self.controller.is_stopped:
            return
        self.show_rows(fleet.worker_rows(self.controller.fleet, stack.supervisor, last_poll.get("failed"),
                                         last_poll.get("memory")), last_poll.get("depths", {}))

    def show_rows(self, rows: list[dict], depths: dict) -> None:
        """Log each change of status, then show the workers (a helper gone a minute: no more)."""
        rows = [w for w in rows if w["supervised"] or w["online"] or (w["last_heartbeat"] or 0) < HELPER_GONE_SECONDS]
        now = time.time()
        for w in rows:  # each change of status is logged: a crash and restart stay visible
            status = status_of(w)
            if self._status.get(w["hostname"]) != status:
                why = f"exit {w['last_exit']}" if status != "online" and w.get("last_exit") is not None else ""
                # first seen online: since its process started, not since the panel opened
                first = w["hostname"] not in self._status and status == "online" and w.get("started_at")
                self.log.append((w["started_at"] if first else now, w["hostname"], status, why))
                self._status[w["hostname"]] = status
        self.rows = rows
        self._fill(rows, depths)

    def _last_change(self, hostname: str) -> str:
        entry = next((e for e in reversed(self.log) if e[1] == hostname), None)
        if not entry:
            return ""
        text = self.tr("{0} at {1}").format(status_word(entry[2]), time.strftime("%H:%M:%S", time.localtime(entry[0])))
        return text + (f" ({entry[3]})" if entry[3] else "")

    def _fill(self, rows: list[dict], depths: dict) -> None:
        self.table.setRowCount(len(rows))
        for i, w in enumerate(rows):
            values = (w["hostname"], w["role"], status_word(status_of(w)),
                      self.tr("{0:.0f} s ago").format(w["last_heartbeat"]) if w["last_heartbeat"] is not None
                      else self.tr("never"),
                      ", ".join(w["queues"] or []) if w["queues"] is not None else "?",
                      f"{w['pool'] or '?'} ×{w['concurrency'] or '?'}", str(w["active"]), str(w["processed"]),
                      str(w["failed"]), " ".join(QLocale().toString(float(x), "f", 2) for x in w["load"]) if w["load"] else "",
                      f"{w['memory_mb']:.0f} MB" if w["memory_mb"] else "", w["model"] or "",
                      "" if w["restarts"] is None else str(w["restarts"]), self._last_change(w["hostname"]))
            for j, value in enumerate(values):
                item = QTableWidgetItem(value)
                if j == 2:
                    item.setForeground(QBrush(QColor(palette.ONLINE if w["online"] else palette.OFFLINE)))
                self.table.setItem(i, j, item)
        queues = sorted({q for w in rows for q in (w["queues"] or [])} | set(depths))
        if queues != [self.queue_choice.itemText(i) for i in range(self.queue_choice.count())]:
            current = self.queue_choice.currentText()
            self.queue_choice.clear()
            self.queue_choice.addItems(queues)
            self.queue_choice.setCurrentText(current)

    def _selected(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.say(self.tr("Select a worker first."))
            return None
        hostname = self.table.item(rows[0].row(), 0).text()
        return next((w for w in self.rows if w["hostname"] == hostname), None)

    def _ask(self, what: str, fn) -> None:
        self.controller.run_action(what, fn, then=self.after_action)

    def restart_worker(self) -> None:
        worker, stack = self._selected(), self.controller.stack
        if worker and stack and stack.supervisor and worker["supervised"]:
            self.say(self.tr("Restarting {0} (its running task finishes first)…").format(worker["hostname"]))
            self._ask(self.tr("restart the worker"), lambda: stack.supervisor.restart_role(worker["role"]))
        elif worker:
            self.say(self.tr("Only the workers this app started can be restarted from here."))

    def stop_helper(self) -> None:
        worker, stack = self._selected(), self.controller.stack
        if worker and stack and not worker["supervised"]:
            self.say(self.tr("Asking {0} to leave (its running task finishes first)…").format(worker["hostname"]))
            self._ask(self.tr("stop the helper"), lambda: fleet.stop_worker(stack.celery, worker["hostname"]))
        elif worker:
            self.say(self.tr("This machine's own workers stop with the app; restart one instead."))

    def consume(self, on: bool) -> None:
        worker, queue, stack = self._selected(), self.queue_choice.currentText(), self.controller.stack
        if worker and queue and stack:
            self._ask(self.tr("resume consuming") if on else self.tr("pause consuming"),
                      lambda: fleet.set_consuming(stack.celery, worker["hostname"], queue, on))
            self.say((self.tr("Resuming {0} on {1}…") if on else self.tr("Pausing {0} on {1}…")).format(
                queue, worker["hostname"]))

    def resize_pool(self, by: int) -> None:
        worker, stack = self._selected(), self.controller.stack
        if worker and stack:
            self._ask(self.tr("resize the pool"), lambda: fleet.resize_pool(stack.celery, worker["hostname"], by))
