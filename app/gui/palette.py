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
INK = "#1a1a1a"  # text on those light highlights, whatever the theme
# the transcript: one colour per speaker (text colour of the speaker column), in the
# order speakers first talk; readable on light and dark backgrounds
SPEAKERS = ("#1565c0", "#c2185b", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#8d6e63", "#546e7a")


def speaker_colour(key: str | None) -> str | None:
    if not key:
        return None
    try:
        return SPEAKERS[(int(key) - 1) % len(SPEAKERS)]
    except ValueError:
        return SPEAKERS[hash(key) % len(SPEAKERS)]
