"""The real window, offscreen, against the real broker, workers and tiny.en model."""

import re
import shutil
import socket
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from app.gui.controller import AppController
from app.gui.latency import EventLoopProbe
from app.gui.main_window import MainWindow
from app.paths import DataDir
from app.settings import Settings
from app.store import jobstore as js
from tests.helpers import fresh_copy, parse_srt, processes_of, reference, wer
from tests.long_audio import long_file

pytestmark = [pytest.mark.gui, pytest.mark.stack]


def open_window(qtbot, data_dir, start=True) -> MainWindow:
    controller = AppController(DataDir.resolve(data_dir))
    window = MainWindow(controller)
    qtbot.addWidget(window)
    window.show()
    if start:
        controller.start()
    return window


def close_window(qtbot, window) -> None:
    controller = window.controller
    if controller.is_stopped:
        return
    window.close()
    # the flag, not the signal: the stop ends in the window's own slot, which may delete the
    # window (and the controller with it) before a queued signal reaches a waiting blocker
    qtbot.waitUntil(lambda: controller.is_stopped, timeout=60_000)


@pytest.fixture
def own_window(qtbot, data_dir):
    """A window that starts a stack of its own on a fresh data folder (its start is tested,
    or its test reconfigures or kills what runs)."""
    win = open_window(qtbot, data_dir)
    yield win
    close_window(qtbot, win)


@pytest.fixture
def window(shared_window):
    return shared_window


