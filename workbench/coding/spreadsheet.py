"""Codings in and out of spreadsheets (CSV, Parquet), for teams moving from them.

A CSV to import has a ``comment_id`` and a ``code_id`` column, and optionally
``start``, ``end`` (a passage: characters of the comment's text) and ``memo``.
Comment ids may be the workbench's own (``reddit:t1_abc``) or as the export
names them (``t1_abc`` or ``abc``; a tweet's number).
"""

from __future__ import annotations

from hashlib import sha256
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.codebook import revisions, service
from workbench.codebook.model import Code, new_code_id
from workbench.errors import CodingError

if TYPE_CHECKING:
    from workbench.project import Project

REQUIRED = ("comment_id", "code_id")
OPTIONAL = ("start", "end", "memo")
EXPORT_FORMATS = ("csv", "parquet")


def comment_lookup(project: Project) -> dict[str, str | None]:
    """Every name a stored comment may go by, to its id (``None``: ambiguous)."""
    lookup: dict[str, str | None] = {}
    for comment_id in project.store.comments()["comment_id"]:
        names = {comment_id}
        raw = comment_id.split(":", 1)[-1]
        names.add(raw)
        if raw[:3] in ("t1_", "t3_"):
            names.add(raw[3:])
        for name in names:
            lookup[name] = comment_id if lookup.get(name, comment_id) == comment_id else None
    return lookup


