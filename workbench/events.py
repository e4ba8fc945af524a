"""The catalogue of events: every kind of change the audit trail records.

Each kind is a frozen dataclass with a ``KIND`` (the name stored in the ``events``
table) and a payload ``VERSION``. The store writes an event together with the
change it describes, in one unit of work (:meth:`workbench.store.Store.record`);
:func:`parse` turns a stored row back into its dataclass, validating every field,
so the trail can be read back, checked and replayed (:func:`replay`).

Adding a kind: write the dataclass here, decorate it with :func:`event_kind`, and
bump ``VERSION`` whenever its payload changes shape (keep reading old versions in
``from_payload``).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from workbench.errors import EventError

__all__ = [
    "EVENT_KINDS",
    "ActionUndone",
    "ClusterRunStored",
    "CodebookRevised",
    "CodingsAdded",
    "CodingsRemoved",
    "CommentsQueued",
    "CommentsEmbedded",
    "Event",
    "FeedbackImported",
    "FileImported",
    "FindingsPublished",
    "MemoAdded",
    "ProjectCreated",
    "ProjectRestored",
    "RecordedEvent",
    "SchemaUpgraded",
    "StoreMigrated",
    "event_kind",
    "parse",
    "replay",
]


class Event:
    """Base of every event kind: a payload with a kind name and a payload version."""

    KIND: ClassVar[str] = ""
    VERSION: ClassVar[int] = 1

    def payload(self) -> dict[str, Any]:
        """The JSON-ready payload stored in the ``events`` table."""
        return dataclasses.asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any], version: int) -> Event:
        """Rebuild an event from its stored payload, checking every field.

        Raises
        ------
        EventError
            If the version is newer than this workbench knows, a required field is
            missing, a field is unknown, or a value has the wrong type.
        """
        if version > cls.VERSION:
            raise EventError(
                f"event {cls.KIND!r} has payload version {version}; this workbench reads "
                f"up to {cls.VERSION}: upgrade the workbench package"
            )
        if not isinstance(payload, Mapping):
            raise EventError(f"event {cls.KIND!r}: payload should be an object, got {payload!r}")
        hints = typing.get_type_hints(cls)
        known = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(payload) - set(known))
        if unknown:
            raise EventError(f"event {cls.KIND!r}: unknown fields {unknown}")
        values = {}
        for name, spec in known.items():
            if name not in payload:
                required = spec.default is dataclasses.MISSING
                if required and spec.default_factory is dataclasses.MISSING:
                    raise EventError(f"event {cls.KIND!r}: required field {name!r} is missing")
                continue
            value = payload[name]
            if not _matches(value, hints[name]):
                raise EventError(
                    f"event {cls.KIND!r}: field {name!r} should be {hints[name]}, got {value!r}"
                )
            values[name] = value
        return cls(**values)


EVENT_KINDS: dict[str, type[Event]] = {}
"""Every event kind by its stored name."""

E = TypeVar("E", bound=type[Event])


def event_kind(cls: E) -> E:
    """Class decorator: register an event kind in :data:`EVENT_KINDS`."""
    if not cls.KIND or cls.KIND in EVENT_KINDS:
        raise RuntimeError(f"event kind {cls.KIND!r} is empty or registered twice")
    EVENT_KINDS[cls.KIND] = cls
    return cls


def _matches(value: Any, hint: Any) -> bool:
    """Whether a JSON value fits a (simple) type hint."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, option) for option in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is Any:
        return True
    if origin in (list, tuple):
        (item, *_) = typing.get_args(hint) or (Any,)
        return isinstance(value, list | tuple) and all(_matches(v, item) for v in value)
    if origin is dict:
        return isinstance(value, dict)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


# -- the kinds ----------------------------------------------------------------------------


@event_kind
@dataclass(frozen=True)
class ProjectCreated(Event):
    """A project was created (``demo``: built by ``workbench demo``, safe to replace)."""

    KIND: ClassVar[str] = "project-created"
    name: str
    demo: bool = False


@event_kind
@dataclass(frozen=True)
class FileImported(Event):
    """One file of an import landed (one event per file, all in the import's unit)."""

    KIND: ClassVar[str] = "import"
    VERSION: ClassVar[int] = 2  # 2: ``flagged`` rows (imported with a problem noted)
    file: str
    format: str
    import_id: int
    sha256: str = ""
    rows: int = 0
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    gaps: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    flagged: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@event_kind
@dataclass(frozen=True)
class CommentsEmbedded(Event):
    """Comments were embedded (only written when something was computed)."""

    KIND: ClassVar[str] = "embed"
    model: str
    backend: str
    comments: int
    embedded: int
    cached: int
    skipped: int
    seconds: float
    long_texts: str = "chunk"
    threads: int | None = None
    cache: str = ""
    model_name: str | None = None


