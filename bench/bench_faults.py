"""The crash matrix: kill each part of Earmark at several points of a batch of six files
and count what went wrong. Real CLI, broker, workers and tiny.en; nothing is mocked.

    python bench/bench_faults.py [--trials 5]

For each kind of kill (the transcribe pool process, the transcribe worker, the broker,
the app itself, and the whole process group) and each trial, a fresh data folder, six
different corpus files, and a SIGKILL once 0, 1, 2 … files are done. When the app
itself was killed, the same command is run again (what a person would do). Printed per
kind: files lost, transcriptions run again after they had succeeded, redundant jobs,
processes left behind, store integrity, and whether the final command's exit code and
output were right. All should be zero and right.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.helpers import CORPUS, processes_of  # noqa: E402

FILES = ["jfk.flac", "hotwords.mp3", "meeting1_product_sync.mp3", "meeting2_incident_review.mp3",
         "meeting3_budget_planning.mp3", "meeting4_customer_research.mp3"]
KINDS = ("pool process", "worker", "broker", "app", "whole group")


def command(data: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "app", "--data-dir", str(data), "transcribe",
            *(str(CORPUS / f) for f in FILES), "--out", str(out)]


def done_count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM stages WHERE name='transcribe' AND state='done'").fetchone()[0]
    except sqlite3.Error:
        return 0


def victim_pid(kind: str, data: Path, cli: subprocess.Popen) -> int | None:
    import psutil

    if kind in ("app", "whole group"):
        return cli.pid
    if kind == "broker":
        return int((data / "run" / "broker.pid").read_text())
    worker = int((data / "run" / "transcribe.pid").read_text())
    if kind == "worker":
        return worker
    children = psutil.Process(worker).children()
    return children[0].pid if children else None


def trial(kind: str, point: int) -> dict:
    import psutil

    with tempfile.TemporaryDirectory(prefix="em-f-") as tmp:
        data, out = Path(tmp) / "d", Path(tmp) / "o"
        cli = subprocess.Popen(command(data, out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, start_new_session=(kind == "whole group"))
        deadline = time.monotonic() + 300
        killed = False
        while time.monotonic() < deadline and cli.poll() is None:
            if done_count(data / "earmark.db") >= point and (data / "run" / "transcribe.pid").exists():
                try:
                    pid = victim_pid(kind, data, cli)
                    if pid:
                        if kind == "whole group":
                            for p in [*psutil.Process(pid).children(recursive=True), psutil.Process(pid)]:
                                p.kill()
                        else:
                            os.kill(pid, signal.SIGKILL)
                        killed = True
                        break
                except (OSError, ValueError, psutil.Error):
                    pass
            time.sleep(0.05)
        first_err = cli.communicate(timeout=600)[1]
        runs = 1
        final_rc, final_err = cli.returncode, first_err
        if kind in ("app", "whole group") and killed:
            again = subprocess.run(command(data, out), capture_output=True, text=True, timeout=600)
            final_rc, final_err, runs = again.returncode, again.stderr, 2
        db = sqlite3.connect(str(data / "earmark.db"))
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        jobs = db.execute("SELECT count(*) FROM jobs").fetchone()[0]
        rerun = 0
        for (job_id,) in db.execute("SELECT id FROM jobs"):
            steps = [k for (k,) in db.execute("SELECT kind FROM task_events WHERE job_id=? AND stage='transcribe'"
                                               " ORDER BY at", (job_id,))]
            if "succeeded" in steps:
                rerun += steps[steps.index("succeeded") + 1:].count("started")
        db.close()
        written = {p.name for p in out.iterdir()} if out.exists() else set()
        lost = sum(f"{Path(f).stem}.txt" not in written for f in FILES)
        orphans = len(processes_of(data))
        output_right = final_rc == 0 and "Traceback" not in final_err
        return {"killed": killed, "lost": lost, "rerun": rerun, "redundant": max(0, jobs - len(FILES)),
                "orphans": orphans, "integrity": integrity == "ok", "output": output_right, "runs": runs,
                "err": final_err[-300:] if not output_right else ""}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--kinds", default=",".join(KINDS))
    args = parser.parse_args()
    print(f"# Crash matrix: {len(FILES)} files a batch, SIGKILL once 0..{args.trials - 1} files are done, "
          f"{args.trials} trials per kind ({os.cpu_count()} cores)")
    print(f"{'killed':<14} {'killed/tried':>6} {'lost':>5} {'re-run':>7} {'redundant':>9} {'orphans':>8} "
          f"{'store ok':>8} {'exit+output ok':>15}")
    bad = 0
    for kind in args.kinds.split(","):
        tried = [trial(kind, point % len(FILES)) for point in range(args.trials)]
        # a trial counts only when its kill landed: one whose target never appeared (no
        # pool process yet) proves nothing about surviving a kill
        rows = [r for r in tried if r["killed"]]
        totals = {k: sum(r[k] for r in rows) for k in ("lost", "rerun", "redundant", "orphans")}
        ok_store = sum(r["integrity"] for r in rows)
        ok_out = sum(r["output"] for r in rows)
        print(f"{kind:<14} {len(rows):>3}/{len(tried):<2} {totals['lost']:>5} {totals['rerun']:>7} "
              f"{totals['redundant']:>9} {totals['orphans']:>8} {ok_store:>5}/{len(rows)} {ok_out:>12}/{len(rows)}",
              flush=True)
        if len(rows) < len(tried):
            print(f"    {len(tried) - len(rows)} trial(s) of {kind} never found their target to kill: not counted")
        for r in rows:
            if r["err"]:
                print("   ", r["err"].replace("\n", " | "))
        bad += sum(totals.values()) + (len(rows) - ok_store) + (len(rows) - ok_out)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
