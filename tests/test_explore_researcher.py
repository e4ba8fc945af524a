"""Exploring as a researcher meets it (issue 11): fresh runs, plain search, privacy.

The controller and the view, headless, on a copy of the clustered demo project.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.install_support import require

require("ipywidgets")
require("plotly")

from tests.explore_support import clustered_demo_copy  # noqa: E402
from workbench.explore import ExploreSession, readable_clusters  # noqa: E402
from workbench.project import Project  # noqa: E402
from workbench.substance import is_substantive_exemplar  # noqa: E402
from workbench.widgets.explore import PLOTLY_CONFIG, ExploreView  # noqa: E402

NOWHERE = "quantum chromodynamics of neutron star crusts"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    with Project.open(clustered_demo_copy(tmp_path_factory, "explore-researcher")) as opened:
        yield opened


@pytest.fixture()
def session(project: Project) -> ExploreSession:
    return ExploreSession(project)


# -- privacy in what is shown ------------------------------------------------------------


def test_mentions_of_known_authors_are_shown_as_pseudonyms(project: Project) -> None:
    session = ExploreSession(project)
    raw = project.comments(private=True)
    known = raw.loc[raw["author"] == "@jen_bsl@signing.example", "author_pseudonym"].iloc[0]
    shown = " ".join(session.points["text"]) + " ".join(session.points["hover"])
    assert "@jen_bsl" not in shown and f"@{known}" in shown
    assert "@RiversideCommunityHealth" not in shown
    table = " ".join(str(e) for e in session.cluster_table()["exemplars"])
    assert "@jen_bsl" not in table
    stored = " ".join(project.comments()["text"].dropna())
    assert "@jen_bsl" in stored, "the store keeps the raw text"

    project.settings["show_raw_text"] = True
    try:
        entitled = ExploreSession(project)
        assert "@jen_bsl" in " ".join(entitled.points["text"])
    finally:
        project.settings["show_raw_text"] = False


def test_the_map_offers_no_cloud_upload_or_outbound_link(session: ExploreSession) -> None:
    view = ExploreView(session)
    config = view.figure._config
    assert config == PLOTLY_CONFIG
    assert config["displaylogo"] is False and config["showSendToCloud"] is False
    assert config["showEditInChartStudio"] is False and config["showLink"] is False
    assert {"sendChartToCloud", "sendDataToCloud", "editInChartStudio"} <= set(
        config["modeBarButtonsToRemove"])  # fmt: skip
    assert config["plotlyServerURL"] == ""
    state = view.figure.to_json()
    for outbound in ("plot.ly", "chart-studio", "plotly.com", "cloud.plotly"):
        assert outbound not in state


# -- search in plain words ---------------------------------------------------------------


def test_a_search_with_no_strong_match_says_so_and_selects_nothing(
    session: ExploreSession,
) -> None:
    found = session.search(NOWHERE, k=5)
    assert len(found) == 5 and set(found["strength"]) == {"weak match"}
    assert session.selection.empty, "weak matches must not be queued as if they matched"
    assert session.last_search_note.startswith(f'No comment matches "{NOWHERE}" well')


def test_a_good_search_selects_only_strong_and_partial_matches(session: ExploreSession) -> None:
    found = session.search("parking at the hospital is too expensive", k=30)
    good = found.loc[found["strength"] != "weak match", "comment_id"].tolist()
    assert good and session.selection["comment_id"].tolist() == good
    assert set(found["strength"]) <= {"strong match", "partial match", "weak match"}
    assert "and are selected" in session.last_search_note


def test_the_view_shows_strength_in_words_and_clears_what_no_longer_applies(
    session: ExploreSession,
) -> None:
    view = ExploreView(session)
    cluster = int(session.cluster_table()["cluster"].iloc[0])
    view.clusters.value = cluster
    assert view.exemplars.value, "the cluster's typical comments are shown"
    view.query.value = NOWHERE
    view.search_button.click()
    assert view.exemplars.value == "", "typical comments of a cluster no longer apply"
    assert "how well it matches" in view.results.value and "weak match" in view.results.value
    assert "No comment matches" in view.results.value
    view.query.value = "something else"
    assert "workbench-stale" in view.results.value and "previous search" in view.results.value


def test_a_selection_hidden_by_filters_does_not_dim_the_map(session: ExploreSession) -> None:
    view = ExploreView(session)
    platforms = session.platforms
    reddit = session.points.loc[session.points["platform"] == platforms[0], "comment_id"]
    session.select_points(reddit.tolist()[:3])
    view.refresh()
    assert any(t.selectedpoints for t in view.figure.data)
    view.platforms.value = tuple(platforms[1:])  # hides every selected comment
    assert all(t.selectedpoints is None for t in view.figure.data), "nothing dimmed"
    assert "hidden by the filters" in view.status.value


# -- typical comments ----------------------------------------------------------------------


def test_typical_comments_say_something(session: ExploreSession) -> None:
    points = session.points.set_index("comment_id")
    for row in session.run.clusters.itertuples():
        members = points.loc[points["cluster"] == row.cluster, "text"]
        if any(is_substantive_exemplar(t) for t in members):
            first = points.loc[row.exemplars[0], "text"]
            assert is_substantive_exemplar(first), (row.cluster, first)


def test_the_cluster_table_reads_in_words(session: ExploreSession) -> None:
    table = readable_clusters(session.cluster_table())
    assert list(table.columns) == ["cluster", "comments", "share", "shown now", "keywords",
                                   "a typical comment"]  # fmt: skip
    assert all(s.endswith("%") for s in table["share"])


# -- a run that no longer matches the project ------------------------------------------------


def test_new_comments_are_counted_and_reclustering_takes_them_in(project: Project) -> None:
    session = ExploreSession(project)
    assert session.not_in_run == 0
    assert session.non_substantive >= 4, "the demo survey's N/A, nothing, -, ..."
    assert "non-substantive answers left out" in session.status()
    lines = [
        {"id": f"new{n}", "author": "someone_new", "body": body, "created_utc": 1773000000 + n,
         "score": 1, "parent_id": "t3_new", "link_id": "t3_new", "subreddit": "Riverside"}
        for n, body in enumerate(["The walk-in car park needs more disabled bays near the door",
                                  "N/A", "Staff at reception were patient with my dad"])
    ]  # fmt: skip
    path = project.root / "later.ndjson"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    project.import_files([path])

    view = ExploreView(ExploreSession(project))
    assert view.session.not_in_run == 2, "N/A is left out of clustering, so not missing"
    assert "2 comments imported since this run are not on the map" in view.freshness.value
    assert "re-cluster" in view.session.status().lower()
    old = view.session.run_id
    steps: list[str] = []
    original = view.progress
    view.progress.observe(lambda change: steps.append(change["new"]), names=["value"])
    view.recluster_button.click()
    assert view.session.run_id != old and view.session.not_in_run == 0
    assert any("Embedding" in s for s in steps) and any("clusters" in s for s in steps)
    assert "Done: run" in view.progress.value or "Done: run" in original.value
    assert "every comment of the project" in view.freshness.value
    assert view.session.run.record["params"]["non_substantive"]["left_out"] >= 5
