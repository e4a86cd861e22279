"""The API's routes and its uvicorn server, driving jobs through the front desk alone:
``Desk.job_options`` checks the options, ``Desk.add`` takes the uploaded file in,
``Desk.export`` writes subtitles, ``Desk.act`` cancels. Errors everywhere in OpenAI's
shape, ``{"error": {"message", "type", "param", "code"}}``, so one client handles both
contracts."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import logging
import shutil
import socket
import tempfile
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, StreamingResponse
from fastapi.security import HTTPBearer
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from app.addresses import API_PORT
from app.addresses import parse_api_address as parse_address
from app.api import keys
from app.api.openai_shapes import FORMATS, GRANULARITIES, verbose
from app.api.uploads import DEFAULT_MAX_UPLOAD_BYTES, UPLOADS, Form, TooLarge, UploadProblem, read_form
from app.errors import OptionsProblem
from app.jobs.desk import API, COULD_NOT_ADD, REFUSED, TRANSCRIPT, TRANSLATIONS, Desk
from app.jobs.follow import cautions
from app.store import jobstore as js

log = logging.getLogger(__name__)

DEFAULT_PORT = API_PORT
# More jobs than this waiting to start and a new request is refused with 429: a client
# that floods the queue learns to wait rather than each request waiting for ever.
DEFAULT_QUEUE_LIMIT = 100
DEFAULT_MODEL_ALIAS = "whisper-1"  # OpenAI's name: here the speech model the settings choose
MULTILINGUAL = "base"  # bundled; what whisper-1 translates with when the settings' model is English only
STATUS = {js.PENDING: "queued", js.QUEUED: "queued", js.PAUSED: "queued", js.RUNNING: "running",
          js.DONE: "done", js.FAILED: "failed", js.CANCELLED: "cancelled"}
MAX_LONG_POLL_SECONDS = 60
EVENT_JOBS = 50  # the newest jobs /api/events follows when it is not given one
CALLBACK_TRIES = 4  # a callback's POST, tried again after 2, 4 and 8 s while the receiver cannot be reached
# (a lease of CALLBACK_TIMEOUT + the first backoff while a try is under way)
CALLBACK_BACKOFF_SECONDS = 2.0
CALLBACK_TIMEOUT = 10.0
WAIT_SECONDS = 1.0  # a waiting request looks at its job at least this often (events wake it sooner)


WARNING_HEADER = "x-earmark-warning"
# what a header may hold as it is: printable US-ASCII (RFC 9110 5.5), less the escape itself
HEADER_SAFE = "".join(chr(c) for c in range(0x20, 0x7f) if chr(c) != "%")


def header_text(sentence: str) -> str:
    """*sentence* for a header: as written, its other characters percent-encoded as UTF-8
    ("Settings %E2%80%BA Models"; ``urllib.parse.unquote`` gives the sentence back)."""
    return quote(sentence, safe=HEADER_SAFE)


class ApiError(Exception):
    """An error answered in OpenAI's shape with OpenAI's status code."""

    def __init__(self, status: int, message: str, *, type: str = "invalid_request_error",
                 param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.type, self.param, self.code = status, message, type, param, code

    def response(self) -> JSONResponse:
        return JSONResponse({"error": {"message": self.message, "type": self.type, "param": self.param,
                                       "code": self.code}}, status_code=self.status)


def is_loopback(host: str) -> bool:
    return ipaddress.ip_address(host).is_loopback


def speech_models() -> list[str]:
    """The speech models on this machine, by the names the model setting takes."""
    from app.models import listing

    return [row["name"] for row in listing() if row["kind"] == "speech" and row["state"] in ("bundled", "installed")]


def english_only(model: str) -> bool:
    return model in ("bundled", "tiny.en") or model.endswith(".en")


def model_for(asked: str | None, desk: Desk, *, translate: bool, status_unknown: int = 404) -> str | None:
    """The model setting an asked-for name means: whisper-1 (or nothing) is the settings'
    model (for a translation the bundled multilingual one when that is English only); an
    installed name is itself; a folder is itself (checked by the desk). None: the settings'."""
    name = (asked or "").strip()
    if name in ("", DEFAULT_MODEL_ALIAS):
        chosen = str(desk.settings["model"] or "bundled")
        return MULTILINGUAL if translate and english_only(chosen) else None
    if "/" in name or name.startswith((".", "~")):
        return name
    if name != "bundled" and name not in speech_models():
        raise ApiError(status_unknown, f"The model `{name}` does not exist or is not installed here (have: "
                       f"{', '.join([DEFAULT_MODEL_ALIAS, *speech_models()])}).", param="model",
                       code="model_not_found")
    if translate and english_only(name):
        raise ApiError(400, f"{name} is an English-only model and cannot translate: use whisper-1 or "
                       f"{MULTILINGUAL}.", param="model")
    return name


