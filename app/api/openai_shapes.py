"""What OpenAI's audio endpoints return, made from a stored transcript: ``json``,
``text`` and ``verbose_json`` (words, segments, duration as OpenAI's clients parse them).
``srt`` and ``vtt`` are the desk's exports."""

from __future__ import annotations

# OpenAI's verbose_json names the language in English words; the codes Whisper
# detects most often, the rest as their code.
LANGUAGE_NAMES = {
    "en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian", "pt": "portuguese",
    "nl": "dutch", "pl": "polish", "ru": "russian", "uk": "ukrainian", "tr": "turkish", "sv": "swedish",
    "da": "danish", "no": "norwegian", "fi": "finnish", "cs": "czech", "el": "greek", "hu": "hungarian",
    "ro": "romanian", "ar": "arabic", "he": "hebrew", "hi": "hindi", "ja": "japanese", "ko": "korean",
    "zh": "chinese", "vi": "vietnamese", "th": "thai", "id": "indonesian", "ca": "catalan",
}
FORMATS = ("json", "text", "srt", "verbose_json", "vtt")
GRANULARITIES = ("word", "segment")


def language_name(code: str | None) -> str:
    return LANGUAGE_NAMES.get((code or "").lower(), code or "")


def segments_of(transcript: dict) -> list[dict]:
    """OpenAI's segment objects; a speaker (the ``speakers`` extension) when one was found.
    Whisper's confidence (``avg_logprob``, ``compression_ratio``, ``no_speech_prob``,
    ``temperature``) is the recogniser's own; where the transcript has none (a segment a
    person edited, one transcribed before it was kept, a gap's marker) it is null, never a
    made-up value: OpenAI's 0.0 would say the recogniser was sure."""
    out = []
    for n, seg in enumerate(transcript["segments"]):
        item = {"id": n, "seek": 0, "start": seg["start"], "end": seg["end"], "text": seg["text"], "tokens": [],
                **{name: seg.get(name) for name in ("temperature", "avg_logprob", "compression_ratio",
                                                    "no_speech_prob")}}
        if seg.get("speaker"):
            item["speaker"] = seg["speaker"]
        out.append(item)
    return out


def words_of(transcript: dict) -> list[dict]:
    return [{"word": w["word"].strip(), "start": w["start"], "end": w["end"]}
            for seg in transcript["segments"] for w in seg.get("words") or ()]


def verbose(transcript: dict, task: str, granularities: list[str]) -> dict:
    """``verbose_json``: segments unless only words were asked for (as OpenAI does)."""
    body = {"task": task, "language": language_name(transcript.get("language")),
            "duration": transcript.get("duration") or (transcript["segments"][-1]["end"]
                                                       if transcript["segments"] else 0.0),
            "text": transcript["text"]}
    wanted = set(granularities) or {"segment"}
    if "word" in wanted:
        body["words"] = words_of(transcript)
    if "segment" in wanted:
        body["segments"] = segments_of(transcript)
    return body
