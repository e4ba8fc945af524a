"""What text is embedded, and its cache key."""

from __future__ import annotations

from workbench.embed.texts import comment_text, normalise_text, text_key, text_keys


def test_normalise_collapses_whitespace_and_composes_unicode() -> None:
    assert normalise_text("  caf\u0065\u0301\n\n  open\tlate ") == "caf\u00e9 open late"


def test_equivalent_texts_share_a_key_and_others_do_not() -> None:
    a = text_key(normalise_text("Parking  is\nimpossible"))
    b = text_key(normalise_text("Parking is impossible"))
    c = text_key(normalise_text("parking is impossible"))
    assert a == b != c
    assert len(a) == 16
    assert text_keys(["x", "y"]) == [text_key("x"), text_key("y")]


def test_title_and_body_are_joined_for_posts() -> None:
    assert comment_text("Walk-in centre consultation", "Tell us  what you think") == (
        "Walk-in centre consultation. Tell us what you think"
    )
    assert comment_text("Is it open?", "Asking for my mum") == "Is it open? Asking for my mum"
    assert comment_text(None, "  only body ") == "only body"
    assert comment_text("only title", None) == "only title"
    assert comment_text(None, "   ") == ""
