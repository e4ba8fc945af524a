"""Embed a project's comments, through the cache.

Which comments: every comment that is not deleted and has text (a post's title
counts as text). Re-running after an import embeds only texts the cache lacks; an
unchanged corpus loads no model at all.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench.embed.cache import EmbeddingCache
from workbench.embed.encoder import SentenceEncoder
from workbench.embed.texts import comment_text, text_keys

if TYPE_CHECKING:
    from workbench.project import Project


@dataclass
class EmbeddingReport:
    """What an embedding run did."""

    model: str
    backend: str
    long_texts: str
    comments: int = 0
    """Comments with text (the ones that have vectors)."""
    embedded: int = 0
    """Distinct texts embedded anew."""
    cached: int = 0
    """Comments whose vector came from the cache."""
    skipped: int = 0
    """Deleted or empty comments (no vector)."""
    threads: int = 0
    seconds: float = 0.0
    cache: str = ""

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


@dataclass
class CommentEmbeddings:
    """Vectors of a project's comments, row ``i`` belonging to ``comment_ids[i]``."""

    comment_ids: list[str]
    texts: list[str]
    vectors: np.ndarray
    report: EmbeddingReport
    frame: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    """The comments frame rows the vectors belong to, in the same order."""


def embeddable(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The rows of a comments frame that get vectors, and their embedded texts."""
    titles = frame["title"].astype(object).where(frame["title"].notna(), None)
    texts = [comment_text(t, x) for t, x in zip(titles, frame["text"].astype(object),
                                                  strict=True)]
    keep = np.array([bool(t) for t in texts], dtype=bool) & ~frame["is_deleted"].to_numpy(bool)
    kept = frame.loc[keep].reset_index(drop=True)
    return kept, [t for t, k in zip(texts, keep, strict=True) if k]


def encoder_for(project: Project, **overrides: Any) -> SentenceEncoder:
    """A :class:`SentenceEncoder` configured from the project's settings."""
    settings = project.settings
    values = {
        "model": settings["embedding_model"],
        "backend": settings["embedding_backend"],
        "long_texts": settings["long_texts"],
        "threads": settings["embedding_threads"],
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    return SentenceEncoder(**values)


def cache_for(project: Project, encoder: SentenceEncoder) -> EmbeddingCache:
    """The cache folder of ``encoder``'s configuration inside ``project``."""
    ref = encoder.model_ref
    name = f"{ref.slug}--{encoder.backend_name}--{encoder.long_texts}"
    meta = {"model_id": ref.model_id, "backend": encoder.backend_name,
            "long_texts": encoder.long_texts}
    return EmbeddingCache(project.cache_dir / "embeddings" / name, meta)


def embed_comments(
    project: Project,
    *,
    encoder: SentenceEncoder | None = None,
    progress: bool = False,
    frame: pd.DataFrame | None = None,
    record_event: bool = True,
) -> CommentEmbeddings:
    """Vectors for every comment with text, embedding only what the cache lacks.

    Parameters
    ----------
    project : Project
        The project (its settings choose model, backend and long-text policy).
    encoder : SentenceEncoder, optional
        Use this encoder instead of one built from the settings.
    progress : bool, default False
        Show a progress bar (terminal or notebook).
    frame : DataFrame, optional
        Embed these comments (a subset of the project's) instead of all.
    record_event : bool, default True
        Append an ``embed`` event when anything new was embedded.
    """
    start = time.perf_counter()
    encoder = encoder or encoder_for(project)
    source = project.comments() if frame is None else frame
    rows, texts = embeddable(source)
    keys = text_keys(texts)
    encoder.resolve(sample=texts[:512])
    cache = cache_for(project, encoder)
    missing = cache.missing(keys)
    unique: dict[bytes, int] = {}
    for position in missing:
        unique.setdefault(keys[position], position)
    if unique:
        todo = list(unique.values())
        todo_texts = [texts[i] for i in todo]
        todo_keys = [keys[i] for i in todo]
        for offset, vectors in encoder.iter_embed(todo_texts, progress=progress):
            cache.add(todo_keys[offset : offset + len(vectors)], vectors)
    vectors = cache.get(keys)
    report = EmbeddingReport(
        model=encoder.model_ref.model_id,
        backend=encoder.backend_name,
        long_texts=encoder.long_texts,
        comments=len(texts),
        embedded=len(unique),
        cached=len(texts) - len(missing),
        skipped=len(source) - len(texts),
        threads=encoder.threads_used,
        seconds=round(time.perf_counter() - start, 3),
        cache=str(cache.folder.relative_to(project.root)),
    )
    if unique and record_event:
        project.store.append_event("embed", report.as_dict(), project.actor)
    return CommentEmbeddings(
        comment_ids=rows["comment_id"].astype(str).tolist(),
        texts=texts,
        vectors=vectors,
        report=report,
        frame=rows,
    )
