"""Finishing loader rows column by column gives what finishing them one by one did.

The reference below is the plain per-row reading of the contract in
:mod:`workbench.sources.finish` (the loop the column-wise code replaced); random rows,
awkward values included, must come out the same, and the first bad record must be
the one named.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.errors import RecordError
from workbench.sources.finish import (
    DepthMemory,
    derive_depths,
    finish_columns,
    finish_rows,
    loader_columns,
)
from workbench.sources.text import normalise_text

PATH = Path("export.ndjson")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _small(value: object) -> int | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and -(2**63) < value < 2**63
    return value if ok else None  # type: ignore[return-value]


def _time(value: object) -> str | None:
    """Epoch seconds as ISO 8601 UTC with milliseconds; ``None`` outside 1970-3000."""
    if not isinstance(value, int | float) or not 0 <= value <= 32503680000.0:
        return None
    moment = EPOCH + timedelta(milliseconds=round(value * 1000.0))
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _attributes(extra: dict) -> str:
    try:
        return orjson.dumps(extra).decode()
    except TypeError:
        return json.dumps(extra, default=str, ensure_ascii=False)


def reference(rows: list[dict[str, Any]]) -> dict[str, list]:
    """One row at a time, as the contract reads."""
    out: dict[str, list] = {name: [] for name in (
        "comment_id", "platform", "thread_id", "parent_id", "kind", "author", "title", "text",
        "text_raw", "score", "url", "lang", "is_deleted", "attributes")}  # fmt: skip
    times, depths = [], []
    for number, row in enumerate(rows):
        cid = row.get("comment_id")
        if not cid or not isinstance(cid, str):
            raise RecordError(PATH, f"record {number + 1} has no id", hint="Check the export")
        text = row.get("text")
        if text is None:
            text = ""
        elif not isinstance(text, str):
            raise RecordError(PATH, f"record {cid!r} has text of type {type(text).__name__}")
        if not row.get("platform"):
            raise RecordError(PATH, f"record {cid!r} has no platform", hint="Check the export")
        kind = row.get("kind") or "comment"
        if kind not in ("post", "comment"):
            raise RecordError(PATH, f"record {cid!r} has kind {kind!r}; expected post or comment")
        clean = normalise_text(text) if text else text
        raw = row.get("text_raw")
        raw = text if raw is None else raw
        out["comment_id"].append(cid)
        out["platform"].append(row["platform"])
        out["thread_id"].append(row.get("thread_id") or cid)
        out["parent_id"].append(row.get("parent_id"))
        out["kind"].append(kind)
        out["author"].append(row.get("author") or None)
        title = row.get("title")
        out["title"].append(normalise_text(title) if title else None)
        out["text"].append(clean)
        out["text_raw"].append(raw if raw != clean else None)
        out["score"].append(_small(row.get("score")))
        out["url"].append(row.get("url") or None)
        out["lang"].append(row.get("lang") or None)
        out["is_deleted"].append(bool(row.get("is_deleted")))
        extra = row.get("attributes")
        out["attributes"].append(_attributes(extra) if extra else None)
        times.append(_time(row.get("created_at")))
        depths.append(_small(row.get("depth")))
    out["created_at"] = times
    out["depth"] = derive_depths(out["comment_id"], out["parent_id"], out["thread_id"],
                                 out["kind"], depths)  # fmt: skip
    out["source_format"] = ["test"] * len(rows)
    return out


_TEXTS = st.one_of(
    st.none(), st.just(""), st.sampled_from(["  spaced  out  ", "line\r\nbreak", "tab\there",
                                            "caf\u0065\u0301", "a\x00b", "\u200bzero width",
                                            "three\n\n\n\nlines", "plain text"]),
    st.text(max_size=30),
)
_MAYBE = st.one_of(st.none(), st.just(""), st.just(0), st.text(max_size=8))
_NUMBERS = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70),
                     st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=4))


@st.composite
def rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 12))
    ids = [f"c{i}" for i in range(count)]
    out = []
    for i, cid in enumerate(ids):
        row: dict[str, Any] = {"comment_id": cid, "platform": "reddit"}
        for key, strategy in (
            ("thread_id", st.one_of(st.none(), st.just(""), st.just("t1"))),
            ("parent_id", st.one_of(st.none(), st.just("t1"), st.sampled_from(ids[:i] or [cid]))),
            ("kind", st.one_of(st.none(), st.just(""), st.sampled_from(["post", "comment"]))),
            ("author", _MAYBE), ("title", _TEXTS), ("text", _TEXTS),
            ("text_raw", st.one_of(st.none(), st.text(max_size=10))),
            ("created_at", _NUMBERS), ("depth", _NUMBERS), ("score", _NUMBERS), ("url", _MAYBE),
            ("lang", _MAYBE), ("is_deleted", st.one_of(st.none(), st.booleans(), st.just(1))),
            ("attributes", st.one_of(st.none(), st.just({}), st.dictionaries(
                st.text(max_size=4), st.one_of(st.integers(-(2**70), 2**70), st.text(max_size=4)),
                max_size=2))),
        ):  # fmt: skip
            if draw(st.booleans()):
                row[key] = draw(strategy)
        out.append(row)
    return out


@settings(max_examples=300, deadline=None)
@given(rows())
def test_column_wise_finishing_matches_the_per_row_contract(batch: list[dict[str, Any]]) -> None:
    assert finish_rows(batch, "test", PATH) == reference(batch)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"comment_id": ""}, "record 3 has no id"),
        ({"comment_id": 7}, "record 3 has no id"),
        ({"text": 12}, "record 'c2' has text of type int"),
        ({"platform": None}, "record 'c2' has no platform"),
        ({"kind": "reply"}, "record 'c2' has kind 'reply'; expected post or comment"),
        ({"kind": ["post"]}, "record 'c2' has kind ['post']; expected post or comment"),
    ],
)
def test_the_first_bad_record_is_named(bad: dict, message: str) -> None:
    batch = [{"comment_id": f"c{i}", "platform": "reddit", "text": "hi"} for i in range(5)]
    batch[2] = {**batch[2], **bad}
    batch[4] = {**batch[4], "text": 3.5, "kind": "other"}  # later problems are not named
    with pytest.raises(RecordError, match=re.escape(message)) as raised:
        finish_rows(batch, "test", PATH)
    with pytest.raises(RecordError) as expected:
        reference(batch)
    assert str(raised.value) == str(expected.value)


def test_columns_handed_over_by_a_loader_finish_like_rows() -> None:
    batch = [{"comment_id": "c1", "platform": "x", "text": " a  b ", "created_at": 1.5e9},
             {"comment_id": "c2", "platform": "x", "parent_id": "c1", "is_deleted": True}]
    memory = DepthMemory()
    assert finish_columns(loader_columns(batch), "test", PATH, memory) == reference(batch)
    assert memory.depths == {"c1": 0, "c2": 1}
