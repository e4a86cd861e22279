"""Resemblyzer's own voice prints of a few AMI clips, for tests/test_speakers.py to check
Earmark's NumPy port of the GE2E encoder against (tests/data/ge2e_resemblyzer.npz).

Needs torch, librosa and Resemblyzer, so run it in a throwaway virtualenv, not Earmark's:

    python3 -m venv /tmp/ref && /tmp/ref/bin/pip install torch librosa soundfile
    /tmp/ref/bin/pip install --no-deps Resemblyzer==0.1.4 webrtcvad-wheels
    /tmp/ref/bin/python scripts/ge2e_reference.py

Each clip is one person's reference turn (RTTM), volume-normalised as Resemblyzer's
preprocess_wav does (up to -30 dBFS) and embedded with VoiceEncoder.embed_utterance
(1.6 s partials at 1.3 a second, their normed mean). Silence trimming is left out: it
needs webrtcvad and is not part of the encoder.
"""

from pathlib import Path

import numpy as np
import soundfile
from resemblyzer import VoiceEncoder, audio

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "diarization"
CLIPS = [("ami_trn03", 1.104, 30.0), ("ami_trn06", 0.0, 8.856), ("ami_trn04", 14.345, 16.816),
         ("ami_trn08", 18.522, 23.936)]


def main() -> None:
    encoder = VoiceEncoder("cpu", verbose=False)
    out = {"clips": np.array([f"{name} {start} {end}" for name, start, end in CLIPS])}
    for i, (name, start, end) in enumerate(CLIPS):
        wav, rate = soundfile.read(CORPUS / f"{name}.wav", dtype="float32")
        clip = audio.normalize_volume(wav[int(start * rate):int(end * rate)], -30, increase_only=True)
        out[f"print{i}"] = encoder.embed_utterance(clip)
    np.savez(ROOT / "tests" / "data" / "ge2e_resemblyzer.npz", **out)


if __name__ == "__main__":
    main()
