"""Offline: the engines keep nothing outside the data folder and queue nothing to send.
ONNX Runtime (1.29 on, Linux and macOS) collects telemetry for Microsoft unless told not
to: a device id and a queue of events in ~/.cache/Microsoft, a file at /tmp/.ses."""

import os
import subprocess
import sys

RUN_THE_VOICE_MODEL = r"""
import numpy as np
from workers.engines import voice_activity
rng = np.random.default_rng(7)
print(voice_activity.probabilities(rng.standard_normal(16000 * 2).astype(np.float32) * 0.1).shape)
"""


def test_the_speech_models_onnx_runtime_writes_nothing_outside_and_queues_no_telemetry(tmp_path):
    home, temp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    temp.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORT_")}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), TMPDIR=str(temp))
    done = subprocess.run([sys.executable, "-c", RUN_THE_VOICE_MODEL], env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0 and "(63,)" in done.stdout, done.stderr  # the model ran (2 s: 63 windows)
    assert not list(home.rglob("*")), sorted(map(str, home.rglob("*")))  # no Microsoft/…/onnxruntime.db, deviceid
    assert not list(temp.iterdir()), sorted(os.listdir(temp))  # no .ses
