"""Where a live line's seconds go, without a sound server and independent of the load:
a corpus meeting replayed through ``LiveTranscriber`` on a virtual clock.

    python bench/live_replay.py [--files meeting2_incident_review,…] [--cores 1.5] [--old DIR] [--save DIR]

The sound arrives as it would in real time (blocks of 0.1 s); each pass starts at the
virtual moment it would start in ``app.live.session.Live.run`` and lasts its *CPU* seconds
(all of this process's threads, measured) divided by ``--cores`` (how many of the 2 cores
a pass keeps busy on a quiet machine). So a busy machine makes the figures slower to
get, not different: compare two codes' figures from one run (``--old DIR``: the
streaming module of another tree, e.g. ``git archive main``, replayed on the same files
in turn). ``bench/bench_live.py`` measures the real thing (real time, a sound server,
``earmark listen``); this says where the seconds went.

Per line's last word (its end T from a file transcription with word timings by the same
model, as bench_live): the wait for the first pass that has heard it (its start − T),
the passes after that until the one that made it final, and the line's time out
(end of that pass). Per pass: CPU seconds, buffer seconds.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_live import HELD_OUT, TRIED_ON, line_latencies, word_ends  # noqa: E402
from tests.helpers import CORPUS, reference, wer  # noqa: E402

BLOCK = 0.1  # the capture's block (app.live.recording.Capture)
IDLE = 0.05  # Live.run's wait when no pass is due


def streaming_module(tree: Path | None):
    if tree is None:
        from workers.engines import streaming
        return streaming
    spec = importlib.util.spec_from_file_location(f"streaming_{abs(hash(str(tree)))}",
                                                  tree / "workers" / "engines" / "streaming.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def replay(streaming, audio, options, cores: float) -> dict:
    """Lines with their virtual arrival, and each pass's (start, end, heard, cpu, buffer)."""
    from workers.media import SAMPLE_RATE

    live = streaming.LiveTranscriber(options)
    total = len(audio) / SAMPLE_RATE
    now, fed, lines, passes = 0.0, 0, [], []

    def feed_to(t):
        nonlocal fed
        upto = min(len(audio), int(int(t / BLOCK + 1e-9) * BLOCK * SAMPLE_RATE))
        if upto > fed:
            live.feed(audio[fed:upto])
            fed = upto

    def timed(call):
        nonlocal now
        buffer = len(live.buffer) / SAMPLE_RATE
        start, cpu0 = now, time.process_time()
        out = call()
        cpu = time.process_time() - cpu0
        now += cpu / cores
        passes.append((start, now, live.heard, cpu, buffer))
        lines.extend((now, line) for line in out)

    while fed < len(audio):
        feed_to(now)
        if live.ready():
            timed(live.step)
        else:
            now += IDLE
    timed(live.finish)
    return {"lines": lines, "passes": passes, "seconds": total, "skipped": getattr(live, "skipped", 0)}


def analyse(result: dict, timings, ref: str, file_text: str) -> dict:
    lines, passes = result["lines"], result["passes"]
    texts = [(at, line.text) for at, line in lines]
    ends = line_latencies(texts, timings)  # {line index: end of its last word}
    waits, extra, lat = [], [], []
    for i, end in ends.items():
        at = lines[i][0]
        lat.append(at - end)
        seen = next((k for k, p in enumerate(passes) if p[2] >= end), len(passes) - 1)
        made = next(k for k, p in enumerate(passes) if abs(p[1] - at) < 1e-9)
        waits.append(passes[seen][0] - end)
        extra.append(made - seen)
    cpu = [p[3] for p in passes]
    live = " ".join(line.text for _, line in lines)
    return {"lines": len(lines), "timed": len(lat), "median": statistics.median(lat),
            "p90": statistics.quantiles(lat, n=10)[-1], "wait": statistics.median(waits),
            "passes_after": statistics.mean(extra), "n_passes": len(passes),
            "cpu_pass": statistics.median(cpu), "cpu_p90": statistics.quantiles(cpu, n=10)[-1],
            "cpu_total": sum(cpu), "buffer": statistics.median(p[4] for p in passes),
            "skipped": result["skipped"], "wer_live": wer(ref, live), "wer_file": wer(ref, file_text), "busy": sum(cpu) / result["seconds"]}


