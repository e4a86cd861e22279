"""Transcript export: TXT, SRT, VTT, JSON and Markdown from a stored transcript."""

from __future__ import annotations

import json
import os
from pathlib import Path

FORMATS = ("txt", "srt", "vtt", "json", "md")


def timestamp(seconds: float, sep: str = ",") -> str:
    ms = max(0, int(round(seconds * 1000)))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def to_txt(t: dict) -> str:
    return "\n".join(s["text"] for s in t["segments"]) + "\n"


def to_srt(t: dict) -> str:
    blocks = [f"{i}\n{timestamp(s['start'])} --> {timestamp(s['end'])}\n{s['text']}\n"
              for i, s in enumerate(t["segments"], start=1)]
    return "\n".join(blocks)


def to_vtt(t: dict) -> str:
    blocks = [f"{timestamp(s['start'], '.')} --> {timestamp(s['end'], '.')}\n{s['text']}\n"
              for s in t["segments"]]
    return "WEBVTT\n\n" + "\n".join(blocks)


def to_json(t: dict) -> str:
    keys = ("language", "duration", "model", "task", "text", "segments")
    return json.dumps({k: t[k] for k in keys if k in t}, indent=2, ensure_ascii=False) + "\n"


def to_md(t: dict, title: str = "Transcript") -> str:
    lines = [f"# {title}", ""]
    if t.get("language") or t.get("duration"):
        lines += [f"*Language: {t.get('language', '?')} · Duration: {timestamp(t.get('duration') or 0, '.')[:8]}*", ""]
    lines += [f"**[{timestamp(s['start'], '.')[:8]}]** {s['text']}  " for s in t["segments"]]
    return "\n".join(lines) + "\n"


def render(transcript: dict, fmt: str, title: str = "Transcript") -> str:
    if fmt == "md":
        return to_md(transcript, title)
    return {"txt": to_txt, "srt": to_srt, "vtt": to_vtt, "json": to_json}[fmt](transcript)


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
