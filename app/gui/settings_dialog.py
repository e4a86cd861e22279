"""One dialog for every setting, built from the declarations (``app.settings``, a page per
group: Speech, Summaries, Export, Advanced; pickers where a folder, a file or one of a
list is meant; nothing saved while a value cannot be used), and the model manager
(Models tab): what can be downloaded, what is here, download and delete."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.gui import palette
from app.gui.messages import words
from app.gui.table import column_title
from app.paths import choose_data_dir, chosen_data_dir
from app.settings import ADVANCED, BY_KEY, SETTINGS, Settings, problem_with
from workers.options import API, GROUPS, HELPERS

# Settings the running stack is built from: changing one starts the stack again.
STACK_SETTINGS = ("helpers_listen", "local_queues", "broker_url", "broker_tcp_port")


class PathField(QWidget):
    """A line to type in, a Choose… button for a folder or a file, and suggestions."""

    def __init__(self, value: str, folder: bool, file_filter: str = "", suggestions=(), parent=None, editor=None,
                 many: bool = False):
        """*many*: a list of folders separated by ";", each chosen added to it."""
        super().__init__(parent)
        self.folder, self.file_filter, self.many = folder, file_filter, many
        self.line = editor or QLineEdit(value)  # or any editor with text() and setText()
        self.line.setMinimumWidth(320)
        if suggestions:
            self.line.setCompleter(QCompleter(list(suggestions), self.line))
        choose = QPushButton(self.tr("Choose…"))
        choose.clicked.connect(self.choose)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line, 1)
        layout.addWidget(choose)

    def text(self) -> str:
        return self.line.text()

    def setText(self, text: str) -> None:
        self.line.setText(text)

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.line.setAccessibleName(name)

    def choose(self) -> None:
        have = [p.strip() for p in self.line.text().split(";") if p.strip()] if self.many else []
        start = (have[-1] if self.many and have else self.line.text()) or str(Path.home())
        if self.folder:
            chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder"), start)
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a file"), start, self.file_filter)
        if chosen:
            self.line.setText("; ".join(dict.fromkeys([*have, chosen])) if self.many else chosen)


class ChoicesField(QWidget):
    """Several of a setting's choices, as check boxes (export formats)."""

    def __init__(self, choices, value: str, parent=None):
        super().__init__(parent)
        chosen = {v.strip() for v in value.split(",")}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes = {}
        for choice in choices:
            box = QCheckBox(choice)
            box.setChecked(choice in chosen)
            self.boxes[choice] = box
            layout.addWidget(box)
        layout.addStretch(1)

    def text(self) -> str:
        return ",".join(c for c, box in self.boxes.items() if box.isChecked())


class ValueCombo(QComboBox):
    """One of a setting's usual values, each shown by its name ("Deutsch (de)", "Off"),
    or a value typed in (an editable box: any language code, 5 speakers, 2-6)."""

    def __init__(self, items: list[tuple[str, str]], value: str, editable: bool = True, parent=None):
        super().__init__(parent)
        self.setEditable(editable)
        for label, data in items:
            self.addItem(label, data)
        self.setText(value)

    def setText(self, value: str) -> None:
        found = self.findData(value)
        if found >= 0:
            self.setCurrentIndex(found)
        elif self.isEditable():
            self.setEditText(value)

    def text(self) -> str:
        """The value: the chosen item's, or what was typed (an item's name typed counts as it)."""
        typed = self.currentText().strip()
        found = self.findText(typed)
        return str(self.itemData(found)) if found >= 0 else typed


