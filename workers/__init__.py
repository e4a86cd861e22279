"""Earmark's compute side: the Celery app, its tasks and the engines they call.

Nothing here imports Qt: these modules run in worker processes, possibly on
other machines, and the GUI imports only their contracts (task names, errors).
"""

import os

# ONNX Runtime (Silero's voice activity, the speaker models) sends usage telemetry to
# Microsoft on Linux and macOS since 1.29: a device id and an offline queue of events
# (the program's path, the model's file name, run times) in ~/.cache/Microsoft, a
# session file at /tmp/.ses, uploads when a network is there. Earmark uses no network
# unless the person asks: off, before any engine loads it (read once per process).
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
