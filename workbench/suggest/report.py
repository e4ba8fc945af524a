"""The suggestions as the command line prints them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from workbench.suggest.inputs import export_names
from workbench.suggest.suggester import Suggester

if TYPE_CHECKING:
    from workbench.project import Project


def suggestion_records(project: Project, codes: Sequence[str] | None = None,
                       coders: Sequence[str] | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """``[{"comment_id": ..., "scores": {code_id: score}}]`` for every uncoded comment.

    Comment ids are given as their exports named them
    (:func:`~workbench.suggest.inputs.export_name`), in the project's storage order;
    scores are rounded to 4 digits.
    """
    suggestions = Suggester(project, codes=codes, coders=coders).refresh()
    names = export_names(project.store.comments()["comment_id"])
    return suggestions.records(names)
