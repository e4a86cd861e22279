"""A link instead of a file (app/jobs/links.py, ``Desk.add_link``): yt-dlp fetches the
recording, through ``earmark transcribe URL``, the window's File › Add link… and the
API's upload with a ``url`` field, with the real stack and workers.

The internet is what cannot run here: a small HTTP server on 127.0.0.1 stands in for it,
serving a corpus recording (a direct link to the media) and a page that holds it in an
<audio> element and links to it (yt-dlp's generic extractor), and answering 404 for a
link that is not there. Nothing goes beyond 127.0.0.1."""

import functools
import stat
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from app.jobs.desk import link_source
from app.store import jobstore as js
from app.store.jobstore import JobStore
from tests.helpers import fresh_copy, reference, wait_until, wer


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def site(tmp_path, corpus):
    """http://127.0.0.1:PORT/ serving talk.flac and speech.html (which holds page.flac);
    each recording new bytes of jfk.flac, so a new job on the shared stack."""
    root = tmp_path / "site"
    fresh_copy(corpus / "jfk.flac", root, "talk.flac")
    fresh_copy(corpus / "jfk.flac", root, "page.flac")
    (root / "speech.html").write_text(
        "<!DOCTYPE html><html><head><title>The inaugural address</title></head><body>"
        "<h1>The inaugural address</h1><audio controls src=\"page.flac\"></audio>"
        "<p><a href=\"page.flac\">Download the recording</a></p></body></html>")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_transcribe_a_direct_link_and_a_page_and_a_missing_link_fails_in_one_sentence(shared_stack, site, tmp_path):
    out = tmp_path / "out"
    direct, page, missing = f"{site}/talk.flac", f"{site}/speech.html", f"{site}/gone.flac"
    done = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(shared_stack), "transcribe", direct,
                           page, missing, "--out", str(out)], capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 1, done.stderr  # one link failed
    said = f"earmark: Could not download {missing}: HTTP Error 404: File not found."
    assert said in done.stderr.splitlines(), done.stderr
    assert "download" in done.stderr and "Traceback" not in done.stderr  # its progress was shown
    written = sorted(p.name for p in out.iterdir())
    assert written == ["The inaugural address.txt", "talk.txt"], written
    for name in written:
        assert wer(reference("jfk"), (out / name).read_text()) <= 0.05
    store = JobStore(shared_stack / "earmark.db")
    try:
        mine = {j["source"]: j for j in store.jobs(limit=200) if (j["source"] or "").startswith(f"link {site}")}
        assert set(mine) == {link_source(direct), link_source(page), link_source(missing)}
        failed = mine[link_source(missing)]
        assert failed["state"] == js.FAILED and failed["error"] == said.removeprefix("earmark: ")
        for url in (direct, page):  # fetched into the data folder, private
            path = Path(mine[link_source(url)]["path"])
            assert path.is_relative_to(shared_stack / "links") and private(path)
            # the command returned once the transcript was written; the running Earmark indexes it after
            wait_until(lambda: store.job(mine[link_source(url)]["id"])["state"] == js.DONE, 120,
                       message="indexed by the running Earmark")
    finally:
        store.close()


def test_the_window_adds_a_link_with_progress_from_its_menu_or_a_drop(qtbot, shared_window, site):
    from PySide6.QtCore import QObject, QUrl

    from tests.test_gui import drop

    window = shared_window
    said = []
    listening = window.controller.status.connect(said.append)
    try:
        url, dropped = f"{site}/speech.html", f"{site}/talk.flac"
        action = next(a for a in window.menuBar().actions()[0].menu().actions() if a.text() == "Add link…")
        action.trigger()
        window.link_box.setTextValue(url)
        window.link_box.accept()
        drop(window, [QUrl(dropped)])  # a link dragged from a browser

        def row(link):
            return next((r for r in window.model.rows if r.get("source") == link_source(link)), None)
        for link in (url, dropped):
            qtbot.waitUntil(lambda link=link: row(link) is not None and row(link)["state"] == js.DONE, timeout=180_000)
        assert Path(row(url)["path"]).name == "The inaugural address.flac"
        assert Path(row(dropped)["path"]).name == "talk.flac"
        assert any(s.startswith("Downloading ") and "%" in s for s in said), said
        came_from = next(i for i, c in enumerate(window.model.columns) if c.title == "From")
        index = next(i for i, r in enumerate(window.model.rows) if r["id"] == row(url)["id"])
        assert window.model.index(index, came_from).data() == f"link {url}"
    finally:
        QObject.disconnect(listening)  # the module window outlives this test


