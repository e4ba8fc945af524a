"""Suggestions for a project: which uncoded comments fit which code, and why.

:class:`Suggester` reads the project (codebook, codings, cached comment vectors),
fits a :class:`~workbench.suggest.model.CodeScorer` and returns an immutable
:class:`Suggestions` snapshot. :meth:`Suggester.refresh` is cheap when nothing
changed (it reads the codings and compares) and refits in well under a second
when something did; the comment vectors are read once (and again only after an
import). A coding app calls it from a background thread
(:class:`~workbench.suggest.background.BackgroundSuggester`) and reads the latest
snapshot, so a click never waits for training.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench.codebook import service
from workbench.suggest.inputs import coded_labels, description_vectors, select_codes
from workbench.suggest.model import CodeScorer, SuggestError

if TYPE_CHECKING:
    from workbench.embed.encoder import SentenceEncoder
    from workbench.project import Project

#: The ``origin`` a coding made by accepting a suggestion records.
ACCEPTED = "suggestion-accepted"


@dataclass(frozen=True)
class Suggestion:
    """One comment suggested for one code."""

    comment_id: str
    code_id: str
    score: float


@dataclass(frozen=True)
class Reason:
    """Why a comment was suggested for a code: what it is closest to.

    ``coded`` holds the nearest comments coders applied the code to, as
    ``(comment_id, cosine)``, closest first; ``examples`` the nearest of the
    codebook's examples of the code, as ``(text, cosine)``; ``definition`` the
    cosine to the code's description (label, definition, use-when, examples).
    """

    comment_id: str
    code_id: str
    score: float
    coded: tuple[tuple[str, float], ...]
    examples: tuple[tuple[str, float], ...]
    definition: float

    def __str__(self) -> str:
        parts = []
        if self.coded:
            parts.append("like " + ", ".join(f"{c} ({s:.2f})" for c, s in self.coded))
        if self.examples:
            parts.append("like the example " + ", ".join(f"{_quote(t)} ({s:.2f})"
                                                         for t, s in self.examples))
        parts.append(f"definition {self.definition:.2f}")
        return "; ".join(parts)


def _quote(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return f"\u201c{text if len(text) <= limit else text[: limit - 1] + '…'}\u201d"


@dataclass(frozen=True, eq=False)
class Suggestions:
    """A snapshot of suggestions: scores of every uncoded comment for every code.

    ``scores[i, j]`` is comment ``comment_ids[i]``'s score for ``code_ids[j]``:
    the cosine similarity to the code's description while nothing is coded
    (``mode == "cold-start"``), afterwards the estimated probability that the
    code applies (see :mod:`workbench.suggest.model`). Read-only: a refresh makes
    a new snapshot, so readers in other threads never see one half updated.
    """

    code_ids: tuple[str, ...]
    comment_ids: tuple[str, ...]
    scores: np.ndarray
    mode: str
    coded: int
    """Coded comments learned from."""
    codebook_version: int
    prevalence: dict[str, float] | None
    """Each code's estimated share among the uncoded comments (when calibrated)."""
    seconds: float
    """Time the fit and the scoring took."""
    coders: tuple[str, ...] | None = None
    _vectors: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((0, 0)))
    _coded_ids: tuple[str, ...] = field(repr=False, default=())
    _coded_vectors: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((0, 0)))
    _labels: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((0, 0), bool))
    _descriptions: tuple[np.ndarray, ...] = field(repr=False, default=())
    _examples: tuple[tuple[str, ...], ...] = field(repr=False, default=())
    _uncertainty: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        self.scores.setflags(write=False)
        object.__setattr__(self, "_row", {c: i for i, c in enumerate(self.comment_ids)})

    def _column(self, code_id: str) -> int:
        try:
            return self.code_ids.index(code_id)
        except ValueError:
            raise SuggestError(f"no suggestions for code {code_id!r}; these were made for "
                               f"{', '.join(self.code_ids)}") from None

    def _index(self, comment_id: str) -> int:
        row = self._row.get(comment_id)  # type: ignore[attr-defined]
        if row is None:
            raise SuggestError(f"comment {comment_id!r} is not among the uncoded comments "
                               "these suggestions were made for (coded, deleted, or new)")
        return row

    def for_code(self, code_id: str, n: int | None = 20) -> list[Suggestion]:
        """The uncoded comments that fit ``code_id`` best, best first (all with ``n=None``)."""
        column = self.scores[:, self._column(code_id)]
        order = np.argsort(-column, kind="stable")
        if n is not None:
            order = order[:n]
        return [Suggestion(self.comment_ids[i], code_id, float(column[i])) for i in order]

    def for_comment(self, comment_id: str) -> list[Suggestion]:
        """Every code's score for one uncoded comment, best first."""
        row = self.scores[self._index(comment_id)]
        return [Suggestion(comment_id, self.code_ids[j], float(row[j]))
                for j in np.argsort(-row, kind="stable")]

    def reason(self, comment_id: str, code_id: str, n: int = 3) -> Reason:
        """Why ``comment_id`` is suggested for ``code_id``: its nearest coded examples."""
        i, j = self._index(comment_id), self._column(code_id)
        vector = self._vectors[i]
        coded: tuple[tuple[str, float], ...] = ()
        if len(self._labels):
            members = np.flatnonzero(self._labels[:, j])
            if len(members):
                similarity = self._coded_vectors[members] @ vector
                best = np.argsort(-similarity, kind="stable")[:n]
                coded = tuple((self._coded_ids[members[b]], round(float(similarity[b]), 4))
                              for b in best)  # fmt: skip
        described = self._descriptions[j] @ vector
        examples = tuple(sorted(((t, round(float(s), 4)) for t, s in
                                 zip(self._examples[j], described[1:], strict=True)),
                                key=lambda pair: -pair[1])[: max(0, n - len(coded))])
        return Reason(comment_id, code_id, float(self.scores[i, j]), coded, examples,
                      round(float(described[0]), 4))

    def ask_next(self, n: int = 10, seed: int | None = 0) -> list[str]:
        """Uncoded comments to ask a coder about next (active learning).

        Drawn at random with probability proportional to the model's uncertainty
        (:meth:`~workbench.suggest.model.CodeScorer.uncertainty`): unsure comments
        come up more often, but the sample still covers the whole corpus, which the
        prevalence estimate needs. Always taking the most uncertain did worse than a
        random sample in the benchmark (see ``benchmarks/README.md``).
        """
        count = min(n, len(self.comment_ids))
        if count <= 0:
            return []
        weight = np.asarray(self._uncertainty, dtype=float) + 1e-9
        rng = np.random.default_rng(seed)
        picked = rng.choice(len(weight), count, replace=False, p=weight / weight.sum())
        return [self.comment_ids[i] for i in picked]

    def frame(self, code_id: str, n: int | None = 50, *, reasons: bool = True) -> pd.DataFrame:
        """:meth:`for_code` as a frame (``comment_id``, ``code_id``, ``score``, ``reason``).

        The shape the coding app's ``suggested`` queue takes.
        """
        rows = [{"comment_id": s.comment_id, "code_id": s.code_id, "score": s.score,
                 "reason": str(self.reason(s.comment_id, code_id)) if reasons else ""}
                for s in self.for_code(code_id, n)]  # fmt: skip
        return pd.DataFrame(rows, columns=["comment_id", "code_id", "score", "reason"])

    def records(self, names: dict[str, str] | None = None,
                digits: int = 4) -> list[dict[str, Any]]:  # fmt: skip
        """``[{"comment_id": ..., "scores": {code_id: score}}]``, one per uncoded comment.

        ``names`` maps the workbench's ids to the names to print (e.g. the export's,
        :func:`~workbench.suggest.inputs.export_names`).
        """
        names = names or {}
        return [{"comment_id": names.get(c, c),
                 "scores": {code: round(float(s), digits) for code, s in
                            zip(self.code_ids, row, strict=True)}}
                for c, row in zip(self.comment_ids, self.scores, strict=True)]  # fmt: skip


