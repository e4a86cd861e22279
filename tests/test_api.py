"""The local API end to end: a real ``earmark serve --api`` (real broker, real workers,
the bundled tiny.en), driven by OpenAI's own Python client and by httpx."""

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import openai
import pytest

from app.runtime.processes import die_with_parent
from app.store.jobstore import JobStore
from tests.helpers import parse_srt, processes_of, reference, wait_until, wer

pytestmark = pytest.mark.stack
UPLOAD_LIMIT_MB = 2  # jfk.flac (1.1 MB) fits; the too-large test sends 3 MB


class Api:
    def __init__(self, data: Path, url: str, process: subprocess.Popen):
        self.data, self.url, self.process = data, url, process

    @property
    def key(self) -> str:
        """What ``earmark api-key`` prints (read each time: one test makes a new key)."""
        done = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(self.data), "api-key"],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def openai(self, key: str | None = None) -> openai.OpenAI:
        return openai.OpenAI(base_url=f"{self.url}/v1", api_key=key or self.key, max_retries=0, timeout=300)

    def http(self, key: str | None = None, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {key or self.key}"},
                            timeout=kwargs.pop("timeout", 300), **kwargs)

    def wait_done(self, http: httpx.Client, job_id: str) -> dict:
        """The job's status once it has finished (long polling: the server answers when it ends)."""
        while True:
            status = http.get(f"/api/jobs/{job_id}/status", params={"wait": 30})
            assert status.status_code == 200, status.text
            body = status.json()
            if body["status"] in ("done", "failed", "cancelled"):
                return body


def start_api(data: Path) -> Api:
    """``earmark serve --api`` on a free port of 127.0.0.1, once it says it is ready."""
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(data), "serve", "--api", "127.0.0.1:0",
         "--api-upload-limit", str(UPLOAD_LIMIT_MB), "--api-queue-limit", "20"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, stdin=subprocess.DEVNULL,
        preexec_fn=die_with_parent(signal.SIGTERM))  # it stops with this test process, even one killed
    url = None
    for line in process.stdout:  # the server says where it listens, then that it is ready
        if line.startswith("The API listens on "):
            url = line.split()[4]
        if line.startswith("Earmark is ready"):
            break
    assert url, (data / "logs" / "app.log").read_text(errors="replace")[-3000:]
    return Api(data, url, process)


def stop_api(api: Api) -> None:
    api.process.send_signal(signal.SIGINT)
    try:
        api.process.wait(60)
    except subprocess.TimeoutExpired:
        api.process.kill()
        api.process.wait()
    assert not processes_of(api.data), "serve --api left a broker or worker behind"


@pytest.fixture(scope="module")
def api():
    with tempfile.TemporaryDirectory(prefix="em-") as folder:
        running = start_api(Path(folder))
        try:
            yield running
        finally:
            stop_api(running)


def test_health_needs_no_key_and_everything_else_does(api):
    assert httpx.get(f"{api.url}/healthz").json() == {"status": "ok", "ready": True}
    assert httpx.get(f"{api.url}/docs").status_code == 200  # the OpenAPI page
    assert "/v1/audio/transcriptions" in httpx.get(f"{api.url}/openapi.json").json()["paths"]
    for key in (None, "wrong"):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        for method, path in (("GET", "/v1/models"), ("GET", "/api/jobs/x/status"),
                             ("POST", "/api/transcripts/upload"), ("POST", "/v1/audio/transcriptions")):
            answer = httpx.request(method, f"{api.url}{path}", headers=headers)
            assert answer.status_code == 401, (key, path, answer.text)
            assert answer.json()["error"]["code"] == "invalid_api_key"
    with pytest.raises(openai.AuthenticationError):
        api.openai("wrong").models.list()
    key_file = api.data / "api.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and key_file.read_text().strip() == api.key


def test_openai_client_verbose_json_with_words_and_segments(api, corpus):
    client = api.openai()
    with open(corpus / "jfk.flac", "rb") as audio:
        result = client.audio.transcriptions.create(model="whisper-1", file=audio, response_format="verbose_json",
                                                    timestamp_granularities=["word", "segment"])
    assert wer(reference("jfk"), result.text) <= 0.05
    assert result.language == "english" and 10.5 <= result.duration <= 11.5
    words, segments = result.words, result.segments
    assert len(words) >= 20 and wer(reference("jfk"), " ".join(w.word for w in words)) <= 0.05
    assert all(w.start <= w.end for w in words) and [w.start for w in words] == sorted(w.start for w in words)
    assert segments and segments[0].start == 0.0 and segments[-1].end <= 11.1
    assert [s.id for s in segments] == list(range(len(segments)))
    assert wer(reference("jfk"), " ".join(s.text for s in segments)) <= 0.05
    # how sure the recogniser was, as the job store keeps it: real values, not OpenAI's placeholders
    store = JobStore(api.data / "earmark.db")
    stored = next(t["segments"] for j in store.jobs(limit=100) if (t := store.transcript(j["id"]))
                  and [x["text"] for x in t["segments"]] == [s.text for s in segments])
    assert [(s.avg_logprob, s.no_speech_prob, s.compression_ratio, s.temperature) for s in segments] == \
        [(s["avg_logprob"], s["no_speech_prob"], s["compression_ratio"], s["temperature"]) for s in stored]
    assert all(-20 <= s.avg_logprob < 0 and 0 <= s.no_speech_prob <= 1 and s.compression_ratio > 0 for s in segments)
    # only segments asked for: no words, as OpenAI answers
    with open(corpus / "jfk.flac", "rb") as audio:
        only = client.audio.transcriptions.create(model="whisper-1", file=audio, response_format="verbose_json")
    assert only.segments and not getattr(only, "words", None)
    # the uploads are the data folder's, private
    uploads = api.data / "uploads"
    assert stat.S_IMODE(uploads.stat().st_mode) == 0o700
    files = [p for p in uploads.rglob("*") if p.is_file()]
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)


