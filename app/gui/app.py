"""Start the window: it shows at once, and the workers start behind it."""

from __future__ import annotations

import sys

from app.paths import DataDir


def has_display() -> bool:
    """False on a Linux box with no screen, where Qt would abort with a cryptic error."""
    import os

    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(data: DataDir, quit_when_ready: bool = False) -> int:
    import time

    if not has_display():
        print("earmark: there is no display to open the window on. Use `earmark serve` to run the "
              "workers without a window, or `earmark transcribe FILE...`.", file=sys.stderr)
        return 2

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.gui.controller import AppController
    from app.gui.main_window import MainWindow

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    qt_app.setApplicationName("Earmark")
    from importlib.resources import files

    from PySide6.QtGui import QIcon

    qt_app.setWindowIcon(QIcon(str(files("resources") / "icons" / "earmark.svg")))
    controller = AppController(data)
    window = MainWindow(controller)
    window.show()
    if quit_when_ready:
        import psutil

        launched = psutil.Process().create_time()  # the command's start, imports included
        QTimer.singleShot(0, lambda: print(f"window shown after {time.time() - launched:.2f} s", flush=True))

        def ready():
            print(f"workers ready after {time.time() - launched:.2f} s", flush=True)
            window.close()

        controller.ready.connect(ready)
        controller.start_failed.connect(lambda message: (print(message, file=sys.stderr), qt_app.exit(1)))
    controller.start()
    code = qt_app.exec()
    if not window._closed:  # quit by another way than the window: stop the stack now
        controller.stop()
    return code
