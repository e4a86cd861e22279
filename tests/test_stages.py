"""The stage table (workers/stages.py) is the one declaration every part derives from.

These tests are the checklist for a new stage: each fails, naming what is missing,
when a stage or task is declared but one of its places (its Celery task, an argument
the app cannot make, its storage) is not there; and they check that Celery's routes and
priorities, the worker roles, the job's stage order and the task history really come
from the table rather than from a copy of it."""

import inspect
import os

import pytest

import workers.tasks  # noqa: F401  (registers the tasks)
from app.jobs import service as jobs
from app.runtime.supervisor import WORKER_ROLES, thread_budgets
from app.store.jobstore import JobStore
from workers import config, stages
from app.store import jobstore as js
from workers.celery_app import app as celery_app


def test_every_declared_task_is_a_registered_celery_task_with_its_route_priority_and_limits():
    for spec in stages.TASKS:
        assert spec.name in celery_app.tasks, f"{spec.name} is declared but no @app.task has that name"
        task = celery_app.tasks[spec.name]
        assert config.task_routes[spec.name] == {"queue": spec.queue.name, "routing_key": spec.queue.name}
        assert config.PRIORITY[spec.name] == spec.priority
        if spec.soft_limit_seconds:
            assert task.soft_time_limit == spec.soft_limit_seconds
            assert task.time_limit > task.soft_time_limit
    ours = {name for name in celery_app.tasks if name.startswith("earmark.")}
    assert ours == {t.name for t in stages.TASKS}, "a task exists that the stage table does not declare"


def contract_problems(stage: stages.Stage, store: JobStore) -> list[str]:
    """What a stage's declaration promises and its code does not keep."""
    problems = [f"stage {stage.name} needs '{need}': add it to app.jobs.service.ARGUMENTS"
                for need in stage.needs if need not in jobs.ARGUMENTS]
    for method in (f"save_{stage.stores}", f"describe_{stage.stores}"):
        if not callable(getattr(store, method, None)):
            problems.append(f"stage {stage.name} stores '{stage.stores}': add JobStore.{method}")
    task = celery_app.tasks.get(stage.task.name)
    if task is None:
        problems.append(f"stage {stage.name}: no Celery task named {stage.task.name}")
    else:  # the task takes the job id, then exactly what the stage says it needs
        params = list(inspect.signature(task.run).parameters)
        if params[:1] != ["job_id"] or len(params) != 1 + len(stage.needs):
            problems.append(f"{stage.task.name} takes {params}; the table says job_id + {list(stage.needs)}")
    return problems


def test_every_stage_can_be_sent_and_stored(tmp_path):
    store = JobStore(tmp_path / "earmark.db")
    try:
        for stage in stages.STAGES:
            assert contract_problems(stage, store) == []
        # and the checklist catches a stage added in the table only
        topics = stages.Stage("topics", stages.TaskSpec("earmark.topics", stages.NLP_Q, 6, "Topics"),
                              ("segments", "audio"), "topics")
        assert contract_problems(topics, store) == [
            "stage topics needs 'audio': add it to app.jobs.service.ARGUMENTS",
            "stage topics stores 'topics': add JobStore.save_topics",
            "stage topics stores 'topics': add JobStore.describe_topics",
            "stage topics: no Celery task named earmark.topics"]
    finally:
        store.close()


def test_the_job_follows_the_table_order_and_options():
    assert stages.stages_for({}) == ["transcribe", "index"]
    assert stages.stages_for({"speakers": "off", "summarize": False}) == ["transcribe", "index"]
    assert stages.stages_for({"summarize": True, "translate_to": "fr", "speakers": "auto"}) == list(
        stages.stage_names())
    assert (jobs.TRANSCRIBE, jobs.INDEX) == ("transcribe", "index")  # looked up by name, never unpacked
    assert [s.name for s in stages.STAGES if s.reindex_after] == ["diarize", "summarize", "translate"]
    # only the transcript holds the rest back: speakers, notes or a translation that failed never cost the index
    assert [s.name for s in stages.STAGES if not s.optional] == ["transcribe", "index"]


def test_worker_roles_and_their_cpu_shares_come_from_the_queues():
    assert WORKER_ROLES == config.QUEUES == stages.queue_names()
    budget = thread_budgets(WORKER_ROLES, 8)
    assert budget == {"transcribe": 4, "nlp": 4, "index": 1}