def test_openai_client_srt_vtt_and_text(api, corpus):
    client = api.openai()
    answers = {}
    for fmt in ("srt", "vtt", "text", "json"):
        with open(corpus / "jfk.flac", "rb") as audio:
            answers[fmt] = client.audio.transcriptions.create(model="tiny.en", file=audio, response_format=fmt,
                                                              language="en")
    cues = parse_srt(answers["srt"])
    assert cues and wer(reference("jfk"), " ".join(text for _, _, text in cues)) <= 0.05
    assert cues[-1][1] <= 11.1 and [c[0] for c in cues] == sorted(c[0] for c in cues)
    assert answers["vtt"].startswith("WEBVTT") and "-->" in answers["vtt"]
    assert wer(reference("jfk"), answers["text"]) <= 0.05
    assert answers["json"].text.strip() == answers["text"].strip()
    # all four were one job: the same recording with the same options is transcribed once
    store = JobStore(api.data / "earmark.db")
    same = [job for job in store.jobs(limit=100) if '"tiny.en"' in job["options"]]
    assert len(same) == 1 and store.transcript(same[0]["id"]) is not None


def test_translation_with_the_multilingual_model_says_what_it_scored_in_a_header(api, corpus):
    """whisper-1 translates with the bundled base model, which scored below the floor: the job
    contract says so in ``warnings``, and OpenAI's answer (whose schema has no place for it)
    in the header ``x-earmark-warning``, the same sentence, percent-encoded where not ASCII."""
    from urllib.parse import unquote

    from workers.engines.llm import translation_warning

    with open(corpus / "jfk.flac", "rb") as audio:
        answer = api.openai().audio.translations.with_raw_response.create(model="whisper-1", file=audio,
                                                                          response_format="verbose_json")
    english = answer.parse()
    assert english.task == "translate" and wer(reference("jfk"), english.text) <= 0.2
    [warning] = answer.headers.get_list("x-earmark-warning")
    assert warning.isascii() and "%E2%80%BA" in warning  # "Settings › Models"
    assert unquote(warning) == translation_warning("speech", "base")
    with open(corpus / "jfk.flac", "rb") as audio:  # a transcription with tiny.en: nothing to warn of
        plain = api.openai().audio.transcriptions.with_raw_response.create(model="whisper-1", file=audio)
    assert plain.headers["x-earmark-job-id"] and "x-earmark-warning" not in plain.headers
    [job] = [j for j in JobStore(api.data / "earmark.db").jobs(limit=100) if '"translate"' in j["options"]]
    assert '"model": "base"' in job["options"]  # whisper-1 translates with the bundled multilingual model
    with open(corpus / "jfk.flac", "rb") as audio, pytest.raises(openai.BadRequestError, match="English-only"):
        api.openai().audio.translations.create(model="tiny.en", file=audio)


def test_bad_requests_in_openais_shape_and_the_server_keeps_answering(api, corpus, tmp_path):
    client = api.openai()
    waiting_before = JobStore(api.data / "earmark.db").count_waiting()
    text_file = tmp_path / "notes.wav"
    text_file.write_text("these are notes, not a recording\n" * 20)
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    cases = [(text_file, {}, openai.BadRequestError, "not a recording"),
             (empty, {}, openai.BadRequestError, "is empty"),
             (corpus / "jfk.flac", {"model": "no-such-model"}, openai.NotFoundError, "does not exist"),
             (corpus / "jfk.flac", {"response_format": "docx"}, openai.BadRequestError, "response_format"),
             (corpus / "jfk.flac", {"response_format": "srt", "extra_body": {"stream": "true"}},
              openai.BadRequestError, "stream"),
             (corpus / "jfk.flac", {"response_format": "json", "timestamp_granularities": ["word"]},
              openai.BadRequestError, "verbose_json")]
    for path, extra, error, words in cases:
        asked = {"model": "whisper-1", **extra}
        with open(path, "rb") as audio, pytest.raises(error) as raised:
            client.audio.transcriptions.create(file=audio, **asked)
        body = raised.value.body
        assert words in body["message"] and body["type"] == "invalid_request_error", (path, body)
        assert str(api.data) not in body["message"]  # the server's folders are not the client's business
    # nothing was queued, nothing kept, and the server still answers
    assert JobStore(api.data / "earmark.db").count_waiting() == waiting_before
    assert not [p for p in (api.data / "uploads").rglob("notes.wav")]
    assert [m.id for m in client.models.list()][:2] == ["whisper-1", "tiny.en"]


