"""Saving a coder's actions at once, keeping the ones that fail, and undoing them.

:class:`Saver` turns each action of the coding app into store calls, each a durable
unit of work that records its event (with the coder and the time):

``add``
    ``store.add_codings`` (one coding, or a whole cluster's in one action).
``remove``
    ``store.remove_codings`` (the rows stay in the store's history).
``memo``
    a coding's memo changed: the coding removed and added again with the new memo
    (``derived_from`` the old one), both in one unit of work.
``undo``
    ``store.undo_action`` of the actions of an earlier save, latest first, in one unit.

A save that raises anything is kept in :attr:`Saver.pending` with its error, and
:class:`SaveFailed` says so; :meth:`Saver.retry` tries the pending saves again and
:meth:`Saver.discard` drops them on purpose. Nothing is lost silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workbench.coding.ledger import Ledger, as_row
from workbench.errors import CodingError, WorkbenchError

if TYPE_CHECKING:
    from workbench.project import Project


class CodingSessionError(CodingError):
    """A request of the coding app that cannot be carried out; nothing was changed."""


class SaveFailed(CodingSessionError):
    """A save failed; it is kept in :attr:`Saver.pending` to retry or discard."""


@dataclass(frozen=True)
class UndoEntry:
    """A saved action: the store's actions and the codings they added and removed."""

    description: str
    actions: tuple[int, ...]
    comment_ids: tuple[str, ...]
    added: tuple[dict[str, Any], ...] = ()
    removed: tuple[dict[str, Any], ...] = ()


@dataclass(eq=False)
class PendingSave:
    """An action to save: ``kind`` add, remove, memo or undo; its last ``error``, if any."""

    kind: str
    description: str
    comment_ids: tuple[str, ...]
    codings: tuple[dict[str, Any], ...] = ()
    coding_ids: tuple[int, ...] = ()
    memo: str | None = None
    entry: UndoEntry | None = None
    error: str = ""
    attempts: int = 0


class Saver:
    """Saves one coder's actions, keeps failed ones pending and undoes saved ones.

    Parameters
    ----------
    project : Project
        The open project.
    ledger : Ledger
        The session's codings in memory, kept in step with every save.
    version : callable
        Returns the codebook version the codings are made with.
    """

    def __init__(self, project: Project, ledger: Ledger, version: Callable[[], int]) -> None:
        self.project = project
        self.ledger = ledger
        self.coder = ledger.coder
        self._version = version
        self.pending: list[PendingSave] = []
        self.done: list[UndoEntry] = []
        """Saved actions, oldest first: what :meth:`undo` takes back."""

    def attempt(self, save: PendingSave) -> UndoEntry:
        """Save now; on failure keep ``save`` pending and raise :class:`SaveFailed`."""
        save.attempts += 1
        try:
            entry = self._store(save)
        except Exception as exc:  # every failure is kept and shown, none is dropped
            save.error = (str(exc) if isinstance(exc, WorkbenchError)
                          else f"{type(exc).__name__}: {exc}")  # fmt: skip
            if all(s is not save for s in self.pending):
                self.pending.append(save)
            raise SaveFailed(
                f"not saved: {save.description} ({save.error}); it is kept: Retry saves it, "
                "Discard drops it"
            ) from exc
        self.pending = [s for s in self.pending if s is not save]
        if save.kind == "undo":
            self.reload()
            return entry
        self.ledger.remove(row["coding_id"] for row in entry.removed)
        self.ledger.add(entry.added)
        self.done.append(entry)
        expected = len(save.codings) if save.kind == "add" else int(save.kind == "memo")
        if len(entry.added) != expected:  # some were stored already: read them again
            self.reload()
        return entry

    def undo(self) -> UndoEntry | None:
        """Undo the latest saved action (None if there is none); SaveFailed keeps it pending."""
        if not self.done:
            return None
        entry = self.done.pop()
        self.attempt(PendingSave("undo", f"undo {entry.description}", entry.comment_ids,
                                 entry=entry))  # fmt: skip
        return entry

    def retry(self) -> tuple[int, list[str]]:
        """Try the pending saves again, oldest first: how many were saved, the errors left."""
        saved, failed = 0, []
        for save in list(self.pending):
            try:
                self.attempt(save)
            except SaveFailed as exc:
                failed.append(str(exc))
            else:
                saved += 1
        return saved, failed

    def discard(self, index: int | None = None) -> list[PendingSave]:
        """Drop a pending save (all by default); a dropped undo can be undone again."""
        chosen = list(self.pending) if index is None else [self.pending[int(index)]]
        for save in chosen:
            self.pending.remove(save)
            if save.kind == "undo" and save.entry is not None:
                self.done.append(save.entry)
        return chosen

    def reload(self) -> None:
        """Read every active coding again (after an undo, or a coding stored twice)."""
        self.ledger.load(self.project.store.codings())

    def mine(self, coding_id: int) -> dict[str, Any]:
        """One of the coder's active codings; CodingError if it is not one."""
        row = self.ledger.get(int(coding_id))
        if row is None:
            raise CodingSessionError(f"coding {coding_id} is not an active coding of {self.coder}; "
                              "reload and try again")  # fmt: skip
        return row

    def _store(self, save: PendingSave) -> UndoEntry:
        store, who = self.project.store, self.coder

        def entry(actions: list[int], added: list[dict], removed: list[dict]) -> UndoEntry:
            return UndoEntry(save.description, tuple(actions), save.comment_ids,
                             tuple(added), tuple(removed))  # fmt: skip

        if save.kind == "add":
            action, ids = store.add_codings(list(save.codings), who,
                                            codebook_version=self._version())  # fmt: skip
            return entry([action], with_ids(save.codings, ids), [])
        if save.kind == "remove":
            removed = [self.mine(i) for i in save.coding_ids]
            return entry([store.remove_codings(list(save.coding_ids), who)], [], removed)
        if save.kind == "memo":
            old = self.mine(save.coding_ids[0])
            new = {**{k: old[k] for k in ("comment_id", "code_id", "coder", "span_start",
                                          "span_end", "origin")},
                   "memo": save.memo, "derived_from": old["coding_id"]}  # fmt: skip
            with store.unit_of_work(durable=True):
                first = store.remove_codings([old["coding_id"]], who)
                second, ids = store.add_codings([new], who, codebook_version=self._version())
            return entry([first, second], with_ids((new,), ids), [old])
        if save.kind != "undo" or save.entry is None:
            raise CodingError(f"cannot save an action of kind {save.kind!r}")
        with store.unit_of_work(durable=True):
            for action in reversed(save.entry.actions):
                store.undo_action(action, who)
        return save.entry


def with_ids(codings: Iterable[dict[str, Any]], ids: list[int]) -> list[dict[str, Any]]:
    """The codings with the ids the store gave them ([] unless it stored every one)."""
    codings = list(codings)
    if len(ids) != len(codings):
        return []
    return [as_row({**c, "coding_id": i}) for c, i in zip(codings, ids, strict=True)]


def is_whole(save: PendingSave, comment_id: str, code_id: str, ledger: Ledger) -> bool:
    """Whether a pending save only adds or removes ``code_id`` on the whole comment."""
    if save.kind == "add" and len(save.codings) == 1:
        c = save.codings[0]
        return (c["comment_id"], c["code_id"], c.get("span_start")) == (comment_id, code_id, None)
    if save.kind == "remove" and len(save.coding_ids) == 1:
        row = ledger.get(save.coding_ids[0])
        return row is not None and row["comment_id"] == comment_id and \
            row["code_id"] == code_id and row["span_start"] is None
    return False
