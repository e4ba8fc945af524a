"""Reddit loaders: thread pages, permalinks, listings, morechildren and NDJSON dumps."""

from __future__ import annotations

import gc
import json
from collections import Counter
from pathlib import Path

import orjson
import pandas as pd
import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench import sources
from workbench.errors import RecordError, SourceError
from workbench.sources import LOADERS, LoadOptions
from workbench.sources.fileio import iter_json_lines, read_sample
from workbench.sources.finish import loader_columns
from workbench.sources.reddit_dump import _TYPED, _Comment, _fill
from workbench.sources.reddit_things import comment_row, post_row, unescape_reddit

from .damage import FUZZ, Damage, Seed, check, check_value, examples, get, load

REDDIT_FORMATS = ("reddit-thread", "reddit-morechildren", "reddit-listing", "reddit-dump")
FUNNY = "thread_r-funny_3hahrw.json"
ANNOUNCEMENTS = "thread_r-announcements_fo7p5b.json"
ASKREDDIT = "permalink_context100_r-AskReddit_6wmniq_dma3mi5.json"
IAMA = "permalink_context100_r-IAmA_57dw9a_d8r4im1.json"
SPEZ = "user_spez_comments_listing.json"


def reddit(shared_fixtures: Path, name: str) -> Path:
    return shared_fixtures / "reddit" / name


def comments(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["kind"] == "comment"]


def attrs(frame: pd.DataFrame) -> list[dict]:
    return [json.loads(a) if isinstance(a, str) else {} for a in frame["attributes"]]


def raw_things(path: Path) -> dict[str, dict]:
    """Every t1 in a thread document by fullname, with Reddit's own nesting depth."""
    found: dict[str, dict] = {}

    def walk(children: list, depth: int) -> None:
        for child in children:
            if child["kind"] == "t1":
                found[child["data"]["name"]] = {**child["data"], "_nesting": depth}
                if child["data"]["replies"]:
                    walk(child["data"]["replies"]["data"]["children"], depth + 1)

    walk(orjson.loads(path.read_bytes())[1]["data"]["children"], 0)
    return found


def assert_tree_consistent(frame: pd.DataFrame) -> None:
    """Depth is the post 0, top-level 1, parent + 1 below (full threads only)."""
    depth = dict(zip(frame["comment_id"], frame["depth"], strict=True))
    for row in comments(frame).itertuples():
        assert row.parent_id in depth, row.comment_id
        assert row.depth == depth[row.parent_id] + 1, row.comment_id


# --- real files ---


def test_funny_thread(shared_fixtures: Path) -> None:
    path = reddit(shared_fixtures, FUNNY)
    frame = sources.read(path)
    assert frame.attrs["format"] == "reddit-thread"
    assert len(frame) == 477
    assert (frame["kind"] == "comment").sum() == 476
    assert frame["comment_id"].is_unique
    post = frame.iloc[0]
    assert post["kind"] == "post" and post["comment_id"] == "reddit:t3_3hahrw"
    assert post["parent_id"] is pd.NA and post["depth"] == 0
    assert post["url"] == "https://www.reddit.com/r/funny/comments/3hahrw/ba_dum_tsss/"
    post_attrs = json.loads(post["attributes"])
    assert post_attrs["subreddit"] == "funny"
    assert post_attrs["link"] == "http://i.imgur.com/eoF76hj.gifv"
    assert post_attrs["num_comments"] == 543
    # created_utc, not the shifted `created` (+28800 s)
    assert post["created_at"] == pd.Timestamp(1439797480, unit="s", tz="UTC")
    assert (frame["thread_id"] == "reddit:t3_3hahrw").all()
    # Reddit's depth 9 is the workbench's 10 (post 0, top-level comment 1)
    assert frame["depth"].max() == 10
    assert_tree_consistent(frame)
    raw = raw_things(path)
    for row in comments(frame).itertuples():
        thing = raw[row.comment_id.removeprefix("reddit:")]
        assert row.depth == thing["_nesting"] + 1
        assert row.created_at == pd.Timestamp(thing["created_utc"], unit="s", tz="UTC")

    gaps = frame.attrs["gaps"]
    assert len(gaps) == 18  # the file's 18 `more` objects ...
    kinds = Counter(gap["kind"] for gap in gaps)
    assert kinds == {"more": 12, "continue": 6}  # ... 6 of them "continue this thread"
    assert sum(gap["count"] for gap in gaps) == 61
    ids = set(frame["comment_id"])
    for gap in gaps:
        assert gap["platform"] == "reddit" and gap["thread_id"] == "reddit:t3_3hahrw"
        assert gap["parent_id"] in ids
        if gap["kind"] == "continue":
            assert gap["count"] == 0 and gap["children"] == []
        else:
            assert gap["children"] and all(c.startswith("reddit:t1_") for c in gap["children"])
            assert not ids & set(gap["children"])

    deleted = frame[frame["is_deleted"]]
    assert len(deleted) == 6
    assert (deleted["text"] == "").all()
    assert all(a["removal"] == "deleted" for a in attrs(deleted))
    survivors = frame[(frame["kind"] == "comment") & frame["author"].isna() & ~frame["is_deleted"]]
    assert len(survivors) == 10
    assert (survivors["text"].str.len() > 0).all()