def test_stream_true_sends_openais_events_as_the_segments_are_final(api, corpus):
    import json

    client = api.openai()
    with open(corpus / "jfk.flac", "rb") as audio:  # a prompt of its own: a job of its own, not one done already
        events = list(client.audio.transcriptions.create(model="whisper-1", file=audio, stream=True,
                                                         prompt="streamed", temperature=0.2))
    kinds = [e.type for e in events]
    assert len(kinds) >= 2 and kinds[-1] == "transcript.text.done" and set(kinds[:-1]) == {"transcript.text.delta"}
    done = events[-1]
    assert wer(reference("jfk"), done.text) <= 0.05
    assert "".join(e.delta for e in events[:-1]).split() == done.text.split()  # the deltas add up to the text
    assert done.usage.type == "duration" and 10 <= done.usage.seconds <= 12
    # on the wire: server-sent events, the job named, its state in the store
    with api.http() as http, open(corpus / "jfk.flac", "rb") as audio:
        with http.stream("POST", "/v1/audio/transcriptions", files={"file": ("jfk.flac", audio)},
                         data={"model": "whisper-1", "stream": "true", "response_format": "text",
                               "prompt": "streamed", "temperature": "0.2"}) as answer:
            assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/event-stream")
            job_id = answer.headers["x-earmark-job-id"]
            data = [json.loads(line[6:]) for line in answer.iter_lines() if line.startswith("data: ")]
        # the same file and options: the job the SDK's request made, done, streamed again whole
        assert data[-1] == {"type": "transcript.text.done", "text": done.text,
                            "usage": done.usage.model_dump(exclude_none=True)}
        job = JobStore(api.data / "earmark.db").job(job_id)
        assert job["state"] == "done" and json.loads(job["options"])["temperature"] == 0.2  # the engine samples at it
        assert job["source"] == "api"  # the window's list says where it came from
        with open(corpus / "jfk.flac", "rb") as audio:  # OpenAI streams transcriptions only
            refused = http.post("/v1/audio/translations", files={"file": ("jfk.flac", audio)},
                                data={"model": "whisper-1", "stream": "true"})
        assert refused.status_code == 400 and refused.json()["error"]["param"] == "stream"


def test_four_requests_at_once(api, corpus):
    """Four clients at once, each its own job (a different prompt): each gets its own answer."""
    from concurrent.futures import ThreadPoolExecutor

    def ask(n: int):
        with open(corpus / "jfk.flac", "rb") as audio:
            return api.openai().audio.transcriptions.with_raw_response.create(
                model="whisper-1", file=audio, prompt=f"client {n}", response_format="json")

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(ask, range(4)))
    assert len({a.headers["x-earmark-job-id"] for a in answers}) == 4
    assert all(wer(reference("jfk"), a.parse().text) <= 0.05 for a in answers)


