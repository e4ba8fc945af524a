"""``workbench codebook ...`` and ``workbench codings ...``: each parses and makes one call.

Every command that changes something takes ``--dry-run`` (print the plan, change
nothing) and ``--rationale`` (recorded in the codebook's ``changes`` log).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from workbench.cli_support import emit, friendly_errors, json_option

project_argument = click.argument("project", type=click.Path(file_okay=False, path_type=Path))
dry_run_option = click.option("--dry-run", is_flag=True, help="Show the plan; change nothing.")
rationale_option = click.option("--rationale", default="", help="Why (kept in the changes log).")


def _plan_command(make: Callable[..., Any]) -> Callable[..., None]:
    """Open the project, make a plan with ``make(project, codebook, **options)``, apply it."""

    def run(project: Path, dry_run: bool, as_json: bool, **options: Any) -> None:
        from workbench.codebook import service
        from workbench.project import Project

        with Project.open(project) as opened:
            if dry_run:
                data = service.apply(opened, make(opened, service.require(opened), **options),
                                     dry_run=True)  # fmt: skip
            else:  # planned again if coders change the codings meanwhile
                data = service.revise(opened, lambda codebook: make(opened, codebook, **options))
        emit(data, as_json, _render_plan)

    return run


def _render_plan(data: dict[str, Any]) -> str:
    head = "dry run, nothing changed:\n" if data.get("dry_run") else ""
    return head + data["text"]


@click.group()
def codebook() -> None:
    """Adopt, revise, undo and exchange PROJECT's codebook."""


