"""Embed a project's comments, through the cache.

Which comments: every comment that is not deleted and has text (a post's title
counts as text). Re-running after an import embeds only texts the cache lacks; an
unchanged corpus loads no model at all.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench.embed.cache import EmbeddingCache
from workbench.embed.encoder import SentenceEncoder
from workbench.embed.texts import comment_text, text_keys
from workbench.events import CommentsEmbedded

if TYPE_CHECKING:
    from workbench.project import Project


@dataclass
class EmbeddingReport:
    """What an embedding run did."""

    model: str
    """The model's id (hub name, or a local folder's name and content digest)."""
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
    model_name: str = ""
    """The model as named in the settings or by ``--model`` (loadable again)."""

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
    keys: list[bytes] = field(repr=False, default_factory=list)
    """The cache key of each text (:func:`~workbench.embed.texts.text_key`)."""


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


def pin_backend(project: Project, encoder: SentenceEncoder) -> None:
    """Make ``auto`` keep the backend the project's vectors were already made with.

    A project's vectors should not change because a speed measurement came out
    differently (a busy machine, a library upgrade): when the cache already holds
    vectors of this model and long-text policy, ``auto`` means their backend (the
    most recently written, if several).
    """
    if encoder.backend != "auto":
        return
    ref = encoder.model_ref_unresolved()
    found = []
    for meta_path in (project.cache_dir / "embeddings").glob("*/meta.json"):
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if (meta.get("model_id") == ref.model_id and meta.get("long_texts") == encoder.long_texts
                and any(meta_path.parent.glob("shard-*.keys.npy"))):
            found.append((meta_path.stat().st_mtime, str(meta.get("backend"))))
    if found:
        encoder.backend = max(found)[1]


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
    source = project.comments() if frame is None else frame
    rows, texts = embeddable(source)
    return embed_rows(project, rows, texts, skipped=len(source) - len(texts), encoder=encoder,
                      progress=progress, record_event=record_event)


def embed_rows(
    project: Project,
    rows: pd.DataFrame,
    texts: list[str],
    *,
    skipped: int = 0,
    encoder: SentenceEncoder | None = None,
    progress: bool = False,
    record_event: bool = True,
) -> CommentEmbeddings:
    """:func:`embed_comments` for rows already passed through :func:`embeddable`.

    ``skipped`` is how many comments :func:`embeddable` left out (for the report).
    """
    start = time.perf_counter()
    encoder = encoder or encoder_for(project)
    if not texts:
        report = EmbeddingReport(model=encoder.model or "", backend=encoder.backend,
                                 long_texts=encoder.long_texts, skipped=skipped)
        return CommentEmbeddings([], [], np.zeros((0, 0), dtype=np.float32), report, rows)
    keys = text_keys(texts)
    pin_backend(project, encoder)
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
        skipped=skipped,
        threads=encoder.threads_used,
        seconds=round(time.perf_counter() - start, 3),
        cache=str(cache.folder.relative_to(project.root)),
        model_name=encoder.model_ref.name,
    )
    if unique and record_event:
        project.store.record(CommentsEmbedded(**report.as_dict()), project.actor)
    return CommentEmbeddings(
        comment_ids=rows["comment_id"].astype(str).tolist(),
        texts=texts,
        vectors=vectors,
        report=report,
        frame=rows,
        keys=keys,
    )
