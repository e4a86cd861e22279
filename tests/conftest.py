import os
import sys
import tempfile
from pathlib import Path

import pytest

from tests.helpers import CORPUS

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
