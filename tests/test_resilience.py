"""Nothing lost, nothing left behind: killed workers, a killed app, lost tasks."""

import json
import logging
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psutil
import pytest

from app.jobs.service import JobService
from app.jobs.stack import Stack
from app.paths import DataDir
from app.runtime import supervisor
from app.runtime.broker import BrokerAddress, address_file
from app.runtime.supervisor import Supervisor
from app.settings import Settings
from app.store import jobstore as js
from app.store.jobstore import JobStore
from tests.helpers import free_port, live_processes, reference, wait_until, wer

pytestmark = pytest.mark.stack
MEETING = "meeting1_product_sync"  # 81 s of speech: several seconds of work to interrupt


def sequential(data_dir) -> None:
    """The sequential path, whose progress moves segment by segment: these tests need a
    job caught mid-way (the batched path reports a whole batch at once)."""
    (data_dir / "settings.json").write_text('{"batched": false}')


def open_stack(data_dir, roles=("transcribe", "index")) -> Stack:
    data = DataDir.resolve(data_dir)
    return Stack(data, Settings(data.settings), roles=roles).open(wait_workers=True)


def wait_running(store, job_id, timeout=120):
    """Until the job's transcription is under way in a worker (model loaded, progress reported)."""
    def running():
        stage = store.stage(job_id, "transcribe")
        return stage if stage["state"] == js.RUNNING and stage["progress"] > 0.05 else None
    return wait_until(running, timeout, message="transcription under way")


def wait_done(store, job_id, timeout=180):
    wait_until(lambda: store.job(job_id)["state"] in js.FINAL, timeout, message="job to finish")
    return store.job(job_id)


def assert_completed_once(store, job_id, starts):
    job = store.job(job_id)
    assert job["state"] == js.DONE, job["error"]
    kinds = [e["kind"] for e in store.events(job_id=job_id) if e["stage"] == "transcribe"]
    assert kinds.count("started") == starts and kinds.count("succeeded") == 1, kinds
    assert "failed" not in kinds, kinds
    assert wer(reference(MEETING), store.transcript(job_id)["text"]) <= 0.15


def test_the_owner_listens_to_events_before_it_starts_a_worker(data_dir, monkeypatch):
    """A task the start sends (reconcile) can start the moment a worker is up: its
    'started' event is lost unless the event receiver was subscribed before."""
    data = DataDir.resolve(data_dir)
    stack = Stack(data, Settings(data.settings), roles=("transcribe", "index"))
    listening = []
    role_child = Supervisor._role_child

    def spawn_role(self, role):
        listening.append((role, stack.monitor is not None and stack.monitor.connected.is_set()))
        return role_child(self, role)

    monkeypatch.setattr(Supervisor, "_role_child", spawn_role)
    stack.open(wait_workers=True)
    try:
        assert listening == [("transcribe", True), ("index", True)], listening
    finally:
        stack.close()


def event_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "celery-events" and t.is_alive()]


def test_a_process_that_joins_while_the_owner_starts_after_a_kill_waits_for_the_new_address(data_dir, monkeypatch):
    """A run that was killed leaves its address behind (another port, another password). A
    process that finds the lock held while the next owner starts must wait for the new
    address: it used to join the dead one and give up ("Could not listen to the workers'
    events") once its listener had tried for 10 s."""
    data = DataDir.resolve(data_dir).ensure()
    BrokerAddress(url=f"redis://:stale@127.0.0.1:{free_port()}/0", socket_path=str(data.socket_path())).save(
        address_file(data))  # what SIGKILL leaves
    owner = Supervisor(data, Settings(data.settings), ("index",))
    starting, go_on = threading.Event(), threading.Event()
    started = threading.Thread(target=owner.start, kwargs={"before_workers": lambda app: (starting.set(),
                                                                                         go_on.wait(60))})
    started.start()
    tries, opened = [], {}
    join = Stack._join
    monkeypatch.setattr(Stack, "_join", lambda self: (tries.append(1), join(self))[1])

    def second():
        try:
            opened["stack"] = Stack(data, Settings(data.settings), roles=("index",)).open()
        except Exception as exc:
            opened["error"] = exc
    thread = threading.Thread(target=second)
    try:
        assert starting.wait(60), "the owner to start its broker"
        thread.start()
        wait_until(lambda: tries, 30, message="the second process to find the lock held")
        go_on.set()
        started.join(60)
        thread.join(60)
        assert "error" not in opened, opened
        stack = opened["stack"]
        try:
            assert not stack.owner and stack.monitor.connected.is_set()
            assert stack.address == owner.address
        finally:
            stack.close()
    finally:
        go_on.set()
        started.join(60)
        owner.stop()