def main() -> int:
    from workers.engines.speech import SpeechEngine, TranscribeOptions
    from workers.media import decode, probe

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="bundled")
    ap.add_argument("--files", default=",".join(HELD_OUT + TRIED_ON))
    ap.add_argument("--cores", type=float, default=1.5, help="cores a pass keeps busy on a quiet machine")
    ap.add_argument("--old", type=Path, help="another tree whose streaming module is replayed beside this one")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="a constant of this tree's streaming module, for this run (a Python literal)")
    ap.add_argument("--save", type=Path, help="keep each replay's lines (virtual arrival, start, text) here")
    args = ap.parse_args()
    import os
    load = os.getloadavg
    options = TranscribeOptions.from_dict({"model": args.model, "language": "en", "word_timestamps": True})
    import ast

    new = streaming_module(None)
    for setting in args.set:
        key, value = setting.split("=", 1)
        assert hasattr(new, key), key
        setattr(new, key, ast.literal_eval(value))
    codes = [("new", new)] + ([("old", streaming_module(args.old))] if args.old else [])
    rows = []
    for name in args.files.split(","):
        source = next(p for p in CORPUS.glob(f"{name}.*") if p.suffix != ".txt")
        info = probe(str(source))
        audio = decode(str(source), info)
        result = SpeechEngine.get(options).transcribe(info, options)
        timings = word_ends(result)
        for label, module in (codes if len(rows) % 2 == 0 else codes[::-1]):  # alternate who goes first
            load0 = load()[0]
            replayed = replay(module, audio, options, args.cores)
            row = {"code": label, "file": name, "load": (load0 + load()[0]) / 2,
                   **analyse(replayed, timings, reference(name), result["text"])}
            rows.append(row)
            print(f"{label:<4} {name:<28} lines {row['lines']:>3} (timed {row['timed']:>3})  latency median "
                  f"{row['median']:5.2f} s p90 {row['p90']:5.2f} s (wait for a pass {row['wait']:.2f} s, passes "
                  f"after it {row['passes_after']:.2f})  passes {row['n_passes']:>3} CPU-s/pass {row['cpu_pass']:.2f} "
                  f"(p90 {row['cpu_p90']:.2f}) skipped {row['skipped']} buffer {row['buffer']:4.1f} s busy {row['busy']:.2f}  "
                  f"WER live {row['wer_live']:.3f} file {row['wer_file']:.3f} ({row['wer_live'] - row['wer_file']:+.3f})"
                  f"  load {row['load']:.1f}", flush=True)
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / f"{label}-{name}.live.txt").write_text("".join(
                    f"{at:7.2f} {line.start:7.2f} {line.end:7.2f} {line.text}\n" for at, line in replayed["lines"]))
    for label, _ in codes:
        mine = [r for r in rows if r["code"] == label and r["file"] in HELD_OUT]
        if mine:
            print(f"{label} held out: latency median of medians {statistics.median(r['median'] for r in mine):.2f} s, "
                  f"worst p90 {max(r['p90'] for r in mine):.2f} s, WER live-file "
                  f"{statistics.mean(r['wer_live'] - r['wer_file'] for r in mine):+.3f} (worst "
                  f"{max(r['wer_live'] - r['wer_file'] for r in mine):+.3f}), CPU-s/pass "
                  f"{statistics.median(r['cpu_pass'] for r in mine):.2f}, CPU-s a second of sound "
                  f"{statistics.mean(r['busy'] for r in mine):.2f}, load {statistics.mean(r['load'] for r in mine):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
