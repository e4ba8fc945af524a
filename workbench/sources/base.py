"""The loader contract: what every export reader gets and gives.

A loader turns one export file into :class:`Batch` objects holding *loader rows*:
plain dicts with the keys in :data:`ROW_KEYS`. Loaders decode the platform's own
encoding (HTML, entities, mojibake) and build ids; :mod:`workbench.sources.finish`
then normalises text and times, derives depth and lays the rows out as columns.

Small documents are parsed whole; line-oriented dumps are streamed in batches so
memory stays flat however large the file is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from workbench.errors import MappingError

#: Keys of a loader row. ``created_at`` is epoch seconds (float) or ``None``;
#: ``attributes`` a dict of extras or ``None``; ``depth`` may be ``None`` (derived
#: later from the reply tree); ``text_raw`` is the text as exported, if kept.
ROW_KEYS: tuple[str, ...] = (
    "comment_id",
    "platform",
    "thread_id",
    "parent_id",
    "kind",
    "author",
    "created_at",
    "title",
    "text",
    "text_raw",
    "depth",
    "score",
    "url",
    "lang",
    "is_deleted",
    "attributes",
)


@dataclass
class Batch:
    """Rows read from one file, with what could not become a row.

    Attributes
    ----------
    rows : list of dict
        Loader rows (keys from :data:`ROW_KEYS`; missing keys mean ``None``).
    columns : dict of str to list, optional
        The same laid out as columns instead, one list per key of
        :data:`ROW_KEYS` (``None`` where a row has no value): a streaming loader
        may build these directly, saving a dict per row. Used when given.
    gaps : list of dict
        Items the export says exist but does not contain (Reddit ``more`` and
        "continue this thread" stubs). Keys: ``platform``, ``thread_id``,
        ``parent_id``, ``kind`` ('more' or 'continue'), ``count``, ``children``
        (list of ids).
    skipped : list of tuple of (str, str)
        ``(reason, reference)`` for records deliberately not imported, e.g.
        ``("boost", "https://...")`` or ``("truncated_line", "line 57")``.
    warnings : list of str
        Human-readable notes about the file worth showing the user.
    flagged : list of tuple of (str, str)
        ``(reason, reference)`` for records that *were* imported, but with a value
        left out because it could not be trusted; the raw value is kept in the row's
        ``attributes``. Reasons are stable slugs: ``"time-contradicts-date-order"``
        (a date readable only in the other day/month order than its column's) and
        ``"time-unreadable"`` (no date or time at all); the reference names the row
        and the raw value, e.g. ``"row 12: '25/11/2026'"``.
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    columns: dict[str, list] | None = None
    gaps: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    flagged: list[tuple[str, str]] = field(default_factory=list)


#: Values of :attr:`ColumnMapping.date_order`.
DATE_ORDERS: tuple[str, ...] = ("auto", "day-first", "month-first")


@dataclass(frozen=True)
class ColumnMapping:
    """How the columns of a generic CSV / Excel file map onto comments.

    Only ``text_column`` is required; every column not mapped is kept in the row's
    ``attributes``.

    Dates such as ``05/11/2026`` are read in the time column's *date order*:
    ``date_order="auto"`` (the default) infers it from the column's values that read
    only one way (``25/11/2026`` is day first, ``11/25/2026`` month first), by
    majority, and reads month first when none does (with a warning);
    ``"day-first"`` or ``"month-first"`` declares it. ``dayfirst=True`` is the older
    way to declare ``"day-first"``. A row whose time contradicts the order, or is no
    time at all, is imported with an empty time and listed in
    :attr:`Batch.flagged`, unless ``strict=True``, which refuses the file at that
    row instead.

    Raises
    ------
    MappingError
        If ``date_order`` is not one of :data:`DATE_ORDERS`, or ``dayfirst=True``
        contradicts ``date_order="month-first"``.
    """

    text_column: str
    id_column: str | None = None
    time_column: str | None = None
    author_column: str | None = None
    thread_column: str | None = None
    parent_column: str | None = None
    platform: str = "csv"
    dayfirst: bool = False
    sheet: str | int | None = None
    date_order: str = "auto"
    strict: bool = False

    def __post_init__(self) -> None:
        if self.date_order not in DATE_ORDERS:
            raise MappingError(
                None,
                f"the column mapping's date_order {self.date_order!r} is not a date order",
                hint=f"Use one of {', '.join(map(repr, DATE_ORDERS))}",
            )
        if self.dayfirst and self.date_order == "month-first":
            raise MappingError(
                None,
                "the column mapping's dayfirst=True (--dayfirst) contradicts its date_order "
                "'month-first'",
                hint="Give only one of them: date_order 'day-first' replaces dayfirst",
            )

    @property
    def declared_date_order(self) -> str:
        """The date order to read in: ``"day-first"`` when ``dayfirst``, else ``date_order``."""
        return "day-first" if self.dayfirst else self.date_order


@dataclass(frozen=True)
class LoadOptions:
    """Options a loader may use; most formats need none."""

    mapping: ColumnMapping | None = None
    batch_size: int = 50_000


@dataclass
class Sample:
    """The start of a file, decoded, for format detection.

    Attributes
    ----------
    path : Path
        The file (possibly compressed).
    head : str
        Up to the first 64 KiB of decompressed text, BOM removed.
    first_line : str
        The first non-empty line of ``head``.
    """

    path: Path
    head: str
    first_line: str

    @property
    def suffix(self) -> str:
        """Lower-case suffix of the file name, ignoring a compression suffix."""
        suffixes = [s.lower() for s in self.path.suffixes]
        while suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
            suffixes.pop()
        return suffixes[-1] if suffixes else ""


COMPRESSION_SUFFIXES = (".zst", ".zstd", ".gz", ".bz2", ".xz")


class Loader(Protocol):
    """What a format reader provides.

    ``name`` is the format's id (``"reddit-thread"``), ``platform`` the platform it
    belongs to; ``certain_threads`` (optional, default false) says whether thread
    ids are read from the export rather than guessed. ``sniff`` returns a
    confidence in [0, 1] that the sample is in this format (0 = certainly not);
    ``load`` yields batches or raises a :class:`~workbench.errors.SourceError`
    subclass naming the record.
    """

    name: ClassVar[str]
    platform: ClassVar[str]
    description: ClassVar[str]
    #: True when every row's ``thread_id`` comes from the export itself (Reddit's
    #: ``link_id``), never guessed from a reply chain cut off at the file's edge.
    #: Imports of other formats are re-threaded once parents are stored.
    certain_threads: ClassVar[bool]

    def sniff(self, sample: Sample) -> float:
        """Return the confidence that ``sample`` is in this format."""
        ...

    def load(self, path: Path, options: LoadOptions) -> Iterator[Batch]:
        """Yield the file's rows in batches."""
        ...


LOADERS: dict[str, Loader] = {}


def register(loader_class: type) -> type:
    """Class decorator adding a loader to :data:`LOADERS` under its ``name``."""
    instance = loader_class()
    if instance.name in LOADERS:
        raise RuntimeError(f"two loaders are registered as {instance.name!r}")
    LOADERS[instance.name] = instance
    return loader_class
