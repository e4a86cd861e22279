"""A task's result is checked against its task before it reaches the job store.

A helper on another machine may run a task, and what it sends back is data from
outside: its shape (only the declared fields, of their types), its times (within the
audio the task was given) and its size (text bounded by the audio's length, everything
by its input) are checked here. A result that does not fit fails its task once, with a
sentence; nothing of it is stored. The app's own workers pass these checks as a matter
of course: they are what the engines produce.
"""

from __future__ import annotations

import json
import math

from workers.errors import RefusedResult
from workers.messages import say

TRANSCRIPT_FIELDS = {"language", "language_probability", "duration", "model", "device", "task", "batched", "text",
                     "segments", "rerun", "gaps", "notes", "noted", "job_id", "index", "start", "end",
                     "elapsed_seconds",
                     "worker_pid", "peak_rss_mb", "hostname", "audio_travel", "timings"}
TIMING_PARTS = {"audio", "model", "transcribe", "coverage"}  # a chunk's seconds, for bench_long
# the recogniser's confidence in a segment (workers.engines.speech.CONFIDENCE), each within
# what Whisper can say: a log-probability is at most 0 (a mean below -20 is no recognition
# at all), a probability and a decoding temperature lie in 0-1, and text compresses by at
# most its length (a 30 s window's 224 tokens)
CONFIDENCE_BOUNDS = {"avg_logprob": (-20.0, 0.0), "no_speech_prob": (0.0, 1.0), "compression_ratio": (0.0, 1000.0),
                     "temperature": (0.0, 1.0)}
SEGMENT_FIELDS = {"start", "end", "text", "words", "gap", "speaker", *CONFIDENCE_BOUNDS}
WORD_FIELDS = {"start", "end", "word", "probability"}
MAX_NOTES, NOTE_CHARS = 4, 1000  # what a stage says of a transcript: a sentence or two
SLACK_SECONDS = 30.0  # the batched pipeline may date a last sentence past its audio (seen: 4.5 s); one window at most
CHARS_PER_SECOND = 60  # fast speech is ~20 characters a second; Whisper writes at most ~35 (224 tokens a 30 s window)
SEGMENTS_PER_SECOND = 3
WORDS_PER_SECOND = 8
FIXED_ALLOWANCE = 1000  # characters, segments or words any result may have
STAGE_GROWTH = 8  # a summary, translation or index of a transcript is at most this many times its size
STAGE_ALLOWANCE_BYTES = 256 * 1024


def _refuse(what: str) -> RefusedResult:
    return RefusedResult(say("refused-result", what=what))


def _check_noted(result: dict) -> None:
    """A result's ``noted`` (``workers.messages.note``): the catalogue's key and values of a
    few of its notes, each as short as a note."""
    noted = result.get("noted") or {}
    if not isinstance(noted, dict) or len(noted) > MAX_NOTES or not all(
            isinstance(text, str) and len(text) <= NOTE_CHARS and len(json.dumps(said)) <= NOTE_CHARS
            for text, said in noted.items()):
        raise _refuse("noted of unknown shape")


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _refuse(f"{what} is not a number")
    return float(value)


