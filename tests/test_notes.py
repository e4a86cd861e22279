"""Notes that never invent: every line was said and links to when; what an LLM writes is
kept only when the recording holds it. Real workers and tiny.en for the end-to-end case."""

import re
import subprocess
import sys
from pathlib import Path

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
    assert "Maria is looking into" in actions and "replica" in actions  # the owner named in the line
    assert "Thursday" in notes.split("## Open questions")[1]  # a decision asked for by Thursday
    lines = [line for line in notes.splitlines() if line.startswith("- ")]
    assert len(lines) >= 4 and all(said_at(segments, line) for line in lines)
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
        return self.reply if "runbook with" in source.lower() else source


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
    assert "Left out: model lines naming what was not said." in result["markdown"]


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


# --- what a minute-taker writes (the picker alone: pure Python, milliseconds) -------------------

MEETINGS = ("meeting1_product_sync", "meeting2_incident_review", "meeting3_budget_planning",
            "meeting4_customer_research")


def sections_of(markdown: str) -> dict[str, str]:
    from workers.engines.minutes import kind_of

    parts = re.split(r"^## (.+)$", markdown, flags=re.M)
    return {kind_of(parts[i]): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def words(text: str) -> int:
    from workers.engines.minutes import words_in

    return words_in("\n".join(line for line in text.splitlines() if not line.startswith("#")))


@pytest.mark.parametrize("name", MEETINGS)
def test_a_meetings_notes_are_a_quarter_of_it_with_each_labelled_decision_and_action_under_its_heading(
        name, corpus):
    """The labelled set (bench/notes_labels.json, written from the reference texts): every
    labelled decision and action is under its heading, nothing under a heading is from a
    sentence that belongs elsewhere, and the notes are at most a quarter of the words."""
    import json

    from workers.engines.grounding import content_words

    labels = json.loads((REPO / "bench" / "notes_labels.json").read_text())[name]
    segments = segments_of(name, corpus)
    notes = GroundedSummarizer(minutes_template()).summarize(segments)["markdown"]
    assert words(notes) <= 0.25 * sum(words(s["text"]) for s in segments), notes
    found = sections_of(notes)

    def under(kind: str, item: dict) -> bool:  # a line may hold the short sentence before it: either part
        wanted = content_words(item["text"])
        return any(len(content_words(part) & wanted) >= max(2, 0.5 * len(content_words(part)))
                   for line in found.get(kind, "").splitlines() if line.startswith("- ")
                   for part in re.split(r"(?<=\.) ", line))

    for item in labels:
        if item["heading"] in ("decisions", "actions"):
            assert under(item["heading"], item), f"{item['text']!r} is not under {item['heading']}:\n{notes}"
    for kind in ("decisions", "actions", "questions"):
        for line in (x for x in found.get(kind, "").splitlines() if x.startswith("- ")):
            line = re.split(r"(?<=\.) ", LINK.sub("", line).strip())[-1]  # the item, after a sentence that says who
            item = max(labels, key=lambda i: len(content_words(i["text"]) & content_words(line)), default=None)
            assert item and (item["heading"] == kind or kind in item.get("also", ())), \
                f"{line!r} does not belong under {kind}:\n{notes}"


def test_an_enumerated_action_is_one_line_even_when_the_recogniser_cuts_it(corpus):
    """tiny.en once wrote "Third, schedule a short. Training session …": the item is one action."""
    segments = segments_of("meeting2_incident_review", corpus)
    third = next(i for i, s in enumerate(segments) if s["text"].startswith("Third,"))
    cut = segments[third]["text"].split(" training ")
    segments[third:third + 1] = [dict(segments[third], text=cut[0] + "."),
                                 dict(segments[third], text="Training " + cut[1])]
    actions = sections_of(GroundedSummarizer(minutes_template()).summarize(segments)["markdown"])["actions"]
    lines = [line for line in actions.splitlines() if line.startswith("- ")]
    assert len(lines) == 3, actions
    assert "schedule short training session" in lines[2].lower(), lines[2]  # note style: no article
    # its purpose ("so that more people are comfortable …") says no number, name or day: left out for room
    assert "so that" not in lines[2] and "comfortable" not in lines[2], lines[2]
    assert "certificate expires" in lines[0] and "correct dependencies" in lines[1]


def test_past_events_the_agenda_and_rhetorical_questions_are_under_no_heading(corpus):
    one = sections_of(GroundedSummarizer(minutes_template()).summarize(
        segments_of("meeting1_product_sync", corpus))["markdown"])
    two = sections_of(GroundedSummarizer(minutes_template()).summarize(
        segments_of("meeting2_incident_review", corpus))["markdown"])
    assert "quick round of updates" not in one["decisions"] and "closed on Monday" not in one["actions"]
    assert "decision on that by thursday" in one["questions"].lower()  # asked for, not made
    assert "roll it back" not in two["actions"] and "follow up actions" not in two["actions"]
    # none were asked or made: the heading says so in two words
    assert two["questions"].strip() == "None recorded." and two["decisions"].strip() == "None recorded."


def test_the_cues_are_the_general_language_of_meetings_not_the_corpus_wording():
    """Phrases each found in one corpus meeting (and key facts of the benchmark) tuned the
    picker to the test once; none of them may be a cue again."""
    source = (REPO / "workers" / "engines" / "minutes.py").read_text().lower()
    copied = ("first, add", "second, update", "third, schedule", "the goal of this meeting", "start interviewing",
              "hesitant", "the first theme", "we could release", "if we cannot", "the quarterly review",
              "a month before", "the spring", "big picture", "main themes", "short version", "root cause")
    assert not [p for p in copied if p in source]


def test_a_long_meeting_gets_about_a_page():
    """An hour of meeting (here the same half-hour of talk, said twice) is held to about a page."""
    from workers.engines.minutes import PAGE_WORDS

    said = ["We agreed to move the launch to the second week of May.",
            "Tom will send the updated draft to the design team by Thursday.",
            "The support pages for the launch still need new screenshots of the app.",
            "What if the store review takes longer than a week this time?"]
    segments = [{"start": 5.0 * i, "end": 5.0 * i + 5, "text": f"{said[i % 4]} Item {i} is noted."}
                for i in range(1600)]
    notes = GroundedSummarizer(minutes_template()).summarize(segments)["markdown"]
    assert words(notes) <= PAGE_WORDS and "## Decisions" in notes


# --- notes follow the transcript ------------------------------------------------------------------

def meeting_job(store, corpus, speakers: bool = True) -> str:
    """A finished job of meeting 1 (its reference sentences), two speakers, with grounded notes."""
    from app.store import jobstore as js
    from workers.engines.minutes import transcript_digest

    job_id = store.create_job("/recordings/sync.mp3", stages=["transcribe", "summarize", "index"])
    segments = segments_of("meeting1_product_sync", corpus)
    store.save_transcript(job_id, {"language": "en", "duration": segments[-1]["end"], "text": "",
                                   "segments": segments})
    if speakers:
        store.save_speakers(job_id, {"segments": [dict(s, speaker=str(1 + (i > 5)), source=i)
                                                  for i, s in enumerate(segments)],
                                     "speakers": [{"key": "1", "seconds": 30.0}, {"key": "2", "seconds": 40.0}]})
    said = store.note_segments(job_id)
    store.save_summary(job_id, dict(GroundedSummarizer(minutes_template()).summarize(said),
                                    transcript_digest=transcript_digest(said)))
    for stage in ("transcribe", "summarize", "index"):
        store.update_stage(job_id, stage, state=js.DONE)
    return job_id


def test_an_edit_a_name_a_merge_and_an_undo_refresh_the_grounded_notes(tmp_path, corpus):
    from app.store.jobstore import JobStore

    store = JobStore(tmp_path / "earmark.db")
    try:
        job_id = meeting_job(store, corpus)
        notes = lambda: store.summaries(job_id)[0]["markdown"]  # noqa: E731
        questions = lambda: sections_of(notes())["questions"]  # noqa: E731
        assert "**Speaker 1:**" in notes() and "Maria is looking into" in notes()
        idx = next(s["idx"] for s in store.segments(job_id) if "Maria" in s["text"])
        store.edit_segment(job_id, idx, "Priya is looking into whether we can move those reports to a replica.")
        assert "Priya is looking into" in notes() and "Maria is looking" not in notes()
        store.rename_speaker(job_id, "1", "Maria")
        assert "**Maria:**" in notes() and "**Speaker 1:**" not in notes()
        store.merge_speakers(job_id, "2", "1")
        assert "**Speaker 2:**" not in notes()
        store.undo_speaker_edit(job_id)
        assert "**Speaker 2:**" in notes()
        store.revert_segment(job_id, idx)
        assert "Maria is looking into" in notes()
        # a heading with nothing says so, and has its line again when an edit gives it something to say
        assert "decision on that" in questions().lower()
        ask = next(s["idx"] for s in store.segments(job_id) if "decision on that" in s["text"])
        store.edit_segment(job_id, ask, "Please share your opinions in the channel.")
        assert questions().strip() == "None recorded."
        store.edit_segment(job_id, ask, "We still need to decide whether to ship with a size limit by Thursday.")
        assert "size limit by Thursday" in questions()
        assert store.outdated_notes(job_id) == []  # grounded notes are never older than the transcript
        store.rename_speaker(job_id, "2", "Ben")
        store.close()
        store = JobStore(tmp_path / "earmark.db")  # after a restart: the fresh notes are what was stored
        assert "size limit by Thursday" in questions() and "**Ben:**" in notes() and "**Maria:**" in notes()
        assert store.outdated_notes(job_id) == []
    finally:
        store.close()


def test_grounded_notes_of_words_edited_while_they_were_made_follow_the_edit(tmp_path, corpus):
    """Review round 11: the notes stage is sent the transcript as it is; a line edited while it
    ran came back as grounded notes of the old words, saved as they were and marked older than
    the transcript (Refresh offered), though grounded notes follow every edit at once."""
    import time

    from app.store.jobstore import JobStore
    from workers.engines.minutes import transcript_digest

    store = JobStore(tmp_path / "earmark.db")
    try:
        job_id = meeting_job(store, corpus)
        store._db.execute("DELETE FROM summaries WHERE job_id=?", (job_id,))  # the stage runs again …
        sent = store.note_segments(job_id)
        row = next(s["idx"] for s in sent if "Maria" in s["text"])
        store.edit_segment(job_id, row, "Priya is looking into moving the nightly reports to a replica.")  # … an edit
        result = dict(GroundedSummarizer(minutes_template()).summarize(sent), transcript_digest=transcript_digest(sent))
        store.update_stage(job_id, "summarize", state="running")
        assert store.finish_stage(job_id, "summarize", "summary", result, time.time())
        [notes] = store.summaries(job_id)
        assert "Priya is looking into" in notes["markdown"] and "Maria is looking into" not in notes["markdown"]
        assert store.outdated_notes(job_id) == []
        # notes an LLM condensed are kept as they came, and said to be older
        store.edit_segment(job_id, row, "Omar is looking into moving the nightly reports to a replica.")
        store.save_summary(job_id, dict(result, engine="grounded+llm"))
        assert "Maria is looking into" in store.summaries(job_id)[0]["markdown"]  # as the LLM wrote them
        assert store.outdated_notes(job_id) == [result["template"]]
    finally:
        store.close()


def test_notes_an_llm_condensed_say_when_the_transcript_is_newer(tmp_path, corpus):
    import json

    from app.store.jobstore import JobStore

    store = JobStore(tmp_path / "earmark.db")
    try:
        job_id = meeting_job(store, corpus, speakers=False)
        [row] = store._q("SELECT result FROM summaries WHERE job_id=?", (job_id,))
        result = dict(json.loads(row["result"]), engine="grounded+llm", markdown="# Meeting minutes\n\nCondensed.")
        store.save_summary(job_id, result)
        assert store.outdated_notes(job_id) == []
        store.edit_segment(job_id, 0, "Good morning everyone.")
        assert store.outdated_notes(job_id) == ["Meeting minutes"]
        assert store.summaries(job_id)[0]["markdown"].endswith("Condensed.")  # not rewritten by the store
    finally:
        store.close()


@pytest.mark.gui
@pytest.mark.stack
def test_an_edit_and_a_rename_in_the_window_refresh_the_summary_tab_and_search(qtbot, shared_window, corpus):
    """Through the real window: a segment edited in the transcript and a speaker named in
    its speaker column; the Summary tab shows the new words and the name at once, and
    search finds the notes' new words once the job is indexed again."""
    from PySide6.QtCore import Qt

    window = shared_window
    store = window.controller.store
    job_id = meeting_job(store, corpus)
    window.open_job(job_id)
    window.tabs.setCurrentWidget(window.summary)
    shown = lambda: window.summary.text.toPlainText()  # noqa: E731
    assert "Maria is looking into" in shown() and "Speaker 1:" in shown()
    model = window.transcript.model
    row = next(r for r, s in enumerate(model.segments) if "Maria" in s["text"])
    assert model.setData(model.index(row, 1),  # the text column
                         "Priya is looking into moving the nightly reports to a replica.", Qt.EditRole)
    qtbot.waitUntil(lambda: "Priya is looking into" in shown(), timeout=5_000)
    assert "Maria is looking into" not in shown()
    assert model.setData(model.index(0, model.speaker_column), "Maria", Qt.EditRole)
    qtbot.waitUntil(lambda: "Maria:" in shown() and "Speaker 1:" not in shown(), timeout=5_000)
    assert not window.summary.refresh_button.isVisible()  # grounded notes are never out of date
    qtbot.waitUntil(lambda: any(h["kind"] == "summary" and h["job_id"] == job_id
                                for h in store.search("Priya nightly replica")), timeout=60_000)

    # notes an LLM condensed before the last edit: the tab says they are older, one click makes them again
    import json

    [row] = store._q("SELECT result FROM summaries WHERE job_id=?", (job_id,))
    store.save_summary(job_id, dict(json.loads(row["result"]), engine="grounded+llm", transcript_digest="before"))
    window.summary.refresh()
    assert window.summary.refresh_button.isVisible() and "older than the transcript" in window.summary.state.text()
    qtbot.mouseClick(window.summary.refresh_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: store.outdated_notes(job_id) == [] and not window.summary.refresh_button.isVisible(),
                    timeout=60_000)


def test_the_windows_export_writes_the_fresh_notes_beside_the_transcript(qtbot, data_dir, tmp_path, corpus):
    """Review round 11 (the walk): File › Export wrote the transcript (Markdown, TXT) but never
    the notes, so a person could not hand out the minutes the Summary tab shows. The dialog
    offers them (on by default, remembered), and they are the notes after the person's edit.
    (The job is written to the real store: what is tested is the window's export.)"""
    from PySide6.QtCore import Qt

    from app.gui.export_dialog import ExportDialog
    from app.settings import Settings
    from tests.test_gui import close_window, open_window

    window = open_window(qtbot, data_dir, start=False)
    try:
        store = window.controller.store
        job_id = meeting_job(store, corpus)
        window._dirty = True
        window._refresh_if_dirty()
        window.open_job(job_id)
        model = window.transcript.model
        row = next(r for r, s in enumerate(model.segments) if "Maria" in s["text"])
        assert model.setData(model.index(row, 1), "Priya is looking into moving the nightly reports to a replica.",
                             Qt.EditRole)
        window.table.selectRow(0)

        def export(formats: tuple[str, ...], notes: bool, folder: str) -> list[str]:
            window.export_dialog()
            dialog = window.export_box
            assert isinstance(dialog, ExportDialog)
            for fmt, box in dialog.checks.items():
                box.setChecked(fmt in formats)
            dialog.notes.setChecked(notes)
            dialog.folder.setText(str(tmp_path / folder))
            with qtbot.waitSignal(window.controller.exported, timeout=10_000) as written:
                dialog.accept()
            return sorted(Path(p).name for p in written.args[0])

        window.export_dialog()  # on by default
        assert window.export_box.notes.isChecked()
        window.export_box.reject()
        assert export(("md", "txt"), True, "both") == ["sync.md", "sync.summary.md", "sync.txt"]
        notes = (tmp_path / "both" / "sync.summary.md").read_text()
        assert notes == store.summaries(job_id)[0]["markdown"] and "Priya is looking into" in notes
        assert notes.startswith("# ") and "## Action items" in notes
        desk = window.controller.desk  # the automatic export (export_when_done) writes them too
        desk._auto_write([job_id], ["txt"], str(tmp_path / "auto"))
        assert sorted(Path(p).name for p in desk._exported[job_id]) == ["sync.summary.md", "sync.txt"]
        assert export(("md",), False, "md") == ["sync.md"]  # asked not to
        assert not Settings(data_dir / "settings.json")["export_notes"]  # remembered, as the formats are
    finally:
        close_window(qtbot, window)


def test_a_hit_in_the_notes_is_its_whole_line_with_that_lines_time(tmp_path, corpus):
    """Search shows a hit in the notes as the line that holds the words, with its own time:
    the snippet used to start or end inside a time link ("…0) Maria: …", "… [0…") and took
    the time of the line before it, or none."""
    import json

    from app.store.jobstore import JobStore
    from workers.tasks import index

    store = JobStore(tmp_path / "earmark.db")
    try:
        job_id = meeting_job(store, corpus)
        [row] = store._q("SELECT result FROM summaries WHERE job_id=?", (job_id,))
        markdown = json.loads(row["result"])["markdown"]
        store.save_passages(job_id, index(job_id, [], summaries=[{"markdown": markdown}]))
        lines = [line for line in markdown.splitlines() if "](#t=" in line]
        assert len(lines) >= 3, markdown
        for line in lines:
            words = [w for w in re.findall(r"[a-z]{5,}", line.split("**")[-1].split("[")[0].lower())][-2:]
            hits = [h for h in store.search(" ".join(words)) if h["kind"] == "summary"]
            assert hits, (words, line)
            at = float(re.search(r"#t=([\d.]+)", line)[1])
            assert hits[0]["at"] == at, (words, line, hits[0])
            assert "#t=" not in hits[0]["snippet"] and not re.search(r"…\S*\)|\[\d", hits[0]["snippet"]), hits[0]
    finally:
        store.close()


@pytest.mark.gui
def test_revert_and_undo_are_offered_only_when_there_is_something_to_put_back(qtbot, tmp_path, corpus):
    """A transcript just opened offered "Revert edit" and "Undo speaker edit", and pressing
    them did nothing: each is offered once there is an edit it puts back (revert: on a
    selected line that was edited)."""
    from PySide6.QtCore import Qt

    from app.gui.transcript_view import TEXT, TranscriptWidget
    from app.store.jobstore import JobStore

    store = JobStore(tmp_path / "earmark.db")
    try:
        view = TranscriptWidget(store)
        qtbot.addWidget(view)
        view.open_job(meeting_job(store, corpus))
        model = view.model
        view.table.selectRow(0)
        assert not view.revert_button.isEnabled() and not view.undo_button.isEnabled()
        assert not view.undo_speakers.isEnabled()
        assert model.setData(model.index(0, TEXT), "Good morning all, and thanks for coming.", Qt.EditRole)
        assert view.revert_button.isEnabled()
        view.table.selectRow(1)
        assert not view.revert_button.isEnabled()  # that line was not edited
        view.table.selectRow(0)
        qtbot.mouseClick(view.revert_button, Qt.LeftButton)
        assert not model.segments[0].get("original_text") and not view.revert_button.isEnabled()
        assert model.setData(model.index(0, model.speaker_column), "Maria", Qt.EditRole)
        assert view.undo_button.isEnabled() and view.undo_speakers.isEnabled()
        qtbot.mouseClick(view.undo_button, Qt.LeftButton)
        assert model.segments[0]["speaker_label"] != "Maria" and not view.undo_button.isEnabled()
    finally:
        store.close()


def said(*sentences: str) -> list[dict]:
    return [{"start": 4.0 * i, "end": 4.0 * i + 4, "text": s} for i, s in enumerate(sentences)]


def test_a_decision_said_again_in_the_recap_is_one_line():
    from workers.engines.minutes import Minutes

    segments = said("Good morning, this is the planning call for the spring open day at the library.",
                    "After some back and forth we agreed to move the open day to the ninth of May.",
                    "The caretaker has the keys and the chairs are already stacked in the storage room.",
                    "Tom will order the name badges from the printer before the end of the month.",
                    "The printer quoted forty euros for two hundred badges, which is fine for our budget.",
                    "The reading room will stay open during the event, with quiet tables for those who study.",
                    "Children's activities run in the basement, where the craft materials from last year still are.",
                    "Parking is limited, so the flyer should point visitors to the tram stop across the square.",
                    "The local paper offered a short interview, and the editor would like photos of the reading room.",
                    "Coffee and cake come from the baker by the station, who delivered for the autumn event too.",
                    "Last year about three hundred people came, most of them in the first two hours.",
                    "The volunteers' rota is in the shared calendar, and two shifts still have a free slot.",
                    "Signs for the entrance were printed in March and are in the office cupboard.",
                    "The fire exits must stay clear, which the caretaker checks on the morning itself.",
                    "Feedback cards from last year asked for more seating near the children's corner.",
                    "So to recap, we agreed to move the open day to the ninth of May.",
                    "Thanks everyone, see you next week.")
    notes = Minutes(segments).notes(["Summary", "Decisions", "Action items"])
    decisions = [line.text for line in notes["Decisions"]]
    assert len(decisions) == 1 and "ninth of May" in decisions[0], decisions
    assert any("Tom will order name badges" in line.text for line in notes["Action items"]), notes
    assert not any("recap" in line.text for lines in notes.values() for line in lines), notes


def test_a_listed_line_leaves_out_fillers_and_an_aside_that_says_no_number_name_or_day():
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("We will really need to book the hall again, because the old one is too small.",
                           "First, book the hall, because Anna is away in June.",
                           "Second, order the chairs, because the old ones are too small."))
    filler, named, plain = minutes.all
    assert minutes.shorten(filler, "actions") == "Need to book hall again."
    # an enumerated item keeps its clauses, but a reason that says no number, name or day goes
    assert minutes.shorten(named, "actions") == "Book hall, because Anna is away in June."
    assert minutes.shorten(plain, "actions") == "Order chairs."


