"""X / Twitter loaders: account archives, API v2 pages and streams, twarc2 flatten output."""

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
from workbench.sources.replychains import iso639_1, thread_roots

from .damage import FUZZ, Seed, check_value, examples

ARCHIVE_NAME = "x-archive_milahu104_tweets.js"


def attrs(frame: pd.DataFrame) -> list[dict]:
    return [json.loads(a) if isinstance(a, str) else {} for a in frame["attributes"]]


def by_id(frame: pd.DataFrame) -> dict[str, dict]:
    records = frame.to_dict("records")
    for record in records:
        raw = record["attributes"]
        record["attributes"] = json.loads(raw) if isinstance(raw, str) else {}
    return {r["comment_id"]: r for r in records}


# --------------------------------------------------------------------------- real archive


@pytest.fixture(scope="module")
def archive(shared_fixtures: Path) -> pd.DataFrame:
    return sources.read(shared_fixtures / "twitter" / ARCHIVE_NAME)


def test_archive_is_detected(shared_fixtures: Path) -> None:
    assert sources.detect(shared_fixtures / "twitter" / ARCHIVE_NAME) == "x-archive"


def test_archive_counts_match_the_readme(archive: pd.DataFrame) -> None:
    assert len(archive) == 1110
    assert archive["comment_id"].is_unique
    assert (archive["platform"] == "x").all()
    assert sum(a.get("is_retweet", False) for a in attrs(archive)) == 127
    replies = archive[archive["kind"] == "comment"]
    assert len(replies) == 972
    assert replies["parent_id"].notna().all()
    # 35 replies have their parent in the file; two of them answer the same tweet.
    present = replies["parent_id"].isin(set(archive["comment_id"]))
    assert present.sum() == 35
    assert replies.loc[present, "parent_id"].nunique() == 34


def test_archive_times_numbers_and_first_tweet(archive: pd.DataFrame) -> None:
    first = by_id(archive)["x:2029905358261502168"]
    assert first["created_at"] == pd.Timestamp("2026-03-06 13:02:05", tz="UTC")
    assert first["parent_id"] == "x:2029903943413772741"
    assert first["score"] == 0
    assert first["lang"] is None  # "qme": media only
    # the t.co link is expanded, the exported text kept in text_raw
    assert first["text"] == "@SamaHoole https://x.com/milahu104/status/2027739112069878026"
    assert first["text_raw"] == "@SamaHoole https://t.co/2UHqruPk7w"
    assert archive["created_at"].notna().all()
    assert archive["score"].notna().all()


def test_archive_languages(archive: pd.DataFrame) -> None:
    counts = archive["lang"].value_counts(dropna=False)
    assert counts["de"] == 565
    assert counts["en"] == 476
    # und (4), qme (41), qam (6), zxx (1) are not languages
    assert archive["lang"].isna().sum() == 52


def test_archive_entities_are_decoded(archive: pd.DataFrame) -> None:
    escaped = archive["text_raw"].fillna("").str.contains("&gt;|&lt;|&amp;")
    assert escaped.sum() == 223
    assert not archive["text"].str.contains("&gt;|&lt;|&amp;").any()
    last = by_id(archive)["x:2018983909762208056"]
    assert last["text"] == "@SamaHoole #carnivoremaxxing <3"


def test_archive_retweets_are_marked_with_their_user(archive: pd.DataFrame) -> None:
    retweets = [a for a in attrs(archive) if a.get("is_retweet")]
    assert all(a["retweeted_user"] for a in retweets)
    rt_rows = archive[archive["text"].str.startswith("RT @")]
    assert len(rt_rows) == 127
    assert (rt_rows["kind"] == "post").all()
    assert rt_rows["text"].str.endswith("…").sum() == 113  # "most truncated"


