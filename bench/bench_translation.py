"""How well does each GGUF translate? chrF against a human translation, side by side.

    python bench/bench_translation.py [--gguf NAME=PATH ...]

The corpus's ``multilingual.txt`` holds the MIT licence in English and its hand-corrected
German. The English is cut where a speaker would pause (as Whisper's segments are) and
translated segment by segment through Earmark's own ``Translator`` (the prompt the
translate task uses); the German it writes is scored with chrF (character 6-grams,
beta 2, as sacreBLEU computes it) against the reference, and against the English too:
a high score there means the model echoed the source instead of translating. For
scale, the untranslated English scores about 26 against the German.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.helpers import CORPUS  # noqa: E402


def chrf(hypothesis: str, reference: str, order: int = 6, beta: float = 2.0) -> float:
    precisions, recalls = [], []
    for n in range(1, order + 1):
        hyp = Counter(hypothesis[i:i + n] for i in range(len(hypothesis) - n + 1))
        ref = Counter(reference[i:i + n] for i in range(len(reference) - n + 1))
        matched = sum((hyp & ref).values())
        precisions.append(matched / max(1, sum(hyp.values())))
        recalls.append(matched / max(1, sum(ref.values())))
    p, r = sum(precisions) / order, sum(recalls) / order
    return 100 * (1 + beta ** 2) * p * r / max(1e-9, beta ** 2 * p + r)


def segments(english: str) -> list[dict]:
    parts = re.split(r"(?<=[,:.])\s+(?=to deal|to use|and to permit|subject|The above)", english)
    return [{"idx": i, "start": float(i), "end": i + 1.0, "text": t.strip()} for i, t in enumerate(parts) if t.strip()]


def main() -> int:
    from workers.engines.llm import LLMEngine, Translator

    parser = argparse.ArgumentParser()
    parser.add_argument("--gguf", action="append", default=[], metavar="NAME=PATH")
    args = parser.parse_args()
    english, german = (CORPUS / "multilingual.txt").read_text().strip().split("\n")[:2]
    models = {"SmolLM2-135M (bundled)": "bundled", **dict(g.split("=", 1) for g in args.gguf)}
    print("# Translation English → German, the MIT licence (corpus multilingual.txt), 2 threads")
    print(f"{'model':28} {'chrF':>6} {'chrF vs English':>16} {'seconds':>8}")
    for name, path in models.items():
        engine = LLMEngine.get(path, 2048, 2)
        started = time.perf_counter()
        out = Translator(engine, "de").translate(segments(english))
        seconds = time.perf_counter() - started
        text = " ".join(s["text"] for s in out["segments"])
        print(f"{name:28} {chrf(text, german):6.1f} {chrf(text, english):16.1f} {seconds:8.1f}")
        print(f"    {text[:160]}…")
    print(f"{'(the English, untranslated)':28} {chrf(english, german):6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
