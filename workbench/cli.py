"""The ``workbench`` command line: each command parses arguments and makes one call.

Every command that reports something takes ``--json``. Errors the user can fix are
printed as one line naming the file and record, with exit status 2.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from workbench.cli_agreement import agreement
from workbench.cli_coding import codebook, codings
from workbench.cli_publish import feedback, publish, serve
from workbench.cli_suggest import suggest
from workbench.cli_support import emit, friendly_errors, json_option


@click.group()
@click.version_option(package_name="thread-workbench")
def main() -> None:
    """Thread Workbench: qualitative coding of social-media threads."""


@main.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="Project name (default: the folder name).")
@click.option(
    "--database",
    help="Database URL: postgresql://USER@HOST/DB for a team's server (made if missing). "
    "Default: a SQLite file in the project folder.",
)
@json_option
@friendly_errors
def init(project: Path, name: str | None, database: str | None, as_json: bool) -> None:
    """Create a new project folder PROJECT."""
    from workbench.project import Project

    with Project.init(project, name=name, database=database) as opened:
        data = {"project": str(opened.root), "database": opened.store.location}
    emit(data, as_json, lambda d: f"created project {d['project']} (database {d['database']})")


@main.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@click.argument("database")
@json_option
@friendly_errors
def migrate(project: Path, database: str, as_json: bool) -> None:
    """Move PROJECT's data into DATABASE (e.g. postgresql://USER@HOST/DB) and use it.

    Copies every table with its ids, checks each table's row count, then points
    workbench.yaml at DATABASE. The old database is kept as it was. Stop other
    sessions on the project first.
    """
    from workbench.maintenance import migrate_project

    data = migrate_project(project, database)
    emit(data, as_json, lambda d: (
        f"moved {d['project']} from {d['from']} to {d['to']}: "
        + ", ".join(f"{n} {t}" for t, n in d["counts"].items())
    ))  # fmt: skip


@main.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@json_option
@friendly_errors
def backup(project: Path, out: Path, as_json: bool) -> None:
    """Back up PROJECT (database, settings, key) into the new folder OUT.

    Safe while others work: the copy holds everything committed before it began.
    OUT holds the pseudonym key: keep it as private as the project.
    """
    from workbench.maintenance import backup_project

    data = backup_project(project, out)
    emit(data, as_json, lambda d: (
        f"backed up {d['project']} into {out} at {d['taken_at']} "
        f"({d['counts_at_start']['comments']} comments, {d['counts_at_start']['events']} events)"
    ))  # fmt: skip


@main.command()
@click.argument("backup_folder", type=click.Path(file_okay=False, path_type=Path))
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--database",
    help="For a PostgreSQL backup: the new, empty database to restore into.",
)
@json_option
@friendly_errors
def restore(backup_folder: Path, project: Path, database: str | None, as_json: bool) -> None:
    """Restore BACKUP_FOLDER (from `workbench backup`) as the new project PROJECT."""
    from workbench.maintenance import restore_project

    data = restore_project(backup_folder, project, database=database)
    emit(data, as_json, lambda d: (
        f"restored {d['project']} ({d['counts']['comments']} comments, "
        f"{d['counts']['events']} events) into {d['database']}"
    ))  # fmt: skip


@main.command(name="import")
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "format_",
    default="auto",
    show_default=True,
    help="Format of the files; see `workbench formats`.",
)
@click.option("--text-column", help="CSV/Excel: column holding the comment text.")
@click.option("--id-column", help="CSV/Excel: column holding a unique id.")
@click.option("--time-column", help="CSV/Excel: column holding the date and time.")
@click.option("--author-column", help="CSV/Excel: column holding the author.")
@click.option("--thread-column", help="CSV/Excel: column naming the thread or question.")
@click.option("--parent-column", help="CSV/Excel: column holding the id replied to.")
@click.option(
    "--platform",
    default="csv",
    show_default=True,
    help="CSV/Excel: platform name recorded for the rows.",
)
@click.option(
    "--date-order",
    type=click.Choice(["auto", "day-first", "month-first"]),
    default="auto",
    show_default=True,
    help="CSV/Excel: order of numeric dates in the time column; auto infers it from the "
    "dates that read only one way (25/11/2026, 11/25/2026), by majority.",
)
@click.option(
    "--dayfirst", is_flag=True, help="CSV/Excel: same as --date-order day-first (2 March)."
)
@click.option(
    "--strict",
    is_flag=True,
    help="CSV/Excel: refuse rows whose time cannot be read in the column's date order, "
    "instead of importing them with an empty time.",
)
@click.option("--sheet", help="Excel: sheet name (default: the first).")
@json_option
@friendly_errors
def import_(
    project: Path,
    files: tuple[Path, ...],
    format_: str,
    text_column: str | None,
    id_column: str | None,
    time_column: str | None,
    author_column: str | None,
    thread_column: str | None,
    parent_column: str | None,
    platform: str,
    date_order: str,
    dayfirst: bool,
    strict: bool,
    sheet: str | None,
    as_json: bool,
) -> None:
    """Import export FILES into PROJECT (one transaction: all land or none).

    A REFI-QDA project (.qdpx, from NVivo, ATLAS.ti, MAXQDA, QualCoder or the
    workbench) brings in its codebook, sources and every coder's codings.
    """
    from workbench.project import Project
    from workbench.sources import ColumnMapping

    if any(f.suffix.lower() == ".qdpx" for f in files):
        _import_qdpx(project, files, as_json)
        return

    mapping = None
    if text_column:
        mapping = ColumnMapping(
            text_column=text_column,
            id_column=id_column,
            time_column=time_column,
            author_column=author_column,
            thread_column=thread_column,
            parent_column=parent_column,
            platform=platform,
            dayfirst=dayfirst,
            sheet=sheet,
            date_order=date_order,
            strict=strict,
        )
    progress = _progress_line()
    with Project.open(project) as opened:
        report = opened.import_files(
            list(files), format=format_, mapping=mapping, progress=progress
        )
    if progress is not None:
        click.echo("", err=True)
    emit(report.as_dict(), as_json, _render_import)


def _import_qdpx(project: Path, files: tuple[Path, ...], as_json: bool) -> None:
    from workbench.coding.refi import import_project
    from workbench.errors import SourceError
    from workbench.project import Project

    if not all(f.suffix.lower() == ".qdpx" for f in files):
        raise SourceError(None, "REFI-QDA projects (.qdpx) are imported on their own, not "
                          "together with platform exports", hint="run two imports")
    with Project.open(project) as opened:
        reports = [import_project(opened, f) for f in files]
    emit(reports, as_json, lambda rows: "\n".join(
        f"{r['file']}: {r['codes']} codes, {r['sources']} sources, {r['stored']} codings by "
        f"{', '.join(r['coders']) or 'nobody'}" + "".join(f"\n  note: {w}" for w in r["warnings"])
        for r in rows
    ))  # fmt: skip


@main.command(name="export")
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@json_option
@friendly_errors
def export(project: Path, out: Path, as_json: bool) -> None:
    """Write PROJECT for other QDA tools: OUT.qdpx (REFI-QDA project) or OUT.qdc (codebook).

    Comments carry pseudonyms only; one text source per thread.
    """
    from workbench.coding.refi import export_project
    from workbench.project import Project

    with Project.open(project) as opened:
        written = export_project(opened, out)
    emit({"written": str(written)}, as_json, lambda d: f"wrote {d['written']}")


def _progress_line() -> Callable[[str, int], None] | None:
    """A one-line row counter on stderr, when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(file: str, rows: int) -> None:
        click.echo(f"\r{Path(file).name}: {rows:,} rows read", err=True, nl=False)

    return show


