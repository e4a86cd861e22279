"""The local API's own overhead on jfk.flac, beside the command line joining the same
running stack. Real ``earmark serve --api``, real workers, tiny.en; nothing mocked.

    python bench/bench_api.py [--runs 3] [--jobs 10] [--seconds 10]

Each run is a new job (``--force`` for the CLI; a different ``prompt`` for the API, which
is a different option and so a new job). Printed per way in, as medians: the wall time
the client saw, the time the transcribe task ran in its worker (``stages``' started →
finished), and the rest: what that way in costs around the same work (the CLI's is
mostly starting Python and joining the stack; the API's the upload, intake and wait).
Then ``/status`` asked by one client as fast as it answers, idle and while ``--jobs``
jobs run: answers per second and p50/p99 latency.
"""

from __future__ import annotations

import argparse
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.helpers import CORPUS  # noqa: E402


def worker_seconds(db: Path, job_id: str) -> float:
    with sqlite3.connect(db) as con:
        started, finished = con.execute("SELECT started_at, finished_at FROM stages WHERE job_id=? AND "
                                        "name='transcribe'", (job_id,)).fetchone()
    return finished - started


def newest_job(db: Path) -> str:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT id FROM jobs ORDER BY created_at DESC LIMIT 1").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=10, help="jobs queued while /status is asked (0: skip)")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long /status is asked, each way")
    args = parser.parse_args()
    import httpx

    with tempfile.TemporaryDirectory(prefix="em-") as folder:
        data = Path(folder)
        db = data / "earmark.db"
        serve = subprocess.Popen([sys.executable, "-m", "app", "--data-dir", folder, "serve", "--api", "127.0.0.1:0"],
                                 stdout=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        url = None
        for line in serve.stdout:
            if line.startswith("The API listens on "):
                url = line.split()[4]
            if line.startswith("Earmark is ready"):
                break
        key = subprocess.run([sys.executable, "-m", "app", "--data-dir", folder, "api-key"], capture_output=True,
                             text=True).stdout.strip()
        rows = {"api": [], "cli": []}
        load = idle = None
        try:
            with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=600) as http:
                for run in range(args.runs + 1):  # the first of each warms the worker's model up, not counted
                    with open(CORPUS / "jfk.flac", "rb") as audio:
                        began = time.perf_counter()
                        answer = http.post("/v1/audio/transcriptions", files={"file": ("jfk.flac", audio)},
                                           data={"model": "whisper-1", "prompt": f"run {run}"})
                        wall = time.perf_counter() - began
                    answer.raise_for_status()
                    if run:
                        rows["api"].append((wall, worker_seconds(db, answer.headers["x-earmark-job-id"])))
                    began = time.perf_counter()
                    done = subprocess.run([sys.executable, "-m", "app", "--data-dir", folder, "transcribe",
                                           str(CORPUS / "jfk.flac"), "--force", "--out", str(data / "out")],
                                          capture_output=True, text=True)
                    wall = time.perf_counter() - began
                    assert done.returncode == 0, done.stderr
                    if run:
                        rows["cli"].append((wall, worker_seconds(db, newest_job(db))))
                if args.jobs:  # /status while jobs run, beside the same when idle
                    last = answer.headers["x-earmark-job-id"]
                    idle = status_latency(http, last, args.seconds)
                    for n in range(args.jobs):
                        with open(CORPUS / "jfk.flac", "rb") as audio:
                            http.post("/api/transcripts/upload", files={"file": ("jfk.flac", audio)},
                                      data={"force": "true"}).raise_for_status()
                    load = status_latency(http, last, args.seconds)
        finally:
            serve.send_signal(signal.SIGINT)
            serve.wait(60)
    print(f"{'way in':<8} {'wall s':>8} {'worker s':>9} {'overhead s':>11}   (medians of {args.runs}, jfk.flac, tiny.en)")
    for way, values in rows.items():
        wall = statistics.median(w for w, _ in values)
        work = statistics.median(k for _, k in values)
        over = statistics.median(w - k for w, k in values)
        print(f"{way:<8} {wall:>8.2f} {work:>9.2f} {over:>11.2f}")
    api = statistics.median(w - k for w, k in rows["api"])
    cli = statistics.median(w - k for w, k in rows["cli"])
    print(f"the API's overhead is {api / cli:.2f}× the CLI's ({api - cli:+.2f} s)")
    if load:
        print(f"/status while {args.jobs} jobs run: {load['n']} answers in {args.seconds:.0f} s "
              f"({load['n'] / args.seconds:.0f}/s, one client), p50 {load['p50'] * 1000:.1f} ms, "
              f"p99 {load['p99'] * 1000:.1f} ms; idle: p50 {idle['p50'] * 1000:.1f} ms, p99 {idle['p99'] * 1000:.1f} ms")


def status_latency(http, job_id: str, seconds: float) -> dict:
    """One client asking /status as fast as it is answered for *seconds*: count and percentiles."""
    took = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        began = time.perf_counter()
        http.get(f"/api/jobs/{job_id}/status").raise_for_status()
        took.append(time.perf_counter() - began)
    took.sort()
    return {"n": len(took), "p50": took[len(took) // 2], "p99": took[int(len(took) * 0.99)]}


if __name__ == "__main__":
    main()
