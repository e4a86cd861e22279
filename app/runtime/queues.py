"""What is in the broker: queue depths across every priority bucket, messages
taken by workers but not yet acknowledged, and putting those back."""

from __future__ import annotations

import json
import logging
import time

from workers import config

log = logging.getLogger(__name__)


def _channel(conn):
    ch = conn.default_channel
    return ch, ch.client


HELPER_UNACKED = config.helper_keys("*")["unacked_key"]


def unacked_keys(ch, client) -> list[tuple[str, str]]:
    """(hash, index) of every worker's messages taken and not yet acknowledged: the app's
    own workers share kombu's; each helper keeps its own (``workers.config.helper_keys``)."""
    keys = [(ch.unacked_key, ch.unacked_index_key)]
    for raw in client.scan_iter(match=HELPER_UNACKED, count=100):
        key = _text(raw)
        name = key.removeprefix(HELPER_UNACKED[:-1])
        keys.append((key, config.helper_keys(name)["unacked_index_key"]))
    return keys


def _unacked_values(ch, client) -> list:
    return [raw for key, _ in unacked_keys(ch, client) for raw in client.hvals(key)]


def queue_keys(channel, queue: str) -> list[str]:
    """Every Redis list that holds *queue*'s messages, one per priority step."""
    return list(dict.fromkeys(channel._q_for_pri(queue, pri) for pri in channel.priority_steps))


def depths(celery_app, queues=config.ALL_QUEUES, buckets: bool = False) -> dict[str, dict]:
    """{queue: {"waiting": n, "unacked": n}} as the broker holds them now; with
    *buckets*, also {"buckets": {priority: n}} for every non-empty priority list
    (what Flower gets wrong: it counts the first list only)."""
    with celery_app.connection_for_write() as conn:
        ch, client = _channel(conn)
        result = {q: {"waiting": 0, "unacked": 0} for q in queues}
        for q in queues:
            counts = {}
            for pri in ch.priority_steps:
                key = ch._q_for_pri(q, pri)
                if key not in counts.values():
                    counts[pri] = key
            lengths = {pri: client.llen(key) for pri, key in counts.items()}
            result[q]["waiting"] = sum(lengths.values())
            if buckets:
                result[q]["buckets"] = {pri: n for pri, n in lengths.items() if n}
        for raw in _unacked_values(ch, client):
            queue = _queue_of(raw)
            if queue in result:
                result[queue]["unacked"] += 1
        return result


def quiet(celery_app, queues) -> set[str]:
    """Those of *queues* with no message waiting and none that the app's own workers took
    and have not acknowledged (helpers keep theirs apart: ``unacked_keys``)."""
    with celery_app.connection_for_write() as conn:
        ch, client = _channel(conn)
        held = {_queue_of(raw) for raw in client.hvals(ch.unacked_key)}
        return {q for q in queues if q not in held and not any(client.llen(key) for key in queue_keys(ch, q))}


def _queue_of(raw) -> str | None:
    try:
        _payload, _exchange, routing_key = json.loads(raw)
        return routing_key
    except (ValueError, TypeError):
        return None


def task_ids_in_broker(celery_app, queues=config.ALL_QUEUES) -> set[str]:
    """Ids of tasks waiting in a queue or held unacknowledged by a worker."""
    ids = set()
    with celery_app.connection_for_write() as conn:
        ch, client = _channel(conn)
        raws = _unacked_values(ch, client)
        for q in queues:
            for key in queue_keys(ch, q):
                raws.extend(client.lrange(key, 0, -1))
        for raw in raws:
            try:
                data = json.loads(raw)
                payload = data[0] if isinstance(data, list) else data
                ids.add(payload["headers"]["id"])
            except (ValueError, KeyError, TypeError, IndexError):
                continue
    return ids


