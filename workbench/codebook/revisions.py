"""Revising a codebook: each operation is a plan (what changes) made before it is applied.

The functions here are pure: given the current codebook and the active codings,
they return a :class:`Plan` with the next version of the codebook, the codings to
remove and add, codings to re-review, and a description in words. Nothing is
written until :func:`workbench.codebook.service.apply` stores the plan, as one unit
of work. A code is never deleted and its id never reused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from workbench.codebook.model import Change, Code, Codebook, consistency_problems, label_of
from workbench.errors import CodebookError

#: Fields of a code that ``redefine`` changes.
DEFINITION_FIELDS = ("definition", "use_when", "do_not_use_when", "examples", "color")

#: ``suggest(coding_rows, candidate_codes) -> [(code_id, score) or None per row]``.
Suggester = Callable[[pd.DataFrame, list[Code]], list[tuple[str, float] | None]]


@dataclass
class Plan:
    """A revision, planned: apply it with :func:`workbench.codebook.service.apply`."""

    operation: str
    codebook: Codebook
    codes: list[str]
    rationale: str = ""
    remove: list[int] = field(default_factory=list)
    add: list[dict[str, Any]] = field(default_factory=list)
    review: list[dict[str, Any]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    undoes: int | None = None
    #: Active codings per code the plan was made from (checked again when applied).
    basis: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        """The plan in words, as a dry run prints it."""
        head = f"{self.operation} -> version {self.codebook.version}"
        counts = []
        if self.remove or self.add:
            counts.append(f"{len(self.remove)} codings move, {len(self.add)} result")
        if self.review:
            counts.append(f"{len(self.review)} codings queued for re-review")
        tail = f" ({'; '.join(counts)})" if counts else ""
        return "\n".join([head + tail, *(f"  - {line}" for line in self.lines)])

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary (for ``--json``)."""
        return {"operation": self.operation, "version": self.codebook.version,
                "codes": self.codes, "codings_removed": len(self.remove),
                "codings_added": len(self.add), "reviews": len(self.review),
                "lines": self.lines, "removed_coding_ids": sorted(self.remove),
                "added_codings": [{k: r.get(k) for k in ("comment_id", "code_id", "coder",
                                                         "span_start", "span_end",
                                                         "derived_from")} for r in self.add],
                "review_coding_ids": [r["coding_id"] for r in self.review]}  # fmt: skip


def _next(codebook: Codebook, operation: str, who: str, rationale: str,
          codes: list[str]) -> Codebook:  # fmt: skip
    """A copy of ``codebook`` one version on, with its ``changes`` entry."""
    new = codebook.model_copy(deep=True)
    new.version = codebook.version + 1
    new.changes.append(Change(
        version=new.version, date=datetime.now(UTC).isoformat(timespec="seconds"), who=who,
        operation=operation, rationale=rationale, codes=codes,
    ))  # fmt: skip
    return new


def _checked(codebook: Codebook) -> Codebook:
    problems = consistency_problems(codebook)
    if problems:
        code_id, problem = problems[0]
        raise CodebookError(problem, code_id=code_id)
    return Codebook.model_validate(codebook.model_dump())


def _existing(codebook: Codebook, code_id: str, *, active: bool = True) -> Code:
    if not codebook.has(code_id):
        raise CodebookError(f"no such code; known: {', '.join(codebook.ids) or 'none'}",
                            code_id=code_id)  # fmt: skip
    code = codebook.code(code_id)
    if active and code.status != "active":
        raise CodebookError(f"the code is {code.status}; only active codes can be revised",
                            code_id=code_id)  # fmt: skip
    return code


def _count(codings: pd.DataFrame, code_id: str) -> int:
    return int((codings["code_id"] == code_id).sum()) if len(codings) else 0


# -- operations ------------------------------------------------------------------------------


def add(codebook: Codebook, code: Code, who: str, rationale: str = "", *,
        used_ids: set[str] = frozenset()) -> Plan:  # fmt: skip
    """Add a new code. Its id must never have been used (``used_ids``: every version's)."""
    if codebook.has(code.id) or code.id in used_ids:
        raise CodebookError("the id is taken (ids are permanent and never reused); choose "
                            "another", code_id=code.id)  # fmt: skip
    if code.status != "active" or code.merged_into:
        raise CodebookError("a new code starts active", code_id=code.id)
    new = _next(codebook, "add", who, rationale, [code.id])
    new.codes.append(code.model_copy())
    parent = f" under {label_of(codebook, code.parent)}" if code.parent else ""
    return Plan("add", _checked(new), [code.id], rationale,
                lines=[f"add {code.label} ({code.id}){parent}"])