def test_archive_threads_follow_replies_within_the_file(archive: pd.DataFrame) -> None:
    rows = by_id(archive)
    for row in rows.values():
        if row["kind"] == "post":
            assert row["thread_id"] == row["comment_id"] and row["parent_id"] is None
            assert row["depth"] == 0
        elif row["parent_id"] in rows:
            assert row["thread_id"] == rows[row["parent_id"]]["thread_id"]
        else:  # the chain leaves the file at its parent
            assert row["thread_id"] == row["parent_id"]
            assert row["depth"] == 1
    assert archive["depth"].max() == 12  # a long self-reply chain


def test_archive_without_account_js_warns_and_leaves_author_empty(
    archive: pd.DataFrame,
) -> None:
    assert archive["author"].isna().all()
    assert any("account.js" in w for w in archive.attrs["warnings"])
    assert archive["url"].str.startswith("https://x.com/i/web/status/").all()


def test_archive_author_comes_from_account_js(shared_fixtures: Path, tmp_path: Path) -> None:
    (tmp_path / "tweets.js").symlink_to(shared_fixtures / "twitter" / ARCHIVE_NAME)
    (tmp_path / "account.js").write_text(
        'window.YTD.account.part0 = [ { "account" : { "username" : "archive_owner" } } ]'
    )
    frame = sources.read(tmp_path / "tweets.js")
    assert (frame["author"] == "archive_owner").all()
    assert frame.attrs["warnings"] == []
    assert frame["url"].iloc[0] == "https://x.com/archive_owner/status/2029905358261502168"


# --------------------------------------------------------------------------- real twarc2


def test_flat_and_noflat_load_to_identical_rows(shared_fixtures: Path) -> None:
    folder = shared_fixtures / "twitter" / "twarc2"
    assert sources.detect(folder / "flat.jsonl") == "x-twarc-flat"
    assert sources.detect(folder / "noflat.jsonl") == "x-api-v2"
    flat = sources.read(folder / "flat.jsonl").sort_values("comment_id", ignore_index=True)
    noflat = sources.read(folder / "noflat.jsonl").sort_values("comment_id", ignore_index=True)
    assert len(flat) == len(noflat) == 100
    columns = [c for c in flat.columns if c != "source_format"]
    pd.testing.assert_frame_equal(flat[columns], noflat[columns])
    assert (flat["source_format"] == "x-twarc-flat").all()
    assert (noflat["source_format"] == "x-api-v2").all()


def test_api_page_rows(shared_fixtures: Path) -> None:
    frame = sources.read(shared_fixtures / "twitter" / "twarc2" / "noflat.jsonl")
    assert frame["author"].notna().all()
    assert sum(a.get("is_retweet", False) for a in attrs(frame)) == 47
    assert (frame["kind"] == "comment").sum() == 31  # conversation_id != id
    assert (frame["thread_id"] != frame["comment_id"]).sum() == 31
    assert not frame["text"].str.contains("&amp;").any()
    assert frame["text_raw"].fillna("").str.contains("&amp;").sum() == 5
    first = by_id(frame)["x:1380242611781386245"]
    assert first["author"] == "Alexandravm12"
    assert first["attributes"]["retweeted_user"] == "williamserafino"
    assert first["attributes"]["retweeted_id"] == "x:1380175475545362437"
    assert first["created_at"] == pd.Timestamp("2021-04-08 19:34:16", tz="UTC")
    # includes.tweets (66 referenced originals) are context, not rows
    assert "x:1380175475545362437" not in set(frame["comment_id"])
    # errors[]: a mentioned user is suspended
    assert frame.attrs["skipped"] == [
        ("resource_not_found", "user gatewaypundit: User has been suspended: [gatewaypundit].")
    ]


def test_stream_capture_with_cut_off_last_line(shared_fixtures: Path) -> None:
    path = shared_fixtures / "twitter" / "twarc2" / "streaming_output_with_error.jsonl"
    assert sources.detect(path) == "x-api-v2"
    frame = sources.read(path)
    assert len(frame) == 7
    assert frame.attrs["skipped"] == [("truncated_last_line", "line 8")]
    assert all(a["matching_rules"] == ["1377649934414049282"] for a in attrs(frame))
    replies = frame[frame["kind"] == "comment"]
    assert len(replies) == 3
    assert (replies["thread_id"] != replies["comment_id"]).all()


