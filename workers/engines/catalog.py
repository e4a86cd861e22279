"""The models a person can download (Settings › Models, ``earmark models``), and where
a downloaded one lives. Data only: the download itself is ``app.models``; workers use
this to find what was downloaded, and never go to the network themselves.

Sizes are what the hub serves (rounded); speed and quality are the usual figures for
faster-whisper on CPU and for small instruct models, as hints for choosing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

SPEECH, SUMMARY = "speech", "summary"


@dataclass(frozen=True)
class Model:
    name: str
    kind: str  # speech or summary
    repo: str  # on the hub
    files: tuple[str, ...]  # the files to fetch; a trailing '?' marks one a repo may lack
    size_mb: int
    hint: str
    # file → SHA-256 pinned here: checked whatever the server says (a different one is refused)
    checksums: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f for f in self.files if not f.endswith("?"))


WHISPER_FILES = ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt?", "vocabulary.json?",
                 "preprocessor_config.json?")
# what each model is: its size and languages; how good its notes or translations are
# is said only where bench/ measured it (none of these could be fetched here to measure)
CATALOG = (
    Model("tiny", SPEECH, "Systran/faster-whisper-tiny", WHISPER_FILES, 75,
          "multilingual; fastest, least accurate"),
    Model("small", SPEECH, "Systran/faster-whisper-small", WHISPER_FILES, 484,
          "multilingual; ~3x slower than base, clearly more accurate"),
    Model("small.en", SPEECH, "Systran/faster-whisper-small.en", WHISPER_FILES, 484,
          "English only; a good step up from the bundled tiny.en"),
    Model("medium", SPEECH, "Systran/faster-whisper-medium", WHISPER_FILES, 1530,
          "multilingual; accurate, slow on CPU"),
    Model("large-v3-turbo", SPEECH, "mobiuslabsgmbh/faster-whisper-large-v3-turbo", WHISPER_FILES, 1620,
          "multilingual; near the best accuracy, fast on a GPU"),
    Model("distil-large-v3", SPEECH, "Systran/faster-distil-whisper-large-v3", WHISPER_FILES, 1510,
          "English; large-v3's accuracy about 6x faster"),
    Model("distil-small.en", SPEECH, "Systran/faster-distil-whisper-small.en", WHISPER_FILES, 333,
          "English; fast and accurate on CPU"),
    Model("qwen2.5-0.5b", SUMMARY, "Qwen/Qwen2.5-0.5B-Instruct-GGUF", ("qwen2.5-0.5b-instruct-q4_k_m.gguf",),
          491, "0.5B parameters (the bundled model: 135M), multilingual; quick"),
    Model("qwen2.5-1.5b", SUMMARY, "Qwen/Qwen2.5-1.5B-Instruct-GGUF", ("qwen2.5-1.5b-instruct-q4_k_m.gguf",),
          1120, "1.5B parameters, multilingual; moderate speed"),
    Model("llama-3.2-1b", SUMMARY, "bartowski/Llama-3.2-1B-Instruct-GGUF", ("Llama-3.2-1B-Instruct-Q4_K_M.gguf",),
          808, "1B parameters; quick"),
    Model("llama-3.2-3b", SUMMARY, "bartowski/Llama-3.2-3B-Instruct-GGUF", ("Llama-3.2-3B-Instruct-Q4_K_M.gguf",),
          2020, "3B parameters, the largest here; slow on 2 cores"),
    Model("gemma-2-2b", SUMMARY, "bartowski/gemma-2-2b-it-GGUF", ("gemma-2-2b-it-Q4_K_M.gguf",), 1710,
          "2B parameters, multilingual"),
)
BY_NAME = {m.name: m for m in CATALOG}


def models_dir() -> Path:
    """Downloaded models (and the joined bundled multilingual one): the user's cache
    folder, or ``EARMARK_MODEL_CACHE``."""
    base = os.environ.get("EARMARK_MODEL_CACHE")
    if not base:
        from platformdirs import user_cache_dir

        base = user_cache_dir("earmark", appauthor=False)
    return Path(base) / "models"


def folder_of(model: Model) -> Path:
    return models_dir() / f"{model.kind}-{model.name}"


def installed(model: Model) -> bool:
    folder = folder_of(model)
    return all((folder / f).is_file() for f in model.required) and not (folder / ".partial").exists()


def installed_path(name: str) -> str | None:
    """The folder (speech) or GGUF file (summary) of a downloaded model, else None."""
    model = BY_NAME.get(name)
    if model is None or not installed(model):
        return None
    folder = folder_of(model)
    return str(folder if model.kind == SPEECH else folder / model.files[0])
