"""Grounded notes: the sentences that carry a meeting, each with its time, under the
template's headings. No model is needed and nothing can be invented: every line is a
sentence that was said (an LLM, when used, only condenses these lines, and what it
writes is checked against the transcript: ``workers.engines.grounding``).

A sentence is chosen for a heading by what it says: decisions ("we agreed", "decided",
"our recommendation"), actions ("will", "please", "follow-up", a due day, an owner's
name), open questions and risks ("risk", "not sure", a question), and for a summary
or key points by how central it is to the whole meeting (the share of the meeting's
frequent words it holds) with a lift for framing phrases ("the goal of this meeting").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from workers.engines.grounding import content_words
from workers.timefmt import clock

SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[A-Z0-9\"'])")
DAY = (r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today|tonight|"
       r"(?:the )?end of (?:the|this|next) (?:day|week|month|quarter|year)|next (?:week|month|quarter|year)|"
       r"(?:in )?the next few (?:days|weeks|months)|(?:in )?the spring|(?:in )?the summer|(?:in )?the autumn|"
       r"(?:in )?the winter|(?:at )?the quarterly review|a month before)")
DUE = re.compile(rf"\b(?:by|before|until|on|in|at|after)\s+{DAY}\b|\b{DAY}\b", re.I)
CUES = {
    "decisions": re.compile(r"\b(we agreed|agreed|decided|decision is|we will|we'll|we are going to|let's|"
                            r"our recommendation|recommend|should become|approval|approved|prefer|we chose|"
                            r"the plan is|we could release)\b", re.I),
    "actions": re.compile(r"\b(will|please|action|follow[- ]up|first, add|second, update|third, schedule|send|"
                          r"schedule|update|add |looking into|is going to|needs? to|have asked|asked them|"
                          r"prepare|present|open that|start interviewing|move that)\b", re.I),
    "questions": re.compile(r"\?|\b(risk|not sure|unsure|hesitant|problem|question|undecided|confus|fails?|"
                            r"if we cannot|decision on|concern|unclear|before we make any decision)\b", re.I),
    "frame": re.compile(r"\b(the goal of this meeting|big picture|main themes?|short version|in total|"
                        r"the main|we agreed|our recommendation|the first theme|root cause|real cause)\b", re.I),
}
ORDINAL = re.compile(r"^(first|second|third|fourth|fifth|then|next|finally|lastly|also)\b", re.I)
SKIP = re.compile(r"^(thanks?|thank you|good morning|okay|ok|welcome|now, who|does anyone|if not)\b", re.I)
KINDS = (("summary", ("summary", "overview", "tl;dr", "abstract", "gist")),
         ("decisions", ("decision",)),
         ("actions", ("action", "next step", "to do", "todo", "follow", "task")),
         ("questions", ("question", "open", "risk", "issue", "concern")),
         ("chapters", ("chapter", "outline", "agenda", "topic")),
         ("points", ("key point", "highlight", "takeaway", "point")))
LIMITS = {"summary": 4, "decisions": 4, "actions": 6, "questions": 4, "points": 6, "chapters": 8}


@dataclass
class Sentence:
    start: float
    end: float
    text: str
    speaker: str | None = None  # who said it, when speakers were found


def sentences(segments: list[dict]) -> list[Sentence]:
    """The transcript as sentences, each with the time it starts (a segment's time shared
    by its sentences in proportion to their length)."""
    out = []
    for seg in segments:
        text = (seg.get("text") or "").strip()
        if not text or seg.get("gap"):
            continue
        parts = [p.strip() for p in SENTENCE.split(text) if p.strip()]
        total = sum(len(p) for p in parts) or 1
        at, span = float(seg["start"]), float(seg["end"]) - float(seg["start"])
        for part in parts:
            length = span * len(part) / total
            out.append(Sentence(round(at, 2), round(at + length, 2), part, seg.get("speaker")))
            at += length
    return _join_fragments(out)


def _join_fragments(items: list[Sentence]) -> list[Sentence]:
    """A segment boundary inside a sentence leaves a fragment without a full stop: join it
    to what follows."""
    out: list[Sentence] = []
    for item in items:
        if out and not out[-1].text.endswith((".", "?", "!", "…")):
            prev = out.pop()
            item = Sentence(prev.start, item.end, f"{prev.text} {item.text}", prev.speaker)
        out.append(item)
    return out


def kind_of(heading: str) -> str:
    low = heading.lower()
    for kind, words in KINDS:
        if any(w in low for w in words):
            return kind
    return "points"


def time_link(seconds: float) -> str:
    """[0:48](#t=SECONDS), in the transcript's time format: the window plays from there when clicked."""
    return f"[{clock(seconds)}](#t={seconds:.1f})"


def owner_of(text: str) -> str | None:
    """A person named as doing something ("Maria is looking into …", "ask Sam to …")."""
    match = re.search(r"\b([A-Z][a-z]+)\s+(?:will|is looking into|is going to|has agreed|agreed to|"
                      r"needs to|should|to send|to prepare)\b", text)
    if match and match.group(1).lower() not in ("we", "i", "they", "it", "this", "that", "there", "first",
                                                "second", "third", "please", "then", "finally"):
        return match.group(1)
    if re.search(r"\b(data team|design team|mobile team|support team|finance team|engineering)\b", text, re.I):
        return re.search(r"\b(data team|design team|mobile team|support team|finance team|engineering)\b",
                         text, re.I).group(1)
    return None


FIRST_PERSON = re.compile(r"^(?:so,?\s+|and\s+|okay,?\s+)?(?:i will|i'll|i can|i am going to|i'm going to|"
                          r"let me|i will also)\b", re.I)


def owner_in(s: Sentence) -> str | None:
    """Who will do it: its speaker when they say "I will …", else a person the sentence names."""
    return s.speaker if s.speaker and FIRST_PERSON.match(s.text) else owner_of(s.text)


def due_of(text: str) -> str | None:
    match = DUE.search(text)
    return match.group(0) if match else None


class Minutes:
    """Pick the grounded sentences of one transcript for each kind of heading."""

    def __init__(self, segments: list[dict]):
        self.all = [s for s in sentences(segments) if not SKIP.match(s.text) and len(s.text.split()) >= 4]
        # "We have three follow-up actions. First, … Second, …": what follows an announced
        # list is a list item of that kind, whatever words the speaker (or the ASR) used
        self.listed: dict[int, str] = {}
        kind = None
        for i, s in enumerate(self.all):
            if re.search(r"\b(follow[- ]up|next steps|action items?|to-?dos?)\b", s.text, re.I):
                kind = "actions"
            elif kind and ORDINAL.match(s.text):
                self.listed[i] = kind
            else:
                kind = None
        counts = Counter(w for s in self.all for w in content_words(s.text))
        # words said again carry the meeting; a word said once still says something
        self.weight = {w: math.log(1 + n) if n > 1 else 0.3 for w, n in counts.items()}

    def centrality(self, s: Sentence) -> float:
        words = content_words(s.text)
        if not words:
            return 0.0
        return sum(self.weight.get(w, 0.0) for w in words) / math.sqrt(len(words))

    def score(self, s: Sentence, kind: str) -> float:
        text = s.text
        if kind in ("summary", "points", "chapters"):
            return self.centrality(s) * (2.0 if CUES["frame"].search(text) else 1.0)
        cue = CUES[kind]
        hits = len(cue.findall(text)) + 2 * (self.listed.get(self.all.index(s)) == kind)
        if not hits:
            return 0.0
        if kind == "actions":
            if text.endswith("?"):
                return 0.0
            hits += 1.5 * bool(due_of(text)) + 1.5 * bool(owner_in(s))
        if kind == "decisions" and text.endswith("?"):
            return 0.0
        return hits + 0.1 * self.centrality(s)

    def pick(self, kind: str, limit: int | None = None, exclude: set[int] = frozenset()) -> list[Sentence]:
        # a longer meeting gets more lines: about one per seven sentences said, within bounds
        limit = limit or min(2 * LIMITS.get(kind, 5), max(LIMITS.get(kind, 5), round(len(self.all) / 7)))
        if kind == "chapters":
            return self.chapters(limit)
        scores = {i: self.score(s, kind) for i, s in enumerate(self.all) if i not in exclude}
        scores = {i: v for i, v in scores.items() if v > 0}
        chosen: list[int] = []
        while scores and len(chosen) < limit:  # the best, but not twice the same thing said
            def value(i):
                words = content_words(self.all[i].text)
                like = max((len(words & content_words(self.all[j].text)) / max(1, len(words)) for j in chosen),
                           default=0.0)
                return scores[i] * (1.0 - 0.6 * like)
            best = max(scores, key=value)
            chosen.append(best)
            del scores[best]
        return [self.all[i] for i in sorted(chosen)]  # in the order said

    def chapters(self, limit: int) -> list[Sentence]:
        """The most central sentence of each stretch of the meeting."""
        if not self.all:
            return []
        n = min(limit, max(1, len(self.all) // 4))
        size = math.ceil(len(self.all) / n)
        return [max(self.all[i:i + size], key=self.centrality) for i in range(0, len(self.all), size)]

    def line(self, s: Sentence, kind: str) -> str:
        who = f"**{s.speaker}:** " if s.speaker else ""
        if kind == "actions":
            owner, due = owner_in(s), due_of(s.text)
            tags = " · ".join(x for x in (owner and f"**Owner:** {owner}", due and f"**Due:** {due}") if x)
            return f"- {who}{s.text} {time_link(s.start)}" + (f" — {tags}" if tags else "")
        return f"- {who}{s.text} {time_link(s.start)}"

    def section(self, heading: str, used: set[int]) -> tuple[str, list[Sentence]]:
        """A section's Markdown and the sentences it holds; *used* keeps a sentence in
        one section only (a decision is not repeated as a summary line)."""
        kind = kind_of(heading)
        chosen = self.pick(kind, exclude=used if kind not in ("summary", "chapters") else frozenset())
        used.update(self.all.index(s) for s in chosen)
        if not chosen:
            return "None recorded.", []
        return "\n".join(self.line(s, kind) for s in chosen), chosen