def _render_import(data: dict[str, Any]) -> str:
    lines = []
    for f in data["files"]:
        skipped = ", ".join(f"{n} {reason}" for reason, n in f["skipped"].items()) or "none"
        lines.append(
            f"{f['file']} ({f['format']}): {f['rows']} rows read; {f['new']} new, "
            f"{f['updated']} updated, {f['duplicate']} duplicate; {f['gaps']} gaps; "
            f"skipped: {skipped}"
        )
        lines.extend(f"  warning: {w}" for w in f["warnings"])
    t = data["totals"]
    lines.append(f"total: {t['new']} new, {t['updated']} updated, {t['duplicate']} duplicate")
    return "\n".join(lines)


@main.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@json_option
@friendly_errors
def stats(project: Path, as_json: bool) -> None:
    """Print counts of PROJECT's comments, threads, platforms, gaps and skips."""
    from workbench.project import Project

    with Project.open(project) as opened:
        data = opened.stats()
    emit(data, as_json, _render_stats)


def _render_stats(data: dict[str, Any]) -> str:
    lines = [
        f"comments: {data['comments']} ({data['posts']} posts, {data['deleted']} deleted)",
        f"threads:  {data['threads']}",
        f"authors:  {data['authors']}",
        "platforms: " + ", ".join(f"{k} {v}" for k, v in data["platforms"].items()),
        "languages: " + ", ".join(f"{k} {v}" for k, v in list(data["languages"].items())[:8]),
    ]
    for kind, gap in data["gaps"].items():
        lines.append(f"gaps ({kind}): {gap['stubs']} stubs hiding {gap['hidden_items']} items")
    if data["skipped"]:
        lines.append("skipped: " + ", ".join(f"{k} {v}" for k, v in data["skipped"].items()))
    lines.append(f"codings:  {data['codings']} by {data['coders']} coders")
    lines.append(f"database: {data['database']}, schema version {data['schema_version']}")
    return "\n".join(lines)


