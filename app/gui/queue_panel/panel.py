"""The panel itself: four tabs, the background poll and the timers that refresh what is
shown (nothing is polled or refreshed while the panel is hidden)."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.gui.queue_panel.poller import BrokerPoller
from app.gui.queue_panel.queues_tab import QueuesTab
from app.gui.queue_panel.stats_tab import StatsTab
from app.gui.queue_panel.tasks_tab import TasksTab
from app.gui.queue_panel.workers_tab import WorkersTab

TASK_REFRESH_MS = 500
WORKER_REFRESH_MS = 500  # local facts only (events, the supervisor's processes): cheap
CHART_REFRESH_MS = 10_000
WORKERS, QUEUES, TASKS, STATS = range(4)


class QueuePanel(QWidget):
    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.store = controller.store
        self.last_poll: dict = {}
        self.message = QLabel()
        self.poller = BrokerPoller(controller, self)
        self.workers_tab = WorkersTab(controller, self.message.setText, self.poller.poll_now)
        self.queues_tab = QueuesTab(self.store)
        self.tasks_tab = TasksTab(controller, self.message.setText, self.poller.poll_now)
        self.stats_tab = StatsTab(self.store)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.workers_tab, self.tr("Workers"))
        self.tabs.addTab(self.queues_tab, self.tr("Queues"))
        self.tabs.addTab(self.tasks_tab, self.tr("Tasks"))
        self.tabs.addTab(self.stats_tab, self.tr("Statistics"))
        self.tabs.currentChanged.connect(lambda i: i == STATS and self.stats_tab.refresh())
        copy = QPushButton(self.tr("Copy broker URL"))
        copy.setToolTip(self.tr("For celery inspect, celery events or Flower: the URL includes the broker's password"))
        copy.clicked.connect(self.copy_broker_url)
        # the message and the button beside the tabs, not on a row of their own: at a
        # laptop's 768 pixels every row of tasks counts
        corner = QWidget()
        top = QHBoxLayout(corner)
        top.setContentsMargins(8, 0, 0, 2)
        top.addWidget(self.message, 1)
        top.addWidget(copy)
        self.tabs.setCornerWidget(corner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.tabs)

        self.poller.polled.connect(self._polled)
        self.poller.failed.connect(self.message.setText)
        self.poller.start()
        self.task_timer = QTimer(self, interval=TASK_REFRESH_MS, timeout=self.tasks_tab.refresh)
        self.worker_timer = QTimer(self, interval=WORKER_REFRESH_MS, timeout=self.refresh_workers)
        self.chart_timer = QTimer(self, interval=CHART_REFRESH_MS, timeout=self.refresh_charts)
        self._timers = (self.task_timer, self.worker_timer, self.chart_timer)

    # --- what tests, benchmarks and the screenshot script reach -------------------------------
    workers = property(lambda self: self.workers_tab.table)
    queue_choice = property(lambda self: self.workers_tab.queue_choice)
    worker_log = property(lambda self: self.workers_tab.log)
    queues = property(lambda self: self.queues_tab.table)
    stats = property(lambda self: self.stats_tab.table)
    task_model = property(lambda self: self.tasks_tab.model)
    task_table = property(lambda self: self.tasks_tab.table)
    detail = property(lambda self: self.tasks_tab.detail)
    filter_state = property(lambda self: self.tasks_tab.filter_state)
    filter_text = property(lambda self: self.tasks_tab.filter_text)

    def worker_rows(self) -> list[dict]:
        return self.workers_tab.rows

    def shown_depths(self) -> dict[str, dict]:
        return self.last_poll.get("depths", {})

    def consume(self, on: bool) -> None:
        self.workers_tab.consume(on)

    def act(self, action: str) -> None:
        self.tasks_tab.act(action)

    def show_detail(self) -> None:
        self.tasks_tab.show_detail()

    # Nothing is polled or refreshed while the panel is hidden (the dock closed).
    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.poller.active.set()
        self.poller.poll_now()
        for timer in self._timers:
            timer.start()
        self.tasks_tab.refresh()
        self.refresh_workers()
        self.refresh_charts()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.poller.active.clear()
        for timer in self._timers:
            timer.stop()

    def close_panel(self) -> None:
        self.poller.stop()
        for timer in self._timers:
            timer.stop()

    def refresh_workers(self) -> None:
        self.workers_tab.refresh(self.last_poll)

    def refresh_charts(self) -> None:
        self.queues_tab.refresh_charts()

    def refresh_tasks(self) -> None:
        self.tasks_tab.refresh()

    def _polled(self, result: dict) -> None:
        self.last_poll = result
        self.refresh_workers()
        self.queues_tab.fill(result.get("depths", {}))
        if self.tabs.currentIndex() == STATS:
            self.stats_tab.refresh()
        self.message.setText(self.tr("Updated {0}").format(time.strftime("%H:%M:%S", time.localtime(result["at"]))))

    def copy_broker_url(self) -> None:
        stack = self.controller.stack
        if stack is None or stack.address is None:
            self.message.setText(self.tr("The broker is not running yet."))
            return
        QApplication.clipboard().setText(stack.address.url)
        self.message.setText(self.tr("Broker URL copied: use it with celery -b URL inspect/events, or Flower "
                                     "(it contains the password; keep it to yourself)."))