def test_funny_thread_entities(shared_fixtures: Path) -> None:
    frame = sources.read(reddit(shared_fixtures, FUNNY)).set_index("comment_id")
    row = frame.loc["reddit:t1_cu5wwkd"]
    assert "&amp;" not in row["text"] and "BdsQBqN7bCw&feature=youtu.be&t=15s" in row["text"]
    assert "&amp;feature" in row["text_raw"]
    quote = frame.loc["reddit:t1_cu5tgzu"]
    assert quote["text"].startswith(">I have a glandular problem!")


def test_announcements_thread(shared_fixtures: Path) -> None:
    path = reddit(shared_fixtures, ANNOUNCEMENTS)
    frame = sources.read(path)
    assert frame.attrs["format"] == "reddit-thread"
    assert (frame["kind"] == "comment").sum() == 492
    gaps = frame.attrs["gaps"]
    assert len(gaps) == 222
    assert Counter(gap["kind"] for gap in gaps) == {"more": 221, "continue": 1}
    assert sum(gap["count"] for gap in gaps) == 3748
    assert frame["text"].map(lambda t: any(ord(c) > 0xFFFF for c in t)).sum() >= 1
    post = json.loads(frame.iloc[0]["attributes"])
    assert [o["text"] for o in post["poll"]["options"]][0] == "Hopeful"
    assert post["distinguished"] == "admin" and "link" not in post
    # the modern JSON carries Reddit's `depth`: ours is that + 1, and the nesting agrees
    raw = raw_things(path)
    for row in comments(frame).itertuples():
        thing = raw[row.comment_id.removeprefix("reddit:")]
        assert row.depth == thing["depth"] + 1 == thing["_nesting"] + 1
        assert row.url == "https://www.reddit.com" + thing["permalink"]
    assert_tree_consistent(frame)
    edited = [a for a in attrs(comments(frame)) if "edited" in a]
    assert len(edited) == 25


def test_iama_permalink_chain_ends_in_continue(shared_fixtures: Path) -> None:
    frame = sources.read(reddit(shared_fixtures, IAMA))
    assert frame.attrs["format"] == "reddit-thread"
    assert (frame["kind"] == "comment").sum() == 145
    (gap,) = frame.attrs["gaps"]
    assert gap["kind"] == "continue" and gap["count"] == 0
    parent = frame.set_index("comment_id").loc[gap["parent_id"]]
    assert parent["depth"] == 10  # Reddit depth 9
    assert frame["depth"].max() == 10
    assert_tree_consistent(frame)
    assert frame["is_deleted"].sum() == 5


def test_askreddit_permalink(shared_fixtures: Path) -> None:
    frame = sources.read(reddit(shared_fixtures, ASKREDDIT))
    assert frame.attrs["format"] == "reddit-thread"
    assert (frame["kind"] == "comment").sum() == 200
    gaps = frame.attrs["gaps"]
    assert len(gaps) == 192 and {g["kind"] for g in gaps} == {"more"}
    assert sum(g["count"] for g in gaps) == 6290
    edited = [a["edited"] for a in attrs(comments(frame)) if "edited" in a]
    assert len(edited) == 13
    assert all(isinstance(e, float) and e > 1.5e9 for e in edited)
    assert_tree_consistent(frame)


