"""The command's fixed cost with Earmark running: `earmark transcribe` against the engine's
own time on a loaded model, side by side in one run.

    python bench/bench_thin.py [--repeat 7] [--file jfk.flac] [--before /path/to/old/tree]

Starts `earmark serve` on a data folder of its own (as a person runs it), transcribes the
file once through it so its worker has the model loaded, and loads the same model here
twice: with every core (as the direct call of bench_transcribe) and with the threads the
running stack gives its transcription worker (beside the LLM's worker it keeps a core
for, DESIGN.md's CPU budget). Then, alternately, --repeat times: faster-whisper on each
loaded model (in the mode Earmark's engine uses for the file), `earmark transcribe FILE
--force` (the thin command, through the running Earmark's command door), and with
--before the same command from an older tree (a checkout or `git archive`), which joins
the stack instead. Each command is timed to its exit; its own CPU time is the process's
(imports, talking to the stack), the stack's the CPU its processes spent meanwhile. From
the job store, each thin run's time is split: before the job was queued (the command's
start, the running Earmark's probe and hash), the wait for the worker, the worker's task,
and after it (the result stored, the transcript written, the command's exit); the fixed
cost is the command's time less its task's. Prints every run, the medians and the load.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpus"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its children so far (the running stack)."""
    import psutil

    total = 0.0
    try:
        root = psutil.Process(pid)
        for proc in [root, *root.children(recursive=True)]:
            try:
                t = proc.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
            except psutil.NoSuchProcess:
                continue
    except psutil.NoSuchProcess:
        pass
    return total


def command(tree: str, data_dir: Path, path: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "app", "--data-dir", str(data_dir), "transcribe", str(path), "--force",
            "--out", str(out)]


