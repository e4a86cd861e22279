"""Export each job once as it finishes, when the settings ask (``export_when_done``):
in the chosen formats, to the export folder or beside the recording. Qt-free; the
front desk (``app.jobs.desk``) calls ``check()`` in its tick, off any GUI thread, for
the window and ``earmark serve`` alike."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from app import export
from app.store import jobstore as js


def formats_of(settings) -> list[str]:
    """The settings' export formats that exist (txt when none does)."""
    chosen = [f.strip() for f in settings["export_formats"].split(",")]
    return [f for f in chosen if f in export.FORMATS] or ["txt"]


class AutoExport:
    def __init__(self, store, settings, write: Callable[[list[str], list[str], str], None]):
        """*write*: (job ids, formats, folder), e.g. the desk's export."""
        self.store, self.settings, self.write = store, settings, write
        self.done: set[str] | None = None  # the jobs done at the last check (None: not checked yet)

    def check(self) -> list[str]:
        """Export the jobs that became done since the last check (a job added and finished
        between two checks too); return their ids. What was done before the first check is
        not exported. Off (the default), it reads nothing."""
        if not self.settings["export_when_done"]:
            self.done = None
            return []
        rows = self.store.job_rows()
        done = {r["id"] for r in rows if r["state"] == js.DONE}
        finished = [] if self.done is None else [r for r in rows if r["id"] in done - self.done]
        self.done = done
        for row in finished:
            folder = self.settings["export_folder"] or str(Path(row["path"]).parent)
            self.write([row["id"]], formats_of(self.settings), folder)
        return [r["id"] for r in finished]
