"""``workbench feedback import``: advisory members' feedback becomes memos on themes.

The app keeps each submission as a file in ``OUT_DIR/feedback/``
(:mod:`workbench.viewer.feedback`). Importing reads them all, checks every one, and
stores each not imported before as a memo on its theme (author
:data:`AUTHOR`), with one ``feedback-imported`` event, in one unit of work: all
land or none do. The codebook notebook shows these memos next to their theme.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench import events
from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.viewer.feedback import FOLDER, MAX_CHARS

#: The memo author of imported feedback.
AUTHOR = "advisory committee"
_FIELDS = {"id", "at", "theme", "theme_label", "text", "bundle_id"}


class FeedbackImportError(WorkbenchError):
    """Feedback that cannot be imported: names the file and what is wrong."""


@dataclass
class FeedbackItem:
    """One submission read from an app folder."""

    path: Path
    id: str
    at: str
    theme: str
    theme_label: str
    text: str


def read_folder(app_dir: Path) -> list[FeedbackItem]:
    """Every submission in ``app_dir/feedback``, oldest first, each checked.

    Raises
    ------
    FeedbackImportError
        Naming the first file that is not a complete submission.
    """
    folder = Path(app_dir) / FOLDER
    if not folder.is_dir():
        raise FeedbackImportError(f"{folder}: no feedback folder; is {app_dir} a folder written "
                                  "by `workbench publish`?")  # fmt: skip
    items = []
    for path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise FeedbackImportError(f"{path}: not readable feedback ({exc}); move it out of "
                                      "the folder to import the rest") from None  # fmt: skip
        problem = _problem(record)
        if problem:
            raise FeedbackImportError(f"{path}: {problem}; move it out of the folder to import "
                                      "the rest")  # fmt: skip
        items.append(FeedbackItem(path=path, id=record["id"], at=record["at"],
                                  theme=record["theme"], theme_label=record["theme_label"],
                                  text=record["text"]))  # fmt: skip
    return sorted(items, key=lambda item: (item.at, item.id))


def _problem(record: Any) -> str | None:
    if not isinstance(record, dict):
        return "should be a JSON object"
    missing = sorted(_FIELDS - set(record))
    if missing:
        return f"lacks {', '.join(missing)}"
    if not all(isinstance(record[k], str) for k in _FIELDS):
        return "every field should be text"
    if not record["text"].strip() or len(record["text"]) > MAX_CHARS:
        return f"the text is empty or longer than {MAX_CHARS:,} characters"
    return None


def imported_ids(project: Project) -> set[str]:
    """Ids of feedback already imported into ``project``."""
    found: set[str] = set()
    for recorded in project.store.read_events(events.FeedbackImported.KIND):
        found.update(recorded.event.feedback_ids)  # type: ignore[attr-defined]
    return found


def import_feedback(project: Project, app_dir: str | Path) -> dict[str, Any]:
    """Import the feedback in ``app_dir`` not imported before; returns counts.

    Raises
    ------
    FeedbackImportError
        For an unreadable submission, or one on a theme the project's codebook
        never had (nothing is imported then).
    """
    from workbench.codebook import service

    app_dir = Path(app_dir).resolve()
    items = read_folder(app_dir)
    known = imported_ids(project)
    new = [item for item in items if item.id not in known]
    codebook = service.require(project)
    ids = {code.id for code in codebook.codes}
    for item in new:
        if item.theme not in ids:
            raise FeedbackImportError(f"{item.path}: theme {item.theme!r} ({item.theme_label}) "
                                      "is not in the project's codebook; was this app published "
                                      "from another project? (nothing was imported)")  # fmt: skip
    memo_ids: list[int] = []
    if new:
        store = project.store
        with store.unit_of_work(durable=True):
            for item in new:
                memo_ids.append(store.add_memo("code", item.theme,
                                               f"Advisory feedback ({item.at[:10]}): {item.text}",
                                               AUTHOR))  # fmt: skip
            store.record(events.FeedbackImported(app=str(app_dir),
                                                 feedback_ids=[i.id for i in new],
                                                 memo_ids=memo_ids), project.actor)  # fmt: skip
    return {"app": str(app_dir), "found": len(items), "imported": len(new),
            "already_imported": len(items) - len(new),
            "themes": sorted({item.theme for item in new})}  # fmt: skip


def feedback_memos(project: Project, code_id: str | None = None) -> list[dict[str, Any]]:
    """Imported advisory feedback memos (on one theme when given), oldest first."""
    memos = project.store.memos("code")
    memos = memos[memos["author"] == AUTHOR]
    if code_id is not None:
        memos = memos[memos["target_id"] == code_id]
    return [{"theme": r.target_id, "at": r.at, "text": r.text} for r in memos.itertuples()]
