"""What watching a folder costs each round (app/jobs/watch.py polls: a walk and a stat a
file every 2 s). No workers: the files are known to the watch's ledger as a restart finds
them, so a round only looks; a first round (nothing known) is timed too.

    python bench/bench_watch.py [--files 10000] [--folders 100] [--rounds 5]

Printed: the median seconds of a round with every file new (each is seen and waits to
settle), and with every file known (the steady state), with the load beside them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--folders", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from app.jobs.desk import Desk
    from app.jobs.watch import FolderWatch, watched
    from app.paths import DataDir

    with tempfile.TemporaryDirectory(prefix="em-") as data_dir, tempfile.TemporaryDirectory() as folder:
        for i in range(args.files):
            sub = Path(folder) / f"d{i % args.folders}"
            sub.mkdir(exist_ok=True)
            (sub / f"take{i}.mp3").write_bytes(b"x" * 64)
        desk = Desk(DataDir(Path(data_dir)).ensure())
        [watch] = watched([folder], None, ["txt"])
        looker = FolderWatch(desk, [watch], settle_seconds=3600)
        new = []
        for _ in range(args.rounds):
            looker._seen.clear()  # every file new again
            start = time.perf_counter()
            looker.scan()
            new.append(time.perf_counter() - start)
        for path, stat in looker.files(watch):  # as a restart finds them: all taken before
            desk.store.remember_watched(watch.folder, path, size_bytes=stat.st_size, mtime_ns=stat.st_mtime_ns,
                                        file_hash="-", job_id=None, out=folder)
        known = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            looker.scan()
            known.append(time.perf_counter() - start)
        desk.shut()
    load = os.getloadavg()[0]
    print(f"{args.files} files in {args.folders} folders, {args.rounds} rounds each (load {load:.1f}):")
    print(f"  a round, every file new:   {statistics.median(new):.3f} s")
    print(f"  a round, every file known: {statistics.median(known):.3f} s "
          f"({1e6 * statistics.median(known) / args.files:.0f} µs a file)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
