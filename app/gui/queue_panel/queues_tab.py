"""Queues: depth per priority bucket, reserved messages, rates per minute, and charts of
the last hour (QtCharts ships in PySide6-Addons, which the app installs anyway)."""

from __future__ import annotations

import time

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDateTime, QMargins, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.gui.jobs_model import word
from app.gui.table import read_only_table
from app.runtime import fleet

COLUMNS = (
    QT_TRANSLATE_NOOP("Columns", "Queue"), QT_TRANSLATE_NOOP("Columns", "Waiting"),
    QT_TRANSLATE_NOOP("Columns", "By priority"), QT_TRANSLATE_NOOP("Columns", "Reserved (unacked)"),
    QT_TRANSLATE_NOOP("Columns", "Received/min"), QT_TRANSLATE_NOOP("Columns", "Started/min"),
    QT_TRANSLATE_NOOP("Columns", "Succeeded/min"), QT_TRANSLATE_NOOP("Columns", "Failed/min"),
)


class QueuesTab(QWidget):
    def __init__(self, store, parent=None):
        super().__init__(parent)
        from PySide6.QtCharts import QChart, QChartView

        self.store = store
        self.table = read_only_table(COLUMNS, self.tr("Queues"))
        self.throughput_chart, self.times_chart = QChart(), QChart()
        self.throughput_chart.setTitle(self.tr("Tasks finished per minute, last hour"))
        self.times_chart.setTitle(self.tr("Mean wait and run time per minute (s), last hour"))
        charts = QWidget()
        row = QHBoxLayout(charts)
        row.setContentsMargins(0, 0, 0, 0)
        for chart in (self.throughput_chart, self.times_chart):
            chart.setMargins(QMargins(4, 4, 4, 4))
            chart.legend().setAlignment(Qt.AlignRight)  # beside the plot: the axes keep their height
            view = QChartView(chart)
            view.setRenderHint(QPainter.Antialiasing)
            view.setMinimumHeight(160)  # below this the axes' labels turn into "…"
            row.addWidget(view)
        # the person moves the line between the queues and the charts
        self.split = QSplitter(Qt.Vertical)
        self.split.addWidget(self.table)
        self.split.addWidget(charts)
        self.split.setCollapsible(0, False)
        self.table.setMinimumHeight(3 * 24 + 28)  # a header and three queues at the least
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.split)

    def fill(self, depths: dict) -> None:
        rates = self.store.task_rates(time.time() - 60)
        self.table.setRowCount(len(depths))
        for i, (queue, d) in enumerate(sorted(depths.items())):
            r = rates.get(queue, {})
            buckets = ", ".join(f"p{p}: {n}" for p, n in sorted(d.get("buckets", {}).items()))
            values = (queue, str(d["waiting"]), buckets, str(d["unacked"]), str(r.get("received", 0)),
                      str(r.get("started", 0)), str(r.get("succeeded", 0)), str(r.get("failed", 0)))
            for j, value in enumerate(values):
                self.table.setItem(i, j, QTableWidgetItem(value))

    def refresh_charts(self) -> None:
        from PySide6.QtCharts import QDateTimeAxis, QLineSeries, QValueAxis

        now = time.time()
        since = now - 3600
        series = fleet.per_minute(self.store.task_series(since), since)
        titles = {"succeeded": word("succeeded"), "failed": word("failed"), "wait": self.tr("wait"),
                  "run": self.tr("run")}
        for chart, names in ((self.throughput_chart, ("succeeded", "failed")), (self.times_chart, ("wait", "run"))):
            chart.removeAllSeries()
            # the axes are made once and kept: axes removed and added at each refresh left
            # the old one's labels drawn under the new one's ("2.20" over "1.10")
            if not chart.axes():
                chart.addAxis(QDateTimeAxis(format="HH:mm"), Qt.AlignBottom)
                chart.addAxis(QValueAxis(), Qt.AlignLeft)
            x_axis, y_axis = chart.axes(Qt.Horizontal)[0], chart.axes(Qt.Vertical)[0]
            x_axis.setRange(QDateTime.fromSecsSinceEpoch(int(since)), QDateTime.fromSecsSinceEpoch(int(now)))
            top = 1.0
            for name in names:
                line = QLineSeries()
                line.setName(titles[name])
                for i, value in enumerate(series[name]):
                    line.append((since + i * 60 + 30) * 1000, value)
                    top = max(top, value)
                chart.addSeries(line)
                line.attachAxis(x_axis)
                line.attachAxis(y_axis)
            y_axis.setRange(0, top * 1.1)
