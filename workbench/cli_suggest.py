"""``workbench suggest``: how well each uncoded comment fits each code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from workbench.cli_support import emit, friendly_errors, json_option


def _split(values: tuple[str, ...]) -> list[str]:
    """``--codes a --codes b,c`` -> ``[a, b, c]``."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@click.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@click.option("--codes", multiple=True, metavar="ID",
              help="Only these codes (repeat, or separate with commas; default: every "
              "active code).")
@click.option("--coders", multiple=True, metavar="NAME",
              help="Learn only from these coders' codings (repeat, or separate with commas; "
              "default: everyone's).")
@click.option("--top", type=click.IntRange(min=1), default=5, show_default=True,
              help="Without --json: how many comments to list per code.")
@json_option
@friendly_errors
def suggest(project: Path, codes: tuple[str, ...], coders: tuple[str, ...], top: int,
            as_json: bool) -> None:  # fmt: skip
    """Score every uncoded comment of PROJECT for each code (best fits first).

    Learns from the codes' definitions and examples and from the codings made so
    far. With --json: one {"comment_id", "scores": {code: score}} per uncoded
    comment, the comment id as its export named it.
    """
    from workbench.project import Project
    from workbench.suggest import suggestion_records

    with Project.open(project) as opened:
        records = suggestion_records(opened, _split(codes) or None, _split(coders) or None)
    emit(records, as_json, lambda rows: _render(rows, top))


def _render(rows: list[dict[str, Any]], top: int) -> str:
    if not rows:
        return "no uncoded comments"
    lines = [f"{len(rows)} uncoded comments"]
    for code in rows[0]["scores"]:
        best = sorted(rows, key=lambda r: -r["scores"][code])[:top]
        lines.append(f"{code}: " + ", ".join(f"{r['comment_id']} ({r['scores'][code]:.2f})"
                                             for r in best))
    return "\n".join(lines)
