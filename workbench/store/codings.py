"""SQL for codebook versions, codings and memos: coders' decisions, never lost.

Every change is an *action* (``coding_actions``): coding, uncoding, importing
codings, revising the codebook, undoing. Rows are never deleted: a removed coding
keeps its row with the action that removed it, so undoing an action is exact (the
same rows come back). All writes here are durable units of work (fully synced)
that write their event in the same unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from hashlib import sha256
from typing import Any

import orjson
import pandas as pd

from workbench import events as catalogue
from workbench.errors import CodingError, StaleRevision
from workbench.store.base import utc_now

#: Columns of a coding given to :meth:`CodingTables.add_codings` (the rest are filled in).
CODING_FIELDS = ("comment_id", "code_id", "coder", "span_start", "span_end", "memo", "origin",
                 "derived_from", "created_at")  # fmt: skip
_INSERT = (
    "comment_id", "code_id", "coder", "created_at", "origin", "codebook_version", "span_start",
    "span_end", "text_revision", "text_sha256", "memo", "derived_from", "added_by",
)  # fmt: skip
_ACTIVE_KEY = "comment_id, code_id, coder, coalesce(span_start, -1), coalesce(span_end, -1)"


class CodingTables:
    """Codebook versions, coding actions, codings and memos (mixed into the store)."""

    # -- actions ------------------------------------------------------------------------

    def _action(self, kind: str, actor: str, detail: dict[str, Any],
                undoes: int | None = None) -> int:  # fmt: skip
        return self._insert_returning_id(
            "INSERT INTO coding_actions (at, actor, kind, detail, undoes) VALUES (?, ?, ?, ?, ?) "
            "RETURNING action_id",
            (utc_now(), actor, kind, orjson.dumps(detail).decode(), undoes),
        )

    def actions(self) -> pd.DataFrame:
        """Every coding action, oldest first (``detail`` decoded)."""
        frame = self._frame("SELECT * FROM coding_actions ORDER BY action_id")
        frame["detail"] = [orjson.loads(d) for d in frame["detail"]]
        return frame

    @contextmanager
    def revision_lock(self) -> Iterator[None]:
        """A durable unit in which no one else can code or revise until it ends.

        For a revision that keeps going stale while coders code flat out: it is
        planned and stored inside, from codings that cannot change meanwhile.
        """
        with self.unit_of_work(durable=True):
            self._serialise("codebook_versions")
            self._serialise("codings")
            yield

    # -- codebook versions --------------------------------------------------------------

    def codebook_version(self, version: int | None = None) -> dict[str, Any] | None:
        """One stored codebook version (the latest when ``version`` is None), or None.

        Returns ``{"version", "codebook_id", "at", "actor", "operation", "rationale",
        "body" (decoded JSON), "yaml", "action_id"}``.
        """
        sql = "SELECT * FROM codebook_versions"
        params: tuple = ()
        if version is None:
            sql += " ORDER BY version DESC LIMIT 1"
        else:
            sql += " WHERE version = ?"
            params = (int(version),)
        frame = self._frame(sql, params)
        if frame.empty:
            return None
        row = frame.iloc[0].to_dict()
        row["body"] = orjson.loads(row["body"])
        row["version"], row["action_id"] = int(row["version"]), int(row["action_id"])
        return row

    def codebook_versions(self) -> pd.DataFrame:
        """Every stored codebook version's record (without the bodies), oldest first."""
        return self._frame(
            "SELECT version, codebook_id, at, actor, operation, rationale, action_id "
            "FROM codebook_versions ORDER BY version"
        )

    def save_codebook(
        self,
        body: dict[str, Any],
        yaml: str,
        operation: str,
        actor: str,
        *,
        rationale: str = "",
        remove: Sequence[int] = (),
        add: Sequence[dict[str, Any]] = (),
        undoes: int | None = None,
        detail: dict[str, Any] | None = None,
        review: Sequence[dict[str, Any]] = (),
        basis: dict[str, int] | None = None,
    ) -> tuple[int, int]:
        """Store a codebook version and the codings it changes, as one durable unit.

        Parameters
        ----------
        body, yaml : the new version (its ``version`` must follow the stored one).
        operation : adopt, add, rename, redefine, move, merge, split, retire, undo, ...
        remove : coding ids the revision removes (they keep their rows).
        add : codings the revision adds (see :meth:`add_codings`), e.g. merged ones.
        undoes : the revision's action this one undoes: its codings change back
            exactly (``remove`` and ``add`` are then not used) and the reviews it
            asked for are withdrawn.
        review : codings to look at again: ``{"coding_id", "suggested_code",
            "score", "reason"}``.
        basis : active codings per code that the plan was made from; if a coder
            changed them meanwhile the revision is refused (plan it again).

        Returns
        -------
        (version, action_id)

        Raises
        ------
        CodingError
            If the version does not follow the stored one (someone else revised the
            codebook meanwhile: reload and plan again), or a coding to remove is not
            active.
        """
        version = int(body["version"])

        def work() -> tuple[int, int]:
            self._serialise("codebook_versions")
            self._serialise("codings")
            latest = self._one("SELECT max(version) FROM codebook_versions")
            expected = 1 if latest is None else int(latest) + 1
            if version != expected:
                raise StaleRevision(
                    f"codebook version {version} does not follow the stored version "
                    f"{latest}: the codebook was revised meanwhile; reload it and plan again"
                )
            self._check_basis(basis or {})
            info = {"operation": operation, "version": version, **(detail or {})}
            action_id = self._action("revision" if undoes is None else "undo", actor, info,
                                     undoes)  # fmt: skip
            self._execute(
                "INSERT INTO codebook_versions (version, codebook_id, at, actor, operation, "
                "rationale, body, yaml, action_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (version, body["id"], utc_now(), actor, operation, rationale,
                 orjson.dumps(body).decode(), yaml, action_id),
            )  # fmt: skip
            if undoes is None:
                removed = self._remove(remove, action_id)
                added = len(self._insert_codings(add, action_id, version)) if add else 0
            else:
                self._check_undoable(undoes)
                added, removed = self._reverse(undoes, action_id)
                self._mark_undone(undoes, action_id)
                self._execute(
                    "UPDATE coding_reviews SET resolved_by = ? WHERE added_by = ? "
                    "AND resolved_by IS NULL",
                    (action_id, undoes),
                )
            self._check_no_orphans(body)
            if review:
                self._executemany(
                    "INSERT INTO coding_reviews (coding_id, suggested_code, score, reason, "
                    "added_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (coding_id) DO UPDATE SET "
                    "suggested_code = excluded.suggested_code, score = excluded.score, "
                    "reason = excluded.reason, added_by = excluded.added_by, resolved_by = NULL",
                    [(int(r["coding_id"]), r.get("suggested_code"), r.get("score"), r["reason"],
                      action_id) for r in review],
                )  # fmt: skip
            self._append(
                catalogue.CodebookRevised(
                    version=version, codebook_id=body["id"], operation=operation,
                    rationale=rationale, action_id=action_id, codings_removed=removed,
                    codings_added=added, codes=list((detail or {}).get("codes", [])),
                ),
                actor,
            )  # fmt: skip
            return version, action_id

        return self.write(work, durable=True)

    # -- codings ------------------------------------------------------------------------

    def add_codings(
        self, codings: Sequence[dict[str, Any]], actor: str, *, codebook_version: int,
        kind: str = "code",
    ) -> tuple[int, list[int]]:  # fmt: skip
        """Store codings as one durable action; returns ``(action_id, coding ids)``.

        Each coding is a dict with ``comment_id``, ``code_id``, ``coder`` and
        optionally ``span_start``/``span_end`` (characters of the comment's current
        text), ``memo``, ``origin`` (default ``manual``), ``created_at``. A coding
        equal to an active one (same comment, code, coder and span) is not stored
        twice. The text coded is recorded (its revision number and hash), so a later
        edit of the comment never shifts a span silently. A coding with
        ``resolves`` (a coding id) settles that coding's re-review (see :meth:`reviews`).

        Raises
        ------
        CodingError
            Naming the first unknown comment or a span outside the text (nothing
            is stored then).
        """

        def work() -> tuple[int, list[int]]:
            self._serialise("codings")
            action_id = self._action(kind, actor, {"codings": len(codings),
                                                   "codebook_version": codebook_version})
            ids = self._insert_codings(codings, action_id, codebook_version,
                                       include_retired=kind == "import")
            settled = sorted({int(c["resolves"]) for c in codings if c.get("resolves")})
            if settled:
                self._execute(
                    f"UPDATE coding_reviews SET resolved_by = ? WHERE resolved_by IS NULL "
                    f"AND coding_id IN {self.INT_LIST}",
                    (action_id, self._list(settled)),
                )
            self._append(
                catalogue.CodingsAdded(
                    action_id=action_id, kind=kind, codings=len(ids),
                    coders=sorted({str(c["coder"]) for c in codings}),
                    codebook_version=codebook_version,
                ),
                actor,
            )  # fmt: skip
            return action_id, ids

        return self.write(work, durable=True)

    def remove_codings(self, coding_ids: Sequence[int], actor: str) -> int:
        """Remove active codings (their rows stay) as one durable action; returns its id."""

        def work() -> int:
            action_id = self._action("uncode", actor, {"codings": len(coding_ids)})
            removed = self._remove(coding_ids, action_id)
            self._append(catalogue.CodingsRemoved(action_id=action_id, codings=removed), actor)
            return action_id

        return self.write(work, durable=True)

    def undo_action(self, action_id: int, actor: str) -> int:
        """Undo a coding action (not a codebook revision: undo those through the codebook).

        Codings it added are removed and codings it removed come back (the same
        rows). Returns the undo's action id.

        Raises
        ------
        CodingError
            If the action is unknown, already undone, a revision, or later actions
            changed its codings (undo those first).
        """

        def work() -> int:
            self._serialise("codings")
            kind = self._check_undoable(action_id)
            if kind == "revision":
                raise CodingError(
                    f"action {action_id} is a codebook revision; undo it with "
                    "`workbench codebook undo` so that the codebook goes back too"
                )
            undo_id = self._action("undo", actor, {"undoes": action_id}, action_id)
            restored, removed = self._reverse(action_id, undo_id)
            self._execute(  # the reviews it settled are open again
                "UPDATE coding_reviews SET resolved_by = NULL WHERE resolved_by = ?", (action_id,)
            )
            self._mark_undone(action_id, undo_id)
            self._append(
                catalogue.ActionUndone(action_id=undo_id, undone=action_id,
                                       codings_restored=restored, codings_removed=removed),
                actor,
            )  # fmt: skip
            return undo_id

        return self.write(work, durable=True)

    def _check_basis(self, basis: dict[str, int]) -> None:
        if not basis:
            return
        now = dict(self._execute(
            f"SELECT code_id, count(*) FROM codings WHERE removed_by IS NULL AND code_id IN "
            f"{self.TEXT_LIST} GROUP BY code_id",
            (self._list(sorted(basis)),),
        ).fetchall())  # fmt: skip
        changed = sorted(c for c, n in basis.items() if int(now.get(c, 0)) != n)
        if changed:
            raise StaleRevision(
                f"codings of {', '.join(changed)} changed while the revision was planned; "
                "nothing was changed: plan it again"
            )

    def _check_no_orphans(self, body: dict[str, Any]) -> None:
        """Refuse a version that would leave active codings on codes it does not have."""
        ids = [c["id"] for c in body["codes"]]
        orphans = self._execute(
            f"SELECT code_id, count(*) FROM codings WHERE removed_by IS NULL AND code_id NOT IN "
            f"{self.TEXT_LIST} GROUP BY code_id ORDER BY code_id",
            (self._list(ids),),
        ).fetchall()
        if orphans:
            listed = ", ".join(f"{n} of {code}" for code, n in orphans)
            raise CodingError(
                f"codebook version {body['version']} would leave codings on codes it does not "
                f"have ({listed}); remove those codings first, or keep the codes (retire or "
                "merge them instead); nothing was changed"
            )

    def _active_codes(self, *, include_retired: bool = False) -> set[str] | None:
        """The active code ids of the latest codebook version (None: no codebook yet).

        With ``include_retired``, retired codes too (imported codings may be of a
        retired code: they are kept, flagged); merged codes never have codings.
        """
        # Cached by the version row's identity, not its number alone: a version written
        # in a unit that was then rolled back (a failed .qdpx import, say) must not
        # stand in for the different version stored later under the same number.
        latest = self._execute(
            "SELECT version, action_id, at FROM codebook_versions ORDER BY version DESC LIMIT 1"
        ).fetchone()
        if latest is None:
            return None
        latest = tuple(latest)
        cached = self._codes_cache if hasattr(self, "_codes_cache") else None
        if cached is None or cached[0] != latest:
            body = orjson.loads(self._one(
                "SELECT body FROM codebook_versions WHERE version = ?", (latest[0],)
            ))  # fmt: skip
            active = {c["id"] for c in body["codes"] if c.get("status", "active") == "active"}
            kept = {c["id"] for c in body["codes"] if c.get("status", "active") != "merged"}
            self._codes_cache = cached = (latest, active, kept)
        return cached[1] if not include_retired else cached[2]

    def _check_undoable(self, action_id: int) -> str:
        row = self._execute(
            "SELECT kind, undone_by FROM coding_actions WHERE action_id = ?", (int(action_id),)
        ).fetchone()
        if row is None:
            raise CodingError(f"no coding action {action_id}; see `workbench codings actions`")
        if row[1] is not None:
            raise CodingError(f"action {action_id} was already undone (by action {row[1]})")
        later = self._one(
            "SELECT min(c.removed_by) FROM codings AS c WHERE c.added_by = ? "
            "AND c.removed_by IS NOT NULL",
            (int(action_id),),
        )
        if later is not None:
            raise CodingError(
                f"action {action_id}: some of its codings were changed later (action {later}); "
                "undo the later actions first"
            )
        return str(row[0])

    def _reverse(self, action_id: int, undo_id: int) -> tuple[int, int]:
        removed = self._execute(
            "UPDATE codings SET removed_by = ? WHERE added_by = ? AND removed_by IS NULL",
            (undo_id, action_id),
        ).rowcount
        clash = self._one(
            "SELECT count(*) FROM codings AS old WHERE old.removed_by = ? AND EXISTS ("
            " SELECT 1 FROM codings AS now WHERE now.removed_by IS NULL"
            " AND now.comment_id = old.comment_id AND now.code_id = old.code_id"
            " AND now.coder = old.coder AND coalesce(now.span_start, -1) = "
            "coalesce(old.span_start, -1) AND coalesce(now.span_end, -1) = "
            "coalesce(old.span_end, -1))",
            (action_id,),
        )
        if clash:
            raise CodingError(
                f"action {action_id}: {clash} of the codings it removed were made again since; "
                "undo or remove those first"
            )
        restored = self._execute(
            "UPDATE codings SET removed_by = NULL WHERE removed_by = ?", (action_id,)
        ).rowcount
        return max(restored, 0), max(removed, 0)

    def _mark_undone(self, action_id: int, undo_id: int) -> None:
        self._execute(
            "UPDATE coding_actions SET undone_by = ? WHERE action_id = ?", (undo_id, action_id)
        )

    def _remove(self, coding_ids: Iterable[int], action_id: int) -> int:
        wanted = sorted({int(c) for c in coding_ids})
        if not wanted:
            return 0
        changed = self._execute(
            f"UPDATE codings SET removed_by = ? WHERE removed_by IS NULL "
            f"AND coding_id IN {self.INT_LIST}",
            (action_id, self._list(wanted)),
        ).rowcount
        if changed != len(wanted):
            raise CodingError(
                f"{len(wanted) - changed} of the {len(wanted)} codings to remove are not "
                "active (removed meanwhile?); nothing was changed, reload and try again"
            )
        return changed

    def _insert_codings(self, codings: Sequence[dict[str, Any]], action_id: int,
                        codebook_version: int, *, include_retired: bool = False,
                        ) -> list[int]:  # fmt: skip
        wanted = sorted({str(c["comment_id"]) for c in codings})
        texts = dict(self._execute(
            f"SELECT comment_id, text FROM comments WHERE comment_id IN {self.TEXT_LIST}",
            (self._list(wanted),),
        ).fetchall())  # fmt: skip
        revisions = dict(self._execute(
            f"SELECT comment_id, count(*) FROM comment_revisions WHERE comment_id IN "
            f"{self.TEXT_LIST} GROUP BY comment_id",
            (self._list(wanted),),
        ).fetchall())  # fmt: skip
        active = self._active_codes(include_retired=include_retired)
        now = utc_now()
        ids = []
        for n, coding in enumerate(codings):
            if active is not None and str(coding["code_id"]) not in active:
                raise CodingError(
                    f"coding {n + 1}: code {coding['code_id']!r} is not an active code of the "
                    "current codebook (merged, retired or unknown); reload the codebook and "
                    "code again; nothing was stored"
                )
            comment_id = str(coding["comment_id"])
            if comment_id not in texts:
                raise CodingError(f"coding {n + 1}: no comment {comment_id!r} in the project; "
                                  "nothing was stored")  # fmt: skip
            start, end = coding.get("span_start"), coding.get("span_end")
            if (start is None) != (end is None) or (
                start is not None and not 0 <= int(start) < int(end) <= len(texts[comment_id])
            ):
                raise CodingError(
                    f"coding {n + 1} of {comment_id!r}: span {start}..{end} is not inside its "
                    f"text of {len(texts[comment_id])} characters (give both start and end, "
                    "start < end); nothing was stored"
                )
            row = (
                comment_id, str(coding["code_id"]), str(coding["coder"]),
                coding.get("created_at") or now, coding.get("origin") or "manual",
                int(coding.get("codebook_version") or codebook_version),
                None if start is None else int(start), None if end is None else int(end),
                int(revisions.get(comment_id, 0)),
                sha256(texts[comment_id].encode()).hexdigest(), coding.get("memo"),
                coding.get("derived_from"), action_id,
            )  # fmt: skip
            new_id = self._one(
                f"INSERT INTO codings ({', '.join(_INSERT)}) VALUES "
                f"({', '.join('?' for _ in _INSERT)}) ON CONFLICT ({_ACTIVE_KEY}) "
                "WHERE removed_by IS NULL DO NOTHING RETURNING coding_id",
                row,
            )
            if new_id is not None:
                ids.append(int(new_id))
        return ids

    def codings(self, *, include_removed: bool = False, code_id: str | None = None,
                coder: str | None = None) -> pd.DataFrame:  # fmt: skip
        """Codings (active ones unless ``include_removed``), oldest first."""
        clauses, params = [], []
        if not include_removed:
            clauses.append("removed_by IS NULL")
        if code_id is not None:
            clauses.append("code_id = ?")
            params.append(code_id)
        if coder is not None:
            clauses.append("coder = ?")
            params.append(coder)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        frame = self._frame(f"SELECT * FROM codings{where} ORDER BY coding_id", params)
        for column in ("span_start", "span_end", "derived_from", "removed_by"):
            frame[column] = pd.array(frame[column], dtype="Int64")
        return frame

    def reviews(self, *, open_only: bool = True) -> pd.DataFrame:
        """Codings waiting to be looked at again, with the suggested code, oldest first."""
        where = " WHERE r.resolved_by IS NULL" if open_only else ""
        return self._frame(
            "SELECT r.coding_id, c.comment_id, c.code_id, c.coder, r.suggested_code, r.score, "
            "r.reason, r.added_by, r.resolved_by FROM coding_reviews AS r "
            f"JOIN codings AS c ON c.coding_id = r.coding_id{where} ORDER BY r.coding_id"
        )

    # -- memos --------------------------------------------------------------------------

    def add_memo(self, target_kind: str, target_id: str, text: str, author: str) -> int:
        """Attach a memo to a code, a thread, a comment or the project; returns its id."""
        if target_kind not in ("code", "thread", "comment", "project"):
            raise CodingError(f"a memo attaches to a code, thread, comment or project, "
                              f"not {target_kind!r}")  # fmt: skip

        def work() -> int:
            action_id = self._action("memo", author, {"target": [target_kind, target_id]})
            memo_id = self._insert_returning_id(
                "INSERT INTO memos (target_kind, target_id, author, at, text, added_by) "
                "VALUES (?, ?, ?, ?, ?, ?) RETURNING memo_id",
                (target_kind, target_id, author, utc_now(), text, action_id),
            )
            self._append(catalogue.MemoAdded(memo_id=memo_id, target_kind=target_kind,
                                             target_id=target_id, action_id=action_id), author)
            return memo_id

        return self.write(work, durable=True)

    def memos(self, target_kind: str | None = None) -> pd.DataFrame:
        """Memos not removed, oldest first."""
        sql = "SELECT memo_id, target_kind, target_id, author, at, text FROM memos " \
              "WHERE removed_by IS NULL"
        params: tuple = ()
        if target_kind:
            sql += " AND target_kind = ?"
            params = (target_kind,)
        return self._frame(sql + " ORDER BY memo_id", params)
