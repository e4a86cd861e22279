"""What a new user tripped over in the window (issue 26), each driven as a person would:
the real window offscreen at a laptop's 1366×768, the real job store, the corpus audio.
The workers are not started: transcripts and task histories are written to the store as
the workers would write them, so each check takes seconds."""

import re
import time

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTranslator
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from app.store import jobstore as js
from tests.test_gui import close_window, open_window
from workers.engines.search import passages

pytestmark = [pytest.mark.gui]

JFK = [{"start": 0.0, "end": 4.0, "text": "And so my fellow Americans"},
       {"start": 4.0, "end": 11.0, "text": "ask not what your country can do for you"}]


def add_transcribed(store, path, segments, stages=("transcribe", "index")) -> str:
    """A job whose transcript and search index are in the store, as the workers leave them."""
    job_id = store.create_job(str(path), stages=list(stages))
    store.save_transcript(job_id, {"language": "en", "duration": segments[-1]["end"], "segments": segments})
    store.save_passages(job_id, {"passages": passages([dict(s, idx=i) for i, s in enumerate(segments)])})
    for stage in stages:
        store.update_stage(job_id, stage, state=js.DONE)
    return job_id


@pytest.fixture
def window(qtbot, data_dir):
    win = open_window(qtbot, data_dir, start=False)
    win.resize(1366, 768)
    yield win
    close_window(qtbot, win)


def test_a_search_hit_in_another_transcript_plays_from_its_time(qtbot, window, corpus):
    """Item 1: the other file was still loading when the hit asked for 0:04; it played from 0:00."""
    store, view = window.controller.store, window.transcript
    jfk = add_transcribed(store, corpus / "jfk.flac", JFK)
    other = add_transcribed(store, corpus / "meeting1_product_sync.mp3",
                            [{"start": 0.0, "end": 5.0, "text": "Good morning everyone"}])
    window.open_job(other)
    window.search_box.setText("what your country")
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.results and window.results.count() == 1)
    hit = window.results.item(0)
    assert tuple(hit.data(Qt.UserRole))[:2] == (jfk, 1)
    qtbot.mouseClick(window.results.viewport(), Qt.LeftButton, pos=window.results.visualItemRect(hit).center())
    assert view.job_id == jfk and view.table.currentIndex().row() == 1
    qtbot.waitUntil(lambda: view.player.position() > 0, timeout=15_000)
    assert view.player.position() >= 3_900, view.player.position()  # from 0:04, not from 0:00
    view.player.pause()


def test_opening_a_recording_prints_no_ffmpeg_banner(qtbot, window, corpus, capfd):
    """Item 11: each file played printed FFmpeg's banner ("Input #0, flac, from '/path…'")."""
    window.open_job(add_transcribed(window.controller.store, corpus / "jfk.flac", JFK))
    qtbot.waitUntil(lambda: window.transcript.position_label.text().endswith("/ 0:11"), timeout=10_000)
    assert "Input #0" not in capfd.readouterr().err


def test_search_results_read_evenly_and_notes_hits_are_plain_words(qtbot, window, corpus):
    """Item 8: a notes hit said "0:00 (summary)" and showed "[1:16](#t=76.1…"; the gaps
    between results varied; the file-and-time line was too pale to read."""
    store = window.controller.store
    jfk = add_transcribed(store, corpus / "jfk.flac", JFK)
    notes = "## Key points\n\n- **Ask** what you can do for your country [0:04](#t=4.0)"
    store.save_summary(jfk, {"template": "key_points", "markdown": notes})
    store.save_passages(jfk, {"passages": passages([dict(s, idx=i) for i, s in enumerate(JFK)])
                              + passages([{"idx": i, "start": 0.0, "text": p}
                                          for i, p in enumerate(notes.split("\n\n"))], kind="summary", window=1)})
    window.search_box.setText("your country")
    qtbot.waitUntil(lambda: window.results.count() == 2)
    shown = {tuple(window.results.item(i).data(Qt.UserRole))[2]: window.results.itemWidget(window.results.item(i))
             for i in range(2)}
    note = shown["summary"].text()
    assert "jfk.flac · 0:04 · notes" in note and "#t=" not in note and "**" not in note and "- " not in note
    width = window.results.viewport().width()
    for i in range(2):  # each result as tall as its words, no more
        item = window.results.item(i)
        assert item.sizeHint().height() == window.results.itemWidget(item).heightForWidth(width)
    faint = QColor(note.split("color: ")[1][:7])
    base = window.results.palette().color(window.results.palette().ColorRole.Base)
    assert abs(faint.lightness() - base.lightness()) >= 110  # palette(mid) on white was 95 apart
    note_item = next(window.results.item(i) for i in range(2)
                     if tuple(window.results.item(i).data(Qt.UserRole))[2] == "summary")
    window._open_hit(note_item)  # a notes hit opens the notes
    assert window.tabs.currentWidget() is window.summary and window.transcript.job_id == jfk
    # it plays from the hit's time: paused once it does (pausing or closing while the file still
    # loads and seeks is what deadlocks Qt 6.11's FFmpeg player, see tests/conftest.py)
    qtbot.waitUntil(lambda: window.transcript.player.position() >= 3_900, timeout=15_000)
    window.transcript.player.pause()


