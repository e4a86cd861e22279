"""Every setting declared once: key (with its unit), type, default, title and group.
The options that travel with each task are ``workers.options.JOB_OPTIONS`` (workers
take their defaults from there); the window's and the stack's own are below.

Stored as JSON in the data folder, with a version: an older file is upgraded when it
is read. Only values that differ from the defaults are kept, so a default that
improves reaches everyone who never chose otherwise. Job options travel with each
task, so a changed setting applies to the next job without restarting any worker.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from app.export import FORMATS
from workers.options import ADVANCED, EXPORT, HELPERS, JOB_OPTIONS, Setting
from workers.stages import queue_names

log = logging.getLogger(__name__)


APP_SETTINGS = (  # the window's and the stack's own; the job options are workers.options
    Setting("broker_url", str, "", "Use a Redis server elsewhere for the queue (its redis:// URL; empty: "
                                   "Earmark's own)", group=ADVANCED),
    Setting("broker_tcp_port", int, 0, "Also listen on 127.0.0.1 at this port (0: unix socket only)", group=ADVANCED),
    Setting("stop_timeout_seconds", float, 10.0, "How long to let running tasks finish at exit", group=ADVANCED),
    Setting("export_formats", str, "txt", "Default export formats, comma-separated",
            FORMATS, many=True, group=EXPORT),
    Setting("export_folder", str, "", "Default export folder (empty: beside each recording)", group=EXPORT,
            pick="folder"),
    Setting("export_when_done", bool, False, "Export automatically when a job is done", group=EXPORT),
    Setting("subtitle_line_chars", int, 42, "Subtitles: at most this many characters a line", group=EXPORT),
    Setting("subtitle_lines", int, 2, "Subtitles: at most this many lines a cue", group=EXPORT),
    Setting("subtitle_min_seconds", float, 1.0, "Subtitles: each cue shows at least this long, seconds",
            group=EXPORT),
    Setting("subtitle_max_seconds", float, 7.0, "Subtitles: each cue shows at most this long, seconds",
            group=EXPORT),
    Setting("keep_running_in_tray", bool, False, "Keep running in the tray while jobs remain", group=ADVANCED),
    Setting("helpers_listen", str, "", "Let other machines help: listen for them on this address and port "
                                       "(such as 0.0.0.0:6380; empty: off)", group=HELPERS),
    Setting("local_queues", str, ",".join(queue_names()), "Work this machine does itself (empty: it only "
                                                          "hands work to helpers)", queue_names(), many=True,
            group=HELPERS),
)
SETTINGS = JOB_OPTIONS + APP_SETTINGS
BY_KEY = {s.key: s for s in SETTINGS}


def problem_with(key: str, value: Any) -> str | None:
    """Why *value* cannot be *key*'s, in a sentence; None if it can (the dialog asks
    before it saves)."""
    setting = BY_KEY[key]
    text = str(value).strip()
    if setting.many and text:
        unknown = [v for v in (p.strip() for p in text.split(",")) if v and v not in setting.choices]
        if unknown:
            return f"{setting.title}: unknown {', '.join(unknown)} (choose from {', '.join(setting.choices)})."
    if setting.pick == "folder" and text and not Path(text).expanduser().is_dir():
        return f"{setting.title}: there is no folder {text}."
    if setting.pick == "summary model" and text not in ("", "bundled") and (os.sep in text or text.endswith(".gguf")):
        if not Path(text).expanduser().is_file():
            return f"{setting.title}: there is no file {text}."
    if setting.pick == "speech model" and (os.sep in text or text.startswith((".", "~"))):
        if not (Path(text).expanduser() / "model.bin").is_file():
            return f"{setting.title}: {text} is not a speech model folder (it has no model.bin)."
    if key == "broker_url" and text and not text.startswith(("redis://", "rediss://", "unix://")):
        return f"{setting.title}: a broker URL starts with redis://, rediss:// or unix://."
    if key == "helpers_listen" and text:
        from app.addresses import parse_listen

        try:
            parse_listen(text)
        except ValueError as exc:
            return f"{setting.title}: {exc}"
    if key == "speakers" and text.lower() not in ("", "off"):
        from workers.engines.voices import SpeakerCount

        try:
            SpeakerCount.parse(text)
        except ValueError as exc:
            return f"{setting.title}: {exc}"
    if key == "speaker_match" and not 0.0 < float(value or 0) <= 1.0:
        return f"{setting.title}: a similarity between 0 and 1."
    return None
# The settings file's version; UPGRADES[n] turns a version-n file into version n + 1.
VERSION = 2


def _from_version_1(values: dict) -> dict:
    """Version 1 wrote every value, defaults included, so a file cannot tell a choice
    from the default of the day. Notes were off by default then because the only engine
    (the LLM) could invent; grounded notes invent nothing and are on by default now,
    so a version-1 file without a notes engine follows the new default."""
    if values.get("summarize") is False and "summary_engine" not in values:
        values.pop("summarize")
    return values


UPGRADES = {1: _from_version_1}


class Settings:
    """The settings of one data folder; unknown keys in the file are kept as they are."""

    def __init__(self, path: Path):
        self.path = path
        self.values: dict[str, Any] = {}
        try:
            self.values = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            log.warning("settings file %s unreadable (%s); using defaults", path, exc)
            return
        version = int(self.values.pop("version", 1) or 1)
        while version < VERSION:
            self.values = UPGRADES[version](self.values)
            version += 1

    def __getitem__(self, key: str) -> Any:
        setting = BY_KEY[key]
        value = self.values.get(key, setting.default)
        try:
            return setting.type(value)
        except (TypeError, ValueError):
            return setting.default

    def set(self, key: str, value: Any) -> None:
        """A value equal to the default is not kept: the default applies, whatever it becomes."""
        setting = BY_KEY[key]
        value = setting.type(value)
        if value == setting.default:
            self.values.pop(key, None)
        else:
            self.values[key] = value

    def save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({**self.values, "version": VERSION}, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)

    def speech_options(self, **overrides: Any) -> dict:
        """The options a transcribe task gets; command-line overrides win."""
        options = {s.key: self[s.key] for s in JOB_OPTIONS}
        options.update({k: v for k, v in overrides.items() if v is not None})
        options["language"] = options["language"] or None
        return options