def test_a_listed_line_whose_only_cue_is_an_aside_keeps_it_and_the_notes_are_made():
    """Review round 11 (the walk): a sentence whose only cue ("will") sits in an aside ("because
    they will …") lost that clause too, left nothing, and the whole summary stage failed with an
    IndexError (no notes, and the job's index never ran). Said in our own words."""
    from workers.engines.minutes import Minutes, note_style

    minutes = Minutes(said("Hardly any, and someone who knows ovens, because they will always bring ovens."))
    [sentence] = minutes.all
    line = minutes.shorten(sentence, "actions")
    assert re.search(r"\w", line) and "ovens" in line, line
    notes = GroundedSummarizer(minutes_template()).summarize(
        said("We met in the hall to plan the fair.",
             "Hardly any, and someone who knows ovens, because they will always bring ovens."))
    assert notes["markdown"].startswith("# ") and not re.search(r"^- [.?!]?\s", notes["markdown"], re.MULTILINE)
    for kind in ("actions", "decisions", "questions", "summary"):  # a clause that is all left out
        assert note_style(".", kind) == "."


def test_an_action_that_says_them_keeps_the_short_sentence_before_that_says_who_when_it_fits():
    from workers.engines.minutes import Minutes

    segments = said("The caretaker has the keys and the chairs are already stacked in the storage room.",
                    "Last year about three hundred people came, most of them in the first two hours.",
                    "The volunteers' rota is in the shared calendar, and two shifts still have a free slot.",
                    "There is a request from the design team for new laptops.",
                    "I have asked them for three quotes by Friday.",
                    "Signs for the entrance were printed in March and are in the office cupboard.",
                    "Feedback cards from last year asked for more seating near the children's corner.")
    minutes = Minutes(segments)
    actions = [line.text for line in minutes.notes(["Summary", "Action items"])["Action items"]]
    assert actions == ["Request from design team for new laptops. "
                       "I have asked them for three quotes by Friday."], actions
    # a long sentence before is a story of its own: the action stays alone
    long_before = segments[:3] + [dict(segments[3], text="There is a request from the design team, who have been "
                                                         "waiting since the spring for the budget to clear, for new "
                                                         "laptops.")] + segments[4:]
    alone = Minutes(long_before).notes(["Summary", "Action items"])["Action items"]
    assert [line.text for line in alone] == ["I have asked them for three quotes by Friday."], alone


