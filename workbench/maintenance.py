"""Looking after a project's data: backups, restores and moving to another database.

A backup is a folder::

    backup-20261205T101500Z/
        manifest.json       what was backed up: rows per table, schema, dialect, time
        workbench.yaml      the project's settings
        .pseudonym-key      the secret key (mode 0600: keep backups private)
        database.sqlite     a consistent copy of a SQLite store, or
        database.dump       a pg_dump archive of a PostgreSQL store

Backups are taken while others go on working: the database copy is one snapshot
and holds every unit of work committed before the backup began. Restoring makes
a new project folder (and, for PostgreSQL, fills a new, empty database) and checks
every table's row count against the manifest before reporting success.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench import events
from workbench import settings as settings_module
from workbench.errors import ProjectError
from workbench.project import KEY_FILE, Project
from workbench.store import open_store
from workbench.store.pgtools import mask_url
from workbench.store.transfer import copy_store, table_counts

MANIFEST = "manifest.json"
#: Backup format version written in the manifest.
BACKUP_FORMAT = 1


def backup_project(root: str | Path, out: str | Path) -> dict[str, Any]:
    """Back up the project in ``root`` into the new folder ``out``; returns the manifest.

    Raises
    ------
    ProjectError
        If ``out`` exists and is not empty.
    """
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise ProjectError(f"{out}: exists and is not empty; back up into a new folder")
    with Project.open(root) as project:
        taken_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        out.mkdir(parents=True, exist_ok=True)
        with project.store.snapshot():
            counts = table_counts(project.store)
        database = project.store.backup(out)
        shutil.copyfile(project.root / settings_module.SETTINGS_FILE,
                        out / settings_module.SETTINGS_FILE)  # fmt: skip
        key = out / KEY_FILE
        shutil.copyfile(project.root / KEY_FILE, key)
        os.chmod(key, 0o600)
        manifest = {
            "format": BACKUP_FORMAT,
            "taken_at": taken_at,
            "project": str(Path(root).resolve()),
            "dialect": project.store.dialect,
            "database": database.name,
            "schema_version": project.store.schema_version,
            "counts_at_start": counts,
        }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def _read_manifest(backup: Path) -> dict[str, Any]:
    path = backup / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProjectError(f"{path}: not found; {backup} is not a workbench backup") from None
    except (OSError, ValueError) as exc:
        raise ProjectError(f"{path}: cannot be read ({exc}); the backup is damaged") from None
    for name in (manifest.get("database", ""), KEY_FILE, settings_module.SETTINGS_FILE):
        if not name or not (backup / name).is_file():
            raise ProjectError(f"{backup}: {name or 'the database copy'} is missing from the "
                               "backup; it cannot be restored")  # fmt: skip
    return manifest


def restore_project(
    backup: str | Path, root: str | Path, *, database: str | None = None
) -> dict[str, Any]:
    """Restore a backup into the new project folder ``root``.

    Parameters
    ----------
    backup : path
        A folder written by :func:`backup_project`.
    root : path
        The new project folder (must not hold anything yet).
    database : str, optional
        For a PostgreSQL backup: the URL of the database to fill (made if missing;
        it must be empty). Default: a SQLite copy goes into the folder; a
        PostgreSQL backup needs this.

    Returns
    -------
    dict
        ``{"project", "database", "counts"}``; the counts match the backup's.

    Raises
    ------
    ProjectError
        If the backup is incomplete, the target is not empty, or the restored
        counts differ from the backup's (the target is then removed).
    """
    from workbench.store import pgtools
    from workbench.store.sqlite import restore_file

    backup, root = Path(backup), Path(root)
    manifest = _read_manifest(backup)
    if root.exists() and any(root.iterdir()):
        raise ProjectError(f"{root}: exists and is not empty; restore into a new folder")
    dialect = manifest["dialect"]
    if dialect == "postgresql" and not database:
        raise ProjectError(
            f"{backup}: is a PostgreSQL backup; give the database to restore into "
            "(--database postgresql://USER@HOST/NEW_DATABASE)"
        )
    root.mkdir(parents=True, exist_ok=True)
    try:
        settings_file = settings_module.SETTINGS_FILE
        shutil.copyfile(backup / settings_file, root / settings_file)
        shutil.copyfile(backup / KEY_FILE, root / KEY_FILE)
        os.chmod(root / KEY_FILE, 0o600)
        if dialect == "sqlite":
            url = "sqlite:///workbench.sqlite"
            restore_file(backup / manifest["database"], root / "workbench.sqlite")
        else:
            url = str(database)
            pgtools.create_database(url, exist_ok=True)
            pgtools.restore(backup / manifest["database"], url)
        settings_module.update_file(root / settings_module.SETTINGS_FILE, {"database": url})
        with Project.open(root) as project:
            counts = table_counts(project.store)
            expected = manifest["counts_at_start"]
            short = {t: (n, counts.get(t)) for t, n in expected.items() if counts.get(t, 0) < n}
            if short:
                raise ProjectError(
                    f"{backup}: the restored project has fewer rows than the backup recorded "
                    f"(table: backed up, restored): {short}; the backup is damaged"
                )
            project.store.record(
                events.ProjectRestored(backup=str(backup), taken_at=manifest["taken_at"],
                                       counts=counts),
                project.actor,
            )  # fmt: skip
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return {"project": str(root), "database": mask_url(url), "counts": counts}


def migrate_project(root: str | Path, database: str) -> dict[str, Any]:
    """Copy the project's data into the database at ``database`` and switch to it.

    The target is made if missing and must be empty. Every table is copied with
    its ids and its row count checked (:func:`workbench.store.transfer.copy_store`);
    only then does ``workbench.yaml`` point at the new database. The old database
    is left as it was (delete it yourself once the new one is checked).

    Returns
    -------
    dict
        ``{"project", "from", "to", "counts"}``.
    """
    with Project.open(root) as project:
        if database == project.settings["database"]:
            raise ProjectError(f"{root}: already uses {mask_url(database)}")
        target = open_store(database, project.root, create=True)
        try:
            counts = copy_store(project.store, target, project.actor)
        finally:
            target.close()
        source = project.store.location
        settings_module.update_file(
            project.root / settings_module.SETTINGS_FILE, {"database": database}
        )
    return {"project": str(root), "from": source, "to": mask_url(database), "counts": counts}
