"""Sentence embeddings of comments: fast, cached, and the same as the reference.

The flow: :func:`embed_comments` reads a project's comments, looks their
normalised texts up in the :class:`EmbeddingCache` and hands only new texts to a
:class:`SentenceEncoder`, which batches them by length and runs the backend that
:mod:`workbench.embed.choose` measured to be fastest without changing results.
Heavy libraries (torch, sentence-transformers, onnxruntime) load only when a
model is actually needed.
"""

from __future__ import annotations

from workbench.embed.backends import BACKENDS
from workbench.embed.cache import EmbeddingCache
from workbench.embed.comments import (
    CommentEmbeddings,
    EmbeddingReport,
    embed_comments,
    embed_rows,
    embeddable,
    encoder_for,
)
from workbench.embed.encoder import LONG_TEXT_POLICIES, SentenceEncoder
from workbench.embed.models import DEFAULT_MODEL, resolve_model
from workbench.embed.texts import comment_text, normalise_text, text_key

__all__ = [
    "BACKENDS",
    "DEFAULT_MODEL",
    "LONG_TEXT_POLICIES",
    "CommentEmbeddings",
    "EmbeddingCache",
    "EmbeddingReport",
    "SentenceEncoder",
    "comment_text",
    "embed_comments",
    "embed_rows",
    "embeddable",
    "encoder_for",
    "normalise_text",
    "resolve_model",
    "text_key",
]