def test_a_join_that_cannot_listen_leaves_no_listener_behind(data_dir):
    """The stack's lock is held but its broker does not answer (it is being restarted): the
    join fails with a sentence, and its listener does not stay behind, retrying on its own
    and applying events for a stack nobody holds."""
    data = DataDir.resolve(data_dir).ensure()
    owner = Supervisor(data, Settings(data.settings), ("index",))
    owner._take_lock()  # the process that runs the stack, its broker down for now
    BrokerAddress(url=f"redis://:pw@127.0.0.1:{free_port()}/0").save(address_file(data))
    before = event_threads()
    try:
        with pytest.raises(supervisor.StartError, match="listen"):
            Stack(data, Settings(data.settings), roles=("index",)).open()
        wait_until(lambda: event_threads() == before, 5, message="no listener left")
    finally:
        owner.stop()


def test_a_start_whose_workers_never_answer_stops_what_it_started(data_dir, monkeypatch):
    """open(wait_workers=True) gives up when the workers do not answer (120 s, cut short
    here): nobody gets that stack, so its broker, workers, listener and lock must not run on
    (the window said the start failed while the stack kept its lock and ran)."""
    data = DataDir.resolve(data_dir)
    started = []
    start = Supervisor.start
    monkeypatch.setattr(Supervisor, "start", lambda self, **kw: (started.append(self), start(self, **kw))[1])
    monkeypatch.setattr(Supervisor, "wait_workers", lambda self, timeout_seconds=60.0, roles=None: False)
    before = event_threads()
    with pytest.raises(supervisor.StartError, match="did not start"):
        Stack(data, Settings(data.settings), roles=("index",)).open(wait_workers=True)
    kids = [c.proc.pid for c in started[0].children.values()]
    assert kids
    wait_until(lambda: not live_processes(kids), 30, message="the broker and workers to stop")
    assert Supervisor.owner_gone(data) and event_threads() == before


@pytest.mark.parametrize("victim", ["pool process", "worker process"])
def test_sigkill_of_a_transcribe_worker_mid_job_still_completes_once(data_dir, corpus, victim):
    sequential(data_dir)
    stack = open_stack(data_dir)
    try:
        intake = stack.service.intake(str(corpus / f"{MEETING}.mp3"),
                                      Settings(data_dir / "settings.json").speech_options(summarize=False))
        stage = wait_running(stack.store, intake.job_id)
        worker = stack.supervisor.children["transcribe"]
        pid = stage["worker_pid"] if victim == "pool process" else worker.pid
        assert pid in [c.pid for c in psutil.Process(worker.pid).children()] + [worker.pid]
        psutil.Process(pid).send_signal(signal.SIGKILL)
        wait_done(stack.store, intake.job_id)
        assert_completed_once(stack.store, intake.job_id, starts=2)
        # a dead worker process is restarted by the supervisor; a dead pool process by Celery
        assert worker.restarts == (1 if victim == "worker process" else 0)
    finally:
        stack.close()


