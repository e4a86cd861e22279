"""A helper is trusted with what it is sent, and nothing more.

Each test acts as a helper that holds a valid join line would (redis-py over TLS to the
real gate, trusting the pinned certificate, with the line's name and secret), against
the real broker and the app's real workers, and tries what issue 29 found possible: make
the app's machine read a file nobody added, read what it was not given, store a result
for a task it did not take, fill the broker's memory, keep a connection open without
logging in, stay in after it was removed or after helpers were turned off. Each is
refused. (The helpers that do real work, on another host, are in test_helpers.py.)"""

import json
import shutil
import socket
import ssl
import subprocess
import uuid
from pathlib import Path

import pytest
import redis

from app.jobs.stack import Stack
from app.paths import DataDir
from app.remote.access import (
    HelperAccess,
    HelperError,
    Ticket,
    fetch_certificate,
    join_lines,
    pin_certificate,
)
from app.settings import Settings
from app.store import jobstore as js
from tests.helpers import free_port, wait_until

pytestmark = pytest.mark.stack


def open_gated_stack(data_dir: Path, **values) -> tuple[Stack, str]:
    port = free_port()
    (data_dir / "settings.json").write_text(json.dumps(
        {"version": 2, "helpers_listen": f"127.0.0.1:{port}", "summarize": False, **values}))
    data = DataDir.resolve(data_dir)
    stack = Stack(data, Settings(data.settings)).open(wait_workers=True)
    [line] = join_lines(data, Settings(data.settings))
    return stack, line.removeprefix("earmark worker --join ")


def as_helper(line: str, folder: Path, **kwargs) -> redis.Redis:
    """What a helper holding *line* can open: a broker client through the gate."""
    ticket = Ticket.parse(line)
    ca = pin_certificate(ticket, folder)
    return redis.Redis(host=ticket.host, port=ticket.port, username=ticket.user, password=ticket.secret, ssl=True,
                       protocol=2,
                       ssl_cert_reqs=ssl.CERT_REQUIRED, ssl_ca_certs=str(ca), ssl_check_hostname=False,
                       socket_timeout=10, **kwargs)


def refused(call) -> str:
    """The error the gate answers *call* with (it must be refused)."""
    with pytest.raises(redis.exceptions.NoPermissionError) as caught:  # the gate's -NOPERM
        call()
    return str(caught.value)


def task_message(name: str, args: list, queue: str, task_id: str | None = None) -> str:
    """A Celery message as kombu puts it in a queue, made by hand (unsigned)."""
    import base64

    task_id = task_id or uuid.uuid4().hex
    body = base64.b64encode(json.dumps([args, {}, {"callbacks": None, "errbacks": None, "chain": None,
                                                   "chord": None}]).encode()).decode()
    return json.dumps({"body": body, "content-encoding": "utf-8", "content-type": "application/json",
                       "headers": {"lang": "py", "task": name, "id": task_id, "root_id": task_id, "parent_id": None,
                                   "group": None, "argsrepr": "", "kwargsrepr": "{}", "origin": "x", "retries": 0},
                       "properties": {"correlation_id": task_id, "reply_to": "", "delivery_mode": 2,
                                      "delivery_info": {"exchange": queue, "routing_key": queue}, "priority": 0,
                                      "body_encoding": "base64", "delivery_tag": uuid.uuid4().hex}})


