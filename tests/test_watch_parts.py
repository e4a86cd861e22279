"""The watch's parts that need no stack: a watched file is read for its hash once, and
two recordings with one name in a folder get outputs of their own; a file that fails is
said once."""

import shutil

from app.jobs import service
from app.jobs.desk import Desk
from app.jobs.watch import WATCH_JOB_FAILED, FolderWatch, output_stem, watched
from app.paths import DataDir
from workers import media


def test_two_recordings_with_one_name_write_under_their_whole_names(tmp_path):
    for name in ("talk.mp3", "Talk.wav", "talk.txt", ".talk.flac", "talk.m4a.part", "alone.flac"):
        (tmp_path / name).write_bytes(b"x")
    assert output_stem(str(tmp_path / "talk.mp3")) == "talk.mp3"
    assert output_stem(str(tmp_path / "Talk.wav")) == "Talk.wav"  # names differing in case meet on some disks
    assert output_stem(str(tmp_path / "alone.flac")) == "alone"
    (tmp_path / "Talk.wav").unlink()
    assert output_stem(str(tmp_path / "talk.mp3")) == "talk"  # a transcript, a hidden file, a download: no twins


def test_a_watched_file_is_read_for_its_hash_once(data_dir, tmp_path, corpus, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(corpus / "jfk.flac", folder / "jfk.flac")
    hashed = []
    real = media.hash_file

    def counting(path, *args, **kwargs):  # the real hash, counted
        hashed.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(media, "hash_file", counting)  # the watch's
    monkeypatch.setattr(service, "hash_file", counting)  # the desk's intake
    desk = Desk(DataDir(data_dir).ensure())  # no stack: the job waits as pending
    try:
        watch = FolderWatch(desk, watched([str(folder)], None, ["txt"]), settle_seconds=0)
        assert watch.scan() == []  # seen; taken once it has not changed
        [job_id] = watch.scan()
        assert hashed == [str(folder / "jfk.flac")]
        job = desk.store.job(job_id)
        assert job["file_hash"] == real(str(folder / "jfk.flac")) and job["path"] == str(folder / "jfk.flac")
    finally:
        desk.shut()


def test_an_empty_file_and_a_text_file_named_as_a_recording_fail_once_each_with_a_sentence(data_dir, tmp_path):
    """An empty file was looked at for ever ("Found", then nothing: never taken, never said);
    a file that failed was said nowhere on ``serve --watch``'s output (only "Took")."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.mp3").write_bytes(b"")
    (folder / "notes.mp3").write_text("what we said at the pottery meeting, typed up\n")
    said = []
    desk = Desk(DataDir(data_dir).ensure())  # no stack: both are refused at intake
    try:
        watch = FolderWatch(desk, watched([str(folder)], None, ["txt"]), settle_seconds=0, on_notice=said.append)
        assert watch.scan() == []  # seen
        taken = watch.scan()
        assert len(taken) == 2 and watch.waiting() == []
        assert {desk.store.job(j)["state"] for j in taken} == {"failed"}
        watch.export()
        failed = sorted(n.text for n in said if n.kind == WATCH_JOB_FAILED)
        assert failed == [f"Failed {folder / 'empty.mp3'}: The file is empty (0 bytes): {folder / 'empty.mp3'}",
                          (f"Failed {folder / 'notes.mp3'}: This is a text file, not a recording: "
                           f"{folder / 'notes.mp3'}")], said
        # with the catalogue's key beside the English, for the window to word
        assert sorted(n.values["said"]["key"] for n in said if n.kind == WATCH_JOB_FAILED) == ["empty-file", "text-file"]
        watch.export()
        watch.scan()
        assert len([n for n in said if n.kind == WATCH_JOB_FAILED]) == 2  # once each, and not taken again
        assert len(desk.store.jobs()) == 2
    finally:
        desk.shut()


UNREADABLE_PROBE = r"""
import sys
from pathlib import Path
from app.jobs.desk import Desk
from app.jobs.watch import FolderWatch, watched
from app.paths import DataDir
said = []
desk = Desk(DataDir(Path(sys.argv[1])).ensure())  # no stack: the job is refused at intake
try:
    watch = FolderWatch(desk, watched([sys.argv[2]], None, ["txt"]), settle_seconds=0, on_notice=said.append)
    for _ in range(6):
        watch.scan()
    watch.export()
    print("JOBS", [(job["state"], job["error"]) for job in desk.store.jobs()])
    print("SAID", [notice.kind for notice in said])
finally:
    desk.shut()
"""


def test_an_unreadable_file_fails_once_with_its_reason_not_found_again_for_ever(data_dir, tmp_path, corpus):
    """A file Earmark may not read was dropped from the round and "Found" again the next,
    for ever (a line every few seconds on serve --watch), with no job and no reason."""
    import os
    import subprocess
    import sys

    folder = tmp_path / "in"
    folder.mkdir()
    locked = folder / "locked.flac"
    shutil.copy(corpus / "jfk.flac", locked)
    locked.chmod(0)
    # root reads any file; without these capabilities it may not read this one either (as in test_cli)
    drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-dac_override,-dac_read_search", "--"] if os.getuid() == 0 else []
    done = subprocess.run([*drop, sys.executable, "-c", UNREADABLE_PROBE, str(data_dir), str(folder)],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert f"JOBS [('failed', 'Permission denied: cannot read {locked}')]" in done.stdout, done.stdout
    assert "SAID ['watch-seen', 'watch-taken', 'watch-job-failed']" in done.stdout, done.stdout


def test_a_named_pipe_named_as_a_recording_holds_up_neither_the_watch_nor_the_intake(data_dir, tmp_path, corpus):
    """A FIFO called talk.mp3: opening it to hash it waits for a writer, for ever. The
    intake (earmark transcribe, the door of a running Earmark) hung on it; the watch would."""
    import os
    import threading

    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "talk.mp3")
    shutil.copy(corpus / "jfk.flac", folder / "jfk.flac")
    desk = Desk(DataDir(data_dir).ensure())  # no stack: the recording waits as pending
    try:
        results = {}

        def look():
            watch = FolderWatch(desk, watched([str(folder)], None, ["txt"]), settle_seconds=0)
            results["taken"] = watch.scan() + watch.scan()
            results["added"] = desk.add([str(folder / "talk.mp3")], keep_bad=True).jobs

        looking = threading.Thread(target=look, daemon=True)
        looking.start()
        looking.join(60)
        assert not looking.is_alive(), "held at the pipe"
        [taken] = results["taken"]  # the recording, and not the pipe
        assert desk.store.job(taken)["path"] == str(folder / "jfk.flac")
        [pipe] = results["added"]
        assert pipe.state == "failed"
        assert desk.store.job(pipe.job_id)["error"] == f"Not a regular file (a device, pipe or socket): {folder / 'talk.mp3'}"
    finally:
        desk.shut()
