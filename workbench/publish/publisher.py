"""``workbench publish``: write the committee's app folder from a project's findings.

The folder (``OUT_DIR``) holds everything the app needs and nothing private::

    app.ipynb          the Voila notebook (imports only ``viewer``)
    viewer/            the app's code, copied from :mod:`workbench.viewer`
    bundle/            findings.json: the anonymised findings
    static.html        the same pages as one file, for members who can only get a file
    feedback/          what advisory members send from the app (one file each)
    voila.py, share/   serving settings and the offline template (:mod:`.serve`)
    PUBLISHED.json     what was published, when, from which codebook version

Re-publishing into the same folder replaces the findings and keeps ``feedback/``.
A folder that is not a published app is refused.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat

from workbench import events
from workbench.errors import WorkbenchError
from workbench.findings import Findings, compute
from workbench.project import Project
from workbench.publish import review as reviews
from workbench.publish.bundle import MIN_AUTHORS, make_bundle
from workbench.publish.scrub import Scrubber
from workbench.publish.serve import DEFAULT_POOL, write_serving_files
from workbench.viewer import bundle as bundle_format
from workbench.viewer.pages import static_document

MARKER = "PUBLISHED.json"
QUOTES_PER_THEME = 5
#: Attribute fields that hold another person's handle (replies, reposts).
NAME_ATTRIBUTES = ("reply_to_user", "retweeted_user", "quoted_user", "in_reply_to_account",
                   "author_name", "author_display_name", "display_name", "screen_name",
                   "username", "acct")  # fmt: skip
APP_SOURCE = """\
# The committee's app: reads bundle/ only. Serve it with `workbench serve .` or
# `voila app.ipynb` from this folder.
from viewer.app import show