def test_the_task_history_names_tasks_and_queues_from_the_table(tmp_path):
    store = JobStore(tmp_path / "earmark.db")
    try:
        job_id = store.create_job("/x.wav", stages=["transcribe", "summarize", "index"])
        store.add_event("t1", "queued", 1.0, job_id=job_id, stage="summarize")
        store.add_event("t2", "started", 2.0, job_id=job_id, stage="transcribe", detail={"chunk": 3})
        rows = {r["task_id"]: r for r in store.task_rows()}
        assert (rows["t1"]["name"], rows["t1"]["queue"]) == ("earmark.summarize", "nlp")
        assert (rows["t2"]["name"], rows["t2"]["queue"], rows["t2"]["chunk"]) == (
            "earmark.transcribe_chunk", "transcribe", 3)
    finally:
        store.close()


def test_what_a_person_reads_about_a_stage_comes_from_its_declaration():
    from workers.delivery import crash_sentence

    assert [s.name for s in stages.run_again()] == ["diarize", "summarize", "translate"]
    assert {s.again.asks for s in stages.run_again()} == {"speakers", "summary_template", "translate_to"}
    said = crash_sentence("earmark.diarize", "killed", 3)
    assert said.startswith("The speaker engine crashed (killed) 3 times on this recording")
    assert "The transcript is kept without speakers." in said


@pytest.mark.stack
def test_a_sixth_stage_declared_in_a_test_runs_end_to_end_through_the_real_workers(monkeypatch, data_dir, corpus):
    """The table is the one place: a stage declared here (tests/sixth_stage.py: its task,
    its Stage, its storage) runs after transcription in the real workers, is stored, fails
    with its own sentence, and is run again by the one run_stage with the option it asks for."""
    from app.errors import OptionsProblem
    from app.jobs.desk import Desk
    from app.paths import DataDir
    from tests import sixth_stage as sixth
    from tests.helpers import REPO, wait_until
    from workers.celery_app import TEST_TASKS_ENV
    from workers.delivery import crash_sentence

    celery_app.tasks.pop(sixth.TOPICS_TASK.name, None)  # registered by the import: this test's only
    monkeypatch.setitem(celery_app.tasks, sixth.TOPICS_TASK.name, sixth.topics)
    # the app's table and the job store, for this test only; the workers import the module
    at = stages.stage_names().index("index")
    monkeypatch.setattr(stages, "STAGES", (*stages.STAGES[:at], sixth.TOPICS, *stages.STAGES[at:]))
    monkeypatch.setattr(stages, "TASKS", (*stages.TASKS, sixth.TOPICS_TASK))
    monkeypatch.setattr(JobStore, "save_topics", sixth.save_topics, raising=False)
    monkeypatch.setattr(JobStore, "describe_topics", sixth.describe_topics, raising=False)
    monkeypatch.setenv(TEST_TASKS_ENV, "tests.sixth_stage")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    store = JobStore(data_dir / "earmark.db")
    assert contract_problems(sixth.TOPICS, store) == []
    assert crash_sentence("earmark.topics", "killed", 3).startswith(
        "The topic finder crashed (killed) 3 times on this transcript, so Earmark stopped trying. "
        "The transcript is kept without topics.")

    desk = Desk(DataDir(data_dir).ensure(), store=store)
    try:
        desk.open(roles=("transcribe", "index"), wait_workers=True)
        options = desk.job_options(summarize=False)
        assert stages.stages_for(options) == ["transcribe", "topics", "index"]
        [job] = desk.add([corpus / "jfk.flac"], options).jobs
        wait_until(lambda: store.job(job.job_id)["state"] == js.DONE, 180, message="the job with its sixth stage")
        words, template = sixth.topics_of(store, job.job_id)
        assert "country" in words and template == "meeting_minutes"
        history = {(r["name"], r["queue"]) for r in store.task_rows() if r["job_id"] == job.job_id}
        assert ("earmark.topics", "index") in history
        assert store.describe_result("topics", job.job_id) == ", ".join(words)

        with pytest.raises(OptionsProblem):  # the option it asks for is checked by its setting
            desk.run_stage(job.job_id, "topics", summary_template="no-such-template")
        desk.run_stage(job.job_id, "topics", summary_template="chapters")
        wait_until(lambda: (sixth.topics_of(store, job.job_id) or [None, None])[1] == "chapters"
                   and store.job(job.job_id)["state"] == js.DONE, 120, message="the stage run again")
    finally:
        desk.shut()
        store.close()
