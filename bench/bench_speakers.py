"""Speaker labels on real and synthetic voices: today's engine against the baseline.

    python bench/bench_speakers.py [--baseline REV] [--previous REV] [--memory-minutes 10 60 180] [--work DIR]
                                   [--unseen DIR]

Recordings (each with reference turns):
  --unseen      NAME.wav + RTTM pairs in a folder, never looked at while tuning (round 5:
                pyannote.audio's own sample, see docs/benchmarks.md), reported first
  ami_trn01-09  nine 30 s snippets of real AMI meetings (shared/corpus/diarization,
                RTTM reference); trn01-05 are the part the engine's settings were chosen
                on ("tune"), trn06-09 are held out (seen in rounds 3-5, no longer blind)
  stereo mono   the corpus's two-speaker stereo file mixed to mono (held out)
  synthetic     meetings of espeak-ng voices (men and women, several voices, speeds and
                pitches: tests/voices_audio.CASTS); "tune_three" and "tune_four" were looked
                at while choosing settings, the others are held out

Each recording is transcribed once (Earmark's speech engine: bundled tiny.en, int8,
beam 5, word timestamps, as the speaker stage gets it; model loaded before the clock; its
wall and CPU time kept in --work's cache), then given to the speaker engines as the speaker
stage does (path, auto count, the transcript's segments): OLD is workers/engines/voices.py as
of --baseline (before issue 30), PREV the same file as of --previous (by default round 8's
engine, main 03d79e0: segmentation-3.0 chunks, a CAM++ print per local speaker, overlap kept,
int8 models), NEW the working tree's. Scored with ``voices.error_parts``: 10 ms frames, 0.25 s
collar, overlapped speech counted, best one-to-one speaker map; missed, false alarm and
confusion as fractions of reference speech; speakers found / in the reference (per part also against the people who
speak 2 s or more in all, at least one: "of people >= 2 s"); per part
also the overlap floor (the share of reference speech that is a second voice at once:
one speaker per moment cannot get below it) and the DER where one person talks
(overlapped frames not scored). Time: the wall-clock ratio to the transcription (meaningless
on a busy machine), and the CPU-time ratio, PREV's and NEW's: the stage runs on one thread,
the transcription on every core, so on free cores the stage's share of the time lies between
that ratio and the number of cores times it. Then the NEW engine's peak
memory (fresh process, VmHWM) on the corpus meetings joined to each --memory-minutes.
How many of these counts the segmentation model's local speakers allow at all (the ceiling of any
pipeline built on them, pyannote 3.1's included): bench_speaker_ceiling.py, on the same recordings.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpus"
BASELINE = "ca55103"  # main before issue 30: the engine that took prints only where the transcript had words
PREVIOUS = "03d79e0"  # issue 30 round 8 (round 4, segmentation-3.0 chunks: 3240e0e; round 3, CAM++ windows: f011e4d)
ENGINES = ("old", "prev", "new")
TUNE_AMI = {f"ami_trn0{i}" for i in range(1, 6)}

TRANSCRIBE = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from workers.engines.speech import SpeechEngine, TranscribeOptions
from workers.media import probe
options = TranscribeOptions(word_timestamps=True)
engine = SpeechEngine.get(options)
out = {}
for path in sys.argv[3:]:
    started, cpu = time.perf_counter(), time.process_time()
    result = engine.transcribe(probe(path), options)
    out[path] = {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
                 "segments": result["segments"]}
open(sys.argv[2], "w").write(json.dumps(out))
"""

