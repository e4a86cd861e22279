"""Long recordings: faster-whisper called directly against Earmark, side by side in one run.

    python bench/bench_long.py [--chunk-minutes 1.5]

On the four corpus meetings joined into one 342 s file, same model (bundled tiny.en,
int8, beam 5, all cores), each transcription with its model already loaded:
  direct sequential   WhisperModel.transcribe (VAD filter)
  direct batched      BatchedInferencePipeline, batch 8 (its 30-second windows as segments)
  Earmark one task    the queue, one task, batched with word-timed sentence segments
  Earmark chunked     the queue, the file cut at silences into --chunk-minutes chunks
                      (a real install chunks from 15 minutes, in 5-minute chunks)
Prints wall time, times real time, WER against the reference, median segment length
and peak memory (RSS of the process that transcribed), then the ratio of Earmark's
speed to the direct batched call. Then the CPU budget: transcription and a summary
alone and side by side (bench_summary.py).
"""

from __future__ import annotations

import argparse
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

DIRECT = """
import json, os, resource, sys, time
from faster_whisper import BatchedInferencePipeline, WhisperModel
from faster_whisper.audio import decode_audio
from workers.engines.speech_models import bundled_model_path
model = WhisperModel(str(bundled_model_path()), device="cpu", compute_type="int8", cpu_threads=os.cpu_count())
audio = decode_audio(sys.argv[1])
mode = sys.argv[2]
pipeline = BatchedInferencePipeline(model)
run = {"batched": lambda: pipeline.transcribe(audio, beam_size=5, batch_size=8),
       "batched+words": lambda: pipeline.transcribe(audio, beam_size=5, batch_size=8, word_timestamps=True),
       "sequential": lambda: model.transcribe(audio, beam_size=5, vad_filter=True)}[mode]
list(run()[0])  # warm
times = []
for _ in range(int(sys.argv[3])):
    t = time.perf_counter()
    segments = [(s.start, s.end, s.text) for s in run()[0]]
    times.append(time.perf_counter() - t)
print(json.dumps({"seconds": sorted(times)[len(times) // 2], "segments": segments,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def direct(path: Path, mode: str, repeat: int) -> dict:
    out = subprocess.run([sys.executable, "-c", DIRECT, str(path), mode, str(repeat)], capture_output=True, text=True,
                         cwd=REPO, check=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return {"seconds": data["seconds"], "text": " ".join(t for _, _, t in data["segments"]),
            "lengths": [e - s for s, e, _ in data["segments"]], "rss": data["rss"]}


def earmark(path: Path, corpus: Path, chunk_minutes: float | None, repeat: int) -> dict:
    from app.jobs.stack import Stack
    from app.paths import DataDir
    from app.settings import Settings
    from app.store import jobstore as js
    from tests.helpers import wait_until

    with tempfile.TemporaryDirectory(prefix="em-") as folder:
        data = DataDir.resolve(folder)
        settings = {"chunk_from_minutes": 2.0, "chunk_minutes": chunk_minutes} if chunk_minutes else {}
        Path(data.settings).write_text(json.dumps(settings))
        stack = Stack(data, Settings(data.settings), roles=("transcribe", "index")).open(wait_workers=True)
        try:
            options = Settings(data.settings).speech_options(summarize=False)
            warm = stack.service.intake(str(corpus / "jfk.flac"), options)  # load the model first
            wait_until(lambda: stack.store.job(warm.job_id)["state"] in js.FINAL, 120)
            runs = []
            for _ in range(repeat):
                t = time.perf_counter()
                intake = stack.service.intake(str(path), options, force=True)
                wait_until(lambda: stack.store.stage(intake.job_id, "transcribe")["state"] in js.FINAL, 1200,
                           interval=0.02)
                runs.append(time.perf_counter() - t)
            seconds = sorted(runs)[len(runs) // 2]
            transcript = stack.store.transcript(intake.job_id)
            chunks = stack.store.chunks(intake.job_id)
            results = [json.loads(c["result"]) for c in chunks] or [transcript]
            worker = sum(r.get("elapsed_seconds") or 0 for r in results)  # of the last run
            return {"seconds": seconds, "text": transcript["text"], "worker_seconds": worker,
                    "lengths": [s["end"] - s["start"] for s in transcript["segments"]],
                    "rss": max(r.get("peak_rss_mb") or 0 for r in results), "chunks": len(chunks)}
        finally:
            stack.close()


def main() -> None:
    from tests.helpers import CORPUS, wer
    from tests.long_audio import long_file, long_reference

    parser = argparse.ArgumentParser()
    parser.add_argument("--chunk-minutes", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=3, help="medians of this many runs")
    parser.add_argument("--skip-summary", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = long_file(Path(folder) / "meetings.wav")
        duration = 342.0
        n = args.repeat
        rows = [("direct sequential", direct(path, "sequential", n)), ("direct batched", direct(path, "batched", n)),
                ("direct batched, word times", direct(path, "batched+words", n)),
                ("Earmark one task", earmark(path, CORPUS, None, n)),
                ("Earmark chunked", earmark(path, CORPUS, args.chunk_minutes, n))]
    reference = long_reference()
    print(f"# Long file: 4 meetings joined ({duration:.0f} s), tiny.en int8 beam 5, {os.cpu_count()} cores, "
          f"medians of {args.repeat}")
    print(f"{'':<30}{'wall s':>8}{'x real':>8}{'WER':>7}{'median seg s':>14}{'peak MB':>9}")
    for name, r in rows:
        label = name + (f" ({r['chunks']}×{args.chunk_minutes:g} min)" if r.get("chunks") else "")
        print(f"{label:<30}{r['seconds']:>8.1f}{duration / r['seconds']:>8.1f}{wer(reference, r['text']):>7.3f}"
              f"{statistics.median(r['lengths']):>14.1f}{r['rss']:>9.0f}")
    batched = rows[1][1]["seconds"]
    for name, r in rows[3:]:
        print(f"{name}: speed / direct batched {batched / r['seconds']:.2f}; "
              f"{r['worker_seconds']:.1f} s of it in the worker's engine calls")
    if not args.skip_summary:
        print()
        from bench.bench_summary import main as summary_bench

        summary_bench()


if __name__ == "__main__":
    main()
