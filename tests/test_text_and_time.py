"""Shared decoding helpers: HTML, entities, mojibake, normalisation, timestamps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.sources.text import fix_mojibake, html_to_text, normalise_text
from workbench.sources.timeparse import epoch_seconds


def test_html_to_text_keeps_mentions_and_breaks() -> None:
    html = ('<p><span class="h-card"><a href="https://x.example/@ann">@<span>ann</span></a>'
            "</span> Fish &amp; chips<br />later</p><p>Second para</p>")
    assert html_to_text(html) == "@ann Fish & chips\nlater\n\nSecond para\n"


@pytest.mark.parametrize(("broken", "fixed"), [
    ("caf\u00c3\u00a9", "café"),
    ("\u00f0\u009f\u0098\u0080 great", "😀 great"),
    ("Zaż\u00c3\u00b3\u00c5\u0082ć", "Zaż\u00c3\u00b3\u00c5\u0082ć"),  # not clean: left alone
])
def test_fix_mojibake_repairs_only_clean_round_trips(broken: str, fixed: str) -> None:
    assert fix_mojibake(broken) == fixed


@given(st.text())
def test_fix_mojibake_never_alters_correct_text_that_is_not_latin1_utf8(text: str) -> None:
    repaired = fix_mojibake(text)
    if repaired != text:
        # Only ever a clean round trip of UTF-8 bytes read as Latin-1.
        assert repaired.encode("utf-8").decode("latin-1") == text


@pytest.mark.parametrize("text", ["café", "naïve résumé", "Straße", "ÆØÅ", "plain ascii", "😀"])
def test_fix_mojibake_keeps_real_accents(text: str) -> None:
    assert fix_mojibake(text) == text


def test_normalise_text() -> None:
    assert normalise_text("  a\r\nb\u200b  c\t\td\n\n\n\ne  ") == "a\nb c d\n\ne"
    assert normalise_text("e\u0301") == "é"
    assert normalise_text("\ufeffcafé\x00 au\u200b lait") == "café au lait"
    assert normalise_text("a\x00b") == "ab"


@given(st.text())
def test_normalise_text_is_idempotent(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once


@pytest.mark.parametrize(("value", "expected"), [
    (1600000000, 1600000000.0),
    ("1600000000", 1600000000.0),
    (1600000000123, 1600000000.123),
    ("2020-09-13T12:26:40Z", 1600000000.0),
    ("2020-09-13T12:26:40.500+00:00", 1600000000.5),
    ("2020-09-13T13:26:40+01:00", 1600000000.0),
    ("Sun Sep 13 12:26:40 +0000 2020", 1600000000.0),
    (None, None),
    ("", None),
])
def test_epoch_seconds(value: object, expected: float | None) -> None:
    assert epoch_seconds(value) == expected


@pytest.mark.parametrize("value", ["yesterday", True, [1], -5, float("nan"), "99999999999999999"])
def test_epoch_seconds_rejects_with_the_value_quoted(value: object) -> None:
    with pytest.raises(ValueError):
        epoch_seconds(value)


def test_unescape_entities_leaves_urls_alone() -> None:
    from workbench.sources.text import unescape_entities

    assert unescape_entities("Fish &amp; chips &gt; &#39;x&#39;") == "Fish & chips > 'x'"
    assert unescape_entities("?a=1&region=uk&copy=2") == "?a=1&region=uk&copy=2"


def test_iso_times_drop_impossible_values() -> None:
    from workbench.sources.finish import iso_times

    assert iso_times([0, 1e300, -5, None, 1600000000.5]) == [
        "1970-01-01T00:00:00.000Z", None, None, None, "2020-09-13T12:26:40.500Z",
    ]