MEMORY = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from workers.engines import voices
voices.encoder()
started = time.perf_counter()
found = voices.diarize(sys.argv[2])
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"seconds": time.perf_counter() - started, "peak_mb": peak / 1024, "speakers": len(found.prints)}))
"""


def baseline_engine(rev: str, name: str = "voices_baseline"):
    """workers/engines/voices.py as of *rev*, loaded as a module of its own, with segmentation.py as of
    *rev* too where it had one (before round 8 the PREV engine ran the working tree's segmentation)."""
    def show(file: str) -> str | None:
        done = subprocess.run(["git", "-C", str(REPO), "show", f"{rev}:workers/engines/{file}"],
                              capture_output=True, text=True, check=False)
        return done.stdout if done.returncode == 0 else None

    folder = Path(tempfile.mkdtemp(prefix="bench-baseline-"))
    (folder / "voice").symlink_to(REPO / "workers" / "engines" / "voice")  # its weights, beside it
    source, segmentation = show("voices.py"), show("segmentation.py")
    if segmentation is not None:
        _load(folder, f"{name}_segmentation", segmentation)
        source = source.replace("from workers.engines import segmentation as sg", f"import {name}_segmentation as sg")
    return _load(folder, name, source)


def _load(folder: Path, name: str, source: str):
    path = folder / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there (and voices its segmentation)
    spec.loader.exec_module(module)
    return module


def material(work: Path, unseen: Path | None = None) -> list[dict]:
    """Every recording: name, path, reference, and whether it was tuned on."""
    from tests import voices_audio as va

    items = []
    for rttm in sorted(unseen.glob("*.rttm")) if unseen else []:
        for name, reference in sorted(va.rttm(rttm).items()):
            wav = rttm.with_name(f"{name}.wav")
            if wav.is_file():
                items.append({"name": name, "path": wav, "reference": reference, "kind": "unseen", "tuned": False})
    for name, reference in sorted(va.rttm().items()):
        items.append({"name": name, "path": CORPUS / "diarization" / f"{name}.wav", "reference": reference,
                      "kind": "ami", "tuned": name in TUNE_AMI})
    mono = work / "stereo_mono.wav"
    items.append({"name": "stereo mono", "path": mono, "reference": va.mono_mix(mono), "kind": "other",
                  "tuned": False})
    if va.have_espeak():
        for cast in va.CASTS:
            path = work / f"{cast}.wav"
            items.append({"name": cast, "path": path, "reference": va.cast_meeting(path, cast),
                          "kind": "synthetic", "tuned": cast.startswith("tune")})
    return items


def joined(minutes: float, out: Path) -> Path:
    """The corpus meetings one after another until *minutes* long (16 kHz mono WAV)."""
    import numpy as np
    from faster_whisper.audio import decode_audio

    from tests.voices_audio import write_wav

    pieces = [decode_audio(str(p)) for p in sorted(CORPUS.glob("meeting*.mp3"))]
    total, i, audio = 0, 0, []
    while total < minutes * 60 * 16000:
        audio.append(pieces[i % len(pieces)])
        total += len(pieces[i % len(pieces)])
        i += 1
    return write_wav(out, np.concatenate(audio))


def cell(parts: dict, found: int, wanted: int) -> str:
    speech = parts["speech"] or 1.0
    mark = "" if found == wanted else "*"
    return (f"{parts['der']:5.2f} ({parts['missed'] / speech:4.2f}/{parts['false_alarm'] / speech:4.2f}/"
            f"{parts['confusion'] / speech:4.2f}) {found}/{wanted}{mark:1}")


def overlap_share(reference: list[tuple[float, float, str]]) -> float:
    """The share of reference speech that is a second (third...) voice at once: what an
    engine with one speaker per moment misses however well it does the rest."""
    import numpy as np

    end = max(e for _, e, _ in reference)
    who = sorted({w for *_, w in reference})
    talk = np.zeros((len(who), int(end * 100) + 1), bool)
    for s, e, w in reference:
        talk[who.index(w), int(s * 100):int(e * 100)] = True
    at_once = talk.sum(axis=0)
    return float(np.maximum(at_once - 1, 0).sum() / max(at_once.sum(), 1))


def speaking(reference: list[tuple[float, float, str]], seconds: float = 2.0) -> int:
    """How many reference people speak at least *seconds* in all (at least one): on 30 s
    snippets most people say a word or two, which no print of a window can find."""
    total: dict[str, float] = {}
    for s, e, who in reference:
        total[who] = total.get(who, 0.0) + e - s
    return max(1, sum(t >= seconds for t in total.values()))


def identities(found, reference: list[tuple[float, float, str]]) -> dict[int, str | None]:
    """Each found speaker's reference person (tests/voices_audio.who_is)."""
    from tests.voices_audio import who_is

    named = who_is([(t.start, t.end, t.speaker) for t in found.turns], reference)
    return {speaker: named.get(speaker) for speaker in found.prints}


def recognition(rows: list[dict], thresholds: list[float], engine: str = "new",
                minimums: tuple[float, ...] | None = None) -> None:
    """Remembered voices on real ones: every speaker found in one AMI snippet is named
    after their reference person (as a person would name them); each other snippet's
    speakers are then matched against those people as the app does
    (app/speakerstore._match). Right: named as who they are; wrong: named as someone
    else (worse than "Speaker 2"). Before issue 30 any print was matched; now only one
    with speakerstore.MIN_MATCH_SECONDS of speech is matched or remembered."""
    from app.store import speakerstore

    found = {r["name"]: (r[engine][3], identities(r[engine][3], r["reference"])) for r in rows}
    print(f"\nremembered voices (AMI, {engine.upper()} engine): speakers of one snippet named, matched in every other")
    for minimum in minimums or (0.0, speakerstore.MIN_MATCH_SECONDS):
        for threshold in thresholds:
            right = wrong = chances = shown = 0
            for first, (a, who_a) in found.items():
                people = [(i, who_a[k], voices_print(v)) for i, (k, v) in enumerate(a.prints.items())
                          if who_a[k] and a.seconds.get(k, 0.0) >= minimum]
                if not people:
                    continue
                known = {p[1] for p in people}
                for second, (b, who_b) in found.items():
                    if second == first:
                        continue
                    speakers = [{"key": str(k), "print": v.tolist(), "seconds": b.seconds.get(k, 0.0)}
                                for k, v in b.prints.items()]
                    saved = speakerstore.MIN_MATCH_SECONDS
                    speakerstore.MIN_MATCH_SECONDS = minimum
                    try:
                        named = {key: name for key, (_, name, _) in speakerstore._match(
                            speakers, people, threshold).items()}
                    finally:
                        speakerstore.MIN_MATCH_SECONDS = saved
                    for k in b.prints:
                        truth, given = who_b[k], named.get(str(k))
                        shown += 1
                        chances += truth in known and b.seconds.get(k, 0.0) >= minimum
                        right += given is not None and given == truth
                        wrong += given is not None and given != truth
            print(f"  speech >= {minimum:2.0f} s, speaker_match {threshold:.2f}: right {right} of {chances} "
                  f"who could be, wrong names {wrong} (speakers shown people: {shown})")


def voices_print(vector):
    import numpy as np

    v = np.asarray(vector, np.float32)
    return v / (np.linalg.norm(v) + 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default=BASELINE, help="git revision of the OLD engine")
    parser.add_argument("--previous", default=PREVIOUS, help="git revision of the PREV engine")
    parser.add_argument("--memory-minutes", type=float, nargs="*", default=[10, 60, 180])
    parser.add_argument("--match", type=float, nargs="*", default=[0.65, 0.7, 0.75, 0.8, 0.85],
                        help="speaker_match thresholds to try for remembered voices")
    parser.add_argument("--work", type=Path, help="keep recordings and transcripts here (reused)")
    parser.add_argument("--unseen", type=Path, help="a folder of NAME.wav + RTTM files never looked at while "
                        "tuning (e.g. pyannote.audio's sample: see docs/benchmarks.md), reported first")
    args = parser.parse_args()
    from workers.engines import voices

    old = baseline_engine(args.baseline)
    prev = baseline_engine(args.previous, "voices_prev")
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-speakers-"))
    work.mkdir(parents=True, exist_ok=True)
    items = material(work, args.unseen)
    cache = work / "transcripts.json"
    transcripts = json.loads(cache.read_text()) if cache.is_file() else {}
    missing = [str(i["path"]) for i in items if str(i["path"]) not in transcripts]
    if missing:
        out = work / "new_transcripts.json"
        subprocess.run([sys.executable, "-c", TRANSCRIBE, str(REPO), str(out), *missing], check=True)
        transcripts.update(json.loads(out.read_text()))
        cache.write_text(json.dumps(transcripts))
    for engine in (voices, old, prev):
        engine.encoder()

    print(f"bench_speakers: OLD = voices.py at {args.baseline}, PREV = at {args.previous}, NEW = working tree; "
          f"DER (missed/false alarm/confusion) found/reference, * = count wrong")
    print(f"{'recording':18} {'part':5} {'OLD':>28} {'PREV':>28} {'NEW':>28} {'tr s':>6} {'prev s':>6} "
          f"{'new s':>6} {'ratio':>5}")
    rows = []
    order = sorted(items, key=lambda i: (i["kind"] != "unseen", i["kind"] != "ami", i["tuned"], i["name"]))
    for item in order:
        transcript = transcripts[str(item["path"])]
        wanted = len({who for *_, who in item["reference"]})
        result = {}
        for label, engine in (("old", old), ("prev", prev), ("new", voices)):
            started, cpu = time.perf_counter(), time.process_time()
            found = engine.diarize(str(item["path"]), segments=transcript["segments"])
            seconds = time.perf_counter() - started
            result[label + "_cpu"] = time.process_time() - cpu
            hyp = [(t.start, t.end, str(t.speaker)) for t in found.turns]
            result[label] = (voices.error_parts(item["reference"], hyp), len(found.prints), seconds, found)
            result[label + "_alone"] = voices.error_parts(item["reference"], hyp, score_overlap=False)["der"]
        ratio = result["new"][2] / transcript["seconds"]
        rows.append({**item, **result, "wanted": wanted, "wanted_2s": speaking(item["reference"]), "ratio": ratio, "overlap": overlap_share(item["reference"]),
                     "prev_ratio": result["prev"][2] / transcript["seconds"],
                     "cpu_ratio": {k: result[k + "_cpu"] / transcript.get("cpu", transcript["seconds"])
                                   for k in ("prev", "new")}})
        part = "tune" if item["tuned"] else "new" if item["kind"] == "unseen" else "held"
        print(f"{item['name']:18} {part:5} "
              + " ".join(f"{cell(*result[label][:2], wanted):>28}" for label in ENGINES)
              + f" {transcript['seconds']:6.1f} {result['prev'][2]:6.1f} {result['new'][2]:6.1f} {ratio:5.2f}")

    def summary(title: str, chosen: list[dict]) -> None:
        if not chosen:
            return
        text = [f"{title:26}"]
        for label in ENGINES:
            mean = statistics.mean(r[label][0]["der"] for r in chosen)
            right = sum(r[label][1] == r["wanted"] for r in chosen)
            right_2s = sum(r[label][1] == r["wanted_2s"] for r in chosen)
            text.append(f"{label.upper()} DER {mean:.2f}, count {right}/{len(chosen)} ({right_2s} of people >= 2 s)")
        print("  ".join(text))
        floor = statistics.mean(r["overlap"] for r in chosen)
        alone = "  ".join(f"{label.upper()} {statistics.mean(r[label + '_alone'] for r in chosen):.2f}"
                          for label in ENGINES)
        print(f"{'':26} overlap floor {floor:.2f} (one voice per moment misses it);  DER where one "
              f"person talks: {alone}")

    print()
    summary("never seen (--unseen)", [r for r in rows if r["kind"] == "unseen"])
    ami = [r for r in rows if r["kind"] == "ami"]
    summary("AMI held out (trn06-09)", [r for r in ami if not r["tuned"]])
    summary("AMI tuned on (trn01-05)", [r for r in ami if r["tuned"]])
    summary("AMI all nine", ami)
    summary("synthetic held out", [r for r in rows if r["kind"] == "synthetic" and not r["tuned"]])
    summary("synthetic tuned on", [r for r in rows if r["kind"] == "synthetic" and r["tuned"]])
    summary("stereo file mixed to mono", [r for r in rows if r["kind"] == "other"])
    for label in ("prev", "new"):  # both by CPU time: on a loaded machine the clock says little
        cpu = sorted(r["cpu_ratio"][label] for r in rows)
        total = sum(r[label + "_cpu"] for r in rows) / sum(transcripts[str(r["path"])].get("cpu", 0) or 1e-9
                                                           for r in rows)
        print(f"{label.upper()} speakers' CPU time / transcription's CPU time: median {cpu[len(cpu) // 2]:.2f}, "
              f"max {cpu[-1]:.2f}, all recordings together {total:.2f} (the stage runs on one thread, the "
              f"transcription on {os.cpu_count()}: on free cores its share of the time is up to "
              f"{os.cpu_count()}x this)")
    before = sorted(r["prev_ratio"] for r in rows)
    print(f"PREV speakers / transcription time: median {before[len(before) // 2]:.2f}, max {before[-1]:.2f}")
    ratios = sorted(r["ratio"] for r in rows)
    print(f"NEW speakers / transcription time: median {ratios[len(ratios) // 2]:.2f}, max {ratios[-1]:.2f} "
          f"(aim <= 0.3)")

    recognition([r for r in rows if r["kind"] == "ami"], [0.85], "old", (0.0,))  # as before issue 30
    recognition([r for r in rows if r["kind"] == "ami"], [0.65], "prev")  # issue 30 round 3
    recognition([r for r in rows if r["kind"] == "ami"], args.match)

    for minutes in args.memory_minutes:
        long_file = joined(minutes, work / f"joined_{minutes:g}min.wav")
        done = subprocess.run([sys.executable, "-c", MEMORY, str(REPO), str(long_file)],
                              capture_output=True, text=True, check=True)
        sp = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"NEW engine on {minutes:g} min: {sp['seconds']:.0f} s ({minutes * 60 / sp['seconds']:.0f}x real "
              f"time), peak {sp['peak_mb']:.0f} MB, {sp['speakers']} speaker(s)")
        long_file.unlink()


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    main()