class ModelField(PathField):
    """The speech model: the ones here (bundled or downloaded: Settings › Models) by name,
    a name typed in, or a model folder chosen with Choose…."""

    def __init__(self, value: str, parent=None):
        from app.models import listing

        items = []
        for row in listing():
            if row["kind"] == "speech" and row["state"] in ("bundled", "installed"):
                data = "bundled" if row["name"] == "tiny.en" and row["state"] == "bundled" else row["name"]
                where = (QCoreApplication.translate("ModelField", "bundled") if row["state"] == "bundled"
                         else QCoreApplication.translate("ModelField", "downloaded"))  # before the QObject exists
                items.append((f"{row['name']} ({where})", data))
        super().__init__(value, folder=True, parent=parent, editor=ValueCombo(items, value))
        self.box = self.line


def language_items(empty: str | None = None) -> list[tuple[str, str]]:
    """What the empty value means (*empty*; detect by default), then the usual languages
    by their own names ("Deutsch (de)")."""
    from PySide6.QtCore import QLocale

    from workers.engines.llm import LANGUAGES

    items = [(f"{QLocale(code).nativeLanguageName() or name} ({code})", code) for code, name in LANGUAGES.items()]
    return [(empty or QCoreApplication.translate("SettingsDialog", "Detect automatically"), ""),
            *sorted(items, key=lambda item: item[0].casefold())]


def speaker_items() -> list[tuple[str, str]]:
    translate = QCoreApplication.translate
    return [(translate("SettingsDialog", "Off"), "off"), (translate("SettingsDialog", "Find them (any number)"), "auto"),
            *((translate("SettingsDialog", "{0} speakers").format(n), str(n)) for n in range(2, 7)),
            (translate("SettingsDialog", "2 to 4 speakers"), "2-4")]


def choice_items(setting) -> list[tuple[str, str]]:
    """A setting's choices by name where they have one, else as they are."""
    translate = QCoreApplication.translate
    names = {("task", "transcribe"): translate("SettingsDialog", "Transcribe as spoken"),
             ("task", "translate"): translate("SettingsDialog", "Translate to English"),
             ("summary_engine", "grounded"): translate("SettingsDialog", "Grounded: the sentences said"),
             ("summary_engine", "grounded+llm"): translate("SettingsDialog",
                                                           "Grounded, condensed by the summary model"),
             ("summary_engine", "llm"): translate("SettingsDialog", "Written by the summary model")}
    return [(names.get((setting.key, c), c), c) for c in setting.choices]


def model_word(text: str) -> str:
    """A word or sentence of app.models (Qt-free) in the person's language."""
    return QCoreApplication.translate("Model", text)


def window_title(setting) -> str:
    """A setting's title in the window: the declaration's, save where it lists the command
    line's values ("off, auto", "bundled") and the box shows them by other names: then in
    the box's words."""
    translate = QCoreApplication.translate
    if setting.key == "speakers":
        return translate("SettingsDialog", "Who spoke when: off, find them (any number), a number of speakers, "
                                           "or a range such as 2-4")
    if setting.key == "model":
        return translate("SettingsDialog", "Speech model: tiny.en (English) or base (multilingual), both bundled; "
                                           "a downloaded one, a model folder, or a name")
    return setting_text(setting.title)


def setting_text(text: str) -> str:
    """A setting's title or page name in the person's language. The declarations are
    Qt-free (workers read them), so scripts/translations.py adds them to the .ts files."""
    return QCoreApplication.translate("Setting", text)


