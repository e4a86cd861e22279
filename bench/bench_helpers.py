"""Helpers: the same long file with one helper and with two, side by side in one run.

    python bench/bench_helpers.py [--repeat 2] [--chunk-minutes 1.0]

The app coordinates only (``local_queues`` empty, helpers let in on 127.0.0.1 through
the TLS gate); each helper is ``earmark worker --join`` with its own data folder (so it
has no decoded copy of the recording: every chunk's audio comes through the broker),
pinned to one core with taskset (one thread). The file is the four corpus meetings
joined --repeat times; the helpers start cold (each loads tiny.en, about a second, at
its first chunk). Prints the wall time from intake to the finished
transcript for one helper and for two, the speed-up, WER against the reference, and
the audio's journey: FLAC bytes, the app's encoding time, the helpers' fetch and decode
time, as a share of the whole.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.helpers import CORPUS, wait_until, wer  # noqa: E402
from tests.long_audio import long_file, long_reference  # noqa: E402


def make_file(folder: Path, repeat: int) -> tuple[Path, str]:
    import wave

    one = long_file(folder / "meetings.wav", CORPUS)
    if repeat == 1:
        return one, long_reference()
    with wave.open(str(one)) as w:
        params, frames = w.getparams(), w.readframes(w.getnframes())
    target = folder / f"meetings-x{repeat}.wav"
    with wave.open(str(target), "wb") as w:
        w.setparams(params)
        w.writeframes(frames * repeat)
    return target, " ".join([long_reference()] * repeat)


def run(helpers: int, wav: Path, reference: str, chunk_minutes: float) -> dict:
    from app.jobs.stack import Stack
    from app.paths import DataDir
    from app.remote.access import join_lines
    from app.settings import Settings
    from workers import transfer

    data_dir = Path(tempfile.mkdtemp(prefix="emb-"))
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (data_dir / "settings.json").write_text(json.dumps({
        "version": 2, "helpers_listen": f"127.0.0.1:{port}", "local_queues": "", "summarize": False,
        "chunk_minutes": chunk_minutes}))
    data = DataDir.resolve(data_dir)
    stack = Stack(data, Settings(data.settings)).open(wait_workers=True)
    [line] = join_lines(data, Settings(data.settings))
    homes = [Path(tempfile.mkdtemp(prefix="embh-")) for _ in range(helpers)]
    names = [f"helper{i + 1}@bench" for i in range(helpers)]
    procs = [subprocess.Popen(["taskset", "-c", str(i % (os.cpu_count() or 1)), sys.executable, "-m", "app", "worker",
                               "--join", line.removeprefix("earmark worker --join "), "--data-dir", str(home),
                               "--hostname", name],
                              cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
             for i, (home, name) in enumerate(zip(homes, names))]
    try:
        wait_until(lambda: {h for r in stack.celery.control.ping(destination=names, timeout=0.5) for h in r}
                   == set(names), 120, message="helpers online")
        store, options = stack.store, Settings(data.settings).speech_options()
        started = time.monotonic()
        job = stack.service.intake(str(wav), options, force=True).job_id
        wait_until(lambda: store.job(job)["state"] in ("done", "failed"), 3600, interval=0.1, message="the long file")
        seconds = time.monotonic() - started
        assert store.job(job)["state"] == "done", store.job(job)["error"]
        chunks = store.chunks(job)
        results = [json.loads(c["result"]) for c in chunks]
        travel = [r["audio_travel"] for r in results]
        from workers.media import decode, probe

        audio = decode(str(wav), probe(str(wav)))
        encode_seconds = 0.0
        for c in chunks:  # the app's side of the journey, measured again on the same audio
            t = time.perf_counter()
            transfer.encode(audio[int(c["start"] * 16000):int(c["end"] * 16000)])
            encode_seconds += time.perf_counter() - t
        first_start = min(c["started_at"] for c in chunks if c["started_at"])
        intake_at = store.job(job)["created_at"]
        return {"helpers": helpers, "seconds": seconds, "chunks": len(chunks),
                "by": {n: sum(1 for c in chunks if c["worker"] == n) for n in names},
                "wer": wer(reference, store.transcript(job)["text"]),
                "mb": sum(t["bytes"] for t in travel) / 1e6,
                "fetch": sum(t["fetch_seconds"] for t in travel), "decode": sum(t["decode_seconds"] for t in travel),
                "encode": encode_seconds, "compute": sum(r["elapsed_seconds"] for r in results),
                "lead": first_start - intake_at}
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
        stack.close()
        for folder in (data_dir, *homes):
            shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2, help="how many times the four meetings are joined")
    parser.add_argument("--chunk-minutes", type=float, default=1.0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="emb-audio-"))
    try:
        wav, reference = make_file(folder, args.repeat)
        import wave

        with wave.open(str(wav)) as w:
            length = w.getnframes() / w.getframerate()
        rows = [run(n, wav, reference, args.chunk_minutes) for n in (1, 2)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"# Helpers: {length:.0f} s file (the corpus meetings x{args.repeat}), chunks of {args.chunk_minutes:g} min, "
          f"each helper one core, tiny.en int8, audio through the broker (TLS gate on 127.0.0.1)")
    print(f"{'':12} {'wall s':>7} {'x real':>7} {'WER':>6} {'chunks':>8} {'lead s':>7} {'chunk s':>8} {'audio MB':>9} "
          f"{'encode s':>9} {'fetch s':>8} {'decode s':>9} {'travel %':>9}")
    for r in rows:
        journey = r["encode"] + r["fetch"] + r["decode"]
        print(f"{r['helpers']} helper{'s' if r['helpers'] > 1 else ' '}   {r['seconds']:7.1f} {length / r['seconds']:7.1f} "
              f"{r['wer']:6.3f} {'/'.join(str(v) for v in r['by'].values()):>8} {r['lead']:7.1f} "
              f"{r['compute'] / r['chunks']:8.2f} {r['mb']:9.1f} {r['encode']:9.2f} "
              f"{r['fetch']:8.2f} {r['decode']:9.2f} {100 * journey / (journey + r['compute']):8.1f}%")
    print(f"speed-up, two helpers against one: {rows[0]['seconds'] / rows[1]['seconds']:.2f}x; after the plan "
          f"(lead: decoding and finding speech on the app's machine): "
          f"{(rows[0]['seconds'] - rows[0]['lead']) / (rows[1]['seconds'] - rows[1]['lead']):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