show()
"""


class PublishError(WorkbenchError):
    """Publishing refused: names the folder or file and what to do."""


@dataclass
class PublishReport:
    """What one publication wrote."""

    out_dir: Path
    review: Path
    bundle_id: str
    codebook_version: int
    themes: int
    hidden_themes: int
    quotes: int
    quotes_pending: int
    files: list[str]

    def describe(self) -> str:
        """A few plain sentences for a terminal or notebook."""
        lines = [f"Published {self.themes} themes and {self.quotes} quotes (codebook version "
                 f"{self.codebook_version}) to {self.out_dir}."]
        if self.hidden_themes:
            lines.append(f"{self.hidden_themes} themes raised by too few people were left out.")
        if self.quotes_pending:
            lines.append(f"{self.quotes_pending} quotes await review in {self.review} and were "
                         "not published: approve, edit or withhold them, then publish again.")
        lines.append(f"Serve it with: workbench serve {self.out_dir}")
        return "\n".join(lines)


def project_names(project: Project) -> set[str]:
    """Every raw author handle or name in the project, and handles its records mention."""
    frame = project.comments(private=True)
    names = {str(a) for a in frame["author"].dropna().unique() if str(a).strip()}
    for text in frame["attributes"].dropna():
        try:
            attributes = json.loads(text)
        except ValueError:
            continue
        for key in NAME_ATTRIBUTES:
            value = attributes.get(key) if isinstance(attributes, dict) else None
            if isinstance(value, str) and value.strip():
                names.add(value)
    return names


def sync_review(project: Project, findings: Findings, scrubber: Scrubber,
                path: Path | None = None) -> reviews.Review:  # fmt: skip
    """The review of ``findings``' quotes, keeping earlier decisions; saved to ``path``.

    A quote keeps its decision while its comment's text is unchanged; new
    candidates are ``pending``. Candidates no longer chosen are dropped.
    """
    path = path or reviews.review_path(project.root, findings.version)
    old = reviews.load(path) if path.exists() else None
    earlier = old.by_id() if old else {}
    labels = dict(zip(findings.themes["code_id"], findings.themes["label"], strict=True))
    quotes = []
    for row in findings.quotes.itertuples(index=False):
        text = str(row.text)
        qid = reviews.quote_id(row.comment_id, row.code_id)
        before = earlier.get(qid)
        same = before is not None and before.text_hash == reviews.text_hash(text)
        quotes.append(reviews.QuoteReview(
            id=qid, theme=row.code_id, theme_label=labels.get(row.code_id, row.code_id),
            comment=row.comment_id, rank=int(row.rank),
            decision=before.decision if same else "pending",
            original=text, scrubbed=scrubber.scrub(text).text,
            edited=before.edited if same else None, text_hash=reviews.text_hash(text),
        ))  # fmt: skip
    title = (old.title if old and old.title else
             f"What people said: {project.settings.get('name') or project.root.name}")
    summary = (old.summary if old and old.summary else
               "Findings from public comments on social media and in a survey, coded by "
               "the research team. Replace this text with a plain-language summary of what "
               "was studied and why.")  # fmt: skip
    review = reviews.Review(path=path, codebook_version=findings.version, title=title,
                            summary=summary, quotes=quotes)  # fmt: skip
    review.save()
    return review


def prepare(project: Project, *, codebook_version: int | None = None,
            quotes_per_theme: int = QUOTES_PER_THEME, review_path: Path | None = None
            ) -> tuple[Findings, Scrubber, reviews.Review]:  # fmt: skip
    """Compute findings (twice the quotes, as candidates), the scrubber and the review."""
    findings = compute(project, codebook_version, quotes_per_theme=2 * quotes_per_theme)
    scrubber = Scrubber(project_names(project))
    return findings, scrubber, sync_review(project, findings, scrubber, review_path)


def publish(project: Project, out_dir: str | Path, *, codebook_version: int | None = None,
            min_authors: int = MIN_AUTHORS, quotes_per_theme: int = QUOTES_PER_THEME,
            review_path: Path | None = None, approve_pending: bool = False,
            prepared: tuple[Findings, Scrubber, reviews.Review] | None = None,
            pool: int = DEFAULT_POOL) -> PublishReport:  # fmt: skip
    """Write the app folder ``out_dir`` (see the module's text).

    Parameters
    ----------
    project : Project
        The open project.
    out_dir : path
        A new folder, or one this command published before.
    codebook_version : int, optional
        The codebook version to publish (the current one by default).
    min_authors : int
        Themes raised by fewer distinct people are not shown (default 5).
    quotes_per_theme : int
        Most quotes per theme.
    review_path : path, optional
        The review file (default ``PROJECT/publishing/review-v<V>.yaml``).
    approve_pending : bool
        Approve every quote still pending, as scrubbed (recorded in the review file).
    prepared : tuple, optional
        What :func:`prepare` returned (the notebook reviews before publishing).
    pool : int
        Kernels Voila keeps ready with the app already run, so that this many viewers
        arriving at once see it at once (0: a kernel is started per viewer on arrival).

    Raises
    ------
    PublishError
        When ``out_dir`` holds something other than a published app, or is the
        project folder or inside it.
    """
    out_dir = Path(out_dir).resolve()
    _check_target(project, out_dir)
    findings, scrubber, review = prepared or prepare(
        project, codebook_version=codebook_version, quotes_per_theme=quotes_per_theme,
        review_path=review_path)  # fmt: skip
    if approve_pending:
        for quote in review.quotes:
            if quote.decision == "pending":
                quote.decision = "approve"
        review.save()
    bundle = make_bundle(findings, review, scrubber, min_authors=min_authors,
                         quotes_per_theme=quotes_per_theme)  # fmt: skip
    files = write_app(out_dir, bundle, pool=pool)
    body = (out_dir / "bundle" / bundle_format.FILE).read_bytes()
    shown = {t["id"] for t in bundle["themes"]}
    pending = sum(q.decision == "pending" and q.theme in shown and q.rank <= quotes_per_theme
                  for q in review.quotes)  # fmt: skip
    report = PublishReport(
        out_dir=out_dir, review=review.path, bundle_id=bundle["bundle_id"],
        codebook_version=findings.version, themes=len(bundle["themes"]),
        hidden_themes=bundle["hidden_themes"], quotes=len(bundle["quotes"]),
        quotes_pending=pending, files=files,
    )  # fmt: skip
    project.store.write(lambda: project.store.record(events.FindingsPublished(
        out_dir=str(out_dir), bundle_id=report.bundle_id,
        bundle_sha256=hashlib.sha256(body).hexdigest(), codebook_version=report.codebook_version,
        min_authors=min_authors, themes=report.themes, hidden_themes=report.hidden_themes,
        quotes=report.quotes, quotes_pending=report.quotes_pending), project.actor),
        durable=True)  # fmt: skip
    return report


def _check_target(project: Project, out_dir: Path) -> None:
    root = project.root.resolve()
    if out_dir == root or root in out_dir.parents:
        raise PublishError(f"{out_dir}: inside the private project folder; publish to a folder "
                           "outside it (the app folder is what you share)")  # fmt: skip
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise PublishError(f"{out_dir}: holds files but no published app; publish to a new or "
                           "empty folder (nothing was changed)")  # fmt: skip


def write_app(out_dir: Path, bundle: dict[str, Any], *, pool: int = DEFAULT_POOL) -> list[str]:
    """Write the app folder for ``bundle``; keeps an existing ``feedback/``. Returns files."""
    import workbench.viewer as viewer_package

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "bundle").mkdir(exist_ok=True)
    (out_dir / "feedback").mkdir(exist_ok=True)
    _write(out_dir / "bundle" / bundle_format.FILE,
           json.dumps(bundle, ensure_ascii=False, separators=(",", ":")))
    source = Path(viewer_package.__file__).parent
    target = out_dir / "viewer"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir()
    for module in sorted(source.glob("*.py")):
        shutil.copyfile(module, target / module.name)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(APP_SOURCE)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}  # fmt: skip
    _write(out_dir / "app.ipynb", nbformat.writes(notebook))
    _write(out_dir / "static.html",
           static_document(bundle_format.Bundle(bundle, out_dir / "bundle")))
    write_serving_files(out_dir, pool=pool)
    _write(out_dir / MARKER, json.dumps({
        "bundle_id": bundle["bundle_id"],
        "published_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "codebook_version": bundle["methods"]["codebook"]["version"],
    }, indent=1))  # fmt: skip
    return sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*") if p.is_file())


def _write(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