@codebook.command(name="init")
@project_argument
@click.option("--from", "source", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Codebook file (.yaml or REFI-QDA .qdc).")
@dry_run_option
@json_option
@friendly_errors
def codebook_init(project: Path, source: Path, dry_run: bool, as_json: bool) -> None:
    """Adopt a codebook file as PROJECT's codebook (version 1)."""
    from workbench.codebook import service
    from workbench.project import Project

    with Project.open(project) as opened:
        data = service.adopt(opened, source, dry_run=dry_run)
    emit(data, as_json, lambda d: f"{'would adopt' if d['dry_run'] else 'adopted'} "
                                   f"{d['title']} ({d['codes']} codes)")


@codebook.command(name="validate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@json_option
@friendly_errors
def codebook_validate(file: Path, as_json: bool) -> None:
    """Check a codebook FILE (.yaml or .qdc); errors name the line and the code."""
    from workbench.codebook import service

    codebook, _ = service.read_file(file)
    data = {"file": str(file), "codebook": codebook.id, "version": codebook.version,
            "codes": len(codebook.codes), "active": len(codebook.active)}  # fmt: skip
    emit(data, as_json, lambda d: f"{d['file']}: valid, {d['codes']} codes "
                                   f"({d['active']} active), version {d['version']}")


@codebook.command(name="export")
@project_argument
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--version", "number", type=int, help="A stored version (default: current).")
@json_option
@friendly_errors
def codebook_export(project: Path, out: Path, number: int | None, as_json: bool) -> None:
    """Write PROJECT's codebook to OUT (.yaml, analysts' comments kept; or .qdc)."""
    from workbench.codebook import service
    from workbench.project import Project

    with Project.open(project) as opened:
        written = service.export(opened, out, number)
    emit({"written": str(written)}, as_json, lambda d: f"wrote {d['written']}")


@codebook.command(name="import")
@project_argument
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Apply without asking.")
@dry_run_option
@rationale_option
@json_option
@friendly_errors
def codebook_import(project: Path, file: Path, yes: bool, dry_run: bool, rationale: str,
                    as_json: bool) -> None:  # fmt: skip
    """Bring in a hand-edited codebook FILE: show the revision it implies, then apply it.

    Codes missing from FILE are retired (never deleted); codes marked merged take
    their codings along.
    """
    from workbench.codebook import service
    from workbench.project import Project

    with Project.open(project) as opened:
        plan = service.plan_import(opened, file, rationale)
        if not dry_run and not yes and not as_json:
            click.echo(plan.describe())
            if not click.confirm("apply this revision?"):
                click.echo("nothing changed")
                return
        data = service.apply(opened, plan, dry_run=dry_run)
    emit(data, as_json, _render_plan)


@codebook.command(name="diff")
@project_argument
@click.argument("first", type=int)
@click.argument("second", type=int)
@json_option
@friendly_errors
def codebook_diff(project: Path, first: int, second: int, as_json: bool) -> None:
    """Say what changed between versions FIRST and SECOND of PROJECT's codebook."""
    from workbench.codebook import service
    from workbench.project import Project

    with Project.open(project) as opened:
        lines = service.diff(opened, first, second)
    emit(lines, as_json, lambda d: "\n".join(d) or "no differences")


def _code(code_id: str, label: str | None, parent: str | None, definition: str) -> Any:
    from workbench.codebook.model import Code

    return Code(id=code_id, label=label or code_id, parent=parent, definition=definition)


@codebook.command(name="add")
@project_argument
@click.argument("code_id")
@click.option("--label", help="Label (default: the id).")
@click.option("--parent", help="Parent code id.")
@click.option("--definition", default="", help="What the code means.")
@dry_run_option
@rationale_option
@json_option
@friendly_errors
def codebook_add(project: Path, code_id: str, label: str | None, parent: str | None,
                 definition: str, **rest: Any) -> None:  # fmt: skip
    """Add a new code CODE_ID (ids are permanent: never reused)."""
    from workbench.codebook import revisions, service

    _plan_command(lambda p, cb: revisions.add(
        cb, _code(code_id, label, parent, definition), p.actor, rest["rationale"],
        used_ids=service.used_ids(p),
    ))(project, rest["dry_run"], rest["as_json"])  # fmt: skip


@codebook.command(name="rename")
@project_argument
@click.argument("code_id")
@click.argument("label")
@dry_run_option
@rationale_option
@json_option
@friendly_errors
def codebook_rename(project: Path, code_id: str, label: str, **rest: Any) -> None:
    """Relabel CODE_ID as LABEL (its identity and codings stay)."""
    from workbench.codebook import revisions

    _plan_command(lambda p, cb: revisions.rename(cb, code_id, label, p.actor,
                                                 rest["rationale"]))(
        project, rest["dry_run"], rest["as_json"])  # fmt: skip


@codebook.command(name="redefine")
@project_argument
@click.argument("code_id")
@click.option("--definition", help="New definition.")
@click.option("--use-when", help="When to apply the code.")
@click.option("--do-not-use-when", help="When not to (and what to use instead).")
@click.option("--example", "examples", multiple=True, help="Example passage (repeatable; "
              "replaces the examples).")
@click.option("--color", help="Colour as #rrggbb.")
@dry_run_option
@rationale_option
@json_option
@friendly_errors
def codebook_redefine(project: Path, code_id: str, **options: Any) -> None:
    """Change CODE_ID's definition, use-when/do-not-use-when, examples or colour."""
    from workbench.codebook import revisions

    changes = {k: v for k, v in options.items()
               if k in revisions.DEFINITION_FIELDS and v not in (None, ())}  # fmt: skip
    if "examples" in changes:
        changes["examples"] = list(changes["examples"])
    _plan_command(lambda p, cb: revisions.redefine(cb, code_id, changes, p.actor,
                                                   options["rationale"]))(
        project, options["dry_run"], options["as_json"])  # fmt: skip


@codebook.command(name="move")
@project_argument
@click.argument("code_id")
@click.option("--parent", help="New parent code id (omit for the top level).")
@dry_run_option
@rationale_option
@json_option
@friendly_errors
def codebook_move(project: Path, code_id: str, parent: str | None, **rest: Any) -> None:
    """Move CODE_ID under a new parent."""
    from workbench.codebook import revisions

    _plan_command(lambda p, cb: revisions.move(cb, code_id, parent, p.actor,
                                               rest["rationale"]))(
        project, rest["dry_run"], rest["as_json"])  # fmt: skip


@codebook.command(name="merge")
@project_argument
@click.argument("sources", nargs=-1, required=True)
@click.option("--into", "target", required=True, help="Code to merge into (existing or new).")
@click.option("--label", help="Label of a new target code.")
@dry_run_option
@rationale_option
@json_option
@friendly_errors
def codebook_merge(project: Path, sources: tuple[str, ...], target: str, label: str | None,
                   **rest: Any) -> None:  # fmt: skip
    """Merge SOURCES into one code: codings follow, duplicates collapse, attribution kept."""
    from workbench.codebook import revisions, service

    def make(p: Any, cb: Any) -> Any:
        into = target if cb.has(target) else _code(target, label, None, "")
        return revisions.merge(cb, list(sources), into, p.store.codings(), p.actor,
                               rest["rationale"], used_ids=service.used_ids(p))

    _plan_command(make)(project, rest["dry_run"], rest["as_json"])


@codebook.command(name="split")
@project_argument
@click.argument("source")
@click.option("--into", "targets", multiple=True, required=True,
              help="A new code as ID or ID=LABEL (give two or more).")
@dry_run_option
@rationale_option
@json_option
@friendly_errors
def codebook_split(project: Path, source: str, targets: tuple[str, ...], **rest: Any) -> None:
    """Split SOURCE into new codes; its codings are queued for re-review, with suggestions."""
    from workbench.codebook import revisions, service
    from workbench.coding.suggest import embedding_suggester

    def make(p: Any, cb: Any) -> Any:
        into = [_code(*(t.split("=", 1) if "=" in t else (t, None)), None, "") for t in targets]
        return revisions.split(cb, source, into, p.store.codings(), p.actor, rest["rationale"],
                               suggest=embedding_suggester(p), used_ids=service.used_ids(p))

    _plan_command(make)(project, rest["dry_run"], rest["as_json"])


@codebook.command(name="retire")
@project_argument
@click.argument("code_id")
@dry_run_option
@rationale_option
@json_option
@friendly_errors
def codebook_retire(project: Path, code_id: str, **rest: Any) -> None:
    """Retire CODE_ID: no longer applied; its codings are kept and flagged."""
    from workbench.codebook import revisions

    _plan_command(lambda p, cb: revisions.retire(cb, code_id, p.store.codings(), p.actor,
                                                 rest["rationale"]))(
        project, rest["dry_run"], rest["as_json"])  # fmt: skip


@codebook.command(name="undo")
@project_argument
@dry_run_option
@rationale_option
@json_option
@friendly_errors
def codebook_undo(project: Path, **rest: Any) -> None:
    """Undo the latest revision: the codebook and its codings go back exactly."""
    from workbench.codebook import service

    _plan_command(lambda p, cb: service.plan_undo(p, rest["rationale"]))(
        project, rest["dry_run"], rest["as_json"])


@click.group()
def codings() -> None:
    """Import, export and undo PROJECT's codings."""


@codings.command(name="import")
@project_argument
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--coder", required=True, help="Whose codings these are.")
@click.option("--create-codes", is_flag=True, help="Add unknown code ids to the codebook.")
@dry_run_option
@json_option
@friendly_errors
def codings_import(project: Path, file: Path, coder: str, create_codes: bool, dry_run: bool,
                   as_json: bool) -> None:  # fmt: skip
    """Import FILE.csv (comment_id, code_id[, start, end, memo]) as CODER's codings."""
    from workbench.coding.spreadsheet import import_codings
    from workbench.project import Project

    with Project.open(project) as opened:
        data = import_codings(opened, file, coder, create_codes=create_codes, dry_run=dry_run)
    emit(data, as_json, lambda d: (
        f"{'would import' if d['dry_run'] else 'imported'} {d['rows']} codings by {d['coder']}"
        + (f", {d['stored']} new" if "stored" in d else "")
        + (f"; new codes: {', '.join(d['new_codes'])}" if d["new_codes"] else "")
    ))  # fmt: skip


@codings.command(name="export")
@project_argument
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "format_", type=click.Choice(["csv", "parquet"]), default="csv",
              show_default=True, help="File format.")
@json_option
@friendly_errors
def codings_export(project: Path, out: Path, format_: str, as_json: bool) -> None:
    """Write PROJECT's codings with coder, time, origin and codebook version to OUT."""
    from workbench.coding.spreadsheet import export_codings
    from workbench.project import Project

    with Project.open(project) as opened:
        written = export_codings(opened, out, format_)
    emit({"written": str(written)}, as_json, lambda d: f"wrote {d['written']}")


@codings.command(name="undo")
@project_argument
@click.argument("action_id", type=int)
@json_option
@friendly_errors
def codings_undo(project: Path, action_id: int, as_json: bool) -> None:
    """Undo coding action ACTION_ID (see `workbench events`): its codings change back."""
    from workbench.project import Project

    with Project.open(project) as opened:
        undo_id = opened.store.undo_action(action_id, opened.actor)
    emit({"undone": action_id, "action_id": undo_id}, as_json,
          lambda d: f"undid action {d['undone']} (as action {d['action_id']})")
