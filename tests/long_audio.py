"""A long recording from the corpus: the four meetings joined (342 s), for tests and
benchmarks (the corpus README asks to join files rather than add large ones); *rounds*
times over for a file long enough to go in chunks with the default settings (3: 17 min)."""

from __future__ import annotations

import wave
from pathlib import Path

from tests.helpers import CORPUS

MEETINGS = ("meeting1_product_sync", "meeting2_incident_review", "meeting3_budget_planning",
            "meeting4_customer_research")


def long_file(target: Path, corpus: Path = CORPUS, rounds: int = 1) -> Path:
    """16 kHz mono 16-bit WAV of the meetings one after another, *rounds* times."""
    import numpy as np
    from faster_whisper.audio import decode_audio

    if target.exists():
        return target
    audio = np.concatenate([decode_audio(str(corpus / f"{name}.mp3"), sampling_rate=16000) for name in MEETINGS]
                           * rounds)
    target.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes((np.clip(audio, -1, 1) * 32767).astype(np.int16).tobytes())
    return target


def long_reference(corpus: Path = CORPUS, rounds: int = 1) -> str:
    return " ".join([(corpus / f"{name}.txt").read_text(encoding="utf-8").strip() for name in MEETINGS] * rounds)
