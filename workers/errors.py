"""Errors that carry a message meant for a person, and whether a retry can help.

Celery ships exceptions to the app as JSON (type, module, arguments), so every class
here takes the sentence, and for one of the catalogue (``workers.messages``) its key and
values, as plain arguments, and lives in an importable module.
"""

from workers.messages import Said, said_from, say

NO_SPEECH = say("no-speech")


def __getattr__(name: str):
    """``BROKER_ERRORS``: what a broker that is away (restarting, or gone) raises at a
    caller: a fault that passes; whoever meets it waits and tries again rather than failing
    a job. (BackendError: Celery's result backend gave up its own retries, e.g.
    BackendGetMetaError.) Made on first use: importing Celery, kombu and redis costs a
    command that never talks to the broker (``earmark search``) half a second."""
    if name != "BROKER_ERRORS":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from celery.exceptions import BackendError
    from kombu.exceptions import OperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    errors = (RedisConnectionError, RedisTimeoutError, OperationalError, ConnectionError, BackendError)
    globals()["BROKER_ERRORS"] = errors
    return errors


class EarmarkError(Exception):
    """Base class: ``str(error)`` is the sentence shown on the job, in English; ``said`` the
    same from the catalogue (None for a sentence not in it), which the window translates.
    Raised with a ``Said`` (``workers.messages.say``); its arguments are then (English,
    key, values), as Celery sends them and rebuilds the error with."""

    permanent = True

    def __init__(self, message: "str | Said", key: str | None = None, values: dict | None = None):
        said = message if isinstance(message, Said) else said_from({"key": key, "values": values})
        text = str(message)  # as sent: a rebuilt error keeps its sentence, whatever its values fill in
        super().__init__(*((text, said.key, said.plain()["values"]) if said else (text,)))
        self.message, self.said = text, said

    def __str__(self) -> str:
        return self.message


class BadMediaError(EarmarkError):
    """The input file cannot be transcribed: missing, empty, corrupt, no audio."""


class NoSpeechError(BadMediaError):
    """The recording holds no speech (silence, a tone): nothing to transcribe."""

    def __init__(self, message: "str | Said" = NO_SPEECH, key: str | None = None,
                 values: dict | None = None):
        super().__init__(message, key, values)


class ModelError(EarmarkError):
    """The chosen model is not on this machine and cannot be fetched."""


class TransientError(EarmarkError):
    """A fault that may pass by itself (disk busy, broker hiccup); retried."""

    permanent = False


class EngineCrashed(EarmarkError):
    """The task's process died (a native crash, a kill) on every try; not tried again."""


class UntrustedTask(EarmarkError):
    """A task message the app did not send (no valid signature): refused, never run."""


class RefusedResult(EarmarkError):
    """A worker's result that does not fit its task (shape, size, times): not stored."""
