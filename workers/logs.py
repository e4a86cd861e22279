"""Each process's log file: apart from ``workers.main`` so a command that never starts a
worker (``earmark search``) sets up its log without importing Celery."""

from __future__ import annotations

import logging
import logging.handlers
import os

LOG_FORMAT = "%(asctime)s %(levelname)s %(processName)s[%(process)d] %(name)s: %(message)s"
LOG_MAX_BYTES = 5 * 1024 * 1024


def setup_logging(log_file: str | None, level: str = "INFO") -> None:
    """Each process logs to its own rotating file (or stderr when none is given)."""
    root = logging.getLogger()
    root.setLevel(level)
    if log_file:
        os.makedirs(os.path.dirname(log_file), exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=LOG_MAX_BYTES, backupCount=3, encoding="utf-8")
    else:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.handlers[:] = [handler]
    # Celery logs each task's return value at INFO ("succeeded in 3.2s: {...}"): that is
    # the transcript itself. Logs keep what happened, never what was said.
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
