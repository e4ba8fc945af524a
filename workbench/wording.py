"""Plain words for what the notebooks show: format, column and language names, summaries.

A researcher reads "Reddit thread", "reply depth" and "language not known", not
``reddit-thread``, ``depth`` and ``und``. The functions here turn the workbench's
data (import summaries, project counts, preview frames) into sentences and small
tables; the views only render them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

#: Each import format as a researcher would name the file.
FORMAT_NAMES: dict[str, str] = {
    "csv": "Spreadsheet (CSV, TSV or Excel)",
    "facebook-dyi": "Facebook “Download Your Information” file",
    "mastodon-api": "Mastodon statuses (API)",
    "mastodon-outbox": "Mastodon account archive",
    "reddit-dump": "Reddit dump (Pushshift / Arctic Shift)",
    "reddit-listing": "Reddit list of comments or posts",
    "reddit-morechildren": "Reddit “load more comments” page",
    "reddit-thread": "Reddit thread",
    "x-api-v2": "X/Twitter posts (API v2)",
    "x-archive": "X/Twitter account archive",
    "x-twarc-flat": "X/Twitter posts (twarc2, flattened)",
    "youtube-api": "YouTube comments (API)",
    "youtube-takeout": "YouTube comments (Google Takeout)",
}
#: Column names of frames shown to researchers.
COLUMN_NAMES: dict[str, str] = {
    "created_at": "posted",
    "platform": "platform",
    "author_pseudonym": "author (pseudonym)",
    "depth": "reply depth",
    "text": "comment",
    "lang": "language",
    "file": "file",
    "format": "kind of file",
    "rows": "records read",
    "new": "new",
    "updated": "updated",
    "duplicate": "already there",
    "gaps": "hidden replies (“load more”)",
    "skipped": "left out",
    "non_substantive": "non-substantive answers",
}
PLATFORM_NAMES: dict[str, str] = {
    "reddit": "Reddit", "x": "X/Twitter", "mastodon": "Mastodon", "youtube": "YouTube",
    "facebook": "Facebook", "csv": "survey / spreadsheet",
}  # fmt: skip
_LANGUAGES: dict[str, str] = {
    "en": "English", "es": "Spanish", "fr": "French", "de": "German", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "pl": "Polish", "ur": "Urdu", "pa": "Punjabi",
    "hi": "Hindi", "bn": "Bengali", "ar": "Arabic", "zh": "Chinese", "ja": "Japanese",
    "ko": "Korean", "cy": "Welsh", "ga": "Irish", "gd": "Scottish Gaelic", "ro": "Romanian",
    "ru": "Russian", "uk": "Ukrainian", "tr": "Turkish", "so": "Somali", "gu": "Gujarati",
    "ta": "Tamil", "fa": "Persian", "lt": "Lithuanian", "sv": "Swedish", "da": "Danish",
}  # fmt: skip
UNKNOWN_LANGUAGE = "not known"
UNKNOWN_AUTHOR = "deleted or unknown"


def format_name(name: str) -> str:
    """A format as a researcher names it (``"reddit-thread"`` → ``"Reddit thread"``)."""
    return FORMAT_NAMES.get(str(name), str(name))


def language_name(code: Any) -> str:
    """A language code in words; missing, ``und`` and ``pending`` are "not known".

    Examples
    --------
    >>> language_name("ur"), language_name("und"), language_name(None)
    ('Urdu', 'not known', 'not known')
    """
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return UNKNOWN_LANGUAGE
    code = str(code).strip()
    if code.lower() in ("", "und", "pending", "zxx", "unknown"):
        return UNKNOWN_LANGUAGE
    base = code.split("-")[0].split("_")[0].lower()
    if base in _LANGUAGES:
        return _LANGUAGES[base]
    try:  # Babel comes with JupyterLab; without it the code is shown as it is
        from babel import Locale

        found = Locale("en").languages.get(base)
    except (ImportError, ValueError):
        found = None
    return found or code


def readable_preview(frame: pd.DataFrame) -> pd.DataFrame:
    """A preview frame with plain column names and words for missing values."""
    shown = frame.copy()
    if "lang" in shown:
        shown["lang"] = [language_name(v) for v in shown["lang"]]
    if "author_pseudonym" in shown:
        shown["author_pseudonym"] = shown["author_pseudonym"].astype(object).where(
            shown["author_pseudonym"].notna(), UNKNOWN_AUTHOR
        )
    if "created_at" in shown:
        shown["created_at"] = [
            v.strftime("%Y-%m-%d %H:%M") if pd.notna(v) else "no date" for v in shown["created_at"]
        ]
    if "platform" in shown:
        shown["platform"] = [PLATFORM_NAMES.get(str(v), str(v)) for v in shown["platform"]]
    if "depth" in shown:
        shown["depth"] = [
            "post" if v == 0 else ("not known" if pd.isna(v) else int(v)) for v in shown["depth"]
        ]
    return shown.rename(columns=COLUMN_NAMES)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def describe_project(stats: Mapping[str, Any], name: str = "") -> str:
    """A project's counts in two or three sentences (what ``Project.stats()`` holds).

    Examples
    --------
    >>> describe_project({"comments": 3, "threads": 1, "authors": 2, "deleted": 0,
    ...                   "platforms": {"reddit": 3}, "languages": {"en": 2, "und": 1},
    ...                   "gaps": {}, "skipped": {}, "imports": 1})
    'The project holds 3 comments in 1 thread by 2 authors (Reddit 3). Languages: English 2, \
not known 1. 1 file has been imported.'
    """
    platforms = ", ".join(
        f"{PLATFORM_NAMES.get(k, k)} {v:,}" for k, v in (stats.get("platforms") or {}).items()
    )
    head = f"The project {'“' + name + '” ' if name else ''}holds " + (
        f"{_plural(int(stats.get('comments', 0)), 'comment')} in "
        f"{_plural(int(stats.get('threads', 0)), 'thread')} by "
        f"{_plural(int(stats.get('authors', 0)), 'author')}"
    )
    parts = [head + (f" ({platforms})." if platforms else ".")]
    languages: dict[str, int] = {}
    for code, n in (stats.get("languages") or {}).items():
        word = language_name(code)
        languages[word] = languages.get(word, 0) + int(n)
    if languages:
        parts.append("Languages: " + ", ".join(f"{k} {v:,}" for k, v in languages.items()) + ".")
    deleted = int(stats.get("deleted", 0))
    if deleted:
        parts.append(f"{_plural(deleted, 'comment was', 'comments were')} deleted by the time "
                     "of the export (kept, marked deleted).")
    hidden = sum(int(g.get("hidden_items", 0)) for g in (stats.get("gaps") or {}).values())
    if hidden:
        parts.append(f"About {hidden:,} replies were hidden behind “load more” links in the "
                     "exports and are not in the project.")
    skipped = sum(int(v) for v in (stats.get("skipped") or {}).values())
    if skipped:
        reasons = ", ".join(f"{k} {v:,}" for k, v in stats["skipped"].items())
        parts.append(f"{_plural(skipped, 'record was', 'records were')} left out on purpose "
                     f"({reasons}).")
    imports = int(stats.get("imports", 0))
    parts.append(f"{_plural(imports, 'file has', 'files have')} been imported.")
    return " ".join(parts)
