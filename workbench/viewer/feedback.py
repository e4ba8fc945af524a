"""Feedback left in the app by advisory members: one JSON file per submission.

Files go to the app folder's ``feedback/`` (one per submission, written whole and
then renamed, so viewers submitting at once never mix their writes and an analyst
never reads half a file). Analysts bring them into the project with
``workbench feedback import PROJECT OUT_DIR``.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

FOLDER = "feedback"
MAX_CHARS = 4000


class FeedbackError(ValueError):
    """Feedback that cannot be kept (empty, too long, or nowhere to write it)."""


def save(app_folder: Path, *, theme: str, theme_label: str, text: str, bundle_id: str) -> Path:
    """Keep one piece of feedback on ``theme``; returns the file written.

    Raises
    ------
    FeedbackError
        For empty or over-long text, or a folder that cannot be written.
    """
    text = text.strip()
    if not text:
        raise FeedbackError("Please write something before sending.")
    if len(text) > MAX_CHARS:
        raise FeedbackError(f"Please keep feedback under {MAX_CHARS:,} characters "
                            f"(this is {len(text):,}).")  # fmt: skip
    record = {"id": str(uuid.uuid4()), "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "theme": theme, "theme_label": theme_label, "text": text,
              "bundle_id": bundle_id}  # fmt: skip
    folder = Path(app_folder) / FOLDER
    target = folder / f"{record['at'].replace(':', '')}-{record['id']}.json"
    partial = target.with_suffix(".part")
    try:
        folder.mkdir(exist_ok=True)
        partial.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(partial, target)
    except OSError as exc:
        raise FeedbackError("Your feedback could not be saved on this server "
                            f"({exc.strerror or exc}); please send it to the research team "
                            "another way.") from None  # fmt: skip
    return target
