"""Issue 30 round 11: does a second voice encoder's opinion help? CAM++ fused with the GE2E print that ships.

    python bench/bench_speaker_fusion.py --work DIR [--unseen DIR]

The recordings are bench_speakers.py's (``material``; DIR as there, its meetings reused). For each, the
engine's chunks and prints (``voices._segment_and_print``: segmentation-3.0, CAM++ int8) are taken once,
and beside every CAM++ print a GE2E print (Resemblyzer's encoder, ``voice/ge2e.npz``) of the same speech:
the same frames (``_speech_to_print``, the stretch printed), its middle PRINT_SECONDS (``_middle``), in
1.6 s windows every 0.8 s, averaged. Then the engine's own steps (``voices._speakers_of``) run on:

  CAM++    the prints as the stage uses them (what ``voices.diarize`` gives)
  fused    each print CAM++ and GE2E side by side, weighted so that the dot product of two is
           W * CAM++ cosine + (1 - W) * calibrated GE2E cosine (W = 0.5, where the calibrated
           score told the tuning part's pairs apart best); every threshold (SAME_SPEAKER,
           SMALL_JOINS_ABOVE) taken on that calibrated score
  second   GE2E asked only where CAM++ is undecided: a merge of the clustering whose average
           CAM++ similarity is within BAND (0.1) of SAME_SPEAKER is made when the mean of the
           CAM++ and the calibrated GE2E averages is at least SAME_SPEAKER, else those two
           groups stay apart (either way round: GE2E may also join what CAM++ would not)

Calibration: GE2E's cosines are high for everyone (different people 0.47-0.57 on the tuning part,
CAM++ 0.01-0.35), so a GE2E cosine g counts as a * g + b, the line that takes GE2E's mean over
pairs of one person's prints to CAM++'s and its mean over pairs of two people's to CAM++'s. The
pairs are those of the tuning part only (AMI trn01-05, tune_three, tune_four), between prints of
which one reference person speaks in 80 % or more of the frames. The variants, W and BAND were
fixed on the tuning part before the held-out part was run once (round 11: docs/benchmarks.md).

Printed: per recording (held out first) DER and speakers found / in the reference for the three,
the part means, and the CPU time of the GE2E prints against the engine's whole stage (segmentation
and CAM++), as the cost a fused engine would add.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

W = 0.5  # the CAM++ share of the fused score
BAND = 0.1  # "undecided": a merge this close to SAME_SPEAKER
PURE = 0.8  # a print counts for the calibration when one person speaks in this share of its frames
STEP_SECONDS = 0.8  # GE2E windows every this many seconds (half its 1.6 s window)


def ge2e_print(samples: np.ndarray) -> np.ndarray:
    from workers.engines import voices
    from workers.media import SAMPLE_RATE

    size, hop = int(voices.WINDOW_SECONDS * SAMPLE_RATE), int(STEP_SECONDS * SAMPLE_RATE)
    if len(samples) <= size:
        windows = np.pad(samples, (0, size - len(samples)))[None]
    else:
        starts = list(range(0, len(samples) - size + 1, hop))
        starts += [len(samples) - size] if starts[-1] + size < len(samples) else []
        windows = np.stack([samples[s:s + size] for s in starts])
    return voices.voice_print(voices.ge2e_encoder().embed(windows))


def prints_of(path: str) -> dict:
    """The engine's chunks and CAM++ prints of a recording, a GE2E print beside each, and both CPU times."""
    from workers.engines import segmentation as sg
    from workers.engines import voices

    started = time.process_time()
    local, prints, owners, weak, starts = voices._segment_and_print(path, None, None)
    engine_cpu = time.process_time() - started
    audio = {c.start: c.audio for c in sg.chunks(voices.blocks(path), voices.SEG_STEP)}
    started = time.process_time()
    ge2e = []
    for c, k, lo, hi in owners:
        a = np.unpackbits(local[c], axis=0, count=sg.FRAMES).astype(bool)
        use = voices._speech_to_print(a[:, k], a.sum(axis=1) == 1)
        piece = np.zeros_like(use)
        piece[lo:hi] = use[lo:hi]
        ge2e.append(ge2e_print(voices._middle(audio[starts[c]][sg.sample_mask(piece)])))
    return {"local": local, "prints": prints, "owners": owners, "weak": weak, "starts": starts,
            "ge2e": np.asarray(ge2e, np.float32).reshape(-1, 256), "engine_cpu": engine_cpu,
            "ge2e_cpu": time.process_time() - started}


def person_of(item: dict, row) -> str | None:
    """The reference person of one print, if they speak in PURE of its frames or more."""
    from workers.engines import segmentation as sg
    from workers.media import SAMPLE_RATE

    c, k, lo, hi = row
    talk = np.unpackbits(item["local"][c], axis=0, count=sg.FRAMES).astype(bool)[lo:hi, k]
    times = item["starts"][c] + sg.frame_time(np.arange(lo, hi))[talk] + sg.FRAME_STEP / 2 / SAMPLE_RATE
    votes: dict[str, int] = {}
    for s, e, who in item["reference"]:
        votes[who] = votes.get(who, 0) + int(((times >= s) & (times < e)).sum())
    best = max(votes, key=votes.get, default=None)
    return best if best is not None and votes[best] >= PURE * max(talk.sum(), 1) else None


