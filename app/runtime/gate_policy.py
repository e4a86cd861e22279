"""What a helper may ask of the broker, command by command: the work it is given, and
nothing else.

The gate (``app/runtime/gate.py``) parses every command a helper sends (RESP) and every reply
the broker gives it. A helper is given a task when the broker hands it one (the reply
to its BRPOP): from then on, and only for that task, it may read the task's audio (the
key named in the task's options), read and write the task's result, publish the task's
events and put the very same message back in its queue (a retry, a warm shutdown). It
may take from the queues helpers serve, keep its own acknowledgement keys, declare its
own control queue and answer the control requests the app sent it. It cannot list
keys, read a queue without taking from it, read another worker's bookkeeping, publish
control messages, listen to events, write a queue only the app's machine takes, or run
a script of its own; no value it writes may exceed a cap.

Plain code (no asyncio, no sockets): the gate feeds it parsed commands and replies.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from workers import config

log = logging.getLogger(__name__)

SEP = "\x06\x16"  # kombu's separator in priority queue names and binding members
VALUE_CAP_BYTES = 8 * 1024 * 1024  # any one value a helper writes (a result, an event, a reply)
EVENT_CAP_BYTES = 1024 * 1024
REPLY_CAP_BYTES = 1024 * 1024
MAX_GRANTS = 256  # tasks a helper holds at once (more than any pool takes)
GRANT_SECONDS = 24 * 3600  # a task's grant outlives its hard time limit
REPLIES_PER_REQUEST = 4
RESULT_PREFIX = "celery-task-meta-"
EVENTS_CHANNEL = "/0.celeryev/"
PIDBOX = "celery.pidbox"
REPLY_PIDBOX = "reply.celery.pidbox"
HELPER_QUEUES = tuple(config.QUEUES)  # never config.FILES: those tasks read the person's files


def _script_shas() -> dict[str, str]:
    """The scripts a helper's own libraries run (redis-py's lock for kombu's restore
    mutex, kombu's binding refresh and sweep): sha1 → name. No other script runs."""
    from kombu.transport import redis as kombu_redis
    from redis.lock import Lock

    scripts = {"lock-release": Lock.LUA_RELEASE_SCRIPT, "lock-extend": Lock.LUA_EXTEND_SCRIPT,
               "lock-reacquire": Lock.LUA_REACQUIRE_SCRIPT}
    for name in ("REFRESH_BINDING", "SWEEP_BINDINGS"):
        if hasattr(kombu_redis, name):
            scripts[name.lower()] = getattr(kombu_redis, name)
    return {hashlib.sha1(text.encode()).hexdigest(): name for name, text in scripts.items()}


SCRIPTS = _script_shas()


class Refused(Exception):
    """The command is not this helper's to run; the message is the error it is sent."""


@dataclass
class Grant:
    """A task the broker handed to this helper."""

    name: str
    digest: str  # of the message's body: only this message may go back in the queue
    audio_keys: frozenset
    at: float = field(default_factory=time.monotonic)


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, (bytes, bytearray)) else str(value)


def decode_message(raw) -> dict | None:
    """A kombu message (as a queue or kombu's bookkeeping holds it) → its dict, or None."""
    try:
        message = json.loads(raw)
    except (ValueError, TypeError):
        return None
    return message if isinstance(message, dict) else None


def message_body(message: dict):
    body = message.get("body")
    if (message.get("properties") or {}).get("body_encoding") == "base64" and isinstance(body, str):
        try:
            body = base64.b64decode(body)
        except ValueError:
            return None
    try:
        return json.loads(body) if isinstance(body, (str, bytes, bytearray)) else body
    except (ValueError, TypeError):
        return None


def _audio_keys(body) -> frozenset:
    """The audio keys a task's options name (``workers.transfer``): the ones it may read."""
    keys = set()
    if isinstance(body, list) and body:
        for arg in body[0] if isinstance(body[0], list) else ():
            if isinstance(arg, dict) and isinstance(arg.get("audio_key"), str):
                keys.add(arg["audio_key"])
    return frozenset(keys)


