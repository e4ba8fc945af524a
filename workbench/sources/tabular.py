"""Generic tables: CSV, TSV and Excel ``.xlsx`` files read through a column mapping.

Survey exports and hand-made spreadsheets have no fixed shape, so the user names the
columns (:class:`~workbench.sources.base.ColumnMapping`): text is required; id, time,
author, thread and parent are optional; every other column is kept in
``attributes`` as a string (empty cells dropped).

Decisions: rows are numbered as a spreadsheet shows them (header = row 1; messages
add the physical line where embedded newlines make it differ). Empty rows are
ignored; an empty text cell is skipped as ``("empty", "row N")``. *Filler* answers
(``"N/A"``, ``"-"``, :func:`is_filler`) are kept: the project flags them as
non-substantive (:mod:`workbench.substance`) and leaves them out of clustering.
With an id column, ``comment_id`` is ``"<platform>:<id>"``; a repeated id on an
identical row is skipped as ``("duplicate", "row N (same as row M)")``, on a
different row it is an error naming both. Without one, the id hashes (thread,
author, time, text) plus the count of identical earlier rows, so re-importing the
file gives the same ids and two people who both wrote "Excellent" stay two rows.
``thread_id`` is ``"<platform>:thread:<value>"``, else ``"<platform>:file:<stem>"``;
a parent cell becomes ``"<platform>:<value>"`` (so it needs the id column); an empty
one means top level. Times are parsed per value (:func:`parse_time`) in the time
column's date order, declared or inferred by majority from the values that read only
one way (:mod:`~workbench.sources.tabletimes`; a pre-pass reads that column alone).
A value that contradicts the order, or is no time, leaves the row's time empty, its
raw value in ``attributes`` under the column's name and the row in
:attr:`Batch.flagged`; never a silent gap. With ``strict`` it is an error naming row,
column and value; a column mostly of non-times is refused as mis-mapped. Text files are
UTF-8 (BOM dropped) or else Windows-1252; the delimiter is the commonest of
``, ; TAB |`` in the first line (TAB for ``.tsv``). Text is not HTML-decoded.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import re
import unicodedata
from collections.abc import Generator, Iterator
from contextlib import closing
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from workbench.errors import MappingError, RecordError, SourceError

from .base import COMPRESSION_SUFFIXES, Batch, ColumnMapping, LoadOptions, Sample, register
from .fileio import open_binary
from .tabletimes import ORDER_WORDS, DateOrderConflict, DateTally, parse_time
from .text import normalise_text

TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_TIME_HINT = (
    "Use ISO 8601 (2026-11-25T14:05:00Z), epoch seconds, 'Nov 25 2026', day/month/year or "
    "month/day/year; correct that cell, or import without --strict (strict=False) to keep "
    "such rows with an empty time"
)
_ORDER_HINT = (
    "The column's dates are read as {order} (declared, or the majority of those that read "
    "only one way). Declare the order if that is wrong "
    "(--date-order day-first or month-first; 'Date order' in the import notebook; "
    "ColumnMapping(date_order=...)), correct that cell, or import without --strict "
    "(strict=False) to keep such rows with an empty time"
)
_NOT_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
Records = Generator[tuple[str, list[Any]], None, None]

FILLERS = frozenset(
    {
        "", "n/a", "na", "n.a", "n a", "none", "nothing", "nil", "null", "nan", "no comment",
        "no comments", "nothing to add", "nothing to say", "nothing else", "not applicable",
        "no answer", "x",
    }
)  # fmt: skip
_SPACE = re.compile(r"\s+")
_PUNCTUATION = frozenset(("Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Zs"))


def is_filler(text: str) -> bool:
    """Tell whether a free-text answer says nothing (``"N/A"``, ``" - "``, ``"None."``).

    Case, spacing and trailing full stops or exclamation marks are ignored; a short
    cell of punctuation alone (``"..."``, ``"-/-"``) is filler too. Short real answers
    (``"No"``, ``"Fine"``, an emoji) are not.
    """
    key = text.strip()
    if len(key) > 40:
        return False
    key = _SPACE.sub(" ", key.lower()).rstrip(".! ")
    if key in FILLERS:
        return True
    return len(key) < 8 and all(unicodedata.category(c) in _PUNCTUATION for c in key)


# --- reading tables -------------------------------------------------------------------


def _sniff_delimiter(line: str) -> str:
    counts = dict.fromkeys(",\t;|", 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _choose_encoding(path: Path) -> str:
    """Scan the file: ``utf-8-sig`` if it is valid UTF-8, else ``cp1252`` if it can be."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open_binary(path) as handle:
            chunk = handle.read(1 << 20)
            if chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                return "utf-16"
            try:
                while chunk:
                    decoder.decode(chunk)
                    chunk = handle.read(1 << 20)
                decoder.decode(b"", final=True)
                return "utf-8-sig"
            except UnicodeDecodeError:
                pass
        with open_binary(path) as handle:
            line = 1
            while chunk := handle.read(1 << 20):
                if bad := _NOT_CP1252.search(chunk):
                    line += chunk.count(b"\n", 0, bad.start())
                    raise SourceError(
                        path,
                        f"is neither UTF-8 nor Windows-1252 text (byte {bad.group()[0]:#04x})",
                        record=f"line {line}",
                        hint="Save the file as CSV UTF-8 and import it again",
                    )
                line += chunk.count(b"\n")
    except SourceError:
        raise
    except Exception as exc:  # a damaged compressed stream (OSError, LZMAError, ZstdError)
        raise SourceError(path, f"cannot be read ({exc})") from None
    return "cp1252"


