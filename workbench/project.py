"""A project: a folder holding settings, the private store, a key and a cache.

::

    my-study/
        workbench.yaml      settings (see workbench.settings)
        workbench.sqlite    the private store: raw handles live only here
        .pseudonym-key      secret key for pseudonyms (never share or publish)
        cache/              derived data (embeddings, cluster runs)
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from workbench import settings as settings_module
from workbench.errors import ProjectError, WorkbenchError
from workbench.gcpause import collector_paused
from workbench.pipeline import produce_batches
from workbench.privacy import Pseudonymizer, new_key
from workbench.sources import LOADERS, ColumnMapping
from workbench.store import Store

KEY_FILE = ".pseudonym-key"
CACHE_DIR = "cache"


@dataclass
class FileReport:
    """What one file's import did."""

    file: str
    format: str
    import_id: int
    sha256: str = ""
    rows: int = 0
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    gaps: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import command did, file by file."""

    files: list[FileReport]
    languages_detected: int = 0
    depths_filled: int = 0

    def totals(self) -> dict[str, int]:
        """Summed counts over all files."""
        keys = ("rows", "new", "updated", "duplicate", "gaps")
        totals = {key: sum(getattr(f, key) for f in self.files) for key in keys}
        totals["skipped"] = sum(sum(f.skipped.values()) for f in self.files)
        return totals

    def as_dict(self) -> dict[str, Any]:
        """Plain-data form, for ``--json``."""
        return {
            "files": [asdict(f) for f in self.files],
            "totals": self.totals(),
            "languages_detected": self.languages_detected,
            "depths_filled": self.depths_filled,
        }


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class Project:
    """An open project.

    Use :meth:`init` to create one and :meth:`open` to open one.
    """

    def __init__(self, root: Path, settings: dict[str, Any], store: Store, key: bytes) -> None:
        self.root = root
        self.settings = settings
        self.store = store
        self._pseudonymizer = Pseudonymizer(key)

    # -- lifecycle ------------------------------------------------------------------

    @classmethod
    def init(
        cls, root: str | Path, *, name: str | None = None, actor: str | None = None
    ) -> Project:
        """Create a new project folder.

        Raises
        ------
        ProjectError
            If ``root`` already holds a project.
        """
        root = Path(root)
        if (root / settings_module.SETTINGS_FILE).exists():
            raise ProjectError(f"{root}: already holds a project; open it instead")
        root.mkdir(parents=True, exist_ok=True)
        (root / CACHE_DIR).mkdir(exist_ok=True)
        values = settings_module.resolve(None, {"name": name or root.name})
        settings_module.write(root / settings_module.SETTINGS_FILE, values)
        key_path = root / KEY_FILE
        key_path.write_bytes(new_key())
        os.chmod(key_path, 0o600)
        project = cls.open(root, overrides={"actor": actor}, create=True)
        with project.store.transaction():
            project.store.append_event("project-created", {"name": values["name"]}, project.actor)
        return project

    @classmethod
    def open(
        cls, root: str | Path, *, overrides: dict[str, Any] | None = None, create: bool = False
    ) -> Project:
        """Open the project in folder ``root``.

        Raises
        ------
        ProjectError
            If the folder is not a project or its key is missing.
        """
        root = Path(root)
        settings_file = root / settings_module.SETTINGS_FILE
        if not settings_file.exists():
            raise ProjectError(
                f"{root}: is not a workbench project (no {settings_module.SETTINGS_FILE}); "
                f"create one with `workbench init {root}`"
            )
        values = settings_module.resolve(settings_file, overrides)
        key_path = root / KEY_FILE
        if not key_path.exists():
            raise ProjectError(
                f"{key_path}: the pseudonym key is missing; restore it from a backup "
                "(without it new pseudonyms would not match the existing ones)"
            )
        store = Store.open(values["database"], root, create=create)
        (root / CACHE_DIR).mkdir(exist_ok=True)
        return cls(root, values, store, key_path.read_bytes())

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def actor(self) -> str:
        """Who is recorded in this session's events."""
        return str(self.settings["actor"])

    @property
    def cache_dir(self) -> Path:
        """Folder for derived data."""
        return self.root / CACHE_DIR

    # -- importing ------------------------------------------------------------------

    def import_files(
        self,
        paths: Sequence[str | Path],
        *,
        format: str = "auto",
        mapping: ColumnMapping | None = None,
        progress: Callable[[str, int], None] | None = None,
    ) -> ImportReport:
        """Import export files, all in one transaction.

        Either every file lands or, on any error, the project is left exactly as it
        was and the error (naming file and record) is raised.

        Parameters
        ----------
        paths : sequence of path
            Export files.
        format : str, default "auto"
            Format name for all files, or ``"auto"`` to detect each from content.
        mapping : ColumnMapping, optional
            Column mapping for generic CSV / Excel files.
        progress : callable, optional
            Called as ``progress(file, rows_so_far)`` after each batch.
        """
        reports: list[FileReport] = []
        with collector_paused(), self.store.transaction(bulk=True):
            for path in paths:
                reports.append(self._import_one(Path(path), format, mapping, progress))
            self.store.rethread(
                r.import_id
                for r in reports
                if not getattr(LOADERS[r.format], "certain_threads", False)
            )
            depths = self.store.fill_depths()
            for report in reports:
                self.store.append_event("import", asdict(report), self.actor)
        result = ImportReport(files=reports, depths_filled=depths)
        if self.settings["detect_language"]:
            result.languages_detected = self.detect_languages()
        return result

    def _import_one(
        self,
        path: Path,
        format: str,
        mapping: ColumnMapping | None,
        progress: Callable[[str, int], None] | None,
    ) -> FileReport:
        name, batches = produce_batches(path, format, mapping, int(self.settings["batch_size"]))
        # Hashing runs beside the import: hashlib releases the GIL on large blocks.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="workbench-sha") as pool:
            sha = pool.submit(file_sha256, path)
            import_id = self.store.begin_import(str(path), name, self.actor)
            report = FileReport(file=str(path), format=name, import_id=import_id)
            skipped: list[tuple[str, str]] = []
            for columns, batch in batches:
                columns["author_pseudonym"] = self._pseudonymizer.column(
                    columns["platform"], columns["author"]
                )
                new, updated = self.store.add_comments(columns, import_id)
                report.new += new
                report.updated += updated
                report.rows += len(columns["comment_id"])
                report.gaps += self.store.add_gaps(batch.gaps, import_id)
                skipped.extend(batch.skipped)
                report.warnings.extend(batch.warnings)
                if progress is not None:
                    progress(str(path), report.rows)
            report.sha256 = sha.result()
        self.store.add_skipped(skipped, report.sha256, import_id)
        for reason, _ in skipped:
            report.skipped[reason] = report.skipped.get(reason, 0) + 1
        report.duplicate = report.rows - report.new - report.updated
        self.store.finish_import(import_id, asdict(report))
        return report

    def detect_languages(self, batch: int = 20_000) -> int:
        """Label comments that have no language yet; returns how many were examined.

        Runs after the import's transaction: it only adds a derived label, and a
        run cut short is simply continued by the next one.
        """
        from workbench.language import detect_languages

        done = 0
        after = 0
        while rows := self.store.texts_missing_language(after, batch):
            labels = detect_languages([text for _, text in rows])
            with self.store.transaction():
                self.store.set_languages(
                    [(rowid, lang) for (rowid, _), lang in zip(rows, labels, strict=True)]
                )
            after = rows[-1][0]
            done += len(rows)
        return done

    # -- reading --------------------------------------------------------------------

    def comments(
        self,
        *,
        private: bool = False,
        import_ids: Sequence[int] | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """Comments as a comments frame (raw handles only with ``private=True``).

        ``import_ids`` keeps the comments those imports stored or changed; ``limit``
        caps the number of rows. See :meth:`Store.comments`.
        """
        return self.store.comments(private=private, import_ids=import_ids, limit=limit)

    def stats(self) -> dict[str, Any]:
        """Counts describing the project (see :meth:`Store.stats`)."""
        return self.store.stats()


__all__ = ["FileReport", "ImportReport", "Project", "WorkbenchError"]
