"""Issue 30 round 10: the speaker count that any pipeline built on segmentation-3.0's local speakers could reach.

    python bench/bench_speaker_ceiling.py --work DIR [--unseen DIR] [--float]

The recordings are bench_speakers.py's (``material``: the --unseen folder, AMI trn01-09, the stereo
file mixed to mono, the synthetic casts; DIR as there, its meetings reused). Earmark's speaker engine
(voices.py, as the stage runs it) and pyannote 3.1 both build their speakers out of the segmentation
model's *local speakers* (up to three per 10 s chunk): a voice the model never hears as a local
speaker of its own cannot become a speaker of its own by any clustering of them.

The rule: a reference person is *reachable* when some local speaker of some chunk is mostly theirs.
Per chunk, the local speakers are matched one to one to the reference people (the best match, as
the model was trained and as voices.error_parts maps speakers) by the frames they share: frames where
that local speaker talks alone (the only one active in the chunk) and the person talks. A person is
reachable when their local speaker has at least REACH_SECONDS (0.5 s) of such frames and they are
more than half of its alone frames. Frames are the model's (17 ms; a frame's time is its centre).
The *ceiling* of a recording is the number of reachable people; its count is *within reach* when
every person is reachable (with one person: when the model hears any speech at all, as no telling
apart is asked).

The 0.5 s and "more than half" were chosen before any figure was taken, with the person talking
*alone* in the reference ("strict" below). That first reading showed why it is too strict to be a
ceiling: AMI's references mark long turns under others' (trn09's FEE083 talks 2-30 s, over MEE094,
whose voice the model does give a local speaker of its own); so the frames where the person talks
at all are matched, one to one, and "strict" is kept beside it.

Columns, per recording and in total (held out first, as bench_speakers):
  ref        people in the reference
  1 s        reachable, chunks every 1 s (pyannote 3.1's step: the most the model is asked)
  5 s        reachable, chunks every voices.SEG_STEP s (what Earmark's engine reads)
  strict     as 1 s, counting only frames where the person talks alone in the reference
  1 s alone  as 1 s with CLEAN_SECONDS (1 s) instead of 0.5 s (the evidence Earmark's
             cannot-link, ``voices._apart``, needs)
  Earmark    speakers Earmark finds (auto count) and how many reference people they are
             (tests/voices_audio.who_is: the person in at least half of a speaker's time; under
             AMI's long overlapping turns it names few)
  never      the people no local speaker is mostly of (1 s step), with their speech in seconds
--float runs the segmentation model as converted (float) instead of the shipped int8 one, for
both the ceiling and Earmark's engine (CAM++ stays int8).

The ceiling bounds a count *with every person heard as their own*. A count can still come out
right without that (a speaker that is a mixture, or one voice split in two beside one missed):
Earmark's right count on trn09 is such a case (three speakers, one of them mostly one person).
A pipeline that splits a local speaker's speech into pieces (Earmark prints two long stretches
apart when they sound like two people) could in principle find a person who is a minority of a
local speaker; the table says where Earmark's speakers name someone the ceiling does not reach.
"""

from __future__ import annotations

import argparse
import sys
from itertools import permutations
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import bench_speakers as bs

from workers.engines import segmentation as sg
from workers.engines import voices

REACH_SECONDS = 0.5
PYANNOTE_STEP = 1.0  # pyannote 3.1's segmentation step: 10 % of its 10 s chunk


def local_activity(path: Path, step: float) -> tuple[np.ndarray, np.ndarray]:
    """(chunks, FRAMES, LOCAL_SPEAKERS) bool and the chunks' starts, as voices._segment_and_print reads them."""
    chunks = list(sg.chunks(voices.blocks(str(path)), step))
    return sg.segmenter().activity(np.stack([c.audio for c in chunks])), np.array([c.start for c in chunks])


def reachable(activity: np.ndarray, starts: np.ndarray, reference: list[tuple[float, float, str]],
              least: float = REACH_SECONDS, overlap: bool = True) -> set[str]:
    """The reference people some local speaker of some chunk is mostly of (the module's rule): per chunk,
    the local speakers and the people matched one to one as best they share frames (the local speaker
    alone; the person talking, or with *overlap* False talking alone), as the model was trained to match."""
    people = sorted({who for *_, who in reference})
    frame = sg.FRAME_STEP / voices.SAMPLE_RATE
    centre = sg.frame_time(np.arange(sg.FRAMES) + 0.5)
    found = set()
    for a, start in zip(activity, starts):
        t = start + centre
        talks = np.zeros((sg.FRAMES, len(people) + a.shape[1]), bool)  # a column of no one for each local speaker
        for s, e, who in reference:
            talks[(t >= s) & (t < e), people.index(who)] = True
        if not overlap:
            talks &= talks.sum(axis=1, keepdims=True) == 1
        alone = a & (a.sum(axis=1, keepdims=True) == 1)
        shared = (alone.T.astype(np.float32) @ talks.astype(np.float32)) * frame  # (local speakers, people)
        best = max(permutations(range(talks.shape[1]), a.shape[1]),
                   key=lambda p: shared[np.arange(a.shape[1]), list(p)].sum())
        for k, who in enumerate(best):
            if who < len(people) and shared[k, who] >= least and shared[k, who] > alone[:, k].sum() * frame / 2:
                found.add(people[who])
    return found


