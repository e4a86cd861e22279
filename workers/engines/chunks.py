"""Long recordings in chunks: where to cut (at silences), which speech a chunk's
transcript missed, and the decoded audio kept once for every chunk task.

Pure functions over seconds, plus a small audio cache; no Celery, no Qt.
"""

from __future__ import annotations

import os
from pathlib import Path

from workers.media import SAMPLE_RATE

MIN_UNCOVERED_SECONDS = 3.0  # a speech passage this long with no words is reported


def speech_regions(audio, min_silence_ms: int = 200, threshold: float = 0.5,
                   probs=None) -> list[tuple[float, float]]:
    """Where Silero VAD hears speech (a frame's speech probability at least *threshold*), in seconds;
    *probs*: Silero's probabilities for this audio, kept (``voice_activity``), else it runs."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    from workers.engines.voice_activity import known

    # no padding: the gaps between regions are the silences themselves
    with known(probs):
        stamps = get_speech_timestamps(audio, VadOptions(threshold=threshold, min_silence_duration_ms=min_silence_ms,
                                                         speech_pad_ms=0))
    return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps]


def plan(regions: list[tuple[float, float]], duration: float, target: float,
         tolerance: float = 0.25) -> list[tuple[float, float]]:
    """Chunks of about *target* seconds, each cut in the middle of a silence.

    The cut is the middle of the longest silence within ±tolerance of the target; with
    none there, the longest within ±50 %; with none at all (speech without a pause)
    a hard cut at the target. Chunks are contiguous and cover [0, duration]."""
    if duration <= target * (1 + tolerance):
        return [(0.0, duration)]
    gaps = []  # (start, end) of each silence between speech
    previous_end = 0.0
    for start, end in regions:
        if start > previous_end:
            gaps.append((previous_end, start))
        previous_end = max(previous_end, end)
    if previous_end < duration:
        gaps.append((previous_end, duration))

    chunks, position = [], 0.0
    while duration - position > target * (1 + tolerance):
        cut = None
        for spread in (tolerance, 0.5):
            low, high = position + target * (1 - spread), position + target * (1 + spread)
            inside = [(min(e, high) - max(s, low), (max(s, low) + min(e, high)) / 2)
                      for s, e in gaps if e > low and s < high]
            if inside:
                cut = max(inside)[1]  # the middle of the longest silence there
                break
        cut = cut if cut is not None else position + target
        chunks.append((round(position, 3), round(cut, 3)))
        position = cut
    chunks.append((round(position, 3), round(duration, 3)))
    return chunks


def uncovered(regions: list[tuple[float, float]], segments: list[dict],
              min_seconds: float = MIN_UNCOVERED_SECONDS) -> list[tuple[float, float]]:
    """Speech passages (from VAD) that no transcribed segment overlaps by half or more:
    what Whisper skipped without saying so."""
    missed = []
    for start, end in regions:
        length = end - start
        if length < min_seconds:
            continue
        covered = sum(max(0.0, min(end, s["end"]) - max(start, s["start"])) for s in segments
                      if s["text"].strip())
        if covered < 0.5 * length:
            missed.append((round(start, 3), round(end, 3)))
    return missed


SPARSE_RATIO = 0.35  # of the recording's usual words per second of speech
SPARSE_MIN_SECONDS = 3.0


def _words_in(segments: list[dict], start: float, end: float) -> float:
    """Words the segments put in [start, end], each segment's spread over its time."""
    total = 0.0
    for s in segments:
        if s.get("gap") or not s["text"].strip():
            continue
        length = max(s["end"] - s["start"], 1e-3)
        share = max(0.0, min(end, s["end"]) - max(start, s["start"])) / length
        total += share * len(s["text"].split())
    return total


def sparse(regions: list[tuple[float, float]], segments: list[dict], ratio: float = SPARSE_RATIO,
           min_seconds: float = SPARSE_MIN_SECONDS) -> list[tuple[float, float]]:
    """Speech passages that segments overlap but with far fewer words a second than the
    rest of the recording: a segment stretched over words it does not hold (a model that
    lost a sentence mid-segment). ``uncovered`` misses them, since their time is covered."""
    rates = [((a, b), _words_in(segments, a, b) / (b - a)) for a, b in regions if b - a >= min_seconds]
    usual = sorted(rate for _, rate in rates if rate > 0)
    if len(usual) < 3:
        return []
    median = usual[len(usual) // 2]
    return [(round(a, 3), round(b, 3)) for (a, b), rate in rates if rate < ratio * median]


def within(regions: list[tuple[float, float]], start: float, end: float) -> list[tuple[float, float]]:
    """The parts of *regions* inside [start, end)."""
    return [(max(s, start), min(e, end)) for s, e in regions if e > start and s < end]


# --- the decoded audio, shared by every chunk task of a file -------------------------
def cache_path(folder: Path, key: str) -> Path:
    return folder / f"audio-{key}.npy"


def store_audio(folder: Path, key: str, audio) -> Path:
    """16 kHz mono as int16 (half the size of float32; Whisper's input is 16-bit anyway)."""
    import numpy as np

    target = cache_path(folder, key)
    tmp = target.with_name(f"{target.stem}.{os.getpid()}.tmp.npy")
    np.save(tmp, (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16))
    os.replace(tmp, target)
    return target


def load_audio(folder: Path, key: str, start: float, end: float):
    """The samples of [start, end) as float32, or None when this machine has no cache
    (a worker on another machine): then the caller decodes the file itself."""
    import numpy as np

    path = cache_path(folder, key)
    try:
        data = np.load(path, mmap_mode="r")
    except (OSError, ValueError):
        return None
    os.utime(path)  # in use: the hourly cleanup keeps it
    piece = data[int(start * SAMPLE_RATE):int(end * SAMPLE_RATE)]
    return piece.astype(np.float32) / 32767.0
