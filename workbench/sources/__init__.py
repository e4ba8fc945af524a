"""Readers for exported social-media threads.

>>> from workbench import sources
>>> frame = sources.read("thread.json")           # format detected from content
>>> sources.detect("tweets.js")
'x-archive'

Every reader yields the canonical comments columns (see :mod:`workbench.frames`);
bad input raises a :class:`~workbench.errors.SourceError` subclass naming the file
and record.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import UnknownFormatError
from workbench.frames import as_comments_frame, empty_comments

from . import facebook, mastodon, reddit, tabular, twitter, youtube  # noqa: F401 (register)
from .base import LOADERS, Batch, ColumnMapping, Loader, LoadOptions
from .fileio import read_sample
from .finish import FINISHED_COLUMNS, DepthMemory, finish_columns, loader_columns

if TYPE_CHECKING:  # pandas is imported where a frame is made: the reader process needs none
    import pandas as pd

__all__ = [
    "LOADERS",
    "Batch",
    "ColumnMapping",
    "LoadOptions",
    "detect",
    "formats",
    "iter_batches",
    "read",
]


def formats() -> dict[str, str]:
    """Return ``{format name: description}`` of every registered loader."""
    return {name: loader.description for name, loader in sorted(LOADERS.items())}


def detect(path: str | Path, *, mapping: ColumnMapping | None = None) -> str:
    """Name the format of ``path`` from its content.

    Raises
    ------
    UnknownFormatError
        If no loader recognises the file, or two recognise it equally well.
    """
    path = Path(path)
    sample = read_sample(path)
    scores = []
    for name, loader in LOADERS.items():
        score = loader.sniff(sample)
        if name == "csv" and mapping is not None and score > 0:
            score = max(score, 0.6)
        if score > 0:
            scores.append((score, name))
    scores.sort(reverse=True)
    if not scores:
        raise UnknownFormatError(
            path,
            "is not an export format the workbench recognises",
            hint=f"Known formats: {', '.join(sorted(LOADERS))}. "
            "For a spreadsheet, map its columns (--text-column etc. on the command line, "
            "the column menus in the import notebook)",
        )
    if len(scores) > 1 and scores[0][0] == scores[1][0]:
        raise UnknownFormatError(
            path,
            f"could be {scores[0][1]!r} or {scores[1][1]!r}",
            hint="Name the format explicitly (--format on the command line, the Format "
            "menu in the import notebook)",
        )
    return scores[0][1]


def _loader(path: Path, format: str, mapping: ColumnMapping | None) -> Loader:
    name = detect(path, mapping=mapping) if format == "auto" else format
    if name not in LOADERS:
        raise UnknownFormatError(
            path, f"format {name!r} is unknown", hint=f"Choose one of {', '.join(sorted(LOADERS))}"
        )
    return LOADERS[name]


def iter_batches(
    path: str | Path,
    format: str = "auto",
    *,
    mapping: ColumnMapping | None = None,
    batch_size: int = 50_000,
) -> tuple[str, Iterator[tuple[dict[str, list], Batch]]]:
    """Stream a file as finished column batches.

    Returns
    -------
    format : str
        The format the file is read as.
    batches : iterator of (dict of str to list, Batch)
        Finished columns (see :data:`FINISHED_COLUMNS`) and the batch, whose
        ``gaps``, ``skipped``, ``warnings`` and ``flagged`` the caller records (its
        ``rows`` are emptied once finished).
    """
    path = Path(path)
    loader = _loader(path, format, mapping)
    options = LoadOptions(mapping=mapping, batch_size=batch_size)

    def generate() -> Iterator[tuple[dict[str, list], Batch]]:
        memory = DepthMemory()
        for batch in loader.load(path, options):
            given = batch.columns if batch.columns is not None else loader_columns(batch.rows)
            columns = finish_columns(given, loader.name, path, memory)
            batch.rows, batch.columns = [], None  # finished: free the loader rows early
            yield columns, batch

    return loader.name, generate()


def read(
    path: str | Path,
    format: str = "auto",
    *,
    mapping: ColumnMapping | None = None,
) -> pd.DataFrame:
    """Read one export file into the canonical comments DataFrame.

    Parameters
    ----------
    path : str or Path
        The export file (compressed files are opened transparently).
    format : str, default "auto"
        A name from :func:`formats`, or ``"auto"`` to detect it from content.
    mapping : ColumnMapping, optional
        Column mapping for generic CSV / Excel files.

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`workbench.frames.COMMENT_COLUMNS`. ``author_pseudonym``
        and ``import_id`` are empty: they are assigned when a project imports the
        rows (the pseudonym key belongs to the project). ``attrs["gaps"]``,
        ``attrs["skipped"]`` and ``attrs["format"]`` describe what was not a row,
        ``attrs["warnings"]`` notes about the file and ``attrs["flagged"]`` the
        ``(reason, reference)`` of rows imported with a value left out (see
        :attr:`Batch.flagged`).
    """
    name, batches = iter_batches(path, format, mapping=mapping)
    merged: dict[str, list] = {column: [] for column in FINISHED_COLUMNS}
    gaps: list[dict] = []
    skipped: list[tuple[str, str]] = []
    warnings: list[str] = []
    flagged: list[tuple[str, str]] = []
    for columns, batch in batches:
        for column in FINISHED_COLUMNS:
            merged[column].extend(columns[column])
        gaps.extend(batch.gaps)
        skipped.extend(batch.skipped)
        warnings.extend(batch.warnings)
        flagged.extend(batch.flagged)
    frame = as_comments_frame(merged) if merged["comment_id"] else empty_comments()
    frame.attrs.update(format=name, gaps=gaps, skipped=skipped, warnings=warnings, flagged=flagged)
    return frame
