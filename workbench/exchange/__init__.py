"""REFI-QDA exchange: codebooks (``.qdc``) and projects (``.qdpx``), as pure file I/O.

The standard (www.qdasoftware.org, REFI-QDA 1.0) is what NVivo, ATLAS.ti, MAXQDA
and QualCoder exchange. :mod:`~workbench.exchange.qdc` reads and writes codebooks,
:mod:`~workbench.exchange.qdpx` projects, described by the dataclasses of
:mod:`~workbench.exchange.model`; :func:`project_from_rows` builds a project to
export from the rows the store gives (one source per thread).
"""

from workbench.exchange.model import (
    CommentPlace,
    QdaCoding,
    QdaNote,
    QdaProject,
    QdaSource,
    QdaUser,
)
from workbench.exchange.qdc import codebook_to_qdc, qdc_to_codebook
from workbench.exchange.qdpx import read_qdpx, write_qdpx
from workbench.exchange.threads import project_from_rows, thread_source

__all__ = [
    "CommentPlace", "QdaCoding", "QdaNote", "QdaProject", "QdaSource", "QdaUser",
    "codebook_to_qdc", "project_from_rows", "qdc_to_codebook", "read_qdpx", "thread_source",
    "write_qdpx",
]
