"""One error hierarchy for everything the workbench reports to a user.

Every error names *where* (file, record, code id), *what* was wrong (quoting the
offending value) and *how to fix it*. Catch :class:`WorkbenchError` to handle any of
them; nothing in the package raises a bare ``KeyError`` or ``JSONDecodeError`` at a
user.
"""

from __future__ import annotations

from pathlib import Path


class WorkbenchError(Exception):
    """Base class of every error the workbench raises on purpose."""


class SourceError(WorkbenchError):
    """An export file could not be read.

    Parameters
    ----------
    path : str or Path or None
        The file that was being read.
    problem : str
        What was wrong, quoting the offending value where useful.
    record : str, optional
        Where in the file: ``"line 12"``, ``"$[1].data.children[3]"``, ``"row 7"``.
    hint : str, optional
        What the user can do about it.
    """

    def __init__(
        self,
        path: str | Path | None,
        problem: str,
        *,
        record: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.problem = problem
        self.record = record
        self.hint = hint
        super().__init__(self._compose())

    def __reduce__(self) -> tuple:
        # Errors cross process boundaries (a reader process hands them back).
        return (_rebuild_source_error,
                (type(self), self.path, self.problem, self.record, self.hint))

    def _compose(self) -> str:
        where = self.path or "<input>"
        if self.record:
            where = f"{where}, {self.record}"
        message = f"{where}: {self.problem}"
        if self.hint:
            message = f"{message}. {self.hint}"
        return message


def _rebuild_source_error(cls: type[SourceError], path: str | None, problem: str,
                          record: str | None, hint: str | None) -> SourceError:
    return cls(path, problem, record=record, hint=hint)


class UnknownFormatError(SourceError):
    """The format of a file could not be recognised from its content."""


class RecordError(SourceError):
    """One record of an otherwise readable file is malformed."""


class MappingError(SourceError):
    """A column mapping for a generic CSV/Excel import does not fit the file."""


class ProjectError(WorkbenchError):
    """A project folder is missing, damaged or of an unsupported version."""


class SettingsError(WorkbenchError):
    """A setting has an invalid name or value."""


class StoreError(WorkbenchError):
    """The project database refused an operation."""


class EmbedError(WorkbenchError):
    """Embedding could not run: an unknown model or backend, or a missing cache."""


class ClusterError(WorkbenchError):
    """Clustering inputs or parameters are invalid (shape, values or a limit)."""


class EventError(StoreError):
    """A stored event does not fit the catalogue (unknown kind, bad or newer payload)."""


class CodebookError(WorkbenchError):
    """A codebook is invalid, or a revision of it cannot be made.

    Parameters
    ----------
    problem : str
        What was wrong, quoting the offending value, and how to fix it.
    path : str or Path, optional
        The codebook file.
    line : int, optional
        1-based line in that file.
    code_id : str, optional
        The code at fault.
    """

    def __init__(
        self,
        problem: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        code_id: str | None = None,
    ) -> None:
        self.problem, self.path, self.line, self.code_id = problem, path, line, code_id
        where = [str(path)] if path else []
        if line is not None:
            where.append(f"line {line}")
        if code_id:
            where.append(f"code {code_id!r}")
        super().__init__(f"{', '.join(where)}: {problem}" if where else problem)


class CodingError(WorkbenchError):
    """A coding cannot be stored or read (unknown comment or code, bad span, bad row)."""


class ExchangeError(WorkbenchError):
    """A REFI-QDA file (``.qdc`` codebook, ``.qdpx`` project) cannot be read or written.

    Parameters
    ----------
    path : str or Path or None
        The file being read or written.
    problem : str
        What was wrong, quoting the offending value.
    where : str, optional
        Where inside it: ``"project.qde line 12, <Coding guid=...>"``,
        ``"Sources/ab12.txt"``.
    hint : str, optional
        How to fix it.
    """

    def __init__(
        self,
        path: str | Path | None,
        problem: str,
        *,
        where: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.problem, self.where, self.hint = problem, where, hint
        location = ", ".join(part for part in (self.path, where) if part) or "<input>"
        message = f"{location}: {problem}"
        if hint:  # a sentence of its own
            message = f"{message}. {hint[:1].upper()}{hint[1:]}"
            message += "" if message.endswith((".", "?", "!")) else "."
        super().__init__(message)

    def __reduce__(self) -> tuple:
        return (_rebuild_exchange_error, (self.path, self.problem, self.where, self.hint))


def _rebuild_exchange_error(path: str | None, problem: str, where: str | None,
                            hint: str | None) -> ExchangeError:
    return ExchangeError(path, problem, where=where, hint=hint)


class StaleRevision(CodingError):
    """A revision was planned from codings or a codebook that changed since: plan again."""
