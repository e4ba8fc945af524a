"""Counts of themes: overall, by platform, thread and period, together, and by cluster.

Every count is of comments and of distinct authors (pseudonyms), because one
prolific person can fill a theme with comments; an author-less comment (a survey
answer, a deleted account) counts as a comment but not as an author.
"""

from __future__ import annotations

import pandas as pd

from workbench.findings.coded import CodedComments

#: Dimensions of :func:`breakdown`.
DIMENSIONS = ("platform", "thread", "period")
#: Up to this many days of comments are counted by week, longer spans by month.
WEEKLY_UP_TO_DAYS = 180


def period_unit(created_at: pd.Series) -> str:
    """``"week"`` for comments spanning at most :data:`WEEKLY_UP_TO_DAYS`, else ``"month"``."""
    known = created_at.dropna()
    if known.empty:
        return "month"
    span = (known.max() - known.min()).days
    return "week" if span <= WEEKLY_UP_TO_DAYS else "month"


def periods(created_at: pd.Series, unit: str) -> pd.Series:
    """The period of each time: ``"2026-03"`` (month) or its week's Monday (``"2026-03-02"``)."""
    times = pd.to_datetime(created_at, utc=True).dt.tz_localize(None)
    if unit == "month":
        labels = times.dt.strftime("%Y-%m")
    else:
        monday = times.dt.normalize() - pd.to_timedelta(times.dt.day_of_week, unit="D")
        labels = monday.dt.strftime("%Y-%m-%d")
    return pd.Series([label if isinstance(label, str) else None for label in labels],
                     index=created_at.index, dtype=object)