def test_too_large_is_413_and_leaves_nothing(api, tmp_path):
    big = tmp_path / "big.wav"
    big.write_bytes(os.urandom((UPLOAD_LIMIT_MB + 1) << 20))
    uploads = api.data / "uploads"

    def kept():
        return set(uploads.rglob("*")) if uploads.exists() else set()

    before = kept()
    with api.http() as http, open(big, "rb") as audio:
        answer = http.post("/v1/audio/transcriptions", files={"file": ("big.wav", audio)},
                           data={"model": "whisper-1"})
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "file_too_large", answer.text
    assert kept() == before
    # a client that sends no length (chunked) is cut off as the file passes the limit
    def chunks():
        with open(big, "rb") as audio:
            while block := audio.read(1 << 16):
                yield block
    boundary = "earmark-test-boundary"
    body = [f'--{boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\n'
            "Content-Type: audio/wav\r\n\r\n".encode()]

    def stream():
        yield body[0]
        yield from chunks()
        yield f"\r\n--{boundary}--\r\n".encode()
    with api.http() as http:
        answer = http.post("/v1/audio/transcriptions", content=stream(),
                           headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert answer.status_code == 413, answer.text
    assert kept() == before  # what had come of it is gone


def test_job_contract_upload_status_result_export_search(api, corpus, tmp_path):
    talk = tmp_path / "talk.flac"
    shutil.copy(corpus / "jfk.flac", talk)
    with api.http() as http:
        with open(talk, "rb") as audio:
            answer = http.post("/api/transcripts/upload", files={"file": ("talk.flac", audio)},
                               data={"language": "en", "speakers": "1"})
        assert answer.status_code == 202, answer.text
        body = answer.json()
        assert body["status"] == "queued" and body["transcript_id"] == body["job_id"]
        job_id = body["job_id"]
        first = http.get(f"/api/jobs/{job_id}/status").json()
        assert first["job_id"] == job_id and first["status"] in ("queued", "running", "done")
        place = first["place_in_line"]
        # queued: in line (1 = next), also before its first stage reaches the broker; running:
        # 0 while a stage runs, N while its next stage waits; done: out of the line
        assert {"queued": place is not None and place >= 1, "running": place is not None and place >= 0,
                "done": place is None}[first["status"]], first
        done = api.wait_done(http, job_id)
        assert done["status"] == "done" and done["error"] is None and done["place_in_line"] is None, done
        assert wer(reference("jfk"), done["result"]["text"]) <= 0.05 and done["result"]["language"] == "en"
        assert all(s.get("speaker") for s in done["result"]["segments"])  # speakers asked for: each segment has one

        transcript = http.get(f"/api/transcripts/{job_id}").json()
        assert transcript["text"] == done["result"]["text"]
        srt = http.get(f"/api/transcripts/{job_id}/export", params={"format": "srt"})
        assert srt.status_code == 200 and 'filename="talk.srt"' in srt.headers["content-disposition"]
        cues = [t for _, _, t in parse_srt(srt.text)]
        speaker = done["result"]["segments"][0]["speaker"]
        assert all(t.startswith(f"{speaker}: ") for t in cues)  # the export names who speaks
        assert wer(reference("jfk"), " ".join(t.removeprefix(f"{speaker}: ") for t in cues)) <= 0.05
        assert http.get(f"/api/transcripts/{job_id}/export", params={"format": "pdf"}).status_code == 400
        hits = http.get("/api/search", params={"q": "country"}).json()["hits"]
        assert job_id in {h["job_id"] for h in hits}
        assert http.get("/api/jobs/nope/status").status_code == 404

        # bad options are the desk's checks, said at once, nothing queued
        with open(talk, "rb") as audio:
            bad = http.post("/api/transcripts/upload", files={"file": ("talk.flac", audio)},
                            data={"speakers": "lots"})
        assert bad.status_code == 400 and bad.json()["error"]["param"] == "speakers"


class Receiver:
    """A small server on 127.0.0.1 that callbacks are sent to: it keeps what each path got
    and answers each path's next status from *answers* (200 once they are spent)."""

    def __init__(self, answers: dict[str, list[int]] | None = None):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.received: list[tuple[str, dict, bytes]] = []
        self.changed = threading.Condition()
        answers = {path: list(codes) for path, codes in (answers or {}).items()}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                codes = answers.setdefault(self.path, [200])
                self.send_response(codes.pop(0) if len(codes) > 1 else codes[0])  # the last one again and again
                self.end_headers()
                with outer.changed:
                    outer.received.append((self.path, dict(self.headers), body))
                    outer.changed.notify_all()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def wait_for(self, path: str, count: int, timeout: float = 300) -> list[tuple[dict, bytes]]:
        """The first *count* POSTs to *path* (an assertion error if they do not come in time)."""
        def got():
            return [(h, b) for p, h, b in self.received if p == path]
        with self.changed:
            assert self.changed.wait_for(lambda: len(got()) >= count, timeout), (path, self.received)
            return got()

    def close(self) -> None:
        self.server.shutdown()


def assert_signed(api: Api, headers: dict, body: bytes) -> dict:
    import hashlib
    import hmac
    import json

    expected = hmac.new(api.key.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Earmark-Signature"] == f"sha256={expected}"
    return json.loads(body)


def test_a_callback_is_signed_tried_again_after_a_server_error_never_after_a_4xx(api, corpus, tmp_path):
    # /done: busy (503) at the first try, then takes it; /gone: 404, a permanent answer
    receiver = Receiver({"/done": [503, 200], "/gone": [404]})
    called, refused = tmp_path / "called.flac", tmp_path / "refused.flac"
    shutil.copy(corpus / "jfk.flac", called)
    with open(refused, "wb") as out:  # other bytes, so a job of its own
        out.write((corpus / "jfk.flac").read_bytes() + b"\0")
    try:
        with api.http() as http, open(called, "rb") as audio, open(refused, "rb") as other:
            assert http.post("/api/transcripts/upload", files={"file": ("called.flac", audio)}, data={
                "callback_url": "ftp://nowhere"}).status_code == 400
            audio.seek(0)
            job_id = http.post("/api/transcripts/upload", files={"file": ("called.flac", audio)}, data={
                "callback_url": f"{receiver.url}/done"}).json()["job_id"]
            refused_id = http.post("/api/transcripts/upload", files={"file": ("refused.flac", other)}, data={
                "callback_url": f"{receiver.url}/gone"}).json()["job_id"]
            tries = receiver.wait_for("/done", 2)
            [gone] = receiver.wait_for("/gone", 1)
            store = JobStore(api.data / "earmark.db")
            wait_until(lambda: store.callback(job_id)["state"] == "sent"
                       and store.callback(refused_id)["state"] == "refused", 30, message="the callbacks' states")
            api.wait_done(http, refused_id)
    finally:
        receiver.close()
    assert tries[0][1] == tries[1][1]  # the same POST, tried again once
    status = assert_signed(api, *tries[1])
    assert status["job_id"] == job_id and status["status"] == "done"
    assert wer(reference("jfk"), status["result"]["text"]) <= 0.05
    assert assert_signed(api, *gone)["job_id"] == refused_id
    assert [p for p, _, _ in receiver.received].count("/gone") == 1  # a 4xx is not tried again
    assert store.callback(refused_id)["tries"] == 1 and "404" in store.callback(refused_id)["error"]
    assert store.callback(job_id)["tries"] == 2


def test_the_event_stream_follows_a_job_to_its_end(api, corpus, tmp_path):
    import json

    followed = tmp_path / "followed.flac"
    shutil.copy(corpus / "jfk.flac", followed)
    with api.http() as http:
        with open(followed, "rb") as audio:
            job_id = http.post("/api/transcripts/upload", files={"file": ("followed.flac", audio)},
                               data={"force": "true", "language": "en"}).json()["job_id"]
        seen = []
        with http.stream("GET", "/api/events", params={"job_id": job_id}) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            for line in stream.iter_lines():
                if line.startswith("data: "):
                    seen.append(json.loads(line[6:]))
                    if seen[-1]["status"] in ("done", "failed", "cancelled"):
                        break
    assert {e["job_id"] for e in seen} == {job_id} and seen[-1]["status"] == "done", seen
    assert len(seen) >= 2 and len({json.dumps(e) for e in seen}) == len(seen)  # changes only
    progress = [e["progress"] for e in seen if e["stage"] == "transcribe" and e["progress"] is not None]
    assert progress == sorted(progress)


def test_many_waiting_clients_hold_no_thread_and_are_all_woken(api, corpus):
    """More long polls than the server's thread pool (40) has threads: the server still
    answers at once, and a cancel wakes every one of them."""
    from concurrent.futures import ThreadPoolExecutor

    waiting = 50
    with api.http(limits=httpx.Limits(max_connections=waiting + 5)) as http:
        with open(corpus / "meeting2_incident_review.mp3", "rb") as audio:
            job_id = http.post("/api/transcripts/upload", files={"file": ("long.mp3", audio)},
                               data={"force": "true"}).json()["job_id"]
        with ThreadPoolExecutor(waiting) as pool:
            polls = [pool.submit(http.get, f"/api/jobs/{job_id}/status", params={"wait": 60})
                     for _ in range(waiting)]
            wait_until(lambda: len(pool._threads) == waiting, message="the clients to start")
            began = time.monotonic()
            assert http.get("/healthz").status_code == 200 and http.get("/v1/models").status_code == 200
            assert time.monotonic() - began < 5  # not queued behind the waiting clients
            assert not any(p.done() for p in polls)  # they really wait
            assert http.delete(f"/api/jobs/{job_id}").json()["status"] == "cancelled"
            answers = [p.result(timeout=30) for p in polls]
    assert all(a.status_code == 200 and a.json()["status"] == "cancelled" for a in answers)


def test_cancel_through_the_api(api, corpus):
    with api.http() as http:
        with open(corpus / "meeting1_product_sync.mp3", "rb") as audio:
            job_id = http.post("/api/transcripts/upload", files={"file": ("meeting.mp3", audio)},
                               data={"force": "true"}).json()["job_id"]
        assert http.delete(f"/api/jobs/{job_id}").json()["status"] == "cancelled"
        assert api.wait_done(http, job_id)["status"] == "cancelled"
        # removed: the job is forgotten and its upload goes with it
        [upload] = (api.data / "uploads").rglob("meeting.mp3")
        assert http.delete(f"/api/jobs/{job_id}", params={"remove": "true"}).json()["status"] == "removed"
        assert http.get(f"/api/jobs/{job_id}/status").status_code == 404
        assert not upload.exists() and not upload.parent.exists()


def test_a_client_that_leaves_does_not_lose_its_job(api, corpus, tmp_path):
    leaving = tmp_path / "leaving.flac"
    shutil.copy(corpus / "jfk.flac", leaving)
    with api.http(timeout=httpx.Timeout(30, read=0.5)) as http, open(leaving, "rb") as audio:
        with pytest.raises(httpx.ReadTimeout):  # gone before the transcript is ready
            http.post("/v1/audio/transcriptions", files={"file": ("leaving.flac", audio)},
                      data={"model": "whisper-1", "prompt": "fellow Americans"})
    store = JobStore(api.data / "earmark.db")
    # the server took the whole upload before the client left: its job appears and runs
    wait_until(lambda: [j for j in store.jobs(limit=100) if j["path"].endswith("leaving.flac")])
    [job] = [j for j in store.jobs(limit=100) if j["path"].endswith("leaving.flac")]
    with api.http() as http:
        done = api.wait_done(http, job["id"])
    assert done["status"] == "done" and wer(reference("jfk"), done["result"]["text"]) <= 0.05


def test_the_api_killed_mid_request_its_job_finishes_once_after_a_restart(data_dir, corpus, tmp_path):
    """And a callback asked for before the kill, whose job ends after the restart, is sent then."""
    from tests.test_resilience import MEETING, assert_completed_once, kill_app, sequential, wait_running

    sequential(data_dir)  # progress segment by segment: the job is caught mid-way
    first = start_api(data_dir)
    outcome = {}

    def ask():
        try:
            with first.http() as http, open(corpus / f"{MEETING}.mp3", "rb") as audio:
                outcome["answer"] = http.post("/v1/audio/transcriptions", data={"model": "whisper-1"},
                                              files={"file": ("meeting.mp3", audio)})
        except httpx.HTTPError as exc:
            outcome["error"] = exc

    client = threading.Thread(target=ask)
    client.start()
    store = JobStore(data_dir / "earmark.db")
    job_id = wait_until(lambda: store.jobs() and store.jobs()[0]["id"], 120, message="the job")
    wait_running(store, job_id)
    receiver = Receiver()
    later = tmp_path / "later.flac"
    shutil.copy(corpus / "jfk.flac", later)
    with first.http() as http, open(later, "rb") as audio:
        called_id = http.post("/api/transcripts/upload", files={"file": ("later.flac", audio)},
                              data={"callback_url": f"{receiver.url}/after"}).json()["job_id"]
    kill_app(first.process)
    client.join(60)
    assert "error" in outcome, outcome  # the client saw its server go
    assert store.job(called_id)["state"] not in ("done", "failed", "cancelled")  # it ends after the restart
    second = start_api(data_dir)
    try:
        with second.http() as http:
            status = second.wait_done(http, job_id)
            assert second.wait_done(http, called_id)["status"] == "done"
        assert status["status"] == "done" and wer(reference(MEETING), status["result"]["text"]) <= 0.15
        assert_completed_once(store, job_id, starts=2)
        [(headers, body)] = receiver.wait_for("/after", 1)
        called = assert_signed(second, headers, body)
        assert called["job_id"] == called_id and wer(reference("jfk"), called["result"]["text"]) <= 0.05
        wait_until(lambda: store.callback(called_id)["state"] == "sent", 30, message="the callback sent")
        assert len(receiver.received) == 1
    finally:
        receiver.close()
        stop_api(second)


def test_a_new_key_takes_effect_at_once(api):
    old = api.key
    done = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(api.data), "api-key", "--new"],
                          capture_output=True, text=True, timeout=60)
    new = done.stdout.strip()
    assert done.returncode == 0 and new and new != old and new == api.key
    with api.http(old) as http:
        assert http.get("/v1/models").status_code == 401
    assert [m.id for m in api.openai(new).models.list()][0] == "whisper-1"


