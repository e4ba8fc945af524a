r"""What a REFI-QDA project holds, as plain dataclasses (no database).

Offsets (``start``, ``end``) always index :attr:`QdaSource.text` in Python characters
(code points), end exclusive, with line ends as ``\\n``: whatever another program
counted (CRLF, UTF-16 units), the reader has already mapped it onto this text.

For a thread written by the workbench, :attr:`QdaSource.comments` says where each
comment's text sits in the source, and a coding also carries ``comment_id`` and its
span inside that comment (``span_start``/``span_end``; None for the whole comment).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from workbench.codebook.model import Codebook

#: What a note is attached to.
NoteTarget = Literal["project", "code", "thread", "comment", "source"]


class QdaUser(NamedTuple):
    """A user (coder, note author) as ``(guid, name)``: REFI-QDA knows the GUID, we the name."""

    guid: str
    name: str


@dataclass(frozen=True)
class CommentPlace:
    """Where one comment's text sits in its thread's source text."""

    comment_id: str
    start: int
    end: int


@dataclass
class QdaSource:
    r"""One plain-text source: for the workbench, one thread read as a conversation.

    Attributes
    ----------
    guid, name, text
        The source; ``text`` has no BOM and ``\\n`` line ends.
    thread_id : str or None
        The thread (our own exports only).
    comments : list of CommentPlace
        Where each comment's text sits in ``text`` (our own exports only), in order.
    description : str
        The source's description, less the part the workbench reads itself.
    created_at, creator : str or None
        When and by whom (user name) the source was made, if the file says.
    offsets : str
        How the file counted its offsets, as read: ``"lf"`` (the standard and what we
        write), ``"crlf"`` (every line end counted as two characters), ``"file"`` (line
        ends counted as they are in the file), each with ``"+utf16"`` when characters
        outside the Basic Multilingual Plane (emoji) counted as two.
    """

    guid: str
    name: str
    text: str
    thread_id: str | None = None
    comments: list[CommentPlace] = field(default_factory=list)
    description: str = ""
    created_at: str | None = None
    creator: str | None = None
    offsets: str = "lf"

    def place(self, comment_id: str) -> CommentPlace:
        """Where ``comment_id`` sits (KeyError when it is not in this source)."""
        for place in self.comments:
            if place.comment_id == comment_id:
                return place
        raise KeyError(comment_id)

    def locate(self, comment_id: str, span_start: int | None = None,
               span_end: int | None = None) -> tuple[int, int]:  # fmt: skip
        """Source offsets of a span of a comment (the whole comment without a span)."""
        place = self.place(comment_id)
        if span_start is None or span_end is None:
            return place.start, place.end
        return place.start + span_start, place.start + span_end


@dataclass
class QdaCoding:
    """One code applied by one coder to a span of a source.

    ``start``/``end`` index the source's text. For our own threads, ``comment_id`` and
    ``span_start``/``span_end`` say the same thing in comment terms (span None: the
    whole comment); a selection of another program that crosses comments is read as
    one coding per comment it touches.
    """

    source_guid: str
    code_id: str
    coder: str
    start: int
    end: int
    created_at: str | None = None
    memo: str = ""
    comment_id: str | None = None
    span_start: int | None = None
    span_end: int | None = None


@dataclass
class QdaNote:
    """A note (memo) and what it is attached to.

    ``target_kind``: ``project`` (``target_id`` None), ``code`` (a code id),
    ``thread`` (a thread id), ``comment`` (a comment id) or ``source`` (a source GUID;
    with ``start``/``end`` when it annotates a span of it). Memos of codings are not
    notes: they are :attr:`QdaCoding.memo`.
    """

    text: str
    target_kind: NoteTarget = "project"
    target_id: str | None = None
    author: str | None = None
    created_at: str | None = None
    name: str = ""
    start: int | None = None
    end: int | None = None


@dataclass
class QdaProject:
    """A REFI-QDA project: codebook, users, sources, codings and notes.

    ``origin`` is the program that wrote the file (when read); ``warnings`` lists
    what the reader had to work around (offsets recounted, a coding that falls
    between comments, a media source skipped, ...), for the user to see.
    """

    codebook: Codebook
    name: str = ""
    users: list[QdaUser] = field(default_factory=list)
    sources: list[QdaSource] = field(default_factory=list)
    codings: list[QdaCoding] = field(default_factory=list)
    notes: list[QdaNote] = field(default_factory=list)
    description: str = ""
    origin: str = ""
    created_at: str | None = None
    warnings: list[str] = field(default_factory=list)

    def source(self, guid: str) -> QdaSource:
        """The source with this GUID (KeyError when there is none)."""
        for source in self.sources:
            if source.guid == guid:
                return source
        raise KeyError(guid)


def default_note_name(note: QdaNote) -> str:
    """The name written for a note that has none (read back as ``""``)."""
    if note.target_kind == "project":
        return "Project memo"
    return f"Memo on {note.target_kind} {note.target_id}"
