"""Exploring a cluster run: the controller behind the cluster map.

:class:`ExploreSession` is pure Python (no widgets), so everything the explore view
does can be tested headless::

    session = ExploreSession(project)              # the newest run
    session.points                                 # one row per comment on the map
    session.set_filters(platforms=["reddit"], start="2026-03-01")
    session.select_cluster(5)                      # or select_points / search
    session.search("parking at the hospital")      # nearest comments, by meaning
    session.send_to_queue()                        # queue the selection for coding

The map's points are the run's members joined with their comments: text, platform,
thread, time and the author's *pseudonym* (raw handles are never read). Filters narrow
what is visible; a cluster choice and a search act on the visible comments only, and
the selection remembers how it was made, so the coding queue records where each
comment came from (``"run 3, cluster 5"``, ``"search: parking"``). Search embeds the
run's comments (through the project's cache) and the query with the run's model and
backend, on the first search only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench.explore.filters import ExploreError, ExploreFilters, make_filters
from workbench.explore.points import (
    OUTLIER,
    cluster_label,
    join_points,
    shorten,
    thread_options,
)
from workbench.explore.strength import SELECT_AT, search_note, strength

if TYPE_CHECKING:
    from workbench.cluster import ClusterParams, ClusterRun
    from workbench.embed import SentenceEncoder
    from workbench.project import Project

#: Columns of :meth:`ExploreSession.cluster_table`.
CLUSTER_COLUMNS: tuple[str, ...] = (
    "cluster", "label", "size", "share", "visible", "keywords", "exemplars",
)  # fmt: skip
TABLE_KEYWORDS = 8


def ensure_run(
    project: Project,
    run_id: int | None = None,
    params: ClusterParams | None = None,
    on_step: Callable[[str], None] | None = None,
) -> ClusterRun:
    """Return run ``run_id``, the newest run, or, if the project has none, a new one.

    Parameters
    ----------
    project : Project
        The open project.
    run_id : int, optional
        A stored run; unknown ids raise :class:`~workbench.errors.StoreError`.
    params : ClusterParams, optional
        Parameters for the new run when one has to be made (defaults scale with
        the corpus).
    on_step : callable, optional
        Called with a sentence as each clustering step starts.
    """
    from workbench.cluster import cluster_comments, load_run

    if run_id is None and project.store.runs().empty:
        return cluster_comments(project, params, on_step=on_step)
    return load_run(project, run_id)


class ExploreSession:
    """Browse a cluster run's map, filter it, select comments and queue them for coding.

    Parameters
    ----------
    project : Project
        The open project.
    run_id : int, optional
        The run to explore; the newest by default.

    Attributes
    ----------
    run : ClusterRun
        The run explored.
    filters : ExploreFilters
        The current filters (see :meth:`set_filters`).
    selection_source : str or None
        How the current selection was made (the coding queue's ``source``).

    Raises
    ------
    StoreError
        If the project has no run yet, or no run ``run_id``.
    """

    def __init__(self, project: Project, run_id: int | None = None) -> None:
        from workbench.cluster import load_run

        self.project = project
        self.run = load_run(project, run_id)
        self.filters = ExploreFilters()
        self.selection_source: str | None = None
        self._selected: list[str] = []
        self._index: tuple[dict[str, int], np.ndarray, SentenceEncoder] | None = None
        self.last_search_note = ""
        """What the latest search found, in one sentence (see :meth:`search`)."""
        comments = project.comments()
        ids = set(self.run.members["comment_id"].astype(str))
        self._comments = comments.loc[comments["comment_id"].astype(str).isin(ids)]
        self.missing = len(ids) - len(self._comments)
        """Run members whose comment is no longer in the project (left off the map)."""
        self.not_in_run = _not_in_run(project, comments, ids, self.run.record)
        """Comments the run would cluster now but does not hold (imported since it)."""
        self.masker = project.mention_masker()
        self._labels = {
            int(row.cluster): cluster_label(int(row.cluster), row.keywords)
            for row in self.run.clusters.itertuples()
        }
        self._points = join_points(self.run.members, self._comments, self._labels,
                                   mask=self.masker.mask)
        self.changed = _changed_since(self.run.members, self._comments)
        """Run comments whose text was edited since the run (their place reflects the old)."""
        self._threads = thread_options(comments, self._points)

    # -- the run -----------------------------------------------------------------------

    @property
    def non_substantive(self) -> int:
        """Non-substantive answers the run left out (``"N/A"``, ``"-"``), as it recorded."""
        return int((self.run.record["params"].get("non_substantive") or {}).get("left_out", 0))

    def recluster(
        self, params: ClusterParams | None = None, on_step: Callable[[str], None] | None = None
    ) -> ExploreSession:
        """Cluster the project's comments now (a new run) and explore that run instead.

        Parameters
        ----------
        params : ClusterParams, optional
            Clustering parameters; defaults scale with the corpus.
        on_step : callable, optional
            Called with a sentence as each step starts (for a progress line).

        Returns
        -------
        ExploreSession
            A new session on the new run (filters and selection start afresh).
        """
        from workbench.cluster import cluster_comments

        run = cluster_comments(self.project, params, on_step=on_step)
        return ExploreSession(self.project, run.run_id)

    # -- what there is ---------------------------------------------------------------

    @property
    def run_id(self) -> int:
        """The id of the run explored."""
        return self.run.run_id

    @property
    def points(self) -> pd.DataFrame:
        """Every comment of the run, one row each (columns :data:`POINT_COLUMNS`).

        ``hover`` is HTML-escaped text for the map's tooltip (a header line, then the
        first :data:`HOVER_CHARS` characters wrapped with ``<br>``); ``label`` is the
        cluster's label, e.g. ``"5: parking, park, patients"``.
        """
        return self._points.copy()

    @property
    def platforms(self) -> list[str]:
        """The platforms of the run's comments, sorted."""
        return sorted(self._points["platform"].dropna().unique().tolist())

    def thread_options(self) -> list[tuple[str, str]]:
        """``(label, thread_id)`` of every thread in the run, largest first.

        The label names the platform, the start of the thread's post (or its id)
        and how many of its comments are on the map.
        """
        return list(self._threads)

    def cluster_label(self, cluster: int) -> str:
        """The label of ``cluster`` (``"5: parking, park, patients"``)."""
        return self._labels[self._check_cluster(cluster)]

    def cluster_table(self) -> pd.DataFrame:
        """One row per cluster, outliers last (columns :data:`CLUSTER_COLUMNS`).

        ``size`` and ``share`` describe the whole run; ``visible`` counts the members
        the current filters show; ``keywords`` lists the top c-TF-IDF terms and
        ``exemplars`` the texts of the most representative members (shortened).
        """
        visible = self.visible()["cluster"].value_counts()
        total = int(self.run.clusters["size"].sum()) or 1
        texts = dict(zip(self._points["comment_id"], self._points["text"], strict=True))
        rows = []
        for row in self.run.clusters.itertuples():
            cluster = int(row.cluster)
            rows.append({
                "cluster": cluster,
                "label": self._labels[cluster],
                "size": int(row.size),
                "share": round(int(row.size) / total, 3),
                "visible": int(visible.get(cluster, 0)),
                "keywords": ", ".join(str(t) for t, _ in row.keywords[:TABLE_KEYWORDS]),
                "exemplars": [shorten(texts[c]) for c in row.exemplars if c in texts],
            })  # fmt: skip
        return pd.DataFrame(rows, columns=list(CLUSTER_COLUMNS))

    def exemplars(self, cluster: int) -> pd.DataFrame:
        """The most representative comments of ``cluster``, best first (map rows)."""
        cluster = self._check_cluster(cluster)
        [ids] = self.run.clusters.loc[self.run.clusters["cluster"] == cluster, "exemplars"]
        frame = self._points.set_index("comment_id", drop=False)
        return frame.loc[[c for c in ids if c in frame.index]].reset_index(drop=True)

    # -- filters ---------------------------------------------------------------------

    def set_filters(
        self,
        platforms: str | Iterable[str] | None = None,
        thread_id: str | None = None,
        start: date | datetime | str | None = None,
        end: date | datetime | str | None = None,
    ) -> ExploreFilters:
        """Replace the filters; ``None`` (or no platforms) means no limit.

        Parameters
        ----------
        platforms : str or iterable of str, optional
            Show only these platforms (see :attr:`platforms`).
        thread_id : str, optional
            Show only this thread (see :meth:`thread_options`).
        start, end : date, datetime or ISO 8601 str, optional
            Show only comments created from ``start`` to ``end``, both included; a
            date without a time as ``end`` includes that whole day. Times without a
            zone are UTC.

        Returns
        -------
        ExploreFilters
            The new filters (also :attr:`filters`). The selection is kept.

        Raises
        ------
        ExploreError
            Naming the unknown platform or thread, the unreadable date, or a start
            after the end; the filters are then unchanged.
        """
        self.filters = make_filters(
            platforms, thread_id, start, end,
            known_platforms=self.platforms,
            known_threads=(t for _, t in self._threads),
            run_id=self.run_id,
        )  # fmt: skip
        return self.filters

    def clear_filters(self) -> None:
        """Show every comment of the run again."""
        self.filters = ExploreFilters()

    def visible(self) -> pd.DataFrame:
        """The points the filters show, with a boolean ``selected`` column."""
        keep = self.filters.mask(self._points)
        shown = self._points.loc[keep].reset_index(drop=True)
        shown["selected"] = shown["comment_id"].isin(self._selected)
        return shown

    # -- selection -------------------------------------------------------------------

    @property
    def selection(self) -> pd.DataFrame:
        """The selected comments (map rows), in the order they were selected."""
        frame = self._points.set_index("comment_id", drop=False)
        return frame.loc[self._selected].reset_index(drop=True)

    def select_cluster(self, cluster: int) -> pd.DataFrame:
        """Select the visible members of ``cluster``, most probable first.

        Raises
        ------
        ExploreError
            If the run has no such cluster, or the filters hide all its members.
        """
        cluster = self._check_cluster(cluster)
        shown = self.visible()
        members = shown.loc[shown["cluster"] == cluster]
        if members.empty:
            raise ExploreError(
                f"the filters ({self.filters.describe()}) hide every comment of cluster "
                f"{self._labels[cluster]!r}; widen or clear them"
            )
        members = members.sort_values("probability", ascending=False, kind="stable")
        return self._select(members["comment_id"].tolist(), f"run {self.run_id}, cluster {cluster}")

    def select_points(self, comment_ids: Iterable[str], *, add: bool = False) -> pd.DataFrame:
        """Select comments by id (a click or a box / lasso selection on the map).

        Parameters
        ----------
        comment_ids : iterable of str
            Comments of this run; repeats are ignored.
        add : bool, default False
            Add them to the current selection instead of replacing it.

        Raises
        ------
        ExploreError
            If an id is not a comment of this run (nothing changes then).
        """
        ids = list(dict.fromkeys(str(c) for c in comment_ids))
        known = set(self._points["comment_id"])
        unknown = [c for c in ids if c not in known]
        if unknown:
            raise ExploreError(
                f"{len(unknown)} comment(s) are not on run {self.run_id}'s map, e.g. "
                f"{unknown[0]!r}; pick comments of this run"
            )
        if add and self._selected:
            ids = list(dict.fromkeys(self._selected + ids))
        n = len(ids)
        picked = f"{n} comment{'s' * (n != 1)} picked on the map"
        return self._select(ids, f"run {self.run_id}, {picked}")

    def clear_selection(self) -> None:
        """Select nothing."""
        self._selected = []
        self.selection_source = None

    # -- search ----------------------------------------------------------------------

    def search(self, query: str, k: int = 20, *, select: bool = True) -> pd.DataFrame:
        """Find the visible comments closest in meaning to ``query``.

        The first search embeds the run's comments (from the project's cache) and
        loads the run's model; later searches only embed the query.

        Parameters
        ----------
        query : str
            Words, a phrase or a whole comment.
        k : int, default 20
            How many comments to return.
        select : bool, default True
            Make the results the selection (source ``"search: <query>"``).

        Returns
        -------
        pandas.DataFrame
            Map rows plus ``similarity`` (cosine, -1 to 1) and ``strength`` (``"strong
            match"``, ``"partial match"``, ``"weak match"``; see
            :mod:`workbench.explore.strength`), most similar first. Only strong and
            partial matches are selected; :attr:`last_search_note` says in one sentence
            what was found, and when no comment matches well.

        Raises
        ------
        ExploreError
            If the query is empty, ``k`` is not a whole number >= 1, or the filters
            hide every comment.
        """
        query = " ".join(str(query or "").split())
        if not query:
            raise ExploreError("the search is empty: type some words to search for")
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
            raise ExploreError(f"k ({k!r}) must be a whole number >= 1")
        shown = self.visible()
        rows, vectors, encoder = self._search_index()
        shown = shown.loc[shown["comment_id"].isin(list(rows))].reset_index(drop=True)
        if shown.empty:
            raise ExploreError(
                f"the filters ({self.filters.describe()}) hide every comment; widen or "
                "clear them before searching"
            )
        wanted = encoder.embed([query])[0]
        scores = vectors[[rows[c] for c in shown["comment_id"]]] @ wanted
        order = np.argsort(-scores, kind="stable")[: int(k)]
        found = shown.iloc[order].reset_index(drop=True)
        found["similarity"] = scores[order].astype(float)
        found["strength"] = [strength(v) for v in found["similarity"]]
        self.last_search_note = search_note(query, found["similarity"].tolist())
        if select:
            good = found.loc[found["similarity"] >= SELECT_AT, "comment_id"].tolist()
            self._select(good, f"search: {query}")
        return found

    def _search_index(self) -> tuple[dict[str, int], np.ndarray, SentenceEncoder]:
        if self._index is None:
            from workbench.embed import embed_comments, encoder_for

            record = self.run.record
            made_with = record["params"].get("embedding", {})
            encoder = encoder_for(
                self.project,
                model=made_with.get("model") or record["model"],
                backend=record["backend"],
                long_texts=made_with.get("long_texts"),
            )
            embedded = embed_comments(self.project, encoder=encoder, frame=self._comments)
            rows = {c: i for i, c in enumerate(embedded.comment_ids)}
            self._index = (rows, embedded.vectors, encoder)
        return self._index

    # -- the coding queue ------------------------------------------------------------

    def send_to_queue(
        self, comment_ids: Sequence[str] | None = None, source: str | None = None
    ) -> int:
        """Add comments to the coding queue; returns how many were not queued before.

        Parameters
        ----------
        comment_ids : sequence of str, optional
            The comments; the current selection by default.
        source : str, optional
            Where they came from; by default how the selection was made
            (``"run 3, cluster 5"``, ``"search: parking"``), naming any filters
            (``"run 3, cluster 5, filtered to platforms reddit"``).

        Raises
        ------
        ExploreError
            If there is nothing to send.
        StoreError
            If an id is not a comment of the project (nothing is queued then).

        Notes
        -----
        An event ``queue-add`` (run, source, ids, how many were added) is recorded
        in the same transaction whenever something was added.
        """
        if comment_ids is None:
            ids, default = list(self._selected), self.selection_source
        else:
            ids = list(dict.fromkeys(str(c) for c in comment_ids))
            default = f"run {self.run_id}"
        if not ids:
            raise ExploreError(
                "nothing is selected: choose a cluster, click or box-select points on the "
                "map, or search, then send the selection to the coding queue"
            )
        source = source or default or f"run {self.run_id}"
        added = self.project.store.queue_add(
            ids, source, self.project.actor, run_id=self.run_id
        )
        return len(added)

    # -- status ----------------------------------------------------------------------

    def status(self) -> str:
        """One line describing the run, the filters and the selection."""
        shown = self.visible()
        parts = [
            f"Run {self.run_id}: {self.run.n_clusters} clusters, {len(self._points)} comments",
            f"{len(shown)} shown" + (f" ({self.filters.describe()})" if self.filters.active
                                     else ""),
        ]  # fmt: skip
        if self._selected:
            hidden = len(self._selected) - int(shown["selected"].sum())
            note = f", {hidden} hidden by the filters" if hidden else ""
            parts.append(f"{len(self._selected)} selected ({self.selection_source}{note})")
        else:
            parts.append("nothing selected")
        if self.not_in_run:
            parts.append(f"{self.not_in_run} comments imported since are not in this run "
                         "(re-cluster to include them)")
        if self.non_substantive:
            parts.append(f"{self.non_substantive} non-substantive answers left out")
        if self.missing:
            parts.append(f"{self.missing} run comments no longer in the project")
        if self.changed:
            parts.append(f"{self.changed} edited since the run (re-cluster to place them anew)")
        return " · ".join(parts)

    # -- helpers ---------------------------------------------------------------------

    def _select(self, ids: list[str], source: str) -> pd.DataFrame:
        if self.filters.active:
            source = f"{source}, filtered to {self.filters.describe()}"
        self._selected = ids
        self.selection_source = source if ids else None
        return self.selection

    def _check_cluster(self, cluster: Any) -> int:
        try:
            number = int(cluster)
        except (TypeError, ValueError):
            number = None
        if number is None or number != cluster or number not in self._labels:
            known = ", ".join(str(c) for c in self._labels)
            raise ExploreError(
                f"run {self.run_id} has no cluster {cluster!r}; its clusters are {known} "
                f"({OUTLIER} holds the outliers)"
            )
        return number