def rename(codebook: Codebook, code_id: str, label: str, who: str,
           rationale: str = "") -> Plan:  # fmt: skip
    """Give a code a new label: its identity (id) and its codings stay as they are."""
    old = _existing(codebook, code_id)
    if not label.strip():
        raise CodebookError("the new label is empty", code_id=code_id)
    new = _next(codebook, "rename", who, rationale, [code_id])
    new.code(code_id).label = label.strip()
    return Plan("rename", _checked(new), [code_id], rationale,
                lines=[f"relabel {old.label!r} as {label.strip()!r} ({code_id}); "
                       "nothing is recoded"])  # fmt: skip


def redefine(codebook: Codebook, code_id: str, changes: dict[str, Any], who: str,
             rationale: str = "") -> Plan:  # fmt: skip
    """Change a code's definition, use-when/do-not-use-when, examples or colour."""
    _existing(codebook, code_id)
    unknown = sorted(set(changes) - set(DEFINITION_FIELDS))
    if unknown:
        raise CodebookError(f"redefine changes {', '.join(DEFINITION_FIELDS)}, not {unknown}",
                            code_id=code_id)  # fmt: skip
    new = _next(codebook, "redefine", who, rationale, [code_id])
    target = new.code(code_id)
    lines = []
    for name, value in changes.items():
        if getattr(target, name) != value:
            setattr(target, name, value)
            lines.append(f"{name} of {label_of(codebook, code_id)} changed")
    if not lines:
        raise CodebookError("nothing would change", code_id=code_id)
    return Plan("redefine", _checked(new), [code_id], rationale, lines=lines)


def move(codebook: Codebook, code_id: str, parent: str | None, who: str,
         rationale: str = "") -> Plan:  # fmt: skip
    """Give a code a new parent (``None``: the top level)."""
    old = _existing(codebook, code_id)
    if parent is not None:
        _existing(codebook, parent, active=False)
    if old.parent == parent:
        raise CodebookError(f"the parent is already {parent!r}", code_id=code_id)
    new = _next(codebook, "move", who, rationale, [code_id])
    new.code(code_id).parent = parent
    where = label_of(codebook, parent) if parent else "the top level"
    return Plan("move", _checked(new), [code_id], rationale,
                lines=[f"move {label_of(codebook, code_id)} to {where}"])


def merge(codebook: Codebook, sources: Sequence[str], target: str | Code,
          codings: pd.DataFrame, who: str, rationale: str = "", *,
          used_ids: set[str] = frozenset()) -> Plan:  # fmt: skip
    """Merge codes into one (``A, B -> C``): their codings follow, duplicates collapse.

    ``target`` is an existing active code's id, or a new :class:`Code`. Each coding
    of a source becomes a coding of the target by the same coder, with the same
    span, time and memo (``origin: migrated``, ``derived_from`` the old coding);
    where a coder ends up with the same coding twice it is kept once, memos
    joined. The sources stay in the codebook as ``merged`` into the target.
    """
    sources = list(dict.fromkeys(sources))
    if not sources:
        raise CodebookError("name the codes to merge")
    for code_id in sources:
        _existing(codebook, code_id)
    new_code = target if isinstance(target, Code) else None
    target_id = new_code.id if new_code else str(target)
    if target_id in sources:
        raise CodebookError("a code cannot be merged into itself", code_id=target_id)
    if new_code is not None:
        if codebook.has(target_id) or target_id in used_ids:
            raise CodebookError("the id is taken (ids are never reused)", code_id=target_id)
    else:
        _existing(codebook, target_id)
    new = _next(codebook, "merge", who, rationale, [*sources, target_id])
    if new_code is not None:
        new.codes.append(new_code.model_copy())
    for code_id in sources:
        code = new.code(code_id)
        code.status, code.merged_into = "merged", target_id
        for child in new.children(code_id):
            if child.status == "active":
                child.parent = target_id
    moving = codings[codings["code_id"].isin(sources)] if len(codings) else codings
    staying = codings[codings["code_id"] == target_id] if len(codings) else codings
    result: dict[tuple, dict[str, Any]] = {}
    for row in staying.itertuples():
        memo = _text(row.memo)
        result[_key(row, target_id)] = {"row": row, "staying": True, "changed": False,
                                        "memos": [memo] if memo else []}  # fmt: skip
    collapsed = 0
    for row in moving.itertuples():
        key, memo = _key(row, target_id), _text(row.memo)
        entry = result.get(key)
        if entry is None:
            result[key] = {"row": row, "staying": False, "changed": True,
                           "memos": [memo] if memo else []}  # fmt: skip
            continue
        collapsed += 1
        if memo and memo not in entry["memos"]:
            entry["memos"].append(memo)
            entry["changed"] = True
    remove = [int(r) for r in moving["coding_id"]] if len(moving) else []
    added = []
    for entry in result.values():
        if not entry["changed"]:
            continue
        row = entry["row"]
        if entry["staying"]:  # a memo joins it: the coding is replaced by one with both
            remove.append(int(row.coding_id))
        added.append({
            "comment_id": row.comment_id, "code_id": target_id, "coder": row.coder,
            "span_start": _int(row.span_start), "span_end": _int(row.span_end),
            "memo": " / ".join(entry["memos"]) or None, "origin": "migrated",
            "derived_from": int(row.coding_id), "created_at": row.created_at,
        })  # fmt: skip
    names = ", ".join(label_of(codebook, c) for c in sources)
    into = f"{new_code.label} ({target_id}, new)" if new_code else label_of(codebook, target_id)
    lines = [f"merge {names} into {into}"]
    lines += [f"{_count(codings, c)} codings of {c} move to {target_id}" for c in sources]
    if collapsed:
        lines.append(f"{collapsed} duplicate codings collapse (same coder, comment and span)")
    return Plan("merge", _checked(new), [*sources, target_id], rationale,
                remove=remove, add=added, lines=lines,
                basis={c: _count(codings, c) for c in (*sources, target_id)})


