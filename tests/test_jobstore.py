import sqlite3

import pytest

from app.store import jobstore as js
from app.store.jobstore import JobStore
from app.store.schema import SCHEMA


def test_schema_wal_and_survives_reopen(tmp_path):
    path = tmp_path / "earmark.db"
    store = JobStore(path)
    assert store.schema_version == len(SCHEMA)
    job_id = store.create_job("/a.mp3", stages=["transcribe"], options={"model": "bundled"}, file_hash="h",
                              options_key="k")
    store.update_stage(job_id, "transcribe", state=js.DONE, progress=1.0)
    store.save_transcript(job_id, {"language": "en", "duration": 2.0, "model": "tiny.en", "text": "hi there",
                                   "segments": [{"start": 0, "end": 1, "text": "hi"},
                                                {"start": 1, "end": 2, "text": "there"}]})
    store.close()
    again = JobStore(path)
    assert again.job(job_id)["state"] == js.DONE
    assert again.find_done("h", "k")["id"] == job_id and again.find_done("h", "other") is None
    assert [s["text"] for s in again.transcript(job_id)["segments"]] == ["hi", "there"]
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_a_job_keeps_where_it_came_from_and_an_older_store_gains_the_column(tmp_path):
    from app.store.schema import Database

    path = tmp_path / "earmark.db"
    old = sqlite3.connect(path)  # a store as version 8 left it, with a job in it
    for number, script in enumerate(SCHEMA[:8], start=1):
        old.executescript(script)
        old.execute(f"PRAGMA user_version={number}")
    old.execute("INSERT INTO jobs (id, path, state, created_at, updated_at) VALUES ('old', '/o.mp3', 'done', 1, 1)")
    old.commit()
    old.close()
    store = JobStore(path)
    assert isinstance(store, Database) and store.schema_version == len(SCHEMA)
    assert store.job("old")["source"] is None
    job_id = store.create_job("/in/a.mp3", stages=["transcribe"], source="watch folder /in")
    assert store.job(job_id)["source"] == "watch folder /in"
    assert {r["id"]: r["source"] for r in store.job_rows()} == {"old": None, job_id: "watch folder /in"}


def test_job_state_follows_stages_and_final_states_stick(tmp_path):
    store = JobStore(tmp_path / "earmark.db")
    job_id = store.create_job("/b.mp3", stages=["transcribe", "index"])
    assert store.job(job_id)["state"] == js.QUEUED
    store.update_stage(job_id, "transcribe", state=js.RUNNING)
    assert store.job(job_id)["state"] == js.RUNNING
    store.update_stage(job_id, "transcribe", state=js.FAILED, error="The file is empty")
    job = store.job(job_id)
    assert job["state"] == js.FAILED and job["error"] == "The file is empty" and job["finished_at"]
    # a late progress event must not bring a failed stage back to life
    assert not store.update_stage(job_id, "transcribe", only_if_active=True, state=js.RUNNING)
    assert store.stage(job_id, "transcribe")["state"] == js.FAILED


def test_task_timeline_ignores_duplicates(tmp_path):
    store = JobStore(tmp_path / "earmark.db")
    job_id = store.create_job("/c.mp3", stages=["transcribe"])
    for _ in range(2):  # two app processes may both record the same event
        store.add_event("t1", "started", 10.0, job_id=job_id, stage="transcribe", detail={"pid": 1})
    store.add_event("t1", "succeeded", 12.0, job_id=job_id, stage="transcribe")
    assert [e["kind"] for e in store.events(job_id=job_id)] == ["started", "succeeded"]


def test_a_cancelled_summary_leaves_the_job_done_and_says_so(tmp_path):
    store = JobStore(tmp_path / "earmark.db")
    job_id = store.create_job("/m.mp3", stages=["transcribe", "summarize", "index"])
    store.update_stage(job_id, "transcribe", state=js.DONE)
    store.update_stage(job_id, "summarize", state=js.RUNNING)
    assert store.job(job_id)["state"] == js.RUNNING
    store.update_stage(job_id, "summarize", state=js.CANCELLED)
    store.update_stage(job_id, "index", state=js.CANCELLED)
    job = store.job(job_id)
    assert job["state"] == js.DONE and job["finished_at"]
    assert job["error"] == "Summary and search index cancelled; the transcript is done."
    # the transcript itself cancelled: the job is cancelled
    other = store.create_job("/n.mp3", stages=["transcribe", "index"])
    store.update_stage(other, "transcribe", state=js.CANCELLED)
    store.update_stage(other, "index", state=js.CANCELLED)
    assert store.job(other)["state"] == js.CANCELLED
    store.close()


