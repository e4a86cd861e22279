"""Recordings with known speakers for the speaker tests and the benchmark.

``meeting()`` makes a meeting of several espeak-ng voices taking turns (known turn
times, a short pause between turns), ``cast_meeting()`` one of the casts in CASTS;
``corpus_turns()`` puts the corpus's real two-speaker recording (one speaker per
channel) one after the other; ``rttm()`` reads the AMI snippets' reference turns."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
RATE = 16000

# different espeak-ng voices: accent and variant (pitch, formants) differ
VOICES = {"Maria": "en-us+f3", "Tom": "en-gb+m3", "Priya": "en-gb-scotland+f5"}
LINES = [
    ("Maria", "Good morning everyone. Let us start with the budget for the next quarter, "
              "because finance needs our numbers by the end of the week."),
    ("Tom", "Thanks Maria. The hosting costs went up a little, mostly because of the new "
            "database cluster, but the support budget stayed the same."),
    ("Priya", "On the research side we finished twelve interviews. People like the new search, "
              "but several asked for a way to export their notes."),
    ("Maria", "That is useful. Can you write that up so the design team can read it before Thursday?"),
    ("Tom", "I can help with the export part. We already have most of the code for the reports."),
    ("Priya", "Great, then I will send the summary tomorrow and we can decide on Monday."),
    ("Maria", "Perfect. Let us close here and meet again next week at the same time."),
]


def have_espeak() -> bool:
    return shutil.which("espeak-ng") is not None


def speak(text: str, voice: str, speed: int = 165, pitch: int = 50) -> np.ndarray:
    """espeak-ng's speech as float32 at 16 kHz (*speed* in words a minute, *pitch* 0-99)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "s.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", str(out), text],
                       check=True)
        with wave.open(str(out)) as w:
            rate = w.getframerate()
            samples = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768
    positions = np.arange(0, len(samples), rate / RATE)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)


def write_wav(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def _speech_span(samples: np.ndarray) -> tuple[float, float]:
    loud = np.flatnonzero(np.abs(samples) > 0.01)
    return (loud[0] / RATE, loud[-1] / RATE) if len(loud) else (0.0, 0.0)


def join(turns: list[tuple[str, np.ndarray]], path: Path, pause: float = 0.5) -> list[tuple[float, float, str]]:
    """Write the turns one after another; return the reference (start, end, speaker)."""
    pieces, reference, t = [], [], 0.0
    gap = np.zeros(int(pause * RATE), np.float32)
    for who, samples in turns:
        a, b = _speech_span(samples)
        reference.append((round(t + a, 2), round(t + b, 2), who))
        pieces += [samples, gap]
        t += (len(samples) + len(gap)) / RATE
    write_wav(path, np.concatenate(pieces))
    return reference


def meeting(path: Path, lines=LINES, voices=VOICES, repeat: int = 1) -> list[tuple[float, float, str]]:
    """A meeting of espeak-ng voices; the reference turns. A voice is an espeak-ng voice
    name, or (name, speed, pitch)."""
    def said(who, text):
        voice = voices[who]
        return speak(text, *voice) if isinstance(voice, tuple) else speak(text, voice)

    spoken = {(who, text): said(who, text) for who, text in lines}
    return join([(who, spoken[(who, text)]) for _ in range(repeat) for who, text in lines], path)


# Casts for the benchmark's synthetic meetings, men and women, several espeak-ng voices,
# speeds and pitches. Those named "tune_..." are the ones the engine's settings were chosen on; the
# others are held out (nobody looked at their results while choosing).
CASTS = {
    "tune_three": {"Ann": ("en-us+f2", 170, 55), "Ben": ("en-gb+m3", 160, 45), "Carl": ("en-gb-x-rp+m7", 150, 40)},
    "three_strangers": {"Dan": ("en-gb-scotland+m1", 175, 40), "Eve": ("en-029+f4", 160, 60),
                        "Finn": ("en-us+m5", 145, 50)},
    "four_people": {"Gus": ("en-gb-x-gbclan+m2", 165, 35), "Hana": ("en-us-nyc+f1", 180, 65),
                    "Ivo": ("en+m6", 150, 50), "Jo": ("en-gb-x-rp+f5", 155, 55)},
    "two_women": {"Kim": ("en-us+f3", 150, 60), "Lea": ("en-gb+f1", 185, 50)},
    # issue 30 round 5: four voices to choose the count's settings on (variants no held-out cast uses)
    "tune_four": {"Kai": ("en-gb-x-gbcwmd+m4", 170, 45), "Lou": ("en-us+anika", 160, 60),
                  "Mo": ("en-029+m8", 150, 40), "Nia": ("en-gb+belinda", 175, 55)},
}


def cast_meeting(path: Path, cast: str) -> list[tuple[float, float, str]]:
    """The meeting's lines spoken by the cast (speakers in turn, one of them twice in a
    row now and then: a meeting is not round robin)."""
    names = list(CASTS[cast])
    order = [0, 1, 2, 0, 1, 1, 2, 0, 3, 2, 1, 0, 3, 0]
    lines = [(names[k % len(names)], LINES[i % len(LINES)][1]) for i, k in enumerate(order)]
    return meeting(path, lines=lines, voices=CASTS[cast])


def rttm(path: Path = CORPUS / "diarization" / "ami_train.rttm") -> dict[str, list[tuple[float, float, str]]]:
    """Reference turns of an RTTM file: recording → [(start, end, speaker)]."""
    out: dict[str, list] = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if parts and parts[0] == "SPEAKER":
            start, length = float(parts[3]), float(parts[4])
            out.setdefault(parts[1], []).append((start, start + length, parts[7]))
    return out


def who_is(turns, reference: list[tuple[float, float, str]]) -> dict:
    """Each found speaker's reference person: the one who speaks in most of their turns'
    time, if that is at least half of it (else None: a mixture, or nobody). *turns* are
    (start, end, speaker)."""
    shared: dict = {}
    total: dict = {}
    for start, end, speaker in turns:
        total[speaker] = total.get(speaker, 0.0) + end - start
        for s, e, who in reference:
            overlap = max(0.0, min(e, end) - max(s, start))
            shared.setdefault(speaker, {})[who] = shared.get(speaker, {}).get(who, 0.0) + overlap
    out = {}
    for speaker, by in shared.items():
        best = max(by, key=by.get)
        out[speaker] = best if by[best] >= 0.5 * total[speaker] else None
    return out


def corpus_channels() -> tuple[np.ndarray, np.ndarray]:
    with wave.open(str(CORPUS / "stereo_diarization.wav")) as w:
        both = np.frombuffer(w.readframes(w.getnframes()), "<i2").reshape(-1, 2).astype(np.float32) / 32768
    return both[:, 0], both[:, 1]


def corpus_turns(path: Path) -> list[tuple[float, float, str]]:
    """The corpus's two real speakers (left and right channel), one after the other: each
    channel's speech once (the same audio twice would only be matched with itself)."""
    left, right = corpus_channels()

    def trimmed(x):
        a, b = _speech_span(x)
        return x[int(a * RATE):int(b * RATE) + 1]
    return join([("left", trimmed(left)), ("right", trimmed(right))], path)


def mono_mix(path: Path) -> list[tuple[float, float, str]]:
    """The corpus's stereo file mixed to mono, as the issue asks; its reference from
    each channel's loud parts (they overlap for most of the right speaker's turn)."""
    left, right = corpus_channels()
    write_wav(path, (left + right) / 2)
    return [(*_speech_span(left), "left"), (*_speech_span(right), "right")]