def test_a_stop_kills_idle_workers_at_once_and_loses_nothing_a_busy_one_holds(data_dir, corpus, caplog,
                                                                             monkeypatch):
    """At stop, a worker whose queues hold nothing is killed with its pool at once (Celery's
    warm shutdown of an idle worker costs about two seconds); one running a task, with
    another waiting in its queue, gets the warm shutdown, and at the next start both jobs
    finish: nothing is lost and no process is left."""
    caplog.set_level(logging.INFO, logger="app.runtime.supervisor")
    # what is killed is checked here, not how fast an idle worker answers: on a loaded machine
    # its answer may come after the product's 2 s, and the stop then rightly takes the slow path
    monkeypatch.setattr(supervisor, "IDLE_ANSWER_SECONDS", 20.0)
    sequential(data_dir)
    settings = json.loads((data_dir / "settings.json").read_text())
    (data_dir / "settings.json").write_text(json.dumps({**settings, "stop_timeout_seconds": 2}))
    stack = open_stack(data_dir)
    options = Settings(data_dir / "settings.json").speech_options(summarize=False)
    long_job = stack.service.intake(str(corpus / f"{MEETING}.mp3"), options).job_id
    waiting = stack.service.intake(str(corpus / "jfk.flac"), options).job_id
    wait_running(stack.store, long_job)
    assert stack.store.job(waiting)["state"] == js.QUEUED
    kids = [pid for child in stack.supervisor.children.values() for pid in (child.pid, *descendants(child.pid))]
    index_family = [stack.supervisor.children["index"].pid, *descendants(stack.supervisor.children["index"].pid)]
    assert len(index_family) == 2  # the worker and its pool process
    stack.close()
    assert "stopped idle index at once" in caplog.text
    assert "transcribe at once" not in caplog.text and "transcribe, index at once" not in caplog.text
    assert not live_processes(kids)
    assert not list((data_dir / "run").glob("*.pid"))
    stack = open_stack(data_dir)  # the running task was finished or given back; the waiting one kept
    try:
        for job_id in (long_job, waiting):
            assert wait_done(stack.store, job_id)["state"] == js.DONE
        kinds = [e["kind"] for e in stack.store.events(job_id=long_job) if e["stage"] == "transcribe"]
        assert kinds.count("succeeded") == 1 and "failed" not in kinds, kinds
        assert wer(reference(MEETING), stack.store.transcript(long_job)["text"]) <= 0.15
        assert wer(reference("jfk"), stack.store.transcript(waiting)["text"]) <= 0.1
    finally:
        stack.close()


def test_a_process_that_starts_while_the_stack_stops_starts_it_again(data_dir, corpus, monkeypatch):
    """A command started as another stops its stack finds the stack's lock held and its
    address gone (the last moment of a stop): it waits for the lock, starts the stack
    itself and its file is transcribed (it used to give up: "starting or stopping")."""
    data = DataDir.resolve(data_dir)
    first = Supervisor(data, Settings(data.settings), ("transcribe", "index"))
    first.start()
    address_file(data).unlink()  # where a stop stands just before it lets go of the lock
    tries, opened = [], {}
    join = Stack._join
    monkeypatch.setattr(Stack, "_join", lambda self: (tries.append(1), join(self))[1])

    def second():
        opened["stack"] = Stack(data, Settings(data.settings), roles=("transcribe", "index")).open()
    thread = threading.Thread(target=second)
    thread.start()
    wait_until(lambda: tries, 30, message="the second process to find the stack stopping")
    first.stop()
    thread.join(60)
    stack = opened["stack"]
    try:
        assert stack.owner
        job = stack.service.intake(str(corpus / "jfk.flac"), Settings(data.settings).speech_options(summarize=False))
        assert wait_done(stack.store, job.job_id)["state"] == js.DONE
        assert wer(reference("jfk"), stack.store.transcript(job.job_id)["text"]) <= 0.1
    finally:
        stack.close()