def test_a_search_hit_names_the_segment_that_holds_the_words_once(tmp_path):
    """Passages are two segments long (a phrase over a boundary is found); the hit is
    still the segment with the words, listed once, at its own time (issue 14: 'release
    plan' at 0:04 was listed at 0:00 and a mention at 0:48 twice)."""
    from workers.engines.search import passages

    store = JobStore(tmp_path / "earmark.db")
    segments = [{"start": 0.0, "end": 4.0, "text": "Good morning, everyone."},
                {"start": 4.0, "end": 9.0, "text": "First the release plan for March."},
                {"start": 9.0, "end": 41.0, "text": "Then the budget."},
                {"start": 41.0, "end": 48.0, "text": "Any questions so far?"},
                {"start": 48.0, "end": 52.0, "text": "Yes: who owns the release plans?"}]
    job_id = store.create_job("/meeting.mp3", stages=["transcribe", "index"])
    store.save_transcript(job_id, {"language": "en", "duration": 52.0, "segments": segments})
    store.save_passages(job_id, {"passages": passages([dict(s, idx=i) for i, s in enumerate(segments)])})
    hits = store.search("release plan")
    assert [(h["idx"], h["start"]) for h in sorted(hits, key=lambda h: h["idx"])] == [(1, 4.0), (4, 48.0)]
    first = next(h for h in hits if h["idx"] == 1)
    assert first["snippet"] == "First the [release] [plan] for March."
    assert first["marked"] == "First the \x02release\x03 \x02plan\x03 for March."
    assert store.search("planet") == []
    store.close()


def test_a_word_most_passages_hold_is_ranked_among_the_newest_that_hold_it(tmp_path, monkeypatch):
    """Issue 32: "the" in a year's library is in 348,000 passages; ranking them all took
    0.4 s of CPU a search. Past RANK_ALL_UP_TO passages that hold the words, the newest that
    many are ranked (or listed newest first); up to it, every one is ranked as before."""
    from workers.engines.search import passages

    store = JobStore(tmp_path / "earmark.db")
    said = ["Plan, plan, plan."] + [f"Meeting {n}: we talked about the plan for a long while with everyone."
                                    for n in range(5)]
    ids = []
    for n, text in enumerate(said):  # one passage each, the best match for "plan" first (the oldest)
        job_id = store.create_job(f"/meeting-{n}.mp3", stages=["transcribe", "index"])
        segments = [{"start": 0.0, "end": 5.0, "text": text}]
        store.save_transcript(job_id, {"language": "en", "duration": 5.0, "segments": segments})
        store.save_passages(job_id, {"passages": passages([dict(s, idx=0) for s in segments])})
        with store.transaction() as db:  # created a minute apart, in this order
            db.execute("UPDATE jobs SET created_at=? WHERE id=?", (1_000_000 + 60 * n, job_id))
        ids.append(job_id)
    monkeypatch.setattr(js, "RANK_ALL_UP_TO", len(said))  # as many as hold it: every one ranked
    assert store.search("plan")[0]["job_id"] == ids[0]
    monkeypatch.setattr(js, "RANK_ALL_UP_TO", len(said) - 1)  # fewer: the newest that many
    hits = store.search("plan")
    assert sorted(h["job_id"] for h in hits) == sorted(ids[1:])
    assert [h["job_id"] for h in store.search("plan", order="newest")] == ids[:0:-1]
    store.close()


