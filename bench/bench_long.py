"""A long recording through Earmark against faster-whisper called directly, side by side in one run.

    python bench/bench_long.py [--rounds 3] [--repeat 2] [--file F --reference R.txt] [--skip-summary]
                               [--before /path/to/old/tree]

The file: the four corpus meetings joined, --rounds times over (3: 17 min, long enough to go in
chunks with the default settings: 15 minutes and more, in chunks of about 5), or any --file with
its reference transcript. Same model (bundled tiny.en, int8, beam 5, all cores). Each round of
--repeat runs, in turn:
  direct batched      a fresh process: import, load the model, decode, BatchedInferencePipeline
                      (batch 8, its own VAD) to the last segment: what a script would cost
  Earmark cold        `earmark transcribe FILE` with nothing running, to the command's exit
                      (start the stack, plan, every chunk, join, index, stop the stack)
  Earmark cold, before   with --before, the same from an older tree (a checkout or `git archive`)
  Earmark warm        the same command joining a running stack whose model is loaded
  direct batched, loaded   the pipeline on a model loaded before the clock starts (decode, VAD, infer)
and once, for the accuracy it buys: direct sequential (fresh process, WhisperModel.transcribe with
the VAD filter). Prints medians, the ratios to the direct batched call of the same kind (cold to
cold, warm to loaded), WER of each, and where Earmark's seconds went (from the job store's task
events and the tasks' own timings). Then the CPU budget: transcription and a summary alone and
side by side (bench_summary.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DIRECT = """
import json, os, sys, time
started = time.perf_counter()
from faster_whisper import BatchedInferencePipeline, WhisperModel
from faster_whisper.audio import decode_audio
from workers.engines.speech_models import bundled_model_path
imported = time.perf_counter()
model = WhisperModel(str(bundled_model_path()), device="cpu", compute_type="int8", cpu_threads=os.cpu_count())
loaded = time.perf_counter()
audio = decode_audio(sys.argv[1])
decoded = time.perf_counter()
if sys.argv[2] == "batched":
    segments, _ = BatchedInferencePipeline(model).transcribe(audio, beam_size=5, batch_size=8)
else:
    segments, _ = model.transcribe(audio, beam_size=5, vad_filter=True)
text = " ".join(s.text.strip() for s in segments)
done = time.perf_counter()
print(json.dumps({"import": imported - started, "load": loaded - imported, "decode": decoded - loaded,
                  "transcribe": done - decoded, "text": text}))
"""


def direct_fresh(path: Path, mode: str) -> dict:
    """A fresh process, timed from its start to its exit."""
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", DIRECT, str(path), mode], capture_output=True, text=True, cwd=REPO,
                         check=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    data["seconds"] = time.perf_counter() - t
    return data


def earmark_command(data_dir: Path, path: Path, out: Path, tree: Path = REPO) -> tuple[float, float]:
    """``earmark transcribe`` (of *tree*) to its exit: (wall seconds, its start on the epoch clock)."""
    started_at, t = time.time(), time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data_dir), "transcribe", str(path),
                           "--out", str(out), "--force"], capture_output=True, text=True, cwd=tree,
                          env=dict(os.environ, PYTHONPATH=str(tree)))
    if proc.returncode:
        raise SystemExit(f"earmark transcribe failed: {proc.stderr[-2000:]}")
    return time.perf_counter() - t, started_at


def where_it_went(data_dir: Path, started_at: float, seconds: float) -> dict:
    """The last job's timeline from the store: seconds from the command's start to the plan,
    the plan (decode, speech), each chunk (audio, model, transcribe, coverage), the hand-offs,
    the index and the rest, summing to the command's wall time."""
    db = sqlite3.connect(data_dir / "earmark.db")
    job_id = db.execute("SELECT id FROM jobs ORDER BY created_at DESC LIMIT 1").fetchone()[0]
    events = db.execute("SELECT task_id, stage, kind, at, detail FROM task_events WHERE job_id = ? ORDER BY at",
                        (job_id,)).fetchall()
    chunk_rows = db.execute("SELECT idx, result FROM chunks WHERE job_id = ? ORDER BY idx", (job_id,)).fetchall()
    text = db.execute("SELECT text FROM transcripts WHERE job_id = ?", (job_id,)).fetchone()[0]
    db.close()
    span: dict[str, dict] = {}
    for task_id, stage, kind, at, detail in events:
        detail = json.loads(detail or "{}")
        name = f"chunk {detail['chunk']}" if "chunk" in detail else ("plan" if stage == "transcribe" else stage)
        span.setdefault(name, {}).setdefault(kind, at)
    end = started_at + seconds
    parts, last = {}, started_at
    order = ["plan"] + sorted((n for n in span if n.startswith("chunk ")), key=lambda n: int(n.split()[1]))
    order += [n for n in span if n not in order]
    for name in order:
        s = span[name]
        begin, finish = s.get("started"), s.get("succeeded")
        if begin is None or finish is None:
            continue
        parts[f"before {name}" if last == started_at else f"hand-off to {name}"] = begin - last
        parts[name] = finish - begin
        last = finish
    parts["after (join, command exit)"] = end - last
    inside = {f"chunk {idx}": json.loads(result).get("timings") or {} for idx, result in chunk_rows}
    return {"parts": parts, "inside": inside, "text": text, "chunks": len(chunk_rows)}


def plan_timings(data_dir: Path) -> str:
    """The plan task's own split (decode, speech), from the transcribe worker's log."""
    log = data_dir / "logs" / "worker-transcribe.log"
    lines = [line for line in log.read_text(errors="replace").splitlines() if "speech found in" in line]
    return lines[-1].split("(", 1)[-1].rstrip(")") if lines else ""


