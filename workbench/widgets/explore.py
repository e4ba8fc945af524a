"""The explore widget: a cluster map to filter, select, search and queue comments from.

A thin view over :class:`~workbench.explore.ExploreSession`: it draws the session's
visible points as a plotly map (one ``Scattergl`` trace per cluster, outliers grey,
the comment in the tooltip), lists the clusters, and forwards clicks, box / lasso
selections, searches and filter changes to the session; every decision is the
session's. Errors are shown in a red banner, because exceptions inside widget
callbacks are otherwise invisible (and Voila hides tracebacks).

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
from plotly.colors import qualitative

from workbench.explore import ExploreSession, shorten
from workbench.widgets.errors import error_banner, shows_errors
from workbench.widgets.view import View

OUTLIER_COLOR = "#b4b4b4"
PALETTE: tuple[str, ...] = tuple(qualitative.Dark24)
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
        self.error_banner = error_banner()
        self.status = w.HTML()
        self.message = w.HTML()
        self.selection = w.HTML()
        self.widget = w.VBox([
            self.error_banner,
            self.status,
            w.HBox([self.platforms, w.VBox([self.thread, w.HBox([self.start, self.end]),
                                            self.clear_filters_button])]),
            w.HBox([w.Box([self.figure], layout=w.Layout(width="64%")),
                    w.VBox([w.HTML("<b>Clusters</b> (choose one to select it)"),
                            self.clusters, self.exemplars], layout=w.Layout(width="36%"))]),
            w.HBox([self.query, self.k, self.search_button]),
            self.results,
            w.HBox([self.send_button, self.clear_button]),
            self.message,
            self.selection,
        ])  # fmt: skip

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
        self.results.value = _results_html(found)
        self._after_selection()

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
        anything = not self.session.selection.empty
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
        self.selection.value = _selection_html(self.session.selection)

    def _after_selection(self) -> None:
        """The selection changed elsewhere than in the cluster list: unmark the list."""
        with self._silently():
            self.clusters.value = None
        self.message.value = ""
        self.refresh()

    def _make_figure(self) -> go.FigureWidget:
        figure = go.FigureWidget()
        colors = iter(PALETTE * (len(self.trace_clusters) // len(PALETTE) + 1))
        for rank, cluster in enumerate(self.trace_clusters):
            outliers = cluster < 0
            figure.add_trace(go.Scattergl(
                x=[], y=[], mode="markers", name=str(self._table.at[cluster, "label"]),
                hovertemplate="%{hovertext}<extra>%{fullData.name}</extra>",
                marker={"color": OUTLIER_COLOR if outliers else next(colors),
                        "size": 5 if outliers else 7, "opacity": 0.6 if outliers else 0.85},
                selected={"marker": {"opacity": 1.0, "size": 10}},
                unselected={"marker": {"opacity": 0.15}},
                legendrank=10_000 if outliers else 1000 + rank,
            ))  # fmt: skip
        figure.update_layout(
            height=560, margin={"l": 10, "r": 10, "t": 30, "b": 10},
            dragmode="lasso", clickmode="event", hovermode="closest", uirevision="map",
            title={"text": f"Run {self.session.run_id}: each dot is a comment", "x": 0.01},
            xaxis={"visible": False}, yaxis={"visible": False},
            legend={"orientation": "h", "yanchor": "top", "y": -0.02, "font": {"size": 10},
                    "itemsizing": "constant"},  # below the map: beside it, it was cut off
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


def _results_html(found: pd.DataFrame) -> str:
    if found.empty:
        return "<i>No comments found.</i>"
    rows = "".join(
        f"<tr><td style='text-align:right'>{similarity:.2f}</td>"
        f"<td>{html.escape(str(label))}</td><td>{html.escape(str(platform))}</td>"
        f"<td>{html.escape(shorten(text))}</td></tr>"
        for similarity, label, platform, text in zip(
            *_columns(found, "similarity", "label", "platform", "text"), strict=True)
    )  # fmt: skip
    return (
        f"<b>{len(found)} closest comments</b> (now selected)"
        "<table class='workbench-explore-results' style='border-collapse:collapse'>"
        "<thead><tr><th>similarity</th><th>cluster</th><th>platform</th><th>comment</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


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
