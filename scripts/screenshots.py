"""Screenshots of the main window for the README, taken offscreen:

    python scripts/screenshots.py [--out docs/screenshots]

empty.png (the drop zone), running.png (jobs under way), transcript.png (a transcript open),
translation.png (a French translation beside the original), queue.png and tasks.png (the queue panel).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(REPO / "docs" / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app import jobstore as js
    from app.gui.controller import AppController
    from app.gui.main_window import MainWindow
    from app.paths import DataDir

    app = QApplication([])
    data = DataDir.resolve(tempfile.mkdtemp(prefix="em-shots-"))
    controller = AppController(data)
    window = MainWindow(controller)
    window.resize(1280, 720)
    window.show()
    app.processEvents()
    window.grab().save(str(out / "empty.png"))
    controller.start()
    names = ["meeting1_product_sync.mp3", "meeting2_incident_review.mp3", "meeting3_budget_planning.mp3",
             "meeting4_customer_research.mp3", "jfk.flac", "README.md"]
    window.add_paths([str(CORPUS / n) for n in names])
    taken = set()

    def look():
        rows = window.model.rows
        if "running" not in taken and len(rows) == len(names) and any(r["state"] == js.RUNNING for r in rows) \
                and any(r["state"] == js.DONE for r in rows):
            window.grab().save(str(out / "running.png"))
            taken.add("running")
        if "running" in taken and "transcript" not in taken and rows and all(r["state"] in js.FINAL for r in rows):
            meeting = next(r for r in rows if r["path"].endswith(names[0]))
            window.open_job(meeting["id"])
            window.transcript.find.setText("release")
            window.transcript.model.set_current(2)
            app.processEvents()
            window.grab().save(str(out / "transcript.png"))
            taken.add("transcript")
            jfk = next(r for r in rows if r["path"].endswith("jfk.flac"))
            controller.translate([jfk["id"]], "fr")
            window.transcript.find.clear()
            window.open_job(jfk["id"])
        if "transcript" in taken and "translation" not in taken and window.transcript.model.columnCount() == 3:
            app.processEvents()
            window.grab().save(str(out / "translation.png"))
            taken.add("translation")
            window.queue_dock.setFloating(True)
            window.queue_dock.resize(1280, 640)
            window.queue_dock.show()
        if "translation" in taken and "queue" not in taken and window.queue_panel.worker_rows() and \
                all(w["online"] and w["queues"] for w in window.queue_panel.worker_rows()):
            window.queue_panel.refresh_charts()
            window.queue_panel.tabs.setCurrentIndex(0)
            app.processEvents()
            window.queue_panel.grab().save(str(out / "queue.png"))
            window.queue_panel.tabs.setCurrentIndex(2)
            window.queue_panel.task_table.selectRow(0)
            app.processEvents()
            window.queue_panel.grab().save(str(out / "tasks.png"))
            taken.add("queue")
            timer.stop()
            window.close()

    timer = QTimer(window, interval=200, timeout=look)
    timer.start()
    controller.stopped.connect(app.quit)
    app.exec()
    app.shutdown()
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main()
