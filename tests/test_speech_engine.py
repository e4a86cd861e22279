"""The speech engine on its own (no Celery): the real bundled tiny.en model."""

import os

import pytest

from tests.helpers import reference, wer
from workers.engines.speech import SpeechEngine, TranscribeOptions
from workers.engines.speech_models import resolve_model
from workers.errors import ModelError
from workers.media import probe


def test_bundled_model_transcribes_jfk_with_progress(corpus):
    engine = SpeechEngine.get(TranscribeOptions())
    assert SpeechEngine.get(TranscribeOptions()) is engine  # loaded once, reused
    seen = []
    result = engine.transcribe(probe(str(corpus / "jfk.flac")), TranscribeOptions(),
                               on_progress=lambda done, total: seen.append((done, total)))
    assert wer(reference("jfk"), result["text"]) <= 0.05
    assert result["language"] == "en" and result["model"] == "tiny.en"
    assert result["duration"] == pytest.approx(11.0, abs=0.1)
    starts = [s["start"] for s in result["segments"]]
    assert starts == sorted(starts) and all(s["end"] >= s["start"] for s in result["segments"])
    assert seen[-1] == (pytest.approx(11.0, abs=0.1),) * 2
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_progress_moves_while_the_batched_pipeline_runs_a_batch(corpus):
    """An 81-second meeting is one batch of windows for the batched pipeline, which says
    nothing until it is all done; progress must still move (issue 14: "working…" with no
    percentage), never go back, and end at 100 %."""
    import threading
    import time

    engine = SpeechEngine.get(TranscribeOptions())
    info = probe(str(corpus / "meeting1_product_sync.mp3"))
    assert engine.use_batched(TranscribeOptions(), info.duration_seconds)
    seen, started = [], time.monotonic()
    lock = threading.Lock()

    def record(done, total):
        with lock:
            seen.append((time.monotonic() - started, done / total))

    result = engine.transcribe(info, TranscribeOptions(), on_progress=record)
    assert result["batched"] and result["segments"]
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    moving = [t for t, f in seen if 0.0 < f < 1.0]
    # it moved while the batch ran, not in a burst of the batch's segments at its end
    assert len(moving) >= 3 and moving[0] < seen[-1][0] - 1.0, seen


def test_word_timestamps_when_asked(corpus):
    options = TranscribeOptions(word_timestamps=True)
    result = SpeechEngine.get(options).transcribe(probe(str(corpus / "jfk.flac")), options)
    words = [w for s in result["segments"] for w in s["words"]]
    assert len(words) >= 20 and all(w["end"] >= w["start"] for w in words)


def test_missing_models_fail_with_clear_messages(tmp_path, monkeypatch):
    with pytest.raises(ModelError, match="folder not found"):
        resolve_model(str(tmp_path / "no-such-model"))
    (tmp_path / "half").mkdir()
    with pytest.raises(ModelError, match="missing model.bin"):
        resolve_model(str(tmp_path / "half"))
    with pytest.raises(ModelError, match="Unknown speech model 'tiny-pirate'"):
        resolve_model("tiny-pirate")
    # No network is faked here (HF_HUB_OFFLINE): a real download cannot run in tests.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelError, match="not on this machine and could not be downloaded"):
        resolve_model("small")


def test_english_only_model_refuses_another_language(corpus):
    options = TranscribeOptions(language="de")
    with pytest.raises(ModelError, match="English only"):
        SpeechEngine.get(options).transcribe(probe(str(corpus / "jfk.flac")), options)


