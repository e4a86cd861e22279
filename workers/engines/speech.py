"""Speech to text with faster-whisper (CTranslate2).

A model is loaded once per process and kept for later tasks; loading is lazy
(on the first task), because Celery's ``worker_process_init`` allows 4 seconds.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Callable

from workers.engines.sentences import in_time_order, place_sentences, sentences
from workers.engines.speech_models import MULTILINGUAL, resolve_model
from workers.errors import ModelError
from workers.media import SAMPLE_RATE, MediaInfo, decode
from workers.messages import note, say
from workers.options import default

log = logging.getLogger(__name__)

BATCHED_FROM_SECONDS = 60.0
# The batched pipeline's windows are independent of each other, so a long stretch is cut
# at a silence into parts that run side by side, each on its share of the cores: on 2
# cores two parts on one thread each did 1.24-1.35x the work of one part on two threads
# (tiny.en, the corpus meetings: bench/bench_parts.py). The cut does not depend on the
# machine or the worker's threads (a one-thread worker runs them side by side on a thread
# each; a one-core machine one after the other), so a file gives the same text whichever
# worker (the window's, the command's, a helper's) takes it.
PARTS = 2
PART_MIN_SECONDS = 30.0
# How sure the recogniser was of a segment, as Whisper says it (OpenAI's verbose_json names):
# the mean log-probability of its tokens, the chance its window held no speech, how well its
# text compresses (a repeating loop compresses well) and the temperature it was decoded at (a
# fallback above 0 follows a failed first try). The sentences of one window share its values.
CONFIDENCE = ("avg_logprob", "no_speech_prob", "compression_ratio", "temperature")


@dataclass(frozen=True)
class TranscribeOptions:
    model: str = default("model")
    language: str | None = None  # None: detect (multilingual models only)
    task: str = default("task")  # or "translate" (speech to English)
    # None: off for multilingual models (on mixed-language audio it turns the second
    # language into garbled English), on for English-only ones.
    condition_on_previous_text: bool | None = None
    batched: bool = default("batched")  # the batched pipeline on audio of BATCHED_FROM_SECONDS or more
    batch_size: int = 0  # 0: from the memory available
    beam_size: int = default("beam_size")
    temperature: float = default("temperature")  # 0: faster-whisper's fallback, 0.0 then 0.2 … 1.0 as needed
    vad_filter: bool = default("vad_filter")
    word_timestamps: bool = default("word_timestamps")
    hotwords: str = default("hotwords")  # names and terms to spell as the person does
    cpu_threads: int = default("cpu_threads")  # 0: all cores

    @classmethod
    def from_dict(cls, data: dict) -> "TranscribeOptions":
        from workers.stages import OFF

        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if data.get("speakers") not in OFF:
            known["word_timestamps"] = True  # turns are cut between words
        return cls(**known)


def default_device() -> tuple[str, str]:
    """CUDA with float16 when CTranslate2 sees a GPU, else CPU with int8."""
    import ctranslate2

    try:
        if ctranslate2.get_cuda_device_count() > 0:
            return "cuda", "float16"
    except Exception:  # a CUDA-less build raises rather than returning 0
        pass
    return "cpu", "int8"


class SpeechEngine:
    """One loaded Whisper model and the transcription loop around it."""

    _cache: dict[tuple, "SpeechEngine"] = {}
    _cache_lock = threading.Lock()

    def __init__(self, model_path: str, model_name: str, cpu_threads: int):
        from faster_whisper import WhisperModel

        self.device, self.compute_type = default_device()
        self.model_name = model_name
        from workers.config import thread_budget

        self.cpu_threads = cpu_threads or thread_budget()
        # Two calls at once on CPU, one model in memory (CTranslate2 shares the weights). Each
        # call keeps every thread: a short file (one call) loses nothing, and two calls on 2
        # cores ran within 4 % of two one-thread calls. A worker held to one thread (the
        # window's and serve's, whose summary model keeps the other core) still runs a long
        # stretch's two parts side by side when the machine has two cores: on its own thread
        # it took 1.62x the time of a two-thread worker while the summary model sat idle; beside
        # a summary the three threads share the two cores.
        self.streams = 2 if self.device == "cpu" and (os.cpu_count() or 1) >= 2 else 1
        started = time.monotonic()
        try:
            self.model = WhisperModel(model_path, device=self.device,
                                      compute_type=self.compute_type,
                                      cpu_threads=self.cpu_threads,
                                      num_workers=self.streams)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(say("speech-model-unloadable", path=str(model_path), why=str(exc))) from None
        self.load_seconds = time.monotonic() - started
        self._batched = threading.local()  # one pipeline a thread: it keeps state between windows
        log.info("loaded %s on %s/%s with %d threads in %.2f s", model_name, self.device,
                 self.compute_type, self.cpu_threads, self.load_seconds)

    @classmethod
    def get(cls, options: TranscribeOptions) -> "SpeechEngine":
        """The process-wide engine for these options; the previous one is dropped."""
        path, name = resolve_model(options.model)
        key = (path, options.cpu_threads)
        with cls._cache_lock:
            engine = cls._cache.get(key)
            if engine is None:
                cls._cache.clear()  # one model in memory at a time
                engine = cls._cache[key] = cls(path, name, options.cpu_threads)
            return engine

    def transcribe(self, info: MediaInfo, options: TranscribeOptions,
                   on_progress: Callable[[float, float], None] | None = None) -> dict:
        """Transcribe the file; ``on_progress(done_seconds, total_seconds)`` as segments arrive."""
        from workers.engines.chunks import speech_regions
        from workers.engines.voice_activity import probabilities

        audio = decode(info.path, info)
        # Silero once: the pipeline's VAD, the coverage check and the sentences read the same
        probs = probabilities(audio, parts=self.cpu_threads)
        regions = speech_regions(audio, probs=probs)
        result = self.transcribe_samples(audio, options, on_progress=on_progress, regions=regions,
                                         speech_probs=probs)
        self.check_coverage(audio, result, options, regions=regions)
        result["text"] = " ".join(s["text"] for s in result["segments"] if not s.get("gap")).strip()
        return result

    def check_coverage(self, audio, result: dict, options: TranscribeOptions, *, regions: list,
                       offset: float = 0.0) -> None:
        """Whisper can skip a passage without an error. Each speech passage VAD heard that
        no words cover is transcribed again alone with the settings that do not skip (no
        conditioning on earlier text, beam 5, no VAD); what still has no words is marked
        ``[speech not transcribed]`` at its time, never hidden. With an English-only model,
        a passage in another language is not guessed at in English: it is marked with the
        language it sounds like, and ``notes`` names the model that would hear it."""
        import dataclasses

        from workers.engines import chunks

        def piece(a: float, b: float):
            return audio[int((a - offset) * SAMPLE_RATE):int((b - offset) * SAMPLE_RATE)]

        missed = chunks.uncovered(regions, result["segments"])
        foreign = None
        if missed and not self.model.model.is_multilingual:
            foreign = other_language(audio_of(piece, missed), self.cpu_threads)
        rerun = []
        if not foreign:
            safer = dataclasses.replace(options, condition_on_previous_text=False,
                                        beam_size=max(5, options.beam_size), vad_filter=False)
            for a, b in missed:
                again = self.transcribe_samples(piece(a, b), safer, offset=a, batched=False)["segments"]
                rerun.append({"start": a, "end": b, "found": bool(" ".join(s["text"] for s in again).strip())})
                result["segments"] += again
            # covered in time but thin in words: transcribed again, and kept if it holds more
            for a, b in [r for r in chunks.sparse(regions, result["segments"]) if r not in missed]:
                again = self.transcribe_samples(piece(a, b), safer, offset=a, batched=False)["segments"]
                inside = [s for s in result["segments"]
                          if max(0.0, min(b, s["end"]) - max(a, s["start"])) >= 0.5 * max(s["end"] - s["start"], 1e-3)]
                found = sum(len(s["text"].split()) for s in again) > 1.5 * sum(len(s["text"].split()) for s in inside)
                rerun.append({"start": a, "end": b, "found": found, "sparse": True})
                if found:
                    result["segments"] = [s for s in result["segments"] if s not in inside] + again
        gaps = chunks.uncovered(regions, result["segments"])
        marker = f"[speech not transcribed: it sounds like {foreign}]" if foreign else "[speech not transcribed]"
        result["segments"] += [{"start": a, "end": b, "text": marker, "gap": True} for a, b in gaps]
        result["segments"] = in_time_order(result["segments"])
        result.update(rerun=rerun, gaps=gaps)
        if foreign and gaps:
            seconds = sum(b - a for a, b in gaps)
            note(result, say("other-language", seconds=f"{seconds:.0f}", language=foreign, model=self.model_name,
                             multilingual=MULTILINGUAL))

    def _check(self, options: TranscribeOptions) -> bool:
        """Refuse what this model cannot do; return whether it is multilingual."""
        language = options.language
        multilingual = self.model.model.is_multilingual
        if language and not multilingual and language != "en":
            raise ModelError(say("english-only-language", model=self.model_name, language=language))
        if options.task == "translate" and not multilingual:
            raise ModelError(say("english-only-translate", model=self.model_name))
        return multilingual

    def use_batched(self, options: TranscribeOptions, seconds: float) -> bool:
        """The batched pipeline on anything a minute or longer: on 2 cores it ran tiny.en
        1.4-1.6x faster than the sequential call on the joined meetings (bench_long.py)."""
        return options.batched and options.vad_filter and seconds >= BATCHED_FROM_SECONDS

    def transcribe_samples(self, audio, options: TranscribeOptions, *, offset: float = 0.0,
                           on_progress: Callable[[float, float], None] | None = None,
                           batched: bool | None = None, regions: list | None = None,
                           speech_probs=None, in_parts: bool = True, stop: threading.Event | None = None) -> dict:
        """Transcribe 16 kHz samples; times are shifted by *offset* (a chunk's start).

        *regions*: where VAD hears speech, in the same (shifted) times, if known.
        *speech_probs*: Silero's probabilities for these samples (``voice_activity``), if kept.
        Batched, a long stretch runs in parts side by side (``streams``); *stop*: a part
        stops at its next segment once it is set (``PartStopped``)."""
        from workers.engines.voice_activity import known

        total = len(audio) / SAMPLE_RATE
        batched = self.use_batched(options, total) if batched is None else batched
        if batched and in_parts:
            parts = self._parts(audio, offset, regions, speech_probs)
            if len(parts) > 1:
                return self._side_by_side(audio, options, parts, offset=offset, on_progress=on_progress,
                                          regions=regions, speech_probs=speech_probs)
        multilingual = self._check(options)
        condition = options.condition_on_previous_text
        if condition is None:
            condition = not multilingual
        # With no language set, a multilingual model detects it per segment: detected once
        # (on the first 30 s), the German half of the corpus's mixed file was lost entirely.
        per_segment = multilingual and not options.language and options.task == "transcribe"
        common = dict(language=options.language, task=options.task, beam_size=options.beam_size,
                      vad_filter=options.vad_filter, word_timestamps=options.word_timestamps,
                      condition_on_previous_text=condition, multilingual=per_segment,
                      hotwords=(options.hotwords or "").strip() or None)
        if options.temperature:  # OpenAI's meaning: 0 is greedy with the fallback; above 0, sample at it
            common["temperature"] = options.temperature
        if batched:
            from faster_whisper import BatchedInferencePipeline

            pipeline = getattr(self._batched, "pipeline", None)
            if pipeline is None:  # parts side by side each get their own (word times use its state)
                pipeline = self._batched.pipeline = BatchedInferencePipeline(self.model)
            # The batched pipeline's segments are its 30-second windows. Sampling timestamps to
            # get sentences doubled its WER here (7 % -> 15 % on the joined meetings) and timing
            # every word costs 14 %, so unless words are asked for, each window is split into
            # sentences placed along its speech by length (median 0.2 s, at most ~1 s from
            # the word-timed start; bench/bench_long.py).
            if regions is None and not options.word_timestamps:
                from workers.engines.chunks import speech_regions

                regions = [(a + offset, b + offset) for a, b in speech_regions(audio, probs=speech_probs)]
            batch_size = options.batch_size or auto_batch_size()
            with known(speech_probs):
                segments, tinfo = pipeline.transcribe(audio, batch_size=batch_size, **common)
            if on_progress:  # the pipeline reports a batch of windows at a time: fill in between
                segments = Between(segments, total, on_progress, step_seconds=batch_size * 30.0)
                on_progress = segments.report
        else:
            with known(speech_probs):
                segments, tinfo = self.model.transcribe(audio, **common)
        out = []
        for seg in segments:
            if stop is not None and stop.is_set():
                raise PartStopped()
            sure = confidence(seg)
            words = [{"start": round(float(w.start) + offset, 3), "end": round(float(w.end) + offset, 3),
                      "word": w.word, "probability": round(float(w.probability), 3)} for w in seg.words or ()]
            if batched and words:
                pieces = sentences(words)
            elif batched:
                pieces = place_sentences(seg.text, float(seg.start) + offset, float(seg.end) + offset, regions)
            else:
                pieces = [{"start": round(float(seg.start) + offset, 3), "end": round(float(seg.end) + offset, 3),
                           "text": seg.text.strip(), "words": words}]
            for item in pieces:
                if not options.word_timestamps or not item["words"]:
                    item.pop("words")
                out.append({**item, **sure})
            if on_progress:
                on_progress(min(seg.end, total), total)
        out = in_time_order(out)  # the batched pipeline yields batch by batch; times can overlap
        if on_progress:
            on_progress(total, total)
        return {
            "language": tinfo.language,
            "language_probability": round(tinfo.language_probability, 3),
            "duration": round(total, 3),
            "model": self.model_name,
            "device": self.device,
            "task": options.task,
            "batched": batched,
            "segments": out,
        }


    def _parts(self, audio, offset: float, regions: list | None, speech_probs) -> list[tuple[int, int]]:
        """PARTS sample ranges of *audio*, cut in the middle of the silence nearest each even
        share (at a Silero window, so the kept probabilities line up); one range when no
        part would be PART_MIN_SECONDS long."""
        from workers.engines.chunks import speech_regions
        from workers.engines.voice_activity import WINDOW

        total = len(audio) / SAMPLE_RATE
        if total < PARTS * PART_MIN_SECONDS:
            return [(0, len(audio))]
        if regions is None:
            relative = speech_regions(audio, probs=speech_probs)
        else:
            relative = [(a - offset, b - offset) for a, b in regions]
        silences = [(relative[i][1] + relative[i + 1][0]) / 2 for i in range(len(relative) - 1)
                    if relative[i + 1][0] > relative[i][1]]
        cuts = []
        for k in range(1, PARTS):
            want = total * k / PARTS
            near = min(silences, key=lambda t: abs(t - want), default=want)  # speech with no pause: cut anyway
            cuts.append(int(near * SAMPLE_RATE) // WINDOW * WINDOW)
        bounds = [0] + sorted(set(cuts)) + [len(audio)]
        ranges = list(zip(bounds[:-1], bounds[1:]))
        if any((b - a) / SAMPLE_RATE < PART_MIN_SECONDS for a, b in ranges):
            return [(0, len(audio))]
        return ranges

    def _side_by_side(self, audio, options: TranscribeOptions, parts: list[tuple[int, int]], *, offset: float,
                      on_progress, regions: list | None, speech_probs) -> dict:
        """Each part through the batched pipeline, as many at once as the model has streams
        (each on its own thread: CTranslate2 lets go of the GIL), joined in time order;
        progress is the sum of the parts'."""
        from concurrent.futures import ThreadPoolExecutor, wait

        from workers.engines.voice_activity import WINDOW

        total = len(audio) / SAMPLE_RATE
        done = [0.0] * len(parts)
        lock = threading.Lock()

        def reporter(i: int):
            def report(seconds: float, _total: float) -> None:
                with lock:
                    done[i] = seconds
                    on_progress(min(sum(done), total), total)
            return report if on_progress else None

        stop = threading.Event()  # a part failed, or the caller was stopped: the others stop too

        def run(i: int) -> dict:
            a, b = parts[i]
            start, end = offset + a / SAMPLE_RATE, offset + b / SAMPLE_RATE
            inside = None if regions is None else [(max(x, start), min(y, end)) for x, y in regions
                                                   if y > start and x < end]
            probs = None if speech_probs is None else speech_probs[a // WINDOW:b // WINDOW + 1]
            try:
                return self.transcribe_samples(audio[a:b], options, offset=start, on_progress=reporter(i),
                                               batched=True, regions=inside, speech_probs=probs, in_parts=False,
                                               stop=stop)
            except BaseException:
                stop.set()
                raise

        pool = ThreadPoolExecutor(min(len(parts), self.streams), thread_name_prefix="speech-part")
        try:
            futures = [pool.submit(run, i) for i in range(len(parts))]
            wait(futures)
        except BaseException:  # Celery's soft time limit, raised in this thread by its signal
            stop.set()
            raise
        finally:
            pool.shutdown(wait=True)  # the parts stop at their next segment once *stop* is set
        errors = [f.exception() for f in futures if f.exception() is not None]
        if errors:  # the part's own error, not the others' PartStopped
            raise next((e for e in errors if not isinstance(e, PartStopped)), errors[0])
        results = [f.result() for f in futures]
        first = results[0]
        first.update(duration=round(total, 3),
                     segments=in_time_order([s for r in results for s in r["segments"]]))
        return first


class PartStopped(Exception):
    """A part of a stretch run side by side stopped because another part failed or the call
    that waits for them was stopped (``SpeechEngine._side_by_side``)."""


class Between:
    """Progress between the batched pipeline's reports, which come a batch of 30-second
    windows at a time (a 90-second file: 0 % until it is done). While a batch runs, a
    timer moves progress on at the speed this process measured on earlier batches
    (seconds of audio per second; a cautious guess before the first), never past the
    end of the batch under way; each real report takes over. The speed is kept per
    process, as the model is."""

    speed = 4.0  # seconds of audio a second: tiny.en batched runs ~10x on 2 cores; cautious
    INTERVAL_SECONDS = 0.5

    def __init__(self, segments, total: float, on_progress, step_seconds: float):
        self.segments, self.total, self.on_progress, self.step = iter(segments), total, on_progress, step_seconds
        self.done, self.since, self.started = 0.0, time.monotonic(), time.monotonic()
        self.shown = 0.0  # what was reported: progress never goes back
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def report(self, done: float, total: float) -> None:
        with self.lock:
            self.shown = max(self.shown, done)
            shown = self.shown
        self.on_progress(shown, total)

    def __iter__(self):
        timer = threading.Thread(target=self._tick, name="progress-between", daemon=True)
        timer.start()
        try:
            for seg in self.segments:
                with self.lock:
                    self.done, self.since = max(self.done, float(seg.end)), time.monotonic()
                yield seg
        finally:
            self.stop.set()
            timer.join()
            elapsed = time.monotonic() - self.started
            if elapsed > 1.0 and self.total > 0:  # learn this process's speed for the next file
                Between.speed = 0.5 * Between.speed + 0.5 * (self.total / elapsed)

    def _tick(self) -> None:
        while not self.stop.wait(self.INTERVAL_SECONDS):
            with self.lock:
                limit = min(self.total * 0.99, (self.done // self.step + 1) * self.step)
                guess = min(limit, self.done + (time.monotonic() - self.since) * Between.speed)
            if guess > self.shown:
                try:
                    self.report(guess, self.total)
                except Exception:  # an estimate is a courtesy: it never stops the work
                    log.exception("progress between batches not reported")


LANGUAGE_NAMES = {"de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
                  "nl": "Dutch", "pl": "Polish", "ru": "Russian", "uk": "Ukrainian", "tr": "Turkish",
                  "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish", "cs": "Czech",
                  "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "ar": "Arabic", "hi": "Hindi"}


def audio_of(piece, spans: list[tuple[float, float]], limit_seconds: float = 30.0):
    """Up to *limit_seconds* of the samples of *spans*, joined."""
    import numpy as np

    parts, total = [], 0
    for a, b in spans:
        samples = piece(a, b)[:int((limit_seconds * SAMPLE_RATE) - total)]
        parts.append(samples)
        total += len(samples)
        if total >= limit_seconds * SAMPLE_RATE:
            break
    return np.concatenate(parts) if parts else np.zeros(0, dtype="float32")


def other_language(audio, cpu_threads: int, min_probability: float = 0.6) -> str | None:
    """The name of the language *audio* is spoken in, when it is confidently not English,
    by the bundled multilingual model (loaded for this and dropped)."""
    from faster_whisper import WhisperModel

    if len(audio) < SAMPLE_RATE:
        return None
    try:
        path, _ = resolve_model(MULTILINGUAL)
        model = WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=cpu_threads)
        code, probability, _ = model.detect_language(audio)
    except Exception as exc:  # the hint is a courtesy: without it the passage is still marked
        log.warning("language of the untranscribed speech not detected: %r", exc)
        return None
    if code == "en" or probability < min_probability:
        return None
    return LANGUAGE_NAMES.get(code, code)


def auto_batch_size() -> int:
    """8 where memory allows (about 300 MiB more than 4 for ~15 % more speed), else 4."""
    import psutil

    return 8 if psutil.virtual_memory().available > 4 * 1024 ** 3 else 4


def confidence(segment) -> dict:
    """A faster-whisper segment's own confidence (``CONFIDENCE``), rounded; the fields it lacks left out."""
    values = {name: getattr(segment, name, None) for name in CONFIDENCE}
    return {name: round(float(value), 3) for name, value in values.items() if value is not None}
