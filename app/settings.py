"""Every setting declared once: key (with its unit), type, default and title.

Stored as JSON in the data folder. Speech options travel with each task, so a
changed setting applies to the next job without restarting any worker.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    title: str
    choices: tuple = ()
    many: bool = False  # a comma-separated list of the choices


SETTINGS = (
    Setting("model", str, "bundled", "Speech model: bundled (tiny.en, English), base (bundled, multilingual), "
                                     "a model folder, or a name"),
    Setting("language", str, "", "Language of the speech (empty: detect)"),
    Setting("task", str, "transcribe", "Speech: transcribe as spoken, or translate to English "
                                       "(needs a multilingual model such as base)", ("transcribe", "translate")),
    Setting("beam_size", int, 5, "Beam size (5 keeps long files accurate)"),
    Setting("vad_filter", bool, True, "Skip silence with voice activity detection"),
    Setting("word_timestamps", bool, False, "Keep a timestamp for every word"),
    Setting("cpu_threads", int, 0, "CPU threads for speech (0: all cores)"),
    Setting("batched", bool, True, "Batched inference on recordings over a minute (about 3x faster; "
                                   "progress then moves a batch at a time)"),
    Setting("chunk_from_minutes", float, 15.0, "Transcribe recordings at least this long in chunks "
                                               "(resumable, paused and resumed at will), minutes"),
    Setting("chunk_minutes", float, 0.0, "Length of a chunk, minutes (0: about 5)"),
    Setting("summarize", bool, True, "Write notes for each transcript (grounded: every line was said)"),
    Setting("summary_engine", str, "grounded", "Notes: grounded (the sentences said, linked to their time; "
            "no model, invents nothing), grounded+llm (the summary model condenses them, checked against the "
            "recording), llm (the model writes freely: may invent)", choices=("grounded", "grounded+llm", "llm")),
    Setting("summary_template", str, "meeting_minutes", "Summary template (a built-in name or one of yours)"),
    Setting("translate_to", str, "", "Also translate each transcript into this language with the LLM "
                                     "(e.g. fr, German; empty: no)"),
    Setting("llm_model", str, "bundled", "Summary model: bundled SmolLM2-135M, or a GGUF file (larger is better)"),
    Setting("llm_context_tokens", int, 2048, "Summary model context, in tokens"),
    Setting("llm_threads", int, 0, "CPU threads for summaries (0: all cores)"),
    Setting("broker_url", str, "", "External broker URL (empty: the embedded broker)"),
    Setting("broker_tcp_port", int, 0, "Also listen on 127.0.0.1 at this port (0: unix socket only)"),
    Setting("stop_timeout_seconds", float, 10.0, "How long to let running tasks finish at exit"),
    Setting("export_formats", str, "txt", "Default export formats, comma-separated",
            ("txt", "srt", "vtt", "json", "md"), many=True),
    Setting("export_folder", str, "", "Default export folder (empty: beside each recording)"),
    Setting("export_when_done", bool, False, "Export automatically when a job is done"),
    Setting("keep_running_in_tray", bool, False, "Keep running in the tray while jobs remain"),
)
BY_KEY = {s.key: s for s in SETTINGS}
SPEECH_KEYS = ("model", "language", "task", "beam_size", "vad_filter", "word_timestamps", "cpu_threads",
               "batched", "chunk_from_minutes", "chunk_minutes")
SUMMARY_KEYS = ("summarize", "summary_engine", "summary_template", "translate_to", "llm_model",
                "llm_context_tokens", "llm_threads")


class Settings:
    """The settings of one data folder; unknown keys in the file are kept as they are."""

    def __init__(self, path: Path):
        self.path = path
        self.values: dict[str, Any] = {}
        try:
            self.values = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:
            log.warning("settings file %s unreadable (%s); using defaults", path, exc)

    def __getitem__(self, key: str) -> Any:
        setting = BY_KEY[key]
        value = self.values.get(key, setting.default)
        try:
            return setting.type(value)
        except (TypeError, ValueError):
            return setting.default

    def set(self, key: str, value: Any) -> None:
        setting = BY_KEY[key]
        self.values[key] = setting.type(value)

    def save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.values, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)

    def speech_options(self, **overrides: Any) -> dict:
        """The options a transcribe task gets; command-line overrides win."""
        options = {key: self[key] for key in SPEECH_KEYS + SUMMARY_KEYS}
        options.update({k: v for k, v in overrides.items() if v is not None})
        options["language"] = options["language"] or None
        return options
