"""Importing uploaded export files into a project: the controller behind the import widget.

:class:`ImportSession` is pure Python (no widgets), so everything the import widget
does can be tested headless::

    session = ImportSession(project)
    session.stage([("thread.json", data)])        # copy uploads into the project cache
    outcome = session.run()                       # detect formats and import
    outcome.error or outcome.summary

Uploads are kept deliberately as the **originals** of their imports, the provenance
of the data: ``<project>/originals/<sha256 of the content>/<safe file name>``, a
folder as private as the store (mode 0700; it holds raw handles). The same file
uploaded twice is stored once; the import log names a file that still exists. Messages
name the file as the user chose it (``survey.csv``), never the stored copy's
path. Any :class:`~workbench.errors.WorkbenchError`
(an empty upload, an unrecognised file, a malformed record) comes back as
``outcome.error`` with the message naming file and record; the import itself is all or
nothing, so after an error the project is unchanged. Other exceptions are bugs and
propagate.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.errors import ProjectError, SourceError, WorkbenchError
from workbench.importing.files import csv_columns, is_table_name, safe_file_name
from workbench.project import ImportReport, Project
from workbench.sources import ColumnMapping, detect, formats

#: Format name of the generic table loader (CSV / TSV / Excel through a mapping).
TABLE_FORMAT = "csv"
#: Columns of :attr:`ImportOutcome.preview`; never the raw ``author``.
PREVIEW_COLUMNS: tuple[str, ...] = (
    "created_at", "platform", "author_pseudonym", "depth", "text", "lang",
)  # fmt: skip
#: Keys of each :attr:`ImportOutcome.summary` row.
SUMMARY_KEYS: tuple[str, ...] = (
    "file", "format", "rows", "new", "updated", "duplicate", "gaps", "skipped",
    "non_substantive",
)  # fmt: skip
#: File suffixes an upload dialog offers (content decides the format, not the name).
UPLOAD_SUFFIXES: tuple[str, ...] = (
    ".json", ".jsonl", ".ndjson", ".js", ".csv", ".tsv", ".tab", ".txt", ".xlsx", ".xlsm",
    ".xls", ".zst", ".gz", ".bz2", ".xz",
)  # fmt: skip
#: Column names (lower case) that suggest a role in a generic table, best first.
ROLE_HINTS: dict[str, tuple[str, ...]] = {
    "text": ("text", "comment", "body", "message", "content", "answer", "response", "post"),
    "id": ("id", "comment_id", "message_id", "row_id", "response_id", "response id"),
    "time": ("created_at", "timestamp", "time", "date", "datetime", "created", "posted",
             "submitted", "when"),
    "author": ("author", "user", "username", "name", "respondent", "handle", "who"),
    "thread": ("thread", "thread_id", "topic", "question", "conversation_id"),
    "parent": ("parent", "parent_id", "in_reply_to", "reply_to"),
}  # fmt: skip
PREVIEW_TEXT_CHARS = 200
#: The project folder holding uploaded originals, one sub-folder per content hash.
ORIGINALS_DIR = "originals"
NEEDS_MAPPING = "needs a column mapping"


@dataclass
class StagedFile:
    """One uploaded file, copied into the project cache and examined.

    Attributes
    ----------
    name : str
        The safe file name it was stored under.
    path : Path
        Where it is stored.
    size : int
        Size in bytes.
    format : str or None
        The detected format, or ``None`` if it was not recognised.
    columns : list of str
        Column names, for a generic table (format ``"csv"``); else empty.
    note : str
        What the detection found, in words (``"reddit-dump"``, ``"needs a column
        mapping (columns: ...)"``, or why it was not recognised).
    """

    name: str
    path: Path
    size: int
    format: str | None = None
    columns: list[str] = field(default_factory=list)
    note: str = ""
    shown_name: str = ""
    """The file's name as the user chose it (what messages call it)."""

    @property
    def needs_mapping(self) -> bool:
        """Whether this file is a generic table that needs a :class:`ColumnMapping`."""
        return self.format == TABLE_FORMAT


@dataclass
class ImportOutcome:
    """What pressing "Import" did.

    Attributes
    ----------
    report : ImportReport or None
        The project's report, or ``None`` if nothing was imported.
    summary : list of dict
        One row per file with the keys of :data:`SUMMARY_KEYS` (``skipped`` summed
        over reasons).
    preview : pandas.DataFrame
        Up to ``preview_rows`` comments first stored by this import, with the columns
        of :data:`PREVIEW_COLUMNS` (pseudonyms only; text cut to
        :data:`PREVIEW_TEXT_CHARS` characters).
    error : str or None
        The error message, if the import failed (then the project is unchanged).
    warnings : list of str
        Notes the loaders made about the files (``"file: note"``), worth showing.
    """

    report: ImportReport | None = None
    summary: list[dict[str, Any]] = field(default_factory=list)
    preview: pd.DataFrame = field(default_factory=lambda: empty_preview())
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the import succeeded."""
        return self.error is None and self.report is not None


def empty_preview() -> pd.DataFrame:
    """Return a preview frame with no rows (the columns of :data:`PREVIEW_COLUMNS`)."""
    return pd.DataFrame({name: pd.Series(dtype="object") for name in PREVIEW_COLUMNS})


class ImportSession:
    """Stage uploaded files into a project and import them.

    Parameters
    ----------
    project : Project
        The open project to import into.
    preview_rows : int, default 20
        How many imported comments :attr:`ImportOutcome.preview` shows.

    Attributes
    ----------
    staged : list of StagedFile
        The files of the latest :meth:`stage` call.
    last_outcome : ImportOutcome or None
        The result of the latest :meth:`run`.
    """

    def __init__(self, project: Project, *, preview_rows: int = 20) -> None:
        self.project = project
        self.preview_rows = preview_rows
        self.staged: list[StagedFile] = []
        self.last_outcome: ImportOutcome | None = None
        self._demo: bool | None = None

    @property
    def is_demo(self) -> bool:
        """Whether the project is the fictional demo project (imports need ``allow_demo``)."""
        if self._demo is None:
            from workbench.demo.builder import recorded_as_demo

            self._demo = recorded_as_demo(self.project)
        return self._demo

    # -- what the view offers ------------------------------------------------------

    @staticmethod
    def formats() -> dict[str, str]:
        """Return ``{format name: description}`` of every format that can be imported."""
        return formats()

    def stats(self) -> dict[str, Any]:
        """Return counts describing the project (:meth:`Project.stats`)."""
        return self.project.stats()

    def describe(self) -> str:
        """What the project holds now, in a few sentences (for the notebook)."""
        from workbench.wording import describe_project

        name = str(self.project.settings.get("name") or self.project.root.name)
        return describe_project(self.stats(), name)

    def table_columns(self, format: str = "auto") -> list[str]:
        """Columns a mapping can name, or ``[]`` when no staged file needs a mapping.

        With several tables, only the columns all of them share (in the first one's
        order), since one mapping applies to every table of an import.

        Parameters
        ----------
        format : str, default "auto"
            The format chosen for the import; ``"csv"`` treats every staged file as a
            table.
        """
        tables = self._tables(format)
        if not tables:
            return []
        common = set(tables[0].columns)
        for table in tables[1:]:
            common &= set(table.columns)
        return [name for name in tables[0].columns if name in common]

    def suggested_mapping(self, format: str = "auto") -> dict[str, str]:
        """Guess ``{role: column}`` for the mapping from the tables' column names.

        Roles are those of :meth:`mapping` (``text``, ``id``, ``time``, ``author``,
        ``thread``, ``parent``); a role whose name is not recognised is left out and
        no column is suggested twice. The user confirms or changes every choice.
        """
        columns = self.table_columns(format)
        folded = {name.strip().lower(): name for name in reversed(columns)}
        chosen: dict[str, str] = {}
        for role, hints in ROLE_HINTS.items():
            for hint in hints:
                column = folded.get(hint)
                if column is not None and column not in chosen.values():
                    chosen[role] = column
                    break
        return chosen

    def needs_mapping(self, format: str = "auto") -> bool:
        """Whether the staged files need a column mapping for ``format``."""
        return bool(self._tables(format))

    @staticmethod
    def mapping(
        text: str | None,
        *,
        id: str | None = None,
        time: str | None = None,
        author: str | None = None,
        thread: str | None = None,
        parent: str | None = None,
        dayfirst: bool = False,
        date_order: str = "auto",
        strict: bool = False,
    ) -> ColumnMapping | None:
        """Build a :class:`ColumnMapping` from chosen column names.

        Empty names (``""`` or ``None``) mean "not mapped"; without a text column
        there is no mapping and ``None`` is returned. ``date_order`` (``"auto"``,
        ``"day-first"``, ``"month-first"``) and ``strict`` are those of
        :class:`ColumnMapping`; ``dayfirst=True`` is the older way to say
        ``date_order="day-first"``.

        Raises
        ------
        MappingError
            If ``date_order`` is unknown or contradicts ``dayfirst``.
        """
        if not text:
            return None
        return ColumnMapping(
            text_column=text,
            id_column=id or None,
            time_column=time or None,
            author_column=author or None,
            thread_column=thread or None,
            parent_column=parent or None,
            dayfirst=bool(dayfirst),
            date_order=date_order or "auto",
            strict=bool(strict),
        )

    # -- staging -------------------------------------------------------------------

    def stage(
        self, uploads: Iterable[tuple[str, bytes | bytearray | memoryview]]
    ) -> list[StagedFile]:
        """Keep uploaded files as originals (``originals/<sha256>/<name>``) and examine them.

        Parameters
        ----------
        uploads : iterable of (str, bytes)
            File name (any folders are dropped) and content.

        Returns
        -------
        list of StagedFile
            Also kept as :attr:`staged`, replacing earlier staged files (which are
            forgotten even when this call fails, so a failed upload never leaves an
            older one ready to import).

        Raises
        ------
        SourceError
            If there are no files or one is empty; nothing is written then.
        """
        self.staged = []
        items = [(str(name), safe_file_name(name), bytes(content)) for name, content in uploads]
        if not items:
            raise SourceError(None, "no files were uploaded", hint="Choose one or more files")
        for original, _, content in items:
            if not content:
                raise SourceError(
                    original,
                    "is empty (0 bytes)",
                    hint="Export the file again, or check that the upload finished",
                )
        staged = []
        for original, name, content in items:
            path = self._keep_original(name, content)
            found = self.examine(path)
            found.shown_name = re.split(r"[/\\]", original)[-1] or name
            found.note = found.note.replace(str(path), found.shown_name)
            staged.append(found)
        self.staged = staged
        return staged

    def _keep_original(self, name: str, content: bytes) -> Path:
        """Write ``content`` to ``originals/<sha256>/<name>`` (once per content)."""
        base = self.project.root / ORIGINALS_DIR
        base.mkdir(mode=0o700, exist_ok=True)
        os.chmod(base, 0o700)
        folder = base / hashlib.sha256(content).hexdigest()
        folder.mkdir(mode=0o700, exist_ok=True)
        path = folder / name
        if not (path.exists() and path.stat().st_size == len(content)):
            path.write_bytes(content)
            os.chmod(path, 0o600)
        return path

    def clear(self) -> None:
        """Forget the staged files (their originals stay in ``originals/``)."""
        self.staged = []

    def examine(self, path: str | Path) -> StagedFile:
        """Detect the format of one file (an unrecognised file is noted, not raised)."""
        path = Path(path)
        staged = StagedFile(name=path.name, path=path, size=path.stat().st_size)
        try:
            staged.format = detect(path)
        except SourceError as exc:  # the list names the file: say only what is wrong
            staged.note = exc.problem  # "is not an export format ...", "could be 'a' or 'b'"
        except WorkbenchError as exc:
            staged.note = f"not recognised: {exc}"
        if staged.format == TABLE_FORMAT or is_table_name(path):
            try:
                staged.columns = csv_columns(path)
            except WorkbenchError as exc:
                if staged.format == TABLE_FORMAT:
                    staged.note = f"a table that cannot be read: {exc}"
                    return staged
        if staged.format == TABLE_FORMAT:
            listed = ", ".join(repr(c) for c in staged.columns)
            staged.note = f"{NEEDS_MAPPING} (columns: {listed})"
        elif staged.format is not None:
            staged.note = staged.format
        return staged

    # -- importing -----------------------------------------------------------------

    def run(
        self,
        format: str = "auto",
        mapping: ColumnMapping | None = None,
        progress: Callable[[str, int], None] | None = None,
        *,
        allow_demo: bool = False,
    ) -> ImportOutcome:
        """Import the staged files into the project, all or nothing.

        Parameters
        ----------
        format : str, default "auto"
            A format name from :meth:`formats` for every file, or ``"auto"`` to use
            each file's detected format.
        mapping : ColumnMapping, optional
            Column mapping for generic tables.
        progress : callable, optional
            Called as ``progress(file name, rows so far)`` after each batch.
        allow_demo : bool, default False
            Import even into the fictional demo project (refused otherwise, so that
            real data never lands there by default).

        Returns
        -------
        ImportOutcome
            With ``error`` set (and the project unchanged) if a
            :class:`~workbench.errors.WorkbenchError` stopped the import.
        """
        try:
            if self.is_demo and not allow_demo:
                raise ProjectError(
                    f"{self.project.root.name}: this is the fictional demo project, so "
                    "nothing was imported into it. Open a project of your own (type a new "
                    "folder name and press Open), or tick 'Import into the demo project "
                    "anyway' to try the import on the demo"
                )
            outcome = self._run(format, mapping, progress)
        except WorkbenchError as exc:
            outcome = ImportOutcome(error=self.in_users_words(str(exc)))
        self.last_outcome = outcome
        return outcome

    def in_users_words(self, message: str) -> str:
        """``message`` with every stored copy's path replaced by the file's own name."""
        for staged in self.staged:
            message = message.replace(str(staged.path), staged.shown_name or staged.name)
        return message

    def import_uploads(
        self,
        uploads: Iterable[tuple[str, bytes | bytearray | memoryview]],
        format: str = "auto",
        mapping: ColumnMapping | None = None,
        *,
        allow_demo: bool = False,
    ) -> ImportOutcome:
        """Stage ``uploads`` and import them (:meth:`stage` then :meth:`run`)."""
        try:
            self.stage(uploads)
        except WorkbenchError as exc:
            self.last_outcome = ImportOutcome(error=str(exc))
            return self.last_outcome
        return self.run(format, mapping, allow_demo=allow_demo)

    def _run(
        self,
        format: str,
        mapping: ColumnMapping | None,
        progress: Callable[[str, int], None] | None,
    ) -> ImportOutcome:
        if not self.staged:
            raise SourceError(None, "there is nothing to import", hint="Upload files first")
        if format != "auto" and format not in formats():
            raise SourceError(
                None, f"format {format!r} is unknown", hint=f"Choose one of {', '.join(formats())}"
            )
        tables = self._tables(format)
        if mapping is None and tables:
            table = tables[0]
            listed = ", ".join(repr(c) for c in table.columns) or "(none found)"
            raise SourceError(
                table.name,
                f"is a generic table and {NEEDS_MAPPING}: say which column holds the comment text",
                hint=f"Its columns: {listed}. Choose the text column (and optionally id, "
                "time, author, thread and parent columns), then import again",
            )

        def named(path: str, rows: int) -> None:
            if progress is not None:
                progress(Path(path).name, rows)

        report = self.project.import_files(
            [staged.path for staged in self.staged], format=format, mapping=mapping,
            progress=named,
        )  # fmt: skip
        warnings = []
        for file in report.files:
            shown = next((s.shown_name for s in self.staged if str(s.path) == file.file),
                         Path(file.file).name)  # fmt: skip
            for note in file.warnings:
                note = self.in_users_words(note)
                warnings.append(note if note.startswith(shown) else f"{shown}: {note}")
        return ImportOutcome(
            report=report,
            summary=summary_rows(report, {str(f.path): f.shown_name for f in self.staged}),
            preview=self.preview(report),
            warnings=warnings,
        )

    def preview(self, report: ImportReport) -> pd.DataFrame:
        """Return up to ``preview_rows`` comments stored or changed by ``report``'s import.

        Only pseudonyms appear (the frame is read without raw handles), and @mentions
        of the project's authors in the text are shown as their pseudonyms too
        (unless the setting ``show_raw_text`` is on).
        """
        ids = [f.import_id for f in report.files]
        if not ids:
            return empty_preview()
        frame = self.project.comments(private=False, import_ids=ids, limit=self.preview_rows)
        if frame.empty:
            return empty_preview()
        mine = frame.loc[:, list(PREVIEW_COLUMNS)].reset_index(drop=True)
        masker = self.project.mention_masker()
        mine["text"] = mine["text"].map(lambda t: _shorten(masker.mask(t)), na_action="ignore")
        return mine

    # -- helpers -------------------------------------------------------------------

    def _tables(self, format: str) -> list[StagedFile]:
        if format == TABLE_FORMAT:
            return list(self.staged)
        if format != "auto":
            return []
        return [staged for staged in self.staged if staged.needs_mapping]


def summary_rows(
    report: ImportReport, names: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Return one plain row per file of ``report`` (keys :data:`SUMMARY_KEYS`).

    ``names`` maps a stored file's path to the name the user knows it by.
    """
    from workbench.project import NON_SUBSTANTIVE

    names = names or {}
    rows = []
    for file in report.files:
        rows.append(
            {
                "file": names.get(str(file.file)) or Path(file.file).name,
                "format": file.format,
                "rows": file.rows,
                "new": file.new,
                "updated": file.updated,
                "duplicate": file.duplicate,
                "gaps": file.gaps,
                "skipped": sum(file.skipped.values()),
                "non_substantive": int(file.flagged.get(NON_SUBSTANTIVE, 0)),
            }
        )
    return rows


def _shorten(text: str) -> str:
    text = " ".join(str(text).split())
    if len(text) <= PREVIEW_TEXT_CHARS:
        return text
    return text[: PREVIEW_TEXT_CHARS - 1].rstrip() + "…"
