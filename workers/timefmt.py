"""Times as people and subtitle files read them; the one formatter everything uses."""

from __future__ import annotations


def clock(seconds: float | None) -> str:
    """0:48, 12:05, 1:02:03 (the transcript, the job list, search hits, the notes); '' for None."""
    if seconds is None:
        return ""
    seconds = max(0, int(round(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def stamp(seconds: float, sep: str = ",") -> str:
    """00:01:02,345 (SRT; VTT with sep '.')."""
    ms = max(0, int(round(seconds * 1000)))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"
