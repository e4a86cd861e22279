"""Only tasks the app sent are run: every task message carries the app's signature.

Helpers on other machines reach the broker (through the app's gate), so a message in a
queue is no proof that the app sent it. The app signs each task it sends with the
private key of its gate's certificate (ECDSA P-256, ``broker/helpers/gate.key`` in the
data folder, 0600); every worker checks the signature with that certificate before it
runs anything: the app's own workers (``EARMARK_TASK_CERT``) and helpers, which pinned
the same certificate when they joined (``EARMARK_BROKER_CA``). A message without a
valid signature is refused with a sentence and never runs.

What is signed is what decides what a task does: its name, its id and its arguments.
Retries and crash re-sends keep all three, so they keep the signature; the crash count
in the headers is not signed (a helper could only lower it for a task it already holds).

No Celery, no Qt here beyond the publish hook; the app and workers both use it.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
from functools import lru_cache

log = logging.getLogger(__name__)

HEADER = "earmark_sig"
KEY_ENV = "EARMARK_SIGNING_KEY"  # the app's processes that send tasks (the beat)
CERT_ENV = "EARMARK_TASK_CERT"  # the app's own workers
HELPER_CERT_ENV = "EARMARK_BROKER_CA"  # a helper: the certificate its join line pinned

_signing = {"key": None}
_lock = threading.Lock()


class NotSentByApp(Exception):
    """A task message without the app's valid signature."""


def canonical(name: str, task_id: str, args, kwargs) -> bytes:
    """The bytes signed: stable across the JSON round trip a message makes."""
    return json.dumps([name, task_id, args if args is not None else [], kwargs or {}], sort_keys=True,
                      separators=(",", ":"), ensure_ascii=True).encode()


def use_signing_key(path: str | os.PathLike | None) -> None:
    """Sign every task this process sends from now on with the PEM key at *path*."""
    with _lock:
        _signing["key"] = _load_key(str(path)) if path else None


@lru_cache(maxsize=4)
def _load_key(path: str):
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    with open(path, "rb") as fh:
        return load_pem_private_key(fh.read(), password=None)


@lru_cache(maxsize=4)
def _load_public_key(path: str):
    from cryptography import x509

    with open(path, "rb") as fh:
        return x509.load_pem_x509_certificate(fh.read()).public_key()


def sign(name: str, task_id: str, args, kwargs, key=None) -> str:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    key = key or _signing["key"]
    # the JSON round trip first: a tuple arrives as a list, and that is what is checked
    args, kwargs = json.loads(json.dumps([args if args is not None else [], kwargs or {}]))
    signature = key.sign(canonical(name, task_id, args, kwargs), ec.ECDSA(hashes.SHA256()))
    return base64.b64encode(signature).decode()


def verifying_certificate() -> str | None:
    """The certificate this worker checks tasks against, or None (no check configured)."""
    return os.environ.get(CERT_ENV) or os.environ.get(HELPER_CERT_ENV) or None


def verify(name: str, task_id: str, args, kwargs, signature: str | None, cert_path: str | None = None) -> None:
    """Raise NotSentByApp unless *signature* is the app's over this task."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    cert_path = cert_path or verifying_certificate()
    if cert_path is None:
        return
    if not signature:
        raise NotSentByApp("unsigned")
    try:
        _load_public_key(cert_path).verify(base64.b64decode(signature), canonical(name, task_id, list(args or ()),
                                                                                  dict(kwargs or {})),
                                           ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError, TypeError) as exc:
        raise NotSentByApp("bad signature") from exc


def _on_publish(sender=None, body=None, headers=None, **_):
    """Celery's before_task_publish: the app signs what it sends; a worker re-sending a
    task it runs (a retry) carries the signature it received."""
    if headers is None or headers.get(HEADER):
        return
    task_id = headers.get("id")
    name = headers.get("task") or sender
    key = _signing["key"]
    if key is None and os.environ.get(KEY_ENV):
        use_signing_key(os.environ[KEY_ENV])
        key = _signing["key"]
    if key is not None and isinstance(body, (list, tuple)) and len(body) >= 2:
        headers[HEADER] = sign(name, task_id, body[0], body[1], key)
        return
    from celery import current_task

    request = getattr(current_task, "request", None)
    if request is not None and request.id == task_id and getattr(request, HEADER, None):
        headers[HEADER] = getattr(request, HEADER)


def install() -> None:
    from celery import signals

    signals.before_task_publish.connect(_on_publish, weak=False, dispatch_uid="earmark-sign")
