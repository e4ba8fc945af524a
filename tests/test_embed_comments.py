"""Embedding a project's comments through the cache (real model, real SQLite)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.install_support import packaged_model  # noqa: F401 (a fixture)
from workbench.embed import embed_comments
from workbench.project import Project
from workbench.sources import ColumnMapping

# The packaged model is a hard dependency: without it these tests fail, never skip.
pytestmark = pytest.mark.usefixtures("packaged_model")


def test_second_run_embeds_nothing_and_new_comments_only(demo_copy: Path,
                                                         tmp_path: Path) -> None:
    with Project.open(demo_copy) as project:
        first = embed_comments(project)
        report = first.report
        assert report.backend == "torch"
        assert report.embedded > 300 and report.cached == 0
        assert report.comments + report.skipped == project.stats()["comments"]
        assert len(first.comment_ids) == report.comments == len(first.vectors)
        np.testing.assert_allclose(np.linalg.norm(first.vectors, axis=1), 1.0, atol=2e-3)

        second = embed_comments(project)
        assert second.report.embedded == 0 and second.report.cached == report.comments
        np.testing.assert_array_equal(second.vectors, first.vectors)

        extra = tmp_path / "more.csv"
        extra.write_text("id,text\nn1,The new bus route makes the centre easy to reach\n"
                         "n2,Parking  is impossible after nine\n", encoding="utf-8")
        project.import_files([extra], format="csv",
                             mapping=ColumnMapping(text_column="text", id_column="id"))
        third = embed_comments(project)
        assert third.report.embedded == 2
        assert third.report.cached == report.comments
        row = third.comment_ids.index("csv:n1")
        assert third.texts[row] == "The new bus route makes the centre easy to reach"
        events = project.store.events("embed")
        assert len(events) == 2  # only runs that embedded something are events


def test_deleted_and_empty_comments_get_no_vector(demo_copy: Path) -> None:
    with Project.open(demo_copy) as project:
        frame = project.comments()
        result = embed_comments(project)
        deleted = set(frame.loc[frame["is_deleted"], "comment_id"])
        assert deleted and not deleted & set(result.comment_ids)


def test_cli_embed_reports_counts(demo_copy: Path) -> None:
    from click.testing import CliRunner

    from workbench.cli import main

    runner = CliRunner()
    first = runner.invoke(main, ["embed", str(demo_copy), "--json"])
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout[first.stdout.index("{"):])
    assert data["embedded"] > 0 and data["cached"] == 0
    again = json.loads(runner.invoke(main, ["embed", str(demo_copy), "--json"]).stdout)
    assert again["embedded"] == 0 and again["cached"] == data["comments"]
    bad = runner.invoke(main, ["embed", str(demo_copy), "--model", "/no/such/folder/x"])
    assert bad.exit_code == 2 and "no/such/folder" in bad.output


def test_auto_keeps_the_backend_a_project_already_uses(demo_copy: Path, monkeypatch,
                                                       tmp_path: Path) -> None:
    from workbench.embed import encoder_for

    with Project.open(demo_copy) as project:
        embed_comments(project, encoder=encoder_for(project, backend="torch"))
        machine = tmp_path / "machine"
        monkeypatch.setenv("WORKBENCH_CACHE_HOME", str(machine))
        result = embed_comments(project, encoder=encoder_for(project, backend="auto"))
    assert result.report.backend == "torch" and result.report.embedded == 0
    assert not (machine / "backend-choice.json").exists()  # nothing was measured


def test_an_empty_project_embeds_nothing(tmp_path: Path) -> None:
    with Project.init(tmp_path / "p") as project:
        result = embed_comments(project)
    assert result.report.comments == 0 and result.vectors.shape[0] == 0
