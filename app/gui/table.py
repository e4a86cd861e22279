"""What every table in the window shares: a model over declared columns, and a
read-only table widget."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget


def column_title(title: str) -> str:
    """A column's title in the person's language (titles are declared with
    ``QT_TRANSLATE_NOOP("Columns", …)`` so Linguist sees them)."""
    return QCoreApplication.translate("Columns", title)


def fit_titles(view, widths) -> None:
    """Each column at its declared width, or wider where its title needs it (German
    titles are longer: "Wiederholungen" must not read "derholun")."""
    header = view.horizontalHeader()
    metrics = header.fontMetrics()
    for column, width in enumerate(widths):
        title = str(view.model().headerData(column, Qt.Horizontal) or "")
        view.setColumnWidth(column, max(width, metrics.horizontalAdvance(title) + 28))  # room for the sort arrow


class ColumnsModel(QAbstractTableModel):
    """A model whose rows are ``self.rows`` and whose columns are ``self.columns``
    (each with a ``title``); subclasses give ``data``."""

    columns: tuple = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[dict] = []

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return column_title(self.columns[section].title)
        return None


def read_only_table(titles, name: str, select_rows: bool = False) -> QTableWidget:
    """A table of declared column titles; *name*: what a screen reader calls it."""
    table = QTableWidget(0, len(titles))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels([column_title(t) for t in titles])
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    if select_rows:
        table.setSelectionBehavior(QAbstractItemView.SelectRows)
    return table
