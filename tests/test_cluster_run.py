"""Cluster runs on a real project: stored, traceable, reproducible, re-usable."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from tests.install_support import packaged_model  # noqa: F401 (a fixture)
from workbench.cluster import ClusterParams, cluster_comments, default_min_cluster_size, load_run
from workbench.errors import ClusterError, StoreError
from workbench.project import Project

# The packaged model is a hard dependency: without it these tests fail, never skip.
pytestmark = pytest.mark.usefixtures("packaged_model")


@pytest.fixture(scope="module")
def clustered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo project clustered once with default parameters (run 1)."""
    from tests.explore_support import clustered_demo_copy

    return clustered_demo_copy(tmp_path_factory, "cluster-run")


def test_a_run_finds_themes_with_keywords_and_exemplars(clustered: Path) -> None:
    with Project.open(clustered) as project:
        run = load_run(project)
        comments = project.comments().set_index("comment_id")
    assert run.n_clusters >= 5
    assert 0.0 <= run.outlier_share < 0.5
    assert run.clusters["cluster"].iloc[-1] == -1  # outliers kept, as their own group
    assert int(run.clusters["size"].sum()) == len(run.members) == run.record["comments"]
    themes = [" ".join(k for k, _ in kws[:10]) for kws in run.clusters["keywords"]]
    assert any("parking" in t or "park" in t for t in themes), themes
    for row in run.clusters.itertuples():
        assert 1 <= len(row.exemplars) <= 5
        members = set(run.members.loc[run.members["cluster"] == row.cluster, "comment_id"])
        assert set(row.exemplars) <= members
        assert all(comments.loc[c, "text"] for c in row.exemplars)
    assert np.isfinite(run.members[["x", "y"]].to_numpy()).all()


def test_runs_record_what_reproduces_them(clustered: Path) -> None:
    with Project.open(clustered) as project:
        record = load_run(project).record
    assert record["params"]["min_cluster_size"] == default_min_cluster_size(record["comments"])
    assert record["params"]["seed"] == 42
    assert record["model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert record["backend"] == "torch"
    assert len(record["input_hash"]) == 32
    assert {"umap-learn", "fast_hdbscan", "scikit-learn", "numpy"} <= set(record["versions"])
    assert {"neighbours", "reduce", "layout", "cluster", "label"} <= set(record["timings"])


def test_reclustering_reuses_the_reduction_and_keeps_older_runs(clustered: Path) -> None:
    with Project.open(clustered) as project:
        first = load_run(project)
        again = cluster_comments(project, ClusterParams(min_cluster_size=6))
        assert again.reused_reduction
        assert again.record["reduction_key"] == first.record["reduction_key"]
        assert again.run_id > first.run_id
        assert again.n_clusters > first.n_clusters
        assert load_run(project, first.run_id).clusters.equals(first.clusters)
        assert len(project.store.runs()) >= 2
        event = project.store.events("cluster").iloc[-1]
        assert event["payload"]["run_id"] == again.run_id
        with pytest.raises(sqlite3.IntegrityError, match="kept for comparison"):
            project.store.connection.execute("DELETE FROM cluster_runs")
        with pytest.raises(StoreError, match="no cluster run 999"):
            load_run(project, 999)


def test_the_same_seed_reproduces_a_run(clustered: Path) -> None:
    import shutil

    with Project.open(clustered) as project:
        first = load_run(project, 1)
        shutil.rmtree(project.cache_dir / "reductions")
        again = cluster_comments(project)
        assert not again.reused_reduction
    a = first.members.set_index("comment_id").sort_index()
    b = again.members.set_index("comment_id").sort_index()
    np.testing.assert_array_equal(a["cluster"], b["cluster"])
    np.testing.assert_allclose(a[["x", "y"]], b[["x", "y"]], atol=1e-4)


def test_parameters_are_checked_with_the_value_and_the_limit() -> None:
    with pytest.raises(ClusterError, match=r"min_cluster_size \(1\) must be between 2"):
        ClusterParams(min_cluster_size=1).resolve(100)
    with pytest.raises(ClusterError, match=r"max_cluster_share \(0\)"):
        ClusterParams(max_cluster_share=0).resolve(100)
    with pytest.raises(ClusterError, match="at least 10 comments"):
        ClusterParams().resolve(3)
    small = ClusterParams().resolve(12)
    assert small["n_neighbors"] == 11 and small["min_cluster_size"] == 5
    assert default_min_cluster_size(100_000) == 158
    assert default_min_cluster_size(10_000_000) == 500


def test_cli_cluster_and_runs(clustered: Path) -> None:
    from click.testing import CliRunner

    from workbench.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["cluster", str(clustered), "--min-cluster-size", "8",
                                  "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout[result.stdout.index("{"):])
    assert data["clusters"] > 0 and 0 <= data["outlier_share"] < 1 and data["run_id"] > 1
    assert data["reused_reduction"] is True
    listed = json.loads(runner.invoke(main, ["runs", str(clustered), "--json"]).stdout)
    assert listed[-1]["run_id"] == data["run_id"] and listed[-1]["min_cluster_size"] == 8
    bad = runner.invoke(main, ["cluster", str(clustered), "--min-cluster-size", "1"])
    assert bad.exit_code == 2 and "min_cluster_size (1)" in bad.output


def test_stored_runs_cannot_be_changed(clustered: Path) -> None:
    with Project.open(clustered) as project:
        db = project.store.connection
        for sql in ("UPDATE cluster_runs SET clusters = 0",
                    "UPDATE cluster_members SET cluster = 0",
                    "DELETE FROM cluster_members", "UPDATE clusters SET size = 0",
                    "DELETE FROM clusters"):
            with pytest.raises(sqlite3.IntegrityError, match="kept for comparison"):
                db.execute(sql)


def test_runs_remember_how_their_vectors_were_made(clustered: Path) -> None:
    with Project.open(clustered) as project:
        made_with = load_run(project).record["params"]["embedding"]
    assert made_with == {"model": "all-MiniLM-L6-v2", "long_texts": "chunk"}


def test_too_few_comments_is_refused_before_any_embedding(tmp_path: Path) -> None:
    source = tmp_path / "few.csv"
    source.write_text("id,text\n1,Parking is hard\n2,Buses are late\n3,Staff were kind\n",
                      encoding="utf-8")
    from workbench.sources import ColumnMapping

    with Project.init(tmp_path / "p") as project:
        project.import_files([source], format="csv",
                             mapping=ColumnMapping(text_column="text", id_column="id"))
        with pytest.raises(ClusterError, match="at least 10 comments with text, found 3"):
            cluster_comments(project)
        assert project.store.events("embed").empty
        with pytest.raises(ClusterError, match=r"min_cluster_size \(0\)"):
            ClusterParams(min_cluster_size=0).resolve(50)