def test_flattened_stream_lines_load_like_the_raw_lines(
    shared_fixtures: Path, tmp_path: Path
) -> None:
    """Flattening (author and referenced tweets inlined, rules kept) changes no row."""
    path = shared_fixtures / "twitter" / "twarc2" / "streaming_output_with_error.jsonl"
    flat_lines = []
    for line in path.read_bytes().splitlines()[:-1]:  # the last line is cut off
        page = orjson.loads(line)
        users = {u["id"]: u for u in page["includes"]["users"]}
        tweets = {t["id"]: t for t in page["includes"].get("tweets", [])}
        tweet = page["data"] | {"author": users[page["data"]["author_id"]]}
        tweet["matching_rules"] = page["matching_rules"]
        if "in_reply_to_user_id" in tweet:
            tweet["in_reply_to_user"] = users[tweet["in_reply_to_user_id"]]
        tweet["referenced_tweets"] = [
            ref | tweets.get(ref["id"], {}) for ref in tweet.get("referenced_tweets", [])
        ]
        flat_lines.append(orjson.dumps(tweet))
    flat = tmp_path / "stream_flat.jsonl"
    flat.write_bytes(b"\n".join(flat_lines) + b"\n")
    assert sources.detect(flat) == "x-twarc-flat"
    columns = [c for c in sources.read(path).columns if c != "source_format"]
    pd.testing.assert_frame_equal(sources.read(path)[columns], sources.read(flat)[columns])


def test_edited_tweet_versions_relate_through_edit_group(shared_fixtures: Path) -> None:
    folder = shared_fixtures / "twitter" / "twarc2"
    before = by_id(sources.read(folder / "edited_before.jsonl"))["x:1576994746135764992"]
    after = by_id(sources.read(folder / "edited_after.jsonl"))["x:1576994789110992896"]
    for row in (before, after):
        assert row["attributes"]["edit_group"] == "x:1576994746135764992"
        assert row["attributes"]["edit_history"] == [
            "x:1576994746135764992",
            "x:1576994789110992896",
        ]
    assert before["attributes"]["superseded_by"] == "x:1576994789110992896"
    assert "superseded_by" not in after["attributes"]
    assert after["score"] == 32 and after["lang"] is None  # "qst"
    assert after["thread_id"] == "x:1576994789110992896"  # the new version is its own root
    assert before["text"].startswith("i miss y’all")


# --------------------------------------------------------------------------- hand-written


def test_small_archive_with_account_and_note_tweet(data_dir: Path) -> None:
    frame = sources.read(data_dir / "twitter" / "archive" / "tweets.js")
    assert frame.attrs["format"] == "x-archive"
    assert frame.attrs["warnings"] == []
    rows = by_id(frame)
    assert (frame["author"] == "pond_keeper").all()
    root = rows["x:1800000000000000001"]
    assert root["text"] == "Frogs & toads counted at the pond > 40 https://example.org/pond-survey"
    assert root["score"] == 12 and root["kind"] == "post" and root["depth"] == 0
    assert rows["x:1800000000000000003"]["thread_id"] == "x:1800000000000000001"
    assert rows["x:1800000000000000003"]["depth"] == 2
    assert rows["x:1800000000000000003"]["lang"] is None  # "qam"
    assert rows["x:1800000000000000002"]["lang"] == "de"
    outside = rows["x:1800000000000000005"]
    assert outside["thread_id"] == "x:1799999999999999999"
    assert outside["parent_id"] == "x:1800000000000000004"
    assert outside["attributes"]["reply_to_user"] == "heron_watch"
    retweet = rows["x:1800000000000000006"]["attributes"]
    assert retweet["is_retweet"] and retweet["retweeted_user"] == "kestrel_notes"
    edited = rows["x:1800000000000000008"]["attributes"]
    assert edited["edit_group"] == "x:1800000000000000007"
    long = rows["x:1800000000000000009"]
    assert long["text"].endswith("Next survey: September.")
    assert "& to the school" in long["text"]
    assert long["attributes"]["note_tweet_id"] == "1800000000000000010"


