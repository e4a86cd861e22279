"""Long recordings through the chunked path: real broker, real workers, real tiny.en,
on the four corpus meetings joined into one 342 s file (cut into ~90 s chunks here;
a real install chunks from 15 minutes, in 5-minute chunks)."""

import functools
import json
import subprocess
import sys

import pytest

from app.runtime.queues import depths
from app.store import jobstore as js
from app.store.jobstore import JobStore
from tests.helpers import wait_until, waiting_to_write, wer, write_at_once
from tests.long_audio import MEETINGS, long_file, long_reference
from tests.test_resilience import kill_app, open_stack

pytestmark = pytest.mark.stack
CHUNKED = {"chunk_from_minutes": 2.0, "chunk_minutes": 1.5}


@pytest.fixture(scope="module")
def long_wav(tmp_path_factory, corpus):
    return long_file(tmp_path_factory.mktemp("long") / "meetings.wav", corpus)


def write_settings(data_dir, **values) -> None:
    (data_dir / "settings.json").write_text(json.dumps(values))


def chunk_starts(store, job_id) -> dict[int, int]:
    """How many times each chunk was started by a worker, from the task timeline."""
    counts: dict[int, int] = {}
    for event in store.events(job_id=job_id):
        detail = json.loads(event["detail"]) if event["detail"] else {}
        if event["kind"] == "started" and "chunk" in detail:
            counts[detail["chunk"]] = counts.get(detail["chunk"], 0) + 1
    return counts


