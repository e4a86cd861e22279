import sqlite3

from app import jobstore as js
from app.jobstore import JobStore
from app.schema import SCHEMA


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
