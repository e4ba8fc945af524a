"""The codebook: codes (themes) with permanent ids, a version and a log of changes.

A code's ``id`` is permanent: it is never reused, whatever happens to the code
(relabelled, moved, merged, retired). Codes are never deleted from a codebook;
merged and retired codes stay, with their status, so every coding ever made still
points at a code that explains it. The JSON Schema researchers' editors validate
against (``codebooks/codebook.schema.json``) is generated from these models.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

#: A code id: lower case letters, digits, ``_``, ``-`` and ``.`` (for readable families
#: such as ``barriers.access``), starting with a letter.
CODE_ID_PATTERN = r"^[a-z][a-z0-9_.\-]*$"
#: A colour as ``#rrggbb``.
COLOR_PATTERN = r"^#[0-9a-fA-F]{6}$"
#: Code statuses: ``active`` codes are applied; the others are kept for history.
STATUSES = ("active", "merged", "retired")

Status = Literal["active", "merged", "retired"]


class Code(BaseModel):
    """One code (theme) of a codebook."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=CODE_ID_PATTERN, description="Permanent id, never reused.")
    label: str = Field(min_length=1, description="Short name shown to coders.")
    parent: str | None = Field(None, description="Id of the parent code (hierarchy).")
    definition: str = Field("", description="What the code means.")
    use_when: str = Field("", description="When to apply it.")
    do_not_use_when: str = Field("", description="When not to apply it (and what to use).")
    examples: list[str] = Field(default_factory=list, description="Short example passages.")
    color: str | None = Field(None, pattern=COLOR_PATTERN, description="Display colour.")
    status: Status = Field("active", description="active, merged or retired.")
    merged_into: str | None = Field(None, description="For a merged code: the code it went into.")


class Change(BaseModel):
    """One entry of a codebook's ``changes`` log."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="The version this change made.")
    date: str = Field(description="UTC date (and time) of the change.")
    who: str = Field(description="Who made it.")
    operation: str = Field(description="add, rename, redefine, move, merge, split, retire, ...")
    rationale: str = Field("", description="Why (for the methods record).")
    codes: list[str] = Field(default_factory=list, description="Ids of the codes involved.")


class Codebook(BaseModel):
    """A codebook: ``id``, ``title``, ``version``, its ``codes`` and ``changes`` log."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=CODE_ID_PATTERN, description="Permanent id of the codebook.")
    title: str = Field(min_length=1)
    version: int = Field(1, ge=1, description="Raised by every revision.")
    description: str = ""
    codes: list[Code] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Codebook:
        problems = consistency_problems(self)
        if problems:
            code_id, problem = problems[0]
            raise ValueError(f"code {code_id!r}: {problem}" if code_id else problem)
        return self

    # -- reading ------------------------------------------------------------------------

    def code(self, code_id: str) -> Code:
        """The code with this id (any status).

        Raises
        ------
        KeyError
            For an unknown id (callers turn it into a located error).
        """
        for code in self.codes:
            if code.id == code_id:
                return code
        raise KeyError(code_id)

    def has(self, code_id: str) -> bool:
        """Whether the codebook has a code with this id (any status)."""
        return any(code.id == code_id for code in self.codes)

    @property
    def ids(self) -> list[str]:
        """Every code id, in codebook order."""
        return [code.id for code in self.codes]

    @property
    def active(self) -> list[Code]:
        """The codes coders apply now."""
        return [code for code in self.codes if code.status == "active"]

    def children(self, code_id: str | None) -> list[Code]:
        """The codes whose parent is ``code_id`` (``None``: the top level)."""
        return [code for code in self.codes if code.parent == code_id]

    def path(self, code_id: str) -> list[str]:
        """Ids from the top of the tree down to ``code_id``."""
        path, current = [], code_id
        while current is not None:
            path.append(current)
            current = self.code(current).parent
        return path[::-1]

    def resolve(self, code_id: str) -> str:
        """The active code a (possibly merged) code's codings now belong to."""
        seen = set()
        current = self.code(code_id)
        while current.status == "merged" and current.merged_into and current.id not in seen:
            seen.add(current.id)
            current = self.code(current.merged_into)
        return current.id


def consistency_problems(codebook: Codebook) -> list[tuple[str | None, str]]:
    """Every rule the codes break together: ``[(code_id, problem), ...]``.

    Unique ids; parents and merge targets that exist; no cycles in the tree or in
    the merges; a merged code names the code it went into, and only a merged code does.
    """
    problems: list[tuple[str | None, str]] = []
    seen: set[str] = set()
    for code in codebook.codes:
        if code.id in seen:
            problems.append((code.id, "the id is used twice; every code needs its own id"))
        seen.add(code.id)
    by_id = {code.id: code for code in codebook.codes}
    for code in codebook.codes:
        if code.parent is not None and code.parent not in by_id:
            problems.append((code.id, f"parent {code.parent!r} is not a code of this codebook"))
        if code.parent == code.id:
            problems.append((code.id, "a code cannot be its own parent"))
        if code.status == "merged":
            if not code.merged_into:
                problems.append((code.id, "status is merged but merged_into is empty: name "
                                          "the code it was merged into"))  # fmt: skip
            elif code.merged_into not in by_id:
                problems.append((code.id, f"merged_into {code.merged_into!r} is not a code of "
                                          "this codebook"))  # fmt: skip
        elif code.merged_into:
            problems.append((code.id, f"merged_into is set but status is {code.status!r}; "
                                      "set status: merged, or remove merged_into"))  # fmt: skip
    for code in codebook.codes:
        current, steps = code.parent, 0
        while current in by_id and steps <= len(by_id):
            if current == code.id:
                problems.append((code.id, "the parents form a loop; give one of them no parent"))
                break
            current, steps = by_id[current].parent, steps + 1
    for code in codebook.codes:
        current, steps = code.merged_into if code.status == "merged" else None, 0
        while current in by_id and steps <= len(by_id):
            if current == code.id:
                problems.append((code.id, "merged_into leads back to this code (a merge loop); "
                                          "merge it into a code that is not merged"))  # fmt: skip
                break
            target = by_id[current]
            current = target.merged_into if target.status == "merged" else None
            steps += 1
    return problems


def label_of(codebook: Codebook, code_id: str) -> str:
    """``label (id)`` for messages, or the bare id of an unknown code."""
    return f"{codebook.code(code_id).label} ({code_id})" if codebook.has(code_id) else code_id


def new_code_id(label: str, taken: set[str]) -> str:
    """A fresh id made from a label (``"Trust & transparency"`` -> ``trust-transparency``)."""
    base = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "code"
    if not base[0].isalpha():
        base = f"code-{base}"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate
