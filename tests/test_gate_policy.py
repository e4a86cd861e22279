"""The gate's reading of what a helper sends (RESP) and its rules, command by command,
without a network: what the trust tests (test_helper_trust.py) then see end to end."""

import base64
import json

import pytest

from app.runtime.gate import Incomplete, ProtocolError, parse_frame
from app.runtime.gate_policy import HelperPolicy, Refused


def command(*parts) -> bytes:
    out = b"*%d\r\n" % len(parts)
    for part in parts:
        part = part if isinstance(part, bytes) else str(part).encode()
        out += b"$%d\r\n%s\r\n" % (len(part), part)
    return out


def message(task_id: str, name: str = "earmark.transcribe_chunk", args=None) -> bytes:
    body = base64.b64encode(json.dumps([args or ["job", "", 0, 0.0, 60.0, [], {"audio_key": "earmark:audio:job:0:tok"}],
                                        {}, {}]).encode()).decode()
    return json.dumps({"body": body, "headers": {"id": task_id, "task": name},
                       "properties": {"body_encoding": "base64"}}).encode()


def test_frames_are_read_whole_and_oversized_ones_refused():
    raw = command("SET", "k", "v") + command("PING")
    value, used = parse_frame(raw, 0, max_bulk=100)
    assert value == [b"SET", b"k", b"v"] and parse_frame(raw, used)[0] == [b"PING"]
    with pytest.raises(Incomplete):
        parse_frame(raw[:10], 0)
    with pytest.raises(ProtocolError):
        parse_frame(command("SET", "k", "x" * 200), 0, max_bulk=100)
    with pytest.raises(ProtocolError):
        parse_frame(b"%1\r\n", 0)  # RESP3 is not spoken here


def test_a_helper_may_touch_what_it_was_given_and_nothing_else():
    policy = HelperPolicy("laptop")
    check = lambda *parts: policy.check([p if isinstance(p, bytes) else str(p).encode() for p in parts])
    check("BRPOP", "transcribe", "transcribe\x06\x163", "nlp", 1)
    for forbidden in (("BRPOP", "files", 1), ("LRANGE", "transcribe", 0, -1), ("KEYS", "*"), ("HGETALL", "unacked"),
                      ("GET", "celery-task-meta-abc"), ("GET", "earmark:audio:job:0:tok"), ("CONFIG", "GET", "x"),
                      ("PUBLISH", "/0.celery.pidbox", "{}"), ("PSUBSCRIBE", "*"), ("SUBSCRIBE", "/0.celeryev/x"),
                      ("LPUSH", "transcribe", message("abc")), ("SET", "celery-task-meta-abc", "{}"),
                      ("EVAL", "return 1", 0), ("SCRIPT", "LOAD", "return 1"), ("SADD", "_kombu.binding.files",
                                                                                  "files\x06\x16\x06\x16transcribe")):
        with pytest.raises(Refused):
            check(*forbidden)
    # the broker hands it task abc: now its result, its audio and its events are its own
    policy.taken(message("abc"))
    check("GET", "celery-task-meta-abc")
    check("SETEX", "celery-task-meta-abc", 600, json.dumps({"status": "SUCCESS"}))
    check("GET", "earmark:audio:job:0:tok")
    check("LPUSH", "transcribe", message("abc"))  # put back as it came
    with pytest.raises(Refused):
        check("LPUSH", "transcribe", message("abc", name="earmark.plan_chunks"))  # not as something else
    with pytest.raises(Refused):
        check("GET", "earmark:audio:job:1:tok")  # another chunk's audio
    with pytest.raises(Refused):
        check("SETEX", "celery-task-meta-abc", 600, b"x" * (9 * 1024 * 1024))
    check("HSET", "unacked.helper.laptop", "tag", json.dumps([json.loads(message("abc")), "transcribe", "transcribe"]))
    with pytest.raises(Refused):
        check("HSET", "unacked.helper.other", "tag", json.dumps([json.loads(message("abc")), "t", "t"]))
    event = json.dumps({"body": base64.b64encode(json.dumps({"type": "task-progress", "uuid": "zzz"}).encode()).decode(),
                        "properties": {"body_encoding": "base64"}})
    with pytest.raises(Refused):
        check("PUBLISH", "/0.celeryev/task.progress", event)
    check("PUBLISH", "/0.celeryev/task.progress", event.replace(
        base64.b64encode(json.dumps({"type": "task-progress", "uuid": "zzz"}).encode()).decode(),
        base64.b64encode(json.dumps({"type": "task-progress", "uuid": "abc"}).encode()).decode()))
    # a control request names where to answer: that reply queue, a few times, and no other
    request = json.dumps({"body": base64.b64encode(json.dumps({"method": "ping", "reply_to": {
        "exchange": "reply.celery.pidbox", "routing_key": "oid1"}}).encode()).decode(),
        "properties": {"body_encoding": "base64"}})
    with pytest.raises(Refused):
        check("LPUSH", "oid1.reply.celery.pidbox", "{}")
    policy.told(request.encode())
    check("LPUSH", "oid1.reply.celery.pidbox", "{}")
    with pytest.raises(Refused):
        check("LPUSH", "oid2.reply.celery.pidbox", "{}")
    with pytest.raises(Refused):
        check("DEL", "oid1.reply.celery.pidbox")