def drop(window, paths) -> None:
    """A real drag-and-drop: the enter event, then the drop, as Qt delivers them."""
    mime = QMimeData()
    mime.setUrls([p if isinstance(p, QUrl) else QUrl.fromLocalFile(str(p)) for p in paths])  # a QUrl: a link
    enter = QDragEnterEvent(window.rect().center(), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(window.rect().center()), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(window, event)
    assert event.isAccepted()


def row_of(window, name):
    """The row of the file called *name*; in a shared window, this test's (under its folder)."""
    folder = getattr(window, "test_folder", None)
    return next((r for r in window.model.rows if Path(r["path"]).name == name
                 and (folder is None or Path(r["path"]).is_relative_to(folder))), None)


def wait_states(qtbot, window, names, states=js.FINAL, timeout=180_000):
    qtbot.waitUntil(lambda: all(row_of(window, n) and row_of(window, n)["state"] in states for n in names),
                    timeout=timeout)


@pytest.mark.stack_own  # the window before its workers are up, and the empty state
def test_drop_files_and_a_folder_transcribes_them_and_rejects_the_rest(qtbot, own_window, tmp_path, corpus):
    window = own_window
    assert window.pages.currentWidget() is window.drop_zone  # the empty state invites a drop
    assert "Starting workers" in window.status_label.text()  # the window is up before the workers
    folder = tmp_path / "recordings"
    (folder / "deeper").mkdir(parents=True)
    shutil.copy(corpus / "hotwords.mp3", folder / "hotwords.mp3")
    shutil.copy(corpus / "stereo_diarization.wav", folder / "deeper" / "stereo.wav")
    (folder / "notes.txt").write_text("not a recording\n")
    shutil.copy(corpus / "meeting1_product_sync.txt", folder / "minutes.txt")  # FFmpeg calls this "video"
    shutil.copy(corpus / "meeting1_product_sync.txt", tmp_path / "dropped alone.txt")
    said = []
    window.controller.status.connect(said.append)
    # dropped while the workers start: accepted, run later
    drop(window, [corpus / "jfk.flac", folder, tmp_path / "dropped alone.txt"])

    names = ["jfk.flac", "hotwords.mp3", "stereo.wav", "dropped alone.txt"]
    wait_states(qtbot, window, names)
    assert window.pages.currentWidget() is window.table
    for name in names[:3]:
        assert row_of(window, name)["state"] == js.DONE, row_of(window, name)["error"]
    # the folder's notes are not rows of failures: said once, and left alone
    assert len(window.model.rows) == 4 and row_of(window, "notes.txt") is None
    assert [s for s in said if s.startswith("Skipped")] == [
        "Skipped 2 files in the folder that are not recordings (minutes.txt, notes.txt)."]
    # a file dropped on its own gets its reason, and the right one
    rejected = row_of(window, "dropped alone.txt")
    assert rejected["state"] == js.FAILED and rejected["error"].startswith("This is a text file, not a recording")
    window.open_job(row_of(window, "jfk.flac")["id"])
    assert window.transcript.title.text() == "jfk.flac"
    assert wer(reference("jfk"), window.transcript.text()) <= 0.05


@pytest.mark.stack_own  # the door opens with the window's own stack and goes with it
def test_a_command_hands_its_file_to_the_window_that_runs_the_stack(qtbot, own_window, tmp_path, corpus):
    """Issue 32's thin command: with the window running the stack, ``earmark transcribe``
    goes through the window's command door (no Celery in the command); the transcript is
    written where the command asked, the job is in the window's list, from the command
    line; the door goes with the window."""
    import subprocess
    import sys

    from app.cli.thin import reach

    window = own_window
    qtbot.waitUntil(lambda: window.controller.is_ready, timeout=180_000)
    data = window.controller.data
    assert window.controller.desk.door is not None and reach(data) is not None
    recording = fresh_copy(corpus / "jfk.flac", tmp_path / "in")
    out = tmp_path / "out"
    command = subprocess.Popen([sys.executable, "-m", "app", "--data-dir", str(data.root), "transcribe",
                                str(recording), "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, text=True)
    qtbot.waitUntil(lambda: command.poll() is not None, timeout=180_000)
    _, said = command.communicate()
    assert command.returncode == 0, said
    assert wer(reference("jfk"), (out / "jfk.txt").read_text()) <= 0.05
    qtbot.waitUntil(lambda: row_of(window, "jfk.flac") is not None, timeout=30_000)
    assert row_of(window, "jfk.flac")["source"] == "command line"
    close_window(qtbot, window)
    assert not data.door.exists() and reach(data) is None  # nothing left to knock on


@pytest.mark.stack_own  # cancelling the running job kills its pool process; the order needs an idle queue
def test_cancel_and_move_to_top_change_what_runs(qtbot, own_window, tmp_path, corpus):
    window = own_window
    qtbot.waitUntil(lambda: window.controller.is_ready, timeout=120_000)
    # the running job is the four meetings in one file (5.6 min, one task): it cannot finish in the
    # moment between "running" and the cancel, and b and d can only run once it has stopped
    files = [long_file(tmp_path / "long.wav", corpus)]
    for name in ("b", "c", "d"):  # three different files (a byte appended), each a few seconds of work
        target = tmp_path / f"{name}.flac"
        target.write_bytes((corpus / "jfk.flac").read_bytes() + name.encode())
        files.append(target)
    window.add_paths([str(f) for f in files])
    wait_states(qtbot, window, ["long.wav", "b.flac", "c.flac", "d.flac"], (js.QUEUED, js.RUNNING))
    qtbot.waitUntil(lambda: row_of(window, "long.wav")["state"] == js.RUNNING, timeout=60_000)
    ids = {n: row_of(window, n)["id"] for n in ("long.wav", "b.flac", "c.flac", "d.flac")}
    window.controller.move_to_top([ids["d.flac"]])
    window.controller.cancel([ids["c.flac"]])
    window.controller.cancel([ids["long.wav"]])  # the running one stops
    wait_states(qtbot, window, list(ids))

    store = window.controller.store
    state = {n: store.job(i)["state"] for n, i in ids.items()}
    errors = {n: store.job(i)["error"] for n, i in ids.items()}
    assert state == {"long.wav": js.CANCELLED, "b.flac": js.DONE, "c.flac": js.CANCELLED,
                     "d.flac": js.DONE}, errors
    kinds = {n: [e["kind"] for e in store.events(job_id=i)] for n, i in ids.items()}
    assert "started" not in kinds["c.flac"]  # a cancelled queued job never starts
    assert kinds["long.wav"].count("started") == 1
    assert "succeeded" not in kinds["long.wav"]
    started = {n: store.stage(ids[n], "transcribe")["started_at"] for n in ("b.flac", "d.flac")}
    assert started["d.flac"] < started["b.flac"]  # moved to the top: ran before the one queued earlier


@pytest.mark.stack_own  # stops its stack and starts it again
def test_an_edited_segment_survives_reopening_and_can_be_reverted(qtbot, data_dir, corpus):
    window = open_window(qtbot, data_dir)
    window.add_paths([str(corpus / "jfk.flac")])
    wait_states(qtbot, window, ["jfk.flac"])
    job_id = row_of(window, "jfk.flac")["id"]
    window.open_job(job_id)
    model = window.transcript.model
    original = model.segments[0]["text"]
    assert model.setData(model.index(0, 1), "And so, my fellow Earthlings", Qt.EditRole)
    close_window(qtbot, window)
    assert not processes_of(data_dir), "closing the window left a child process behind"

    again = open_window(qtbot, data_dir)
    try:
        qtbot.waitUntil(lambda: row_of(again, "jfk.flac") is not None)  # the list survives a restart
        again.open_job(job_id)
        segs = again.transcript.model.segments
        assert segs[0]["text"] == "And so, my fellow Earthlings" and segs[0]["original_text"] == original
        again.transcript.table.selectRow(0)
        again.transcript.revert_selected()
        assert again.transcript.model.segments[0]["text"] == original
    finally:
        close_window(qtbot, again)


def test_export_writes_valid_srt_and_vtt(qtbot, window, tmp_path, corpus):
    window.add_paths([str(fresh_copy(corpus / "jfk.flac", tmp_path))])
    wait_states(qtbot, window, ["jfk.flac"])
    with qtbot.waitSignal(window.controller.exported, timeout=30_000) as written:
        # without the notes (Export's "Notes" box, on by default: tests/test_notes.py)
        window.controller.export([row_of(window, "jfk.flac")["id"]], ["srt", "vtt"], str(tmp_path / "out"), notes=False)
    assert sorted(Path(p).name for p in written.args[0]) == ["jfk.srt", "jfk.vtt"]
    cues = parse_srt((tmp_path / "out" / "jfk.srt").read_text())
    assert wer(reference("jfk"), " ".join(c[2] for c in cues)) <= 0.05
    vtt = (tmp_path / "out" / "jfk.vtt").read_text()
    assert vtt.startswith("WEBVTT\n\n") and vtt.count(" --> ") == len(cues)


def test_the_event_loop_never_stalls_while_ten_jobs_run(qtbot, window, tmp_path, corpus):
    files = []
    for i in range(10):
        files.append(fresh_copy(corpus / "hotwords.mp3", tmp_path, f"clip{i}.mp3"))
    probe = EventLoopProbe(parent=window)
    probe.start()
    window.add_paths([str(f) for f in files])
    wait_states(qtbot, window, [f.name for f in files])
    probe.stop()
    assert all(row_of(window, f.name)["state"] == js.DONE for f in files)
    assert len(probe.delays) > 100
    assert max(probe.delays) < 1.0, f"the event loop stalled for {max(probe.delays):.2f} s"


@pytest.mark.stack_own  # a start that fails
def test_a_failed_start_is_shown_in_plain_words(qtbot, data_dir):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        settings = Settings(DataDir.resolve(data_dir).ensure().settings)
        settings.set("broker_tcp_port", busy.getsockname()[1])
        settings.save()
        window = open_window(qtbot, data_dir, start=False)
        with qtbot.waitSignal(window.controller.start_failed, timeout=60_000) as failed:
            window.controller.start()
        assert "address already in use" in failed.args[0].lower()
        assert window.start_error_box.isVisible()
        close_window(qtbot, window)


def test_clicking_a_segment_plays_from_there_and_the_playing_segment_is_highlighted(qtbot, window, tmp_path, corpus):
    window.add_paths([str(fresh_copy(corpus / "jfk.flac", tmp_path))])
    wait_states(qtbot, window, ["jfk.flac"])
    window.open_job(row_of(window, "jfk.flac")["id"])
    view = window.transcript
    assert len(view.model.segments) >= 2
    second = view.model.segments[1]
    rect = view.table.visualRect(view.model.index(1, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: view.player.position() > second["start"] * 1000 + 100, timeout=15_000)
    qtbot.waitUntil(lambda: view.model.current == 1, timeout=5_000)
    assert view.model.data(view.model.index(1, 1), Qt.BackgroundRole) is not None
    view.toggle_play()
    qtbot.waitUntil(lambda: view.play_button.text() == "Play", timeout=5_000)


@pytest.mark.stack_own  # changes the settings the next jobs take
def test_changed_settings_apply_to_the_next_job_and_duplicates_ask(qtbot, own_window, corpus):
    window = own_window
    from app.gui.settings_dialog import SettingsDialog

    window.add_paths([str(corpus / "jfk.flac")])
    wait_states(qtbot, window, ["jfk.flac"])
    first = row_of(window, "jfk.flac")["id"]
    assert "words" not in window.controller.store.transcript(first)["segments"][0]

    dialog = SettingsDialog(window.controller.settings, window)
    dialog.editors["word_timestamps"].setChecked(True)
    dialog.accept()  # saved; the running workers are not restarted
    assert Settings(window.controller.data.settings)["word_timestamps"] is True
    window.add_paths([str(corpus / "jfk.flac")])  # new settings: not a duplicate
    qtbot.waitUntil(lambda: len(window.model.rows) == 2 and window.model.rows[0]["state"] == js.DONE,
                    timeout=120_000)
    second = window.model.rows[0]["id"]
    assert second != first and window.controller.store.transcript(second)["segments"][0]["words"]

    with qtbot.waitSignal(window.controller.duplicate, timeout=30_000):
        window.add_paths([str(corpus / "jfk.flac")])  # same file, same settings: ask
    box = window.duplicate_box
    assert box.isVisible() and "already transcribed" in box.text()
    next(b for b in box.buttons() if b.text() == "Open transcript").click()
    assert window.transcript.job_id == second and len(window.model.rows) == 2


def test_search_finds_a_phrase_opens_the_transcript_there_and_follows_edits(qtbot, window, tmp_path, corpus):
    window.add_paths([str(fresh_copy(corpus / name, tmp_path)) for name in ("jfk.flac", "meeting1_product_sync.mp3")])
    wait_states(qtbot, window, ["jfk.flac", "meeting1_product_sync.mp3"], (js.DONE,))
    window.search_box.setText("ask not what your country")
    ours = row_of(window, "jfk.flac")["id"]  # the shared stack's store holds other tests' jfk.flac too

    def our_hit():
        items = [window.results.item(i) for i in range(window.results.count())]
        return next((item for item in items if item.data(Qt.UserRole)[0] == ours), None)

    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.results and our_hit() is not None)
    first = our_hit()
    job_id, idx, *_ = first.data(Qt.UserRole)
    assert job_id == ours and idx == 0
    shown = window.results.itemWidget(first).text()  # the words highlighted, the time as in the transcript
    assert "jfk.flac · 0:00" in shown and "<b>ask</b> <b>not</b>" in shown.lower() and "[" not in shown
    window._open_hit(first)
    assert window.transcript.job_id == job_id
    qtbot.waitUntil(lambda: window.transcript.player.position() > 100, timeout=15_000)  # plays from the hit
    # pause, not stop: Qt 6.11's FFmpeg player can deadlock when stop() tears its renderers down while a
    # seek still rebuilds them (the GUI thread holds the GIL, a plugin thread waits for it)
    window.transcript.player.pause()

    # an edit is searchable by its new words, and no longer by the old ones
    model = window.transcript.model
    model.setData(model.index(1, 1), "ask what you can do for your planet.", Qt.EditRole)
    store = window.controller.store
    qtbot.waitUntil(lambda: bool(store.search("your planet")), timeout=60_000)
    assert store.search("your planet")[0]["job_id"] == job_id
    qtbot.waitUntil(lambda: not any(h["job_id"] == job_id and h["idx"] == 1
                                    for h in store.search("do for your country")), timeout=10_000)
    window.search_box.clear()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.table)


def test_a_summary_runs_from_the_window_streams_and_is_shown(qtbot, window, tmp_path, corpus):
    window.add_paths([str(fresh_copy(corpus / "jfk.flac", tmp_path))])
    wait_states(qtbot, window, ["jfk.flac"], (js.DONE,))
    job_id = row_of(window, "jfk.flac")["id"]
    window.open_job(job_id)
    view = window.summary
    # notes are on by default: the meeting minutes are there once the job is done
    qtbot.waitUntil(lambda: "Meeting minutes" in view.text.toPlainText(), timeout=30_000)
    # each line of the notes links to its time; following a link plays the recording from there
    links = re.findall(r"\(#t=([\d.]+)\)", window.controller.store.summaries(job_id)[0]["markdown"])
    assert links
    view.text.anchorClicked.emit(QUrl(f"#t={links[-1]}"))
    assert window.tabs.currentWidget() is window.transcript
    qtbot.waitUntil(lambda: abs(window.transcript.player.position() - float(links[-1]) * 1000) < 1500,
                    timeout=10_000)
    view.template.setCurrentIndex(view.template.findData("key_points"))
    streamed = []
    window.controller.summary_text.connect(lambda jid, text: streamed.append(text))
    view.run()
    qtbot.waitUntil(lambda: any(s["template"] == "Key points" for s in window.controller.store.summaries(job_id)),
                    timeout=180_000)
    qtbot.waitUntil(lambda: "Key points" in view.text.toPlainText(), timeout=10_000)
    assert streamed, "the summary text should stream in while it is generated"
    stage = window.controller.store.stage(job_id, "summarize")
    assert stage["state"] == js.DONE and stage["progress"] == 1.0


def test_return_commits_an_edit_and_escape_cancels_it(qtbot, window, tmp_path, corpus):
    """Typed as a person would: Return in the segment editor saves (it was the window's
    'open transcript' shortcut and threw the edit away), Escape cancels, and Delete while
    editing deletes a character, not the job. On the job list Return still opens."""
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    window.add_paths([str(fresh_copy(corpus / "jfk.flac", tmp_path))])
    wait_states(qtbot, window, ["jfk.flac"])
    job_id = row_of(window, "jfk.flac")["id"]
    window.table.setFocus()
    window.table.selectRow(window.model.rows.index(row_of(window, "jfk.flac")))
    qtbot.keyClick(window.table, Qt.Key_Return)
    qtbot.waitUntil(lambda: window.transcript.job_id == job_id, timeout=5_000)
    store, view = window.controller.store, window.transcript
    original = store.segments(job_id)[0]["text"]

    def edit(*keys):
        view.table.setFocus()
        view.table.edit(view.model.index(0, 1))
        qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QPlainTextEdit)
                        and QApplication.focusWidget().parent() is view.table.viewport(), timeout=5_000)
        editor = QApplication.focusWidget()  # the segment's editor, not a search box
        editor.selectAll()
        qtbot.keyClicks(editor, "Fellow citizens")
        for key in keys:
            qtbot.keyClick(editor, key)
        qtbot.waitUntil(lambda: view.table.state() != view.table.State.EditingState, timeout=5_000)
        QApplication.processEvents()  # the delegate commits by a queued call: run it

    edit(Qt.Key_Escape)
    assert store.segments(job_id)[0]["text"] == original
    edit(Qt.Key_Delete, Qt.Key_Backspace, Qt.Key_Return)  # Delete at the end deletes nothing
    qtbot.waitUntil(lambda: store.segments(job_id)[0]["text"] == "Fellow citizen", timeout=5_000)
    assert store.job(job_id) is not None and window.transcript.job_id == job_id  # Delete removed no job


