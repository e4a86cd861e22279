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


@pytest.fixture
def data_dir():
    """A fresh, short data folder (the broker's socket path must stay short)."""
    with tempfile.TemporaryDirectory(prefix="em-") as folder:
        yield Path(folder)


@pytest.fixture(scope="module")
def module_data_dir():
    with tempfile.TemporaryDirectory(prefix="em-") as folder:
        yield Path(folder)


def earmark_cmd(*args) -> list[str]:
    return [sys.executable, "-m", "app", *map(str, args)]


@pytest.fixture
def earmark():
    return earmark_cmd
