"""Transcript export: TXT, SRT, VTT, JSON, Markdown and TSV from a stored transcript.

A format is one entry of ``RENDERERS`` (its file ending → a function of the
transcript, a title and the subtitle cue limits); the command line's --format, the
settings and the export dialog all offer ``FORMATS``. SRT and VTT cues keep to
``CueLimits`` (42 characters a line, two lines, 1–7 s: the settings can change them)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from workers.timefmt import clock, stamp


@dataclass(frozen=True)
class CueLimits:
    """What a subtitle cue may hold: the usual broadcast limits by default."""

    line_chars: int = 42
    lines: int = 2
    min_seconds: float = 1.0
    max_seconds: float = 7.0

    @classmethod
    def from_settings(cls, settings) -> "CueLimits":
        return cls(settings["subtitle_line_chars"], settings["subtitle_lines"], settings["subtitle_min_seconds"],
                   settings["subtitle_max_seconds"])


def wrap(words: list[str], width: int, first: int | None = None) -> list[str]:
    """Greedy lines of at most *width* characters (*first* for the first line: what a
    speaker's name leaves of it); a longer word has a line of its own."""
    lines: list[str] = []
    for word in words:
        room = first if first is not None and len(lines) == 1 else width
        if lines and len(lines[-1]) + 1 + len(word) <= room:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _timed_words(seg: dict) -> list[tuple[str, float, float]]:
    """A segment's words with times: its own word times when it has them, else the
    segment's time shared out by length."""
    if seg.get("words"):
        return [(w["word"].strip(), w["start"], w["end"]) for w in seg["words"] if w["word"].strip()]
    words = seg["text"].split()
    total = sum(len(w) + 1 for w in words) or 1
    span, done, out = seg["end"] - seg["start"], 0, []
    for word in words:
        start = seg["start"] + span * done / total
        done += len(word) + 1
        out.append((word, start, seg["start"] + span * done / total))
    return out


def cues(segments: list[dict], limits: CueLimits | None = CueLimits(), head=None) -> list[dict]:
    """Subtitle cues within *limits* (None: one cue per segment): a segment too long for
    one cue is cut between words, each cue shows for min_seconds..max_seconds without
    running into the next. *head* (a speaker's name → what goes before a cue's text, e.g.
    "Maria: ") counts toward the first line; where it would leave less than half a
    line, the name has a line of its own (one of the cue's lines). Each cue's ``text``
    then starts with it."""
    from workers.engines.sentences import in_time_order

    segments = in_time_order(segments)  # a transcript stored before this held overlaps: cues in order all the same
    if limits is None:
        return [{"start": s["start"], "end": s["end"], "speaker": s.get("speaker"),
                 "text": (head(s["speaker"]) if head and s.get("speaker") else "") + s["text"]} for s in segments]
    out: list[dict] = []
    for seg in segments:
        first = len(out)
        name = seg.get("speaker") if head else None
        before, lines, room = "", limits.lines, limits.line_chars
        if name:
            before = head(name)
            if len(before) > limits.line_chars // 2:
                own_line = limits.lines > 1  # else a shortened name keeps half the only line
                width = limits.line_chars if own_line else limits.line_chars // 2
                before = head(_fit_names(seg, width - len(head("")))).rstrip()
                before += "\n" if own_line else " "
                lines -= own_line
            room = limits.line_chars if "\n" in before else limits.line_chars - len(before)
        current: list[tuple[str, float, float]] = []
        for word in _timed_words(seg):
            trial = current + [word]
            fits = (len(wrap([w for w, _, _ in trial], limits.line_chars, room)) <= lines
                    and trial[-1][2] - trial[0][1] <= limits.max_seconds)
            if current and not fits:
                out.append(_cue(current, limits, room, before))
                trial = [word]
            current = trial
        if current:
            out.append(_cue(current, limits, room, before))
        for cue in out[first:]:
            cue["speaker"] = seg.get("speaker")
    for cue, following in zip(out, out[1:] + [None]):
        limit = following["start"] if following else float("inf")
        cue["end"] = min(max(cue["end"], cue["start"] + limits.min_seconds), cue["start"] + limits.max_seconds,
                         max(limit, cue["start"]))
    return out


def _cue(words: list[tuple[str, float, float]], limits: CueLimits, first: int, before: str) -> dict:
    return {"start": words[0][1], "end": words[-1][2],
            "text": before + "\n".join(wrap([w for w, _, _ in words], limits.line_chars, first))}


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def together(names: list[str]) -> str:
    """One label for a line several people said (a translation older than the speakers
    holds the words of every piece its segment was cut into): "Ana / Ben"."""
    return " / ".join(names)


def _fit_names(segment: dict, width: int) -> str:
    """A segment's speaker in *width* characters: of a line several people said, the
    longest name is shortened first, so that every name still shows a beginning."""
    names = list(segment.get("speakers") or [segment["speaker"]])
    while len(together(names)) > width:
        longest = max(range(len(names)), key=lambda n: len(names[n]))
        if len(names[longest]) <= 2:  # "A…" each, and still too many: the label as a whole
            return _shorten(together(names), width)
        names[longest] = _shorten(names[longest], len(names[longest]) - 1)
    return together(names)


def said(segment: dict) -> str:
    """A segment's text, after its speaker's name when speakers were found."""
    return f"{_said_head(segment['speaker'])}{segment['text']}" if segment.get("speaker") else segment["text"]


def _said_head(name: str) -> str:
    return f"{name}: "


def _vtt_voice(name: str) -> str:
    """WebVTT's voice tag: players that show the name show it before the line."""
    return "<v {}>".format(name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def to_txt(t: dict) -> str:
    return "\n".join(said(s) for s in t["segments"]) + "\n"


def to_srt(t: dict, limits: CueLimits | None = CueLimits()) -> str:
    blocks = [f"{i}\n{stamp(c['start'])} --> {stamp(c['end'])}\n{c['text']}\n"
              for i, c in enumerate(cues(t["segments"], limits, head=_said_head), start=1)]
    return "\n".join(blocks)


def to_vtt(t: dict, limits: CueLimits | None = CueLimits()) -> str:
    blocks = [f"{stamp(c['start'], '.')} --> {stamp(c['end'], '.')}\n{c['text']}\n"
              for c in cues(t["segments"], limits, head=_vtt_voice)]
    return "WEBVTT\n\n" + "\n".join(blocks)


# what a transcript shows its reader (the JSON export, the local API); the rest of the stored
# result is bookkeeping (the worker's pid, timings, the speaker stage's own notes)
TRANSCRIPT_KEYS = ("language", "duration", "model", "task", "text", "segments", "turns")


def to_json(t: dict) -> str:
    # turns: who spoke when, by the audio; notes: what the transcription (or the speaker stage) said of it
    return json.dumps({k: t[k] for k in (*TRANSCRIPT_KEYS, "notes") if k in t}, indent=2, ensure_ascii=False) + "\n"


def to_tsv(t: dict) -> str:
    """Start and end in seconds and the text, one segment a line (spreadsheets, scripts)."""
    def seconds(value: float) -> str:  # rounded like the subtitle times
        return f"{int(round(value * 1000)) / 1000:.3f}"

    if any(s.get("speaker") for s in t["segments"]):
        rows = [f"{seconds(s['start'])}\t{seconds(s['end'])}\t{s.get('speaker') or ''}\t{' '.join(s['text'].split())}"
                for s in t["segments"]]
        return "start\tend\tspeaker\ttext\n" + "".join(row + "\n" for row in rows)
    rows = [f"{seconds(s['start'])}\t{seconds(s['end'])}\t{' '.join(s['text'].split())}" for s in t["segments"]]
    return "start\tend\ttext\n" + "".join(row + "\n" for row in rows)


def to_md(t: dict, title: str = "Transcript") -> str:
    lines = [f"# {title}", ""]
    if t.get("language") or t.get("duration"):
        lines += [f"*Language: {t.get('language', '?')} · Duration: {clock(t.get('duration') or 0)}*", ""]
    for note in t.get("notes") or ():  # what the transcription said of it (no words heard, another language)
        lines += [f"*{note}*", ""]
    lines += [f"**[{clock(s['start'])}]** {said(s)}  " for s in t["segments"]]
    return "\n".join(lines) + "\n"


RENDERERS = {  # file ending → (transcript, title, subtitle cue limits) → text
    "txt": lambda t, title, limits: to_txt(t),
    "srt": lambda t, title, limits: to_srt(t, limits),
    "vtt": lambda t, title, limits: to_vtt(t, limits),
    "json": lambda t, title, limits: to_json(t),
    "md": lambda t, title, limits: to_md(t, title),
    "tsv": lambda t, title, limits: to_tsv(t),
}
FORMATS = tuple(RENDERERS)


def render(transcript: dict, fmt: str, title: str = "Transcript", limits: CueLimits | None = CueLimits()) -> str:
    return RENDERERS[fmt](transcript, title, limits)


def write(transcript: dict, fmt: str, out_dir: str | os.PathLike, stem: str,
          limits: CueLimits | None = CueLimits()) -> Path:
    return write_text(render(transcript, fmt, title=stem, limits=limits), out_dir, f"{stem}.{fmt}")


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
