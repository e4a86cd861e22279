"""The app side's one error base: ``str(error)`` is the sentence a person reads.

Every error the app raises for a person's eyes (a broker that will not start, a join
line that is wrong, a download that failed, options that cannot be used) derives from
``AppError``, so a front end catches one type and shows its sentence; anything else is
a bug, logged with its traceback. The workers' twin is ``workers.errors.EarmarkError``
(workers cannot import app/), and ``SENTENCE_ERRORS`` names both."""

from __future__ import annotations

from workers.errors import EarmarkError
from workers.messages import Said


class AppError(Exception):
    """Base class: ``str(error)`` is the sentence shown to a person, in English; ``said`` the
    same from the catalogue (``workers.messages``; None for a sentence not in it)."""

    def __init__(self, message: str | Said):
        super().__init__(str(message))
        self.message, self.said = str(message), message if isinstance(message, Said) else None

    def __str__(self) -> str:
        return self.message


class OptionsProblem(AppError, ValueError):
    """Options a front end was given that cannot be used; *key* names the one."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


# What a front end shows as its sentence (anything else is logged as a bug).
SENTENCE_ERRORS = (AppError, EarmarkError)