def check_transcript(result, start: float, end: float, *, job_id: str | None = None,
                     index: int | None = None) -> None:
    """A transcript (a whole file's or one chunk's) of the audio from *start* to *end*."""
    if not isinstance(result, dict):
        raise _refuse("not a transcript")
    extra = set(result) - TRANSCRIPT_FIELDS
    if extra:
        raise _refuse(f"unknown fields {', '.join(sorted(extra)[:3])}")
    _check_timings_and_job(result, job_id)
    _check_noted(result)
    if index is not None and result.get("index") not in (None, index):
        raise _refuse("another part's result")
    segments = result.get("segments")
    if not isinstance(segments, list):
        raise _refuse("no segments")
    seconds = max(0.0, end - start)
    low, high = start - SLACK_SECONDS, end + SLACK_SECONDS
    if len(segments) > SEGMENTS_PER_SECOND * seconds + FIXED_ALLOWANCE:
        raise _refuse(f"{len(segments)} segments for {seconds:.0f} s of audio")
    chars = words = 0
    for seg in segments:
        if not isinstance(seg, dict) or set(seg) - SEGMENT_FIELDS or not isinstance(seg.get("text"), str):
            raise _refuse("a segment of unknown shape")
        a, b = _number(seg.get("start"), "a segment's start"), _number(seg.get("end"), "a segment's end")
        if not low <= a <= b <= high:
            raise _refuse(f"a segment at {a:.1f}-{b:.1f} s outside its audio ({start:.1f}-{end:.1f} s)")
        for name, (least, most) in CONFIDENCE_BOUNDS.items():
            if name in seg and not least <= _number(seg[name], f"a segment's {name}") <= most:
                raise _refuse(f"a segment's {name} of {seg[name]} outside {least:g} to {most:g}")
        chars += len(seg["text"])
        for word in seg.get("words") or ():
            if not isinstance(word, dict) or set(word) - WORD_FIELDS or not isinstance(word.get("word"), str):
                raise _refuse("a word of unknown shape")
            if not low <= _number(word.get("start"), "a word's start") <= _number(word.get("end"), "a word's end") \
                    <= high:
                raise _refuse("a word outside its audio")
            words += 1
    if chars > CHARS_PER_SECOND * seconds + FIXED_ALLOWANCE:
        raise _refuse(f"{chars} characters for {seconds:.0f} s of audio")
    if words > WORDS_PER_SECOND * seconds + FIXED_ALLOWANCE:
        raise _refuse(f"{words} words for {seconds:.0f} s of audio")
    if isinstance(result.get("text"), str) and len(result["text"]) > CHARS_PER_SECOND * seconds + FIXED_ALLOWANCE:
        raise _refuse("more text than the audio can hold")


def check_stage_result(result, source_bytes: int, *, job_id: str | None = None) -> None:
    """A later stage's result (notes, a translation, search passages): a dict for this
    job, no larger than its input allows."""
    if not isinstance(result, dict):
        raise _refuse("not a result")
    _check_timings_and_job(result, job_id)
    size = len(json.dumps(result))
    if size > STAGE_GROWTH * source_bytes + STAGE_ALLOWANCE_BYTES:
        raise _refuse(f"{size // 1024} KB from a {source_bytes // 1024} KB transcript")


def check_speakers(result, duration: float) -> None:
    """The speaker stage's turns and notes, which the store reads as they come: each turn a
    start and an end within the audio and a speaker's key; the notes a few sentences. (A
    helper's turn of another shape stopped the store mid-save, and the job with it.)"""
    turns, notes = result.get("turns") or [], result.get("notes") or []
    if not isinstance(turns, list) or not isinstance(notes, list):
        raise _refuse("turns or notes of unknown shape")
    high = (duration or math.inf) + SLACK_SECONDS
    for turn in turns:
        if not isinstance(turn, (list, tuple)) or len(turn) != 3 or not isinstance(turn[2], str):
            raise _refuse("a turn of unknown shape")
        a, b = _number(turn[0], "a turn's start"), _number(turn[1], "a turn's end")
        if not 0.0 <= a <= b <= high:
            raise _refuse(f"a turn at {a:.1f}-{b:.1f} s outside the audio")
    if len(notes) > MAX_NOTES or not all(isinstance(n, str) and len(n) <= NOTE_CHARS for n in notes):
        raise _refuse("notes of unknown shape")
    _check_noted(result)


def _check_timings_and_job(result: dict, job_id: str | None) -> None:
    """Timings, if any, are known parts with numbers; the result is this job's."""
    timings = result.get("timings", {})
    if not isinstance(timings, dict) or set(timings) - TIMING_PARTS:
        raise _refuse("unknown timings")
    for part, seconds in timings.items():
        _number(seconds, f"the time of {part}")
    if job_id is not None and result.get("job_id") not in (None, job_id):
        raise _refuse("another job's result")
