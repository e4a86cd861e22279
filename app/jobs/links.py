"""A link instead of a file: yt-dlp fetches the audio (a direct link to a recording, or a
page that holds one: its generic extractor reads HTML5 media, and its site extractors the
sites it knows) into the data folder, only when a person asks (``Desk.add_link``), with
progress. The file is private (a 0700 folder per link, the file 0600) and becomes the
job's recording. A download that fails is one sentence (``LinkError``) on the job."""

from __future__ import annotations

import logging
import os
import re
import threading
import uuid
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from app.errors import AppError
from workers.messages import Said, say

log = logging.getLogger(__name__)

LINKS = "links"  # under the data folder: one folder per link asked for
NAME_BYTES = 120  # a page's title becomes the file's (and the job's) name, this long at most


class LinkError(AppError):
    """A link that could not be fetched, in one sentence."""


class Cancelled(LinkError):
    pass


def is_link(text: str) -> bool:
    """An http(s) address, not a path."""
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _sentence(url: str, exc: Exception) -> Said:
    """yt-dlp's message as one sentence: its "ERROR: [generic] id:" prefix, colour codes
    and any second line taken away."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines()[0] if str(exc).strip() else ""
    text = re.sub(r"^(ERROR:\s*)?(\[[^\]]+\]\s*)?([\w.-]+:\s+)?", "", text).strip().rstrip(".")
    text = re.sub(r";\s*please report this issue.*$", "", text, flags=re.I)
    text = re.sub(r"\s*\(caused by .*\)$", "", text)  # the same error again, as Python names it
    text = re.sub(r"^Unable to download [\w ]+?:\s*", "", text)  # "webpage", "video data": said already
    return say("link-failed", url=url, why=text or type(exc).__name__)


class _Quiet:
    """yt-dlp's messages go to the log, never to a terminal or the window."""

    def debug(self, msg):
        log.debug("yt-dlp: %s", msg)

    def info(self, msg):
        log.debug("yt-dlp: %s", msg)

    def warning(self, msg):
        log.info("yt-dlp: %s", msg)

    def error(self, msg):
        log.info("yt-dlp: %s", msg)


def fetch(url: str, root: Path, on_progress: Callable[[int, int], None] | None = None,
          cancel: threading.Event | None = None) -> Path:
    """Download the audio at *url* (the best audio-only format, else the best with audio)
    into a new private folder under *root*/links; return the file. *on_progress*: (bytes
    so far, bytes in all or 0 when unknown). Raises ``LinkError`` with its sentence (the
    folder is removed then)."""
    import shutil

    import yt_dlp

    folder = Path(root) / LINKS / uuid.uuid4().hex
    folder.mkdir(mode=0o700, parents=True)
    os.chmod(folder.parent, 0o700)

    def hook(status: dict) -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled(f"The download of {url} was cancelled.")
        if on_progress is not None and status.get("status") in ("downloading", "finished"):
            total = status.get("total_bytes") or status.get("total_bytes_estimate") or 0
            on_progress(int(status.get("downloaded_bytes") or 0), int(total))

    options = {
        "format": "bestaudio/best",
        "outtmpl": {"default": str(folder / f"%(title).{NAME_BYTES}B.%(ext)s")},
        "noplaylist": True,  # a link to a video in a playlist is that video
        "playlist_items": "1",  # a link to a playlist: its first entry, not a hundred downloads
        "windowsfilenames": True,
        "quiet": True, "no_warnings": True, "noprogress": True, "logger": _Quiet(),
        "progress_hooks": [hook],
        "socket_timeout": 30,
        "retries": 3, "fragment_retries": 3,  # bounded: a link that keeps failing fails
        "cachedir": False,  # nothing written outside the link's folder
    }
    try:
        with yt_dlp.YoutubeDL(options) as ydl:
            info = ydl.extract_info(url, download=True)
            if info and info.get("_type") == "playlist":
                entries = [e for e in info.get("entries") or [] if e]
                info = entries[0] if entries else None
            if not info:
                raise LinkError(say("link-empty", url=url))
            path = Path(info.get("filepath") or ydl.prepare_filename(info))
            if not path.is_file():  # a format merged or renamed by yt-dlp: the one file in the folder
                found = [p for p in folder.iterdir() if p.is_file() and not p.name.endswith(".part")]
                if not found:
                    raise LinkError(say("link-nothing-saved", url=url))
                path = found[0]
    except (LinkError, KeyboardInterrupt):
        shutil.rmtree(folder, ignore_errors=True)
        raise
    except Exception as exc:  # noqa: BLE001 - yt-dlp's DownloadError and what it lets through
        shutil.rmtree(folder, ignore_errors=True)
        cause = exc.exc_info[1] if getattr(exc, "exc_info", None) else None
        if isinstance(cause, LinkError):  # raised by the hook, wrapped by yt-dlp
            raise cause from None
        log.info("download of %s failed", url, exc_info=True)
        raise LinkError(_sentence(url, exc)) from None
    if info.get("extractor_key") in ("Generic", "HTML5MediaEmbed") and path.stem.endswith(" (1)"):
        # the generic extractor numbers a page's media even when there is one: the page's title is its name
        path = path.rename(path.with_name(path.stem[:-len(" (1)")] + path.suffix))
    os.chmod(path, 0o600)
    return path