def test_user_listing_is_flat(shared_fixtures: Path) -> None:
    frame = sources.read(reddit(shared_fixtures, SPEZ))
    assert frame.attrs["format"] == "reddit-listing"
    assert len(frame) == 100 and (frame["kind"] == "comment").all()
    assert (frame["author"] == "spez").all()
    ids = set(frame["comment_id"])
    top_level = frame["parent_id"] == frame["thread_id"]
    assert top_level.sum() == 11
    assert frame.loc[top_level, "depth"].eq(1).all()
    assert not frame.loc[~top_level, "parent_id"].isin(ids).any()  # parents absent
    assert frame.loc[~top_level, "depth"].isna().all()
    assert frame["thread_id"].str.startswith("reddit:t3_").all()
    assert frame["thread_id"].nunique() > 10
    assert all("link_title" in a and "subreddit" in a for a in attrs(frame))
    assert any("next page" in w for w in frame.attrs["warnings"])


def test_reddit_sniffers_leave_other_platforms_alone(shared_fixtures: Path) -> None:
    for path in sorted(shared_fixtures.rglob("*")):
        if not path.is_file() or path.parent.name == "reddit" or path.suffix in (".md", ".xsd"):
            continue
        sample = read_sample(path)
        for name in REDDIT_FORMATS:
            assert LOADERS[name].sniff(sample) == 0, (name, path.name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [(SPEZ, "reddit-listing"), (FUNNY, "reddit-thread"), (ANNOUNCEMENTS, "reddit-thread")],
)
@pytest.mark.parametrize("sort_keys", [False, True])
def test_detects_minified_documents_beyond_the_sample(
    shared_fixtures: Path, tmp_path: Path, name: str, expected: str, sort_keys: bool
) -> None:
    """One-line JSON larger than the 64 KiB sample, with Reddit's key order or sorted keys."""
    document = orjson.loads(reddit(shared_fixtures, name).read_bytes())
    option = orjson.OPT_SORT_KEYS if sort_keys else 0
    path = tmp_path / "minified.json"
    path.write_bytes(orjson.dumps(document, option=option))
    assert path.stat().st_size > 64 * 1024
    assert sources.detect(path) == expected
    original = sources.read(reddit(shared_fixtures, name))
    assert sources.read(path)["comment_id"].tolist() == original["comment_id"].tolist()


# --- hand-written fixtures ---


def test_morechildren_attaches_to_thread(shared_fixtures: Path, data_dir: Path) -> None:
    path = data_dir / "reddit" / "morechildren_funny_3hahrw.json"
    more = sources.read(path)
    assert more.attrs["format"] == "reddit-morechildren"
    thread = sources.read(reddit(shared_fixtures, FUNNY))
    assert len(more) == 3 and (more["thread_id"] == "reddit:t3_3hahrw").all()
    known = set(thread["comment_id"]) | set(more["comment_id"])
    assert more["parent_id"].isin(known).all()
    hidden = {child for gap in thread.attrs["gaps"] for child in gap["children"]}
    assert {"reddit:t1_cu5ugwp", "reddit:t1_cu5w0qp"} <= hidden
    by_id = more.set_index("comment_id")
    depth = dict(zip(thread["comment_id"], thread["depth"], strict=True))
    assert by_id.loc["reddit:t1_cu5ugwp", "depth"] == depth["reddit:t1_cu5tq8c"] + 1 == 3
    assert by_id.loc["reddit:t1_cu5w0qp", "depth"] == depth["reddit:t1_cu5v77p"] + 1 == 2
    assert by_id.loc["reddit:t1_cu5ugwp", "text"].endswith("\U0001f941")
    removed = by_id.loc["reddit:t1_cu5zzz1"]
    assert removed["is_deleted"] and removed["text"] == "" and removed["author"] is pd.NA
    assert json.loads(removed["attributes"])["removal"] == "removed"
    assert by_id.loc["reddit:t1_cu5w0qp", "url"].endswith("/ba_dum_tsss/cu5w0qp/")
    (gap,) = more.attrs["gaps"]
    assert gap == {
        "platform": "reddit",
        "thread_id": "reddit:t3_3hahrw",
        "parent_id": "reddit:t1_cu5w0qp",
        "kind": "more",
        "count": 3,
        "children": ["reddit:t1_cu5zzz2", "reddit:t1_cu5zzz3"],
    }


def test_morechildren_error_response(tmp_path: Path) -> None:
    path = tmp_path / "more.json"
    path.write_text('{"json": {"errors": [["RATELIMIT", "slow down", "ratelimit"]]}}')
    assert sources.detect(path) == "reddit-morechildren"
    with pytest.raises(SourceError, match=r"more\.json.*RATELIMIT"):
        sources.read(path)