# --- without workers: the address rule, TLS away from loopback, the queue's limit -------------

def test_addresses():
    from app.api.server import DEFAULT_PORT, parse_address

    assert parse_address("") == ("127.0.0.1", DEFAULT_PORT)
    assert parse_address("9000") == ("127.0.0.1", 9000)
    assert parse_address("localhost:9000") == ("127.0.0.1", 9000)
    assert parse_address("0.0.0.0") == ("0.0.0.0", DEFAULT_PORT)
    assert parse_address("[::1]:9001") == ("::1", 9001)
    for bad in ("example.com:80", "1.2.3.4:99999", "nine"):
        with pytest.raises(ValueError):
            parse_address(bad)


@pytest.fixture
def desk(data_dir):
    from app.jobs.desk import Desk
    from app.paths import DataDir

    desk = Desk(DataDir(data_dir).ensure())
    yield desk
    desk.shut()


def test_other_addresses_are_served_over_tls_with_the_apps_certificate(desk):
    import ssl

    from app.api.keys import api_key
    from app.api.server import ApiServer
    from app.remote.access import HelperAccess

    server = ApiServer(desk, "0.0.0.0:0").start()
    try:
        wait_until(lambda: server.server.started)
        assert server.tls and server.url.startswith("https://")
        pinned = ssl.create_default_context(cafile=str(HelperAccess.of(desk.data).cert_path))
        pinned.check_hostname = False  # the certificate is the app's own, pinned like a helper pins it
        here = f"https://127.0.0.1:{server.port}"
        assert httpx.get(f"{here}/healthz", verify=pinned).json()["status"] == "ok"
        models = httpx.get(f"{here}/v1/models", verify=pinned,
                           headers={"Authorization": f"Bearer {api_key(desk.data.root)}"})
        assert models.status_code == 200 and models.json()["data"][0]["id"] == "whisper-1"
        with pytest.raises(httpx.HTTPError):  # no plain HTTP on a TLS port
            httpx.get(f"http://127.0.0.1:{server.port}/healthz", timeout=5)
    finally:
        server.stop()


