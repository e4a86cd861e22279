"""Every fault ends: once, bounded, with a sentence. Real broker, real workers, real tiny.en.

A native crash of an engine is made with the documented test hook ``EARMARK_TEST_CRASH``
(workers/delivery.py: the task's process kills itself with that signal when the task
starts, as llama.cpp's SIGILL on a CPU it was not built for did); everything else is
done to the real processes from outside (SIGKILL, SIGSTOP)."""

import json
import os
import signal
import subprocess
import sys
import threading

import pytest

from app.store import jobstore as js
from app.store.jobstore import JobStore
from tests.helpers import fresh_copy, processes_of, wait_until

pytestmark = pytest.mark.stack


def cli(data_dir, *args, timeout=300, env=None):
    cmd = [sys.executable, "-m", "app", "--data-dir", str(data_dir), *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                          env={**os.environ, **(env or {})})


def start_cli(data_dir, *args, env=None):
    cmd = [sys.executable, "-m", "app", "--data-dir", str(data_dir), *map(str, args)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})})


def kinds(store, job_id, stage):
    return [e["kind"] for e in store.events(job_id=job_id) if e["stage"] == stage]


def test_a_task_that_crashes_its_worker_every_time_fails_once_with_a_sentence(data_dir, corpus):
    """The summary engine dies with SIGILL on every start: three starts, one failure that
    says so and what it keeps, the transcript kept, written and still indexed (the notes
    are optional: they never hold back search), the CLI ends (exit 1), no process left."""
    out = data_dir / "out"
    done = cli(data_dir, "transcribe", corpus / "jfk.flac", "--summary", "--out", out,
               env={"EARMARK_TEST_CRASH": "earmark.summarize:SIGILL"})
    assert done.returncode == 1, done.stderr
    assert "crashed (illegal instruction) 3 times" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert (out / "jfk.txt").read_text().strip() and not (out / "jfk.summary.md").exists()
    assert not processes_of(data_dir)
    store = JobStore(data_dir / "earmark.db")
    [job] = store.jobs()
    summary = store.stage(job["id"], "summarize")
    assert summary["state"] == js.FAILED and "summary engine crashed" in summary["error"]
    assert "The transcript is kept without notes." in summary["error"]
    assert store.stage(job["id"], "transcribe")["state"] == js.DONE
    assert store.stage(job["id"], "index")["state"] == js.DONE and store.search("country")
    assert job["state"] == js.FAILED  # what the person asked for did not all happen, and the job says so
    steps = kinds(store, job["id"], "summarize")
    assert steps.count("started") == 3 and steps.count("retried") == 2 and steps.count("failed") == 1, steps
    [task] = [t for t in store.task_rows() if t["name"] == "earmark.summarize"]
    assert task["state"] == "failed" and "illegal instruction" in task["error"]
    status = cli(data_dir, "status", timeout=60)
    retries = [line for line in status.stdout.splitlines() if "retried" in line]
    assert len(retries) == 2 and all("crashed (illegal instruction)" in r for r in retries), status.stdout


def meeting_under_way(data_dir, corpus):
    """A stack transcribing a meeting on the sequential path (progress segment by
    segment), caught mid-way: (stack, intake, its running stage)."""
    from tests.test_resilience import open_stack, wait_running

    (data_dir / "settings.json").write_text('{"batched": false}')
    stack = open_stack(data_dir)
    intake = stack.service.intake(str(corpus / "meeting1_product_sync.mp3"),
                                  stack.settings.speech_options(summarize=False))
    return stack, intake, wait_running(stack.store, intake.job_id)


def test_a_crash_that_passes_costs_one_more_start(data_dir, corpus, monkeypatch):
    """A pool process killed from outside once (the OOM killer, say): the task runs again
    after a short backoff and succeeds; no failure is recorded."""
    from tests.test_resilience import wait_done

    stack, intake, stage = meeting_under_way(data_dir, corpus)
    try:
        os.kill(stage["worker_pid"], signal.SIGKILL)
        job = wait_done(stack.store, intake.job_id)
        assert job["state"] == js.DONE, job["error"]
        steps = kinds(stack.store, intake.job_id, "transcribe")
        assert steps.count("started") == 2 and steps.count("retried") == 1 and "failed" not in steps, steps
    finally:
        stack.close()


