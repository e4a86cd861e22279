"""What a job says (its errors and notices, ``workers.messages``) reaches the window in the
window's language and stays English for everyone else (the command line, the API, exports,
logs): the store keeps the English with the catalogue's key and values beside it."""

from __future__ import annotations

import json
import string
import time

import numpy as np
import pytest

from app.store import jobstore as js
from app.store.jobstore import JobStore
from app.store.schema import SCHEMA, Database
from tests import voices_audio as va
from tests.helpers import fresh_copy
from workers import messages
from workers.errors import BadMediaError


def test_every_message_fills_its_template_and_its_german_asks_only_for_its_values():
    """Each template formats with the values it names; the German of each (the shipped .ts)
    names no value its English does not give, so the window never fails to fill one in."""
    import xml.etree.ElementTree as ET
    from pathlib import Path

    from app.gui import i18n

    def names(template):
        return {field for _, field, _, _ in string.Formatter().parse(template) if field}

    ts = ET.parse(Path(i18n.folder()) / "earmark_de.ts").getroot()
    [context] = [c for c in ts.iter("context") if c.findtext("name") == "Message"]
    german = {m.findtext("source"): m.findtext("translation") for m in context.iter("message")}
    for key, template in messages.TEMPLATES.items():
        said = messages.say(key, **dict.fromkeys(messages.value_names(key), "x"))
        assert "{" not in said.text, key
        assert german.get(template), f"{key} has no German"
        assert names(german[template]) <= messages.value_names(key), key
    with pytest.raises(KeyError):
        messages.say("no-such-message")
    with pytest.raises(KeyError):  # a sentence short of a value it always has
        messages.say("file-not-found")


def test_an_error_keeps_its_key_and_values_through_celery_and_a_look_alike():
    """Celery sends an exception as its arguments (JSON) and rebuilds it: as our own class when
    ``workers.errors`` is loaded, else as a look-alike of the same name. Both keep the English
    and the key; a sentence a helper sent with a key whose values do not fit keeps its English."""
    from celery.utils.serialization import create_exception_cls

    from app.jobs.dispatch import failure_message, failure_said
    from workers.celery_app import app

    sent = BadMediaError(messages.say("file-not-found", path="/in/talk.mp3"))
    back = app.backend.exception_to_python(app.backend.prepare_exception(sent, "json"))
    assert type(back) is BadMediaError and str(back) == "File not found: /in/talk.mp3"
    assert failure_said(back) == messages.Said("file-not-found", {"path": "/in/talk.mp3"})
    alike = create_exception_cls("BadMediaError", "celery.exceptions")(*back.args)
    assert failure_said(alike) == failure_said(back) and failure_message(alike) == "File not found: /in/talk.mp3"
    odd = create_exception_cls("ModelError", "celery.exceptions")("A helper's own words.", "file-not-found", {})
    assert failure_said(odd) == "A helper's own words."
    assert failure_said(BadMediaError("Words of no key.")) == "Words of no key."
    # a sentence in a sentence comes back whole; one nested past reason (a helper's) keeps its English
    inner = messages.say("file-not-found", path="/in/talk.mp3")
    part = messages.say("part-failed", why=inner, where="0:30")
    assert messages.said_from(part.plain()) == part
    deep = part.plain()
    for _ in range(10_000):
        deep = {"key": "part-failed", "values": {"why": deep, "where": "0:30"}}
    assert messages.said_from(deep) is None
    assert failure_said(create_exception_cls("ModelError", "celery.exceptions")("Deep.", "part-failed",
                                                                                  deep["values"])) == "Deep."


def test_a_failure_stored_before_keys_shows_its_english(tmp_path):
    """A job that failed under schema 14 (no key kept) is still there after the migration,
    and its error is its English, as it was shown."""
    path = tmp_path / "earmark.db"
    import sqlite3

    db = sqlite3.connect(path)
    for script in SCHEMA[:14]:
        db.executescript(script)
    db.execute("PRAGMA user_version=14")
    db.execute("INSERT INTO jobs (id, path, state, error, created_at, updated_at) VALUES "
               "('old', '/in/a.mp3', 'failed', 'File not found: /in/a.mp3', 1, 1)")
    db.commit()
    db.close()
    assert Database(path).schema_version == len(SCHEMA)
    store = JobStore(path)
    job = store.job("old")
    assert job["error_said"] is None and js.said_error(job) == "File not found: /in/a.mp3"
    new = store.create_job("/in/b.mp3", stages=["transcribe"])
    store.update_stage(new, "transcribe", state=js.FAILED, error=messages.say("empty-file", path="/in/b.mp3"))
    job = store.job(new)
    assert job["error"] == "The file is empty (0 bytes): /in/b.mp3"
    assert js.said_error(job) == messages.Said("empty-file", {"path": "/in/b.mp3"})
    assert json.loads(job["error_said"]) == {"key": "empty-file", "values": {"path": "/in/b.mp3"}}


