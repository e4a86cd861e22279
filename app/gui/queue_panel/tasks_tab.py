"""Tasks: every task ever run, filtered (state, task, queue, worker, time, text), with
actions on the jobs they belong to and a detail view (arguments, result, error,
traceback, timeline)."""

from __future__ import annotations

import json
from typing import Callable

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateTimeEdit, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPlainTextEdit, QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget)

from app.gui.jobs_model import word
from app.gui.table import fit_titles
from app.gui.queue_panel.tasks_model import COLUMNS, FINISHED, NEWEST_FIRST, TaskIdRole, TaskModel, secs, when
from workers import stages
from workers.timefmt import clock

STATES = ("queued", "received", "started", "retried", "succeeded", "failed", "cancelled", "revoked", "moved", "lost")


class TasksTab(QWidget):
    def __init__(self, controller, say: Callable[[str], None], after_action: Callable[[], None], parent=None):
        super().__init__(parent)
        self.controller, self.store, self.say, self.after_action = controller, controller.store, say, after_action
        self.model = TaskModel(self.store, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(NEWEST_FIRST, Qt.DescendingOrder)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setStretchLastSection(True)
        fit_titles(self.table, [spec.width for spec in COLUMNS])
        # the selection, not the current row: Qt moves the current row before it selects,
        # so the detail showed the row selected before
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.show_detail())

        # the choices come from the stage table: a new task or queue appears here by itself
        self.filter_state, self.filter_name, self.filter_queue, self.filter_worker = (
            QComboBox(), QComboBox(), QComboBox(), QComboBox())
        for box, items in ((self.filter_state, STATES),
                           (self.filter_name, [t.name for t in stages.TASKS if t is not stages.CLEANUP_TASK]),
                           (self.filter_queue, stages.queue_names()), (self.filter_worker, ())):
            box.addItems(["", *items])
            box.currentTextChanged.connect(self._filter_changed)
        for i, state in enumerate(STATES, start=1):  # the state in the person's language, filtered by its name
            self.filter_state.setItemText(i, word(state))
            self.filter_state.setItemData(i, state)
        for box, name in ((self.filter_state, self.tr("Filter by state")),
                          (self.filter_name, self.tr("Filter by task")), (self.filter_queue, self.tr("Filter by queue")),
                          (self.filter_worker, self.tr("Filter by worker"))):
            box.setAccessibleName(name)
        self.table.setAccessibleName(self.tr("Tasks"))
        self.filter_text = QLineEdit()
        self.filter_text.setAccessibleName(self.tr("Filter by file, task id or error"))
        self.filter_text.setPlaceholderText(self.tr("File, task id or error"))
        self.filter_text.textChanged.connect(self._filter_changed)
        self.filter_after, self.filter_before = QDateTimeEdit(), QDateTimeEdit()
        for edit in (self.filter_after, self.filter_before):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setSpecialValueText(self.tr("any time"))
            edit.setMinimumDateTime(QDateTime.fromSecsSinceEpoch(0))
            edit.setDateTime(edit.minimumDateTime())
            edit.dateTimeChanged.connect(self._filter_changed)
        self.filter_after.setAccessibleName(self.tr("Queued from"))
        self.filter_before.setAccessibleName(self.tr("Queued until"))
        filters, when = QHBoxLayout(), QHBoxLayout()  # two rows: the panel fits a laptop's width
        for row, label, widget in ((filters, self.tr("State"), self.filter_state),
                                   (filters, self.tr("Task"), self.filter_name),
                                   (filters, self.tr("Queue"), self.filter_queue),
                                   (filters, self.tr("Worker"), self.filter_worker),
                                   (when, self.tr("From"), self.filter_after),
                                   (when, self.tr("To"), self.filter_before)):
            row.addWidget(QLabel(label))
            row.addWidget(widget)
        filters.addStretch(1)
        when.addWidget(self.filter_text, 1)
        self.count = QLabel()

        actions = when  # on the row of the time filter: one row fewer above the tasks
        for text, slot in ((self.tr("Cancel"), lambda: self.act("cancel")),
                           (self.tr("Retry"), lambda: self.act("retry")),
                           (self.tr("Move to top"), lambda: self.act("move_to_top")),
                           (self.tr("Delete from history"), self.delete_selected)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.count)
        self.detail = QPlainTextEdit()
        self.detail.setAccessibleName(self.tr("Task detail"))
        self.detail.setReadOnly(True)
        # the person moves the line between the tasks and the detail; dragged down, the
        # detail collapses and the tasks take the room (a laptop's screen)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setCollapsible(0, False)
        split.setCollapsible(1, True)
        self.table.setMinimumHeight(4 * 22 + 30)  # a header and four rows at the least
        self.detail.setMinimumHeight(0)
        self.split = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addLayout(when)
        layout.addWidget(split, 1)

    def _filter_changed(self, *_) -> None:
        def at(edit):
            value = edit.dateTime()
            return None if value == edit.minimumDateTime() else value.toSecsSinceEpoch()

        self.model.set_filter(state=self.filter_state.currentData() or "", name=self.filter_name.currentText(),
                              queue=self.filter_queue.currentText(), worker=self.filter_worker.currentText(),
                              text=self.filter_text.text().strip().lower(), after=at(self.filter_after),
                              before=at(self.filter_before))
        self._count()

    def _count(self) -> None:
        self.count.setText(self.tr("{0} of {1} tasks").format(self.model.rowCount(), self.model.total))

    def refresh(self) -> None:
        if self.model.refresh():
            workers = sorted({r["worker"] for r in self.model.rows if r["worker"]})
            known = [self.filter_worker.itemText(i) for i in range(1, self.filter_worker.count())]
            if workers != known:
                current = self.filter_worker.currentText()
                self.filter_worker.blockSignals(True)
                self.filter_worker.clear()
                self.filter_worker.addItems(["", *workers])
                self.filter_worker.setCurrentText(current)
                self.filter_worker.blockSignals(False)
            self._count()

    def selected_tasks(self) -> list[str]:
        return [self.model.index(i.row(), 0).data(TaskIdRole) for i in self.table.selectionModel().selectedRows()]

    def act(self, action: str) -> None:
        """Cancel, retry or move to top: on the job the task belongs to, so the store
        and the queue stay in step (a cancelled chunk cancels its file)."""
        jobs = []
        for task_id in self.selected_tasks():
            task = self.store.task(task_id)
            if task and task["job_id"] and task["job_id"] not in jobs:
                jobs.append(task["job_id"])
        if not jobs:
            self.say(self.tr("Select tasks of Earmark's jobs first."))
            return
        getattr(self.controller, action)(jobs)
        self.after_action()

    def delete_selected(self) -> None:
        ids = self.selected_tasks()
        active = [t for t in ids if (self.store.task(t) or {}).get("state") not in (*FINISHED, "lost")]
        if active:
            self.say(self.tr("Cancel a task before deleting it from the history."))
            return
        self.store.delete_tasks(ids)
        self.model.remove(set(ids))
        self._count()

    def show_detail(self) -> None:
        ids = self.selected_tasks()
        task = self.store.task(ids[0]) if ids else None
        if not task:
            self.detail.clear()
            return
        lines = [self.tr("Task {0}  ({1}, queue {2})").format(task["task_id"], task["name"], task["queue"]),
                 self.tr("State: {0}   worker: {1}   retries: {2}").format(
                     word(task["state"] or ""), task["worker"] or "-", task["retries"])]
        if task["path"]:
            lines.append(self.tr("File: {0}").format(task["path"]))
        args = {"job": task["job_id"], "stage": task["stage"]}
        if task["chunk"] is not None:
            chunk = self.store.chunk(task["job_id"], task["chunk"])
            if chunk:
                args["chunk"] = f"{task['chunk']} ({clock(chunk['start'])}–{clock(chunk['end'])})"
        if task.get("options"):
            args["options"] = json.loads(task["options"])
        lines.append(self.tr("Arguments: {0}").format(json.dumps(args, ensure_ascii=False)))
        lines.append(self.tr("Result: {0}").format(self._result_summary(task)))
        stage = self.store.stage(task["job_id"], task["stage"]) if task["job_id"] else None
        if task["error"] or (stage and stage["task_id"] == task["task_id"] and stage["error"]):
            lines.append(self.tr("Error: {0}").format(task["error"] or stage["error"]))
        if stage and stage["task_id"] == task["task_id"] and stage["traceback"]:
            lines += [self.tr("Traceback:"), stage["traceback"].rstrip()]
        lines.append(self.tr("Timeline:"))
        previous = None
        for event in self.store.events(task_id=task["task_id"]):
            step = f"  (+{secs(event['at'] - previous)})" if previous else ""
            detail = json.loads(event["detail"]) if event["detail"] else {}
            where = f"  {detail['hostname']}" if detail.get("hostname") else ""
            lines.append(f"  {when(event['at'])}  {word(event['kind']):<12}{step}{where}")
            previous = event["at"]
        self.detail.setPlainText("\n".join(lines))

    def _result_summary(self, task: dict) -> str:
        if task["state"] != "succeeded" or not task["job_id"]:
            return "-"
        if task["chunk"] is not None:
            return self.store.describe_chunk(task["job_id"], task["chunk"])
        stage = next((s for s in stages.STAGES if s.task.name == task["name"]), None)
        return self.store.describe_result(stage.stores, task["job_id"]) if stage else "done"