class Suggester:
    """Keeps a project's suggestions up to date as coding goes on.

    Parameters
    ----------
    project : Project
        The project (its codebook, codings and embedding settings).
    codes : sequence of str, optional
        Suggest only these active codes (default: every active code).
    coders : sequence of str, optional
        Learn only from these coders' codings, and count as coded only what they
        coded (default: everyone's). In blind mode pass the coder alone, so that
        other coders' decisions do not leak through the suggestions.
    scorer : CodeScorer, optional
        The model (its parameters; it is refitted on every change).
    encoder : SentenceEncoder, optional
        The encoder for comments not in the cache and the code descriptions.

    Notes
    -----
    Thread safety: one refresh runs at a time (a lock); :attr:`latest` is replaced
    whole, so it can be read from any thread while a refresh runs.
    """

    def __init__(self, project: Project, *, codes: Sequence[str] | None = None,
                 coders: Sequence[str] | None = None, scorer: CodeScorer | None = None,
                 encoder: SentenceEncoder | None = None) -> None:  # fmt: skip
        self.project = project
        self.codes = list(codes) if codes else None
        self.coders = list(coders) if coders else None
        self.scorer = scorer
        self.encoder = encoder
        self.latest: Suggestions | None = None
        self._lock = threading.Lock()
        self._signature: tuple | None = None
        self._comments = -1
        self._ids: list[str] = []
        self._vectors = np.zeros((0, 0), dtype=np.float32)
        self._position: dict[str, int] = {}
        self._descriptions: dict[tuple[str, ...], np.ndarray] = {}

    def _load_vectors(self) -> None:
        """Read (embedding what the cache lacks) every comment's vector, after imports."""
        from workbench.embed import embed_comments

        count = self.project.store.count("comments")
        if count == self._comments:
            return
        embedded = embed_comments(self.project, encoder=self.encoder)
        from workbench.coding.suggest import unit_rows

        self._ids = embedded.comment_ids
        self._vectors = unit_rows(embedded.vectors) if len(embedded.comment_ids) else \
            np.zeros((0, 1), dtype=np.float32)  # fmt: skip
        self._position = {c: i for i, c in enumerate(self._ids)}
        self._comments = count

    def _description_vectors(self, codes: list) -> list[np.ndarray]:
        from workbench.suggest.inputs import description_texts

        out, missing = [], []
        for code in codes:
            key = tuple(description_texts(code))
            if key not in self._descriptions:
                missing.append(code)
        if missing:
            for code, vectors in zip(missing, description_vectors(self.project, missing,
                                                                  self.encoder), strict=True):
                self._descriptions[tuple(description_texts(code))] = vectors
        for code in codes:
            out.append(self._descriptions[tuple(description_texts(code))])
        return out

    def refresh(self, *, force: bool = False) -> Suggestions:
        """Suggestions for the project as it is now; refits only if something changed.

        Changes that count: the codebook's version, the codings (of the chosen
        coders), and new comments. Returns :attr:`latest`.

        Raises
        ------
        CodebookError
            If the project has no codebook yet.
        SuggestError
            For an unknown or inactive code among ``codes``.
        """
        with self._lock:
            codebook = service.require(self.project)
            codes = select_codes(codebook, self.codes)
            self._load_vectors()
            codings = self.project.store.codings()
            active = [c.id for c in codebook.active]
            coded_ids, labels = coded_labels(codings, [c.id for c in codes], active, self.coders)
            digest = hashlib.blake2b("\n".join(coded_ids).encode() + labels.tobytes(),
                                     digest_size=16).hexdigest()  # fmt: skip
            signature = (codebook.version, tuple(c.id for c in codes), self._comments, digest,
                         tuple((c.id, *c.examples, c.label, c.definition, c.use_when)
                               for c in codes))  # fmt: skip
            if not force and self.latest is not None and signature == self._signature:
                return self.latest
            self.latest = self._fit(codes, codebook.version, coded_ids, labels)
            self._signature = signature
            return self.latest

    def _fit(self, codes: list, version: int, coded_ids: list[str],
             labels: np.ndarray) -> Suggestions:  # fmt: skip
        descriptions = self._description_vectors(codes)
        start = time.perf_counter()
        known = [i for i, c in enumerate(coded_ids) if c in self._position]
        coded_rows = np.array([self._position[coded_ids[i]] for i in known], dtype=int)
        coded_set = set(coded_ids)
        pool_rows = np.array([i for i, c in enumerate(self._ids) if c not in coded_set], dtype=int)
        dim = self._vectors.shape[1]
        coded_vectors = self._vectors[coded_rows] if len(coded_rows) else np.zeros((0, dim))
        pool = self._vectors[pool_rows] if len(pool_rows) else np.zeros((0, dim))
        kept = labels[known] if known else np.zeros((0, len(codes)), dtype=bool)
        scorer = _clone(self.scorer)
        scorer.fit(coded_vectors, kept, descriptions, pool)
        scores = scorer.predict(pool) if len(pool) else np.zeros((0, len(codes)))
        uncertainty = scorer.uncertainty(pool) if len(pool) else np.zeros(0)
        prevalence = None
        if scorer.prevalence_ is not None:
            prevalence = {c.id: round(float(p), 4)
                          for c, p in zip(codes, scorer.prevalence_, strict=True)}  # fmt: skip
        return Suggestions(
            code_ids=tuple(c.id for c in codes),
            comment_ids=tuple(self._ids[i] for i in pool_rows),
            scores=np.asarray(scores, dtype=np.float64),
            mode=scorer.mode_, coded=len(known), codebook_version=version,
            prevalence=prevalence, seconds=round(time.perf_counter() - start, 4),
            coders=tuple(self.coders) if self.coders else None,
            _vectors=pool, _coded_ids=tuple(coded_ids[i] for i in known),
            _coded_vectors=coded_vectors, _labels=kept, _descriptions=tuple(descriptions),
            _examples=tuple(tuple(e.strip() for e in c.examples if e and e.strip())
                            for c in codes),
            _uncertainty=uncertainty,
        )  # fmt: skip


