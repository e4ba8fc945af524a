"""A project's codebook: adopting one, revising it, undoing, importing hand edits, diffs.

Every version the project ever had is kept in its store
(:meth:`~workbench.store.codings.CodingTables.codebook_version`), with the YAML
the analysts edit. Revisions are planned in :mod:`workbench.codebook.revisions`
and stored here, each as one unit of work with the codings it changes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.codebook import revisions, yamlfile
from workbench.codebook.model import Change, Code, Codebook, label_of
from workbench.codebook.revisions import Plan
from workbench.errors import CodebookError, StaleRevision

if TYPE_CHECKING:
    from workbench.project import Project


def current(project: Project) -> Codebook | None:
    """The project's current codebook, or None before one is adopted."""
    stored = project.store.codebook_version()
    return None if stored is None else Codebook.model_validate(stored["body"])


def require(project: Project) -> Codebook:
    """The current codebook; raises if the project has none yet."""
    codebook = current(project)
    if codebook is None:
        raise CodebookError(
            f"{project.root}: has no codebook yet; adopt one with `workbench codebook init "
            f"{project.root} --from codebooks/social-media-health-qi.yaml`"
        )
    return codebook


def version(project: Project, number: int) -> Codebook:
    """A stored version of the codebook."""
    stored = project.store.codebook_version(number)
    if stored is None:
        known = project.store.codebook_versions()["version"].tolist()
        raise CodebookError(f"{project.root}: no codebook version {number}; known: {known}")
    return Codebook.model_validate(stored["body"])


def used_ids(project: Project) -> set[str]:
    """Every code id any stored version ever had (ids are never reused)."""
    ids: set[str] = set()
    for number in project.store.codebook_versions()["version"]:
        ids.update(code["id"] for code in project.store.codebook_version(int(number))["body"]
                   ["codes"])  # fmt: skip
    return ids


def active_codings(project: Project) -> pd.DataFrame:
    """The project's active codings (what revisions move)."""
    return project.store.codings()


def read_file(path: str | Path) -> tuple[Codebook, str]:
    """A codebook file (``.yaml``/``.yml`` or REFI-QDA ``.qdc``) and its YAML text."""
    path = Path(path)
    if path.suffix.lower() == ".qdc":
        from workbench.exchange.qdc import qdc_to_codebook

        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CodebookError(f"cannot be read ({exc})", path=path) from None
        codebook = qdc_to_codebook(data, path)
        return codebook, yamlfile.dump(codebook)
    return yamlfile.load(path)


def adopt(project: Project, path: str | Path, *, dry_run: bool = False) -> dict[str, Any]:
    """Adopt a codebook file as the project's codebook (its first stored version).

    Raises
    ------
    CodebookError
        If the project already has a codebook (use :func:`plan_import`), or the file
        is invalid (naming file, line and code).
    """
    if current(project) is not None:
        raise CodebookError(
            f"{project.root}: already has a codebook; bring in an edited version with "
            "`workbench codebook import`"
        )
    codebook, text = read_file(path)
    summary = {"codebook": codebook.id, "title": codebook.title, "codes": len(codebook.codes),
               "version": 1, "dry_run": dry_run}  # fmt: skip
    if dry_run:
        return summary
    body = codebook.model_copy(update={"version": 1})
    project.store.save_codebook(body.model_dump(mode="json"), yamlfile.dump(body, text),
                                "adopt", project.actor, rationale=f"adopted from {path}",
                                detail={"codes": body.ids, "source": str(path)})  # fmt: skip
    return summary


def apply(project: Project, plan: Plan, *, dry_run: bool = False) -> dict[str, Any]:
    """Store a planned revision (or, with ``dry_run``, only describe it)."""
    summary = plan.as_dict() | {"dry_run": dry_run, "text": plan.describe()}
    if dry_run:
        return summary
    previous = project.store.codebook_version()
    yaml = yamlfile.dump(plan.codebook, previous["yaml"] if previous else None)
    project.store.save_codebook(
        plan.codebook.model_dump(mode="json"), yaml, plan.operation, project.actor,
        rationale=plan.rationale, remove=plan.remove, add=plan.add, undoes=plan.undoes,
        detail={"codes": plan.codes}, review=plan.review, basis=plan.basis,
    )  # fmt: skip
    return summary


def revise(project: Project, make: Callable[[Codebook], Plan], *,
           attempts: int = 5) -> dict[str, Any]:  # fmt: skip
    """Plan (``make(current codebook)``) and apply a revision, planning again if stale.

    While coders keep coding, the codings a merge or split was planned from may
    change before it is stored; the store then refuses it (nothing half applied)
    and it is planned again from the new state. The last attempt plans and
    stores while holding the store's revision lock, so coders wait a moment
    instead of the revision starving.
    """
    for _ in range(max(attempts - 1, 0)):
        try:
            return apply(project, make(require(project)))
        except StaleRevision:
            continue
    with project.store.revision_lock():
        return apply(project, make(require(project)))


