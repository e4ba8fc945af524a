"""Pseudonyms: the keyed code of a handle, one at a time or a column at once."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.privacy import PSEUDONYM_CHARS, Pseudonymizer

KEY = bytes(range(32))


def reference(key: bytes, platform: str, author: str) -> str:
    """The pseudonym as the module's docstring defines it, written out plainly."""
    handle = author.strip().lstrip("@").casefold()
    digest = hmac.new(key, f"{platform}\x1f{handle}".encode(), hashlib.sha256).digest()
    return "anon_" + base64.b32encode(digest[:10]).decode("ascii").lower()[:PSEUDONYM_CHARS]


_HANDLES = st.one_of(
    st.sampled_from(["alice", "@Alice", " ALICE ", "Straße", "strasse", "user_5944", "[deleted]"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.just(""), _HANDLES), max_size=40),
       st.sampled_from(["reddit", "twitter", "mastodon"]))  # fmt: skip
def test_a_column_gets_each_authors_own_pseudonym(authors: list, platform: str) -> None:
    pseudonyms = Pseudonymizer(KEY)
    column = pseudonyms.column([platform] * len(authors), authors)
    assert column == [reference(KEY, platform, a) if a else None for a in authors]
    # Known authors come from memory, one at a time or mixed with new ones.
    assert pseudonyms.column([platform] * len(authors), authors[::-1]) == column[::-1]
    assert [pseudonyms.pseudonym(platform, a) for a in authors] == column


def test_handles_that_differ_only_in_case_or_at_sign_share_a_pseudonym() -> None:
    pseudonyms = Pseudonymizer(KEY)
    one = pseudonyms.column(["reddit"] * 3, ["Alice", "@alice", " ALICE"])
    assert len(set(one)) == 1 and one[0].startswith("anon_") and len(one[0]) == 5 + 12
    assert pseudonyms.pseudonym("twitter", "Alice") != one[0]  # platforms are apart
    assert Pseudonymizer(bytes(32)).pseudonym("reddit", "Alice") != one[0]  # keys too
    mixed = pseudonyms.column(["reddit", "twitter", "reddit"], ["Alice", "Alice", None])
    assert mixed == [one[0], pseudonyms.pseudonym("twitter", "Alice"), None]


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="15 bytes; at least 16"):
        Pseudonymizer(bytes(15))
