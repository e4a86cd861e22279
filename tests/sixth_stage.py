"""A sixth stage, declared by a test the way CONTRIBUTING.md "A new stage" says: its
TaskSpec and Stage (workers/stages.py's kinds), its Celery task, and its storage. The
real workers import this module when EARMARK_TEST_TASKS names it (only
tests/test_stages.py sets it); the test puts the stage into the app's table and the
storage onto the job store for its own duration."""

from __future__ import annotations

import json
from collections import Counter

from workers import stages
from workers.celery_app import app
from workers.tasks import RETRY

TOPICS_TASK = stages.TaskSpec("earmark.topics", stages.INDEX_Q, 7, "Topics", 600, engine="The topic finder",
                              works_on="this transcript")
TOPICS = stages.Stage("topics", TOPICS_TASK, ("segments", "options"), "topics", reindex_after=True,
                      kept="The transcript is kept without topics.",
                      again=stages.Again("Find topics…", "summary_template", "Topics after the template:",
                                         fallback="meeting_minutes"))


@app.task(**TOPICS_TASK.celery_options(), **RETRY)
def topics(job_id: str, segments: list[dict], options: dict) -> dict:
    """The three most frequent long words of a transcript, and the template it was asked with."""
    words = Counter(w.strip(".,;:!?").lower() for s in segments for w in s["text"].split() if len(w) > 5)
    return {"job_id": job_id, "topics": [w for w, _ in words.most_common(3)],
            "template": options.get("summary_template")}


def save_topics(store, job_id: str, result: dict) -> None:
    with store.transaction() as db:
        db.execute("CREATE TABLE IF NOT EXISTS test_topics (job_id TEXT PRIMARY KEY, words TEXT, template TEXT)")
        db.execute("INSERT OR REPLACE INTO test_topics VALUES (?,?,?)",
                   (job_id, json.dumps(result["topics"]), result["template"]))


def describe_topics(store, job_id: str) -> str:
    row = store._one("SELECT words FROM test_topics WHERE job_id=?", (job_id,))
    return ", ".join(json.loads(row["words"])) if row else "no topics"


def topics_of(store, job_id: str) -> tuple[list[str], str] | None:
    row = store._one("SELECT words, template FROM test_topics WHERE job_id=?", (job_id,))
    return (json.loads(row["words"]), row["template"]) if row else None
