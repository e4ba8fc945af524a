"""``workbench agreement``: inter-coder agreement per code and overall, with intervals."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli_support import emit, friendly_errors, json_option


def _listed(values: tuple[str, ...]) -> list[str] | None:
    """Repeated or comma-separated option values as one list (None when not given)."""
    items = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return items or None


@click.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@click.option("--codes", multiple=True, metavar="ID[,ID...]",
              help="Codes to report (repeat or comma-separate; default: the codebook's "
                   "active codes).")
@click.option("--coders", multiple=True, metavar="NAME[,NAME...]",
              help="Coders to compare, two or more (repeat or comma-separate; default: "
                   "everyone with codings but the consensus).")
@click.option("--replicates", type=int, default=1000, show_default=True,
              help="Bootstrap resamples of the comments for the confidence intervals "
                   "(0: none).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Random seed of the bootstrap: the same seed gives the same intervals.")
@click.option("--confidence", type=float, default=0.95, show_default=True,
              help="Confidence level of the intervals.")
@json_option
@friendly_errors
def agreement(project: Path, codes: tuple[str, ...], coders: tuple[str, ...], replicates: int,
              seed: int, confidence: float, as_json: bool) -> None:  # fmt: skip
    """Agreement between PROJECT's coders: percent, Cohen's kappa, Krippendorff's alpha.

    Per code and for all codes together, on comments and (where codes were applied
    to passages) on the characters of those passages, with bootstrap confidence
    intervals. The consensus of the disagreement review is never a coder here.
    """
    from workbench.agreement import Bootstrap, measure_project
    from workbench.project import Project

    bootstrap = Bootstrap(replicates=replicates, seed=seed, confidence=confidence)
    with Project.open(project) as opened:
        report = measure_project(opened, codes=_listed(codes), coders=_listed(coders),
                                 bootstrap=bootstrap)  # fmt: skip
    emit(report.as_dict() if as_json else report, as_json, lambda r: r.describe())