def stage_now(job: dict, stages: list[dict], ended: dict | None = None) -> dict | None:
    """The stage *job* is at: while it runs, the first of *stages* that has not ended; once it
    failed, the stage that failed (the stages after it stay pending for ever: not where it is);
    once it ended otherwise, *ended*."""
    if job["state"] not in js.FINAL:
        return next((st for st in stages if st["state"] not in js.FINAL), None)
    return next((st for st in stages if st["state"] == js.FAILED), ended)


def sweep_uploads(desk: Desk) -> int:
    """Remove the uploads no job names any more (removed in the window while the API was
    not running); how many went. Only before the server answers: no upload is under way."""
    root = desk.data.root / UPLOADS
    if not root.is_dir():
        return 0
    kept = {Path(p).parent for p in desk.store.paths_under(str(root))}
    gone = 0
    for folder in root.iterdir():
        if folder.is_dir() and folder not in kept and not folder.name.startswith("export-"):
            shutil.rmtree(folder, ignore_errors=True)
            gone += 1
    return gone


class Changes:
    """Jobs changed: one thread waits on the desk and wakes every waiting request on the
    event loop, so a hundred clients waiting on their jobs hold no thread each (the
    thread pool stays free for the routes that need it)."""

    def __init__(self, desk: Desk):
        self.desk = desk
        self.loop: asyncio.AbstractEventLoop | None = None
        self.event: asyncio.Event | None = None

    async def wait(self, timeout_seconds: float) -> None:
        """Until a job changes, or *timeout_seconds* pass."""
        if self.loop is None:
            self.loop, self.event = asyncio.get_running_loop(), asyncio.Event()
            threading.Thread(target=self._watch, name="earmark-api-changes", daemon=True).start()
        try:
            await asyncio.wait_for(self.event.wait(), max(timeout_seconds, 0))
        except TimeoutError:
            pass

    def _watch(self) -> None:
        while True:
            self.desk.wait_for_change(WAIT_SECONDS)
            try:
                self.loop.call_soon_threadsafe(self._wake)
            except RuntimeError:  # the server has stopped: its loop is closed
                return

    def _wake(self) -> None:
        event, self.event = self.event, asyncio.Event()
        event.set()