def test_a_jobs_passages_are_replaced_and_deleted_by_their_spans_even_those_written_before(tmp_path):
    """Issue 32: the index keeps its job id unindexed, so replacing one job's passages read
    every passage of the library (0.3 s a job at 356,000). Each job's passages are found by
    their rowid spans: for passages a store of version 11 wrote (here interleaved, as no
    version wrote them, to be sure every run is found), and for those written since;
    deleting a job takes its passages out of the index (they used to stay)."""
    path = tmp_path / "earmark.db"
    old = sqlite3.connect(path)
    for number, script in enumerate(SCHEMA[:11], start=1):
        old.executescript(script)
        old.execute(f"PRAGMA user_version={number}")
    for job in ("a", "b"):
        old.execute("INSERT INTO jobs (id, path, state, created_at, updated_at) VALUES (?, ?, 'done', 1, 1)",
                    (job, f"/{job}.mp3"))
    for n, job in enumerate("aabab"):
        old.execute("INSERT INTO passages (text, job_id, idx, start, kind) VALUES (?, ?, ?, 0, 'transcript')",
                    (f"budget item {n}", job, n))
    old.commit()
    old.close()
    store = JobStore(path)
    assert store.describe_passages("a") == "3 passages indexed"
    assert store.describe_passages("b") == "2 passages indexed"
    store.save_passages("a", {"passages": [{"text": "a new plan", "idx": 0, "start": 0.0}]})
    assert {h["job_id"] for h in store.search("budget")} == {"b"}
    assert [h["job_id"] for h in store.search("plan")] == ["a"]
    store.save_passages("b", {"passages": [{"text": "the plan again", "idx": 0, "start": 0.0}]})
    assert store.search("budget") == [] and {h["job_id"] for h in store.search("plan")} == {"a", "b"}
    store.delete_job("a")
    assert store._q("SELECT job_id FROM passages")[0]["job_id"] == "b" and len(store._q("SELECT 1 FROM passages")) == 1
    assert store.describe_passages("a") == "0 passages indexed"
    plan = " ".join(str(tuple(r)) for r in store._q("EXPLAIN QUERY PLAN SELECT * FROM task_events WHERE job_id='b'"))
    assert "task_events_job" in plan, plan  # a job's timeline without reading the whole history
    store.close()


def test_stages_set_together_change_the_job_once(tmp_path):
    """A cancel sets every live stage at once: the job never shows 'cancelled' on its way
    to 'done' (the window would say so, and notify)."""
    store = JobStore(tmp_path / "earmark.db")
    job_id = store.create_job("/m.mp3", stages=["transcribe", "summarize", "index"])
    store.update_stage(job_id, "transcribe", state=js.DONE)
    store.update_stage(job_id, "summarize", state=js.RUNNING)
    store.update_stages(job_id, ["summarize", "index"], state=js.CANCELLED)
    assert store.job(job_id)["state"] == js.DONE
    assert [s["state"] for s in store.stages(job_id)] == [js.DONE, js.CANCELLED, js.CANCELLED]
    store.close()


def test_place_in_line_from_taken_in_to_done(tmp_path):
    """A job is in line from the moment it is taken in (its first stage not yet sent), 0 while
    a stage runs, in line again while its next stage waits, and out of it once finished."""
    store = JobStore(tmp_path / "earmark.db")
    first = store.create_job("/a.mp3", stages=["transcribe", "index"])
    second = store.create_job("/b.mp3", stages=["transcribe", "index"])
    assert store.place_in_line(second) == 1  # nothing queued yet: it is next once sent
    store.update_stage(first, "transcribe", state=js.QUEUED, priority=0, queued_at=1.0)
    assert store.place_in_line(first) == 1
    assert store.place_in_line(second) == 2  # not sent yet: behind what is queued
    store.update_stage(second, "transcribe", state=js.QUEUED, priority=0, queued_at=2.0)
    assert store.place_in_line(second) == 2
    store.update_stage(first, "transcribe", state=js.RUNNING)
    job, stages, place = store.job_status(first)
    assert (job["state"], place) == (js.RUNNING, 0) and [s["name"] for s in stages] == ["transcribe", "index"]
    assert store.place_in_line(second) == 1
    store.update_stage(first, "transcribe", state=js.DONE)  # between stages: waits for the index
    assert store.job(first)["state"] == js.RUNNING and store.place_in_line(first) == 1
    store.update_stage(first, "index", state=js.DONE)
    assert store.place_in_line(first) is None and store.job_status("nope") is None


def test_a_callback_is_kept_with_its_job_due_when_it_ends_and_leased_to_one_sender(tmp_path):
    """The local API's callbacks live in the store (sent after a restart): due once the job
    has ended, taken by one sender of two, due again when a dead sender's lease ends, gone
    with the job."""
    reader, writer = JobStore(tmp_path / "earmark.db"), JobStore(tmp_path / "earmark.db")
    job_id = writer.create_job("/c.mp3", stages=["transcribe", "index"])
    writer.update_stage(job_id, "transcribe", state=js.RUNNING)
    reader.add_callback(job_id, "http://127.0.0.1:9/x")
    assert reader.due_callbacks(now=10.0) == []  # still running
    writer.update_stage(job_id, "transcribe", state=js.DONE)
    writer.update_stage(job_id, "index", state=js.DONE)
    [due] = reader.due_callbacks(now=10.0)
    assert reader.lease_callback(job_id, due["next_at"], until=20.0)
    assert not writer.lease_callback(job_id, due["next_at"], until=20.0)  # the other sender lost the race
    assert reader.due_callbacks(now=10.0) == [] and len(reader.due_callbacks(now=20.0)) == 1  # a dead sender's lease ends
    writer.delete_job(job_id)
    assert reader.callback(job_id) is None


