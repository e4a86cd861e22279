"""Every setting declared once: key (with its unit), type, default, title, group and check.
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
from workers.options import ADVANCED, API, EXPORT, HELPERS, JOB_OPTIONS, WATCH, Setting
from workers.stages import queue_names

log = logging.getLogger(__name__)


def broker_url(text: str) -> str | None:
    if text and not text.startswith(("redis://", "rediss://", "unix://")):
        return "a broker URL starts with redis://, rediss:// or unix://."
    return None


def api_address(text: str) -> str | None:
    from app.addresses import parse_api_address

    try:
        parse_api_address(text)
    except ValueError as exc:
        return str(exc)
    return None


def listen_address(text: str) -> str | None:
    from app.addresses import parse_listen

    try:
        parse_listen(text) if text.strip() else None
    except ValueError as exc:
        return str(exc)
    return None


APP_SETTINGS = (  # the window's and the stack's own; the job options are workers.options
    Setting("broker_url", str, "", "Use a Redis server elsewhere for the queue (its redis:// URL; empty: "
                                   "Earmark's own)", group=ADVANCED, check=broker_url),
    Setting("broker_tcp_port", int, 0, "Also listen on 127.0.0.1 at this port (0: unix socket only)", group=ADVANCED),
    Setting("stop_timeout_seconds", float, 10.0, "How long to let running tasks finish at exit", group=ADVANCED),
    Setting("export_formats", str, "txt", "Default export formats, comma-separated",
            FORMATS, many=True, group=EXPORT),
    Setting("export_folder", str, "", "Default export folder (empty: beside each recording)", group=EXPORT,
            pick="folder"),
    Setting("export_when_done", bool, False, "Export automatically when a job is done", group=EXPORT),
    Setting("export_notes", bool, True, "Export the notes too, as Markdown (NAME.summary.md)", group=EXPORT),
    Setting("subtitle_line_chars", int, 42, "Subtitles: at most this many characters a line", group=EXPORT),
    Setting("subtitle_lines", int, 2, "Subtitles: at most this many lines a cue", group=EXPORT),
    Setting("subtitle_min_seconds", float, 1.0, "Subtitles: each cue shows at least this long, seconds",
            group=EXPORT),
    Setting("subtitle_max_seconds", float, 7.0, "Subtitles: each cue shows at most this long, seconds",
            group=EXPORT),
    Setting("watch_folders", str, "", "Transcribe what lands in these folders and their subfolders (one or more, "
                                      "separated by ;)", group=WATCH, pick="folders"),
    Setting("watch_output", str, "", "Write their transcripts to this folder, mirroring the subfolders (empty: "
                                     "next to each recording)", group=WATCH, pick="folder"),
    Setting("watch_formats", str, "txt", "Their formats", FORMATS, many=True, group=WATCH),
    Setting("keep_running_in_tray", bool, False, "Keep running in the tray while jobs remain", group=ADVANCED),
    Setting("helpers_listen", str, "", "Let other machines help: listen for them on this address and port "
                                       "(such as 0.0.0.0:6380; empty: off)", group=HELPERS, check=listen_address),
    Setting("local_queues", str, ",".join(queue_names()), "Work this machine does itself (empty: it only "
                                                          "hands work to helpers)", queue_names(), many=True,
            group=HELPERS),
    Setting("api_on", bool, False, "Let other programs use Earmark while the window is open (the local API: "
                                   "OpenAI's /v1/audio and the job contract)", group=API),
    Setting("api_listen", str, "", "The API's address: a port, or address:port (empty: 127.0.0.1:8765; any "
                                   "address but this machine's own is served over TLS)", group=API,
            check=api_address),
)
SETTINGS = JOB_OPTIONS + APP_SETTINGS
BY_KEY = {s.key: s for s in SETTINGS}


def form_problem(setting: Setting, value: Any) -> str | None:
    """What is wrong with *value*'s form for *setting* (its type, its choices, its declared
    check), in a sentence that starts with the setting's title; None if nothing."""
    try:
        typed = setting.type(value)
    except (TypeError, ValueError):
        return f"{setting.title}: {value!r} is not a {_TYPE_WORDS.get(setting.type, 'value')}."
    text = str(typed).strip()
    if setting.many:
        unknown = [v for v in (p.strip() for p in text.split(",")) if v and v not in setting.choices]
        if unknown:
            return f"{setting.title}: unknown {', '.join(unknown)} (choose from {', '.join(setting.choices)})."
    elif setting.choices and text not in setting.choices:
        return f"{setting.title}: {text} is not one of {', '.join(setting.choices)}."
    said = setting.check(typed) if setting.check else None
    return f"{setting.title}: {said}" if said else None


_TYPE_WORDS = {int: "whole number", float: "number", bool: "yes or no"}


def _is_path(text: str) -> bool:
    return os.sep in text or text.startswith((".", "~"))


# What each kind of pick must find on the disk (folder, GGUF file, model folder, template),
# asked when a value is chosen (the dialog, the command line, the desk), not when the file
# is read: a model folder removed since is said by the job that needs it.
PICK_CHECKS = {
    "folder": lambda text, root: None if not text or Path(text).expanduser().is_dir() else f"there is no folder {text}.",
    "folders": lambda text, root: next((f"there is no folder {f}." for f in (p.strip() for p in text.split(";"))
                                        if f and not Path(f).expanduser().is_dir()), None),
    "summary model": lambda text, root: None if text in ("", "bundled") or not (_is_path(text) or text.endswith(
        ".gguf")) or Path(text).expanduser().is_file() else f"there is no file {text}.",
    "speech model": lambda text, root: None if not _is_path(text) or (Path(text).expanduser() / "model.bin").is_file()
    else f"{text} is not a speech model folder (it has no model.bin).",
}


def problem_with(key: str, value: Any, data_root: Path | None = None) -> str | None:
    """Why *value* cannot be *key*'s, in a sentence; None if it can. The one check for a
    value a person chose: the settings dialog asks it before it saves, the front desk for
    the options a front end was given (the command line's arguments), the settings
    file's loader for the form (``form_problem``). *data_root*: where the person's own
    templates are (a template is checked only when it is given)."""
    setting = BY_KEY[key]
    problem = form_problem(setting, value)
    if problem:
        return problem
    text = str(value).strip()
    pick = PICK_CHECKS.get(setting.pick)
    said = pick(text, data_root) if pick else None
    if setting.pick == "template" and data_root is not None:
        from app.templates import available

        templates = available(Path(data_root))
        if text not in templates:
            return f"No summary template named '{text}' (have: {', '.join(sorted(templates))})."
    return f"{setting.title}: {said}" if said else None


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
        self.problems: list[str] = []  # values in the file that could not be used (their defaults apply)
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
        for key in [k for k in self.values if k in BY_KEY]:  # unknown keys are kept as they are
            problem = form_problem(BY_KEY[key], self.values[key])
            if problem:  # the default applies, and the front end may say why
                log.warning("settings file %s: %s The default is used.", path, problem)
                self.problems.append(problem)
                del self.values[key]

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