def test_fillers_hedges_and_restarts_are_left_out_and_every_other_word_is_as_said():
    from workers.engines.minutes import Minutes, condense

    cases = {"I'm going to go ahead and ask three printers for prices by next Friday.":
             "I'm going to ask three printers for prices by next Friday.",
             "I think we should, you know, tell the tenants as early as we can.":
             "we should tell the tenants as early as we can.",
             "Yes, I'll post the notice on Thursday, um, once the times are fixed.":
             "Yes, I'll post the notice on Thursday once the times are fixed.",
             "We we need to, to book the the hall.": "We need to book the hall.",
             # "just" before a number or an article means "only"; "had had" is grammar, not a restart
             "It is just two people, and I had had enough.": "It is just two people, and I had had enough.",
             "We just need the designer, just the designer.": "We need the designer, just the designer."}
    for said_text, short in cases.items():
        assert condense(said_text) == short
        words = iter(said_text.lower().replace(",", " ").split())
        assert all(w in words for w in short.lower().replace(",", " ").split()), short  # a subsequence
    minutes = Minutes(said("Um, so basically I'm going to go ahead and book the moving company by Friday."))
    assert minutes.shorten(minutes.all[0], "actions") == "Book moving company by Friday."  # note style


def test_a_summary_may_take_one_main_clause_of_a_long_sentence():
    from workers.engines.minutes import Minutes, main_clauses

    long = ("Once the team found the expired certificate, the engineers renewed it and the error rate dropped "
            "back to normal shortly afterwards")
    assert "the engineers renewed it" in main_clauses(long)
    assert "the error rate dropped back to normal shortly afterwards" in main_clauses(long)
    # "and" inside a noun phrase joins no clauses
    assert main_clauses("We have approval for two new engineers and one designer") == []
    minutes = Minutes(said(long + "."))
    assert "Engineers renewed it." in minutes.clauses(minutes.all[0], "summary")


def test_a_summary_clause_that_points_back_at_its_end_is_not_a_line_alone():
    """ "… could no longer connect to it" says nothing without the clause that says what "it" is."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("The certificate of the login service had expired and the payment gateway could no "
                           "longer connect to it."))
    options = minutes.clauses(minutes.all[0], "summary")
    assert "Certificate of login service had expired." in options, options
    assert not [o for o in options if o.endswith("connect to it.")], options


def is_subsequence(short: str, said_text: str) -> bool:
    words = iter(re.findall(r"[\w'’-]+", said_text.lower()))
    return all(w in words for w in re.findall(r"[\w'’-]+", short.lower()))


def test_a_note_style_line_leaves_out_words_but_never_a_negation_a_number_a_day_or_a_condition():
    """Note-style lines (issue 31, round 4): a minute-taker's line, its words a subsequence
    of one said sentence; what carries a fact or turns the meaning stays."""
    from workers.engines.minutes import note_style

    cases = {("We will not order the new chairs before the end of the month.", "actions"):
             "We will not order new chairs before the end of the month.",  # "will not" stays whole
             ("I'll send the three quotes to Anna by Friday.", "actions"): "Send three quotes to Anna by Friday.",
             ("We agreed to rent a van for a week if the hall is free.", "decisions"):
             "Rent van for a week if hall is free.",
             ("There is no budget for the very last shuttle.", "summary"): "No budget for last shuttle.",
             ("The posters are printed and the stage has been booked.", "summary"): "Posters printed and stage booked.",
             ("We decided on Tuesday to keep the old server.", "decisions"):
             "We decided on Tuesday to keep old server.",  # the day it was decided stays, and so its frame
             # round 6: "let's" and a subject before "need to" say no fact; "let's not" stays whole
             ("Let's ask the school choir first.", "decisions"): "Ask school choir first.",
             ("Let's not book the band this year.", "decisions"): "Let's not book band this year.",
             ("We need to check the insurance before the festival.", "actions"):
             "Need to check insurance before festival.",
             ("Mira, will you arrange a tour for next week?", "actions"): "Mira, arrange tour for next week."}
    for (said_text, kind), short in cases.items():
        assert note_style(said_text, kind) == short
        assert is_subsequence(short, said_text), short


def test_a_phrase_line_keeps_what_qualifies_it_and_every_negation():
    from workers.engines.minutes import phrases

    found = phrases("Almost all guests did not bring coats to the hall, since the van from the depot had arrived late")
    assert found and all(is_subsequence(p, "Almost all guests did not bring coats to the hall, since the van from "
                                           "the depot had arrived late") for p in found)
    assert not [p for p in found if p.lower().startswith(("all guests", "guests"))], found  # "almost" stays
    assert not [p for p in found if "bring" in p and "not" not in p], found  # the negation stays
    assert not [p for p in found if p.lower().startswith(("hall", "depot", "arrived"))], found  # no object or verb alone
    # a number is not cut from what it counts
    assert not [p for p in phrases("Later the van brought forty chairs to the hall") if p.endswith("forty.")]
    assert "Van brought forty chairs." in phrases("Later the van brought forty chairs to the hall")
    # a said "that" clause keeps its verb: not "Caretaker said that the new boiler."
    told = phrases("The caretaker said that the new boiler was installed on time")
    assert "Caretaker said that the new boiler was installed." in told
    assert not [p for p in told if p.endswith(("boiler.", "that.", "new boiler."))], told


def test_a_question_a_reply_says_is_not_decided_is_the_open_question():
    from workers.engines.minutes import Minutes

    segments = said("The caretaker has the keys and the chairs are already stacked in the storage room.",
                    "The printer quoted forty euros for two hundred badges, which is fine for our budget.",
                    "Who is going to run the information stand on Saturday afternoon?",
                    "That is not decided yet, we will see next week.",
                    "The fire exits must stay clear, which the caretaker checks on the morning itself.")
    questions = Minutes(segments).notes(["Summary", "Open questions"])["Open questions"]
    assert [line.text for line in questions] == ["Who is going to run information stand on Saturday afternoon?"]


def test_over_the_budget_an_action_is_said_in_fewer_words_before_one_is_left_out(monkeypatch):
    """The lead's rule for round 4: compress each line harder rather than drop whole facts;
    a shorter line keeps its numbers, days and negations and is still said words in order."""
    from workers.engines import minutes as m

    segments = said("So the plan for the garden party on the lawn behind the old library is mostly settled now.",
                    "We will order forty folding chairs for the tent from the rental shop in the next town over.",
                    "I will ask the bakery about sixty small cakes, the ones with the lemon icing that people liked.",
                    "We need to print the programme on Friday in the copy room on the second floor of the town hall.",
                    "I am going to call the caretaker tomorrow about the keys to the side gate and the back door.",
                    "We will not hang the lights in the trees this time, because the branches are too high.",
                    "Thanks everyone, see you next week.")

    def actions() -> list[str]:
        return [line.text for line in m.Minutes(segments).notes(["Summary", "Action items"])["Action items"]]

    short = actions()
    monkeypatch.setattr(m, "KEEP", 2.0)  # no shorter reading is ever enough: lines are only left out
    whole = actions()
    assert len(short) > len(whole), (short, whole)
    for line in short:
        source = next(s["text"] for s in segments if is_subsequence(line, s["text"]))
        said_facts = re.findall(r"\b(?:forty|sixty|Friday|tomorrow|not)\b", source)
        assert said_facts and all(f in line for f in said_facts), (line, source)


def test_a_question_the_next_sentence_answers_is_not_open_one_it_puts_off_is():
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("How many rooms does the new hall have for the workshops?",
                           "Six rooms, and two of them have projectors.",
                           "What do we do if the trains are on strike that day?",
                           "I honestly don't know that yet.",
                           "Who is going to drive the van to the fair next month?",
                           "Nobody yet, we will get back to that.",
                           "The caretaker has the keys and the chairs are stacked in the storage room."))
    assert [minutes.all[i].text for i, k in sorted(minutes.kinds.items()) if k == "questions"] == [
        "What do we do if the trains are on strike that day?", "Who is going to drive the van to the fair next month?"]
    assert minutes.kinds.get(5) is None  # "we will get back to that" puts the question off: no action of its own
    # "Let's leave that for the next meeting." puts it off too: the question is open, the reply no decision
    later = Minutes(said("Should we rent a bouncy castle for the children this summer?",
                         "Let's leave that for the next meeting.",
                         "The caretaker has the keys and the chairs are stacked in the storage room."))
    assert later.kinds == {0: "questions"} and later.put_off == {1}


def test_an_offer_a_request_by_name_and_a_named_list_item_are_actions_with_their_owner():
    """Commitments said without "will" (issue 31, round 5): "I can …" offers to do it, "Name,
    could you …?" gives it to someone (no open question), and an item of a task list says its
    owner first ("First, Bruno paints …"). "If I can …", "I can see why …" and "Then Tilda
    says …" are none of these; "we are going with …" is a decision."""
    from workers.engines.minutes import Minutes, owner_in

    minutes = Minutes(said("The garden shed needs a new lock before the winter starts.",
                           "I can order a new lock from the hardware shop on Friday.",
                           "Tilda, could you collect the spare keys from the caretaker?",
                           "So, the jobs for next time.",
                           "First, Bruno paints the fence behind the greenhouse.",
                           "Then, Tilda waters the seedlings while we are away.",
                           "If I can find the ladder, the gutter is easy to clear.",
                           "I can see why the roses did so badly this year after the rain.",
                           "Then Tilda says the compost is ready for the beds.",
                           "After the tasting we are going with the smaller caterer for the summer dinner."))
    kinds = {minutes.all[i].text: k for i, k in minutes.kinds.items()}
    assert kinds == {"I can order a new lock from the hardware shop on Friday.": "actions",
                     "Tilda, could you collect the spare keys from the caretaker?": "actions",
                     "First, Bruno paints the fence behind the greenhouse.": "actions",
                     "Then, Tilda waters the seedlings while we are away.": "actions",
                     "After the tasting we are going with the smaller caterer for the summer dinner.": "decisions"}
    owners = {s.text.split()[1]: owner_in(s) for s in minutes.all if kinds.get(s.text) == "actions"}
    assert owners == {"can": None, "could": "Tilda", "Bruno": "Bruno", "Tilda": "Tilda"}
    lines = [line.text for line in minutes.notes(["Action items"])["Action items"]]
    assert "Order new lock from hardware shop on Friday." in lines, lines  # "I can" goes: the speaker says who


