"""The API's key: one per data folder, made on first use, private (0600)."""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

KEY_FILE = "api.key"


def key_path(root: Path) -> Path:
    return Path(root) / KEY_FILE


def api_key(root: Path, *, new: bool = False) -> str:
    """The key of the data folder at *root*; made (or, with *new*, made again) and kept 0600."""
    path = key_path(root)
    if not new:
        try:
            key = path.read_text(encoding="utf-8").strip()
            if key:
                return key
        except FileNotFoundError:
            pass
    key = "em-" + secrets.token_urlsafe(32)
    tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(key + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)  # a reader sees the old key or the new one, never half
    return key


def matches(given: str | None, key: str) -> bool:
    """Whether an ``Authorization`` header's value carries *key* (compared in constant time)."""
    scheme, _, token = (given or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), key.encode())
