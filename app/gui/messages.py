"""What a job says (``workers.messages``: its errors and notices) in the window's language.

Workers and the app's core keep each sentence as English plus its catalogue key and values;
here the key's template is translated (context "Message", put in the .ts by
scripts/translations.py) and filled with the same values. A sentence without a key (a row
from an older Earmark, one not in the catalogue) and a translation its values do not fit
are shown in English, as they were kept."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.store.jobstore import said_error, stage_label
from workers.messages import TEMPLATES, Said

CONTEXT = "Message"
# values a sentence takes from declarations elsewhere, said as declared (workers.delivery.crash_words)
DECLARED = {"engine-crashed": ("Crash", ("engine", "cause", "works_on", "kept", "hint"))}


def words(said: Said | str | None) -> str:
    """*said* in the window's language ("" for None; text without a key as it is)."""
    if not isinstance(said, Said):
        return said or ""
    values = {name: words(value) if isinstance(value, Said) else value for name, value in said.values.items()}
    if said.key == "stages-cancelled":  # the stages by the names the job list gives them
        values["stages"] = ", ".join(QCoreApplication.translate("State", stage_label(name))
                                     for name in str(values.get("names", "")).split(",") if name)
    context, names = DECLARED.get(said.key, ("", ()))
    for name in names:
        text = str(values.get(name, ""))
        if text.strip():  # (a part the sentence joins to the one before keeps its space)
            values[name] = text[:len(text) - len(text.lstrip())] + QCoreApplication.translate(context, text.strip())
    try:
        return QCoreApplication.translate(CONTEXT, TEMPLATES[said.key]).format(**values)
    except (KeyError, IndexError, ValueError):  # a translation that asks for a value this sentence lacks
        return said.text


def job_error(row: dict | None) -> str:
    """A job's (or a stage's) error, as the store keeps it, in the window's language."""
    return words(said_error(row)) if row else ""


def notes_words(notes) -> str:
    """A transcript's notes (``JobStore.transcript_notes``, ``workers.messages.notes_of``) as one text."""
    return " ".join(words(note) for note in notes or ())
