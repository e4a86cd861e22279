"""Export each job once as it finishes, when the settings ask (``export_when_done``):
in the chosen formats, to the export folder or beside the recording. Qt-free; the
window's controller calls ``check()`` from its poll, off the GUI thread."""

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
        """*write*: (job ids, formats, folder), e.g. the controller's export."""
        self.store, self.settings, self.write = store, settings, write
        self.unfinished: set[str] = set()  # jobs seen before they were done

    def check(self) -> list[str]:
        """Export the jobs that finished since the last check; return their ids. Off (the
        default), it reads nothing."""
        if not self.settings["export_when_done"]:
            self.unfinished = set()
            return []
        rows = self.store.job_rows()
        finished = [r for r in rows if r["id"] in self.unfinished and r["state"] == js.DONE]
        self.unfinished = {r["id"] for r in rows if r["state"] not in js.FINAL}
        for row in finished:
            folder = self.settings["export_folder"] or str(Path(row["path"]).parent)
            self.write([row["id"]], formats_of(self.settings), folder)
        return [r["id"] for r in finished]