def main() -> None:
    from app.jobs.stack import Stack
    from app.paths import DataDir
    from app.settings import Settings
    from tests.helpers import CORPUS, wer
    from tests.long_audio import long_file, long_reference

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="the joined meetings this many times over")
    parser.add_argument("--file", type=Path, help="another long recording (needs --reference)")
    parser.add_argument("--reference", type=Path, help="its reference transcript")
    parser.add_argument("--repeat", type=int, default=2, help="medians of this many runs")
    parser.add_argument("--no-sequential", action="store_true", help="skip the direct sequential run (slow)")
    parser.add_argument("--skip-summary", action="store_true")
    parser.add_argument("--before", type=Path, help="an older tree: its cold command too, in each round")
    args = parser.parse_args()
    med = statistics.median

    with tempfile.TemporaryDirectory(prefix="em-long-") as folder:
        folder = Path(folder)
        if args.file:
            path, reference = args.file, args.reference.read_text(encoding="utf-8")
        else:
            path = long_file(folder / "meetings.wav", rounds=args.rounds)
            reference = long_reference(rounds=args.rounds)
        from faster_whisper.audio import decode_audio

        duration = len(decode_audio(str(path))) / 16000
        print(f"# Long file: {path.name}, {duration / 60:.1f} min; tiny.en int8 beam 5, {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f} at the start; medians of {args.repeat}", flush=True)

        warm_dir = folder / "warm"
        warm_dir.mkdir()
        warm_data = DataDir.resolve(warm_dir)
        stack = Stack(warm_data, Settings(warm_data.settings), roles=("transcribe", "index")).open(wait_workers=True)
        rows: dict[str, list] = {"direct batched": [], "Earmark cold": [], "Earmark warm": [],
                                 "direct batched, loaded": []}
        if args.before:
            rows["Earmark cold, before"] = []
        cold_detail, warm_detail = [], []
        try:
            earmark_command(warm_dir, CORPUS / "jfk.flac", folder / "out")  # the warm stack loads its model
            from faster_whisper import BatchedInferencePipeline, WhisperModel

            from workers.engines.speech_models import bundled_model_path

            loaded = WhisperModel(str(bundled_model_path()), device="cpu", compute_type="int8",
                                  cpu_threads=os.cpu_count())
            pipeline = BatchedInferencePipeline(loaded)
            for run in range(args.repeat):
                d = direct_fresh(path, "batched")
                rows["direct batched"].append((d["seconds"], d["text"]))
                cold_dir = folder / f"cold{run}"
                seconds, at = earmark_command(cold_dir, path, folder / "out")
                detail = where_it_went(cold_dir, at, seconds)
                detail["plan split"] = plan_timings(cold_dir)
                cold_detail.append(detail)
                rows["Earmark cold"].append((seconds, detail["text"]))
                if args.before:
                    before_dir = folder / f"before{run}"
                    seconds, at = earmark_command(before_dir, path, folder / "out", args.before.resolve())
                    rows["Earmark cold, before"].append((seconds, where_it_went(before_dir, at, seconds)["text"]))
                seconds, at = earmark_command(warm_dir, path, folder / "out")
                detail = where_it_went(warm_dir, at, seconds)
                detail["plan split"] = plan_timings(warm_dir)
                warm_detail.append(detail)
                rows["Earmark warm"].append((seconds, detail["text"]))
                t = time.perf_counter()
                segments, _ = pipeline.transcribe(decode_audio(str(path)), beam_size=5, batch_size=8)
                text = " ".join(s.text.strip() for s in segments)
                rows["direct batched, loaded"].append((time.perf_counter() - t, text))
                print(f"  run {run + 1}: " + ", ".join(f"{k} {v[-1][0]:.1f} s" for k, v in rows.items()), flush=True)
            del pipeline, loaded
        finally:
            stack.close()
        if not args.no_sequential:
            d = direct_fresh(path, "sequential")
            rows["direct sequential"] = [(d["seconds"], d["text"])]

    print(f"\n{'':<26}{'wall s':>8}{'x real':>8}{'WER':>7}{'vs direct batched':>19}")
    base = {"Earmark cold": "direct batched", "Earmark warm": "direct batched, loaded",
            "direct sequential": "direct batched", "Earmark cold, before": "direct batched"}
    for name, runs in rows.items():
        seconds = med(s for s, _ in runs)
        ratio = ""
        if name in base:
            ratio = f"{seconds / med(s for s, _ in rows[base[name]]):.2f}× ({base[name]})"
        print(f"{name:<26}{seconds:>8.1f}{duration / seconds:>8.1f}{wer(reference, runs[-1][1]):>7.3f}  {ratio}")
    fresh = med(s for s, _ in rows["direct batched"])
    print(f"Earmark warm / direct batched (fresh process): {med(s for s, _ in rows['Earmark warm']) / fresh:.2f}×")
    for cold in ("Earmark cold", "Earmark cold, before"):
        if rows.get(cold):
            print(f"each run's ratio, {cold.lower().removeprefix('earmark ')} / fresh direct: "
                  + ", ".join(f"{c[0] / d[0]:.2f}" for c, d in zip(rows[cold], rows["direct batched"])))
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    for label, details in (("cold", cold_detail), ("warm", warm_detail)):
        detail = details[-1]
        print(f"\nWhere Earmark {label}'s seconds went (last run, {detail['chunks']} chunks; plan: "
              f"{detail['plan split']}):")
        for name, seconds in detail["parts"].items():
            inside = detail["inside"].get(name)
            split = (" (" + ", ".join(f"{k} {v:.1f}" for k, v in inside.items()) + ")") if inside else ""
            print(f"  {name:<28}{seconds:>7.2f}{split}")
    if not args.skip_summary:
        print()
        from bench.bench_summary import main as summary_bench

        summary_bench()


if __name__ == "__main__":
    main()
