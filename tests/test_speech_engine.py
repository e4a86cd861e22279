"""The speech engine on its own (no Celery): the real bundled tiny.en model."""

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
