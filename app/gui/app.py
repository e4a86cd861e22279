"""Start the window: it shows at once, and the workers start behind it."""

from __future__ import annotations

import sys

from app.paths import DataDir


def run(data: DataDir) -> int:
    from PySide6.QtWidgets import QApplication

    from app.gui.controller import AppController
    from app.gui.main_window import MainWindow

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    qt_app.setApplicationName("Earmark")
    controller = AppController(data)
    window = MainWindow(controller)
    window.show()
    controller.start()
    code = qt_app.exec()
    if not window._closed:  # quit by another way than the window: stop the stack now
        controller.stop()
    return code