def test_listing_of_posts(data_dir: Path) -> None:
    frame = sources.read(data_dir / "reddit" / "listing_posts.json")
    assert frame.attrs["format"] == "reddit-listing"
    assert list(frame["kind"]) == ["post", "post"]
    assert list(frame["depth"]) == [0, 0]
    assert frame.iloc[0]["title"] == "Is it normal to wait <2 weeks for a GP?"
    first, second = attrs(frame)
    assert first["flair"] == "Health" and "link" not in first and first["over_18"] is False
    assert second["link"] == "https://example.org/article" and second["over_18"] is True
    assert frame.iloc[1]["author"] is pd.NA
    assert frame.attrs["warnings"] == []


def test_small_dump(data_dir: Path) -> None:
    path = data_dir / "reddit" / "dump_small.ndjson"
    frame = sources.read(path)
    assert frame.attrs["format"] == "reddit-dump"
    assert len(frame) == 6 and list(frame["kind"]).count("post") == 1
    rows = frame.set_index("comment_id")
    first = rows.loc["reddit:t1_g1a0001"]
    assert first["created_at"] == pd.Timestamp(1600000000, unit="s", tz="UTC")  # was a string
    assert first["text"] == "Waited 3 weeks & still no reply > typical"
    assert first["text_raw"] == "Waited 3 weeks &amp; still no reply &gt; typical"
    assert first["parent_id"] == first["thread_id"] == "reddit:t3_iabc12"
    assert first["url"] == "https://www.reddit.com/r/CasualUK/comments/iabc12/_/g1a0001/"
    deleted = rows.loc["reddit:t1_g1a0002"]
    assert deleted["is_deleted"] and deleted["text"] == "" and deleted["author"] is pd.NA
    removed = rows.loc["reddit:t1_g1a0003"]
    assert removed["is_deleted"] and removed["author"] == "example_heron"
    assert json.loads(removed["attributes"]) == {
        "subreddit": "CasualUK",
        "removal": "removed",
        "edited": 1600000500,
    }
    survivor = rows.loc["reddit:t1_g1a0004"]  # id only in `name`, ids without prefixes
    assert survivor["author"] is pd.NA and not survivor["is_deleted"]
    assert survivor["text"] == "This reply survived its author"
    assert survivor["parent_id"] == "reddit:t1_g1a0001"
    assert survivor["thread_id"] == "reddit:t3_iabc12" and survivor["score"] == 5
    arctic = rows.loc["reddit:t1_g1a0005"]
    assert "😅" in arctic["text"]
    assert arctic["url"].endswith("/a_question/g1a0005/")
    assert json.loads(arctic["attributes"]) == {
        "subreddit": "CasualUK",
        "is_submitter": True,
        "retrieved_on": 1700000000,
    }
    post = rows.loc["reddit:t3_iabc12"]
    assert post["kind"] == "post" and post["depth"] == 0 and post["parent_id"] is pd.NA
    assert post["title"] == "A question about repeat prescriptions & the app"
    assert post["created_at"] == pd.Timestamp(1599990000, unit="s", tz="UTC")
    # the whole tree is in the file, so depth is derived for every row
    assert rows.loc["reddit:t1_g1a0005", "depth"] == 3


def test_zstd_dump_reads_like_plain(data_dir: Path, tmp_path: Path) -> None:
    plain = data_dir / "reddit" / "dump_small.ndjson"
    packed = tmp_path / "RC_2020-09.zst"
    packed.write_bytes(zstandard.ZstdCompressor(level=3).compress(plain.read_bytes()))
    assert sources.detect(packed) == "reddit-dump"
    pd.testing.assert_frame_equal(sources.read(packed), sources.read(plain))


def test_zstd_dump_of_several_frames_is_read_whole(data_dir: Path, tmp_path: Path) -> None:
    # pzstd and concatenated dumps hold one frame per chunk: every frame is read, and
    # a frame cut short is an error even when the frames before it are whole
    plain = data_dir / "reddit" / "dump_small.ndjson"
    lines = plain.read_bytes().splitlines(keepends=True)
    half = len(lines) // 2
    packer = zstandard.ZstdCompressor(level=3)
    packed = tmp_path / "RC_2020-09.zst"
    frames = [packer.compress(b"".join(part)) for part in (lines[:half], lines[half:])]
    packed.write_bytes(b"".join(frames))
    pd.testing.assert_frame_equal(sources.read(packed), sources.read(plain))
    packed.write_bytes(packed.read_bytes()[:-5])  # the last frame cut short
    with pytest.raises(SourceError, match=r"RC_2020-09\.zst: the zstandard data is damaged"):
        sources.read(packed, format="reddit-dump")


