"""Guards against a Qt binding that breaks the app over time rather than at once."""

import sys

import pytest
from PySide6.QtCore import QObject, Signal

pytestmark = pytest.mark.gui


class Emitter(QObject):
    changed = Signal(int)


def test_emitting_signals_keeps_reference_counts_balanced(qapp):
    # PySide6 6.12.0 dropped a reference to True on every emit from Python: the
    # window, which emits on every Celery event, aborted after minutes of work.
    emitter = Emitter()
    received = []
    emitter.changed.connect(received.append)
    before = sys.getrefcount(True)
    for i in range(500):
        emitter.changed.emit(i)
    assert len(received) == 500
    assert abs(sys.getrefcount(True) - before) < 50
