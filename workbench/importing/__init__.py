"""Importing as a researcher meets it: open or create a project, upload, import.

:class:`ImportSession` (the controller behind :class:`workbench.widgets.ImportView`)
stages uploads as originals and imports them; :func:`open_or_create` is the guided
start of the import notebook: it opens the researcher's own project, creating it when
the folder is new, and says in words which project is open.
"""

from __future__ import annotations

from workbench.importing.session import ImportOutcome, ImportSession, StagedFile
from workbench.importing.start import ProjectChoice, open_or_create

__all__ = ["ImportOutcome", "ImportSession", "ProjectChoice", "StagedFile", "open_or_create"]
