"""The watched folders' ledger in the job store: each file a watch took, as it was then
(size, modification time, content hash), the job it became, the folder its output goes
to and the parts written there. A restart reads it to take only what is new; the
export after a job finishes reads it to know where the output goes (also after a
restart in between)."""

from __future__ import annotations

import time

from app.store.schema import Database


class WatchLedger(Database):
    def watched(self, folder: str) -> dict[str, dict]:
        """{path: its row} of the files the watch of *folder* took."""
        return {r["path"]: dict(r) for r in self._q("SELECT * FROM watched_files WHERE folder=?", (folder,))}

    def remember_watched(self, folder: str, path: str, *, size_bytes: int, mtime_ns: int, file_hash: str,
                         job_id: str | None, out: str) -> None:
        """A file taken (a new one, or new content under a known name: its row starts over)."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO watched_files (folder, path, size_bytes, mtime_ns, file_hash, job_id,"
                       " out, exported, finished, taken_at) VALUES (?,?,?,?,?,?,?,'',?,?)",
                       (folder, path, size_bytes, mtime_ns, file_hash, job_id, out, int(job_id is None),
                        time.time()))

    def touch_watched(self, folder: str, path: str, *, size_bytes: int, mtime_ns: int) -> None:
        """A taken file whose time changed but not its content (touched, copied over itself)."""
        with self.transaction() as db:
            db.execute("UPDATE watched_files SET size_bytes=?, mtime_ns=? WHERE folder=? AND path=?",
                       (size_bytes, mtime_ns, folder, path))

    def unfinished_watched(self) -> list[dict]:
        """Files whose job has parts still to write."""
        return [dict(r) for r in self._q("SELECT * FROM watched_files WHERE finished=0 ORDER BY taken_at")]

    def note_watched_export(self, folder: str, path: str, exported: set[str], finished: bool) -> None:
        with self.transaction() as db:
            db.execute("UPDATE watched_files SET exported=?, finished=? WHERE folder=? AND path=?",
                       (",".join(sorted(exported)), int(finished), folder, path))
