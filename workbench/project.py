"""A project: a folder holding settings, the private store, a key and a cache.

::

    my-study/
        workbench.yaml      settings (see workbench.settings)
        workbench.sqlite    the private store: raw handles live only here (or a
                            PostgreSQL database named in workbench.yaml)
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

from workbench import events
from workbench import settings as settings_module
from workbench.errors import ProjectError, WorkbenchError
from workbench.gcpause import collector_paused
from workbench.pipeline import produce_batches
from workbench.privacy import KEY_BYTES, MentionMasker, Pseudonymizer, new_key
from workbench.sources import LOADERS, ColumnMapping
from workbench.store import Store, open_store
from workbench.substance import NON_SUBSTANTIVE, SubstanceRule

__all__ = ["NON_SUBSTANTIVE", "Project"]

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
    flagged: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def event(self) -> events.FileImported:
        """The ``import`` event the audit trail records."""
        return events.FileImported(**asdict(self))


#: Examples of flagged rows quoted in an import's warnings, per reason.
FLAGGED_EXAMPLES = 3


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
        totals["flagged"] = sum(sum(f.flagged.values()) for f in self.files)
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
        cls,
        root: str | Path,
        *,
        name: str | None = None,
        actor: str | None = None,
        database: str | None = None,
        demo: bool = False,
    ) -> Project:
        """Create a new project folder.

        Parameters
        ----------
        root : path
            The folder (made if missing).
        name : str, optional
            Project name (default: the folder's name).
        actor : str, optional
            Who is recorded in this session's events.
        database : str, optional
            Database URL: ``postgresql://USER@HOST/DB`` for a team's server
            (made if missing; it must hold no project). Default: a SQLite file
            in the folder.
        demo : bool, default False
            Record the project as a demo (``workbench demo --force`` replaces
            only such projects).

        Raises
        ------
        ProjectError
            If ``root`` already holds a project, or the database is unusable.
        """
        root = Path(root)
        if (root / settings_module.SETTINGS_FILE).exists():
            raise ProjectError(f"{root}: already holds a project; open it instead")
        overrides: dict[str, Any] = {"name": name or root.name}
        if database:
            overrides["database"] = database
        values = settings_module.resolve(None, overrides)
        store = open_store(values["database"], root, create=True) if database else None
        try:
            if store is not None and store.count("events"):
                raise ProjectError(
                    f"{store.location}: already holds a project's data; give a new database "
                    "name, or open the project that uses it"
                )
            root.mkdir(parents=True, exist_ok=True)
            (root / CACHE_DIR).mkdir(exist_ok=True)
            settings_module.write(root / settings_module.SETTINGS_FILE, values)
            key_path = root / KEY_FILE
            key_path.write_bytes(new_key())
            os.chmod(key_path, 0o600)
        finally:
            if store is not None:
                store.close()
        project = cls.open(root, overrides={"actor": actor}, create=True)
        project.store.record(events.ProjectCreated(name=values["name"], demo=demo), project.actor)
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
        key = read_key(root / KEY_FILE)
        store = open_store(values["database"], root, create=create)
        (root / CACHE_DIR).mkdir(exist_ok=True)
        return cls(root, values, store, key)

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
        """Import export files, all in one unit of work.

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
        labelled = 0
        with collector_paused(), self.store.unit_of_work(bulk=True):
            for path in paths:
                report, languages = self._import_one(Path(path), format, mapping, progress)
                reports.append(report)
                labelled += languages
            self.store.rethread(
                r.import_id
                for r in reports
                if not getattr(LOADERS[r.format], "certain_threads", False)
            )
            depths = self.store.fill_depths()
            for report in reports:
                self.store.finish_import(report.event(), self.actor)
        result = ImportReport(files=reports, depths_filled=depths, languages_detected=labelled)
        if self.settings["detect_language"]:
            result.languages_detected += self.detect_languages()
        return result

    def _import_one(
        self,
        path: Path,
        format: str,
        mapping: ColumnMapping | None,
        progress: Callable[[str, int], None] | None,
    ) -> tuple[FileReport, int]:
        """Store one file inside the import's unit; returns its report and rows labelled."""
        name, batches = produce_batches(
            path, format, mapping, int(self.settings["batch_size"]),
            detect_language=bool(self.settings["detect_language"]),
            substance=self.substance_rule(),
        )  # fmt: skip
        # Hashing runs beside the import: hashlib releases the GIL on large blocks.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="workbench-sha") as pool:
            sha = pool.submit(file_sha256, path)
            import_id = self.store.begin_import(str(path), name, self.actor)
            report = FileReport(file=str(path), format=name, import_id=import_id)
            skipped: list[tuple[str, str]] = []
            flagged: list[tuple[str, str]] = []
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
                flagged.extend(batch.flagged)
                report.warnings.extend(batch.warnings)
                if progress is not None:
                    progress(str(path), report.rows)
            report.sha256 = sha.result()
        self.store.add_skipped(skipped, report.sha256, import_id)
        for reason, _ in skipped:
            report.skipped[reason] = report.skipped.get(reason, 0) + 1
        report.duplicate = report.rows - report.new - report.updated
        _note_flagged(report, flagged)
        return report, batches.languages_labelled

    def detect_languages(self, batch: int = 20_000) -> int:
        """Label comments that have no language yet; returns how many were examined.

        An import labels its rows as it reads them; this picks up what is left
        (rows stored before, or by an import with labelling off). Runs after the
        import's unit of work: it only adds a derived label, and a run cut short
        is simply continued by the next one.
        """
        from workbench.language import detect_languages

        done = 0
        after = 0
        while rows := self.store.texts_missing_language(after, batch):
            labels = detect_languages([text for _, text in rows])
            self.store.set_languages(
                [(row, lang) for (row, _), lang in zip(rows, labels, strict=True)]
            )
            after = rows[-1][0]
            done += len(rows)
        return done

    # -- what is shown --------------------------------------------------------------

    def substance_rule(self) -> SubstanceRule:
        """The project's rule for non-substantive answers (its settings)."""
        return SubstanceRule.from_settings(self.settings)

    def mention_masker(self) -> MentionMasker:
        """Replaces @mentions of the project's authors by their pseudonyms, for display.

        With the setting ``show_raw_text`` on, the masker leaves texts as written. The
        store always keeps the raw text; this only changes what is shown.
        """
        if self.settings.get("show_raw_text"):
            return MentionMasker({})
        authors = self.store.authors()
        return MentionMasker.from_authors(authors["author"], authors["author_pseudonym"])

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


def read_key(path: Path) -> bytes:
    """The project's pseudonym key, checked.

    Raises
    ------
    ProjectError
        Naming the file, when it is missing, unreadable or not a key (wrong size:
        truncated, emptied or overwritten), and saying how to recover.
    """
    recover = (
        "restore it from a backup of the project (`workbench restore`); without the "
        "right key new pseudonyms would not match the existing ones, so do not make a new one"
    )
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        raise ProjectError(f"{path}: the pseudonym key is missing; {recover}") from None
    except OSError as exc:
        raise ProjectError(f"{path}: the pseudonym key cannot be read ({exc}); {recover}") from None
    if len(key) != KEY_BYTES:
        raise ProjectError(
            f"{path}: the pseudonym key is damaged: it holds {len(key)} bytes, a key has "
            f"{KEY_BYTES}; {recover}"
        )
    return key


def _note_flagged(report: FileReport, flagged: list[tuple[str, str]]) -> None:
    """Count flagged rows by reason, quoting a few examples of each in the warnings."""
    examples: dict[str, list[str]] = {}
    for reason, where in flagged:
        report.flagged[reason] = report.flagged.get(reason, 0) + 1
        examples.setdefault(reason, [])
        if len(examples[reason]) < FLAGGED_EXAMPLES:
            examples[reason].append(where)
    for reason, quoted in examples.items():
        more = report.flagged[reason] - len(quoted)
        tail = f" and {more} more" if more else ""
        report.warnings.append(
            f"{report.file}: {report.flagged[reason]} rows imported with {reason} "
            f"({'; '.join(quoted)}{tail})"
        )


__all__ = ["FileReport", "ImportReport", "Project", "WorkbenchError"]