def restore_unacked(celery_app, queues=None, crash_cause: str | None = None, tags=None) -> int:
    """Put messages taken by a worker that is gone back at the head of their queue.

    Only safe when nobody else consumes those queues: at start of the embedded
    broker (the app is its only consumer), or for the queues of a worker that died;
    with helpers, only for the *tags* no live worker holds (``restore_orphans``).
    Kombu alone would wait out the visibility timeout (hours) before redelivering.
    With *crash_cause* (the worker died under its task, not stopped by us) each message
    carries one crash more, so a task that kills its whole worker every time ends
    (``workers.delivery``) instead of coming back for ever.
    """
    from kombu.utils.json import loads

    from workers.delivery import count_crash

    restored = 0
    with celery_app.connection_for_write() as conn:
        ch, client = _channel(conn)
        for hash_key, index_key in unacked_keys(ch, client):
            for tag, raw in client.hgetall(hash_key).items():
                if queues is not None and _queue_of(raw) not in queues:
                    continue
                if tags is not None and _text(tag) not in tags:
                    continue

                def restore(pipe, tag=tag, hash_key=hash_key, index_key=index_key):
                    current = pipe.hget(hash_key, tag)
                    pipe.multi()
                    pipe.zrem(index_key, tag)
                    pipe.hdel(hash_key, tag)
                    if current:
                        payload, exchange, routing_key = loads(current)
                        if crash_cause:
                            count_crash(payload, crash_cause)
                        ch._do_restore_message(payload, exchange, routing_key, pipe, leftmost=True)

                client.transaction(restore, hash_key)
                restored += 1
    if restored:
        log.info("restored %d unacknowledged message(s) to %s", restored,
                 "all queues" if queues is None else ", ".join(queues))
    return restored


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def held_messages(celery_app) -> dict[str, str]:
    """Delivery tag → task id of every message a worker took and has not acknowledged."""
    held = {}
    with celery_app.connection_for_write() as conn:
        ch, client = _channel(conn)
        for hash_key, _ in unacked_keys(ch, client):
            for tag, raw in client.hgetall(hash_key).items():
                try:
                    held[_text(tag)] = json.loads(raw)[0]["headers"]["id"]
                except (ValueError, KeyError, TypeError, IndexError):
                    continue
    return held


def claimed_by_live_workers(celery_app, timeout: float = 1.0) -> set[str]:
    """Ids of the tasks that live workers (here and on helpers) say they run or hold
    (a worker that does not answer within *timeout* claims nothing)."""
    inspect = celery_app.control.inspect(timeout=timeout)
    claimed = set()
    for replies in (inspect.active(), inspect.reserved()):
        for tasks in (replies or {}).values():
            claimed.update(t.get("id") for t in tasks or ())
    return claimed


ORPHAN_CAUSE = "its worker went away"


def restore_orphans(celery_app, suspects: dict[str, float], grace_seconds: float) -> int:
    """Give back what a vanished worker held: a message no live worker claims at two
    looks at least *grace_seconds* apart (a worker that just took one says so within
    milliseconds; one that is gone never does). *suspects* (tag → first seen unclaimed)
    is kept by the caller between looks. Each counts as one crash, so a task that takes
    down every helper that runs it ends."""
    held = held_messages(celery_app)
    if not held:
        suspects.clear()
        return 0
    claimed = claimed_by_live_workers(celery_app)
    now = time.monotonic()
    unclaimed = {tag for tag, task_id in held.items() if task_id not in claimed}
    confirmed = {tag for tag in unclaimed if tag in suspects and now - suspects[tag] >= grace_seconds}
    for tag in list(suspects):
        if tag not in unclaimed:
            del suspects[tag]
    for tag in unclaimed:
        suspects.setdefault(tag, now)
    if not confirmed:
        return 0
    restored = restore_unacked(celery_app, crash_cause=ORPHAN_CAUSE, tags=confirmed)
    for tag in confirmed:
        suspects.pop(tag, None)
    if restored:
        log.warning("gave back %d task(s) that no live worker holds (a helper or worker went away)", restored)
    return restored


def remove_from_queue(celery_app, task_id: str, queues=config.ALL_QUEUES) -> bool:
    """Take a waiting task's message out of its queue; False if no queue holds it."""
    with celery_app.connection_for_write() as conn:
        ch, client = _channel(conn)
        for q in queues:
            for key in queue_keys(ch, q):
                for raw in client.lrange(key, 0, -1):
                    try:
                        if json.loads(raw)["headers"]["id"] == task_id:
                            return client.lrem(key, 1, raw) > 0
                    except (ValueError, KeyError, TypeError):
                        continue
    return False
