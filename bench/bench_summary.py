"""Summary speed with the default GGUF, alone and beside a running transcription, in one run.

    python bench/bench_summary.py

For each thread split (speech threads + LLM threads) prints the LLM's tokens per second
and the transcription's real-time factor, each alone and both at once, and the
fractions of their alone speeds. "At once" means over the same seconds: the LLM writes
summary after summary for as long as the transcription runs and stops when it ends (one
160-token summary used to end 2-4 s into a 7 s transcription, which flattered both).
Oversubscribing the cores (2 + 2 on 2 cores) is what the CPU budget exists to avoid.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpus"
SPEECH = """
import sys, time
from faster_whisper import WhisperModel
from workers.engines.speech_models import bundled_model_path
model = WhisperModel(str(bundled_model_path()), device="cpu", compute_type="int8", cpu_threads=int(sys.argv[2]))
print("loaded", flush=True)
for _ in sys.stdin:
    t = time.perf_counter()
    segments, info = model.transcribe(sys.argv[1], beam_size=5, vad_filter=True)
    list(segments)
    print(info.duration / (time.perf_counter() - t), flush=True)
"""


def speech_process(threads: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", SPEECH, str(CORPUS / "meeting2_incident_review.mp3"), str(threads)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO)
    assert proc.stdout.readline().strip() == "loaded"
    return proc


def run_speech(proc) -> float:
    proc.stdin.write("go\n")
    proc.stdin.flush()
    return float(proc.stdout.readline())


def summary_tokens(engine, text: str, max_tokens: int = 160, stop: threading.Event | None = None) -> tuple[int, float]:
    """Tokens generated and seconds taken, ending early when *stop* is set."""
    messages = [{"role": "user", "content": f"Transcript:\n{text}\n\nSummarize this meeting."}]
    t, n = time.perf_counter(), 0
    for chunk in engine.llm.create_chat_completion(messages=messages, max_tokens=max_tokens, stream=True,
                                                   temperature=0.2, repeat_penalty=1.3):
        n += bool(chunk["choices"][0]["delta"].get("content"))
        if stop is not None and stop.is_set():
            break
    return n, time.perf_counter() - t


def summary_speed(engine, text: str, max_tokens: int = 160) -> float:
    n, seconds = summary_tokens(engine, text, max_tokens)
    return n / seconds


def summary_beside(engine, text: str, proc) -> tuple[float, float]:
    """The LLM generating for exactly as long as the transcription runs (summaries one
    after another, the last cut off when the transcription ends), so both speeds are
    measured over the same seconds: (LLM tokens a second, speech's real-time factor)."""
    done, result = threading.Event(), {}

    def speech():
        result["speed"] = run_speech(proc)
        done.set()

    runner = threading.Thread(target=speech)
    runner.start()
    tokens, seconds = 0, 0.0
    while not done.is_set():
        n, s = summary_tokens(engine, text, stop=done)
        tokens, seconds = tokens + n, seconds + s
    runner.join()
    return tokens / seconds, result["speed"]


def main() -> None:
    from workers.engines.llm import LLMEngine

    cores = os.cpu_count() or 1
    text = (CORPUS / "meeting1_product_sync.txt").read_text()
    text = " ".join(re.split(r"\s+", text))
    print(f"# Summary (SmolLM2-135M Q4_1) beside transcription (tiny.en, 92 s file) — {cores} cores")
    print(f"{'threads sp+llm':<16}{'llm tok/s alone':>16}{'beside':>8}{'frac':>6}"
          f"{'speech x alone':>16}{'beside':>8}{'frac':>6}{'sum':>6}")
    splits = [(cores, cores), (max(1, cores // 2), max(1, cores - cores // 2))]
    for sp, lt in splits:
        engine = LLMEngine(__import__("workers.engines.llm", fromlist=["bundled_gguf"]).bundled_gguf(), 2048, lt)
        summary_speed(engine, text, 16)  # warm up
        llm_alone = summary_speed(engine, text)
        proc = speech_process(sp)
        speech_alone = run_speech(proc)
        # both at once over the same seconds: the transcription in its process, summaries here
        llm_beside, speech_beside = summary_beside(engine, text, proc)
        proc.stdin.close()
        proc.wait()
        a, b = llm_beside / llm_alone, speech_beside / speech_alone
        print(f"{f'{sp}+{lt}':<16}{llm_alone:>16.1f}{llm_beside:>8.1f}{a:>6.2f}"
              f"{speech_alone:>15.1f}x{speech_beside:>7.1f}x{b:>6.2f}{a + b:>6.2f}")


if __name__ == "__main__":
    main()
