"""Column specifications of the workbench's tables, and their validators.

The *comments* frame is the canonical shape every loader produces and every later
step (embedding, clustering, coding, findings) consumes. One row is one post or
comment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a frame is made: the import's reader process needs none
    import pandas as pd


@dataclass(frozen=True)
class Column:
    """One column of a frame: its name, pandas dtype and meaning."""

    name: str
    dtype: str
    help: str
    required: bool = False


COMMENT_COLUMNS: tuple[Column, ...] = (
    Column("comment_id", "string", "stable platform-prefixed id, e.g. 'reddit:t1_abc'", True),
    Column("platform", "string", "reddit, x, mastodon, youtube, facebook or csv", True),
    Column("thread_id", "string", "id of the thread root (post, video, conversation)", True),
    Column("parent_id", "string", "comment_id of the direct parent; the root for top level"),
    Column("kind", "string", "'post' for a thread root, 'comment' otherwise", True),
    Column("author", "string", "raw author handle: private, never published"),
    Column("author_pseudonym", "string", "keyed, stable pseudonym of the author"),
    Column("created_at", "datetime64[ms, UTC]", "creation time in UTC"),
    Column("title", "string", "title of a post, where the platform has one"),
    Column("text", "string", "clean text: HTML removed, entities decoded, NFC", True),
    Column("text_raw", "string", "text as exported, only where it differs from text"),
    Column("depth", "Int64", "0 for a thread root, parent's depth + 1; empty if unknown"),
    Column("score", "Int64", "score, likes or favourites as the platform counts them"),
    Column("url", "string", "permalink, where known"),
    Column("lang", "string", "ISO 639-1 language code, from the platform or detected"),
    Column("is_deleted", "boolean", "text deleted or removed on the platform", True),
    Column("attributes", "string", "JSON object of platform-specific extras"),
    Column("source_format", "string", "the export format the row was read from", True),
    Column("import_id", "Int64", "the project import that first stored the row"),
)

COMMENT_COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COMMENT_COLUMNS)

GAP_COLUMNS: tuple[Column, ...] = (
    Column("platform", "string", "platform of the thread", True),
    Column("thread_id", "string", "thread the gap belongs to", True),
    Column("parent_id", "string", "comment under which items are missing"),
    Column("kind", "string", "'more' (hidden replies) or 'continue' (thread goes on)", True),
    Column("count", "Int64", "how many items the platform says are hidden"),
    Column("children", "string", "JSON list of the hidden ids, where listed"),
)


def empty_comments() -> pd.DataFrame:
    """Return an empty comments frame with every column and dtype in place."""
    import pandas as pd

    return pd.DataFrame({c.name: pd.Series(dtype=c.dtype) for c in COMMENT_COLUMNS})


def as_comments_frame(columns: dict[str, list]) -> pd.DataFrame:
    """Build a typed comments frame from column lists.

    Parameters
    ----------
    columns : dict of str to list
        One list per column name; missing columns are filled with nulls.
        ``created_at`` holds ISO 8601 strings or ``None``.

    Returns
    -------
    pandas.DataFrame
        Columns in the canonical order with canonical dtypes.
    """
    import pandas as pd

    n = len(next(iter(columns.values()))) if columns else 0
    data = {}
    for col in COMMENT_COLUMNS:
        values = columns.get(col.name, [None] * n)
        if col.name == "created_at":
            data[col.name] = pd.to_datetime(pd.Series(values, dtype="object"), utc=True).astype(
                col.dtype
            )
        else:
            data[col.name] = pd.Series(values, dtype=col.dtype)
    return pd.DataFrame(data)


def validate_comments(frame: pd.DataFrame) -> pd.DataFrame:
    """Check that a frame has the comments shape; return it unchanged.

    Raises
    ------
    ValueError
        Naming the missing columns, or the first row with an empty required value.
    """
    missing = [c.name for c in COMMENT_COLUMNS if c.name not in frame.columns]
    if missing:
        raise ValueError(f"comments frame lacks columns {missing}; expected {COMMENT_COLUMN_NAMES}")
    for col in COMMENT_COLUMNS:
        if col.required and frame[col.name].isna().any():
            row = int(frame[col.name].isna().to_numpy().nonzero()[0][0])
            raise ValueError(f"comments frame row {row}: required column {col.name!r} is empty")
    return frame
