"""The import widget: upload export files, map table columns, import, see what landed.

A thin view over :class:`~workbench.importing.ImportSession`: it renders the
session's state and forwards uploads and clicks; every decision (staging, format
detection, which columns a table has, the import itself) is the session's. Errors are
shown in a red banner above the results, because exceptions inside widget callbacks
are otherwise invisible (and Voila hides tracebacks).

In a notebook::

    from workbench.widgets import ImportView
    ImportView.for_project("my-study")
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ipywidgets as w

from workbench.importing.session import (
    SUMMARY_KEYS,
    UPLOAD_SUFFIXES,
    ImportOutcome,
    ImportSession,
    StagedFile,
)
from workbench.importing.start import ProjectChoice, open_or_create
from workbench.widgets.errors import error_banner, shows_errors
from workbench.widgets.view import View
from workbench.wording import COLUMN_NAMES, format_name, readable_preview

#: Mapping roles, in the order the dropdowns are shown, with their labels.
ROLES: tuple[tuple[str, str], ...] = (
    ("text", "Text column"),
    ("id", "Id column"),
    ("time", "Time column"),
    ("author", "Author column"),
    ("thread", "Thread column"),
    ("parent", "Parent column"),
)
_NONE = ""
#: Choices of the date-order menu: label, :attr:`ColumnMapping.date_order` value.
DATE_ORDER_CHOICES: tuple[tuple[str, str], ...] = (
    ("Automatic (from the dates that read one way)", "auto"),
    ("Day first (25/11/2026)", "day-first"),
    ("Month first (11/25/2026)", "month-first"),
)
_LABEL_STYLE = {"description_width": "110px"}


def _enable_import(view: ImportView) -> None:
    """The Import button works only once files are chosen."""
    view.import_button.disabled = not view.session.staged


class ImportView(View):
    """Upload, map and import export files into a project.

    Parameters
    ----------
    session : ImportSession
        The controller doing the work.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The root widget (displaying the view displays this).
    upload, format, import_button, error_banner, summary, preview
        The parts tests and callers drive or read; ``mapping`` holds the column
        dropdowns by role, ``date_order`` the time column's date order
        (:data:`DATE_ORDER_CHOICES`) and ``mapping_box`` the box around them.
    """

    NAME = "import view"

    def __init__(self, session: ImportSession, choice: ProjectChoice | None = None) -> None:
        self.session = session
        self.choice = choice
        self.project_line = w.HTML()
        self.folder = w.Text(
            value=str(session.project.root), description="Project folder", style=_LABEL_STYLE,
            layout=w.Layout(width="520px"),
        )  # fmt: skip
        self.open_button = w.Button(description="Open or create", icon="folder-open")
        self.allow_demo = w.Checkbox(
            value=False, description="Import into the demo project anyway", indent=False,
            layout=w.Layout(display="flex" if session.is_demo else "none"),
        )  # fmt: skip
        self.upload = w.FileUpload(
            accept=",".join(UPLOAD_SUFFIXES), multiple=True, description="Choose files"
        )
        options = [("auto-detect", "auto")] + [(name, name) for name in session.formats()]
        self.format = w.Dropdown(
            options=options, value="auto", description="Format", style=_LABEL_STYLE
        )
        self.files = w.HTML()
        self.mapping = {
            role: w.Dropdown(
                options=[("—", _NONE)], value=_NONE, description=label, style=_LABEL_STYLE
            )
            for role, label in ROLES
        }
        self.date_order = w.Dropdown(
            options=list(DATE_ORDER_CHOICES),
            value="auto",
            description="Date order",
            style=_LABEL_STYLE,
        )
        mapping_help = w.HTML(
            "<b>Column mapping</b>: this is a generic table. Say which column holds the "
            "comment text; the others are optional. Unmapped columns are kept as extras. "
            "A date that contradicts the column's date order is imported without a time "
            "(its value kept as an extra) and noted."
        )
        self.mapping_box = w.VBox(
            [mapping_help, *self.mapping.values(), self.date_order],
            layout=w.Layout(display="none", border="1px solid #ddd", padding="6px"),
        )
        self.import_button = w.Button(
            description="Import", button_style="primary", icon="upload", disabled=True,
            tooltip="Choose files first",
        )  # fmt: skip
        self.error_banner = error_banner()
        self.status = w.HTML()
        self.summary = w.HTML()
        self.preview = w.Output()
        self.widget = w.VBox(
            [
                self.project_line,
                w.HBox([self.folder, self.open_button]),
                self.allow_demo,
                w.HBox([self.upload, self.format]),
                self.files,
                self.mapping_box,
                self.import_button,
                self.error_banner,
                self.status,
                self.summary,
                self.preview,
            ]
        )
        self.upload.observe(self.on_upload, names=["value"])
        self.format.observe(self.on_format, names=["value"])
        self.import_button.on_click(self.on_import)
        self.open_button.on_click(self.on_open)
        self._show_project()

    @classmethod
    def for_project(cls, path: str | Path, **session_options: Any) -> ImportView:
        """Open the project at ``path`` (creating it if the folder is new); a view on it.

        ``session_options`` go to :class:`ImportSession` (e.g. ``preview_rows``).
        """
        project, choice = open_or_create(path)
        return cls(ImportSession(project, **session_options), choice)

    # -- display -------------------------------------------------------------------

    # -- callbacks -----------------------------------------------------------------

    @shows_errors()
    def on_open(self, button: w.Button | None = None) -> None:
        """Open the project in :attr:`folder` (created if new) and import into it."""
        project, choice = open_or_create(self.folder.value.strip())
        options = {"preview_rows": self.session.preview_rows}
        self.session.project.close()
        self.session, self.choice = ImportSession(project, **options), choice
        self.allow_demo.value = False
        self.allow_demo.layout.display = "flex" if self.session.is_demo else "none"
        self._clear_results()
        self.files.value = ""
        self.import_button.disabled = True
        self._show_project()

    @shows_errors(clear_first=False, after=_enable_import)
    def on_upload(self, change: dict[str, Any]) -> None:
        """Stage the newly chosen files and show what they are (old results go)."""
        self.show_error(None)
        self._clear_results()
        uploads = [(item["name"], item["content"]) for item in change["new"]]
        if uploads:
            self.session.stage(uploads)
        else:
            self.session.clear()
        self._refresh_files()

    @shows_errors(clear_first=False, after=_enable_import)
    def on_format(self, change: dict[str, Any]) -> None:
        """Re-show the mapping box for the chosen format."""
        self._refresh_files()

    @shows_errors(clear_first=False, after=_enable_import)
    def on_import(self, button: w.Button | None = None) -> None:
        """Import the staged files and show the outcome."""
        self.import_button.disabled = True
        self.status.value = "<i>Importing…</i>"
        mapping = None
        if self.session.needs_mapping(self.format.value):
            chosen = {role: dropdown.value for role, dropdown in self.mapping.items()}
            mapping = self.session.mapping(
                chosen.pop("text"), date_order=self.date_order.value, **chosen
            )
        self.render(self.session.run(self.format.value, mapping, progress=self._progress,
                                     allow_demo=bool(self.allow_demo.value)))
        self._show_project()

    # -- rendering -----------------------------------------------------------------

    def render(self, outcome: ImportOutcome) -> None:
        """Show an import's outcome: the banner on error, else summary and preview."""
        self.show_error(outcome.error)
        if outcome.error is not None:
            self.status.value = "Nothing was imported; the project is unchanged."
            self.summary.value = ""
            self.preview.outputs = ()
            return
        totals = outcome.report.totals() if outcome.report else {}
        when = datetime.now(UTC).astimezone().strftime("%H:%M:%S")
        self.status.value = (
            f"<b>Imported</b> at {when}: {totals.get('new', 0)} new, "
            f"{totals.get('updated', 0)} updated, {totals.get('duplicate', 0)} already there."
        )
        self.summary.value = _summary_table(outcome.summary, totals) + _warnings(outcome.warnings)
        frame = outcome.preview
        if frame.empty:
            data = {"text/plain": "No new comments: everything was already in the project."}
        else:
            frame = readable_preview(frame)
            data = {
                "text/html": frame.to_html(index=False, escape=True, na_rep="", border=0),
                "text/plain": frame.to_string(index=False),
            }
        self.preview.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)

    def _clear_results(self) -> None:
        """Take down the last import's results: they describe other files."""
        self.status.value = ""
        self.summary.value = ""
        self.preview.outputs = ()

    def _show_project(self) -> None:
        if self.choice is None or self.choice.path != self.session.project.root.resolve():
            root = self.session.project.root
            self.project_line.value = f"<b>Project:</b> {html.escape(str(root))}"
            return
        comments = int(self.session.stats()["comments"])
        choice = ProjectChoice(self.choice.path, self.choice.name, self.choice.created and
                               not comments, self.choice.demo, comments)  # fmt: skip
        style = "color:#7a4f01" if choice.demo else ""
        self.project_line.value = (
            f"<div class='workbench-project' style='{style}'>{html.escape(choice.sentence())}"
            "</div>"
        )

    def _progress(self, name: str, rows: int) -> None:
        self.status.value = f"<i>Importing {html.escape(name)}: {rows:,} rows read…</i>"

    def _refresh_files(self) -> None:
        fmt = self.format.value
        self.files.value = _files_list(self.session.staged)
        columns = self.session.table_columns(fmt)
        suggested = self.session.suggested_mapping(fmt)
        for role, dropdown in self.mapping.items():
            label = "— choose —" if role == "text" else "— none —"
            dropdown.options = [(label, _NONE), *((c, c) for c in columns)]
            dropdown.value = suggested.get(role, _NONE)
        visible = self.session.needs_mapping(fmt)
        self.mapping_box.layout.display = "" if visible else "none"