def assert_good_transcript(transcript, reference_wer_ceiling):
    segments = transcript["segments"]
    assert all(a["start"] <= b["start"] and a["end"] <= b["start"] + 1e-6 for a, b in zip(segments, segments[1:]))
    assert segments[-1]["end"] <= transcript["duration"] + 0.5
    lengths = sorted(s["end"] - s["start"] for s in segments)
    assert lengths[len(lengths) // 2] < 12.0, "segments should be sentences, not 30-second windows"
    assert wer(long_reference(), transcript["text"]) <= reference_wer_ceiling


def test_a_long_file_goes_in_chunks_as_well_as_one_direct_call_and_pauses(data_dir, long_wav):
    from workers.engines.speech import SpeechEngine, TranscribeOptions
    from workers.media import decode, probe

    # the same file in one direct call of the same model (sequential, beam 5)
    options = TranscribeOptions()
    direct = SpeechEngine.get(options).transcribe_samples(decode(str(long_wav), probe(str(long_wav))), options,
                                                          batched=False)
    direct_wer = wer(long_reference(), " ".join(s["text"] for s in direct["segments"]))

    write_settings(data_dir, **CHUNKED)
    stack = open_stack(data_dir)
    try:
        store, service = stack.store, stack.service
        from app.settings import Settings

        intake = service.intake(str(long_wav), Settings(data_dir / "settings.json").speech_options(summarize=False))
        # pause once the first chunk is stored: the queued chunks leave the broker
        wait_until(lambda: any(c["state"] == js.DONE for c in store.chunks(intake.job_id)), 300,
                   message="a first chunk")
        assert service.pause(intake.job_id)
        assert store.job(intake.job_id)["state"] == js.PAUSED
        wait_until(lambda: not any(c["state"] in js.ACTIVE for c in store.chunks(intake.job_id)), 120,
                   message="the running chunk to finish and nothing else to start")
        assert depths(stack.celery)["transcribe"]["waiting"] == 0
        paused_at = chunk_starts(store, intake.job_id)
        chunks = store.chunks(intake.job_id)
        assert len(chunks) >= 3 and any(c["state"] == js.PENDING for c in chunks)
        done_seconds = sum(c["end"] - c["start"] for c in chunks if c["state"] == js.DONE)
        # the stage's progress is written just after the last chunk's end (its own write, on the
        # event monitor's thread): wait for it rather than read it in between
        wait_until(lambda: store.stage(intake.job_id, "transcribe")["progress"]
                   == pytest.approx(done_seconds / chunks[-1]["end"], abs=0.01), 30,
                   message="the stage's progress to say the finished chunks' share")

        assert service.resume(intake.job_id)
        wait_until(lambda: store.job(intake.job_id)["state"] in js.FINAL, 600, message="the job to finish")
        assert store.job(intake.job_id)["state"] == js.DONE, store.job(intake.job_id)["error"]
        starts = chunk_starts(store, intake.job_id)
        assert sorted(starts) == [c["idx"] for c in chunks]
        assert all(starts[i] == 1 for i in starts), starts  # nothing transcribed twice
        assert all(paused_at.get(c["idx"], 0) == 1 for c in chunks if c["state"] == js.DONE)
        transcript = store.transcript(intake.job_id)
        assert transcript["duration"] == pytest.approx(342.4, abs=1)
        # within one point of the direct call: nothing lost or doubled at the seams
        assert wer(long_reference(), transcript["text"]) <= direct_wer + 0.01, (direct_wer, transcript["text"])
        assert_good_transcript(transcript, 0.12)
        assert not any(s["text"] == "[speech not transcribed]" for s in transcript["segments"])
    finally:
        stack.close()


def test_killed_mid_file_the_next_start_transcribes_only_the_unfinished_chunks(data_dir, long_wav):
    write_settings(data_dir, **CHUNKED, batched=False)  # progress within a chunk: caught mid-way
    cli = subprocess.Popen([sys.executable, "-m", "app", "--data-dir", str(data_dir), "transcribe", str(long_wav),
                            "--out", str(data_dir / "out")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        store = JobStore(wait_until(lambda: (data_dir / "earmark.db").exists() and data_dir / "earmark.db"))
        job_id = wait_until(lambda: store.jobs() and store.jobs()[0]["id"], 60, message="job created")

        def one_done_one_running():
            chunks = store.chunks(job_id)
            return (any(c["state"] == js.DONE for c in chunks)
                    and any(c["state"] == js.RUNNING and c["progress"] > 0.1 for c in chunks))
        wait_until(one_done_one_running, 300, message="a chunk done and the next under way")
        kill_app(cli, workers_first=True)
    finally:
        if cli.poll() is None:
            cli.kill()
    before = {c["idx"]: c["state"] for c in store.chunks(job_id)}
    done_before = [i for i, state in before.items() if state == js.DONE]
    interrupted = [i for i, state in before.items() if state == js.RUNNING]
    assert done_before and interrupted and store.job(job_id)["state"] == js.RUNNING

    stack = open_stack(data_dir)
    try:
        wait_until(lambda: stack.store.job(job_id)["state"] in js.FINAL, 600, message="the job to finish")
        assert stack.store.job(job_id)["state"] == js.DONE, stack.store.job(job_id)["error"]
        starts = chunk_starts(stack.store, job_id)
        assert all(starts[i] == 1 for i in done_before), starts  # finished work is never redone
        assert all(starts[i] == 2 for i in interrupted), starts  # the killed one, once more
        # the file is all there and reads as well as the uninterrupted run
        assert_good_transcript(stack.store.transcript(job_id), 0.12)
    finally:
        stack.close()


def test_the_long_file_helper_joins_every_meeting(long_wav):
    import wave

    with wave.open(str(long_wav)) as w:
        seconds = w.getnframes() / w.getframerate()
    assert seconds == pytest.approx(342.4, abs=1) and len(MEETINGS) == 4


def test_chunks_planned_but_never_sent_before_a_crash_are_sent_at_the_next_start(data_dir, corpus):
    """The app stored a plan and stopped before sending its chunks: nothing is stuck."""
    from app.settings import Settings
    from tests.helpers import reference
    from workers.engines import chunks as chunking
    from workers.media import decode, probe

    path = str(corpus / "jfk.flac")
    audio = decode(path, probe(path))
    regions = chunking.speech_regions(audio)
    cuts = chunking.plan(regions, len(audio) / 16000, target=4.0)
    assert len(cuts) >= 2
    store = JobStore(data_dir / "earmark.db")
    options = Settings(data_dir / "settings.json").speech_options(chunk_from_minutes=0.1)
    job_id = store.create_job(path, stages=["transcribe", "index"], options=options, duration_seconds=11.0)
    store.update_stage(job_id, "transcribe", state=js.RUNNING, task_id="plan-task-of-a-crashed-app")
    store.save_chunk_plan(job_id, [{"index": i, "start": s, "end": e, "regions": chunking.within(regions, s, e)}
                                   for i, (s, e) in enumerate(cuts)])
    store.close()

    stack = open_stack(data_dir)
    try:
        wait_until(lambda: stack.store.job(job_id)["state"] in js.FINAL, 120, message="the job to finish")
        assert stack.store.job(job_id)["state"] == js.DONE, stack.store.job(job_id)["error"]
        assert sorted(chunk_starts(stack.store, job_id).values()) == [1] * len(cuts)
        assert wer(reference("jfk"), stack.store.transcript(job_id)["text"]) <= 0.15
    finally:
        stack.close()


def test_two_processes_joined_to_the_stack_finish_a_chunked_transcription_once(tmp_path):
    """Every process joined to the stack (the window beside ``earmark serve``) collects the last
    chunk; only one saves the joined transcript and sends the next stage. (A second one sent
    the stage after it, while the speakers were still being found: the notes without them.)
    Two store connections stand for the two processes (SQLite locks them alike); a third
    holds the write lock until both have read that the transcription is still running."""
    from app.jobs.chunkflow import ChunkFlow

    path = tmp_path / "earmark.db"
    stores = [JobStore(path), JobStore(path)]
    job_id = stores[0].create_job("/long.wav", stages=["transcribe", "diarize", "summarize"], duration_seconds=20.0)
    stores[0].update_stage(job_id, "transcribe", state=js.RUNNING)
    stores[0].save_chunk_plan(job_id, [{"index": i, "start": 10.0 * i, "end": 10.0 * (i + 1), "regions": []}
                                       for i in range(2)])
    for i in range(2):
        said = {"start": 10.0 * i + 1, "end": 10.0 * i + 4, "text": f"part {i}"}
        stores[0].update_chunk(job_id, i, state=js.DONE, result=json.dumps(
            {"language": "en", "model": "tiny.en", "text": said["text"], "segments": [said]}))
    transcribed = []
    flows = [ChunkFlow(store, None, on_transcribed=transcribed.append) for store in stores]
    write_at_once(path, [functools.partial(flow.maybe_join, job_id) for flow in flows])
    assert transcribed == [job_id]
    assert stores[1].stage(job_id, "transcribe")["state"] == js.DONE
    assert stores[1].transcript(job_id)["text"] == "part 0 part 1"
    for store in stores:
        store.close()


def test_two_processes_joined_to_the_stack_send_a_plans_chunks_once(tmp_path):
    """Every process joined to the stack collects the plan task's result. One that read "no
    plan yet" and then found the other's plan saved went on to send the chunks as well: each
    chunk was transcribed twice whenever both read the chunks before either had sent them. The
    chunks are now sent by the one that saved the plan only. Two store connections stand for
    the two processes: the first takes the write lock and saves the plan once the second waits
    for it, then sends the chunks as its ``planned`` does. Tasks go to kombu's in-memory broker
    (what is counted is the sends, each recorded in the task history)."""
    import threading

    from celery import Celery

    from app.jobs.chunkflow import ChunkFlow
    from app.jobs.dispatch import Dispatcher

    path = tmp_path / "earmark.db"
    stores = [JobStore(path), JobStore(path)]
    job_id = stores[0].create_job("/long.wav", stages=["transcribe", "index"], duration_seconds=30.0)
    stores[0].update_stage(job_id, "transcribe", state=js.QUEUED)
    plan = {"duration": 30.0, "speech_regions": [[0.5, 29.5]],
            "chunks": [{"index": i, "start": 10.0 * i, "end": 10.0 * (i + 1)} for i in range(3)]}
    broker = Celery("two-processes", broker="memory://")
    first, second = (ChunkFlow(store, Dispatcher(store, broker)) for store in stores)

    def sent() -> list[dict]:
        return [t for t in stores[1].task_rows() if t["job_id"] == job_id]
    with stores[0].transaction():
        late = threading.Thread(target=second.planned, args=(job_id, plan))
        late.start()
        wait_until(lambda: waiting_to_write(late), 20, message="the second to wait to write")
        stores[0].save_chunk_plan(job_id, [dict(c, regions=[]) for c in plan["chunks"]])
        stores[0].update_stage(job_id, "transcribe", only_if_active=True, state=js.RUNNING, progress=0.0)
    late.join(timeout=30)
    assert sent() == [] and {c["state"] for c in stores[1].chunks(job_id)} == {js.PENDING}
    assert first.send_chunks(job_id) == 3
    assert len(sent()) == 3 and {c["state"] for c in stores[1].chunks(job_id)} == {js.QUEUED}
    for store in stores:
        store.close()


def test_two_processes_joined_to_the_stack_send_a_pending_chunk_once(tmp_path):
    """Every process joined to the stack sends, at each poll, the chunks that wait to be sent
    (``JobService.send_pending``: a plan's chunks while the process that saved it is still
    sending them, chunks whose audio waited for room in the broker). Two that read the same
    chunk waiting both sent it, and it was transcribed twice (the later task id won). A chunk
    is now recorded as sent only while it still has the task id it was read with, and only
    the process whose write took sends it. Two store connections stand for the two
    processes, the planner sending its chunks and the other's poll; a third holds SQLite's
    write lock until both have read the chunks and wait to record them. Tasks go to kombu's
    in-memory broker (what is counted is the sends, each recorded in the task history)."""
    from celery import Celery

    from app.jobs.chunkflow import ChunkFlow
    from app.jobs.dispatch import Dispatcher

    path = tmp_path / "earmark.db"
    stores = [JobStore(path), JobStore(path)]
    job_id = stores[0].create_job("/long.wav", stages=["transcribe", "index"], duration_seconds=30.0)
    stores[0].update_stage(job_id, "transcribe", state=js.RUNNING)
    stores[0].save_chunk_plan(job_id, [{"index": i, "start": 10.0 * i, "end": 10.0 * (i + 1), "regions": []}
                                       for i in range(3)])
    broker = Celery("two-processes", broker="memory://")
    planner, other = (ChunkFlow(store, Dispatcher(store, broker)) for store in stores)
    write_at_once(path, [functools.partial(planner.send_chunks, job_id),
                         functools.partial(other.send_chunks, job_id, only=(js.PENDING,))])
    sent = {t["task_id"] for t in stores[1].task_rows() if t["job_id"] == job_id}
    assert len(sent) == 3
    assert {c["task_id"] for c in stores[1].chunks(job_id)} == sent
    assert {c["state"] for c in stores[1].chunks(job_id)} == {js.QUEUED}
    for store in stores:
        store.close()