def test_truncated_last_line_is_skipped(data_dir: Path) -> None:
    frame = sources.read(data_dir / "reddit" / "dump_truncated.ndjson")
    assert list(frame["comment_id"]) == [f"reddit:t1_h2b000{i}" for i in (1, 2, 3)]
    assert frame.attrs["skipped"] == [("truncated_last_line", "line 4")]


def test_malformed_middle_line_is_located(data_dir: Path) -> None:
    path = data_dir / "reddit" / "dump_malformed.ndjson"
    with pytest.raises(RecordError) as info:
        sources.read(path, format="reddit-dump")
    assert "dump_malformed.ndjson" in str(info.value) and "line 2" in str(info.value)


GOOD = {
    "id": "p5e0001",
    "author": "example_newt",
    "body": "fine",
    "created_utc": 1640000000,
    "score": 1,
    "parent_id": "t3_pqr123",
    "link_id": "t3_pqr123",
    "subreddit": "AskUK",
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"body": 42}, "field 'body' should be text, found int 42"),
        ({"body": ["a"]}, "field 'body' should be text"),
        ({"created_utc": "yesterday"}, "field 'created_utc' is not a time"),
        ({"created_utc": True}, "field 'created_utc' is not a time"),
        ({"score": "many"}, "field 'score' should be a whole number"),
        ({"author": 5}, "field 'author' should be text"),
        ({"author": {"name": "x"}}, "field 'author' should be text"),
        ({"id": None}, "field 'id' is missing"),
        ({"link_id": None}, "field 'link_id' is missing"),
        ({"parent_id": ["t1_x"]}, "field 'parent_id' should be text"),
        ({"id": ["x"]}, "field 'id' should be text"),
    ],
)
def test_wrong_types_name_field_and_line(tmp_path: Path, change: dict, expected: str) -> None:
    path = tmp_path / "RC_bad.ndjson"
    bad = {**GOOD, **change}
    lines = [GOOD, GOOD, bad, GOOD]
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    with pytest.raises(RecordError) as info:
        sources.read(path)
    message = str(info.value)
    assert "RC_bad.ndjson" in message and "line 3" in message and expected in message


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b"[1, 2]", "expected a JSON object, found list"),
        (b'"text"', "expected a JSON object, found str"),
        (b"17", "expected a JSON object, found int"),
        (b'{"kind": "t1", "data": {}}', "neither a comment (no 'body') nor a submission"),
        (b'{"title": 7, "subreddit": "x", "id": "a"}', "field 'title' should be text"),
    ],
)
def test_odd_lines_are_located(tmp_path: Path, line: bytes, expected: str) -> None:
    path = tmp_path / "dump.ndjson"
    path.write_bytes(orjson.dumps(GOOD) + b"\n" + line + b"\n")
    with pytest.raises(RecordError) as info:
        sources.read(path, format="reddit-dump")
    assert "line 2" in str(info.value) and expected in str(info.value)


def test_dump_batches_and_collector_state(data_dir: Path) -> None:
    path = data_dir / "reddit" / "dump_truncated.ndjson"
    loader = LOADERS["reddit-dump"]
    batches = list(loader.load(path, LoadOptions(batch_size=2)))
    assert [len(b.columns["comment_id"]) for b in batches] == [2, 1]
    assert batches[-1].skipped == [("truncated_last_line", "line 4")]
    assert gc.isenabled()
    gc.disable()
    try:
        list(loader.load(path, LoadOptions(batch_size=2)))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_fast_path_matches_checked_path(data_dir: Path, tmp_path: Path) -> None:
    path = data_dir / "reddit" / "dump_small.ndjson"
    _assert_paths_agree([record for _, record in iter_json_lines(path)], tmp_path)


def test_fast_path_matches_checked_path_on_real_comments(
    shared_fixtures: Path, tmp_path: Path
) -> None:
    listing = orjson.loads(reddit(shared_fixtures, SPEZ).read_bytes())
    _assert_paths_agree([child["data"] for child in listing["data"]["children"]], tmp_path)


