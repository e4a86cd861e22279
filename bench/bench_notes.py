"""How good are the notes? Key-fact coverage, invented facts, repetition, length, time
and memory, for every summary engine side by side, on the corpus meetings transcribed
by the real tiny.en (and on the four joined, the long case).

    python bench/bench_notes.py [--gguf NAME=PATH ...]

Key facts (bench/key_facts.json) were written from the reference transcripts: a fact
is covered when each of its phrase groups is in the notes. An invented fact is a number,
day, clock time, link or name in the notes that the transcript does not hold
(workers/engines/grounding.py). Engines: ``grounded`` (the said sentences, no model),
``grounded+llm`` (a model condenses them, checked), ``llm`` (a model writes from the
transcript, piece by piece when it is long: what Earmark did before), each with the
bundled SmolLM2-135M and any GGUF given with --gguf.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.helpers import CORPUS  # noqa: E402
from workers.engines.grounding import source_index, unsupported  # noqa: E402

MEETINGS = ["meeting1_product_sync", "meeting2_incident_review", "meeting3_budget_planning",
            "meeting4_customer_research"]
FACTS = json.loads((REPO / "bench" / "key_facts.json").read_text())


def transcribe_all() -> dict[str, list[dict]]:
    from faster_whisper import WhisperModel

    from workers.engines.speech_models import bundled_model_path

    model = WhisperModel(str(bundled_model_path()), device="cpu", compute_type="int8")
    out, offset, joined = {}, 0.0, []
    for name in MEETINGS:
        segments = [{"start": s.start, "end": s.end, "text": s.text.strip()}
                    for s in model.transcribe(str(CORPUS / f"{name}.mp3"), beam_size=5)[0]]
        out[name] = segments
        joined += [dict(s, start=s["start"] + offset, end=s["end"] + offset) for s in segments]
        offset = joined[-1]["end"] + 2.0
    out["all four joined"] = joined
    return out


def facts_for(name: str) -> list[dict]:
    if name in FACTS:
        return FACTS[name]
    return [f for m in MEETINGS for f in FACTS[m]]


def score(notes: str, segments: list[dict], name: str) -> dict:
    body = "\n".join(line for line in notes.splitlines() if not line.startswith("#"))
    low = body.lower()
    facts = facts_for(name)
    covered = sum(all(any(p in low for p in group) for group in f["all"]) for f in facts)
    index = source_index(" ".join(s["text"] for s in segments))
    invented = [v for line in body.splitlines() if line.strip() for v in unsupported(line, index)]
    words = low.split()
    grams = [" ".join(words[i:i + 4]) for i in range(max(0, len(words) - 3))]
    repetition = 1 - len(set(grams)) / len(grams) if grams else 0.0
    return {"coverage": covered / len(facts), "invented": invented, "repetition": repetition, "words": len(words)}


def run(engine_name: str, model, segments: list[dict]) -> tuple[str, float]:
    from app.templates import text_of
    from workers.engines.llm import GroundedSummarizer, Summarizer, Template

    template = Template.parse(text_of(REPO, "meeting_minutes"))
    started = time.perf_counter()
    if engine_name == "llm":
        result = Summarizer(model, template).summarize(segments)
    else:
        result = GroundedSummarizer(template, model if engine_name == "grounded+llm" else None).summarize(segments)
    return result["markdown"], time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gguf", action="append", default=[], metavar="NAME=PATH")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--show", action="store_true", help="print the notes too")
    parser.add_argument("--engines", default="grounded,grounded+llm,llm")
    args = parser.parse_args()
    from workers.engines.llm import LLMEngine

    transcripts = transcribe_all()
    models = {"SmolLM2-135M": "bundled", **dict(g.split("=", 1) for g in args.gguf)}
    wanted = args.engines.split(",")
    rows = [("grounded", "-", None)] if "grounded" in wanted else []
    for label, path in models.items() if set(wanted) - {"grounded"} else ():
        engine = LLMEngine.get(path, 2048, args.threads)
        rows += [(name, label, engine) for name in ("grounded+llm", "llm") if name in wanted]
    print(f"# Notes quality: meeting_minutes template, tiny.en transcripts, {args.threads} threads")
    print(f"{'engine':<13} {'model':<14} {'meeting':<27} {'coverage':>8} {'invented':>8} {'repeat':>6} "
          f"{'words':>5} {'time s':>6}")
    totals: dict[tuple, dict] = {}
    for engine_name, label, engine in rows:
        if engine is not None:
            LLMEngine._cache = {(engine.path, engine.n_ctx, engine.threads): engine}
        for name, segments in transcripts.items():
            notes, seconds = run(engine_name, engine, segments)
            s = score(notes, segments, name)
            key = (engine_name, label)
            t = totals.setdefault(key, {"covered": 0.0, "n": 0, "invented": 0, "time": 0.0})
            if name in MEETINGS:
                t["covered"] += s["coverage"]
                t["n"] += 1
                t["invented"] += len(s["invented"])
                t["time"] += seconds
            print(f"{engine_name:<13} {label:<14} {name:<27} {s['coverage']:>8.0%} {len(s['invented']):>8} "
                  f"{s['repetition']:>6.2f} {s['words']:>5} {seconds:>6.1f}"
                  + (f"   invented: {', '.join(s['invented'][:6])}" if s["invented"] else ""), flush=True)
            if args.show:
                print(notes)
                low = notes.lower()
                print("missed:", [f["fact"] for f in facts_for(name)
                                  if not all(any(p in low for p in g) for g in f["all"])])
    print("\n# the four meetings, mean coverage and invented facts in all")
    for (engine_name, label), t in totals.items():
        print(f"{engine_name:<13} {label:<14} coverage {t['covered'] / t['n']:.0%}  invented {t['invented']}  "
              f"time {t['time']:.1f} s")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