def create_app(desk: Desk, *, max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
               queue_limit: int = DEFAULT_QUEUE_LIMIT) -> FastAPI:
    data = desk.data
    uploads = data.root / UPLOADS
    key_file = keys.key_path(data.root)
    keys.api_key(data.root)  # made on first use
    known = {"mtime": None, "key": ""}
    changes = Changes(desk)

    def current_key() -> str:
        """The key file, read again when it changes (``earmark api-key --new`` takes effect at once)."""
        mtime = key_file.stat().st_mtime_ns
        if mtime != known["mtime"]:
            known["mtime"], known["key"] = mtime, keys.api_key(data.root)
        return known["key"]

    bearer = HTTPBearer(auto_error=False, description="The key `earmark api-key` prints.")

    def authorized(request: Request, _=Depends(bearer)) -> None:
        given = request.headers.get("authorization")
        if not given:
            raise ApiError(401, "You didn't provide an API key: send 'Authorization: Bearer KEY' (the key "
                           "'earmark api-key' prints).", code="invalid_api_key")
        if not keys.matches(given, current_key()):
            raise ApiError(401, "Incorrect API key provided ('earmark api-key' prints the right one).",
                           code="invalid_api_key")

    @asynccontextmanager
    async def lifespan(_app):
        sender = asyncio.create_task(deliver_callbacks())  # the callbacks waiting, as long as it serves
        yield
        sender.cancel()

    app = FastAPI(title="Earmark", version="1", lifespan=lifespan, description=(
        "Earmark's local API: the job contract under /api and OpenAI's audio contract under /v1. Every route "
        "but /healthz needs `Authorization: Bearer KEY` (`earmark api-key` prints the key)."))
    guarded = [Depends(authorized)]

    @app.exception_handler(ApiError)
    async def _api_error(request, exc: ApiError):
        return exc.response()

    @app.exception_handler(HTTPException)
    async def _http_error(request, exc: HTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code)
        return ApiError(exc.status_code, str(exc.detail), code=code).response()

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        param = str(first.get("loc", ["", ""])[-1]) or None
        return ApiError(400, f"{param}: {first.get('msg', 'invalid')}", param=param).response()

    # --- helpers -----------------------------------------------------------------
    async def read(request: Request) -> Form:
        try:
            return await read_form(request, uploads, max_upload_bytes)
        except TooLarge as exc:
            raise ApiError(413, str(exc), param="file", code="file_too_large") from None
        except UploadProblem as exc:
            raise ApiError(400, str(exc), param=exc.param) from None

    def check_queue() -> None:
        if desk.store.count_waiting() >= queue_limit:
            raise ApiError(429, f"The queue is full ({queue_limit} jobs are waiting to start); try again when "
                           "some have finished.", type="requests", code="queue_full")

    def options(form: Form, **asked) -> dict:
        try:
            return desk.job_options(**asked)
        except OptionsProblem as exc:
            raise ApiError(400, str(exc), param=exc.key) from None

    async def take(form: Form, opts: dict):
        """The form's file as a job through the desk: (intake); a refused file is a 400."""
        if "file" not in form.files:
            raise ApiError(400, "You must provide a file (the form field 'file').", param="file")
        client_name, path = form.files["file"]
        if path.stat().st_size == 0:
            raise ApiError(400, f"The file {client_name} is empty.", param="file", code="empty_file")
        check_queue()
        added = await run_in_threadpool(desk.add, [str(path)], opts, keep_bad=False, source=API)
        for notice in added.notices:
            if notice.kind in (REFUSED, COULD_NOT_ADD):
                raise ApiError(400, notice.text.replace(str(path), client_name), param="file",
                               code="invalid_file")
        [intake] = added.jobs
        if intake.reused_from:  # the same recording with the same options: that job, with its own file
            form.discard()
        return intake

    def take_link(form: Form, url: str, opts: dict):
        """The form's url as a job at once; yt-dlp fetches it on a thread of its own
        (``Desk.fetch``: a failed download fails the job with its sentence)."""
        from app.jobs.links import is_link
        from app.jobs.service import Intake

        if form.files:
            raise ApiError(400, "Give a file or a url, not both.", param="url")
        if not is_link(url):
            raise ApiError(400, "url must be an http:// or https:// address.", param="url")
        check_queue()
        job_id = desk.link_job(url, opts)
        threading.Thread(target=desk.fetch, args=(job_id,), name="link", daemon=True).start()
        return Intake(job_id, url, js.RUNNING)

    def render(job_id: str, fmt: str) -> str:
        """A subtitle or text export of a job, written by the desk into a private folder and read back."""
        uploads.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=uploads, prefix="export-") as folder:
            [written] = desk.export(job_id, [fmt], folder, stem="transcript", parts=[TRANSCRIPT])
            return Path(written).read_text(encoding="utf-8")

    def job_or_404(job_id: str) -> dict:
        job = desk.store.job(job_id)
        if job is None:
            raise ApiError(404, f"There is no job {job_id}.", param="job_id", code="not_found")
        return job

    # --- open routes ---------------------------------------------------------------
    @app.get("/healthz", tags=["health"])
    def healthz():
        """Whether the server answers (no key needed) and whether its workers are up."""
        return {"status": "ok", "ready": desk.ready}

    # --- OpenAI's contract -------------------------------------------------------------
    def model_entry(name: str) -> dict:
        return {"id": name, "object": "model", "created": 0, "owned_by": "earmark"}

    @app.get("/v1/models", dependencies=guarded, tags=["openai"])
    def list_models():
        """The speech models installed here; whisper-1 means the one the settings choose."""
        return {"object": "list", "data": [model_entry(n) for n in [DEFAULT_MODEL_ALIAS, *speech_models()]]}

    @app.get("/v1/models/{model}", dependencies=guarded, tags=["openai"])
    def get_model(model: str):
        if model != DEFAULT_MODEL_ALIAS and model not in speech_models():
            raise ApiError(404, f"The model `{model}` does not exist.", param="model", code="model_not_found")
        return model_entry(model)

    audio_form = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file", "model"], "properties": {
            "file": {"type": "string", "format": "binary"}, "model": {"type": "string", "example": "whisper-1"},
            "language": {"type": "string"}, "prompt": {"type": "string"},
            "response_format": {"type": "string", "enum": list(FORMATS)},
            "temperature": {"type": "number"},
            "timestamp_granularities[]": {"type": "array", "items": {"type": "string", "enum": list(GRANULARITIES)}},
            "speakers": {"type": "string", "description": "Earmark's extension: auto, N or MIN-MAX"}}}}}}}

    async def openai_audio(request: Request, task: str):
        return await _openai_audio(request, await read(request), task)

    async def _openai_audio(request: Request, form: Form, task: str):
        taken = False
        try:
            model = form.value("model")
            if not (model or "").strip():
                raise ApiError(400, "You must provide a model parameter (whisper-1 is the default model).",
                               param="model")
            fmt = form.value("response_format") or "json"
            stream = (form.value("stream") or "").lower() in ("1", "true", "yes")
            if stream and task == "translate":
                raise ApiError(400, "stream=true is for transcriptions only (as OpenAI's): ask without it.",
                               param="stream")
            if stream and fmt not in ("json", "text"):
                raise ApiError(400, f"stream=true answers as json or text, not {fmt} (as OpenAI's); follow the job "
                               "with /api/events and fetch the subtitles from /api/transcripts/ID/export.",
                               param="stream")
            if fmt not in FORMATS:
                raise ApiError(400, f"response_format must be one of {', '.join(FORMATS)}, not '{fmt}'.",
                               param="response_format")
            granularities = form.values("timestamp_granularities[]") or form.values("timestamp_granularities")
            for each in granularities:
                if each not in GRANULARITIES:
                    raise ApiError(400, f"timestamp_granularities must be word or segment, not '{each}'.",
                                   param="timestamp_granularities")
            if granularities and fmt != "verbose_json":
                raise ApiError(400, "timestamp_granularities is only supported when response_format is "
                               "verbose_json.", param="timestamp_granularities")
            temperature = form.value("temperature")  # faster-whisper's, as OpenAI means it (0: greedy, with fallback)
            try:
                temperature = float(temperature) if temperature not in (None, "") else None
            except ValueError:
                raise ApiError(400, "temperature must be a number from 0 to 1.", param="temperature") from None
            translate = task == "translate"
            opts = options(form, model=model_for(model, desk, translate=translate),
                           language=None if translate else (form.value("language") or None), task=task,
                           word_timestamps=True if "word" in granularities else None,
                           hotwords=form.value("prompt") or None, speakers=form.value("speakers") or "off",
                           temperature=temperature, summarize=False, translate_to="")
            intake = await take(form, opts)
            taken = True
        finally:
            if not taken:
                form.discard()
        job_id = intake.job_id
        if stream:
            return marked(StreamingResponse(streamed(request, job_id, intake.path, form.files["file"][0]),
                                            media_type="text/event-stream",
                                            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}),
                          job_id, opts)
        while True:  # the job is in the queue: a client that leaves does not take it away
            job = desk.store.job(job_id)
            if TRANSCRIPT in desk.ready_parts(job_id):
                break
            if job is None or job["state"] in js.FINAL:
                why = (job or {}).get("error") or f"The job was {(job or {}).get('state', 'removed')}."
                raise ApiError(400 if (job or {}).get("state") == js.FAILED else 409,
                               why.replace(intake.path, form.files["file"][0]), param="file",
                               code="transcription_failed")
            if await request.is_disconnected():
                log.info("the client waiting on job %s left; the job goes on", job_id)
                return PlainTextResponse("", status_code=499)
            await changes.wait(WAIT_SECONDS)
        transcript = desk.store.transcript(job_id)
        if fmt == "json":
            return marked(JSONResponse({"text": transcript["text"]}), job_id, opts)
        if fmt == "verbose_json":
            return marked(JSONResponse(verbose(transcript, task, granularities)), job_id, opts)
        if fmt == "text":
            return marked(PlainTextResponse(transcript["text"] + "\n"), job_id, opts)
        return marked(PlainTextResponse(await run_in_threadpool(render, job_id, fmt),
                                        media_type="text/vtt" if fmt == "vtt" else "text/plain"), job_id, opts)

    def marked(response, job_id: str, opts: dict):
        """OpenAI's answer with Earmark's headers: the job, and a warning per sentence the
        job contract gives in ``warnings`` (OpenAI's schema has no place for them)."""
        response.headers["x-earmark-job-id"] = job_id
        for warning in cautions(desk, opts):
            response.headers.append(WARNING_HEADER, header_text(warning))
        return response

    def final_segments(job_id: str, whole: bool) -> list[str]:
        """The texts of the job's segments that are final now: the transcript's once it is
        stored (*whole*); before, those of its chunks stored so far, in order from the first
        (a long file's chunks are stored as each is transcribed)."""
        if whole:
            segments = desk.store.transcript(job_id)["segments"]
        else:
            segments = []
            for chunk in desk.store.chunks(job_id):
                if chunk["state"] != js.DONE or not chunk["result"]:
                    break
                segments += json.loads(chunk["result"])["segments"]
        return [s["text"].strip() for s in segments if not s.get("gap") and s["text"].strip()]

    async def streamed(request: Request, job_id: str, path: str, client_name: str):
        """OpenAI's streamed transcription: a ``transcript.text.delta`` event per segment as
        it becomes final in the store, then ``transcript.text.done`` with the whole text; a
        failure is an ``error`` event in OpenAI's shape. Comments (": …") say the job's
        place and progress meanwhile; a client that leaves does not take the job away."""
        said, note = 0, None

        def event(body: dict) -> str:
            return f"data: {json.dumps(body)}\n\n"

        yield ": earmark transcription\n\n"
        while True:
            job = desk.store.job(job_id)
            whole = TRANSCRIPT in desk.ready_parts(job_id)
            texts = await run_in_threadpool(final_segments, job_id, whole)
            for text in texts[said:]:
                yield event({"type": "transcript.text.delta", "delta": f" {text}" if said else text})
                said += 1
            if whole:
                transcript = desk.store.transcript(job_id)
                yield event({"type": "transcript.text.done", "text": transcript["text"],
                             "usage": {"type": "duration", "seconds": round(transcript.get("duration") or 0)}})
                return
            if job is None or job["state"] in js.FINAL:
                why = (job or {}).get("error") or f"The job was {(job or {}).get('state', 'removed')}."
                yield event({"error": {"message": why.replace(path, client_name), "type": "invalid_request_error",
                                       "param": "file", "code": "transcription_failed"}})
                return
            state = status_of(job)
            now = f"{state['status']} {state['stage'] or ''} {round(state['progress'] or 0, 2)}".strip()
            if state["place_in_line"]:
                now += f", place {state['place_in_line']} in line"
            if now != note:
                note = now
                yield f": {now}\n\n"
            if await request.is_disconnected():
                log.info("the client streaming job %s left; the job goes on", job_id)
                return
            await changes.wait(WAIT_SECONDS)

    @app.post("/v1/audio/transcriptions", dependencies=guarded, tags=["openai"], openapi_extra=audio_form)
    async def transcriptions(request: Request):
        """OpenAI's transcription: waits for its job and answers in the response_format asked for."""
        return await openai_audio(request, "transcribe")

    @app.post("/v1/audio/translations", dependencies=guarded, tags=["openai"], openapi_extra=audio_form)
    async def translations(request: Request):
        """OpenAI's translation into English (whisper-1: the bundled multilingual model)."""
        return await openai_audio(request, "translate")

    # --- the job contract ------------------------------------------------------------------
    upload_form = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "properties": {
            "file": {"type": "string", "format": "binary"},
            "url": {"type": "string", "description": (
                "instead of a file: a link to a recording, or to a page that holds one (fetched with yt-dlp)")},
            "language": {"type": "string", "description": "empty: detect"},
            "model": {"type": "string", "description": "whisper-1 (the settings'), a model name or folder"},
            "speakers": {"type": "string", "description": "off, auto, N or MIN-MAX"},
            "template": {"type": "string", "description": "write notes with this summary template"},
            "translate": {"type": "string", "description": "also translate into this language (e.g. fr)"},
            "task": {"type": "string", "enum": ["transcribe", "translate"]},
            "force": {"type": "boolean", "description": "transcribe again what is done already"},
            "callback_url": {"type": "string", "description": (
                "gets one POST of the final status when the job ends, signed: X-Earmark-Signature: "
                "sha256=HMAC-SHA256(key, body)")}}}}}}}

    @app.post("/api/transcripts/upload", dependencies=guarded, status_code=202, tags=["jobs"],
              openapi_extra=upload_form)
    async def upload(request: Request):
        """Queue a file with the command line's options; answers at once with its job."""
        form = await read(request)
        taken = False
        try:
            template = (form.value("template") or "").strip()
            callback_url = (form.value("callback_url") or "").strip()
            if callback_url and urlsplit(callback_url).scheme not in ("http", "https"):
                raise ApiError(400, "callback_url must be an http:// or https:// address.", param="callback_url")
            opts = options(form, model=model_for(form.value("model"), desk, translate=False, status_unknown=400),
                           language=form.value("language") or None, speakers=form.value("speakers") or "off",
                           summarize=bool(template), summary_template=template or None,
                           translate_to=(form.value("translate") or "").strip(), task=form.value("task") or None)
            if (form.value("url") or "").strip():  # a link instead of a file
                intake = take_link(form, form.value("url").strip(), opts)
            elif (form.value("force") or "").lower() in ("1", "true", "yes"):
                if "file" not in form.files:
                    raise ApiError(400, "You must provide a file (the form field 'file').", param="file")
                check_queue()
                added = await run_in_threadpool(desk.add, [str(form.files["file"][1])], opts, force=True, source=API,
                                                keep_bad=False)
                if not added.jobs:
                    raise ApiError(400, added.notices[0].text.replace(str(form.files["file"][1]),
                                                                      form.files["file"][0]), param="file")
                intake = added.jobs[0]
            else:
                intake = await take(form, opts)
            taken = True
        finally:
            if not taken:
                form.discard()
        if callback_url:  # kept with the job: sent when it ends, even after a restart of the API
            desk.store.add_callback(intake.job_id, callback_url)
        return {"transcript_id": intake.job_id, "job_id": intake.job_id,
                "status": STATUS.get(intake.state, intake.state),
                "warnings": cautions(desk, opts)}  # a translation that scored below the floor, as the CLI says

    @app.get("/api/jobs/{job_id}/status", dependencies=guarded, tags=["jobs"])
    async def job_status(job_id: str, wait: float = Query(0, ge=0, le=MAX_LONG_POLL_SECONDS, description=(
            "long polling: answer when the job has finished, or after this many seconds"))):
        """The ADR's shape, {job_id, status, result}, with the stage, its progress and a failure's sentence."""
        job = job_or_404(job_id)
        until = time.monotonic() + wait
        while job["state"] not in js.FINAL and time.monotonic() < until:
            await changes.wait(min(WAIT_SECONDS, until - time.monotonic()))
            job = job_or_404(job_id)
        return status_of(job)

    def status_of(job: dict) -> dict:
        job_id = job["id"]
        found = desk.store.job_status(job_id)  # the job, its stages and its place, read together
        if found is not None:
            job = found[0]
        stages, place = (found[1], found[2]) if found is not None else ([], None)
        current = stage_now(job, stages, ended=stages[-1] if stages else None)
        status = STATUS.get(job["state"], job["state"])
        result = None
        if status == "done":
            transcript = desk.store.transcript(job_id)
            if transcript is not None:
                result = {"text": transcript["text"], "language": transcript.get("language"),
                          "duration": transcript.get("duration"), "segments": transcript["segments"]}
        return {"job_id": job_id, "status": status, "result": result,
                "stage": current["name"] if current else None,
                "progress": current["progress"] if current else None,
                "place_in_line": place,
                "paused": job["state"] == js.PAUSED, "error": job["error"] if status == "failed" else None}

    sends: set[asyncio.Task] = set()  # kept here: a task no one holds may be collected mid-way

    async def deliver_callbacks() -> None:
        """Send the callbacks of jobs that have ended, as long as the server runs: kept in
        the store with their job (``callback_url``), so one whose job ends while the API is
        stopped is sent when it starts again. Each is leased while it is sent, so two
        servers on one data folder never both send it, and one that dies mid-send is sent
        again after the lease."""
        while True:
            try:
                for row in await run_in_threadpool(desk.store.due_callbacks, time.time()):
                    lease = time.time() + CALLBACK_TIMEOUT + CALLBACK_BACKOFF_SECONDS
                    if await run_in_threadpool(desk.store.lease_callback, row["job_id"], row["next_at"], lease):
                        sending = asyncio.create_task(call_back(row))  # a slow receiver holds up no other
                        sends.add(sending)
                        sending.add_done_callback(sends.discard)
            except asyncio.CancelledError:
                raise
            except Exception:  # the next round tries again; the log has what happened
                log.exception("sending callbacks failed")
            await changes.wait(WAIT_SECONDS)

    async def call_back(row: dict) -> None:
        """One try of a signed POST of the job's final status to its callback URL: the
        body's HMAC-SHA256 under the API key in ``X-Earmark-Signature: sha256=HEX``. A
        network fault, a 5xx, 408 or 429 is tried again after 2, 4, 8 s (``CALLBACK_TRIES``
        in all, counted across restarts); any other 4xx is the receiver's answer: not again."""
        import urllib.error
        import urllib.request

        job_id, url, tries = row["job_id"], row["url"], row["tries"] + 1
        job = desk.store.job(job_id)
        if job is None:
            return
        body = json.dumps(status_of(job)).encode()
        signature = hmac.new(current_key().encode(), body, hashlib.sha256).hexdigest()
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json", "X-Earmark-Signature": f"sha256={signature}",
            "X-Earmark-Job-Id": job_id})
        try:
            await run_in_threadpool(lambda: urllib.request.urlopen(request, timeout=CALLBACK_TIMEOUT).close())
            desk.store.callback_tried(job_id, state="sent", tries=tries)
            return
        except urllib.error.HTTPError as exc:
            why = f"{url} answered {exc.code}"
            if exc.code < 500 and exc.code not in (408, 429):
                log.warning("the callback for job %s was refused: %s", job_id, why)
                desk.store.callback_tried(job_id, state="refused", tries=tries, error=why)
                return
        except OSError as exc:
            why = f"{url} could not be reached: {getattr(exc, 'reason', exc)}"
        if tries >= CALLBACK_TRIES:
            log.warning("the callback for job %s was not sent (%s); %d tries, no more", job_id, why, tries)
            desk.store.callback_tried(job_id, state="failed", tries=tries, error=why)
        else:
            log.warning("the callback for job %s failed (%s); try %d of %d", job_id, why, tries, CALLBACK_TRIES)
            desk.store.callback_tried(job_id, state="waiting", tries=tries, error=why,
                                      next_at=time.time() + CALLBACK_BACKOFF_SECONDS * 2 ** (tries - 1))

    def brief(job: dict) -> dict:
        """A job's state for the event stream (the result itself is asked for with /status)."""
        current = stage_now(job, desk.store.stages(job["id"]))
        return {"job_id": job["id"], "status": STATUS.get(job["state"], job["state"]),
                "stage": current["name"] if current else None,
                "progress": round(current["progress"] or 0.0, 3) if current else None,
                "error": job["error"] if job["state"] == js.FAILED else None}

    @app.get("/api/events", dependencies=guarded, tags=["jobs"])
    async def events(request: Request, job_id: str | None = Query(None, description="only this job's events")):
        """Server-sent events: a ``job`` event each time a job's status, stage or progress
        changes (the newest jobs when no job is named); the stream starts with their state now."""
        if job_id is not None:
            job_or_404(job_id)

        def now() -> list[dict]:
            jobs = [desk.store.job(job_id)] if job_id else desk.store.jobs(limit=EVENT_JOBS)
            return [brief(job) for job in jobs if job is not None]

        async def stream():
            seen: dict[str, dict] = {}
            yield ": earmark job events\n\n"
            while not await request.is_disconnected():
                for state in await run_in_threadpool(now):
                    if seen.get(state["job_id"]) != state:
                        seen[state["job_id"]] = state
                        yield f"event: job\ndata: {json.dumps(state)}\n\n"
                await changes.wait(WAIT_SECONDS)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @app.delete("/api/jobs/{job_id}", dependencies=guarded, tags=["jobs"])
    async def cancel(job_id: str, remove: bool = Query(False, description=(
            "also forget the job: its transcript, and the file uploaded for it"))):
        """Cancel a job (a finished one stays as it is); with remove, forget it too."""
        job = job_or_404(job_id)
        if remove:
            await run_in_threadpool(desk.act, "remove", job_id)
            folder = Path(job["path"]).parent
            # its own upload only (another request may be writing one now); once no other job names it
            if folder.parent == uploads and not desk.store.paths_under(str(folder)):
                shutil.rmtree(folder, ignore_errors=True)
            return {"job_id": job_id, "status": "removed"}
        if job["state"] not in js.FINAL:
            await run_in_threadpool(desk.act, "cancel", job_id)
        return {"job_id": job_id, "status": STATUS.get(desk.store.job(job_id)["state"])}

    @app.get("/api/transcripts/{transcript_id}", dependencies=guarded, tags=["jobs"])
    def transcript(transcript_id: str):
        """The transcript: segments (with speakers and words when found), what the transcription
        said of it (``transcript_notes``: no words heard, another language), its notes (the
        summary) when written and its translations (each segment with the original's speaker).
        The store's own bookkeeping is not shown."""
        from app.export import TRANSCRIPT_KEYS

        job_or_404(transcript_id)
        found = desk.store.transcript(transcript_id)
        if found is None:
            raise ApiError(404, f"Job {transcript_id} has no transcript yet.", code="not_ready")
        summaries = desk.store.summaries(transcript_id)
        shown = (*TRANSCRIPT_KEYS, "language_probability")
        return {"transcript_id": transcript_id, **{k: found[k] for k in shown if k in found},
                "transcript_notes": found.get("notes") or [],
                "notes": summaries[0]["markdown"] if summaries else None,
                "translations": translations_of(transcript_id)}

    def translations_of(job_id: str) -> list[dict]:
        """Each translation: its language and model, and its segments with the original's speakers."""
        out = []
        for run in desk.store.translation_languages(job_id):
            segments = desk.store.translation(job_id, run["language"])["segments"]
            out.append({"language": run["language"], "language_name": run["language_name"], "model": run["model"],
                        "segments": [{k: s[k] for k in ("start", "end", "text", "speaker", "speakers") if k in s}
                                     for s in segments]})
        return out

    @app.get("/api/transcripts/{transcript_id}/export", dependencies=guarded, tags=["jobs"])
    def export_file(transcript_id: str, format: str = Query("srt", description="txt, srt, vtt, json, md or tsv"),
                    language: str | None = Query(None, description="its translation into this language (e.g. fr)")):
        """The transcript, or its translation into *language*, in one of the export formats,
        written by the desk (speaker names in both)."""
        from app.export import FORMATS as EXPORTS

        if format not in EXPORTS:
            raise ApiError(400, f"format must be one of {', '.join(EXPORTS)}.", param="format")
        job_or_404(transcript_id)
        part = TRANSLATIONS if language else TRANSCRIPT
        if part not in desk.ready_parts(transcript_id):
            raise ApiError(404, f"Job {transcript_id} has no {'translation' if language else 'transcript'} yet.",
                           code="not_ready")
        if language and language not in {t["language"] for t in desk.store.translation_languages(transcript_id)}:
            raise ApiError(404, f"Job {transcript_id} has no translation into {language}.", param="language",
                           code="not_ready")
        uploads.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder = tempfile.TemporaryDirectory(dir=uploads, prefix="export-")
        stem = Path(desk.store.job(transcript_id)["path"]).stem
        [written] = desk.export(transcript_id, [format], folder.name, stem=stem, parts=[part], language=language)
        return FileResponse(written, filename=Path(written).name, background=BackgroundTask(folder.cleanup))

    @app.get("/api/search", dependencies=guarded, tags=["jobs"])
    def search(q: str, speaker: str | None = None, limit: int = Query(20, ge=1, le=200)):
        """Hits across every transcript: the job, where, who, and the words around the match."""
        hits = desk.store.search(q, limit=limit, speaker=speaker)
        return {"hits": [{"job_id": h.get("job_id"), "path": h.get("path"), "kind": h.get("kind"),
                          "at": h.get("at"), "speaker": h.get("speaker"), "snippet": h.get("snippet")}
                         for h in hits]}

    return app