def export(project: Project, out: str | Path, number: int | None = None) -> Path:
    """Write the codebook (current or version ``number``) to ``.yaml`` or ``.qdc``."""
    out = Path(out)
    stored = project.store.codebook_version(number)
    if stored is None:
        require(project) if number is None else version(project, number)
    assert stored is not None
    if out.suffix.lower() == ".qdc":
        from workbench.exchange.qdc import codebook_to_qdc

        out.write_bytes(codebook_to_qdc(Codebook.model_validate(stored["body"])))
    else:
        out.write_text(stored["yaml"], encoding="utf-8")
    return out


# -- planning -------------------------------------------------------------------------------


def plan_undo(project: Project, rationale: str = "") -> Plan:
    """Plan undoing the latest revision not undone yet (adoption cannot be undone)."""
    codebook = require(project)
    versions = project.store.codebook_versions()
    actions = project.store.actions().set_index("action_id")
    for row in versions.sort_values("version", ascending=False).itertuples():
        undone = actions.loc[int(row.action_id), "undone_by"]
        if row.operation in ("undo", "adopt") or not pd.isna(undone):
            continue
        previous = version(project, int(row.version) - 1)
        return revisions.undo(codebook, previous, int(row.version), int(row.action_id),
                              str(row.operation), project.actor, rationale)  # fmt: skip
    raise CodebookError(f"{project.root}: no revision left to undo (adopting a codebook "
                        "cannot be undone)")  # fmt: skip


def plan_import(project: Project, path: str | Path, rationale: str = "") -> Plan:
    """Plan bringing in a hand-edited codebook file as the next version.

    Codes missing from the file are retired, never deleted; codes whose status
    became ``merged`` take their codings to the code they went into; ids used
    before cannot come back as new codes.
    """
    codebook = require(project)
    edited, _ = read_file(path)
    if edited.id != codebook.id:
        raise CodebookError(f"is codebook {edited.id!r}, the project's is {codebook.id!r}",
                            path=path)  # fmt: skip
    history = used_ids(project)
    codes: list[Code] = []
    for code in edited.codes:
        if not codebook.has(code.id) and code.id in history:
            raise CodebookError("this id belonged to a code in an earlier version; ids are "
                                "never reused: choose a new one", path=path, code_id=code.id)
        codes.append(code)
    missing = [c for c in codebook.codes if not edited.has(c.id)]
    for code in missing:
        codes.append(code.model_copy(update={"status": "retired"} if code.status == "active"
                                     else {}))  # fmt: skip
    new = edited.model_copy(update={"codes": codes, "version": codebook.version + 1,
                                    "changes": [*codebook.changes, Change(
                                        version=codebook.version + 1,
                                        date=pd.Timestamp.now("UTC").isoformat(timespec="seconds"),
                                        who=project.actor, operation="import",
                                        rationale=rationale or f"edited file {path}")]})
    new = Codebook.model_validate(new.model_dump())
    lines = describe_changes(codebook, new)
    if not lines:
        raise CodebookError("changes nothing in the codebook", path=path)
    plan = Plan("import", new, [c for c in new.ids if _changed(codebook, new, c)], rationale,
                lines=lines)  # fmt: skip
    codings = active_codings(project)
    for code in new.codes:
        was = codebook.code(code.id) if codebook.has(code.id) else None
        if code.status == "merged" and was is not None and was.status != "merged":
            target = new.resolve(code.id)
            merged = revisions.merge(codebook, [code.id], target if codebook.has(target)
                                     else new.code(target), codings, project.actor)
            plan.remove += merged.remove
            plan.add += merged.add
            plan.basis.update(merged.basis)
    return plan


def describe_changes(old: Codebook, new: Codebook) -> list[str]:
    """What changed from ``old`` to ``new``, in words a researcher reads."""
    lines = []
    if old.title != new.title:
        lines.append(f"title changed from {old.title!r} to {new.title!r}")
    for code in new.codes:
        if not old.has(code.id):
            parent = f" under {label_of(new, code.parent)}" if code.parent else ""
            lines.append(f"new code {code.label} ({code.id}){parent}")
            continue
        was = old.code(code.id)
        name = f"{was.label} ({code.id})"
        if was.label != code.label:
            lines.append(f"{name} relabelled {code.label!r}")
        changed = [f for f in revisions.DEFINITION_FIELDS if getattr(was, f) != getattr(code, f)]
        if changed:
            lines.append(f"{name}: {', '.join(f.replace('_', ' ') for f in changed)} changed")
        if was.parent != code.parent:
            where = label_of(new, code.parent) if code.parent else "the top level"
            lines.append(f"{name} moved to {where}")
        if was.status != code.status:
            if code.status == "merged":
                lines.append(f"{name} merged into {label_of(new, code.merged_into or '')}")
            elif code.status == "retired":
                lines.append(f"{name} retired (its codings are kept)")
            else:
                lines.append(f"{name} is active again")
    return lines


def diff(project: Project, first: int, second: int) -> list[str]:
    """What changed between two stored versions, in words (``workbench codebook diff``)."""
    return describe_changes(version(project, first), version(project, second))


def _changed(old: Codebook, new: Codebook, code_id: str) -> bool:
    return not old.has(code_id) or old.code(code_id) != new.code(code_id)
