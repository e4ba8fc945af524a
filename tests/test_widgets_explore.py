"""The explore widget, driven like a user would (ipywidgets and plotly, no browser).

Plotly calls a trace's click / selection callbacks with a ``Points`` object, once
per trace for one user action; the tests call the callbacks the view wires the same
way.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from tests.install_support import require

# Dependencies of the notebook extra: missing, they fail the run (a broken install).
require("ipywidgets")
require("plotly")
require("anywidget")

from plotly.callbacks import InputDeviceState, Points  # noqa: E402

from tests.explore_support import clustered_demo_copy  # noqa: E402
from workbench.explore import ExploreSession  # noqa: E402
from workbench.project import Project  # noqa: E402
from workbench.widgets.explore import OUTLIER_COLOR, ExploreView  # noqa: E402


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    with Project.open(clustered_demo_copy(tmp_path_factory, "explore-widget")) as opened:
        yield opened


@pytest.fixture()
def view(project: Project) -> ExploreView:
    return ExploreView(ExploreSession(project))


def banner(view: ExploreView) -> str:
    """The banner's text, or "" when it is hidden."""
    if view.error_banner.layout.display == "none":
        return ""
    return view.error_banner.value


def points(view: ExploreView, index: int, inds: list[int]) -> Points:
    return Points(point_inds=inds, xs=[0.0] * len(inds), ys=[0.0] * len(inds),
                  trace_name=view.figure.data[index].name, trace_index=index)  # fmt: skip


def state(shift: bool = False) -> InputDeviceState:
    return InputDeviceState(ctrl=False, alt=False, shift=shift, meta=False, button=0, buttons=1)


def click(view: ExploreView, index: int, ind: int, shift: bool = False) -> None:
    """A click on point ``ind`` of trace ``index``: plotly calls every trace."""
    for i, trace in enumerate(view.figure.data):
        view.on_point_click(trace, points(view, i, [ind] if i == index else []), state(shift))


def lasso(view: ExploreView, chosen: dict[int, list[int]]) -> None:
    """A lasso / box selection of ``{trace index: point indices}``."""
    for i, trace in enumerate(view.figure.data):
        view.on_box_select(trace, points(view, i, chosen.get(i, [])), None)


def trace_of(view: ExploreView, cluster: int) -> int:
    return view.trace_clusters.index(cluster)


def test_the_map_has_one_trace_per_cluster(view: ExploreView) -> None:
    session = view.session
    table = session.cluster_table()
    assert sorted(view.trace_clusters) == sorted(table["cluster"])
    assert len(view.figure.data) == len(table)
    assert {trace.type for trace in view.figure.data} == {"scatter"}  # SVG: a small map
    outliers = view.figure.data[trace_of(view, -1)]
    assert outliers.marker.color == OUTLIER_COLOR and outliers.name == "-1: outliers"
    colours = {t.marker.color for t in view.figure.data if t is not outliers}
    assert len(colours) == len(table) - 1 and OUTLIER_COLOR not in colours
    assert sum(len(t.x) for t in view.figure.data) == len(session.points)

    trace = view.figure.data[trace_of(view, 0)]
    first = session.points.set_index("comment_id").loc[trace.customdata[0]]
    assert trace.hovertext[0] == first["hover"] and "%{hovertext}" in trace.hovertemplate
    assert trace.selectedpoints is None
    assert "nothing selected" in view.status.value and banner(view) == ""
    assert view.clusters.options[-1][1] == -1


def test_click_selects_a_point_and_shift_click_adds(view: ExploreView) -> None:
    index = trace_of(view, 2)
    trace = view.figure.data[index]
    click(view, index, 3)
    assert view.session.selection["comment_id"].tolist() == [trace.customdata[3]]
    assert trace.selectedpoints == (3,)
    assert view.figure.data[trace_of(view, 1)].selectedpoints == ()
    assert "1 selected" in view.status.value and "picked on the map" in view.status.value

    click(view, index, 0, shift=True)
    assert view.session.selection["comment_id"].tolist() == [
        trace.customdata[3], trace.customdata[0],
    ]  # fmt: skip
    assert sorted(trace.selectedpoints) == [0, 3]
    assert "Selected (2)" in view.selection.value


