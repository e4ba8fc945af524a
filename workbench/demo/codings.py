"""Demo codings: two fictional coders code the demo consultation with the starter codebook.

The demo has no real coders, but the publishing and agreement notebooks need a
coded project to show anything. These codings are made by plain keyword rules
(:data:`RULES`), recorded with the origin ``demo-rules`` under two coders,
``demo-coder-a`` (every rule that matches) and ``demo-coder-b`` (the same rules,
missing about one match in seven and adding a neighbouring code now and then), so
that agreement figures have something to measure. They are illustrations of the
workflow, not an analysis of the demo threads.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pandas as pd

CODERS = ("demo-coder-a", "demo-coder-b")
ORIGIN = "demo-rules"

#: code id -> pattern (case-insensitive, searched in the comment's title and text).
RULES: dict[str, str] = {
    "feedback.complaint": r"\b(?:wait(?:ed|ing)?|hours|queue|rude|fuss|worst|awful|terrible|"
    r"ridiculous|shambles|useless|disgrace|nobody answered|no one answered)\b",
    "feedback.praise": r"\b(?:thank(?:s| you)|brilliant|lovely|amazing|fantastic|excellent|"
    r"kind(?:ness)?|grateful|well done)\b",
    "feedback.experience": r"\b(?:took my|my (?:son|daughter|mum|dad|husband|wife|partner|kids?|"
    r"child|baby|gran)|i was (?:seen|there|in)|was in (?:last|on)|last (?:month|week|year)|"
    r"when i (?:went|rang|called|tried))\b",
    "feedback.suggestion": r"\b(?:should|why not|would be (?:better|good|great)|suggest|"
    r"please (?:add|make|keep|put)|could you|needs? to|how about)\b",
    "messaging.misinformation": r"\b(?:closing|being sold|sold off|privati[sz]|vaccin\w*|"
    r"rumou?rs?|heard that|not true|myth|fake news)\b",
    "messaging.trolling": r"\b(?:idiots?|clowns?|pathetic|muppets?|snowflakes?|cry more|"
    r"nobody cares|get a grip|lol)\b",
    "barriers.access": r"\b(?:smartphones?|no internet|signal|data|wifi|computer|laptop|"
    r"screen ?readers?|time(?:s|d)? out|bsl|deaf|wheelchair)\b",
    "barriers.familiarity": r"\b(?:don'?t know how|confus\w*|never used|how do i|"
    r"which (?:one|service)|not sure (?:how|where|which))\b",
    "relationships.trust": r"\b(?:believe it|trust|promised?|hold (?:us|you|them) to|lies|"
    r"listen(?:ing)?)\b",
    "relationships.transparency": r"\b(?:consultation document|figures|published|"
    r"you said,? we did|decided|decision)\b",
    "enablers.safety.moderation": r"\b(?:removed|mods?|moderat\w*|reported|rule \d)\b",
    "low-quality.tokenistic": r"\b(?:already decided|done deal|tick[- ]?box|waste of time|"
    r"pointless|won'?t listen)\b",
    "audiences.hard-to-reach": r"\b(?:night ?shifts?|shift work|carers?|young people|students?|"
    r"polish|urdu|punjabi|interpreters?|welsh)\b",
    "privacy.disclosure": r"\b(?:my (?:diagnosis|medication|condition)|i have (?:autism|dementia|"
    r"anxiety|depression)|mental health|chest pains?|bipolar)\b",
    "enablers.access.blended": r"\b(?:drop-?in|paper cop(?:y|ies)|in person|face to face|"
    r"library)\b",
}

#: Codes coder B sometimes adds beside one of A's (a neighbouring reading).
_NEIGHBOURS = {
    "feedback.complaint": "feedback.experience",
    "messaging.trolling": "low-quality.shallow",
    "relationships.trust": "low-quality.tokenistic",
    "barriers.access": "barriers.familiarity",
}
_COMPILED = {code: re.compile(pattern, re.IGNORECASE) for code, pattern in RULES.items()}


def _roll(*parts: str) -> int:
    """A stable number 0-99 for ``parts`` (the same on every machine and run)."""
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % 100


def rule_codes(text: str) -> list[str]:
    """The codes whose rule matches ``text`` (``low-quality.shallow`` for a bare reply)."""
    found = [code for code, pattern in _COMPILED.items() if pattern.search(text)]
    if len(text.strip()) < 25:
        found.append("low-quality.shallow")
    return found


def demo_codings(comments: pd.DataFrame, codes: set[str]) -> list[dict[str, Any]]:
    """Codings of both demo coders for ``comments`` (only ids in ``codes`` are used).

    Parameters
    ----------
    comments : DataFrame
        The project's comments (``comment_id``, ``title``, ``text``, ``is_deleted``).
    codes : set of str
        The active code ids of the project's codebook.

    Returns
    -------
    list of dict
        Rows for :meth:`~workbench.store.SqlStore.add_codings`.
    """
    rows: list[dict[str, Any]] = []
    for comment in comments.itertuples(index=False):
        if bool(comment.is_deleted) or not isinstance(comment.text, str):
            continue
        title = comment.title if isinstance(comment.title, str) else ""
        found = [c for c in rule_codes(f"{title}\n{comment.text}".strip()) if c in codes]
        extras: set[str] = set()
        for code in found:
            rows.append(_row(comment.comment_id, code, CODERS[0]))
            if _roll(comment.comment_id, code) >= 14:
                rows.append(_row(comment.comment_id, code, CODERS[1]))
            extra = _NEIGHBOURS.get(code)
            if (extra in codes and extra not in found and extra not in extras
                    and _roll(comment.comment_id, code, "+") < 25):
                extras.add(extra)
                rows.append(_row(comment.comment_id, extra, CODERS[1]))
    return rows


def _row(comment_id: str, code: str, coder: str) -> dict[str, Any]:
    return {"comment_id": comment_id, "code_id": code, "coder": coder, "origin": ORIGIN}
