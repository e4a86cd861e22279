"""The queue panel against the real broker and workers, offscreen."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.store import jobstore as js
from tests.test_gui import close_window, open_window

pytestmark = [pytest.mark.gui, pytest.mark.stack]
ROLES = ("transcribe", "nlp", "index")


def panel_of(window):
    window.queue_dock.show()
    return window.queue_panel


def row_of(panel, hostname_prefix):
    return next((w for w in panel.worker_rows() if w["hostname"].startswith(hostname_prefix + "@")), None)


def shown_status(panel, role) -> str:
    for i in range(panel.workers.rowCount()):
        if panel.workers.item(i, 1).text() == role:
            return panel.workers.item(i, 2).text()
    return ""


def shown_model(panel, role) -> str:
    """The Model cell of *role*'s row as the panel shows it now (refreshed first: the timer's
    0.5 s could miss a short task)."""
    panel.refresh_workers()
    model = next(c for c in range(panel.workers.columnCount()) if panel.workers.horizontalHeaderItem(c).text() == "Model")
    return next((panel.workers.item(i, model).text() for i in range(panel.workers.rowCount())
                 if panel.workers.item(i, 1).text() == role and shown_status(panel, role) == "online"), "?")


def last_change(panel, role) -> str:
    return panel.workers.item(next(i for i in range(panel.workers.rowCount())
                                   if panel.workers.item(i, 1).text() == role), 13).text()


def assert_time_of_day(changed: str) -> None:
    """"online at 23:00:02" within minutes of now: the supervisor's monotonic clock was
    shown as a time of day ("online at 00:19:47" at 23:00)."""
    shown = time.strptime(changed.split(" at ")[1][:8], "%H:%M:%S")
    now = time.localtime()
    gap = abs((now.tm_hour * 3600 + now.tm_min * 60 + now.tm_sec)
              - (shown.tm_hour * 3600 + shown.tm_min * 60 + shown.tm_sec))
    assert min(gap, 86400 - gap) < 300, changed


def true_depth(window, queue) -> tuple[int, dict]:
    """LLEN of every priority list of *queue*, read straight from the broker."""
    client = redis.Redis(**window.controller.stack.address.redis_kwargs())
    with window.controller.stack.celery.connection_for_write() as conn:
        channel = conn.default_channel
        keys = {pri: channel._q_for_pri(queue, pri) for pri in channel.priority_steps}
    counts = {}
    for pri, key in keys.items():
        if key not in [keys[p] for p in counts]:
            counts[pri] = client.llen(key)
    client.close()
    return sum(counts.values()), {p: n for p, n in counts.items() if n}


def test_workers_online_offline_and_back_and_outside_tools_see_the_broker(qtbot, data_dir):
    window = open_window(qtbot, data_dir)
    try:
        panel = panel_of(window)
        qtbot.waitUntil(lambda: all(row_of(panel, r) and row_of(panel, r)["online"] and row_of(panel, r)["queues"]
                                    for r in ROLES), timeout=60_000)
        for role, queue in (("transcribe", "transcribe"), ("nlp", "nlp"), ("index", "index")):
            row = row_of(panel, role)
            assert row["queues"] == [queue] and row["pool"] == "prefork" and row["concurrency"] == 1
            assert row["memory_mb"] and row["memory_mb"] > 20  # the worker and its pool process
            assert shown_status(panel, role) == "online"
        assert_time_of_day(last_change(panel, "transcribe"))  # since its process started: today, minutes ago

        victim = window.controller.stack.supervisor.children["transcribe"]
        old_pid = victim.pid
        killed_at = time.time()
        os.kill(old_pid, signal.SIGKILL)

        def changes():
            return [(status, why) for when, host, status, why in panel.worker_log
                    if host.startswith("transcribe@") and when >= killed_at]
        # noticed within a few seconds with its cause, then back once restarted: "offline" while
        # the process is gone, or already "restarting" when the panel's refresh (every 0.5 s) came
        # after the supervisor's first backoff (0.5 s) on a busy machine
        qtbot.waitUntil(lambda: bool(changes()), timeout=5_000)
        assert changes()[0] in (("offline", "exit -9"), ("restarting", "exit -9")), changes()
        qtbot.waitUntil(lambda: shown_status(panel, "transcribe") == "online", timeout=60_000)
        assert changes()[-1][0] == "online"
        assert row_of(panel, "transcribe")["pid"] != old_pid and row_of(panel, "transcribe")["restarts"] == 1
        assert "online at" in last_change(panel, "transcribe")

        # "Copy broker URL": the standard celery command line inspects the embedded broker
        panel.copy_broker_url()
        url = QApplication.clipboard().text()
        assert url.startswith("redis") and window.controller.stack.address.password in url
        ping = subprocess.run([sys.executable, "-m", "celery", "-b", url, "inspect", "ping", "--timeout", "5"],
                              capture_output=True, text=True, timeout=60)
        assert ping.returncode == 0, ping.stderr
        assert all(f"{role}@" in ping.stdout for role in ROLES) and "pong" in ping.stdout
    finally:
        close_window(qtbot, window)


def test_depths_match_the_broker_and_actions_act_on_the_real_queue(qtbot, data_dir, corpus):
    window = open_window(qtbot, data_dir)
    try:
        panel = panel_of(window)
        qtbot.waitUntil(lambda: bool(row_of(panel, "transcribe") and row_of(panel, "transcribe")["queues"]),
                        timeout=60_000)
        # stop the transcribe worker taking work, from the panel, so what is queued stays queued
        panel.workers.selectRow(next(i for i in range(panel.workers.rowCount())
                                     if panel.workers.item(i, 1).text() == "transcribe"))
        panel.queue_choice.setCurrentText("transcribe")
        panel.consume(False)
        qtbot.waitUntil(lambda: row_of(panel, "transcribe")["queues"] == [], timeout=20_000)

        files = []  # four different recordings: the same content twice would be one job
        for i, name in enumerate(("jfk.flac", "hotwords.mp3", "stereo_diarization.wav", "jfk.flac")):
            copy = data_dir / f"clip{i}{Path(name).suffix}"
            shutil.copy(corpus / name, copy)
            files.append(copy)
        with open(files[3], "ab") as fh:  # jfk again, with bytes after its end: other content
            fh.write(b"\0" * 64)
        window.add_paths([str(f) for f in files])
        store = window.controller.store
        qtbot.waitUntil(lambda: len(store.jobs()) == 4 and all(j["state"] == js.QUEUED for j in store.jobs()),
                        timeout=30_000)
        jobs = {j["path"]: j["id"] for j in store.jobs()}
        window.controller.move_to_top([jobs[str(files[3])]])  # into the priority-0 list
        qtbot.waitUntil(lambda: true_depth(window, "transcribe")[1].get(0) == 1, timeout=10_000)

        def shown_matches_broker():
            panel.poller.poll_now()
            shown = panel.shown_depths().get("transcribe")
            total, buckets = true_depth(window, "transcribe")
            return bool(shown) and shown["waiting"] == total == 4 and shown["buckets"] == buckets
        qtbot.waitUntil(shown_matches_broker, timeout=15_000)
        assert panel.shown_depths()["transcribe"]["buckets"] == {0: 1, 2: 3}
        qtbot.waitUntil(lambda: panel.queues.rowCount() == 3, timeout=5_000)
        cells = {panel.queues.item(i, 0).text(): panel.queues.item(i, 2).text() for i in range(3)}
        assert cells["transcribe"] == "p0: 1, p2: 3"

        # the Tasks tab: every task queued so far, and actions on the real queue
        panel.tabs.setCurrentIndex(2)
        qtbot.waitUntil(lambda: panel.task_model.rowCount() >= 4, timeout=5_000)

        def select_task_of(job_id):
            panel.task_table.clearSelection()
            for r in range(panel.task_model.rowCount()):
                task_id = panel.task_model.index(r, 0).data(Qt.UserRole + 1)
                task = store.task(task_id)
                if task["job_id"] == job_id and task["state"] == "queued":
                    panel.task_table.selectRow(r)
                    return task_id
            raise AssertionError(f"no queued task of {job_id} in the panel: {panel.task_model.rows}")

        cancelled = jobs[str(files[0])]
        select_task_of(cancelled)
        panel.act("cancel")
        qtbot.waitUntil(lambda: store.job(cancelled)["state"] == js.CANCELLED
                        and true_depth(window, "transcribe")[0] == 3, timeout=10_000)
        moved = jobs[str(files[1])]
        moved_task = select_task_of(moved)
        panel.act("move_to_top")
        qtbot.waitUntil(lambda: true_depth(window, "transcribe")[1].get(0) == 2, timeout=10_000)
        assert store.stage(moved, "transcribe")["task_id"] != moved_task  # sent again, at the top
        panel.filter_state.setCurrentText("cancelled")
        qtbot.waitUntil(lambda: panel.task_model.rowCount() == 1, timeout=5_000)
        panel.task_table.selectRow(0)
        panel.act("retry")
        qtbot.waitUntil(lambda: true_depth(window, "transcribe")[0] == 4, timeout=10_000)
        panel.filter_state.setCurrentText("")

        panel.consume(True)  # resume: everything queued is transcribed
        qtbot.waitUntil(lambda: all(j["state"] == js.DONE for j in store.jobs()), timeout=180_000)
        order = sorted(store.jobs(), key=lambda j: store.stage(j["id"], "transcribe")["started_at"])
        assert [j["id"] for j in order[:2]] == [jobs[str(files[3])], moved]  # the two at the top first
    finally:
        close_window(qtbot, window)


def test_history_survives_closing_and_reopening(qtbot, data_dir, corpus):
    window = open_window(qtbot, data_dir)
    panel = panel_of(window)
    try:
        window.add_paths([str(corpus / "jfk.flac")])
        store = window.controller.store
        qtbot.waitUntil(lambda: bool(store.jobs()) and store.jobs()[0]["state"] == js.DONE, timeout=120_000)
        # transcript, notes (on by default) and search index: three tasks
        qtbot.waitUntil(lambda: sum(r["state"] == "succeeded" for r in panel.task_model.rows) == 3, timeout=10_000)
        before = {r["task_id"]: (r["name"], r["state"], r["worker"]) for r in panel.task_model.rows}
        assert {name for name, _, _ in before.values()} == {"earmark.transcribe", "earmark.summarize",
                                                             "earmark.index"}
    finally:
        close_window(qtbot, window)

    again = open_window(qtbot, data_dir, start=False)  # history even before the workers are up
    try:
        panel = panel_of(again)
        after = {r["task_id"]: (r["name"], r["state"], r["worker"]) for r in panel.task_model.rows}
        assert after == before
        panel.task_table.selectRow(0)
        panel.show_detail()
        text = panel.detail.toPlainText()
        assert "Timeline:" in text and "started" in text and "succeeded" in text
        # the result line comes from the stage's storage (JobStore.describe_<kind>)
        assert re.search(r"Result: (\d+ segments, language en|meeting_minutes|\d+ passages indexed)", text), text
        # a column declared once in tasks_model.COLUMNS (Finished) shows in the table
        titles = [panel.task_model.headerData(c, Qt.Horizontal) for c in range(panel.task_model.columnCount())]
        finished = titles.index("Finished")
        assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", panel.task_model.index(r, finished).data())
                   for r in range(panel.task_model.rowCount()))
        # the filters offer what the stage table declares
        queues = [panel.tasks_tab.filter_queue.itemText(i) for i in range(panel.tasks_tab.filter_queue.count())]
        assert queues == ["", "transcribe", "nlp", "index"]
        panel.tabs.setCurrentIndex(3)
        names = [panel.stats.item(i, 0).text() for i in range(panel.stats.rowCount())]
        row = names.index("earmark.transcribe")
        assert [panel.stats.item(row, c).text() for c in range(1, 5)] == ["1", "1", "0", "100% of 1 finished"]
    finally:
        close_window(qtbot, again)


def test_the_model_column_shows_what_the_running_task_uses(qtbot, data_dir, corpus):
    """Review: the Model column showed the last model a worker had loaded: "campplus" on the
    idle transcribe worker after Find speakers. Now it shows what its running task uses, the
    speech model while it transcribes, the speaker models while it finds the speakers, and
    nothing once it is idle; the nlp worker the GGUF while it translates. Its own stack: the
    settings ask for speakers."""
    from tests.test_gui import row_of as job_row
    from tests.test_gui import wait_states
    from workers.engines.gguf import bundled_gguf
    from workers.engines.voices import SPEAKER_MODELS

    (data_dir / "settings.json").write_text('{"version": 2, "speakers": "auto", "summarize": false}')
    recording = corpus / "meeting1_product_sync.mp3"  # 81 s: seconds of each stage to see
    window = open_window(qtbot, data_dir)
    try:
        panel = panel_of(window)
        qtbot.waitUntil(lambda: shown_model(panel, "transcribe") == "", timeout=60_000)  # online, idle
        window.add_paths([str(recording)])
        qtbot.waitUntil(lambda: shown_model(panel, "transcribe") == "tiny.en", timeout=120_000)
        qtbot.waitUntil(lambda: shown_model(panel, "transcribe") == SPEAKER_MODELS, timeout=120_000)
        wait_states(qtbot, window, [recording.name])
        assert job_row(window, recording.name)["state"] == js.DONE
        qtbot.waitUntil(lambda: shown_model(panel, "transcribe") == "", timeout=10_000)  # idle: nothing
        # and still nothing once a heartbeat has counted both tasks done
        qtbot.waitUntil(lambda: shown_model(panel, "transcribe") == "" and row_of(panel, "transcribe")["processed"]
                        >= 2, timeout=10_000)
        assert shown_model(panel, "nlp") == ""
        job_id = job_row(window, recording.name)["id"]
        window.controller.run_stage([job_id], "translate", translate_to="de")
        qtbot.waitUntil(lambda: shown_model(panel, "nlp") == os.path.basename(bundled_gguf()), timeout=120_000)
        qtbot.waitUntil(lambda: window.controller.store.stage(job_id, "translate")["state"] in js.FINAL,
                        timeout=300_000)
        qtbot.waitUntil(lambda: shown_model(panel, "nlp") == "", timeout=10_000)
    finally:
        close_window(qtbot, window)
