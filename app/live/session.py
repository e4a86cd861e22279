"""A live session: the capture into a durable recording, and live text from it.

Used by ``earmark listen`` and the window's Record panel alike; no Qt. The capture runs on
its own thread and writes each block to the recording first (nothing said is lost), then
hands it to the transcriber, which ``run`` drives on the caller's thread."""

from __future__ import annotations

import threading
from typing import Callable

from app.live import recording as rec


class Live:
    """The capture into the recording, and the live text from what was captured."""

    def __init__(self, recording: rec.Recording, device: str, on_status: Callable[[str], None] = lambda _: None):
        self.recording = recording
        self.on_status = on_status
        self.level = -90.0  # dBFS of the last block (a level meter)
        self.listening = threading.Event()  # the model is loaded: the text follows from now on
        self._fresh: list[bytes] = []
        self._lock = threading.Lock()
        self.seconds = 0.0
        self.capture = rec.Capture(device, self._on_block).start()

    def _on_block(self, pcm: bytes) -> None:
        self.recording.write(pcm)  # on disk first: nothing said is lost
        with self._lock:
            self._fresh.append(pcm)
            self.seconds += len(pcm) / rec.BYTES_PER_SECOND
        self.level = rec.level(pcm)

    def _take(self):
        import numpy as np

        with self._lock:
            fresh, self._fresh = self._fresh, []
        return np.frombuffer(b"".join(fresh), dtype=np.int16)

    def run(self, stop: threading.Event, options, emit) -> None:
        """Live text until *stop* (or the input ends), then the rest of it."""
        from workers.engines.streaming import LiveTranscriber

        self.on_status(f"loading the speech model ({options.model})…")
        transcriber = LiveTranscriber(options)
        self.listening.set()
        self.on_status(f"listening to {self.capture.device}; press Ctrl-C to stop (the recording is kept as it comes, "
            f"in {self.recording.folder})")
        while not stop.is_set() and not self.capture.ended.is_set():
            transcriber.feed(self._take())
            if transcriber.ready():
                for line in transcriber.step():
                    emit(line)
            else:
                stop.wait(0.05)
        self.capture.stop()
        transcriber.feed(self._take())
        for line in transcriber.finish():
            emit(line)

    def wait(self, stop: threading.Event) -> None:
        """Record without live text until *stop*."""
        while not stop.wait(0.2) and not self.capture.ended.is_set():
            pass
        self.capture.stop()