def test_a_long_stretch_runs_in_parts_side_by_side_and_says_the_same(corpus, tmp_path):
    """Batched, a long stretch is cut at a silence into parts that run at once, one per
    stream (bench/bench_long.py: 0.89x the direct pipeline's time, warm). The parts must
    be cut where nobody speaks, hear the meetings as well as the single call (WER against
    the reference within a point: the pipeline's 30-second windows near the cut are grouped
    differently, so a few words differ), keep segments in time order and report progress
    forward to the end."""
    from tests.long_audio import long_file, long_reference
    from workers.engines.chunks import speech_regions
    from workers.engines.voice_activity import probabilities
    from workers.media import SAMPLE_RATE, decode

    options = TranscribeOptions()
    engine = SpeechEngine.get(options)
    path = long_file(tmp_path / "meetings.wav")
    audio = decode(str(path), probe(str(path)))
    probs = probabilities(audio)
    regions = speech_regions(audio, probs=probs)
    parts = engine._parts(audio, 0.0, regions, probs)
    assert len(parts) == 2 and parts[0][0] == 0 and parts[-1][1] == len(audio)
    for (_, cut), (following, _) in zip(parts, parts[1:]):
        assert cut == following
        assert not any(a < cut / SAMPLE_RATE < b for a, b in regions)  # in a silence
    seen = []
    together = engine.transcribe_samples(audio, options, batched=True, regions=regions, speech_probs=probs,
                                         on_progress=lambda done, total: seen.append(done / total))
    alone = engine.transcribe_samples(audio, options, batched=True, regions=regions, speech_probs=probs,
                                      in_parts=False)
    text = lambda r: " ".join(s["text"] for s in r["segments"])  # noqa: E731
    assert wer(long_reference(), text(together)) <= wer(long_reference(), text(alone)) + 0.01
    starts = [s["start"] for s in together["segments"]]
    assert starts == sorted(starts) and together["duration"] == pytest.approx(len(audio) / SAMPLE_RATE, abs=0.01)
    assert seen == sorted(seen) and seen[-1] == 1.0
    # The same parts whatever the worker's threads: a worker with one thread (the window's,
    # beside the summary model; a small helper) runs them side by side on a thread each (one
    # after the other on a one-core machine) and writes the same text, so a file reads the same
    # whichever worker took it (a live recording's final transcript is compared byte for byte
    # with the file's).
    one_thread = TranscribeOptions(cpu_threads=1)
    single = SpeechEngine.get(one_thread)
    assert single.cpu_threads == 1 and single.streams == (2 if (os.cpu_count() or 1) >= 2 else 1)
    try:
        assert single.transcribe_samples(audio, one_thread, batched=True, regions=regions,
                                         speech_probs=probs)["segments"] == together["segments"]
    finally:
        SpeechEngine.get(options)  # the usual engine back for the tests after


def test_a_soft_time_limit_stops_the_parts_side_by_side(corpus, tmp_path):
    """Celery's soft time limit is a signal (billiard's SIGUSR1) whose handler raises in the
    task's thread, which waits for the parts: the parts must stop at their next window, not run
    on to the end of the stretch (they did: the limit's sentence came only after all of it, or
    the hard limit killed the process first, model and all). One window a batch, so a part has
    a next window to stop at."""
    import signal
    import threading

    from billiard.exceptions import SoftTimeLimitExceeded

    from tests.long_audio import long_file
    from workers.media import decode

    options = TranscribeOptions(batch_size=1)
    engine = SpeechEngine.get(options)
    if engine.streams < 2:
        pytest.skip("one core: nothing to run side by side")
    path = long_file(tmp_path / "meetings.wav")
    audio = decode(str(path), probe(str(path)))
    seen, main = [], threading.main_thread().ident

    def progress(done: float, total: float) -> None:
        seen.append(done / total)
        if len(seen) == 1:  # the first progress: the parts are under way; the limit comes
            signal.pthread_kill(main, signal.SIGUSR1)

    def limit(*_):
        raise SoftTimeLimitExceeded()

    before = signal.signal(signal.SIGUSR1, limit)
    try:
        with pytest.raises(SoftTimeLimitExceeded):
            engine.transcribe_samples(audio, options, batched=True, on_progress=progress)
    finally:
        signal.signal(signal.SIGUSR1, before)
    print(f"progress when the parts stopped: {max(seen):.2f}")
    assert seen and max(seen) < 0.6, seen[-5:]  # each part stopped within a window or two of the limit