@main.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@click.option("--model", help="Sentence-transformers model name or folder "
              "(default: the embedding_model setting, all-MiniLM-L6-v2).")
@click.option("--backend", type=click.Choice(["auto", "torch", "torch-bf16", "torch-fp16",
                                              "onnx", "onnx-int8"]),
              help="Embedding backend (default: the embedding_backend setting, auto).")
@click.option("--long-texts", type=click.Choice(["chunk", "truncate"]),
              help="Comments over the model's token limit (default: chunk).")
@click.option("--threads", type=int, help="CPU threads (default: the cores free now).")
@json_option
@friendly_errors
def embed(project: Path, model: str | None, backend: str | None, long_texts: str | None,
          threads: int | None, as_json: bool) -> None:
    """Embed PROJECT's comments; only texts not in the cache are computed."""
    from workbench.embed import embed_comments, encoder_for
    from workbench.project import Project

    with Project.open(project) as opened:
        encoder = encoder_for(opened, model=model, backend=backend, long_texts=long_texts,
                              threads=threads)
        data = embed_comments(opened, encoder=encoder, progress=True).report.as_dict()
    emit(data, as_json, lambda d: (
        f"{d['comments']} comments: {d['embedded']} embedded, {d['cached']} from the cache, "
        f"{d['skipped']} without text ({d['model']}, {d['backend']}, {d['seconds']} s)"))


@main.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@click.option("--min-cluster-size", type=int,
              help="Smallest cluster (default scales with the corpus: sqrt(n)/2, 5..500).")
@click.option("--min-samples", type=int,
              help="HDBSCAN conservativeness (default: a third of the min cluster size).")
@click.option("--max-cluster-share", type=float, default=0.25, show_default=True,
              help="Split clusters holding more than this share of comments (1 = never).")
@click.option("--seed", type=int, default=42, show_default=True,
              help="Random seed: the same seed reproduces a run.")
