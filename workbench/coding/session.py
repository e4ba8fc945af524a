"""Coding comments one at a time: the controller behind the coding app.

:class:`CodingSession` is pure Python (no widgets), so everything the coding app does
can be tested headless::

    session = CodingSession(project, "ann")      # the coding queue (or uncoded comments)
    session.context                              # the comment in its thread
    session.toggle("waiting")                    # code the whole comment: saved at once
    session.code_passage("delays", 10, 24)       # a passage (Python string indices)
    session.write_memo("four hours", coding_id)  # a coding's memo
    session.next(); session.previous()
    session.undo()                               # this session's last action, exactly
    session.open("thread")                       # this comment's thread, in order; or
    session.open("cluster", cluster=5)           # "queue", "uncoded", "suggested",
                                                 # "reviews", "disagreements"
    plan = session.plan_cluster("waiting", 5)    # a whole cluster, each comment confirmed
    session.code_cluster(plan, plan.comment_ids)

**Every action is saved at once**, as one durable action of the store (an event with
the coder and the time); there is no save button. A save that fails (a busy or
broken database, a code retired meanwhile) is kept in :attr:`CodingSession.pending`,
shown, and raised as :class:`SaveFailed`; :meth:`~CodingSession.retry` saves it
later and :meth:`~CodingSession.discard` drops it. Nothing is lost silently.

**Blind mode** (the default when more than one coder codes the project) hides the
other coders' codings. Comments are shown by their authors' pseudonyms only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from workbench.codebook import service
from workbench.codebook.model import Code
from workbench.coding import codes, queues
from workbench.coding.codes import SHORTCUT_KEYS
from workbench.coding.ledger import Ledger, as_row
from workbench.coding.queues import (
    QUEUE_KINDS,
    ClusterPlan,
    DisagreementProvider,
    Queue,
    QueueError,
    QueueItem,
    SuggestionProvider,
)
from workbench.coding.saving import (
    CodingSessionError,
    PendingSave,
    SaveFailed,
    Saver,
    UndoEntry,
    is_whole,
)
from workbench.coding.threads import CommentIndex, ThreadContext, masked, shorten
from workbench.privacy import MaskedText

if TYPE_CHECKING:
    from workbench.codebook.model import Codebook
    from workbench.project import Project

#: The coder name under which the disagreement review records consensus codings.
CONSENSUS = "consensus"
#: Queue kinds whose item's code, when applied, was suggested (its origin says so).
SUGGESTING_QUEUES = ("suggested", "reviews")


class CodingSession:
    """One coder coding a project's comments, one at a time, in queues.

    Parameters
    ----------
    project : Project
        The open project; it must have a codebook (``workbench codebook init``).
    coder : str
        Who codes (recorded on every coding and event).
    blind : bool, optional
        Hide the other coders' codings. By default, on when anyone but ``coder``
        has coded the project; on a comment whose disagreements have been
        reviewed (it has a ``consensus`` coding) they are shown again.
    suggestions : SuggestionProvider, optional
        The hook for the ``suggested`` queue (see :mod:`workbench.coding.queues`).
    disagreements : DisagreementProvider, optional
        The hook for the ``disagreements`` queue.
    queue : str, optional
        The queue to open first (:data:`~workbench.coding.queues.QUEUE_KINDS`); by
        default the coding queue, or the uncoded comments when it is empty.

    Attributes
    ----------
    codebook : Codebook
        The current codebook; :attr:`codes` its active codes, parents first.
    comments : CommentIndex
        The project's comments (pseudonyms only), as read by :meth:`refresh`.
    queue : Queue
        The queue worked through; :attr:`position` the place in it.
    message : str
        What the last action did, in words.
    """

    def __init__(self, project: Project, coder: str, *, blind: bool | None = None,
                 suggestions: SuggestionProvider | None = None,
                 disagreements: DisagreementProvider | None = None,
                 queue: str | None = None,
                 after_save: Callable[[], None] | None = None) -> None:  # fmt: skip
        name = " ".join(str(coder or "").split())
        if not name:
            raise CodingSessionError("name the coder: CodingSession(project, 'your name')")
        self.project = project
        self.coder = name
        self.suggestions = suggestions
        self.disagreements = disagreements
        self.after_save = after_save
        self._blind = blind
        self.message = ""
        self.queue = Queue("none", "no queue")
        self.position = 0
        self.ledger = Ledger(name)
        self.saver = Saver(project, self.ledger, lambda: self.codebook.version)
        self._draft_memo = ""
        self._context: ThreadContext | None = None
        #: @mentions of the project's authors are shown as pseudonyms (setting show_raw_text).
        self.masker = project.mention_masker()
        self.refresh()
        if queue is None:
            queue = "queue" if len(project.store.queue()) else "uncoded"
        self.open(queue)

    # -- what there is -------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the codebook, the comments and the codings again (after changes elsewhere).

        The queue stays as it was, at the same comment.
        """
        self.codebook: Codebook = service.require(self.project)
        self.codes: list[Code] = codes.tree_order(self.codebook)
        self.comments = CommentIndex(self.project.comments())
        self.ledger.load(self.project.store.codings())
        self.coders = sorted(self.ledger.coders | {self.coder})
        others = set(self.coders) - {self.coder, CONSENSUS}
        self.blind = bool(others) if self._blind is None else bool(self._blind)
        self._context = None

    def label(self, code_id: str) -> str:
        """A code's label (any status), or the id of a code the codebook lacks."""
        return self.codebook.code(code_id).label if self.codebook.has(code_id) else code_id

    def code_help(self, code_id: str) -> str:
        """What a code means, on a few lines: definition, use when, don't use when."""
        return codes.code_help(self.codebook, code_id)

    def shortcut(self, code_id: str) -> str | None:
        """The number key of a code (the first ten active codes have one)."""
        return codes.shortcut(self.codes, code_id)

    def code_for_key(self, key: str) -> str:
        """The code a number key stands for; CodingSessionError if none does."""
        return codes.code_for_key(self.codes, key)

    # -- queues --------------------------------------------------------------------------

    def open(self, kind: str, *, thread_id: str | None = None, cluster: int | None = None,
             run_id: int | None = None, code_id: str | None = None) -> Queue:  # fmt: skip
        """Open a queue of ``kind`` (see :data:`~workbench.coding.queues.QUEUE_KINDS`).

        Parameters
        ----------
        kind : str
            ``queue``, ``thread``, ``cluster``, ``uncoded``, ``suggested``, ``reviews``
            or ``disagreements``.
        thread_id : str, optional
            For ``thread``: the thread (by default the current comment's; that
            thread opens at the current comment).
        cluster, run_id : int, optional
            For ``cluster``: the cluster, of the newest run by default.
        code_id : str, optional
            For ``suggested``: the code.

        Raises
        ------
        QueueError
            An unknown kind, thread, cluster or code, or no provider for the kind.
        StoreError
            For ``cluster``, when the project has no run (``run_id``) yet.
        """
        start = None
        here = self.comment_id
        if kind == "thread" and here is not None and (
                thread_id is None or thread_id == self.comments.thread_of(here)):  # fmt: skip
            thread_id, start = self.comments.thread_of(here), here
        if kind == "suggested":
            code_id = self._active(code_id).id
        label, items = queues.build(
            kind, self.project, self.comments, self.coder, thread_id=thread_id,
            cluster=cluster, run_id=run_id, code_id=code_id, label_of=self.label,
            coded=self.ledger.coded_comments, suggestions=self.suggestions,
            disagreements=self.disagreements,
        )  # fmt: skip
        self.queue = queues.make_queue(kind, label, items, self.comments)
        self._move((self.queue.position_of(start) or 0) if start else 0)
        n = len(self.queue)
        skipped = self.queue.skipped
        self.message = (f"{label}: {n} comment{'s' * (n != 1)}"
                        + (f" ({skipped} no longer in the project, left out)" if skipped else "")
                        + ("" if n else queues.EMPTY_HINT.get(kind, "")))  # fmt: skip
        return self.queue

    def thread_options(self, limit: int = 200) -> list[tuple[str, str]]:
        """``(label, thread_id)`` of the largest threads, and the current comment's."""
        options = self.comments.threads(limit)
        if self.comment_id is not None:
            here = self.comments.thread_of(self.comment_id)
            if all(t != here for _, t in options):
                options.insert(0, (self.comments.thread_label(here), here))
        return options

    def cluster_options(self, run_id: int | None = None) -> list[tuple[str, int]]:
        """``(label, cluster)`` of a run's clusters, the newest run's by default."""
        return queues.cluster_options(self.project, run_id)

    # -- moving --------------------------------------------------------------------------

    @property
    def item(self) -> QueueItem | None:
        """The queue item shown (None when the queue is empty)."""
        return self.queue.items[self.position] if self.queue.items else None

    @property
    def comment_id(self) -> str | None:
        """The comment shown (None when the queue is empty)."""
        item = self.item
        return None if item is None else item.comment_id

    @property
    def context(self) -> ThreadContext | None:
        """The comment shown, in its thread (None when the queue is empty)."""
        cid = self.comment_id
        if cid is None:
            return None
        if self._context is None or self._context.comment_id != cid:
            self._context = masked(self.comments.context(cid), self.masker)
        return self._context

    def next(self) -> ThreadContext | None:
        """Show the next comment of the queue (at the end, stay and say so)."""
        if self.position + 1 >= len(self.queue):
            self.message = "the end of the queue" if len(self.queue) else "the queue is empty"
            return self.context
        return self._move(self.position + 1)

    def previous(self) -> ThreadContext | None:
        """Show the previous comment of the queue (at the start, stay and say so)."""
        if self.position == 0:
            self.message = "the start of the queue" if len(self.queue) else "the queue is empty"
            return self.context
        return self._move(self.position - 1)

    def go(self, position: int) -> ThreadContext | None:
        """Show the comment at ``position`` (0-based) of the queue."""
        if not 0 <= int(position) < max(len(self.queue), 1):
            raise CodingSessionError(f"position {position} is outside the queue of "
                                     f"{len(self.queue)} comments")  # fmt: skip
        return self._move(int(position))

    def _move(self, position: int) -> ThreadContext | None:
        if self._draft_memo.strip() and int(position) != self.position:
            raise CodingSessionError(
                "you typed a memo for the next coding of this comment: code it, or clear "
                "the memo, before moving on (it is not saved until a coding carries it)"
            )
        self.position = position
        self._draft_memo = ""
        self.message = ""
        return self.context

    def status(self) -> str:
        """One line: coder, codebook, queue and place in it, blind mode, pending saves."""
        n = len(self.queue)
        where = f"{self.position + 1} of {n}" if n else "empty"
        parts = [f"Coder {self.coder}",
                 f"{self.codebook.title} (version {self.codebook.version})",
                 f"{self.queue.label}: {where}",
                 f"{self.ledger.count()} codings by you",
                 "blind: other coders' codings hidden" if self.blind else
                 "no other coders yet" if len(self.coders) == 1 else
                 f"showing all {len(self.coders)} coders' codings"]  # fmt: skip
        if self.pending:
            parts.append(f"{len(self.pending)} not saved")
        return " · ".join(parts)

    # -- what is coded -------------------------------------------------------------------

    def my_codings(self, comment_id: str | None = None) -> list[dict[str, Any]]:
        """The coder's codings of a comment (the one shown by default), saved or not.

        Each has the ledger's keys (:data:`~workbench.coding.ledger.ROW_KEYS`; a
        ``coding_id`` of None when not saved yet), ``label``, ``quote`` (the passage,
        or None for the whole comment) and ``state``: ``saved``, ``not saved``,
        ``removal not saved`` or ``memo not saved``.
        """
        cid = comment_id or self.comment_id
        if cid is None:
            return []
        rows = self.ledger.mine(cid)
        removing = {i for s in self.pending if s.kind == "remove" for i in s.coding_ids}
        memo = {i for s in self.pending if s.kind == "memo" for i in s.coding_ids}
        for row in rows:
            row["state"] = ("removal not saved" if row["coding_id"] in removing else
                            "memo not saved" if row["coding_id"] in memo else "saved")  # fmt: skip
        for save in self.pending:
            if save.kind == "add":
                rows += [{**as_row(c), "state": "not saved"} for c in save.codings
                         if c["comment_id"] == cid]  # fmt: skip
        text = self.comments.text(cid) if cid in self.comments else ""
        for row in rows:
            row["label"] = self.label(row["code_id"])
            start, end = row["span_start"], row["span_end"]
            row["quote"] = None if start is None else self.masker.mask(text[start:end])
        return rows

    def code_states(self, comment_id: str | None = None) -> dict[str, str]:
        """Each active code's state on the whole comment: on, off, adding or removing."""
        states = dict.fromkeys((c.id for c in self.codes), "off")
        for row in self.my_codings(comment_id):
            if row["span_start"] is None and row["code_id"] in states:
                states[row["code_id"]] = {"not saved": "adding",
                                          "removal not saved": "removing"}.get(row["state"], "on")
        return states

    def others(self, comment_id: str | None = None) -> list[dict[str, Any]]:
        """The other coders' codings of a comment, with ``label`` and ``quote``.

        Empty in blind mode, except on comments whose disagreements have been
        reviewed (a ``consensus`` coding exists there).
        """
        cid = comment_id or self.comment_id
        if cid is None:
            return []
        if self.blind and not any(r["coder"] == CONSENSUS for r in self.ledger.others(cid)):
            return []
        text = self.comments.text(cid)
        return [{**row, "label": self.label(row["code_id"]),
                 "quote": None if row["span_start"] is None
                 else self.masker.mask(text[row["span_start"]:row["span_end"]])}
                for row in self.ledger.others(cid)]  # fmt: skip

    # -- coding --------------------------------------------------------------------------

    def toggle(self, code_id: str) -> str:
        """Code the whole comment shown with ``code_id``, or uncode it; saved at once.

        A coding (or removal) still waiting to be saved is dropped instead.
        Returns the code's new state: ``on`` or ``off``.
        """
        cid = self._shown()
        self._active(code_id)
        for save in self.pending:
            if is_whole(save, cid, code_id, self.ledger):
                self.pending.remove(save)
                self.message = f"dropped, never saved: {save.description}"
                return "on" if save.kind == "remove" else "off"
        row = self.ledger.whole(cid, code_id)
        if row is not None:
            self.uncode(row["coding_id"])
            return "off"
        self.code(code_id)
        return "on"

    def code(self, code_id: str, *, start: int | None = None, end: int | None = None,
             memo: str | None = None, comment_id: str | None = None) -> list[int]:  # fmt: skip
        """Code a comment (the one shown by default), or its passage ``start:end``.

        ``start`` and ``end`` are Python indices into the comment's text (see
        :mod:`workbench.coding.spans` for a browser's offsets). ``memo`` defaults to
        the memo written before coding (:meth:`write_memo`). Returns the new coding
        ids (none if the same coding exists already).

        Raises
        ------
        CodingSessionError
            If the code is not active, or the passage is not inside the text.
        SaveFailed
            If the save failed (kept in :attr:`pending`).
        """
        cid = comment_id or self._shown()
        code = self._active(code_id)
        if cid not in self.comments:
            raise CodingSessionError(f"no comment {cid!r} in the project")
        text = self.comments.text(cid)
        if start is not None or end is not None:
            if start is None or end is None or not 0 <= int(start) < int(end) <= len(text):
                raise CodingSessionError(
                    f"passage {start}..{end} is not inside the comment's {len(text)} "
                    "characters: select some of its text"
                )
            start, end = int(start), int(end)
        if self.ledger.find(cid, code.id, start, end) is not None:
            self.message = f"already coded {code.label} here"
            return []
        waiting = [p for p in self.pending if p.kind == "add" and any(
            (c["comment_id"], c["code_id"], c.get("span_start"), c.get("span_end"))
            == (cid, code.id, start, end) for c in p.codings)]  # fmt: skip
        if waiting:
            self.message = f"{code.label} here is waiting to be saved: retry or discard it"
            return []
        note = memo if memo is not None else self._draft_memo
        coding = {"comment_id": cid, "code_id": code.id, "coder": self.coder,
                  "span_start": start, "span_end": end, "memo": note.strip() or None,
                  "origin": self._origin(cid, code.id)}  # fmt: skip
        item = self.item
        if self.queue.kind == "reviews" and item is not None and item.comment_id == cid:
            coding["resolves"] = item.coding_id  # coding the comment again settles the review
        where = "" if start is None else f" passage “{shorten(text[start:end], 40)}”"
        self._draft_memo = ""
        entry = self._attempt(PendingSave("add", f"{code.label}{where} on {cid}", (cid,),
                                          codings=(coding,)))  # fmt: skip
        return [row["coding_id"] for row in entry.added]

    def shown_text(self) -> MaskedText:
        """The comment's text as shown (mentions masked) and the way back to stored positions.

        A passage selected in the shown text is coded as ``code_passage(code,
        *shown.to_raw(start, end))``; coded passages are marked at ``shown.to_shown``.
        """
        context = self.context
        return self.masker.mask_spans(str(context.comment["text"] or "") if context else "")

    def code_passage(self, code_id: str, start: int, end: int,
                     memo: str | None = None) -> list[int]:  # fmt: skip
        """Code the passage ``start:end`` (Python indices) of the comment shown."""
        return self.code(code_id, start=start, end=end, memo=memo)

    def uncode(self, coding_id: int) -> None:
        """Remove one of the coder's codings (its row stays in the store's history)."""
        row = self._mine(coding_id)
        self._attempt(PendingSave("remove", f"removing {self.label(row['code_id'])} from "
                                  f"{row['comment_id']}", (row["comment_id"],),
                                  coding_ids=(int(coding_id),)))  # fmt: skip

    def write_memo(self, text: str, coding_id: int | None = None) -> None:
        """Set a coding's memo (saved at once), or keep it for the next coding.

        Without ``coding_id`` the memo goes with the next coding of the comment shown.
        """
        text = str(text or "").strip()
        if coding_id is None:
            self._draft_memo = text
            self.message = "the memo goes with the next coding of this comment" if text else ""
            return
        row = self._mine(coding_id)
        if (row["memo"] or "") == text:
            return
        self._attempt(PendingSave("memo", f"memo on {self.label(row['code_id'])} of "
                                  f"{row['comment_id']}", (row["comment_id"],),
                                  coding_ids=(int(coding_id),), memo=text or None))  # fmt: skip

    @property
    def draft_memo(self) -> str:
        """The memo waiting for the next coding of the comment shown."""
        return self._draft_memo

    def undo(self) -> str:
        """Undo this session's latest saved action (in the store, exactly); its description.

        Shows the comment it was about when the queue has it.

        Raises
        ------
        CodingSessionError
            If there is nothing left to undo.
        SaveFailed
            If the undo could not be saved (kept in :attr:`pending`).
        """
        if not self.saver.done:
            raise CodingSessionError("nothing to undo: this session has not coded anything yet")
        try:
            entry = self.saver.undo()
        except SaveFailed:
            self.message = "the undo was not saved"
            raise
        assert entry is not None
        position = self.queue.position_of(entry.comment_ids[0])
        if position is not None and position != self.position:
            self._move(position)
        self.message = f"undone: {entry.description}"
        return entry.description

    @property
    def can_undo(self) -> bool:
        """Whether this session has a saved action to undo."""
        return bool(self.saver.done)

    # -- a whole cluster -------------------------------------------------------------------

    def plan_cluster(self, code_id: str, cluster: int, run_id: int | None = None) -> ClusterPlan:
        """The members of a cluster to code with ``code_id``, for the coder to confirm."""
        code = self._active(code_id)
        return queues.plan_cluster(self.project, self.comments,
                                   lambda c: self.ledger.whole(c, code.id) is not None,
                                   code.id, cluster, run_id)  # fmt: skip

    def code_cluster(self, plan: ClusterPlan, comment_ids: Iterable[str]) -> int:
        """Code the confirmed members of a planned cluster, as one action; how many.

        Members coded with the code already are left as they are.

        Raises
        ------
        CodingSessionError
            If an id is not a member of the plan.
        SaveFailed
            If the save failed (kept in :attr:`pending`).
        """
        code = self._active(plan.code_id)
        wanted = list(dict.fromkeys(str(c) for c in comment_ids))
        members = set(plan.rows["comment_id"])
        strangers = [c for c in wanted if c not in members]
        if strangers:
            raise CodingSessionError(f"{len(strangers)} comments are not members of {plan.label}"
                                     f", e.g. {strangers[0]!r}; nothing was coded")  # fmt: skip
        todo = [c for c in wanted if self.ledger.whole(c, code.id) is None]
        if not todo:
            self.message = f"nothing to code: the confirmed comments have {code.label} already"
            return 0
        codings = tuple({"comment_id": c, "code_id": code.id, "coder": self.coder,
                         "origin": "bulk"} for c in todo)  # fmt: skip
        self._attempt(PendingSave("add", f"{code.label} on {len(todo)} comments of "
                                  f"{plan.label}", tuple(todo), codings=codings))  # fmt: skip
        return len(todo)

    # -- saving ----------------------------------------------------------------------------

    @property
    def pending(self) -> list[PendingSave]:
        """Saves that failed, oldest first (see :meth:`retry` and :meth:`discard`)."""
        return self.saver.pending

    def retry(self) -> int:
        """Try the pending saves again, oldest first; how many were saved.

        Raises :class:`SaveFailed` if some still fail (they stay pending).
        """
        saved, failed = self.saver.retry()
        self.message = f"saved {saved} pending action{'s' * (saved != 1)}"
        if failed:
            raise SaveFailed(f"{len(failed)} still not saved; the first: {failed[0]}")
        return saved

    def discard(self, index: int | None = None) -> list[str]:
        """Drop a pending save (all of them by default); their descriptions.

        A dropped undo goes back on the undo list.
        """
        dropped = [s.description for s in self.saver.discard(index)]
        self.message = "dropped, never saved: " + "; ".join(dropped) if dropped else ""
        return dropped

    def _attempt(self, save: PendingSave) -> UndoEntry:
        try:
            entry = self.saver.attempt(save)
        except SaveFailed:
            self.message = f"not saved: {save.description}"
            raise
        self.message = f"saved: {save.description}"
        if self.after_save is not None:
            self.after_save()  # e.g. ask the background suggester to learn from it
        return entry

    # -- helpers ---------------------------------------------------------------------------

    def _shown(self) -> str:
        cid = self.comment_id
        if cid is None:
            raise CodingSessionError("the queue is empty: open another queue to code")
        return cid

    def _active(self, code_id: str | None) -> Code:
        return codes.find(self.codebook, code_id)

    def _mine(self, coding_id: int) -> dict[str, Any]:
        return self.saver.mine(coding_id)

    def _origin(self, comment_id: str, code_id: str) -> str:
        item = self.item
        if (self.queue.kind in SUGGESTING_QUEUES and item is not None
                and item.comment_id == comment_id and item.code_id == code_id):  # fmt: skip
            return "suggestion-accepted"
        return "manual"




__all__ = [
    "QUEUE_KINDS", "SHORTCUT_KEYS", "ClusterPlan", "CodingSession", "CodingSessionError",
    "DisagreementProvider", "PendingSave", "Queue", "QueueError", "QueueItem", "SaveFailed",
    "SuggestionProvider", "UndoEntry",
]  # fmt: skip