def test_the_task_detail_shows_the_task_clicked(qtbot, window):
    """Item 2: the detail pane showed the row selected before."""
    store = window.controller.store
    job_id = store.create_job("/recordings/meeting.mp3", stages=["transcribe", "index"])
    now = time.time()
    for n, (task_id, stage) in enumerate((("task-transcribe", "transcribe"), ("task-index", "index"))):
        store.add_event(task_id, "queued", now + n, job_id=job_id, stage=stage)
        store.add_event(task_id, "succeeded", now + n + 0.5, job_id=job_id, stage=stage, detail={"runtime": 0.5})
    window.queue_dock.show()
    panel = window.queue_panel
    panel.tabs.setCurrentWidget(panel.tasks_tab)
    qtbot.waitUntil(lambda: panel.task_model.rowCount() == 2)
    table = panel.task_table
    for row in (0, 1, 0):
        task_id = panel.task_model.index(row, 0).data(Qt.UserRole + 1)
        qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=table.visualRect(panel.task_model.index(row, 1)).center())
        assert panel.detail.toPlainText().startswith(f"Task {task_id} "), (row, panel.detail.toPlainText()[:60])


def test_the_queue_panel_is_usable_at_a_laptops_size(qtbot, window):
    """Item 9: at 1366×768 the panel showed two task rows and two queue rows."""
    window.queue_dock.show()
    qtbot.waitUntil(lambda: window.queue_dock.height() >= 300)
    panel = window.queue_panel
    panel.tabs.setCurrentWidget(panel.tasks_tab)
    qtbot.waitUntil(lambda: panel.task_table.isVisible())
    rows = panel.task_table.viewport().height() // panel.task_table.verticalHeader().defaultSectionSize()
    assert rows >= 5, rows
    panel.tasks_tab.split.setSizes([1000, 0])  # the detail collapses: the tasks take its room
    assert panel.detail.height() == 0 or not panel.detail.isVisible()
    panel.tabs.setCurrentWidget(panel.queues_tab)
    qtbot.waitUntil(lambda: panel.queues.isVisible())
    assert panel.queues.viewport().height() >= 3 * panel.queues.verticalHeader().defaultSectionSize()


def test_the_seek_bar_stays_a_bar_when_there_is_no_sound_output(qtbot, window, corpus):
    """Item 3: "No sound output found" took the control row and the seek bar became a square."""
    view = window.transcript
    window.open_job(add_transcribed(window.controller.store, corpus / "jfk.flac", JFK))
    view.no_sound.setVisible(True)
    qtbot.waitUntil(lambda: view.no_sound.isVisible() and view.seek.width() > 0)
    assert view.seek.width() >= 120, view.seek.width()
    assert view.no_sound.geometry().top() >= view.seek.geometry().bottom()  # on a line of its own


def test_a_long_segment_is_edited_in_a_box_that_shows_all_of_it(qtbot, window, corpus):
    """Item 14: the editor was one line; a long segment scrolled so its start was hidden."""
    from PySide6.QtWidgets import QPlainTextEdit

    long_text = " ".join(["and the release plan moves to the second week of March"] * 4)
    view = window.transcript
    job_id = add_transcribed(window.controller.store, corpus / "jfk.flac",
                             [{"start": 0.0, "end": 11.0, "text": long_text}])
    window.open_job(job_id)
    view.table.setFocus()
    view.table.edit(view.model.index(0, 1))
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QPlainTextEdit))
    editor = QApplication.focusWidget()
    assert editor.toPlainText() == long_text
    qtbot.waitUntil(lambda: editor.document().size().height() > 1)
    assert editor.document().size().height() >= 2  # wrapped over lines, not scrolled sideways
    assert editor.height() >= editor.document().size().height() * editor.fontMetrics().lineSpacing()
    qtbot.keyClick(editor, Qt.Key_Home, Qt.ControlModifier)
    qtbot.keyClicks(editor, "So ")
    qtbot.keyClick(editor, Qt.Key_Return)  # saves, as in the one-line editor
    qtbot.waitUntil(lambda: window.controller.store.segments(job_id)[0]["text"] == "So " + long_text)


def test_a_long_line_is_shown_whole_where_it_is_and_after_a_scroll(qtbot, window, corpus):
    """The review's walk-through: a line longer than a row's two lines ended in '…'."""
    long_text = " ".join(["the budget review moves to the second week of March, after the audit"] * 5)
    segments = [{"start": float(i), "end": i + 1.0, "text": long_text if i % 3 == 0 else "Short."}
                for i in range(300)]
    view = window.transcript
    window.open_job(add_transcribed(window.controller.store, corpus / "jfk.flac", segments))
    table = view.table
    least = table.verticalHeader().defaultSectionSize()

    def whole(row):
        return table.rowHeight(row) >= table.sizeHintForRow(row) > least

    qtbot.waitUntil(lambda: whole(0) and whole(3))
    assert table.rowHeight(1) == least  # a short line keeps the usual row
    table.scrollToBottom()

    def in_view():
        top = table.rowAt(0)
        bottom = table.rowAt(table.viewport().height() - 1)
        return range(top, (bottom if bottom >= 0 else table.model().rowCount() - 1) + 1)

    qtbot.waitUntil(lambda: in_view()[0] > 250 and all(whole(row) for row in in_view() if row % 3 == 0))


def test_the_file_menu_lists_the_ways_in_first_and_quit_last(window):
    titles = [a.text() for a in window.file_menu.actions() if not a.isSeparator()]
    assert titles[:4] == ["Add files…", "Add folder…", "Add link…", "Record"], titles
    assert titles[-1] == "Quit", titles