@event_kind
@dataclass(frozen=True)
class ClusterRunStored(Event):
    """A cluster run was stored."""

    KIND: ClassVar[str] = "cluster"
    run_id: int
    params: dict[str, Any]
    input_hash: str
    clusters: int
    outliers: int
    model: str


@event_kind
@dataclass(frozen=True)
class CommentsQueued(Event):
    """Comments were added to the coding queue (``comment_ids``: those added, in order)."""

    KIND: ClassVar[str] = "queue-add"
    source: str
    comment_ids: list[str]
    added: int
    run_id: int | None = None


@event_kind
@dataclass(frozen=True)
class StoreMigrated(Event):
    """The project's data was copied into another database (``workbench migrate``)."""

    KIND: ClassVar[str] = "store-migrated"
    source: str
    target: str
    counts: dict[str, int]


@event_kind
@dataclass(frozen=True)
class SchemaUpgraded(Event):
    """The database schema was upgraded when the project was opened."""

    KIND: ClassVar[str] = "schema-upgraded"
    from_version: int
    to_version: int
    migrations: list[str]
    backup: str = ""


@event_kind
@dataclass(frozen=True)
class ProjectRestored(Event):
    """The project was restored from a backup (``workbench restore``)."""

    KIND: ClassVar[str] = "project-restored"
    backup: str
    taken_at: str
    counts: dict[str, int]


@event_kind
@dataclass(frozen=True)
class CodebookRevised(Event):
    """A codebook version was stored: adopted, revised (add, merge, ...) or undone."""

    KIND: ClassVar[str] = "codebook-revised"
    version: int
    codebook_id: str
    operation: str
    action_id: int
    rationale: str = ""
    codes: list[str] = field(default_factory=list)
    codings_removed: int = 0
    codings_added: int = 0


@event_kind
@dataclass(frozen=True)
class CodingsAdded(Event):
    """Codings were stored (``kind``: code, bulk or import) as one action."""

    KIND: ClassVar[str] = "codings-added"
    action_id: int
    codings: int
    coders: list[str]
    codebook_version: int
    kind: str = "code"


@event_kind
@dataclass(frozen=True)
class CodingsRemoved(Event):
    """Codings were removed (their rows kept) as one action."""

    KIND: ClassVar[str] = "codings-removed"
    action_id: int
    codings: int


@event_kind
@dataclass(frozen=True)
class ActionUndone(Event):
    """A coding action was undone: its codings changed back exactly."""

    KIND: ClassVar[str] = "action-undone"
    action_id: int
    undone: int
    codings_restored: int
    codings_removed: int


@event_kind
@dataclass(frozen=True)
class MemoAdded(Event):
    """A memo was attached to a code, thread, comment or the project."""

    KIND: ClassVar[str] = "memo-added"
    memo_id: int
    target_kind: str
    target_id: str
    action_id: int


@event_kind
@dataclass(frozen=True)
class FindingsPublished(Event):
    """An anonymised findings app was written (``workbench publish``)."""

    KIND: ClassVar[str] = "findings-published"
    out_dir: str
    bundle_id: str
    bundle_sha256: str
    codebook_version: int
    min_authors: int
    themes: int
    hidden_themes: int
    quotes: int
    quotes_pending: int


@event_kind
@dataclass(frozen=True)
class FeedbackImported(Event):
    """Advisory members' feedback from an app folder became memos on themes."""

    KIND: ClassVar[str] = "feedback-imported"
    app: str
    feedback_ids: list[str]
    memo_ids: list[int]


# -- reading back -------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedEvent:
    """An event as stored: its id, time, actor and typed payload."""

    event_id: int
    at: str
    actor: str
    event: Event

    @property
    def kind(self) -> str:
        """The event's kind name."""
        return self.event.KIND


def parse(
    event_id: int, at: str, actor: str, kind: str, payload: Any, version: int
) -> RecordedEvent:
    """Turn one stored event row into a :class:`RecordedEvent`.

    Raises
    ------
    EventError
        Naming the event id, for an unknown kind or a payload that does not fit it.
    """
    cls = EVENT_KINDS.get(kind)
    if cls is None:
        raise EventError(
            f"event {event_id}: unknown kind {kind!r}; known: {', '.join(sorted(EVENT_KINDS))}"
        )
    try:
        event = cls.from_payload(payload, int(version))
    except EventError as exc:
        raise EventError(f"event {event_id}: {exc}") from None
    return RecordedEvent(event_id=int(event_id), at=str(at), actor=str(actor), event=event)


def replay(
    events: Iterable[RecordedEvent],
    handlers: Mapping[type[Event], Callable[[RecordedEvent], None]],
) -> int:
    """Call the handler of each event's kind, oldest first; returns how many were handled.

    Kinds without a handler are passed over, so a replay can rebuild one derived
    view (the coding queue, say) from the whole trail.
    """
    handled = 0
    for recorded in events:
        handler = handlers.get(type(recorded.event))
        if handler is not None:
            handler(recorded)
            handled += 1
    return handled
