"""The live parts that need neither a sound server nor a stack: the durable recording's
pieces and what a crash leaves, and the LocalAgreement-2 policy on word hypotheses."""

from __future__ import annotations

import os
import wave

from app.live.recording import BYTES_PER_SECOND, PIECE_SECONDS, Recording, level, unfinished
from app.paths import DataDir
from workers.engines.streaming import Agreement, LiveTranscriber, Word


def test_a_recording_is_on_disk_in_pieces_as_it_comes_and_unfinished_once_let_go(tmp_path):
    data = DataDir(tmp_path).ensure()
    recording = Recording.start(data, "mic", {"model": "bundled"})
    block = bytes(range(256)) * (BYTES_PER_SECOND // 256 // 10)  # 0.1 s
    for _ in range(25):
        recording.write(block)
    pieces = recording.pieces()
    assert len(pieces) == int(2.5 / PIECE_SECONDS)  # the half-filled piece is the only part not on disk
    assert all(p.stat().st_size == BYTES_PER_SECOND * PIECE_SECONDS for p in pieces)
    assert oct(recording.folder.stat().st_mode & 0o777) == "0o700"
    assert list(unfinished(data)) == [], "one being recorded is left alone"
    recording.close()  # as a kill leaves it: nobody holds the lock
    (found,) = list(unfinished(data))
    assert found.manifest["device"] == "mic" and found.manifest["options"] == {"model": "bundled"}
    wav = found.join()
    with wave.open(str(wav)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getnframes()) == (16000, 1, 2 * 16000)
    assert found.pieces() == [] and wav.parent == data.root / "recordings"
    found.done()
    assert not found.folder.exists() and wav.exists()
    assert list(unfinished(data)) == []


def test_finish_keeps_the_last_part_piece(tmp_path):
    recording = Recording.start(DataDir(tmp_path).ensure(), "mic", {})
    recording.write(b"\x01\x00" * int(1.5 * 16000))
    wav = recording.finish()
    with wave.open(str(wav)) as w:
        assert w.getnframes() == int(1.5 * 16000)
    recording.close()
    assert os.path.exists(wav)


def test_level_is_the_loudness_in_dbfs():
    assert level(b"\x00\x00" * 100) == -90.0
    assert abs(level((b"\xff\x7f" + b"\x01\x80") * 100) - 0.0) < 0.01  # full scale
    assert -7 < level((b"\x00\x40" + b"\x00\xc0") * 100) < -5  # half scale: -6 dB


def words(*spec):
    return [Word(a, b, t) for a, b, t in spec]


def test_local_agreement_makes_final_only_what_two_passes_agree_on():
    policy = Agreement()
    assert policy.agree(words((0, .5, " Good"), (.5, 1, " morning"))) == []  # one pass: nothing final
    final = policy.agree(words((0, .5, " good"), (.5, 1, " morning,"), (1, 1.4, " every")))
    assert [w.text for w in final] == [" good", " morning,"]  # case and punctuation do not disagree
    # the next pass repeats the final words at its start and changes its mind about the rest
    assert policy.agree(words((.5, 1, " morning"), (1, 1.5, " everyone"), (1.5, 2, " thanks"))) == []
    final = policy.agree(words((1, 1.5, " everyone."), (1.5, 2, " thanks"), (2, 2.5, " for")))
    assert [w.text for w in final] == [" everyone.", " thanks"]
    assert policy.last_final_end == 2


def test_lines_end_at_sentences_and_the_rest_at_the_finish():
    live = LiveTranscriber.__new__(LiveTranscriber)  # only its line making: no model
    live.final, live._line_from = words((0, 1, " Hello"), (1, 2, " there."), (2, 3, " And")), 0
    assert [(line.start, line.end, line.text) for line in live._lines(force=False)] == [(0, 2, "Hello there.")]
    assert live._lines(force=False) == []
    assert [line.text for line in live._lines(force=True)] == ["And"]


def test_a_long_buffer_whose_passes_never_agree_keeps_its_words_when_it_is_cut():
    import numpy as np

    live = LiveTranscriber.__new__(LiveTranscriber)  # only its trimming: no model
    live.buffer, live.offset, live.final, live._line_from = np.zeros(21 * 16000, np.float32), 0.0, [], 0
    live.agreement = Agreement()
    live.agreement.agree(words((0, 1, " one"), (5, 6, " two"), (15, 16, " three")))  # one pass: nothing final
    live._trim()
    assert [w.text for w in live.final] == [" one", " two"]  # the first part's words, not its sound, go
    assert live.offset == 6 and len(live.buffer) == 15 * 16000
    assert [w.text for w in live.agreement.previous] == [" three"]


def test_words_heard_again_after_a_cut_are_not_final_twice():
    policy = Agreement()
    policy.agree(words((88.9, 89.3, " Thank"), (89.3, 89.9, " you.")))
    policy.agree(words((88.9, 89.3, " Thank"), (89.3, 89.9, " you.")))  # final; then the buffer is cut at 89.9
    assert policy.agree(words((89.85, 90.2, " Thank"), (90.2, 90.6, " you."))) == []
    assert policy.agree(words((89.85, 90.2, " Thank"), (90.2, 90.6, " you."))) == []


def test_a_pass_reads_the_buffer_once_and_silence_costs_no_pass():
    """The real bundled model on jfk, half a second at a time: each pass runs the encoder
    once (faster-whisper would read the buffer's end after the last word again: a second
    encoder run in about half the passes); once every word is final, silence costs no pass."""
    import numpy as np

    from tests.helpers import CORPUS, reference, wer
    from workers.engines.speech import TranscribeOptions
    from workers.media import SAMPLE_RATE, decode, probe

    source = str(CORPUS / "jfk.flac")
    speech = decode(source, probe(source))
    live = LiveTranscriber(TranscribeOptions.from_dict({"model": "bundled", "language": "en", "word_timestamps": True}))
    model, encoded = live.engine.model, []
    real_encode = model.encode
    model.encode = lambda *a, **k: encoded.append(1) or real_encode(*a, **k)  # counts, the real encoder runs
    try:
        lines = []
        half = SAMPLE_RATE // 2
        for sound in [speech[i:i + half] for i in range(0, len(speech), half)] + [np.zeros(half, np.float32)] * 2:
            live.feed(sound)
            if live.ready():
                lines += live.step()
        assert live.passes >= 15 and len(encoded) == live.passes
        assert live.agreement.previous == [], "every word is final"
        assert wer(reference("jfk"), " ".join(line.text for line in lines)) <= 0.1
        passes = live.passes
        for _ in range(6):  # three seconds of silence
            live.feed(np.zeros(half, np.float32))
            if live.ready():
                assert live.step() == []
        assert live.passes == passes and live.skipped >= 6, "silence is not transcribed"
        assert live.finish() == [] and live.passes == passes
    finally:
        model.encode = real_encode