def test_reopening_opens_the_transcript_and_the_folder_used_last(qtbot, data_dir, corpus, tmp_path):
    """Item 16: the list came back but not the open transcript; file dialogs began in the
    current folder, not in the last one used."""
    window = open_window(qtbot, data_dir, start=False)
    try:
        job_id = add_transcribed(window.controller.store, corpus / "jfk.flac", JFK)
        window.open_job(job_id)
        window.prefs.setValue("last_folder", str(tmp_path))
    finally:
        close_window(qtbot, window)
    again = open_window(qtbot, data_dir, start=False)
    try:
        assert again.transcript.job_id == job_id and again.transcript.title.text() == "jfk.flac"
        assert again._last_folder() == str(tmp_path)
    finally:
        close_window(qtbot, again)


def test_indexing_again_after_an_edit_is_no_batch(qtbot, window, corpus):
    """Item 16: "Batch finished: 1 done" after an edit was indexed again."""
    store = window.controller.store
    job_id = add_transcribed(store, corpus / "jfk.flac", JFK)
    qtbot.waitUntil(lambda: bool(window.model.rows) and window.model.rows[0]["state"] == js.DONE)
    window.status_label.setText("Ready")
    store.update_stage(job_id, "index", state=js.RUNNING, started_at=time.time())  # as reindex() leaves it
    window._mark_dirty()
    qtbot.waitUntil(lambda: window.model.rows[0]["state"] == js.RUNNING)
    store.update_stage(job_id, "index", state=js.DONE, finished_at=time.time())
    window._mark_dirty()
    qtbot.waitUntil(lambda: window.model.rows[0]["state"] == js.DONE)
    window._mark_dirty()
    window._refresh_if_dirty()
    assert "Batch finished" not in window.status_label.text() and "Working" not in window.status_label.text()


def test_a_helper_turned_off_leaves_the_workers_tab(qtbot, window):
    """Item 5: a helper turned off stayed listed as "files@vm / helper / offline"."""
    from app.runtime import fleet

    tracker = fleet.WorkerTracker()
    for hostname in ("files@vm", "gone@laptop"):
        tracker.on_event({"type": "worker-online", "hostname": hostname, "pid": 7, "freq": 2.0})
    tracker.on_event({"type": "worker-offline", "hostname": "gone@laptop"})
    tracker.workers["gone@laptop"].last_seen -= 120  # its last word was two minutes ago
    tab = window.queue_panel.workers_tab
    tab.show_rows(fleet.worker_rows(tracker), {})
    shown = [tab.table.item(r, 0).text() for r in range(tab.table.rowCount())]
    assert shown == ["files@vm"]
    assert tab.table.item(0, 2).text() == "online" and tab.table.item(0, 3).text().endswith("s ago")


def test_the_worker_tracker_names_a_model_only_while_its_task_runs():
    """The queue panel's Model column (review: it kept the last model a worker had loaded).
    Events as Celery orders them: the worker's own (started, heartbeats, the end) in the order
    it sent them, the pool process's progress whenever it comes, even before the start."""
    from app.runtime import fleet

    tracker = fleet.WorkerTracker()

    def shown() -> str | None:
        return tracker.snapshot()["transcribe@vm"].model

    def heartbeat(active: int) -> None:
        tracker.on_event({"type": "worker-heartbeat", "hostname": "transcribe@vm", "active": active})

    tracker.on_event({"type": "worker-online", "hostname": "transcribe@vm", "pid": 7, "freq": 2.0})
    tracker.on_event({"type": "task-progress", "hostname": "transcribe@vm", "uuid": "a", "model": "tiny.en"})
    heartbeat(0)  # sent before the worker took the task in: its progress stays
    assert shown() == "tiny.en"
    tracker.on_event({"type": "task-started", "hostname": "transcribe@vm", "uuid": "a"})
    heartbeat(1)
    tracker.on_event({"type": "task-succeeded", "hostname": "transcribe@vm", "uuid": "a"})
    assert shown() is None
    tracker.on_event({"type": "task-started", "hostname": "transcribe@vm", "uuid": "b"})
    tracker.on_event({"type": "task-progress", "hostname": "transcribe@vm", "uuid": "b", "model": "CAM++"})
    assert shown() == "CAM++"
    heartbeat(0)  # its end was missed: the next heartbeat says it runs nothing
    assert shown() is None


class Tracing(QTranslator):
    """German, with a mark (a zero-width space) on every string that went through a
    translation and has a German text: a visible string without the mark is English."""

    MARK = "\u200b"

    def __init__(self, german):
        super().__init__()
        self.german = german

    def translate(self, context, source, disambiguation=None, n=-1):
        for translator in self.german:
            text = translator.translate(context, source, disambiguation, n)
            if text:
                return self.MARK + text + self.MARK  # at both ends: a part cut off keeps one
        return None  # no German (a null string, not an empty one): Qt shows the English source, unmarked


# What a window shows that is nobody's word to translate: file and host names, numbers and
# times, the queue, task and model names, languages by their own names.
DATA = re.compile("|".join((
    r"^[\W\d_]*$", r"^(txt|srt|vtt|json|md|tsv)$", r"^[\w.\- ()]+\.(flac|mp3|wav|md|txt)$", r"@", r"^earmark\.",
    r"^(transcribe|nlp|index|cleanup|helper|diarize|summarize|translate)$", r"^\d+([.,]\d+)?\s*(×|MB|ms|s)$",
    r"\(\w\w\)$", r"^(tiny|base|small|medium|large|distil|qwen|llama|gemma)[\w.\-]*$", r"^(prefork|solo)")))


