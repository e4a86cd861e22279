"""Earmark against faster-whisper called directly, side by side in one run.

    python bench/bench_transcribe.py [--repeat 3] [--files jfk.flac meeting1_product_sync.mp3 ...]

Same model (bundled tiny.en), same settings (beam 5, VAD filter, int8, all cores).
Prints, per file and for the set, medians of --repeat runs taken alternately:
  warm: `earmark transcribe` joining a running stack whose model is loaded,
        against a direct call on a model already loaded;
  cold: `earmark transcribe` with nothing running (start the stack, load the model,
        transcribe; timed to the transcript file, and to the command's exit),
        against a fresh process that imports faster-whisper, loads and transcribes;
and the time from queueing a task to its start on an idle worker.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_FILES = ["jfk.flac", "meeting1_product_sync.mp3", "meeting2_incident_review.mp3",
                 "meeting3_budget_planning.mp3", "meeting4_customer_research.mp3"]
DIRECT_COLD = """
import sys
from faster_whisper import WhisperModel
from workers.engines.speech_models import bundled_model_path
import os
model = WhisperModel(str(bundled_model_path()), device="cpu", compute_type="int8", cpu_threads=os.cpu_count())
segments, info = model.transcribe(sys.argv[1], beam_size=5, vad_filter=True)
text = " ".join(s.text for s in segments)
"""


def earmark(data_dir: Path, *args) -> list[str]:
    return [sys.executable, "-m", "app", "--data-dir", str(data_dir), *map(str, args)]


def timed_run(cmd: list[str], watch: Path | None = None) -> tuple[float, float]:
    """Wall time of a command, and of the moment *watch* appeared (or the exit)."""
    if watch and watch.exists():
        watch.unlink()
    seen = {}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=REPO)
    stop = threading.Event()

    def look():
        while not stop.wait(0.005):
            if watch and "t" not in seen and watch.exists():
                seen["t"] = time.perf_counter() - start

    watcher = threading.Thread(target=look, daemon=True)
    watcher.start()
    _, err = proc.communicate()
    total = time.perf_counter() - start
    stop.set()
    if proc.returncode:
        raise SystemExit(f"{cmd} failed: {err}")
    return total, seen.get("t", total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--files", nargs="+", default=DEFAULT_FILES)
    args = parser.parse_args()

    from faster_whisper import WhisperModel
    from faster_whisper.audio import decode_audio

    from app.jobs.stack import Stack
    from app.paths import DataDir
    from app.settings import Settings
    from app.store import jobstore as js
    from app.store.jobstore import JobStore
    from workers.engines.speech_models import bundled_model_path

    files = [CORPUS / f for f in args.files]
    durations = {f.name: len(decode_audio(str(f))) / 16000 for f in files}
    print(f"# Earmark vs direct faster-whisper — {os.cpu_count()} cores, tiny.en int8, beam 5, "
          f"median of {args.repeat}", flush=True)

    # --- warm ------------------------------------------------------------------
    model = WhisperModel(str(bundled_model_path()), device="cpu", compute_type="int8", cpu_threads=os.cpu_count())
    warm_dir = Path(tempfile.mkdtemp(prefix="em-bench-"))
    data = DataDir.resolve(warm_dir)
    stack = Stack(data, Settings(data.settings), roles=("transcribe", "index")).open(wait_workers=True)
    out = warm_dir / "out"
    try:
        timed_run(earmark(warm_dir, "transcribe", CORPUS / "jfk.flac", "--out", out, "--force"))  # load the model
        direct_warm = {f.name: [] for f in files}
        earmark_warm = {f.name: [] for f in files}
        for _ in range(args.repeat):
            for f in files:
                t = time.perf_counter()
                segments, _info = model.transcribe(str(f), beam_size=5, vad_filter=True)
                " ".join(s.text for s in segments)
                direct_warm[f.name].append(time.perf_counter() - t)
                total, _ = timed_run(earmark(warm_dir, "transcribe", f, "--out", out, "--force"))
                earmark_warm[f.name].append(total)
        store = JobStore(data.database)
        waits = []
        for job in store.jobs(limit=1000):
            stage = store.stage(job["id"], "transcribe")
            if stage["state"] == js.DONE and stage["started_at"] and stage["queued_at"]:
                waits.append((stage["started_at"] - stage["queued_at"]) * 1000)
    finally:
        stack.close()
    del model

    # --- cold ------------------------------------------------------------------
    direct_cold = {f.name: [] for f in files}
    earmark_cold = {f.name: [] for f in files}
    earmark_cold_exit = {f.name: [] for f in files}
    for _ in range(args.repeat):
        for f in files:
            total, _ = timed_run([sys.executable, "-c", DIRECT_COLD, str(f)])
            direct_cold[f.name].append(total)
            with tempfile.TemporaryDirectory(prefix="em-cold-") as cold_dir:
                target = Path(cold_dir) / "out" / f"{f.stem}.txt"
                total, first = timed_run(earmark(cold_dir, "transcribe", f, "--out", Path(cold_dir) / "out"),
                                         watch=target)
                earmark_cold[f.name].append(first)
                earmark_cold_exit[f.name].append(total)

    med = statistics.median
    print()
    print(f"{'file':<32}{'audio s':>8} | {'direct':>7}{'earmark':>8}{'ratio':>7} | "
          f"{'direct':>7}{'earmark':>8}{'ratio':>7}{'exit':>7}")
    print(f"{'':<32}{'':>8} | {'warm s':>7}{'warm s':>8}{'':>7} | {'cold s':>7}{'cold s':>8}{'':>7}{'s':>7}")
    sums = [0.0] * 5
    for f in files:
        n = f.name
        row = [med(direct_warm[n]), med(earmark_warm[n]), med(direct_cold[n]), med(earmark_cold[n]),
               med(earmark_cold_exit[n])]
        sums = [a + b for a, b in zip(sums, row)]
        print(f"{n:<32}{durations[n]:>8.1f} | {row[0]:>7.2f}{row[1]:>8.2f}{row[1] / row[0]:>7.2f} | "
              f"{row[2]:>7.2f}{row[3]:>8.2f}{row[3] / row[2]:>7.2f}{row[4]:>7.2f}")
    total_audio = sum(durations.values())
    print(f"{'set':<32}{total_audio:>8.1f} | {sums[0]:>7.2f}{sums[1]:>8.2f}{sums[1] / sums[0]:>7.2f} | "
          f"{sums[2]:>7.2f}{sums[3]:>8.2f}{sums[3] / sums[2]:>7.2f}{sums[4]:>7.2f}")
    long_files = [f.name for f in files if durations[f.name] >= 60]
    if long_files:
        dw = sum(med(direct_warm[n]) for n in long_files)
        ew = sum(med(earmark_warm[n]) for n in long_files)
        print(f"{'files of a minute or more':<32}{'':>8} | {dw:>7.2f}{ew:>8.2f}{ew / dw:>7.2f} |")
    print()
    print(f"queue to task start, idle worker with its model loaded: p50 {med(waits):.1f} ms, "
          f"max {max(waits):.1f} ms over {len(waits)} tasks")
    print(f"real-time factor (warm, earmark, set): {total_audio / sums[1]:.1f}x")


if __name__ == "__main__":
    main()
