"""A live recording, kept durable as it is made, and the inputs it can come from.

The sound is written to ``DATA/recordings/NAME/`` in pieces of ``PIECE_SECONDS`` of raw
16 kHz mono 16-bit samples, each written, fsync'd and renamed into place (and the folder
fsync'd) before the next begins, beside a ``manifest.json`` (the input, the job options,
when it began). Nothing of the recording is held in memory but the piece being filled,
so a crash, a kill or a power cut loses at most that piece and what the capture had not
handed over yet (about a second). While it records, the process holds a lock on the
folder's ``.lock``; a folder whose lock nobody holds is a recording that was never
finished, and ``unfinished`` finds it (the front desk turns it into a job when Earmark
next starts). Finishing joins the pieces into ``DATA/recordings/NAME.wav``.

Capture is PulseAudio's ``parec`` (PipeWire's pulse server answers it too): any source,
a microphone or the monitor of an output (what the computer plays: the other side of a
call)."""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import subprocess
import threading
import time
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from app.errors import AppError
from app.paths import DataDir
from workers.locks import try_hold
from workers.media import SAMPLE_RATE

log = logging.getLogger(__name__)

BYTES_PER_SECOND = SAMPLE_RATE * 2  # mono, 16-bit
PIECE_SECONDS = 1.0
BLOCK_SECONDS = 0.1  # what the capture hands over at a time (the level meter's rate)
MANIFEST = "manifest.json"
LOCK = ".lock"
PIECE_SUFFIX = ".pcm"
NEEDS_PULSE = ("Live recording needs PulseAudio or PipeWire's pulse server and their tools parec and pactl "
               "(Debian and Ubuntu: the package pulseaudio-utils).")