class _RawReader(io.RawIOBase):
    """Adapt any object with ``read`` (a decompressing stream) for :class:`io.TextIOWrapper`."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _text_stream(raw: Any, encoding: str) -> io.TextIOWrapper:
    binary = raw if isinstance(raw, io.BufferedIOBase) else io.BufferedReader(_RawReader(raw))
    return io.TextIOWrapper(binary, encoding, newline="")


def _text_records(path: Path, suffix: str) -> Iterator[tuple[int, int, list[Any]]]:
    """Yield ``(row, first line, cells)`` of a delimited text file, streaming.

    Raises :class:`RecordError` if a quote opened in a row is never closed: the
    csv module would read the rest of the file into that one cell without a word.
    """
    encoding = _choose_encoding(path)
    row = line_end = 0
    try:
        with open_binary(path) as raw, _text_stream(raw, encoding) as text:
            first = text.readline()
            delimiter = "\t" if suffix in (".tsv", ".tab") else _sniff_delimiter(first)
            lines: list[str] = []  # the physical lines of the record being read
            reader = csv.reader(_kept(itertools.chain([first], text), lines), delimiter=delimiter)
            held: tuple[int, int, list[Any]] | None = None  # the last record is checked
            for cells in reader:
                start, line_end, row = line_end + 1, reader.line_num, row + 1
                if held is not None:
                    yield held
                held = (row, start, cells) if cells else None
                last_lines, lines[:] = list(lines), []
            if held is not None and _open_quote(last_lines, delimiter):
                row, start = held[0], held[1]
                raise RecordError(
                    path,
                    f"a quoted cell opened in this row is never closed: lines {start} to "
                    f"{line_end} (the end of the file) would be read as one cell",
                    record=f"row {row} (line {start})",
                    hint='Add the missing closing quote (") to that cell, or export the '
                    "file again if it was cut short",
                )
            if held is not None:
                yield held
    except csv.Error as exc:
        raise RecordError(
            path,
            f"is not valid CSV ({exc})",
            record=f"row {row + 1} (line {line_end + 1})",
            hint="A quote is probably left open in or before that row; close it",
        ) from None
    except UnicodeDecodeError as exc:
        raise SourceError(path, f"cannot be decoded as {encoding} ({exc.reason})") from None


def _kept(lines: Iterator[str], kept: list[str]) -> Iterator[str]:
    """Pass ``lines`` through, appending each to ``kept`` (the caller empties it)."""
    for line in lines:
        kept.append(line)
        yield line


def _open_quote(lines: list[str], delimiter: str) -> bool:
    """Whether the record in ``lines`` ends inside a quoted cell (the file ran out).

    A record that is complete ends where its lines do, so a line read after them
    starts a record of its own; in a cell left open it is swallowed into that cell.
    """
    probe = csv.reader([*lines, "\n", "x\n"], delimiter=delimiter)
    return sum(1 for _ in probe) < 3


def _excel_records(path: Path, sheet: str | int | None) -> Iterator[tuple[int, int, list[Any]]]:
    """Yield ``(row, row, cells)`` of one worksheet of an ``.xlsx`` workbook."""
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise SourceError(path, "file not found", hint="Check the path and try again") from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise SourceError(
            path, f"is not a readable .xlsx workbook ({exc})", hint="Save it again from Excel"
        ) from None
    try:
        names = book.sheetnames
        if sheet is None:
            sheet = 0
        if isinstance(sheet, int) and not isinstance(sheet, bool) and 0 <= sheet < len(names):
            sheet = names[sheet]
        if sheet not in names:
            raise MappingError(
                path,
                f"has no sheet {sheet!r}",
                hint=f"Sheets: {', '.join(map(repr, names))} (or give a 0-based index)",
            )
        for number, values in enumerate(book[sheet].iter_rows(values_only=True), start=1):
            if any(v is not None and v != "" for v in values):
                yield number, number, list(values)
    finally:
        book.close()


def iter_table(
    path: Path, *, sheet: str | int | None = None, full_rows: bool = False
) -> tuple[list[str], Records, list[str]]:
    """Open a CSV / TSV / ``.xlsx`` table (``sheet``: name or 0-based index) for streaming.

    Returns the column names (stripped; blanks named ``column_N``; repeats suffixed
    ``_2``), a generator of ``(reference, cells)`` per non-empty row padded to the
    header's width (the reference reads ``"row 5"`` or ``"row 5 (line 9)"``), and
    warnings about the header. Raises :class:`SourceError` if the file is empty or
    unreadable, or (while iterating) a row has more values than there are columns,
    or, with ``full_rows`` (a machine-written export, whose rows all have every
    cell), fewer.
    """
    suffix = _plain_suffix(path)
    if suffix == ".xls":
        raise SourceError(
            path,
            "is an old binary Excel (.xls) workbook, which cannot be read",
            hint="Save it as .xlsx or as CSV UTF-8 and import that",
        )
    raw = _excel_records(path, sheet) if suffix in EXCEL_SUFFIXES else _text_records(path, suffix)
    first = next(raw, None)
    if first is None:
        raise SourceError(path, "is empty: it has no header row", hint="Export the table again")
    names = [cell_text(c).strip().lstrip("\ufeff").strip() for c in first[2]]
    while names and not names[-1]:
        names.pop()
    header: list[str] = []
    warnings = []
    for position, name in enumerate(names, start=1):
        unique, n = name or f"column_{position}", 1
        while unique.lower() in (h.lower() for h in header):
            n += 1
            unique = f"{name}_{n}"
        if name and unique != name:
            warnings.append(f"column {position} repeats the name {name!r}; read as {unique!r}")
        header.append(unique)
    return header, _records(path, raw, len(header), full_rows), warnings


def _records(
    path: Path, raw: Iterator[tuple[int, int, list[Any]]], width: int, full_rows: bool
) -> Records:
    for row, line, cells in raw:
        ref = f"row {row}" if line == row else f"row {row} (line {line})"
        if len(cells) < width and full_rows:
            raise RecordError(
                path,
                f"has {len(cells)} values but the header names {width} columns (last value "
                f"{cell_text(cells[-1])[:40]!r}): a delimiter or a quote is probably lost",
                record=ref,
                hint="Export the file again; if it was edited, restore that row's cells",
            )
        if len(cells) < width:
            cells.extend([""] * (width - len(cells)))
        elif len(cells) > width:
            extra = [c for c in cells[width:] if cell_text(c).strip()]
            if extra:
                raise RecordError(
                    path,
                    f"has {len(cells)} values but the header names {width} column(s) "
                    f"(extra value {cell_text(extra[0])[:40]!r})",
                    record=ref,
                    hint="Quote cells that contain the delimiter, or name the extra column",
                )
            del cells[width:]
        yield ref, cells


def _plain_suffix(path: Path) -> str:
    suffixes = [s.lower() for s in Path(path).suffixes]
    while suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def file_stem(path: Path) -> str:
    """Return the file name without compression and format suffixes (``a.csv.gz`` -> ``a``)."""
    name = Path(path).name
    for suffix in COMPRESSION_SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    return Path(name).stem or name


def cell_text(value: Any) -> str:
    """Return a cell as text: Excel numbers without a spurious ``.0``, dates in ISO form."""
    if value is None or isinstance(value, str):
        return value or ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


# --- the loader -----------------------------------------------------------------------


def resolve_columns(mapping: ColumnMapping, header: list[str], path: Path) -> dict[str, int]:
    """Map each role named in ``mapping`` to a column index (case-insensitive fallback).

    Raises
    ------
    MappingError
        Listing the file's columns, if a named column is not among them.
    """
    folded: dict[str, int] = {}
    for i, name in enumerate(header):
        folded.setdefault(name.lower(), i)
    roles: dict[str, int] = {}
    for role in ("text", "id", "time", "author", "thread", "parent"):
        wanted = getattr(mapping, f"{role}_column")
        if wanted is None or wanted == "":
            continue
        wanted = str(wanted)
        index = header.index(wanted) if wanted in header else folded.get(wanted.strip().lower())
        if index is None:
            raise MappingError(
                path,
                f"has no column {wanted!r} (named as the {role} column)",
                hint=f"Columns: {', '.join(map(repr, header))}",
            )
        roles[role] = index
    if "parent" in roles and "id" not in roles:
        raise MappingError(
            path,
            "a parent column needs an id column: parent cells name the id of another row",
            hint="Pass --id-column as well",
        )
    return roles


@register
class TableLoader:
    """Generic CSV / TSV / Excel tables, read through a :class:`ColumnMapping`."""

    name = "csv"
    platform = "csv"
    description = "CSV, TSV or Excel .xlsx table; needs a column mapping (--text-column ...)"

    def sniff(self, sample: Sample) -> float:
        """Return a low confidence (0.2; 0.1 without a table suffix) for any table.

        Generic tables have no signature, so this never outbids a real export
        format; with a column mapping, detection raises it.
        """
        suffix = sample.suffix
        if suffix in EXCEL_SUFFIXES or suffix == ".xls":
            return 0.2 if sample.head.startswith(("PK\x03\x04", "\ufffd\ufffd\x11")) else 0
        first = sample.first_line
        if not first or first[0] in "{[<" or "\x00" in sample.head[:4096]:
            return 0.0
        if suffix in TEXT_SUFFIXES:
            return 0.2
        delimiter = _sniff_delimiter(first)
        counts = {line.count(delimiter) for line in sample.head.splitlines()[:10] if line}
        return 0.1 if len(counts) == 1 and counts != {0} else 0.0

    def load(self, path: Path, options: LoadOptions) -> Iterator[Batch]:
        """Yield the table's rows as comments, ``options.batch_size`` at a time."""
        path, mapping = Path(path), options.mapping
        header, records, warnings = iter_table(path, sheet=mapping.sheet if mapping else None)
        if mapping is None:
            records.close()
            raise MappingError(
                path,
                "is a generic table: say which column holds the comment text",
                hint=f"Columns: {', '.join(map(repr, header))}. Map the text column "
                "(--text-column NAME on the command line, the column menus in the import "
                "notebook; optionally the id, time, author, thread and parent columns)",
            )
        roles = resolve_columns(mapping, header, path)
        order = mapping.declared_date_order
        if "time" in roles and order == "auto":
            try:
                tally = survey_dates(path, mapping.sheet, roles["time"])
            except BaseException:
                records.close()
                raise
            if tally.misfit():
                records.close()
                raise _misfit(path, header[roles["time"]], tally)
            order = tally.order()
            warnings = [*warnings, *tally.notes(header[roles["time"]])]
        yield from self._rows(
            path, mapping, header, roles, records, warnings, options.batch_size, order
        )

    def _rows(
        self,
        path: Path,
        mapping: ColumnMapping,
        header: list[str],
        roles: dict[str, int],
        records: Records,
        warnings: list[str],
        batch_size: int,
        order: str,
    ) -> Iterator[Batch]:
        platform = (mapping.platform or "csv").strip().lower() or "csv"
        ti, ii, mi = roles["text"], roles.get("id"), roles.get("time")
        ai, hi, pi = roles.get("author"), roles.get("thread"), roles.get("parent")
        extras = [(i, n) for i, n in enumerate(header) if i not in roles.values()]
        file_thread = f"{platform}:file:{file_stem(path)}"
        excel = _plain_suffix(path) in EXCEL_SUFFIXES
        dayfirst = order == "day-first"
        times = DateTally(excel=excel)  # only values and unreadable ones are counted here
        seen: dict[str, tuple[str, int]] = {}
        occurrences: dict[bytes, int] = {}
        batch = Batch(warnings=list(warnings))

        def fail(problem: str, ref: str, hint: str | None = None) -> RecordError:
            return RecordError(path, problem, record=ref, hint=hint)

        for ref, cells in records:
            if excel:  # workbook cells are numbers, dates...: text for all but the time
                cells = [c if i == mi != ti else cell_text(c) for i, c in enumerate(cells)]
            text = cells[ti]
            if not str(text).strip():  # filler answers are kept (the project flags them)
                batch.skipped.append(("empty", ref))
                continue
            created, kept_time = None, None
            if mi is not None:
                try:
                    created = parse_time(cells[mi], dayfirst=dayfirst, excel=excel)
                except ValueError as exc:
                    kept_time = cell_text(cells[mi]).strip()
                    if mapping.strict:
                        raise _time_error(path, ref, header[mi], kept_time, exc, order) from None
                    conflict = isinstance(exc, DateOrderConflict)
                    reason = "time-contradicts-date-order" if conflict else "time-unreadable"
                    batch.flagged.append((reason, f"{ref}: {kept_time[:60]!r}"))
                    if not conflict:
                        times.unreadable += 1
                        if len(times.examples) < 3:
                            times.examples.append(kept_time[:40])
                if kept_time is not None or created is not None:
                    times.values += 1
            author = (cells[ai].strip() or None) if ai is not None else None
            thread = cells[hi].strip() if hi is not None else ""
            thread_id = f"{platform}:thread:{thread}" if thread else file_thread
            if ii is not None:
                if not (local := cells[ii].strip()):
                    raise fail(
                        f"the id column {header[ii]!r} is empty",
                        ref,
                        "Give every row an id, or import without --id-column",
                    )
                fingerprint = hash(tuple(map(str, cells)))
                first_ref, first_print = seen.setdefault(local, (ref, fingerprint))
                if first_print != fingerprint:
                    raise fail(
                        f"id {local!r} is already used by {first_ref}, which holds "
                        "different content",
                        ref,
                        "Ids must be unique; fix one of the two rows",
                    )
                if first_ref != ref:
                    batch.skipped.append(("duplicate", f"{ref} (same as {first_ref})"))
                    continue
                comment_id = f"{platform}:{local}"
            else:
                key = "\x1f".join((thread, author or "", repr(created), normalise_text(text)))
                base = hashlib.sha1(key.encode()).digest()
                count = occurrences[base] = occurrences.get(base, -1) + 1
                digest = hashlib.sha1(f"{key}\x1f{count}".encode()).hexdigest()
                comment_id = f"{platform}:sha1-{digest[:20]}"
            parent_id = thread_id
            if pi is not None and (parent := cells[pi].strip()):
                parent_id = f"{platform}:{parent}"
                if parent_id == comment_id:
                    raise fail(f"the row names itself ({parent!r}) as its parent", ref)
            attributes = {name: value for i, name in extras if (value := cells[i].strip())}
            if kept_time is not None and mi is not None:
                attributes[header[mi]] = kept_time
            batch.rows.append(dict(
                comment_id=comment_id, platform=platform, thread_id=thread_id, parent_id=parent_id,
                kind="comment", author=author, created_at=created, text=text, is_deleted=False,
                attributes=attributes or None,
            ))  # fmt: skip
            if len(batch.rows) >= batch_size:
                yield batch
                batch = Batch()
        if mi is not None and times.misfit():
            raise _misfit(path, header[mi], times)
        yield batch