def calibration(items: list[dict]) -> tuple[float, float]:
    """a, b: a * GE2E cosine + b has CAM++'s means over same-person and two-person pairs (tuning part)."""
    same, apart = [], []
    for item in items:
        who = [person_of(item, row) for row in item["owners"]]
        for i in range(len(who)):
            for j in range(i + 1, len(who)):
                if who[i] and who[j]:
                    pair = (float(item["prints"][i] @ item["prints"][j]), float(item["ge2e"][i] @ item["ge2e"][j]))
                    (same if who[i] == who[j] else apart).append(pair)
    same_mean, apart_mean = np.mean(same, axis=0), np.mean(apart, axis=0)
    a = (same_mean[0] - apart_mean[0]) / (same_mean[1] - apart_mean[1])
    return float(a), float(same_mean[0] - a * same_mean[1])


def second_opinion(item: dict, a: float, b: float):
    """voices._agglomerate with GE2E asked about the merges within BAND of SAME_SPEAKER."""
    from workers.engines import voices

    table = {p.tobytes(): g for p, g in zip(item["prints"], item["ge2e"])}

    def agglomerate(points: np.ndarray, low: int, high: int) -> list[np.ndarray]:
        ge2e = np.stack([table[p.tobytes()] for p in points])
        sim = (points @ points.T).astype(np.float64)
        np.fill_diagonal(sim, -np.inf)
        members = {i: [i] for i in range(len(points))}
        while len(members) > low and np.isfinite(sim).any():
            i, j = np.unravel_index(np.argmax(sim), sim.shape)
            s = sim[i, j]
            if len(members) <= high:
                if s < voices.SAME_SPEAKER - BAND:
                    break
                if abs(s - voices.SAME_SPEAKER) <= BAND:
                    g = a * float((ge2e[members[i]] @ ge2e[members[j]].T).mean()) + b
                    if (s + g) / 2 < voices.SAME_SPEAKER:
                        sim[i, j] = sim[j, i] = -np.inf  # these two stay apart; the next pair is asked
                        continue
            voices._join_groups(sim, members, i, j)
        return [np.array(m) for m in members.values()]

    return agglomerate


def speakers(item: dict, variant: str, a: float, b: float) -> tuple[float, int]:
    """DER and speakers found of one variant, through the engine's own steps."""
    from workers.engines import voices

    if not len(item["prints"]):
        return 1.0, 0
    prints, saved = item["prints"], (voices.SAME_SPEAKER, voices.SMALL_JOINS_ABOVE, voices._agglomerate)
    if variant == "fused":
        scale = W + (1 - W) * a  # the fused vectors' squared length, brought to 1
        prints = (np.hstack([np.sqrt(W) * prints, np.sqrt((1 - W) * a) * item["ge2e"]]) / np.sqrt(scale))
        prints = prints.astype(np.float32)
        voices.SAME_SPEAKER, voices.SMALL_JOINS_ABOVE = ((t - (1 - W) * b) / scale for t in saved[:2])
    elif variant == "second":
        voices._agglomerate = second_opinion(item, a, b)
    try:
        activity, _ = voices._speakers_of(item["local"], prints, item["owners"], item["weak"], item["starts"],
                                          voices.SpeakerCount())
    finally:
        voices.SAME_SPEAKER, voices.SMALL_JOINS_ABOVE, voices._agglomerate = saved
    turns = voices._turns_of(activity)
    hyp = [(t.start, t.end, str(t.speaker)) for t in turns]
    return voices.error_parts(item["reference"], hyp)["der"] if hyp else 1.0, len({t.speaker for t in turns})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, required=True, help="bench_speakers' --work folder")
    parser.add_argument("--unseen", type=Path, help="bench_speakers' --unseen folder")
    args = parser.parse_args()
    import bench_speakers as bs
    from threadpoolctl import threadpool_limits

    items = bs.material(args.work, args.unseen)
    with threadpool_limits(limits=1, user_api="blas"):
        for item in items:
            item.update(prints_of(str(item["path"])))
    a, b = calibration([i for i in items if i["tuned"]])
    print(f"bench_speaker_fusion: calibrated GE2E = {a:.3f} * cosine {b:+.3f} (tuning part); W = {W}, BAND = {BAND}")
    variants = ("cam++", "fused", "second")
    print(f"{'recording':18} {'part':5} " + " ".join(f"{v:>14}" for v in variants))
    order = sorted(items, key=lambda i: (i["tuned"], i["kind"] != "unseen", i["kind"] != "ami", i["name"]))
    for item in order:
        item["wanted"] = len({who for *_, who in item["reference"]})
        item["found"] = {v: speakers(item, v, a, b) for v in variants}
        part = "tune" if item["tuned"] else "new" if item["kind"] == "unseen" else "held"
        print(f"{item['name']:18} {part:5} " + " ".join(
            f"{der:6.3f} {k}/{item['wanted']}{'*' if k != item['wanted'] else ' ':1}".rjust(14)
            for der, k in item["found"].values()))
    print()
    for title, chosen in (("AMI held out", [i for i in items if i["kind"] == "ami" and not i["tuned"]]),
                          ("synthetic held out", [i for i in items if i["kind"] == "synthetic" and not i["tuned"]]),
                          ("never seen + stereo", [i for i in items if i["kind"] in ("unseen", "other")]),
                          ("AMI tuning", [i for i in items if i["kind"] == "ami" and i["tuned"]]),
                          ("synthetic tuning", [i for i in items if i["kind"] == "synthetic" and i["tuned"]])):
        if chosen:
            print(f"{title:20} " + "  ".join(
                f"{v} {statistics.mean(i['found'][v][0] for i in chosen):.4f} "
                f"{sum(i['found'][v][1] == i['wanted'] for i in chosen)}/{len(chosen)}" for v in variants))
    engine, extra = sum(i["engine_cpu"] for i in items), sum(i["ge2e_cpu"] for i in items)
    print(f"CPU: the stage's segmentation + CAM++ {engine:.1f} s, GE2E prints of the same speech {extra:.1f} s "
          f"({extra / engine:.2f}x: what fusing every print adds)")


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    main()