def is_queue_key(key: str, queues) -> str | None:
    """The queue *key* holds messages of (a priority step of one of *queues*), or None."""
    name, sep, step = key.partition(SEP)
    if name in queues and (not sep or step.isdigit()):
        return name
    return None


class HelperPolicy:
    """One helper's rights (shared by all its connections): the tasks it holds and the
    control replies it owes."""

    def __init__(self, name: str, queues=HELPER_QUEUES):
        self.name = name
        self.queues = tuple(queues)
        self.grants: OrderedDict[str, Grant] = OrderedDict()
        self.replies: dict[str, int] = {}  # reply queue → answers still allowed
        own = config.helper_keys(name)
        self.own_keys = {own["unacked_key"], own["unacked_index_key"], own["unacked_mutex_key"]}

    # --- what the broker gives it ------------------------------------------------------
    def taken(self, raw_message) -> None:
        """The broker handed this helper a task (its BRPOP's reply): granted."""
        message = decode_message(raw_message)
        headers = (message or {}).get("headers") or {}
        task_id = headers.get("id")
        if not isinstance(task_id, str):
            return
        body = message_body(message)
        self.grants[task_id] = Grant(str(headers.get("task")), _digest(message), _audio_keys(body))
        self.grants.move_to_end(task_id)
        self._expire()

    def told(self, raw_message) -> None:
        """A control request reached this helper (its pidbox subscription): it may answer
        it, a few times, in the queue the request names."""
        message = decode_message(raw_message)
        body = message_body(message or {}) if message else None
        reply_to = body.get("reply_to") if isinstance(body, dict) else None
        if isinstance(reply_to, dict) and isinstance(reply_to.get("routing_key"), str):
            # the app's reply queue is named after the routing key (celery.app.control)
            self.replies[f"{reply_to['routing_key']}.{REPLY_PIDBOX}"] = REPLIES_PER_REQUEST
            while len(self.replies) > MAX_GRANTS:
                self.replies.pop(next(iter(self.replies)))

    def _expire(self) -> None:
        cutoff = time.monotonic() - GRANT_SECONDS
        while self.grants and (len(self.grants) > MAX_GRANTS or next(iter(self.grants.values())).at < cutoff):
            self.grants.popitem(last=False)

    def holds(self, task_id: str) -> bool:
        return task_id in self.grants

    # --- what it asks ------------------------------------------------------------------
    def check(self, args: list, in_multi: bool = False) -> None:
        """Raise Refused unless this helper may run the command *args* (bytes)."""
        if not args:
            raise Refused("empty command")
        command = _text(args[0]).upper()
        rule = getattr(self, f"_c_{command.lower()}", None)
        if rule is None:
            raise Refused(f"this helper may not run {command}")
        rule([_text(a) for a in args[1:]], args[1:], in_multi)

    @staticmethod
    def _ok(*_):
        return None

    _c_ping = _c_echo = _c_quit = _c_multi = _c_exec = _c_discard = _c_unwatch = _ok

    def _c_client(self, words, raw, in_multi):
        if not words or words[0].upper() not in ("SETINFO", "SETNAME", "GETNAME", "ID"):
            raise Refused("this helper may not run CLIENT " + (words[0] if words else ""))

    def _c_select(self, words, raw, in_multi):
        if words != ["0"]:
            raise Refused("helpers use database 0 only")

    def _c_info(self, words, raw, in_multi):
        if any(w.lower() not in ("server",) for w in words):
            raise Refused("helpers may read INFO server only")

    def _c_brpop(self, words, raw, in_multi):
        if in_multi:
            raise Refused("BRPOP in a transaction")
        for key in words[:-1]:
            if not is_queue_key(key, self.queues):
                raise Refused(f"helpers do not take from '{key}'")

    def _push(self, words, raw, in_multi):
        key, values = words[0] if words else "", raw[1:]
        queue = is_queue_key(key, self.queues)
        if queue is not None:
            for value in values:
                self._own_message(value, "put back")
            return None
        base = key.partition(SEP)[0]
        if base in self.replies:
            if self.replies[base] < len(values) or any(len(v) > REPLY_CAP_BYTES for v in values):
                raise Refused("more answers than the app asked for")
            self.replies[base] -= len(values)
            return None
        raise Refused(f"helpers may not write '{key}'")

    _c_lpush = _c_rpush = _push

    def _own_message(self, value: bytes, what: str) -> None:
        message = decode_message(value)
        headers = (message or {}).get("headers") or {}
        grant = self.grants.get(headers.get("id"))
        if grant is None or grant.digest != _digest(message):
            raise Refused(f"a helper may {what} only the message it was given")

    def _own(self, words, raw, in_multi):
        if not words or words[0] not in self.own_keys:
            raise Refused(f"helpers may not touch '{words[0] if words else ''}'")

    _c_hget = _c_hdel = _c_hlen = _c_zrem = _c_zrange = _c_zrangebyscore = _c_zrevrangebyscore = _own
    _c_zcard = _c_zadd = _own

    def _c_hset(self, words, raw, in_multi):
        self._own(words, raw, in_multi)
        for value in raw[2::2]:  # field, value pairs: the value is [message, exchange, routing key]
            try:
                payload = json.loads(value)[0]
            except (ValueError, TypeError, IndexError, KeyError):
                raise Refused("not a message") from None
            self._own_message(json.dumps(payload).encode(), "hold")

    def _c_watch(self, words, raw, in_multi):
        for key in words:
            self._own([key], raw, in_multi)

    def _result_id(self, key: str) -> str | None:
        if key.startswith(RESULT_PREFIX) and self.holds(key[len(RESULT_PREFIX):]):
            return key[len(RESULT_PREFIX):]
        return None

    def _c_get(self, words, raw, in_multi):
        key = words[0] if words else ""
        if key in self.own_keys or self._result_id(key) or self._audio_granted(key):
            return None
        raise Refused(f"helpers may not read '{key}'")

    def _audio_granted(self, key: str) -> bool:
        return any(key in grant.audio_keys for grant in self.grants.values())

    def _write_result(self, key: str, value: bytes) -> None:
        if not self._result_id(key):
            raise Refused(f"helpers may not write '{key}': not a task it was given")
        if len(value) > VALUE_CAP_BYTES:
            raise Refused("the result is larger than a helper may store")

    def _c_set(self, words, raw, in_multi):
        if words and words[0] in self.own_keys:
            return None
        self._write_result(words[0] if words else "", raw[1] if len(raw) > 1 else b"")

    def _c_setex(self, words, raw, in_multi):
        self._write_result(words[0] if words else "", raw[2] if len(raw) > 2 else b"")

    _c_psetex = _c_setex

    def _c_del(self, words, raw, in_multi):
        for key in words:
            if _own_pidbox(key):
                continue  # its own control queue (kombu deletes it at a stop; a list the broker never holds)
            if key not in self.own_keys and not self._result_id(key):
                raise Refused(f"helpers may not delete '{key}'")

    def _c_expire(self, words, raw, in_multi):
        if not words or not (words[0] in self.own_keys or self._result_id(words[0])):
            raise Refused("helpers may not set that key's expiry")

    _c_pexpire = _c_expire

    def _c_llen(self, words, raw, in_multi):
        key = words[0] if words else ""
        if not (is_queue_key(key, self.queues) or _own_pidbox(key)):
            raise Refused(f"helpers may count only the queues they take from, not '{key}'")

    def _c_exists(self, words, raw, in_multi):
        for key in words:
            if not (is_queue_key(key, self.queues) or _own_pidbox(key) or key in self.own_keys):
                raise Refused(f"helpers may not look for '{key}'")

    def _binding(self, key: str, members) -> None:
        """Kombu's routing tables: a helper binds its own queues and its control queue."""
        exchange = next((key[len(p):] for p in ("_kombu.binding.", "_kombu.binding_permanent.")
                         if key.startswith(p)), None)
        if exchange is None:
            raise Refused(f"helpers may not write '{key}'")
        for member in members:
            queue = _text(member).split(SEP)[-1]
            if exchange in self.queues and queue == exchange:
                continue
            if exchange == PIDBOX and queue.endswith("." + PIDBOX) and REPLY_PIDBOX not in queue:
                continue
            raise Refused(f"helpers may not route '{exchange}' to '{queue}'")

    def _c_sadd(self, words, raw, in_multi):
        self._binding(words[0] if words else "", raw[1:])

    _c_srem = _c_sadd

    def _c_smembers(self, words, raw, in_multi):
        if not words or not words[0].startswith("_kombu.binding"):
            raise Refused("helpers may read kombu's routing tables only")

    _c_scard = _c_sismember = _c_smembers

    def _c_publish(self, words, raw, in_multi):
        channel, payload = (words[0], raw[1]) if len(raw) >= 2 else ("", b"")
        if self._result_id(channel):
            if len(payload) > VALUE_CAP_BYTES:
                raise Refused("the result is larger than a helper may publish")
            return None
        if not channel.startswith(EVENTS_CHANNEL):
            raise Refused(f"helpers may not publish to '{channel}'")
        if len(payload) > EVENT_CAP_BYTES:
            raise Refused("the event is larger than a helper may send")
        message = decode_message(payload)
        body = message_body(message) if message else None
        for event in body if isinstance(body, list) else [body]:
            if not isinstance(event, dict):
                raise Refused("not an event")
            kind = str(event.get("type", ""))
            if kind.startswith("task-") and not self.holds(str(event.get("uuid"))):
                raise Refused("an event about a task this helper was not given")

    def _c_subscribe(self, words, raw, in_multi):
        for channel in words:
            if not channel.startswith("/0." + PIDBOX):
                raise Refused(f"helpers may not listen to '{channel}'")

    _c_psubscribe = _c_subscribe

    def _c_unsubscribe(self, words, raw, in_multi):
        return None

    _c_punsubscribe = _c_unsubscribe

    def _c_script(self, words, raw, in_multi):
        sub = words[0].upper() if words else ""
        if sub == "EXISTS":
            return None
        if sub == "LOAD" and len(raw) == 2 and hashlib.sha1(bytes(raw[1])).hexdigest() in SCRIPTS:
            return None
        raise Refused("helpers may run no script of their own")

    def _c_evalsha(self, words, raw, in_multi):
        sha = words[0].lower() if words else ""
        self._script(SCRIPTS.get(sha), words)

    def _c_eval(self, words, raw, in_multi):
        self._script(SCRIPTS.get(hashlib.sha1(bytes(raw[0])).hexdigest()) if raw else None, words)

    def _script(self, name, words) -> None:
        if name is None:
            raise Refused("helpers may run no script of their own")
        try:
            count = int(words[1])
        except (IndexError, ValueError):
            raise Refused("malformed script call") from None
        keys, argv = words[2:2 + count], words[2 + count:]
        if name.startswith("lock-"):
            if any(k not in self.own_keys for k in keys):
                raise Refused("helpers may lock their own keys only")
        elif name == "refresh_binding":
            self._binding(keys[0] if keys else "", argv[:1])
        elif not all(k.startswith("_kombu.binding") for k in keys):
            raise Refused("helpers may sweep kombu's routing tables only")


def _own_pidbox(key: str) -> bool:
    """A worker's own control queue (``HOST.celery.pidbox``, any priority step), never the
    app's reply queue."""
    base = key.partition(SEP)[0]
    return base.endswith("." + PIDBOX) and REPLY_PIDBOX not in base


def _digest(message: dict | None) -> str:
    if not message:
        return ""
    return hashlib.sha256(json.dumps([message.get("body"), (message.get("headers") or {}).get("task")],
                                     sort_keys=True).encode()).hexdigest()
