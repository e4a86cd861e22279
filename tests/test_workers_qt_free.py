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
import importlib, pkgutil
import workers, workers.engines
for package in (workers, workers.engines):  # every module of workers/
    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")
from workers.celery_app import app
assert 'earmark.transcribe' in app.tasks
bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'app'))
print('LOADED', bad)
sys.exit(1 if bad else 0)
"""


def loads_nothing_forbidden(probe: str) -> None:
    """Run *probe* in a clean interpreter; it prints what it loaded that it must not."""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "LOADED []" in done.stdout


def test_workers_import_without_qt_or_app():
    loads_nothing_forbidden(PROBE)


APP_CORE = r"""
import importlib, pathlib, sys
import app
root = pathlib.Path(app.__file__).parent
for path in sorted(root.rglob("*.py")):  # every module of app/ but app/gui (walk_packages would import it)
    parts = path.relative_to(root.parent).with_suffix("").parts
    if parts[1] not in ("gui", "__main__"):
        importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6') or m.startswith('app.gui'))
print('LOADED', bad)
sys.exit(1 if bad else 0)
"""


def test_the_app_core_imports_without_qt():
    loads_nothing_forbidden(APP_CORE)


THIN_SEARCH = r"""
import subprocess, sys, tempfile
from app.cli.main import main
folder = tempfile.mkdtemp(prefix='em-')
code = main(['--data-dir', folder, 'search', 'anything'])
assert code == 1, code  # an empty library: nothing found
bad = sorted(m for m in sys.modules if m.split('.')[0] in ('celery', 'kombu', 'redis', 'billiard', 'faster_whisper',
                                                          'ctranslate2', 'numpy', 'PySide6'))
print('LOADED', bad)
sys.exit(1 if bad else 0)
"""


def test_search_from_the_command_line_imports_no_queue_engine_or_window():
    """``earmark search`` reads the store only: its fixed cost is Python and SQLite (issue
    32's thin command: Celery, kombu and redis alone cost it half a second)."""
    loads_nothing_forbidden(THIN_SEARCH)