def test_lasso_selects_over_traces_and_double_click_clears(view: ExploreView) -> None:
    a, b = trace_of(view, 0), trace_of(view, -1)
    lasso(view, {a: [0, 1], b: [4]})
    data = view.figure.data
    expected = {data[a].customdata[0], data[a].customdata[1], data[b].customdata[4]}
    assert set(view.session.selection["comment_id"]) == expected
    assert sorted(data[a].selectedpoints) == [0, 1] and data[b].selectedpoints == (4,)

    lasso(view, {})  # an empty selection selects nothing
    assert view.session.selection.empty

    lasso(view, {a: [2]})
    for i, trace in enumerate(view.figure.data):
        view.on_deselect(trace, points(view, i, []))
    assert view.session.selection.empty and data[a].selectedpoints is None


def test_choosing_a_cluster_selects_it_and_shows_exemplars(view: ExploreView) -> None:
    table = view.session.cluster_table()
    parking = int(table.loc[table["keywords"].str.contains("parking"), "cluster"].iloc[0])
    view.clusters.value = parking
    assert banner(view) == ""
    assert view.session.selection_source == f"run {view.session.run_id}, cluster {parking}"
    assert f"{table.set_index('cluster').at[parking, 'size']} selected" in view.status.value
    assert "Keywords: parking" in view.exemplars.value and "<li>" in view.exemplars.value
    trace = view.figure.data[trace_of(view, parking)]
    assert len(trace.selectedpoints) == len(trace.x)

    click(view, trace_of(view, 0), 0)  # another way of selecting unmarks the list
    assert view.clusters.value is None


def test_filters_redraw_the_map_and_errors_show_in_the_banner(view: ExploreView) -> None:
    view.platforms.value = ("reddit",)
    shown = sum(len(t.x) for t in view.figure.data)
    assert shown == (view.session.points["platform"] == "reddit").sum()
    assert "shown (platforms reddit)" in view.status.value

    view.start.value = date(2026, 4, 1)
    view.end.value = date(2026, 3, 1)
    assert "start (2026-04-01) is after end (2026-03-01)" in banner(view)
    assert view.session.filters.end is None  # the session kept the last good filters
    view.end.value = date(2026, 4, 30)
    assert banner(view) == ""

    _, thread = view.session.thread_options()[0]
    view.thread.value = thread
    assert {view.session.filters.thread_id} == {thread}

    view.on_clear_filters()
    assert not view.session.filters.active
    assert view.platforms.value == () and view.start.value is None and view.thread.value == ""
    assert sum(len(t.x) for t in view.figure.data) == len(view.session.points)


def test_cluster_hidden_by_filters_shows_an_error(view: ExploreView) -> None:
    points = view.session.points
    present = set(zip(points["cluster"], points["platform"], strict=True))
    cluster, platform = next(
        (c, p) for c in view.trace_clusters if c >= 0 for p in view.session.platforms
        if (c, p) not in present
    )  # fmt: skip
    view.platforms.value = (platform,)
    view.clusters.value = cluster
    assert "hide every comment of cluster" in banner(view)
    assert "Keywords:" in view.exemplars.value  # the exemplars are still shown


def test_search_shows_results_and_selects_them(view: ExploreView) -> None:
    view.on_search()
    assert "the search is empty" in banner(view)

    view.query.value = "parking charges at the car park"
    view.k.value = 5
    view.on_search()
    assert banner(view) == ""
    assert view.results.value.count("<tr>") == 6  # header and five results
    assert "park" in view.results.value.lower()
    assert len(view.session.selection) == 5
    assert view.session.selection_source == "search: parking charges at the car park"
    assert sum(len(t.selectedpoints or ()) for t in view.figure.data) == 5
    assert not view.search_button.disabled


def test_send_to_queue(project: Project, view: ExploreView) -> None:
    view.on_send()
    assert "nothing is selected" in banner(view)

    cluster = view.trace_clusters[-1]
    view.clusters.value = cluster
    size = len(view.session.selection)
    already = (
        project.store.queue()["comment_id"].isin(view.session.selection["comment_id"]).sum()
    )
    view.on_send()
    assert banner(view) == ""
    assert f"Queued {size - already} comment" in view.message.value
    view.on_send()
    assert "Queued 0 comments" in view.message.value
    assert f"{size} of the selection were already queued" in view.message.value

    view.on_clear()
    assert view.session.selection.empty and view.selection.value == ""
    assert view.message.value == ""


def test_unexpected_errors_are_shown_and_raised(view: ExploreView, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(view.session, "send_to_queue", broken)
    view.session.select_points(view.session.points["comment_id"][:1])
    with pytest.raises(RuntimeError):
        view.on_send()
    assert "Unexpected error (RuntimeError): boom" in banner(view)


def test_the_view_displays_as_its_widget(view: ExploreView) -> None:
    bundle = view._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == view.widget.model_id
