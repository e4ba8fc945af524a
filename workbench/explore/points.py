"""The cluster map's points: a run's members joined with their comments, labelled."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

#: Columns of :attr:`~workbench.explore.ExploreSession.points`.
POINT_COLUMNS: tuple[str, ...] = (
    "comment_id", "x", "y", "cluster", "label", "probability", "platform", "thread_id",
    "created_at", "author_pseudonym", "text", "hover",
)  # fmt: skip
OUTLIER = -1
HOVER_CHARS = 200
HOVER_WIDTH = 60
SHORT_CHARS = 200
LABEL_KEYWORDS = 3
THREAD_LABEL_CHARS = 50


def cluster_label(cluster: int, keywords: Sequence[Sequence[Any]]) -> str:
    """``"5: parking, park, patients"``: the number and top keywords (outliers named).

    Examples
    --------
    >>> cluster_label(5, [["parking", 0.3], ["park", 0.2], ["patients", 0.1], ["car", 0.1]])
    '5: parking, park, patients'
    >>> cluster_label(-1, [["staff", 0.1]])
    '-1: outliers'
    """
    if cluster == OUTLIER:
        return f"{OUTLIER}: outliers"
    terms = [str(term) for term, *_ in keywords[:LABEL_KEYWORDS]]
    return f"{cluster}: {', '.join(terms)}" if terms else f"{cluster}: (no keywords)"


def shorten(text: str, limit: int = SHORT_CHARS) -> str:
    r"""``text`` on one line, cut to ``limit`` characters with an ellipsis.

    Examples
    --------
    >>> shorten("free   parking\nplease", 10)
    'free park…'
    """
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def hover_text(platform: Any, created_at: Any, pseudonym: Any, text: str) -> str:
    """A point's tooltip, HTML-escaped: platform, time and pseudonym, then wrapped text."""
    when = created_at.strftime("%Y-%m-%d %H:%M") if pd.notna(created_at) else "no date"
    who = pseudonym if pd.notna(pseudonym) else "deleted or unknown author"
    lines = textwrap.wrap(shorten(text, HOVER_CHARS), HOVER_WIDTH) or ["(no text)"]
    head = html.escape(f"{platform} · {when} · {who}")
    return f"<b>{head}</b><br>" + "<br>".join(html.escape(line) for line in lines)


def join_points(
    members: pd.DataFrame,
    comments: pd.DataFrame,
    labels: Mapping[int, str],
    mask: Callable[[str], str] | None = None,
) -> pd.DataFrame:
    """Join a run's members with their comments (pseudonyms only): the map's rows.

    Parameters
    ----------
    members : DataFrame
        comment_id, cluster, probability, x, y (``ClusterRun.members``).
    comments : DataFrame
        A comments frame; members without a comment there are left out.
    labels : mapping of int to str
        The label of every cluster.
    mask : callable, optional
        Applied to every text shown (``MentionMasker.mask``: @mentions of the
        project's authors become their pseudonyms).

    Returns
    -------
    DataFrame
        Columns :data:`POINT_COLUMNS`; ``text`` is what was embedded (a post's
        title, then its body).
    """
    from workbench.embed import comment_text

    columns = ["comment_id", "platform", "thread_id", "created_at", "author_pseudonym"]
    info = comments.loc[:, columns].reset_index(drop=True)
    info["comment_id"] = info["comment_id"].astype(str)
    show = mask or (lambda text: text)
    info["text"] = [
        show(comment_text(_str(title), _str(text)))
        for title, text in zip(comments["title"], comments["text"], strict=True)
    ]
    members = members.astype({"comment_id": str})
    points = members.merge(info, on="comment_id", how="inner", validate="one_to_one")
    points["cluster"] = points["cluster"].astype(int)
    points["label"] = points["cluster"].map(labels)
    points["hover"] = [
        hover_text(*row)
        for row in zip(points["platform"], points["created_at"], points["author_pseudonym"],
                       points["text"], strict=True)
    ]  # fmt: skip
    return points.loc[:, list(POINT_COLUMNS)].reset_index(drop=True)


def thread_options(comments: pd.DataFrame, points: pd.DataFrame) -> list[tuple[str, str]]:
    """``(label, thread_id)`` of every thread with points, largest first.

    The label is ``"platform · start of the post (n)"``, or the thread id where
    the post itself is not in ``comments``.
    """
    counts = points["thread_id"].dropna().value_counts(sort=False)
    roots = comments.loc[(comments["comment_id"] == comments["thread_id"]).fillna(False)]
    heads = {
        str(row.comment_id): shorten(_str(row.title) or _str(row.text), THREAD_LABEL_CHARS)
        for row in roots.itertuples()
    }
    options = []
    for thread_id, n in sorted(counts.items(), key=lambda item: (-item[1], str(item[0]))):
        thread_id = str(thread_id)
        platform = thread_id.split(":", 1)[0]
        head = heads.get(thread_id) or shorten(thread_id, THREAD_LABEL_CHARS)
        options.append((f"{platform} · {head} ({n})", thread_id))
    return options


def _str(value: Any) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def readable_clusters(table: pd.DataFrame) -> pd.DataFrame:
    """A cluster table (``ExploreSession.cluster_table()``) for reading: plain columns.

    One row per cluster with ``cluster`` (its label), ``comments``, ``share`` (a
    percentage), ``shown now`` (what the filters show), ``keywords`` and ``a typical
    comment`` (the most representative one, shortened).
    """
    return pd.DataFrame({
        "cluster": table["label"],
        "comments": table["size"],
        "share": [f"{share:.0%}" for share in table["share"]],
        "shown now": table["visible"],
        "keywords": table["keywords"],
        "a typical comment": [shorten(e[0], 120) if e else "" for e in table["exemplars"]],
    })  # fmt: skip
