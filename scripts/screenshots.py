"""Screenshots of the main window for the README, taken offscreen:

    python scripts/screenshots.py [--out docs/screenshots]

empty.png (the drop zone), running.png (jobs under way), transcript.png (a transcript open).
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
        running = [r for r in rows if r["state"] == js.RUNNING and (r["progress"] or 0) > 0.3]
        if "running" not in taken and running and len(rows) == len(names):
            window.grab().save(str(out / "running.png"))
            taken.add("running")
        if "running" in taken and rows and all(r["state"] in js.FINAL for r in rows):
            meeting = next(r for r in rows if r["path"].endswith(names[0]))
            window.open_job(meeting["id"])
            window.transcript.find.setText("release")
            window.transcript.model.set_current(2)
            app.processEvents()
            window.grab().save(str(out / "transcript.png"))
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
