"""Entry points for the worker and beat roles (``earmark worker``, ``earmark beat``).

Kept apart from ``app`` so a remote worker machine runs the same code with no GUI.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from celery import signals

from workers import config

from workers.logs import LOG_FORMAT, LOG_MAX_BYTES, setup_logging  # noqa: F401  (roles log through it)


def watch_parent(parent_pid: int, interval_seconds: float = 1.0) -> None:
    """Exit when the supervising app is gone (PR_SET_PDEATHSIG does this on Linux;
    this thread covers the platforms without it)."""

    def loop():
        while True:
            time.sleep(interval_seconds)
            if os.getppid() != parent_pid:
                os._exit(3)

    threading.Thread(target=loop, name="parent-watch", daemon=True).start()


def _start(parent_pid: int | None, log_file: str | None, loglevel: str) -> None:
    setup_logging(log_file, loglevel)
    # Celery must not replace our handlers with its own.
    signals.setup_logging.connect(lambda **kw: None, weak=False)
    if parent_pid:
        watch_parent(parent_pid)


def run_worker(queues: list[str], hostname: str | None = None, concurrency: int = 1,
               pool: str = "prefork", log_file: str | None = None, loglevel: str = "INFO",
               parent_pid: int | None = None) -> None:
    from workers.celery_app import app

    _start(parent_pid, log_file, loglevel)
    unknown = set(queues) - set(config.ALL_QUEUES)
    if unknown or not queues:
        raise SystemExit(f"unknown queue(s): {', '.join(sorted(unknown)) or 'none given'}; "
                         f"choose from {', '.join(config.QUEUES)}")
    if "nlp" in queues:
        # Find the llama.cpp CPU code that runs here (child processes, once per machine and
        # build) while the worker starts, so the first summary does not wait for it.
        def choose():
            try:
                from workers.engines import llama_cpu

                choice = llama_cpu.choose()
                logging.getLogger(__name__).info("summary engine CPU code: %s", choice)
            except Exception:
                logging.getLogger(__name__).exception("choosing the summary engine's CPU code failed")
        threading.Thread(target=choose, name="llama-cpu", daemon=True).start()
    name = hostname or f"{'+'.join(queues)}@{socket.gethostname()}"
    app.worker_main(argv=["worker", "--queues", ",".join(queues), "--hostname", name,
                          "--concurrency", str(concurrency), "--pool", pool,
                          "--loglevel", loglevel, "--without-mingle", "--without-gossip",
                          "--events"])


def run_beat(schedule_file: str, log_file: str | None = None, loglevel: str = "INFO",
             parent_pid: int | None = None) -> None:
    from workers.celery_app import app

    _start(parent_pid, log_file, loglevel)
    app.start(["beat", "--schedule", schedule_file, "--loglevel", loglevel, "--pidfile="])
