"""Search documents from a transcript: passages of consecutive segments.

Indexing segment by segment would miss a phrase that runs over a boundary
("…what your country / can do for you…"); each passage is a segment joined with
the one after it, and a hit points at the first of the two.
"""

from __future__ import annotations

import unicodedata


def normalize(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def passages(segments: list[dict], kind: str = "transcript", window: int = 2) -> list[dict]:
    out = []
    for i, seg in enumerate(segments):
        text = " ".join(normalize(s["text"]) for s in segments[i:i + window] if s["text"].strip())
        if text:
            out.append({"idx": seg.get("idx", i), "start": seg["start"], "text": text, "kind": kind})
    return out
