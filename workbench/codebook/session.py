"""Revising a project's codebook by hand: the controller behind the codebook view.

:class:`CodebookSession` is pure Python (no widgets), so everything the codebook
view does can be tested headless::

    session = CodebookSession(project)
    session.tree()                                  # codes, depth, status, codings per coder
    session.select("waiting")                       # and session.details()
    print(session.plan_redefine(definition="How long people wait for care."))
    session.apply()                                 # stores the plan just shown
    print(session.plan_merge(["waiting", "delays"], new_label="Waits and delays"))
    print(session.plan_split("barriers", ["Cost", "Distance"]))
    print(session.plan_undo())
    session.versions(); session.diff(1, 3)

Every change is *planned first*: a ``plan_*`` method makes the revision (nothing is
stored), keeps it as :attr:`pending` and returns it in words; :meth:`apply` stores
the pending plan and nothing else, so what is applied is always what was shown. If
the codebook or its codings changed in between (a coder kept coding, a colleague
revised the codebook), nothing is stored: the plan is made again from the new state
and :class:`PlanChanged` asks for it to be checked and applied again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import ValidationError

from workbench.codebook import revisions, service
from workbench.codebook.model import CODE_ID_PATTERN, Code, Codebook, label_of, new_code_id
from workbench.codebook.revisions import Plan, Suggester
from workbench.errors import CodebookError, CodingError, StaleRevision, WorkbenchError

if TYPE_CHECKING:
    from workbench.project import Project

#: The first columns of :meth:`CodebookSession.tree`; one column per coder and
#: ``total`` follow.
TREE_COLUMNS: tuple[str, ...] = ("depth", "id", "label", "status", "merged_into")
#: Columns of :meth:`CodebookSession.versions`.
VERSION_COLUMNS: tuple[str, ...] = ("version", "at", "actor", "operation", "rationale", "undone")
#: The fields of a code the definition form edits.
DETAIL_FIELDS: tuple[str, ...] = ("definition", "use_when", "do_not_use_when", "examples")
#: The status of a tree row for codings on a code the codebook does not have.
UNKNOWN_STATUS = "not in codebook"


class CodebookSessionError(CodebookError):
    """A request of the codebook view that cannot be carried out; nothing was changed."""


class NoPendingPlan(CodebookSessionError):
    """Apply was asked for, but no plan is shown."""


class PlanChanged(CodebookSessionError):
    """The codebook or its codings changed after the plan was shown; it was made again."""


@dataclass(frozen=True)
class PendingPlan:
    """A revision of ``kind`` (redefine, merge, split, undo), shown as ``text``.

    ``make(codebook)`` plans it again from a newer state; ``explain(plan, codebook)``
    gives the lines shown after :meth:`Plan.describe`.
    """

    kind: str
    plan: Plan
    text: str
    make: Callable[[Codebook], Plan]
    explain: Callable[[Plan, Codebook], list[str]]


class CodebookSession:
    """Browse a project's codebook with its coding counts, and revise it plan first.

    Parameters
    ----------
    project : Project
        The open project. It may have no codebook yet (see :meth:`adopt`).
    suggest : callable, optional
        How a split pre-assigns each coding to a new code (``suggest(codings,
        codes)``, see :data:`~workbench.codebook.revisions.Suggester`); by default
        :func:`~workbench.coding.suggest.embedding_suggester` of the project.

    Attributes
    ----------
    codebook : Codebook or None
        The current codebook (None before one is adopted).
    coders : list of str
        Everyone with active codings, sorted.
    selected : str or None
        The chosen code's id (see :meth:`select`).
    pending : PendingPlan or None
        The plan shown and not applied yet.
    message : str
        What the last :meth:`apply` or :meth:`adopt` did, in words.
    """

    def __init__(self, project: Project, *, suggest: Suggester | None = None) -> None:
        self.project = project
        self._suggest = suggest
        self.codebook: Codebook | None = None
        self.coders: list[str] = []
        self.selected: str | None = None
        self.pending: PendingPlan | None = None
        self.message = ""
        self._counts: dict[tuple[str, str], int] = {}
        self.refresh()

    # -- what there is ---------------------------------------------------------------

    def refresh(self) -> None:
        """Read the codebook and the coding counts again (after any change elsewhere)."""
        self.codebook = service.current(self.project)
        codings = self.project.store.codings()
        sizes = codings.groupby(["code_id", "coder"]).size() if len(codings) else {}
        self._counts = {(str(c), str(who)): int(n) for (c, who), n in dict(sizes).items()}
        self.coders = sorted({who for _, who in self._counts})
        if self.selected is not None and not (self.codebook and self.codebook.has(self.selected)):
            self.selected = None

    @property
    def has_codebook(self) -> bool:
        """Whether the project has adopted a codebook."""
        return self.codebook is not None

    def tree(self) -> pd.DataFrame:
        """Every code, parents before their children, with its active codings per coder.

        Columns are :data:`TREE_COLUMNS`, then one per coder (named by the coder;
        ``"coder <name>"`` if that name is one of the other columns), then ``total``.
        Merged and retired codes are rows too, with their status (a merged code's
        codings moved to ``merged_into``). Codings on codes the codebook does not
        have (only possible before one is adopted) come last, with status
        :data:`UNKNOWN_STATUS`.
        """
        columns = [*TREE_COLUMNS, *self._coder_columns(), "total"]
        rows = []
        for depth, code in self._walk():
            rows.append([depth, code.id, code.label, code.status, code.merged_into,
                         *self._row_counts(code.id)])  # fmt: skip
        known = set(self.codebook.ids) if self.codebook else set()
        for code_id in sorted({c for c, _ in self._counts} - known):
            rows.append([0, code_id, code_id, UNKNOWN_STATUS, None, *self._row_counts(code_id)])
        frame = pd.DataFrame(rows, columns=columns)
        frame["merged_into"] = frame["merged_into"].astype(object)
        frame.loc[frame["merged_into"].isna(), "merged_into"] = None
        return frame

    def select(self, code_id: str) -> dict[str, Any]:
        """Choose a code (for :meth:`details` and :meth:`plan_redefine`); its details.

        Raises ``CodebookError`` if the codebook has no such code (naming those it has).
        """
        self._code(code_id)
        self.selected = code_id
        return self.details()

    def details(self, code_id: str | None = None) -> dict[str, Any]:
        """A code's details (the selected one by default).

        Returns ``id``, ``label``, ``parent``, ``path`` (labels from the top of the
        tree), ``status``, ``merged_into``, the :data:`DETAIL_FIELDS`
        (``examples`` is a list), ``counts`` (active codings per coder), ``total``,
        and ``feedback``: what the advisory committee said about it in a published app
        (imported with ``workbench feedback import``), oldest first.
        """
        from workbench.publish.feedback import feedback_memos

        code = self._code(self._chosen(code_id))
        assert self.codebook is not None
        counts = {who: n for who in self.coders if (n := self._counts.get((code.id, who), 0))}
        return {
            "id": code.id, "label": code.label, "parent": code.parent,
            "path": [self.codebook.code(c).label for c in self.codebook.path(code.id)],
            "status": code.status, "merged_into": code.merged_into,
            "definition": code.definition, "use_when": code.use_when,
            "do_not_use_when": code.do_not_use_when, "examples": list(code.examples),
            "counts": counts, "total": sum(counts.values()),
            "feedback": feedback_memos(self.project, code.id),
        }  # fmt: skip

    def status(self) -> str:
        """One line: the codebook, its version and codes, the codings and open reviews."""
        if self.codebook is None:
            return f"{self.project.root.name}: no codebook yet; adopt one to start"
        cb = self.codebook
        by_status = {s: sum(c.status == s for c in cb.codes) for s in ("merged", "retired")}
        kept = ", ".join(f"{n} {s}" for s, n in by_status.items() if n)
        total = sum(self._counts.values())
        reviews = len(self.project.store.reviews())
        return (
            f"{cb.title} (version {cb.version}): {len(cb.active)} active codes"
            + (f" ({kept})" if kept else "")
            + (f"; {total} codings by {len(self.coders)} coder{'s' * (len(self.coders) != 1)}"
               if total else "; no codings yet")
            + (f"; {reviews} codings await re-review" if reviews else "")
        )

    # -- adopting ----------------------------------------------------------------------

    def adopt(self, path: str | Path) -> dict[str, Any]:
        """Adopt a codebook file (``.yaml`` or ``.qdc``) as the project's first version.

        Raises ``CodebookError`` if the file is missing or invalid (naming line and
        code), or the project already has a codebook.
        """
        text = str(path or "").strip()
        if not text or not Path(text).expanduser().is_file():
            raise CodebookSessionError(
                f"there is no codebook file at {text!r}: give the path of a .yaml or .qdc "
                "codebook, e.g. codebooks/social-media-health-qi.yaml"
            )
        summary = service.adopt(self.project, Path(text).expanduser())
        self.pending = None
        self.refresh()
        self.message = f"adopted {summary['title']!r} ({summary['codes']} codes) as version 1"
        return summary

    # -- planning ----------------------------------------------------------------------

    def plan_redefine(self, code_id: str | None = None, *, definition: str | None = None,
                      use_when: str | None = None, do_not_use_when: str | None = None,
                      examples: str | Sequence[str] | None = None, rationale: str = "") -> str:
        """Plan new wording for a code (the selected one by default); the plan in words.

        Fields left ``None`` stay as they are; text is compared without surrounding
        whitespace. ``examples`` replaces the examples: a list, or text with one
        example per line (blank lines dropped).

        Raises
        ------
        CodebookError
            If no code is chosen, the code is merged or retired, or nothing changes.
        """
        self.pending = None  # a request that fails leaves nothing to apply
        code = self._code(self._chosen(code_id))
        given = {"definition": definition, "use_when": use_when,
                 "do_not_use_when": do_not_use_when}  # fmt: skip
        changes: dict[str, Any] = {
            name: str(value).strip() for name, value in given.items()
            if value is not None and str(value).strip() != getattr(code, name).strip()
        }  # fmt: skip
        if examples is not None:
            wanted = _lines(examples)
            if wanted != [e.strip() for e in code.examples]:
                changes["examples"] = wanted
        if not changes:
            raise CodebookSessionError(
                "nothing would change: the definition, use when, do not use when and "
                "examples are as they were; edit one of them, then plan again",
                code_id=code.id,
            )
        actor = self.project.actor

        def make(cb: Codebook) -> Plan:
            return revisions.redefine(cb, code.id, changes, actor, rationale.strip())

        def explain(plan: Plan, cb: Codebook) -> list[str]:
            lines = []
            for name, value in changes.items():
                old = getattr(cb.code(code.id), name) if cb.has(code.id) else None
                lines += [f"{name.replace('_', ' ')} was: {_show(old)}",
                          f"{name.replace('_', ' ')} now: {_show(value)}"]  # fmt: skip
            return lines + ["no coding changes"]

        return self._plan("redefine", make, explain)

    def plan_merge(self, sources: Iterable[str], target: str | None = None, *,
                   new_label: str = "", rationale: str = "") -> str:  # fmt: skip
        """Plan merging the active codes ``sources`` into one; the plan in words.

        ``target`` is an active code to merge into (``new_label`` is then not used) or
        the id of a new code labelled ``new_label``; ``None``: a new code whose id is
        made from ``new_label``. A new code sits where the sources sat when they
        share a parent, otherwise at the top level.

        Raises
        ------
        CodebookError
            If no sources are given, a source or the target is not active, or a new
            code has no label, or an id that is invalid or was ever used.
        """
        self.pending = None  # a request that fails leaves nothing to apply
        cb = self._require()
        ids = list(dict.fromkeys(str(s) for s in sources))
        if not ids:
            raise CodebookSessionError("choose the codes to merge (the sources) first")
        for code_id in ids:
            self._code(code_id)
        target = (target or "").strip() or None
        label = (new_label or "").strip()
        into: str | Code
        if target is not None and cb.has(target):
            into = target
        else:
            if not label and target is None:
                raise CodebookSessionError(
                    "to merge into a new code, give its label (or choose an existing code "
                    "to merge into)"
                )
            parents = {cb.code(c).parent for c in ids}
            used = service.used_ids(self.project) | set(cb.ids)
            into = _new_code(target or new_code_id(label, used), label or str(target),
                             parents.pop() if len(parents) == 1 else None)  # fmt: skip
        project, actor = self.project, self.project.actor

        def make(current: Codebook) -> Plan:
            return revisions.merge(current, ids, into, project.store.codings(), actor,
                                   rationale.strip(), used_ids=service.used_ids(project))

        def explain(plan: Plan, current: Codebook) -> list[str]:
            codings = project.store.codings()
            moving = codings[codings["code_id"].isin(ids)]
            if moving.empty:
                return ["no codings move (the merged codes have none)"]
            return [f"codings that move, by coder: {_by_coder(moving)}"]

        return self._plan("merge", make, explain)

    def plan_split(self, source: str, new_codes: str | Sequence[str], *,
                   rationale: str = "") -> str:  # fmt: skip
        """Plan splitting the active code ``source`` into new ones; the plan in words.

        ``new_codes`` is text with one new code per line, or a list of lines; a line
        is a label (the id is made from it) or ``id = label``. The source is retired;
        its codings are kept and queued for re-review, each pre-assigned to the
        closest new code where :attr:`suggester` can tell.

        Raises
        ------
        CodebookError
            If the source is not active, fewer than two new codes are given, or an
            id is invalid or was ever used.
        """
        self.pending = None  # a request that fails leaves nothing to apply
        cb = self._require()
        self._code(source)
        used = service.used_ids(self.project) | set(cb.ids)
        into: list[Code] = []
        for line in _lines(new_codes):
            code_id, label = (p.strip() for p in line.split("=", 1)) if "=" in line else ("", line)
            code_id = code_id or new_code_id(label, used | {c.id for c in into})
            into.append(_new_code(code_id, label))
        if len(into) < 2:
            raise CodebookSessionError(
                f"a split makes at least two new codes, {len(into)} given: write one per "
                "line (a label, or id = label)", code_id=source,
            )  # fmt: skip
        project, actor, suggest = self.project, self.project.actor, self.suggester

        def make(current: Codebook) -> Plan:
            return revisions.split(current, source, into, project.store.codings(), actor,
                                   rationale.strip(), suggest=suggest,
                                   used_ids=service.used_ids(project))  # fmt: skip

        def explain(plan: Plan, current: Codebook) -> list[str]:
            if not plan.review:
                return ["no codings to re-review (the code has none)"]
            codings = project.store.codings().set_index("coding_id")
            reviewed = codings.loc[[r["coding_id"] for r in plan.review]]
            lines = [f"re-review queue: {len(plan.review)} codings of {source}, by coder: "
                     f"{_by_coder(reviewed)}"]  # fmt: skip
            guesses = pd.Series([r["suggested_code"] for r in plan.review], dtype=object)
            named = ", ".join(f"{label_of(plan.codebook, c)} {n}"
                              for c, n in guesses.dropna().value_counts().items())  # fmt: skip
            unsure = int(guesses.isna().sum())
            lines.append("suggested new codes: " + (named or "none")
                         + (f"; no suggestion for {unsure} (their comments are not embedded "
                            "yet)" if unsure else ""))  # fmt: skip
            return lines

        return self._plan("split", make, explain)

    def plan_undo(self, rationale: str = "") -> str:
        """Plan undoing the latest revision not undone yet; the plan in words.

        Raises ``CodebookError`` if there is nothing to undo (adopting cannot be undone).
        """
        self.pending = None  # a request that fails leaves nothing to apply
        self._require()
        project = self.project

        def make(current: Codebook) -> Plan:
            return service.plan_undo(project, rationale.strip())

        def explain(plan: Plan, current: Codebook) -> list[str]:
            codings = project.store.codings(include_removed=True)
            back = int((codings["removed_by"] == plan.undoes).sum())
            gone = int(((codings["added_by"] == plan.undoes)
                        & codings["removed_by"].isna()).sum())  # fmt: skip
            reviews = project.store.reviews()
            withdrawn = int((reviews["added_by"] == plan.undoes).sum())
            lines = [f"codebook: {line}" for line in service.describe_changes(current,
                                                                              plan.codebook)]
            lines.append(f"{back} codings come back, {gone} codings it made are removed"
                         if back or gone else "no coding changes")
            if withdrawn:
                lines.append(f"{withdrawn} re-reviews it asked for are withdrawn")
            return lines

        return self._plan("undo", make, explain)

    @property
    def suggester(self) -> Suggester:
        """What pre-assigns a split's codings (the project's embeddings by default)."""
        if self._suggest is None:
            from workbench.coding.suggest import embedding_suggester

            self._suggest = embedding_suggester(self.project)
        return self._suggest

    @property
    def plan_text(self) -> str | None:
        """The pending plan in words, or None when nothing is planned."""
        return None if self.pending is None else self.pending.text

    def discard(self) -> None:
        """Forget the pending plan (nothing was stored)."""
        self.pending = None

    # -- applying ----------------------------------------------------------------------

    def apply(self) -> dict[str, Any]:
        """Store the pending plan, exactly as shown; the service's summary.

        Raises
        ------
        NoPendingPlan
            If no plan is pending (plan one first: it must be seen before it is applied).
        PlanChanged
            If the codebook or its codings changed since the plan was made: nothing
            is stored, and the plan made again from the current state is pending.
        CodebookError, CodingError
            If the plan cannot be applied or made again (the pending plan is dropped).
        """
        pending = self.pending
        if pending is None:
            raise NoPendingPlan(
                "there is no plan to apply: plan a change first (a definition, a merge, a "
                "split or an undo), read it, then apply it"
            )
        try:
            summary = service.apply(self.project, pending.plan)
        except StaleRevision as stale:
            self.pending = None
            self.refresh()
            try:
                self._plan(pending.kind, pending.make, pending.explain)
            except WorkbenchError as again:
                raise CodebookSessionError(
                    f"the {pending.kind} was not applied: the codebook or its codings changed "
                    f"since it was planned ({stale}), and it cannot be planned again: {again}"
                ) from None
            raise PlanChanged(
                f"the {pending.kind} was not applied: the codebook or its codings changed "
                "since it was planned. It has been planned again from the current state; "
                "read the new plan, then apply it"
            ) from None
        except CodingError:
            self.pending = None
            raise
        self.pending = None
        self.refresh()
        self.message = (f"stored version {summary['version']} ({pending.kind}): "
                        f"{pending.plan.lines[0] if pending.plan.lines else ''}")  # fmt: skip
        return summary

    # -- history -----------------------------------------------------------------------

    def versions(self) -> pd.DataFrame:
        """Every stored version, oldest first (columns :data:`VERSION_COLUMNS`)."""
        frame = self.project.store.codebook_versions()
        undone = self.project.store.actions().set_index("action_id")["undone_by"]
        frame["undone"] = frame["action_id"].map(undone).notna()
        return frame[list(VERSION_COLUMNS)].reset_index(drop=True)

    def diff(self, first: int, second: int) -> list[str]:
        """What changed from version ``first`` to ``second``, in words (``[]``: nothing).

        Raises ``CodebookError`` if either is not a stored version (naming the known ones).
        """
        self._require()
        try:
            numbers = int(first), int(second)
        except (TypeError, ValueError):
            raise CodebookSessionError(f"versions {first!r} and {second!r}: choose two version "
                                       "numbers to compare") from None  # fmt: skip
        return service.diff(self.project, *numbers)

    # -- helpers -----------------------------------------------------------------------

    def _plan(self, kind: str, make: Callable[[Codebook], Plan],
              explain: Callable[[Plan, Codebook], list[str]]) -> str:  # fmt: skip
        current = self._require()
        plan = make(current)
        extra = explain(plan, current)
        text = "\n".join([plan.describe(), *(f"  · {line}" for line in extra)])
        self.pending = PendingPlan(kind, plan, text, make, explain)
        return text

    def _require(self) -> Codebook:
        if self.codebook is None:
            root = self.project.root
            raise CodebookSessionError(
                f"{root}: has no codebook yet; adopt one first (the Adopt button of the "
                f"codebook view, or `workbench codebook init {root} --from "
                "codebooks/social-media-health-qi.yaml`)"
            )
        return self.codebook

    def _code(self, code_id: str) -> Code:
        cb = self._require()
        if not cb.has(code_id):
            raise CodebookSessionError(f"no such code; known: {', '.join(cb.ids) or 'none'}",
                                       code_id=code_id)  # fmt: skip
        return cb.code(code_id)

    def _chosen(self, code_id: str | None) -> str:
        code_id = code_id or self.selected
        if code_id is None:
            raise CodebookSessionError("no code is chosen: choose one in the list of codes")
        return code_id

    def _walk(self) -> Iterator[tuple[int, Code]]:
        """``(depth, code)`` in tree order: each code's children right after it."""
        cb = self.codebook
        if cb is None:
            return
        seen: set[str] = set()

        def visit(parent: str | None, depth: int) -> Iterator[tuple[int, Code]]:
            for code in cb.children(parent):
                if code.id not in seen:
                    seen.add(code.id)
                    yield depth, code
                    yield from visit(code.id, depth + 1)

        yield from visit(None, 0)

    def _row_counts(self, code_id: str) -> list[int]:
        counts = [self._counts.get((code_id, who), 0) for who in self.coders]
        return [*counts, sum(counts)]

    def _coder_columns(self) -> list[str]:
        taken = {*TREE_COLUMNS, "total"}
        return [f"coder {who}" if who in taken else who for who in self.coders]


def _lines(text: str | Sequence[str]) -> list[str]:
    """Non-blank lines (or items), stripped."""
    items = text.splitlines() if isinstance(text, str) else [str(t) for t in text]
    return [item.strip() for item in items if item.strip()]


def _new_code(code_id: str, label: str, parent: str | None = None) -> Code:
    try:
        return Code(id=code_id, label=label or code_id, parent=parent)
    except ValidationError:
        raise CodebookSessionError(
            f"{code_id!r} cannot be a code id: use lower-case letters, digits, '_', '-' and "
            f"'.', starting with a letter (pattern {CODE_ID_PATTERN})"
        ) from None


def _by_coder(codings: pd.DataFrame) -> str:
    counts = codings["coder"].value_counts().sort_index()
    return ", ".join(f"{who} {n}" for who, n in counts.items())


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(repr(v) for v in value) if value else "(none)"
    return repr(value) if value else "(empty)"
