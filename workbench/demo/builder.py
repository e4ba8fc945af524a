"""Build the demo project from the fictional consultation threads shipped in the package.

A demo project is recorded as one when it is built (its ``project-created`` event
says ``demo: true``). Only such a project is ever replaced (``--force``), and even
then the old folder is moved aside, never deleted: a real study pointed at by
mistake is refused and left exactly as it was.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench.errors import ProjectError
from workbench.events import ProjectCreated
from workbench.settings import SETTINGS_FILE

DEMO_NAME = "Demo: Riverside walk-in centre consultation"


def build_demo_project(
    root: str | Path, *, force: bool = False, dry_run: bool = False
) -> dict[str, Any]:
    """Create a demo project at ``root`` and import every demo export into it.

    Parameters
    ----------
    root : path
        Folder for the project.
    force : bool, default False
        Rebuild ``root`` if it holds a demo project: the old folder is moved to
        ``<root>.replaced-<UTC time>``. Any other project is refused. Without
        ``force`` an existing demo project is reused as it is.
    dry_run : bool, default False
        Only say what would happen (``{"dry_run": True, "plan": ...}``).

    Returns
    -------
    dict
        ``{"project", "created", "stats", "moved_to"}``.

    Raises
    ------
    ProjectError
        If ``root`` holds something other than a demo project and would have to
        be replaced, or holds files but no project.
    """
    from workbench.project import Project

    root = Path(root)
    moved_to = None
    if (root / SETTINGS_FILE).exists():
        if not force:
            if dry_run:
                return _plan(f"would reuse the existing project in {root} as it is")
            with Project.open(root) as project:
                return {"project": str(root), "created": False, "stats": project.stats(),
                        "moved_to": None}  # fmt: skip
        _refuse_unless_demo(root)
        moved_to = _aside(root)
        if dry_run:
            return _plan(f"would move the demo project {root} to {moved_to} and build a new "
                         f"demo project in {root}")  # fmt: skip
        root.rename(moved_to)
    elif root.exists() and any(root.iterdir()):
        raise ProjectError(
            f"{root}: holds files but no workbench project; build the demo in a new or empty "
            "folder (nothing was changed)"
        )
    elif dry_run:
        return _plan(f"would build a new demo project in {root}")
    stats = _build(root)
    return {"project": str(root), "created": True, "stats": stats,
            "moved_to": str(moved_to) if moved_to else None}  # fmt: skip


def _plan(text: str) -> dict[str, Any]:
    return {"dry_run": True, "plan": text}


def recorded_as_demo(project: Any) -> bool:
    """Whether an open project was recorded as a demo when it was built."""
    created = [r.event for r in project.store.read_events(ProjectCreated.KIND)]
    return bool(created) and all(getattr(e, "demo", False) for e in created)


def ready_to_code(root: str | Path) -> None:
    """Build the demo at ``root`` if there is nothing there, and give a demo a codebook.

    A demo project without a codebook adopts the shipped starter codebook, so the
    coding notebook has codes to offer. Any other project is left as it is (its
    researchers choose their codebook in ``03-codebook.ipynb``).
    """
    from workbench.codebook import service
    from workbench.codebook.starters import starter_path
    from workbench.project import Project

    root = Path(root)
    if not root.exists():
        build_demo_project(root)
    with Project.open(root) as project:
        if recorded_as_demo(project) and service.current(project) is None:
            service.adopt(project, starter_path())


def ready_to_publish(root: str | Path, *, progress: bool = False) -> None:
    """:func:`ready_to_code`, then give a demo its demo codings and a cluster run.

    The publishing notebook needs coded comments and a map. A demo project without
    codings gets those of the two fictional demo coders
    (:mod:`workbench.demo.codings`), and one without a cluster run is clustered
    (about 15 s on two cores). Any other project is left as it is.
    """
    from workbench.cluster.run import cluster_comments
    from workbench.codebook import service
    from workbench.demo.codings import demo_codings
    from workbench.project import Project

    ready_to_code(root)
    with Project.open(Path(root)) as project:
        if not recorded_as_demo(project):
            return
        codebook = service.require(project)
        if project.store.codings().empty:
            active = {c.id for c in codebook.codes if c.status == "active"}
            rows = demo_codings(project.comments(), active)
            project.store.add_codings(rows, "demo", codebook_version=codebook.version,
                                      kind="import")
        if project.store.runs().empty:
            cluster_comments(project, progress=progress)


def _refuse_unless_demo(root: Path) -> None:
    """Raise unless the project in ``root`` was recorded as a demo when it was built."""
    from workbench.project import Project

    try:
        with Project.open(root) as project:
            demo = recorded_as_demo(project)
            created = project.store.read_events(ProjectCreated.KIND)
    except ProjectError as exc:
        raise ProjectError(
            f"{root}: cannot be checked to be a demo project ({exc}); refusing to replace it "
            "(nothing was changed)"
        ) from None
    if not demo:
        name = created[0].event.name if created else "unnamed"  # type: ignore[attr-defined]
        raise ProjectError(
            f"{root}: holds the project {name!r}, which was not built by `workbench demo`; "
            "refusing to replace it (nothing was changed). Build the demo in another folder, "
            "or move this one away yourself if you really mean to"
        )


def _aside(root: Path) -> Path:
    """A free name beside ``root`` to move it to."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = root.with_name(f"{root.name}.replaced-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = root.with_name(f"{root.name}.replaced-{stamp}-{n}")
    return target


def _build(root: Path) -> dict[str, Any]:
    from workbench.demo import DEMO_CSV_MAPPING, demo_files
    from workbench.project import Project
    from workbench.sources import ColumnMapping

    files = demo_files()
    tables = [f for f in files if f.suffix.lower() in (".csv", ".xlsx")]
    exports = [f for f in files if f not in tables]
    with Project.init(root, name=DEMO_NAME, actor="demo", demo=True) as project:
        project.import_files(exports)
        if tables:
            project.import_files(tables, mapping=ColumnMapping(**DEMO_CSV_MAPPING))
        return project.stats()
