"""How late the window's event loop runs while ten jobs run and progress streams in.

    python bench/bench_gui_latency.py [--jobs 10]

A 10 ms repeating timer measures its own lateness (what a person feels as lag) in
three phases of one run: the window idle, the stack starting, and ten jobs running
on the real workers. Prints the 50th and 99th percentile and the worst delay.
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
    parser.add_argument("--jobs", type=int, default=10)
    jobs = parser.parse_args().jobs

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.gui.controller import AppController
    from app.gui.latency import EventLoopProbe
    from app.gui.main_window import MainWindow
    from app.paths import DataDir
    from app.store import jobstore as js

    app = QApplication([])
    work = Path(tempfile.mkdtemp(prefix="em-lat-"))
    files = []
    for i in range(jobs):  # distinct files (a byte appended), so none is a duplicate
        target = work / f"meeting{i}.mp3"
        source = CORPUS / ("meeting1_product_sync.mp3" if i % 2 == 0 else "hotwords.mp3")
        target.write_bytes(source.read_bytes() + bytes([i]))
        files.append(str(target))
    controller = AppController(DataDir.resolve(work / "data"))
    window = MainWindow(controller)
    window.show()
    phases: dict[str, EventLoopProbe] = {}

    def phase(name: str) -> EventLoopProbe:
        for probe in phases.values():
            probe.stop()
        phases[name] = EventLoopProbe(parent=window)
        phases[name].start()
        return phases[name]

    phase("idle window")
    QTimer.singleShot(2000, lambda: (phase("stack starting"), controller.start()))

    def on_ready():
        phase(f"{jobs} jobs running")
        window.add_paths(files)

    controller.ready.connect(on_ready)

    def check():
        rows = window.model.rows
        if controller.is_ready and len(rows) == jobs and all(r["state"] in js.FINAL for r in rows):
            for probe in phases.values():
                probe.stop()
            timer.stop()
            window.close()

    timer = QTimer(window, interval=250, timeout=check)
    timer.start()
    controller.stopped.connect(app.quit)
    app.exec()

    print(f"# GUI event-loop delay (10 ms timer lateness), {os.cpu_count()} cores, offscreen")
    print(f"{'phase':<20}{'ticks':>7}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, probe in phases.items():
        print(f"{name:<20}{len(probe.delays):>7}{probe.percentile(50) * 1000:>9.1f}"
              f"{probe.percentile(99) * 1000:>9.1f}{max(probe.delays, default=0) * 1000:>9.1f}")
    app.shutdown()


if __name__ == "__main__":
    main()