def _not_in_run(
    project: Project, comments: pd.DataFrame, ids: set[str], record: dict[str, Any]
) -> int:
    """How many comments a run made now would hold that ``ids`` (the run's) lacks."""
    from workbench.embed import embeddable

    rows, texts = embeddable(comments)
    if not (record.get("params", {}).get("non_substantive") or {}).get("included", False):
        keep = [not flag for flag in project.substance_rule().mask(texts)]
        rows = rows.loc[keep]
    return int((~rows["comment_id"].astype(str).isin(ids)).sum())


def _changed_since(members: pd.DataFrame, comments: pd.DataFrame) -> int:
    """How many map comments now have another text than the one clustered (raw texts)."""
    from workbench.embed import comment_text
    from workbench.embed.texts import text_keys

    if "text_key" not in members or members["text_key"].isna().all():
        return 0
    then = dict(zip(members["comment_id"].astype(str), members["text_key"], strict=True))
    texts = [
        comment_text(None if pd.isna(t) else str(t), None if pd.isna(x) else str(x))
        for t, x in zip(comments["title"], comments["text"], strict=True)
    ]
    now = text_keys(texts)
    return sum(1 for c, key in zip(comments["comment_id"].astype(str), now, strict=True)
               if then.get(c) is not None and bytes(then[c]) != key)