def test_a_join_line_cannot_make_the_app_read_a_file_read_what_it_was_not_given_or_forge_a_result(
        data_dir, corpus, tmp_path):
    stack, line = open_gated_stack(data_dir)
    private = tmp_path / "private meeting.flac"
    shutil.copy(corpus / "jfk.flac", private)
    private.chmod(0o600)
    try:
        # one real job, so there is a finished task, a result and events to go after
        done = stack.service.intake(str(corpus / "jfk.flac"), Settings(stack.data.settings).speech_options())
        wait_until(lambda: stack.store.job(done.job_id)["state"] in js.FINAL, 180, message="the job")
        local_task = stack.store.stage(done.job_id, "transcribe")["task_id"]
        helper = as_helper(line, tmp_path / "pin")
        assert helper.ping()

        # 1. nothing it writes makes the app's machine open a file: a crafted task is
        # refused by the gate, on every queue, the app's own files queue included
        for queue in ("transcribe", "files", "nlp"):
            refused(lambda q=queue: helper.lpush(q, task_message("earmark.transcribe",
                                                                 ["j", str(private), {}], q)))
        # and were one in a queue by another way, the app's worker would not run it:
        # it is not signed by the app
        forged_id = uuid.uuid4().hex
        with stack.celery.connection_for_write() as conn:
            conn.default_channel.client.lpush("transcribe", task_message(
                "earmark.transcribe", ["j", str(private), {}], "transcribe", forged_id))
        outcome = stack.celery.AsyncResult(forged_id)
        wait_until(lambda: outcome.state == "FAILURE", 60, message="the forged task's refusal")
        assert "not sent by the Earmark" in str(outcome.result)
        assert "country" not in str(stack.celery.backend.get_task_meta(forged_id))

        # 2. it reads nothing it was not given: no queue listing, no other worker's
        # bookkeeping, no key listing, no result or audio of another task, no events
        refused(lambda: helper.lrange("transcribe", 0, -1))
        refused(lambda: helper.hgetall("unacked"))
        refused(lambda: helper.keys("*"))
        refused(lambda: helper.scan())
        refused(lambda: helper.get(f"celery-task-meta-{local_task}"))
        refused(lambda: helper.get(f"earmark:audio:{done.job_id}:0"))
        refused(lambda: helper.execute_command("CONFIG", "GET", "maxmemory"))
        refused(lambda: helper.delete("transcribe"))
        refused(lambda: helper.publish("/0.celery.pidbox", "{}"))  # no orders to the app's workers
        listener = helper.pubsub()
        with pytest.raises(redis.exceptions.ResponseError):
            listener.psubscribe("*")
            listener.get_message(timeout=5)
        listener.close()
        events = as_helper(line, tmp_path / "pin").pubsub()
        with pytest.raises(redis.exceptions.ResponseError):
            events.subscribe("/0.celeryev/task.multi")
            events.get_message(timeout=5)
        events.close()

        # 3. no result for a task it did not take, whatever it knows of its id
        refused(lambda: helper.set(f"celery-task-meta-{local_task}", json.dumps(
            {"status": "SUCCESS", "result": {"segments": [{"start": 0, "end": 1, "text": "FORGED"}]}})))

        # 4. memory: no value past the cap (the connection is closed), and the broker
        # itself is bounded without ever dropping queued work
        big = as_helper(line, tmp_path / "pin")
        with pytest.raises((redis.exceptions.ConnectionError, redis.exceptions.ResponseError)):
            big.set(f"celery-task-meta-{uuid.uuid4().hex}", b"x" * (20 * 1024 * 1024))
        with stack.celery.connection_for_write() as conn:
            admin = conn.default_channel.client
            assert int(admin.config_get("maxmemory")["maxmemory"]) > 0
            assert admin.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"
            assert not admin.exists(f"celery-task-meta-{local_task}") or "FORGED" not in str(
                admin.get(f"celery-task-meta-{local_task}"))
        assert "FORGED" not in json.dumps(stack.store.transcript(done.job_id))
        helper.close()
    finally:
        stack.close()