@pytest.mark.stack  # serve --api of its own (the API's module stack belongs to tests/test_api.py)
def test_the_api_takes_a_url_instead_of_a_file(site, data_dir):
    from tests.test_api import start_api, stop_api

    api = start_api(data_dir)
    try:
        with api.http() as http:
            answer = http.post("/api/transcripts/upload", files={"url": (None, f"{site}/talk.flac")})
            assert answer.status_code == 202, answer.text
            done = api.wait_done(http, answer.json()["job_id"])
            assert done["status"] == "done", done
            assert wer(reference("jfk"), done["result"]["text"]) <= 0.05
            gone = http.post("/api/transcripts/upload", files={"url": (None, f"{site}/gone.flac")})
            failed = api.wait_done(http, gone.json()["job_id"])
            assert failed["status"] == "failed"
            assert failed["error"] == f"Could not download {site}/gone.flac: HTTP Error 404: File not found."
            bad = http.post("/api/transcripts/upload", files={"url": (None, "ftp://example.org/a.mp3")})
            assert bad.status_code == 400 and bad.json()["error"]["param"] == "url"
    finally:
        stop_api(api)


@pytest.fixture
def slow_link(corpus):
    """(url, the bytes it serves, release): the first 64 KB of jfk.flac at once, the rest once
    the test sets *release*."""
    data = (corpus / "jfk.flac").read_bytes()
    release = threading.Event()

    class Slow(Quiet):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "audio/flac")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[:65536])
            self.wfile.flush()
            release.wait(60)
            try:
                self.wfile.write(data[65536:])
            except ConnectionError:  # a cancelled download hung up
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/slow.flac", data, release
    release.set()
    server.shutdown()
    server.server_close()


def test_a_download_cancelled_on_its_row_stops_and_retry_fetches_it_again(data_dir, slow_link):
    """No workers needed: the download, its cancel and the new job waiting for them."""
    from app.jobs.desk import Desk
    from app.paths import DataDir

    url, data, release = slow_link
    desk = Desk(DataDir(data_dir).ensure())
    try:
        job_id = desk.link_job(url)
        assert desk.store.job(job_id)["state"] == js.RUNNING and desk.store.job(job_id)["source"] == f"link {url}"
        seen, results = threading.Event(), []
        fetching = threading.Thread(target=lambda: results.append(
            desk.fetch(job_id, on_progress=lambda done, total: done and seen.set())))
        fetching.start()
        assert seen.wait(60), "the download never started"
        assert desk.act("cancel", job_id) is None
        release.set()
        fetching.join(60)
        job = desk.store.job(job_id)
        assert job["state"] == js.CANCELLED
        assert desk.store.stage(job_id, "transcribe")["error"] == f"The download of {url} was cancelled."
        assert not any((data_dir / "links").iterdir())  # what was fetched is gone
        assert desk.act("retry", job_id)  # fetched again, as a new job that waits for the workers
        [again] = [j for j in desk.store.jobs() if j["id"] != job_id]
        assert again["source"] == f"link {url}" and Path(again["path"]).read_bytes() == data
        assert private(Path(again["path"])) and again["state"] == js.QUEUED
    finally:
        desk.shut()


def test_a_command_that_goes_through_the_door_during_its_download_leaves_the_download_going(data_dir, slow_link):
    """``earmark transcribe URL`` through a running Earmark's command door (``app.jobs.door``),
    then Ctrl-C while the link downloads: the download goes on and its job gets its file, as a
    command's files do (it was failed: the progress sent to the command that had gone raised
    inside yt-dlp's hook). No workers needed: the job waits for them."""
    import json
    import socket

    from app.jobs.desk import Desk
    from app.jobs.door import CommandDoor
    from app.paths import DataDir

    url, data, release = slow_link
    desk = Desk(DataDir(data_dir).ensure())
    door = CommandDoor(desk).start()
    try:
        request = {"op": "transcribe", "files": [url], "asked": {}, "format": "txt", "out": str(data_dir / "out"),
                   "force": False, "wait_index": False}
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(60)
            sock.connect(str(door.path))
            sock.sendall(json.dumps(request).encode() + b"\n")
            with sock.makefile("rb") as answers:
                first = json.loads(answers.readline())
        assert first["rows"][0][:2] == [url, "download"], first  # it downloads; then the command goes
        release.set()
        [job] = wait_until(lambda: desk.store.jobs(), 30, message="the link's job")
        wait_until(lambda: desk.store.job(job["id"])["state"] != js.RUNNING, 60, message="the download done")
        job = desk.store.job(job["id"])
        assert job["state"] == js.QUEUED and Path(job["path"]).read_bytes() == data, job  # waits for the workers
    finally:
        door.stop()
        desk.shut()
