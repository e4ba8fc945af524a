"""The event catalogue: every kind round-trips, bad payloads are named, old ones still read."""

from __future__ import annotations

import dataclasses

import pytest

from workbench import events as catalogue
from workbench.errors import EventError

EXAMPLES: list[catalogue.Event] = [
    catalogue.ProjectCreated(name="study", demo=True),
    catalogue.FileImported(file="a.ndjson", format="reddit-dump", import_id=1, rows=4, new=4,
                           skipped={"automoderator": 1}, flagged={"time-unreadable": 2},
                           warnings=["a.ndjson: ..."]),
    catalogue.CommentsEmbedded(model="all-MiniLM-L6-v2", backend="torch", comments=10,
                               embedded=8, cached=2, skipped=0, seconds=1.5, threads=2),
    catalogue.ClusterRunStored(run_id=1, params={"seed": 1}, input_hash="h", clusters=3,
                               outliers=4, model="m"),
    catalogue.CommentsQueued(source="run 1, cluster 2", comment_ids=["a", "b"], added=2,
                             run_id=1),
    catalogue.StoreMigrated(source="/p/workbench.sqlite", target="postgresql://u@h/db",
                            counts={"comments": 4}),
    catalogue.SchemaUpgraded(from_version=1, to_version=3, migrations=["0002_x.sql"]),
    catalogue.ProjectRestored(backup="/b", taken_at="2026-12-05T10:00:00Z",
                              counts={"comments": 4}),
    catalogue.CodebookRevised(version=2, codebook_id="qi", operation="merge", action_id=4,
                              codes=["a", "b", "c"], codings_removed=3, codings_added=2),
    catalogue.CodingsAdded(action_id=5, codings=3, coders=["ann"], codebook_version=2),
    catalogue.CodingsRemoved(action_id=6, codings=1),
    catalogue.ActionUndone(action_id=7, undone=6, codings_restored=1, codings_removed=0),
    catalogue.MemoAdded(memo_id=1, target_kind="code", target_id="trust", action_id=8),
    catalogue.FindingsPublished(out_dir="/srv/app", bundle_id="b1", bundle_sha256="0" * 64,
                                codebook_version=3, min_authors=5, themes=12,
                                hidden_themes=2, quotes=40, quotes_pending=3),
    catalogue.FeedbackImported(app="/srv/app", feedback_ids=["f1", "f2"], memo_ids=[4, 5]),
]  # fmt: skip


def test_every_kind_has_an_example_and_round_trips() -> None:
    assert {type(e) for e in EXAMPLES} == set(catalogue.EVENT_KINDS.values())
    for event in EXAMPLES:
        recorded = catalogue.parse(7, "2026-12-05T10:00:00.000Z", "ann", event.KIND,
                                   event.payload(), event.VERSION)  # fmt: skip
        assert recorded.event == event and recorded.kind == event.KIND
        assert dataclasses.is_dataclass(event) and event.KIND in catalogue.EVENT_KINDS


@pytest.mark.parametrize(
    ("kind", "payload", "version", "message"),
    [
        ("queue-add", {"source": "s", "comment_ids": ["a"]}, 1,
         "event 3: event 'queue-add': required field 'added' is missing"),
        ("queue-add", {"source": "s", "comment_ids": [1], "added": 1}, 1,
         "field 'comment_ids' should be"),
        ("queue-add", {"source": "s", "comment_ids": [], "added": True}, 1, "field 'added'"),
        ("queue-add", {"source": "s", "comment_ids": [], "added": 0, "who": "x"}, 1,
         r"unknown fields \['who'\]"),
        ("import", {"file": "f", "format": "csv", "import_id": 1}, 3,
         "payload version 3; this workbench reads up to 2: upgrade"),
        ("coded", {}, 1, "event 3: unknown kind 'coded'; known: "),
        ("project-created", ["not", "an", "object"], 1, "payload should be an object"),
    ],
)  # fmt: skip
def test_bad_payloads_are_named(kind: str, payload: object, version: int, message: str) -> None:
    with pytest.raises(EventError, match=message):
        catalogue.parse(3, "2026-12-05T10:00:00.000Z", "ann", kind, payload, version)


def test_version_1_import_events_still_read() -> None:
    """Events written before ``flagged`` existed (payload version 1) read with defaults."""
    old = {"file": "a.csv", "format": "csv", "import_id": 1, "sha256": "00", "rows": 2,
           "new": 2, "updated": 0, "duplicate": 0, "gaps": 0, "skipped": {}, "warnings": []}
    recorded = catalogue.parse(1, "2026-01-01T00:00:00.000Z", "ann", "import", old, 1)
    assert recorded.event.flagged == {} and recorded.event.rows == 2


def test_replay_calls_handlers_in_order_and_passes_other_kinds() -> None:
    trail = [catalogue.parse(i, "t", "ann", e.KIND, e.payload(), e.VERSION)
             for i, e in enumerate(EXAMPLES, 1)]  # fmt: skip
    seen: list[int] = []
    handled = catalogue.replay(trail, {
        catalogue.CommentsQueued: lambda r: seen.append(r.event_id),
        catalogue.ProjectCreated: lambda r: seen.append(r.event_id),
    })  # fmt: skip
    assert handled == 2 and seen == [1, 5]


def test_a_kind_cannot_be_registered_twice() -> None:
    with pytest.raises(RuntimeError, match="registered twice"):

        @catalogue.event_kind
        @dataclasses.dataclass(frozen=True)
        class Again(catalogue.Event):
            KIND = "import"
