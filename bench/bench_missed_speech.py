"""Does Silero VAD hear the far-field speech that the speaker stage misses?

    python bench/bench_missed_speech.py

Issue 30, round 5: the speaker stage finds speech with pyannote's segmentation-3.0, which
hears nothing of AMI trn01 and misses about half of trn07. The idea was a fallback: where the
segmentation hears nobody and Silero VAD (faster-whisper's) hears speech, give that speech the
most alike speaker. This measures, for each AMI snippet (the tuning part trn01-05 first), the
reference speech the engine misses (10 ms frames, no collar) and how much of it Silero hears
(probability >= 0.5, faster-whisper's default, and >= 0.3), beside the speech Silero hears where
the reference has none (what a fallback would add as false alarm). Silero runs on the whole
snippet, so its state is settled wherever it is read.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
TUNE = {f"ami_trn0{i}" for i in range(1, 6)}
STEP = 0.01  # seconds a frame


def main() -> None:
    import numpy as np
    from faster_whisper.audio import decode_audio

    from tests import voices_audio as va
    from workers.engines import voice_activity, voices

    total = {True: np.zeros(4), False: np.zeros(4)}
    print(f"{'snippet':10} {'part':5} {'speech s':>8} {'missed s':>8} {'Silero>=.5':>10} {'Silero>=.3':>10} "
          f"{'Silero>=.5 off-ref':>18}")
    for name, reference in sorted(va.rttm().items(), key=lambda kv: (kv[0] not in TUNE, kv[0])):
        path = va.CORPUS / "diarization" / f"{name}.wav"
        audio = decode_audio(str(path))
        probs = voice_activity.probabilities(audio)
        n = int(len(audio) / 16000 / STEP)
        ref, hyp = np.zeros(n, bool), np.zeros(n, bool)
        for start, end, _ in reference:
            ref[int(start / STEP):int(end / STEP)] = True
        for turn in voices.diarize(str(path)).turns:
            hyp[int(turn.start / STEP):int(turn.end / STEP)] = True
        window = np.minimum((np.arange(n) * STEP * 16000 / voice_activity.WINDOW).astype(int), len(probs) - 1)
        heard = probs[window]
        missed = ref & ~hyp
        row = np.array([ref.sum(), missed.sum(), (missed & (heard >= 0.5)).sum(), (missed & (heard >= 0.3)).sum()])
        off = (~ref & ~hyp & (heard >= 0.5)).sum() * STEP
        total[name in TUNE] += row
        print(f"{name:10} {'tune' if name in TUNE else 'held':5} " + " ".join(f"{v * STEP:8.2f}  " for v in row)
              + f"{off:10.2f}")
    for tuned, row in total.items():
        print(f"{'tuning part' if tuned else 'held out':12} speech {row[0] * STEP:.1f} s, missed {row[1] * STEP:.1f} s, "
              f"of which Silero hears {row[2] * STEP:.2f} s (>= 0.5) / {row[3] * STEP:.2f} s (>= 0.3)")


if __name__ == "__main__":
    main()
