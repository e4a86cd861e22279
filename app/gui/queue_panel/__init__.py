"""The queue panel: what Flower shows, inside the app, with a history that survives
restarts. Workers (events, inspect, the supervisor's processes), queues (every
priority bucket, reserved messages, rates, charts over the last hour) and every task
ever run (from the job store), with filters, a detail view, actions and statistics.

Nothing here blocks the GUI thread on the network: the broker and ``inspect`` are
polled on a background thread whose results arrive by signal (``poller``); what the
panel asks of workers runs on the controller's action pool (``app.runtime.fleet``); the job
store is local SQLite and only rows changed since the last refresh are read.

One module per part: ``tasks_model`` (the task table's declarative COLUMNS, filter
and model), ``poller``, and one per tab (``workers_tab``, ``queues_tab`` with its
charts, ``tasks_tab`` with the detail, ``stats_tab``), put together by ``panel``."""

from app.gui.queue_panel.panel import QueuePanel

__all__ = ["QueuePanel"]