def _files_list(staged: list[StagedFile]) -> str:
    if not staged:
        return ""
    items = "".join(
        f"<li><code>{html.escape(f.shown_name or f.name)}</code> ({f.size:,} bytes): "
        f"{html.escape(format_name(f.format) if f.format and f.note == f.format else f.note)}"
        "</li>"
        for f in staged
    )
    return f"<ul style='margin:4px 0'>{items}</ul>"


def _warnings(notes: list[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    return f"<div style='color:#7a4f01'><b>Notes</b><ul style='margin:2px 0'>{items}</ul></div>"


def _summary_table(rows: list[dict[str, Any]], totals: dict[str, int]) -> str:
    """The import's outcome per file, with the column names and format names in words."""
    cell = "padding:2px 8px;text-align:{}"
    text_keys = ("file", "format")
    head = "".join(
        f"<th style='{cell.format('left' if k in text_keys else 'right')}'>"
        f"{html.escape(COLUMN_NAMES.get(k, k))}</th>"
        for k in SUMMARY_KEYS
    )
    body = []
    for row in rows:
        shown = {**row, "format": format_name(row["format"])}
        cells = "".join(
            f"<td style='{cell.format('left' if k in text_keys else 'right')}'>"
            f"{html.escape(f'{shown[k]:,}' if isinstance(shown[k], int) else str(shown[k]))}</td>"
            for k in SUMMARY_KEYS
        )
        body.append(f"<tr>{cells}</tr>")
    if len(rows) > 1:
        total = {**totals, "non_substantive": sum(r.get("non_substantive", 0) for r in rows)}
        cells = "".join(
            f"<td style='{cell.format('right')}'><b>{total.get(k, '')}</b></td>"
            if k not in text_keys
            else f"<td style='{cell.format('left')}'><b>{'total' if k == 'file' else ''}</b></td>"
            for k in SUMMARY_KEYS
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        "<table class='workbench-import-summary' style='border-collapse:collapse'>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        + _summary_sentence(rows)
    )


def _summary_sentence(rows: list[dict[str, Any]]) -> str:
    filler = sum(int(r.get("non_substantive", 0)) for r in rows)
    if not filler:
        return ""
    return (
        f"<p style='margin:4px 0'>{filler:,} answer{'s' * (filler != 1)} said nothing "
        "(“N/A”, “-”, “Did not answer”…): kept in the project, counted, and left out "
        "of the cluster map by default.</p>"
    )
