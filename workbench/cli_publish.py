"""``workbench publish``, ``serve`` and ``feedback``: the advisory committee's app."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from workbench.cli_support import emit, friendly_errors, json_option

_project = click.argument("project", type=click.Path(file_okay=False, path_type=Path))
_out_dir = click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))


@click.command()
@_project
@_out_dir
@click.option("--codebook-version", type=int, help="Codebook version to publish (default: "
              "the current one).")
@click.option("--min-authors", type=click.IntRange(min=1), default=5, show_default=True,
              help="Leave out themes (and counts) of fewer distinct people than this.")
@click.option("--quotes", "quotes_per_theme", type=click.IntRange(min=0), default=5,
              show_default=True, help="Most quotes per theme.")
@click.option("--review", "review_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The quote review file (default: PROJECT/publishing/review-v<V>.yaml).")
@click.option("--pool", type=click.IntRange(min=0), default=10, show_default=True,
              help="Kernels kept ready with the app already run: this many viewers arriving "
                   "at once see it at once (about 55 MB each; 0: start one per viewer).")
@click.option("--approve-pending", is_flag=True,
              help="Approve every quote not reviewed yet, as scrubbed (recorded in the "
                   "review file). Read the review file first.")
@json_option
@friendly_errors
def publish(project: Path, out_dir: Path, codebook_version: int | None, min_authors: int,
            quotes_per_theme: int, review_path: Path | None, pool: int,
            approve_pending: bool, as_json: bool) -> None:  # fmt: skip
    """Write OUT_DIR: the anonymised findings app of PROJECT for the advisory committee.

    OUT_DIR gets a Voila app (app.ipynb), the anonymised bundle it reads, the same
    pages as one static HTML file (static.html), and a feedback folder. Quotes are
    published only once approved or edited in the review file, which the first run
    writes; themes raised by fewer than --min-authors people are left out. Serve the
    app with `workbench serve OUT_DIR`.
    """
    from workbench.project import Project
    from workbench.publish.publisher import publish as write

    with Project.open(project) as opened:
        report = write(opened, out_dir, codebook_version=codebook_version,
                       min_authors=min_authors, quotes_per_theme=quotes_per_theme,
                       review_path=review_path, approve_pending=approve_pending,
                       pool=pool)  # fmt: skip
    data = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(report).items()}
    emit(data, as_json, lambda _d: report.describe())


@click.command()
@_out_dir
@click.option("--port", type=click.IntRange(1, 65535), default=8866, show_default=True)
@click.option("--ip", help="Address to listen on (default: this machine only). Serve on a "
              "public address only behind a login (Voila has none).")
@click.option("--print-command", is_flag=True, help="Only print the Voila command.")
@friendly_errors
def serve(out_dir: Path, port: int, ip: str | None, print_command: bool) -> None:
    """Serve the published app in OUT_DIR with Voila (standalone, offline, no code runs)."""
    from workbench.publish.serve import serve_command

    command = serve_command(out_dir, port, ip=ip)
    if print_command:
        click.echo(" ".join(command))
        return
    click.echo(f"serving {out_dir} at http://{ip or 'localhost'}:{port}/ (Ctrl-C stops)")
    os.execv(command[0], command)


@click.group()
def feedback() -> None:
    """Advisory members' feedback from a published app."""


@feedback.command(name="import")
@_project
@_out_dir
@json_option
@friendly_errors
def feedback_import(project: Path, out_dir: Path, as_json: bool) -> None:
    """Import the feedback left in the app OUT_DIR as memos on PROJECT's themes.

    Feedback imported before is skipped, so this can run as often as needed.
    """
    from workbench.project import Project
    from workbench.publish.feedback import import_feedback

    with Project.open(project) as opened:
        result = import_feedback(opened, out_dir)
    emit(result, as_json, _render_feedback)


def _render_feedback(d: dict[str, Any]) -> str:
    text = (f"{d['imported']} new pieces of feedback imported from {d['app']} "
            f"({d['already_imported']} imported before)")
    if d["themes"]:
        text += f"; on themes: {', '.join(d['themes'])}"
    return text
