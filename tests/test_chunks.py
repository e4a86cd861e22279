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