def recordings_dir(data: DataDir) -> Path:
    folder = data.root / "recordings"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":  # a folder cannot be opened for fsync there; NTFS journals the rename
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_durably(path: Path, write: Callable) -> None:
    """Write *path* through a temporary file: fsync'd, renamed into place, the folder fsync'd."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        write(fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


class Recording:
    """One recording's folder, held (locked) by this process while it is used."""

    def __init__(self, folder: Path, lock):
        self.folder = folder
        self._lock = lock
        self.manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        self._pieces = len(self.pieces())
        self._filling = bytearray()
        self._write_lock = threading.Lock()

    @classmethod
    def start(cls, data: DataDir, device: str, options: dict) -> "Recording":
        """A new recording from *device*; *options*: the job options its job will get."""
        base = time.strftime("recording-%Y-%m-%d-%H%M%S")
        parent = recordings_dir(data)
        for n in range(1, 1000):
            folder = parent / (base if n == 1 else f"{base}-{n}")
            try:
                folder.mkdir(mode=0o700)
                break
            except FileExistsError:
                continue
        lock = try_hold(folder / LOCK)
        if lock is None:  # pragma: no cover - the folder was made a moment ago by this process
            raise AppError(f"Could not lock the new recording {folder}.")
        manifest = {"device": device, "options": options, "started_at": time.time(), "sample_rate": SAMPLE_RATE,
                    "sample_format": "s16le", "channels": 1}
        _write_durably(folder / MANIFEST, lambda fh: fh.write(json.dumps(manifest, indent=1).encode()))
        return cls(folder, lock)

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def wav(self) -> Path:
        """Where the finished recording goes (beside its folder)."""
        return self.folder.parent / f"{self.folder.name}.wav"

    def pieces(self) -> list[Path]:
        return sorted(self.folder.glob("*" + PIECE_SUFFIX))

    @property
    def seconds(self) -> float:
        """How much is kept on disk so far."""
        return sum(p.stat().st_size for p in self.pieces()) / BYTES_PER_SECOND

    def write(self, pcm: bytes) -> None:
        """Samples as they come (16 kHz mono s16le); each full piece goes to disk at once."""
        piece = int(PIECE_SECONDS * BYTES_PER_SECOND)
        with self._write_lock:
            self._filling += pcm
            while len(self._filling) >= piece:
                self._store(bytes(self._filling[:piece]))
                del self._filling[:piece]

    def _store(self, pcm: bytes) -> None:
        self._pieces += 1
        _write_durably(self.folder / f"{self._pieces:07d}{PIECE_SUFFIX}", lambda fh: fh.write(pcm))

    def finish(self) -> Path:
        """The last part piece to disk, then the pieces joined (``join``)."""
        with self._write_lock:
            if self._filling:
                self._store(bytes(self._filling[: len(self._filling) // 2 * 2]))
                self._filling.clear()
        return self.join()

    def join(self) -> Path:
        """The pieces as one WAV file beside the folder (written durably), then the pieces
        removed; the folder stays, holding the manifest, until ``done``. Joining again
        (a crash after the WAV was written) keeps the WAV there is."""
        pieces = self.pieces()
        if pieces or not self.wav.exists():
            def write(fh):
                with wave.open(fh, "wb") as out:
                    out.setnchannels(1)
                    out.setsampwidth(2)
                    out.setframerate(SAMPLE_RATE)
                    for piece in pieces:
                        out.writeframes(piece.read_bytes())

            _write_durably(self.wav, write)
            for piece in pieces:
                piece.unlink()
        return self.wav

    def done(self) -> None:
        """Its job is added: the folder goes (the WAV stays: it is the job's recording)."""
        shutil.rmtree(self.folder, ignore_errors=True)
        self.close()

    def close(self) -> None:
        """Let go of the folder (a folder not ``done`` is then found by ``unfinished``)."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def unfinished(data: DataDir) -> Iterator[Recording]:
    """Recordings that were never finished (their process stopped without ``done``), each
    held by this process until closed; one being recorded now is left alone."""
    parent = data.root / "recordings"
    if not parent.is_dir():
        return
    for folder in sorted(p for p in parent.iterdir() if p.is_dir()):
        if not (folder / MANIFEST).is_file():
            continue
        lock = try_hold(folder / LOCK)
        if lock is None:
            continue  # being recorded now
        try:
            recording = Recording(folder, lock)
        except (OSError, ValueError) as exc:
            lock.close()
            log.warning("the unfinished recording %s cannot be read: %s", folder, exc)
            continue
        yield recording


# --- inputs -------------------------------------------------------------------


@dataclass(frozen=True)
class Device:
    name: str  # what --device takes
    description: str

    @property
    def is_monitor(self) -> bool:
        """The sound an output plays (a call's other side), not a microphone."""
        return self.name.endswith(".monitor")


def _run(command: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=10)
    except FileNotFoundError:
        raise AppError(NEEDS_PULSE) from None


def devices() -> list[Device]:
    """The inputs the sound server offers: microphones and the monitors of outputs."""
    done = _run(["pactl", "list", "sources"])
    if done.returncode != 0:
        raise AppError(f"The sound server does not answer: {done.stderr.strip() or done.returncode}")
    found, name = [], None
    for line in done.stdout.splitlines():
        line = line.strip()
        if line.startswith("Name:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("Description:") and name:
            found.append(Device(name, line.split(":", 1)[1].strip()))
            name = None
    return found


def default_device() -> str:
    """The sound server's default input."""
    done = _run(["pactl", "get-default-source"])
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else "@DEFAULT_SOURCE@"


def level(pcm: bytes) -> float:
    """The loudness of a block in dBFS (-90 for silence), for a level meter."""
    samples = array("h", pcm[: len(pcm) // 2 * 2])
    if not samples:
        return -90.0
    rms = math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768.0
    return max(-90.0, 20 * math.log10(rms)) if rms > 0 else -90.0


def _capture_failed(device: str, why: str) -> str:
    """What went wrong when parec ended: the sound server (not the input) when parec could
    not reach it at all."""
    if "pa_context_connect" in why or why.startswith("Connection failure"):
        return (f"The sound server does not answer ({why.split(':', 1)[-1].strip()}): live recording needs "
                "PulseAudio or PipeWire's pulse server running for this user.")
    return f"Cannot record from {device}: {why} ('earmark listen --list-devices' lists the inputs)"


class Capture:
    """``parec`` from one input: blocks of ``BLOCK_SECONDS`` (16 kHz mono s16le) to
    *on_block* on a thread of its own, until ``stop`` or the input fails (``error``)."""

    def __init__(self, device: str, on_block: Callable[[bytes], None]):
        self.device = device
        self.on_block = on_block
        self.error: str | None = None
        self.ended = threading.Event()
        self._proc: subprocess.Popen | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False

    def start(self) -> "Capture":
        command = ["parec", f"--device={self.device}", "--format=s16le", f"--rate={SAMPLE_RATE}", "--channels=1",
                   "--raw", f"--latency-msec={int(BLOCK_SECONDS * 1000)}", "--client-name=Earmark"]
        try:
            self._proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          stdin=subprocess.DEVNULL, start_new_session=True)
        except FileNotFoundError:
            raise AppError(NEEDS_PULSE) from None
        self._thread = threading.Thread(target=self._read, name="capture", daemon=True)
        self._thread.start()
        return self

    def _read(self) -> None:
        block = int(BLOCK_SECONDS * BYTES_PER_SECOND)
        stream = self._proc.stdout
        try:
            while True:
                data = stream.read(block)
                if not data:
                    break
                self.on_block(data)
        except Exception as exc:  # the disk is full: the recording cannot go on
            log.exception("the capture from %s stopped", self.device)
            self.error = f"The recording stopped: {exc}"
            self._proc.terminate()
        finally:
            code = self._proc.wait()
            if self.error is None and not self._stopping:
                why = self._proc.stderr.read().decode(errors="replace").strip().splitlines()
                self.error = _capture_failed(self.device, why[-1] if why else f"parec ended ({code})")
            self.ended.set()

    def stop(self) -> None:
        """Stop recording; what the input had given is handed over before this returns."""
        self._stopping = True
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
        if self._thread is not None:
            self._thread.join(10)
