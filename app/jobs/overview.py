"""What ``earmark status`` says: the workers and the queues (when a stack runs), the
faults of the last day and the recent jobs. Lines of text, nothing printed: the command
prints them itself, or a running Earmark sends them through its command door."""

from __future__ import annotations

import json
import time
from pathlib import Path

from app.store.jobstore import JobStore


def status_lines(root: Path, store: JobStore, celery=None, expected: int | None = None) -> list[str]:
    """*celery*: a client of the running stack's broker; None when nothing runs.
    *expected*: how many workers answer when all do (this machine's, with no helpers): the
    answer comes as soon as they have, instead of after the 1 s a helper is given."""
    lines = [f"Earmark is not running on {root}."] if celery is None else _workers(root, celery, expected)
    trouble = store.trouble(time.time() - 24 * 3600)
    if trouble:
        lines.append("Faults in the last 24 hours (each handled: the task was sent again, or failed with its reason):")
        for event in trouble:
            when = time.strftime("%H:%M:%S", time.localtime(event["at"]))
            what = json.loads(event["detail"] or "{}").get("exception", "")
            lines.append(f"  {when}  {event['kind']:<8} {event['stage'] or '':<11} "
                         f"{Path(event['path'] or '-').name}  {what}")
    lines.append("Recent jobs:")
    jobs = store.jobs(limit=10)
    for job in jobs:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(job["created_at"]))
        extra = f"  {job['error']}" if job["error"] else ""
        source = f"  (from {job['source']})" if job["source"] else ""
        lines.append(f"  {when}  {job['state']:<9} {Path(job['path']).name}{source}{extra}")
    if not jobs:
        lines.append("  (none yet)")
    return lines


def _workers(root: Path, celery, expected: int | None) -> list[str]:
    from app.runtime.queues import depths

    lines = []
    try:
        replies = celery.control.inspect(timeout=1.0, limit=expected).stats() or {}
        # the workers that answered, asked what they run: answered as soon as all of them have
        active = (celery.control.inspect(timeout=1.0, limit=len(replies)).active() or {}) if replies else {}
        lines.append("Workers:")
        for name in sorted(replies):
            pool = replies[name].get("pool", {})
            lines.append(f"  {name:<28} online  pool "
                         f"{pool.get('implementation', '?').split(':')[0].split('.')[-1]}"
                         f"×{pool.get('max-concurrency', '?')}  active {len(active.get(name, []))}")
        if not replies:
            lines.append("  (none answered)")
        lines.append("Queues (waiting / taken by a worker):")
        for queue, d in depths(celery).items():
            lines.append(f"  {queue:<12} {d['waiting']:>5} / {d['unacked']}")
    except Exception as exc:  # noqa: BLE001 - the broker gone: said, and the store still shown
        lines.append(f"The broker at {root} does not answer: {exc}")
    return lines