def test_a_reply_that_only_says_it_is_open_is_neither_a_line_nor_a_summary_and_what_about_keeps_its_subject():
    """Round 5: "We haven't decided that yet." after a question makes the question the line
    (it says what is open) and is not taken for the summary either (it would say it twice);
    "What about the ferry? Does it run …?" keeps the short question before, which says what
    "it" is; a summary line says more than a number or a day."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("The boat club has two new canoes and the old jetty was repaired in the spring.",
                           "Who is going to drive the trailer to the regatta next month?",
                           "We haven't decided that yet.",
                           "The harbour office sends the new timetable on the fourth of October.",
                           "Ninety members renewed their membership for next year, twelve more than last year.",
                           "What about the ferry?",
                           "Does it still run on Sundays after the end of September?"))
    notes = minutes.notes(["Summary", "Open questions"])
    questions = [line.text for line in notes["Open questions"]]
    assert questions == ["Who is going to drive trailer to regatta next month?",
                         "What about ferry? Does it still run on Sundays after end of September?"], questions
    summary = [line.text for line in notes["Summary"]]
    assert summary and not [line for line in summary if "decided" in line], summary
    assert "Fourth of October." not in summary and "Ninety members." not in summary, summary
    one_day = minutes.clauses(minutes.all[3], "summary")
    assert one_day and all(set(o.lower().rstrip(".").split()) - {"the", "of", "fourth", "october"} for o in one_day)


def test_tonights_agenda_a_put_off_and_a_named_task_with_its_day_after_a_lead_in():
    """"Tonight we need to plan …" is the agenda; "Let's decide that next time." decides
    nothing; "So, to finish, Bruno sends … by Friday" is Bruno's task; a capitalised first
    word is no name ("Great news, …", "Both vans …")."""
    from workers.engines.minutes import Minutes, owner_in

    minutes = Minutes(said("Tonight we need to plan the harvest fair and the new rota.",
                           "Great news, the mayor opens the fair on Saturday at ten.",
                           "Both vans need new tyres before the end of the month.",
                           "Should we sell tea at the fair or leave that to the church?",
                           "I'm not sure yet.",
                           "Let's decide that next time.",
                           "So, to finish, Bruno sends the rota to every volunteer by Friday."))
    assert minutes.kinds == {3: "questions", 6: "actions"}, minutes.kinds
    assert owner_in(minutes.all[6]) == "Bruno"


def test_a_task_asked_by_name_and_the_reply_that_takes_it_on_are_one_line_owned_by_who_said_yes():
    """Round 6: "Mira, will you set up a visit?" "Yes, I'll arrange it." is one task: one line
    (the reply adds only the day, number or name it says), written as the note of it
    ("Mira, set up …"), its owner the one who said yes."""
    from workers.engines.minutes import Minutes

    segments = said("The community centre lease ends in June, so we need a new rehearsal room.",
                    "Mira, will you set up a tour of the art college?",
                    "Yes, I'll sort it with the head teacher.",
                    "Paul, can you book the sports hall for the awards evening?",
                    "Sure, I'll ring the janitor tomorrow.",
                    "Tilda, could you collect the spare keys from the caretaker?",
                    "I can do that, I'll pick them up on Friday.",
                    "The choir rehearses on Thursdays in the old school building near the station.",
                    "Both speakers confirmed on Sunday and the photographer comes to the rehearsal.",
                    "The parish asks sixty euros more for the lighting this winter.",
                    "Raffle sales look fine, we have sold ninety-five raffle tickets up to now.",
                    "The posters went up in the library, the bakery and the town hall last weekend.",
                    "Last year about three hundred people came, most of them families from the village.",
                    "The programme lists eleven songs, four of them new, and an interval of twenty minutes.",
                    "The jam stall at the summer fete raised about four hundred euros for the club.")
    for n, who in enumerate(["Hanna", "Hanna", "Mira", "Hanna", "Paul", "Hanna", "Bruno"]):
        segments[n]["speaker"] = who
    minutes = Minutes(segments)
    assert minutes.accepted == {1: 2, 3: 4, 5: 6} and set(minutes.kinds) == {1, 3, 5}, minutes.kinds
    lines = minutes.notes(["Summary", "Action items"])["Action items"]
    assert [line.text for line in lines] == [
        "Mira, set up tour of art college.",  # the reply says no day: the request says it all
        "Paul, book sports hall for awards evening. Ring janitor tomorrow.",
        "Tilda, collect spare keys from caretaker. Pick them up on Friday."], lines
    rendered = [minutes.render(line) for line in lines]
    assert "**Owner:** Bruno" in rendered[2], rendered  # another than the one asked said yes
    assert "Owner" not in rendered[0] + rendered[1], rendered  # the line names who said yes
    # a reply that does not take it on leaves the request alone and is no part of it
    refused = Minutes(said("Paul, can you book the sports hall for the awards evening?",
                           "I am away that week, sorry, but Leo might be able to."))
    assert refused.accepted == {} and refused.kinds == {0: "actions"}



def test_a_reply_that_turns_the_task_down_is_no_yes():
    """"I can't", "Of course not", "I won't have time" begin as a yes does ("I can", "of
    course", "okay") but turn the task down: the request stays a line of its own, without
    the reply's words, and the one who said no is not made its owner."""
    from workers.engines.minutes import Minutes

    for reply in ("I can't, my printer is broken until Monday.",
                  "Of course not, the copy shop does them for forty euros.",
                  "Okay, but I won't have time before the sale on Saturday."):
        segments = said("Jonas, could you print the flyers for the bake sale?", reply)
        segments[0]["speaker"], segments[1]["speaker"] = "Ada", "Lena"
        minutes = Minutes(segments)
        assert minutes.accepted == {} and minutes.kinds == {0: "actions"}, (reply, minutes.kinds)
        [line] = minutes.notes(["Action items"])["Action items"]
        assert line.text == "Jonas, print flyers for bake sale.", (reply, line.text)
        assert "Lena" not in minutes.render(line), (reply, minutes.render(line))

def test_a_short_question_a_reply_soon_does_not_answer_is_open_the_agenda_is_not():
    """Round 6: a question of under six words is open when a reply within the next two
    sentences does not know ("Isn't the car park small?"), not when it is answered
    ("So what went well?" then what went well) nor when a question follows that it leads."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("The art college offers its large studio on Tuesday nights for the same fee.",
                           "Isn't the car park small?",
                           "A few of our senior members drive to every session.",
                           "I don't know, I'd need to go and see it after dark.",
                           "So what went well this time?",
                           "The new signs at the entrance worked and nobody got lost.",
                           "What about the ferry?",
                           "Does it still run on Sundays after the end of September?"))
    questions = [minutes.all[i].text for i, k in sorted(minutes.kinds.items()) if k == "questions"]
    assert questions == ["Isn't the car park small?",
                         "Does it still run on Sundays after the end of September?"], minutes.kinds


def test_a_summary_may_take_two_facts_of_one_sentence():
    """Round 6: two facts of one sentence that share no word may both be summary lines
    ("Signed up sixty-five new members", "Clubhouse seats ninety")."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("Since the open evening we have signed up sixty-five new members, "
                           "and the clubhouse seats ninety.",
                           "The two referees replied yesterday evening.",
                           "Who is going to film the final for the parents this season?"))
    options = minutes.clauses(minutes.all[0], "summary")
    assert "Signed up sixty-five new members." in options and "Clubhouse seats ninety." in options, options
    notes = minutes.notes(["Summary", "Open questions"])
    summary = [line.text for line in notes["Summary"] if line.sentence is minutes.all[0]]
    assert len(summary) == 2 and not set(summary[0].lower().split()) & set(summary[1].lower().split()), summary
    assert [line.text for line in notes["Open questions"]] == ["Who is going to film final for parents this season?"]


def test_the_closing_and_adding_markers_are_whole_families_not_the_members_a_meeting_said():
    """Round 7: "to wrap up", "one more thing" and "to finish" came from meetings that are
    scored; they stay as members of two families written out whole from grammar (closing:
    to sum up / wrap up / conclude / finish / close, in conclusion / closing, finally, lastly;
    adding: one more / last / other thing or point, another thing), so a member no meeting
    said works the same."""
    from workers.engines.minutes import Minutes, owner_in

    for opener in ("Another thing", "In conclusion", "To conclude", "One final point", "In closing"):
        assert Minutes._tidy(f"{opener}, the van needs new tyres before May.") == \
            "The van needs new tyres before May.", opener
    minutes = Minutes(said("The new rota is ready for the winter months.",
                           "In conclusion, Bruno sends the rota to every volunteer by Friday."))
    assert minutes.kinds == {1: "actions"}, minutes.kinds
    assert owner_in(minutes.all[1]) == "Bruno"


def test_a_summary_fills_while_a_three_word_line_fits_and_a_courtesy_or_a_piece_of_a_number_is_no_line():
    """Round 7: the summary goes on while its shortest line (a phrase of three words) fits;
    "Thanks for sticking around" is no summary line however it starts; a phrase never starts
    inside a number ("Sixty programmes" of "two hundred and sixty programmes" would say sixty)."""
    from workers.engines.minutes import Minutes, phrases

    minutes = Minutes(said("Okay everyone, thanks for sticking around after practice today.",
                           "The gym seats ninety spectators.",
                           "We decided to keep the entry at six pounds for grown-ups.",
                           "Marta will print the new posters and all the flyers before the end of the month.",
                           "Should we invite the brass band from the next town this year?",
                           "In May at the regatta we took seven trophies."))
    assert minutes.budget == 30
    assert not any("thanks" in option.lower() for option in minutes.clauses(minutes.all[0], "summary"))
    notes = minutes.notes(["Summary", "Decisions", "Action items", "Open questions"])
    assert [line.text for line in notes["Summary"]] == ["Gym seats ninety spectators.", "Took seven trophies."]
    assert sum(minutes.cost(line) for lines in notes.values() for line in lines) + 2 == minutes.budget  # + "None recorded."
    pieces = phrases("we have printed two hundred and sixty programmes for the autumn match")
    assert "Printed two hundred and sixty programmes." in pieces and not any(p.startswith("Sixty") for p in pieces), \
        pieces


