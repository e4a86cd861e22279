"""The Record panel: live text from a microphone or what the computer plays.

The input is chosen from the sound server's devices; Record (Ctrl+Shift+R) starts a live
session (``app.live.session.Live``: the sound goes to the data folder as it comes, the
text is transcribed in this process on a thread of its own), the level meter and the
elapsed time follow it, and each line appears once it is final. Stop turns the whole
recording into an ordinary job through the front desk (``Desk.add_recording``)."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import AppError
from app.live import recording as rec
from app.live.session import Live

log = logging.getLogger(__name__)

METER_FLOOR_DB = -60


class _Bridge(QObject):
    """Signals from the session's thread to the GUI thread."""

    line = Signal(str)
    status = Signal(str)
    finished = Signal(str)  # what became of the recording, in a sentence
    devices = Signal(object, str)  # the sound server's inputs, or why there are none


class RecordPanel(QWidget):
    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.live: Live | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._said_listening = False
        self.bridge = _Bridge(self)
        self.device = QComboBox()
        self.device.setAccessibleName(self.tr("Input to record"))
        self.refresh = QPushButton(self.tr("Refresh"))
        self.refresh.clicked.connect(self.fill_devices)
        self.button = QPushButton(self.tr("Record"))
        self.button.clicked.connect(self.toggle)
        self.meter = QProgressBar()
        self.meter.setRange(METER_FLOOR_DB, 0)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(12)
        self.meter.setAccessibleName(self.tr("Input level"))
        self.elapsed = QLabel("0:00")
        self.elapsed.setAccessibleName(self.tr("Time recorded"))
        self.state = QLabel()
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName(self.tr("Live text"))
        self.text.setPlaceholderText(self.tr("The text appears here as it is spoken, each line once it is final. "
                                             "To record a call, choose the monitor of the output it plays on."))
        row = QHBoxLayout()
        row.addWidget(self.device, 1)
        row.addWidget(self.refresh)
        row.addWidget(self.button)
        meter_row = QHBoxLayout()
        meter_row.addWidget(self.meter, 1)
        meter_row.addWidget(self.elapsed)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(meter_row)
        layout.addWidget(self.state)
        layout.addWidget(self.text, 1)
        self.timer = QTimer(self, interval=100, timeout=self._show_progress)
        self.bridge.line.connect(self.text.appendPlainText)
        self.bridge.status.connect(self.state.setText)
        self.bridge.finished.connect(self._finished)
        self.bridge.devices.connect(self._show_devices)
        self._filled = False  # the devices are asked for when the panel is first shown

    def showEvent(self, event) -> None:
        if not self._filled:
            self.fill_devices()
        super().showEvent(event)

    @property
    def recording_now(self) -> bool:
        return self._thread is not None

    def fill_devices(self) -> None:
        """Ask the sound server for its inputs off the GUI thread (``pactl`` may take up to
        its timeout when the server hangs); the list fills when they come."""
        self._filled = True
        bridge = self.bridge

        def ask() -> None:
            try:
                found, problem = rec.devices(), ""
            except AppError as exc:
                log.warning("no inputs to record from: %s", exc)
                found, problem = [], str(exc)
            try:
                bridge.devices.emit(found, problem)
            except RuntimeError:  # the window closed meanwhile
                pass
        threading.Thread(target=ask, name="sound-inputs", daemon=True).start()

    def _show_devices(self, devices: list, problem: str) -> None:
        chosen = self.device.currentData()
        self.device.clear()
        if problem:
            self.state.setText(self.tr("No sound server answers, so there is nothing to record from: recording needs "
                                       "PulseAudio or PipeWire's pulse server and the tools of pulseaudio-utils."))
        for device in devices:
            label = (self.tr("{0} (what the computer plays)") if device.is_monitor else "{0}").format(
                device.description)
            self.device.addItem(label, device.name)
        index = self.device.findData(chosen)
        if index >= 0:
            self.device.setCurrentIndex(index)
        self.button.setEnabled(bool(devices) or self.recording_now)

    def toggle(self) -> None:
        self.stop() if self.recording_now else self.start()

    def start(self) -> None:
        device = self.device.currentData()
        if not device or self.recording_now:
            return
        from workers.engines.speech import TranscribeOptions

        desk = self.controller.desk
        options = desk.job_options()
        try:
            recording = rec.Recording.start(desk.data, device, options)
            self.live = Live(recording, device, on_status=lambda _: None)
        except (AppError, OSError) as exc:
            self.state.setText(str(exc))
            return
        self._stop.clear()
        self._said_listening = False
        self.text.clear()
        self.button.setText(self.tr("Stop"))
        self.device.setEnabled(False)
        self.state.setText(self.tr("Loading the speech model…"))
        live_options = TranscribeOptions.from_dict({**options, "speakers": "off"})
        self._thread = threading.Thread(target=self._run, args=(self.live, live_options), name="live", daemon=True)
        self._thread.start()
        self.timer.start()

    def _run(self, live: Live, options) -> None:
        from workers.timefmt import clock

        bridge = self.bridge
        try:
            live.run(self._stop, options, lambda line: bridge.line.emit(f"[{clock(line.start)}] {line.text}"))
        except Exception as exc:  # the model could not be loaded: the recording goes on without text
            log.exception("live text stopped")
            bridge.status.emit(self.tr("No live text ({0}); the recording goes on.").format(exc))
            live.wait(self._stop)
        try:
            wav, seconds, added = self.controller.desk.add_recording(live.recording)
        finally:
            live.recording.close()
        self.controller.jobs_changed.emit()
        if added is None:
            bridge.finished.emit(self.tr("Nothing was recorded."))
        elif added.jobs:
            bridge.finished.emit(self.tr("Recorded {0}; the whole recording is transcribed now as {1}.").format(
                clock(seconds), wav.name))
        else:
            bridge.finished.emit(" ".join(n.text for n in added.notices))

    def stop(self) -> None:
        if self.recording_now:
            self._stop.set()
            self.button.setEnabled(False)
            self.state.setText(self.tr("Stopping…"))

    def _show_progress(self) -> None:
        from workers.timefmt import clock

        if self.live is not None:
            self.meter.setValue(max(METER_FLOOR_DB, int(self.live.level)))
            self.elapsed.setText(clock(self.live.seconds))
            if self.live.listening.is_set() and not self._stop.is_set() and not self._said_listening:
                self._said_listening = True
                self.state.setText(self.tr("Recording: the text follows as it is spoken."))
            if self.live.capture.error and not self._stop.is_set():
                self.state.setText(self.live.capture.error)

    def _finished(self, sentence: str) -> None:
        if self._thread is not None:
            self._thread.join(5)
        self._thread, self.live = None, None
        self.timer.stop()
        self.meter.setValue(METER_FLOOR_DB)
        self.button.setText(self.tr("Record"))
        self.button.setEnabled(True)
        self.device.setEnabled(True)
        self.state.setText(sentence)

    def shut(self) -> None:
        """The window closes: a recording under way is finished and kept as a job."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join(60)