def test_deleted_tweets_keep_their_text(data_dir: Path) -> None:
    frame = sources.read(data_dir / "twitter" / "archive" / "deleted-tweets.js")
    assert frame.attrs["format"] == "x-archive"
    assert frame["is_deleted"].all()
    rows = by_id(frame)
    first = rows["x:1800000000000000020"]
    assert first["text"] == "Typo-ridden post abotu the pond, deleted & redone"
    assert first["attributes"]["deleted_at"] == "2024-06-06T08:02:30Z"
    assert first["author"] == "pond_keeper"
    assert rows["x:1800000000000000021"]["thread_id"] == "x:1800000000000000020"


def test_archive_files_without_tweets_are_skipped_with_reasons(data_dir: Path) -> None:
    likes = sources.read(data_dir / "twitter" / "archive" / "like.js")
    assert len(likes) == 0
    assert likes.attrs["skipped"] == [
        ("archive_like", "tweet 1700000000000000001"),
        ("archive_like", "tweet 1700000000000000002"),
    ]
    assert "nothing imported" in likes.attrs["warnings"][0]
    notes = sources.read(data_dir / "twitter" / "archive" / "note-tweet.js")
    assert len(notes) == 0
    assert notes.attrs["skipped"] == [("note_tweet", "note 1800000000000000010")]
    assert "import tweets.js" in notes.attrs["warnings"][0]


def test_archive_without_prefix_is_read(tmp_path: Path) -> None:
    path = tmp_path / "tweets.json"
    path.write_text(
        '[{"tweet": {"id_str": "5", "full_text": "plain JSON", '
        '"created_at": "Sat Jun 01 09:00:00 +0000 2024", "favorite_count": "1"}}]'
    )
    frame = sources.read(path)
    assert frame.attrs["format"] == "x-archive"
    assert frame["comment_id"].tolist() == ["x:5"]


def test_api_page_document(data_dir: Path) -> None:
    frame = sources.read(data_dir / "twitter" / "api_v2_page.json")
    assert frame.attrs["format"] == "x-api-v2"
    rows = by_id(frame)
    assert len(rows) == 9
    root = rows["x:1900000000000000100"]
    assert root["author"] == "cyclist_ana" and root["score"] == 21
    assert root["text"].startswith("Bike lanes & bus lanes")
    assert root["text"].endswith("https://example.org/mill-road-plan")
    reply = rows["x:1900000000000000101"]
    assert reply["text"] == "@cyclist_ana Finally! <3"
    assert reply["attributes"]["reply_to_user"] == "cyclist_ana"
    long = rows["x:1900000000000000102"]
    assert long["text"].endswith("Third, bus priority at the lights.")  # note_tweet wins
    assert long["depth"] == 2
    retweet = rows["x:1900000000000000103"]["attributes"]
    assert retweet["retweeted_user"] == "walking_city"  # via includes.tweets -> users
    quote = rows["x:1900000000000000104"]
    assert quote["attributes"]["quoted_id"] == "x:1900000000000000901" and quote["lang"] is None
    assert "x:1900000000000000900" not in rows and "x:1900000000000000901" not in rows
    # no conversation_id: the thread is found through the file, else the missing parent
    assert rows["x:1900000000000000105"]["thread_id"] == "x:1900000000000000100"
    assert rows["x:1900000000000000106"]["thread_id"] == "x:1900000000000000999"
    assert rows["x:1900000000000000107"]["attributes"]["superseded_by"] == ("x:1900000000000000108")
    assert frame.attrs["skipped"] == [
        (
            "resource_not_found",
            "tweet 1900000000000000555: Could not find tweet with ids: [1900000000000000555].",
        ),
        (
            "not_authorized_for_resource",
            "tweet 1900000000000000556: Sorry, you are not authorized to see the Tweet "
            "with ids: [1900000000000000556].",
        ),
    ]