def _assert_paths_agree(records: list[dict], tmp_path: Path) -> None:
    """The typed fast path and the checked converters give the same columns."""
    variants = [
        {**GOOD, "body": "[deleted]", "author": "[deleted]"},
        {**GOOD, "body": "x &lt;y&gt; &amp;amp;", "edited": True, "stickied": True},
        {**GOOD, "distinguished": "moderator", "permalink": "/r/AskUK/comments/pqr123/_/p/"},
        {**GOOD, "created_utc": 1640000000.5, "link_title": "A post", "retrieved_on": 1},
        {**GOOD, "id": "p5e0002", "subreddit": "Other", "parent_id": "t1_p5e0001"},
        {**GOOD, "id": "p5e0003", "created_utc": "1640000000", "score": "4"},
        {**GOOD, "id": "p5e0004", "created_utc": 1640000000123, "body": "&gt;&gt; ok"},
        # Values the typed decoder refuses or reads its own way: each must come out
        # as the checked converters make it.
        {**GOOD, "id": "p5e0005", "edited": 1640000100.5, "retrieved_on": 10**20},
        {**GOOD, "id": "p5e0006", "stickied": 1, "is_submitter": None, "permalink": None},
        {**GOOD, "id": "p5e0007", "link_id": "pqr123", "parent_id": "pqr123"},
        {**GOOD, "id": "p5e0008", "parent_id": "p5e0001", "score": 5.0},
        {**GOOD, "id": "p5e0009", "created_utc": None, "distinguished": {"k": 1}},
        {**GOOD, "id": "p5e0010", "subreddit": "", "author": None, "edited": "yes"},
        {**GOOD, "id": "p5e0011", "score": 1 - 2**63, "link_title": None, "retrieved_on": None},
        {**GOOD, "id": "p5e0012", "created_utc": 0, "edited": False, "permalink": "x/y"},
        {key: value for key, value in GOOD.items() if key != "score"} | {"id": "p5e0013"},
        {**GOOD, "id": "p5e0014", "created_utc": 32503680000, "body": "\u00e9t\u00e9 \ud83d\ude00"},
    ]
    records += variants
    dump = tmp_path / "variants.ndjson"
    dump.write_text("".join(json.dumps(record) + "\n" for record in records))
    typed = [value for _, value in iter_json_lines(dump, typed=_TYPED)]
    assert 0 < sum(isinstance(value, _Comment) for value in typed) < len(typed)
    fast = _fill(iter_json_lines(dump, typed=_TYPED), dump, len(records))
    checked = [  # each line as orjson reads it (10**20 becomes a float there)
        comment_row(r, dump, n) if "body" in r else post_row(r, dump, n)
        for n, r in iter_json_lines(dump)
    ]
    assert fast == loader_columns(checked)
    untyped = _fill(iter_json_lines(dump), dump, len(records))  # every record checked
    assert untyped == fast


@pytest.mark.parametrize(
    "change",
    [{"score": 2**63}, {"score": -(2**63)}, {"created_utc": True}, {"created_utc": -5},
     {"created_utc": "soon"}, {"body": 7}, {"id": ""}, {"link_id": None}],
)  # fmt: skip
def test_typed_and_checked_paths_refuse_alike(tmp_path: Path, change: dict) -> None:
    dump = tmp_path / "dump.ndjson"
    dump.write_text(json.dumps(GOOD) + "\n" + json.dumps({**GOOD, **change}) + "\n")
    with pytest.raises(RecordError) as checked:
        list(map(lambda item: comment_row(item[1], dump, item[0]), iter_json_lines(dump)))
    with pytest.raises(RecordError) as typed:
        _fill(iter_json_lines(dump, typed=_TYPED), dump, 2)
    assert str(typed.value) == str(checked.value) and "line 2" in str(typed.value)


@pytest.mark.parametrize("junk", [b'"\xff"', b'"\\ud800"', b"[1, }", b'"\x01"'])
def test_a_line_invalid_anywhere_is_refused_as_before(tmp_path: Path, junk: bytes) -> None:
    """msgspec skips fields its type does not have; orjson still decides validity."""
    path = tmp_path / "dump.ndjson"
    good = orjson.dumps(GOOD)
    path.write_bytes(good + b"\n" + good[:-1] + b', "junk": ' + junk + b"}\n" + good + b"\n")
    with pytest.raises(RecordError, match="line 2") as info:
        sources.read(path, format="reddit-dump")
    assert "is not valid JSON" in str(info.value)


