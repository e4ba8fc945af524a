"""The guided start: open the researcher's own project, or create it, and say which.

Real data must not land in the fictional demo project by accident, so
:func:`open_or_create` records whether the project opened is a demo, and
:class:`~workbench.importing.ImportSession` refuses to import into a demo project
unless asked to (``allow_demo=True``: the import view's "Import into the demo
project anyway" box).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.errors import ProjectError
from workbench.project import Project
from workbench.settings import SETTINGS_FILE

#: The project folder the import notebook suggests when none is named.
DEFAULT_FOLDER = "my-project"


@dataclass(frozen=True)
class ProjectChoice:
    """Which project is open, in words.

    Attributes
    ----------
    path : Path
        The project folder (absolute).
    name : str
        The project's name (its setting, else the folder's name).
    created : bool
        Whether the folder was made just now.
    demo : bool
        Whether it is the fictional demo project.
    comments : int
        How many comments it holds.
    """

    path: Path
    name: str
    created: bool
    demo: bool
    comments: int

    def sentence(self) -> str:
        """One or two sentences saying which project is open.

        Examples
        --------
        >>> ProjectChoice(Path("/s/study"), "study", True, False, 0).sentence()
        'Project “study” is open (folder /s/study): a new, empty project, created just now.'
        """
        where = f"Project “{self.name}” is open (folder {self.path})"
        if self.created:
            return f"{where}: a new, empty project, created just now."
        said = f"{where}: {self.comments:,} comment{'s' * (self.comments != 1)}."
        if self.demo:
            said += (
                " This is the fictional demo project: to import your own data, type a folder "
                "for your own project and open it (a new folder becomes a new project)."
            )
        return said


def open_or_create(path: str | Path, *, name: str | None = None) -> tuple[Project, ProjectChoice]:
    """Open the project at ``path``, creating it first if the folder does not exist.

    Parameters
    ----------
    path : str or Path
        The project folder; a folder that does not exist yet becomes a new project.
    name : str, optional
        The new project's name (default: the folder's name).

    Returns
    -------
    (Project, ProjectChoice)
        The open project and a description of it.

    Raises
    ------
    ProjectError
        If ``path`` is an existing folder that is not a project (and not empty):
        the message names it and says how to choose another.
    """
    from workbench.demo.builder import recorded_as_demo

    folder = Path(path).expanduser().resolve()
    created = False
    if not (folder / SETTINGS_FILE).exists():
        if folder.exists() and any(folder.iterdir()):
            raise ProjectError(
                f"{folder}: is a folder with other files in it, not a project; choose a new "
                "folder name (it will be created) or the folder of an existing project"
            )
        project = Project.init(folder, name=name)
        created = True
    else:
        project = Project.open(folder)
    choice = ProjectChoice(
        path=folder,
        name=str(project.settings.get("name") or folder.name),
        created=created,
        demo=recorded_as_demo(project),
        comments=int(project.stats()["comments"]),
    )
    return project, choice