def test_json_lines_are_streamed_in_batches(shared_fixtures: Path) -> None:
    path = shared_fixtures / "twitter" / "twarc2" / "flat.jsonl"
    name, batches = sources.iter_batches(path, batch_size=30)
    sizes = [len(columns["comment_id"]) for columns, _ in batches]
    assert name == "x-twarc-flat"
    assert sizes == [30, 30, 30, 10]


def test_duplicate_tweets_are_kept_once(tmp_path: Path) -> None:
    line = orjson.dumps({"id": "7", "text": "same", "author_id": "1", "conversation_id": "7"})
    path = tmp_path / "dupes.jsonl"
    path.write_bytes(line + b"\n" + line + b"\n")
    frame = sources.read(path)
    assert frame["comment_id"].tolist() == ["x:7"]
    assert frame.attrs["skipped"] == [("duplicate", "x:7")]


# --------------------------------------------------------------------------- bad input

TWEET = {
    "id_str": "11",
    "full_text": "hello",
    "created_at": "Sat Jun 01 09:00:00 +0000 2024",
    "favorite_count": "1",
    "retweet_count": "0",
    "lang": "en",
}


def write_archive(path: Path, records: list) -> Path:
    path.write_bytes(b"window.YTD.tweets.part0 = " + orjson.dumps(records))
    return path


@pytest.mark.parametrize(
    ("change", "record", "quoted"),
    [
        ({"created_at": "yesterday"}, "$[1].tweet", "'yesterday'"),
        ({"favorite_count": "many"}, "$[1].tweet", "'many'"),
        ({"full_text": 42}, "$[1].tweet", "42"),
        ({"id_str": None, "id": None}, "$[1].tweet", "'id'"),
        ({"in_reply_to_status_id_str": ["9"]}, "$[1].tweet", "['9']"),
    ],
)
def test_bad_archive_tweet_names_file_record_and_value(
    tmp_path: Path, change: dict, record: str, quoted: str
) -> None:
    path = write_archive(tmp_path / "tweets.js", [{"tweet": TWEET}, {"tweet": TWEET | change}])
    with pytest.raises(RecordError) as info:
        sources.read(path)
    message = str(info.value)
    assert "tweets.js" in message and record in message and quoted in message


def test_archive_structure_errors(tmp_path: Path) -> None:
    path = write_archive(tmp_path / "tweets.js", [{"tweet": TWEET}, 7])
    with pytest.raises(RecordError, match=r"tweets\.js, \$\[1\]: expected an archive record"):
        sources.read(path)
    path.write_bytes(b'window.YTD.tweets.part0 = {"tweet": {}}')
    with pytest.raises(RecordError, match=r"tweets\.js, \$: should hold a JSON array"):
        sources.read(path)
    path.write_bytes(b'window.YTD.tweets.part0 = [ {"tweet": {"id_str": "1", ')
    with pytest.raises(RecordError, match=r"tweets\.js, line 1, column \d+: is not valid JSON"):
        sources.read(path)


def test_bad_api_lines_name_the_line_and_path(tmp_path: Path) -> None:
    path = tmp_path / "search.jsonl"
    good = {"data": [{"id": "1", "text": "ok", "author_id": "9", "conversation_id": "1"}]}
    bad = {"data": [{"id": "2", "text": ["not", "text"], "author_id": "9"}]}
    path.write_bytes(orjson.dumps(good) + b"\n" + orjson.dumps(bad) + b"\n")
    with pytest.raises(RecordError) as info:
        sources.read(path, format="x-api-v2")
    assert "search.jsonl, line 2, $.data[0]: field 'text'" in str(info.value)
    path.write_bytes(orjson.dumps(good) + b"\n{broken\n" + orjson.dumps(good) + b"\n")
    with pytest.raises(RecordError, match=r"search\.jsonl, line 2: is not valid JSON"):
        sources.read(path, format="x-api-v2")
    path.write_bytes(orjson.dumps({"data": "nope"}) + b"\n")
    with pytest.raises(RecordError, match=r"line 1, \$: field 'data' should be a list"):
        sources.read(path, format="x-api-v2")
    path.write_bytes(b"[1, 2]\n")
    with pytest.raises(RecordError, match=r"line 1, \$: expected an API v2 page"):
        sources.read(path, format="x-api-v2")
    path.write_bytes(orjson.dumps({"data": [], "includes": {"users": {"id": "1"}}}) + b"\n")
    with pytest.raises(RecordError, match=r"line 1, \$\.includes\.users: should be a list"):
        sources.read(path, format="x-api-v2")