def test_a_hung_task_is_noticed_and_its_process_restarted(data_dir, corpus, monkeypatch):
    """A pool process stopped (SIGSTOP) mid-file: no progress and no CPU for the stall
    time, so its process is killed, a 'stalled' event says so, and the task runs again once."""
    monkeypatch.setenv("EARMARK_STALL_SECONDS", "4")
    stack, intake, stage = meeting_under_way(data_dir, corpus)
    try:
        os.kill(stage["worker_pid"], signal.SIGSTOP)

        def finished():
            stack.service.poll()  # what the CLI and serve do every two seconds
            return stack.store.job(intake.job_id)["state"] in js.FINAL
        wait_until(finished, 180, interval=0.5, message="the stalled job to end")
        job = stack.store.job(intake.job_id)
        assert job["state"] == js.DONE, job["error"]
        steps = kinds(stack.store, intake.job_id, "transcribe")
        assert steps.count("stalled") == 1 and steps.count("started") == 2 and "failed" not in steps, steps
        [stalled] = [e for e in stack.store.events(job_id=intake.job_id) if e["kind"] == "stalled"]
        assert json.loads(stalled["detail"])["pid"] == stage["worker_pid"]
        status = cli(data_dir, "status", timeout=60)
        assert "stalled" in status.stdout and "no progress and no CPU" in status.stdout, status.stdout
    finally:
        stack.close()


def test_arguments_are_checked_before_anything_is_queued(data_dir, corpus):
    done = cli(data_dir, "transcribe", corpus / "jfk.flac", "--summary", "minutes", timeout=60)
    assert done.returncode == 2
    assert "No summary template named 'minutes'" in done.stderr and "meeting_minutes" in done.stderr
    assert not JobStore(data_dir / "earmark.db").jobs()


def test_a_file_named_twice_or_dropped_again_is_one_job(data_dir, corpus):
    out = data_dir / "out"
    done = cli(data_dir, "transcribe", corpus / "jfk.flac", corpus / "jfk.flac", "--out", out)
    assert done.returncode == 0, done.stderr
    store = JobStore(data_dir / "earmark.db")
    [job] = store.jobs()
    assert kinds(store, job["id"], "transcribe").count("started") == 1


def test_a_second_transcribe_on_the_same_folder_finishes_after_the_first_stops(data_dir, corpus, tmp_path):
    """The first command owns the stack and stops it when its own file is done; the
    second, which joined, takes the stack over and finishes all of its files."""
    first = start_cli(data_dir, "transcribe", corpus / "jfk.flac", "--out", tmp_path / "a")
    wait_until(lambda: (data_dir / "run" / "broker.json").exists(), 60, message="the first stack")
    files = [corpus / f for f in ("meeting1_product_sync.mp3", "hotwords.mp3")]  # 81 s: running at the handover
    second = start_cli(data_dir, "transcribe", *files, "--out", tmp_path / "b")
    out1, err1 = first.communicate(timeout=300)
    assert first.returncode == 0, err1
    out2, err2 = second.communicate(timeout=600)
    assert second.returncode == 0, err2
    assert "Traceback" not in err2
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == sorted(f"{f.stem}.txt" for f in files)
    assert not processes_of(data_dir)


def test_a_second_serve_says_one_is_running(data_dir):
    first = start_cli(data_dir, "serve")
    try:
        ready = threading.Event()

        def read():
            for line in first.stdout:
                if "ready" in line:
                    ready.set()
                    return
        threading.Thread(target=read, daemon=True).start()
        assert ready.wait(120), "the first serve did not get ready"
        second = cli(data_dir, "serve", timeout=60)
        assert second.returncode == 1 and "already running" in second.stderr
        assert "ready" not in second.stdout
    finally:
        first.send_signal(signal.SIGINT)
        first.wait(60)