def test_a_full_queue_is_429_and_nothing_is_queued(desk, corpus):
    from fastapi.testclient import TestClient

    from app.api.keys import api_key
    from app.api.server import create_app

    client = TestClient(create_app(desk, queue_limit=0),
                        headers={"Authorization": f"Bearer {api_key(desk.data.root)}"})
    with open(corpus / "jfk.flac", "rb") as audio:
        answer = client.post("/v1/audio/transcriptions", files={"file": ("jfk.flac", audio)},
                             data={"model": "whisper-1"})
    assert answer.status_code == 429 and answer.json()["error"]["code"] == "queue_full", answer.text
    assert desk.store.jobs() == [] and not list((desk.data.root / "uploads").rglob("jfk.flac"))


def test_uploads_no_job_names_are_removed_when_the_api_starts(desk, corpus):
    from app.api.server import sweep_uploads

    uploads = desk.data.root / "uploads"
    kept, orphan = uploads / "a" / "jfk.flac", uploads / "b" / "gone.flac"
    for path in (kept, orphan):
        path.parent.mkdir(parents=True)
        shutil.copy(corpus / "jfk.flac", path)
    [job_id] = desk.add([str(kept)]).job_ids  # no workers yet: it waits as pending, and keeps its file
    assert sweep_uploads(desk) == 1
    assert kept.exists() and not orphan.parent.exists() and desk.store.job(job_id)["path"] == str(kept)


