"""Screenshots of the main window for the README, as a person sees it: under a real X
server (Xvfb, started here when there is no display) at a common laptop size (1366×768),
in the light theme and the dark one:

    python scripts/screenshots.py [--out docs/screenshots] [--theme light|dark|both] [--language de] [--offscreen]

empty.png (the drop zone), running.png (jobs under way), transcript.png (a transcript open),
summary.png (its notes in the Summary tab, each line linked to its time), translation.png (a
French translation beside the original), queue.png and tasks.png (the queue panel), speakers.png
(a meeting of three espeak-ng voices with its speakers found and two of them named), helpers.png
(Settings › Helpers with the line another machine types), people.png (View › People: the voices
named); with --live only live.png (the Record panel's live text while a corpus meeting plays
into a private PulseAudio null sink, tests/soundserver.py: needs pulseaudio and
pulseaudio-utils); the dark theme's in dark/, a language's in its own folder (de/). Each is
saved in 256 colours. Needs Xvfb and Qt's X11 libraries (the README lists them).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpus"


SIZE = (1366, 768)


def x_server():
    """A private Xvfb on a free display; returns (process, display)."""
    import subprocess
    import time

    for number in range(91, 120):
        if not Path(f"/tmp/.X11-unix/X{number}").exists():
            break
    proc = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", f"{SIZE[0]}x{SIZE[1]}x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("Xvfb did not start (apt-get install xvfb)")
        time.sleep(0.1)
    return proc, f":{number}"


def main() -> None:
    import subprocess

    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(REPO / "docs" / "screenshots"))
    parser.add_argument("--theme", choices=("light", "dark", "both"), default="both")
    parser.add_argument("--offscreen", action="store_true", help="Qt's offscreen platform instead of Xvfb")
    parser.add_argument("--language", help="the window in this language (e.g. de), into its own folder")
    parser.add_argument("--live", action="store_true", help="only live.png (the Record panel)")
    args = parser.parse_args()
    if args.theme == "both" and not args.live:  # each theme in a fresh process (a fresh QApplication)
        for theme in ("light", "dark"):
            subprocess.run([sys.executable, __file__, "--out", args.out, "--theme", theme,
                            *(["--offscreen"] if args.offscreen else []),
                            *(["--language", args.language] if args.language else [])], check=True)
        return
    xvfb = None
    if args.offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    else:
        os.environ["QT_QPA_PLATFORM"] = "xcb"
        if not os.environ.get("DISPLAY"):
            xvfb, os.environ["DISPLAY"] = x_server()
    try:
        shoot(Path(args.out) / (args.language or "") / ("dark" if args.theme == "dark" else ""), args.theme,
              args.language, live=args.live)
    finally:
        if xvfb:
            xvfb.terminate()


def shoot(out: Path, theme: str, language: str | None = None, live: bool = False) -> None:
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.gui.app import follow_system_theme
    from app.gui.controller import AppController
    from app.gui.main_window import MainWindow
    from app.paths import DataDir
    from app.store import jobstore as js

    app = QApplication([])
    if language:
        from app.gui import i18n

        i18n.install(app, language)  # parented to the app: kept as long as it
    follow_system_theme(app, force=Qt.ColorScheme.Dark if theme == "dark" else Qt.ColorScheme.Light)
    data = DataDir.resolve(tempfile.mkdtemp(prefix="em-shots-"))
    controller = AppController(data)
    window = MainWindow(controller)
    window.move(0, 0)
    window.resize(*SIZE)
    window.show()
    app.processEvents()

    def save(widget, name: str) -> None:
        """What the X server shows of the widget (its pixels on the screen, not a render)."""
        from PySide6.QtTest import QTest

        if widget.isWindow():  # a dialog just shown: mapped and painted, or the grab is what lay beneath
            QTest.qWaitForWindowExposed(widget, 10_000)
        app.processEvents()
        top_left = widget.mapToGlobal(widget.rect().topLeft())
        shot = widget.screen().grabWindow(0, top_left.x(), top_left.y(), widget.width(), widget.height())
        shot = shot if not shot.isNull() and os.environ["QT_QPA_PLATFORM"] == "xcb" else widget.grab()
        small(shot.toImage()).save(str(out / name))

    if live:
        return shoot_live(app, window, save)
    save(window, "empty.png")
    controller.start()
    names = ["meeting1_product_sync.mp3", "meeting2_incident_review.mp3", "meeting3_budget_planning.mp3",
             "meeting4_customer_research.mp3", "jfk.flac", "README.md"]
    window.add_paths([str(CORPUS / n) for n in names])
    taken = set()

    def look(timer):
        rows = window.model.rows
        if "running" not in taken and len(rows) == len(names) and any(r["state"] == js.RUNNING for r in rows) \
                and any(r["state"] == js.DONE for r in rows):
            save(window, "running.png")
            taken.add("running")
        meeting = next((r for r in rows if r["path"].endswith(names[0])), None)
        if "running" in taken and "transcript" not in taken and rows and all(r["state"] in js.FINAL for r in rows) \
                and controller.store.summaries(meeting["id"]):
            window.open_job(meeting["id"])
            window.transcript.find.setText("release")
            window.transcript.model.set_current(2)
            app.processEvents()
            save(window, "transcript.png")
            window.tabs.setCurrentWidget(window.summary)  # its notes, each line linked to its time
            save(window, "summary.png")
            window.tabs.setCurrentWidget(window.transcript)
            taken.add("transcript")
            jfk = next(r for r in rows if r["path"].endswith("jfk.flac"))
            controller.run_stage([jfk["id"]], "translate", translate_to="fr")
            window.transcript.find.clear()
            window.open_job(jfk["id"])
        if "transcript" in taken and "translation" not in taken and window.transcript.model.columnCount() == 3 \
                and all(r["state"] in js.FINAL for r in rows):  # its search index too: no "working…" left
            save(window, "translation.png")
            taken.add("translation")
            window.queue_dock.setFloating(True)
            window.queue_dock.move(0, 0)
            window.queue_dock.resize(SIZE[0], SIZE[1] - 80)
            window.queue_dock.show()
        if "translation" in taken and "queue" not in taken and window.queue_panel.worker_rows() and \
                all(w["online"] and w["queues"] for w in window.queue_panel.worker_rows()):
            window.queue_panel.refresh_charts()
            window.queue_panel.tabs.setCurrentIndex(0)
            save(window.queue_dock, "queue.png")
            window.queue_panel.tabs.setCurrentIndex(2)
            window.queue_panel.task_table.selectRow(0)
            window.queue_panel.show_detail()
            save(window.queue_dock, "tasks.png")
            taken.add("queue")
            window.queue_dock.hide()
            from tests.voices_audio import meeting

            voices = Path(tempfile.mkdtemp(prefix="em-voices-")) / "team_meeting.wav"
            meeting(voices)
            controller.settings.set("speakers", "auto")
            window.add_paths([str(voices)])
        if "queue" in taken and "speakers" not in taken:
            row = next((r for r in window.model.rows if r["path"].endswith("team_meeting.wav")), None)
            if row and row["state"] in js.FINAL and row["speakers"]:
                controller.store.rename_speaker(row["id"], "1", "Maria")
                controller.store.rename_speaker(row["id"], "2", "Tom")
                window.table.selectRow(window.model.rows.index(row))
                window.open_job(row["id"])
                window.transcript.model.set_current(3)
                save(window, "speakers.png")
                taken.add("speakers")
                timer.stop()
                helpers_page()
                window.people_dialog()  # View › People: the voices named just now (after Settings:
                window.people_box.list.setCurrentRow(0)  # once it closed, the X server showed the
                save(window.people_box, "people.png")  # window where the next dialog was)
                window.people_box.reject()
                window.close()

    def helpers_page():
        from app.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(controller.settings, window)
        from workers.options import GROUPS, HELPERS

        dialog.tabs.setCurrentIndex(list(GROUPS).index(HELPERS))
        dialog.editors["helpers_listen"].setText("0.0.0.0:6380")
        dialog.resize(960, dialog.sizeHint().height())
        dialog.show()
        save(dialog, "helpers.png")
        dialog.reject()

    run_until_stopped(app, window, look)
    app.shutdown()
    print(f"screenshots written to {out}")


def small(image):
    """256 colours, no dither: a window's flat colours and text look the same, in a quarter
    of the bytes (the repository carries every screenshot)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    return image.convertToFormat(QImage.Format_Indexed8, Qt.AvoidDither | Qt.ThresholdDither)


