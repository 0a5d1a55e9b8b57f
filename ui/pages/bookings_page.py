"""The admin's booking import: a CSV or XLSX file, previewed before anything is stored.

The preview is ``station.importer.read_bookings`` (it only reads and checks); Import hands that same
check to ``station.bookings.import_rows``, the path `station import-bookings` takes, so what was
shown is what is imported. As in the command, a file with bad rows imports nothing unless the
admin chooses to skip them (``--skip-bad``).
"""

from __future__ import annotations

from pathlib import Path

from station import bookings, importer
from station.errors import DomainError
from station.identity import mask_id
from station.messages import render
from ui.hub import StationHub
from ui.qt import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import Banner, button, fixed_columns, label


def _table(headers: list[str], stretch: int) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().hide()
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setTabKeyNavigation(False)
    t.setWordWrap(True)
    header = t.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return t


def _fill(t: QTableWidget, rows: list[list[str]]) -> None:
    with fixed_columns(t):
        t.setRowCount(len(rows))
        for i, cells in enumerate(rows):
            for c, text in enumerate(cells):
                t.setItem(i, c, QTableWidgetItem(text))
    t.resizeRowsToContents()


class BookingsPanel(QWidget):
    def __init__(self, hub: StationHub, banner: Banner) -> None:
        super().__init__()
        self.hub = hub
        self.banner = banner
        self.check: importer.ImportCheck | None = None
        self.choose_button = button(self.tr("Choose a CSV or XLSX file..."), "primary")
        self.choose_button.clicked.connect(self.choose)
        self.file_label = label(self.tr("No file chosen"), wrap=True)
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.file_label, 1)
        self.summary = label(role="title", wrap=True)
        self.good_table = _table(
            [
                self.tr("Line"),
                self.tr("Name"),
                self.tr("ID number"),
                self.tr("Day"),
                self.tr("Slot"),
                self.tr("Unit"),
            ],
            stretch=5,
        )
        self.bad_table = _table([self.tr("Line"), self.tr("Why it is refused")], stretch=1)
        good = QVBoxLayout()
        good.addWidget(label(self.tr("To import"), "title"))
        good.addWidget(self.good_table, 1)
        bad = QVBoxLayout()
        bad.addWidget(label(self.tr("Bad rows (not imported)"), "title"))
        bad.addWidget(self.bad_table, 1)
        tables = QHBoxLayout()
        tables.addLayout(good, 3)
        tables.addLayout(bad, 2)
        self.skip_bad = QCheckBox(self.tr("Import the good rows and leave out the bad ones"))
        self.skip_bad.toggled.connect(lambda _on: self._update_import())
        self.import_button = button(self.tr("Import"), "primary")
        self.import_button.clicked.connect(self.do_import)
        actions = QHBoxLayout()
        actions.addWidget(self.skip_bad)
        actions.addStretch(1)
        actions.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addLayout(tables, 1)
        layout.addLayout(actions)
        self._show(None)

    def choose(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Bookings file"),
            "",
            self.tr("Bookings (*.csv *.xlsx *.txt);;All files (*)"),
        )
        if path:
            self.preview(Path(path))

    def preview(self, path: Path) -> None:
        """Read and check the whole file; show it; store nothing."""
        self.file_label.setText(str(path))
        self.banner.clear_message()
        try:
            check = importer.read_bookings(Path(path), self.hub.today(), store=self.hub.store)
        except DomainError as exc:
            self._show(None)
            self.banner.show_message(self.hub.message(exc), "error")
            return
        self._show(check)

    def _show(self, check: importer.ImportCheck | None) -> None:
        self.check = check
        self.done = False
        rows = check.rows if check else []
        errors = sorted(check.errors, key=lambda e: e.line) if check else []
        _fill(
            self.good_table,
            [[str(r.line), r.name, mask_id(r.id_number), r.day.isoformat(), r.slot, r.unit] for r in rows],
        )
        _fill(
            self.bad_table,
            [[str(e.line), e.message_zh if self.hub.lang == "zh" else e.message_en] for e in errors],
        )
        self.summary.setText(
            self.tr("{good} rows to import, {bad} bad rows: nothing is stored until Import").format(
                good=len(rows), bad=len(errors)
            )
            if check
            else ""
        )
        self.skip_bad.setChecked(False)
        self.skip_bad.setVisible(bool(errors))
        self._update_import()

    def _update_import(self) -> None:
        check = self.check
        ready = bool(
            check and check.rows and not self.done and (not check.errors or self.skip_bad.isChecked())
        )
        self.import_button.setEnabled(ready)

    def do_import(self) -> None:
        check = self.check
        if check is None or self.done:
            return
        try:
            summary = self.hub.run(bookings.import_rows, check, skip_bad=self.skip_bad.isChecked())
        except DomainError as exc:
            self.banner.show_message(self.hub.message(exc), "error")
            return
        self.done = True
        self._update_import()
        self.banner.show_message(
            render(
                "import_done",
                self.hub.lang,
                imported=summary.imported,
                already=summary.already_booked,
                rejected=summary.rejected,
            ),
            "ok",
        )