def shown_strings(root, word_columns=()) -> list[tuple[str, str]]:
    """(where, text) for every string a person can read in *root*: labels, buttons, tabs,
    menus, placeholders, tooltips, list and combo items, column titles, and the cells of
    the columns that hold words rather than data."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QDockWidget,
        QGroupBox,
        QLabel,
        QLineEdit,
        QListWidget,
        QMenu,
        QTabWidget,
        QWidget,
    )

    found = []

    def add(widget, text):
        text = re.sub(r"<[^>]+>", "", text or "").replace("&amp;", "&").strip()
        if text:
            found.append((f"{type(widget).__name__} {widget.objectName() or ''}".strip(), text))

    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, QLabel):
            add(widget, widget.text())
        if isinstance(widget, QAbstractButton):
            add(widget, widget.text())
        if isinstance(widget, QLineEdit) and not isinstance(widget.parent(), QComboBox):
            add(widget, widget.placeholderText())
        if isinstance(widget, QComboBox):
            for i in range(widget.count()):
                add(widget, widget.itemText(i))
        if isinstance(widget, QTabWidget):
            for i in range(widget.count()):
                add(widget, widget.tabText(i))
        if isinstance(widget, (QGroupBox,)):
            add(widget, widget.title())
        if isinstance(widget, QDockWidget) or widget.isWindow():
            add(widget, widget.windowTitle())
        if isinstance(widget, QMenu) or widget is root:
            for action in widget.actions():
                add(widget, action.text())
                add(widget, action.toolTip())
        if widget.toolTip():
            add(widget, widget.toolTip())
        if widget.accessibleName():  # what a screen reader says of it
            add(widget, widget.accessibleName())
        if isinstance(widget, QListWidget):  # its model is Qt's private one (read below it is skipped)
            for i in range(widget.count()):
                add(widget, widget.item(i).text())
        if isinstance(widget, QAbstractItemView) and not isinstance(widget.parent(), QComboBox):
            model = widget.model()
            if model is None:
                continue
            try:
                columns = model.columnCount(QModelIndex())
            except TypeError:  # Qt's own private models (a completer's, a header's)
                continue
            titles = {c: str(model.headerData(c, Qt.Horizontal) or "") for c in range(columns)} if columns > 1 else {}
            for c, title in titles.items():
                add(widget, title)
                if title.lstrip(Tracing.MARK) in word_columns:
                    for r in range(model.rowCount(QModelIndex())):
                        add(widget, str(model.index(r, c).data() or ""))
            if columns == 1:  # a list: its items
                for r in range(model.rowCount(QModelIndex())):
                    add(widget, str(model.index(r, 0).data() or ""))
    return found


def untranslated(strings) -> list[str]:
    return sorted({f"{where}: {text!r}" for where, text in strings
                   if Tracing.MARK not in text and not DATA.search(text)})


def test_german_is_complete_in_the_window_the_queue_panel_the_settings_and_the_dialogs(qtbot, data_dir, corpus):
    """Switched to German, every string a person can read in the main window, the queue
    panel (each tab), the settings (each page) and the dialogs went through a translation
    that has a German text: walked widget by widget, so a string that never went through
    tr() is found too, not only an entry left unfinished in the .ts. A count is said in the
    singular or the plural, not both at once ("1 Aufnahme(n)")."""
    from app.gui import i18n
    from app.gui.controller import skipped_sentence
    from app.gui.export_dialog import ExportDialog
    from app.gui.jobs_model import note_text
    from app.gui.main_window import ProgressDelegate
    from app.gui.people_dialog import PeopleDialog
    from app.gui.settings_dialog import SettingsDialog
    from app.runtime import fleet
    from workers.messages import say

    app = QApplication.instance()
    german = i18n.install(app, "de")
    i18n.remove(app, german)  # asked through the tracing translator only
    assert german, "the German translation did not load"
    tracing = Tracing(german)
    # the columns that hold words (the others hold names, times and numbers), by either title
    word_columns = {"State", "Status", "Heartbeat", "Last change", "Kind", "About", "Success rate"}
    word_columns |= {t.translate("Columns", c) for t in german for c in word_columns} - {""}
    app.installTranslator(tracing)
    window = None
    try:
        window = open_window(qtbot, data_dir, start=False)
        window.resize(1366, 768)
        store = window.controller.store
        jfk = add_transcribed(store, corpus / "jfk.flac", JFK)
        cancelled = store.create_job(str(corpus / "hotwords.mp3"), stages=["transcribe", "index"])
        store.update_stages(cancelled, ["transcribe", "index"], state=js.CANCELLED)
        silent = store.create_job(str(corpus / "hotwords.mp3"), stages=["transcribe"], options={"beam_size": 1})
        store.update_stage(silent, "transcribe", state=js.FAILED, error=say("no-speech"))  # what a job says
        named = store.create_job("/in/named.wav", stages=["transcribe", "diarize"])  # a person in View › People
        store.save_transcript(named, {"segments": [{"start": 0.0, "end": 1.0, "text": "Hi."}]})
        store.save_speakers(named, {"segments": [{"start": 0.0, "end": 1.0, "text": "Hi.", "speaker": "1"}],
                                    "speakers": [{"key": "1", "seconds": 1.0, "print": None}]})
        store.rename_speaker(named, "1", "Maria")
        now = time.time()
        store.add_event("task-1", "queued", now - 5, job_id=jfk, stage="transcribe")
        store.add_event("task-1", "succeeded", now, job_id=jfk, stage="transcribe", detail={"runtime": 3.0})
        window._refresh_if_dirty()
        window.open_job(jfk)
        window.queue_dock.show()
        panel = window.queue_panel
        tracker = fleet.WorkerTracker()
        tracker.on_event({"type": "worker-online", "hostname": "files@vm", "pid": 7, "freq": 2.0})
        panel.workers_tab.show_rows(fleet.worker_rows(tracker), {"transcribe": {"waiting": 0, "unacked": 0}})
        panel.queues_tab.fill({"transcribe": {"waiting": 0, "unacked": 0, "buckets": {}}})
        panel.stats_tab.refresh()
        panel.refresh_tasks()
        qtbot.waitUntil(lambda: panel.task_model.rowCount() == 1)
        panel.task_table.selectRow(0)
        window._note_skipped(skipped_sentence(["/tmp/notes.txt"]))
        strings = shown_strings(window, word_columns)
        window.model.refresh()
        assert {silent, cancelled} <= {row["id"] for row in window.model.rows}
        strings += [("job list, Progress", ProgressDelegate.text(row, "100%")) for row in window.model.rows]
        strings += [("job list, Note", note_text(row)) for row in window.model.rows if row["error"]]
        strings += [("status bar", window.status_label.text())]

        from app.api.local import LocalApi

        window.controller.api = LocalApi(window.controller.desk)  # Settings › API with its key and state
        settings = SettingsDialog(window.controller.settings, window, api=window.controller)
        qtbot.addWidget(settings)
        settings.show()
        assert settings.api_key_line.text() and settings.api_state.text()
        settings.models.table.selectRow(0)
        models = settings.models.table  # each word whole in the columns before About ("nicht heruntergela…")
        cut = [models.item(r, c).text() for r in range(models.rowCount()) for c in range(models.columnCount() - 1)
               if models.fontMetrics().horizontalAdvance(models.item(r, c).text()) > models.columnWidth(c)]
        assert not cut, cut
        strings += shown_strings(settings, word_columns)
        export = ExportDialog(window.controller.settings, 1, str(corpus), window)
        qtbot.addWidget(export)
        strings += shown_strings(export)
        people = PeopleDialog(store, window)
        qtbot.addWidget(people)
        listed = shown_strings(people)
        assert any(text.startswith(f"{Tracing.MARK}Maria") for _, text in listed), listed  # counted
        strings += listed
        window.table.selectRow(0)
        for name in window.again_actions:  # every stage a person may run again: one dialog shape
            window.run_again_dialog(name)
            strings += shown_strings(window.again_box)
            window.again_box.reject()
        window.controller.duplicate.emit(str(corpus / "jfk.flac"), jfk)
        qtbot.waitUntil(lambda: hasattr(window, "duplicate_box"))
        strings += shown_strings(window.duplicate_box)
        window.duplicate_box.reject()

        missing = untranslated(strings)
        assert not missing, "not in German:\n" + "\n".join(missing)
        hedged = sorted({text for _, text in strings if re.search(r"\w\((s|n|en|e)\)", text)})
        assert not hedged, "a count in the singular and the plural at once:\n" + "\n".join(hedged)
    finally:
        app.removeTranslator(tracing)
        if window is not None:
            close_window(qtbot, window)


def test_the_note_column_says_what_the_transcription_noted(qtbot, window, corpus):
    """Item 12: multilingual.mp3's Note was empty although its transcript marked speech in German."""
    from app.gui.jobs_model import COLUMNS

    store = window.controller.store
    said = ("8 s of speech sounds like German, which tiny.en (English only) cannot transcribe; choose the speech "
            "model 'base' (multilingual, bundled) to transcribe it.")
    job_id = store.create_job(str(corpus / "multilingual.mp3"), stages=["transcribe"])
    store.save_transcript(job_id, {"language": "en", "duration": 20.0, "notes": [said], "segments": [
        {"start": 0.0, "end": 8.0, "text": "Good morning, this is the English part."},
        {"start": 8.0, "end": 16.0, "text": "[speech not transcribed: it sounds like German]", "gap": True}]})
    store.update_stage(job_id, "transcribe", state=js.DONE)
    window._mark_dirty()
    note = [c.title for c in COLUMNS].index("Note")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1 and window.model.rows[0]["state"] == js.DONE)
    assert window.model.index(0, note).data() == said
    assert window.model.index(0, note).data(Qt.ToolTipRole) == said


