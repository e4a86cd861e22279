"""What a job says to a person (its errors and its notices), each sentence declared once:
a stable key and an English template with named values.

Workers and the app's core write the English (the command line, the API, exports and
logs use it as it is) and keep the key and values beside it; the window says the same
in its own language (``app.gui.messages``: the template, translated under the context
"Message" by ``scripts/translations.py``, filled with the same values). A value may be
another ``Said`` (a part's failure inside "the part at …"). Plain data: no Qt, no app."""

from __future__ import annotations

import string
from dataclasses import dataclass, field

_SPEAKER_MODEL_MISSING = ("The speaker model is missing from this installation ({path}). Reinstalling Earmark "
                          "puts it back.")

TEMPLATES: dict[str, str] = {
    # the file (workers.media)
    "file-not-found": "File not found: {path}",
    "cannot-open": "Permission denied: cannot open {path}",
    "cannot-read": "Permission denied: cannot read {path}",
    "folder-not-file": "This is a folder, not a file: {path}",
    "not-regular-file": "Not a regular file (a device, pipe or socket): {path}",
    "empty-file": "The file is empty (0 bytes): {path}",
    "read-failed-now": "The file could not be read right now ({why}): {path}",
    "read-failed": "The file could not be read ({why}): {path}",
    "file-changed": ("This file changed after it was added (its content is no longer what was queued), so it was "
                     "not transcribed. Add it again to transcribe what it holds now: {path}"),
    "text-file": "This is a text file, not a recording: {path}",
    "not-media": "Not a recognised audio or video file, or it is corrupt: {path}",
    "image-file": "This is an image, not a recording: {path}",
    "video-no-audio": "This video has no audio to transcribe: {path}",
    "no-audio": "No audio in this file: {path}",
    "open-failed": "The file could not be opened ({why}): {path}",
    "audio-corrupt": "The audio in this file is corrupt and cannot be decoded: {path}",
    "decode-failed": "The audio could not be decoded ({why}): {path}",
    "no-decodable-audio": "The file holds no decodable audio: {path}",
    "truncated": "The file is truncated: it should last {expected} s but only {decoded} s could be read: {path}",
    # what was heard
    "no-speech": "No speech was found in this recording.",
    "no-words-one": ("No words were recognised in this recording, but 1 speaker could be heard for {seconds} s "
                     "in all (their turns are listed in the transcript and in the JSON export). A larger speech model may "
                     "hear the words: "
                     "download one in Settings › Models (or with 'earmark models'), such as {first} or {second}, "
                     "choose it as the speech model and transcribe the recording again."),
    "no-words": ("No words were recognised in this recording, but {count} speakers could be heard for {seconds} s "
                 "in all (their turns are listed in the transcript and in the JSON export). A larger speech model may "
                 "hear the words: "
                 "download one in Settings › Models (or with 'earmark models'), such as {first} or {second}, "
                 "choose it as the speech model and transcribe the recording again."),
    "other-language": ("{seconds} s of speech sounds like {language}, which {model} (English only) cannot "
                       "transcribe; choose the speech model '{multilingual}' (multilingual, bundled) to transcribe "
                       "it."),
    # time limits
    "transcribe-time-limit": "Transcription took longer than the time limit and was stopped.",
    "translate-time-limit": "The translation took longer than the time limit and was stopped.",
    "summary-time-limit": "The summary took longer than the time limit and was stopped.",
    "speakers-time-limit": "Finding the speakers took longer than the time limit and was stopped.",
    "part-audio-gone": ("The audio of this part is no longer in the queue (it waited more than a day); retry the "
                        "job to send it again."),
    # models
    "speech-model-unloadable": "The speech model at {path} could not be loaded: {why}",
    "english-only-language": ("The model {model} understands English only; choose a multilingual model (such as "
                              "'base') for '{language}'."),
    "english-only-translate": ("Translating speech to English needs a multilingual speech model; {model} is "
                               "English-only. Choose 'base' in the settings."),
    "bundled-speech-missing": "The bundled speech model is missing: reinstall Earmark (package {package}).",
    "multilingual-missing": ("The multilingual speech model is missing: reinstall Earmark (package {package}), or "
                             "choose a model folder in the settings."),
    "multilingual-incomplete": "The multilingual speech model is incomplete: reinstall Earmark (packages {packages}).",
    "speech-folder-not-found": "Speech model folder not found: {path}",
    "not-whisper-folder": "Not a faster-whisper model folder (missing {missing}): {path}",
    "unknown-speech-model": ("Unknown speech model '{name}': choose the bundled model, a local model folder, or one "
                             "of {known}."),
    "speech-model-not-here": ("Speech model '{name}' is not on this machine and could not be downloaded by a "
                              "worker: download it first in Settings › Models or with 'earmark models download "
                              "{name}', or use the bundled model or a local model folder."),
    "summary-model-not-downloaded": ("The summary model '{name}' is not downloaded: download it in Settings › "
                                     "Models or with 'earmark models download {name}'."),
    "summary-model-not-found": "Summary model file not found: {path}",
    "summary-model-unloadable": "The summary model {path} could not be loaded: {why}",
    "bundled-summary-missing": ("The bundled summary model is missing: reinstall Earmark (package {package}), or "
                                "choose a GGUF file in the settings."),
    "no-gguf-in-package": "No GGUF file in the package {package}; choose one in the settings.",
    "cpu-code-unloadable": "The summary engine's CPU code {name} could not be loaded.",
    "cpu-code-unavailable": ("The summary engine cannot run on this computer: every build of its CPU code stopped "
                             "with an error ({tried}). Reinstall Earmark with the README's install command, which "
                             "builds a portable engine."),
    "speaker-model-missing": _SPEAKER_MODEL_MISSING,
    "template-no-sections": ("This summary template has no sections: give each one a '## Heading' line followed by "
                             "its instruction."),
    "unknown-summary-engine": "Unknown summary engine '{name}' (choose {choices}).",
    "no-language": "Choose a language to translate into.",
    "no-template": "No summary template named '{name}' (have: {have})",
    # a link (app.jobs.links)
    "link-failed": "Could not download {url}: {why}.",
    "link-empty": "Could not download {url}: there is no recording there.",
    "link-nothing-saved": "Could not download {url}: nothing was saved.",
    "link-cancelled": "The download of {url} was cancelled.",
    "link-cut-off": "The download of {url} stopped when Earmark did; add the link again.",
    # before a translation is relied on (workers.engines.llm.translation_caution)
    "weak-text-translation": ("The bundled translation model (SmolLM2-135M) scored {score} of 100 on Earmark's test "
                              "translation, below the {floor} a usable translation needs: expect wrong and "
                              "untranslated sentences. Whisper 'base' turning speech into English scored no better "
                              "({base_score}); a larger summary model (Settings › Models) is the way to a better "
                              "translation, though none has been scored yet."),
    "weak-speech-translation": ("Whisper '{model}' scored {score} of 100 translating speech to English on Earmark's "
                                "test recording, below the {floor} a usable translation needs: expect missing and "
                                "wrong sentences. A larger multilingual speech model (Settings › Models: small or "
                                "medium) is the way to a better translation, though none has been scored yet."),
    # the queue, the workers, helpers
    "engine-crashed": ("{engine} crashed ({cause}) {times} on {works_on}, so Earmark stopped trying.{kept}{hint} "
                       "The other files are not affected."),
    "untrusted-task": ("This task was not sent by the Earmark this worker serves, so it was refused and nothing "
                       "was run."),
    "refused-result": ("The result for this part does not fit what was asked ({what}), so it was refused and "
                       "nothing of it was kept. Retry the job; if a helper sent it, remove that helper."),
    "part-failed": "{why} (the part at {where}; the other parts are kept)",
    "unexpected": "Unexpected error ({kind}): {why}",
    "stages-cancelled": "{stages} cancelled; the transcript is done.",
}

