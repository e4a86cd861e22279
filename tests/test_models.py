"""The model manager against a model server on 127.0.0.1 (the hub cannot be reached
from here: this test's server stands in for it, with HF_ENDPOINT pointing at it as it
would at a mirror). It serves the bundled tiny.en files under the name of the catalog's
'tiny', so the downloaded model really transcribes."""

import hashlib
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app import models as manager
from tests.helpers import reference, wer
from workers.engines import catalog
from workers.engines.speech_models import bundled_model_path

REPO = "Systran/faster-whisper-tiny"


class Hub(http.server.ThreadingHTTPServer):
    def __init__(self, files: dict[str, bytes]):
        super().__init__(("127.0.0.1", 0), Handler)
        self.files = files
        self.wrong_sha: set[str] = set()
        self.no_size: set[str] = set()  # HEAD says nothing of the size
        self.no_sha: set[str] = set()  # HEAD gives no checksum
        self.git_ids: set[str] = set()  # HEAD gives the git blob id, as the hub does for small files
        self.drop: dict[str, int] = {}  # file → how many GETs to cut off half-way
        self.ranges: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _file(self):
        prefix = f"/{REPO}/resolve/main/"
        name = self.path[len(prefix):] if self.path.startswith(prefix) else None
        return name, self.server.files.get(name)

    def do_HEAD(self):
        name, data = self._file()
        if data is None:
            self.send_error(404)
            return
        sha = hashlib.sha256(data).hexdigest()
        if name in self.server.wrong_sha:
            sha = hashlib.sha256(b"something else").hexdigest()
        if name in self.server.git_ids:
            sha = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        self.send_response(200)
        if name not in self.server.no_sha:
            self.send_header("X-Linked-Etag" if len(sha) == 64 else "ETag", f'"{sha}"')
        if name not in self.server.no_size:
            self.send_header("X-Linked-Size", str(len(data)))
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()

    def do_GET(self):
        name, data = self._file()
        if data is None:
            self.send_error(404)
            return
        start = 0
        if self.headers.get("Range"):
            self.server.ranges.append(f"{name}:{self.headers['Range']}")
            start = int(self.headers["Range"].split("=")[1].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.server.drop.get(name, 0) > 0:  # the connection breaks half-way
            self.server.drop[name] -= 1
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(2)
            return
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client cancelled


@pytest.fixture
def hub(monkeypatch, tmp_path):
    model = bundled_model_path()
    files = {name: (model / name).read_bytes() for name in ("config.json", "model.bin", "tokenizer.json",
                                                              "vocabulary.txt") if (model / name).exists()}
    server = Hub(files)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    monkeypatch.setenv("EARMARK_MODEL_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    yield server
    server.shutdown()


def tiny_folder() -> Path:
    return catalog.folder_of(catalog.BY_NAME["tiny"])


def test_a_dropped_connection_resumes_and_the_model_is_used_by_the_next_job(hub, tmp_path, corpus):
    hub.drop["model.bin"] = 1
    seen = []
    folder = manager.download("tiny", on_progress=lambda done, total: seen.append((done, total)))
    assert catalog.installed(catalog.BY_NAME["tiny"]) and folder == tiny_folder()
    assert (folder / "model.bin").read_bytes() == hub.files["model.bin"]
    assert any(r.startswith("model.bin:bytes=") for r in hub.ranges)  # went on from where it broke
    totals = {t for _, t in seen}
    assert len(totals) == 1 and seen[-1][0] == seen[-1][1]
    assert len({d for d, _ in seen}) > 10 and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert not list(folder.glob("*.part")) and not (folder / ".partial").exists()

    # the next job uses it: the CLI with --model tiny, nothing downloaded by the worker
    done = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(tmp_path / "d"), "transcribe",
                           str(corpus / "jfk.flac"), "--model", "tiny", "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr
    assert wer(reference("jfk"), (tmp_path / "out" / "jfk.txt").read_text()) <= 0.05


def test_a_bad_checksum_is_refused_and_nothing_is_kept(hub, tmp_path):
    hub.wrong_sha.add("model.bin")
    done = subprocess.run([sys.executable, "-m", "app", "models", "download", "tiny"], capture_output=True,
                          text=True, timeout=120, env=dict(os.environ))
    assert done.returncode == 1 and "did not match the checksum" in done.stderr, done.stderr
    assert not (tiny_folder() / "model.bin").exists() and not (tiny_folder() / "model.bin.part").exists()
    assert not catalog.installed(catalog.BY_NAME["tiny"])
    listed = subprocess.run([sys.executable, "-m", "app", "models", "list"], capture_output=True, text=True,
                            timeout=60, env=dict(os.environ))
    [row] = [line for line in listed.stdout.splitlines() if line.startswith("tiny ")]
    assert "installed" not in row


def test_a_model_counts_only_when_complete_and_checked(hub, tmp_path):
    """A server that does not say a file's size installs nothing; a file nothing can check
    (no checksum pinned, none given) is refused unless the person says to take it; a small
    file's git blob id is a checksum too."""
    def models(*args):
        return subprocess.run([sys.executable, "-m", "app", "models", *args], capture_output=True, text=True,
                              timeout=120, env=dict(os.environ))

    hub.no_size.add("model.bin")
    done = models("download", "tiny")
    assert done.returncode == 1 and "did not say how large" in done.stderr, done.stderr
    assert "Downloaded" not in done.stdout and not catalog.installed(catalog.BY_NAME["tiny"])

    hub.no_size.clear()
    hub.no_sha.add("model.bin")
    hub.git_ids.update({"config.json", "tokenizer.json"})
    hub.files["model.bin"] = hub.files["model.bin"][:-16] + b"altered by hand!"
    done = models("download", "tiny")
    assert done.returncode == 1 and "gave no checksum for model.bin" in done.stderr, done.stderr
    assert not (tiny_folder() / "model.bin").exists() and not catalog.installed(catalog.BY_NAME["tiny"])
    done = models("download", "tiny", "--unverified")  # the person trusts this server
    assert done.returncode == 0, done.stderr
    assert catalog.installed(catalog.BY_NAME["tiny"])
    assert (tiny_folder() / "config.json").read_bytes() == hub.files["config.json"]  # checked by its git id


def test_a_broken_download_goes_on_in_the_next_run_and_a_cancel_keeps_nothing(hub):
    hub.drop["model.bin"] = manager.ATTEMPTS  # every try of this run breaks half-way
    with pytest.raises(manager.DownloadError, match="run it again"):
        manager.download("tiny")
    part = tiny_folder() / "model.bin.part"
    assert part.stat().st_size > 0 and not (tiny_folder() / "model.bin").exists()
    assert not catalog.installed(catalog.BY_NAME["tiny"])
    manager.download("tiny")  # the next run goes on from the part
    assert (tiny_folder() / "model.bin").read_bytes() == hub.files["model.bin"]
    assert manager.remove("tiny") and not tiny_folder().exists()

    cancel = threading.Event()

    def progress(done, total):
        if done > 1_000_000:
            cancel.set()
    with pytest.raises(manager.Cancelled):
        manager.download("tiny", on_progress=progress, cancel=cancel)
    assert not catalog.installed(catalog.BY_NAME["tiny"]) and not list(tiny_folder().glob("*.part"))


def test_downloads_respect_the_offline_switch_and_name_unknown_models(hub, monkeypatch):
    with pytest.raises(manager.DownloadError, match="No model named 'tiny-pirate'"):
        manager.download("tiny-pirate")
    for bundled in ("tiny.en", "base", "bundled"):  # listed: 'remove tiny.en' said "No model named 'tiny.en'"
        assert any(row["name"] == bundled and row["state"] == "bundled" for row in manager.listing())
        with pytest.raises(manager.DownloadError, match=f"^{bundled} comes with Earmark: there is nothing to"):
            manager.remove(bundled)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(manager.DownloadError, match="turned off"):
        manager.download("tiny")
    assert not hub.ranges and not tiny_folder().exists()


@pytest.mark.gui
@pytest.mark.stack
def test_settings_models_downloads_with_progress_and_the_next_job_uses_it(qtbot, hub, data_dir, corpus):
    from PySide6.QtWidgets import QDialog

    from app.gui.settings_dialog import SettingsDialog
    from app.store.jobstore import DONE
    from tests.test_gui import close_window, open_window

    window = open_window(qtbot, data_dir)
    try:
        dialog = SettingsDialog(window.controller.settings, window)
        qtbot.addWidget(dialog)
        dialog.open()
        models = dialog.models
        dialog.tabs.setCurrentWidget(models)
        row = next(i for i, r in enumerate(models.rows) if r["name"] == "tiny")
        models.table.selectRow(row)
        assert models.download_button.isEnabled() and not models.use_button.isEnabled()
        values = []
        models.bar.valueChanged.connect(values.append)
        with qtbot.waitSignal(models.finished, timeout=60_000):
            qtbot.mouseClick(models.download_button, Qt.LeftButton)
        assert len(set(values)) > 5 and values[-1] == 1000  # the bar moved, to the end
        assert "is downloaded" in models.state.text()
        assert models.table.item(row, 3).text() == "installed" and models.use_button.isEnabled()
        models.use_button.click()
        assert dialog.editors["model"].text() == "tiny"
        dialog.accept()
        assert dialog.result() == QDialog.Accepted and window.controller.settings["model"] == "tiny"

        qtbot.waitUntil(lambda: window.controller.is_ready, timeout=120_000)
        window.add_paths([str(corpus / "jfk.flac")])
        store = window.controller.store
        qtbot.waitUntil(lambda: bool(store.jobs()) and store.jobs()[0]["state"] in ("done", "failed"),
                        timeout=120_000)
        job = store.jobs()[0]
        assert job["state"] == DONE, job["error"]
        assert store.transcript(job["id"])["model"] == "tiny"
    finally:
        close_window(qtbot, window)
