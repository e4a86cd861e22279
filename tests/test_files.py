"""Careful with files: what is transcribed is what was added; exports never replace
each other; long names fit. Real broker, workers and tiny.en."""

import shutil
import subprocess
import sys

import pytest

from app.jobs.stack import Stack
from app.paths import DataDir
from app.settings import Settings
from app.store import jobstore as js
from tests.helpers import reference, wait_until, wer

pytestmark = pytest.mark.stack


def cli(data_dir, *args, timeout=300):
    cmd = [sys.executable, "-m", "app", "--data-dir", str(data_dir), *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def stack_of(data_dir, roles):
    data = DataDir.resolve(data_dir)
    return Stack(data, Settings(data.settings), roles=roles).open(wait_workers=bool(roles))


def test_a_file_replaced_while_queued_is_not_transcribed_under_the_old_hash(data_dir, corpus, tmp_path):
    added = tmp_path / "talk.flac"
    shutil.copy(corpus / "jfk.flac", added)
    stack = stack_of(data_dir, ())  # no worker yet: the job waits in the queue
    first = stack.service.intake(str(added), stack.settings.speech_options(summarize=False))
    stack.close()
    shutil.copy(corpus / "hotwords.mp3", added)  # replaced while it waited

    stack = stack_of(data_dir, ("transcribe", "index"))
    try:
        wait_until(lambda: stack.store.job(first.job_id)["state"] in js.FINAL, 120, message="the first job")
        job = stack.store.job(first.job_id)
        assert job["state"] == js.FAILED and "changed after it was added" in job["error"]
        assert stack.store.transcript(first.job_id) is None

        # an untouched copy of what was first added is transcribed, not "already done"
        copy = tmp_path / "copy.flac"
        shutil.copy(corpus / "jfk.flac", copy)
        second = stack.service.intake(str(copy), stack.settings.speech_options(summarize=False))
        assert second.reused_from is None
        wait_until(lambda: stack.store.job(second.job_id)["state"] in js.FINAL, 120, message="the copy")
        assert wer(reference("jfk"), stack.store.transcript(second.job_id)["text"]) <= 0.05
    finally:
        stack.close()


def test_exports_of_one_run_never_replace_each_other_and_long_names_fit(data_dir, corpus, tmp_path):
    (tmp_path / "d1").mkdir()
    (tmp_path / "d2").mkdir()
    one, two = tmp_path / "d1" / "same.flac", tmp_path / "d2" / "same.mp3"
    shutil.copy(corpus / "jfk.flac", one)
    shutil.copy(corpus / "hotwords.mp3", two)
    long = tmp_path / ("x" * 250 + ".flac")
    shutil.copy(corpus / "jfk.flac", long)
    out = tmp_path / "out"
    done = cli(data_dir, "transcribe", one, two, long, "--out", out)
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in out.iterdir())
    assert "same.txt" in names and "same (2).txt" in names and len(names) == 3, names
    assert not [n for n in names if n.endswith(".part")]
    texts = {(out / n).read_text() for n in ("same.txt", "same (2).txt")}
    assert len(texts) == 2  # two different transcripts, neither lost
    [longest] = [n for n in names if n.startswith("xxx")]
    assert len(longest.encode()) <= 255 and longest.endswith(".txt")
    assert wer(reference("jfk"), (out / "same.txt").read_text()) <= 0.05


def test_a_failed_export_of_one_file_spares_the_others(data_dir, corpus, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "jfk.txt").mkdir()  # where jfk's transcript should go, a folder is in the way
    shutil.copy(corpus / "hotwords.mp3", tmp_path / "other.mp3")
    done = cli(data_dir, "transcribe", corpus / "jfk.flac", tmp_path / "other.mp3", "--out", out)
    assert done.returncode == 1
    assert "jfk.flac: transcribed, but could not write the transcript" in done.stderr, done.stderr
    assert (out / "other.txt").read_text().strip() and "Traceback" not in done.stderr
