"""Agreement figures and the disagreement review: the controller behind the agreement view.

:class:`AgreementSession` is pure Python (no widgets), so everything the view does
can be tested headless::

    session = AgreementSession(project)             # the figures are computed here
    session.table()                                 # per code and overall, both levels
    session.disagreements()                         # comments the coders differ on
    session.select("reddit:t1_c1")                  # its text and every coder's codes
    session.settle(["waiting"])                     # the consensus: these codes
    session.accept("ben")                           # or: ben's codings, passages and all
    session.undo()                                  # the last settlement, exactly

A settlement is stored as codings by the coder :data:`CONSENSUS` with origin
``consensus`` (the reviewer is the actor of the action that stores them), next to
the coders' own codings, which stay as they were. So the final coding (the consensus
where there is one) and the reliability figures (which leave the consensus out)
remain visible side by side, and every settlement is in the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.agreement.figures import (
    CONSENSUS,
    AgreementReport,
    Bootstrap,
    choose,
    measure,
    text_lengths,
)
from workbench.agreement.stats import AgreementError

if TYPE_CHECKING:
    from workbench.codebook.model import Codebook
    from workbench.project import Project

#: Columns of :meth:`AgreementSession.disagreements`.
DISAGREEMENT_COLUMNS: tuple[str, ...] = (
    "comment_id", "kind", "coders", "agreed", "disputed", "settled", "consensus", "text",
)  # fmt: skip
#: Kinds of disagreement: over which codes apply, or only over the passages coded.
KINDS: tuple[str, ...] = ("codes", "passages")
#: The origin of consensus codings.
ORIGIN = "consensus"


class AgreementSession:
    """Agreement figures of a project, and a review that settles each disagreement.

    Parameters
    ----------
    project : Project
        The open project.
    codes, coders : sequence of str, optional
        What to measure and review (default: the codebook's active codes; every
        coder with codings but :data:`CONSENSUS`).
    reviewer : str, optional
        Who settles (the actor of the consensus codings; default the project's actor).
    bootstrap : Bootstrap, optional
        Confidence interval settings (default: 1000 replicates, seed 0, 95 %).

    Attributes
    ----------
    report : AgreementReport or None
        The figures; None while they cannot be computed (see :attr:`problem`).
    problem : str or None
        Why there are no figures yet (no codebook, fewer than two coders), in words.
    selected : str or None
        The comment under review (see :meth:`select`).
    message : str
        What the last settlement or undo did, in words.
    """

    def __init__(self, project: Project, *, codes: Sequence[str] | None = None,
                 coders: Sequence[str] | None = None, reviewer: str | None = None,
                 bootstrap: Bootstrap | None = None) -> None:  # fmt: skip
        self.project = project
        self.reviewer = reviewer or project.actor
        self.bootstrap = bootstrap or Bootstrap()
        self._wanted_codes = list(codes) if codes else None
        self._wanted_coders = list(coders) if coders else None
        self.report: AgreementReport | None = None
        self.problem: str | None = None
        self.codebook: Codebook | None = None
        self.codes: list[str] = []
        self.coders: list[str] = []
        self.selected: str | None = None
        self.message = ""
        self._codings: dict[str, pd.DataFrame] = {}
        self._comments = pd.DataFrame()
        self._units = pd.DataFrame(columns=list(DISAGREEMENT_COLUMNS))
        self._history: list[list[int]] = []
        self._disputes: dict[str, dict[str, set[str]]] = {}
        self.refresh()

    # -- the figures -----------------------------------------------------------------

    def refresh(self) -> None:
        """Read the codebook and codings again and recompute the figures."""
        from workbench.codebook import service

        self.report, self.problem = None, None
        self.codebook = service.current(self.project)
        if self.codebook is None:
            self.problem = ("This project has no codebook yet: adopt one (notebook 03 or "
                            "`workbench codebook init`), then code with two or more coders.")
            self._units = self._units.iloc[0:0]
            return
        codings = self.project.store.codings()
        try:
            self.codes, self.coders = choose(self.codebook, codings, self._wanted_codes,
                                             self._wanted_coders)  # fmt: skip
        except AgreementError as exc:
            self.problem = f"No agreement figures yet: {exc}."
            self._units = self._units.iloc[0:0]
            return
        labels = {code.id: code.label for code in self.codebook.codes}
        self.report = measure(codings, coders=self.coders, codes=self.codes, labels=labels,
                              lengths=text_lengths(self.project, codings),
                              bootstrap=self.bootstrap)  # fmt: skip
        self._disputes = {level: units.disputes() for level, units in self.report.units.items()}
        wanted = set(self.report.units["comment"].comments)
        comments = self.project.comments()
        self._comments = comments[comments["comment_id"].isin(wanted)].set_index("comment_id")
        self._read_codings(codings)

    def status(self) -> str:
        """One line: who is compared, on how many comments; or why nothing is."""
        if self.report is None:
            return self.problem or ""
        sizes = self.report.levels
        open_ = int((~self._units["settled"]).sum()) if len(self._units) else 0
        spans = (f", {sizes['span']['comments']} with passages" if "span" in sizes else "")
        return (f"{len(self.coders)} coders ({', '.join(self.coders)}) on {len(self.codes)} "
                f"codes: {sizes['comment']['comments']} comments coded by two or more{spans}; "
                f"{len(self._units)} disagreements, {open_} not settled yet")  # fmt: skip

    def table(self) -> pd.DataFrame:
        """The figures per level and code (:data:`~workbench.agreement.figures.COLUMNS`)."""
        if self.report is None:
            from workbench.agreement.figures import COLUMNS

            return pd.DataFrame(columns=list(COLUMNS))
        return self.report.table.copy()

    def label(self, code_id: str) -> str:
        """A code's label (its id when the codebook does not have it)."""
        if self.codebook is not None and self.codebook.has(code_id):
            return self.codebook.code(code_id).label
        return code_id

    # -- the review ------------------------------------------------------------------

    def disagreements(self, *, include_settled: bool = False) -> pd.DataFrame:
        """Comments the coders differ on (:data:`DISAGREEMENT_COLUMNS`), first coded first.

        ``kind`` is ``codes`` where some but not all of the coders who coded the
        comment applied a code, ``passages`` where they applied the same codes to
        different passages; ``disputed`` lists the codes concerned either way.
        ``consensus`` lists the settled codes.
        """
        units = self._units if include_settled else self._units[~self._units["settled"]]
        return units.reset_index(drop=True)

    def select(self, comment_id: str) -> dict[str, Any]:
        """Put a comment under review; returns :meth:`unit`."""
        details = self.unit(comment_id)
        self.selected = comment_id
        return details

    def unit(self, comment_id: str | None = None) -> dict[str, Any]:
        """A comment with every coder's codings of the codes reviewed, and the consensus.

        Returns
        -------
        dict
            ``comment_id``, ``text``, ``author``, ``created_at``, ``url``, ``kind``
            (None when the coders agree), ``agreed`` (codes every coder applied),
            ``disputed`` (codes applied by some only, or to different passages), ``coders``
            (coder → list of codings: ``code_id``, ``label``, ``span``, ``passage``,
            ``memo``), ``consensus`` (the same for the settled coding), and
            ``proposed``: the codes to offer ticked (the consensus, or the codes all
            coders applied).
        """
        comment_id = self._chosen(comment_id)
        row = self._units[self._units["comment_id"] == comment_id]
        comment = self._comments.loc[comment_id]
        text = "" if pd.isna(comment["text"]) else str(comment["text"])
        everything = self._codings[comment_id]
        mine = everything[everything["code_id"].isin(self.codes)]
        coded = sorted(set(everything["coder"]) & set(self.coders))
        by_coder = {who: _described(mine[mine["coder"] == who], text, self.label)
                    for who in coded}  # fmt: skip
        consensus = _described(mine[mine["coder"] == CONSENSUS], text, self.label)
        applied = [{c["code_id"] for c in by_coder[who]} for who in coded]
        agreed = [c for c in self.codes if all(c in s for s in applied)]
        differ = set().union(*(level.get(comment_id, set()) for level in self._disputes.values()))
        disputed = [c for c in self.codes if c in differ]
        settled = list(dict.fromkeys(c["code_id"] for c in consensus))
        return {
            "comment_id": comment_id, "text": text,
            "author": _text(comment.get("author_pseudonym")),
            "created_at": _text(comment.get("created_at")), "url": _text(comment.get("url")),
            "kind": None if row.empty else row["kind"].iloc[0],
            "agreed": agreed, "disputed": disputed, "coders": by_coder,
            "consensus": consensus, "proposed": settled or agreed,
        }  # fmt: skip

    def settle(self, codes: Sequence[str], comment_id: str | None = None, *,
               memo: str | None = None) -> str:  # fmt: skip
        """Record ``codes`` (whole-comment) as the consensus of a comment.

        The consensus codings of the codes reviewed become exactly these; consensus
        codings of other codes stay. Returns :attr:`message`.

        Raises
        ------
        AgreementError
            For a code not reviewed here, a comment not coded by two of the coders,
            or a consensus left without any code (the store cannot yet record
            "no code applies").
        """
        comment_id = self._chosen(comment_id)
        unknown = [c for c in codes if c not in self.codes]
        if unknown:
            raise AgreementError(f"code {unknown[0]!r} is not among the codes reviewed: "
                                 f"{', '.join(self.codes)}")  # fmt: skip
        chosen = list(dict.fromkeys(codes))
        wanted = [{"comment_id": comment_id, "code_id": c, "coder": CONSENSUS,
                   "memo": memo or None, "origin": ORIGIN} for c in chosen]  # fmt: skip
        return self._replace(comment_id, wanted, ", ".join(chosen) or "no code")

    def accept(self, coder: str, comment_id: str | None = None) -> str:
        """Record one coder's codings of a comment (passages, memos) as its consensus.

        Returns :attr:`message`; each consensus coding names the coding it copies
        (``derived_from``).
        """
        comment_id = self._chosen(comment_id)
        if coder not in self.coders:
            raise AgreementError(f"{coder!r} is not one of the coders compared: "
                                 f"{', '.join(self.coders)}")  # fmt: skip
        everything = self._codings[comment_id]
        rows = everything[(everything["coder"] == coder) & everything["code_id"].isin(self.codes)]
        wanted = [{"comment_id": comment_id, "code_id": r["code_id"], "coder": CONSENSUS,
                   "span_start": _int(r["span_start"]), "span_end": _int(r["span_end"]),
                   "memo": None if pd.isna(r["memo"]) else r["memo"], "origin": ORIGIN,
                   "derived_from": int(r["coding_id"])}
                  for r in rows.to_dict(orient="records")]  # fmt: skip
        return self._replace(comment_id, wanted, f"{coder}'s coding")

    def undo(self) -> str:
        """Undo the latest settlement of this session (its actions, latest first)."""
        if not self._history:
            raise AgreementError("nothing to undo: no settlement made in this review yet")
        actions = self._history.pop()
        for action in reversed(actions):
            self.project.store.undo_action(action, self.reviewer)
        self._read_codings()
        self.message = f"undid the settlement (actions {', '.join(map(str, actions))})"
        return self.message

    # -- inside ----------------------------------------------------------------------

    def _replace(self, comment_id: str, wanted: list[dict[str, Any]], what: str) -> str:
        """Make the consensus codings of the reviewed codes on a comment exactly ``wanted``."""
        assert self.codebook is not None
        current = self.project.store.codings(coder=CONSENSUS)  # fresh: a colleague may review
        current = current[current["comment_id"] == comment_id]
        reviewed = current[current["code_id"].isin(self.codes)]
        keys = {_key(w) for w in wanted}
        stale = [int(r["coding_id"]) for r in reviewed.to_dict(orient="records")
                 if _key(r) not in keys]  # fmt: skip
        have = {_key(r) for r in reviewed.to_dict(orient="records")}
        new = [w for w in wanted if _key(w) not in have]
        if not wanted and len(current) == len(stale):
            raise AgreementError(
                f"{comment_id}: a consensus needs at least one code (the store cannot yet "
                "record that no code applies); choose the codes that apply"
            )
        if not new and not stale:
            self.message = f"{comment_id}: that is the consensus already; nothing changed"
            return self.message
        actions = []
        if new:
            action, _ = self.project.store.add_codings(
                new, self.reviewer, codebook_version=self.codebook.version, kind="code")
            actions.append(action)
        if stale:
            actions.append(self.project.store.remove_codings(stale, self.reviewer))
        self._history.append(actions)
        self._read_codings()
        self.message = (f"{comment_id}: settled by {self.reviewer} as {what} "
                        f"({len(new)} added, {len(stale)} removed)")  # fmt: skip
        return self.message

    def _read_codings(self, codings: pd.DataFrame | None = None) -> None:
        """Read the codings and make the list of disagreements (figures unchanged)."""
        assert self.report is not None
        codings = self.project.store.codings() if codings is None else codings
        wanted = self.report.units["comment"].comments
        codings = codings[codings["comment_id"].isin(wanted)]
        self._codings = {str(c): rows for c, rows in codings.groupby("comment_id", sort=False)}
        by_codes, by_passages = self._disputes["comment"], self._disputes.get("span", {})
        rows = []
        for comment_id in self.report.units["comment"].comments:
            kind = "codes" if comment_id in by_codes else (
                "passages" if comment_id in by_passages else None)  # fmt: skip
            if kind is None:
                continue
            unit = self.unit(comment_id)
            rows.append({"comment_id": comment_id, "kind": kind,
                         "coders": sorted(unit["coders"]), "agreed": unit["agreed"],
                         "disputed": unit["disputed"], "settled": bool(unit["consensus"]),
                         "consensus": list(dict.fromkeys(c["code_id"] for c in unit["consensus"])),
                         "text": unit["text"]})  # fmt: skip
        self._units = pd.DataFrame(rows, columns=list(DISAGREEMENT_COLUMNS))
        self._units["settled"] = self._units["settled"].astype(bool)

    def _chosen(self, comment_id: str | None) -> str:
        if self.report is None:
            raise AgreementError(self.problem or "no agreement figures yet")
        comment_id = comment_id or self.selected
        if comment_id is None:
            raise AgreementError("choose a comment to review first")
        if comment_id not in self._comments.index:
            raise AgreementError(f"comment {comment_id!r} is not coded by two or more of "
                                 f"{', '.join(self.coders)}; there is nothing to settle")
        return comment_id


def _described(rows: pd.DataFrame, text: str, label: Any) -> list[dict[str, Any]]:
    """Codings as the review shows them: code, label, passage, memo."""
    out = []
    for r in rows.to_dict(orient="records"):
        start, end = _int(r["span_start"]), _int(r["span_end"])
        out.append({"code_id": r["code_id"], "label": label(r["code_id"]),
                    "span": None if start is None else (start, end),
                    "passage": None if start is None else text[start:end],
                    "memo": None if pd.isna(r["memo"]) else r["memo"]})  # fmt: skip
    return out


def _key(coding: dict[str, Any]) -> tuple[str, int | None, int | None]:
    return (str(coding["code_id"]), _int(coding.get("span_start")), _int(coding.get("span_end")))


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)



def disagreement_provider(project: Project, coder: str) -> pd.DataFrame:
    """The comments ``coder`` coded that the coders disagree on, for the coding app's queue.

    Matches the coding app's ``DisagreementProvider`` hook (``comment_id`` and a
    ``reason``); no confidence intervals are computed for it.
    """
    session = AgreementSession(project, bootstrap=Bootstrap(replicates=0))
    units = session.disagreements()
    if units.empty:
        return pd.DataFrame(columns=["comment_id", "reason"])
    mine = units[[coder in (coders or ()) for coders in units["coders"]]]
    # Blind mode: say that they differ, never which codes the others applied.
    reasons = [f"coders differ over the {'codes' if kind == 'codes' else 'passages'} here"
               for kind in mine["kind"]]
    return pd.DataFrame({"comment_id": mine["comment_id"].tolist(), "reason": reasons})
