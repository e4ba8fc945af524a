"""Compute a project's findings for one codebook version (:func:`compute`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from workbench.agreement.figures import choose as choose_agreement
from workbench.agreement.figures import measure, text_lengths
from workbench.agreement.stats import AgreementError
from workbench.codebook import service
from workbench.findings import counts, exemplars
from workbench.findings.coded import CodedComments, coded_comments
from workbench.findings.methods import methods_record
from workbench.project import Project


@dataclass
class Findings:
    """Everything the findings say, private (raw quotes, pseudonyms, file names).

    Attributes
    ----------
    coded : CodedComments
        The input: comments, themes and the final codes.
    themes : DataFrame
        :func:`~workbench.findings.counts.theme_counts`, plus ``definition``.
    breakdown : DataFrame
        :func:`~workbench.findings.counts.breakdown` (platform, thread, period).
    totals : DataFrame
        :func:`~workbench.findings.counts.comment_totals`.
    cooccurrence : DataFrame
        :func:`~workbench.findings.counts.cooccurrence`.
    crosstab : DataFrame or None
        :func:`~workbench.findings.counts.cluster_crosstab` of the newest run.
    layout : DataFrame or None
        The newest run's map: ``comment_id``, ``x``, ``y``, ``cluster``, ``theme``
        (the comment's most common top-level theme, None if uncoded).
    quotes : DataFrame
        :func:`~workbench.findings.exemplars.theme_exemplars`.
    agreement : dict or None
        :meth:`~workbench.agreement.figures.AgreementReport.as_dict`, None with
        fewer than two coders.
    methods : dict
        :func:`~workbench.findings.methods.methods_record`.
    period_unit : str
        ``"week"`` or ``"month"``.
    """

    coded: CodedComments
    themes: pd.DataFrame
    breakdown: pd.DataFrame
    totals: pd.DataFrame
    cooccurrence: pd.DataFrame
    crosstab: pd.DataFrame | None
    layout: pd.DataFrame | None
    quotes: pd.DataFrame
    agreement: dict[str, Any] | None
    methods: dict[str, Any]
    period_unit: str

    @property
    def version(self) -> int:
        """The codebook version described."""
        return self.coded.codebook.version

    def trend(self, code_id: str) -> pd.DataFrame:
        """``key`` (period), ``comments``, ``authors`` of one theme, in time order."""
        rows = self.breakdown[(self.breakdown["dimension"] == "period")
                              & (self.breakdown["code_id"] == code_id)]  # fmt: skip
        return rows[["key", "comments", "authors"]].sort_values("key", ignore_index=True)


def compute(project: Project, codebook_version: int | None = None, *,
            quotes_per_theme: int = exemplars.QUOTES_PER_THEME,
            embed: bool = True) -> Findings:  # fmt: skip
    """The findings of ``project`` under one codebook version.

    Parameters
    ----------
    project : Project
        An open project with a codebook.
    codebook_version : int, optional
        The version to describe (the current one by default).
    quotes_per_theme : int
        Exemplar quotes per theme.
    embed : bool, default True
        Embed coded comments missing from the embedding cache, to choose quotes
        (with False, only cached vectors are used; comments without one are not
        quoted).

    Raises
    ------
    CodebookError
        When the project has no codebook or no such version.
    """
    codebook = (service.require(project) if codebook_version is None
                else service.version(project, codebook_version))  # fmt: skip
    coded = coded_comments(project, codebook)
    unit = counts.period_unit(coded.comments["created_at"])
    themes = counts.theme_counts(coded).merge(coded.themes[["code_id", "definition", "color"]],
                                              on="code_id")  # fmt: skip
    run = _newest_run(project)
    crosstab = layout = None
    if run is not None:
        members = project.store.run_members(int(run["run_id"]))
        crosstab = counts.cluster_crosstab(coded, members,
                                           project.store.run_clusters(int(run["run_id"])))
        layout = _layout(coded, themes, members)
    return Findings(
        coded=coded, themes=themes, breakdown=counts.breakdown(coded, unit),
        totals=counts.comment_totals(coded, unit), cooccurrence=counts.cooccurrence(coded),
        crosstab=crosstab, layout=layout,
        quotes=exemplars.theme_exemplars(coded.assignments, coded.comments,
                                         _vectors(project, coded, embed), quotes_per_theme),
        agreement=_agreement(project, coded), methods=methods_record(project, coded, run),
        period_unit=unit,
    )  # fmt: skip


def _newest_run(project: Project) -> dict[str, Any] | None:
    if project.store.runs().empty:
        return None
    return project.store.run()


def _layout(coded: CodedComments, themes: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """The run's map, each comment coloured by its most common top-level theme."""
    tops = themes[themes["depth"] == 0].sort_values("comments", ascending=False)
    order = {code: i for i, code in enumerate(tops["code_id"])}
    top = coded.assignments[coded.assignments["code_id"].isin(order)].copy()
    top["order"] = top["code_id"].map(order)
    first = top.sort_values("order").drop_duplicates("comment_id").set_index("comment_id")
    out = members[["comment_id", "x", "y", "cluster"]].copy()
    out["theme"] = out["comment_id"].map(first["code_id"]).astype(object)
    out["theme"] = out["theme"].where(out["theme"].notna(), None)
    return out


def _vectors(project: Project, coded: CodedComments, embed: bool) -> dict[str, np.ndarray]:
    """Embeddings of the coded comments, by comment id."""
    from workbench.embed.comments import embed_comments

    frame = project.comments()
    frame = frame[frame["comment_id"].isin(set(coded.assignments["comment_id"]))]
    if frame.empty:
        return {}
    if not embed:
        return _cached_vectors(project, frame)
    found = embed_comments(project, frame=frame, record_event=False)
    return dict(zip(found.comment_ids, found.vectors, strict=True))


def _cached_vectors(project: Project, frame: pd.DataFrame) -> dict[str, np.ndarray]:
    from workbench.embed.comments import cache_for, embeddable, encoder_for, pin_backend
    from workbench.embed.texts import text_keys

    encoder = encoder_for(project)
    pin_backend(project, encoder)
    encoder.backend = encoder.backend if encoder.backend != "auto" else "torch"
    rows, texts = embeddable(frame)
    cache = cache_for(project, encoder)
    keys = text_keys(texts)
    missing = set(cache.missing(keys))
    keep = [i for i in range(len(keys)) if i not in missing]
    if not keep:
        return {}
    vectors = cache.get([keys[i] for i in keep])
    return {rows["comment_id"].iloc[i]: vectors[j] for j, i in enumerate(keep)}


def _agreement(project: Project, coded: CodedComments) -> dict[str, Any] | None:
    codings = project.store.codings()
    try:
        codes, coders = choose_agreement(coded.codebook, codings, None, None)
        if len(coders) < 2:
            return None
        labels = dict(zip(coded.themes["code_id"], coded.themes["label"], strict=True))
        report = measure(codings, coders=coders, codes=codes, labels=labels,
                         lengths=text_lengths(project, codings))  # fmt: skip
    except AgreementError:
        return None
    return report.as_dict()
