"""``earmark search``: reads the job store only, so it imports neither Celery nor the
engines nor the front desk (its fixed cost is Python and SQLite)."""

from __future__ import annotations

import sys
from pathlib import Path

from app.paths import DataDir
from app.store.jobstore import MARK_END, MARK_START, JobStore
from workers.timefmt import clock


def search(data: DataDir, query: str, newest: bool = False, limit: int = 20, speaker: str | None = None) -> int:
    """Print hits across every transcript: file, time, speaker, snippet. Exit 1 when none."""
    store = JobStore(data.database)
    hits = store.search(query, limit=limit, order="newest" if newest else "relevance", speaker=speaker)
    kinds = {"summary": "notes", "translation": "translation"}
    for hit in hits:
        who = f"{hit['speaker']}: " if hit.get("speaker") else ""
        where = "  ".join(part for part in (Path(hit["path"]).name, clock(hit["at"]) if hit["at"] is not None else "",
                                            kinds.get(hit["kind"], "")) if part)
        words = hit["marked"].replace(MARK_START, "[").replace(MARK_END, "]")
        print(f"{where}  {who}{words}")
    if not hits:
        print(f"No transcript mentions: {query}" + (f" (said by {speaker})" if speaker else ""), file=sys.stderr)
    store.close()
    return 0 if hits else 1
