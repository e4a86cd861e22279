"""The front desk (app/jobs/desk.py) is every front end's one way in: paths in, jobs out,
the poll tick with its automatic export, the export of a job. Driven here without Qt,
through the real broker, workers and tiny.en, exactly as the window and the command line
call it; and ``earmark transcribe FOLDER`` / ``earmark serve`` with auto-export on,
through the real command line."""

import json
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.jobs import desk as front
from app.jobs.desk import Desk
from app.paths import DataDir
from app.store import jobstore as js
from app.store.jobstore import JobStore
from tests.helpers import reference, wait_until, wer

pytestmark = pytest.mark.stack


def a_folder_of_recordings(where: Path, corpus: Path) -> Path:
    """jfk.flac, sub/hotwords.mp3, and a note and a hidden file that are not recordings."""
    folder = where / "recordings"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(corpus / "jfk.flac", folder / "jfk.flac")
    shutil.copy(corpus / "hotwords.mp3", folder / "sub" / "hotwords.mp3")
    (folder / "agenda.txt").write_text("not a recording")
    (folder / ".hidden.wav").write_bytes(b"")
    return folder


def write_settings(data_dir: Path, **values) -> None:
    (data_dir / "settings.json").write_text(json.dumps({**values, "version": 2}))


def test_the_desk_turns_a_folder_into_jobs_and_exports_them_when_done(data_dir, tmp_path, corpus):
    out = tmp_path / "exported"
    write_settings(data_dir, export_when_done=True, export_folder=str(out), export_formats="txt,srt",
                   summarize=False)
    folder = a_folder_of_recordings(tmp_path, corpus)
    desk = Desk(DataDir(data_dir).ensure())
    try:
        # before the stack is open a job is recorded and waits (the window's early drop)
        early = desk.add([folder / "jfk.flac"])
        [job] = early.jobs
        assert job.state == js.PENDING and desk.store.job(job.job_id)["state"] == js.QUEUED

        assert desk.open(roles=("transcribe", "index"), wait_workers=True) == []
        desk.send_pending()  # the window's call once it is ready: the stack's start has sent it already
        assert desk.store.stage(job.job_id, "transcribe")["task_id"]
        taken = []
        added = desk.add([folder], on_job=taken.append)
        assert [Path(i.path).name for i in added.jobs] == ["jfk.flac", "hotwords.mp3"] == [
            Path(i.path).name for i in taken]
        assert added.skipped == [str(folder / "agenda.txt")] and added.refused == []
        kinds = [n.kind for n in added.notices]
        assert kinds == [front.SKIPPED, front.ALREADY_QUEUED]  # jfk joined the job waiting for it
        assert added.notices[0].text == "Skipped 1 file in the folder that is not a recording (agenda.txt)."
        assert added.jobs[0].job_id == job.job_id and added.jobs[0].already_active

        exported: dict[str, list[str]] = {}

        def ticked():
            tick = desk.tick()
            assert tick.answered and not tick.notices
            exported.update(tick.exported)
            return set(exported) == set(added.job_ids)
        wait_until(ticked, 180, 0.2, "both jobs exported by the tick")
        assert sorted(Path(p).name for paths in exported.values() for p in paths) == [
            "hotwords.srt", "hotwords.txt", "jfk.srt", "jfk.txt"]
        assert wer(reference("jfk"), (out / "jfk.txt").read_text()) <= 0.05
        for job_id in added.job_ids:
            assert desk.store.job(job_id)["state"] == js.DONE
        assert not desk.tick().exported  # once each

        # the same recording again: the answer, not a second run; --force runs it again
        again = desk.add([folder / "jfk.flac"])
        assert again.jobs[0].already_done and [n.kind for n in again.notices] == [front.ALREADY_DONE]
        assert len(desk.store.jobs()) == 2
        # a job's export on request: every part that exists, beside each other
        written = desk.export(job.job_id, ["vtt", "json"], str(tmp_path / "asked"), stem="talk",
                              parts=front.PARTS)
        assert [Path(p).name for p in written] == ["talk.vtt", "talk.json"]
        assert desk.ready_parts(job.job_id) == {front.TRANSCRIPT}
    finally:
        desk.shut()


def test_options_are_checked_where_they_are_built(data_dir):
    desk = Desk(DataDir(data_dir).ensure())
    try:
        options = desk.job_options(beam_size=3, speakers="2-4", language=None)
        assert options["beam_size"] == 3 and options["speakers"] == "2-4" and options["language"] is None
        for key, value, words in (("beam_size", 40, "between 1 and 20"), ("speakers", "many", "auto, a number"),
                                  ("summary_template", "nope", "No summary template named 'nope'")):
            with pytest.raises(front.OptionsProblem) as problem:
                desk.job_options(**{key: value})
            assert problem.value.key == key and words in str(problem.value)
        # several threads at once (the window's intake, actions and poll threads)
        results, errors = [], []

        def add_one(i):
            try:
                results.append(desk.add([f"/nowhere/{i}.wav"]))
            except Exception as exc:  # noqa: BLE001 - the assertion below names it
                errors.append(exc)
        threads = [threading.Thread(target=add_one, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors and len(results) == 4
        assert all(r.jobs[0].state == js.FAILED for r in results)  # a missing file: a failed job with its reason
    finally:
        desk.shut()


def cli(data_dir, *args, timeout=600):
    return subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data_dir), *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def test_transcribe_walks_a_folder_as_the_window_does(data_dir, tmp_path, corpus):
    folder = a_folder_of_recordings(tmp_path, corpus)
    (tmp_path / "nothing").mkdir()
    out = tmp_path / "out"
    done = cli(data_dir, "transcribe", folder, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "Skipped 1 file in the folder that is not a recording (agenda.txt)." in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["hotwords.txt", "jfk.txt"]
    assert wer(reference("jfk"), (out / "jfk.txt").read_text()) <= 0.05
    empty = cli(data_dir, "transcribe", tmp_path / "nothing", "--out", out)
    assert empty.returncode == 1 and "is a folder with no recordings in it" in empty.stderr


def test_serve_exports_each_finished_job_like_the_window(data_dir, tmp_path, corpus):
    out = tmp_path / "exported"
    write_settings(data_dir, export_when_done=True, export_folder=str(out), export_formats="srt",
                   summarize=False)
    serve = subprocess.Popen([sys.executable, "-m", "app", "--data-dir", str(data_dir), "serve"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        wait_until(lambda: lines.append(serve.stdout.readline()) or "Earmark is ready" in lines[-1], 180,
                   message="serve to be ready")
        # a job from another front end that joins the served stack
        done = cli(data_dir, "transcribe", corpus / "jfk.flac", "--out", tmp_path / "cli")
        assert done.returncode == 0, done.stderr
        wait_until(lambda: (out / "jfk.srt").is_file(), 60, message="serve's automatic export")
        said = serve.stdout.readline()
        assert said.startswith("Exported ") and str(out / "jfk.srt") in said
        store = JobStore(data_dir / "earmark.db")
        assert [j["state"] for j in store.jobs()] == [js.DONE]
        store.close()
    finally:
        serve.send_signal(signal.SIGINT)
        assert serve.wait(60) == 0