class ApiServer:
    """uvicorn in a thread of the ``serve`` process, on a socket bound before the stack
    starts (a port in use is said at once). A loopback address is served over HTTP; any
    other over TLS with the app's certificate (the helpers' gate's)."""

    def __init__(self, desk: Desk, address: str | None, **limits):
        self.desk = desk
        self.host, self.port = parse_address(address)
        self.limits = limits
        self.tls = not is_loopback(self.host)
        self.sock: socket.socket | None = None
        self.server = None
        self.thread: threading.Thread | None = None

    def bind(self) -> "ApiServer":
        """Take the port (OSError with the system's reason when it cannot)."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # IPPROTO_TCP named, so asyncio turns Nagle off on each connection (it checks the
        # protocol): else every keep-alive answer waits 40 ms for a delayed ACK
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError:
            sock.close()
            raise
        sock.listen(128)
        self.sock, self.port = sock, sock.getsockname()[1]
        return self

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    def start(self) -> "ApiServer":
        import uvicorn

        if self.sock is None:
            self.bind()
        tls = {}
        if self.tls:
            from app.remote.access import HelperAccess

            access = HelperAccess.of(self.desk.data).ensure()
            tls = {"ssl_certfile": str(access.cert_path), "ssl_keyfile": str(access.key_path)}
        config = uvicorn.Config(create_app(self.desk, **self.limits), log_config=None, access_log=False,
                                timeout_graceful_shutdown=3, **tls)
        gone = sweep_uploads(self.desk)
        if gone:
            log.info("removed %d uploads whose jobs were removed", gone)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       name="earmark-api", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(10)
        if self.sock is not None:
            self.sock.close()

