"""Importing uploaded export files into a project: the controller behind the import widget.

:class:`ImportSession` is pure Python (no widgets), so everything the import widget
does can be tested headless::

    session = ImportSession(project)
    session.stage([("thread.json", data)])        # copy uploads into the project cache
    outcome = session.run()                       # detect formats and import
    outcome.error or outcome.summary

Uploads are written to ``<project>/cache/uploads/<timestamp>/`` under safe file
names, so a browser upload and a file on disk are imported the same way and the
import log names a file that still exists. Any :class:`~workbench.errors.WorkbenchError`
(an empty upload, an unrecognised file, a malformed record) comes back as
``outcome.error`` with the message naming file and record; the import itself is all or
nothing, so after an error the project is unchanged. Other exceptions are bugs and
propagate.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.errors import SourceError, WorkbenchError
from workbench.project import ImportReport, Project
from workbench.sources import ColumnMapping, detect, formats
from workbench.sources.tabular import EXCEL_SUFFIXES, TEXT_SUFFIXES, iter_table

#: Format name of the generic table loader (CSV / TSV / Excel through a mapping).
TABLE_FORMAT = "csv"
#: Columns of :attr:`ImportOutcome.preview`; never the raw ``author``.
PREVIEW_COLUMNS: tuple[str, ...] = (
    "created_at", "platform", "author_pseudonym", "depth", "text", "lang",
)  # fmt: skip
#: Keys of each :attr:`ImportOutcome.summary` row.
SUMMARY_KEYS: tuple[str, ...] = (
    "file", "format", "rows", "new", "updated", "duplicate", "gaps", "skipped",
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
UPLOADS_DIR = "uploads"
NEEDS_MAPPING = "needs a column mapping"
_MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r"[^\w.\- ()+,=@]+")


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


def safe_file_name(name: str) -> str:
    r"""Reduce an uploaded file's name to a safe base name.

    Folders (``/`` or ``\``) are dropped, control and unusual characters become
    ``_``, leading dots are removed (no hidden files, no ``..``) and the name is cut
    to 120 characters keeping its suffixes.

    Examples
    --------
    >>> safe_file_name("../../etc/passwd")
    'passwd'
    >>> safe_file_name("C:\\Users\\me\\my export (1).json")
    'my export (1).json'
    """
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", str(name)))[-1]
    base = "".join(c if c.isprintable() else "_" for c in base)
    base = _UNSAFE.sub("_", base).strip(" .")
    base = base.lstrip(".-_ ") or "upload"
    if len(base) > _MAX_NAME_CHARS:
        stem, dot, suffix = base.partition(".")
        suffix = (dot + suffix)[:24]
        base = stem[: _MAX_NAME_CHARS - len(suffix)] + suffix
    return base


def csv_columns(path: str | Path, *, sheet: str | int | None = None) -> list[str]:
    """List the columns of a CSV / TSV / ``.xlsx`` table, as the table loader names them.

    Only the header row is read. The names are exactly those a
    :class:`ColumnMapping` must use (blank headers become ``column_N``, repeats get
    ``_2``), which is why the table loader's own reader is used rather than pandas.

    Parameters
    ----------
    path : str or Path
        The table (text tables may be compressed).
    sheet : str or int, optional
        Worksheet of a workbook (default: the first).

    Raises
    ------
    WorkbenchError
        If the file cannot be read as a table.
    """
    path = Path(path)
    try:
        header, records, _ = iter_table(path, sheet=sheet)
    except WorkbenchError:
        raise
    except (OSError, ValueError, UnicodeError) as exc:
        raise SourceError(path, f"cannot be read as a table ({exc})") from None
    records.close()
    return header


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

    # -- what the view offers ------------------------------------------------------

    @staticmethod
    def formats() -> dict[str, str]:
        """Return ``{format name: description}`` of every format that can be imported."""
        return formats()

    def stats(self) -> dict[str, Any]:
        """Return counts describing the project (:meth:`Project.stats`)."""
        return self.project.stats()

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
        """Copy uploaded files into ``cache/uploads/<timestamp>/`` and detect their formats.

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
        folder = self._new_upload_folder()
        staged = []
        used: set[str] = set()
        for _, name, content in items:
            name = _unique(name, used)
            path = folder / name
            path.write_bytes(content)
            staged.append(self.examine(path))
        self.staged = staged
        return staged

    def clear(self) -> None:
        """Forget the staged files (they stay in the cache folder)."""
        self.staged = []

    def examine(self, path: str | Path) -> StagedFile:
        """Detect the format of one file (an unrecognised file is noted, not raised)."""
        path = Path(path)
        staged = StagedFile(name=path.name, path=path, size=path.stat().st_size)
        try:
            staged.format = detect(path)
        except WorkbenchError as exc:
            staged.note = f"not recognised: {exc}"
        if staged.format == TABLE_FORMAT or _is_table_name(path):
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

        Returns
        -------
        ImportOutcome
            With ``error`` set (and the project unchanged) if a
            :class:`~workbench.errors.WorkbenchError` stopped the import.
        """
        try:
            outcome = self._run(format, mapping, progress)
        except WorkbenchError as exc:
            outcome = ImportOutcome(error=str(exc))
        self.last_outcome = outcome
        return outcome

    def import_uploads(
        self,
        uploads: Iterable[tuple[str, bytes | bytearray | memoryview]],
        format: str = "auto",
        mapping: ColumnMapping | None = None,
    ) -> ImportOutcome:
        """Stage ``uploads`` and import them (:meth:`stage` then :meth:`run`)."""
        try:
            self.stage(uploads)
        except WorkbenchError as exc:
            self.last_outcome = ImportOutcome(error=str(exc))
            return self.last_outcome
        return self.run(format, mapping)

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
        warnings = [f"{Path(f.file).name}: {note}" for f in report.files for note in f.warnings]
        return ImportOutcome(
            report=report,
            summary=summary_rows(report),
            preview=self.preview(report),
            warnings=warnings,
        )

    def preview(self, report: ImportReport) -> pd.DataFrame:
        """Return up to ``preview_rows`` comments stored or changed by ``report``'s import.

        Only pseudonyms appear (the frame is read without raw handles).
        """
        ids = [f.import_id for f in report.files]
        if not ids:
            return empty_preview()
        frame = self.project.comments(private=False, import_ids=ids, limit=self.preview_rows)
        if frame.empty:
            return empty_preview()
        mine = frame.loc[:, list(PREVIEW_COLUMNS)].reset_index(drop=True)
        mine["text"] = mine["text"].map(_shorten, na_action="ignore")
        return mine

    # -- helpers -------------------------------------------------------------------

    def _tables(self, format: str) -> list[StagedFile]:
        if format == TABLE_FORMAT:
            return list(self.staged)
        if format != "auto":
            return []
        return [staged for staged in self.staged if staged.needs_mapping]

    def _new_upload_folder(self) -> Path:
        base = self.project.cache_dir / UPLOADS_DIR
        base.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        for n in range(1, 1000):
            folder = base / (stamp if n == 1 else f"{stamp}-{n}")
            try:
                folder.mkdir()
            except FileExistsError:
                continue
            return folder
        raise SourceError(base, "no new upload folder could be made", hint="Clean up the folder")


def summary_rows(report: ImportReport) -> list[dict[str, Any]]:
    """Return one plain row per file of ``report`` (keys :data:`SUMMARY_KEYS`)."""
    rows = []
    for file in report.files:
        rows.append(
            {
                "file": Path(file.file).name,
                "format": file.format,
                "rows": file.rows,
                "new": file.new,
                "updated": file.updated,
                "duplicate": file.duplicate,
                "gaps": file.gaps,
                "skipped": sum(file.skipped.values()),
            }
        )
    return rows


def _unique(name: str, used: set[str]) -> str:
    candidate, n = name, 1
    stem, dot, suffix = name.partition(".")
    while candidate.lower() in used:
        n += 1
        candidate = f"{stem}-{n}{dot}{suffix}"
    used.add(candidate.lower())
    return candidate


def _is_table_name(path: Path) -> bool:
    suffixes = [s.lower() for s in path.suffixes]
    return any(s in TEXT_SUFFIXES or s in EXCEL_SUFFIXES for s in suffixes)


def _shorten(text: str) -> str:
    text = " ".join(str(text).split())
    if len(text) <= PREVIEW_TEXT_CHARS:
        return text
    return text[: PREVIEW_TEXT_CHARS - 1].rstrip() + "…"