def test_a_long_files_stream_sends_each_chunks_segments_before_the_job_ends(data_dir, corpus):
    """A file long enough to go in chunks: its first words reach a streaming client as soon
    as its first chunk is stored, well before the whole job has ended."""
    import json

    (data_dir / "settings.json").write_text('{"chunk_from_minutes": 0.5, "chunk_minutes": 0.4}')
    api = start_api(data_dir)
    arrivals = []
    try:
        with api.http() as http, open(corpus / "meeting1_product_sync.mp3", "rb") as audio:
            with http.stream("POST", "/v1/audio/transcriptions", files={"file": ("meeting.mp3", audio)},
                             data={"model": "whisper-1", "stream": "true"}) as answer:
                assert answer.status_code == 200, answer.read()
                job_id = answer.headers["x-earmark-job-id"]
                for line in answer.iter_lines():
                    if line.startswith("data: "):
                        arrivals.append((time.time(), json.loads(line[6:])))
        store = JobStore(data_dir / "earmark.db")
        transcript, chunks = store.transcript(job_id), store.chunks(job_id)
    finally:
        stop_api(api)
    deltas = [e for _, e in arrivals if e["type"] == "transcript.text.delta"]
    done = arrivals[-1][1]
    assert done["type"] == "transcript.text.done" and done["text"] == transcript["text"] and len(chunks) >= 2
    assert wer(reference("meeting1_product_sync"), done["text"]) <= 0.15
    assert "".join(e["delta"] for e in deltas).split() == done["text"].split()
    finished = max(c["finished_at"] for c in chunks)  # the last chunk stored: before it, only some were final
    assert arrivals[0][0] < finished, (arrivals[0][0], [c["finished_at"] for c in chunks])


def test_a_failed_jobs_status_names_the_stage_that_failed(desk, tmp_path):
    """A job that failed at its first stage keeps the later ones pending (they never run):
    /status said it was at "index" with progress 0, as if it waited there."""
    from fastapi.testclient import TestClient

    from app.api.keys import api_key
    from app.api.server import create_app

    text = tmp_path / "talk.mp3"
    text.write_text("minutes of the garden club, typed, not recorded\n")
    [job_id] = desk.add([str(text)], source="api").job_ids  # refused at intake: failed with its sentence
    assert {st["name"]: st["state"] for st in desk.store.stages(job_id)}["transcribe"] == "failed"
    assert any(st["state"] == "pending" for st in desk.store.stages(job_id))  # what the bug showed
    client = TestClient(create_app(desk), headers={"Authorization": f"Bearer {api_key(desk.data.root)}"})
    status = client.get(f"/api/jobs/{job_id}/status").json()
    assert status["status"] == "failed" and status["stage"] == "transcribe", status
    assert status["error"] == f"This is a text file, not a recording: {text}"


def test_a_form_field_too_long_is_a_400_naming_that_field(desk, corpus):
    from fastapi.testclient import TestClient

    from app.api.keys import api_key
    from app.api.server import create_app

    client = TestClient(create_app(desk), headers={"Authorization": f"Bearer {api_key(desk.data.root)}"})
    with open(corpus / "jfk.flac", "rb") as audio:
        answer = client.post("/v1/audio/transcriptions", files={"file": ("jfk.flac", audio)},
                             data={"model": "whisper-1", "prompt": "kiln glaze " * 200_000})
    error = answer.json()["error"]
    assert answer.status_code == 400 and error["message"] == "The form field prompt is too long.", answer.text
    assert error["param"] == "prompt"  # it named "file"
    assert desk.store.jobs() == []


def test_the_transcript_shows_its_own_notes_and_no_bookkeeping_and_a_weak_translation_is_warned(desk, corpus):
    """Review round 8. A transcript with a voice but no words: /api/transcripts/{id} showed the
    store's ``speaker_notes`` (and the worker's pid and timings) while the notice itself was
    hidden, ``notes`` being the summary's place. Now it is under ``transcript_notes``. And a
    job asked to be translated by a model that scored below the floor is answered with the
    warning the command line prints (no workers here: the job waits, nothing is translated)."""
    from fastapi.testclient import TestClient

    from app.api.keys import api_key
    from app.api.server import create_app
    from app.store import jobstore as js
    from workers.engines.llm import translation_warning

    notice = "No words were recognised in this recording, but 1 speaker could be heard (4 s)."
    job_id = desk.store.create_job(str(corpus / "jfk.flac"), stages=[], state=js.DONE)
    desk.store.save_transcript(job_id, {"language": "en", "duration": 11.0, "text": "", "segments": [],
                                        "worker_pid": 4242, "elapsed_seconds": 1.5, "job_id": job_id})
    desk.store.save_speakers(job_id, {"segments": [], "speakers": [{"key": "1", "seconds": 4.0}],
                                      "turns": [(1.0, 5.0, "1")], "notes": [notice]})
    client = TestClient(create_app(desk), headers={"Authorization": f"Bearer {api_key(desk.data.root)}"})
    shown = client.get(f"/api/transcripts/{job_id}").json()
    assert shown["transcript_notes"] == [notice] and shown["notes"] is None, shown
    assert shown["segments"] == [] and shown["turns"] and shown["language"] == "en"
    assert not {"speaker_notes", "worker_pid", "elapsed_seconds", "job_id"} & set(shown), shown

    with open(corpus / "jfk.flac", "rb") as audio:
        answer = client.post("/api/transcripts/upload", files={"file": ("jfk.flac", audio)}, data={"translate": "fr"})
    assert answer.status_code == 202, answer.text
    assert answer.json()["warnings"] == [translation_warning("text", desk.settings["llm_model"])], answer.json()
    with open(corpus / "jfk.flac", "rb") as audio:  # nothing to warn of: an empty list
        plain = client.post("/api/transcripts/upload", files={"file": ("jfk.flac", audio)}, data={"language": "en"})
    assert plain.json()["warnings"] == [], plain.json()


