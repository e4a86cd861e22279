"""Every bad input a person can hand us ends as a clear message, before model time."""

import os

import pytest

from tests.badfiles import make_bad_inputs
from workers.errors import BadMediaError
from workers.media import decode, probe


def test_a_good_file_probes_with_its_duration(corpus):
    info = probe(str(corpus / "jfk.flac"))
    assert info.duration_seconds == pytest.approx(11.0, abs=0.1)
    assert info.audio_codec == "flac"
    audio = decode(info.path, info)
    assert len(audio) / 16000 == pytest.approx(11.0, abs=0.1)


def test_each_bad_input_has_its_own_message(tmp_path, corpus):
    cases = make_bad_inputs(tmp_path / "bad", corpus)
    if os.geteuid() == 0:
        cases.pop("unreadable")  # root reads anything; the CLI test covers it as another user
    messages = {}
    for case, (path, words) in cases.items():
        with pytest.raises(BadMediaError) as caught:
            info = probe(str(path))
            decode(str(path), info)  # truncation shows only when decoding
        message = str(caught.value)
        assert words in message.lower(), f"{case}: {message}"
        assert str(path) in message, f"{case}: the message should name the file: {message}"
        messages[case] = message
    # "not-audio" and "corrupt" share a sentence; the others are each their own
    assert len(set(messages.values())) == len(messages)  # paths differ, so all differ
    distinct = {m.split(":")[0] for m in messages.values()}
    assert len(distinct) >= len(messages) - 1