def test_a_note_is_cut_at_its_end_where_a_file_name_is_cut_in_its_middle(qtbot, window, corpus):
    """The German walk (round 2): the job list cuts a file name in its middle ("meeting…sync.mp3"),
    and cut a long Note the same way, in the middle of its wrapped second line ("… erkannt, a…
    1 Sprecher war …"). The Note column's cells are cut at their end; the file names still in their middle."""
    from PySide6.QtWidgets import QStyleOptionViewItem

    from app.gui.jobs_model import COLUMNS

    store = window.controller.store
    job_id = store.create_job(str(corpus / "hotwords.mp3"), stages=["transcribe"])
    store.update_stage(job_id, "transcribe", state=js.FAILED, error="A long sentence " * 20)
    window._mark_dirty()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1 and window.model.rows[0]["state"] == js.FAILED)
    titles = [c.title for c in COLUMNS]

    def elide(column: str):
        index = window.model.index(0, titles.index(column))
        option = QStyleOptionViewItem()
        option.textElideMode = window.table.textElideMode()  # what the table gives each cell
        window.table.itemDelegateForIndex(index).initStyleOption(option, index)
        return option.textElideMode

    assert elide("Note") == Qt.ElideRight
    assert elide("File") == Qt.ElideMiddle


def frame_pixels(widget, colour) -> int:
    """How many of *widget*'s pixels are *colour*, as drawn."""
    image = widget.grab().toImage()
    rgb = colour.rgb()
    return sum(image.pixel(x, y) == rgb for y in range(image.height()) for x in range(image.width()))


