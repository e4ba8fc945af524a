"""What suggestions learn from, read from a project: codes, codings, vectors, names.

Nothing here writes except through :func:`workbench.embed.embed_comments` and the
embedding cache (comments or code descriptions not embedded yet are embedded once).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from workbench.codebook.model import Code, Codebook
from workbench.coding.suggest import code_text, embed_texts
from workbench.suggest.model import SuggestError

if TYPE_CHECKING:
    from workbench.embed.encoder import SentenceEncoder
    from workbench.project import Project


def select_codes(codebook: Codebook, code_ids: Sequence[str] | None = None) -> list[Code]:
    """The codes to suggest: the active codes, or the ``code_ids`` among them.

    Raises
    ------
    SuggestError
        Naming an unknown code (and the known ones) or one that is not active
        (and the code that took its place).
    """
    if not code_ids:
        if not codebook.active:
            raise SuggestError(f"codebook {codebook.id!r} (version {codebook.version}) has no "
                               "active codes to suggest")
        return codebook.active
    chosen: list[Code] = []
    for code_id in dict.fromkeys(code_ids):
        if not codebook.has(code_id):
            known = ", ".join(c.id for c in codebook.active)
            raise SuggestError(f"no code {code_id!r} in codebook {codebook.id!r} (version "
                               f"{codebook.version}); active codes: {known}")
        code = codebook.code(code_id)
        if code.status != "active":
            raise SuggestError(f"code {code_id!r} is {code.status}; suggest "
                               f"{codebook.resolve(code_id)!r} or another active code")
        chosen.append(code)
    return chosen


def description_texts(code: Code) -> list[str]:
    """A code's description texts: its :func:`code_text` first, then each example."""
    examples = [e.strip() for e in code.examples if e and e.strip()]
    return [code_text(code), *examples]


def description_vectors(project: Project, codes: Sequence[Code],
                        encoder: SentenceEncoder | None = None) -> list[np.ndarray]:  # fmt: skip
    """Each code's description vectors (rows as in :func:`description_texts`)."""
    texts = [description_texts(code) for code in codes]
    flat = [t for group in texts for t in group]
    vectors = embed_texts(project, flat, encoder)
    out, start = [], 0
    for group in texts:
        out.append(vectors[start : start + len(group)])
        start += len(group)
    return out


def coded_labels(codings: pd.DataFrame, code_ids: Sequence[str], active: Iterable[str],
                 coders: Sequence[str] | None = None) -> tuple[list[str], np.ndarray]:  # fmt: skip
    """Which coded comments carry which of ``code_ids``.

    A comment counts as coded when it has a coding of any active code (by one of
    ``coders``, or anyone); passages count for their comment, and codings by
    several coders are pooled. Returns the coded comment ids (sorted) and a
    boolean matrix, one column per code of ``code_ids``.
    """
    frame = codings[codings["code_id"].isin(set(active))]
    if coders:
        frame = frame[frame["coder"].isin(set(coders))]
    comment_ids = sorted(set(frame["comment_id"].astype(str)))
    row = {c: i for i, c in enumerate(comment_ids)}
    column = {c: j for j, c in enumerate(code_ids)}
    labels = np.zeros((len(comment_ids), len(code_ids)), dtype=bool)
    for comment_id, code_id in zip(frame["comment_id"].astype(str), frame["code_id"],
                                   strict=True):  # fmt: skip
        if code_id in column:
            labels[row[comment_id], column[code_id]] = True
    return comment_ids, labels


def export_name(comment_id: str, taken: dict[str, int] | None = None) -> str:
    """The comment's id as its export named it: ``reddit:t1_abc`` -> ``t1_abc``.

    The part after the platform prefix is the id in the export file (a Reddit
    fullname, a tweet's number, a Mastodon status URI, a CSV's id column). The
    workbench's own id is kept where that would be ambiguous (``taken`` counts the
    project's comments by export name) or where the export gave no id (rows of a
    CSV without an id column get a content hash, ``csv:sha1-...``).
    """
    raw = comment_id.partition(":")[2]
    if not raw or raw.startswith("sha1-"):
        return comment_id
    if taken is not None and taken.get(raw, 0) > 1:
        return comment_id
    return raw


def export_names(all_ids: Iterable[str]) -> dict[str, str]:
    """:func:`export_name` for every id of a project, ambiguity checked across all."""
    ids = [str(c) for c in all_ids]
    taken: dict[str, int] = {}
    for comment_id in ids:
        raw = comment_id.partition(":")[2]
        taken[raw] = taken.get(raw, 0) + 1
    return {comment_id: export_name(comment_id, taken) for comment_id in ids}
