"""Live transcription (``earmark listen``) for real: a corpus meeting played in real time
into a PulseAudio null sink (tests/soundserver.py), listened to through its monitor.

    python bench/bench_live.py [--models bundled,base] [--files meeting2_incident_review,…]

Per model and file, printed:
- latency: from the end of a line's last word in the played file to the moment the line
  came out of ``earmark listen`` (median and 90th percentile). The word timings are a
  file transcription of the played audio with word timestamps by the same model (the
  corpus has no timed reference); a line's last word is found in them by aligning the
  live words to them (difflib), lines whose words match none are left out (counted).
- WER of the live text and of the job's transcript (the whole recording transcribed as a
  file after Ctrl-C) against the corpus reference, and their difference.
- CPU while listening: the CPU seconds of listen and its capture during the playback over
  its wall time (1.0 = one core busy), beside the machine's load average.
meeting1 is the one the streaming was tried on while it was built; the others are held out
(the default, printed first).
"""

from __future__ import annotations

import argparse
import difflib
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import psutil  # noqa: E402

from tests.helpers import CORPUS, normalize, reference, wait_until, wer  # noqa: E402
from tests.soundserver import NullSink, wav_of  # noqa: E402

HELD_OUT = ("meeting2_incident_review", "meeting3_budget_planning", "meeting4_customer_research")
TRIED_ON = ("meeting1_product_sync",)


def file_transcription(wav: Path, model: str) -> dict:
    """A file transcription of *wav* by *model*, with word timings."""
    from workers.engines.speech import SpeechEngine, TranscribeOptions
    from workers.media import probe

    options = TranscribeOptions(model=model, word_timestamps=True, language="en")
    return SpeechEngine.get(options).transcribe(probe(str(wav)), options)


def word_ends(result: dict) -> list[tuple[str, float]]:
    """(normalised word, end in seconds) of a transcription's words."""
    return [(normalize(w["word"]), w["end"]) for s in result["segments"] for w in s.get("words") or ()
            if normalize(w["word"])]


def line_latencies(lines: list[tuple[float, str]], timings: list[tuple[str, float]]) -> dict[int, float]:
    """{index of a line: when its last word ended in the played sound}, for the lines (arrival,
    text) whose words align (difflib) to the timed words; the last matched word of a line wins."""
    live_words, owner = [], []
    for i, (_, text) in enumerate(lines):
        for word in normalize(text).split():
            live_words.append(word)
            owner.append(i)
    matcher = difflib.SequenceMatcher(None, live_words, [w for w, _ in timings], autojunk=False)
    end_of_line: dict[int, float] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            end_of_line[owner[block.a + k]] = timings[block.b + k][1]
    return dict(sorted(end_of_line.items()))


def cpu_seconds(proc: psutil.Process) -> float:
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def run(model: str, name: str, folder: Path, save: Path | None = None) -> dict:
    source = next(p for p in CORPUS.glob(f"{name}.*") if p.suffix != ".txt")
    played = wav_of(source, folder)
    timings = word_ends(file_transcription(played, model))
    data, out = folder / f"data-{model}-{name}", folder / f"out-{model}-{name}"
    out.mkdir()
    lines: list[tuple[float, str]] = []
    with NullSink(folder / f"pulse-{model}-{name}") as sink:
        err = folder / f"{model}-{name}.err"
        proc = subprocess.Popen([sys.executable, "-m", "app", "--data-dir", str(data), "listen", "--device",
                                 sink.monitor, "--out", str(out), "--model", model],
                                env=sink.env, stdout=subprocess.PIPE, stderr=open(err, "wb"), text=True)
        threading.Thread(target=lambda: [lines.append((time.monotonic(), ln.rstrip("\n"))) for ln in proc.stdout],
                         daemon=True).start()
        wait_until(lambda: "listening to" in err.read_text() or proc.poll() is not None, 300, 0.2, "listening")
        watched = psutil.Process(proc.pid)
        cpu0, load0 = cpu_seconds(watched), psutil.getloadavg()[0]
        started = time.monotonic()
        player = sink.play(played)
        player.wait()
        played_for = time.monotonic() - started
        cpu = (cpu_seconds(watched) - cpu0) / played_for
        load = (load0 + psutil.getloadavg()[0]) / 2
        # the lines of the last words: at most 15 s after the end (counted late if later)
        wait_until(lambda: lines and lines[-1][0] > started + played_for - 1 or time.monotonic() > started
                   + played_for + 15, 30, 0.2, "the last lines")
        proc.send_signal(signal.SIGINT)
        code = proc.wait(600)
    if code != 0:
        raise SystemExit(f"listen failed ({code}): {err.read_text()}")
    live = " ".join(line.split("] ", 1)[1] for _, line in lines)
    job_text = next(out.glob("*.txt")).read_text()
    # each line's last word, aligned to the timed words
    end_of_line = line_latencies([(at, line.split("] ", 1)[1]) for at, line in lines], timings)
    latencies = [lines[i][0] - (started + end) for i, end in end_of_line.items()]
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)
        (save / f"{model}-{name}.live.txt").write_text("".join(
            f"{at - started:7.2f} {line}\n" for at, line in lines))
        (save / f"{model}-{name}.job.txt").write_text(job_text)
    ref = reference(name)
    return {"model": model, "file": name, "lines": len(lines), "timed": len(latencies),
            "median": statistics.median(latencies), "p90": statistics.quantiles(latencies, n=10)[-1],
            "wer_live": wer(ref, live), "wer_file": wer(ref, job_text), "cpu": cpu, "load": load}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default="bundled,base")
    ap.add_argument("--files", default=",".join(HELD_OUT + TRIED_ON))
    ap.add_argument("--save", type=Path, help="keep each run's live lines (with when they came) and job text here")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="em-live-") as tmp:
        for model in args.models.split(","):
            for name in args.files.split(","):
                row = run(model, name, Path(tmp), args.save)
                rows.append(row)
                print(f"{row['model']:<8} {row['file']:<28} lines {row['lines']:>3} (timed {row['timed']:>3})  "
                      f"latency median {row['median']:5.2f} s p90 {row['p90']:5.2f} s  WER live {row['wer_live']:.3f}"
                      f" file {row['wer_file']:.3f} (+{row['wer_live'] - row['wer_file']:.3f})  "
                      f"CPU {row['cpu']:.2f} cores  load {row['load']:.1f}", flush=True)
    for model in args.models.split(","):
        mine = [r for r in rows if r["model"] == model and r["file"] in HELD_OUT]
        if mine:
            print(f"{model} held out: latency median of medians {statistics.median(r['median'] for r in mine):.2f} s, "
                  f"worst p90 {max(r['p90'] for r in mine):.2f} s, WER live-file "
                  f"{statistics.mean(r['wer_live'] - r['wer_file'] for r in mine):+.3f}, CPU "
                  f"{statistics.mean(r['cpu'] for r in mine):.2f} cores, load {statistics.mean(r['load'] for r in mine):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
