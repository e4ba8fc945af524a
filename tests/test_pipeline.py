"""Reading in a worker process: same rows, same errors, project untouched on failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench import pipeline
from workbench.errors import RecordError
from workbench.project import Project
from workbench.sources.finish import DepthMemory, derive_depths


@pytest.fixture()
def always_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 0)


def _rows(path: Path) -> list[tuple]:
    name, batches = pipeline.produce_batches(path, "auto", None, 2)
    out = []
    for columns, _ in batches:
        out.extend(zip(*columns.values(), strict=True))
    return [name, *sorted(out)]


def test_worker_gives_the_same_batches(always_parallel: None, data_dir: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = data_dir / "project" / "dump_b.ndjson"
    in_worker = _rows(path)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 10**12)
    assert in_worker == _rows(path)
    assert in_worker[0] == "reddit-dump" and len(in_worker) == 5


def test_worker_errors_keep_their_location(always_parallel: None, data_dir: Path,
                                           tmp_path: Path) -> None:
    with Project.init(tmp_path / "p") as project:
        project.import_files([data_dir / "project" / "dump_a.ndjson"])
        before = project.stats()
        with pytest.raises(RecordError) as caught:
            project.import_files([data_dir / "project" / "dump_bad_middle.ndjson"])
        assert caught.value.record == "line 2"
        assert "dump_bad_middle.ndjson" in str(caught.value)
        assert project.stats() == before


def test_worker_import_matches_in_process_import(always_parallel: None, data_dir: Path,
                                                 tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    files = [data_dir / "project" / "dump_a.ndjson", data_dir / "project" / "dump_b.ndjson"]
    with Project.init(tmp_path / "worker") as project:
        project.import_files(files)
        worker = project.comments(private=True).drop(columns=["import_id"])
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 10**12)
    with Project.init(tmp_path / "inline") as project:
        project.import_files(files)
        inline = project.comments(private=True).drop(columns=["import_id"])
    assert worker.drop(columns=["author_pseudonym"]).equals(
        inline.drop(columns=["author_pseudonym"]))


def test_depths_carry_across_batches() -> None:
    memory = DepthMemory(capacity=10)
    first = derive_depths(["a", "b"], ["t", "a"], ["t", "t"], ["comment"] * 2, [None] * 2)
    assert first == [1, 2]
    memory.remember(["a", "b"], first)
    later = derive_depths(["c", "d"], ["b", "x"], ["t", "t"], ["comment"] * 2, [None] * 2,
                          memory.depths)
    assert later == [3, None], "a parent from an earlier batch counts; an unknown one does not"


def test_depth_memory_stays_bounded() -> None:
    memory = DepthMemory(capacity=100)
    for start in range(0, 1000, 10):
        ids = [f"c{n}" for n in range(start, start + 10)]
        memory.remember(ids, [1] * 10)
    assert len(memory.depths) <= 100
    assert "c999" in memory.depths and "c0" not in memory.depths


def test_reply_loops_do_not_hang() -> None:
    depths = derive_depths(["a", "b"], ["b", "a"], ["t", "t"], ["comment"] * 2, [None] * 2)
    assert depths == [None, None]
