"""Reading a published findings bundle (``bundle/findings.json``), standard library only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = "thread-workbench-findings"
FORMAT_VERSION = 1
FILE = "findings.json"
#: Keys every bundle has.
REQUIRED = ("title", "summary", "overview", "themes", "quotes", "breakdown", "cooccurrence",
            "map", "methods", "min_authors")  # fmt: skip

PLATFORM_NAMES = {
    "reddit": "Reddit", "x": "X (Twitter)", "twitter": "X (Twitter)", "mastodon": "Mastodon",
    "youtube": "YouTube", "facebook": "Facebook", "survey": "Survey", "csv": "Survey or table",
}  # fmt: skip


class BundleError(ValueError):
    """A bundle that cannot be read: names the file and what is wrong."""


def platform_name(platform: str) -> str:
    """A platform's name as a reader writes it (``"reddit"`` -> ``"Reddit"``)."""
    return PLATFORM_NAMES.get(platform, platform.replace("-", " ").capitalize())


@dataclass
class Bundle:
    """A loaded bundle: its data and the folder it came from."""

    data: dict[str, Any]
    folder: Path

    @property
    def themes(self) -> list[dict[str, Any]]:
        """Published themes, most distinct authors first."""
        return self.data["themes"]

    def theme(self, code_id: str) -> dict[str, Any]:
        """One published theme by id."""
        for theme in self.themes:
            if theme["id"] == code_id:
                return theme
        raise KeyError(code_id)

    def quotes(self, code_id: str, platform: str | None = None) -> list[dict[str, Any]]:
        """A theme's quotes (from one platform when given), best first."""
        return [q for q in self.data["quotes"]
                if q["theme"] == code_id and (platform is None or q["platform"] == platform)]

    def platforms(self) -> list[str]:
        """Platforms the comments came from."""
        return [p["platform"] for p in self.data["overview"]["platforms"]]

    @property
    def suppressed_as(self) -> str:
        """How a count too small to publish is written."""
        return f"fewer than {self.data['min_authors']}"


def load(folder: str | Path) -> Bundle:
    """Read and check the bundle in ``folder`` (the app's ``bundle/`` folder).

    Raises
    ------
    BundleError
        Naming the file, when it is missing, not JSON, of another format or
        version, or lacks a part.
    """
    folder = Path(folder)
    path = folder / FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BundleError(f"{path}: no findings bundle here; publish again with "
                          "`workbench publish PROJECT OUT_DIR`") from None  # fmt: skip
    except (OSError, ValueError) as exc:
        raise BundleError(f"{path}: cannot be read ({exc}); publish again") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BundleError(f"{path}: not a Thread Workbench findings bundle")
    if data.get("format_version") != FORMAT_VERSION:
        raise BundleError(f"{path}: bundle format {data.get('format_version')!r}; this app "
                          f"reads version {FORMAT_VERSION}: publish again with this workbench")
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise BundleError(f"{path}: lacks {', '.join(missing)}; publish again")
    return Bundle(data, folder)
