"""``earmark listen`` for real, without a sound card: a private PulseAudio with a null sink
(tests/soundserver.py), a corpus recording played into it with paplay in real time, and
``earmark listen --device <sink>.monitor`` recording and transcribing it with the bundled
tiny.en. Each test takes a stack of its own: listen starts one when it stops, and the
kill test starts Earmark again on the same data folder. Latency is measured by
bench/bench_live.py, not asserted here."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import psutil
import pytest

from app.paths import DataDir
from app.store.jobstore import JobStore
from tests.helpers import CORPUS, normalize, reference, wait_until, wer
from tests.soundserver import NullSink, have_pulseaudio, wav_of

pytestmark = [pytest.mark.stack,
              pytest.mark.skipif(not have_pulseaudio(), reason="needs pulseaudio and pulseaudio-utils (.ci/run)")]

LINE = re.compile(r"^\[(\d+):(\d\d)\] (.+)$")


class Listener:
    """``earmark listen`` in the background: its stdout lines as they come, its stderr kept."""

    def __init__(self, data: Path, sink: NullSink, out: Path, *extra):
        self.stderr_path = sink.folder / "listen.err"
        self.proc = subprocess.Popen([sys.executable, "-m", "app", "--data-dir", str(data), "listen",
                                      "--device", sink.monitor, "--out", str(out), *extra],
                                     env=sink.env, stdout=subprocess.PIPE, stderr=open(self.stderr_path, "wb"),
                                     text=True)
        self.lines: list[tuple[float, str]] = []  # (when it came, the line)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append((time.monotonic(), line.rstrip("\n")))

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def wait_listening(self):
        wait_until(lambda: "listening to" in self.stderr or self.proc.poll() is not None, 180, 0.2,
                   "listen to load its model")
        assert self.proc.poll() is None, self.stderr

    def stop(self, timeout=400) -> int:
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout)
        self._reader.join(10)
        return code

    def text(self) -> str:
        return " ".join(LINE.match(line).group(3) for _, line in self.lines)


def on_disk_seconds(data: Path) -> float:
    folders = [p for p in (data / "recordings").glob("recording-*") if p.is_dir()]
    return sum(piece.stat().st_size for f in folders for piece in f.glob("*.pcm")) / 32000


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def test_listen_prints_final_lines_and_ctrl_c_makes_the_recording_a_job(data_dir, tmp_path):
    played = wav_of(CORPUS / "meeting1_product_sync.mp3", tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    with NullSink(tmp_path / "pulse") as sink:
        listener = Listener(data_dir, sink, out)
        listener.wait_listening()
        player = sink.play(played)
        assert player.wait(200) == 0
        # everything played is on disk (in pieces) before the stop
        heard = on_disk_seconds(data_dir)
        wait_until(lambda: on_disk_seconds(data_dir) >= heard + 2, 30, 0.2, "two more seconds recorded")
        assert listener.lines, f"no final line while the meeting played: {listener.stderr}"
        code = listener.stop()
    assert code == 0, listener.stderr
    # stdout holds only the transcript's lines, each "[m:ss] text"
    assert all(LINE.match(line) for _, line in listener.lines), listener.lines
    live = listener.text()
    live_wer = wer(reference("meeting1_product_sync"), live)
    print(f"live WER {live_wer:.3f} over {len(listener.lines)} lines")
    assert live_wer < 0.25, live
    # the whole recording became an ordinary job, written to --out; the pieces are gone
    recordings = sorted((data_dir / "recordings").glob("*.wav"))
    assert len(recordings) == 1 and not [p for p in (data_dir / "recordings").iterdir() if p.is_dir()]
    assert wav_seconds(recordings[0]) >= wav_seconds(played)
    written = out / f"{recordings[0].stem}.txt"
    assert written.is_file(), listener.stderr
    store = JobStore(DataDir(data_dir).database)
    try:
        (job,) = [j for j in store.jobs() if j["path"] == str(recordings[0])]
        assert (job["state"], job["source"]) == ("done", "live")
        job_text = store.transcript(job["id"])["text"]
    finally:
        store.close()
    assert store_hits(data_dir, normalize(job_text).split()[5]), "the job is indexed for search"
    # the job's transcript equals a file transcription of the same recording (another data folder)
    other, file_out = tmp_path / "other", tmp_path / "file-out"
    done = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(other), "transcribe", str(recordings[0]),
                           "--out", str(file_out)], capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stderr
    assert (file_out / written.name).read_text() == written.read_text()
    # and the live text is close to it
    print(f"live WER against the file transcription {wer(job_text, live):.3f}")
    assert wer(job_text, live) < 0.2


def store_hits(data_dir: Path, word: str) -> bool:
    done = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data_dir), "search", word],
                          capture_output=True, text=True, timeout=60)
    return done.returncode == 0 and "recording-" in done.stdout


def test_a_killed_recording_loses_at_most_two_seconds_and_the_next_start_makes_it_a_job(data_dir, tmp_path):
    played = wav_of(CORPUS / "jfk.flac", tmp_path)
    with NullSink(tmp_path / "pulse") as sink:
        listener = Listener(data_dir, sink, tmp_path)
        listener.wait_listening()
        assert sink.play(played).wait(60) == 0
        heard = on_disk_seconds(data_dir)
        wait_until(lambda: on_disk_seconds(data_dir) >= heard + 1.5, 30, 0.05, "more on disk")
        first = min(p.stat().st_mtime for p in (data_dir / "recordings").glob("*/*.pcm"))
        captures = psutil.Process(listener.proc.pid).children(recursive=True)
        listener.proc.kill()  # while it records: no chance to finish anything
        killed_at = time.time()
        listener.proc.wait(10)
        # its capture (parec, a session of its own) ends when nobody reads it
        psutil.wait_procs(captures, timeout=10)
    # the first piece was written a second after the capture began
    recorded_for = killed_at - (first - 1.0)
    # nothing is finished: the next start of Earmark finds it
    serve = subprocess.Popen([sys.executable, "-m", "app", "--data-dir", str(data_dir), "serve"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        notices = []
        threading.Thread(target=lambda: notices.extend(serve.stderr), daemon=True).start()
        wait_until(lambda: any("was not finished" in n for n in notices), 120, 0.2, "the notice of the recovery")
        wavs = sorted((data_dir / "recordings").glob("*.wav"))
        assert len(wavs) == 1
        lost = recorded_for - wav_seconds(wavs[0])
        print(f"recorded for {recorded_for:.2f} s, kept {wav_seconds(wavs[0]):.2f} s: lost {lost:.2f} s")
        assert lost <= 2.0
        store = JobStore(DataDir(data_dir).database)
        try:
            def done():
                jobs = [j for j in store.jobs() if j["path"] == str(wavs[0])]
                return jobs and jobs[0]["state"] in ("done", "failed") and jobs[0]
            job = wait_until(done, 300, 0.5, "the recovered recording's job")
            assert (job["state"], job["source"]) == ("done", "live"), job["error"]
            text = store.transcript(job["id"])["text"]
        finally:
            store.close()
        assert wer(reference("jfk"), text) < 0.3, text
    finally:
        serve.send_signal(signal.SIGINT)
        serve.wait(120)


def test_the_window_records_with_live_text_and_makes_a_job(shared_window, qtbot, tmp_path, monkeypatch):
    """The window's Record panel on the shared stack: its shortcut, the input chosen from
    the sound server's devices, the level meter and the elapsed time while jfk plays, the
    text as it becomes final, and Stop making the recording a job."""
    from PySide6.QtCore import Qt

    window, started = shared_window, time.time()
    panel = window.record_panel
    played = wav_of(CORPUS / "jfk.flac", tmp_path)
    with NullSink(tmp_path / "pulse") as sink:
        monkeypatch.setenv("PULSE_SERVER", sink.env["PULSE_SERVER"])  # parec and pactl in this process
        panel.refresh.click()  # the inputs are asked for off the GUI thread
        qtbot.waitUntil(lambda: panel.device.findData(sink.monitor) >= 0, timeout=30_000)
        panel.device.setCurrentIndex(panel.device.findData(sink.monitor))
        assert panel.device.currentData() == sink.monitor
        qtbot.keyClick(window, Qt.Key_R, Qt.ControlModifier | Qt.ShiftModifier)
        assert window.record_dock.isVisible() and panel.recording_now
        qtbot.waitUntil(lambda: panel.live.listening.is_set(), timeout=180_000)
        player = sink.play(played)
        levels = []
        qtbot.waitUntil(lambda: (levels.append(panel.meter.value()), player.poll() is not None)[1], timeout=60_000)
        assert max(levels) > -40, "the level meter moved while the speech played"
        qtbot.waitUntil(lambda: bool(panel.text.toPlainText().strip()), timeout=90_000)
        assert panel.elapsed.text() != "0:00"
        window.record()  # Record again: stop
        qtbot.waitUntil(lambda: not panel.recording_now, timeout=180_000)
    lines = panel.text.toPlainText().splitlines()
    assert lines and all(LINE.match(line) for line in lines), lines
    assert wer(reference("jfk"), " ".join(LINE.match(line).group(3) for line in lines)) < 0.35, lines
    store = window.controller.store

    def recorded():
        mine = [j for j in store.jobs() if "/recordings/recording-" in j["path"] and j["created_at"] >= started - 1]
        return mine and mine[0]["state"] in ("done", "failed") and mine[0]
    qtbot.waitUntil(lambda: bool(recorded()), timeout=300_000)
    job = recorded()
    assert job["state"] == "done", job["error"]
    assert wer(reference("jfk"), store.transcript(job["id"])["text"]) < 0.3


def test_listen_with_no_sound_server_says_so_and_does_not_blame_the_input(data_dir, tmp_path):
    # no sound server at this address: the input's name is not what went wrong
    env = {**os.environ, "EARMARK_DATA_DIR": str(data_dir), "PULSE_SERVER": f"unix:{tmp_path / 'no-server'}"}
    done = subprocess.run([sys.executable, "-m", "app", "listen", "--device", "some-input"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "The sound server does not answer" in done.stderr, done.stderr
    assert "Cannot record from some-input" not in done.stderr
