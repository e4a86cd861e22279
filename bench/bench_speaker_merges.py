"""Issue 30 round 6: rules against one person split into several speakers, measured and not kept.

    python bench/bench_speaker_merges.py --work DIR [--held]

DIR is a ``bench_speakers.py --work DIR`` folder (its synthetic meetings are reused; missing
ones are made the same way). Scored like bench_speakers (``voices.error_parts``, auto count,
mean DER and how many recordings got the right count) on the tuning part: AMI trn01-05 and the
synthetic tune_three / tune_four. ``--held`` also scores the held-out part (AMI trn06-09, the
other synthetic meetings) for the engine and the rule the tuning part chose, held out first.
The rules, each beside the engine as it is (voices.py is not changed; they wrap its functions):

  apart T        after the small-speaker rule, two speakers who talk at once for under 0.5 s
                 in all and whose prints' centroids are at least T alike are one person
                 (most alike pair first, repeated)
  eigengap p     the auto count capped by an eigengap count (normalised Laplacian of the
                 p-pruned affinity of the strong prints)
  SAME_SPEAKER s the clustering's stop raised: the engine over-splits, as it does trn09,
                 and a rule that repairs one person split in pieces should undo it
"""

from __future__ import annotations

import argparse
import statistics
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import bench_speakers as bs
from bench_speaker_ideas import eigengap_count  # the round 2 idea, on today's prints

from workers.engines import segmentation as sg
from workers.engines import voices

TOGETHER_SECONDS = 0.5


def merge_apart(activity, prints, chosen, above: float):
    step = sg.FRAME_STEP / voices.SAMPLE_RATE
    while activity.shape[1] > 1:
        n = activity.shape[1]
        centroids = np.stack([voices.voice_print(prints[chosen == s]) if np.any(chosen == s)
                              else np.zeros(prints.shape[1]) for s in range(n)])
        sims = centroids @ centroids.T
        together = (activity.T.astype(np.float32) @ activity.astype(np.float32)) * step
        sims[(together >= TOGETHER_SECONDS) | np.eye(n, dtype=bool)] = -np.inf
        i, j = sorted(np.unravel_index(np.argmax(sims), sims.shape))
        if sims[i, j] < above:
            break
        activity, chosen = voices.join_speakers(activity, chosen, int(i), int(j))
    return activity, chosen


@contextmanager
def rule(apart: float | None = None, eigengap: float | None = None, same: float | None = None):
    small, cluster, stop = voices._merge_small, voices.cluster, voices.SAME_SPEAKER
    if apart is not None:
        def small_then_apart(activity, prints, chosen, pairs=None):
            activity, chosen = small(activity, prints, chosen, pairs)
            return merge_apart(activity, prints, chosen, apart)
        voices._merge_small = small_then_apart
    if eigengap is not None:
        def capped(emb, count=None, seed=0, weak=None):
            count = count or voices.SpeakerCount()
            labels = cluster(emb, count, seed, weak)
            if count.low is None and len(labels) >= 4:
                strong = ~weak if weak is not None and (~weak).any() else np.ones(len(emb), bool)
                k = eigengap_count(emb[strong].astype(np.float64), eigengap)
                if labels.max() + 1 > k:
                    return cluster(emb, voices.SpeakerCount(k, k), seed, weak)
            return labels
        voices.cluster = capped
    if same is not None:
        voices.SAME_SPEAKER = same
    try:
        yield
    finally:
        voices._merge_small, voices.cluster, voices.SAME_SPEAKER = small, cluster, stop


def score(items: list[dict]) -> tuple[dict, str]:
    per: dict[str, tuple[float, int, int]] = {}
    for item in items:
        found = voices.diarize(str(item["path"]))
        hyp = [(t.start, t.end, str(t.speaker)) for t in found.turns]
        wanted = len({w for *_, w in item["reference"]})
        per[item["name"]] = (voices.error_parts(item["reference"], hyp)["der"], len(found.prints), wanted)

    def mean(kind):
        rows = [v for k, v in per.items() if k.startswith("ami") == (kind == "ami")]
        return f"{statistics.mean(d for d, *_ in rows):.3f} {sum(f == w for _, f, w in rows)}/{len(rows)}" if rows else "-"
    return per, f"AMI {mean('ami'):10} synthetic {mean('syn')}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--held", action="store_true")
    args = ap.parse_args()
    items = [i for i in bs.material(args.work) if i["kind"] in ("ami", "synthetic")]
    tune = [i for i in items if i["tuned"]]
    held = [i for i in items if not i["tuned"]]
    chosen = 0.69
    if args.held:
        print("held out (AMI trn06-09; synthetic held out): mean DER, right count")
        for label, kw in (("engine", {}), (f"apart {chosen}", {"apart": chosen})):
            with rule(**kw):
                per, line = score(held)
            print(f"  {label:28} {line}   " + " ".join(f"{k} {d:.3f} {f}/{w}" for k, (d, f, w) in per.items()))
    print("tuning part (AMI trn01-05; tune_three, tune_four): mean DER, right count")
    for same in (None, 0.70, 0.74):
        prefix = "" if same is None else f"SAME_SPEAKER {same}, "
        for label, kw in (("engine", {}), *((f"apart {t}", {"apart": t}) for t in (0.6, 0.65, 0.68, 0.69, 0.7, 0.72)),
                          *((f"eigengap {p}", {"eigengap": p}) for p in (0.2, 0.3, 0.5))):
            with rule(same=same, **kw):
                _, line = score(tune)
            print(f"  {prefix + label:28} {line}")


if __name__ == "__main__":
    main()
