"""Class-based TF-IDF keywords (workbench.cluster.keywords)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from workbench.cluster.keywords import class_tfidf_keywords
from workbench.errors import ClusterError

CORPUS = [
    "The train was late again, the train is always late",
    "Another train delay this morning on the train line",
    "Cheap rent is impossible to find, rent keeps rising",
    "My landlord raised the rent again",
    "The weather is lovely, sunny weather all week",
    "Rain again, terrible weather",
    "I have no idea what this thread is about",
]
LABELS = np.array([0, 0, 1, 1, 2, 2, -1])


def test_the_obvious_word_tops_each_class() -> None:
    keywords = class_tfidf_keywords(CORPUS, LABELS, top_n=3)
    assert list(keywords) == [-1, 0, 1, 2]
    assert keywords[0][0][0] == "train"
    assert keywords[1][0][0] == "rent"
    assert keywords[2][0][0] == "weather"
    for pairs in keywords.values():
        assert len(pairs) <= 3
        scores = [score for _, score in pairs]
        assert scores == sorted(scores, reverse=True)
        assert all(isinstance(term, str) and score > 0 for term, score in pairs)
    assert not {"the", "is", "again"} & {term for pairs in keywords.values() for term, _ in pairs}


def test_outliers_get_keywords_too() -> None:
    keywords = class_tfidf_keywords(CORPUS, LABELS)
    terms = {term for term, _ in keywords[-1]}
    assert {"idea", "thread"} <= terms


def test_scores_follow_the_c_tf_idf_formula() -> None:
    texts = ["apple apple", "banana", "cherry banana"]
    keywords = class_tfidf_keywords(texts, np.array([0, 0, 1]), stop_words=None)
    # class 0: apple 2, banana 1 (3 words); class 1: cherry 1, banana 1 (2 words)
    # A = (3 + 2) / 2 = 2.5; f(apple) = 2, f(banana) = 2, f(cherry) = 1
    apple = (2 / 3) * math.log(1 + 2.5 / 2)
    banana_0 = (1 / 3) * math.log(1 + 2.5 / 2)
    cherry = (1 / 2) * math.log(1 + 2.5 / 1)
    banana_1 = (1 / 2) * math.log(1 + 2.5 / 2)
    assert [term for term, _ in keywords[0]] == ["apple", "banana"]
    assert [term for term, _ in keywords[1]] == ["cherry", "banana"]
    assert [score for _, score in keywords[0]] == pytest.approx([apple, banana_0], rel=1e-12)
    assert [score for _, score in keywords[1]] == pytest.approx([cherry, banana_1], rel=1e-12)


def test_links_mentions_digits_and_single_letters_are_not_terms() -> None:
    texts = [
        "@alice see https://example.com/bikes?x=1 and www.cycling.org/page",
        "@bob@mastodon.social Bikes are Great, covid19 in 2024 a b c",
        "Ça coûte cher: Привет мир, naïve café",
    ]
    keywords = class_tfidf_keywords(texts, np.array([0, 0, 1]), stop_words=None, top_n=50)
    terms = {term for term, _ in keywords[0]}
    assert terms == {"see", "and", "bikes", "are", "great", "in"}
    assert {term for term, _ in keywords[1]} == {
        "ça",
        "coûte",
        "cher",
        "привет",
        "мир",
        "naïve",
        "café",
    }


def test_a_class_of_stop_words_gets_an_empty_list() -> None:
    texts = ["the and of", "it is what it is", "bicycles bicycles", "helmets"]
    keywords = class_tfidf_keywords(texts, np.array([3, 3, 5, 5]))
    assert keywords[3] == []
    assert [term for term, _ in keywords[5]] == ["bicycles", "helmets"]


def test_no_vocabulary_at_all_gives_empty_lists() -> None:
    texts = ["the", "", "https://example.com @someone", "a 1 2 3", "and of the"]
    assert class_tfidf_keywords(texts, np.array([0, 0, 1, -1, 1])) == {-1: [], 0: [], 1: []}


def test_no_texts_gives_no_classes() -> None:
    assert class_tfidf_keywords([], np.array([], dtype=np.int64)) == {}


def test_bigrams_and_min_df() -> None:
    texts = ["bike lane", "bike lane closed", "bus lane", "bus lane open"]
    labels = np.array([0, 0, 1, 1])
    keywords = class_tfidf_keywords(texts, labels, stop_words=None, ngram_range=(1, 2))
    assert keywords[0][0][0] in {"bike", "bike lane"}
    assert "bike lane" in {term for term, _ in keywords[0]}
    # min_df counts classes: only "lane" occurs in both, and it scores log(1 + A/f) > 0.
    shared = class_tfidf_keywords(texts, labels, stop_words=None, min_df=2)
    assert [term for term, _ in shared[0]] == ["lane"]
    assert class_tfidf_keywords(texts, labels, min_df=3) == {0: [], 1: []}


def test_top_n_cuts_the_list() -> None:
    keywords = class_tfidf_keywords(CORPUS, LABELS, top_n=1)
    assert all(len(pairs) == 1 for pairs in keywords.values())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"top_n": 0}, "top_n (0) must be >= 1"),
        ({"min_df": 0}, "min_df (0) must be >= 1"),
        ({"min_df": 0.5}, "min_df (0.5) must be an integer"),
        ({"stop_words": "french"}, "stop_words ('french') must be 'english' or None"),
        ({"ngram_range": (2, 1)}, "ngram_range ((2, 1)) must satisfy 1 <= low <= high"),
        ({"ngram_range": 2}, "ngram_range (2) must be a pair"),
    ],
)
def test_bad_parameters_quote_the_value(kwargs: dict, message: str) -> None:
    with pytest.raises(ClusterError) as caught:
        class_tfidf_keywords(CORPUS, LABELS, **kwargs)
    assert message in str(caught.value)


def test_bad_inputs_are_explained() -> None:
    with pytest.raises(ClusterError, match=r"texts \(7\) and labels \(2\)"):
        class_tfidf_keywords(CORPUS, np.array([0, 1]))
    with pytest.raises(ClusterError, match="labels must be integers"):
        class_tfidf_keywords(["a", "b"], np.array([0.0, 1.0]))
    with pytest.raises(ClusterError, match=r"texts\[1\] \(None\) must be a string"):
        class_tfidf_keywords(["bikes", None, "buses"], np.array([0, 0, 1]))
