"""The publishing notebook's controller: choose a version, review quotes, preview, publish.

::

    session = PublishSession(project, out_dir="../committee-app")
    session.choose_version(3)                 # the codebook version to publish
    session.quotes("barriers.access")         # candidates with their decisions
    session.decide(quote_id, "approve")       # or "edit" (with wording) / "withhold"
    session.preview("overview")               # the app's page, as it would publish now
    session.publish()                         # write the app folder

Decisions are saved to the review file as they are made, so a closed notebook or
a terminal ``workbench publish`` carries on from the same review.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from workbench.project import Project
from workbench.publish import review as reviews
from workbench.publish.bundle import MIN_AUTHORS, make_bundle
from workbench.publish.publisher import QUOTES_PER_THEME, PublishReport, prepare, publish
from workbench.viewer import pages
from workbench.viewer.bundle import Bundle


class PublishSession:
    """Reviewing and publishing one project's findings.

    Parameters
    ----------
    project : Project
        The open project (it needs a codebook and codings).
    out_dir : path, optional
        Where :meth:`publish` writes the app (default: ``committee-app`` beside the
        project folder).
    min_authors : int
        Themes and counts of fewer distinct people are not shown.
    quotes_per_theme : int
        Most quotes per theme.
    """

    def __init__(self, project: Project, out_dir: str | Path | None = None, *,
                 min_authors: int = MIN_AUTHORS,
                 quotes_per_theme: int = QUOTES_PER_THEME) -> None:  # fmt: skip
        self.project = project
        self.out_dir = Path(out_dir) if out_dir else project.root.parent / "committee-app"
        self.min_authors = min_authors
        self.quotes_per_theme = quotes_per_theme
        self.version: int | None = None
        self.last_report: PublishReport | None = None
        self.choose_version(None)

    # -- the codebook version ------------------------------------------------------

    def versions(self) -> list[tuple[str, int]]:
        """``(label, version)`` of every stored codebook version, newest first."""
        table = self.project.store.codebook_versions()
        return [(f"version {int(r.version)}: {r.operation} ({str(r.at)[:10]})", int(r.version))
                for r in table.sort_values("version", ascending=False).itertuples()]

    def choose_version(self, version: int | None) -> None:
        """Describe codebook ``version`` (None: the current one); its review is loaded."""
        self.findings, self.scrubber, self.review = prepare(
            self.project, codebook_version=version, quotes_per_theme=self.quotes_per_theme)
        self.version = self.findings.version

    # -- themes and quotes ---------------------------------------------------------

    def themes(self) -> pd.DataFrame:
        """Every theme with people and comments, and whether it will be shown."""
        table = self.findings.themes[["code_id", "label", "authors", "comments"]].copy()
        table["shown"] = table["authors"] >= self.min_authors
        decided = pd.DataFrame([(q.theme, q.decision) for q in self.review.quotes],
                               columns=["code_id", "decision"])  # fmt: skip
        approved = decided[decided["decision"].isin(["approve", "edit"])]
        table["quotes_approved"] = table["code_id"].map(
            approved.groupby("code_id").size()).fillna(0).astype(int)
        return table.sort_values(["shown", "authors"], ascending=False, ignore_index=True)

    def quotes(self, theme: str) -> list[reviews.QuoteReview]:
        """The candidate quotes of ``theme``, best first."""
        return sorted((q for q in self.review.quotes if q.theme == theme), key=lambda q: q.rank)

    def decide(self, quote_id: str, decision: str, edited: str | None = None) -> str:
        """Record (and save) a decision on one quote; returns what it will publish."""
        quote = self.review.decide(quote_id, decision, edited)
        self.review.save()
        if not quote.publishable:
            return ""
        return self.scrubber.scrub(quote.edited or quote.original).text

    def approve_pending(self, theme: str | None = None) -> int:
        """Approve every pending quote (of ``theme``); returns how many."""
        changed = 0
        for quote in self.review.quotes:
            if quote.decision == "pending" and theme in (None, quote.theme):
                quote.decision = "approve"
                changed += 1
        self.review.save()
        return changed

    def status(self) -> str:
        """One line: the version, decisions so far, where the app goes."""
        c = self.review.counts()
        return (f"Codebook version {self.version}: {c['approve'] + c['edit']} quotes approved, "
                f"{c['withhold']} withheld, {c['pending']} waiting for review. The app goes to "
                f"{self.out_dir}.")  # fmt: skip

    def set_title(self, title: str, summary: str) -> None:
        """The app's title and plain-language summary (saved in the review file)."""
        self.review.title, self.review.summary = title.strip(), summary.strip()
        self.review.save()

    # -- preview and publish -------------------------------------------------------

    def bundle(self) -> Bundle:
        """The bundle as it would be published now (nothing written)."""
        data = make_bundle(self.findings, self.review, self.scrubber,
                           min_authors=self.min_authors,
                           quotes_per_theme=self.quotes_per_theme)  # fmt: skip
        return Bundle(data, self.out_dir / "bundle")

    def preview(self, page: str = "overview") -> str:
        """The HTML of an app page: ``overview``, ``themes``, ``map``, ``methods``, a theme id."""
        bundle = self.bundle()
        renderers: dict[str, Any] = {"overview": pages.overview, "themes": pages.theme_ranking,
                                     "map": pages.map_page, "methods": pages.methods_page}
        if page in renderers:
            return pages.STYLE + renderers[page](bundle)
        try:
            return pages.STYLE + pages.theme_page(bundle, page)
        except KeyError:
            return (f"<p>This theme is not shown: fewer than {self.min_authors} people raised "
                    "it, or it is not in this codebook version.</p>")

    def publish(self) -> PublishReport:
        """Write the app folder from the current decisions."""
        self.last_report = publish(self.project, self.out_dir, min_authors=self.min_authors,
                                   quotes_per_theme=self.quotes_per_theme,
                                   prepared=(self.findings, self.scrubber, self.review))
        return self.last_report
