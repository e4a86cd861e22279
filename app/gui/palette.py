"""The window's colours, declared once: what a state means looks the same in the job
list, the queue panel and the transcript. (Readable on light and dark backgrounds.)"""

from __future__ import annotations

FAILED, DONE, RUNNING, RETRYING, GREY, PAUSED, LOST = (
    "#b3261e", "#1b6e2a", "#1565c0", "#e67e22", "#7a7a7a", "#9a5b00", "#8e44ad")

# the job list: a job's state
JOB_STATE_COLOURS = {"failed": FAILED, "cancelled": GREY, "done": DONE, "paused": PAUSED}
# the queue panel: a task's state, a worker's status
STATE_COLOURS = {"failed": FAILED, "succeeded": DONE, "started": RUNNING, "retried": RETRYING,
                 "cancelled": GREY, "revoked": GREY, "moved": GREY, "lost": LOST}
ONLINE, OFFLINE = DONE, FAILED
# the transcript: the segment playing, a search match, a person's edit
HIGHLIGHT, FOUND, EDITED = "#fff3b0", "#cfe8ff", "#6a3d9a"
