"""The methods record: how the findings were made, generated from the store.

Everything a reader needs to judge or repeat the analysis: the sources and their
date ranges, the coders, the embedding model and clustering parameters with their
run id, the codebook version with its change log, and hashes of every input. It is
private (it names files and coders); :mod:`workbench.publish` keeps the parts that
may be published.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Any

import orjson
import pandas as pd

from workbench.findings.coded import CodedComments
from workbench.project import Project


def _day(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def sources(comments: pd.DataFrame) -> list[dict[str, Any]]:
    """Per platform: comments, threads, distinct authors, first and last day."""
    rows = []
    for platform, group in comments.groupby("platform", sort=True):
        times = group["created_at"].dropna()
        rows.append({
            "platform": str(platform), "comments": int(len(group)),
            "threads": int(group["thread_id"].nunique()),
            "authors": int(group["author_pseudonym"].nunique()),
            "first": _day(times.min()) if not times.empty else None,
            "last": _day(times.max()) if not times.empty else None,
        })  # fmt: skip
    return rows


def codebook_hash(coded: CodedComments) -> str:
    """SHA-256 of the codebook version's JSON (what was applied, byte for byte)."""
    body = orjson.dumps(coded.codebook.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(body).hexdigest()


def _workbench_version() -> str:
    try:
        return package_version("thread-workbench")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def methods_record(project: Project, coded: CodedComments,
                   run: dict[str, Any] | None) -> dict[str, Any]:  # fmt: skip
    """The methods record of findings made from ``coded`` (and cluster ``run``)."""
    imports = project.store.imports()
    codebook = coded.codebook
    times = coded.comments["created_at"].dropna()
    record: dict[str, Any] = {
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "workbench_version": _workbench_version(),
        "project": project.settings.get("name") or project.root.name,
        "comments": int(len(coded.comments)),
        "coded_comments": int(coded.assignments["comment_id"].nunique()),
        "first": _day(times.min()) if not times.empty else None,
        "last": _day(times.max()) if not times.empty else None,
        "sources": sources(coded.comments),
        "imports": [
            {"file": str(row.file), "format": str(row.format), "sha256": str(row.file_sha256),
             "rows": int(row.rows_read), "at": str(row.at)}
            for row in imports.itertuples(index=False)
        ],
        "coders": list(coded.coders),
        "final_coding": ("the settled consensus where a disagreement review settled a "
                         "comment, otherwise every code any coder applied"),
        "codings_outside_version": coded.left_out,
        "codebook": {
            "id": codebook.id, "title": codebook.title, "version": codebook.version,
            "sha256": codebook_hash(coded),
            "changes": [change.model_dump(mode="json") for change in codebook.changes],
        },
        "clustering": None,
    }  # fmt: skip
    if run is not None:
        record["clustering"] = {
            "run_id": int(run["run_id"]), "at": run["at"], "model": run["model"],
            "backend": run["backend"], "params": run["params"], "versions": run["versions"],
            "input_hash": run["input_hash"], "comments": int(run["comments"]),
            "clusters": int(run["clusters"]), "outliers": int(run["outliers"]),
        }  # fmt: skip
    return record