def within_reach(row: dict, key: str) -> bool:
    """Every person reachable; one person asks no telling apart, only that the model hears them at all."""
    return row[key] == row["ref"] or (row["ref"] == 1 and row["heard"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--unseen", type=Path)
    ap.add_argument("--float", action="store_true", help="the segmentation model as converted, not the int8 one")
    args = ap.parse_args()
    if args.float:
        model = sg.Segmenter(sg.FLOAT_WEIGHTS)
        sg.segmenter = lambda: model  # voices._segment_and_print looks it up at each call
    args.work.mkdir(parents=True, exist_ok=True)
    items = sorted(bs.material(args.work, args.unseen),
                   key=lambda i: (i["kind"] != "unseen", i["kind"] != "ami", i["tuned"], i["name"]))
    print(f"bench_speaker_ceiling: segmentation-3.0 {'float' if args.float else 'int8 (shipped)'}; reachable: a local "
          f"speaker matched to the person has >= {REACH_SECONDS} s alone that are theirs, more than half its alone time")
    columns = {"1 s": "fine", "5 s": "coarse", "strict": "strict", "1 s alone": "clean"}
    print(f"{'recording':16} {'part':4} {'ref':>3} " + " ".join(f"{c:>{max(len(c), 4)}}" for c in columns)
          + f" {'Earmark':>12}  never a local speaker of their own (1 s step; their speech in s)")
    rows = []
    for item in items:
        reference = item["reference"]
        people = {who for *_, who in reference}
        fine = local_activity(item["path"], PYANNOTE_STEP)
        reach = reachable(*fine, reference)
        earmark = voices.diarize(str(item["path"]))
        named = {who for who in bs.identities(earmark, reference).values() if who}
        row = {"item": item, "ref": len(people), "fine": len(reach), "heard": bool(fine[0].any()),
               "coarse": len(reachable(*local_activity(item["path"], voices.SEG_STEP), reference)),
               "strict": len(reachable(*fine, reference, overlap=False)),
               "clean": len(reachable(*fine, reference, voices.CLEAN_SECONDS)),
               "found": len(earmark.prints), "named": len(named & people)}
        rows.append(row)
        speech = {who: sum(e - s for s, e, w in reference if w == who) for who in people}
        never = ", ".join(f"{who} {speech[who]:.1f}" for who in sorted(people - reach, key=speech.get))
        more = "  (Earmark finds one of them)" if named - reach else ""
        part = "tune" if item["tuned"] else "new" if item["kind"] == "unseen" else "held"
        print(f"{item['name']:16} {part:4} {row['ref']:3} "
              + " ".join(f"{row[key]:>{max(len(c), 4)}}" for c, key in columns.items())
              + f" {row['found']:5} ({row['named']} ppl)  {never or '-'}{more}")

    def line(title: str, chosen: list[dict]) -> None:
        n = len(chosen)
        print(f"  {title:24} " + ", ".join(f"{c} {sum(within_reach(r, key) for r in chosen)}/{n}"
                                           for c, key in columns.items())
              + f"; Earmark {sum(r['found'] == r['ref'] for r in chosen)}/{n}. People reachable (1 s) "
              f"{sum(r['fine'] for r in chosen)} of {sum(r['ref'] for r in chosen)}, Earmark's speakers are "
              f"{sum(r['named'] for r in chosen)} of them")

    print("\nrecordings whose count is within reach (every person reachable), and Earmark's right counts:")
    part = {"AMI held out (trn06-09)": ("ami", False), "AMI tuned on (trn01-05)": ("ami", True),
            "AMI all nine (aim: 6)": ("ami", None), "synthetic held out": ("synthetic", False),
            "synthetic tuned on": ("synthetic", True)}
    for title, (kind, tuned) in part.items():
        chosen = [r for r in rows if r["item"]["kind"] == kind and tuned in (None, r["item"]["tuned"])]
        if chosen:
            line(title, chosen)
    line("never seen / stereo", [r for r in rows if r["item"]["kind"] in ("unseen", "other")])

if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    main()
