"""Uploaded files: safe names, and the columns of a table (for the column mapping)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from workbench.errors import SourceError, WorkbenchError
from workbench.sources.tabular import EXCEL_SUFFIXES, TEXT_SUFFIXES, iter_table

_MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r"[^\w.\- ()+,=@]+")


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


def is_table_name(path: Path) -> bool:
    """Whether ``path``'s name says it is a table (``.csv``, ``.tsv``, ``.xlsx``...)."""
    suffixes = [s.lower() for s in path.suffixes]
    return any(s in TEXT_SUFFIXES or s in EXCEL_SUFFIXES for s in suffixes)