def _tally(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    grouped = frame.groupby(keys, sort=False, dropna=False)
    return grouped.agg(comments=("comment_id", "nunique"),
                       authors=("author_pseudonym", "nunique")).reset_index()  # fmt: skip


def theme_counts(coded: CodedComments) -> pd.DataFrame:
    """``code_id``, ``label``, ``parent``, ``depth``, ``comments``, ``authors`` per theme.

    Themes nobody applied are kept with zeros, in codebook order.
    """
    joined = coded.assignments.merge(coded.comments, on="comment_id")
    counts = _tally(joined, ["code_id"]) if not joined.empty else None
    out = coded.themes[["code_id", "label", "parent", "depth"]].copy()
    if counts is None:
        out["comments"] = 0
        out["authors"] = 0
        return out
    out = out.merge(counts, on="code_id", how="left")
    out[["comments", "authors"]] = out[["comments", "authors"]].fillna(0).astype(int)
    return out


def breakdown(coded: CodedComments, unit: str | None = None) -> pd.DataFrame:
    """Theme counts by platform, thread and period (long form).

    Returns
    -------
    DataFrame
        ``code_id``, ``dimension`` (one of :data:`DIMENSIONS`), ``key`` (the
        platform, thread id or period), ``comments``, ``authors``. Comments without
        a time are left out of the period rows.
    """
    unit = unit or period_unit(coded.comments["created_at"])
    joined = coded.assignments.merge(coded.comments, on="comment_id")
    joined["period"] = periods(joined["created_at"], unit)
    joined["thread"] = joined["thread_id"].astype(object)
    parts = []
    for dimension in DIMENSIONS:
        rows = joined[joined[dimension].notna()]
        tally = _tally(rows, ["code_id", dimension]).rename(columns={dimension: "key"})
        tally.insert(1, "dimension", dimension)
        parts.append(tally)
    out = pd.concat(parts, ignore_index=True)
    out["key"] = out["key"].astype(object)
    return out.sort_values(["dimension", "code_id", "key"], ignore_index=True)


def comment_totals(coded: CodedComments, unit: str | None = None) -> pd.DataFrame:
    """All comments (coded or not) by platform and period: the denominators.

    ``dimension``, ``key``, ``comments``, ``coded`` (how many have a theme),
    ``authors``.
    """
    unit = unit or period_unit(coded.comments["created_at"])
    frame = coded.comments.copy()
    frame["period"] = periods(frame["created_at"], unit)
    frame["is_coded"] = frame["comment_id"].isin(set(coded.assignments["comment_id"]))
    parts = []
    for dimension in ("platform", "period"):
        rows = frame[frame[dimension].notna()]
        tally = rows.groupby(dimension, sort=True).agg(
            comments=("comment_id", "nunique"), coded=("is_coded", "sum"),
            authors=("author_pseudonym", "nunique"),
        ).reset_index().rename(columns={dimension: "key"})  # fmt: skip
        tally.insert(0, "dimension", dimension)
        parts.append(tally)
    out = pd.concat(parts, ignore_index=True)
    out["coded"] = out["coded"].astype(int)
    return out


def cooccurrence(coded: CodedComments) -> pd.DataFrame:
    """How many comments (and distinct authors) carry both themes, for every pair seen.

    Only codes as applied are paired (a theme is not counted as co-occurring with
    its own parent). Returns ``code_a``, ``code_b`` (``code_a < code_b``),
    ``comments``, ``authors`` and ``jaccard`` (shared comments over either's),
    most shared first.
    """
    columns = ["code_a", "code_b", "comments", "authors", "jaccard"]
    pairs = coded.direct
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    both = pairs.merge(pairs, on="comment_id", suffixes=("_a", "_b"))
    both = both[both["code_id_a"] < both["code_id_b"]]
    both = both.merge(coded.comments[["comment_id", "author_pseudonym"]], on="comment_id")
    shared = both.groupby(["code_id_a", "code_id_b"]).agg(
        comments=("comment_id", "nunique"), authors=("author_pseudonym", "nunique"),
    ).reset_index()  # fmt: skip
    if shared.empty:
        return pd.DataFrame(columns=columns)
    sizes = pairs.groupby("code_id")["comment_id"].nunique()
    either = sizes[shared["code_id_a"]].to_numpy() + sizes[shared["code_id_b"]].to_numpy()
    shared["jaccard"] = shared["comments"] / (either - shared["comments"])
    shared = shared.rename(columns={"code_id_a": "code_a", "code_id_b": "code_b"})
    return shared.sort_values(["comments", "code_a", "code_b"], ascending=[False, True, True],
                              ignore_index=True)[columns]  # fmt: skip


def cluster_crosstab(coded: CodedComments, members: pd.DataFrame,
                     clusters: pd.DataFrame) -> pd.DataFrame:  # fmt: skip
    """Comments of each cluster carrying each theme (directly coded codes).

    Parameters
    ----------
    coded : CodedComments
        The coded comments.
    members : DataFrame
        A run's members (``comment_id``, ``cluster``).
    clusters : DataFrame
        The run's clusters (``cluster``, ``size``, ``keywords``).

    Returns
    -------
    DataFrame
        ``cluster``, ``cluster_label`` (its first keywords; ``"outliers"`` for -1),
        ``size``, ``code_id``, ``comments``.
    """
    joined = members[["comment_id", "cluster"]].merge(coded.direct, on="comment_id")
    table = joined.groupby(["cluster", "code_id"]).size().rename("comments").reset_index()
    labels = {int(row.cluster): ("outliers" if int(row.cluster) < 0
                                 else ", ".join(_word(k) for k in list(row.keywords)[:3]))
              for row in clusters.itertuples(index=False)}  # fmt: skip
    sizes = {int(row.cluster): int(row.size) for row in clusters.itertuples(index=False)}
    table["cluster_label"] = table["cluster"].map(labels)
    table["size"] = table["cluster"].map(sizes)
    return table[["cluster", "cluster_label", "size", "code_id", "comments"]]


def _word(keyword: object) -> str:
    """A keyword as stored (a word, or a ``[word, weight]`` pair)."""
    return str(keyword[0]) if isinstance(keyword, list | tuple) else str(keyword)
