"""Findings made safe to publish: the anonymised bundle the app reads.

What leaves the project, and how it is made safe:

- themes raised by fewer than ``min_authors`` distinct people are left out
  everywhere (counted as hidden); a count of fewer than ``min_authors`` people in
  a cell (a theme on one platform, in one week) is given as "fewer than N";
- quotes are only those the analyst approved or edited in the review file, each
  scrubbed (every username of the project, mentions, emails, links, phone numbers)
  and marked ``verbatim``, ``redacted`` or ``edited``; their authors become
  "Contributor 1, 2, ..." numbered for this bundle alone (not the project's
  pseudonyms, so two publications cannot be linked through them);
- threads are "Reddit discussion 3", never titles; imports are formats and hashes,
  never file names; coders are a number, never names;
- the map holds positions and themes only, no text and no ids.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

import pandas as pd

from workbench.findings import Findings
from workbench.findings.counts import periods
from workbench.publish.review import QuoteReview, Review
from workbench.publish.scrub import Scrubber
from workbench.viewer.bundle import FORMAT, FORMAT_VERSION, platform_name
from workbench.viewer.pages import month_name

#: Default: a theme must be raised by at least this many people to be shown.
MIN_AUTHORS = 5
#: Most dots on the published map (a random sample beyond).
MAP_POINTS = 4000


def published_themes(findings: Findings, min_authors: int) -> pd.DataFrame:
    """Themes with at least ``min_authors`` authors, most authors first."""
    themes = findings.themes[findings.themes["authors"] >= min_authors]
    return themes.sort_values(["authors", "comments"], ascending=False, kind="stable")


def _cells(rows: pd.DataFrame, min_authors: int, labels: dict[str, str] | None = None
           ) -> list[dict[str, Any]]:  # fmt: skip
    out = []
    for row in rows.itertuples(index=False):
        small = int(row.authors) < min_authors
        out.append({"key": labels.get(row.key, row.key) if labels else row.key,
                    "comments": None if small else int(row.comments),
                    "authors": None if small else int(row.authors),
                    "suppressed": small})  # fmt: skip
    return out


def thread_labels(findings: Findings) -> dict[str, str]:
    """``"Reddit discussion 2"`` for each thread id (numbered by size on its platform)."""
    comments = findings.coded.comments
    sizes = comments.groupby(["platform", "thread_id"]).size().rename("n").reset_index()
    sizes = sizes.sort_values(["platform", "n", "thread_id"], ascending=[True, False, True])
    labels = {}
    for platform, group in sizes.groupby("platform", sort=False):
        for number, thread in enumerate(group["thread_id"], start=1):
            labels[thread] = f"{platform_name(str(platform))} discussion {number}"
    return labels


def _breakdown(findings: Findings, shown: set[str], min_authors: int) -> dict[str, Any]:
    threads = thread_labels(findings)
    out: dict[str, Any] = {}
    for (code_id, dimension), rows in findings.breakdown.groupby(["code_id", "dimension"]):
        if code_id in shown:
            out.setdefault(code_id, {})[dimension] = _cells(
                rows.sort_values("key"), min_authors, threads if dimension == "thread" else None
            )
    return out


def _quotes(findings: Findings, review: Review, shown: set[str], scrubber: Scrubber,
            per_theme: int, seed: int) -> tuple[list[dict[str, Any]], dict[str, int]]:  # fmt: skip
    chosen = []
    for quote in sorted(review.quotes, key=lambda q: (q.theme, q.rank)):
        if quote.theme in shown and quote.publishable:
            chosen.append(quote)
    taken: dict[str, int] = {}
    rows = findings.quotes.set_index(["code_id", "comment_id"])
    picked = []
    for quote in chosen:
        if taken.get(quote.theme, 0) >= per_theme:
            continue
        taken[quote.theme] = taken.get(quote.theme, 0) + 1
        picked.append(quote)
    keys = [_author_key(rows, quote) for quote in picked]
    numbers = list(range(1, len(set(keys)) + 1))
    random.Random(seed).shuffle(numbers)
    contributors: dict[str, str] = {}
    for key in keys:
        if key not in contributors:
            contributors[key] = f"Contributor {numbers[len(contributors)]}"
    out, tally = [], {"verbatim": 0, "redacted": 0, "edited": 0}
    for quote, key in zip(picked, keys, strict=True):
        source = quote.edited if quote.decision == "edit" else quote.original
        scrubbed = scrubber.scrub(source or "")
        status = "edited" if quote.decision == "edit" else (
            "redacted" if scrubbed.redacted else "verbatim")
        tally[status] += 1
        try:
            row = rows.loc[(quote.theme, quote.comment)]
            platform = str(row["platform"])
            when = periods(pd.Series([row["created_at"]]), "month").iloc[0]
        except KeyError:
            platform, when = "unknown", None
        out.append({"theme": quote.theme, "text": scrubbed.text, "status": status,
                    "contributor": contributors[key], "platform": platform,
                    "period": month_name(when)})  # fmt: skip
    return out, tally


def _author_key(rows: pd.DataFrame, quote: QuoteReview) -> str:
    """Who wrote a quote (its pseudonym), or a key of its own when unknown."""
    try:
        author = rows.loc[(quote.theme, quote.comment)]["author_pseudonym"]
    except KeyError:
        author = None
    return str(author) if isinstance(author, str) else f"unnamed-{quote.id}"


def _map(findings: Findings, published: pd.DataFrame, seed: int) -> dict[str, Any] | None:
    layout = findings.layout
    if layout is None or layout.empty:
        return None
    top_level = published[published["depth"] == 0]
    tops = list(top_level.sort_values("comments", ascending=False)["code_id"])
    index = {code: i for i, code in enumerate(tops)}
    themes = [index.get(t) if isinstance(t, str) else None for t in layout["theme"]]
    counts = [sum(1 for t in themes if t == i) for i in range(len(tops))]
    positions = list(zip(layout["x"].astype(float), layout["y"].astype(float), themes,
                         strict=True))  # fmt: skip
    if len(positions) > MAP_POINTS:
        positions = random.Random(seed).sample(positions, MAP_POINTS)
    return {"themes": tops, "counts": counts, "total": len(layout),
            "points": [[round(x, 3), round(y, 3), t] for x, y, t in positions]}


def _agreement(findings: Findings, shown: set[str]) -> dict[str, Any] | None:
    report = findings.agreement
    if not report:
        return None
    rows = [r for r in report["rows"] if r["level"] == "comment"]
    overall = next((r for r in rows if r["code_id"] is None), None)
    if overall is None:
        return None
    keep = ("percent_agreement", "kappa", "kappa_low", "kappa_high", "alpha", "alpha_low",
            "alpha_high", "units")  # fmt: skip
    return {"coders": len(report["coders"]), "comments": report["levels"]["comment"]["comments"],
            "overall": {k: overall.get(k) for k in keep},
            "themes": {r["code_id"]: {k: r.get(k) for k in keep}
                       for r in rows if r["code_id"] in shown}}  # fmt: skip


def _methods(findings: Findings, tally: dict[str, int]) -> dict[str, Any]:
    m = findings.methods
    run = m.get("clustering")
    return {
        "generated_at": m["generated_at"], "workbench_version": m["workbench_version"],
        "sources": m["sources"], "coders": len(m["coders"]), "final_coding": m["final_coding"],
        "codebook": {**{k: m["codebook"][k] for k in ("id", "title", "version", "sha256")},
                     "changes": [{k: c.get(k) for k in ("version", "date", "operation",
                                                        "rationale")}
                                 for c in m["codebook"]["changes"]]},
        "imports": [{k: i[k] for k in ("format", "sha256", "rows")} for i in m["imports"]],
        "clustering": None if run is None else {
            k: run[k] for k in ("run_id", "model", "params", "versions", "input_hash",
                                "comments", "clusters", "outliers")},
        "scrubbing": (f"Of the {sum(tally.values())} quotes, {tally['verbatim']} are as "
                      f"written, {tally['redacted']} had names, usernames, contact details or "
                      f"links removed, and {tally['edited']} were shortened or edited."),
    }  # fmt: skip


def make_bundle(findings: Findings, review: Review, scrubber: Scrubber, *,
                min_authors: int = MIN_AUTHORS,
                quotes_per_theme: int = 5) -> dict[str, Any]:  # fmt: skip
    """The anonymised findings bundle (JSON-ready) for the app and the static file.

    Parameters
    ----------
    findings : Findings
        The private findings.
    review : Review
        The analyst's decisions on quotes (only approved or edited ones are used).
    scrubber : Scrubber
        Scrubs quotes (built from every username of the project).
    min_authors : int
        Themes and cells with fewer distinct authors are not shown.
    quotes_per_theme : int
        Most quotes published per theme.
    """
    if min_authors < 1:
        raise ValueError(f"min_authors must be at least 1, not {min_authors}")
    published = published_themes(findings, min_authors)
    shown = set(published["code_id"])
    seed = random.SystemRandom().randrange(2**31)
    quotes, tally = _quotes(findings, review, shown, scrubber, quotes_per_theme, seed)
    comments = findings.coded.comments
    times = comments["created_at"].dropna()
    totals = findings.totals
    hidden = int(((findings.themes["authors"] > 0)
                  & (findings.themes["authors"] < min_authors)).sum())  # fmt: skip
    pairs = findings.cooccurrence
    pairs = pairs[pairs["code_a"].isin(shown) & pairs["code_b"].isin(shown)
                  & (pairs["authors"] >= min_authors)]  # fmt: skip
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "bundle_id": str(uuid.uuid4()),
        "title": scrubber.scrub(review.title).text, "summary": scrubber.scrub(review.summary).text,
        "min_authors": min_authors, "hidden_themes": hidden,
        "overview": {
            "comments": int(len(comments)),
            "coded": int(findings.coded.assignments["comment_id"].nunique()),
            "authors": int(comments["author_pseudonym"].nunique()),
            "threads": int(comments["thread_id"].nunique()),
            "first": None if times.empty else times.min().strftime("%Y-%m-%d"),
            "last": None if times.empty else times.max().strftime("%Y-%m-%d"),
            "platforms": findings.methods["sources"], "period_unit": findings.period_unit,
            "periods": [{"key": r.key, "comments": int(r.comments), "coded": int(r.coded)}
                        for r in totals[totals["dimension"] == "period"].itertuples()],
        },
        "themes": [{"id": r.code_id, "label": r.label,
                    "parent": r.parent if isinstance(r.parent, str) and r.parent in shown
                    else None,
                    "depth": int(r.depth), "definition": scrubber.scrub(r.definition or "").text,
                    "comments": int(r.comments), "authors": int(r.authors)}
                   for r in published.itertuples()],
        "breakdown": _breakdown(findings, shown, min_authors),
        "cooccurrence": [{"a": r.code_a, "b": r.code_b, "comments": int(r.comments)}
                         for r in pairs.itertuples()],
        "quotes": quotes,
        "map": _map(findings, published, seed),
        "agreement": _agreement(findings, shown),
        "methods": _methods(findings, tally),
    }  # fmt: skip
