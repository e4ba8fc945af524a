"""A project in and out of REFI-QDA (``.qdpx`` projects, ``.qdc`` codebooks).

Export writes pseudonyms only: comments as one text source per thread, the
codebook, coders as users, codings with their coder and passage, memos as notes.
Import brings another tool's (or our own) project in, in one unit of work: the
codebook is adopted (or its new codes added as a revision), each source's
comments are stored (an outside tool's source is one comment), and every coder's
codings land with their passages and memos.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from workbench import events
from workbench.codebook import revisions, service, yamlfile
from workbench.codebook.model import Code
from workbench.errors import CodingError

if TYPE_CHECKING:
    from workbench.exchange.model import QdaProject, QdaSource
    from workbench.project import Project

#: Platform name of comments made from another tool's text sources.
PLATFORM = "refi-qda"


def export_project(project: Project, out: str | Path) -> Path:
    """Write the project as ``.qdpx`` (everything) or its codebook as ``.qdc``."""
    out = Path(out)
    if out.suffix.lower() == ".qdc":
        return service.export(project, out)
    if out.suffix.lower() != ".qdpx":
        raise CodingError(f"{out}: export to a .qdpx project or a .qdc codebook")
    from workbench.exchange import project_from_rows, write_qdpx

    codebook = service.require(project)
    comments = project.comments()  # pseudonyms only: nothing private leaves the store
    codings = project.store.codings()
    coded_threads = set(comments.loc[comments["comment_id"].isin(codings["comment_id"]),
                                     "thread_id"])  # fmt: skip
    rows = comments[comments["thread_id"].isin(coded_threads)] if len(codings) else comments
    qda = project_from_rows(
        codebook, rows.to_dict(orient="records"), codings.to_dict(orient="records"),
        project.store.memos().to_dict(orient="records"),
        name=str(project.settings["name"] or codebook.title),
    )  # fmt: skip
    return write_qdpx(out, qda)


def import_project(project: Project, path: str | Path, *, dry_run: bool = False) -> dict[str, Any]:
    """Bring in a ``.qdpx`` project: codebook, sources, per-coder codings, memos.

    Everything lands in one unit of work, or nothing does.
    """
    from workbench.exchange import read_qdpx

    path = Path(path)
    qda = read_qdpx(path)
    summary = {"file": str(path), "origin": qda.origin, "codes": len(qda.codebook.codes),
               "sources": len(qda.sources), "codings": len(qda.codings),
               "coders": sorted({c.coder for c in qda.codings}), "notes": len(qda.notes),
               "warnings": qda.warnings, "dry_run": dry_run}  # fmt: skip
    if dry_run:
        return summary
    with project.store.unit_of_work(durable=True, bulk=True):
        _bring_codebook(project, qda, path)
        import_id = project.store.begin_import(str(path), "refi-qda", project.actor)
        places = _store_sources(project, qda, import_id, path)
        version = service.require(project).version
        rows = []
        for coding in qda.codings:
            comment_id, start, end = places(coding)
            rows.append({"comment_id": comment_id, "code_id": coding.code_id,
                         "coder": coding.coder or "unknown", "span_start": start,
                         "span_end": end, "memo": coding.memo or None, "origin": "imported",
                         "created_at": coding.created_at})  # fmt: skip
        _, stored = project.store.add_codings(rows, project.actor, codebook_version=version,
                                              kind="import") if rows else (0, [])
        for note in qda.notes:
            kind = note.target_kind if note.target_kind != "source" else "comment"
            target = note.target_id or ""
            if note.target_kind == "source" and note.target_id:
                target = f"{PLATFORM}:{note.target_id}"
            project.store.add_memo(kind, target, note.text, note.author or project.actor)
    return summary | {"stored": len(stored)}


def _bring_codebook(project: Project, qda: QdaProject, path: Path) -> None:
    """Adopt the file's codebook, or add its unknown codes to ours as one revision."""
    codebook = service.current(project)
    if codebook is None:
        body = qda.codebook.model_copy(update={"version": 1})
        project.store.save_codebook(body.model_dump(mode="json"), yamlfile.dump(body), "adopt",
                                    project.actor, rationale=f"imported from {path.name}",
                                    detail={"codes": body.ids, "source": str(path)})
        return
    missing = [c for c in qda.codebook.codes if not codebook.has(c.id)]
    if not missing:
        return
    used = service.used_ids(project)
    taken = [c.id for c in missing if c.id in used]
    if taken:
        raise CodingError(f"{path}: codes {taken} belonged to earlier versions of the codebook "
                          "(ids are never reused); rename them in the file")
    plan = revisions.add(codebook, Code(**missing[0].model_dump() | {"status": "active",
                                                                     "merged_into": None}),
                         project.actor, f"imported from {path.name}", used_ids=used)
    for code in missing[1:]:
        plan.codebook.codes.append(code.model_copy(update={"status": "active",
                                                           "merged_into": None}))
    plan.codes = [c.id for c in missing]
    plan.codebook.changes[-1].codes = plan.codes
    plan.lines = [f"add {c.label} ({c.id})" for c in missing]
    service.apply(project, plan)


def _store_sources(project: Project, qda: QdaProject, import_id: int, path: Path):
    """Store every source's comments; returns ``place(coding) -> (comment_id, start, end)``."""
    stored = set(project.store.comments()["comment_id"])
    columns: dict[str, list] = {name: [] for name in _COLUMNS}
    whole: dict[str, str] = {}
    for source in qda.sources:
        if source.comments:
            for place in source.comments:
                if place.comment_id not in stored:
                    _row(columns, place.comment_id, source.thread_id or source.guid,
                         source.text[place.start:place.end], source, path)
                    stored.add(place.comment_id)
        else:
            comment_id = f"{PLATFORM}:{source.guid}"
            whole[source.guid] = comment_id
            if comment_id not in stored:
                _row(columns, comment_id, comment_id, source.text, source, path)
                stored.add(comment_id)
    if columns["comment_id"]:
        columns["author_pseudonym"] = [None] * len(columns["comment_id"])
        new, updated = project.store.add_comments(columns, import_id)
    else:
        new = updated = 0
    project.store.finish_import(events.FileImported(
        file=str(path), format="refi-qda", import_id=import_id, rows=len(columns["comment_id"]),
        new=new, updated=updated,
    ), project.actor)  # fmt: skip

    def place(coding: Any) -> tuple[str, int | None, int | None]:
        if coding.comment_id:
            return coding.comment_id, coding.span_start, coding.span_end
        return whole[coding.source_guid], coding.start, coding.end

    return place


_COLUMNS = ("comment_id", "platform", "thread_id", "parent_id", "kind", "author", "created_at",
            "title", "text", "text_raw", "depth", "score", "url", "lang", "is_deleted",
            "attributes", "source_format")  # fmt: skip


def _row(columns: dict[str, list], comment_id: str, thread_id: str, text: str,
         source: QdaSource, path: Path) -> None:  # fmt: skip
    values = {
        "comment_id": comment_id, "platform": comment_id.split(":", 1)[0] if ":" in comment_id
        else PLATFORM, "thread_id": thread_id, "parent_id": None,
        "kind": "post" if not source.comments else "comment", "author": None,
        "created_at": source.created_at, "title": source.name, "text": text, "text_raw": None,
        "depth": 0 if not source.comments else None, "score": None, "url": None, "lang": None,
        "is_deleted": False,
        "attributes": orjson.dumps({"refi_source": source.name, "file": path.name}).decode(),
        "source_format": "refi-qda",
    }  # fmt: skip
    for name in _COLUMNS:
        columns[name].append(values[name])
