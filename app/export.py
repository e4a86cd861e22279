"""Transcript export: TXT, SRT, VTT, JSON, Markdown and TSV from a stored transcript.

A format is one entry of ``RENDERERS`` (its file ending → a function of the
transcript and a title); the command line's --format, the settings and the export
dialog all offer ``FORMATS``."""

from __future__ import annotations

import json
import os
from pathlib import Path

from workers.timefmt import clock, stamp


def to_txt(t: dict) -> str:
    return "\n".join(s["text"] for s in t["segments"]) + "\n"


def to_srt(t: dict) -> str:
    blocks = [f"{i}\n{stamp(s['start'])} --> {stamp(s['end'])}\n{s['text']}\n"
              for i, s in enumerate(t["segments"], start=1)]
    return "\n".join(blocks)


def to_vtt(t: dict) -> str:
    blocks = [f"{stamp(s['start'], '.')} --> {stamp(s['end'], '.')}\n{s['text']}\n"
              for s in t["segments"]]
    return "WEBVTT\n\n" + "\n".join(blocks)


def to_json(t: dict) -> str:
    keys = ("language", "duration", "model", "task", "text", "segments")
    return json.dumps({k: t[k] for k in keys if k in t}, indent=2, ensure_ascii=False) + "\n"


def to_tsv(t: dict) -> str:
    """Start and end in seconds and the text, one segment a line (spreadsheets, scripts)."""
    def seconds(value: float) -> str:  # rounded like the subtitle times
        return f"{int(round(value * 1000)) / 1000:.3f}"

    rows = [f"{seconds(s['start'])}\t{seconds(s['end'])}\t{' '.join(s['text'].split())}" for s in t["segments"]]
    return "start\tend\ttext\n" + "".join(row + "\n" for row in rows)


def to_md(t: dict, title: str = "Transcript") -> str:
    lines = [f"# {title}", ""]
    if t.get("language") or t.get("duration"):
        lines += [f"*Language: {t.get('language', '?')} · Duration: {clock(t.get('duration') or 0)}*", ""]
    lines += [f"**[{clock(s['start'])}]** {s['text']}  " for s in t["segments"]]
    return "\n".join(lines) + "\n"


RENDERERS = {
    "txt": lambda t, title: to_txt(t),
    "srt": lambda t, title: to_srt(t),
    "vtt": lambda t, title: to_vtt(t),
    "json": lambda t, title: to_json(t),
    "md": to_md,
    "tsv": lambda t, title: to_tsv(t),
}
FORMATS = tuple(RENDERERS)


def render(transcript: dict, fmt: str, title: str = "Transcript") -> str:
    return RENDERERS[fmt](transcript, title)


def write(transcript: dict, fmt: str, out_dir: str | os.PathLike, stem: str) -> Path:
    return write_text(render(transcript, fmt, title=stem), out_dir, f"{stem}.{fmt}")


MAX_NAME_BYTES = 255  # most file systems' limit on one name


def fit_name(name: str, limit: int = MAX_NAME_BYTES) -> str:
    """*name* shortened in the middle of its stem (its endings kept: ``.fr.srt``) to fit."""
    if len(os.fsencode(name)) <= limit:
        return name
    stem, dot, rest = name.partition(".")
    keep = limit - len(os.fsencode(dot + rest)) - len("…".encode())
    head = stem
    while len(os.fsencode(head)) > keep:
        head = head[:-1]
    return f"{head}…{dot}{rest}"


def write_text(text: str, out_dir: str | os.PathLike, name: str) -> Path:
    """Write whole or not at all: a half-written export never replaces a good one. The
    temporary file has a short name of its own, so a long name still fits."""
    import tempfile

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / fit_name(name)
    fd, tmp = tempfile.mkstemp(dir=out, prefix=".earmark-", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
