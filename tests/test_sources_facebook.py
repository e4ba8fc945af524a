"""Facebook "Download Your Information" JSON: comments and posts, with mojibake."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pandas as pd
import pytest

from workbench import sources
from workbench.errors import RecordError
from workbench.sources.facebook import dyi_id

from .damage import Seed, check_value, random_path


def attrs(value: object) -> dict:
    return json.loads(value) if isinstance(value, str) else {}


@pytest.fixture(scope="module")
def comments(data_dir: Path) -> pd.DataFrame:
    return sources.read(data_dir / "facebook" / "your_comments.json")


def test_comments_are_detected_and_repaired(comments: pd.DataFrame) -> None:
    assert comments.attrs["format"] == "facebook-dyi"
    assert len(comments) == 4
    assert set(comments["platform"]) == {"facebook"}
    assert set(comments["kind"]) == {"comment"}
    assert set(comments["author"]) == {"Renée Example"}  # author repaired too
    texts = comments["text"].tolist()
    assert texts[0] == "Great news 😀 see you at the café!"
    assert texts[1] == "The clinic opens at 9. Don’t forget your card."
    assert texts[3] == "Una opinión sin título"
    assert comments["created_at"].iloc[0] == pd.Timestamp(1764072300, unit="s", tz="UTC")


def test_correct_text_is_not_altered(comments: pd.DataFrame) -> None:
    assert comments["text"].iloc[2] == (
        "Already fixed text stays as it is: Crème brûlée, 日本語, 😀"
    )
    assert comments["text_raw"].isna().all()


def test_threads_from_group_title_or_file(comments: pd.DataFrame) -> None:
    first, grouped, own, untitled = (attrs(a) for a in comments["attributes"])
    assert first["title"] == "Renée Example commented on Sam Placeholder's post."
    assert first["target"] == "Sam Placeholder's post"
    assert comments["thread_id"].iloc[0].startswith("facebook:target:")
    assert grouped["group"] == "Neighbourhood Health Forum – North"
    assert comments["thread_id"].iloc[1].startswith("facebook:group:")
    assert own["target"] == "her own comment"
    assert untitled == {}
    assert comments["thread_id"].iloc[3] == "facebook:file:your_comments"
    # comments hang directly under their thread root
    assert (comments["parent_id"] == comments["thread_id"]).all()
    assert (comments["depth"] == 1).all()


def test_photo_only_and_repeated_entries_are_reported(comments: pd.DataFrame) -> None:
    assert comments.attrs["skipped"] == [
        ("no_text", "$.comments_v2[2]"),
        ("duplicate", "$.comments_v2[4].data[0].comment"),
    ]
    assert any("1 repeated" in w for w in comments.attrs["warnings"])
    assert comments["comment_id"].is_unique


def test_ids_are_stable_across_exports(comments: pd.DataFrame, data_dir: Path) -> None:
    old = sources.read(data_dir / "facebook" / "comments_old.json")  # older "comments" key
    assert old.attrs["format"] == "facebook-dyi"
    assert old["comment_id"].iloc[0] == comments["comment_id"].iloc[0]
    again = sources.read(data_dir / "facebook" / "your_comments.json")
    assert again["comment_id"].tolist() == comments["comment_id"].tolist()
    assert comments["comment_id"].iloc[0] == dyi_id(
        "Renée Example", 1764072300, "Great news 😀 see you at the café!"
    )
    assert comments["comment_id"].str.fullmatch(r"facebook:[0-9a-f]{20}").all()


def test_posts_list(data_dir: Path) -> None:
    frame = sources.read(data_dir / "facebook" / "your_posts_1.json")
    assert frame.attrs["format"] == "facebook-dyi"
    assert frame.attrs["skipped"] == [("no_text", "$[1]")]  # a profile-picture update
    assert len(frame) == 2
    post = frame.iloc[0]
    assert post["kind"] == "post" and post["depth"] == 0 and pd.isna(post["parent_id"])
    assert post["thread_id"] == post["comment_id"]
    assert post["title"] == "Renée Example shared a link."
    assert post["text"] == "New opening hours at the clinic — naïve question: why so early? 😅"
    extras = attrs(post["attributes"])
    assert extras["links"] == ["https://example.org/clinic-hours"]
    assert extras["tags"] == ["Sam Placeholder"]
    assert extras["edited"] is True
    assert frame["text"].iloc[1] == "Plain ASCII post about the waiting room."
    assert pd.isna(frame["title"].iloc[1])


def test_status_updates_wrapper(data_dir: Path) -> None:
    frame = sources.read(data_dir / "facebook" / "status_updates.json")
    assert frame["text"].tolist() == ["Status: feeling à l'aise today"]
    assert frame["kind"].tolist() == ["post"]


def test_group_comments_wrapper(tmp_path: Path) -> None:
    path = tmp_path / "your_comments_in_groups.json"
    path.write_text(
        json.dumps(
            {
                "group_comments_v2": [
                    {
                        "timestamp": 1764000000,
                        "data": [
                            {
                                "comment": {
                                    "timestamp": 1764000000,
                                    "comment": "Thanks for sharing",
                                    "author": "Ren\u00c3\u00a9e Example",
                                    "group": "Patients' Forum",
                                }
                            }
                        ],
                        "title": "Ren\u00c3\u00a9e Example commented on a post.",
                    }
                ]
            }
        )
    )
    frame = sources.read(path)
    assert frame.attrs["format"] == "facebook-dyi"
    assert attrs(frame["attributes"].iloc[0])["group"] == "Patients' Forum"


@pytest.mark.parametrize(
    ("document", "record", "problem"),
    [
        ({"comments_v2": {}}, "$", "'comments_v2' should be a list"),
        ({"comments_v2": [[]]}, "$.comments_v2[0]", "expected a JSON object"),
        ({"comments_v2": [{"data": {}}]}, "$.comments_v2[0]", "'data' should be a list"),
        ({"comments_v2": [{"data": ["text"]}]}, "$.comments_v2[0].data[0]", "expected a JSON"),
        ({"comments_v2": [{"data": [{"comment": "hi"}]}]}, "$.comments_v2[0].data[0]",
         "'comment' should be an object"),
        ({"comments_v2": [{"data": [{"comment": {"comment": 5, "timestamp": "soon"}}]}]},
         "$.comments_v2[0].data[0].comment", "'timestamp' is not a time"),
        ({"comments_v2": [{"timestamp": 1, "data": [{"comment": {"comment": ["x"]}}]}]},
         "$.comments_v2[0].data[0].comment", "'comment' should be text"),
        ({"something_else": []}, "$", "has none of the DYI keys"),
    ],
)  # fmt: skip
def test_malformed_entries_name_the_record(
    tmp_path: Path, document: dict, record: str, problem: str
) -> None:
    path = tmp_path / "comments.json"
    path.write_text(json.dumps(document))
    with pytest.raises(RecordError) as caught:
        sources.read(path, format="facebook-dyi")
    assert str(caught.value).startswith(f"{path}, {record}: ")
    assert problem in str(caught.value)


def test_not_json_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "your_posts_1.json"
    path.write_text('[{"timestamp": 1, "data": [{"post": "cut off')
    with pytest.raises(RecordError, match=r"your_posts_1.json, line 1, column \d+"):
        sources.read(path, format="facebook-dyi")


def test_random_damage_is_rejected_reported_or_visible(data_dir: Path) -> None:
    """Values swapped deep in real-shaped DYI files: see tests/damage.py for the check."""
    rng = random.Random(7)
    values = [None, 0, -1, 2.5, "", "x", [], {}, [None], {"a": 1}, True, 10**30]
    for name in ("your_comments.json", "your_posts_1.json"):
        seed = Seed(
            "facebook-dyi", (data_dir / "facebook" / name).read_bytes(), ".json", origin=name
        )
        assert seed.baseline.error is None and len(seed.baseline.frame), seed.baseline
        for _ in range(150):
            path = random_path(rng, seed.parsed.value, 6, stop=0.35)
            check_value(seed, path, copy.deepcopy(rng.choice(values)))


def test_sniff_rejects_other_json(tmp_path: Path) -> None:
    from workbench.sources.base import LOADERS
    from workbench.sources.fileio import read_sample

    loader = LOADERS["facebook-dyi"]
    other = tmp_path / "other.json"
    other.write_text('{"comments": [{"body": "a reddit-like thing", "id": "x"}]}')
    assert loader.sniff(read_sample(other)) == 0.0
    listing = tmp_path / "listing.json"
    listing.write_text('[{"kind": "Listing", "data": {"children": []}}]')
    assert loader.sniff(read_sample(listing)) == 0.0