def test_bad_flat_reference_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "flat.jsonl"
    tweet = {"id": "3", "text": "x", "author_id": "1", "referenced_tweets": [{"type": "quoted"}]}
    path.write_bytes(orjson.dumps(tweet) + b"\n")
    with pytest.raises(RecordError, match=r"line 1, \$\.referenced_tweets\[0\]: field 'id'"):
        sources.read(path, format="x-twarc-flat")


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
API_TWEET = {
    "id": "21",
    "text": "t",
    "author_id": "9",
    "conversation_id": "20",
    "created_at": "2024-01-01T00:00:00.000Z",
    "referenced_tweets": [{"type": "replied_to", "id": "20"}],
    "public_metrics": {"like_count": 1},
    "edit_history_tweet_ids": ["21"],
    "entities": {"urls": []},
    "note_tweet": {"text": "long"},
    "lang": "en",
}


#: One API v2 page line holding API_TWEET, and one archive file holding TWEET: the
#: seeds the property tests below damage (see tests/damage.py for what they check).
API_SEED = Seed(
    "x-api-v2", orjson.dumps({"data": [API_TWEET]}) + b"\n", ".jsonl", origin="API_TWEET"
)
ARCHIVE_SEED = Seed(
    "x-archive",
    b"window.YTD.tweets.part0 = " + orjson.dumps([{"tweet": TWEET}]),
    ".js",
    origin="TWEET",
)


@settings(FUZZ, max_examples=examples(150))
@given(key=st.sampled_from(sorted(API_TWEET)), value=JSON_VALUES)
def test_any_malformed_api_tweet_is_rejected_reported_or_visible(key: str, value: object) -> None:
    check_value(API_SEED, ("data", 0, key), value)


@settings(FUZZ, max_examples=examples(150))
@given(
    key=st.sampled_from(sorted(TWEET) + ["entities", "edit_info", "retweeted_status"]),
    value=JSON_VALUES,
)
def test_any_malformed_archive_tweet_is_rejected_reported_or_visible(
    key: str, value: object
) -> None:
    check_value(ARCHIVE_SEED, (0, "tweet", key), value)


# --------------------------------------------------------------------------- helpers


def test_language_codes() -> None:
    assert [iso639_1(v) for v in ("en", "pt-BR", "qme", "und", "zxx", "in", "ckb", 3)] == [
        "en",
        "pt",
        None,
        None,
        None,
        "id",
        None,
        None,
    ]


def test_thread_roots_handle_chains_missing_parents_and_loops() -> None:
    roots, cycles = thread_roots({"a": None, "b": "a", "c": "b", "d": "gone", "e": "f", "f": "e"})
    assert roots["c"] == "a" and roots["d"] == "gone"
    assert cycles and roots["e"] == roots["f"]


@pytest.mark.parametrize("value", [5, "marek_ferry"])
def test_flat_author_of_the_wrong_type_is_not_read_silently(data_dir: Path, value) -> None:
    # Found by the property tests: a flattened tweet whose inlined 'author' is not an
    # object is read with no author at all, without a word.
    path = data_dir / "twitter" / "flat_ferry_consultation.jsonl"
    seed = Seed("x-twarc-flat", path.read_bytes(), ".jsonl", origin=path.name)
    check_value(seed, (1, "author"), value)
