"""Language labels for comments the platform did not label."""

from __future__ import annotations

from workbench.language import detect_languages


def test_detects_common_languages() -> None:
    texts = [
        "I waited three hours at the walk-in centre and nobody told me anything.",
        "Czekałam cztery godziny na przyjęcie, to jest za długo.",
        "Roedd y staff yn garedig iawn ond roedd yr aros yn hir.",
        "Esperé tres horas en urgencias y nadie me explicó nada.",
    ]
    assert detect_languages(texts) == ["en", "pl", "cy", "es"]


def test_too_little_text_is_left_unlabelled() -> None:
    assert detect_languages(["+1", "😀😀😀", "", "@someone #nhs https://example.org/x"]) == [
        None, None, None, None,
    ]


def test_mentions_and_links_do_not_decide() -> None:
    text = "@HelenaHCA @RiversideTrust thank you so much for your help today"
    assert detect_languages([text]) == ["en"]
