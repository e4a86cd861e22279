"""Two parts side by side against one call, in one process, alternately: what the batched
path's parts (``SpeechEngine._side_by_side``) buy on each chunk of a long file.

    python bench/bench_parts.py [--rounds 3] [--repeat 3]

The four corpus meetings joined --rounds times (3: 17.1 min), cut as Earmark cuts a long file
(``chunks.plan`` at ``chunk_seconds()``), each chunk transcribed with its kept Silero
probabilities, as a chunk task does, with parts and without, alternately, --repeat times.
Prints per chunk the median wall and CPU seconds of each, the ratio, and the WER of the
joined text of each against the reference. Same model (bundled tiny.en, int8, beam 5),
loaded once, every core.
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


def main() -> None:
    from tests.helpers import wer
    from tests.long_audio import long_file, long_reference
    from workers.config import chunk_seconds
    from workers.engines import chunks
    from workers.engines.speech import SpeechEngine, TranscribeOptions
    from workers.engines.voice_activity import probabilities
    from workers.media import SAMPLE_RATE, decode, probe

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = long_file(Path(tmp) / "meetings.wav", rounds=args.rounds)
        audio = decode(str(path), probe(str(path)))
    probs = probabilities(audio)
    regions = chunks.speech_regions(audio, probs=probs)
    total = len(audio) / SAMPLE_RATE
    plan = chunks.plan(regions, total, chunk_seconds())
    options = TranscribeOptions()
    engine = SpeechEngine.get(options)
    print(f"# Parts: {total / 60:.1f} min in {len(plan)} chunks; tiny.en int8 beam 5, {engine.cpu_threads} threads, "
          f"{engine.streams} streams; load average {os.getloadavg()[0]:.1f} at the start; medians of {args.repeat}")
    engine.transcribe_samples(audio[:SAMPLE_RATE * 60], options, batched=True)  # warm up
    times = {True: [[] for _ in plan], False: [[] for _ in plan]}
    texts = {True: [""] * len(plan), False: [""] * len(plan)}
    for round_ in range(args.repeat):
        for i, (a, b) in enumerate(plan):
            piece = audio[int(a * SAMPLE_RATE):int(b * SAMPLE_RATE)]
            first = int(a * SAMPLE_RATE) // 512
            kept = probs[first:first + len(piece) // 512 + 2]
            inside = [(max(x, a), min(y, b)) for x, y in regions if y > a and x < b]
            for in_parts in ((False, True) if round_ % 2 == 0 else (True, False)):  # neither always first
                wall, cpu = time.perf_counter(), time.process_time()
                result = engine.transcribe_samples(piece, options, offset=a, batched=True, regions=inside,
                                                   speech_probs=kept, in_parts=in_parts)
                times[in_parts][i].append((time.perf_counter() - wall, time.process_time() - cpu))
                texts[in_parts][i] = " ".join(s["text"] for s in result["segments"])
    print(f"{'chunk':>6} {'seconds':>8} | {'one call':>9} {'CPU':>6} | {'parts':>7} {'CPU':>6} | ratio")
    sums = {True: 0.0, False: 0.0}
    for i, (a, b) in enumerate(plan):
        one = statistics.median(w for w, _ in times[False][i])
        two = statistics.median(w for w, _ in times[True][i])
        sums[False] += one
        sums[True] += two
        print(f"{i:>6} {b - a:>8.1f} | {one:>9.2f} {statistics.median(c for _, c in times[False][i]):>6.2f} | "
              f"{two:>7.2f} {statistics.median(c for _, c in times[True][i]):>6.2f} | {two / one:.2f}")
    reference = long_reference(rounds=args.rounds)
    print(f"{'all':>6} {total:>8.1f} | {sums[False]:>9.2f} {'':>6} | {sums[True]:>7.2f} {'':>6} | "
          f"{sums[True] / sums[False]:.2f}")
    print(f"WER: one call {wer(reference, ' '.join(texts[False])):.3f}, parts {wer(reference, ' '.join(texts[True])):.3f}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
