"""workers/ must import with no trace of Qt: it runs in worker processes and on
machines without a GUI. Checked in a clean interpreter that refuses PySide6."""

import subprocess
import sys

PROBE = r"""
import sys
class RefuseQt:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6'):
            raise ImportError('workers/ tried to import ' + name)
        return None
sys.meta_path.insert(0, RefuseQt())
import workers, workers.celery_app, workers.config, workers.tasks, workers.main
import workers.media, workers.errors, workers.engines.speech
from workers.celery_app import app
assert 'earmark.transcribe' in app.tasks
bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'app'))
print('LOADED', bad)
sys.exit(1 if bad else 0)
"""


def test_workers_import_without_qt_or_app():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "LOADED []" in done.stdout
