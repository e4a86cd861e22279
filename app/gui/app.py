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


# The Debian/Ubuntu package of a library Qt's X11 plugin needs, where its name does
# not follow from the library's (libxcb-icccm.so.4 → libxcb-icccm4 does).
PACKAGES = {"libxkbcommon-x11.so.0": "libxkbcommon-x11-0", "libEGL.so.1": "libegl1", "libGL.so.1": "libgl1",
            "libdbus-1.so.3": "libdbus-1-3", "libfontconfig.so.1": "libfontconfig1",
            "libX11-xcb.so.1": "libx11-xcb1", "libxkbcommon.so.0": "libxkbcommon0"}


def package_of(library: str) -> str:
    """libxcb-icccm.so.4 → libxcb-icccm4; libxcb-render-util.so.0 → libxcb-render-util0."""
    if library in PACKAGES:
        return PACKAGES[library]
    stem, _, version = library.partition(".so.")
    return f"{stem}{'-' if stem[-1:].isdigit() else ''}{version.split('.')[0]}".lower()


def missing_libraries(platform: str = "xcb") -> list[str]:
    """The system libraries Qt's *platform* plugin needs that this machine lacks (from
    ``ldd``, which names them; Qt itself blames libxcb-cursor0 whatever is missing)."""
    import os
    import shutil
    import subprocess

    import PySide6

    plugin = os.path.join(os.path.dirname(PySide6.__file__), "Qt", "plugins", "platforms", f"libq{platform}.so")
    if not os.path.exists(plugin) or not shutil.which("ldd"):
        return []
    try:
        out = subprocess.run(["ldd", plugin], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split("=>")[0].strip() for line in out.splitlines() if "not found" in line})


def display_problem() -> str | None:
    """Why the window cannot open on this Linux desktop, in a sentence; None if it can."""
    import os

    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or platform not in ("", "xcb") or (
            not platform and os.environ.get("WAYLAND_DISPLAY")):
        return None
    missing = missing_libraries("xcb")
    if missing:
        return (f"the window needs system libraries this machine lacks: {', '.join(missing)}. On Debian or "
                f"Ubuntu: sudo apt install {' '.join(dict.fromkeys(package_of(m) for m in missing))}")
    display = os.environ.get("DISPLAY", "")
    local = display.startswith(":") and display[1:].split(".")[0].isdigit()
    if local and not os.path.exists(f"/tmp/.X11-unix/X{display[1:].split('.')[0]}"):
        return f"there is no X server on the display {display}; is the desktop running?"
    return None


def quiet_qt() -> None:
    """Qt's messages (multimedia back ends probing PipeWire, VA-API, PulseAudio; the
    platform plugin) go to the log file, not the terminal."""
    import logging

    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    log = logging.getLogger("earmark.qt")
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}

    def handler(kind, context, message):
        log.log(levels.get(kind, logging.WARNING), "%s%s", f"{context.category}: " if context.category
                and context.category != "default" else "", message)

    qInstallMessageHandler(handler)


def show_focus(qt_app) -> None:
    """After Tab, the focused control is framed in the palette's highlight colour
    (resources/focus.qss)."""
    from importlib.resources import files

    qt_app.setStyleSheet((files("resources") / "focus.qss").read_text(encoding="utf-8"))


def follow_system_theme(qt_app, force=None) -> None:
    """Light or dark as the system is, and again when it changes: Fusion with a dark
    palette where the desktop asks for dark (Qt's own styles do not everywhere)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QPalette

    light = qt_app.palette()

    def apply(scheme=None) -> None:
        scheme = qt_app.styleHints().colorScheme() if scheme is None else scheme
        if scheme == Qt.ColorScheme.Dark:
            dark = QPalette()
            for role, colour in ((QPalette.Window, "#2b2b2b"), (QPalette.WindowText, "#e8e8e8"),
                                 (QPalette.Base, "#1e1e1e"), (QPalette.AlternateBase, "#262626"),
                                 (QPalette.Text, "#e8e8e8"), (QPalette.Button, "#333333"),
                                 (QPalette.ButtonText, "#e8e8e8"), (QPalette.Highlight, "#2f6db5"),
                                 (QPalette.HighlightedText, "#ffffff"), (QPalette.ToolTipBase, "#333333"),
                                 (QPalette.ToolTipText, "#e8e8e8"), (QPalette.PlaceholderText, "#9a9a9a"),
                                 (QPalette.Mid, "#8a8a8a"),  # links: the notes' times, readable on Base
                                 (QPalette.Link, "#8ab4f8"), (QPalette.LinkVisited, "#c58af9")):
                dark.setColor(role, QColor(colour))
            for role in (QPalette.WindowText, QPalette.Text, QPalette.ButtonText):  # greyed out looks it
                dark.setColor(QPalette.Disabled, role, QColor("#7a7a7a"))
            qt_app.setStyle("Fusion")
            qt_app.setPalette(dark)
        else:
            qt_app.setPalette(light)
        show_focus(qt_app)  # the sheet takes its colour from the palette when it is set

    if force is not None:  # the screenshots of each theme
        apply(force)
        return
    apply()
    qt_app.styleHints().colorSchemeChanged.connect(apply)


def run(data: DataDir, quit_when_ready: bool = False, api=None) -> int:
    """*api*: the local API the window may run (``AppController``'s)."""
    import time

    if not has_display():
        print("earmark: there is no display to open the window on. Use `earmark serve` to run the "
              "workers without a window, or `earmark transcribe FILE...`.", file=sys.stderr)
        return 2
    problem = display_problem()
    if problem:
        print(f"earmark: {problem}. Without a window, `earmark serve` runs the workers and "
              "`earmark transcribe FILE...` transcribes.", file=sys.stderr)
        return 2

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    quiet_qt()

    from app.gui.controller import AppController
    from app.gui.main_window import MainWindow

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    qt_app.setApplicationName("Earmark")
    from app.gui import i18n

    qt_app.earmark_translators = i18n.install(qt_app)  # before any window exists
    follow_system_theme(qt_app)
    from importlib.resources import files

    from PySide6.QtGui import QIcon

    qt_app.setWindowIcon(QIcon(str(files("resources") / "icons" / "earmark.svg")))
    controller = AppController(data, api=api)
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
