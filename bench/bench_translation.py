"""How well does each GGUF translate? chrF against a human translation, side by side.

    python bench/bench_translation.py [--gguf NAME=PATH ...]

The corpus's ``multilingual.txt`` holds the MIT licence in English and its hand-corrected
German. The English is cut where a speaker would pause (as Whisper's segments are) and
translated segment by segment through Earmark's own ``Translator`` (the prompt the
translate task uses); the German it writes is scored with chrF (character 6-grams,
beta 2, as sacreBLEU computes it) against the reference, and against the English too:
a high score there means the model echoed the source instead of translating. For
scale, the untranslated English scores about 26 against the German.

The other path Earmark has: speech to English with Whisper ``base`` (the translate
task), on the recording's German half (31–60 s), scored against the English text; for
scale there, the German left untranslated against the English. ``--no-llm`` runs only
that path. The floor the window and the command line warn below
(``workers.engines.llm.TRANSLATION_FLOOR``) is set from these figures.
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


def speech_to_english(english: str, german: str) -> None:
    """Whisper base's translate task on the German half of the recording."""
    from faster_whisper import WhisperModel

    from workers.engines.speech_models import resolve_model

    path, _ = resolve_model("base")
    model = WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=2)
    started = time.perf_counter()
    segments, _ = model.transcribe(str(CORPUS / "multilingual.mp3"), task="translate", language="de",
                                   beam_size=5, clip_timestamps=[30.0, 60.0], condition_on_previous_text=False)
    text = " ".join(s.text.strip() for s in segments)
    seconds = time.perf_counter() - started
    print("\n# Speech German → English, Whisper base translate task, the recording's German half")
    print(f"{'path':28} {'chrF':>6} {'chrF vs German':>16} {'seconds':>8}")
    print(f"{'Whisper base (speech)':28} {chrf(text, english):6.1f} {chrf(text, german):16.1f} {seconds:8.1f}")
    print(f"    {text[:160]}…")
    print(f"{'(the German, untranslated)':28} {chrf(german, english):6.1f}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gguf", action="append", default=[], metavar="NAME=PATH")
    parser.add_argument("--no-llm", action="store_true", help="only the speech path")
    args = parser.parse_args()
    english, german = (CORPUS / "multilingual.txt").read_text().strip().split("\n")[:2]
    speech_to_english(english, german)
    if args.no_llm:
        return 0
    from workers.engines.llm import TRANSLATION_FLOOR, LLMEngine, Translator

    models = {"SmolLM2-135M (bundled)": "bundled", **dict(g.split("=", 1) for g in args.gguf)}
    print("\n# Translation English → German, the MIT licence (corpus multilingual.txt), 2 threads")
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
    print(f"floor: {TRANSLATION_FLOOR} (workers/engines/llm.py); a model below it is flagged before it is used")
    return 0


if __name__ == "__main__":
    sys.exit(main())
