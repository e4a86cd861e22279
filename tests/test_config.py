"""The Celery settings of the ADR, as corrected, and the retry policy of every task."""

import workers.tasks  # noqa: F401  (registers the tasks)
from workers import config
from workers.celery_app import app


def test_json_only_and_reliable_delivery():
    conf = app.conf
    assert conf.task_serializer == conf.result_serializer == "json"
    assert list(conf.accept_content) == ["json"] and list(conf.result_accept_content) == ["json"]
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert conf.result_expires >= 24 * 3600
    assert conf.worker_send_task_events


def test_routes_and_priorities():
    routes = app.conf.task_routes
    assert routes["earmark.transcribe"]["queue"] == "transcribe"
    assert routes["earmark.summarize"]["queue"] == routes["earmark.translate"]["queue"] == "nlp"
    assert routes["earmark.index"]["queue"] == "index"
    p = config.PRIORITY  # Redis: 0 is served first
    assert config.PRIORITY_TOP < p["earmark.transcribe"] < p["earmark.summarize"] < p["earmark.index"]
    assert app.conf.broker_transport_options["priority_steps"] == list(range(10))


def test_only_transient_errors_are_retried_and_backoff_is_bounded():
    ours = {name: task for name, task in app.tasks.items() if name.startswith("earmark.")}
    assert "earmark.transcribe" in ours and "earmark.cleanup" in ours
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    for name, task in ours.items():
        retried = tuple(getattr(task, "autoretry_for", ()))
        assert Exception not in retried and BaseException not in retried, name
        from workers.errors import BadMediaError, ModelError
        for permanent in (BadMediaError, ModelError, ValueError, OSError):
            assert not issubclass(permanent, retried), f"{name} would retry {permanent.__name__}"
        assert task.retry_backoff and task.retry_jitter, name
        assert task.retry_backoff_max < visibility, name
        assert task.max_retries is not None, name
    transcribe = ours["earmark.transcribe"]
    assert transcribe.time_limit < visibility  # a running task is never redelivered meanwhile


def test_engines_running_together_never_ask_for_more_threads_than_cores():
    from app.runtime.supervisor import ALL_ROLES, thread_budgets

    for cores in (1, 2, 3, 4, 8, 16):
        budget = thread_budgets(ALL_ROLES, cores)
        if cores >= 2:
            assert budget["transcribe"] + budget["nlp"] <= cores
        assert budget["transcribe"] >= 1 and budget["nlp"] >= 1 and budget["index"] == 1
    alone = thread_budgets(("transcribe", "index"), 4)  # the CLI: speech has every core
    assert alone["transcribe"] == 4
