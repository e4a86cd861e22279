"""The one Celery app. Tasks import it; the GUI uses it only to send by name."""

from celery import Celery

app = Celery("earmark", include=["workers.tasks"])
app.config_from_object("workers.config")


def configure(broker_url: str, result_backend: str | None = None) -> Celery:
    """Point the app at a broker chosen at run time (before its first connection)."""
    app.conf.update(broker_url=broker_url, result_backend=result_backend or broker_url)
    return app
