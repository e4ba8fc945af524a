"""Reading in a worker process: same rows, same languages, same errors, project untouched."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench import pipeline
from workbench.errors import RecordError
from workbench.language import UNDETERMINED, detect_languages, label_columns
from workbench.project import Project
from workbench.sources import Batch
from workbench.sources.finish import DepthMemory, derive_depths

from .test_language import AWKWARD


@pytest.fixture()
def always_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 0)


def _rows(path: Path, batch_size: int = 2, **options: bool) -> list[tuple]:
    name, batches = pipeline.produce_batches(path, "auto", None, batch_size, **options)
    out = []
    for columns, _ in batches:
        out.extend(zip(*columns.values(), strict=True))
    return [name, *sorted(out)]


def _labelled(path: Path, batch_size: int, **options: bool) -> tuple[list[dict], int]:
    """Every batch's columns, in order, and the count of rows labelled on the way."""
    _, batches = pipeline.produce_batches(path, "auto", None, batch_size, **options)
    found = [columns for columns, _ in batches]
    return found, batches.languages_labelled


@pytest.fixture()
def multilingual_dump(tmp_path: Path) -> Path:
    """A Reddit dump of awkward texts in many languages, some deleted, some repeated."""
    path = tmp_path / "multilingual.ndjson"
    texts = [text for text in AWKWARD if text]
    with open(path, "wb") as out:
        for i in range(600):
            body = "[deleted]" if i % 37 == 5 else texts[(i * 7) % len(texts)]
            row = {"id": f"m{i}", "author": f"user{i % 13}", "body": body,
                   "created_utc": 1_710_000_000 + i, "score": i % 5,
                   "parent_id": "t3_p1" if i % 3 else f"t1_m{max(i - 1, 0)}",
                   "link_id": "t3_p1", "subreddit": "Riverside"}
            out.write(orjson.dumps(row) + b"\n")
    return path


def test_worker_gives_the_same_batches(always_parallel: None, data_dir: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = data_dir / "project" / "dump_b.ndjson"
    in_worker = _rows(path)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 10**12)
    assert in_worker == _rows(path)
    assert in_worker[0] == "reddit-dump" and len(in_worker) == 5


@pytest.mark.parametrize("batch_size", [1, 16, 1000])
def test_worker_and_in_process_label_alike(multilingual_dump: Path, batch_size: int,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 10**12)
    in_process, counted_here = _labelled(multilingual_dump, batch_size)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 0)
    in_worker, counted_there = _labelled(multilingual_dump, batch_size)
    assert in_worker == in_process, "same batches, same columns, same languages"
    langs = [lang for columns in in_process for lang in columns["lang"]]
    deleted = [flag for columns in in_process for flag in columns["is_deleted"]]
    texts = [text for columns in in_process for text in columns["text"]]
    assert counted_here == counted_there == len(texts), "deleted rows are labelled too"
    assert [label or UNDETERMINED for label in detect_languages(texts)] == langs
    assert len(set(langs)) > 10 and None not in langs
    assert {lang for lang, flag in zip(langs, deleted, strict=True) if flag} == {UNDETERMINED}


def test_labelling_can_be_turned_off(multilingual_dump: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for threshold in (10**12, 0):  # in-process, then in the worker
        monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", threshold)
        found, counted = _labelled(multilingual_dump, 50, detect_language=False)
        assert counted == 0
        assert {lang for columns in found for lang in columns["lang"]} == {None}
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 10**12)
    off = _rows(multilingual_dump, 50, detect_language=False)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 0)
    assert _rows(multilingual_dump, 50, detect_language=False) == off


def test_platform_languages_are_kept(always_parallel: None, data_dir: Path) -> None:
    path = data_dir / "mastodon" / "context.json"
    name, batches = pipeline.produce_batches(path, "auto", None, 50)
    found = [columns for columns, _ in batches]
    _, plain = pipeline.produce_batches(path, "auto", None, 50, detect_language=False)
    given = [lang for columns, _ in plain for lang in columns["lang"]]
    labelled = [lang for columns in found for lang in columns["lang"]]
    assert any(given)
    assert all(lang == known for lang, known in zip(labelled, given, strict=True) if known)
    assert batches.languages_labelled == given.count(None)


def test_a_batch_awaited_early_is_finished_by_the_caller() -> None:
    texts = [text for text in AWKWARD if text] * 200
    rows = len(texts)
    columns = {"comment_id": list(range(rows)), "text": texts, "lang": [None] * rows,
               "is_deleted": [False] * rows}
    looks = iter([False, False, True])
    annotate = pipeline.Annotator(True, None)
    done, labelled = annotate.until_awaited(columns, Batch(), lambda: next(looks))
    assert done == labelled == 2 * pipeline.LABEL_CHUNK < rows
    assert columns["lang"][done - 1] is not None and columns["lang"][done:] == [None] * (
        rows - done)
    label_columns(columns, done)
    whole = dict(columns, lang=[None] * rows)
    label_columns(whole)
    assert columns["lang"] == whole["lang"]
    nothing = dict(columns, lang=[None] * rows)
    assert annotate.until_awaited(nothing, Batch(), lambda: True) == (0, 0)


