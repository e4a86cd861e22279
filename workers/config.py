"""Celery settings (the ADR's, corrected). Read by ``workers.celery_app``.

The broker URL comes from ``EARMARK_BROKER_URL`` (the supervisor sets it for its
children; a remote worker gets it from ``earmark worker --broker URL``), never
from the command line, where other users could read the password.
"""

from __future__ import annotations

import os

from kombu import Exchange, Queue

from workers import stages

# Queues, routes and priorities come from the stage table (workers/stages.py).
QUEUES = stages.queue_names()  # one worker role each, in order of importance
TRANSCRIBE, NLP, INDEX = QUEUES
# With helpers on other machines, the tasks that read the person's own files (cutting a
# long file into chunks, finding speakers in the whole recording) go to this queue,
# which only the app's own machine consumes; everything else can run anywhere.
FILES = "files"
ALL_QUEUES = (*QUEUES, FILES)
PRIORITY_TOP = stages.PRIORITY_TOP
PRIORITY = {t.name: t.priority for t in stages.TASKS}

VISIBILITY_TIMEOUT_SECONDS = 12 * 3600  # longer than any task's hard limit
RETRY_BACKOFF_MAX_SECONDS = 600  # far below the visibility timeout
RESULT_EXPIRES_SECONDS = 7 * 24 * 3600  # the app may be closed for a week and still collect

broker_url = os.environ.get("EARMARK_BROKER_URL", "redis://127.0.0.1:6379/0")
result_backend = os.environ.get("EARMARK_RESULT_BACKEND", broker_url)
# A helper reaches the app's broker through its TLS gate and trusts only the certificate
# its join line pinned (app/remote/access.py): redis-py verifies against that file alone.
if os.environ.get("EARMARK_BROKER_CA"):
    import ssl as _ssl

    broker_use_ssl = {"ssl_cert_reqs": _ssl.CERT_REQUIRED, "ssl_ca_certs": os.environ["EARMARK_BROKER_CA"],
                      "ssl_check_hostname": False}
    redis_backend_use_ssl = dict(broker_use_ssl)

def helper_keys(name: str) -> dict:
    """A helper's own keys for kombu's acknowledgement bookkeeping (its transport options),
    apart from every other worker's, which hold messages the helper was not given; the
    app's gate lets a helper touch only its own (app/runtime/gate.py)."""
    return {"unacked_key": f"unacked.helper.{name}", "unacked_index_key": f"unacked_index.helper.{name}",
            "unacked_mutex_key": f"unacked_mutex.helper.{name}"}


HELPER_NAME_ENV = "EARMARK_HELPER_NAME"  # set by ``earmark worker --join``

task_serializer = "json"
result_serializer = "json"
accept_content = ["json"]
result_accept_content = ["json"]
event_serializer = "json"

task_queues = tuple(Queue(name, Exchange(name), routing_key=name) for name in ALL_QUEUES)
task_default_queue = INDEX
task_routes = {t.name: {"queue": t.queue.name, "routing_key": t.queue.name} for t in stages.TASKS}
task_default_priority = 5
broker_transport_options = {
    "visibility_timeout": VISIBILITY_TIMEOUT_SECONDS,
    "priority_steps": list(range(10)),
}
if os.environ.get(HELPER_NAME_ENV):
    broker_transport_options.update(helper_keys(os.environ[HELPER_NAME_ENV]))
result_backend_transport_options = {"retry_policy": {"timeout": 5.0}}
# The embedded broker can be restarted under us (the supervisor does it within seconds;
# loading its append-only file takes longer when it is large): sending a task and
# storing a result wait that out instead of failing the job.
BROKER_RESTART_SECONDS = 60
task_publish_retry = True
task_publish_retry_policy = {"max_retries": 60, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1.0}
result_backend_always_retry = True
result_backend_max_retries = 60
result_backend_base_sleep_between_retries_ms = 200
result_backend_max_sleep_between_retries_ms = 1000

task_acks_late = True
task_reject_on_worker_lost = True
worker_prefetch_multiplier = 1
task_track_started = True
task_time_limit = 3600 + 60
task_soft_time_limit = 3600
result_expires = RESULT_EXPIRES_SECONDS
result_extended = True

worker_send_task_events = True
task_send_sent_event = True
event_queue_expires = 60
event_queue_ttl = 10
worker_hijack_root_logger = False
worker_redirect_stdouts = False
broker_connection_retry_on_startup = True
broker_connection_max_retries = None  # the broker may restart under us; keep trying

beat_schedule = {
    "earmark-cleanup": {"task": stages.CLEANUP_TASK.name, "schedule": 3600.0,
                        "options": {"priority": stages.CLEANUP_TASK.priority}},
}


def thread_budget() -> int:
    """CPU threads this worker's engine may use: the supervisor's share for this role
    (``EARMARK_THREADS``), else every core (a worker alone on its machine)."""
    return int(os.environ.get("EARMARK_THREADS") or 0) or usable_cores()


def usable_cores() -> int:
    """The cores this process may run on (a helper started under ``taskset`` or in a
    container gets fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


# Files at least the option chunk_from_minutes long are transcribed in chunks (each
# stored when done, so a crash loses one chunk at most); a chunk is long enough to fill
# the batched pipeline's batch of 8 thirty-second windows several times over.
def chunk_seconds() -> float:
    """About five minutes: resumes lose little, and each chunk keeps batches full."""
    return float(os.environ.get("EARMARK_CHUNK_SECONDS") or 300)
