"""What a person meets when the window starts on a Linux desktop (issue 14, item 13):
a missing system library is named with the package that brings it, a missing X server is
said as such, and Qt's own chatter (PipeWire, VA-API, PulseAudio probing) stays out of
the terminal (it goes to the log file)."""

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt

from app.gui.app import missing_libraries, package_of


def gui(data_dir, env, *args):
    return subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data_dir), "gui", *args],
                          capture_output=True, text=True, timeout=180, env=env, stdin=subprocess.DEVNULL)


def test_debian_package_names_follow_the_libraries():
    assert package_of("libxcb-icccm.so.4") == "libxcb-icccm4"
    assert package_of("libxcb-keysyms.so.1") == "libxcb-keysyms1"
    assert package_of("libxcb-render-util.so.0") == "libxcb-render-util0"
    assert package_of("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 desktops")
def test_a_desktop_without_what_the_window_needs_gets_a_sentence_not_a_qt_abort(data_dir):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env["DISPLAY"] = ":97"  # no X server there
    done = gui(data_dir, env)
    assert done.returncode == 2, done.stderr
    missing = subprocess.run(["ldd", str(_plugin())], capture_output=True, text=True).stdout
    missing = sorted({line.split("=>")[0].strip() for line in missing.splitlines() if "not found" in line})
    assert missing_libraries() == missing
    if missing:  # e.g. this machine: libxcb-icccm.so.4 and libxcb-keysyms.so.1 (Qt blames libxcb-cursor0)
        assert f"lacks: {', '.join(missing)}" in done.stderr
        assert "sudo apt install " + " ".join(dict.fromkeys(package_of(m) for m in missing)) in done.stderr
    else:
        assert "there is no X server on the display :97" in done.stderr
    assert "qt.qpa" not in done.stderr and "Aborted" not in done.stderr and "Traceback" not in done.stderr


@pytest.mark.stack  # the window starts its workers
def test_the_terminal_stays_quiet_when_the_window_starts(data_dir):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = gui(data_dir, env, "--quit-when-ready")
    assert done.returncode == 0, done.stderr
    noise = [line for line in done.stderr.splitlines() if line.strip()]
    assert noise == [], noise
    logged = (data_dir / "logs" / "app.log").read_text()
    assert "earmark.qt" in logged  # Qt's messages are kept, in the log


def _plugin():
    from pathlib import Path

    import PySide6

    return Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"


def test_the_window_follows_a_dark_system_theme(qapp):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPalette

    from app.gui.app import follow_system_theme

    before = qapp.palette().color(QPalette.Window).lightness()
    follow_system_theme(qapp)
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # the desktop switched to dark
    assert qapp.palette().color(QPalette.Window).lightness() < 80
    assert qapp.palette().color(QPalette.Text).lightness() > 200
    # a disabled action reads as disabled: Cancel with nothing to cancel was as bright as Add files
    assert qapp.palette().color(QPalette.Disabled, QPalette.ButtonText).lightness() < 140
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert qapp.palette().color(QPalette.Window).lightness() == before


def test_the_window_speaks_german_from_the_shipped_translation(qtbot, data_dir):
    """One translation ships to prove the path: every visible string goes through tr()
    (or a declared, translated title), and German is complete."""
    import xml.etree.ElementTree as ET
    from pathlib import Path

    from PySide6.QtWidgets import QApplication, QToolBar

    from app.gui import i18n
    from app.gui.settings_dialog import SettingsDialog
    from tests.test_gui import close_window, open_window

    ts = ET.parse(Path(i18n.folder()) / "earmark_de.ts").getroot()
    unfinished = [m.findtext("source") for m in ts.iter("message")
                  if m.find("translation").get("type") == "unfinished"]
    assert unfinished == [], unfinished
    translators = i18n.install(QApplication.instance(), "de")
    try:
        assert translators, "earmark_de.qm did not load"
        window = open_window(qtbot, data_dir, start=False)
        try:
            menus = [a.text() for a in window.menuBar().actions()]
            assert menus == ["&Datei", "&Aufträge", "An&sicht"]
            bar = window.findChild(QToolBar)
            assert [a.text() for a in bar.actions()][:2] == ["Dateien hinzufügen…", "Auswahl exportieren…"]
            headers = [window.model.headerData(c, Qt.Horizontal) for c in range(3)]
            assert headers == ["Datei", "Fortschritt", "Status"]
            assert window.transcript.play_button.text() == "Abspielen"
            dialog = SettingsDialog(window.controller.settings, window)
            qtbot.addWidget(dialog)
            assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
                "Sprache", "Zusammenfassungen", "Export", "Überwachter Ordner", "Helfer", "API", "Erweitert", "Modelle"]
        finally:
            close_window(qtbot, window)
    finally:
        i18n.remove(QApplication.instance(), translators)