def test_a_task_asked_by_name_after_a_capitalised_lead_in_is_an_action():
    """Round 7 (found on the unseen meetings after their one run): "Okay, Lena, could you …?"
    starts with a capital, as every sentence does; the lead-in ("Okay,", "Good,") is matched
    whatever its case, so the task is an action owned by the one asked."""
    from workers.engines.minutes import Minutes, owner_in

    minutes = Minutes(said("The minibus is free again after its repair last month.",
                           "Okay, Lena, could you book the minibus for the trip on Saturday?",
                           "Good, Tomas, will you gather a deposit of five euros from each family?",
                           "Fine, beginning in a fortnight."))
    assert minutes.kinds == {1: "actions", 2: "actions"}, minutes.kinds
    assert owner_in(minutes.all[1]) == "Lena" and owner_in(minutes.all[2]) == "Tomas"
    assert minutes.shorten(minutes.all[1], "actions") == "Lena, book minibus for trip on Saturday."


def test_a_question_a_short_yes_answers_is_not_open_and_a_proposal_agreed_to_is_a_decision():
    """Round 8 (found on meetings 14-16): a reply of a few words ("Sure.", "Yes, let's.") is no
    sentence to the picker, so the question before it looked unanswered. A short reply that
    agrees answers it; when the question proposed something, it is agreed: a decision."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("The back gate squeaks and wakes the neighbours at night.",
                           "Could we oil the hinges before the summer fair?",
                           "Yes, let's.",
                           "Is the tool shed still locked after dark these days?",
                           "Sure.",
                           "Should we move the compost bins nearer the hedge?",
                           "Hmm, I am not sure the hedge is the right spot for them."))
    assert minutes.kinds == {1: "decisions", 3: "questions"}, minutes.kinds  # short replies are not in .all
    assert minutes.shorten(minutes.all[1], "decisions") == "Oil hinges before summer fair."
    sections = dict((h, text) for h, text, _ in minutes.sections(["Decisions", "Open questions"]))
    assert "hinges" in sections["Decisions"] and "shed" not in sections["Open questions"], sections


def test_a_matter_said_not_yet_settled_or_still_to_agree_is_an_open_question():
    """Round 8: "a point we have not settled yet is …", "we still need to agree on …":
    the verbs that close a matter (decide, settle, agree, resolve, sort out) said as not done
    yet make an open question, not a summary line or an action ("settled on" stays decided)."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("One point we have not settled yet is who keeps the spare key.",
                           "We still need to agree on the colour of the new banner.",
                           "The council hasn't resolved the parking question for the market.",
                           "We settled on the blue tent at the last meeting."))
    assert minutes.kinds == {0: "questions", 1: "questions", 2: "questions", 3: "decisions"}, minutes.kinds


def test_happy_agrees_and_what_nobody_knows_yet_stays_open():
    """Seen on meeting18's reference text after its runs: "Everyone happy with that?" answered
    "Happy." was listed as an open question, and "one thing we still don't know is who …" was
    not listed. "Happy" agrees ("happy if …" does not), and what we don't know yet is open."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("The choir could sing on the church steps before the parade starts.",
                           "Should we end the concert with the harbour song again this year?",
                           "Happy with that.",
                           "One thing we still don't know is who brings the keyboard to the hall.",
                           "Could we borrow the folding stage from the rowing club?",
                           "Happy if they say yes, but they used it last weekend.",
                           "The rowing club only lends the stage to members, I think."))
    # "Happy with that." is too short to be a line of its own: the question is 1, the unknown 2
    assert minutes.kinds.get(1) == "decisions" and minutes.kinds.get(2) == "questions", minutes.kinds
    assert minutes.kinds.get(3) != "decisions", minutes.kinds  # "happy if …, but …" agrees to nothing


def test_looking_into_a_matter_decides_nothing():
    """Round 8: "Okay, let's find out." became the decision "Find out."; finding out, thinking
    it over, checking or asking around is no decision ("Let's hire the van" still is)."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("Nobody knows if the van has a tow bar fitted.",
                           "Alright, let's find out before the next meeting.",
                           "Let's think it over and talk again in May.",
                           "Let's check with the caretaker about the alarm code.",
                           "Let's ask around at the pub quiz for more helpers.",
                           "Then let's hire the bigger van for the whole weekend."))
    assert minutes.kinds == {5: "decisions"}, minutes.kinds


def test_a_proposal_confirmed_as_settled_is_the_decision_and_keeps_the_place_it_points_back_to():
    """Round 8: "I'd say we pay it from there." … "Good, so that's settled.": "I say we" proposes,
    "that's settled" confirms the proposal just before, which is the decision line (with the
    clause "from there" points back to); the confirmation is no line of its own."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("The hall's boiler failed again on Sunday morning.",
                           "Our repair fund has six hundred pounds, so I'd say we pay the plumber from there.",
                           "No problem here.",
                           "Right, that's settled then."))
    assert minutes.kinds == {1: "decisions"}, minutes.kinds
    assert minutes.shorten(minutes.all[1], "decisions") == \
        "Repair fund has six hundred pounds, so I'd say we pay plumber from there."
    sections = dict((h, text) for h, text, _ in minutes.sections(["Summary", "Decisions"]))
    assert "settled" not in sections["Summary"] + sections["Decisions"], sections


def test_saying_yes_going_ahead_or_sticking_with_something_is_a_decision_not_a_task():
    """Round 8 (a heading error on meeting11): "we'll say yes / no to …" was listed as a task
    ("we'll" + a verb); saying yes or no to an offer, going ahead with, sticking with, accepting
    or turning something down is the group's choice: a decision, said without "we'll"."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("The brewery offered us a free stall at their open day.",
                           "So we'll say no to the brewery's offer of a stall.",
                           "We'll stick with the old printer until it breaks.",
                           "We're going ahead with the Saturday market after all.",
                           "I'll phone the brewery on Monday to tell them."))
    assert minutes.kinds == {1: "decisions", 2: "decisions", 3: "decisions", 4: "actions"}, minutes.kinds
    assert minutes.shorten(minutes.all[1], "decisions") == "Say no to brewery's offer of stall."


def test_a_question_a_short_reply_does_not_know_stays_open():
    """Round 8: "Nobody knows." is too short to be a sentence to the picker, so the sentence
    after it was taken as the answer; a reply of any length that does not know leaves the
    question open."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("Where do we store the folding chairs after the fete?",
                           "No idea.",
                           "The church might have some room in the crypt.",
                           "Who takes the raffle money to the bank?",
                           "Rita does, on the Monday after."))
    assert minutes.kinds == {0: "questions"}, minutes.kinds


def test_a_choice_confirmed_as_x_it_is_is_a_decision():
    """Round 8: "Fine, sixty it is." names the choice the meeting made; "I think it is" or
    "Yes it is" only answers."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("For the raffle prize, a hamper or a voucher?",
                           "Hmm, the hamper it is then.",
                           "Is the raffle licence still valid this year?",
                           "Yes, I think it is.",
                           "Right, the twenty-second it is."))
    assert minutes.kinds == {1: "decisions", 4: "decisions"}, minutes.kinds
    assert minutes.shorten(minutes.all[1], "decisions") == "Hamper it is then."


def test_a_question_put_off_to_a_later_meeting_by_its_noun_is_open_and_the_put_off_no_decision():
    """Round 8: "Let's leave the fee for the annual meeting." puts the question before it off,
    as "leave that for next time" does; keeping something until later is no put-off."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("Is it worth charging drivers at the car park during the fete?",
                           "Let's leave the parking fee for the annual meeting.",
                           "We also looked at the club's old logo on the shirts.",
                           "Let's keep the old logo until the next season."))
    assert minutes.kinds == {0: "questions", 3: "decisions"}, minutes.kinds
    assert 1 in minutes.put_off


def test_a_lead_in_alone_is_not_the_name_of_the_one_asked():
    """"Great, could you order …?" asks whoever is listening: "Great" is the lead-in, not a
    person (it was taken as the name, and the action's owner was "Great")."""
    from workers.engines.minutes import Minutes, owner_in, owner_of

    for lead_in in ("Great", "Okay", "Right", "Good"):
        asked = f"{lead_in}, could you order a new element for the kiln by Monday?"
        assert owner_of(asked) is None, lead_in
        minutes = Minutes(said("The kiln in the barn stopped heating during the last firing.", asked))
        assert all(owner_in(minutes.all[i]) != lead_in for i in minutes.kinds), (lead_in, minutes.kinds)
    assert owner_of("Great, Ines, could you order a new element for the kiln?") == "Ines"


def test_a_place_named_before_will_is_not_the_one_who_will():
    """"The bakery on Mill Lane will deliver …": Lane ends a place's name (it follows "on"),
    so it owns nothing; a person who will do something still does."""
    from workers.engines.minutes import owner_of

    for place in ("The bakery on Mill Lane will deliver the cakes on Friday.",
                  "The van from Harbour Road will bring the chairs at nine.",
                  "The hall near Kingsley Park will need a deposit by June."):
        assert owner_of(place) is None, place
    assert owner_of("The bakery is fine, and Oskar will collect the cakes on Friday.") == "Oskar"
    assert owner_of("After the match on Sunday Oskar will wash the shirts.") == "Oskar"


def test_to_finish_with_what_it_acts_on_is_a_purpose_not_a_closing_marker():
    """"To finish the roof tiles we need …" says why; only "To finish, …" closes the meeting.
    Taken as a marker it was cut off, and the line said "The roof tiles we need …"."""
    from workers.engines.minutes import Minutes

    for purpose in ("To finish the roof tiles we need two more days of dry weather.",
                    "To close the pottery accounts Ana needs every receipt by Friday."):
        assert Minutes._tidy(purpose) == purpose
    assert Minutes._tidy("To finish, the roof tiles need two more days of dry weather.") == \
        "The roof tiles need two more days of dry weather."


def test_a_function_word_with_its_clitic_neither_ends_nor_starts_a_phrase():
    """"there's", "I'm", "we'll" carry no more than "there", "I", "we": a phrase that ended on
    one said nothing ("Don't think there's."); after "we'll", as after "we will", the verb
    may start it."""
    from workers.engines.minutes import phrases

    pieces = phrases("I don't think there's any glaze left for the pottery class")
    assert not any(p.endswith("there's.") for p in pieces), pieces
    assert not any(p.startswith("I'm") for p in phrases("I'm mostly thinking about the pottery class tonight"))
    assert "Book the barn for Ana's birthday." in phrases("we'll book the barn for Ana's birthday")


def test_then_we_will_do_something_said_as_the_outcome_is_a_decision_said_without_we_will():
    """Round 9 (reference texts of meetings 12, 14, 15: a failure of the picker, not of the speech
    recognition): "Then we'll …" or "Then we go for …" after a discussion is what the group
    chose, a decision, written without "we'll"; "then we'll see" or "then we'll need to"
    decides nothing, and "so we will …" in the middle of a report stays as it was."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("The old kettle in the scout hut leaks from its base.",
                           "Then we'll replace it with a steel one from the market.",
                           "The walking group wants the hut on Tuesday nights too.",
                           "Okay, then we go for Tuesdays as a trial in spring.",
                           "Then we'll see how the roof holds up over winter.",
                           "Then we'll need to find a second key for the gate."))
    assert minutes.kinds.get(1) == "decisions" and minutes.kinds.get(3) == "decisions", minutes.kinds
    assert minutes.kinds.get(4) != "decisions" and minutes.kinds.get(5) != "decisions", minutes.kinds
    assert minutes.shorten(minutes.all[1], "decisions") == "Replace it with steel one from market."
    assert minutes.shorten(minutes.all[3], "decisions") == "Go for Tuesdays as trial in spring."


def test_a_proposal_nobody_objects_to_is_a_decision():
    """Round 9 (meeting17, read since): "…, any objections?" answered "None from me." was taken
    as a negation, so the proposal was not agreed. A question that asks who is against and a
    short reply that nobody is agree; a reply that does object does not."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("The lantern parade needs a new route this year.",
                           "I suggest we start at the bakery and end by the pond, any objections?",
                           "Not from me.",
                           "The fireworks cost more than the lanterns did last time.",
                           "I propose we drop the fireworks this year, any objections?",
                           "Yes, the children love them."))
    assert minutes.kinds.get(1) == "decisions", minutes.kinds
    assert minutes._agreed(1) and not minutes._agreed(4)