def run_until_stopped(app, window, look):
    """``look(timer)`` every 200 ms (it stops the timer once it has taken its shots) until
    the window's stack has stopped."""
    from PySide6.QtCore import QTimer

    timer = QTimer(window, interval=200)
    timer.timeout.connect(lambda: look(timer))
    timer.start()
    window.controller.stopped.connect(app.quit)
    app.exec()


def shoot_live(app, window, save) -> None:
    """live.png: the Record panel listening to a corpus meeting played into a null sink."""
    from tests.soundserver import NullSink, wav_of

    folder = Path(tempfile.mkdtemp(prefix="em-pulse-"))
    played = wav_of(CORPUS / "meeting1_product_sync.mp3", folder)
    controller, panel, state = window.controller, window.record_panel, {}
    with NullSink(folder) as sink:
        os.environ["PULSE_SERVER"] = sink.env["PULSE_SERVER"]
        panel.fill_devices()  # answered off the GUI thread: chosen once it is there
        controller.start()

        def look(timer):
            if "recording" not in state and controller.is_ready and panel.device.findData(sink.monitor) >= 0:
                panel.device.setCurrentIndex(panel.device.findData(sink.monitor))
                window.record()
                state["recording"] = True
            if "recording" in state and "player" not in state and panel.live and panel.live.listening.is_set():
                state["player"] = sink.play(played)
            if "player" in state and "shot" not in state and panel.text.blockCount() >= 5:
                save(window, "live.png")
                state["shot"] = True
                window.record()  # stop: the recording becomes a job
            if "shot" in state and not panel.recording_now:
                timer.stop()
                state["player"].terminate()
                window.close()

        run_until_stopped(app, window, look)
    app.shutdown()


if __name__ == "__main__":
    main()
