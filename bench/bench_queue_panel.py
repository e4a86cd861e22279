"""The queue panel at scale: 10,000 tasks in history and 200 waiting in the broker.

    python bench/bench_queue_panel.py [--history 10000] [--queued 200]

The history is written straight into a fresh job store (the panel's cost is what is
measured, not ten thousand transcriptions); the 200 waiting tasks are real messages
in the real embedded broker, with real workers running (the transcribe worker told
to stop consuming, so they stay queued). Prints, in one run:
  open      building the panel until its task table holds every task and its queue
            table the broker's depths
  filter    applying a text filter, a state filter, clearing them; sorting by a column
  scroll    stepping the task table from top to bottom, each step painted
  stream    the event loop's lateness while 20 tasks a second stream into the store
            and the panel follows them (p50, p99, max); aim: p99 under 100 ms
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

NAMES = [("earmark.transcribe", "transcribe", 0.5), ("earmark.summarize", "nlp", 0.15),
         ("earmark.translate", "nlp", 0.05), ("earmark.index", "index", 0.3)]


def fill_history(store, n: int) -> None:
    """*n* finished tasks over the last week, across 1 job in 4, as the app records them."""
    now = time.time()
    rng = random.Random(7)
    jobs = [store.create_job(f"/recordings/meeting-{i:05d}.mp3", stages=["transcribe", "index"])
            for i in range(max(1, n // 4))]
    rows, events = [], []
    for i in range(n):
        name, queue, _ = rng.choices(NAMES, weights=[w for *_, w in NAMES])[0]
        queued = now - rng.uniform(60, 7 * 86400)
        started = queued + rng.expovariate(1 / 5)
        finished = started + rng.expovariate(1 / 20)
        state = "failed" if rng.random() < 0.03 else "succeeded"
        worker = f"{queue}@bench"
        task_id = uuid.uuid4().hex
        rows.append((task_id, jobs[i % len(jobs)], name.split(".")[1], name, queue, state, queued, started,
                     finished, worker, finished - started, "boom" if state == "failed" else None, finished))
        events += [(task_id, jobs[i % len(jobs)], "queued", queued), (task_id, jobs[i % len(jobs)], "started", started),
                   (task_id, jobs[i % len(jobs)], state, finished)]
    with store.transaction() as db:
        db.executemany("INSERT INTO tasks (task_id, job_id, stage, name, queue, state, queued_at, started_at,"
                       " finished_at, worker, runtime, error, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        db.executemany("INSERT INTO task_events (task_id, job_id, kind, at) VALUES (?,?,?,?)", events)
        db.execute("UPDATE stages SET state='done'")  # finished jobs: nothing for the app to send
        db.execute("UPDATE jobs SET state='done'")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--history", type=int, default=10_000)
    parser.add_argument("--queued", type=int, default=200)
    parser.add_argument("--stream-seconds", type=float, default=10.0)
    args = parser.parse_args()

    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from app.gui.controller import AppController
    from app.gui.latency import EventLoopProbe
    from app.gui.queue_panel import QueuePanel
    from app.paths import DataDir
    from app.store.jobstore import JobStore

    app = QApplication([])

    def spin_until(predicate, timeout=120.0):
        end = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > end:
                raise TimeoutError("benchmark condition not reached")
            app.processEvents(QEventLoop.AllEvents, 5)

    work = Path(tempfile.mkdtemp(prefix="em-qp-"))
    data = DataDir.resolve(work / "data").ensure()
    store = JobStore(data.database)
    t = time.perf_counter()
    fill_history(store, args.history)
    store.close()
    print(f"# Queue panel: {args.history} tasks in history, {args.queued} queued ({os.cpu_count()} cores)")
    print(f"history written in {time.perf_counter() - t:.1f} s")

    controller = AppController(data)
    controller.start()
    spin_until(lambda: controller.is_ready, 120)
    celery = controller.stack.celery
    celery.control.cancel_consumer("transcribe", destination=[f"transcribe@{os.uname().nodename}"], reply=True)
    for _ in range(args.queued):
        celery.send_task("earmark.transcribe", args=["bench", "/nowhere.wav", {}], priority=2)

    # open: until every task is in the table and the broker's depths are shown
    t = time.perf_counter()
    panel = QueuePanel(controller)
    panel.resize(1400, 800)
    panel.show()
    panel.tabs.setCurrentIndex(2)
    try:
        spin_until(lambda: panel.task_model.rowCount() >= args.history
                   and panel.shown_depths().get("transcribe", {}).get("waiting") == args.queued, 30)
    except TimeoutError:
        raise SystemExit(f"not reached: {panel.task_model.rowCount()} rows, depths {panel.shown_depths()}")
    open_s = time.perf_counter() - t
    app.processEvents()

    # filter and sort
    timings = {}
    for label, change in (("text filter", lambda: panel.filter_text.setText("meeting-0042")),
                          ("state filter", lambda: (panel.filter_text.setText(""),
                                                    panel.filter_state.setCurrentText("failed"))),
                          ("clear filters", lambda: panel.filter_state.setCurrentText("")),
                          ("sort by run time", lambda: panel.task_table.sortByColumn(7, Qt.AscendingOrder))):
        t = time.perf_counter()
        change()
        panel.task_table.viewport().repaint()
        timings[label] = time.perf_counter() - t
    shown = panel.task_model.rowCount()

    # scroll: step through the table, each step painted
    bar = panel.task_table.verticalScrollBar()
    steps = []
    for value in range(0, bar.maximum() + 1, max(1, bar.maximum() // 200)):
        t = time.perf_counter()
        bar.setValue(value)
        panel.task_table.viewport().repaint()
        steps.append(time.perf_counter() - t)

    # stream: tasks flowing in while the loop is probed
    stop = threading.Event()
    writer_store = JobStore(data.database)
    written = [0]

    def stream():
        job = writer_store.jobs(limit=1)[0]["id"]
        while not stop.is_set():
            task_id = uuid.uuid4().hex
            now = time.time()
            writer_store.add_event(task_id, "queued", now, job_id=job, stage="index")
            writer_store.add_event(task_id, "started", now + 0.01, job_id=job, stage="index",
                                   detail={"hostname": "index@bench"})
            writer_store.add_event(task_id, "succeeded", now + 0.02, job_id=job, stage="index",
                                   detail={"runtime": 0.01})
            written[0] += 1
            stop.wait(0.05)

    probe = EventLoopProbe()
    probe.start()
    writer = threading.Thread(target=stream, daemon=True)
    writer.start()
    done = []
    QTimer.singleShot(int(args.stream_seconds * 1000), lambda: done.append(1))
    spin_until(lambda: bool(done), args.stream_seconds + 30)
    stop.set()
    writer.join()
    probe.stop()
    spin_until(lambda: panel.task_model.rowCount() >= args.history + written[0], 10)
    writer_store.close()

    print(f"open (10k tasks, depths shown)   {open_s * 1000:8.0f} ms   (aim < 1000)")
    for label, seconds in timings.items():
        print(f"{label:<32} {seconds * 1000:8.1f} ms")
    print(f"  ({shown} rows after the last change)")
    print(f"scroll step, painted             p50 {statistics.median(steps) * 1000:.1f} ms, "
          f"max {max(steps) * 1000:.1f} ms over {len(steps)} steps")
    print(f"event loop while {written[0] / args.stream_seconds:.0f} tasks/s stream in: "
          f"p50 {probe.percentile(50) * 1000:.1f} ms, p99 {probe.percentile(99) * 1000:.1f} ms, "
          f"max {max(probe.delays) * 1000:.1f} ms   (aim p99 < 100)")
    panel.close_panel()
    celery.control.purge()
    controller.stop()


if __name__ == "__main__":
    main()