def test_speaker_turns_follow_names_merges_and_undo_and_survive_a_restart(tmp_path):
    """Who spoke when, by the audio, as the transcript (and so the JSON export) gives it:
    each turn under its speaker's label; a merge joins the two speakers' turns (touching or
    overlapping ones become one), undo puts them back, and a restart keeps them."""
    path = tmp_path / "earmark.db"
    store = JobStore(path)
    job_id = store.create_job("/talk.wav", stages=["transcribe", "diarize"])
    store.save_transcript(job_id, {"language": "en", "duration": 9.0, "segments": [
        {"start": 0.5, "end": 3.0, "text": "Shall we start?"}, {"start": 6.0, "end": 8.0, "text": "Yes."}]})
    store.save_speakers(job_id, {
        "segments": [{"start": 0.5, "end": 3.0, "text": "Shall we start?", "speaker": "1", "source": 0},
                     {"start": 6.0, "end": 8.0, "text": "Yes.", "speaker": "2", "source": 1}],
        "speakers": [{"key": "1", "seconds": 4.0}, {"key": "2", "seconds": 4.5}],
        # speaker 2 also talks at 3.5-5 s, where the transcript has no words, and over speaker 1 at 2-3 s
        "turns": [[0.0, 3.0, "1"], [2.0, 3.0, "2"], [3.5, 5.0, "2"], [6.0, 8.0, "2"], [8.0, 9.0, "1"]]})

    def turns():
        return [(t["start"], t["end"], t["speaker"]) for t in store.transcript(job_id)["turns"]]

    assert turns() == [(0.0, 3.0, "Speaker 1"), (2.0, 3.0, "Speaker 2"), (3.5, 5.0, "Speaker 2"),
                       (6.0, 8.0, "Speaker 2"), (8.0, 9.0, "Speaker 1")]
    store.rename_speaker(job_id, "2", "Ben")
    assert [who for *_, who in turns()] == ["Speaker 1", "Ben", "Ben", "Ben", "Speaker 1"]
    store.merge_speakers(job_id, "1", "2")
    assert turns() == [(0.0, 3.0, "Ben"), (3.5, 5.0, "Ben"), (6.0, 9.0, "Ben")]
    store.undo_speaker_edit(job_id)
    assert turns() == [(0.0, 3.0, "Speaker 1"), (2.0, 3.0, "Ben"), (3.5, 5.0, "Ben"), (6.0, 8.0, "Ben"),
                       (8.0, 9.0, "Speaker 1")]
    store.close()
    store = JobStore(path)
    assert [who for *_, who in turns()] == ["Speaker 1", "Ben", "Ben", "Ben", "Speaker 1"]
    plain = store.create_job("/other.wav", stages=["transcribe"])
    store.save_transcript(plain, {"language": "en", "duration": 1.0, "segments": [{"start": 0, "end": 1, "text": "Hi."}]})
    assert "turns" not in store.transcript(plain)  # no speakers asked: the JSON has no turns
    store.close()


