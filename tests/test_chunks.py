"""Where a long file is cut, what a chunk's transcript missed, and the join."""

import json

from app.jobs.chunkflow import join
from workers.engines.chunks import plan, uncovered, within


def test_a_short_file_is_one_chunk():
    assert plan([(0.5, 50.0)], 60.0, target=300) == [(0.0, 60.0)]


def test_cuts_fall_in_the_middle_of_the_longest_silence_near_the_target():
    # speech with pauses; the long pause 95-99 s is the one near the 100 s target
    regions = [(0, 40), (41, 80), (80.5, 95), (99, 150), (150.4, 205), (210, 260), (261, 330)]
    chunks = plan(regions, 330.0, target=100)
    assert chunks[0] == (0.0, 97.0)
    assert chunks[1][1] == 207.5  # the 205-210 pause, not a hard cut at 197
    assert chunks[-1][1] == 330.0
    # contiguous, so nothing between two chunks is lost
    assert all(a[1] == b[0] for a, b in zip(chunks, chunks[1:]))
    for start, end in chunks[:-1]:
        assert not any(s < end < e for s, e in regions), "a cut inside speech"


def test_speech_without_any_pause_is_still_cut_and_covered():
    chunks = plan([(0.0, 1000.0)], 1000.0, target=300)
    assert chunks[0] == (0.0, 300.0) and chunks[-1][1] == 1000.0
    assert sum(e - s for s, e in chunks) == 1000.0


def test_speech_that_no_segment_covers_is_reported():
    regions = [(0.0, 10.0), (12.0, 40.0), (41.0, 42.0)]
    segments = [{"start": 0.0, "end": 9.5, "text": "hello there"},
                {"start": 12.0, "end": 15.0, "text": "and then"}]  # 12-40 mostly skipped
    assert uncovered(regions, segments) == [(12.0, 40.0)]  # the 1 s blip is too short to count
    assert uncovered(regions, segments + [{"start": 15.0, "end": 39.0, "text": "more words"}]) == []
    assert within(regions, 5.0, 20.0) == [(5.0, 10.0), (12.0, 20.0)]


def test_the_join_keeps_times_increasing_and_takes_the_main_language():
    def chunk(idx, start, end, language, segments):
        result = {"language": language, "model": "tiny.en", "segments": segments, "rerun": [], "gaps": []}
        return {"idx": idx, "start": start, "end": end, "result": json.dumps(result)}

    joined = join([
        chunk(1, 100.0, 160.0, "en", [{"start": 100.8, "end": 104.0, "text": "second part"}]),
        chunk(0, 0.0, 100.0, "en", [{"start": 0.5, "end": 50.0, "text": "first"},
                                    {"start": 50.0, "end": 101.0, "text": "runs past the cut"}]),
        chunk(2, 160.0, 170.0, "de", [{"start": 161.0, "end": 165.0, "text": "kurz"}]),
    ])
    starts = [s["start"] for s in joined["segments"]]
    assert starts == sorted(starts)
    assert all(a["end"] <= b["start"] for a, b in zip(joined["segments"], joined["segments"][1:]))
    assert joined["text"] == "first runs past the cut second part kurz"
    assert joined["language"] == "en" and joined["chunks"] == 3 and joined["duration"] == 170.0


def test_a_segment_stretched_over_words_it_lost_is_thin_and_transcribed_again(corpus):
    """After a whole-group kill a re-run once stored a segment that spanned a sentence it
    did not hold, so its time looked covered. Coverage counts words per second of speech:
    the thin passage is transcribed again and the lost words come back."""
    from tests.helpers import normalize
    from workers.engines.chunks import sparse, speech_regions
    from workers.engines.speech import SpeechEngine, TranscribeOptions
    from workers.media import decode, probe

    path = str(corpus / "meeting1_product_sync.mp3")
    audio = decode(path, probe(path))
    regions = speech_regions(audio)
    options = TranscribeOptions()
    engine = SpeechEngine.get(options)
    real = engine.transcribe_samples(audio, options, regions=regions, batched=False)
    assert not sparse(regions, real["segments"])  # a good transcript has no thin passage
    # the longest segment keeps only its first two words, as the damaged re-run did
    victim = max(real["segments"], key=lambda s: len(s["text"].split()))
    lost = victim["text"]
    damaged = dict(real, segments=[dict(s, text=" ".join(s["text"].split()[:2])) if s is victim else dict(s)
                                   for s in real["segments"]])
    thin = sparse(regions, damaged["segments"])
    assert thin and any(a <= victim["start"] + 0.5 and victim["end"] - 0.5 <= b for a, b in thin), thin
    engine.check_coverage(audio, damaged, options, regions=regions)
    text = normalize(" ".join(s["text"] for s in damaged["segments"]))
    back = [w for w in normalize(lost).split()[2:] if w in text.split()]
    assert len(back) >= 0.8 * len(normalize(lost).split()[2:]), (lost, text)
    assert any(r.get("sparse") and r["found"] for r in damaged["rerun"])


def test_speech_found_from_kept_probabilities_is_what_silero_finds(corpus):
    """The plan runs Silero once and keeps its probabilities; speech read from them is
    the speech Silero finds itself, and split over two threads it differs by a few windows."""
    from workers.engines.chunks import speech_regions
    from workers.engines.voice_activity import probabilities
    from workers.media import decode, probe

    path = str(corpus / "meeting2_incident_review.mp3")
    audio = decode(path, probe(path))
    heard = speech_regions(audio)
    assert heard and speech_regions(audio, probs=probabilities(audio)) == heard
    halves = speech_regions(audio, probs=probabilities(audio, parts=2))
    assert len(halves) == len(heard)
    assert max(max(abs(a - c), abs(b - d)) for (a, b), (c, d) in zip(heard, halves)) < 0.5


def test_the_pipelines_vad_reads_the_kept_probabilities_and_runs_silero_for_other_audio(corpus):
    """Inside ``known`` faster-whisper's own VAD call (the batched pipeline's, with its
    thresholds) reads the kept probabilities from the chunk's offset on; audio they do not
    cover goes to Silero. Probabilities of silence make speech vanish: proof they were read."""
    import numpy as np
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    from workers.engines.voice_activity import WINDOW, known, probabilities
    from workers.media import decode, probe

    path = str(corpus / "meeting1_product_sync.mp3")
    audio = decode(path, probe(path))
    pipeline = VadOptions(max_speech_duration_s=30, min_silence_duration_ms=160)
    probs = probabilities(audio)
    start = 40 * WINDOW * 10  # a chunk that starts 12.8 s in
    piece = audio[start:]
    with known(probs[start // WINDOW:]):
        from_kept = {(s["start"] + start, s["end"] + start) for s in get_speech_timestamps(piece, pipeline)}
    whole = {(s["start"], s["end"]) for s in get_speech_timestamps(audio, pipeline) if s["start"] > start + 16000}
    assert len(whole) > 3 and len(whole & from_kept) >= len(whole) - 1  # the same speech, the same samples
    with known(np.zeros_like(probs)):
        assert get_speech_timestamps(audio, pipeline) == []
    with known(probs[:10]):  # a few windows: not this audio's, so Silero hears it
        assert len(get_speech_timestamps(audio, pipeline)) > 3
