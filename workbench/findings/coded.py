"""Which themes each comment has, for a codebook version: the input of every finding.

The final coding of a comment is its settled consensus where a disagreement review
settled it (coder ``consensus``), and otherwise every code any coder applied to it
(a passage coding counts for its comment). A theme counts the comments coded with it
or with one of its sub-themes, so a parent theme is never smaller than a child.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbench.agreement.figures import CONSENSUS
from workbench.codebook.model import Codebook
from workbench.project import Project

#: Comment columns findings use (``author_pseudonym`` counts distinct authors).
COMMENT_COLUMNS = ["comment_id", "platform", "thread_id", "created_at", "author_pseudonym",
                   "title", "text", "is_deleted", "lang"]  # fmt: skip


@dataclass
class CodedComments:
    """The coded comments of a project under one codebook version.

    Attributes
    ----------
    codebook : Codebook
        The version the findings describe.
    themes : DataFrame
        Active codes of that version in codebook order: ``code_id``, ``label``,
        ``parent``, ``definition``, ``color``, ``depth``.
    comments : DataFrame
        Every comment of the project (:data:`COMMENT_COLUMNS`).
    assignments : DataFrame
        ``comment_id``, ``code_id``: the final codes, each comment's sub-themes
        rolled up into their ancestors, no duplicates.
    direct : DataFrame
        ``comment_id``, ``code_id`` as coded (no roll-up).
    coders : list of str
        Coders whose codings were used (the consensus left out).
    left_out : int
        Active codings of codes that are not active in this version.
    """

    codebook: Codebook
    themes: pd.DataFrame
    comments: pd.DataFrame
    assignments: pd.DataFrame
    direct: pd.DataFrame
    coders: list[str]
    left_out: int

    @property
    def coded(self) -> pd.DataFrame:
        """The comments with at least one theme."""
        ids = set(self.assignments["comment_id"])
        return self.comments[self.comments["comment_id"].isin(ids)]


def theme_table(codebook: Codebook) -> pd.DataFrame:
    """The active codes of ``codebook`` as a table, in codebook order."""
    active = [c for c in codebook.codes if c.status == "active"]
    ids = {c.id for c in active}
    parents = {c.id: c.parent if c.parent in ids else None for c in active}

    def depth(code_id: str) -> int:
        level, parent = 0, parents[code_id]
        while parent is not None:
            level, parent = level + 1, parents[parent]
        return level

    return pd.DataFrame(
        [{"code_id": c.id, "label": c.label, "parent": parents[c.id],
          "definition": c.definition, "color": c.color, "depth": depth(c.id)}
         for c in active],
        columns=["code_id", "label", "parent", "definition", "color", "depth"],
    )  # fmt: skip


def final_codes(codings: pd.DataFrame) -> pd.DataFrame:
    """``comment_id``, ``code_id`` of the final coding (see the module's text)."""
    if codings.empty:
        return pd.DataFrame({"comment_id": pd.Series(dtype=object),
                             "code_id": pd.Series(dtype=object)})  # fmt: skip
    settled = set(codings.loc[codings["coder"] == CONSENSUS, "comment_id"])
    keep = (codings["coder"] == CONSENSUS) | ~codings["comment_id"].isin(settled)
    pairs = codings.loc[keep, ["comment_id", "code_id"]].astype(object)
    return pairs.drop_duplicates().reset_index(drop=True)


def roll_up(pairs: pd.DataFrame, themes: pd.DataFrame) -> pd.DataFrame:
    """Add each pair's ancestor themes; drop codes that are not in ``themes``."""
    parents = {code: None if pd.isna(parent) else parent
               for code, parent in zip(themes["code_id"], themes["parent"], strict=True)}
    rows = []
    for comment_id, code_id in pairs[pairs["code_id"].isin(parents)].itertuples(index=False):
        while code_id is not None:
            rows.append((comment_id, code_id))
            code_id = parents[code_id]
    frame = pd.DataFrame(rows, columns=["comment_id", "code_id"], dtype=object)
    return frame.drop_duplicates().reset_index(drop=True)


def coded_comments(project: Project, codebook: Codebook) -> CodedComments:
    """Gather the coded comments of ``project`` under ``codebook`` (one version)."""
    themes = theme_table(codebook)
    codings = project.store.codings()
    comments = project.comments()[COMMENT_COLUMNS].copy()
    direct = final_codes(codings)
    in_version = direct["code_id"].isin(set(themes["code_id"]))
    coders = sorted(set(codings["coder"]) - {CONSENSUS}) if not codings.empty else []
    return CodedComments(
        codebook=codebook,
        themes=themes,
        comments=comments,
        assignments=roll_up(direct, themes),
        direct=direct[in_version].reset_index(drop=True),
        coders=coders,
        left_out=int((~codings["code_id"].isin(set(themes["code_id"]))).sum())
        if not codings.empty else 0,
    )