def test_typed_decoder_falls_back_line_by_line_and_then_gives_up(tmp_path: Path) -> None:
    refused = [b"[1, 2]", b'{"body": "x", "link_id": "t3_a"}', b'{"a": "\xff"}', b'{"a": 1}']
    path = tmp_path / "dump.ndjson"
    path.write_bytes(orjson.dumps(GOOD) + b"\n\n" + b"\n".join(refused) + b"\n")
    with pytest.raises(RecordError, match="line 5"):  # invalid UTF-8: orjson decides
        list(iter_json_lines(path, typed=_TYPED))
    del refused[2]
    path.write_bytes(orjson.dumps(GOOD) + b"\n\n" + b"\n".join(refused) + b"\n")
    values = list(iter_json_lines(path, typed=_TYPED))
    assert [number for number, _ in values] == [1, 3, 4, 5]
    assert isinstance(values[0][1], _Comment)
    assert values[1:] == [(3, [1, 2]), (4, {"body": "x", "link_id": "t3_a"}), (5, {"a": 1})]
    # A file whose lines mostly do not fit stops paying for the typed attempt.
    calls = []

    class Counting:
        def decode(self, line: bytes) -> object:
            calls.append(line)
            return _TYPED.decode(line)

    path.write_bytes(b'{"title": "a post", "subreddit": "x"}\n' * 2000)
    assert len(list(iter_json_lines(path, typed=Counting()))) == 2000  # type: ignore[arg-type]
    assert len(calls) == 256


def test_unescape_decodes_only_reddits_entities() -> None:
    assert unescape_reddit("a &amp;lt; b &gt; c &lt; d") == "a &lt; b > c < d"
    assert unescape_reddit("https://x.org/?a=1&region=uk&copy=2") == (
        "https://x.org/?a=1&region=uk&copy=2"
    )
    assert unescape_reddit("&#39;&quot;") == "&#39;&quot;"


# --- errors from malformed documents ---


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"[]", "expected [post Listing, comments Listing]"),
        (b'{"kind": "Listing"}', "expected [post Listing, comments Listing]"),
        (b'[{"kind": "Listing", "data": {}}, {}]', "field 'children' is missing"),
        (
            b'[{"kind": "Listing", "data": {"children": [{"kind": "t1", "data": {}}]}}, '
            b'{"kind": "Listing", "data": {"children": []}}]',
            "expected the post (kind 't3')",
        ),
        (b"[1, 2", "is not valid JSON"),
    ],
)
def test_thread_shape_errors(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "thread.json"
    path.write_bytes(content)
    with pytest.raises(SourceError, match="thread.json") as info:
        sources.read(path, format="reddit-thread")
    assert expected in str(info.value)


def test_thread_comment_error_names_json_path(shared_fixtures: Path, tmp_path: Path) -> None:
    document = orjson.loads(reddit(shared_fixtures, FUNNY).read_bytes())
    reply = document[1]["data"]["children"][0]["data"]["replies"]["data"]["children"][1]
    reply["data"]["body"] = {"text": "nested"}
    path = tmp_path / "funny.json"
    path.write_bytes(orjson.dumps(document))
    with pytest.raises(RecordError) as info:
        sources.read(path)
    message = str(info.value)
    assert "funny.json, $[1].data.children[0].data.replies.data.children[1].data" in message
    assert "field 'body' should be text, found dict" in message


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "kind",
                    "data",
                    "children",
                    "replies",
                    "id",
                    "name",
                    "body",
                    "author",
                    "title",
                    "created_utc",
                    "parent_id",
                    "link_id",
                    "json",
                    "things",
                    "count",
                    "score",
                    "subreddit",
                    "selftext",
                    "permalink",
                    "edited",
                    "depth",
                    "errors",
                ]
            ),
            inner,
            max_size=6,
        )
    ),
    max_leaves=25,
)