# Values a sentence always carries besides those its English names, for a language that words
# it otherwise ("3-mal" where English says "3 times").
ALSO: dict[str, tuple[str, ...]] = {"engine-crashed": ("count",), "stages-cancelled": ("names",)}


def value_names(key: str) -> set[str]:
    """The values a sentence of *key* always has (its template's, and ``ALSO``'s)."""
    return {name for _, name, _, _ in string.Formatter().parse(TEMPLATES[key]) if name} | set(ALSO.get(key, ()))


@dataclass(frozen=True)
class Said:
    """One sentence of the catalogue: its key and the values that fill it in."""

    key: str
    values: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        """In English."""
        return TEMPLATES[self.key].format(**{k: str(v) for k, v in self.values.items()})

    def __str__(self) -> str:
        return self.text

    def plain(self) -> dict:
        """As JSON keeps it: {"key": …, "values": {…}} (a Said among the values likewise)."""
        return {"key": self.key, "values": {k: v.plain() if isinstance(v, Said) else v for k, v in self.values.items()}}


def say(key: str, **values) -> Said:
    if key not in TEMPLATES:
        raise KeyError(f"no message {key!r} in workers.messages.TEMPLATES")
    missing = value_names(key) - set(values)
    if missing:
        raise KeyError(f"the message {key!r} needs {', '.join(sorted(missing))}")
    return Said(key, values)


NESTING = 3  # a sentence inside a sentence ("the part at … failed: <its own>"), and room to spare


def said_from(plain, depth: int = 0) -> Said | None:
    """A ``Said`` from what JSON kept (``Said.plain``), or None for anything else (an
    unknown key, a value of another shape, sentences nested deeper than ``NESTING``: a row
    from an older Earmark, a helper's)."""
    if (depth > NESTING or not isinstance(plain, dict) or plain.get("key") not in TEMPLATES
            or not isinstance(plain.get("values"), dict)):
        return None
    values = {}
    for name, value in plain["values"].items():
        if isinstance(value, dict):
            value = said_from(value, depth + 1)
            if value is None:
                return None
        elif not isinstance(value, (str, int, float)) or isinstance(value, bool):
            return None
        values[str(name)] = value
    said = Said(plain["key"], values)
    try:
        said.text  # noqa: B018  (its values fill its template)
    except (KeyError, IndexError, ValueError):
        return None
    return said


def note(result: dict, said: Said) -> None:
    """Add *said* to a stage result's ``notes`` (the English, which the command line, the API
    and the exports read) and to its ``noted`` (English → key and values, for the window)."""
    result.setdefault("notes", []).append(said.text)
    result.setdefault("noted", {})[said.text] = said.plain()


def notes_of(result: dict) -> list[Said | str]:
    """A stage result's notes, each as its ``Said`` where ``noted`` keeps it, else its English."""
    noted = result.get("noted") if isinstance(result.get("noted"), dict) else {}
    return [said_from(noted.get(text)) or text for text in result.get("notes") or ()]
