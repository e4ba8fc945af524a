"""The queues a coder works through, and the hooks that other capabilities fill.

A queue is a fixed list of comments (made when it is opened, so moving back and
forth is stable while coding changes what is coded), each with a note saying why
it is there. The kinds are :data:`QUEUE_KINDS`:

``queue``
    The coding queue the explore notebook fills (``project.store.queue()``).
``thread``
    One thread in reading order (each comment, then its replies).
``cluster``
    The members of one cluster of a cluster run, most typical first.
``uncoded``
    Comments with text that the coder has not coded yet, in storage order.
``suggested``
    Comments suggested for a code, best first, from a :data:`SuggestionProvider`.
``reviews``
    The coder's codings a split asks to look at again (``project.store.reviews()``).
``disagreements``
    Comments coders coded differently, from a :data:`DisagreementProvider`.

**Hooks.** Suggestions and agreement are computed elsewhere
(``workbench.suggest``, ``workbench.agreement``); this module never imports them.
Pass their functions to :class:`~workbench.coding.session.CodingSession` as
``suggestions=`` and ``disagreements=``. Each may return comment ids (best first) or
a DataFrame with a ``comment_id`` column and optionally ``score``, ``reason`` and
``code_id`` (see :func:`items_from`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.coding.threads import shorten
from workbench.errors import CodingError

if TYPE_CHECKING:
    from workbench.coding.threads import CommentIndex
    from workbench.project import Project

#: Queue kinds and how the app names them.
QUEUE_KINDS: dict[str, str] = {
    "queue": "Coding queue",
    "thread": "A thread, in order",
    "cluster": "A cluster",
    "uncoded": "Uncoded comments",
    "suggested": "Suggested for a code",
    "reviews": "Re-review after a split",
    "disagreements": "Disagreements",
}

#: HOOK for ``workbench.suggest``: ``provider(project, code_id, coder)`` returns the
#: comments suggested for ``code_id`` to ``coder``, best first (comment ids, or a
#: DataFrame with ``comment_id`` and optionally ``score`` and ``reason``). Called when
#: the coder opens the queue; it must not block for long (train in the background).
SuggestionProvider = Callable[["Project", str, str], "pd.DataFrame | Sequence[str]"]
#: HOOK for ``workbench.agreement``: ``provider(project, coder)`` returns the comments
#: (units) on which coders disagree, most important first (comment ids, or a DataFrame
#: with ``comment_id`` and optionally ``code_id``, ``score`` and ``reason``).
DisagreementProvider = Callable[["Project", str], "pd.DataFrame | Sequence[str]"]


#: What to do when a queue of this kind is empty.
EMPTY_HINT = {
    "queue": "; send comments to it from the explore notebook, or open the uncoded comments",
    "uncoded": "; you have coded every comment with text",
    "reviews": "; no codings of yours wait for re-review",
    "suggested": "; suggestions are still being worked out in the background (they learn "
    "from your codings): open this queue again in a moment",
}


class QueueError(CodingError):
    """A queue that cannot be opened (unknown kind, thread, cluster, code or no provider)."""


@dataclass(frozen=True)
class QueueItem:
    """One comment of a queue, and why it is there.

    ``code_id`` is the code the item is about (a suggestion's code, a review's
    suggested code); coding the comment with it records the origin
    ``suggestion-accepted``. ``coding_id`` is the coding a review is about.
    """

    comment_id: str
    note: str = ""
    code_id: str | None = None
    score: float | None = None
    coding_id: int | None = None


@dataclass(frozen=True)
class Queue:
    """A named, fixed list of :class:`QueueItem` of one kind (see :data:`QUEUE_KINDS`)."""

    kind: str
    label: str
    items: tuple[QueueItem, ...] = ()
    skipped: int = 0
    """Entries left out because the project has no such comment (any more)."""

    def __len__(self) -> int:
        return len(self.items)

    def position_of(self, comment_id: str) -> int | None:
        """The first position of ``comment_id`` in the queue, or None."""
        return next((i for i, item in enumerate(self.items) if item.comment_id == comment_id),
                    None)  # fmt: skip


def make_queue(kind: str, label: str, items: Iterable[QueueItem],
               index: CommentIndex) -> Queue:  # fmt: skip
    """A queue of the items whose comment the project has (the rest are counted)."""
    given = list(items)
    kept = [item for item in given if item.comment_id in index]
    return Queue(kind, label, tuple(kept), skipped=len(given) - len(kept))


def build(kind: str, project: Project, index: CommentIndex, coder: str, *,
          thread_id: str | None = None, cluster: int | None = None, run_id: int | None = None,
          code_id: str | None = None, label_of: Callable[[str], str] = str,
          coded: Callable[[], set[str]] = set,
          suggestions: SuggestionProvider | None = None,
          disagreements: DisagreementProvider | None = None,
          ) -> tuple[str, list[QueueItem]]:  # fmt: skip
    """The label and items of a queue of ``kind`` for ``coder`` (see the module).

    ``coded()`` gives the comments the coder has coded; ``label_of`` a code's label.

    Raises
    ------
    QueueError
        An unknown kind, thread or cluster, no code for ``suggested``, or no provider.
    """
    if kind == "queue":
        return QUEUE_KINDS["queue"], coding_queue(project)
    if kind == "thread":
        if not thread_id or not index.has_thread(str(thread_id)):
            raise QueueError(f"the project has no thread {thread_id!r}; choose one of the "
                             "threads listed")  # fmt: skip
        return (f"thread {index.thread_title(str(thread_id))}",
                [QueueItem(c, "in thread order") for c in index.thread_order(str(thread_id))])
    if kind == "cluster":
        if cluster is None:
            raise QueueError("choose the cluster to code")
        return cluster_queue(project, int(cluster), run_id)
    if kind == "uncoded":
        done = coded()
        return QUEUE_KINDS["uncoded"], [QueueItem(c, "not coded by you yet") for c in index
                                        if c not in done and index.codable(c)]  # fmt: skip
    if kind == "suggested":
        if not code_id:
            raise QueueError("choose the code whose suggestions to code")
        label = f"suggested for {label_of(code_id)}"
        found = _provider(suggestions, "suggestions", "workbench.suggest")(project, code_id,
                                                                          coder)  # fmt: skip
        done = coded()  # suggestions may be a refresh behind: drop what was coded since
        return label, [i for i in items_from(found, label, code_id) if i.comment_id not in done]
    if kind == "reviews":
        return QUEUE_KINDS["reviews"], review_queue(project, coder, label_of)
    if kind == "disagreements":
        found = _provider(disagreements, "disagreements", "workbench.agreement")(project, coder)
        return QUEUE_KINDS["disagreements"], items_from(found, "disagreement")
    raise QueueError(f"no queue {kind!r}; choose one of {', '.join(QUEUE_KINDS)}")


def _provider(provider: Any, name: str, where: str) -> Any:
    if provider is None:
        raise QueueError(f"no {name} provider: pass CodingSession(..., {name}=function), e.g. "
                         f"from {where}, to open this queue")  # fmt: skip
    return provider


def items_from(found: pd.DataFrame | Sequence[str] | None, what: str,
               default_code: str | None = None) -> list[QueueItem]:  # fmt: skip
    """Queue items from a provider's answer (see the module's *Hooks*).

    Raises
    ------
    QueueError
        If a DataFrame has no ``comment_id`` column.
    """
    if found is None:
        return []
    if not isinstance(found, pd.DataFrame):
        return [QueueItem(str(c), what, default_code) for c in found]
    if "comment_id" not in found.columns:
        raise QueueError(
            f"the {what} provider returned columns {list(found.columns)}; it must return "
            "comment ids, or a DataFrame with a comment_id column"
        )
    items = []
    for row in found.to_dict(orient="records"):
        score = _number(row.get("score"))
        reason = row.get("reason")
        note = what + (f" (score {score:.2f})" if score is not None else "") + (
            f": {reason}" if isinstance(reason, str) and reason else "")  # fmt: skip
        code = row.get("code_id")
        items.append(QueueItem(str(row["comment_id"]), note,
                               str(code) if isinstance(code, str) else default_code, score))
    return items


def coding_queue(project: Project) -> list[QueueItem]:
    """The coding queue, in the order comments were queued, noting where from."""
    queued = project.store.queue()
    return [QueueItem(str(c), f"queued from {source}")
            for c, source in zip(queued["comment_id"], queued["source"], strict=True)]  # fmt: skip


def cluster_queue(project: Project, cluster: int, run_id: int | None = None
                  ) -> tuple[str, list[QueueItem]]:  # fmt: skip
    """The members of ``cluster`` of a run (the newest by default), most probable first.

    Returns the queue's label and its items.

    Raises
    ------
    StoreError
        If there is no run yet, or no run ``run_id``.
    QueueError
        If the run has no such cluster.
    """
    run = project.store.run(run_id)
    members = project.store.run_members(run["run_id"])
    chosen = members.loc[members["cluster"] == int(cluster)]
    if chosen.empty:
        known = sorted(int(c) for c in members["cluster"].unique())
        raise QueueError(f"run {run['run_id']} has no cluster {cluster}; its clusters: {known}")
    chosen = chosen.sort_values(["probability", "comment_id"], ascending=[False, True])
    label = f"run {run['run_id']}, cluster {int(cluster)}"
    return label, [QueueItem(str(c), f"{label} (probability {p:.2f})", score=float(p))
                   for c, p in zip(chosen["comment_id"], chosen["probability"], strict=True)]


@dataclass(frozen=True)
class ClusterPlan:
    """Coding a whole cluster with one code: the members, each to confirm.

    ``rows`` has ``comment_id``, ``text`` (shortened), ``probability`` and ``coded``
    (already coded with the code by this coder: those are not coded again).
    """

    code_id: str
    label: str
    rows: pd.DataFrame = field(repr=False)

    @property
    def comment_ids(self) -> list[str]:
        """The members not coded with the code yet (the default confirmation)."""
        return self.rows.loc[~self.rows["coded"], "comment_id"].tolist()


def plan_cluster(project: Project, index: CommentIndex, coded: Callable[[str], bool],
                 code_id: str, cluster: int, run_id: int | None = None) -> ClusterPlan:  # fmt: skip
    """The members of a cluster with text, most probable first, to code with ``code_id``.

    ``coded(comment_id)`` says whether the coder has coded a comment with the code.
    """
    label, items = cluster_queue(project, int(cluster), run_id)
    rows = [{"comment_id": item.comment_id, "text": shorten(index.text(item.comment_id), 160),
             "probability": item.score, "coded": bool(coded(item.comment_id))}
            for item in items
            if item.comment_id in index and index.codable(item.comment_id)]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["comment_id", "text", "probability", "coded"])
    return ClusterPlan(code_id, label, frame.astype({"coded": bool}))


def cluster_options(project: Project, run_id: int | None = None) -> list[tuple[str, int]]:
    """``(label, cluster)`` of a run's clusters (the newest run's by default).

    The label gives the cluster's size and keywords; outliers (-1) come last. An
    empty list when the project has no run yet.
    """
    if run_id is None and project.store.runs().empty:
        return []
    run = project.store.run(run_id)
    options = []
    for row in project.store.run_clusters(run["run_id"]).itertuples():
        words = ", ".join(str(term) for term, _ in list(row.keywords)[:4])
        name = "outliers" if int(row.cluster) < 0 else words or "no keywords"
        options.append((f"{int(row.cluster)}: {name} ({int(row.size)})", int(row.cluster)))
    return options


def review_queue(project: Project, coder: str, label_of: Callable[[str], str]
                 ) -> list[QueueItem]:  # fmt: skip
    """The coder's codings a split asks to look at again, oldest first."""
    reviews = project.store.reviews()
    mine = reviews.loc[reviews["coder"] == coder]
    items = []
    for row in mine.to_dict(orient="records"):
        suggested = row["suggested_code"] if isinstance(row["suggested_code"], str) else None
        note = f"your coding {label_of(str(row['code_id']))} needs a new code ({row['reason']})"
        if suggested:
            score = _number(row.get("score"))
            note += f"; suggested: {label_of(suggested)}" + (
                f" (score {score:.2f})" if score is not None else "")  # fmt: skip
        items.append(QueueItem(str(row["comment_id"]), note, suggested,
                               _number(row.get("score")), int(row["coding_id"])))
    return items


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number  # NaN: no score
