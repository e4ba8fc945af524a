"""Non-substantive answers, content words and mentions shown as pseudonyms (issue 11)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from workbench.cluster.exemplars import representatives
from workbench.cluster.keywords import class_tfidf_keywords, split_cjk
from workbench.privacy import MentionMasker
from workbench.settings import resolve
from workbench.substance import SubstanceRule, content_words, is_substantive_exemplar

DEFAULT = SubstanceRule.from_settings(resolve())


@pytest.mark.parametrize("text", ["Did not answer", "did not answer.", "N/A", " n/a ", "-",
                                  ".", "...", "?", "Nothing!", "none", "", None, "x"])
def test_non_substantive_by_default(text: str | None) -> None:
    assert DEFAULT.is_non_substantive(text)


@pytest.mark.parametrize("text", ["No", "OK", "👍", "Fine", "Parking is awful",
                                  "nothing works at the walk-in", "停车太贵"])
def test_short_real_answers_say_something(text: str) -> None:
    assert not DEFAULT.is_non_substantive(text)


def test_the_rule_is_a_project_setting(tmp_path: Path) -> None:
    settings = tmp_path / "workbench.yaml"
    settings.write_text("non_substantive_answers: [no, 'see above', 1]\n"
                        "non_substantive_min_chars: 0\n", encoding="utf-8")
    values = resolve(settings)
    assert values["non_substantive_answers"] == ["no", "see above", "1"]  # YAML's `no` is a word
    rule = SubstanceRule.from_settings(values)
    assert rule.is_non_substantive("No.") and rule.is_non_substantive("See above")
    assert not rule.is_non_substantive("-"), "the short-text rule is off"
    env = resolve(environ={"WORKBENCH_NON_SUBSTANTIVE_ANSWERS": "skip, pass",
                           "WORKBENCH_CLUSTER_NON_SUBSTANTIVE": "yes"})  # fmt: skip
    assert env["non_substantive_answers"] == ["skip", "pass"]
    assert env["cluster_non_substantive"] is True


def test_a_bad_minimum_is_refused() -> None:
    with pytest.raises(ValueError, match=r"min_chars \(-1\) must be a whole number >= 0"):
        SubstanceRule([], min_chars=-1)


def test_content_words_set_mentions_links_and_emoji_aside() -> None:
    assert content_words("@RiversideCHT this") == 1
    assert content_words("👍 cheers") == 1
    assert content_words("https://example.org/x see u/someone") == 1
    assert content_words("停车费太贵了") == 3  # CJK: two characters a word
    assert is_substantive_exemplar("The parking charges at the walk-in are too high")
    assert not is_substantive_exemplar("@RiversideCHT this")


def test_exemplars_prefer_comments_that_say_something() -> None:
    vectors = np.array([[1.0, 0.2], [1.0, 0.21], [1.0, -0.3], [1.0, 0.7]])  # 0, 1 central
    labels = np.zeros(4, dtype=int)
    texts = ["@RiversideCHT this", "👍 cheers", "Parking is far too expensive here",
             "The car park is always full by nine"]  # fmt: skip
    prefer = [is_substantive_exemplar(t) for t in texts]
    chosen = representatives(vectors, labels, texts, k=3, prefer=prefer)[0]
    assert set(chosen[:2]) == {2, 3} and chosen[2] in (0, 1), "the others only fill up"
    assert set(representatives(vectors, labels, texts, k=2)[0]) == {0, 1}


def test_chinese_keywords_are_words_not_whole_sentences() -> None:
    texts = ["停车费太贵了", "停车场总是满的", "停车太难了",
             "护士很友善", "护士非常耐心", "护士很好"]  # fmt: skip
    keywords = class_tfidf_keywords(texts, np.array([0, 0, 0, 1, 1, 1]), top_n=3)
    assert keywords[0][0][0] == "停车" and keywords[1][0][0] == "护士"
    assert all(len(term) <= 2 for terms in keywords.values() for term, _ in terms)
    assert split_cjk("停车，太贵了 parking") == "停车 太贵 贵了 parking"


def test_mentions_of_known_handles_become_pseudonyms() -> None:
    masker = MentionMasker.from_authors(
        ["tired_mum_of_4", "@jen_bsl@signing.example", None],
        ["anon_aaa", "anon_bbb", "anon_ccc"],
    )
    text = "@tired_mum_of_4 and @Jen_BSL@signing.example agree; @RiversideCHT u/tired_mum_of_4"
    assert masker.mask(text) == "@anon_aaa and @anon_bbb agree; @RiversideCHT @anon_aaa"
    email = "email me at ann@tired_mum_of_4.org"
    assert masker.mask(email) == email
    assert masker.mask(None) is None and not MentionMasker({}).active
    assert MentionMasker({}).mask("@tired_mum_of_4") == "@tired_mum_of_4"


def test_masked_text_maps_spans_both_ways() -> None:
    from workbench.privacy import MentionMasker

    masker = MentionMasker({"tired_mum_of_4": "anon_abc", "bo": "anon_zzzzzzzzzzzz"})
    raw = "Hi @tired_mum_of_4, I agree with u/bo: parking is awful"
    shown = masker.mask_spans(raw)
    assert shown.text == "Hi @anon_abc, I agree with @anon_zzzzzzzzzzzz: parking is awful"
    for word in ("Hi", "I agree", "parking is awful"):
        start = raw.index(word)
        there = shown.to_shown(start, start + len(word))
        assert shown.text[there[0]:there[1]] == word
        assert shown.to_raw(*there) == (start, start + len(word))
    assert shown.to_raw(5, 9) == (3, 18)  # a selection inside a mention takes all of it
    assert MentionMasker({}).mask_spans(raw).text == raw