def test_a_broker_restart_mid_batch_is_invisible(data_dir, corpus, tmp_path):
    """The broker SIGKILLed while a batch runs (the supervisor starts it again): every
    file is still written once, the command exits 0, no traceback, no false failure."""
    files = [corpus / f for f in ("jfk.flac", "meeting1_product_sync.mp3", "meeting2_incident_review.mp3",
                                  "meeting4_customer_research.mp3")]
    run = start_cli(data_dir, "transcribe", *files, "--out", tmp_path)
    store_path = data_dir / "earmark.db"
    wait_until(lambda: store_path.exists() and any(
        j["state"] == js.DONE for j in JobStore(store_path).jobs()), 180, interval=0.2, message="a first file done")
    pid = int((data_dir / "run" / "broker.pid").read_text())
    os.kill(pid, signal.SIGKILL)
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, err
    assert "Traceback" not in err and "Unexpected error" not in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{f.stem}.txt" for f in files)
    store = JobStore(store_path)
    assert len(store.jobs()) == 4 and all(j["state"] == js.DONE for j in store.jobs())
    for job in store.jobs():  # none ran again after it had succeeded
        assert kinds(store, job["id"], "transcribe").count("succeeded") <= 1


def test_a_damaged_broker_file_is_repaired_or_moved_aside_and_nothing_is_lost(data_dir, corpus):
    """A queued job, the app stopped, the broker's append-only manifest damaged: the next
    start keeps a copy, repairs or moves it aside, says which, and the job still runs."""
    from app.jobs.stack import Stack
    from app.paths import DataDir
    from app.settings import Settings

    data = DataDir.resolve(data_dir)
    stack = Stack(data, Settings(data.settings), roles=()).open()  # no worker: it stays queued
    intake = stack.service.intake(str(corpus / "jfk.flac"), stack.settings.speech_options(summarize=False))
    stack.close()
    [manifest] = (data_dir / "broker" / "appendonlydir").glob("*.manifest")
    manifest.write_text("file appendonly.aof.1.base.rdb seq 1 type b\nthis is not a manifest line\n")

    done = cli(data_dir, "transcribe", corpus / "jfk.flac", "--out", data_dir / "out")
    assert done.returncode == 0, done.stderr
    assert "queue file was damaged" in done.stderr and "Traceback" not in done.stderr
    assert list((data_dir / "broker").glob("appendonlydir.damaged-*"))
    store = JobStore(data_dir / "earmark.db")
    assert store.job(intake.job_id)["state"] == js.DONE and len(store.jobs()) == 1


def test_a_full_disk_gets_a_sentence_not_a_traceback(tmp_path, corpus):
    """The data folder on a disk with no room left (a 1 MiB tmpfs, filled)."""
    mount = tmp_path / "full"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)]).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        with open(mount / "filler", "wb") as fh:
            try:
                while True:
                    fh.write(b"\0" * 65536)
            except OSError:
                pass
        done = cli(mount / "data", "transcribe", corpus / "jfk.flac", timeout=120)
        assert done.returncode == 1
        assert "is full" in done.stderr and "Traceback" not in done.stderr, done.stderr
    finally:
        subprocess.run(["umount", "-l", str(mount)])


def test_speech_an_english_only_model_cannot_hear_is_marked_and_named(shared_stack, corpus, tmp_path):
    """multilingual.mp3 is English, then German (31-60 s). tiny.en does not guess the German
    in English: it is marked at its time, and the command says which model would hear it
    (the command joins the running stack, as it does for a person)."""
    recording = fresh_copy(corpus / "multilingual.mp3", tmp_path / "in")
    done = cli(shared_stack, "transcribe", recording, "--format", "json", "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "sounds like German" in done.stderr and "'base'" in done.stderr, done.stderr
    segments = json.loads((tmp_path / "multilingual.json").read_text())["segments"]
    marked = [s for s in segments if s["text"].startswith("[speech not transcribed: it sounds like German]")]
    assert marked and sum(s["end"] - s["start"] for s in marked) >= 15
    assert all(s["start"] >= 28 for s in marked)
    assert any(s["end"] <= 31 and s["text"].strip() for s in segments if s not in marked)  # English kept
