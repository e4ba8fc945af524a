"""The numbered schema scripts of each dialect, read from ``workbench/migrations``."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Migration:
    """One schema script: ``version``, file ``name`` and its SQL ``script``."""

    version: int
    name: str
    script: str

    def statements(self) -> list[str]:
        """The script split into statements (``CREATE TRIGGER ... END;`` kept whole).

        Python's ``executescript`` would commit the open transaction, so scripts
        run statement by statement inside the upgrade's own transaction. A
        PostgreSQL script is sent whole (the server takes several statements at
        once); this is used for SQLite.
        """
        statements, pending = [], ""
        for line in self.script.splitlines(keepends=True):
            pending += line
            if sqlite3.complete_statement(pending):
                if _code(pending):
                    statements.append(pending.strip())
                pending = ""
        if _code(pending):
            statements.append(pending.strip())
        return statements


def _code(text: str) -> bool:
    """Whether ``text`` holds more than whitespace and ``--`` comments."""
    return any(line.split("--", 1)[0].strip() for line in text.splitlines())


def migrations(dialect: str) -> list[Migration]:
    """The scripts of ``dialect`` (``"sqlite"`` or ``"postgresql"``), in version order."""
    folder = resources.files("workbench") / "migrations" / dialect
    found = [
        Migration(int(entry.name.split("_", 1)[0]), entry.name, entry.read_text("utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    ]
    return sorted(found, key=lambda m: m.version)


#: The schema version this workbench writes (the same for both dialects).
SCHEMA_VERSION = max(m.version for m in migrations("sqlite"))
