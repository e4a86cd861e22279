"""Issue 30 round 10: the speaker count that any pipeline built on segmentation-3.0's local speakers could reach.

    python bench/bench_speaker_ceiling.py --work DIR [--unseen DIR] [--float]

The recordings are bench_speakers.py's (``material``: the --unseen folder, AMI trn01-09, the stereo
file mixed to mono, the synthetic casts; DIR as there, its meetings reused). Earmark's speaker engine
(voices.py, as the stage runs it) and pyannote 3.1 both build their speakers out of the segmentation
model's *local speakers* (up to three per 10 s chunk): a voice the model never hears as a local
speaker of its own cannot become a speaker of its own by any clustering of them.

The rule: a reference person is *reachable* when some local speaker of some chunk is mostly theirs.
Per chunk, the local speakers are matched one to one to the reference people (the best match, as
the model was trained and as voices.error_parts maps speakers) by the frames where both talk. A
person is reachable when their local speaker talks at least REACH_SECONDS (0.5 s) while they do,
and they talk in more than half of its frames. Frames are the model's (17 ms; a frame's time is its
centre). The *ceiling* of a recording is the number of reachable people; its count is *within
reach* when every person is reachable (with one person: when the model hears any speech at all, as
no telling apart is asked).

The 0.5 s and "more than half" were chosen before any figure was taken, first on the frames where
the local speaker talks alone *and* the person talks alone in the reference ("strict" below). Its
first reading showed that that is no ceiling, for two reasons, neither a matter of the figures:
AMI's references mark long turns under others' (trn09's FEE083 talks 2-30 s, over MEE094, whose
voice the model does give a local speaker of its own), and a voice heard only over another's still
gets a local speaker (the stereo file's "right" talks only under "left", and Earmark finds him:
a local speaker active at once with another is another person). So every frame counts, and the
stricter readings stay beside it.

Columns, per recording and in total (held out first, as bench_speakers):
  ref        people in the reference
  1 s        reachable, chunks every 1 s (pyannote 3.1's step: the most the model is asked)
  5 s        reachable, chunks every voices.SEG_STEP s (what Earmark's engine reads)
  alone      as 1 s, the local speaker's frames where it talks alone only (what a print of
             clean speech is made of)
  strict     as alone, the person talking alone in the reference too (the first rule)
  Earmark    speakers Earmark finds (auto count) and how many reference people they are, by the
             same rule over the whole recording (its speakers matched one to one to the people)
  never      the people no local speaker is mostly of (1 s step), with their speech in seconds
--float runs the segmentation model as converted (float) instead of the shipped int8 one, for
both the ceiling and Earmark's engine (CAM++ stays int8).

The ceiling bounds a count *with every person heard as their own*. A count can still come out
right without that (a speaker that is a mixture, or one voice split in two beside one missed).
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


def talking(reference: list[tuple[float, float, str]], people: list[str], times: np.ndarray) -> np.ndarray:
    """(len(times), people) bool: who talks at each time, by the reference."""
    talks = np.zeros((len(times), len(people)), bool)
    for s, e, who in reference:
        talks[(times >= s) & (times < e), people.index(who)] = True
    return talks


def matched(active: np.ndarray, talks: np.ndarray, frame: float, least: float = REACH_SECONDS) -> set[int]:
    """The people (columns of *talks*) that some speaker (column of *active*) is mostly of: the two
    matched one to one as best they share frames (as voices.error_parts maps speakers), the person in at
    least *least* seconds of the speaker's frames and in more than half of them."""
    shared = (active.T.astype(np.float32) @ talks.astype(np.float32)) * frame
    size = max(shared.shape)
    square = np.zeros((size, size), np.float32)
    square[:shared.shape[0], :shared.shape[1]] = shared
    best = max(permutations(range(size)), key=lambda p: square[np.arange(size), list(p)].sum(), default=())
    return {int(who) for k, who in enumerate(best[:active.shape[1]]) if who < talks.shape[1]
            and shared[k, who] >= least and shared[k, who] > active[:, k].sum() * frame / 2}


def reachable(activity: np.ndarray, starts: np.ndarray, reference: list[tuple[float, float, str]],
              least: float = REACH_SECONDS, reading: str = "any") -> set[str]:
    """The reference people some local speaker of some chunk is mostly of (the module's rule), reading the
    local speaker's frames where it talks ("any"), where it talks alone ("alone"), or where it talks alone
    and so does the person in the reference ("strict")."""
    people = sorted({who for *_, who in reference})
    frame = sg.FRAME_STEP / voices.SAMPLE_RATE
    centre = sg.frame_time(np.arange(sg.FRAMES) + 0.5)
    found: set[int] = set()
    for a, start in zip(activity, starts):
        talks = talking(reference, people, start + centre)
        if reading != "any":
            a = a & (a.sum(axis=1, keepdims=True) == 1)
        if reading == "strict":
            talks &= talks.sum(axis=1, keepdims=True) == 1
        found |= matched(a, talks, frame, least)
    return {people[i] for i in found}


def found_by(turns: list, reference: list[tuple[float, float, str]], step: float = 0.01) -> set[str]:
    """The reference people Earmark's speakers are, by the same rule over the whole recording (10 ms frames)."""
    people = sorted({who for *_, who in reference})
    speakers = sorted({t.speaker for t in turns})
    times = np.arange(0.0, max([e for _, e, _ in reference] + [t.end for t in turns]), step) + step / 2
    active = talking([(t.start, t.end, t.speaker) for t in turns], speakers, times)
    return {people[i] for i in matched(active, talking(reference, people, times), step)}


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
    print(f"bench_speaker_ceiling: segmentation-3.0 {'float' if args.float else 'int8 (shipped)'}; reachable: in some chunk "
          f"the local speaker matched to the person talks >= {REACH_SECONDS} s while they do, more than half its time")
    columns = {"1 s": "fine", "5 s": "coarse", "alone": "alone", "strict": "strict"}
    print(f"{'recording':16} {'part':4} {'ref':>3} " + " ".join(f"{c:>{max(len(c), 4)}}" for c in columns)
          + f" {'Earmark':>12}  never a local speaker of their own (1 s step; their speech in s)")
    rows = []
    for item in items:
        reference = item["reference"]
        people = {who for *_, who in reference}
        fine = local_activity(item["path"], PYANNOTE_STEP)
        reach = reachable(*fine, reference)
        earmark = voices.diarize(str(item["path"]))
        named = found_by(earmark.turns, reference)
        row = {"item": item, "ref": len(people), "fine": len(reach), "heard": bool(fine[0].any()),
               "coarse": len(reachable(*local_activity(item["path"], voices.SEG_STEP), reference)),
               "alone": len(reachable(*fine, reference, reading="alone")),
               "strict": len(reachable(*fine, reference, reading="strict")),
               "found": len(earmark.prints), "named": len(named)}
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
