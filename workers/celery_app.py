"""The one Celery app. Tasks import it; the GUI uses it only to send by name."""

import os

from celery import Celery

from workers import trust

# Tests only: more modules of tasks for the workers to import at start (comma-separated),
# so a stage a test declares runs in the real worker processes (tests/test_stages.py).
# Nothing else sets it; a worker without it runs exactly workers.tasks.
TEST_TASKS_ENV = "EARMARK_TEST_TASKS"

app = Celery("earmark", include=["workers.tasks", *filter(None, os.environ.get(TEST_TASKS_ENV, "").split(","))],
             task_cls="workers.delivery:EarmarkTask")
app.config_from_object("workers.config")
trust.install()  # every task sent is signed; a re-sent one keeps its signature


def client_app(broker_url: str, result_backend: str | None = None) -> Celery:
    """A Celery app for the app side, bound to a broker chosen at run time.

    A new instance each time: Celery caches connection pools and backends per app,
    so re-pointing the shared one would keep talking to an old broker. The app
    side only sends tasks by name, reads events and results, so it needs no tasks.
    """
    client = Celery("earmark", set_as_current=False)
    client.config_from_object("workers.config")
    # The app polls every few seconds: a result it cannot read now it reads at the next poll
    # (a worker storing a result waits out a broker restart instead; see workers.config).
    client.conf.update(broker_url=broker_url, result_backend=result_backend or broker_url,
                       result_backend_max_retries=5)
    return client
