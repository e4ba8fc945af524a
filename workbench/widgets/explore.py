"""The explore widget: a cluster map to filter, select, search and queue comments from.

A thin view over :class:`~workbench.explore.ExploreSession`: it draws the session's
visible points as a plotly map (one trace per cluster, in a colour no other cluster
has and with its number written on the map, outliers grey, the comment in the
tooltip; WebGL above :data:`~workbench.explore.mapview.WEBGL_THRESHOLD` points, no
legend, a first view on the bulk of the points, no cloud actions in the toolbar),
lists the clusters, and forwards clicks, box / lasso selections, searches and filter
changes to the session; every decision is the session's. Errors are shown in a red
banner, because exceptions inside widget callbacks are otherwise invisible
(and Voila hides tracebacks).

In a notebook::

    from workbench.explore import ExploreSession
    from workbench.widgets.explore import ExploreView
    ExploreView(ExploreSession(project))
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from workbench.explore import ExploreSession, shorten
from workbench.explore.mapview import bulk_range, cluster_centres, distinct_colors, use_webgl
from workbench.widgets.errors import error_banner, shows_errors
from workbench.widgets.view import View

OUTLIER_COLOR = "#b4b4b4"
#: plotly's page config: no "Share chart" (an upload to Plotly's cloud, with the
#: comments in its tooltips), no logo linking out, no "Edit in Chart Studio".
PLOTLY_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "showLink": False,
    "plotlyServerURL": "",
    "modeBarButtonsToRemove": ["sendChartToCloud", "sendDataToCloud", "editInChartStudio",
                               "toImage"],
}  # fmt: skip
#: The map's size in pixels (a fixed width: plotly's own default overflowed its box).
MAP_WIDTH = 640
MAP_HEIGHT = 560
#: Selected comments listed under the map (the rest are counted).
SELECTION_ROWS = 20
EXEMPLAR_CHARS = 300
_ALL_THREADS = ""
_NOTE_STYLE = "color:#0f5132"
_LABEL_STYLE = {"description_width": "70px"}



class ExploreView(View):
    """Explore a cluster run: map, cluster list, search, filters and the coding queue.

    Parameters
    ----------
    session : ExploreSession
        The controller doing the work.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The root widget (displaying the view displays this).
    figure : plotly.graph_objects.FigureWidget
        The map; ``figure.data[i]`` is the trace of cluster ``trace_clusters[i]``.
    clusters, exemplars
        The cluster list (values are cluster numbers) and the chosen cluster's
        keywords and exemplar comments.
    query, k, search_button, results
        The search box, how many results, its button and the results table.
    platforms, thread, start, end, clear_filters_button
        The filters.
    send_button, clear_button, selection
        Queue or clear the selection; the selected comments.
    status, message, error_banner
        The session's status line, the last action's outcome and the error banner.
    """

    NAME = "explore view"

    def __init__(self, session: ExploreSession) -> None:
        self.session = session
        self.widget = w.VBox()
        self._build()

    def _build(self) -> None:
        """Make every control for :attr:`session` and put them in :attr:`widget`."""
        session = self.session
        self._pending: list[str] = []
        table = session.cluster_table()
        self._table = table.set_index("cluster", drop=False)
        self.trace_clusters = _drawing_order(table["cluster"].tolist())
        self.figure = self._make_figure()

        self.clusters = w.Select(
            options=[(f"{r.label} ({r.size})", int(r.cluster)) for r in table.itertuples()],
            value=None, rows=12, layout=w.Layout(width="100%"),
        )  # fmt: skip
        self.exemplars = w.HTML()
        self.query = w.Text(placeholder="e.g. parking at the hospital", description="Search",
                            style=_LABEL_STYLE, layout=w.Layout(width="420px"))  # fmt: skip
        self.k = w.BoundedIntText(value=20, min=1, max=500, description="Results",
                                  style=_LABEL_STYLE, layout=w.Layout(width="150px"))  # fmt: skip
        self.search_button = w.Button(description="Search", icon="search")
        self.results = w.HTML()
        self.platforms = w.SelectMultiple(
            options=session.platforms, value=(), rows=min(6, max(2, len(session.platforms))),
            description="Platforms", style=_LABEL_STYLE,
        )  # fmt: skip
        self.thread = w.Dropdown(
            options=[("All threads", _ALL_THREADS), *session.thread_options()],
            value=_ALL_THREADS, description="Thread", style=_LABEL_STYLE,
            layout=w.Layout(width="420px"),
        )  # fmt: skip
        self.start = w.DatePicker(description="From", style=_LABEL_STYLE)
        self.end = w.DatePicker(description="To", style=_LABEL_STYLE)
        self.clear_filters_button = w.Button(description="Clear filters", icon="times")
        self.send_button = w.Button(
            description="Send selection to coding queue", button_style="primary",
            icon="inbox", layout=w.Layout(width="auto"),
        )  # fmt: skip
        self.clear_button = w.Button(description="Clear selection", icon="eraser")
        self.recluster_button = w.Button(
            description="Re-cluster now", icon="refresh", layout=w.Layout(width="auto"),
            tooltip="Make a new cluster run of every comment in the project",
        )  # fmt: skip
        self.progress = w.HTML()
        self.error_banner = error_banner()
        self.status = w.HTML()
        self.freshness = w.HTML()
        self.message = w.HTML()
        self.selection = w.HTML()
        self.widget.children = [
            self.error_banner,
            self.status,
            self.freshness,
            w.HBox([self.recluster_button, self.progress]),
            w.HBox([self.platforms, w.VBox([self.thread, w.HBox([self.start, self.end]),
                                            self.clear_filters_button])]),
            w.HBox([w.Box([self.figure], layout=w.Layout(flex=f"0 0 {MAP_WIDTH + 10}px")),
                    w.VBox([w.HTML("<b>Clusters</b> (choose one to select it; the number "
                                   "is written on the map)"),
                            self.clusters, self.exemplars],
                           layout=w.Layout(flex="1 1 280px", min_width="280px"))],
                   layout=w.Layout(flex_flow="row wrap")),  # the list goes below when narrow
            w.HBox([self.query, self.k, self.search_button]),
            self.results,
            w.HBox([self.send_button, self.clear_button]),
            self.message,
            self.selection,
        ]  # fmt: skip

        for trace in self.figure.data:
            trace.on_click(self.on_point_click)
            trace.on_selection(self.on_box_select)
            trace.on_deselect(self.on_deselect)
        self.clusters.observe(self.on_cluster, names=["value"])
        for control in (self.platforms, self.thread, self.start, self.end):
            control.observe(self.on_filters, names=["value"])
        self.clear_filters_button.on_click(self.on_clear_filters)
        self.search_button.on_click(self.on_search)
        self.send_button.on_click(self.on_send)
        self.clear_button.on_click(self.on_clear)
        self.recluster_button.on_click(self.on_recluster)
        self.query.observe(self.on_query_edit, names=["value"])
        self.refresh()

    # -- display -------------------------------------------------------------------

    # -- callbacks -----------------------------------------------------------------

    @shows_errors()
    def on_point_click(self, trace: Any, points: Any, state: Any = None) -> None:
        """Select the clicked comment (shift / ctrl / cmd-click adds it)."""
        if not points.point_inds:
            return  # plotly calls every trace; only the clicked one has points
        ids = [str(trace.customdata[i]) for i in points.point_inds]
        add = bool(state is not None and (state.shift or state.ctrl or state.meta))
        self.session.select_points(ids, add=add)
        self._after_selection()

    @shows_errors()
    def on_box_select(self, trace: Any, points: Any, selector: Any = None) -> None:
        """Collect a box / lasso selection over every trace, then select it.

        Plotly calls this once per trace, in trace order, for one selection.
        """
        if points.trace_index == 0:
            self._pending = []
        self._pending.extend(str(trace.customdata[i]) for i in points.point_inds)
        if points.trace_index == len(self.figure.data) - 1:
            pending, self._pending = self._pending, []
            if pending:
                self.session.select_points(pending)
            else:
                self.session.clear_selection()
            self._after_selection()

    @shows_errors()
    def on_deselect(self, trace: Any, points: Any) -> None:
        """A double click on the map clears the selection."""
        if points.trace_index == len(self.figure.data) - 1:
            self.session.clear_selection()
            self._after_selection()

    @shows_errors()
    def on_cluster(self, change: dict[str, Any]) -> None:
        """Show the chosen cluster's exemplars and select its visible comments."""
        if self._quiet or change["new"] is None:
            return
        cluster = int(change["new"])
        self.exemplars.value = self._exemplars_html(cluster)
        try:
            self.session.select_cluster(cluster)
        finally:
            self.message.value = ""
            self.refresh()

    @shows_errors()
    def on_filters(self, change: dict[str, Any] | None = None) -> None:
        """Apply the filter controls (nothing chosen means no limit)."""
        if self._quiet:
            return
        self.session.set_filters(
            platforms=list(self.platforms.value) or None,
            thread_id=self.thread.value or None,
            start=self.start.value,
            end=self.end.value,
        )
        self.refresh()

    @shows_errors()
    def on_clear_filters(self, button: w.Button | None = None) -> None:
        """Reset the filter controls and show every comment."""
        with self._silently():
            self.platforms.value = ()
            self.thread.value = _ALL_THREADS
            self.start.value = None
            self.end.value = None
        self.session.clear_filters()
        self.refresh()

    @shows_errors()
    def on_search(self, button: w.Button | None = None) -> None:
        """Search the visible comments; the results become the selection."""
        self.search_button.disabled = True
        self.message.value = "<i>Searching… (the first search loads the model)</i>"
        try:
            found = self.session.search(self.query.value, k=int(self.k.value))
        finally:
            self.search_button.disabled = False
            self.message.value = ""
        self.results.value = _results_html(found, self.session.last_search_note)
        self.exemplars.value = ""  # the typical comments of a cluster no longer apply
        self._after_selection()

    @shows_errors()
    def on_query_edit(self, change: dict[str, Any]) -> None:
        """Mark the results as stale once the search words change."""
        if self.results.value and "workbench-stale" not in self.results.value:
            self.results.value = (
                "<div class='workbench-stale' style='opacity:0.55'><i>These results are "
                "for the previous search; press Search for the new words.</i>"
                f"{self.results.value}</div>"
            )

    @shows_errors()
    def on_recluster(self, button: w.Button | None = None) -> None:
        """Cluster the project anew (every comment it has now) and show the new run."""
        self.recluster_button.disabled = True

        def step(words: str) -> None:
            self.progress.value = f"<i>{html.escape(words)}…</i>"

        try:
            session = self.session.recluster(on_step=step)
        finally:
            self.recluster_button.disabled = False
        self.session = session
        self._build()
        self.progress.value = (
            f"<span style='{_NOTE_STYLE}'>Done: run {session.run_id} holds "
            f"{len(session.points):,} comments in {session.run.n_clusters} clusters.</span>"
        )

    @shows_errors()
    def on_send(self, button: w.Button | None = None) -> None:
        """Send the selection to the coding queue and say how many were new."""
        selected = len(self.session.selection)
        source = self.session.selection_source
        added = self.session.send_to_queue()
        already = selected - added
        self.message.value = (
            f'<span style="{_NOTE_STYLE}"><b>Queued {added} comment{"s" * (added != 1)}'
            f"</b> for coding from {html.escape(str(source))}"
            + (f"; {already} of the selection were already queued" if already else "")
            + ".</span>"
        )

    @shows_errors()
    def on_clear(self, button: w.Button | None = None) -> None:
        """Select nothing."""
        self.session.clear_selection()
        self._after_selection()

    # -- rendering -----------------------------------------------------------------

    def refresh(self) -> None:
        """Redraw the map, the status line and the selected comments from the session."""
        shown = self.session.visible()
        # A selection the filters hide entirely must not dim every point shown.
        anything = bool(shown["selected"].any())
        groups = dict(tuple(shown.groupby("cluster", sort=False)))
        with self.figure.batch_update():
            for trace, cluster in zip(self.figure.data, self.trace_clusters, strict=True):
                part = groups.get(cluster, shown.iloc[:0])
                trace.x = part["x"].to_numpy()
                trace.y = part["y"].to_numpy()
                trace.customdata = part["comment_id"].to_numpy(dtype=object)
                trace.hovertext = part["hover"].to_numpy(dtype=object)
                trace.selectedpoints = (
                    np.flatnonzero(part["selected"].to_numpy(bool)).tolist() if anything else None
                )
        self.status.value = f"<b>{html.escape(self.session.status())}</b>"
        self.freshness.value = _freshness_html(self.session)
        self.selection.value = _selection_html(self.session.selection)

    def _after_selection(self) -> None:
        """The selection changed elsewhere than in the cluster list: unmark the list."""
        with self._silently():
            self.clusters.value = None
        self.message.value = ""
        self.refresh()

    def _make_figure(self) -> go.FigureWidget:
        points = self.session.points
        webgl = use_webgl(len(points))
        scatter = go.Scattergl if webgl else go.Scatter
        figure = go.FigureWidget()
        figure._config = dict(PLOTLY_CONFIG)
        real = [c for c in self.trace_clusters if c >= 0]
        colors = dict(zip(real, distinct_colors(len(real)), strict=True))
        self.colors = colors
        for cluster in self.trace_clusters:
            outliers = cluster < 0
            figure.add_trace(scatter(
                x=[], y=[], mode="markers", name=str(self._table.at[cluster, "label"]),
                hovertemplate="%{hovertext}<extra>%{fullData.name}</extra>",
                marker={"color": OUTLIER_COLOR if outliers else colors[cluster],
                        "size": 5 if outliers else 7, "opacity": 0.6 if outliers else 0.85},
                selected={"marker": {"opacity": 1.0, "size": 10}},
                unselected={"marker": {"opacity": 0.15}},
                showlegend=False,
            ))  # fmt: skip
        centres = cluster_centres(points)
        labels = [
            {"x": float(row.x), "y": float(row.y), "text": f"<b>{int(row.cluster)}</b>",
             "showarrow": False, "font": {"size": 11, "color": "#222"},
             "bgcolor": "rgba(255,255,255,0.7)", "borderpad": 1}
            for row in centres.itertuples()
        ]  # fmt: skip
        figure.update_layout(
            width=MAP_WIDTH, height=MAP_HEIGHT, margin={"l": 10, "r": 10, "t": 30, "b": 10},
            dragmode="lasso", clickmode="event", hovermode="closest", uirevision="map",
            title={"text": f"Run {self.session.run_id}: each dot is a comment; the numbers "
                           "are the clusters of the list", "x": 0.01, "font": {"size": 13}},
            showlegend=False,  # the cluster list names the clusters; a legend ate the plot
            annotations=labels,
            xaxis={"visible": False, "range": bulk_range(points["x"], include=centres["x"])},
            yaxis={"visible": False, "range": bulk_range(points["y"], include=centres["y"])},
        )  # fmt: skip
        return figure

    def _exemplars_html(self, cluster: int) -> str:
        row = self._table.loc[cluster]
        items = "".join(
            f"<li>{html.escape(shorten(text, EXEMPLAR_CHARS))} "
            f"<small style='color:#666'>({html.escape(str(platform))})</small></li>"
            for text, platform in zip(*_columns(self.session.exemplars(cluster),
                                                "text", "platform"), strict=True)
        )  # fmt: skip
        return (
            f"<b>{html.escape(str(row['label']))}</b> · {int(row['size'])} comments<br>"
            f"<small>Keywords: {html.escape(str(row['keywords']))}</small>"
            f"<ol style='margin:4px 0;padding-left:18px'>{items}</ol>"
        )