def survey_dates(path: Path, sheet: str | int | None, column: int) -> DateTally:
    """Count the date orders and non-times of one column of a table (streaming).

    Reads the table again, keeping only the one cell per row, so memory stays flat.
    """
    excel = _plain_suffix(path) in EXCEL_SUFFIXES
    tally = DateTally(excel=excel)
    _, records, _ = iter_table(path, sheet=sheet)
    with closing(records):
        for _, cells in records:
            tally.add(cells[column] if excel else cell_text(cells[column]))
    return tally


def _time_error(
    path: Path, ref: str, column: str, value: str, error: ValueError, order: str
) -> RecordError:
    if isinstance(error, DateOrderConflict):
        problem = f"contradicts the column's date order ({error})"
        hint = _ORDER_HINT.format(order=ORDER_WORDS[order])
    else:
        problem, hint = f"is not a date/time I can read ({error})", _TIME_HINT
    return RecordError(
        path, f"column {column!r} holds {value[:60]!r}, which {problem}", record=ref, hint=hint
    )


def _misfit(path: Path, column: str, tally: DateTally) -> MappingError:
    examples = ", ".join(map(repr, tally.examples))
    return MappingError(
        path,
        f"the time column {column!r} does not hold dates or times: {tally.unreadable} of "
        f"its {tally.values} non-empty values cannot be read as one (e.g. {examples})",
        hint="Check the mapping: name the column that holds the date and time as the time "
        "column (--time-column), or map none",
    )
