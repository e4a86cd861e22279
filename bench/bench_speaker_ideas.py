"""Ideas for the speaker engine that were measured and not kept, beside the engine as it is.

    python bench/bench_speaker_ideas.py --work DIR

DIR is a ``bench_speakers.py --work DIR`` folder (its recordings and transcripts are
reused; missing ones are made the same way). Each idea is scored like bench_speakers
(``voices.error_parts``), held-out part first: AMI trn06-09, then the tuning part trn01-05,
the synthetic meetings and the stereo mix. An idea is kept only if it helps the tuning
part (that is the rule; the held-out figures show whether it would have carried over).

  speech found     missed / false alarm of the speech regions alone (one label), AMI;
                   "overlap" is the share of reference speech that is a second voice at
                   once, which one label per moment misses whatever the detector
  auto count       the engine's agglomerative stop (SAME_SPEAKER) against an eigengap
                   count (normalised Laplacian of the p-pruned affinity of the prints)
  short runs       prints of runs under MIN_WINDOW_SECONDS from their own audio (at least
                   0.8 s, not a 1.6 s window around them), allowed to open a speaker when
                   below a similarity to every speaker found
  overlap          a second speaker marked where a print is nearly as close to another
                   speaker's centre as to its own (margin below a value), or both voices
                   for a moment either side of each change of speaker
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # quality only; bench_speakers measures the time

import bench_speakers as bs  # noqa: E402  (its recordings, transcripts and parts)
voices = bs.baseline_engine(bs.PREVIOUS, "voices_round3")  # the ideas were tried on round 3's window engine
from workers.engines.chunks import speech_regions  # noqa: E402


def frame_db(audio: np.ndarray) -> np.ndarray:
    n = len(audio) // 160
    return 10 * np.log10(np.mean(audio[:n * 160].reshape(-1, 160) ** 2, axis=1) + 1e-12)


def speech_masks(audio: np.ndarray, segments: list[dict]) -> dict[str, np.ndarray]:
    """Speech per 10 ms frame by each detector (all closed over pauses as the engine does)."""
    frames = len(audio) // 160 + 1
    words = voices._mask_of(voices.speech_of(segments), 0.0, frames)
    silero = {th: voices._mask_of(speech_regions(audio, 150, th), 0, frames) for th in (0.5, 0.2, 0.1)}
    out = {"Silero 0.5 (before issue 30)": silero[0.5],
           "Silero 0.2 + words (round 1)": silero[0.2] | words,
           "Silero 0.1 + words": silero[0.1] | words}
    db = np.convolve(frame_db(audio), np.ones(5) / 5, mode="same")
    floor = np.percentile(db, 10)  # the file's own noise floor
    for above in (9, 15):
        loud = np.zeros(frames, bool)
        loud[:len(db)] = db > floor + above
        out[f"round 1 | energy > floor + {above} dB"] = out["Silero 0.2 + words (round 1)"] | voices._close(loud, 20)
    loose = voices._mask_of(speech_regions(audio, 150, 0.1), 0, frames)
    for above in (15, 25):
        loud = np.zeros(frames, bool)
        loud[:len(db)] = db > floor + above
        out[f"round 1 | (Silero 0.1 & energy > floor + {above})"] = (out["Silero 0.2 + words (round 1)"]
                                                                   | (loose & voices._close(loud, 20)))
    gain = 10 ** ((-20 - np.percentile(frame_db(audio), 99)) / 20)  # loudest frames to -20 dBFS first
    quiet_raised = np.clip(audio * gain, -1, 1)
    out["Silero 0.2 on audio raised + words"] = voices._mask_of(speech_regions(quiet_raised, 150, 0.2), 0,
                                                                frames) | words
    return {k: voices._close(m, voices.PAUSE_FRAMES) for k, m in out.items()}


def eigengap_count(points: np.ndarray, p: float) -> int:
    n = len(points)
    if n < 4:
        return 1
    affinity = points @ points.T
    keep = max(2, int(round(p * n)))
    pruned = np.zeros_like(affinity)
    for i in range(n):
        top = np.argsort(affinity[i])[-keep:]
        pruned[i, top] = affinity[i, top]
    pruned = np.maximum((pruned + pruned.T) / 2, 0)
    degree = pruned.sum(axis=1)
    laplacian = np.eye(n) - pruned / np.sqrt(np.outer(degree, degree) + 1e-12)
    values = np.sort(np.linalg.eigvalsh(laplacian))[:min(voices.MAX_SPEAKERS, n - 1) + 1]
    return int(np.argmax(np.diff(values))) + 1


def centres(embeddings: np.ndarray, labels: np.ndarray) -> np.ndarray:
    return np.stack([voices.voice_print(embeddings[labels == j]) for j in range(labels.max() + 1)])


class Ideas:
    def __init__(self, items: list[dict], transcripts: dict):
        self.items, self.transcripts = items, transcripts
        self.found = {str(i["path"]): voices.take_prints(
            str(i["path"]), speech_regions=voices.speech_of(transcripts[str(i["path"])]["segments"]))
            for i in items}
        self.own_prints: dict[str, dict[int, np.ndarray]] = {}

    def engine(self, path: str, count: voices.SpeakerCount = voices.SpeakerCount()):
        found = self.found[path]
        labels = voices.cluster(voices.in_context(found), count, weak=found.weak)
        return found, labels, []

    def eigengap(self, path: str, p: float, at_least_engine: bool):
        found, labels, _ = self.engine(path)
        strong = ~found.weak if (~found.weak).any() else np.ones(len(labels), bool)
        count = eigengap_count(voices.in_context(found)[strong], p)
        if at_least_engine:
            count = max(count, labels.max() + 1 if len(labels) else 1)
        return self.engine(path, voices.SpeakerCount(count, count))

    def short_runs(self, path: str, opens_below: float):
        found, labels, _ = self.engine(path)
        own = self._own_prints(path)
        if not own or not len(labels):
            return found, labels, []
        strong = ~found.weak
        known = list(centres(found.embeddings[strong], labels[strong]) if strong.any()
                     else centres(found.embeddings, labels))
        labels = labels.copy()
        for i, vector in sorted(own.items()):
            alike = np.array([vector @ c for c in known])
            if alike.max() < opens_below:
                known.append(vector)
                labels[i] = len(known) - 1
            else:
                labels[i] = int(np.argmax(alike))
        return found, voices._renumber(labels), []

    def _own_prints(self, path: str) -> dict[int, np.ndarray]:
        if path not in self.own_prints:
            found = self.found[path]
            audio = np.concatenate([a for _, a in voices.blocks(path)])
            gain = 10 ** (voices.TARGET_DBFS / 20) / max(
                voices._level(audio, voices._mask_of(found.speech, 0, len(audio) // 160 + 1)), 1e-4)
            enc, out = voices.encoder(), {}
            for i in np.flatnonzero(found.weak):
                s, e = next((s, e) for s, e in found.speech if s - 0.01 <= found.times[i] <= e + 0.01)
                length, middle = max(e - s, 0.8), (s + e) / 2
                piece = audio[max(int((middle - length / 2) * 16000), 0):int((middle + length / 2) * 16000)] * gain
                enc.FRAMES = len(piece) // 160 - 1  # the encoder's LSTM takes any length; its framing is fixed
                try:
                    out[int(i)] = enc.embed(piece[None, :], normalise=False)[0]
                finally:
                    del enc.FRAMES
            self.own_prints[path] = out
        return self.own_prints[path]

    def overlap(self, path: str, margin: float):
        found, labels, _ = self.engine(path)
        if not len(labels) or labels.max() < 1:
            return found, labels, []
        smoothed = voices.smooth(labels)
        alike = found.embeddings @ centres(found.embeddings, labels).T
        extra = []
        for i in np.flatnonzero(~found.weak):
            own = smoothed[i]
            other = int(np.argmax(np.where(np.arange(alike.shape[1]) == own, -9.0, alike[i])))
            if alike[i, own] - alike[i, other] < margin:
                t = found.times[i]
                lo = (found.times[i - 1] + t) / 2 if i > 0 else t - 0.5
                hi = (found.times[i + 1] + t) / 2 if i + 1 < len(labels) else t + 0.5
                extra += [voices.Turn(max(s, lo), min(e, hi), other) for s, e in found.speech if min(e, hi) > max(s, lo)]
        return found, labels, extra

    def change_overlap(self, path: str, reach: float):
        found, labels, _ = self.engine(path)
        said = voices.turns(found, labels)
        extra = []
        for a, b in zip(said[:-1], said[1:]):
            if a.speaker != b.speaker and b.start - a.end < 0.3:  # both voices for *reach* s either side
                extra += [voices.Turn(b.start, min(b.start + reach, b.end), a.speaker),
                          voices.Turn(max(a.end - reach, a.start), a.end, b.speaker)]
        return found, labels, extra

    def score(self, title: str, method) -> None:
        rows = []
        for item in self.items:
            found, labels, extra = method(str(item["path"]))
            hyp = [(t.start, t.end, str(t.speaker)) for t in voices.turns(found, labels) + extra]
            wanted = len({who for *_, who in item["reference"]})
            got = len(np.unique(labels))
            rows.append((item, voices.error_parts(item["reference"], hyp)["der"], got == wanted))

        def part(kind: str, tuned: bool) -> str:
            chosen = [(d, right) for i, d, right in rows if i["kind"] == kind and i["tuned"] == tuned]
            if not chosen:
                return "      -     "
            return f"{np.mean([d for d, _ in chosen]):.3f} {sum(r for _, r in chosen)}/{len(chosen)}"

        print(f"{title:44} {part('ami', False):>10} {part('ami', True):>10} {part('synthetic', False):>10} "
              f"{part('synthetic', True):>10} {part('other', False):>10}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, required=True, help="a bench_speakers.py --work folder")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    items = bs.material(args.work)
    cache = args.work / "transcripts.json"
    transcripts = json.loads(cache.read_text()) if cache.is_file() else {}
    missing = [str(i["path"]) for i in items if str(i["path"]) not in transcripts]
    if missing:
        out = args.work / "new_transcripts.json"
        subprocess.run([sys.executable, "-c", bs.TRANSCRIBE, str(REPO), str(out), *missing], check=True)
        transcripts.update(json.loads(out.read_text()))
        cache.write_text(json.dumps(transcripts))

    print("speech found (AMI; missed / false alarm of reference speech, one label; mean of the part)")
    print(f"{'detector':44} {'held trn06-09':>16} {'tune trn01-05':>16}")
    ami = [i for i in items if i["kind"] == "ami"]
    parts: dict[str, list] = {}
    for item in ami:
        audio = np.concatenate([a for _, a in voices.blocks(str(item["path"]))])
        for name, mask in speech_masks(audio, transcripts[str(item["path"])]["segments"]).items():
            hyp = [(s, e, "x") for s, e in voices._regions(mask, 0, 0)]
            found = voices.error_parts(item["reference"], hyp)
            parts.setdefault(name, []).append((item["tuned"], found["missed"] / found["speech"],
                                               found["false_alarm"] / found["speech"]))
    for name, rows in parts.items():
        cells = [f"{np.mean([m for t, m, _ in rows if t == tuned]):.2f} / {np.mean([f for t, _, f in rows if t == tuned]):5.2f}"
                 for tuned in (False, True)]
        print(f"{name:44} {cells[0]:>16} {cells[1]:>16}")
    for tuned in (False, True):
        share = np.mean([bs.overlap_share(i["reference"]) for i in ami if i["tuned"] == tuned])
        print(f"{'  overlap (second voice at once), ' + ('tune' if tuned else 'held'):44} {share:16.2f}")

    ideas = Ideas(items, transcripts)
    print()
    print("mean DER, count right (held-out part first)")
    print(f"{'variant':44} {'AMI held':>10} {'AMI tune':>10} {'syn held':>10} {'syn tune':>10} {'mono':>10}")
    ideas.score("engine (agglomerative, SAME_SPEAKER)", ideas.engine)
    for p in (0.25, 0.4):
        ideas.score(f"auto count by eigengap, p {p}", lambda path, p=p: ideas.eigengap(path, p, False))
        ideas.score(f"auto count max(eigengap p {p}, engine)", lambda path, p=p: ideas.eigengap(path, p, True))
    for below in (0.0, 0.7, 0.75):
        ideas.score(f"short runs' own prints, open a speaker < {below}",
                    lambda path, below=below: ideas.short_runs(path, below))
    for margin in (0.05, 0.1):
        ideas.score(f"overlap: second speaker at margin < {margin}",
                    lambda path, margin=margin: ideas.overlap(path, margin))
    for reach in (0.25, 0.5):
        ideas.score(f"overlap: both voices {reach} s at each change",
                    lambda path, reach=reach: ideas.change_overlap(path, reach))


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    main()