def _drawing_order(clusters: list[int]) -> list[int]:
    """Outliers first, so the grey points lie under the coloured ones."""
    return sorted(clusters, key=lambda c: (c >= 0, c))


def _columns(frame: pd.DataFrame, *names: str) -> list[list[Any]]:
    return [frame[name].tolist() for name in names]


def _results_html(found: pd.DataFrame, note: str = "") -> str:
    if found.empty:
        return "<i>No comments found.</i>"
    rows = "".join(
        f"<tr><td>{html.escape(str(strength))} <small style='color:#666'>"
        f"({similarity:.2f})</small></td>"
        f"<td>{html.escape(str(label))}</td><td>{html.escape(str(platform))}</td>"
        f"<td>{html.escape(shorten(text))}</td></tr>"
        for strength, similarity, label, platform, text in zip(
            *_columns(found, "strength", "similarity", "label", "platform", "text"),
            strict=True)
    )  # fmt: skip
    return (
        f"<b>{len(found)} closest comments</b>. {html.escape(note)}"
        "<table class='workbench-explore-results' style='border-collapse:collapse'>"
        "<thead><tr><th>how well it matches</th><th>cluster</th><th>platform</th>"
        f"<th>comment</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _freshness_html(session: ExploreSession) -> str:
    """Whether the run is up to date with the project, in words."""
    if session.not_in_run:
        n = session.not_in_run
        return (
            f"<span class='workbench-explore-stale' style='color:#7a4f01'><b>{n:,} "
            f"comment{'s' * (n != 1)} imported since this run {'are' if n != 1 else 'is'} "
            "not on the map.</b> Re-cluster to include them (a minute or two for a few "
            "thousand comments).</span>"
        )
    return "<span style='color:#666'>The map holds every comment of the project.</span>"


def _selection_html(selection: pd.DataFrame) -> str:
    if selection.empty:
        return ""
    shown = selection.head(SELECTION_ROWS)
    items = "".join(
        f"<li><small style='color:#666'>{html.escape(str(label))} · "
        f"{html.escape(str(platform))}</small> {html.escape(shorten(text))}</li>"
        for label, platform, text in zip(*_columns(shown, "label", "platform", "text"),
                                         strict=True)
    )  # fmt: skip
    more = len(selection) - len(shown)
    tail = f"<i>… and {more} more</i>" if more else ""
    return (
        f"<b>Selected ({len(selection)})</b>"
        f"<ul class='workbench-explore-selection' style='margin:2px 0'>{items}</ul>{tail}"
    )