def test_requests_count_batches_asked_for() -> None:
    read, write = os.pipe()
    try:
        requests = pipeline._Requests(read)
        assert not requests.awaited()
        os.write(write, b"r")
        assert requests.awaited(), "asked for the batch not yet sent"
        requests.sent += 1
        assert not requests.awaited()
        os.write(write, b"rr")
        requests.sent += 1
        assert requests.awaited()
        requests.sent += 1
        os.close(write)
        write = -1
        assert requests.awaited(), "a caller that stopped listening waits for nothing more"
    finally:
        os.close(read)
        if write >= 0:
            os.close(write)


@pytest.mark.parametrize("detect_language", [True, False])
def test_worker_errors_cross_the_process_boundary(always_parallel: None, data_dir: Path,
                                                  detect_language: bool) -> None:
    path = data_dir / "project" / "dump_bad_middle.ndjson"
    _, batches = pipeline.produce_batches(path, "auto", None, 1,
                                          detect_language=detect_language)
    with pytest.raises(RecordError) as caught:
        list(batches)
    assert caught.value.record == "line 2"
    assert "dump_bad_middle.ndjson" in str(caught.value)


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


def test_an_import_labels_as_it_reads(always_parallel: None, multilingual_dump: Path,
                                      tmp_path: Path) -> None:
    with Project.init(tmp_path / "on") as project:
        first = project.import_files([multilingual_dump])
        labelled = project.comments(private=True).set_index("comment_id")["lang"]
        again = project.import_files([multilingual_dump])
        assert again.totals()["duplicate"] == again.totals()["rows"] == 600, (
            "labels given while reading equal the stored ones: nothing counts as updated"
        )
    assert first.languages_detected == 600
    with Project.init(tmp_path / "off") as project:
        project.settings["detect_language"] = False
        project.import_files([multilingual_dump])
        assert project.comments()["lang"].isna().all(), "the setting turns labelling off"
        assert project.detect_languages() == 600, "the pass after an import labels the rest"
        later = project.comments(private=True).set_index("comment_id")["lang"]
    assert later.sort_index().equals(labelled.sort_index())


def test_the_reader_flags_non_substantive_answers_in_both_paths(
        data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from workbench.substance import NON_SUBSTANTIVE, SubstanceRule

    lines = [orjson.dumps({"id": f"c{i}", "link_id": "t3_x", "parent_id": "t3_x", "author": "a",
                         "created_utc": 1700000000 + i, "subreddit": "r",
                         "body": text}).decode() for i, text in enumerate(
        ["N/A", "A real answer about waiting times", "-", "did not answer.", "👍"])]
    dump = tmp_path / "dump.ndjson"
    dump.write_text("\n".join(lines) + "\n")
    rule = SubstanceRule(["n/a", "did not answer"], min_chars=2)
    found = {}
    for threshold in (0, 10**12):  # the reader process, then in-process
        for labelling in (True, False):  # without labelling the caller flags every row
            monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", threshold)
            _, batches = pipeline.produce_batches(dump, "reddit-dump", None, 2, substance=rule,
                                                  detect_language=labelling)  # fmt: skip
            found[threshold, labelling] = sorted(
                ref for _c, b in batches for reason, ref in b.flagged if reason == NON_SUBSTANTIVE
            )
    assert set(map(tuple, found.values())) == {("reddit:t1_c0", "reddit:t1_c2", "reddit:t1_c3")}
    # A batch annotated in two parts (the reader's chunks, then the caller's rest)
    # gets the flags of one pass, in row order.
    _, whole = pipeline.read_batches(dump, "reddit-dump", None, 10, detect_language=False)
    columns, _ = next(whole)
    batch = Batch()
    annotate = pipeline.Annotator(True, rule)
    annotate(columns, batch, 0, 3)
    annotate(columns, batch, 3)
    assert [ref for _, ref in batch.flagged] == ["reddit:t1_c0", "reddit:t1_c2", "reddit:t1_c3"]
    assert None not in columns["lang"]


def _depths_row_by_row(ids: list, parents: list, threads: list, kinds: list, given: list,
                       known: dict) -> list:
    """derive_depths's contract read plainly: a parent's depth plus one, row by row."""
    position = {cid: i for i, cid in enumerate(ids)}

    def depth(i: int, seen: frozenset) -> int | None:
        if given[i] is not None:
            return given[i]
        if kinds[i] == "post" or parents[i] is None:
            return 0
        if parents[i] == threads[i]:
            return 1
        j = position.get(parents[i])
        if j is None:
            above = known.get(parents[i])
        elif j in seen:
            return None  # a reply loop
        else:
            above = depth(j, seen | {j})
        return None if above is None else above + 1

    return [depth(i, frozenset([i])) for i in range(len(ids))]


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_depths_follow_the_reply_tree(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 14))
    ids = data.draw(st.lists(st.sampled_from([f"c{i}" for i in range(n + 2)]),
                             min_size=n, max_size=n))
    names = [*ids, "t", "u", "gone", "early"]
    parents = data.draw(st.lists(st.one_of(st.none(), st.sampled_from(names)),
                                 min_size=n, max_size=n))
    threads = data.draw(st.lists(st.sampled_from(["t", "u"]), min_size=n, max_size=n))
    kinds = data.draw(st.lists(st.sampled_from(["comment", "post"]), min_size=n, max_size=n))
    given_depths = data.draw(st.lists(st.one_of(st.none(), st.integers(0, 5)),
                                      min_size=n, max_size=n))
    known = {"early": 4}
    expected = _depths_row_by_row(ids, parents, threads, kinds, given_depths, known)
    assert derive_depths(ids, parents, threads, kinds, given_depths, known) == expected
