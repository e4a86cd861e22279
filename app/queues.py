"""What is in the broker: queue depths across every priority bucket, messages
taken by workers but not yet acknowledged, and putting those back."""

from __future__ import annotations

import json
import logging

from workers import config

log = logging.getLogger(__name__)


def _channel(conn):
    ch = conn.default_channel
    return ch, ch.client


def queue_keys(channel, queue: str) -> list[str]:
    """Every Redis list that holds *queue*'s messages, one per priority step."""
    return list(dict.fromkeys(channel._q_for_pri(queue, pri) for pri in channel.priority_steps))


def depths(celery_app, queues=config.QUEUES, buckets: bool = False) -> dict[str, dict]:
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
        for raw in client.hvals(ch.unacked_key):
            queue = _queue_of(raw)
            if queue in result:
                result[queue]["unacked"] += 1
        return result


def _queue_of(raw) -> str | None:
    try:
        _payload, _exchange, routing_key = json.loads(raw)
        return routing_key
    except (ValueError, TypeError):
        return None


def task_ids_in_broker(celery_app, queues=config.QUEUES) -> set[str]:
    """Ids of tasks waiting in a queue or held unacknowledged by a worker."""
    ids = set()
    with celery_app.connection_for_write() as conn:
        ch, client = _channel(conn)
        raws = list(client.hvals(ch.unacked_key))
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


def restore_unacked(celery_app, queues=None, crash_cause: str | None = None) -> int:
    """Put messages taken by a worker that is gone back at the head of their queue.

    Only safe when nobody else consumes those queues: at start of the embedded
    broker (the app is its only consumer), or for the queues of a worker that died.
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
        for tag, raw in client.hgetall(ch.unacked_key).items():
            if queues is not None and _queue_of(raw) not in queues:
                continue

            def restore(pipe, tag=tag):
                current = pipe.hget(ch.unacked_key, tag)
                pipe.multi()
                ch.qos._remove_from_indices(tag, pipe)
                if current:
                    payload, exchange, routing_key = loads(current)
                    if crash_cause:
                        count_crash(payload, crash_cause)
                    ch._do_restore_message(payload, exchange, routing_key, pipe, leftmost=True)

            client.transaction(restore, ch.unacked_key)
            restored += 1
    if restored:
        log.info("restored %d unacknowledged message(s) to %s", restored,
                 "all queues" if queues is None else ", ".join(queues))
    return restored


def remove_from_queue(celery_app, task_id: str, queues=config.QUEUES) -> bool:
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
