"""The units agreement is measured on: comments, and passages of span-coded comments.

**Comment units.** For each code, a unit is a comment coded by two or more of the
coders compared; each coder who coded that comment at all (any code) gives it 1 if
they applied the code (to the whole comment or to a passage of it) and 0 if not; a
coder who did not code the comment is missing for it. A comment only one coder coded
is no unit (nothing to compare). The store keeps codings, not views, so a comment a
coder read and left without any code counts as not coded by them.

**Passage units**, where codes were applied to passages. The comments concerned are
those coded by two or more coders in which any of them applied any of the codes
compared to a passage (``span_start``/``span_end``). Their units are *characters*:
each coder who coded the comment gives each character 1 for a code if one of their
codings of that code covers it (a whole-comment coding covers every character), 0
if not. Adjacent characters on which every coder's values are the same form one
segment, counted with its length as weight, so the figures are exactly those of
the character-by-character data.

Why characters and not matched passages: an overlap-based unit (pairing two coders'
passages when they overlap by, say, half) needs a matching rule and a threshold
that change the figures, and cannot say what a third coder's passage or a missing
one is. Characters need no threshold, take any number of coders and missing data
with the same alpha, make a whole-comment coding a passage like any other, and
count a partial overlap as partial agreement. Their one cost: characters of a
comment are not independent draws, so confidence intervals resample whole comments
(:mod:`workbench.agreement.figures`), never characters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: The two kinds of unit.
LEVELS: tuple[str, ...] = ("comment", "span")


@dataclass(frozen=True)
class Units:
    """Binary reliability data for each code at one level (comments or passages).

    Attributes
    ----------
    level : str
        ``"comment"`` or ``"span"``.
    coders, codes : tuple of str
        The coders compared and the codes, in the order of ``values``' axes.
    comments : tuple of str
        The comments the units belong to: every one coded by two or more coders.
        Confidence intervals resample these.
    values : ndarray, shape (codes, coders, units)
        1 where the coder applied the code to the unit, 0 where they coded the
        comment without applying it there, ``NaN`` where they did not code it.
    weights : ndarray, shape (units,)
        1 per comment; a passage segment's length in characters.
    comment_of : ndarray of int, shape (units,)
        Each unit's index into ``comments``.
    starts, ends : ndarray of int, shape (units,)
        Passage segments' first and past-the-end characters (0 and -1 for comments).
    """

    level: str
    coders: tuple[str, ...]
    codes: tuple[str, ...]
    comments: tuple[str, ...]
    values: np.ndarray
    weights: np.ndarray
    comment_of: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    @property
    def size(self) -> float:
        """The number of units (characters for passages)."""
        return float(self.weights.sum())

    def disputes(self) -> dict[str, set[str]]:
        """Per comment, the codes on which the coders who coded it differ somewhere."""
        out: dict[str, set[str]] = {}
        if not len(self.weights):
            return out
        present = ~np.isnan(self.values)
        ones = np.where(present, self.values, 0).sum(axis=1)  # codes × units
        split = (ones > 0) & (ones < present.sum(axis=1))
        for k, unit in zip(*np.nonzero(split), strict=True):
            out.setdefault(self.comments[self.comment_of[unit]], set()).add(self.codes[k])
        return out


def comment_units(codings: pd.DataFrame, coders: Sequence[str], codes: Sequence[str]) -> Units:
    """Comment units (see the module's text) from active codings.

    Parameters
    ----------
    codings : DataFrame
        Codings with ``comment_id``, ``code_id`` and ``coder`` (other coders' rows
        are ignored).
    coders, codes : sequence of str
        The coders compared and the codes measured.
    """
    mine = _of(codings, coders)
    comments = _shared_comments(mine)
    mine = mine[mine["comment_id"].isin(comments)]
    where = {c: i for i, c in enumerate(comments)}
    who = {c: i for i, c in enumerate(coders)}
    which = {c: i for i, c in enumerate(codes)}
    present = np.zeros((len(coders), len(comments)), dtype=bool)
    present[mine["coder"].map(who).to_numpy(int), mine["comment_id"].map(where).to_numpy(int)] = 1
    applied = np.zeros((len(codes), len(coders), len(comments)))
    chosen = mine[mine["code_id"].isin(which)]
    applied[chosen["code_id"].map(which).to_numpy(int), chosen["coder"].map(who).to_numpy(int),
            chosen["comment_id"].map(where).to_numpy(int)] = 1  # fmt: skip
    values = np.where(present[None], applied, np.nan)
    n = len(comments)
    return Units("comment", tuple(coders), tuple(codes), tuple(comments), values, np.ones(n),
                 np.arange(n), np.zeros(n, dtype=int), np.full(n, -1))  # fmt: skip


def span_units(codings: pd.DataFrame, lengths: Mapping[str, int], coders: Sequence[str],
               codes: Sequence[str]) -> Units:  # fmt: skip
    """Passage units (see the module's text) of the span-coded comments.

    Parameters
    ----------
    codings : DataFrame
        As for :func:`comment_units`, with ``span_start`` and ``span_end`` (missing
        for whole-comment codings).
    lengths : mapping of str to int
        Each comment's text length in characters (a span reaching further, coded
        on an earlier text, stretches it).
    coders, codes : sequence of str
        The coders compared and the codes measured.
    """
    mine = _of(codings, coders)
    shared = _shared_comments(mine)
    mine = mine[mine["comment_id"].isin(shared)]
    chosen = mine[mine["code_id"].isin(set(codes))]
    spanned = set(chosen.loc[chosen["span_start"].notna(), "comment_id"])
    who = {c: i for i, c in enumerate(coders)}
    which = {c: i for i, c in enumerate(codes)}
    coded_by = mine.groupby("comment_id", sort=False)["coder"].unique()
    blocks, weights, owners, starts, ends, comments = [], [], [], [], [], []
    for comment_id, rows in chosen[chosen["comment_id"].isin(spanned)].groupby(
            "comment_id", sort=False):  # fmt: skip
        comment_id = str(comment_id)
        spans = rows["span_end"].dropna()
        length = max(int(lengths.get(comment_id, 0)), int(spans.max()) if len(spans) else 0)
        begin = rows["span_start"].fillna(0).astype(int).to_numpy()
        end = rows["span_end"].fillna(length).astype(int).to_numpy()
        cuts = np.unique(np.concatenate([[0, length], begin, end]))
        left, right = cuts[:-1], cuts[1:]
        if not len(left):
            continue  # an empty text: no characters to agree on
        present = np.zeros(len(coders), dtype=bool)
        present[[who[c] for c in coded_by[comment_id]]] = 1
        block = np.zeros((len(codes), len(coders), len(left)))
        for k, j, b, e in zip(rows["code_id"].map(which), rows["coder"].map(who), begin, end,
                              strict=True):  # fmt: skip
            block[k, j, (left >= b) & (right <= e)] = 1
        block[:, ~present, :] = np.nan
        blocks.append(block)
        weights.append(right - left)
        owners.append(np.full(len(left), len(comments)))
        starts.append(left)
        ends.append(right)
        comments.append(comment_id)
    if not blocks:
        empty = np.zeros(0, dtype=int)
        return Units("span", tuple(coders), tuple(codes), (),
                     np.zeros((len(codes), len(coders), 0)), np.zeros(0), empty, empty, empty)
    return Units("span", tuple(coders), tuple(codes), tuple(comments),
                 np.concatenate(blocks, axis=2), np.concatenate(weights).astype(float),
                 np.concatenate(owners), np.concatenate(starts), np.concatenate(ends))


def _of(codings: pd.DataFrame, coders: Sequence[str]) -> pd.DataFrame:
    return codings[codings["coder"].isin(set(coders))]


def _shared_comments(codings: pd.DataFrame) -> list[str]:
    """Comments coded by two or more of the coders, in the order they were first coded."""
    counts = codings.groupby("comment_id", sort=False)["coder"].nunique()
    return [str(c) for c in counts.index[counts >= 2]]
