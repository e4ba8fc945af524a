"""How well a search result matches, in plain words.

Search by meaning always returns *something*: asked for a word the comments never
use ("privacy"), it returns the least unrelated comments ("this", similarity 0.29).
The similarity is a cosine between sentence vectors; for the sentence models the
workbench uses (all-MiniLM-L6-v2 and its kin), unrelated sentences score about 0.0
to 0.3, sentences on the same topic about 0.35 to 0.5, and paraphrases above 0.5.
These bands name the strength of a match and decide what a search selects: only
matches at least *partial* are selected (and so can be queued for coding).
"""

from __future__ import annotations

from collections.abc import Sequence

#: (lowest similarity, words) from the strongest band down.
BANDS: tuple[tuple[float, str], ...] = (
    (0.5, "strong match"),
    (0.35, "partial match"),
    (float("-inf"), "weak match"),
)
#: Results at least this similar are selected by a search (partial or strong).
SELECT_AT = 0.35


def strength(similarity: float) -> str:
    """The strength of a match in words.

    Examples
    --------
    >>> strength(0.62), strength(0.41), strength(0.29)
    ('strong match', 'partial match', 'weak match')
    """
    for lowest, words in BANDS:
        if similarity >= lowest:
            return words
    return BANDS[-1][1]


def search_note(query: str, similarities: Sequence[float]) -> str:
    """One sentence about a search's results, saying plainly when nothing matches well.

    Examples
    --------
    >>> search_note("privacy", [0.29, 0.27])[:60]
    'No comment matches "privacy" well: the closest are weak matc'
    >>> search_note("parking", [0.71, 0.44, 0.2])[:60]
    '2 of 3 results match "parking" (1 strong, 1 partial) and are'
    """
    bands = [strength(s) for s in similarities]
    strong, partial = bands.count("strong match"), bands.count("partial match")
    if not similarities:
        return f'Nothing was found for "{query}".'
    if strong + partial == 0:
        return (
            f'No comment matches "{query}" well: the closest are weak matches (shown, not '
            "selected). The comments may not talk about it; try other words."
        )
    weak = len(bands) - strong - partial
    tail = "; weak matches are shown, not selected." if weak else "."
    return (
        f'{strong + partial} of {len(bands)} results match "{query}" ({strong} strong, '
        f"{partial} partial) and are selected{tail}"
    )