def test_a_question_nobody_has_taken_on_yet_stays_open():
    """Round 9 (reference texts of meetings 12 and 16): "Who will …?" answered "Nobody has
    offered yet." or "Not yet." is still open; "Priya has." answers it."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("Who will bring the urn to the jumble sale?",
                           "Nobody has volunteered yet.",
                           "Is the minibus for the choir outing booked already?",
                           "Not yet.",
                           "Who is collecting the spare tables from the school?",
                           "Priya has that in hand, on Friday."))
    assert minutes.kinds == {0: "questions", 2: "questions"}, minutes.kinds


# a notes line that ends on one of these has lost what it needs after it: a verb's object or
# complement, a modal's verb, a preposition's object, a what-clause's verb ("Brakes need.",
# "Ask not what country.")
NEEDS_WHAT_FOLLOWS = {"need", "needs", "want", "wants", "ask", "asks", "see", "tell", "give", "make", "get", "bring",
                      "take", "send", "order", "can", "could", "will", "would", "should", "must", "to", "of", "for",
                      "with", "about", "from", "what", "which", "whether", "that", "is", "are", "have", "has"}


CLAUSE_VERB = {"can", "could", "will", "would", "should", "must", "may", "might", "is", "are", "was", "were", "do",
               "does", "did", "has", "have", "had"}


def ends_open(line: str) -> bool:
    """The line ends on a word that needs what follows, or inside a what/which/whether clause
    that has no verb yet ("ask not what country")."""
    words = re.findall(r"[\w'’-]+", LINK.sub("", line).lower())
    wh = [n for n, w in enumerate(words) if w in ("what", "which", "whether")]
    return bool(words) and (words[-1] in NEEDS_WHAT_FOLLOWS or
                            any(not any(w in CLAUSE_VERB or w.endswith("ed") for w in words[n + 1:]) for n in wh))


def test_a_phrase_never_ends_where_its_grammar_is_open_nor_drops_the_subject_of_a_present_verb():
    """Round 10: a phrase is a run of said words, but a cut in the wrong place makes it say what
    nobody said. It never ends on a verb whose object or complement follows ("Sails need" of
    "the sails need a proper repair"), never ends inside a what/which clause ("Ask what kitchen"
    without what it can offer), never starts after its subject on a present verb (which reads
    as an instruction: "See occasional leaks"), and never starts on a preposition that does
    not qualify a number ("Over summer holidays")."""
    from workers.engines.minutes import phrases

    sails = phrases("The boat's sails need a proper repair before the regatta in June")
    assert sails and not [p for p in sails if ends_open(p)], sails
    assert "Boat's sails need a proper repair." in sails
    assert "Regatta in June." not in sails  # a preposition's object is no subject
    kitchen = phrases("The trainees asked what the kitchen can offer them for lunch")
    assert not [p for p in kitchen if "what" in p.lower() and not p.endswith("lunch.")], kitchen
    leaks = phrases("we still see occasional leaks in the cellar after heavy rain")
    assert not [p for p in leaks if p.startswith("See")], leaks
    assert not [p for p in leaks if p.startswith("Cellar")], leaks  # nor on a preposition's object
    assert "Sold over 200 loaves." in phrases("we sold over 200 loaves at the harvest fair")  # a past tense reports
    holidays = phrases("Over the summer holidays the bakery ran out of bread before noon")
    assert holidays and not [p for p in holidays if p.startswith("Over")], holidays


def test_no_notes_line_of_a_meeting_or_of_the_jfk_speech_ends_on_a_word_that_needs_what_follows():
    """Round 10: notes made of said words are still statements the speaker made. The jfk speech
    (its reference text, with and without the punctuation a recogniser may leave out) and an
    invented meeting full of verbs that take an object give no line ending on a verb, modal or
    preposition that needs what follows, and every line is said words in order."""
    from tests.helpers import CORPUS

    speech = (CORPUS / "jfk.txt").read_text().strip()
    unpunctuated = re.sub(r"[,.]", "", speech) + "."
    meeting = said("The club bus needs a new battery before the away game on Saturday.",
                   "We still see some mud on the pitch after heavy rain, so the groundsman wants a drain.",
                   "Parents asked what the club can offer the under-tens for the winter months.",
                   "Over the last few weeks the kit shop sold out of socks twice.",
                   "Ines will ask the council whether the floodlights can stay on until nine.")
    for segments in ([{"start": 0.0, "end": 11.0, "text": speech}], [{"start": 0.0, "end": 11.0, "text": unpunctuated}],
                     meeting):
        notes = GroundedSummarizer(minutes_template()).summarize(segments)["markdown"]
        lines = [line for line in notes.splitlines() if line.startswith("- ")]
        assert lines, notes
        said_text = " ".join(s["text"] for s in segments)
        for line in lines:
            text = LINK.sub("", line).split(" — ")[0].lstrip("- ").strip()
            assert not ends_open(text), notes
            assert is_subsequence(re.sub(r"^\w+:\s+", "", text), said_text), (text, notes)


def test_an_open_question_and_a_decision_are_noted_without_the_words_that_only_say_what_the_heading_says():
    """Round 11: the budget goes to what carries a fact. Under Open questions, "One thing we
    haven't settled is whether …" is "Whether …", "Should we …?" is what is asked, "What do we
    do if …?" is "What if …?"; under Decisions "We're agreed that …" and "We're going with …" lose
    the words that say it was agreed. "Do we know …?" stays whole, and every note is the said
    sentence with words left out, in order."""
    from workers.engines.minutes import note_style

    cases = {("One thing we still haven't settled is whether the bake sale moves indoors.", "questions"):
             "Whether bake sale moves indoors.",
             ("What we don't know yet is who drives the van to the depot.", "questions"):
             "Who drives van to depot.",
             ("Should we move the jumble sale to the church hall?", "questions"):
             "Move jumble sale to church hall?",
             ("So do we need to hire a second marquee for the fete?", "questions"):
             "Hire second marquee for fete?",
             ("What do we do if the ferry stops running that morning?", "questions"):
             "What if ferry stops running that morning?",
             ("What happens if the caterer pulls out?", "questions"): "What if caterer pulls out?",
             ("Do we know whether the hall has a ramp?", "questions"): "Do we know whether hall has ramp?",
             ("We're agreed that the raffle prizes stay under twenty pounds.", "decisions"):
             "Raffle prizes stay under twenty pounds.",
             ("We are going with the green tent for the fete.", "decisions"): "Going with green tent for fete."}
    for (text, kind), note in cases.items():
        assert note_style(text, kind) == note, (text, note_style(text, kind))
        assert is_subsequence(note, text)


def test_one_final_question_is_an_opener_a_reaction_says_nobody_them_is_and_thanks_to_a_cause_is_a_fact():
    """Round 11: "One final question, who …?" is noted from "Who"; a short reaction before a line
    that says "them" ("That is a lovely offer.") is not put before it as if it said who they are;
    "Thanks to the new sponsor, children get in free …" says a fact and is a summary line, where
    "Thanks to everyone for coming." is a courtesy."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("Thanks to everyone for coming out in this weather tonight.",
                           "Thanks to the new sponsor, children get into the summer fete for free this year.",
                           "The scouts offered to run the tombola stall for us.",
                           "That is a lovely offer.",
                           "Priya, could you ask them to bring their own float?",
                           "Sure, I'll ring their leader on Thursday.",
                           "One final question, who is printing the posters for the fete?"))
    texts = [s.text for s in minutes.all]
    assert not [t for t in texts if t.startswith("Thanks to everyone")], texts
    assert any(t.startswith("Thanks to the new sponsor") for t in texts), texts
    notes = {h: md for h, md, _ in minutes.sections(["Summary", "Action items", "Open questions"])}
    assert "- Children get into summer fete. [0:04]" in notes["Summary"], notes  # the sponsor's sentence
    assert "lovely" not in notes["Action items"] and "Priya, ask them" in notes["Action items"], notes
    assert "- Who is printing posters for fete? [0:24]" in notes["Open questions"], notes


def test_how_the_meeting_will_run_and_its_topics_counted_out_are_the_agenda_not_a_decision_or_a_summary():
    """Round 12: "…, let's keep it brief, …" says how the meeting will go, no decision; "Four
    items tonight: …" counts the agenda out and is no summary line (the issue: agenda
    announcements are none of the headings)."""
    from workers.engines.minutes import Minutes

    agenda = ["Evening, everybody, let's keep it brief, the caretaker locks up at eight.",
              "Four items tonight: the bread oven, the market stall, the rota and the accounts."]
    minutes = Minutes(said(*agenda, "The bread oven repair came to ninety pounds in the end.",
                           "We agreed to open the market stall on Sundays from June.",
                           "Jonas will redo the rota for the summer by Friday."))
    assert minutes.kinds == {3: "decisions", 4: "actions"}, minutes.kinds
    notes = {h: md for h, md, _ in minutes.sections(["Summary", "Decisions", "Action items"])}
    assert notes["Decisions"].startswith("- Open market stall on Sundays from June. [0:12]"), notes
    assert notes["Decisions"].count("\n") == 0, notes
    assert "items" not in notes["Summary"].lower() and "brief" not in notes["Summary"].lower(), notes
    assert "ninety pounds" in notes["Summary"], notes


def test_a_line_that_only_says_when_or_where_is_no_line():
    """Round 14: a piece cut out of a sentence that is only a time or place phrase ("Early in
    morning." of "… some drifting ice as early in the morning, when …") has no subject, no
    verb and no fact: it is not a line, in the summary or as a shortened task. A phrase that
    names a thing, a number, a name or a day stays a line."""
    from workers.engines.minutes import Minutes, adverbial

    minutes = Minutes(said("The ferry kept to its timetable, although the crew still notice some drifting ice "
                           "as early in the morning, when the tide turns.",
                           "Should we ask the council for a second mooring?"))
    options = minutes.clauses(minutes.all[0], "summary")
    assert "Crew still notice some drifting ice." in options and not [o for o in options if o.startswith("Early")], \
        options
    notes = minutes.notes(["Summary", "Decisions", "Action items", "Open questions"])
    summary = [line.text for line in notes["Summary"]]
    assert summary == ["Crew still notice some drifting ice.", "Ferry kept to its timetable."], summary
    for fragment in ("Early in morning.", "Somewhere behind boathouse.", "Late last winter.", "Still out on jetty."):
        assert adverbial(fragment), fragment
    for line in ("Spare oars for junior crew.", "Early on Saturday.", "Over 40 sailors.", "Moored late in evening.",
                 "Late fees from marina.", "To paint the hull."):
        assert not adverbial(line), line


