"""Speaker labels: how long finding speakers takes beside transcribing, and its memory.

    python bench/bench_speakers.py [--long-minutes 20] [--memory-hours 3]

For each recording, in one run, each measured in a fresh process (peak RSS is that
process's own):
  transcribe   Earmark's speech engine (bundled tiny.en, int8, beam 5, all cores, word
               timestamps on as the speaker stage asks), model loaded before the clock
  speakers     Earmark's speaker engine (workers.engines.voices.diarize), auto count,
               given the transcript's segments as the speaker stage is (voice prints
               only where it has words), model loaded before the clock
and the ratio speakers / transcribe (aim: under 0.3). Recordings: the four corpus
meetings, a meeting of three espeak-ng voices (its diarization error too), and a long
file of the corpus meetings joined (--long-minutes). Then peak memory of the speaker
engine alone on --memory-hours of audio (reading in blocks: flat however long; its
own voice activity pass, with no transcript).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

MEASURE = """
import json, sys, time
sys.path.insert(0, sys.argv[3])
path, what, segments_file = sys.argv[1], sys.argv[2], sys.argv[4]
if what == "transcribe":
    from workers.engines.speech import SpeechEngine, TranscribeOptions
    from workers.media import probe
    options = TranscribeOptions(word_timestamps=True)
    engine = SpeechEngine.get(options)
    started = time.perf_counter()
    result = engine.transcribe(probe(path), options)
    out = {"segments": len(result["segments"])}
    open(segments_file, "w").write(json.dumps(result["segments"]))
else:
    from workers.engines import voices
    segments = json.loads(open(segments_file).read()) if segments_file != "-" else None
    voices.encoder()
    started = time.perf_counter()
    found = voices.diarize(path, segments=segments)
    out = {"speakers": len(found.prints), "turns": [[t.start, t.end, str(t.speaker)] for t in found.turns]}
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
out.update(seconds=time.perf_counter() - started, peak_mb=peak / 1024)
print(json.dumps(out))
"""


def measure(path: Path, what: str, segments: str = "-") -> dict:
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path), what, str(REPO), segments],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def duration_of(path: Path) -> float:
    from workers.media import probe

    return probe(str(path)).duration_seconds or 0.0


def joined(corpus: Path, minutes: float, out: Path) -> Path:
    """The corpus meetings one after another until *minutes* long (16 kHz mono WAV)."""
    import numpy as np
    from faster_whisper.audio import decode_audio

    from tests.voices_audio import write_wav

    pieces = [decode_audio(str(p)) for p in sorted(corpus.glob("meeting*.mp3"))]
    total, i, audio = 0, 0, []
    while total < minutes * 60 * 16000:
        audio.append(pieces[i % len(pieces)])
        total += len(pieces[i % len(pieces)])
        i += 1
    return write_wav(out, np.concatenate(audio))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--long-minutes", type=float, default=20.0)
    parser.add_argument("--memory-hours", type=float, default=3.0)
    args = parser.parse_args()
    corpus = REPO.parent / "shared" / "corpus"
    from tests import voices_audio as va
    from workers.engines.voices import HOP_SECONDS, WINDOW_SECONDS, diarization_error

    work = Path(tempfile.mkdtemp(prefix="bench-speakers-"))
    reference = va.meeting(work / "three_voices.wav") if va.have_espeak() else None
    files = sorted(corpus.glob("meeting*.mp3")) + ([work / "three_voices.wav"] if reference else [])
    files.append(joined(corpus, args.long_minutes, work / f"joined_{args.long_minutes:g}min.wav"))
    print(f"bench_speakers: hop {HOP_SECONDS} s, window {WINDOW_SECONDS} s, {os.cpu_count()} cores")
    print(f"{'recording':34} {'audio':>8} {'transcribe':>11} {'speakers':>9} {'ratio':>6} "
          f"{'found':>5} {'peak MB (tr/sp)':>16}")
    ratios = []
    for path in files:
        audio = duration_of(path)
        words = str(work / f"{path.stem}.segments.json")
        tr = measure(path, "transcribe", words)
        sp = measure(path, "speakers", words)  # as the speaker stage runs: where the transcript has words
        ratio = sp["seconds"] / tr["seconds"]
        ratios.append(ratio)
        note = ""
        if path.name == "three_voices.wav":
            hyp = [tuple(t) for t in sp["turns"]]
            note = f"  DER {diarization_error(reference, hyp):.3f}"
        print(f"{path.name:34} {audio:7.0f}s {tr['seconds']:10.1f}s {sp['seconds']:8.1f}s {ratio:6.2f} "
              f"{sp['speakers']:5d} {tr['peak_mb']:7.0f}/{sp['peak_mb']:<7.0f}{note}")
    print(f"speakers / transcribe: median {sorted(ratios)[len(ratios) // 2]:.2f}, max {max(ratios):.2f} "
          f"(aim < 0.3)")
    if args.memory_hours:
        long_file = joined(corpus, args.memory_hours * 60, work / f"joined_{args.memory_hours:g}h.wav")
        sp = measure(long_file, "speakers")
        print(f"speaker engine on {args.memory_hours:g} h: {sp['seconds']:.0f} s "
              f"({duration_of(long_file) / sp['seconds']:.0f}× real time), peak {sp['peak_mb']:.0f} MB, "
              f"{sp['speakers']} speaker(s) found")


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    main()
