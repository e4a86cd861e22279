"""`earmark transcribe` from two source trees against one running stack, alternately.

    python bench/bench_cli_ab.py --before /path/to/old/checkout [--file meeting1_product_sync.mp3] [--repeat 3]

The workers (and their loaded model) are the same for both, so what differs is only
the command-line process: its start, intake, waiting and export. Prints each run, the
medians and after/before. Used for issue 25 (the front desk) on a loaded machine, where
bench_transcribe's ratios swung more than the change could.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="the old tree (a checkout or git archive)")
    parser.add_argument("--file", default="meeting1_product_sync.mp3")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from app.jobs.stack import Stack
    from app.paths import DataDir
    from app.settings import Settings

    work = Path(tempfile.mkdtemp(prefix="em-ab-"))
    data = DataDir.resolve(work).ensure()
    trees = {"before": str(Path(args.before).resolve()), "after": str(REPO)}
    times: dict[str, list[float]] = {name: [] for name in trees}

    def run(tree: str, name: str) -> float:
        env = dict(os.environ, PYTHONPATH=trees[tree])
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "app", "--data-dir", str(work), "transcribe", str(CORPUS / name),
                        "--out", str(work / "out"), "--force"], env=env, cwd=trees[tree], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - start

    stack = Stack(data, Settings(data.settings), roles=("transcribe", "index")).open(wait_workers=True)
    try:
        run("after", "jfk.flac")  # the model loaded before anything is timed
        for i in range(args.repeat):
            for tree in ("before", "after") if i % 2 == 0 else ("after", "before"):
                times[tree].append(run(tree, args.file))
                print(f"{tree:<7} {times[tree][-1]:6.2f} s", flush=True)
    finally:
        stack.close()
    print(f"# earmark transcribe {args.file}, warm stack, {os.cpu_count()} cores")
    for tree, values in times.items():
        print(f"{tree:<7} median {statistics.median(values):6.2f} s   ({' '.join(f'{v:.2f}' for v in values)})")
    print(f"after/before {statistics.median(times['after']) / statistics.median(times['before']):.2f}")


if __name__ == "__main__":
    main()
