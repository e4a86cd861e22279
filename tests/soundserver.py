"""A sound server without a sound card, for the live tests and bench/bench_live.py: a
private PulseAudio (Debian's ``pulseaudio``, started as this user in a folder of its own)
with one null sink. What ``play`` sends to the sink comes out of its monitor
(``NullSink.monitor``), which ``earmark listen --device`` records: the real capture path,
in real time."""

from __future__ import annotations

import os
import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np

from tests.helpers import wait_until

SINK = "earmark_test"


def have_pulseaudio() -> bool:
    return all(shutil.which(tool) for tool in ("pulseaudio", "parec", "paplay", "pactl"))


def wav_of(source: Path, folder: Path) -> Path:
    """*source* as a 16 kHz mono WAV (paplay reads through libsndfile, which stopped the
    corpus's FLAC after 1.8 s; a plain WAV it plays whole)."""
    from workers.media import SAMPLE_RATE, decode, probe

    audio = decode(str(source), probe(str(source)))
    out = folder / f"{source.stem}.wav"
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((np.clip(audio, -1, 1) * 32767).astype(np.int16).tobytes())
    return out


class NullSink:
    def __init__(self, folder: Path):
        self.folder = folder
        self.proc: subprocess.Popen | None = None
        socket = folder / "native"
        self.env = {**os.environ, "PULSE_SERVER": f"unix:{socket}", "XDG_RUNTIME_DIR": str(folder),
                    "HOME": str(folder)}
        self.config = (f"load-module module-null-sink sink_name={SINK} "
                       f"sink_properties=device.description=EarmarkTest\n"
                       f"load-module module-native-protocol-unix auth-anonymous=1 socket={socket}\n"
                       f"set-default-sink {SINK}\n")

    @property
    def monitor(self) -> str:
        return f"{SINK}.monitor"

    def __enter__(self) -> "NullSink":
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        config = self.folder / "default.pa"
        config.write_text(self.config)
        self.proc = subprocess.Popen(["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n", "-F", str(config),
                                      "--use-pid-file=no", "--disable-shm=yes"],
                                     env=self.env, stdout=subprocess.DEVNULL,
                                     stderr=open(self.folder / "pulseaudio.log", "wb"))
        wait_until(lambda: self.proc.poll() is not None or subprocess.run(
            ["pactl", "info"], env=self.env, capture_output=True).returncode == 0, 30, 0.2, "PulseAudio to answer")
        assert self.proc.poll() is None, (self.folder / "pulseaudio.log").read_text()
        return self

    def play(self, wav: Path) -> subprocess.Popen:
        return subprocess.Popen(["paplay", f"--device={SINK}", str(wav)], env=self.env)

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