def test_a_translation_says_who_said_what_as_the_original_does_after_a_rename_and_a_merge(desk, corpus):
    """Issue 30 round 14. A translation's segments carry the speakers of the segments they
    translate, by their labels now: a rename and a merge made after the translation reach it.
    The API's transcript answer and its export of the translation (SRT, VTT, TXT, JSON) show
    the names as the original's do, a long name within the 42 characters an SRT line may hold
    (no workers here: the stages' results are stored as they would be)."""
    from fastapi.testclient import TestClient

    from app.api.keys import api_key
    from app.api.server import create_app
    from app.store import jobstore as js

    names = ["transcribe", "diarize", "translate"]
    job_id = desk.store.create_job(str(corpus / "jfk.flac"), stages=names)
    spoken = [(0.0, 4.0, "1", "Thanks for coming to the customer research review today, everyone."),
              (4.5, 8.0, "2", "Glad to be here."), (8.5, 13.0, "3", "Shall we start with the survey results?")]
    segments = [{"start": a, "end": b, "text": text} for a, b, _, text in spoken]
    desk.store.save_transcript(job_id, {"language": "en", "duration": 13.0, "segments": segments})
    desk.store.save_speakers(job_id, {"segments": [dict(s, speaker=key, source=i)
                                                   for i, (s, (_, _, key, _)) in enumerate(zip(segments, spoken))],
                                      "speakers": [{"key": k, "seconds": 4.0} for k in ("1", "2", "3")],
                                      "turns": [(a, b, key) for a, b, key, _ in spoken]})
    french = ["Merci d'être venus aujourd'hui à la revue de la recherche client, tout le monde.",
              "Ravie d'être là.", "Commençons-nous par les résultats de l'enquête ?"]
    desk.store.save_translation(job_id, {"language": "fr", "language_name": "French", "model": "m.gguf",
                                         "segments": [{"idx": i, "start": a, "end": b, "text": text}
                                                      for i, ((a, b, _, _), text) in enumerate(zip(spoken, french))]})
    desk.store.update_stages(job_id, names, state=js.DONE)
    long_name = "Dr. Maria-Theresa von Hohenzollern-Sigmaringen"
    desk.store.rename_speaker(job_id, "1", long_name)
    desk.store.merge_speakers(job_id, "3", "2")
    desk.store.rename_speaker(job_id, "2", "Tom")

    client = TestClient(create_app(desk), headers={"Authorization": f"Bearer {api_key(desk.data.root)}"})
    shown = client.get(f"/api/transcripts/{job_id}").json()
    who = [long_name, "Tom", "Tom"]
    assert [s["speaker"] for s in shown["segments"]] == who, shown
    [fr] = shown["translations"]
    assert (fr["language"], fr["language_name"]) == ("fr", "French")
    assert [(s["speaker"], s["text"]) for s in fr["segments"]] == list(zip(who, french)), fr

    def export(fmt: str, **query) -> str:
        answer = client.get(f"/api/transcripts/{job_id}/export", params={"format": fmt, **query})
        assert answer.status_code == 200, answer.text
        return answer.text

    def cue_lines(srt: str) -> list[list[str]]:  # each cue's lines (parse_srt checks the rest)
        parse_srt(srt)
        return [block.split("\n")[2:] for block in srt.strip().split("\n\n")]

    cues = cue_lines(export("srt", language="fr"))
    lines = [line for cue in cues for line in cue]
    assert max(map(len, lines)) <= 42, [line for line in lines if len(line) > 42]
    assert [cue for cue in cues if cue[0].startswith("Tom: ")] == [
        ["Tom: Ravie d'être là."], ["Tom: Commençons-nous par les résultats de", "l'enquête ?"]], cues
    # the long name on a line of its own, shortened to the limit, over each of its cues' French words
    firsts = [cue for cue in cues if not cue[0].startswith("Tom: ")]
    assert len(firsts) >= 2 and all(name.startswith("Dr. Maria-Theresa") and name.endswith("…:") and len(rest) == 1
                                    for name, *rest in firsts), firsts
    assert " ".join(cue[1] for cue in firsts) == french[0]
    original = [line for cue in cue_lines(export("srt")) for line in cue]
    assert max(map(len, original)) <= 42 and "Tom: Glad to be here." in original  # the original, the same way
    assert "<v Tom>Ravie d'être là." in export("vtt", language="fr")
    assert export("txt", language="fr").splitlines() == [f"{name}: {text}" for name, text in zip(who, french)]
    import json

    saved = json.loads(export("json", language="fr"))
    assert [s["speaker"] for s in saved["segments"]] == who
    assert {t["speaker"] for t in saved["turns"]} == {long_name, "Tom"}
    missing = client.get(f"/api/transcripts/{job_id}/export", params={"format": "srt", "language": "de"})
    assert missing.status_code == 404 and missing.json()["error"]["param"] == "language", missing.text
