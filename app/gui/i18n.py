"""The window in the person's language: Earmark's own translations
(resources/translations/earmark_LANG.qm, made by scripts/translations.py) and Qt's for
its standard dialogs and buttons. The language is the system's, or EARMARK_LANGUAGE
(e.g. de); English needs nothing."""

from __future__ import annotations

import os
from importlib.resources import files

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator


def folder() -> str:
    return str(files("resources") / "translations")


_DEFAULTS: list[QLocale] = []  # the default locale before each install (remove restores it)


def install(qt_app, language: str | None = None) -> list[QTranslator]:
    """Install the translators for *language* (default: EARMARK_LANGUAGE, else the
    system's); returns them (kept by the caller, or Qt forgets them). The language's locale
    becomes Qt's default too, so numbers read as it writes them ("0,4 s" in German)."""
    locale = QLocale(language or os.environ.get("EARMARK_LANGUAGE") or QLocale.system().name())
    installed = []
    for name, where in (("earmark", folder()), ("qtbase", QLibraryInfo.path(QLibraryInfo.TranslationsPath))):
        translator = QTranslator(qt_app)
        if translator.load(locale, name, "_", where):
            qt_app.installTranslator(translator)
            installed.append(translator)
    _DEFAULTS.append(QLocale())
    QLocale.setDefault(locale)
    return installed


def remove(qt_app, translators: list[QTranslator]) -> None:
    for translator in translators:
        qt_app.removeTranslator(translator)
    if _DEFAULTS:
        QLocale.setDefault(_DEFAULTS.pop())
