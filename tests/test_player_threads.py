"""Qt's media threads must never need Python's lock from the transcript view's player.

The suite once hung for good in ``TranscriptWidget.open_job``: the GUI thread, holding
Python's lock, waited in ``QMediaPlayer.setSource`` for a signal lock that an FFmpeg
thread held while it asked Python (for Python's lock) whether the Python-made player
overrides ``disconnectNotify``. The binding asks that once per object and then remembers
the answer; ``settle_virtuals`` asks on the GUI thread, at once. These tests watch, with a
subclass that records which attributes are looked up on it, whether a disconnect made by
Qt in C++ (as the FFmpeg back end's are) still asks Python."""

import pytest
from PySide6.QtCore import SIGNAL, SLOT, QEvent, QObject, QTimer
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtWidgets import QApplication

from app.gui import transcript_view
from app.store.jobstore import JobStore

pytestmark = pytest.mark.gui


def recording(cls):
    """*cls* with every attribute looked up on its objects written down in ``asked``."""
    class Recording(cls):
        asked: list[str] = []

        def __getattribute__(self, name):
            type(self).asked.append(name)
            return super().__getattribute__(name)

    return Recording


def a_cpp_disconnect_asks_python(sender: QObject, signal: str) -> bool:
    """Connect *sender* to an object through C++, destroy that object (Qt then calls
    ``sender->disconnectNotify``) and tell whether Python was asked about it."""
    receiver = QTimer()
    assert QObject.connect(sender, SIGNAL(signal), receiver, SLOT("stop()"))
    type(sender).asked.clear()
    receiver.deleteLater()
    QApplication.sendPostedEvents(receiver, QEvent.DeferredDelete)
    return "disconnectNotify" in type(sender).asked


def test_python_is_asked_once_per_object_and_settling_asks_it_first(qtbot):
    """The hazard, so the check below can fail: a fresh player's first disconnect asks
    Python (from whichever thread it happens on), the second does not; a settled one never.
    (If a PySide6 release stops asking, the first assertion fails and settle_virtuals can go.)"""
    player = recording(QMediaPlayer)()
    assert a_cpp_disconnect_asks_python(player, "positionChanged(qint64)")
    assert not a_cpp_disconnect_asks_python(player, "positionChanged(qint64)")
    settled = recording(QMediaPlayer)()
    transcript_view.settle_virtuals(settled)
    assert not a_cpp_disconnect_asks_python(settled, "positionChanged(qint64)")


def test_the_transcript_views_player_and_sound_output_are_settled(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(transcript_view, "QMediaPlayer", recording(QMediaPlayer))
    monkeypatch.setattr(transcript_view, "QAudioOutput", recording(QAudioOutput))
    store = JobStore(tmp_path / "earmark.db")
    try:
        view = transcript_view.TranscriptWidget(store)
        qtbot.addWidget(view)
        assert not a_cpp_disconnect_asks_python(view.player, "positionChanged(qint64)")
        assert not a_cpp_disconnect_asks_python(view.audio, "volumeChanged(float)")
    finally:
        store.close()
