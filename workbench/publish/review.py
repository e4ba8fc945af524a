"""The quote review file: the analyst approves, edits or withholds each quote.

``PROJECT/publishing/review-v<V>.yaml`` lists, per theme, the candidate quotes in
the order the exemplar choice ranked them (twice as many as are published, so a
withheld quote has a replacement). Each has a ``decision``:

``pending``
    not reviewed yet: never published;
``approve``
    published as scrubbed (``scrubbed`` shows exactly what will appear);
``edit``
    published as the analyst's ``edited`` wording (scrubbed again);
``withhold``
    never published.

The file is private (it holds the original text). Publishing again keeps every
decision whose comment text is unchanged; a quote whose comment changed since goes
back to ``pending``.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from workbench.errors import WorkbenchError

DECISIONS = ("pending", "approve", "edit", "withhold")
HEADER = """\
# Quotes proposed for publishing. For each quote set `decision` to one of:
#   approve   publish the `scrubbed` text as shown
#   edit      publish your own wording: write it under `edited`
#   withhold  never publish this quote
#   pending   not reviewed yet (pending quotes are never published)
# `original` is the comment as written: it stays in this private file.
# Then run `workbench publish` again (or use notebooks/06-publish.ipynb).
"""


class ReviewError(WorkbenchError):
    """A review file that cannot be used: names the file and the quote."""


def quote_id(comment_id: str, code_id: str) -> str:
    """A stable id for the quote of ``comment_id`` under ``code_id``."""
    return "q-" + hashlib.blake2b(f"{comment_id}\x1f{code_id}".encode(),
                                  digest_size=6).hexdigest()  # fmt: skip


def text_hash(text: str) -> str:
    """A short hash of a comment's text (a changed text resets its decision)."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class QuoteReview:
    """One candidate quote and the analyst's decision on it."""

    id: str
    theme: str
    theme_label: str
    comment: str
    rank: int
    decision: str
    original: str
    scrubbed: str
    edited: str | None = None
    text_hash: str = ""

    @property
    def publishable(self) -> bool:
        """Whether the decision lets it be published."""
        return self.decision in ("approve", "edit")


@dataclass
class Review:
    """The review file of one codebook version."""

    path: Path
    codebook_version: int
    title: str
    summary: str
    quotes: list[QuoteReview] = field(default_factory=list)

    def by_id(self) -> dict[str, QuoteReview]:
        """The quotes by id."""
        return {q.id: q for q in self.quotes}

    def decide(self, quote: str, decision: str, edited: str | None = None) -> QuoteReview:
        """Record a decision on one quote (not saved until :meth:`save`)."""
        if decision not in DECISIONS:
            raise ReviewError(f"{self.path}: quote {quote}: decision {decision!r}; use one of "
                              f"{', '.join(DECISIONS)}")  # fmt: skip
        found = self.by_id().get(quote)
        if found is None:
            raise ReviewError(f"{self.path}: no quote {quote!r} in this review")
        if decision == "edit" and not (edited or "").strip():
            raise ReviewError(f"{self.path}: quote {quote}: an edit needs the new wording")
        found.decision = decision
        found.edited = edited.strip() if decision == "edit" and edited else None
        return found

    def counts(self) -> dict[str, int]:
        """How many quotes have each decision."""
        return {d: sum(q.decision == d for q in self.quotes) for d in DECISIONS}

    def save(self) -> Path:
        """Write the file (whole, then renamed into place)."""
        body = {"codebook_version": self.codebook_version, "title": self.title,
                "summary": self.summary,
                "quotes": [asdict(q) for q in self.quotes]}  # fmt: skip
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".part")
        partial.write_text(HEADER + yaml.safe_dump(body, allow_unicode=True, sort_keys=False,
                                                   width=100), encoding="utf-8")  # fmt: skip
        partial.replace(self.path)
        return self.path


def review_path(project_root: Path, version: int) -> Path:
    """Where the review of codebook ``version`` lives inside the project."""
    return Path(project_root) / "publishing" / f"review-v{version}.yaml"


def load(path: Path) -> Review:
    """Read a review file, checking every quote.

    Raises
    ------
    ReviewError
        Naming the file and the quote (by position and id) that is wrong.
    """
    try:
        body = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ReviewError(f"{path}: not valid YAML ({exc}); fix it or delete it to start the "
                          "review again") from None  # fmt: skip
    if not isinstance(body, dict) or not isinstance(body.get("quotes"), list):
        raise ReviewError(f"{path}: should hold `codebook_version`, `title`, `summary` and a "
                          "list of `quotes`")  # fmt: skip
    quotes = []
    names = set(QuoteReview.__dataclass_fields__)
    for number, item in enumerate(body["quotes"], start=1):
        where = f"{path}: quote {number}" + (f" ({item.get('id')})" if isinstance(item, dict)
                                             else "")  # fmt: skip
        if not isinstance(item, dict) or not {"id", "theme", "decision"} <= set(item):
            raise ReviewError(f"{where}: needs at least id, theme and decision")
        unknown = set(item) - names
        if unknown:
            raise ReviewError(f"{where}: unknown fields {sorted(unknown)}")
        if item["decision"] not in DECISIONS:
            raise ReviewError(f"{where}: decision {item['decision']!r}; use one of "
                              f"{', '.join(DECISIONS)}")  # fmt: skip
        if item["decision"] == "edit" and not str(item.get("edited") or "").strip():
            raise ReviewError(f"{where}: decision is edit but `edited` is empty; write the "
                              "wording to publish, or approve or withhold it")  # fmt: skip
        values: dict[str, Any] = {k: item.get(k) for k in names}
        values.update(theme_label=str(values["theme_label"] or values["theme"]),
                      comment=str(values["comment"] or ""), rank=int(values["rank"] or 0),
                      original=str(values["original"] or ""),
                      scrubbed=str(values["scrubbed"] or ""),
                      text_hash=str(values["text_hash"] or ""))  # fmt: skip
        quotes.append(QuoteReview(**values))
    return Review(path=path, codebook_version=int(body.get("codebook_version") or 0),
                  title=str(body.get("title") or ""), summary=str(body.get("summary") or ""),
                  quotes=quotes)  # fmt: skip
