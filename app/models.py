"""The model manager: download, list and remove the models of ``workers.engines.catalog``.

The only place Earmark goes to the network, and only when a person asks. Files come
from the Hugging Face hub as its own libraries fetch them (``HF_ENDPOINT`` for a mirror;
``HF_HUB_OFFLINE=1`` turns downloads off), each checked against the SHA-256 the hub
states for it. A download first checks the disk has room, writes each file under a
temporary ``.part`` name (resumed with an HTTP range after a dropped connection, or
in a later run), renames it only once its checksum matches, and marks the model
installed only when every file is there: a cancelled or broken download is never taken
for a model.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from app.errors import AppError
from workers.engines.catalog import BY_NAME, CATALOG, Model, folder_of, installed

CHUNK = 1 << 20
ATTEMPTS = 4  # tries per file after a dropped connection, each resuming where it stopped
TIMEOUT_SECONDS = 30


class DownloadError(AppError):
    """A download that did not complete; the message says why and what to do."""


class Cancelled(DownloadError):
    pass


class UnverifiedError(DownloadError):
    """Nothing could check a file of the model; downloaded only when the person says so."""


@dataclass
class Remote:
    name: str  # the file
    url: str
    size: int
    sha256: str | None
    git_sha1: str | None = None  # a small (non-LFS) file's checksum on the hub: its git blob id


def endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")


def offline() -> bool:
    return any(os.environ.get(v, "").lower() in ("1", "true", "yes", "on")
               for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


BUNDLED_NAMES = ("tiny.en", "base", "bundled")  # come with Earmark (listing()): nothing to fetch or remove


def model_named(name: str) -> Model:
    if name in BUNDLED_NAMES:
        raise DownloadError(f"{name} comes with Earmark: there is nothing to download or remove.")
    if name not in BY_NAME:
        raise DownloadError(f"No model named '{name}'; 'earmark models list' shows them.")
    return BY_NAME[name]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # the hub's checksum is on its own answer
        return None


def _head(url: str) -> tuple[int, str | None] | None:
    """(size, sha256) of a file on the hub; None when the repository has no such file."""
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "earmark"})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        response = opener.open(request, timeout=TIMEOUT_SECONDS)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        if exc.code not in (301, 302, 303, 307, 308):
            raise DownloadError(f"The model server answered {exc.code} for {url}.") from None
        response = exc  # a redirect to the file's storage: its headers are the hub's
    headers = response.headers
    etag = (headers.get("X-Linked-Etag") or headers.get("ETag") or "").strip('"').removeprefix("W/").strip('"')
    size = headers.get("X-Linked-Size") or headers.get("Content-Length") or "0"
    try:
        size = int(size)
    except ValueError:
        size = 0
    return size, etag.lower() if len(etag) in (40, 64) else None


def plan(model: Model) -> list[Remote]:
    files = []
    for entry in model.files:
        name, optional = entry.rstrip("?"), entry.endswith("?")
        url = f"{endpoint()}/{model.repo}/resolve/main/{name}"
        try:
            found = _head(url)
        except (urllib.error.URLError, OSError) as exc:
            raise DownloadError(f"Could not reach the model server ({endpoint()}): {getattr(exc, 'reason', exc)}. "
                                "Check the network, then try again.") from None
        if found is None:
            if optional:
                continue
            raise DownloadError(f"The model server has no {name} for {model.name}.")
        size, tag = found
        if size <= 0:  # nothing to check a download against, nor to know it is complete
            raise DownloadError(f"The model server did not say how large {name} of {model.name} is, so nothing was "
                                "downloaded or installed. Try again later, or another server (HF_ENDPOINT).")
        pinned = model.checksums.get(name)
        if pinned and tag and len(tag) == 64 and tag != pinned:
            raise DownloadError(f"The model server's checksum for {name} of {model.name} is not the one Earmark "
                                "knows for it, so nothing was downloaded (an altered or different model).")
        sha256 = pinned or (tag if tag and len(tag) == 64 else None)
        files.append(Remote(name, url, size, sha256, tag if tag and len(tag) == 40 else None))
    return files


def unverified(files: list[Remote]) -> list[str]:
    """The files nothing can check: no checksum pinned in the catalog or given by the server."""
    return [f.name for f in files if not f.sha256 and not f.git_sha1]


def download(name: str, on_progress: Callable[[int, int], None] = lambda done, total: None,
             cancel: threading.Event | None = None, allow_unverified: bool = False) -> Path:
    """Download a model of the catalog; return its folder. Resumes what a broken run left.
    A file nothing can check (no checksum pinned, none from the server) is refused unless
    the person said to take it anyway (*allow_unverified*)."""
    model = model_named(name)
    if offline():
        raise DownloadError("Downloads are turned off (HF_HUB_OFFLINE is set); unset it to download models.")
    folder = folder_of(model)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    (folder / ".partial").touch()
    files = plan(model)
    blind = unverified(files)
    if blind and not allow_unverified:
        raise UnverifiedError(f"The model server gave no checksum for {', '.join(blind)} of {model.name}, so "
                              "Earmark cannot tell whether it arrives unaltered; nothing was downloaded. If you "
                              f"trust this server, run 'earmark models download {model.name} --unverified'.")
    total = sum(f.size for f in files)
    have = {f.name: _size(folder / f.name) if _size(folder / f.name) == f.size else _size(folder / f"{f.name}.part")
            for f in files}
    needed = total - sum(have.values())
    free = shutil.disk_usage(folder).free
    if needed > free:
        raise DownloadError(f"Not enough disk space for {model.name}: it needs {needed / 1e6:.0f} MB more and "
                            f"{free / 1e6:.0f} MB are free in {folder.parent}.")
    done = sum(have.values())
    on_progress(done, total)
    for remote in files:
        target = folder / remote.name
        if _size(target) == remote.size:
            continue
        done = _fetch(remote, target, done, total, on_progress, cancel)
    (folder / ".partial").unlink(missing_ok=True)
    on_progress(total, total)
    return folder


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _fetch(remote: Remote, target: Path, done: int, total: int, on_progress, cancel) -> int:
    part = target.with_name(target.name + ".part")
    start_done = done - _size(part)
    for attempt in range(ATTEMPTS):
        offset = _size(part)
        request = urllib.request.Request(remote.url, headers={"User-Agent": "earmark",
                                                              **({"Range": f"bytes={offset}-"} if offset else {})})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                if offset and response.status != 206:  # the server ignored the range: start over
                    offset = 0
                with open(part, "ab" if offset else "wb") as out:
                    while block := response.read(CHUNK):
                        if cancel is not None and cancel.is_set():
                            part.unlink(missing_ok=True)
                            raise Cancelled(f"The download of {remote.name} was cancelled; nothing was kept.")
                        out.write(block)
                        on_progress(start_done + out.tell(), total)
        except Cancelled:
            raise
        except (urllib.error.URLError, OSError, ConnectionError) as exc:
            if attempt == ATTEMPTS - 1:
                raise DownloadError(f"The download of {remote.name} stopped ({getattr(exc, 'reason', exc)}); "
                                    "run it again to go on from where it stopped.") from None
            continue
        if _size(part) >= remote.size:
            break
    else:
        raise DownloadError(f"The download of {remote.name} stopped early; run it again to go on.")
    if _size(part) != remote.size or (remote.sha256 and _sha256(part) != remote.sha256) or (
            remote.git_sha1 and _git_sha1(part) != remote.git_sha1):
        part.unlink(missing_ok=True)
        raise DownloadError(f"{remote.name} did not match the checksum the model server gave for it, so it was "
                            "not kept (a damaged or altered download). Try again.")
    os.replace(part, target)
    return start_done + remote.size


def _git_sha1(path: Path) -> str:
    """A file's git blob id: what the hub states for a file kept in git rather than LFS."""
    digest = hashlib.sha1(b"blob %d\0" % _size(path))
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def remove(name: str) -> bool:
    """Delete a downloaded model; False if it was not there."""
    folder = folder_of(model_named(name))
    if not folder.exists():
        return False
    shutil.rmtree(folder)
    return True


def listing() -> list[dict]:
    """Every model the manager knows, with whether it is here: for the window and the CLI."""
    rows = [{"name": "tiny.en", "kind": "speech", "size_mb": 75, "hint": "English only; bundled (the default)",
             "state": "bundled"},
            {"name": "base", "kind": "speech", "size_mb": 145, "hint": "multilingual; bundled", "state": "bundled"},
            {"name": "bundled", "kind": "summary", "size_mb": 94,
             "hint": "SmolLM2-135M; bundled (notes need no model: see summary_engine)", "state": "bundled"}]
    for model in CATALOG:
        partial = (folder_of(model) / ".partial").exists()
        state = "installed" if installed(model) else "partial" if partial else ""
        rows.append({"name": model.name, "kind": model.kind, "size_mb": model.size_mb, "hint": model.hint,
                     "state": state})
    return rows
