"""The window's stack against one whose transcription has both cores, the summary model idle.

    python bench/bench_window_threads.py [--repeat 2]

On 2 cores the window's stack (what ``earmark serve`` runs: transcribe, nlp, index, beat)
gives transcription one thread and keeps the other for the summary model
(``thread_budgets``), even while no summary runs. This times ``earmark transcribe`` of
the corpus meetings joined three times over (17 min) joined to a warm ``earmark serve``,
against the same command joined to a warm transcribe + index stack (two threads),
alternately, with the WER of each. What a summary running beside the transcription costs
each way is not measured here (bench_summary.py measures the window's budget).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def last_text(folder: Path) -> str:
    db = sqlite3.connect(folder / "earmark.db")
    try:
        return db.execute("SELECT t.text FROM transcripts t JOIN jobs j ON j.id = t.job_id "
                          "ORDER BY j.created_at DESC LIMIT 1").fetchone()[0]
    finally:
        db.close()


def main() -> None:
    from app.jobs.stack import Stack
    from app.paths import DataDir
    from app.runtime.supervisor import ALL_ROLES, thread_budgets
    from app.settings import Settings
    from bench.bench_long import earmark_command
    from tests.helpers import CORPUS, wer
    from tests.long_audio import long_file, long_reference

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    two = ("transcribe", "index")
    print(f"# threads: window {thread_budgets(ALL_ROLES)}, other {thread_budgets(two)}; {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at the start", flush=True)
    with tempfile.TemporaryDirectory(prefix="em-threads-") as folder:
        folder = Path(folder)
        path, reference = long_file(folder / "meetings.wav", rounds=3), long_reference(rounds=3)
        window_dir, two_dir = folder / "window", folder / "two"
        window_dir.mkdir()
        two_dir.mkdir()
        serve = subprocess.Popen([sys.executable, "-m", "app", "--data-dir", str(window_dir), "serve"], cwd=REPO,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        data = DataDir.resolve(two_dir)
        stack = None
        try:
            while "ready" not in (line := serve.stdout.readline()):
                if not line:
                    raise SystemExit("earmark serve ended before it was ready")
            stack = Stack(data, Settings(data.settings), roles=two).open(wait_workers=True)
            trees = {"window's stack (1 thread)": window_dir, "transcribe + index (2 threads)": two_dir}
            for each in trees.values():  # each worker loads its model
                earmark_command(each, CORPUS / "jfk.flac", folder / "out")
            seconds = {name: [] for name in trees}
            for run in range(args.repeat):
                for name in (list(trees) if run % 2 == 0 else list(trees)[::-1]):
                    took, _ = earmark_command(trees[name], path, folder / "out")
                    seconds[name].append(took)
                    print(f"  {name:<32}{took:6.1f} s  WER {wer(reference, last_text(trees[name])):.3f}  "
                          f"load {os.getloadavg()[0]:.1f}", flush=True)
        finally:
            serve.terminate()
            serve.wait(60)
            if stack is not None:
                stack.close()
    one, both = (statistics.median(v) for v in seconds.values())
    print(f"medians: window's stack {one:.1f} s, two threads {both:.1f} s ({one / both:.2f}×)")


if __name__ == "__main__":
    main()