def test_the_recognisers_confidence_survives_the_store_until_a_person_edits_the_segment(tmp_path, corpus):
    """Whisper's own confidence per segment (the real bundled model on jfk) is kept with the
    transcript, through a restart, the speaker stage's cut and OpenAI's verbose_json; a
    segment a person edited carries none (its text is no longer the recogniser's), a revert
    brings it back, and a transcript stored before it was kept says null, not a made-up 0."""
    from app.api.openai_shapes import verbose
    from workers.engines.speech import CONFIDENCE, SpeechEngine, TranscribeOptions
    from workers.media import probe

    heard = SpeechEngine.get(TranscribeOptions()).transcribe(probe(str(corpus / "jfk.flac")), TranscribeOptions())
    sure = [{name: s[name] for name in CONFIDENCE} for s in heard["segments"]]
    assert len(sure) >= 2 and all(-20 <= c["avg_logprob"] < 0 and 0 <= c["no_speech_prob"] <= 1
                                  and c["compression_ratio"] > 0 and c["temperature"] == 0.0 for c in sure)
    path = tmp_path / "earmark.db"
    store = JobStore(path)
    job_id = store.create_job("/jfk.flac", stages=["transcribe", "diarize"])
    store.save_transcript(job_id, heard)
    store.close()
    store = JobStore(path)

    def kept() -> list[dict]:
        return [{name: s.get(name) for name in CONFIDENCE} for s in store.transcript(job_id)["segments"]]

    def answered() -> list[dict]:
        return [{name: s[name] for name in CONFIDENCE} for s in verbose(store.transcript(job_id), "transcribe",
                                                                        [])["segments"]]

    assert kept() == answered() == sure
    assert [{name: s.get(name) for name in CONFIDENCE} for s in store.note_segments(job_id)] == sure
    store.edit_segment(job_id, 0, "And so, my fellow citizens, ask not.")
    blank = dict.fromkeys(CONFIDENCE)
    assert kept() == answered() == [blank, *sure[1:]]
    assert not set(CONFIDENCE) & set(store.note_segments(job_id)[0])
    store.revert_segment(job_id, 0)
    assert kept() == sure
    # the speaker stage cuts the second segment in two: both pieces are as sure as it was
    first, second = ({"start": s["start"], "end": s["end"], "text": s["text"]} for s in heard["segments"][:2])
    middle = round((second["start"] + second["end"]) / 2, 3)
    said = second["text"].split()  # cut between its words, as the stage cuts (words it was not sent: an edit)
    store.save_speakers(job_id, {
        "segments": [dict(first, speaker="1", source=0),
                     dict(second, end=middle, text=" ".join(said[:3]), speaker="1", source=1),
                     dict(second, start=middle, text=" ".join(said[3:]), speaker="2", source=1)],
        "speakers": [{"key": "1", "seconds": 6.0}, {"key": "2", "seconds": 3.0}]})
    assert kept() == [sure[0], sure[1], sure[1]]
    older = store.create_job("/old.wav", stages=["transcribe"])
    store.save_transcript(older, {"language": "en", "duration": 1.0, "segments": [{"start": 0, "end": 1,
                                                                                   "text": "Hi."}]})
    assert [{name: s[name] for name in CONFIDENCE} for s in verbose(store.transcript(older), "transcribe",
                                                                    [])["segments"]] == [blank]
    store.close()


def test_store_calls_inside_one_transaction_commit_or_roll_back_together(tmp_path):
    """What ``JobService.collect`` relies on: a stage's end and what it implies (its result; a
    transcript with no speech dropped and the later stages cancelled) are one write, so a
    crash between them leaves none of it."""
    store = JobStore(tmp_path / "earmark.db")
    job_id = store.create_job("/c.mp3", stages=["transcribe", "diarize", "index"])
    store.update_stage(job_id, "transcribe", state=js.DONE)
    store.save_transcript(job_id, {"language": "en", "duration": 2.0, "text": "", "segments": []})
    try:
        with store.transaction():
            assert store.update_stage(job_id, "diarize", only_if_active=True, state=js.FAILED, error="No speech")
            store.drop_transcript(job_id)
            raise OSError("the disk went away")  # as a crash would, before the later stages are cancelled
    except OSError:
        pass
    assert store.stage(job_id, "diarize")["state"] == js.PENDING and store.transcript(job_id) is not None
    with store.transaction():
        store.update_stage(job_id, "diarize", only_if_active=True, state=js.FAILED, error="No speech")
        store.drop_transcript(job_id)
        store.update_stages(job_id, ["index"], state=js.CANCELLED)
    assert [s["state"] for s in store.stages(job_id)] == [js.DONE, js.FAILED, js.CANCELLED]
    assert store.transcript(job_id) is None and store.job(job_id)["state"] == js.FAILED


def test_a_transaction_whose_commit_failed_leaves_the_next_writes_their_own(tmp_path):
    """A COMMIT can fail and leave SQLite's transaction open (a full disk; here a deferred
    foreign key, which SQLite checks only at COMMIT, stands in for it): that write fails with
    its error, and the store's next writes are committed as ever, not taken into the open
    transaction (never committed, and the file locked for every other process meanwhile)."""
    store = JobStore(tmp_path / "earmark.db")
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as db:
        db.execute("PRAGMA defer_foreign_keys=ON")
        db.execute("INSERT INTO stages (job_id, name, state) VALUES ('no such job', 'transcribe', 'pending')")
    job_id = store.create_job("/c.mp3", stages=["transcribe"])
    other = sqlite3.connect(tmp_path / "earmark.db", timeout=0.5)  # another process's view
    try:
        assert other.execute("SELECT COUNT(*) FROM jobs WHERE id=?", (job_id,)).fetchone()[0] == 1
        assert other.execute("SELECT COUNT(*) FROM stages WHERE job_id='no such job'").fetchone()[0] == 0
        other.execute("BEGIN IMMEDIATE")  # the file is not held
        other.execute("ROLLBACK")
    finally:
        other.close()
        store.close()