def editor_for(setting, value, data_root=None) -> QWidget:
    """The control that fits a declaration: a check box, a number, a list of choices, a
    picker, or a line of text."""
    if setting.type is bool:
        editor = QCheckBox()
        editor.setChecked(value)
    elif setting.type is int:
        editor = QSpinBox()
        editor.setRange(0, 65535)
        editor.setValue(value)
    elif setting.type is float:
        editor = QDoubleSpinBox()
        editor.setRange(0, 3600)
        editor.setValue(value)
    elif setting.many:
        editor = ChoicesField(setting.choices, str(value))
    elif setting.choices:
        editor = ValueCombo(choice_items(setting), str(value), editable=False)
    elif setting.key == "language":
        editor = ValueCombo(language_items(), str(value))
    elif setting.key == "translate_to":  # a language of the list, not free text ("German" is shown as de's)
        from workers.engines.llm import language_name

        code = language_name(str(value))[0] if str(value).strip() else ""
        editor = ValueCombo(language_items(QCoreApplication.translate("SettingsDialog", "No translation")), code,
                            editable=False)
    elif setting.key == "speakers":
        editor = ValueCombo(speaker_items(), str(value))
    elif setting.pick == "speech model":
        editor = ModelField(str(value))
    elif setting.pick == "template":
        from app.templates import available, title

        names = sorted(available(data_root)) if data_root else []
        editor = ValueCombo([(QCoreApplication.translate("Template", title(n)), n) for n in names], str(value))
    elif setting.pick in ("folder", "folders", "speech model", "summary model"):
        from workers.engines.catalog import CATALOG, SPEECH, SUMMARY

        kind = {"speech model": SPEECH, "summary model": SUMMARY}.get(setting.pick)
        suggestions = ["bundled", *(["base"] if kind == SPEECH else []),
                       *(m.name for m in CATALOG if m.kind == kind)] if kind else []
        editor = PathField(str(value), folder=setting.pick != "summary model",
                           file_filter=QCoreApplication.translate("SettingsDialog", "GGUF models (*.gguf)"),
                           suggestions=suggestions, many=setting.pick == "folders")
    else:
        editor = QLineEdit(str(value))
    editor.setToolTip(window_title(setting))
    editor.setAccessibleName(window_title(setting))
    return editor


def caution(key: str, settings) -> str:
    """What a person should know before relying on what this option makes ("" if nothing):
    the Translate dialog and Settings › "Translate to" (the summary model's text translation),
    Settings › the speech task "translate" (Whisper's, with the speech model chosen)."""
    from workers.engines.llm import translation_caution

    if key == "task" and settings["task"] == "translate":
        return words(translation_caution("speech", settings["model"]))
    if key == "translate_to":
        return words(translation_caution("text", settings["llm_model"]))
    return ""


def changed(editor: QWidget, slot) -> None:
    """Call *slot* whenever *editor*'s value changes (a list, a line of text, a picker)."""
    inner = getattr(editor, "line", editor)  # a PathField's own editor
    if isinstance(inner, QComboBox):
        inner.currentIndexChanged.connect(slot)
        inner.editTextChanged.connect(slot)
    elif isinstance(inner, QLineEdit):
        inner.textChanged.connect(slot)


def value_of(editor: QWidget):
    if isinstance(editor, ValueCombo):
        return editor.text()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, (QSpinBox, QDoubleSpinBox)):
        return editor.value()
    if isinstance(editor, QComboBox):
        return editor.currentText().strip()
    return editor.text().strip()


def ok_cancel(dialog: QDialog) -> QDialogButtonBox:
    """OK and Cancel, wired to the dialog's accept and reject."""
    buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


LABEL_WIDTH = 340  # a long setting title wraps: the dialog fits a laptop's screen


