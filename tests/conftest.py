import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app.runtime.processes import die_with_parent
from tests.helpers import CORPUS, wait_until

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the speech corpus is missing: expected {CORPUS} (../shared/corpus)")
    return CORPUS


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def print_logs_if_failed(request, folder: Path) -> None:
    """A failed test shows the last lines of each process's log (CI keeps nothing else)."""
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed:
        return
    for log in sorted((folder / "logs").glob("*.log")):
        lines = log.read_text(errors="replace").splitlines()[-25:]
        print(f"--- {log.name} (last {len(lines)} lines)", *lines, sep="\n")


@pytest.fixture
def data_dir(request):
    """A fresh, short data folder (the broker's socket path must stay short)."""
    with tempfile.TemporaryDirectory(prefix="em-") as folder:
        yield Path(folder)
        print_logs_if_failed(request, Path(folder))


@pytest.fixture(scope="module")
def module_data_dir():
    with tempfile.TemporaryDirectory(prefix="em-") as folder:
        yield Path(folder)


def earmark_cmd(*args) -> list[str]:
    return [sys.executable, "-m", "app", *map(str, args)]


@pytest.fixture
def earmark():
    return earmark_cmd


def pytest_xdist_auto_num_workers(config):
    """``-n auto``: one test process per core, at most four (each test process may hold a
    stack of its own with its models loaded: memory, not cores, bounds it beyond that)."""
    return max(1, min(4, os.cpu_count() or 1))


def pytest_collection_modifyitems(config, items):
    """A stack test either joins the shared stack (``stack_shared``, set here for every test
    that uses it) or starts its own (``stack_own``): ``pytest -m stack_shared`` runs the
    first group alone, ``-m "not stack"`` neither."""
    for item in items:
        if "shared_stack" in item.fixturenames:
            item.add_marker(pytest.mark.stack)
            item.add_marker(pytest.mark.stack_shared)
        elif item.get_closest_marker("stack"):
            item.add_marker(pytest.mark.stack_own)


@pytest.fixture(scope="session")
def shared_stack():
    """One real stack for the whole run, as a person runs it: ``earmark serve`` (broker,
    every worker, beat) on a data folder of its own. Tests that only add jobs and wait for
    them join it (the window and the commands join a running stack as they do for a person)
    instead of paying a start, a model load and a stop each. They keep apart by their own
    files (``fresh_copy``: new bytes, so a new job) in their own folders; a test that kills,
    reconfigures or restarts processes takes a stack of its own (``stack_own``)."""
    with tempfile.TemporaryDirectory(prefix="em-") as folder:
        root = Path(folder)
        log = (root / "serve.out").open("w+")
        # it stops with this test process even when that is killed (a crash, faulthandler's exit
        # of a hung test: pyproject), rather than run on with its broker and workers
        serve = subprocess.Popen(earmark_cmd("--data-dir", root, "serve"), stdout=log, stderr=subprocess.STDOUT,
                                 preexec_fn=die_with_parent(signal.SIGTERM))
        try:
            wait_until(lambda: "Earmark is ready" in (root / "serve.out").read_text() or serve.poll() is not None,
                       180, message="the shared stack (earmark serve)")
            if serve.poll() is not None:
                pytest.fail(f"the shared stack did not start:\n{(root / 'serve.out').read_text()}")
            yield root
        finally:
            serve.terminate()
            try:
                serve.wait(120)
            except subprocess.TimeoutExpired:
                serve.kill()
                serve.wait()
            log.close()


def sign_for(folder: Path) -> None:
    """Tasks this process sends are signed with the key of the last stack it started or
    joined (one per process, as the app has one data folder): a test of its own stack in
    between changed it, so a test on the shared stack takes the shared one's again."""
    from app.paths import DataDir
    from app.remote.access import HelperAccess
    from workers import trust

    trust.use_signing_key(HelperAccess.of(DataDir.resolve(folder)).ensure().key_path)


@pytest.fixture
def joined_stack(request, shared_stack):
    """This test's own connection to the shared stack (a job service, the event monitor),
    joined as a second Earmark process joins a running one."""
    from app.jobs.stack import Stack
    from app.paths import DataDir
    from app.settings import Settings

    data = DataDir.resolve(shared_stack)
    stack = Stack(data, Settings(data.settings)).open()
    assert not stack.owner, "the shared stack should be running"
    yield stack
    stack.close()
    print_logs_if_failed(request, shared_stack)


@pytest.fixture(scope="module")
def module_window(qapp, shared_stack):
    """One window for a module's tests that only add jobs and wait for them: it joins the
    shared stack, as the window joins a running ``earmark serve`` for a person."""
    from app.gui.controller import AppController
    from app.gui.main_window import MainWindow
    from app.paths import DataDir

    window = MainWindow(AppController(DataDir.resolve(shared_stack)))
    window.show()
    window.controller.start()
    yield window
    controller = window.controller
    window.close()
    wait_until(lambda: (qapp.processEvents(), controller.is_stopped)[1], 60, message="the module's window to stop")


@pytest.fixture
def shared_window(request, qtbot, module_window, shared_stack, tmp_path):
    """The module's window, ready; this test's rows are those under its own folder
    (``tests.test_gui.row_of``), its files ``fresh_copy``'d there."""
    qtbot.waitUntil(lambda: module_window.controller.is_ready, timeout=120_000)
    module_window.activateWindow()  # a window opened since (another test's) took the keyboard
    qtbot.waitUntil(module_window.isActiveWindow)
    sign_for(shared_stack)
    module_window.test_folder = tmp_path
    yield module_window
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        mine = [r for r in module_window.model.rows if str(r["path"]).startswith(str(tmp_path))]
        print("--- this test's rows", *[(Path(r["path"]).name, r["state"], r["stage"], r["stage_state"], r["error"])
                                        for r in mine], sep="\n")
    print_logs_if_failed(request, shared_stack)
    module_window.test_folder = None
    # pause only what plays: Qt 6.11's FFmpeg player, paused while stopped, seeks to 0 and builds
    # its renderers; the next test's open_job() stops it during that build, which deadlocks the GUI
    # thread holding the GIL (pytest-timeout's thread can never fire: the whole run hangs)
    module_window.transcript.pause()
    module_window.search_box.clear()
