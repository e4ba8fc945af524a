"""YouTube Data API v3 responses and Google Takeout comments.csv."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pandas as pd
import pytest

from workbench import sources
from workbench.errors import RecordError, SourceError
from workbench.sources.youtube import takeout_text

from .damage import Seed, check_value, random_path


@pytest.fixture(scope="module")
def youtube(shared_fixtures: Path) -> Path:
    return shared_fixtures / "youtube"


def attrs(value: object) -> dict:
    return json.loads(value) if isinstance(value, str) else {}


# --- real API responses ---------------------------------------------------------------


def test_single_thread(youtube: Path) -> None:
    frame = sources.read(youtube / "comment_thread_single.json")
    assert frame.attrs["format"] == "youtube-api"
    row = frame.iloc[0]
    assert row["comment_id"] == "youtube:UgxKREWxIgDrw8w2e_Z4AaABAg"
    assert row["thread_id"] == row["parent_id"] == "youtube:video:D-lhorsDlUQ"
    assert row["depth"] == 1 and row["kind"] == "comment" and row["platform"] == "youtube"
    assert row["text"].startswith("Super video !!!\nWith full power")  # textOriginal, plain
    assert "<br" not in row["text"]
    assert row["url"] == (
        "https://www.youtube.com/watch?v=D-lhorsDlUQ&lc=UgxKREWxIgDrw8w2e_Z4AaABAg"
    )
    assert row["created_at"] == pd.Timestamp("2019-04-20T01:03:39Z")
    assert attrs(row["attributes"])["author_channel_id"] == "UClfzT4CU_yaZjJaI4pKqSjQ"
    assert "edited" not in attrs(row["attributes"])
    assert frame.attrs["gaps"] == []


def test_paged_threads_contain_identical_items(youtube: Path) -> None:
    first = sources.read(youtube / "comment_threads_by_video_paged_1.json")
    second = sources.read(youtube / "comment_threads_by_video_paged_2.json")
    assert len(first) == 5
    pd.testing.assert_frame_equal(first, second)  # same items give the same rows
    assert set(first["thread_id"]) == {"youtube:video:F1UP7wRCPH8"}
    texts = dict(zip(first["comment_id"], first["text"], strict=True))
    assert texts["youtube:UgyZ1jqkHKYvi1-ruOZ4AaABAg"] == "Google.com"  # not the <a> markup
    assert texts["youtube:UgwI_ylXVnzPS8Q-oAV4AaABAg"].startswith("Lot's of good light")
    # page 1 announces a next page; the thread with 2 replies includes none of them
    assert any("nextPageToken" in w for w in first.attrs["warnings"])
    assert first.attrs["gaps"] == [
        {
            "platform": "youtube",
            "thread_id": "youtube:video:F1UP7wRCPH8",
            "parent_id": "youtube:UgwI_ylXVnzPS8Q-oAV4AaABAg",
            "kind": "more",
            "count": 2,
            "children": [],
        }
    ]


def test_pages_in_one_file_are_deduplicated(youtube: Path, tmp_path: Path) -> None:
    pages = [json.loads((youtube / f"comment_threads_by_video_paged_{n}.json").read_text())
             for n in (1, 2)]  # fmt: skip
    combined = tmp_path / "both_pages.json"
    combined.write_text(json.dumps(pages))
    frame = sources.read(combined)
    assert len(frame) == 5 and frame["comment_id"].is_unique
    assert [reason for reason, _ in frame.attrs["skipped"]] == ["duplicate"] * 5
    assert any("5 repeated" in w for w in frame.attrs["warnings"])
    assert len(frame.attrs["gaps"]) == 1


def test_threads_to_me_chinese_text_and_channel_threads(youtube: Path) -> None:
    frame = sources.read(youtube / "comment_threads_all_to_me.json").set_index("comment_id")
    assert len(frame) == 4
    assert frame.loc["youtube:Ugy0FhSzKMNMT9qs6zt4AaABAg", "text"] == "大满贯"
    assert frame.loc["youtube:UgwSRpgkjCe6OHHe3IJ4AaABAg", "text"] == "中午吃啥"
    # the two Chinese comments have no videoId: they were left on the channel
    channel = "youtube:channel:UCa-vrCLQHviTOVnEKDOdetQ"
    assert frame.loc["youtube:Ugy0FhSzKMNMT9qs6zt4AaABAg", "thread_id"] == channel
    assert pd.isna(frame.loc["youtube:Ugy0FhSzKMNMT9qs6zt4AaABAg", "url"])
    assert frame.loc["youtube:UgyWeTdgc4sc1xgmbld4AaABAg", "thread_id"] == (
        "youtube:video:JE8xdDp5B8Q"
    )
    gaps = frame.attrs["gaps"]
    assert [(g["parent_id"], g["count"]) for g in gaps] == [
        ("youtube:UgwSRpgkjCe6OHHe3IJ4AaABAg", 1)
    ]


def test_reply_pages(youtube: Path) -> None:
    first = sources.read(youtube / "comments_by_parent_paged_1.json")
    second = sources.read(youtube / "comments_by_parent_paged_2.json")
    assert first.attrs["format"] == second.attrs["format"] == "youtube-api"
    assert len(first) == 2 and len(second) == 1
    replies = pd.concat([first, second])
    parent = "youtube:Ugw5zYU6n9pmIgAZWvN4AaABAg"
    assert (replies["parent_id"] == parent).all()
    assert replies["comment_id"].str.startswith(parent + ".").all()  # <parentId>.<suffix>
    assert (replies["depth"] == 2).all()
    # replies carry no videoId: the thread is the top-level comment until it is imported
    assert (replies["thread_id"] == parent).all()
    assert any("nextPageToken" in w for w in first.attrs["warnings"])
    assert not any("nextPageToken" in w for w in second.attrs["warnings"])
    assert replies["text"].tolist() == [
        "this is the third reply!",
        "this is the second reply!",
        "hey, this is the replay",
    ]


def test_replies_before_their_thread_in_one_file_join_it(youtube: Path, tmp_path: Path) -> None:
    names = ("comments_by_parent_paged_1.json", "comment_threads_all_to_me.json")
    pages = [json.loads((youtube / name).read_text()) for name in names]
    combined = tmp_path / "mixed.json"
    combined.write_text(json.dumps(pages))
    frame = sources.read(combined).set_index("comment_id")
    reply = frame.loc["youtube:Ugw5zYU6n9pmIgAZWvN4AaABAg.91zT3cYb5B291za6voUoRh"]
    assert reply["thread_id"] == "youtube:video:JE8xdDp5B8Q"  # the top-level comment's video
    assert not any("no video id" in w for w in frame.attrs["warnings"])


# --- hand-written API fixtures --------------------------------------------------------


def test_text_display_only_edited_and_included_replies(data_dir: Path) -> None:
    frame = sources.read(data_dir / "youtube" / "thread_html_only.json").set_index("comment_id")
    top = frame.loc["youtube:UgxDemoTop1AaABAg"]
    assert top["text"] == "First line\nSecond & third 'quoted' 0:42"
    assert top["text_raw"].startswith("First line<br />Second &amp;")
    assert top["score"] == 7
    assert attrs(top["attributes"])["edited"] is True
    assert attrs(top["attributes"])["updated_at"] == "2026-11-25T15:00:00Z"
    reply = frame.loc["youtube:UgxDemoTop1AaABAg.9zDemoReply01"]
    assert reply["text"] == "Yes > no" and pd.isna(reply["text_raw"])
    assert reply["parent_id"] == "youtube:UgxDemoTop1AaABAg"
    assert reply["thread_id"] == "youtube:video:vidDemo0001" and reply["depth"] == 2
    channel = frame.loc["youtube:UgzDemoChannel1AaABAg"]
    assert channel["thread_id"] == "youtube:channel:UCdemoChannel000000000001"
    assert channel["text"] == "Nice 👍"
    assert [(g["parent_id"], g["count"]) for g in frame.attrs["gaps"]] == [
        ("youtube:UgxDemoTop1AaABAg", 1)  # 3 replies counted, 2 included
    ]


def test_json_lines_of_pages_attach_replies_to_known_thread(data_dir: Path) -> None:
    frame = sources.read(data_dir / "youtube" / "pages.jsonl")
    assert frame.attrs["format"] == "youtube-api"
    assert len(frame) == 5
    late = frame.set_index("comment_id").loc["youtube:UgxDemoTop1AaABAg.9zDemoReply03"]
    assert late["thread_id"] == "youtube:video:vidDemo0001"  # learnt from the first page
    assert frame.attrs["skipped"] == [("duplicate", "youtube:UgxDemoTop1AaABAg.9zDemoReply01")]
    assert frame.attrs["gaps"] == []  # the third reply arrived on the second page


def test_bare_thread_resource(data_dir: Path) -> None:
    frame = sources.read(data_dir / "youtube" / "thread_resource.json")
    assert frame["comment_id"].tolist() == ["youtube:UgyDemoSingle1AaABAg"]
    assert frame["text"].tolist() == ["Ça marche très bien"]


@pytest.mark.parametrize(
    ("document", "record", "problem"),
    [
        ({"kind": "youtube#commentThreadListResponse", "items": {}}, "$", "'items' should be a"),
        ({"kind": "youtube#commentListResponse", "items": [{"kind": "youtube#comment",
          "snippet": {}}]}, "$.items[0]", "'id' is missing"),  # fmt: skip
        ({"kind": "youtube#commentThreadListResponse", "items": [{"kind": "youtube#commentThread",
          "id": "x", "snippet": {"videoId": "v"}}]}, "$.items[0].snippet",
         "'topLevelComment' is missing"),  # fmt: skip
        ({"kind": "youtube#commentListResponse", "items": [{"kind": "youtube#comment", "id": "c",
          "snippet": {"publishedAt": "yesterday"}}]}, "$.items[0].snippet",
         "'publishedAt' is not a time"),  # fmt: skip
        ({"kind": "youtube#commentListResponse", "items": [{"kind": "youtube#comment", "id": "c",
          "snippet": {"likeCount": "many"}}]}, "$.items[0].snippet", "'likeCount'"),  # fmt: skip
        ({"kind": "youtube#commentListResponse", "items": [{"kind": "youtube#video", "id": "v"}]},
         "$.items[0]", "'youtube#video' is not a YouTube comment"),  # fmt: skip
        ({"kind": "youtube#commentListResponse", "items": [7]}, "$.items[0]", "expected a JSON"),
    ],
)  # fmt: skip
def test_malformed_responses_name_the_record(
    tmp_path: Path, document: dict, record: str, problem: str
) -> None:
    path = tmp_path / "page.json"
    path.write_text(json.dumps(document))
    with pytest.raises(RecordError) as caught:
        sources.read(path)
    assert str(caught.value).startswith(f"{path}, {record}: ")
    assert problem in str(caught.value)


def test_truncated_response_is_a_located_error(tmp_path: Path, youtube: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text((youtube / "comment_thread_single.json").read_text()[:900])
    with pytest.raises(RecordError, match=r"cut.json, line \d+, column \d+: is not valid JSON"):
        sources.read(path)


# --- Takeout --------------------------------------------------------------------------


def test_takeout_comments_csv(data_dir: Path) -> None:
    frame = sources.read(data_dir / "youtube" / "comments.csv")
    assert frame.attrs["format"] == "youtube-takeout"
    assert frame.attrs["skipped"] == [("duplicate", "row 6 (youtube:UgwDemoTakeout1AaABAg)")]
    rows = frame.set_index("comment_id")
    assert len(rows) == 4
    assert set(rows["author"]) == {"UCdemoOwner00000000000001"}  # the archive owner
    first = rows.loc["youtube:UgwDemoTakeout1AaABAg"]
    assert first["text"] == "Great explainer, thanks!"
    assert first["text_raw"].startswith('{"text":"Great explainer, "}')
    assert first["thread_id"] == first["parent_id"] == "youtube:video:vidDemo0003"
    assert first["url"] == "https://www.youtube.com/watch?v=vidDemo0003&lc=UgwDemoTakeout1AaABAg"
    assert first["created_at"] == pd.Timestamp("2026-11-20T10:15:30.123Z")
    reply = rows.loc["youtube:UgwDemoOther99AaABAg.9zDemoTk01"]
    assert reply["text"] == "Agreed 😀 see https://example.org/notes"
    assert reply["parent_id"] == "youtube:UgwDemoOther99AaABAg" and reply["depth"] == 2
    post = rows.loc["youtube:UgkxDemoPostCmt1"]
    assert post["text"] == "Plain text cell, {not JSON}" and pd.isna(post["text_raw"])
    assert post["thread_id"] == "youtube:post:UgkxDemoPost01"
    thanks = rows.loc["youtube:UgwDemoThanks1AaABAg"]
    assert thanks["text"] == "line one\nline two"
    assert attrs(thanks["attributes"]) == {"price": "£2.00"}


def test_takeout_2023_layout_with_segments_and_parent_column(data_dir: Path) -> None:
    frame = sources.read(data_dir / "youtube" / "comments_2023.csv").set_index("comment_id")
    assert frame.loc["youtube:UgxDemoOld1AaABAg", "text"] == "the old format"
    reply = frame.loc["youtube:UgxDemoOldTopAaABAg.9iDemoOld02"]
    assert reply["text"] == 'a reply, "quoted"'
    assert reply["parent_id"] == "youtube:UgxDemoOldTopAaABAg"
    assert reply["author"] == "UCdemoOwner00000000000002"


@pytest.mark.parametrize(
    ("cell", "expected", "structured"),
    [
        ('{"text":"Hello "},{"text":"world","bold":true}', "Hello world", True),
        ('{"takeoutSegments":[{"text":"old"},{"text":" style"}]}', "old style", True),
        (
            '{"text":"@someone ","mention":{"id":"UC1"}},{"text":"hi \\ud83d\\ude00"}',
            "@someone hi 😀",
            True,
        ),  # fmt: skip
        ("{not json}", "{not json}", False),
        ('{"other":1}', '{"other":1}', False),
        ("plain text", "plain text", False),
        ("", "", False),
    ],
)
def test_takeout_text(cell: str, expected: str, structured: bool) -> None:
    assert takeout_text(cell) == (expected, structured)


def test_takeout_bad_timestamp_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "comments.csv"
    path.write_text(
        "Comment ID,Channel ID,Comment create timestamp,Price,Post ID,Video ID,Comment text\n"
        'a1,UCx,2026-01-01T00:00:00+00:00,0,,v1,"{""text"":""ok""}"\n'
        'a2,UCx,someday,0,,v1,"{""text"":""bad""}"\n'
    )
    with pytest.raises(RecordError, match=r"comments.csv, row 3: 'Comment create timestamp'"):
        sources.read(path)


def test_takeout_header_only_and_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "comments.csv"
    path.write_text("Comment ID,Channel ID,Comment create timestamp,Price,Video ID,Comment text\n")
    assert len(sources.read(path)) == 0
    other = tmp_path / "other.csv"
    other.write_text("Comment ID,Channel ID,Comment create timestamp,Price,Video ID\nx,UC,,0,v\n")
    with pytest.raises(
        SourceError, match=r"other.csv, row 1: lacks the Takeout column\(s\) 'comment text'"
    ):
        sources.read(other, format="youtube-takeout")


def test_random_damage_is_rejected_reported_or_visible(youtube: Path) -> None:
    """Values swapped deep in real API responses: see tests/damage.py for the check."""
    rng = random.Random(11)
    values = [None, 0, -1, 2.5, "", "x", [], {}, [None], {"a": 1}, True, 10**30, "2026-01-01"]
    for name in ("comment_threads_all_to_me.json", "comments_by_parent_paged_1.json"):
        seed = Seed("youtube-api", (youtube / name).read_bytes(), ".json", origin=name)
        assert seed.baseline.error is None and len(seed.baseline.frame), seed.baseline
        for _ in range(150):
            path = random_path(rng, seed.parsed.value, 7, stop=0.3)
            check_value(seed, path, copy.deepcopy(rng.choice(values)))


def test_snippet_without_text_or_time_is_not_read_silently(data_dir: Path) -> None:
    # Found by the property tests: a comment whose snippet holds none of
    # textOriginal, textDisplay, publishedAt imports as an empty comment of unknown
    # time, without a word. See tests/damage.py for the check.
    path = data_dir / "youtube" / "thread_resource.json"
    seed = Seed("youtube-api", path.read_bytes(), ".json", origin=path.name)
    check_value(seed, ("snippet", "topLevelComment", "snippet"), {"unexpected": True})


def test_takeout_row_missing_its_text_cell_is_not_read_silently(data_dir: Path) -> None:
    # Found by the property tests: a row one cell short (a delimiter lost) is padded,
    # so its 'Comment text' is read as empty and the comment imports without text.
    path = data_dir / "youtube" / "comments.csv"
    seed = Seed("youtube-takeout", path.read_bytes(), ".csv", origin=path.name)
    header, first = seed.parsed.value[:2]
    assert header[-1] == "Comment text" and len(first) == len(header)
    check_value(seed, (1,), first[:-1])


def test_empty_text_original_falls_back_to_text_display(tmp_path: Path) -> None:
    comment = {"kind": "youtube#comment", "id": "c1", "snippet": {
        "videoId": "v1", "textOriginal": "", "textDisplay": "Hi &amp; bye",
        "publishedAt": "2026-11-25T14:05:00Z"}}  # fmt: skip
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"kind": "youtube#commentListResponse", "items": [comment]}))
    frame = sources.read(path)
    assert frame["text"].tolist() == ["Hi & bye"]
    del comment["snippet"]["publishedAt"]
    path.write_text(json.dumps({"kind": "youtube#commentListResponse", "items": [comment]}))
    where = r"page\.json, \$\.items\[0\]\.snippet"
    with pytest.raises(RecordError, match=rf"{where}: field 'publishedAt' is missing"):
        sources.read(path)