def form_label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    natural = label.fontMetrics().horizontalAdvance(text) + 8
    label.setWordWrap(True)
    label.setMinimumWidth(min(LABEL_WIDTH, natural))  # a short title stays on one line
    label.setMaximumWidth(LABEL_WIDTH)
    label.setBuddy(buddy)
    return label


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent=None, data_root=None, api=None):
        """*api*: the window's controller when it can run the local API (Settings › API shows
        its key, Copy and Regenerate, and where it listens); None: the page has the settings alone."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Earmark settings"))
        self.settings = settings
        self.editors = {}
        tabs = QTabWidget()
        forms = {}
        for group in GROUPS:  # one page per group
            page = QWidget()
            forms[group] = QFormLayout(page)
            tabs.addTab(page, setting_text(group))
        self.models = ModelsWidget(settings, self.editors)
        tabs.addTab(self.models, self.tr("Models"))
        self.tabs = tabs
        outer = QVBoxLayout(self)
        outer.addWidget(tabs)
        for setting in SETTINGS:
            editor = editor_for(setting, settings[setting.key], data_root or settings.path.parent)
            self.editors[setting.key] = editor
            forms[setting.group].addRow(form_label(window_title(setting), editor), editor)
        # A translation that scored below the floor says so under its setting, as it is chosen
        self.cautions = {}
        for key in ("task", "translate_to"):
            form = forms[BY_KEY[key].group]
            label = QLabel()
            label.setWordWrap(True)
            label.setMaximumWidth(LABEL_WIDTH * 2)
            form.insertRow(form.getWidgetPosition(self.editors[key])[0] + 1, label)
            self.cautions[key] = label
        for key in ("task", "model", "translate_to", "llm_model"):
            changed(self.editors[key], self._show_cautions)
        self._show_cautions()
        # The data folder is kept outside any data folder, and used from the next start.
        self.data_folder = PathField(chosen_data_dir(), folder=True)
        self.data_folder.line.setPlaceholderText(self.tr("the platform's folder"))
        self.data_folder.setAccessibleName(self.tr("Data folder"))
        forms[ADVANCED].addRow(form_label(self.tr("Data folder (used from the next start)"), self.data_folder),
                               self.data_folder)
        self.join_line = QLineEdit()
        self.join_line.setReadOnly(True)
        self.join_line.setAccessibleName(self.tr("Join line"))
        self.join_line.setMinimumWidth(420)
        copy = QPushButton(self.tr("Copy"))
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.join_line.text()))
        self.copy_join = copy
        row = QWidget()
        line_row = QHBoxLayout(row)
        line_row.setContentsMargins(0, 0, 0, 0)
        line_row.addWidget(self.join_line, 1)
        line_row.addWidget(copy)
        self.join_help = QLabel()
        self.join_help.setWordWrap(True)
        # Each helper has its own secret, so one can be removed (at once, without a
        # restart) while the others keep their lines.
        self._data_root = Path(data_root or settings.path.parent)
        self.helper_choice = QComboBox()
        self.helper_choice.setAccessibleName(self.tr("Helper"))
        add_helper, self.remove_helper = QPushButton(self.tr("Another helper")), QPushButton(self.tr("Remove"))
        add_helper.clicked.connect(self._add_helper)
        self.remove_helper.clicked.connect(self._remove_helper)
        who = QWidget()
        who_row = QHBoxLayout(who)
        who_row.setContentsMargins(0, 0, 0, 0)
        who_row.addWidget(self.helper_choice, 1)
        who_row.addWidget(add_helper)
        who_row.addWidget(self.remove_helper)
        forms[HELPERS].addRow(form_label(self.tr("Helper"), who), who)
        forms[HELPERS].addRow(form_label(self.tr("On the other machine, type"), row), row)
        forms[HELPERS].addRow(self.join_help)
        self._fill_helpers()
        self.helper_choice.currentTextChanged.connect(lambda _: self._show_join_line(
            self.editors["helpers_listen"].text()))
        self.editors["helpers_listen"].textChanged.connect(self._show_join_line)
        self._show_join_line(self.editors["helpers_listen"].text())
        self.api = api
        if api is not None:
            self._make_api_rows(forms[API])
        self.restart_needed = False
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {palette.FAILED}")
        outer.addWidget(self.problem)
        outer.addWidget(ok_cancel(self))

    def accept(self) -> None:
        """Nothing is saved while a value cannot be used: the dialog says which, and why."""
        values = {setting.key: value_of(self.editors[setting.key]) for setting in SETTINGS}
        problems = [p for p in (problem_with(key, value, self._data_root) for key, value in values.items()) if p]
        if problems:
            self.problem.setText("\n".join(problems))
            return
        before = {key: self.settings[key] for key in STACK_SETTINGS}
        for key, value in values.items():
            self.settings.set(key, value)
        self.settings.save()
        self.restart_needed = before != {key: self.settings[key] for key in STACK_SETTINGS}
        if self.data_folder.text().strip() != chosen_data_dir():
            choose_data_dir(self.data_folder.text().strip())  # used from the next start
        super().accept()

    def _access(self):
        from app.paths import DataDir
        from app.remote.access import HelperAccess

        return HelperAccess.of(DataDir(self._data_root))

    def _fill_helpers(self, chosen: str | None = None) -> None:
        names = list(self._access().helpers())
        self.helper_choice.blockSignals(True)
        self.helper_choice.clear()
        self.helper_choice.addItems(names)
        if chosen in names:
            self.helper_choice.setCurrentText(chosen)
        self.helper_choice.blockSignals(False)
        self.remove_helper.setEnabled(bool(names))

    def _add_helper(self) -> None:
        name = self._access().ensure().add()
        self._fill_helpers(name)
        self._show_join_line(self.editors["helpers_listen"].text())

    def _remove_helper(self) -> None:
        """Its secret is forgotten now: the gate closes its connections within a second."""
        name = self.helper_choice.currentText()
        if name:
            self._access().remove(name)
        self._fill_helpers()
        self._show_join_line(self.editors["helpers_listen"].text())

    def _show_cautions(self, *_) -> None:
        """Under the speech task and "Translate to": what the chosen model scored, when it is
        below the floor (the words of the Translate dialog: ``caution``)."""
        now = {key: value_of(self.editors[key]) for key in ("task", "model", "translate_to", "llm_model")}
        for key, label in self.cautions.items():
            text = caution(key, now) if now[key] else ""
            label.setText(text)
            label.setVisible(bool(text))

    def _show_join_line(self, listen: str) -> None:
        """The line the chosen helper types, for the address being typed (it works once saved)."""
        from app.paths import DataDir
        from app.remote.access import join_lines

        lines = []
        if listen.strip() and not problem_with("helpers_listen", listen):
            lines = join_lines(DataDir(self._data_root), {"helpers_listen": listen},
                               self.helper_choice.currentText() or None)
            if not self.helper_choice.count():
                self._fill_helpers()  # the first helper was made for this line
        self.join_line.setText(lines[0] if lines else "")
        self.join_line.setCursorPosition(0)  # the start of the line: what to type first
        self.copy_join.setEnabled(bool(lines))
        self.join_help.setText(
            self.tr("Install Earmark on the other machine and type this line there: it carries this machine's "
                    "address, a secret and the fingerprint of its certificate, so the helper talks to this "
                    "Earmark alone, encrypted. Audio travels through the queue; nothing needs to be shared.")
            if lines else self.tr("Type an address above (such as 0.0.0.0:6380) to let other machines help; "
                                  "empty keeps the queue on this machine alone."))

    def _make_api_rows(self, form: QFormLayout) -> None:
        """The key (Copy, Regenerate) and where the API listens, below its two settings."""
        self.api_key_line = QLineEdit(self.api.api_key())
        self.api_key_line.setReadOnly(True)
        self.api_key_line.setMinimumWidth(420)
        self.api_key_line.setAccessibleName(self.tr("API key"))
        self.copy_api_key = QPushButton(self.tr("Copy"))
        self.copy_api_key.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.api_key_line.text()))
        self.new_api_key = QPushButton(self.tr("Regenerate"))
        self.new_api_key.setToolTip(self.tr("A new key, in force at once: programs using the old one are refused"))
        self.new_api_key.clicked.connect(self._regenerate_api_key)
        row = QWidget()
        key_row = QHBoxLayout(row)
        key_row.setContentsMargins(0, 0, 0, 0)
        key_row.addWidget(self.api_key_line, 1)
        key_row.addWidget(self.copy_api_key)
        key_row.addWidget(self.new_api_key)
        form.addRow(form_label(self.tr("Key (programs send it as 'Authorization: Bearer KEY')"), row), row)
        self.api_state = QLabel()
        self.api_state.setWordWrap(True)
        self.api_state.setTextInteractionFlags(self.api_state.textInteractionFlags() | Qt.TextSelectableByMouse)
        form.addRow(self.api_state)
        self.show_api(self.api.api_url, self.api.api_problem)
        self.api.api_changed.connect(self.show_api)

    def _regenerate_api_key(self) -> None:
        self.api_key_line.setText(self.api.new_api_key())
        self.api_key_line.setCursorPosition(0)

    def show_api(self, url: str, problem: str) -> None:
        """Where the API listens, why it cannot, or that it is off."""
        if url:
            self.api_state.setText(self.tr("The API listens on {0} (its documentation: {0}/docs).").format(url))
        else:
            self.api_state.setText(problem or self.tr("The API is off: turn it on above and press OK."))

    def done(self, result: int) -> None:
        self.models.cancel()  # a download still running stops; what it fetched waits for next time
        super().done(result)


class ModelsWidget(QWidget):
    """Settings › Models: every model the manager knows, its size, what it is good for and
    whether it is here; Download (with progress, cancellable), Delete, and Use (sets the
    speech or summary model in the Settings tab). Downloads run on their own thread."""

    progress = Signal(int, int)  # bytes done, total (from the download thread)
    finished = Signal(str, str)  # model, "" or the sentence saying why it failed
    COLUMNS = (QT_TRANSLATE_NOOP("Columns", "Model"), QT_TRANSLATE_NOOP("Columns", "Kind"),
               QT_TRANSLATE_NOOP("Columns", "Size"), QT_TRANSLATE_NOOP("Columns", "State"),
               QT_TRANSLATE_NOOP("Columns", "About"))
    # what app.models says, in the person's language (hints: scripts/translations.py, "Model")
    WORDS = (QT_TRANSLATE_NOOP("Model", "speech"), QT_TRANSLATE_NOOP("Model", "summary"),
             QT_TRANSLATE_NOOP("Model", "bundled"), QT_TRANSLATE_NOOP("Model", "installed"),
             QT_TRANSLATE_NOOP("Model", "partial"), QT_TRANSLATE_NOOP("Model", "not downloaded"),
             QT_TRANSLATE_NOOP("Model", "Downloads are turned off (HF_HUB_OFFLINE is set); unset it to download "
                                        "models."))

    def __init__(self, settings, editors: dict, parent=None):
        super().__init__(parent)
        self.settings, self.editors = settings, editors
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([column_title(c) for c in self.COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName(self.tr("Models"))
        self.download_button = QPushButton(self.tr("Download"))
        self.cancel_button = QPushButton(self.tr("Cancel download"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.use_button = QPushButton(self.tr("Use"))
        self.bar = QProgressBar()
        self.bar.setVisible(False)
        self.state = QLabel(self.tr("Models are downloaded only when you ask; everything else works offline."))
        self.state.setWordWrap(True)
        row = QHBoxLayout()
        for button in (self.download_button, self.cancel_button, self.delete_button, self.use_button):
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.bar)
        layout.addWidget(self.state)
        self.download_button.clicked.connect(self.download)
        self.cancel_button.clicked.connect(self.cancel)
        self.delete_button.clicked.connect(self.delete)
        self.use_button.clicked.connect(self.use)
        self.table.itemSelectionChanged.connect(self._enable)
        self.progress.connect(self._progress)
        self.finished.connect(self._finished)
        self._cancel: threading.Event | None = None
        self._thread: threading.Thread | None = None
        self.refresh()

    def refresh(self) -> None:
        from app.models import listing

        selected = self.selected()
        self.rows = listing()
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            cells = (row["name"], model_word(row["kind"]), f"{row['size_mb']} MB",
                     model_word(row["state"] or "not downloaded"), model_word(row["hint"]))
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
            if row["name"] == selected:
                self.table.selectRow(r)
        for column in range(len(self.COLUMNS) - 1):  # whole words ("nicht heruntergeladen"); About takes the rest
            self.table.resizeColumnToContents(column)
        self._enable()

    def selected(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.rows[rows[0].row()]["name"] if rows and hasattr(self, "rows") else None

    def _row(self) -> dict | None:
        name = self.selected()
        return next((r for r in self.rows if r["name"] == name), None)

    def _enable(self) -> None:
        row, busy = self._row(), self._thread is not None and self._thread.is_alive()
        state = row["state"] if row else None
        self.download_button.setEnabled(bool(row) and state in ("", "partial") and not busy)
        self.cancel_button.setEnabled(busy)
        self.delete_button.setEnabled(bool(row) and state in ("installed", "partial") and not busy)
        self.use_button.setEnabled(bool(row) and state in ("installed", "bundled"))

    UNVERIFIED = "unverified:"

    def download(self, allow_unverified: bool = False) -> None:
        from app import models

        name = self.selected()
        if not name:
            return
        self._cancel = threading.Event()
        self.bar.setRange(0, 1000)
        self.bar.setValue(0)
        self.bar.setVisible(True)
        self.state.setText(self.tr("Downloading {0}…").format(name))

        def run(cancel=self._cancel):
            try:
                models.download(name, on_progress=lambda d, t: self.progress.emit(d, t), cancel=cancel,
                                allow_unverified=allow_unverified)
                outcome = ""
            except models.UnverifiedError as exc:  # the person decides, on the GUI thread
                outcome = self.UNVERIFIED + str(exc)
            except models.DownloadError as exc:
                outcome = str(exc)
            except Exception as exc:  # the thread must always report back
                outcome = QCoreApplication.translate("ModelsWidget", "The download failed: {0}").format(exc)
            try:
                self.finished.emit(name, outcome)
            except RuntimeError:
                pass  # the dialog is gone: nothing to tell
        self._thread = threading.Thread(target=run, name="model-download", daemon=True)
        self._thread.start()
        self._enable()

    def cancel(self) -> None:
        """Stop a running download (it ends at its next block; never waited for here, on
        the GUI thread); the file it was fetching is deleted, and the model is not taken as there."""
        if self._cancel is not None:
            self._cancel.set()

    def _progress(self, done: int, total: int) -> None:
        if total:
            self.bar.setValue(int(1000 * done / total))
            self.state.setText(self.tr("Downloading {0}… {1:.0f} of {2:.0f} MB").format(
                self.selected() or "", done / 1e6, total / 1e6))

    def _finished(self, name: str, error: str) -> None:
        self._thread = None
        self.bar.setVisible(False)
        if error.startswith(self.UNVERIFIED):
            from PySide6.QtWidgets import QMessageBox

            error = error.removeprefix(self.UNVERIFIED)
            answer = QMessageBox.question(self, self.tr("Download without a checksum?"), error.split(" If you")[0]
                                          + "\n\n" + self.tr("Download it anyway, trusting this server?"))
            if answer == QMessageBox.Yes:
                self.download(allow_unverified=True)
                return
        self.state.setText(model_word(error) if error else
                           self.tr("{0} is downloaded. Press Use to transcribe or summarize with it.").format(name))
        self.refresh()

    def delete(self) -> None:
        from app.models import remove

        name = self.selected()
        if name and remove(name):
            self.state.setText(self.tr("{0} was deleted.").format(name))
        self.refresh()

    def use(self) -> None:
        row = self._row()
        if not row:
            return
        key = "model" if row["kind"] == "speech" else "llm_model"
        editor = self.editors.get(key)
        if editor is not None:
            editor.setText(row["name"])
        self.state.setText(self.tr("{0} will be used from the next job (press OK to keep it).").format(row["name"]))