def test_actions_follow_the_selection_and_an_empty_pane_says_what_to_do(qtbot, data_dir, corpus, tmp_path):
    """Jobs menu items are enabled only where they apply; with no transcript open the
    right pane is a sentence, not an empty table with buttons. (The jobs are written to
    the real store directly: what is tested is the window, not the workers.)"""
    window = open_window(qtbot, data_dir, start=False)
    try:
        store = window.controller.store
        assert window.transcript.pages.currentWidget() is window.transcript.empty
        assert not window.transcript.play_button.isEnabled() and not window.transcript.revert_button.isEnabled()
        assert not window.transcript.languages.isVisible()
        assert not window.again_actions["translate"].isEnabled() and not window.act_cancel.isEnabled()  # nothing selected
        from PySide6.QtWidgets import QToolBar

        bar = window.findChild(QToolBar)  # the main actions, with icons, where people look first
        assert [a.text() for a in bar.actions()] == ["Add files…", "Export selected…", "Record", "Cancel", "Retry",
                                                     "Move to top", "Queue panel"]
        assert all(not a.icon().isNull() and a.toolTip() for a in bar.actions())

        failed = store.create_job(str(tmp_path / "notes.txt"), stages=["transcribe", "index"])
        store.update_stage(failed, "transcribe", state=js.FAILED, error="This is a text file, not a recording")
        done = store.create_job(str(corpus / "jfk.flac"), stages=["transcribe", "index"],
                                source="watch folder /in/box")
        store.save_transcript(done, {"language": "en", "duration": 11.0,
                                     "segments": [{"start": 0.0, "end": 11.0, "text": "Ask not."}]})
        for stage in ("transcribe", "index"):
            store.update_stage(done, stage, state=js.DONE)
        queued = store.create_job(str(corpus / "hotwords.mp3"), stages=["transcribe", "index"])
        store.update_stage(queued, "transcribe", state=js.QUEUED)
        window._dirty = True
        window._refresh_if_dirty()

        def select(job_id):
            row = next(i for i, r in enumerate(window.model.rows) if r["id"] == job_id)
            window.table.selectRow(row)
            actions = {name: getattr(window, f"act_{name}")
                       for name in ("open", "cancel", "retry", "top", "pause", "resume", "export")}
            actions["translate"] = window.again_actions["translate"]  # the stage table's run-again entries
            assert all(a.isEnabled() == actions["translate"].isEnabled() for a in window.again_actions.values())
            return {name: action.isEnabled() for name, action in actions.items()}

        from app.gui.jobs_model import COLUMNS

        titles = [c.title for c in COLUMNS]
        assert titles[:5] == ["File", "Progress", "State", "Time left", "Note"]
        assert sum(c.width for c in COLUMNS[:5]) <= 800  # what matters, without scrolling sideways
        row = next(i for i, r in enumerate(window.model.rows) if r["id"] == queued)
        assert window.model.index(row, 2).data() == "queued · next"  # its place in line
        # one moved to the top (priority 0) runs before one queued earlier at the usual priority
        store.update_stage(queued, "transcribe", state=js.QUEUED, priority=2, queued_at=1.0)
        moved = store.create_job(str(tmp_path / "urgent.mp3"), stages=["transcribe"])
        store.update_stage(moved, "transcribe", state=js.QUEUED, priority=0, queued_at=2.0)
        window._dirty = True
        window._refresh_if_dirty()
        said = {r["id"]: window.model.index(i, 2).data() for i, r in enumerate(window.model.rows)}
        assert (said[moved], said[queued]) == ("queued · next", "queued · 2nd")
        store.delete_job(moved)
        window._dirty = True
        window._refresh_if_dirty()
        row = next(i for i, r in enumerate(window.model.rows) if r["id"] == queued)
        store.update_stage(done, "index", state=js.QUEUED)  # past transcription, the stage is said
        window._dirty = True
        window._refresh_if_dirty()
        done_row = next(i for i, r in enumerate(window.model.rows) if r["id"] == done)
        assert window.model.index(done_row, 2).data() == "running · Search index · next"
        store.update_stage(done, "index", state=js.DONE)
        window._dirty = True
        window._refresh_if_dirty()
        failed_row = next(i for i, r in enumerate(window.model.rows) if r["id"] == failed)
        came_from = titles.index("From")  # where each job came from
        assert window.model.index(done_row, came_from).data() == "watch folder /in/box"
        assert window.model.index(failed_row, came_from).data() == ""  # a job made before sources were kept
        assert window.model.index(failed_row, 2).data(Qt.DecorationRole) is not None  # a red mark
        assert window.model.index(failed_row, 4).data().startswith("This is a text file")
        assert select(failed) == {"open": False, "cancel": False, "retry": True, "top": False, "pause": False,
                                  "resume": False, "translate": False, "export": False}
        assert select(done) == {"open": True, "cancel": False, "retry": False, "top": False, "pause": False,
                                "resume": False, "translate": True, "export": True}
        assert select(queued) == {"open": False, "cancel": True, "retry": False, "top": True, "pause": True,
                                  "resume": False, "translate": False, "export": False}
        # the queue panel, opened, leaves the job list its room
        window.queue_dock.show()
        qtbot.waitUntil(lambda: window.queue_dock.isVisible() and window.queue_dock.height() <= window.height() // 2)

        select(done)
        window.act_open.trigger()
        assert window.transcript.pages.currentWidget() is window.transcript.table
        assert window.transcript.play_button.isEnabled()
    finally:
        close_window(qtbot, window)


def test_export_asks_for_formats_and_subtitle_limits_and_remembers_them(qtbot, data_dir, tmp_path):
    """Ctrl+E opens a dialog with the formats (remembered), the folder and the subtitle
    limits, which the SRT it writes keeps. (The transcript is written to the real store
    directly: what is tested is the export, not the workers.)"""
    from app.gui.export_dialog import ExportDialog
    from app.settings import Settings

    window = open_window(qtbot, data_dir, start=False)
    try:
        store = window.controller.store
        words = "so the plan is that we ship the new onboarding flow to ten percent of users next tuesday"
        job_id = store.create_job(str(tmp_path / "standup.mp3"), stages=["transcribe"])
        store.save_transcript(job_id, {"language": "en", "duration": 12.0,
                                       "segments": [{"start": 0.0, "end": 12.0, "text": words}]})
        store.update_stage(job_id, "transcribe", state=js.DONE)
        window._dirty = True
        window._refresh_if_dirty()
        window.table.selectRow(0)
        assert window.act_export.isEnabled()
        window.activateWindow()
        window.table.setFocus()
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.keyClick(window.table, Qt.Key_E, Qt.ControlModifier)
        qtbot.waitUntil(lambda: isinstance(getattr(window, "export_box", None), ExportDialog)
                        and window.export_box.isVisible())
        dialog = window.export_box
        assert dialog.chosen_formats() == ["txt"] and not dialog.subtitles.isEnabled()
        dialog.checks["txt"].setChecked(False)
        dialog.checks["srt"].setChecked(True)
        assert dialog.subtitles.isEnabled()
        dialog.limits["subtitle_line_chars"].setValue(24)
        dialog.limits["subtitle_lines"].setValue(1)
        dialog.folder.setText(str(tmp_path / "out"))
        with qtbot.waitSignal(window.controller.exported, timeout=10_000) as written:
            dialog.accept()
        assert [Path(p).name for p in written.args[0]] == ["standup.srt"]
        cues = parse_srt((tmp_path / "out" / "standup.srt").read_text())
        assert len(cues) > 1 and all(len(text) <= 24 and "\n" not in text for _, _, text in cues)
        assert " ".join(text for _, _, text in cues) == words
        again = Settings(data_dir / "settings.json")  # remembered
        assert again["export_formats"] == "srt" and again["subtitle_line_chars"] == 24
    finally:
        close_window(qtbot, window)


def test_the_overall_bar_counts_the_whole_batch_and_its_end_says_everything(qtbot, data_dir, tmp_path):
    """5 of 6 done and the last at 0 % is 83 %, not 0 %; the batch's end names the done,
    failed and cancelled; a new batch clears it. (States written to the real store
    directly: what is tested is the window's account of them.)"""
    window = open_window(qtbot, data_dir, start=False)
    try:
        store = window.controller.store
        def refresh():
            window._dirty = True
            window._refresh_if_dirty()

        refresh()  # the window has read the list
        jobs = [store.create_job(str(tmp_path / f"{i}.mp3"), stages=["transcribe"]) for i in range(6)]
        failed_at_once = store.create_job(str(tmp_path / "notes.txt"), stages=["transcribe"])
        store.update_stage(failed_at_once, "transcribe", state=js.FAILED, error="This is a text file")
        refresh()
        assert window.overall.isVisibleTo(window) and window.overall.value() == 142  # the text file: 1 of 7
        for job_id in jobs[:4]:
            store.update_stage(job_id, "transcribe", state=js.DONE)
        store.update_stage(jobs[4], "transcribe", state=js.FAILED, error="This is a text file, not a recording")
        store.update_stage(jobs[5], "transcribe", state=js.RUNNING, progress=0.0)
        refresh()
        assert window.overall.value() == 857 and window.overall.text().startswith("6 of 7")
        store.update_stage(jobs[5], "transcribe", state=js.CANCELLED)
        refresh()
        assert not window.overall.isVisibleTo(window)
        assert window.status_label.text() == "Batch finished: 4 done, 2 failed, 1 cancelled"
        store.create_job(str(tmp_path / "next.mp3"), stages=["transcribe"])  # the next batch
        refresh()
        assert "Batch finished" not in window.status_label.text() and window.overall.value() == 0
    finally:
        close_window(qtbot, window)


def test_the_settings_dialog_groups_picks_and_refuses_what_cannot_be_used(qtbot, data_dir, tmp_path):
    from app.gui.settings_dialog import (
        ChoicesField,
        ModelField,
        PathField,
        SettingsDialog,
    )
    from app.settings import Settings

    window = open_window(qtbot, data_dir, start=False)
    try:
        dialog = SettingsDialog(window.controller.settings, window)
        qtbot.addWidget(dialog)
        dialog.show()
        pages = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
        assert pages == ["Speech", "Summaries", "Export", "Watch folder", "Helpers", "API", "Advanced", "Models"]
        editors = dialog.editors
        assert isinstance(editors["export_folder"], PathField) and isinstance(editors["model"], ModelField)
        # Speech: the models that are here, the languages by name and the speaker modes, not raw values
        offered = [editors["model"].box.itemText(i) for i in range(editors["model"].box.count())]
        assert "tiny.en (bundled)" in offered and "base (bundled)" in offered
        assert editors["model"].box.currentText() == "tiny.en (bundled)"  # the value "bundled", by its name
        assert editors["language"].currentText() == "Detect automatically"
        assert editors["speakers"].currentText() == "Off" and editors["task"].currentText() == "Transcribe as spoken"
        editors["language"].setCurrentIndex(editors["language"].findText("Deutsch (de)"))
        editors["speakers"].setCurrentIndex(editors["speakers"].findData("auto"))
        editors["model"].box.setCurrentIndex(editors["model"].box.findData("base"))
        assert isinstance(editors["export_formats"], ChoicesField)
        assert "Meeting minutes" in [editors["summary_template"].itemText(i)
                                     for i in range(editors["summary_template"].count())]
        assert editors["summary_template"].text() == "meeting_minutes"  # shown by its name, saved as it was
        assert all(e.accessibleName() for e in editors.values())  # a screen reader can name each control
        editors["export_folder"].setText(str(tmp_path / "no such folder"))
        editors["broker_url"].setText("localhost:6379")
        (tmp_path / "in").mkdir()
        assert isinstance(editors["watch_folders"], PathField) and editors["watch_folders"].many
        editors["watch_folders"].setText(f"{tmp_path / 'in'}; {tmp_path / 'gone'}")  # one or more, by ;
        dialog.accept()
        assert dialog.isVisible()  # refused, and says why
        assert "there is no folder" in dialog.problem.text() and "redis://" in dialog.problem.text()
        assert f"there is no folder {tmp_path / 'gone'}" in dialog.problem.text()
        assert Settings(data_dir / "settings.json")["export_folder"] == ""
        editors["export_folder"].setText(str(tmp_path))
        editors["broker_url"].setText("")
        editors["watch_folders"].setText(f"{tmp_path / 'in'}; {tmp_path}")
        editors["export_formats"].boxes["srt"].setChecked(True)
        dialog.accept()
        assert not dialog.isVisible()
        saved = Settings(data_dir / "settings.json")
        assert saved["export_folder"] == str(tmp_path) and saved["export_formats"] == "txt,srt"
        assert saved["watch_folders"] == f"{tmp_path / 'in'}; {tmp_path}"
        assert (saved["language"], saved["speakers"], saved["model"], saved["task"]) == ("de", "auto", "base",
                                                                                          "transcribe")
        again = SettingsDialog(saved, window)  # a value typed in, not offered, stays as typed
        qtbot.addWidget(again)
        again.editors["speakers"].setEditText("3-5")
        assert again.editors["speakers"].text() == "3-5" and again.editors["language"].currentText() == "Deutsch (de)"
    finally:
        close_window(qtbot, window)


def test_playback_shows_its_length_waits_for_a_double_click_and_for_dialogs(qtbot, data_dir, corpus):
    """The position reads 0:03 / 0:11; a double click edits without starting playback
    first; a modal dialog pauses it; without a sound device the pane says so. (The
    transcript is written to the real store directly; the audio is the corpus file.)"""
    from PySide6.QtMultimedia import QMediaDevices, QMediaPlayer
    from PySide6.QtWidgets import QApplication, QMessageBox

    window = open_window(qtbot, data_dir, start=False)
    try:
        store, view = window.controller.store, window.transcript
        job_id = store.create_job(str(corpus / "jfk.flac"), stages=["transcribe"])
        store.save_transcript(job_id, {"language": "en", "duration": 11.0, "segments": [
            {"start": 0.0, "end": 4.0, "text": "And so my fellow Americans"},
            {"start": 4.0, "end": 11.0, "text": "ask not what your country can do for you"}]})
        store.update_stage(job_id, "transcribe", state=js.DONE)
        window.open_job(job_id)
        qtbot.waitUntil(lambda: view.position_label.text().endswith("/ 0:11"), timeout=10_000)
        assert view.no_sound.isVisibleTo(view) == (not QMediaDevices.audioOutputs())

        rect = view.table.visualRect(view.model.index(1, 1))
        qtbot.mouseClick(view.table.viewport(), Qt.LeftButton, pos=rect.center())  # a double click, as Qt
        qtbot.mouseDClick(view.table.viewport(), Qt.LeftButton, pos=rect.center())  # receives one
        qtbot.waitUntil(lambda: view.table.state() == view.table.State.EditingState, timeout=5_000)
        with qtbot.assertNotEmitted(view.player.playbackStateChanged, wait=QApplication.doubleClickInterval() + 200):
            pass  # the double click's first click did not start playback
        assert view.player.playbackState() != QMediaPlayer.PlayingState
        view.table.closePersistentEditor(view.model.index(1, 1))

        view.play_from(0)
        qtbot.waitUntil(lambda: view.player.playbackState() == QMediaPlayer.PlayingState, timeout=10_000)
        box = QMessageBox(QMessageBox.Information, "A question", "Modal", QMessageBox.Ok, window)
        box.setWindowModality(Qt.ApplicationModal)
        box.open()
        qtbot.waitUntil(lambda: view.player.playbackState() == QMediaPlayer.PausedState, timeout=5_000)
        box.close()
    finally:
        close_window(qtbot, window)


def test_every_control_of_the_window_has_a_name_for_a_screen_reader(qtbot, data_dir):
    """A control without words of its own (a list, a search box, a slider) carries an
    accessible name; buttons and menus have their text."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSlider,
        QComboBox,
        QFrame,
        QHeaderView,
        QLineEdit,
        QProgressBar,
        QScrollBar,
        QTextBrowser,
        QToolButton,
        QWidget,
    )

    window = open_window(qtbot, data_dir, start=False)
    try:
        unnamed = []
        kinds = (QAbstractItemView, QLineEdit, QComboBox, QAbstractSlider, QProgressBar, QTextBrowser, QAbstractButton)
        for widget in window.findChildren(QWidget):
            if not isinstance(widget, kinds) or widget.parent() is None:
                continue
            if isinstance(widget, QLineEdit) and isinstance(widget.parent(), (QComboBox, QAbstractItemView)):
                continue  # a combo box's or a view's own editor
            if isinstance(widget, QAbstractButton) and widget.text():
                continue
            if isinstance(widget, QAbstractItemView) and isinstance(widget.parent(), (QComboBox, QFrame)):
                continue  # a combo box's list
            if widget.objectName().startswith("qt_") or isinstance(widget, (QHeaderView, QScrollBar)) or (
                    isinstance(widget, QToolButton) and isinstance(widget.parent(), QLineEdit)):
                continue  # Qt's own parts: headers speak their titles, a line edit's clear button its own
            if not widget.accessibleName():
                unnamed.append(f"{type(widget).__name__} in {type(widget.parent()).__name__}")
        assert unnamed == [], sorted(set(unnamed))
    finally:
        close_window(qtbot, window)


@pytest.mark.stack_own  # its own summary engine setting; the cancel kills the LLM's pool process
def test_cancelling_a_summary_through_the_window_leaves_the_job_done(qtbot, data_dir, corpus):
    """Real workers: the notes of a meeting are written by the LLM (seconds of work); the
    person cancels while they run; the job is done (its transcript is there), its note
    says the summary was cancelled, and the transcript opens."""
    (data_dir / "settings.json").write_text('{"summary_engine": "llm", "version": 2}')
    window = open_window(qtbot, data_dir)
    try:
        window.add_paths([str(corpus / "meeting1_product_sync.mp3")])
        store = window.controller.store
        qtbot.waitUntil(lambda: bool(store.jobs()) and (store.stage(store.jobs()[0]["id"], "summarize") or {})
                        .get("state") == js.RUNNING, timeout=180_000)
        job_id = store.jobs()[0]["id"]
        window.table.selectRow(0)
        assert window.act_cancel.isEnabled()
        window.act_cancel.trigger()
        qtbot.waitUntil(lambda: store.job(job_id)["state"] in js.FINAL, timeout=60_000)
        job = store.job(job_id)
        assert job["state"] == js.DONE, job
        assert job["error"].startswith("Summary") and "cancelled; the transcript is done." in job["error"]
        assert store.stage(job_id, "summarize")["state"] == js.CANCELLED
        qtbot.waitUntil(lambda: row_of(window, "meeting1_product_sync.mp3")["state"] == js.DONE)
        window.open_job(job_id)
        assert window.transcript.job_id == job_id and window.transcript.model.segments
    finally:
        close_window(qtbot, window)


def test_time_left_appears_once_progress_gives_a_rate():
    """Progress moves on every path now (the batched pipeline's too), so the Time left
    column has a rate to go by: elapsed × (1 − p) / p."""
    from app.gui.jobs_model import time_left

    row = {"stage_state": js.RUNNING, "started_at": 100.0, "progress": 0.25}
    assert time_left(row, 110.0) == 30.0
    assert time_left(dict(row, progress=0.01), 110.0) is None  # too early to say
    assert time_left(dict(row, stage_state=js.QUEUED), 110.0) is None


def test_a_person_renamed_in_view_people_is_renamed_in_the_open_notes_and_in_search(qtbot, window, corpus):
    """Issue 31, notes follow the transcript, and search uses the fresh notes: a person
    renamed in View › People made the store's notes again, but nothing indexed those jobs
    again, so search found the notes by the old name only (for ever). The Summary tab showed
    the new name only when some job's change happened to refresh the window; it now
    refreshes at once."""
    from tests.test_notes import meeting_job

    store = window.controller.store
    job_id = meeting_job(store, corpus)
    window.open_job(job_id)
    window.tabs.setCurrentWidget(window.summary)
    shown = window.summary.text.toPlainText
    model = window.transcript.model
    assert model.setData(model.index(0, model.speaker_column), "Wilhelmina", Qt.EditRole)
    qtbot.waitUntil(lambda: "Wilhelmina:" in shown(), timeout=5_000)

    def in_notes(name):
        return any(h["kind"] == "summary" and h["job_id"] == job_id for h in store.search(name))

    qtbot.waitUntil(lambda: in_notes("Wilhelmina"), timeout=60_000)  # the rename's own indexing is done
    window.people_dialog()
    people = window.people_box
    people.list.setCurrentRow(next(i for i in range(people.list.count())
                                    if (people.list.item(i).data(Qt.UserRole) or {}).get("name") == "Wilhelmina"))
    people.rename_selected("Philippa")
    assert "**Philippa:**" in store.summaries(job_id)[0]["markdown"]
    qtbot.waitUntil(lambda: "Philippa:" in shown() and "Wilhelmina:" not in shown(), timeout=5_000)
    qtbot.waitUntil(lambda: in_notes("Philippa"), timeout=60_000)
    assert not in_notes("Wilhelmina")
    people.close()