def descendants(pid: int) -> list[int]:
    return [p.pid for p in psutil.Process(pid).children(recursive=True)]


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["stopped", "killed"])
def test_no_broker_or_worker_outlives_the_app(data_dir, how):
    app = subprocess.Popen([sys.executable, "-m", "app", "--data-dir", str(data_dir), "serve"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = app.stdout.readline()
        assert "ready" in line, line + app.stdout.read()
        kids = descendants(app.pid)
        names = " ".join(" ".join(psutil.Process(p).cmdline()) for p in kids)
        assert "valkey-server" in names and names.count(" worker ") >= 3 and " beat " in names
        # the children's temp folder (their pools' pymp-* folders) is private to this run
        temp = Path((data_dir / "run" / "children-temp").read_text())
        assert temp.is_dir() and temp.stat().st_mode & 0o777 == 0o700
        workers = [p for p in kids if " worker " in " ".join(psutil.Process(p).cmdline())]
        assert {psutil.Process(p).environ().get("TMPDIR") for p in workers} == {str(temp)}
        app.send_signal(how)
        app.wait(timeout=60)
        wait_until(lambda: not live_processes(kids), 30, message="children to exit")
    finally:
        if app.poll() is None:
            app.kill()
    if how == signal.SIGTERM:
        assert not list((data_dir / "run").glob("*.pid"))  # a clean stop leaves no pidfiles
        assert not temp.exists()  # nor a temp folder
    else:  # a killed run's temp folder goes at the next start
        assert temp.exists()
        sup = Supervisor(DataDir.resolve(data_dir), roles=())
        sup.start()
        sup.stop()
        assert not temp.exists()


def kill_app(cli: subprocess.Popen, workers_first: bool = False) -> None:
    """SIGKILL an Earmark process (after its workers, if asked); its children must die
    with it (PR_SET_PDEATHSIG), the broker after flushing its append-only file."""
    kids = descendants(cli.pid)
    if workers_first:
        for pid in kids:
            try:
                if psutil.Process(pid).name() != "valkey-server":
                    psutil.Process(pid).send_signal(signal.SIGKILL)
            except psutil.NoSuchProcess:
                continue
    cli.send_signal(signal.SIGKILL)
    cli.wait(timeout=30)
    wait_until(lambda: not live_processes(kids), 30, message="children to die with the app")


def test_app_killed_mid_job_resumes_the_job_at_next_start(data_dir, corpus):
    sequential(data_dir)
    cli = subprocess.Popen([sys.executable, "-m", "app", "--data-dir", str(data_dir), "transcribe",
                            str(corpus / f"{MEETING}.mp3"), "--out", str(data_dir / "out")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        store = JobStore(wait_until(lambda: (data_dir / "earmark.db").exists() and data_dir / "earmark.db"))
        job_id = wait_until(lambda: store.jobs() and store.jobs()[0]["id"], message="job created")
        wait_running(store, job_id)
        kill_app(cli)
    finally:
        if cli.poll() is None:
            cli.kill()
    assert store.job(job_id)["state"] == js.RUNNING  # the app never heard the end
    stack = open_stack(data_dir)  # the message the dead worker held goes back to the queue
    try:
        wait_done(stack.store, job_id)
        assert_completed_once(stack.store, job_id, starts=2)
    finally:
        stack.close()


def test_reconcile_takes_finished_results_and_requeues_lost_tasks(data_dir, corpus):
    data = DataDir.resolve(data_dir)
    store = JobStore(data.database)
    sup = Supervisor(data, roles=("transcribe", "index"))
    sup.start()
    try:
        assert sup.wait_workers(120)
        service = JobService(store, sup.celery)  # no event monitor: the app is "away"
        options = Settings(data.settings).speech_options(summarize=False)
        finished = service.intake(str(corpus / "jfk.flac"), options)
        task_id = store.stage(finished.job_id, "transcribe")["task_id"]
        wait_until(lambda: sup.celery.backend.get_task_meta(task_id)["status"] == "SUCCESS", 120,
                   message="task to succeed in the backend")
        assert store.job(finished.job_id)["state"] == js.QUEUED
        # a job recorded but never published (the app died between the two)
        lost = store.create_job(str(corpus / "jfk.flac"), stages=["transcribe"], options=options)
        store.update_stage(lost, "transcribe", state=js.QUEUED, task_id=uuid.uuid4().hex, queued_at=time.time())

        counts = service.reconcile()
        assert counts == {"collected": 1, "requeued": 1, "waiting": 0}
        assert store.stage(finished.job_id, "transcribe")["state"] == js.DONE
        assert "ask not what your country" in store.transcript(finished.job_id)["text"]

        def lost_done():
            service.poll()
            return store.job(lost)["state"] == js.DONE
        wait_until(lost_done, 120, interval=0.2, message="the lost task, queued again, to finish")
        assert [e["kind"] for e in store.events(job_id=lost)][0] == "lost"
        # the chain went on: the collected transcript gets indexed for search

        def indexed():
            service.poll()
            return store.search("ask not what your country")
        assert wait_until(indexed, 60, interval=0.2, message="indexing")[0]["job_id"] == finished.job_id
        wait_until(lambda: store.job(finished.job_id)["state"] == js.DONE, 30, message="job done")
    finally:
        sup.stop()


@pytest.mark.parametrize("what", ["lost stage", "lost chunk", "waiting stage"])
def test_two_processes_joined_to_the_stack_send_a_task_once(data_dir, tmp_path, monkeypatch, what):
    """Every process joined to the stack (the window beside ``earmark serve``) looks at each
    poll for lost tasks and for stages that wait with nothing in the broker (added while the
    workers started, a send the broker refused). Two that found the same one in the same
    moment both sent it: it ran twice, and the later task id won. Now one of them does
    (``JobStore.take_lost``; a send recorded only while the stage has the task id it was read
    with). Two services on two store connections to one file stand for the two processes, on
    one real broker with no workers (nothing takes what is sent, so the broker shows every
    send); a third connection holds SQLite's write lock until both wait to record theirs."""
    from app.runtime.queues import task_ids_in_broker
    from tests.helpers import write_at_once

    # lost, or waited long enough, at the first look: the grace times are not what is tested (a
    # task the other process sends meanwhile must not look lost: that grace time stays for it)
    monkeypatch.setattr(f"app.jobs.service.{'PENDING_SETTLED' if what == 'waiting stage' else 'LOST_AFTER'}_SECONDS",
                        0.0)
    data = DataDir.resolve(data_dir)
    sup = Supervisor(data, roles=())
    sup.start()
    stores = [JobStore(data.database), JobStore(data.database)]
    try:
        recording = tmp_path / "talk.wav"  # no worker runs: never read
        job_id = stores[0].create_job(str(recording), stages=["transcribe", "index"], options={})
        lost = uuid.uuid4().hex  # recorded as sent; the broker never held it (killed before its AOF had it)
        if what == "lost stage":
            stores[0].update_stage(job_id, "transcribe", state=js.QUEUED, task_id=lost, queued_at=time.time())
        elif what == "lost chunk":  # a long file's
            stores[0].update_stage(job_id, "transcribe", state=js.RUNNING, task_id=uuid.uuid4().hex,
                                   queued_at=time.time())
            stores[0].save_chunk_plan(job_id, [{"index": 0, "start": 0.0, "end": 600.0, "regions": []}])
            stores[0].update_chunk(job_id, 0, state=js.QUEUED, task_id=lost)
        assert stores[1].stage(job_id, "transcribe")["state"] == (js.PENDING if what == "waiting stage" else
                                                                  js.QUEUED if what == "lost stage" else js.RUNNING)
        write_at_once(data.database, [JobService(store, sup.celery).poll for store in stores])
        now = stores[1].chunk(job_id, 0) if what == "lost chunk" else stores[1].stage(job_id, "transcribe")
        assert task_ids_in_broker(sup.celery) == {now["task_id"]} and now["task_id"] != lost  # sent, once
        if what != "waiting stage":
            assert [e["kind"] for e in stores[1].events(task_id=lost)].count("lost") == 1
    finally:
        for store in stores:
            store.close()
        sup.stop()


def test_a_result_that_cannot_be_read_fails_its_stage_and_the_safety_net_goes_on(data_dir, tmp_path):
    """Review round 11: a result the backend holds but that cannot be read (a helper's,
    nested past what JSON decodes: a DecodeError in ``get_task_meta``) raised out of the
    poll, every two seconds, for as long as its stage was active: every stage after it in
    the list was never collected, nothing pending was sent and no lost task resent, for
    every job. Now that stage fails once with a sentence and the poll goes on. A real broker
    and result backend with no workers: the results are written into it as a worker would."""
    from workers.engines.search import passages

    data = DataDir.resolve(data_dir)
    sup = Supervisor(data, roles=())
    sup.start()
    store = JobStore(data.database)
    try:
        backend = sup.celery.backend
        jobs = []
        for name in ("bad.wav", "good.wav"):  # queued in this order: the poll looks at the bad one first
            job_id = store.create_job(str(tmp_path / name), stages=["transcribe", "index"], options={})
            segments = [{"start": 0.0, "end": 2.0, "text": "the roof needs new tiles"}]
            store.save_transcript(job_id, {"language": "en", "duration": 2.0, "segments": segments})
            store.update_stage(job_id, "transcribe", state=js.DONE)
            task_id = uuid.uuid4().hex
            store.update_stage(job_id, "index", state=js.QUEUED, task_id=task_id, queued_at=time.time())
            jobs.append((job_id, task_id, segments))
        (bad, bad_task, _), (good, good_task, segments) = jobs
        deep = "1"
        for _ in range(5000):
            deep = f"[{deep}]"
        backend.client.set(backend.get_key_for_task(bad_task),
                           f'{{"status": "SUCCESS", "result": {deep}, "traceback": null, "children": [], '
                           f'"date_done": null, "task_id": "{bad_task}"}}')
        backend.store_result(good_task, {"job_id": good, "passages": passages([dict(s, idx=0) for s in segments])},
                             "SUCCESS")
        long = store.create_job(str(tmp_path / "long.wav"), stages=["transcribe", "index"], options={})
        store.update_stage(long, "transcribe", state=js.RUNNING, task_id=uuid.uuid4().hex, queued_at=time.time())
        store.save_chunk_plan(long, [{"index": 0, "start": 0.0, "end": 600.0, "regions": []}])
        chunk_task = uuid.uuid4().hex  # a chunk of a long file, its result as unreadable
        store.update_chunk(long, 0, state=js.QUEUED, task_id=chunk_task)
        backend.client.set(backend.get_key_for_task(chunk_task), backend.client.get(backend.get_key_for_task(bad_task))
                           .replace(bad_task.encode(), chunk_task.encode()))
        service = JobService(store, sup.celery)
        assert service.poll() is True
        assert store.stage(good, "index")["state"] == js.DONE and store.search("tiles")[0]["job_id"] == good
        assert store.chunk(long, 0)["state"] == js.FAILED and store.stage(long, "transcribe")["state"] == js.FAILED
        failed = store.stage(bad, "index")
        assert failed["state"] == js.FAILED and failed["error"].startswith("Unexpected error (DecodeError)")
        assert service.poll() is True and store.stage(bad, "index")["state"] == js.FAILED  # once
    finally:
        store.close()
        sup.stop()


def test_a_next_stage_the_other_process_sent_meanwhile_is_not_sent_again(data_dir, tmp_path):
    """Review round 11 (Low): the process that collects a stage's end sends the next one
    (``_next_stage``); the other process joined to the stack sends a stage left pending
    past its settling time (``send_pending``). When the first stalls between reading the
    stage and sending it, both sent it and it ran twice. Now it is sent only while it has
    the task id it was read with. A real broker with no workers; the stall is made by
    handing the first process the stages as it read them before the other one sent."""
    data = DataDir.resolve(data_dir)
    sup = Supervisor(data, roles=())
    sup.start()
    stores = [JobStore(data.database) for _ in range(2)]
    try:
        window, serve = (JobService(store, sup.celery) for store in stores)
        job_id = stores[0].create_job(str(tmp_path / "a.wav"), stages=["transcribe", "index"], options={})
        stores[0].save_transcript(job_id, {"language": "en", "duration": 2.0,
                                           "segments": [{"start": 0.0, "end": 2.0, "text": "the roof needs tiles"}]})
        stores[0].update_stage(job_id, "transcribe", state=js.DONE)
        read = stores[0].stages(job_id)  # what the window read as the transcription ended
        assert serve.send_pending() == 1  # the other process, the stage pending past its settling time
        sent = stores[1].stage(job_id, "index")["task_id"]
        assert sent
        window.store.stages = lambda _job_id: read  # the window goes on from what it read before the stall
        window._next_stage(job_id, "transcribe")
        assert stores[0].stage(job_id, "index")["task_id"] == sent
        queued = [e for e in stores[0].events(job_id=job_id) if e["kind"] == "queued" and e["stage"] == "index"]
        assert len(queued) == 1, queued
    finally:
        for store in stores:
            store.close()
        sup.stop()


def test_a_next_stage_not_sent_before_the_app_stopped_is_sent_at_start(data_dir, corpus):
    data = DataDir.resolve(data_dir).ensure()
    store = JobStore(data.database)
    job_id = store.create_job(str(corpus / "jfk.flac"), stages=["transcribe", "index"])
    store.save_transcript(job_id, {"language": "en", "duration": 11.0, "text": "ask not",
                                   "segments": [{"start": 0.0, "end": 2.0, "text": "ask not what your"},
                                                {"start": 2.0, "end": 4.0, "text": "country can do"}]})
    store.update_stage(job_id, "transcribe", state=js.DONE, progress=1.0)  # the app died here
    assert store.job(job_id)["state"] == js.RUNNING and store.stage(job_id, "index")["state"] == js.PENDING
    stack = open_stack(data_dir)
    try:
        wait_done(stack.store, job_id, timeout=60)
        assert stack.store.job(job_id)["state"] == js.DONE
        assert stack.store.search("your country")[0]["job_id"] == job_id  # across the segment boundary
    finally:
        stack.close()


def test_status_shows_workers_queues_and_jobs_of_a_running_stack(data_dir, corpus):
    stack = open_stack(data_dir, roles=("transcribe", "nlp", "index"))
    try:
        intake = stack.service.intake(str(corpus / "jfk.flac"),
                                      Settings(data_dir / "x").speech_options(summarize=False))
        wait_done(stack.store, intake.job_id)
        done = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data_dir), "status"],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        out = done.stdout
        for role in ("transcribe", "nlp", "index"):
            assert f"{role}@" in out and "online" in out
        assert re.search(r"^  transcribe\s+0 / 0$", out, re.M) and "pool prefork×1" in out
        assert "done      jfk.flac" in out
    finally:
        stack.close()


def test_progress_reaches_the_store_while_a_batched_transcription_runs(data_dir, corpus):
    """Through the real workers: the batched pipeline reports nothing until its batch is
    done, yet the stage's progress (what the window shows, and time left comes from)
    moves in between: reported from the engine's timer thread, with the task's own id."""
    stack = open_stack(data_dir)
    try:
        options = Settings(data_dir / "settings.json").speech_options(summarize=False)
        intake = stack.service.intake(str(corpus / "meeting1_product_sync.mp3"), options)
        seen = set()

        def watch():
            stage = stack.store.stage(intake.job_id, "transcribe")
            if stage["state"] == js.RUNNING and 0.0 < stage["progress"] < 1.0:
                seen.add(round(stage["progress"], 3))
            return stage["state"] in js.FINAL

        wait_until(watch, 180, interval=0.05, message="the transcription to finish")
        assert stack.store.job(intake.job_id)["state"] in (js.RUNNING, js.DONE)
        assert stack.store.transcript(intake.job_id)["batched"] is True
        assert len(seen) >= 2, seen  # it moved while the batch ran, more than once
    finally:
        stack.close()