def split(codebook: Codebook, source: str, into: Sequence[Code], codings: pd.DataFrame,
          who: str, rationale: str = "", *, suggest: Suggester | None = None,
          used_ids: set[str] = frozenset()) -> Plan:  # fmt: skip
    """Split a code into new ones (``A -> B, C``): its codings are queued for re-review.

    ``A`` is retired (its codings stay, flagged by the retirement) and the new
    codes take its place in the tree. Every coding of ``A`` is queued for a coder
    to look at again, pre-assigned to the closer new code by ``suggest`` (embedding
    similarity) where it can tell; nothing is recoded silently.
    """
    old = _existing(codebook, source)
    if len(into) < 2:
        raise CodebookError("a split makes at least two codes", code_id=source)
    for code in into:
        if codebook.has(code.id) or code.id in used_ids:
            raise CodebookError("the id is taken (ids are never reused)", code_id=code.id)
    new = _next(codebook, "split", who, rationale, [source, *(c.id for c in into)])
    for code in into:
        new.codes.append(code.model_copy(update={"parent": code.parent or old.parent}))
    new.code(source).status = "retired"
    for child in new.children(source):
        if child.status == "active":
            child.parent = into[0].id
    of_source = codings[codings["code_id"] == source] if len(codings) else codings
    suggestions = suggest(of_source, list(into)) if suggest and len(of_source) else []
    reason = f"split of {source} (version {new.version})"
    review = []
    for n, row in enumerate(of_source.itertuples()):
        guess = suggestions[n] if n < len(suggestions) else None
        review.append({"coding_id": int(row.coding_id), "reason": reason,
                       "suggested_code": guess[0] if guess else None,
                       "score": float(guess[1]) if guess else None})  # fmt: skip
    guessed = sum(1 for r in review if r["suggested_code"])
    lines = [f"split {label_of(codebook, source)} into "
             + ", ".join(f"{c.label} ({c.id})" for c in into),
             f"{source} is retired; its {len(review)} codings are kept and queued for "
             f"re-review ({guessed} with a suggested new code)"]  # fmt: skip
    return Plan("split", _checked(new), [source, *(c.id for c in into)], rationale,
                review=review, lines=lines, basis={source: len(review)})


def retire(codebook: Codebook, code_id: str, codings: pd.DataFrame, who: str,
           rationale: str = "") -> Plan:  # fmt: skip
    """Retire a code: it is no longer applied; its codings are kept and flagged."""
    _existing(codebook, code_id)
    active_children = [c.id for c in codebook.children(code_id) if c.status == "active"]
    new = _next(codebook, "retire", who, rationale, [code_id])
    new.code(code_id).status = "retired"
    kept = _count(codings, code_id)
    lines = [f"retire {label_of(codebook, code_id)}; its {kept} codings are kept, flagged "
             "as of a retired code"]  # fmt: skip
    if active_children:
        lines.append(f"its active children stay under it: {', '.join(active_children)}")
    return Plan("retire", _checked(new), [code_id], rationale, lines=lines,
                basis={code_id: kept})


def undo(codebook: Codebook, previous: Codebook, undone_version: int, undone_action: int,
         operation: str, who: str, rationale: str = "") -> Plan:  # fmt: skip
    """Undo revision ``undone_version``: the codebook goes back to ``previous``.

    The codings the revision changed change back exactly (the same rows), when the
    plan is applied.
    """
    new = previous.model_copy(deep=True)
    new.version = codebook.version + 1
    new.changes = [c.model_copy() for c in codebook.changes]
    new.changes.append(Change(
        version=new.version, date=datetime.now(UTC).isoformat(timespec="seconds"), who=who,
        operation="undo", rationale=rationale or f"undo of version {undone_version}",
        codes=[],
    ))  # fmt: skip
    return Plan("undo", _checked(new), [], rationale, undoes=undone_action,
                lines=[f"undo version {undone_version} ({operation}): the codebook and its "
                       "codings go back to how they were before it"])  # fmt: skip


def _key(row: Any, code_id: str) -> tuple:
    return (row.comment_id, code_id, row.coder, _int(row.span_start), _int(row.span_end))


def _text(value: Any) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