@pytest.mark.gui
@pytest.mark.stack
def test_the_german_window_says_a_jobs_error_and_notice_in_german(qtbot, data_dir, corpus, tmp_path):
    """The real window in German, with its own stack (it asks for speakers in its settings):
    AMI trn02 (a far voice, no words heard) ends done with its notice, a minute of silence
    fails in the speaker worker with "no speech", a text file named .mp3 fails at intake.
    The Note column, the failed rows' progress cells and the status line say it in German; the
    store (which the command line, the API and the exports read) keeps it in English; a row
    kept without a key (as before schema 15) shows its English."""
    from PySide6.QtWidgets import QApplication

    from app.gui import i18n
    from app.gui.main_window import ProgressDelegate
    from tests.test_gui import close_window, open_window, row_of, wait_states

    (data_dir / "settings.json").write_text('{"version": 2, "speakers": "auto", "summarize": false}')
    far = fresh_copy(corpus / "diarization" / "ami_trn02.wav", tmp_path)
    silence = va.write_wav(tmp_path / "stille.wav", np.zeros(16000 * 60, np.float32))
    text = tmp_path / "notizen.mp3"
    text.write_text("Einkaufsliste: Milch, Brot, Kaffee.\n" * 20)
    translators = i18n.install(QApplication.instance(), "de")
    assert translators, "earmark_de.qm did not load"
    window = open_window(qtbot, data_dir)
    try:
        window.add_paths([str(far), str(silence), str(text)])
        wait_states(qtbot, window, [far.name, silence.name, text.name])
        store = window.controller.store

        def note(name):
            window.model.refresh()
            index = next(i for i, r in enumerate(window.model.rows) if r["id"] == row_of(window, name)["id"])
            return window.model.index(index, 4).data()  # the Note column

        heard = row_of(window, far.name)
        assert heard["state"] == js.DONE, heard
        assert note(far.name).startswith("In dieser Aufnahme wurden keine Wörter erkannt, aber 1 Sprecher war "
                                         "insgesamt "), note(far.name)
        assert "Einstellungen › Modelle" in note(far.name) and "small.en oder distil-small.en" in note(far.name)
        [english] = store.transcript(heard["id"])["notes"]
        assert english.startswith("No words were recognised in this recording, but 1 speaker could be heard"), english
        window.open_job(heard["id"])
        assert window.status_label.text() == f"{far.name}: {note(far.name)}"

        quiet = row_of(window, silence.name)
        assert quiet["state"] == js.FAILED, quiet
        assert note(silence.name) == "In dieser Aufnahme wurde keine Sprache gefunden."
        assert ProgressDelegate.text(quiet, "") == "In dieser Aufnahme wurde keine Sprache gefunden."
        assert store.job(quiet["id"])["error"] == "No speech was found in this recording."
        window.open_job(quiet["id"])
        assert window.status_label.text() == f"{silence.name}: In dieser Aufnahme wurde keine Sprache gefunden."

        refused = row_of(window, text.name)
        assert refused["state"] == js.FAILED, refused
        assert note(text.name) == f"Das ist eine Textdatei, keine Aufnahme: {text}"
        assert store.job(refused["id"])["error"] == f"This is a text file, not a recording: {text}"

        # a row as Earmark kept it before the key (schema 14): its English, as it was shown
        with store.transaction() as db:  # (its stage too: the job's row is made again from its stages)
            db.execute("UPDATE stages SET error_said=NULL WHERE job_id=?", (refused["id"],))
            db.execute("UPDATE jobs SET error_said=NULL, updated_at=? WHERE id=?", (time.time(), refused["id"]))
        shown = note(text.name)
        assert shown == f"This is a text file, not a recording: {text}", shown
    finally:
        close_window(qtbot, window)
        i18n.remove(QApplication.instance(), translators)


@pytest.mark.gui
def test_a_weak_translation_is_cautioned_in_german_in_the_window_and_in_english_elsewhere(qtbot):
    """The translation-quality caution is one sentence of the catalogue: Settings and the
    Translate dialog say it in the window's language, the command line and the API in English."""
    from PySide6.QtWidgets import QApplication

    from app.gui import i18n
    from app.gui.settings_dialog import caution
    from workers.engines.llm import translation_warning

    assert translation_warning("text", "bundled").startswith("The bundled translation model (SmolLM2-135M) scored 37")
    assert translation_warning("speech", "base").startswith("Whisper 'base' scored 37 of 100")
    translators = i18n.install(QApplication.instance(), "de")
    try:
        assert caution("translate_to", {"translate_to": "fr", "llm_model": "bundled"}).startswith(
            "Das mitgelieferte Übersetzungsmodell (SmolLM2-135M) erreichte 37 von 100 Punkten")
        assert caution("task", {"task": "translate", "model": "base"}).startswith(
            "Whisper „base“ erreichte 37 von 100 Punkten")
    finally:
        i18n.remove(QApplication.instance(), translators)
    assert caution("translate_to", {"translate_to": "fr", "llm_model": "bundled"}) == translation_warning(
        "text", "bundled")