def _clone(scorer: CodeScorer | None) -> CodeScorer:
    """A fresh scorer with ``scorer``'s parameters (the estimator contract)."""
    if scorer is None:
        return CodeScorer()
    params = {k: v for k, v in vars(scorer).items() if not k.endswith("_")
              and not k.startswith("_")}  # fmt: skip
    return CodeScorer(**params)


def accept(project: Project, comment_id: str, code_id: str, coder: str, *,
           memo: str | None = None, span: tuple[int, int] | None = None) -> int | None:  # fmt: skip
    """Code ``comment_id`` with ``code_id`` as ``coder``, recording the suggestion's origin.

    The coding's ``origin`` is ``suggestion-accepted``; everything else is as for a
    manual coding (one durable action with its event, undoable). Returns the new
    coding's id, or None when the same coding was already there.

    Raises
    ------
    SuggestError
        If the code is not an active code of the current codebook.
    CodingError
        If the comment is not in the project (nothing is stored).
    """
    codebook = service.require(project)
    select_codes(codebook, [code_id])
    row: dict[str, Any] = {"comment_id": comment_id, "code_id": code_id, "coder": coder,
                           "memo": memo, "origin": ACCEPTED}  # fmt: skip
    if span is not None:
        row["span_start"], row["span_end"] = span
    _, ids = project.store.add_codings([row], coder, codebook_version=codebook.version)
    return ids[0] if ids else None