@pytest.mark.parametrize("scheme", ["Light", "Dark"])
def test_after_tab_the_focused_control_is_framed_in_the_highlight_colour(qtbot, qapp, window, corpus, scheme):
    """Item 15: after Tab, nothing showed which control had the keys (Fusion's mark is too
    faint). Each kind of control, focused, has a frame of the theme's highlight colour
    that it lacks unfocused: a button, a search box, a list, a combo box, a slider, tabs,
    a check box of a dialog."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QTabBar

    from app.gui.app import follow_system_theme
    from app.gui.export_dialog import ExportDialog

    light = qapp.palette()
    follow_system_theme(qapp, force=getattr(Qt.ColorScheme, scheme))
    try:
        window.open_job(add_transcribed(window.controller.store, corpus / "jfk.flac", JFK))
        qtbot.waitUntil(window.table.isVisible)  # the job list, in place of the drop zone
        view = window.transcript
        dialog = ExportDialog(window.controller.settings, 1, str(corpus), window)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        first_check, second_check = list(dialog.checks.values())[:2]
        controls = {control: window.search_order for control in (
            view.play_button, window.search_box, window.table, view.table, view.speed, view.seek,
            window.tabs.findChild(QTabBar))}
        controls[first_check] = second_check
        for control, elsewhere in controls.items():
            control.window().activateWindow()
            elsewhere.setFocus(Qt.TabFocusReason)
            qtbot.waitUntil(lambda: not control.hasFocus())
            highlight = control.palette().color(QPalette.Active, QPalette.Highlight)
            before = frame_pixels(control, highlight)
            control.setFocus(Qt.TabFocusReason)
            qtbot.waitUntil(control.hasFocus)
            after = frame_pixels(control, highlight)
            edge = control.width() + control.height()  # a 2-pixel frame has about 4 × this many
            assert after - before >= edge, (type(control).__name__, before, after)
    finally:
        dialog.close()
        qapp.setStyleSheet("")
        qapp.setPalette(light)


def test_a_double_click_only_edits_and_a_single_click_plays_after_the_double_click_interval(qtbot, window, corpus):
    """Item 14: the first click of a double click started playback (and moved the player to
    the segment) before the second click opened the editor."""
    from PySide6.QtCore import QElapsedTimer
    from PySide6.QtMultimedia import QMediaPlayer

    view = window.transcript
    window.open_job(add_transcribed(window.controller.store, corpus / "jfk.flac", JFK))
    qtbot.waitUntil(lambda: view.position_label.text().endswith("/ 0:11"), timeout=10_000)
    interval = QApplication.styleHints().mouseDoubleClickInterval()
    text = view.table.visualRect(view.model.index(1, 1)).center()
    qtbot.mouseClick(view.table.viewport(), Qt.LeftButton, pos=text)  # a double click, as a widget
    qtbot.mouseDClick(view.table.viewport(), Qt.LeftButton, pos=text)  # receives one
    qtbot.waitUntil(lambda: view.table.state() == view.table.State.EditingState)
    with qtbot.assertNotEmitted(view.player.playbackStateChanged, wait=interval + 200):
        pass  # the interval passed, and the double click's first click did not play
    assert view.player.playbackState() != QMediaPlayer.PlayingState
    assert view.player.position() == 0  # nor went to the segment
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Escape)
    qtbot.waitUntil(lambda: view.table.state() != view.table.State.EditingState)

    clock = QElapsedTimer()
    clock.start()
    qtbot.mouseClick(view.table.viewport(), Qt.LeftButton, pos=view.table.visualRect(view.model.index(1, 0)).center())
    qtbot.waitUntil(lambda: view.player.playbackState() == QMediaPlayer.PlayingState, timeout=10_000)
    # a single click plays once no second click can come (less a timer's coarseness: Qt may fire 5% early)
    assert clock.elapsed() >= 0.9 * interval
    qtbot.waitUntil(lambda: view.player.position() >= 3_900, timeout=10_000)  # from its segment, 0:04
    view.player.pause()


def test_the_length_shown_is_the_open_recordings_from_the_moment_it_opens(qtbot, window, corpus, tmp_path):
    """Round 6 (the README's speakers.png): a recording opened after another showed the
    last one's length ("0:00 / 0:11" under a 45-second meeting) until the player had read
    the new file, and for good when it could not read it."""
    store, view = window.controller.store, window.transcript
    window.open_job(add_transcribed(store, corpus / "jfk.flac", JFK))
    qtbot.waitUntil(lambda: view.position_label.text() == "0:00 / 0:11", timeout=10_000)
    meeting = add_transcribed(store, corpus / "meeting1_product_sync.mp3",
                              [{"start": 0.0, "end": 81.0, "text": "Good morning everyone"}])
    window.open_job(meeting)
    assert view.position_label.text() == "0:00 / 1:21"  # before the player has read a byte of it
    qtbot.waitUntil(lambda: view.player.duration() > 0, timeout=10_000)
    assert view.position_label.text().endswith("/ 1:21")  # the file's own length: the same
    gone = tmp_path / "moved_away.wav"  # a recording moved since: nothing for the player to read
    window.open_job(add_transcribed(store, gone, [{"start": 0.0, "end": 42.0, "text": "Hello"}]))
    assert view.position_label.text() == "0:00 / 0:42"


def test_a_translation_shown_from_the_bundled_model_says_what_it_scored(qtbot, window, corpus):
    """Round 6 (a new user's 37-translation-beside.png): the bundled model's translation sat
    beside the original with no word about its quality; the warning was only in Settings and
    the Translate dialog. The translation is stored as the translate stage stores it (its
    model: the GGUF file's name)."""
    import os

    from workers.engines.gguf import bundled_gguf

    store, view = window.controller.store, window.transcript
    job_id = add_transcribed(store, corpus / "jfk.flac", JFK)
    segments = [{"idx": 0, "start": 0.0, "end": 4.0, "text": "Und so, meine amerikanischen Mitbürger"},
                {"idx": 1, "start": 4.0, "end": 11.0, "text": "fragt nicht, was euer Land für euch tun kann"}]
    store.save_translation(job_id, {"language": "de", "language_name": "German", "segments": segments,
                                    "model": os.path.basename(bundled_gguf())})
    store.save_translation(job_id, {"language": "fr", "language_name": "French", "segments": segments,
                                    "model": "a-larger-model.Q5_K_M.gguf"})
    window.open_job(job_id)
    # each by its own name, as the Translate dialog offers it (this list said "French (fr)" where
    # the dialog had offered "français (fr)")
    assert [view.languages.itemText(i) for i in range(1, 3)] == ["Deutsch (de)", "français (fr)"]
    view.languages.setCurrentIndex(view.languages.findData("de"))
    assert view.model.columnCount() == 3 and view.translation_note.isVisibleTo(view)
    note = view.translation_note.text()
    assert "bundled model" in note and "scored 37 of 100" in note and "below the 60" in note
    view.languages.setCurrentIndex(view.languages.findData("fr"))  # a model nobody scored: nothing to say
    assert view.model.columnCount() == 3 and not view.translation_note.isVisibleTo(view)
    view.languages.setCurrentIndex(view.languages.findData("de"))
    assert view.translation_note.isVisibleTo(view)
    view.languages.setCurrentIndex(view.languages.findData(None))  # no translation shown
    assert view.model.columnCount() == 2 and not view.translation_note.isVisibleTo(view)


def contrast(one, other) -> float:
    """WCAG's contrast ratio of two QColors (4.5 is its least for text)."""
    def luminance(colour):
        parts = [c / 255 for c in (colour.red(), colour.green(), colour.blue())]
        r, g, b = [p / 12.92 if p <= 0.03928 else ((p + 0.055) / 1.055) ** 2.4 for p in parts]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["Light", "Dark"])
def test_the_notes_time_links_are_readable_in_either_theme(qtbot, qapp, window, corpus, scheme):
    """Round 6 (the README's dark/summary.png): in the dark theme every time link of the
    notes was Qt's default #0000ff on the near-black page (contrast 1.9)."""
    from PySide6.QtGui import QPalette

    from app.gui.app import follow_system_theme

    light = qapp.palette()
    follow_system_theme(qapp, force=getattr(Qt.ColorScheme, scheme))
    try:
        store = window.controller.store
        job_id = add_transcribed(store, corpus / "jfk.flac", JFK)
        store.save_summary(job_id, {"template": "Meeting minutes", "markdown":
                                    "# Meeting minutes\n\n## Summary\n\n- Ask what you can do. [0:04](#t=4.0)"})
        window.open_job(job_id)
        window.tabs.setCurrentWidget(window.summary)
        page = window.summary.text
        qtbot.waitUntil(lambda: "0:04" in page.toPlainText())
        link, base = page.palette().color(QPalette.Link), page.palette().color(QPalette.Base)
        assert contrast(link, base) >= 4.5, (link.name(), base.name())
        assert frame_pixels(page.viewport(), link) > 0  # the link is drawn in that colour
    finally:
        qapp.setStyleSheet("")
        qapp.setPalette(light)


def test_an_unnamed_speaker_reads_in_the_windows_language(qtbot, window, corpus):
    """Round 6 (the README's de/speakers.png): the German window called the speaker nobody
    had named "Speaker 3" beside "Maria" and "Tom"; so did its menus. Review round 11: and
    so did a search hit's line ("jfk.flac · 0:04 · Speaker 2")."""
    from app.gui import i18n

    app = QApplication.instance()
    german = i18n.install(app, "de")
    try:
        store, view = window.controller.store, window.transcript
        job_id = add_transcribed(store, corpus / "jfk.flac", JFK)
        store.save_speakers(job_id, {
            "segments": [dict(JFK[0], speaker="1", source=0), dict(JFK[1], speaker="2", source=1)],
            "speakers": [{"key": "1", "seconds": 4.0}, {"key": "2", "seconds": 7.0}]})
        store.rename_speaker(job_id, "1", "Maria")
        window.open_job(job_id)
        column = view.model.speaker_column
        assert [view.model.index(r, column).data() for r in range(2)] == ["Maria", "Sprecher 2"]
        assert [s["label"] for s in view.speakers] == ["Maria", "Sprecher 2"]  # what its menus offer
        assert store.transcript(job_id)["segments"][1]["speaker"] == "Speaker 2"  # the exports keep theirs
        view.model.segments[0]["speaker_confidence"] = 0.834  # as a remembered voice gives it
        assert "(Ähnlichkeit 0,83)" in view.model.index(0, column).data(Qt.ToolTipRole)  # a decimal comma
        said = []
        for words in ("Americans", "country"):  # a line of each
            window.search_box.setText(words)
            window.run_search()
            said += [window.results.item(i).data(Qt.AccessibleTextRole) for i in range(window.results.count())]
        assert any("· Sprecher 2:" in hit for hit in said) and any("· Maria:" in hit for hit in said), said
        assert not any("Speaker" in hit for hit in said), said
    finally:
        window.search_box.clear()
        i18n.remove(app, german)


@pytest.mark.parametrize("language", ["en", "de"])
def test_opening_a_job_with_nothing_to_say_clears_the_last_jobs_words(qtbot, window, corpus, language):
    """Polish: the status line kept "a.mp3: not transcribed yet" (or the last job's no-words
    notice) after a job that says nothing of itself was opened; a batch's summary stays."""
    from app.gui import i18n

    app = QApplication.instance()
    translators = i18n.install(app, language)
    try:
        store = window.controller.store
        jfk = add_transcribed(store, corpus / "jfk.flac", JFK)
        waiting = store.create_job(str(corpus / "hotwords.mp3"), stages=["transcribe"])
        heard = store.create_job("/in/far.wav", stages=["transcribe"])
        store.save_transcript(heard, {"segments": [], "notes": ["No words were recognised in this recording."]})
        store.update_stage(heard, "transcribe", state=js.DONE)
        for earlier in (waiting, heard):
            window.open_job(earlier)
            assert window.status_label.text().startswith(("hotwords.mp3: ", "far.wav: ")), window.status_label.text()
            window.open_job(jfk)
            assert window.status_label.text() == ""
        window.status_label.setText("Batch finished: 1 done")  # not a job's own words: it stays
        window.open_job(jfk)
        assert window.status_label.text() == "Batch finished: 1 done"
    finally:
        i18n.remove(app, translators)


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_speech_settings_labels_say_the_values_as_their_boxes_do(qtbot, window, language):
    """Polish: Settings › Speech labelled the speakers box "off, auto, …" (the command line's
    values) while the box offered "Off" / "Find them (any number)" ("Aus" / "Erkennen (beliebig
    viele)"), and the speech model's "bundled" (German: "bundled" amid German words)."""
    from PySide6.QtWidgets import QLabel

    from app.gui import i18n
    from app.gui.settings_dialog import SettingsDialog

    app = QApplication.instance()
    translators = i18n.install(app, language)
    try:
        dialog = SettingsDialog(window.controller.settings, window)
        qtbot.addWidget(dialog)

        def label(key):
            editor = dialog.editors[key]
            [found] = [w.text() for w in dialog.findChildren(QLabel) if w.buddy() is editor]
            return found

        speakers, box = label("speakers"), dialog.editors["speakers"]
        assert "auto" not in re.findall(r"\w+", speakers), speakers
        for value in ("off", "auto"):  # each named in the label as its box names it
            assert box.itemText(box.findData(value)).casefold() in speakers.casefold(), speakers
        model = label("model")
        box = dialog.editors["model"].box
        named = [box.itemText(i) for i in range(box.count()) if box.itemData(i) == "bundled"]
        assert named and named[0].split(" (")[0] in model, (named, model)  # tiny.en, as the box shows it
        where = named[0].split(" (")[1].rstrip(")")  # "bundled", "mitgeliefert"
        assert where in model and ("bundled" not in model or language == "en"), model
    finally:
        i18n.remove(app, translators)


@pytest.mark.parametrize(("language", "said"), [("en", "25%"), ("de", "25 %")])
def test_progress_reads_as_the_windows_language_writes_a_percentage(qtbot, window, corpus, language, said):
    """Polish: the German window wrote "25%" where German typesetting writes "25 %" (the job
    list's cell and the overall bar)."""
    from app.gui import i18n
    from app.gui.jobs_model import PROGRESS_COLUMN

    app = QApplication.instance()
    translators = i18n.install(app, language)
    try:
        store = window.controller.store
        job_id = store.create_job(str(corpus / "jfk.flac"), stages=["transcribe"])
        store.update_stage(job_id, "transcribe", state=js.RUNNING, progress=0.25, started_at=time.time())
        window._mark_dirty()
        qtbot.waitUntil(lambda: bool(window.model.rows) and window.model.rows[0]["state"] == js.RUNNING)
        assert window.model.index(0, PROGRESS_COLUMN).data() == said
        assert window.overall.text().endswith(f"· {said}"), window.overall.text()
    finally:
        i18n.remove(app, translators)
