r"""Cluster keywords by class-based TF-IDF (c-TF-IDF, as defined by BERTopic).

All documents of one cluster are joined into a single class document; a term
scores high for a class when it is frequent in that class and rare overall:

.. math:: W_{t,c} = \\mathrm{tf}_{t,c} \\cdot \\log\\left(1 + \\frac{A}{f_t}\\right)

where :math:`\\mathrm{tf}_{t,c}` is the count of term *t* in class *c* divided by
the number of counted terms in *c* (L1 normalisation), :math:`f_t` the count of *t*
over all classes and *A* the average number of counted terms per class.

scikit-learn is imported inside :func:`class_tfidf_keywords`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from numbers import Integral

import numpy as np

from workbench.cluster.checks import check_int, check_labels
from workbench.errors import ClusterError

__all__ = ["TOKEN_PATTERN", "class_tfidf_keywords"]

#: Tokens are runs of two or more letters (any script); words with digits or
#: underscores, and single letters, are not counted.
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{2,}\b"

# Links, @mentions (including Mastodon's @user@server) and Reddit's u/name and r/name
# say nothing about a topic, and handles must not become cluster labels.
_NOISE = re.compile(
    r"(?:https?://|www\.)\S+|(?<!\w)@\w+(?:@[\w.-]+)?|(?<![\w/])/?[ur]/[\w-]+",
    re.IGNORECASE,
)

#: Scripts that do not separate words by spaces (Chinese, Japanese kana, Korean
#: Hangul is spaced but its runs are kept whole): runs of these become character
#: bigrams, the usual tokenisation for CJK search, so a Chinese sentence is not one
#: "word".
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CJK_PUNCT = re.compile(r"[\u3000-\u303f\uff00-\uff0f\uff1a-\uff20]")

_EMPTY_VOCABULARY = ("empty vocabulary", "no terms remain")


CONTRACTION_PARTS = frozenset(
    "ll ve re im ive id didn doesn don isn aren wasn weren couldn shouldn wouldn won "
    "haven hasn hadn ain mustn needn let lets yeah oh ok".split()
)
"""Fragments the token pattern makes of contractions ("I'll" → "ll"), and fillers."""


def class_tfidf_keywords(
    texts: Sequence[str],
    labels: np.ndarray,
    top_n: int = 10,
    stop_words: str | None = "english",
    ngram_range: tuple[int, int] = (1, 1),
    min_df: int = 1,
) -> dict[int, list[tuple[str, float]]]:
    """Return the top c-TF-IDF terms of every cluster, outliers (-1) included.

    Parameters
    ----------
    texts : sequence of str
        One text per row, aligned with ``labels``.
    labels : ndarray of shape (n_rows,)
        Integer cluster of each text; ``-1`` (outliers) is treated as a class
        of its own and gets keywords too.
    top_n : int, default=10
        How many terms to return per cluster; must be >= 1.
    stop_words : {"english", None}, default="english"
        scikit-learn's built-in English stop list, or ``None`` to keep every word.
    ngram_range : tuple of (int, int), default=(1, 1)
        Smallest and largest n-gram length counted, ``1 <= low <= high``.
        As in BERTopic, the texts of a cluster are joined with spaces, so an
        n-gram may span the end of one text and the start of the next.
    min_df : int, default=1
        Keep only terms that occur in at least this many *clusters* (class
        documents, as in BERTopic), not individual texts; must be >= 1.

    Returns
    -------
    dict of int to list of (str, float)
        For every label present in ``labels`` (ascending), up to ``top_n``
        ``(term, score)`` pairs by descending score (ties alphabetical); terms
        scoring zero are dropped, so a cluster whose texts hold only stop
        words, links or mentions gets an empty list.

    Raises
    ------
    ClusterError
        If ``texts`` and ``labels`` differ in length, a text is not a string,
        labels are not integers, or a parameter is out of range.

    Notes
    -----
    Before counting, texts are lowercased and links (``http…``, ``www.…``) and
    @mentions are removed. Tokens are runs of 2+ letters (:data:`TOKEN_PATTERN`).
    *A* is the exact mean number of counted terms per class; BERTopic's
    implementation truncates it to an integer, which only matters for tiny
    corpora.

    Examples
    --------
    >>> texts = ["cats purr", "cats meow", "dogs bark", "dogs fetch"]
    >>> keywords = class_tfidf_keywords(texts, np.array([0, 0, 1, 1]), top_n=1)
    >>> [term for term, _ in keywords[0]], [term for term, _ in keywords[1]]
    (['cats'], ['dogs'])
    """
    labels = check_labels(labels, len(texts), f"texts ({len(texts)})")
    check_int("top_n", top_n, minimum=1)
    check_int("min_df", min_df, minimum=1)
    _check_ngram_range(ngram_range)
    if stop_words not in ("english", None):
        raise ClusterError(f"stop_words ({stop_words!r}) must be 'english' or None")

    classes, class_docs = _class_documents(texts, labels)
    empty: dict[int, list[tuple[str, float]]] = {int(c): [] for c in classes}
    if len(classes) == 0 or min_df > len(classes):
        return empty

    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer
    from sklearn.preprocessing import normalize

    vectorizer = CountVectorizer(
        lowercase=False,  # class documents are lowercased already
        token_pattern=TOKEN_PATTERN,
        stop_words=sorted(ENGLISH_STOP_WORDS | CONTRACTION_PARTS) if stop_words else None,
        ngram_range=tuple(ngram_range),
        min_df=min_df,
        dtype=np.float64,
    )
    try:
        counts = vectorizer.fit_transform(class_docs).tocsr()
    except ValueError as error:
        if any(phrase in str(error) for phrase in _EMPTY_VOCABULARY):
            return empty
        raise

    words_per_term = np.asarray(counts.sum(axis=0)).ravel()  # f_t
    average_words = counts.sum() / counts.shape[0]  # A
    idf = np.log1p(average_words / words_per_term)
    scores = normalize(counts, norm="l1", axis=1).multiply(idf).tocsr()
    scores.eliminate_zeros()

    terms = vectorizer.get_feature_names_out()
    result = {}
    for row, label in enumerate(classes):
        start, end = scores.indptr[row], scores.indptr[row + 1]
        values, columns = scores.data[start:end], scores.indices[start:end]
        # Terms are sorted alphabetically, so the column index breaks ties.
        best = np.lexsort((columns, -values))[:top_n]
        result[int(label)] = [(str(terms[columns[i]]), float(values[i])) for i in best]
    return result


def _class_documents(texts: Sequence[str], labels: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Join the texts of each label into one cleaned, lowercased class document."""
    if len(labels) == 0:
        return np.empty(0, dtype=np.int64), []
    values = np.empty(len(labels), dtype=object)
    values[:] = list(texts)
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    classes, starts = np.unique(sorted_labels, return_index=True)
    ends = np.append(starts[1:], len(sorted_labels))
    documents = []
    for start, end in zip(starts, ends, strict=True):
        members = values[order[start:end]]
        try:
            joined = " ".join(members)
        except TypeError:
            bad = next(i for i in order[start:end] if not isinstance(values[i], str))
            raise ClusterError(
                f"texts[{bad}] ({values[bad]!r}) must be a string; replace missing texts with ''"
            ) from None
        documents.append(split_cjk(_NOISE.sub(" ", joined.lower())))
    return classes, documents


