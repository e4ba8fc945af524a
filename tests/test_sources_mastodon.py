"""Mastodon loaders: archive outbox.json and REST API statuses / context."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench import sources
from workbench.errors import RecordError
from workbench.sources.mastodon import actor_handle

from .damage import FUZZ, Seed, check_value, examples

WREN = "https://social.example/users/wren/statuses/"


def by_id(frame: pd.DataFrame) -> dict[str, dict]:
    records = frame.to_dict("records")
    for record in records:
        raw = record["attributes"]
        record["attributes"] = json.loads(raw) if isinstance(raw, str) else {}
    return {r["comment_id"]: r for r in records}


# --------------------------------------------------------------------------- real API file


def test_real_post_and_reply(shared_fixtures: Path) -> None:
    path = shared_fixtures / "mastodon" / "api_v1_statuses_post_and_reply.json"
    assert sources.detect(path) == "mastodon-api"
    frame = sources.read(path)
    assert len(frame) == 2
    post, reply = frame.to_dict("records")
    post_id = (
        "mastodon:http://localhost:3000/ap/users/117020566092212359/statuses/117020583245459824"
    )
    assert post["comment_id"] == post_id
    assert post["kind"] == "post" and post["parent_id"] is None and post["depth"] == 0
    assert reply["parent_id"] == post_id and reply["thread_id"] == post_id
    assert reply["kind"] == "comment" and reply["depth"] == 1
    assert post["text"] == "Toot, finally!"
    assert reply["text"] == "@mastodonpy_test_2 same!"  # the mention's HTML is gone
    assert reply["text_raw"].startswith('<p><span class="h-card"')
    assert post["created_at"] == pd.Timestamp("2026-08-01 13:53:15.714", tz="UTC")
    assert reply["created_at"] == pd.Timestamp("2026-08-01 13:53:15.910", tz="UTC")
    assert post["author"] == "@mastodonpy_test_2@localhost:3000"
    assert reply["author"] == "@admin@localhost:3000"
    assert (post["lang"], reply["lang"]) == ("ja", "en")
    assert post["url"] == "http://localhost:3000/@mastodonpy_test_2/117020583245459824"
    assert json.loads(reply["attributes"])["visibility"] == "public"
    assert frame.attrs["skipped"] == [] and frame.attrs["gaps"] == []


# --------------------------------------------------------------------------- outbox


@pytest.fixture(scope="module")
def outbox(data_dir: Path) -> pd.DataFrame:
    return sources.read(data_dir / "mastodon" / "archive" / "outbox.json")


def test_outbox_is_detected(data_dir: Path) -> None:
    assert sources.detect(data_dir / "mastodon" / "archive" / "outbox.json") == "mastodon-outbox"


def test_outbox_notes_become_rows(outbox: pd.DataFrame) -> None:
    rows = by_id(outbox)
    assert sorted(rows) == [f"mastodon:{WREN}11000000000000000{n}" for n in (1, 2, 3, 4, 6)]
    first = rows[f"mastodon:{WREN}110000000000000001"]
    assert first["text"] == "First frogspawn of the year & it's early!\n\nPhotos below."
    assert first["text_raw"].startswith("<p>First frogspawn")
    assert first["attributes"]["content_warning"] == "pond photos, frogspawn"
    assert first["attributes"]["sensitive"] is True
    assert first["attributes"]["visibility"] == "public"
    assert first["author"] == "@wren@social.example"
    assert first["score"] == 14 and first["lang"] == "en"
    assert first["url"] == "https://social.example/@wren/110000000000000001"
    assert first["created_at"] == pd.Timestamp("2024-03-01 09:00:00", tz="UTC")
    poll = rows[f"mastodon:{WREN}110000000000000006"]
    assert poll["attributes"]["poll_options"] == ["Morning", "Evening"]


def test_outbox_visibility_from_addressing(outbox: pd.DataFrame) -> None:
    visibility = {cid[-1]: row["attributes"]["visibility"] for cid, row in by_id(outbox).items()}
    assert visibility == {
        "1": "public",
        "2": "unlisted",
        "3": "followers-only",
        "4": "direct",
        "6": "public",
    }


def test_outbox_reply_chain_and_outside_parent(outbox: pd.DataFrame) -> None:
    rows = by_id(outbox)
    root = f"mastodon:{WREN}110000000000000001"
    third = rows[f"mastodon:{WREN}110000000000000003"]
    assert third["thread_id"] == root and third["depth"] == 2
    assert third["parent_id"] == f"mastodon:{WREN}110000000000000002"
    assert third["text"] == "Nur für Follower: @finch kommst du morgen mit?"
    assert third["lang"] == "de"
    outside = rows[f"mastodon:{WREN}110000000000000004"]
    parent = "mastodon:https://elsewhere.example/users/finch/statuses/42"
    assert outside["parent_id"] == parent and outside["thread_id"] == parent
    assert outside["kind"] == "comment" and outside["depth"] == 1
    assert "content_warning" not in outside["attributes"]  # empty summary


def test_outbox_boosts_and_other_activities_are_skipped(outbox: pd.DataFrame) -> None:
    assert outbox.attrs["skipped"] == [
        ("boost", "https://elsewhere.example/users/finch/statuses/77"),
        ("boost", "https://third.example/users/stork/statuses/9001"),
        ("activity_Like", "https://social.example/users/wren#likes/5"),
    ]


def test_outbox_duplicated_ordered_items_key_keeps_both_copies(
    data_dir: Path, outbox: pd.DataFrame
) -> None:
    raw = (data_dir / "mastodon" / "archive" / "outbox.json").read_bytes()
    last_copy_only = orjson.loads(raw)["orderedItems"]
    assert all("110000000000000001" not in item["id"] for item in last_copy_only)
    assert f"mastodon:{WREN}110000000000000001" in set(outbox["comment_id"])
    warnings = outbox.attrs["warnings"]
    assert any("2 'orderedItems' keys" in w and "1 duplicate(s)" in w for w in warnings)
    assert any("totalItems says 9 but 8 activities" in w for w in warnings)


def test_outbox_total_items_mismatch_alone_is_a_warning(tmp_path: Path) -> None:
    note = {
        "id": "https://a.example/users/x/statuses/1",
        "type": "Note",
        "content": "<p>hi</p>",
        "published": "2024-01-01T00:00:00Z",
        "to": [],
        "cc": [],
    }
    document = {
        "type": "OrderedCollection",
        "totalItems": 5,
        "orderedItems": [{"type": "Create", "object": note}],
    }
    path = tmp_path / "outbox.json"
    path.write_bytes(orjson.dumps(document))
    frame = sources.read(path)
    assert len(frame) == 1 and frame["text"].tolist() == ["hi"]
    assert frame.attrs["warnings"] == [
        "outbox.json: totalItems says 5 but 1 activities were found; the archive may be incomplete"
    ]


def test_outbox_author_from_actor_json_when_uri_has_no_name(tmp_path: Path) -> None:
    actor = "https://social.example/ap/users/117020566092212359"
    note = {
        "id": f"{actor}/statuses/1",
        "type": "Note",
        "content": "x",
        "attributedTo": actor,
        "published": "2024-01-01T00:00:00Z",
    }
    document = {
        "type": "OrderedCollection",
        "totalItems": 1,
        "orderedItems": [{"type": "Create", "actor": actor, "object": note}],
    }
    (tmp_path / "outbox.json").write_bytes(orjson.dumps(document))
    assert sources.read(tmp_path / "outbox.json")["author"].tolist() == [actor]
    (tmp_path / "actor.json").write_bytes(
        orjson.dumps({"id": actor, "type": "Person", "preferredUsername": "wren"})
    )
    assert sources.read(tmp_path / "outbox.json")["author"].tolist() == ["@wren@social.example"]


def test_actor_handles() -> None:
    assert actor_handle("https://social.example/users/wren") == "@wren@social.example"
    assert actor_handle("https://social.example/@wren") == "@wren@social.example"
    assert actor_handle("https://social.example/ap/users/123") is None
    assert actor_handle("not a url") is None


# --------------------------------------------------------------------------- API


def test_context_response(data_dir: Path) -> None:
    path = data_dir / "mastodon" / "context.json"
    assert sources.detect(path) == "mastodon-api"
    frame = sources.read(path)
    rows = by_id(frame)
    root = "mastodon:https://town.example/users/mayor_office/statuses/111000000000000010"
    assert set(frame["thread_id"]) == {root}  # ancestors and descendants, one thread
    kim = rows["mastodon:https://books.example/users/reader_kim/statuses/555"]
    assert kim["parent_id"] == root and kim["author"] == "@reader_kim@books.example"
    assert kim["attributes"]["edited_at"] == "2024-05-10T12:35:00.000Z"
    owl = rows["mastodon:https://town.example/users/night_owl/statuses/111000000000000013"]
    # its parent is the focal status, which the context response leaves out; the
    # focal status's author is local to the server, so its real URI is known
    assert owl["parent_id"] == (
        "mastodon:https://town.example/users/mayor_office/statuses/111000000000000012"
    )
    assert owl["attributes"]["in_reply_to_id"] == "111000000000000012"
    assert owl["depth"] == 3
    assert owl["author"] == "@night_owl@town.example"
    assert owl["attributes"]["visibility"] == "followers-only"
    assert owl["attributes"]["content_warning"] == "opening hours rant"
    assert owl["text"] == "Closing at 5pm & never on weekends?\nUseless for anyone who works."
    assert owl["created_at"] == pd.Timestamp("2024-05-10 13:00:00.789", tz="UTC")
    answer = rows["mastodon:https://town.example/users/mayor_office/statuses/111000000000000014"]
    assert answer["parent_id"] == owl["comment_id"] and answer["depth"] == 4
    assert answer["lang"] == "de" and answer["score"] == 0
    assert frame.attrs["gaps"] == [
        {
            "platform": "mastodon",
            "thread_id": root,
            "parent_id": kim["comment_id"],
            "kind": "more",
            "count": 1,
            "children": [],
        },
        {
            "platform": "mastodon",
            "thread_id": root,
            "parent_id": owl["comment_id"],
            "kind": "more",
            "count": 2,
            "children": [],
        },
    ]


def status(local_id: str, reply_to: str | None = None, **extra: object) -> dict:
    base = {
        "id": local_id,
        "uri": f"https://town.example/users/ann/statuses/{local_id}",
        "url": f"https://town.example/@ann/{local_id}",
        "created_at": "2024-05-10T12:00:00.000Z",
        "in_reply_to_id": reply_to,
        "content": f"<p>status {local_id}</p>",
        "visibility": "public",
        "favourites_count": 2,
        "account": {"acct": "ann", "url": "https://town.example/@ann"},
        "reblog": None,
    }
    return base | extra


def test_timeline_with_boost_and_missing_parent(tmp_path: Path) -> None:
    boosted = status("99") | {"uri": "https://far.example/users/bo/statuses/99"}
    timeline = [status("1"), status("2", "1"), status("3", "50"), status("4", reblog=boosted)]
    path = tmp_path / "timeline.json"
    path.write_bytes(orjson.dumps(timeline))
    frame = sources.read(path)
    rows = by_id(frame)
    assert len(rows) == 3
    assert frame.attrs["skipped"] == [("boost", "https://far.example/users/bo/statuses/99")]
    third = rows["mastodon:https://town.example/users/ann/statuses/3"]
    assert third["parent_id"] == third["thread_id"] == "mastodon:local:50"
    assert third["kind"] == "comment" and third["depth"] == 1


def test_single_status_and_search_results(tmp_path: Path) -> None:
    path = tmp_path / "status.json"
    path.write_bytes(orjson.dumps(status("8")))
    assert sources.read(path)["comment_id"].tolist() == [
        "mastodon:https://town.example/users/ann/statuses/8"
    ]
    path.write_bytes(
        orjson.dumps({"accounts": [], "statuses": [status("8"), status("9", "8")], "hashtags": []})
    )
    frame = sources.read(path, format="mastodon-api")
    assert frame["parent_id"].tolist()[1] == "mastodon:https://town.example/users/ann/statuses/8"


# --------------------------------------------------------------------------- bad input


def test_bad_status_names_file_record_and_value(tmp_path: Path) -> None:
    path = tmp_path / "statuses.json"
    path.write_bytes(orjson.dumps([status("1"), status("2", content=42)]))
    with pytest.raises(RecordError, match=r"statuses\.json, \$\[1\]: .*content.*42"):
        sources.read(path)
    path.write_bytes(orjson.dumps([status("1"), status("2", created_at="soon")]))
    with pytest.raises(RecordError, match=r"statuses\.json, \$\[1\]: field 'created_at'.*'soon'"):
        sources.read(path)
    path.write_bytes(orjson.dumps({"ancestors": [], "descendants": {"id": "1"}}))
    with pytest.raises(RecordError, match=r"\$\.descendants: field 'descendants' should be a list"):
        sources.read(path, format="mastodon-api")
    path.write_bytes(b'"just text"')
    with pytest.raises(RecordError, match=r"statuses\.json, \$: expected a status"):
        sources.read(path, format="mastodon-api")
    path.write_bytes(b'[{"id": "1", "uri": ')
    with pytest.raises(RecordError, match=r"statuses\.json, line 1, column \d+: is not valid JSON"):
        sources.read(path, format="mastodon-api")


def test_bad_outbox_names_file_and_record(tmp_path: Path) -> None:
    path = tmp_path / "outbox.json"
    path.write_bytes(orjson.dumps({"type": "OrderedCollection", "orderedItems": {"a": 1}}))
    with pytest.raises(RecordError, match=r"outbox\.json, \$\.orderedItems: .*'orderedItems'"):
        sources.read(path, format="mastodon-outbox")
    note = {"type": "Note", "content": "<p>no id</p>"}
    path.write_bytes(orjson.dumps({"orderedItems": [{"type": "Create", "object": note}]}))
    with pytest.raises(RecordError, match=r"\$\.orderedItems\[0\]\.object: field 'id' is missing"):
        sources.read(path, format="mastodon-outbox")
    path.write_bytes(orjson.dumps({"orderedItems": ["Create"]}))
    with pytest.raises(RecordError, match=r"\$\.orderedItems\[0\]: expected an activity object"):
        sources.read(path, format="mastodon-outbox")
    path.write_bytes(b'{"orderedItems": [], "orderedItems": [')
    with pytest.raises(RecordError, match=r"outbox\.json, line 1, column \d+: is not valid JSON"):
        sources.read(path, format="mastodon-outbox")


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
NOTE = {
    "id": "https://a.example/users/x/statuses/1",
    "type": "Note",
    "content": "<p>hi</p>",
    "contentMap": {"en": "<p>hi</p>"},
    "published": "2024-01-01T00:00:00Z",
    "inReplyTo": None,
    "attributedTo": "https://a.example/users/x",
    "to": [],
    "cc": [],
    "summary": None,
    "url": "https://a.example/@x/1",
    "likes": {"totalItems": 1},
    "oneOf": [],
    "attachment": [],
}


#: An outbox holding NOTE, and a timeline of a status and its reply: the seeds the
#: property tests below damage (see tests/damage.py for what they check).
OUTBOX_SEED = Seed(
    "mastodon-outbox",
    orjson.dumps({"orderedItems": [{"type": "Create", "object": NOTE}]}),
    ".json",
    origin="NOTE",
)
STATUS_SEED = Seed(
    "mastodon-api", orjson.dumps([status("1"), status("2", "1")]), ".json", origin="statuses"
)


@settings(FUZZ, max_examples=examples(150))
@given(key=st.sampled_from(sorted(NOTE)), value=JSON_VALUES)
def test_any_malformed_note_is_rejected_reported_or_visible(key: str, value: object) -> None:
    check_value(OUTBOX_SEED, ("orderedItems", 0, "object", key), value)


@settings(FUZZ, max_examples=examples(150))
@given(
    key=st.sampled_from(sorted(status("1")) + ["spoiler_text", "media_attachments"]),
    value=JSON_VALUES,
)
def test_any_malformed_status_is_rejected_reported_or_visible(key: str, value: object) -> None:
    check_value(STATUS_SEED, (1, key), value)


# Damage the property tests found imported without a word. Each case is one input
# the loaders must reject (a RecordError naming the field) or report, not read as if
# it were fine: see tests/damage.py for the check.
ARCHIVE_OUTBOX = Seed(
    "mastodon-outbox",
    (Path(__file__).parent / "data" / "mastodon" / "archive" / "outbox.json").read_bytes(),
    ".json",
    origin="archive/outbox.json",
)


@pytest.mark.parametrize(
    ("seed", "path", "value"),
    [
        # the author becomes unknown
        pytest.param(STATUS_SEED, (1, "account"), True, id="status-account-true"),
        pytest.param(STATUS_SEED, (1, "account", "acct"), ["ann"], id="status-acct-list"),
        pytest.param(
            OUTBOX_SEED, ("orderedItems", 0, "object", "attributedTo"), True,
            id="note-attributedTo-true",
        ),
        # true is read as the status id "1"
        pytest.param(STATUS_SEED, (1, "in_reply_to_id"), True, id="status-in_reply_to_id-true"),
        # the image and its description are dropped
        pytest.param(
            ARCHIVE_OUTBOX, ("orderedItems", 0, "object", "attachment"), -3258,
            id="note-attachment-number",
        ),
    ],
)  # fmt: skip
def test_wrong_typed_values_found_by_fuzzing_are_not_read_silently(
    seed: Seed, path: tuple, value: object
) -> None:
    check_value(seed, path, value)


def test_outbox_with_repeated_items_and_an_odd_activity_id_is_a_located_error(
    tmp_path: Path,
) -> None:
    # Found by the property tests: the duplicate count of a repeated 'orderedItems'
    # key hashes every activity id, and an id that is a list raised a bare TypeError.
    note = {"type": "Create", "id": "https://a.example/1/activity", "object": NOTE}
    path = tmp_path / "outbox.json"
    path.write_bytes(
        b'{"orderedItems": ['
        + orjson.dumps(note)
        + b'], "orderedItems": ['
        + orjson.dumps({"type": "Like", "id": [], "object": "https://b.example/2"})
        + b"]}"
    )
    with pytest.raises(RecordError, match=r"outbox\.json"):
        sources.read(path, format="mastodon-outbox")


def test_outbox_activity_repeated_is_read_once_unless_it_differs(tmp_path: Path) -> None:
    create = {"type": "Create", "id": "https://a.example/1/activity", "object": NOTE}
    path = tmp_path / "outbox.json"
    path.write_bytes(orjson.dumps({"orderedItems": [create, create]}))
    frame = sources.read(path, format="mastodon-outbox")
    assert len(frame) == 1
    assert frame.attrs["warnings"] == [
        "outbox.json repeats activities (2 items, 1 duplicate(s) dropped)"
    ]
    changed = create | {"object": NOTE | {"content": "<p>edited</p>"}}
    path.write_bytes(orjson.dumps({"orderedItems": [create, changed]}))
    with pytest.raises(
        RecordError, match=r"outbox\.json, \$\.orderedItems\[1\]: field 'id' .* different activity"
    ):
        sources.read(path, format="mastodon-outbox")


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("attributedTo", [None], "field 'attributedTo' should be a URI"),
        ("inReplyTo", 7, "field 'inReplyTo' should be a URI"),
        ("attachment", -3258, "field 'attachment' should be an attachment object"),
        ("likes", "0", "field 'likes' should be a collection or its URI"),
        ("sensitive", [], "field 'sensitive' should be true or false"),
    ],
)
def test_wrong_typed_note_field_is_named(
    tmp_path: Path, key: str, value: object, problem: str
) -> None:
    path = tmp_path / "outbox.json"
    note = NOTE | {key: value}
    path.write_bytes(orjson.dumps({"orderedItems": [{"type": "Create", "object": note}]}))
    where = r"outbox\.json, \$\.orderedItems\[0\]\.object"
    with pytest.raises(RecordError, match=rf"{where}: {problem}"):
        sources.read(path, format="mastodon-outbox")


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({"in_reply_to_id": True}, "field 'in_reply_to_id' should be an id"),
        ({"account": True}, "field 'account' should be an object"),
        ({"account": {"acct": ["ann"]}}, "field 'acct' should be text"),
        ({"favourites_count": "many"}, "field 'favourites_count' should be a whole number"),
    ],
)
def test_wrong_typed_status_field_is_named(tmp_path: Path, extra: dict, problem: str) -> None:
    path = tmp_path / "statuses.json"
    path.write_bytes(orjson.dumps([status("1"), status("2", "1", **extra)]))
    with pytest.raises(RecordError, match=rf"statuses\.json, \$\[1\](\.account)?: {problem}"):
        sources.read(path)