def read_codings_csv(path: str | Path) -> pd.DataFrame:
    """Read and check a codings CSV (naming the file and line of the first problem)."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise CodingError(f"{path}: file not found") from None
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise CodingError(f"{path}: is not a readable CSV ({exc})") from None
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise CodingError(f"{path}: missing column(s) {missing}; a codings CSV needs "
                          f"comment_id and code_id, and may have {', '.join(OPTIONAL)}")
    for n, row in enumerate(frame.itertuples(index=False), start=2):
        values = row._asdict()
        if not values["comment_id"].strip() or not values["code_id"].strip():
            raise CodingError(f"{path}, line {n}: comment_id and code_id must not be empty")
        start, end = values.get("start", ""), values.get("end", "")
        if (start == "") != (end == "") or (start and not (start.isdigit() and end.isdigit())):
            raise CodingError(f"{path}, line {n}: start {start!r} and end {end!r} must both be "
                              "whole numbers (characters of the comment's text) or both empty")
    return frame


def import_codings(project: Project, path: str | Path, coder: str, *,
                   create_codes: bool = False, dry_run: bool = False) -> dict[str, Any]:
    """Import a codings CSV as ``coder``'s codings, in one unit of work.

    With ``create_codes``, code ids not in the codebook are added to it first, as
    one revision (in the same unit). Rows equal to codings already stored are not
    stored twice.

    Raises
    ------
    CodingError
        Naming the file and line of an unknown or ambiguous comment, an unknown
        code (without ``create_codes``), or a code that is not active.
    """
    path = Path(path)
    frame = read_codings_csv(path)
    codebook = service.require(project)
    lookup = comment_lookup(project)
    rows, unknown_codes = [], {}
    for n, row in enumerate(frame.to_dict(orient="records"), start=2):
        name = row["comment_id"].strip()
        comment_id = lookup.get(name, "")
        if comment_id is None:
            raise CodingError(f"{path}, line {n}: comment id {name!r} names comments on several "
                              "platforms; give the workbench's own id (e.g. reddit:t1_abc)")
        if not comment_id:
            raise CodingError(f"{path}, line {n}: no comment {name!r} in the project; import "
                              "its export first, or fix the id")
        code_id = row["code_id"].strip()
        if codebook.has(code_id):
            if codebook.code(code_id).status != "active":
                raise CodingError(f"{path}, line {n}: code {code_id!r} is "
                                  f"{codebook.code(code_id).status}; use "
                                  f"{codebook.resolve(code_id)!r} or an active code")
        else:
            unknown_codes.setdefault(code_id, n)
        start, end = row.get("start", ""), row.get("end", "")
        rows.append({"comment_id": comment_id, "code_id": code_id, "coder": coder,
                     "span_start": int(start) if start else None,
                     "span_end": int(end) if end else None,
                     "memo": row.get("memo") or None, "origin": "imported"})  # fmt: skip
    if unknown_codes and not create_codes:
        code_id, n = next(iter(unknown_codes.items()))
        raise CodingError(f"{path}, line {n}: code {code_id!r} is not in the codebook "
                          f"({len(unknown_codes)} unknown codes in all); add them with "
                          "--create-codes, or fix the ids")
    plan = None
    if unknown_codes:
        plan = _plan_new_codes(project, list(unknown_codes), path)
    summary = {"file": str(path), "coder": coder, "rows": len(rows),
               "new_codes": list(unknown_codes), "dry_run": dry_run}  # fmt: skip
    if dry_run:
        return summary
    with project.store.unit_of_work(durable=True):
        if plan is not None:
            service.apply(project, plan)
        version = service.require(project).version
        _, ids = project.store.add_codings(rows, project.actor, codebook_version=version,
                                           kind="import")  # fmt: skip
    return summary | {"stored": len(ids), "already_there": len(rows) - len(ids)}


def _plan_new_codes(project: Project, code_ids: list[str], path: Path) -> revisions.Plan:
    codebook = service.require(project)
    used = service.used_ids(project)
    for code_id in code_ids:
        if code_id in used:
            raise CodingError(f"{path}: code {code_id!r} belonged to an earlier version of the "
                              "codebook; ids are never reused")
        if new_code_id(code_id, set()) != code_id:
            raise CodingError(f"{path}: code id {code_id!r} cannot be created: ids are lower "
                              "case letters, digits, '_', '-', '.'")
    plan = revisions.add(codebook, Code(id=code_ids[0], label=code_ids[0]), project.actor,
                         f"created by importing codings from {path.name}", used_ids=used)
    for code_id in code_ids[1:]:
        plan.codebook.codes.append(Code(id=code_id, label=code_id))
        plan.lines.append(f"add {code_id} ({code_id})")
    plan.codes = list(code_ids)
    plan.codebook.changes[-1].codes = list(code_ids)
    return plan


def export_codings(project: Project, out: str | Path, format: str = "csv") -> Path:
    """Write the active codings with coder, time, origin, codebook version and passage."""
    out = Path(out)
    if format not in EXPORT_FORMATS:
        raise CodingError(f"format {format!r}: choose one of {', '.join(EXPORT_FORMATS)}")
    codings = project.store.codings()
    codebook = service.current(project)
    texts = project.store.comments().set_index("comment_id")["text"]
    labels = {c.id: c.label for c in codebook.codes} if codebook else {}
    statuses = {c.id: c.status for c in codebook.codes} if codebook else {}
    frame = pd.DataFrame({
        "coding_id": codings["coding_id"], "comment_id": codings["comment_id"],
        "code_id": codings["code_id"], "code_label": codings["code_id"].map(labels),
        "code_status": codings["code_id"].map(statuses), "coder": codings["coder"],
        "created_at": codings["created_at"], "origin": codings["origin"],
        "codebook_version": codings["codebook_version"], "start": codings["span_start"],
        "end": codings["span_end"], "memo": codings["memo"],
    })  # fmt: skip
    frame["passage"] = [
        _passage(texts.get(c), s, e)
        for c, s, e in zip(codings["comment_id"], codings["span_start"], codings["span_end"],
                           strict=True)
    ]  # fmt: skip
    # A span counts characters of the text as it was coded: say where it has changed since.
    frame["text_changed_since"] = [
        isinstance(texts.get(c), str) and sha256(texts[c].encode()).hexdigest() != h
        for c, h in zip(codings["comment_id"], codings["text_sha256"], strict=True)
    ]
    if format == "csv":
        frame.to_csv(out, index=False)
    else:
        frame.to_parquet(out, index=False)
    return out


def _passage(text: Any, start: Any, end: Any) -> str | None:
    if not isinstance(text, str):
        return None
    if pd.isna(start) or pd.isna(end):
        return text
    return text[int(start):int(end)]
