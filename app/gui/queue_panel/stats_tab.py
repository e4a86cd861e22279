"""Statistics per task name: how many, success and failure rates, run times."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QTableWidgetItem, QVBoxLayout, QWidget

from app.gui.queue_panel.tasks_model import secs
from app.gui.table import read_only_table

COLUMNS = (
    QT_TRANSLATE_NOOP("Columns", "Task"), QT_TRANSLATE_NOOP("Columns", "Total"),
    QT_TRANSLATE_NOOP("Columns", "Succeeded"), QT_TRANSLATE_NOOP("Columns", "Failed"),
    QT_TRANSLATE_NOOP("Columns", "Success rate"), QT_TRANSLATE_NOOP("Columns", "Mean run"),
    QT_TRANSLATE_NOOP("Columns", "p50"), QT_TRANSLATE_NOOP("Columns", "p95"),
)


def _rate(entry: dict) -> str:
    finished = entry["succeeded"] + entry["failed"]
    if not finished:
        return QCoreApplication.translate("StatsTab", "none finished")
    return QCoreApplication.translate("StatsTab", "{0} of {1} finished").format(
        f"{entry['success_rate']:.0%}", finished)


class StatsTab(QWidget):
    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.table = read_only_table(COLUMNS, self.tr("Statistics per task"))
        QVBoxLayout(self).addWidget(self.table)

    def refresh(self) -> None:
        rows = self.store.task_stats()
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            values = (r["name"], str(r["total"]), str(r["succeeded"]), str(r["failed"]), _rate(r),
                      secs(r["mean"]), secs(r["p50"]), secs(r["p95"]))
            for j, value in enumerate(values):
                self.table.setItem(i, j, QTableWidgetItem(value))
