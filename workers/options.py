"""The options that travel with every task, declared once: key (with its unit), type,
default, title, the group the settings dialog shows them in, and the check a value must
pass (the settings dialog, the command line's arguments, the front desk and the settings
file's loader all ask it: ``app.settings.problem_with``).

Workers read their defaults from here (``default(key)``) and the app's settings
(``app.settings``) are these plus the window's own. Plain data: no Qt, no app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

SPEECH, SUMMARIES, EXPORT, HELPERS, ADVANCED = "Speech", "Summaries", "Export", "Helpers", "Advanced"
WATCH = "Watch folder"
API = "API"  # the window's local API (other programs as users)
GROUPS = (SPEECH, SUMMARIES, EXPORT, WATCH, HELPERS, API, ADVANCED)  # the settings dialog's pages, in order


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    title: str
    choices: tuple = ()
    many: bool = False  # a comma-separated list of the choices
    group: str = ADVANCED
    pick: str = ""  # how the dialog lets a person choose: folder, file (a GGUF), model folder, template
    # What is wrong with a value of the right type, in words after the title (None: nothing).
    # Only the value's form: whether a folder or file is there is the pick's to say, at use.
    check: Callable[[Any], str | None] | None = None


def between(low: float, high: float, *, above: bool = False) -> Callable[[Any], str | None]:
    """A check: the value lies from *low* (or, with *above*, just above it) up to *high*."""
    def check(value) -> str | None:
        fits = (low < value if above else low <= value) and value <= high
        return None if fits else f"a value between {low:g} and {high:g}."
    return check


def speaker_count(value) -> str | None:
    """off, auto, a number or a range: ``SpeakerCount.parse`` says what else is wrong."""
    if str(value).strip().lower() in ("", "off"):
        return None
    from workers.engines.voices import SpeakerCount

    try:
        SpeakerCount.parse(value)
    except ValueError as exc:
        return str(exc)
    return None


# The languages Whisper knows, by the codes faster-whisper takes (its tokenizer's list:
# tests/test_settings.py keeps them equal; importing it here would load the engine).
SPEECH_LANGUAGES = frozenset(
    "af am ar as az ba be bg bn bo br bs ca cs cy da de el en es et eu fa fi fo fr gl gu ha haw he hi hr ht hu hy "
    "id is it ja jw ka kk km kn ko la lb ln lo lt lv mg mi mk ml mn mr ms mt my ne nl nn no oc pa pl ps pt ro ru "
    "sa sd si sk sl sn so sq sr su sv sw ta te tg th tk tl tr tt uk ur uz vi yi yo zh yue".split())


def speech_language(value) -> str | None:
    """empty (detect) or a code Whisper knows: anything else failed in the worker as an
    "Unexpected error (ValueError)", or as "tiny.en understands English only" for 'xx'."""
    code = str(value).strip()
    if not code or code in SPEECH_LANGUAGES:
        return None
    return f"a language code such as en, de or fr, not {code!r}."


# The languages a translation goes into, by code and English name: the list the window offers
# (Settings, Jobs › Translate…), and what the command line and the API accept.
TRANSLATION_LANGUAGES = {
    "ar": "Arabic", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek", "en": "English",
    "es": "Spanish", "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian",
    "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "no": "Norwegian",
    "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sv": "Swedish", "th": "Thai",
    "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}


def translation_language(value) -> str | None:
    """empty (no translation) or a language of the list, by its code or English name:
    anything else was asked of the model as written ("Translate this sentence into Xx")."""
    text = str(value).strip().lower()
    if not text or text in TRANSLATION_LANGUAGES or text in (n.lower() for n in TRANSLATION_LANGUAGES.values()):
        return None
    return f"a language such as de, fr or German ({', '.join(TRANSLATION_LANGUAGES)}), not {str(value).strip()!r}."


JOB_OPTIONS = (
    Setting("model", str, "bundled", "Speech model: bundled (tiny.en, English), base (bundled, multilingual), "
                                     "a model folder, or a name", group=SPEECH, pick="speech model"),
    Setting("language", str, "", "Language of the speech (empty: detect)", group=SPEECH, check=speech_language),
    Setting("task", str, "transcribe", "Speech: transcribe as spoken, or translate to English "
                                       "(needs a multilingual model such as base)", ("transcribe", "translate"),
            group=SPEECH),
    Setting("beam_size", int, 5, "Beam size (5 keeps long files accurate)", group=SPEECH, check=between(1, 20)),
    Setting("temperature", float, 0.0, "Speech sampling temperature (0: the most likely words, raised step by "
                                       "step only where a passage comes out garbled; 0.1-1: sample at it)",
            group=ADVANCED, check=between(0, 1)),
    Setting("vad_filter", bool, True, "Skip silence with voice activity detection", group=SPEECH),
    Setting("word_timestamps", bool, False, "Keep a timestamp for every word", group=SPEECH),
    Setting("speakers", str, "off", "Who spoke when: off, auto, a number of speakers, or a range such as 2-4",
            group=SPEECH, check=speaker_count),
    Setting("speaker_match", float, 0.65, "Recognise a remembered voice from this similarity (0-1; higher: "
                                          "fewer names, fewer mistakes)", group=ADVANCED,
            check=between(0, 1, above=True)),
    Setting("hotwords", str, "", "Words to expect: names and terms the model should spell as you do "
                                 "(e.g. ComfyUI, Kubernetes; empty: none)", group=SPEECH),
    Setting("cpu_threads", int, 0, "CPU threads for speech (0: all cores)", group=ADVANCED),
    Setting("batched", bool, True, "Batched inference on recordings over a minute (about 1.4× faster, a little "
                                   "less accurate; progress between batches is estimated)", group=SPEECH),
    Setting("chunk_from_minutes", float, 15.0, "Transcribe recordings at least this long in chunks "
                                               "(resumable, paused and resumed at will), minutes", group=ADVANCED),
    Setting("chunk_minutes", float, 0.0, "Length of a chunk, minutes (0: about 5)", group=ADVANCED),
    Setting("summarize", bool, True, "Write notes for each transcript (grounded: every line was said)",
            group=SUMMARIES),
    Setting("summary_engine", str, "grounded", "Notes: grounded (the sentences said, linked to their time; "
            "no model, invents nothing), grounded+llm (the summary model condenses them, checked against the "
            "recording), llm (the model writes freely: may invent)", choices=("grounded", "grounded+llm", "llm"),
            group=SUMMARIES),
    Setting("summary_template", str, "meeting_minutes", "Summary template (a built-in name or one of yours)",
            group=SUMMARIES, pick="template"),
    Setting("translate_to", str, "", "Also translate each transcript into this language with the LLM "
                                     "(e.g. fr, German; empty: no)", group=SUMMARIES, check=translation_language),
    Setting("llm_model", str, "bundled", "Summary model: bundled SmolLM2-135M, or a GGUF file (larger is better)",
            group=SUMMARIES, pick="summary model"),
    Setting("llm_context_tokens", int, 2048, "How much of a transcript the summary model reads at once "
                                             "(tokens; more needs more memory)", group=ADVANCED),
    Setting("llm_threads", int, 0, "CPU threads for summaries (0: all cores)", group=ADVANCED),
)
_BY_KEY = {s.key: s for s in JOB_OPTIONS}


def default(key: str) -> Any:
    """A job option's default, for a task sent without it (an older app, a test)."""
    return _BY_KEY[key].default


def value(options: dict, key: str) -> Any:
    """A job option from a task's options, typed, with its default when absent or empty."""
    raw = options.get(key)
    if raw is None or raw == "":
        return default(key)
    try:
        return _BY_KEY[key].type(raw)
    except (TypeError, ValueError):
        return default(key)
