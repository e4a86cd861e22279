"""Settings › API in the running window: the real window (pytest-qt, offscreen) on a stack
of its own, the API turned on in its settings dialog (a port in use said), called with a
real HTTP client and the key the dialog shows; Regenerate refuses the old key at once; off
closes the port."""

import socket
import threading

import httpx
import pytest

from app.store import jobstore as js
from tests.helpers import reference, wer

pytestmark = pytest.mark.stack_own  # its own stack: it changes the data folder's settings


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def open_with_api(qtbot, data_dir):
    """The window as ``earmark`` opens it: handed the local API by the command line."""
    from app.api.local import LocalApi
    from app.gui.controller import AppController
    from app.gui.main_window import MainWindow
    from app.paths import DataDir

    window = MainWindow(AppController(DataDir.resolve(data_dir), api=LocalApi))
    qtbot.addWidget(window)
    window.show()
    window.controller.start()
    return window


def test_the_window_runs_the_api_says_where_and_a_new_key_refuses_the_old(qtbot, data_dir, corpus):
    from PySide6.QtGui import QGuiApplication

    from app.gui.latency import EventLoopProbe
    from tests.test_gui import close_window

    window = open_with_api(qtbot, data_dir)
    controller = window.controller
    try:
        qtbot.waitUntil(lambda: controller.is_ready, timeout=180_000)
        assert not window.api_label.isVisible()  # off until a person turns it on

        window.settings_dialog()
        dialog = window.settings_box
        assert "off" in dialog.api_state.text()
        key = dialog.api_key_line.text()
        assert key.startswith("em-") and key == (data_dir / "api.key").read_text().strip()
        dialog.copy_api_key.click()
        assert QGuiApplication.clipboard().text() == key
        dialog.editors["api_on"].setChecked(True)
        holder = socket.socket()  # a port another program holds: said, and the window goes on
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        taken = f"127.0.0.1:{holder.getsockname()[1]}"
        dialog.editors["api_listen"].setText(taken)
        with qtbot.waitSignal(controller.api_changed, timeout=60_000) as changed:
            dialog.accept()
        holder.close()
        url, problem = changed.args
        assert url == "" and taken in problem and "cannot listen" in problem
        assert not window.api_label.isVisible() and window.status_label.text() == problem

        window.settings_dialog()
        dialog = window.settings_box
        assert dialog.api_state.text() == problem and dialog.editors["api_on"].isChecked()
        dialog.editors["api_listen"].setText("127.0.0.1:0")  # a free port
        probe = EventLoopProbe()
        probe.start()
        with qtbot.waitSignal(controller.api_changed, timeout=60_000) as changed:
            dialog.accept()  # saved: the API starts on the window's API thread
        url, problem = changed.args
        assert url.startswith("http://127.0.0.1:") and problem == ""
        assert window.api_label.isVisible() and url in window.api_label.text()
        assert url in window.status_label.text()  # the window says where it listens

        # a real client with the key the dialog showed: a job through the window's own stack
        answers = {}

        def transcribe():
            with open(corpus / "jfk.flac", "rb") as audio:
                answers["v1"] = httpx.post(f"{url}/v1/audio/transcriptions", headers=bearer(key), timeout=300,
                                           files={"file": ("jfk.flac", audio, "audio/flac")},
                                           data={"model": "whisper-1"})
        client = threading.Thread(target=transcribe)
        client.start()
        # while the request waits on its job, the window shows that job and keeps answering
        qtbot.waitUntil(lambda: any(r["path"].endswith("jfk.flac") for r in window.model.rows), timeout=120_000)
        qtbot.waitUntil(lambda: not client.is_alive(), timeout=300_000)
        probe.stop()
        assert answers["v1"].status_code == 200, answers["v1"].text
        assert wer(reference("jfk"), answers["v1"].json()["text"]) <= 0.05
        job_id = answers["v1"].headers["x-earmark-job-id"]
        qtbot.waitUntil(lambda: any(r["id"] == job_id and r["state"] == js.DONE for r in window.model.rows),
                        timeout=60_000)
        from app.gui.jobs_model import source_text

        row = next(r for r in window.model.rows if r["id"] == job_id)
        assert row["source"] == "api" and source_text(row) == "api"  # the list's From column
        from PySide6.QtCore import Qt

        window.queue_dock.show()  # and the queue panel's tasks of that job say so too
        tasks = window.queue_panel.task_model
        qtbot.waitUntil(lambda: any(r["job_id"] == job_id for r in tasks.rows), timeout=60_000)
        titles = [tasks.headerData(c, Qt.Horizontal) for c in range(tasks.columnCount())]
        mine = [i for i, r in enumerate(tasks.rows) if r["job_id"] == job_id]
        assert {tasks.index(i, titles.index("From")).data() for i in mine} == {"api"}
        # uvicorn and the waiting request live off the GUI thread: the event loop stayed prompt
        print(f"event loop while the API started and served: p50 {probe.percentile(50) * 1000:.1f} ms, "
              f"p99 {probe.percentile(99) * 1000:.1f} ms, max {max(probe.delays) * 1000:.1f} ms, {len(probe.delays)} ticks")
        assert len(probe.delays) > 20 and probe.percentile(99) < 0.5, probe.percentile(99)

        # Regenerate: the dialog shows the new key, the old one is refused from the next request
        window.settings_dialog()
        dialog = window.settings_box
        assert url in dialog.api_state.text() and dialog.api_key_line.text() == key
        dialog.new_api_key.click()
        new = dialog.api_key_line.text()
        assert new.startswith("em-") and new != key
        refused = httpx.get(f"{url}/v1/models", headers=bearer(key))
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_api_key"
        assert httpx.get(f"{url}/v1/models", headers=bearer(new)).status_code == 200

        # off: the port closes and the window stops saying it listens
        dialog.editors["api_on"].setChecked(False)
        with qtbot.waitSignal(controller.api_changed, timeout=60_000) as changed:
            dialog.accept()
        assert changed.args == ["", ""] and not window.api_label.isVisible()
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{url}/healthz")
    finally:
        close_window(qtbot, window)