def timed(cmd: list[str], cwd: str, serve_pid: int) -> tuple[float, float, float]:
    """(wall s, the command's own CPU s, the stack's CPU s meanwhile)."""
    cpu0, stack0 = children_cpu(), tree_cpu(serve_pid)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{cmd} failed ({done.returncode}): {done.stderr}")
    return wall, children_cpu() - cpu0, tree_cpu(serve_pid) - stack0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--file", default="jfk.flac")
    parser.add_argument("--before", help="an older tree whose command joins the stack (e.g. git archive main)")
    args = parser.parse_args()

    from faster_whisper import WhisperModel
    from faster_whisper.audio import decode_audio

    from bench.bench_transcribe import batch_size_for, direct_call
    from workers.engines.speech_models import bundled_model_path

    path = CORPUS / args.file
    seconds = len(decode_audio(str(path))) / 16000
    mode = batch_size_for(seconds)
    load_start = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="em-thin-"))
    log = (work / "serve.out").open("w+")
    serve = subprocess.Popen([sys.executable, "-m", "app", "--data-dir", str(work), "serve"], cwd=REPO,
                             stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while "Earmark is ready" not in (work / "serve.out").read_text():
            if serve.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("earmark serve did not start:\n" + (work / "serve.out").read_text())
            time.sleep(0.2)
        trees = {"thin": str(REPO)}
        if args.before:
            trees["before"] = str(Path(args.before).resolve())
        for tree in trees.values():  # the worker loads its model; each tree's imports are cached
            timed(command(tree, work, path, work / "out"), tree, serve.pid)
        from app.runtime.supervisor import ALL_ROLES, thread_budgets

        threads = thread_budgets(ALL_ROLES)["transcribe"]
        models = {"engine": WhisperModel(str(bundled_model_path()), device="cpu", compute_type="int8",
                                         cpu_threads=os.cpu_count())}
        if threads != os.cpu_count():
            models["engine, worker's threads"] = WhisperModel(str(bundled_model_path()), device="cpu",
                                                              compute_type="int8", cpu_threads=threads)
        for model in models.values():
            direct_call(model, str(path), mode)
        runs: dict[str, list[tuple[float, float, float]]] = {**{name: [] for name in models},
                                                             **{name: [] for name in trees}}
        starts: list[tuple[float, float]] = []  # each thin run's (start, end), by the clock the store uses
        for i in range(args.repeat):
            for name, model in models.items():
                cpu0 = time.process_time()
                t = time.perf_counter()
                direct_call(model, str(path), mode)
                runs[name].append((time.perf_counter() - t, time.process_time() - cpu0, 0.0))
            for name, tree in trees.items():
                began = time.time()
                runs[name].append(timed(command(tree, work, path, work / "out"), tree, serve.pid))
                if name == "thin":
                    starts.append((began, time.time()))
            print(f"  run {i + 1}: " + ", ".join(f"{name} {r[-1][0]:.3f} s" for name, r in runs.items()), flush=True)
        phases = split(work, starts)
        status = {name: [] for name in trees}  # `earmark status`: asked through the door, or joined
        for _ in range(3):
            for name, tree in trees.items():
                status[name].append(timed([sys.executable, "-m", "app", "--data-dir", str(work), "status"], tree,
                                          serve.pid))
    finally:
        serve.terminate()
        serve.wait(120)
        log.close()
    med = statistics.median
    print(f"\n# {args.file} ({seconds:.1f} s of speech), tiny.en int8 beam 5, "
          f"{'batched' if mode else 'sequential'}; {os.cpu_count()} cores (the running stack's transcription "
          f"worker: {threads}); medians of {args.repeat}; load average {load_start:.2f} at the start, "
          f"{os.getloadavg()[0]:.2f} at the end")
    print(f"{'':<36}{'wall s':>8}{'own CPU s':>11}{'stack CPU s':>13}{'over engine':>13}")
    engine = med(r[0] for r in runs["engine"])
    labels = {"engine": "faster-whisper, loaded, every core", "engine, worker's threads":
              f"faster-whisper, loaded, {threads} thread(s)", "thin": "earmark transcribe (thin)",
              "before": "earmark transcribe (--before tree)"}
    for name, r in runs.items():
        wall = med(x[0] for x in r)
        extra = f"{wall - engine:>+12.3f}s" if name in trees else ""
        print(f"{labels[name]:<36}{wall:>8.3f}{med(x[1] for x in r):>11.3f}{med(x[2] for x in r):>13.3f}{extra}")
    for name in trees:
        print(f"{labels[name]} / engine (every core): {med(x[0] for x in runs[name]) / engine:.2f}×")
    for name, r in status.items():
        print(f"earmark status ({name}): wall {med(x[0] for x in r):.3f} s, own CPU {med(x[1] for x in r):.3f} s "
              "(median of 3)")
    print("\nthe thin command's time, split (medians, s):")
    for key in ("before the queue", "wait for the worker", "the worker's task", "after the task", "fixed cost"):
        print(f"  {key:<24}{med(p[key] for p in phases):>8.3f}   (each: "
              + ", ".join(f"{p[key]:.3f}" for p in phases) + ")")


def split(work: Path, runs: list[tuple[float, float]]) -> list[dict]:
    """Each thin run's seconds by phase, from its job's stage times in the store."""
    import sqlite3

    db = sqlite3.connect(work / "earmark.db")
    rows = db.execute("SELECT j.created_at, s.queued_at, s.started_at, s.finished_at FROM jobs j JOIN stages s"
                      " ON s.job_id = j.id AND s.name = 'transcribe' ORDER BY j.created_at").fetchall()
    db.close()
    phases = []
    for began, ended in runs:
        _created, queued, started, finished = next(r for r in rows if began <= r[0] <= ended)
        phases.append({"before the queue": queued - began, "wait for the worker": started - queued,
                       "the worker's task": finished - started, "after the task": ended - finished,
                       "fixed cost": (ended - began) - (finished - started)})
    return phases


if __name__ == "__main__":
    main()