def test_a_counted_opening_that_goes_on_to_state_facts_keeps_them():
    """Round 15: "A couple of things: …" is the agenda counted out only when the sentence ends
    there or what follows names no number, name or day; when the topics come with a figure,
    a person or a day, the sentence states facts and stays in the notes."""
    from workers.engines.minutes import agenda

    segments = said("Morning, all, thanks for dialling in.",
                    "A couple of things: the boiler service costs 240 pounds and Priya takes over the keys in June.",
                    "Three items, the gutters and the bike shed, are due on Thursday.",
                    "Two topics today: the noticeboard and the recycling bins.",
                    "The noticeboard glass cracked again over the weekend.",
                    "We agreed to move the bins behind the gate.")
    notes = sections_of(GroundedSummarizer(minutes_template()).summarize(segments)["markdown"])
    everything = " ".join(notes.values())
    assert "240 pounds" in everything and "Priya" in everything, notes
    assert "Thursday" in everything, notes
    assert "topics" not in everything.lower(), notes
    for opening in ("Two topics today: the noticeboard and the recycling bins.", "Three things."):
        assert agenda(opening), opening
    for line in ("Two points, Marek joins the board in March.", "Two things: the lease ends on the 31st."):
        assert not agenda(line), line


def test_a_plan_said_in_the_plain_present_as_the_outcome_or_with_a_bound_is_a_decision():
    """Round 16: of the key facts the notes missed on meetings 18-22 (tiny.en), 14 were in a
    sentence a minute-taker lists that the picker gave no heading, most of them decisions said
    as what the group does from now in the plain present ("Then we …", "We … until …", "If …,
    we …"). Such a sentence is a decision, written without "(then) we"; a habit ("we usually"),
    a state ("we have"), a past ("we sold") or a verb that acts on nothing ("we go to …") is not."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("The big kiln cracked a shelf during the last firing.",
                           "Then we order two new shelves from the supplier in Leeds.",
                           "We fire only small pieces until the shelves arrive.",
                           "If the glaze order is late, we cancel the open studio.",
                           "We usually fire the kiln on Sunday nights.",
                           "We go to the clay market on Saturdays.",
                           "We have three bags of stoneware left.",
                           "We sold forty mugs at the craft fair last month."))
    assert [minutes.kinds.get(i) for i in range(8)] == [None, "decisions", "decisions", "decisions",
                                                        None, None, None, None], minutes.kinds
    assert minutes.shorten(minutes.all[1], "decisions") == "Order two new shelves from supplier in Leeds."
    assert minutes.shorten(minutes.all[2], "decisions") == "Fire only small pieces until shelves arrive."



def test_the_agenda_a_consequence_or_a_view_said_in_the_plain_present_is_no_decision():
    """Round 19 (review round 9): round 16's rule took what the meeting does next ("Then we
    discuss …"), what happens to the group under a condition ("If …, we lose …"), a view said
    under a condition on the talk ("If you ask me, we …") and a story told on in a verb whose
    past is its present ("Then we hit …", "Then we cut …" after a past) as decisions; looking into
    a matter ("we check …", "we wait until …") decides nothing either, as with "let's". A reader
    takes a line under Decisions at face value, so none of them may be one; an act said the same
    way stays a decision. The reviewer's sentences first, then wording of our own."""
    from workers.engines.minutes import Minutes

    no_decision = ["Then we discuss the budget.", "Okay, then we take a short break.",
                   "If there is time, we cover the newsletter.",
                   "If the garage can't fix it by Friday, we lose the market stall.",
                   "If we do nothing, we lose customers.", "If you ask me, we overpay the cleaners.",
                   "Then we hit the traffic on the ring road.",
                   "Right, then we review the first draft of the leaflet.",
                   "Okay, then we take a ten-minute breather.", "If we have time, we discuss the car park.",
                   "Then we go round the table for news from each stall.",
                   "If the ferry runs late, we miss the last bus home.",
                   "If nobody volunteers, we risk a fine from the council.",
                   "If I'm honest, we undercharge for the parking.",
                   "If you think about it, we pay the caterer twice.",
                   "If only thirty people come, we break even at best.", "Then we close the meeting.",
                   "Then we check the lease.", "So we wait until the insurer rings back.",
                   "Then we continue after the break.", "If we book late, we pay double.",
                   "Then we find the leak under the sink."]
    for text in no_decision:
        minutes = Minutes(said("The puppet theatre owns thirty puppets and two trunks of costumes.", text))
        assert minutes.kinds.get(1) != "decisions", text
    decided = ["If the ferry runs late, we book rooms at the harbour inn.",
               "We review the volunteer rota again on Monday.", "Then we order the programmes today.",
               "If the hall is booked, we use the school gym.", "Then we split the cost with the youth club."]
    for text in decided:
        minutes = Minutes(said("The puppet theatre owns thirty puppets and two trunks of costumes.", text))
        assert minutes.kinds.get(1) == "decisions", text
    # the same words, told on from a past or planned from a future
    told = Minutes(said("The lorry with the stage came an hour late.", "Then we cut the ribbon in the rain."))
    planned = Minutes(said("The new stage arrives on Thursday.", "Then we cut the ribbon in the rain."))
    assert (told.kinds.get(1), planned.kinds.get(1)) == (None, "decisions")


def test_an_arrangement_held_until_a_time_or_unless_something_happens_is_a_decision():
    """Round 19 (review round 9, Low): "We meet in the hall until the roof is fixed." has no
    object, but the time it holds for makes it an arrangement; "Unless …, we …" is a condition as
    "If …, we …" is. A verb with no object and no such bound still reports a route or a habit."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("The roof of the scout hut leaks over the stage.",
                           "We meet in the hall until the roof is fixed.",
                           "Unless the bank calls, we sign on Friday.",
                           "We park behind the church until the car park reopens.",
                           "Unless the vet objects, we move the horses to the lower field on Saturday.",
                           "We go to the timber yard on Saturdays."))
    assert [minutes.kinds.get(i) for i in range(6)] == [None, "decisions", "decisions", "decisions", "decisions",
                                                        None], minutes.kinds
    assert minutes.shorten(minutes.all[1], "decisions") == "Meet in hall until roof fixed."



def test_a_decision_or_action_on_a_bare_pronoun_carries_the_sentence_that_names_it():
    """Round 17: "Replace it." says nothing when the heater was named three sentences before.
    A decision or action whose verb acts on a bare "it" or "them" takes, in front, the latest
    sentence (a statement rather than a question) that names what the last sentences kept
    naming; said in fewer words over the budget, such a line keeps the clause that names it."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("The rowing club's boat trailer has a cracked axle since the regatta.",
                           "How old is that trailer anyway?",
                           "Nobody remembers, it came with the boathouse.",
                           "Could a welder patch the crack for the autumn races?",
                           "The welder in town says a patch would not hold a loaded eight.",
                           "Then we scrap it and hire one for the races.",
                           "The spare oars are stacked behind the kayak rack.",
                           "The club owns six oars in all.",
                           "Okay, Marta, could you sell them on the club noticeboard?"))
    notes = minutes.notes(["Summary", "Decisions", "Action items"])
    [decision] = [line.text for line in notes["Decisions"]]
    assert decision == "Rowing club's boat trailer has cracked axle since regatta. Scrap it and hire one for races.", \
        decision
    [action] = [line.text for line in notes["Action items"]]
    assert "oars" in action.lower() and action.endswith("Marta, sell them on club noticeboard."), action
    # the shortest reading of "The key is in the drawer, I'll bring it on Friday" is not "Bring it on Friday"
    short = minutes.compact("Key to boathouse is in drawer, bring it on Friday.")
    assert "key" in short.lower(), short


def test_a_task_given_by_name_as_an_order_with_its_day_is_an_action():
    """Round 17: "Kwame, chase them on Thursday." is a task as surely as "Kwame, could you …?".
    A name, then a verb in its plain form, then a day it is due, said as an order (or asked as
    settled: "Name, you'll … on Sunday?"), is an action owned by that name; a capitalised opener ("Lovely,", "Great, the …", "Finally, we …"), a
    verb in "-ing" or "-s" and an order without a day are not."""
    from workers.engines.minutes import Minutes, owner_of

    minutes = Minutes(said("Okay, Dmitri, email the printer about the banner by Friday.",
                           "Lovely, see you all at the harbour next Tuesday.",
                           "Great, the caterer confirmed the tables on Monday.",
                           "Finally, we meet at the boathouse on Saturday.",
                           "Priya, thanks for the photos from Sunday.",
                           "Honestly, starting the sale on Monday is too late.",
                           "Tomasz, keep an eye on the weather.",
                           "Ines, you'll bring the spare lifejackets on Sunday?",
                           "Tomasz, the lifejackets from Sunday?"))
    assert [minutes.kinds.get(i) for i in range(9)] == ["actions", None, None, None, None, None, None, "actions",
                                                        None], minutes.kinds
    assert owner_of(minutes.all[0].text) == "Dmitri" and owner_of(minutes.all[7].text) == "Ines"
    assert minutes.shorten(minutes.all[0], "actions") == "Dmitri, email printer about banner by Friday."
    assert minutes.shorten(minutes.all[7], "actions") == "Ines, bring spare lifejackets on Sunday."


def test_a_question_that_a_reply_a_sentence_later_does_not_know_is_open():
    """Round 17: "Who covers reception at weekends?" "Megan left in January." "I honestly don't
    know." leaves the question open: a short reply that does not know, said one sentence after
    the first reply, keeps the question under Open questions; a long one that says more answers."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("Who looks after the bar at the summer fete this year?",
                           "Dave moved to Leeds in the spring.",
                           "Honestly, I don't know yet.",
                           "Who brings the gazebo for the cake stall this year?",
                           "The scouts lent us theirs last time.",
                           "I don't know if they can again, but their leader said yes on the phone yesterday."))
    assert minutes.kinds.get(0) == "questions" and minutes.kinds.get(3) is None, minutes.kinds
    open_ = [line.text for line in minutes.notes(["Open questions"])["Open questions"]]
    assert open_ == ["Who looks after bar at summer fete this year?"], open_


def test_taking_one_of_the_things_just_weighed_is_a_decision_not_a_task():
    """Round 18: "We'll take the quartz." after the quartz and the oak were weighed is a choice,
    so a decision; "we'll take" something somewhere, or something nobody weighed, stays a task."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("The small marquee holds sixty guests and costs four hundred pounds.",
                           "The big one holds a hundred but costs twice as much.",
                           "We'll take the small marquee.",
                           "We'll take the folding chairs to the church hall on Friday.",
                           "We'll take the spare keys."))
    assert [minutes.kinds.get(i) for i in range(3, 5)] == ["actions", "actions"], minutes.kinds
    assert minutes.kinds.get(2) == "decisions", minutes.kinds
    assert minutes.shorten(minutes.all[2], "decisions") == "Take small marquee."