def test_logins_are_required_in_time_connections_bounded_and_a_removed_helper_is_out_at_once(data_dir, tmp_path):
    from app.runtime import gate

    stack, line = open_gated_stack(data_dir, local_queues="index")
    ticket = Ticket.parse(line)
    access = HelperAccess.of(stack.data)
    try:
        # a TLS connection that never logs in is closed after LOGIN_SECONDS
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        idle = context.wrap_socket(socket.create_connection((ticket.host, ticket.port), timeout=5))
        idle.settimeout(gate.LOGIN_SECONDS + 10)
        assert idle.recv(1024) == b""  # closed by the gate, not by our timeout
        idle.close()
        wait_until(lambda: any("no login" in r["why"] for r in gate.read_status(stack.data).get("refused", [])), 10,
                   message="the gate's refusal")

        # connections are bounded: past MAX_PER_PEER from one address, more are closed at once
        held = [socket.create_connection((ticket.host, ticket.port), timeout=5) for _ in range(gate.MAX_PER_PEER)]
        extra = socket.create_connection((ticket.host, ticket.port), timeout=5)
        extra.settimeout(5)
        try:
            assert extra.recv(1) == b""
        except ConnectionResetError:
            pass
        for s in (*held, extra):
            s.close()

        def admitted():  # once the gate has seen those close, a new connection is served again
            try:
                return bool(fetch_certificate(ticket, timeout=2))
            except HelperError:
                return False
        wait_until(admitted, 20, interval=0.2, message="the gate to let connections in again")

        # per-helper secrets: a second helper with its own line; removing it closes its
        # connection within a second or two and refuses its secret, while the first stays
        second = access.add("laptop-2")
        [second_line] = join_lines(stack.data, Settings(stack.data.settings), second)
        assert "earmark://laptop-2:" in second_line and second_line != "earmark worker --join " + line
        first_client, second_client = as_helper(line, tmp_path / "a"), as_helper(
            second_line.removeprefix("earmark worker --join "), tmp_path / "b")
        assert first_client.ping() and second_client.ping()
        assert access.remove("laptop-2")

        def cut_off():
            try:
                second_client.ping()
                return False
            except (redis.exceptions.ConnectionError, redis.exceptions.AuthenticationError):
                return True
        wait_until(cut_off, 5, interval=0.2, message="the removed helper's connection to close")
        with pytest.raises(redis.exceptions.AuthenticationError):
            as_helper(second_line.removeprefix("earmark worker --join "), tmp_path / "c").ping()
        assert first_client.ping()
        first_client.close()
    finally:
        stack.close()


def test_serve_closes_the_port_as_soon_as_helpers_are_turned_off(data_dir, earmark):
    port = free_port()
    settings = data_dir / "settings.json"
    settings.write_text(json.dumps({"version": 2, "helpers_listen": f"127.0.0.1:{port}", "local_queues": "index"}))
    serve = subprocess.Popen(earmark("serve", "--data-dir", data_dir), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        wait_until(lambda: lines.append(serve.stdout.readline()) or "Another machine helps" in lines[-1], 180,
                   message="serve ready")
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        settings.write_text(json.dumps({"version": 2, "helpers_listen": "", "local_queues": "index"}))
        wait_until(lambda: lines.append(serve.stdout.readline()) or "port is closed" in lines[-1], 30,
                   message="serve to close the port")
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5)
    finally:
        serve.terminate()
        serve.wait(timeout=120)


