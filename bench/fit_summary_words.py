"""Issue 31, round 23 (measured, not kept): could a fitted word model choose the Summary's lines
better than the picker's hand weights (a word's count in the meeting, its rarity in English, and
FACT_WEIGHT for a number, name or day: ``Minutes.summary_value``)? The model says how likely a word
of a meeting is one its key facts are made of, from what the word is and how the meeting says it
(``features``); a Summary option is then worth what its new words are likely worth, per word
(``install``). A logistic regression (L2, Newton's method) over every word of the
tuning meetings' sentences, as tiny.en heard them and as their reference texts say them; a word
is a fact's when a phrase of one of the meeting's key facts (bench/key_facts.json) holds it, as the
benchmark matches them (whole words, a plural or -ed/-ing ending allowed).

Only the team's own tuning meetings (bench_notes.TUNING: meetings 6-27 in round 23, 6-28 since) are read:
the corpus, meeting5 and the held-out meetings are never fitted on. ``--folds 2`` fits on half of them and scores the
notes (key facts covered) on the other half, main's hand weights against the fitted model: whether
it generalises before it is tried anywhere else.

    python bench/fit_summary_words.py [--cache transcripts.json] [--folds 2] [--l2 1.0] [--value p,odds,p2]

Round 23 (docs/benchmarks.md): on two folds the fitted model covered fewer facts than the hand
weights on the half it was not fitted on, with every value tried; the product keeps its weights.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_notes as B  # noqa: E402

import workers.engines.minutes as M  # noqa: E402

LABELS = ("intercept", "rarity", "number/name/day", "log times said", "share in questions",
          "share beside a fact", "first said (0-1)", "digit", "length/12")


def said_as(minutes: M.Minutes) -> dict[str, list[int]]:
    """word → [times said, in a question, beside another number, name or day, first sentence, one itself]."""
    out: dict[str, list[int]] = {}
    for i, s in enumerate(minutes.all):
        marks = M.markers(s.text)
        for w in M.content_words(s.text) | marks:
            seen = out.setdefault(w, [0, 0, 0, i, 0])
            seen[0] += 1
            seen[1] += s.text.endswith("?")
            seen[2] += bool(marks - {w})
            seen[4] |= w in marks
    return out


def features(minutes: M.Minutes, stats: dict[str, list[int]], word: str) -> tuple[float, ...]:
    """1, the word's rarity in English, whether it is a number, name or day, how often the meeting
    says it (log), the share of those times in a question and beside another number, name or day,
    how late it is first said, whether it holds a digit, and its length."""
    times, asked, beside, first, fact = stats.get(word, (0, 0, 0, len(minutes.all), 0))
    return (1.0, M.rarity(word), float(fact), math.log1p(times), asked / max(1, times), beside / max(1, times),
            first / max(1, len(minutes.all)), float(any(c.isdigit() for c in word)), min(len(word), 12) / 12)


def install(theta, value: str = "p"):
    """Summary options valued by the word model *theta*: the words the notes do not say yet, each
    worth its probability (*value* "p"), its square ("p2") or its odds ("odds"), per word to the
    picker's DENSITY. Returns what undoes it."""
    hand = M.Minutes.summary_value

    def summary_value(self, option, covered, marks):
        if not hasattr(self, "_fact_words"):
            self._fact_stats, self._fact_words = said_as(self), {}
        for w in option[2] - covered - self._fact_words.keys():
            z = float(np.dot(theta, features(self, self._fact_stats, w)))
            self._fact_words[w] = {"p": 1 / (1 + math.exp(-z)), "p2": (1 / (1 + math.exp(-z))) ** 2,
                                   "odds": math.exp(z)}[value]
        return sum(self._fact_words[w] for w in option[2] - covered) / max(1, option[3]) ** M.DENSITY

    M.Minutes.summary_value = summary_value
    return lambda: setattr(M.Minutes, "summary_value", hand)


def fact_vocabulary(name: str) -> list[str]:
    return [w for f in B.facts_for(name) for group in f["all"] for phrase in group
            for w in re.findall(r"[\w'’-]+", phrase.lower())]


def rows(names: list[str], heard: dict[str, dict[str, list[dict]]]) -> tuple[np.ndarray, np.ndarray]:
    """Features and targets of every word said in *names*' sentences, each source a meeting of its own."""
    x, y = [], []
    for transcripts in heard.values():
        for name in names:
            minutes = M.Minutes(transcripts[name])
            vocabulary = fact_vocabulary(name)
            stats = said_as(minutes)
            for word in stats:
                x.append(features(minutes, stats, word))
                y.append(any(B.has_words(v, word) for v in vocabulary))
    return np.array(x), np.array(y, dtype=float)


def fit(x: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    """Logistic regression, L2 on every coefficient but the intercept, by Newton's method."""
    theta = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ theta))
        gradient = x.T @ (p - y) + penalty * theta
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta


def coverage(names: list[str], heard: dict[str, dict[str, list[dict]]], theta, value: str = "p") -> dict[str, int]:
    """Key facts the notes cover on *names*, per source, with the word model *theta* (None: by hand)."""
    undo = install(theta, value) if theta is not None else (lambda: None)
    try:
        return {source: sum(round(s["coverage"] * s["facts"]) for s in
                            (B.score(B.run("grounded", None, transcripts[n])[0], transcripts[n], n) for n in names))
                for source, transcripts in heard.items()}
    finally:
        undo()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, help="the tiny.en transcripts, as bench_notes.py keeps them")
    parser.add_argument("--folds", type=int, default=0, help="also fit on all but one part, score on it")
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--value", default="p", help="what a word is worth: p, p2, odds (comma-separated: each)")
    args = parser.parse_args()
    names = list(B.TUNING)
    heard = {source: B.transcribe_all(args.cache, names, source) for source in ("tiny.en", "reference")}
    x, y = rows(names, heard)
    theta = fit(x, y, args.l2)
    print(f"# {len(y)} words of {len(names)} tuning meetings x 2 sources, {int(y.sum())} of facts; L2 {args.l2}")
    for label, c in zip(LABELS, theta, strict=True):
        print(f"{label:<22} {c:+.3f}")
    for k in range(args.folds):
        test = names[k::args.folds]
        train = [n for n in names if n not in test]
        part = fit(*rows(train, heard), args.l2)
        before = coverage(test, heard, None)
        facts = sum(len(B.facts_for(n)) for n in test)
        for value in args.value.split(","):
            after = coverage(test, heard, part, value)
            print(f"fold {k + 1}/{args.folds}, {value}: fitted on {len(train)}, scored on {len(test)} ({facts} facts), "
                  "hand weights -> word model: "
                  + "  ".join(f"{source} {before[source]} -> {after[source]}" for source in heard))
    return 0


if __name__ == "__main__":
    sys.exit(main())
