"""The explore controller, headless, on the clustered demo project (real model, no mocks)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from tests.explore_support import clustered_demo_copy
from workbench.errors import StoreError, WorkbenchError
from workbench.explore import (
    CLUSTER_COLUMNS,
    POINT_COLUMNS,
    ExploreError,
    ExploreSession,
    cluster_label,
    ensure_run,
)
from workbench.project import Project


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    with Project.open(clustered_demo_copy(tmp_path_factory, "explore")) as opened:
        yield opened


@pytest.fixture(scope="module")
def shared(project: Project) -> ExploreSession:
    """One session for the module, so the model loads for search only once."""
    return ExploreSession(project)


@pytest.fixture()
def session(shared: ExploreSession) -> ExploreSession:
    shared.clear_filters()
    shared.clear_selection()
    return shared


def cluster_about(session: ExploreSession, word: str) -> int:
    table = session.cluster_table()
    [cluster] = table.loc[table["keywords"].str.contains(word) & (table["cluster"] >= 0),
                          "cluster"].head(1)  # fmt: skip
    return int(cluster)


# -- points and clusters -------------------------------------------------------------


def test_points_join_every_run_member_with_its_comment(session: ExploreSession) -> None:
    points = session.points
    assert tuple(points.columns) == POINT_COLUMNS
    members = session.run.members
    assert len(points) == len(members) and session.missing == 0
    assert set(points["comment_id"]) == set(members["comment_id"])
    assert "author" not in points.columns
    assert points["author_pseudonym"].str.startswith("anon_").all()
    assert str(points["created_at"].dtype).endswith("UTC]")
    assert points["comment_id"].is_unique and points["text"].str.len().gt(0).all()

    row = points.loc[points["text"].str.len() > 150].iloc[0]
    assert row["hover"].startswith(f"<b>{row['platform']} · ")
    assert row["hover"].count("<br>") >= 3  # header, then text wrapped at ~60 characters
    assert "…" in row["hover"] or len(row["text"]) <= 200

    assert (points.loc[points["cluster"] == -1, "label"] == "-1: outliers").all()
    clustered = points.loc[points["cluster"] >= 0]
    assert clustered["label"].str.match(r"^\d+: \w+, \w+, \w+$").all()


def test_hover_text_is_escaped(project: Project, session: ExploreSession) -> None:
    marked = session.points.loc[session.points["text"].str.contains("[<>&]", regex=True)]
    assert not marked.empty
    for hover, text in zip(marked["hover"], marked["text"], strict=True):
        body = hover.split("</b><br>", 1)[1]
        assert "<" not in body.replace("<br>", ""), (hover, text)


def test_cluster_label() -> None:
    assert cluster_label(3, [["parking", 0.5], ["car", 0.4], ["bus", 0.3], ["x", 0.1]]) == (
        "3: parking, car, bus"
    )
    assert cluster_label(-1, []) == "-1: outliers"
    assert cluster_label(4, []) == "4: (no keywords)"


def test_cluster_table(session: ExploreSession) -> None:
    table = session.cluster_table()
    assert tuple(table.columns) == CLUSTER_COLUMNS
    assert table["cluster"].tolist()[-1] == -1
    assert table["size"].sum() == len(session.points)
    assert table["visible"].tolist() == table["size"].tolist()
    assert table["share"].sum() == pytest.approx(1.0, abs=0.01)
    assert all(isinstance(e, list) and e and all(isinstance(t, str) for t in e)
               for e in table["exemplars"])  # fmt: skip
    parking = cluster_about(session, "parking")
    assert "parking" in session.cluster_label(parking)

    exemplars = session.exemplars(parking)
    assert 1 <= len(exemplars) <= 5
    assert (exemplars["cluster"] == parking).all()


def test_platforms_and_threads(session: ExploreSession) -> None:
    assert session.platforms == ["csv", "facebook", "mastodon", "reddit", "x", "youtube"]
    options = session.thread_options()
    counts = [int(re.search(r"\((\d+)\)$", label).group(1)) for label, _ in options]
    assert counts == sorted(counts, reverse=True)
    assert sum(counts) == len(session.points)
    label, thread = options[0]
    assert label.startswith(thread.split(":")[0] + " · ")


# -- filters -------------------------------------------------------------------------


def test_platform_filter(session: ExploreSession) -> None:
    session.set_filters(platforms=["reddit", "x"])
    shown = session.visible()
    assert set(shown["platform"]) == {"reddit", "x"}
    assert len(shown) == session.points["platform"].isin(["reddit", "x"]).sum()
    assert session.filters.describe() == "platforms reddit, x"
    assert session.cluster_table()["visible"].sum() == len(shown)

    session.set_filters(platforms="mastodon")
    assert set(session.visible()["platform"]) == {"mastodon"}
    session.set_filters(platforms=[])
    assert not session.filters.active and len(session.visible()) == len(session.points)


def test_unknown_platform_names_the_known_ones(session: ExploreSession) -> None:
    session.set_filters(platforms=["reddit"])
    with pytest.raises(ExploreError, match=r"unknown platform 'tiktok'.*csv, facebook, mastodon"):
        session.set_filters(platforms=["reddit", "tiktok"])
    assert session.filters.platforms == ("reddit",)  # unchanged after the error


def test_thread_filter(session: ExploreSession) -> None:
    _, thread = session.thread_options()[1]
    session.set_filters(thread_id=thread)
    assert set(session.visible()["thread_id"]) == {thread}
    with pytest.raises(ExploreError, match="thread 'reddit:nope' has no comments in run"):
        session.set_filters(thread_id="reddit:nope")


def test_date_filters(session: ExploreSession) -> None:
    created = session.points["created_at"]
    day = created.sort_values().iloc[len(created) // 2].date()
    session.set_filters(start=day, end=day)  # a date as end includes the whole day
    shown = session.visible()
    assert len(shown) >= 1
    assert (shown["created_at"].dt.date == day).all()
    assert len(shown) == (created.dt.date == day).sum()
    assert session.filters.describe() == f"from {day}; to {day}"

    session.set_filters(start=f"{day}T12:00", end=None)
    assert (session.visible()["created_at"] >= pd.Timestamp(f"{day}T12:00", tz="UTC")).all()
    assert "from " + str(day) + " 12:00 UTC" in session.filters.describe()


def test_date_filter_errors(session: ExploreSession) -> None:
    with pytest.raises(ExploreError, match=r"start \(2026-04-01\) is after end \(2026-03-01\)"):
        session.set_filters(start=date(2026, 4, 1), end=date(2026, 3, 1))
    with pytest.raises(ExploreError, match=r"start \('31/02/2026'\) is not a date"):
        session.set_filters(start="31/02/2026")
    assert not session.filters.active
    assert issubclass(ExploreError, WorkbenchError)


# -- selection -----------------------------------------------------------------------


def test_select_cluster(session: ExploreSession) -> None:
    cluster = cluster_about(session, "parking")
    selected = session.select_cluster(cluster)
    members = session.points.loc[session.points["cluster"] == cluster]
    assert set(selected["comment_id"]) == set(members["comment_id"])
    assert selected["probability"].is_monotonic_decreasing
    assert session.selection_source == f"run {session.run_id}, cluster {cluster}"
    assert session.visible()["selected"].sum() == len(members)
    assert f"{len(members)} selected (run {session.run_id}, cluster {cluster})" in (
        session.status()
    )


def test_select_cluster_respects_filters(session: ExploreSession) -> None:
    cluster = cluster_about(session, "parking")
    session.set_filters(platforms=["reddit"])
    selected = session.select_cluster(cluster)
    assert set(selected["platform"]) == {"reddit"}
    assert session.selection_source.endswith(", filtered to platforms reddit")

    points = session.points.loc[session.points["cluster"] >= 0]
    present = set(zip(points["cluster"], points["platform"], strict=True))
    cluster, platform = next(
        (c, p) for c in sorted(set(points["cluster"])) for p in session.platforms
        if (c, p) not in present
    )  # fmt: skip
    session.set_filters(platforms=[platform])
    with pytest.raises(
        ExploreError, match=f"platforms {platform}\\) hide every comment of cluster"
    ):
        session.select_cluster(cluster)
    assert session.selection_source.endswith(", filtered to platforms reddit")  # unchanged


def test_unknown_cluster(session: ExploreSession) -> None:
    with pytest.raises(ExploreError, match=r"has no cluster 99; its clusters are 0, 1, .*-1"):
        session.select_cluster(99)
    with pytest.raises(ExploreError, match="has no cluster 'parking'"):
        session.select_cluster("parking")


def test_select_points(session: ExploreSession) -> None:
    ids = session.points["comment_id"].tolist()
    session.select_points(ids[:2])
    assert session.selection["comment_id"].tolist() == ids[:2]
    assert session.selection_source == f"run {session.run_id}, 2 comments picked on the map"
    session.select_points([ids[5], ids[0]], add=True)
    assert session.selection["comment_id"].tolist() == [ids[0], ids[1], ids[5]]
    session.select_points([ids[7]])
    assert session.selection["comment_id"].tolist() == [ids[7]]

    with pytest.raises(ExploreError, match=r"1 comment\(s\) are not on run \d+'s map.*'nope'"):
        session.select_points([ids[3], "nope"])
    assert session.selection["comment_id"].tolist() == [ids[7]]

    session.set_filters(platforms=[p for p in session.platforms if p != "reddit"])
    session.select_points(session.points.query("platform == 'reddit'")["comment_id"][:2])
    assert "2 selected" in session.status() and "2 hidden by the filters" in session.status()

    session.clear_selection()
    assert session.selection.empty and session.selection_source is None
    assert "nothing selected" in session.status()


# -- search --------------------------------------------------------------------------


def test_search_finds_parking_comments(session: ExploreSession) -> None:
    assert session._index is None  # nothing embedded or loaded before the first search
    found = session.search("where can I park my car, parking costs", k=10)
    assert len(found) == 10
    assert found["similarity"].is_monotonic_decreasing
    assert found["similarity"].between(-1.0001, 1.0001).all()
    top = found.head(5)["text"].str.lower()
    assert top.str.contains("park").sum() >= 3, found[["similarity", "text"]]
    assert session.selection["comment_id"].tolist() == found["comment_id"].tolist()
    assert session.selection_source == "search: where can I park my car, parking costs"
    assert session._index is not None


def test_search_respects_filters(session: ExploreSession) -> None:
    session.set_filters(platforms=["youtube"])
    found = session.search("  parking\n", k=500, select=False)
    assert set(found["platform"]) == {"youtube"}
    assert len(found) == len(session.visible())
    assert session.selection.empty  # select=False leaves the selection alone


def test_search_errors(session: ExploreSession) -> None:
    with pytest.raises(ExploreError, match="the search is empty"):
        session.search("   ")
    with pytest.raises(ExploreError, match=r"k \(0\) must be a whole number >= 1"):
        session.search("parking", k=0)
    with pytest.raises(ExploreError, match=r"k \(2.5\)"):
        session.search("parking", k=2.5)


# -- the coding queue ----------------------------------------------------------------


def test_send_selection_to_queue(project: Project, session: ExploreSession) -> None:
    cluster = cluster_about(session, "bsl")
    selected = session.select_cluster(cluster)
    before = len(project.store.events("queue-add"))

    added = session.send_to_queue()
    assert added == len(selected)
    queue = project.store.queue()
    mine = queue.loc[queue["comment_id"].isin(selected["comment_id"])]
    assert len(mine) == added
    assert set(mine["source"]) == {f"run {session.run_id}, cluster {cluster}"}
    assert set(mine["added_by"]) == {project.actor}

    events = project.store.events("queue-add")
    assert len(events) == before + 1
    payload = events["payload"].iloc[-1]
    assert payload["run_id"] == session.run_id and payload["added"] == added
    assert payload["source"] == f"run {session.run_id}, cluster {cluster}"
    assert payload["comment_ids"] == selected["comment_id"].tolist()

    assert session.send_to_queue() == 0  # already queued: nothing new, no event
    assert len(project.store.events("queue-add")) == before + 1
    assert len(project.store.queue()) == len(queue)


def test_send_search_results_and_explicit_ids(project: Project, session: ExploreSession) -> None:
    queued_before = set(project.store.queue()["comment_id"])
    found = session.search("Urdu translation of the survey", k=3)
    expected = set(found["comment_id"]) - queued_before
    assert session.send_to_queue() == len(expected)
    queue = project.store.queue().set_index("comment_id")
    assert (queue.loc[sorted(expected), "source"] == "search: Urdu translation of the survey").all()

    fresh = [c for c in session.points["comment_id"] if c not in queue.index][:3]
    assert session.send_to_queue(fresh[:2], source="picked by hand") == 2
    assert session.send_to_queue(fresh[2:] + fresh[:1]) == 1  # the repeat is not queued twice
    queue = project.store.queue().set_index("comment_id")
    assert queue.loc[fresh, "source"].tolist() == [
        "picked by hand", "picked by hand", f"run {session.run_id}",
    ]  # fmt: skip


def test_send_errors(project: Project, session: ExploreSession) -> None:
    with pytest.raises(ExploreError, match="nothing is selected"):
        session.send_to_queue()
    with pytest.raises(ExploreError, match="nothing is selected"):
        session.send_to_queue([])
    size = len(project.store.queue())
    with pytest.raises(StoreError, match="cannot queue unknown comments"):
        session.send_to_queue([session.points["comment_id"].iloc[0], "reddit:t1_nope"])
    assert len(project.store.queue()) == size


# -- runs ----------------------------------------------------------------------------


def test_ensure_run_and_unknown_runs(project: Project, session: ExploreSession) -> None:
    runs = len(project.store.runs())
    assert ensure_run(project).run_id == session.run_id
    assert ensure_run(project, session.run_id).run_id == session.run_id
    assert len(project.store.runs()) == runs  # nothing new was clustered
    with pytest.raises(StoreError, match=r"no cluster run 999; known runs"):
        ExploreSession(project, 999)


def test_a_project_without_runs_says_how_to_make_one(tmp_path: Path) -> None:
    with Project.init(tmp_path / "empty", actor="tests") as empty:
        with pytest.raises(StoreError, match="no cluster run yet"):
            ExploreSession(empty)


def test_comments_edited_since_the_run_are_counted(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with Project.open(clustered_demo_copy(tmp_path_factory, "edited")) as project:
        assert ExploreSession(project).changed == 0
        edited = ExploreSession(project).points["comment_id"].iloc[0]
        with project.store.unit_of_work():
            project.store.connection.execute(
                "UPDATE comments SET text = 'an edited text' WHERE comment_id = ?", (edited,)
            )
        session = ExploreSession(project)
        assert session.changed == 1
        assert "1 edited since the run" in session.status()
