"""Silero VAD run once per file, read as often as needed.

A long file used to hear Silero three times: the plan (where to cut), each chunk's
batched pipeline (its 30-second windows), and the coverage check. Silero's output is a
speech probability for every 32 ms window; the plan keeps those (4 bytes per window,
150 KiB an hour) beside the decoded audio, and every later reader (the pipeline's own
``get_speech_timestamps``, with its own thresholds) gets them from there instead of
running the model again. No Celery, no Qt.
"""

from __future__ import annotations

import logging
import os
import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

WINDOW = 512  # samples Silero scores at a time (32 ms at 16 kHz)
MIN_PART_SECONDS = 60.0  # shorter audio is not worth a second thread


def probabilities(audio, parts: int = 1) -> np.ndarray:
    """Silero's speech probability for each 512-sample window of *audio* (padded to a
    whole window), float32.

    faster-whisper runs the model on one thread; with *parts* > 1 the audio is scored
    in that many pieces on as many threads (a piece starts with a fresh model state,
    which settles within a few windows, so at most a word's worth at each joint can differ)."""
    from concurrent.futures import ThreadPoolExecutor

    from faster_whisper.vad import get_vad_model

    padded = np.pad(audio, (0, WINDOW - audio.shape[0] % WINDOW))
    windows = padded.shape[0] // WINDOW
    parts = max(1, min(parts, int(padded.shape[0] / 16000 / MIN_PART_SECONDS)))
    if parts == 1:
        return np.asarray(get_vad_model()(padded), dtype=np.float32).reshape(-1)
    bounds = np.linspace(0, windows, parts + 1).astype(int)

    def score(span) -> np.ndarray:
        a, b = span
        return np.asarray(get_vad_model()(padded[a * WINDOW:b * WINDOW]), dtype=np.float32).reshape(-1)

    with ThreadPoolExecutor(parts, thread_name_prefix="vad") as pool:  # onnxruntime lets go of the GIL
        return np.concatenate(list(pool.map(score, zip(bounds[:-1], bounds[1:]))))


class _Known:
    """Stands in for faster-whisper's Silero model: the kept probabilities of the audio
    that starts *first* windows into the file; audio they do not cover goes to the model."""

    def __init__(self, probs: np.ndarray, first: int, model_factory):
        self.probs, self.first, self.model_factory = probs, first, model_factory

    def __call__(self, padded, num_samples: int = WINDOW, context_size_samples: int = 64):
        wanted = padded.shape[0] // num_samples
        piece = self.probs[self.first:self.first + wanted]
        if num_samples != WINDOW or piece.shape[0] < wanted - 1:  # not the audio these were kept for
            log.debug("kept speech probabilities do not cover this audio: Silero runs")
            return self.model_factory()(padded, num_samples, context_size_samples)
        return np.pad(piece, (0, wanted - piece.shape[0]))


_patch_lock = threading.Lock()


@contextmanager
def known(probs: np.ndarray | None, first_sample: int = 0):
    """Within it, faster-whisper's VAD (``get_speech_timestamps``, which the pipelines
    call with their own thresholds) reads *probs* instead of running Silero: the audio it
    is given starts *first_sample* samples into the audio the probabilities were kept for.
    faster-whisper offers no argument for this, so its model factory is swapped for the
    call (a lock keeps two threads from swapping at once). Without *probs*: nothing changes."""
    if probs is None:
        yield
        return
    from faster_whisper import vad

    with _patch_lock:
        real = vad.get_vad_model
        vad.get_vad_model = lambda: _Known(probs, first_sample // WINDOW, real)
        try:
            yield
        finally:
            vad.get_vad_model = real


# --- kept beside the decoded audio, for every chunk task of a file -------------------
def probs_path(folder: Path, key: str) -> Path:
    return folder / f"speech-{key}.npy"


def store(folder: Path, key: str, probs: np.ndarray) -> Path:
    target = probs_path(folder, key)
    tmp = target.with_name(f"{target.stem}.{os.getpid()}.tmp.npy")
    np.save(tmp, probs.astype(np.float32))
    os.replace(tmp, target)
    return target


def load(folder: Path, key: str, start_sample: int, samples: int) -> np.ndarray | None:
    """The probabilities of the windows of [start_sample, start_sample + samples), with
    the first window aligned to *start_sample*; None when this machine kept none (a
    helper elsewhere: it runs Silero on its chunk itself)."""
    try:
        data = np.load(probs_path(folder, key), mmap_mode="r")
    except (OSError, ValueError):
        return None
    first = start_sample // WINDOW
    return np.array(data[first:first + samples // WINDOW + 2], dtype=np.float32)
