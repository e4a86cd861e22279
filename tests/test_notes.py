"""Notes that never invent: every line was said and links to when; what an LLM writes is
kept only when the recording holds it. Real workers and tiny.en for the end-to-end case."""

import re
import subprocess
import sys

import pytest

from app.templates import text_of
from tests.helpers import REPO
from workers.engines.grounding import source_index, unsupported
from workers.engines.llm import GroundedSummarizer, Template

LINK = re.compile(r"\[(\d+):(\d\d)\]\(#t=([\d.]+)\)")  # [0:42](#t=41.5): the transcript's time format


def minutes_template() -> Template:
    return Template.parse(text_of(REPO, "meeting_minutes"))


def said_at(segments, line: str) -> bool:
    """The line's words are those of the segments around its time link."""
    match = LINK.search(line)
    assert match, f"no time link in {line!r}"
    at = float(match[3])
    text = LINK.sub("", line).split(" — ")[0].lstrip("- ").strip()
    nearby = " ".join(s["text"] for s in segments if s["start"] - 30 <= at <= s["end"] + 1).lower()
    words = [w for w in re.findall(r"[a-z']+", text.lower()) if len(w) > 3]
    return sum(w in nearby for w in words) >= 0.8 * len(words)


@pytest.mark.stack
def test_minutes_of_a_meeting_through_the_workers_are_grounded(tmp_path, corpus):
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(tmp_path / "d"), "transcribe",
                           str(corpus / "meeting1_product_sync.mp3"), "--summary", "--format", "json",
                           "--out", str(out)], capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    import json

    segments = json.loads((out / "meeting1_product_sync.json").read_text())["segments"]
    notes = (out / "meeting1_product_sync.summary.md").read_text()
    assert [h for h in re.findall(r"^## (.+)$", notes, re.M)] == ["Summary", "Decisions", "Action items",
                                                                   "Open questions"]
    actions = notes.split("## Action items")[1].split("## ")[0]
    assert "**Owner:** Maria" in actions and "replica" in actions
    assert "Thursday" in actions
    lines = [line for line in notes.splitlines() if line.startswith("- ")]
    assert len(lines) >= 6 and all(said_at(segments, line) for line in lines)
    index = source_index(" ".join(s["text"] for s in segments))
    assert not [v for line in lines for v in unsupported(line, index)]


class ScriptedModel:
    """Stands in for the LLM's answer only: the test feeds a rewrite with one invented
    sentence (a date and a name the meeting never said) to see the check drop it."""

    path = "scripted.gguf"

    def __init__(self, reply: str):
        self.reply = reply

    def generate(self, source, instruction, max_tokens, on_text=None):
        # the actions section gets the scripted rewrite; the others, their own lines back
        return self.reply if "Second, update the runbook" in source else source


def segments_of(name: str, corpus) -> list[dict]:
    sentences = re.split(r"(?<=[.?!])\s+", (corpus / f"{name}.txt").read_text().strip())
    return [{"start": 5.0 * i, "end": 5.0 * i + 5, "text": s} for i, s in enumerate(sentences)]


def test_a_generated_line_the_recording_does_not_hold_is_dropped(corpus):
    segments = segments_of("meeting2_incident_review", corpus)
    reply = ("- Add automated checks that warn a month before any certificate expires.\n"
             "- Priya will email the runbook to ops@example.com by March 3.\n"
             "- Update the runbook with the correct dependencies.")
    result = GroundedSummarizer(minutes_template(), ScriptedModel(reply)).summarize(segments)
    actions = next(s for s in result["sections"] if s["heading"] == "Action items")["text"]
    assert "Priya" not in result["markdown"] and "example.com" not in result["markdown"]
    assert "certificate expires" in actions and "correct dependencies" in actions
    assert [d["text"] for d in result["dropped"]] == ["Priya will email the runbook to ops@example.com by March 3."]
    assert "left out" in result["markdown"]


def test_a_long_transcript_is_still_grounded(corpus):
    """The four meetings joined (about 6 minutes): every line is a said sentence at its time."""
    segments, offset = [], 0.0
    for name in ("meeting1_product_sync", "meeting2_incident_review", "meeting3_budget_planning",
                 "meeting4_customer_research"):
        part = segments_of(name, corpus)
        segments += [dict(s, start=s["start"] + offset, end=s["end"] + offset) for s in part]
        offset = segments[-1]["end"]
    result = GroundedSummarizer(minutes_template()).summarize(segments)
    lines = [line for line in result["markdown"].splitlines() if line.startswith("- ")]
    assert len(lines) >= 8 and all(said_at(segments, line) for line in lines)
    assert max(float(LINK.search(line)[3]) for line in lines) > offset / 2  # not only the first meeting
    assert not result["dropped"]