def test_leave_to_go_ahead_and_a_thing_put_off_to_a_later_time_are_decisions():
    """Round 18: "…, so go ahead." gives leave to go on, and "The noticeboard can wait until the
    autumn." puts a thing off: both decisions. A go-ahead keeps what it goes ahead with; a person
    who can wait, or a matter put off to the next meeting, decides nothing."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("The boathouse roof leaks over the canoe racks again.",
                           "It has to be fixed before the season starts, so go ahead.",
                           "The new noticeboard can wait until the autumn.",
                           "We can wait until Friday for the second quote.",
                           "The rota question can wait until the next meeting."))
    assert [minutes.kinds.get(i) for i in range(5)] == [None, "decisions", "decisions", None, None], minutes.kinds
    assert minutes.shorten(minutes.all[1], "decisions") == "It has to be fixed before season starts, so go ahead."
    summary = {o for s in minutes.all for o in minutes.clauses(s, "summary")}
    assert "Go ahead." not in summary and "So go ahead." not in summary, summary


def test_a_choice_nobody_has_made_is_open_and_a_last_point_from_me_is_an_opener():
    """Round 18: "nobody has picked a caterer" leaves a choice to make, without "yet" too, and the
    line drops "One more thing from me:"; nobody complaining is no question."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("The open day is on the ninth of May in the main hall.",
                           "One more thing from me: nobody has picked a caterer for the open day.",
                           "Nobody has complained about the parking this year."))
    assert [minutes.kinds.get(i) for i in range(3)] == [None, "questions", None], minutes.kinds
    assert minutes.shorten(minutes.all[1], "questions") == "Nobody has picked caterer for open day."


def test_thanks_said_after_a_greeting_and_the_people_greeted_is_a_courtesy():
    """Round 18: "Evening, all of you, and thanks, Marek, for hosting us again." says no fact:
    the courtesy filter looks past every greeting and name said in front of the thanks, and a
    line that starts "Thanks, Marek," is a courtesy too."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("Evening, all of you, and thanks, Marek, for hosting us again.",
                           "The ferry timetable changes on the first of June.",
                           "The last crossing will leave at nine instead of ten."))
    assert minutes.clauses(minutes.all[0], "summary") == []
    summary = minutes.notes(["Summary"])["Summary"]
    assert summary and not any("thanks" in line.text.lower() for line in summary), summary


def test_a_summary_takes_the_rare_words_a_fact_is_made_of_over_common_talk():
    """Round 21: within the summary's words, a line of words rare in English ("the kiln cracked
    along its rim") says more than one of common talk ("people want more time"): a word weighs
    its rarity, read from the rank of its token in the bundled English speech model's
    vocabulary (learned most frequent first; a word without a token of its own is the rarest)."""
    from workers.engines.minutes import Minutes, rarity

    assert rarity("people") < rarity("phone") < rarity("kiln") == 1.0
    minutes = Minutes(said("Good morning and thanks for coming in early.",
                           "People want more time to think about things.",
                           "The kiln cracked along the rim of its lid.",
                           "Everyone agrees it would be good to talk more often.",
                           "The glaze supplier stopped selling cobalt blue.",
                           "It is really important that we keep going like this.",
                           "The potter's wheel in the back room wobbles.",
                           "We should all try to be a bit more careful."))
    assert minutes.budget == 30
    summary = " ".join(line.text for line in minutes.notes(["Summary"])["Summary"])
    for fact in ("Kiln cracked", "cobalt blue", "wobbles"):
        assert fact in summary, summary
    assert "People want more time" not in summary, summary


def test_who_a_speaker_says_they_are_is_no_summary_line():
    """Round 21: "Right, I'm Dana, from the front desk." and "My name is Dana …" say who is
    speaking, not what the meeting said: the name is no fact for the summary ("I'm sure the
    lift …" and "I'm Dana's replacement" are no introductions)."""
    from workers.engines.minutes import INTRODUCTION, Minutes

    assert INTRODUCTION.match("My name is Tomasz, and I run the bike shed.")
    assert not INTRODUCTION.match("I'm sure the lift will be fixed.")
    assert not INTRODUCTION.match("I'm Dana's replacement until June.")
    for intro in ("Right, I'm Dana, from the front desk.", "My name is Dana and I run the front desk."):
        minutes = Minutes(said(intro, "The east lift stays broken until Thursday.",
                               "Parcels now go to the back office.", "The new printer arrives on the ninth."))
        summary = [line.text for line in minutes.notes(["Summary"])["Summary"]]
        assert summary and not any("Dana" in line for line in summary), summary
        assert any("Thursday" in line for line in summary), summary


def test_what_nobody_knows_yet_said_as_a_statement_is_an_open_question():
    """Round 22: "I don't know yet whether …", "The office hasn't told us if …", "… is still up in
    the air" leave a matter open though nothing is asked; the line is the clause that says what is
    open (no antecedent before it). A reply that says what is open itself keeps its own line, and
    "I don't know if …, but … says yes" knows after all."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("The boat club wants to keep two canoes in our shed over the winter.",
                           "The shed roof leaks at the back, and I don't know yet whether the insurance "
                           "covers their canoes.",
                           "The parish office hasn't told us if we can put a second padlock on the door.",
                           "Where the spare keys live is still up in the air.",
                           "I don't know if the van is free, but Hamid says he can borrow his brother's.",
                           "Is the yard free on the fifth?",
                           "It is, but the caretaker hasn't said whether we can use the kitchen."))
    assert [minutes.kinds.get(i) for i in range(7)] == \
        [None, "questions", "questions", "questions", None, None, "questions"], minutes.kinds
    assert minutes.shorten(minutes.all[1], "questions") == "I don't know yet whether insurance covers canoes."


def test_the_group_getting_a_new_thing_is_a_decision():
    """Round 22: "We'll put up a camera over the gate." after a problem is the choice the talk came
    to, a decision (who fits it is the task); "we'll have a break", "we'll need a ladder" and "we'll
    take a vote" are no decisions."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("The side gate was left open twice this month and a bike went missing.",
                           "We'll put up a camera over the gate.", "We'll have a short break now.",
                           "We'll need a ladder for that.", "We'll take a vote on the colour.",
                           "Kemal, can you fit it on Saturday?"))
    assert minutes.kinds.get(1) == "decisions", minutes.kinds
    assert all(minutes.kinds.get(i) != "decisions" for i in (2, 3, 4)), minutes.kinds


def test_when_the_group_meets_next_is_a_summary_line_not_a_decision():
    """Round 22: "Right, we meet again on the fourth of June, same room." says when the next
    meeting is: no decision and no task, but a line of the summary (its room kept before the
    decisions and tasks are cut to the budget)."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("The new urn is in the kitchen cupboard.",
                           "Ravi will email the rota to everyone by Thursday.",
                           "The hall fee goes up to thirty pounds in March.",
                           "The choir wants the hall on Wednesdays too.",
                           "Right, we meet again on the fourth of June, same room."))
    notes = minutes.notes(["Summary", "Decisions", "Action items"])
    assert minutes.kinds.get(4) is None and not notes["Decisions"], notes
    assert [line.text for line in notes["Action items"]] == ["Ravi will email rota to everyone by Thursday."], notes
    assert any("fourth of June" in line.text for line in notes["Summary"]), notes


def test_the_agenda_s_next_item_and_making_a_start_are_no_decisions_or_tasks():
    """Round 22: "First item is the boiler." and "Second item, the garden rota." name what the
    meeting turns to, and "Let's make a start, we have the room till six." opens it: none of them is
    a task or a decision; "Next point: the rent goes up to 900 euros." still says a fact."""
    from workers.engines.minutes import Minutes, agenda

    minutes = Minutes(said("Let's make a start, we have the room till six.", "First item is the boiler.",
                           "The engineer says the pump is worn out.", "Second item, the garden rota.",
                           "Pita will draw up the new rota by Friday."))
    assert [minutes.kinds.get(i) for i in range(5)] == [None, None, None, None, "actions"], minutes.kinds
    assert not agenda("Next point: the rent goes up to 900 euros.")


def test_a_prediction_or_a_matter_put_off_is_no_task_and_a_conclusion_after_so_is_a_decision():
    """Round 24: "We'll miss the spring deadline." and "Members will complain, …" say what will
    happen, not what someone will do; "Sleep on it and we'll get back to it." puts a matter off; "…,
    so we patch the hull and keep the boat." is the plan the talk came to, a decision, as it is
    after "then". "I'll email the harbour master tomorrow." stays a task."""
    from workers.engines.minutes import Minutes

    minutes = Minutes(said("The hull is cracked near the keel and the yard quotes nine hundred to patch it.",
                           "A new boat would be about six thousand.",
                           "The boat is only three years old, so we patch the hull and keep the boat.",
                           "We'll miss the spring regatta either way.",
                           "Members will complain, but there is nothing to be done.",
                           "Sleep on it and we'll get back to it next week.",
                           "I'll email the harbour master tomorrow."))
    assert [minutes.kinds.get(i) for i in range(7)] == [None, None, "decisions", None, None, None, "actions"], \
        minutes.kinds
    # a task stays a task: an obligation ("need to complain"), a complaint made to someone, a thing left
    # somewhere, thinking it over and then doing something, one named who commits beside a prediction;
    # a habit after "so" decides nothing, and "People will …" names nobody
    tasks = Minutes(said("We need to complain to the marina about the broken crane by Friday.",
                         "I'll complain to the harbour office tomorrow.",
                         "I'll leave the keys on your desk tomorrow.",
                         "I'll think about it and send you a draft by Friday.",
                         "Members will grumble, but Ola will call the council on Monday.",
                         "The slipway is steep, so we use two ropes every launch.",
                         "People will ask about the fees at the open day.",
                         "We'll probably lose the Easter booking."))
    assert [tasks.kinds.get(i) for i in range(8)] == ["actions"] * 5 + [None, None, None], tasks.kinds


def test_a_summary_line_keeps_a_rate_whole_and_never_cuts_a_number_or_a_degree_word_short():
    """Round 24: "eighty pounds a night" is a rate: its "a" stays ("eighty pounds night" says
    something else), while "twelve euros, a new lock" keeps no article; no phrase starts inside
    "three and a half thousand" ("half thousand" is 500) nor ends on "too" before "much"; and
    a Summary line never starts at the verb of "we'll …" ("Lose the deposit." reads as an order)."""
    from workers.engines.minutes import Minutes, note_style, phrases

    assert note_style("The cabins cost eighty pounds a night in August.", "summary") == \
        "Cabins cost eighty pounds a night in August."
    assert note_style("The cable was twelve euros, a new lock is about forty.", "summary") == \
        "Cable was twelve euros, new lock is about forty."
    assert not any(p.lower().startswith(("half", "a half")) for p in  # "Half thousand for …" says 500
                   phrases("The grant was three and a half thousand for the whole hall"))
    assert not any(p.endswith(" too.") for p in  # "… is too." without "much"
                   phrases("A rise of ten euros in one go is too much for students"))
    assert note_style("Tickets are £6 a ticket at the door, and three times a season.", "summary") == \
        "Tickets are £6 a ticket at door, and three times a season."
    minutes = Minutes(said("The campsite in Brora wants the full fee by the first of May.",
                           "If we cancel after that, we'll lose the deposit of two hundred pounds.",
                           "Maria will book the minibus for the trip on Friday."))
    options = minutes.clauses(minutes.all[1], "summary")
    assert options and not any(o.startswith("Lose") for o in options), options
    summary = [line.text for line in minutes.notes(["Summary", "Action items"])["Summary"]]
    assert any("two hundred pounds" in line for line in summary), summary  # the deposit is said, as said
    assert not any(line.startswith("Lose") for line in summary), summary
    # a clause whose first word is a verb of "we'll …" elsewhere in the sentence is no order
    sales = Minutes(said("Book sales are down a fifth this spring, so we'll book the town hall for a signing."))
    assert "Book sales are down a fifth this spring." in sales.clauses(sales.all[0], "summary")
