"""Segments of about a sentence: from timed words, or (the batched pipeline, no word
times) from a window's text spread over its speech."""

from __future__ import annotations

import re

from workers.engines.chunks import within

SENTENCE_END = (".", "?", "!", "…")


def in_time_order(segments: list[dict]) -> list[dict]:
    """The segments sorted by start, none running into the next: a segment that ends
    after the next one starts ends where it starts, and its words stay inside it. Whisper's
    times, a passage transcribed again and a gap marker can overlap by fractions of a
    second, by amounts that differ between CPUs; subtitles cut from overlapping segments
    came out of order (a cue at 56.0 s above one at 55.7 s). Copies; the input is left alone."""
    out = sorted((dict(s) for s in segments), key=lambda s: (s["start"], s["end"]))
    for seg, following in zip(out, out[1:] + [None]):
        seg["end"] = max(seg["start"], seg["end"] if following is None else min(seg["end"], following["start"]))
        if seg.get("words"):
            first, last, words = seg["start"], seg["end"], []
            for w in seg["words"]:  # inside the segment and one after another
                start = min(max(w["start"], first), last)
                words.append(dict(w, start=start, end=min(max(w["end"], start), last)))
                first = start
            seg["words"] = words
    return out


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
