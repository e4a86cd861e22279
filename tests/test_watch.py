"""Watched folders (app/jobs/watch.py): ``earmark serve --watch IN --out OUT`` with the
real broker, workers and tiny.en, and the window's Settings › Watch folder.

Each test here takes a stack of its own: the first stops and starts Earmark around a new
file, the second sets the window's settings."""

import hashlib
import json
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from app.jobs.desk import watch_source
from app.store import jobstore as js
from app.store.jobstore import JobStore
from tests.conftest import earmark_cmd
from tests.helpers import fresh_copy, reference, wait_until, wer

pytestmark = pytest.mark.stack

SETTLE = 6.0  # seconds a file must stay unchanged (serve --settle); the watch looks every 2 s


class Serve:
    """``earmark serve --watch`` as a person runs it, its output in a file."""

    def __init__(self, data_dir: Path, log: Path, *args):
        self.log = log
        self.start = len(self.text())
        self.out = self.log.open("a")
        self.proc = subprocess.Popen(earmark_cmd("--data-dir", data_dir, "serve", *args), stdout=self.out,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_until(lambda: "Watching " in self.text() or self.proc.poll() is not None, 180,
                   message="earmark serve --watch to say it is ready")
        assert self.proc.poll() is None, self.text()

    def text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def said(self) -> str:
        """What this run printed."""
        return self.text()[self.start:]

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        assert self.proc.wait(120) == 0, self.text()
        self.out.close()


def jobs_of(store: JobStore, path: Path) -> list[dict]:
    return [j for j in store.jobs(limit=1000) if j["path"] == str(path)]


def test_serve_watch_takes_a_file_only_once_copied_and_only_new_recordings_after_a_restart(data_dir, tmp_path,
                                                                                             corpus):
    folder, out, auto = tmp_path / "in", tmp_path / "out", tmp_path / "auto"
    (folder / "sub").mkdir(parents=True)
    auto.mkdir()
    # the options and the automatic export follow the settings, as for any job (notes off: not
    # what this test is about; word times on, to see the settings' options on the job)
    (data_dir / "settings.json").write_text(
        f'{{"version": 2, "summarize": false, "word_timestamps": true, "export_when_done": true, '
        f'"export_folder": "{auto}"}}')
    early = fresh_copy(corpus / "hotwords.mp3", folder, "early.mp3")  # there before the start
    # never looked at: downloads and copies in progress, backups, hidden files, and what is no recording
    for name in ("movie.mp4.part", "talk.mp3.crdownload", "take.flac~", ".hidden.flac"):
        fresh_copy(corpus / "hotwords.mp3", folder, name)
    (folder / "agenda.txt").write_text("not a recording")

    serve = Serve(data_dir, tmp_path / "serve.out", "--watch", folder, "--out", out, "--format", "txt,srt", "--settle", str(SETTLE))
    store = JobStore(data_dir / "earmark.db")
    try:
        assert f"Watching {folder} (and its subfolders; txt, srt to {out})" in serve.said()
        # a slow copy: the first half, a pause shorter than the settle time, the rest
        talk, data = folder / "sub" / "talk.flac", (corpus / "jfk.flac").read_bytes()
        with talk.open("wb") as copy:
            copy.write(data[:len(data) // 2])
            copy.flush()
            half_written = time.monotonic()
            wait_until(lambda: f"Found {talk}" in serve.said(), 30, message="the watch to see the half file")
            # the deliberate pause of a slow copy, counted from the write (however late this test saw
            # "Found"), shorter than the settle time: the watch looks at the half file again meanwhile
            threading.Event().wait(max(0.0, half_written + SETTLE / 2 - time.monotonic()))
            copy.write(data[len(data) // 2:])
        wait_until(lambda: (out / "sub" / "talk.srt").exists() and (out / "early.txt").exists(), 240,
                   message="both recordings transcribed and written, mirroring the subfolder")
        [job] = jobs_of(store, talk)  # one job, of the whole file: the half was never taken
        assert job["file_hash"] == hashlib.sha256(data).hexdigest() and job["size_bytes"] == len(data)
        assert job["source"] == watch_source(str(folder)) == f"watch folder {folder}"
        options = json.loads(job["options"])
        assert options["word_timestamps"] is True and options["summarize"] is False
        assert all(s.get("words") for s in store.transcript(job["id"])["segments"])
        assert [j for j in store.jobs(limit=1000) if j["state"] == js.FAILED] == []
        assert {Path(j["path"]).name for j in store.jobs(limit=1000)} == {"talk.flac", "early.mp3"}
        assert wer(reference("jfk"), (out / "sub" / "talk.txt").read_text()) <= 0.05
        wait_until(lambda: (auto / "talk.txt").exists(), 60, message="the settings' automatic export")
        first_talk = job["id"]
    finally:
        serve.stop()

    # while Earmark is stopped: a new recording, and new content under an old name
    late = fresh_copy(corpus / "jfk.flac", folder / "later", "late.flac")
    talk.write_bytes(data + b"another take")
    (out / "sub" / "talk.txt").write_text("the old output")

    serve = Serve(data_dir, tmp_path / "serve.out", "--watch", folder, "--out", out, "--format", "txt,srt", "--settle", str(SETTLE))
    try:
        wait_until(lambda: (out / "later" / "late.txt").exists()
                   and (out / "sub" / "talk.txt").read_text() != "the old output", 240,
                   message="what came while Earmark was stopped, transcribed at the next start")
        names = sorted(Path(j["path"]).name for j in store.jobs(limit=1000))
        assert names == ["early.mp3", "late.flac", "talk.flac", "talk.flac"]  # early.mp3 not again
        [late_job] = jobs_of(store, late)
        assert late_job["source"] == f"watch folder {folder}"
        assert wer(reference("jfk"), (out / "later" / "late.txt").read_text()) <= 0.05
        assert wer(reference("jfk"), (out / "sub" / "talk.txt").read_text()) <= 0.05
        talks = jobs_of(store, talk)
        assert first_talk in {j["id"] for j in talks} and store.transcript(first_talk)  # the old one stays
        assert len({j["file_hash"] for j in talks}) == 2
        assert [j for j in store.jobs(limit=1000) if j["state"] == js.FAILED] == []
        assert str(early) not in serve.said()  # not even found again: known by its size and time
    finally:
        serve.stop()
        store.close()


def test_the_window_watches_the_folders_its_settings_name(qtbot, data_dir, tmp_path, corpus):
    from app.gui.controller import AppController
    from app.gui.jobs_model import COLUMNS
    from app.gui.main_window import MainWindow
    from app.paths import DataDir
    from tests.test_gui import close_window

    folder = tmp_path / "box"
    (folder / "a").mkdir(parents=True)
    (data_dir / "settings.json").write_text(f'{{"version": 2, "summarize": false, "watch_folders": "{folder}", '
                                            '"watch_formats": "txt,vtt"}')
    controller = AppController(DataDir.resolve(data_dir))
    controller.watch_settle_seconds = 2.0
    window = MainWindow(controller)
    qtbot.addWidget(window)
    window.show()
    controller.start()
    try:
        qtbot.waitUntil(lambda: controller.is_ready, timeout=120_000)
        shutil.copy(corpus / "jfk.flac", folder / "a" / "jfk.flac")
        # written next to the recording (no output folder chosen), in the formats chosen
        qtbot.waitUntil(lambda: (folder / "a" / "jfk.vtt").exists(), timeout=180_000)
        assert wer(reference("jfk"), (folder / "a" / "jfk.txt").read_text()) <= 0.05
        window._dirty = True
        window._refresh_if_dirty()
        [row] = [i for i, r in enumerate(window.model.rows) if r["path"] == str(folder / "a" / "jfk.flac")]
        came_from = [c.title for c in COLUMNS].index("From")
        assert window.model.index(row, came_from).data() == f"watch folder {folder}"
        assert len(window.model.rows) == 1  # its own outputs beside it are no recordings
        # a folder no longer named is no longer watched
        controller.settings.set("watch_folders", "")
        controller.follow_watch()
        assert controller._watch is None
    finally:
        close_window(qtbot, window)


def test_serve_without_watch_watches_the_folders_the_settings_name(data_dir, tmp_path, corpus):
    folder, out = tmp_path / "box", tmp_path / "written"
    folder.mkdir()
    (data_dir / "settings.json").write_text(json.dumps({"version": 2, "summarize": False, "watch_folders": str(folder),
                                                        "watch_output": str(out), "watch_formats": "txt,srt"}))
    serve = Serve(data_dir, tmp_path / "serve.log")  # no --watch
    try:
        assert f"Watching {folder} (and its subfolders; txt, srt to {out})" in serve.said()
        shutil.copy(corpus / "jfk.flac", folder / "jfk.flac")
        wait_until(lambda: (out / "jfk.srt").exists() and (out / "jfk.txt").exists(), 240, 0.5,
                   "the transcript written to the settings' output folder")
        assert wer(reference("jfk"), (out / "jfk.txt").read_text()) <= 0.05
    finally:
        serve.stop()