def split_cjk(text: str) -> str:
    """Write runs of Chinese or Japanese characters as spaced character bigrams.

    Examples
    --------
    >>> split_cjk("停车太贵了 parking")
    '停车 车太 太贵 贵了 parking'
    >>> split_cjk("好")  # one character, like one letter, is not counted
    '好'
    """
    text = _CJK_PUNCT.sub(" ", text)

    def bigrams(match: re.Match[str]) -> str:
        run = match.group(0)
        if len(run) == 1:
            return f" {run} "
        return " " + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + " "

    return " ".join(_CJK_RUN.sub(bigrams, text).split()) if _CJK_RUN.search(text) else text


def _check_ngram_range(ngram_range: tuple[int, int]) -> None:
    """Raise :class:`ClusterError` unless ``ngram_range`` is ``(low, high)``, 1 <= low <= high."""
    try:
        low, high = ngram_range
    except (TypeError, ValueError):
        raise ClusterError(
            f"ngram_range ({ngram_range!r}) must be a pair (low, high) such as (1, 2)"
        ) from None
    for value in (low, high):
        if isinstance(value, bool) or not isinstance(value, Integral):
            raise ClusterError(f"ngram_range ({ngram_range!r}) must hold two integers")
    if low < 1 or high < low:
        raise ClusterError(f"ngram_range ({ngram_range!r}) must satisfy 1 <= low <= high")