@json_option
@friendly_errors
def cluster(project: Path, min_cluster_size: int | None, min_samples: int | None,
            max_cluster_share: float, seed: int, as_json: bool) -> None:
    """Cluster PROJECT's comments (embedding any new ones first) and store the run."""
    from workbench.cluster import ClusterParams, cluster_comments
    from workbench.project import Project

    params = ClusterParams(min_cluster_size=min_cluster_size, min_samples=min_samples,
                           max_cluster_share=max_cluster_share, seed=seed)
    with Project.open(project) as opened:
        data = cluster_comments(opened, params, progress=True).summary()
    emit(data, as_json, _render_cluster)


def _render_cluster(data: dict[str, Any]) -> str:
    lines = [f"run {data['run_id']}: {data['clusters']} clusters, "
             f"{data['outlier_share']:.1%} outliers, {data['comments']} comments "
             f"({data['seconds']} s)"]
    for row in data["top"]:
        name = "outliers" if row["cluster"] < 0 else f"{row['cluster']:>4}"
        lines.append(f"{name:>8} {row['size']:>7}  {', '.join(row['keywords'])}")
    return "\n".join(lines)


@main.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@json_option
@friendly_errors
def runs(project: Path, as_json: bool) -> None:
    """List PROJECT's stored cluster runs, oldest first."""
    from workbench.cluster import list_runs
    from workbench.project import Project

    with Project.open(project) as opened:
        data = list_runs(opened)
    emit(data, as_json, lambda d: "\n".join(
        f"run {r['run_id']}  {r['at']}  {r['clusters']} clusters, {r['outliers']} outliers "
        f"of {r['comments']}  (min size {r['min_cluster_size']}, seed {r['seed']})"
        for r in d) or "no cluster runs yet")


@main.command()
@json_option
def formats(as_json: bool) -> None:
    """List the export formats the workbench reads."""
    from workbench.sources import formats as known

    emit(known(), as_json, lambda d: "\n".join(f"{k:22} {v}" for k, v in d.items()))


@main.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@click.option("--kind", help="Only events of this kind (e.g. import).")
@json_option
@friendly_errors
def events(project: Path, kind: str | None, as_json: bool) -> None:
    """Print PROJECT's audit trail: every change, who made it and when."""
    from workbench.project import Project

    with Project.open(project) as opened:
        frame = opened.store.events(kind)
    records = frame.to_dict(orient="records")
    emit(
        records,
        as_json,
        lambda rows: "\n".join(
            f"{r['event_id']:>5} {r['at']} {r['actor']:<12} {r['kind']}" for r in rows
        ),
    )


@main.command(name="settings")
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@json_option
@friendly_errors
def settings_(project: Path, as_json: bool) -> None:
    """Print PROJECT's effective settings (defaults < file < WORKBENCH_* env)."""
    from workbench.project import Project

    with Project.open(project) as opened:
        values = dict(opened.settings)
    emit(values, as_json, lambda d: "\n".join(f"{k} = {v!r}" for k, v in d.items()))


@main.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path), default="demo-project")
@click.option(
    "--force",
    is_flag=True,
    help="Rebuild PROJECT if it is a demo project (the old folder is moved aside, never "
    "deleted). Any other project is refused.",
)
@click.option("--dry-run", is_flag=True, help="Say what would be done, change nothing.")
@json_option
@friendly_errors
def demo(project: Path, force: bool, dry_run: bool, as_json: bool) -> None:
    """Build the demo project (fictional consultation threads) in PROJECT."""
    from workbench.demo.builder import build_demo_project

    report = build_demo_project(project, force=force, dry_run=dry_run)
    emit(report, as_json, _render_demo)


def _render_demo(d: dict[str, Any]) -> str:
    if d.get("dry_run"):
        return f"dry run: {d['plan']}"
    moved = f" (the previous one was moved to {d['moved_to']})" if d.get("moved_to") else ""
    return (
        f"demo project ready in {d['project']}: {d['stats']['comments']} comments in "
        f"{d['stats']['threads']} threads{moved}"
    )


main.add_command(codebook)
main.add_command(codings)
main.add_command(suggest)
main.add_command(agreement)
main.add_command(publish)
main.add_command(serve)
main.add_command(feedback)

if __name__ == "__main__":  # pragma: no cover
    main()