def _strings(value: object) -> set[str]:
    """Every string (and number, as text) anywhere in a JSON value, keys included."""
    if isinstance(value, dict):
        return set(value).union(*(_strings(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value))
    return {str(value)} if value is not None else set()


def _things(value: object) -> int:
    """How many ``{"kind": "t1" | "t3", "data": {...}}`` things a JSON value holds."""
    if isinstance(value, list):
        return sum(_things(v) for v in value)
    if not isinstance(value, dict):
        return 0
    own = value.get("kind") in ("t1", "t3") and isinstance(value.get("data"), dict)
    return own + sum(_things(v) for v in value.values())


@settings(FUZZ, max_examples=examples(150))
@given(value=JSON, name=st.sampled_from(REDDIT_FORMATS))
def test_any_input_is_rejected_or_read_faithfully(tmp_path_factory, value, name) -> None:
    """Arbitrary JSON: a located error, or rows that come from the input, none dropped.

    Rows may not be invented (every comment id is a string of the input) and a
    comment may not vanish without a word: a dump line becomes a row or is
    reported; a document holding Reddit things but giving nothing is an error.
    """
    path = tmp_path_factory.mktemp("fuzz") / "input.json"
    if name == "reddit-dump":
        path.write_bytes(orjson.dumps(GOOD) + b"\n" + orjson.dumps(value) + b"\n")
    else:
        path.write_bytes(orjson.dumps(value))
    outcome = load(path, name)
    if outcome.error is not None:
        assert "input.json" in outcome.error, outcome.error
        return
    frame, strings = outcome.frame, _strings(value) | {GOOD["id"]}
    for cid in frame["comment_id"]:
        assert cid.split("_", 1)[1] in strings or cid.split(":", 1)[1] in strings, (cid, value)
    reported = outcome.skipped + outcome.flagged + outcome.gaps + outcome.warnings
    if name == "reddit-dump":
        assert len(frame) == 2 or any("line 2" in str(r) for r in reported), (value, outcome)
    elif _things(value):
        assert len(frame) or reported, f"{value!r} gave no rows and no word: {outcome}"


MUTATIONS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.text(max_size=6)
    | st.just([])
    | st.just({})
)


_IAMA_SEED: dict[str, Seed] = {}


@settings(FUZZ, max_examples=examples(150))
@given(data=st.data())
def test_mutated_real_thread_is_rejected_reported_or_visible(shared_fixtures, data):
    """One field of a real permalink view swapped: see tests/damage.py for the check."""
    if "seed" not in _IAMA_SEED:
        raw = reddit(shared_fixtures, IAMA).read_bytes()
        _IAMA_SEED["seed"] = Seed("reddit-thread", raw, ".json", origin=IAMA)
    seed = _IAMA_SEED["seed"]
    document = seed.parsed.value
    chain_path: tuple = (1, "data", "children", 0)
    chain = document[1]["data"]["children"][0]
    for _ in range(data.draw(st.integers(0, 6))):
        replies = chain["data"].get("replies")
        if not isinstance(replies, dict) or not replies["data"]["children"]:
            break
        chain = replies["data"]["children"][0]
        chain_path += ("data", "replies", "data", "children", 0)
    target = data.draw(
        st.sampled_from([chain_path, (*chain_path, "data"), (0, "data", "children", 0, "data")])
    )
    key = data.draw(st.sampled_from(sorted(get(document, target))))
    check_value(seed, (*target, key), data.draw(MUTATIONS))


def test_cut_zstandard_dump_is_not_read_silently(data_dir: Path) -> None:
    # Found by the property tests: a .zst dump cut short (an interrupted download)
    # decompresses to nothing, or to less, without an error: the missing comments are
    # never mentioned. It must be rejected, or the cut reported.
    plain = data_dir / "reddit" / "dump_small.ndjson"
    seed = Seed("reddit-dump", plain.read_bytes(), ".zst", origin=plain.name)
    packed = zstandard.ZstdCompressor(level=3).compress(seed.data)
    for cut in (len(packed) // 2, len(packed) - 3):
        damage = Damage(packed[:cut], f"zstandard file cut to {cut} of {len(packed)} bytes",
                        seed.baseline, must_reject=True)  # fmt: skip
        check(seed.load(damage.data), damage, seed)


def test_morechildren_without_data_is_not_read_silently(data_dir: Path) -> None:
    # Found by the property tests: a response whose "json" object has neither "data"
    # nor "errors" imports as zero comments without a word.
    path = data_dir / "reddit" / "morechildren_funny_3hahrw.json"
    seed = Seed("reddit-morechildren", path.read_bytes(), ".json", origin=path.name)
    check_value(seed, ("json",), {"unexpected": True})