@pytest.mark.gui
def test_a_cancelled_stage_and_a_parts_failure_are_said_in_german_with_their_english_kept(qtbot, tmp_path):
    """Two sentences the app makes of others: "Summary cancelled; the transcript is done." names
    its stages as the job list does (in German: the State context's words), and a part of a
    long file that failed says the part's own sentence inside "the part at …", both German."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from app.gui import i18n
    from app.gui.messages import job_error
    from app.jobs.chunkflow import ChunkFlow

    store = JobStore(tmp_path / "earmark.db")
    done = store.create_job("/in/talk.mp3", stages=["transcribe", "summarize"])
    store.update_stage(done, "transcribe", state=js.DONE)
    store.update_stage(done, "summarize", state=js.CANCELLED)
    assert store.job(done)["error"] == "Summary cancelled; the transcript is done."
    long = store.create_job("/in/long.mp3", stages=["transcribe"])
    store.save_chunk_plan(long, [{"index": 0, "start": 600.0, "end": 1200.0, "regions": []}])
    flow = ChunkFlow(store, dispatch=None, data_root=tmp_path)
    flow.failed(store.chunk(long, 0), BadMediaError(messages.say("audio-corrupt", path="/in/long.mp3")).said, None)
    assert store.job(long)["error"] == ("The audio in this file is corrupt and cannot be decoded: /in/long.mp3 "
                                        "(the part at 10:00–20:00; the other parts are kept)")
    translators = i18n.install(QApplication.instance(), "de")
    try:
        summary = QCoreApplication.translate("State", "Summary")
        assert summary != "Summary"
        assert job_error(store.job(done)) == f"Abgebrochen: {summary}; das Transkript ist fertig."
        assert job_error(store.job(long)) == ("Der Ton in dieser Datei ist beschädigt und kann nicht dekodiert "
                                              "werden: /in/long.mp3 (der Teil bei 10:00–20:00; die anderen Teile "
                                              "bleiben erhalten)")
    finally:
        i18n.remove(QApplication.instance(), translators)
    assert job_error(store.job(done)) == "Summary cancelled; the transcript is done."


@pytest.mark.gui
def test_a_number_in_a_sentence_is_written_as_the_windows_language_writes_it(qtbot):
    """The German walk (round 2): the no-words notice said "1 Sprecher war insgesamt 0.4 s lang zu
    hören", an English decimal point in a German sentence, and the queue panel's run times "7.9 s".
    The German window writes "0,4 s" and "7,9 s"; English and the store keep "0.4"; a value that
    is no number keeps its points."""
    from PySide6.QtWidgets import QApplication

    from app.gui import i18n
    from app.gui.messages import words
    from app.gui.queue_panel.tasks_model import secs

    heard = messages.say("no-words-one", seconds="0.4", first="small.en", second="distil-small.en")
    assert "for 0.4 s in all" in words(heard) and "0.4 s" in heard.text
    translators = i18n.install(QApplication.instance(), "de")
    try:
        assert "insgesamt 0,4 s lang zu hören" in words(heard), words(heard)
        assert "etwa small.en oder distil-small.en" in words(heard)  # names keep their points
        assert secs(7.94) == "7,9 s" and secs(0.25) == "250 ms"
    finally:
        i18n.remove(QApplication.instance(), translators)
    assert "for 0.4 s in all" in words(heard) and secs(7.94) == "7.9 s"


@pytest.mark.gui
def test_a_crash_is_said_in_german_with_the_parts_its_stage_declares(qtbot):
    """A task that crashed its process every time fails with a sentence made of its stage's
    declarations (its engine, what it works on, what its failure keeps) and the cause's hint:
    in the German window each part is German too (context "Crash"), in English as before."""
    from PySide6.QtWidgets import QApplication

    from app.gui import i18n
    from app.gui.messages import words
    from app.jobs.dispatch import failure_said
    from workers.celery_app import app
    from workers.delivery import crash_said
    from workers.errors import EngineCrashed

    said = crash_said("earmark.diarize", "killed", 3)
    back = app.backend.exception_to_python(app.backend.prepare_exception(EngineCrashed(said), "json"))
    assert failure_said(back) == said
    assert said.text.startswith("The speaker engine crashed (killed) 3 times on this recording, so Earmark")
    translators = i18n.install(QApplication.instance(), "de")
    try:
        assert words(said) == (
            "Die Sprechererkennung ist 3-mal abgestürzt (von außen beendet) bei dieser Aufnahme; Earmark hat es "
            "deshalb aufgegeben. Das Transkript bleibt ohne Sprecher erhalten. Der Prozess wurde von außen beendet, "
            "meist weil dem Rechner der Speicher ausging. Die anderen Dateien sind nicht betroffen.")
        assert words(crash_said("earmark.summarize", "exit code 3", 2)).startswith(
            "Das Zusammenfassungsmodul ist 2-mal abgestürzt (exit code 3) bei diesem Transkript; Earmark hat es "
            "deshalb aufgegeben. Das Transkript bleibt ohne Notizen erhalten. Die anderen")  # notes are optional
    finally:
        i18n.remove(QApplication.instance(), translators)