def test_a_result_that_does_not_fit_its_task_is_refused(corpus):
    """Shape, times and size, checked before anything reaches the job store: a real
    transcript passes; the forgeries the trials stored do not."""
    from app.jobs.result_checks import check_stage_result, check_transcript
    from workers.engines.speech import SpeechEngine, TranscribeOptions
    from workers.errors import RefusedResult
    from workers.media import probe

    options = TranscribeOptions(word_timestamps=True)
    real = SpeechEngine.get(options).transcribe(probe(str(corpus / "jfk.flac")), options)
    check_transcript(real, 0.0, 11.0)
    check_transcript(dict(real, job_id="j", index=2, start=60.0, end=71.0,
                          timings={"audio": 0.01, "model": 0.0, "transcribe": 0.8, "coverage": 0.02},
                          segments=[dict(s, start=s["start"] + 60, end=s["end"] + 60,
                                         words=[dict(w, start=w["start"] + 60, end=w["end"] + 60)
                                                for w in s.get("words") or ()]) for s in real["segments"]]),
                     60.0, 71.0, job_id="j", index=2)
    flood = dict(real, segments=[{"start": 1.0, "end": 2.0, "text": "FORGED BY A HELPER"}] * 60_000)
    outside = dict(real, segments=[{"start": 500.0, "end": 501.0, "text": "later"}])
    check_transcript(dict(real, segments=[*real["segments"], {"start": 9.0, "end": 15.5, "text": "late"}]),
                     0.0, 11.0)  # a last sentence dated past the audio, as the batched pipeline does
    unknown = dict(real, payload="x")
    strange = dict(real, segments=[{"start": 1.0, "end": 2.0, "text": "x", "html": "<b>"}])
    wordy = dict(real, segments=[{"start": 0.0, "end": 10.0, "text": "word " * 1000}])
    other_job = dict(real, job_id="other")
    odd_timings = dict(real, timings={"transcribe": "fast"})
    # the recogniser's confidence per segment is declared, but only within what Whisper can say
    assert all(-20 <= s["avg_logprob"] < 0 and 0 <= s["no_speech_prob"] <= 1 for s in real["segments"])
    first = real["segments"][0]
    unsure = [dict(real, segments=[dict(first, **{name: value})]) for name, value in (
        ("avg_logprob", 0.4), ("avg_logprob", -1e9), ("no_speech_prob", 1.5), ("compression_ratio", -2.0),
        ("compression_ratio", float("nan")), ("temperature", 3.0), ("no_speech_prob", "low"))]
    for forged in (flood, outside, unknown, strange, wordy, other_job, odd_timings, "text", None, *unsure):
        with pytest.raises(RefusedResult) as caught:
            check_transcript(forged, 0.0, 11.0, job_id="j")
        assert "refused" in str(caught.value)
    check_stage_result({"job_id": "j", "markdown": "## Notes\n- fine"}, 2000, job_id="j")
    with pytest.raises(RefusedResult):
        check_stage_result({"job_id": "j", "markdown": "x" * 5_000_000}, 2000, job_id="j")


def test_a_speaker_result_whose_turns_or_notes_do_not_fit_is_refused(tmp_path, corpus):
    """The speaker stage's turns and notes (round 7): a real result passes the app's gate; a
    helper's turn of another shape, outside the audio, or notes that are not a few sentences
    are refused there (the store read them as they came: a TypeError mid-save, the stage left
    running, and the safety net's poll stopped at it for every job after)."""
    from app.jobs.service import JobService
    from app.store.jobstore import JobStore
    from workers.engines import voices
    from workers.errors import RefusedResult

    store = JobStore(tmp_path / "earmark.db")
    job_id = store.create_job(str(corpus / "jfk.flac"), stages=["transcribe", "diarize"], duration_seconds=11.0)
    segments = [{"idx": 0, "start": 0.0, "end": 4.0, "text": "And so, my fellow Americans,"},
                {"idx": 1, "start": 4.0, "end": 11.0, "text": "ask not what your country can do for you"}]
    store.save_transcript(job_id, {"language": "en", "duration": 11.0, "text": "", "segments": segments})
    service = JobService(store, None)  # no broker: only its check of a result is asked here
    real = dict(voices.stage_result(voices.diarize(str(corpus / "jfk.flac")), segments), job_id=job_id,
                notes=["One sentence of the stage's."])
    assert real["turns"]
    service._check_result(job_id, "diarize", real)
    first = real["turns"][0]
    for turns, notes in (([["0", "1", "1"]], []), ([[first[0], first[1]]], []), ([[5.0, 2.0, "1"]], []),
                         ([[0.0, 600.0, "1"]], []), ([[0.0, 1.0, 1]], []), ("0-1", []),
                         (real["turns"], "a note"), (real["turns"], [{"html": "<b>"}]), (real["turns"], ["x" * 5000]),
                         (real["turns"], ["one"] * 50)):
        with pytest.raises(RefusedResult) as caught:
            service._check_result(job_id, "diarize", dict(real, turns=turns, notes=notes))
        assert "refused" in str(caught.value)
