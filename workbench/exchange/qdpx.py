"""Projects as REFI-QDA ``.qdpx`` files: a zip of ``project.qde`` and ``Sources/``.

Writing (:func:`write_qdpx`)
    One ``TextSource`` per source (per thread, see :mod:`workbench.exchange.threads`),
    its text in ``Sources/<guid>.txt`` (UTF-8, no BOM, LF line ends) referenced as
    ``plainTextPath="internal://<guid>.txt"``; offsets count code points of that
    text. Codings of the same span (and of the same comment) share one
    ``PlainTextSelection``, with one ``<Coding>`` per code and coder
    (``creatingUser``, ``creationDateTime``); a coding's memo is a ``<Note>``
    referenced from its ``<Coding>``. Notes on a code, a thread or the project are
    referenced from that element; a note on a comment (or on a span of a source)
    annotates a selection of it. The codebook travels as in a ``.qdc``
    (:mod:`workbench.exchange.qdc`). Every GUID is stable (:func:`xmlio.guid_for`).

Reading (:func:`read_qdpx`)
    See :mod:`workbench.exchange.qdpx_read`.
"""

from __future__ import annotations

import os
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict
from pathlib import Path

from workbench import __version__
from workbench.codebook.model import Code
from workbench.errors import ExchangeError
from workbench.exchange.model import QdaCoding, QdaNote, QdaProject, QdaSource, default_note_name
from workbench.exchange.qdc import write_codebook_set, write_codes
from workbench.exchange.qdpx_read import read_qdpx
from workbench.exchange.threads import selection_name, thread_block
from workbench.exchange.xmlio import ORIGIN, PROJECT_NS, Writer, code_guid, guid_for, xml_datetime

__all__ = ["read_qdpx", "write_qdpx"]


def write_qdpx(path: str | Path, project: QdaProject) -> Path:
    """Write ``project`` as a REFI-QDA project file (replacing ``path`` atomically).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ExchangeError
        For a coding or note that points at nothing (unknown source, code, comment or
        thread), offsets outside a source's text, or a date that is not ISO 8601.
    """
    path = Path(path)
    _check(path, project)
    qde = _ProjectXml(path, project).build()
    folder = path.resolve().parent
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("project.qde", qde)
            for source in project.sources:
                archive.writestr(f"Sources/{source.guid}.txt", source.text.encode("utf-8"))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _check(path: Path, project: QdaProject) -> None:
    sources = {source.guid: source for source in project.sources}
    if len(sources) != len(project.sources):
        raise ExchangeError(path, "two sources share one guid; every source needs its own")
    for source in project.sources:
        if "\r" in source.text or source.text.startswith("\ufeff"):
            raise ExchangeError(path, f"source {source.name!r} holds carriage returns or starts "
                                "with a BOM; its offsets would not survive", hint="normalise "
                                "its line ends to \\n (comment texts in the store already are)")
    places = {(s.guid, p.comment_id): p for s in project.sources for p in s.comments}
    for n, coding in enumerate(project.codings, start=1):
        what = f"coding {n} (code {coding.code_id!r}, coder {coding.coder!r})"
        source = sources.get(coding.source_guid)
        if source is None:
            raise ExchangeError(path, f"{what}: source {coding.source_guid!r} is not in the "
                                "project")  # fmt: skip
        if not project.codebook.has(coding.code_id):
            raise ExchangeError(path, f"{what}: the code is not in codebook "
                                f"{project.codebook.id!r}")  # fmt: skip
        if not 0 <= coding.start <= coding.end <= len(source.text):
            raise ExchangeError(path, f"{what}: offsets {coding.start}..{coding.end} are not "
                                f"inside source {source.name!r} ({len(source.text)} "
                                "characters)")  # fmt: skip
        if coding.comment_id is not None:
            place = places.get((source.guid, coding.comment_id))
            if place is None:
                raise ExchangeError(path, f"{what}: comment {coding.comment_id!r} is not in "
                                    f"source {source.name!r}")  # fmt: skip
            expected = (place.start, place.end) if coding.span_start is None or \
                coding.span_end is None else (place.start + coding.span_start,
                                              place.start + coding.span_end)  # fmt: skip
            if expected != (coding.start, coding.end):
                raise ExchangeError(path, f"{what}: offsets {coding.start}..{coding.end} do "
                                    f"not match comment {coding.comment_id!r} span "
                                    f"{coding.span_start}..{coding.span_end} "
                                    f"({expected[0]}..{expected[1]})")  # fmt: skip


class _ProjectXml:
    """Builds ``project.qde`` for one project."""

    def __init__(self, path: Path, project: QdaProject) -> None:
        self.path, self.project = path, project
        self.w = Writer(PROJECT_NS)
        self.users = {user.name: user.guid for user in project.users}
        self.notes: list[tuple[str, QdaNote]] = []  # (guid, note), in writing order
        self.thread_source = {s.thread_id: s for s in project.sources if s.thread_id}
        self.comment_source = {p.comment_id: s for s in project.sources for p in s.comments}
        self.codings_of: defaultdict[str, list[QdaCoding]] = defaultdict(list)
        for coding in project.codings:
            self.codings_of[coding.source_guid].append(coding)

    def user(self, name: str | None) -> str | None:
        if name is None:
            return None
        if name not in self.users:
            self.users[name] = guid_for("user", name)
        return self.users[name]

    def date(self, value: str | None, what: str) -> str | None:
        return xml_datetime(value, what, self.path)

    def note_ref(self, parent: ET.Element, note: QdaNote, key: str) -> None:
        guid = guid_for("note", key)
        self.notes.append((guid, note))
        self.w.element(parent, "NoteRef", {"targetGUID": guid})

    def build(self) -> bytes:
        project, w = self.project, self.w
        for coding in project.codings:
            self.user(coding.coder)
        for note in project.notes:
            self.user(note.author)
        root = w.element(None, "Project", {
            "name": project.name or project.codebook.title, "origin": f"{ORIGIN} {__version__}",
            "creationDateTime": self.date(project.created_at, "the project's creation time"),
        })  # fmt: skip
        users = w.element(root, "Users")
        by_target = self._notes_by_target()
        book = project.codebook

        def code_notes(code: Code, element: ET.Element) -> None:
            for i, note in enumerate(by_target[("code", code.id)]):
                self.note_ref(element, note, f"code/{code.id}/{i}")

        if book.codes:
            write_codes(w, w.element(root, "CodeBook"), book, extra=code_notes)
        if project.sources:
            sources = w.element(root, "Sources")
            for source in project.sources:
                self._source(sources, source, by_target)
        project_refs = by_target[("project", None)]
        refs = [(guid_for("note", f"project/{i}"), note) for i, note in enumerate(project_refs)]
        self.notes.extend(refs)
        if self.notes:
            notes = w.element(root, "Notes")
            for guid, note in self.notes:
                element = w.element(notes, "Note", {
                    "guid": guid, "name": note.name or default_note_name(note),
                    "creatingUser": self.user(note.author),
                    "creationDateTime": self.date(note.created_at, f"note {note.name!r}"),
                })  # fmt: skip
                w.element(element, "PlainTextContent", text=note.text)
        if book.codes:
            book_set = write_codebook_set(w, w.element(root, "Sets"), book)
            for code in book.codes:
                w.element(book_set, "MemberCode", {"targetGUID": code_guid(book.id, code.id)})
        if project.description:
            w.element(root, "Description", text=project.description)
        for guid, _ in refs:
            w.element(root, "NoteRef", {"targetGUID": guid})
        for name, guid in sorted(self.users.items()):
            w.element(users, "User", {"guid": guid, "name": name})
        if not self.users:
            root.remove(users)
        return w.tostring(root)

    def _notes_by_target(self) -> defaultdict[tuple[str, str | None], list[QdaNote]]:
        by_target: defaultdict[tuple[str, str | None], list[QdaNote]] = defaultdict(list)
        source_guids = {source.guid for source in self.project.sources}
        known = {"project": lambda t: True, "code": self.project.codebook.has,
                 "thread": lambda t: t in self.thread_source,
                 "comment": lambda t: t in self.comment_source,
                 "source": lambda t: t in source_guids}
        for note in self.project.notes:
            kind, target = note.target_kind, note.target_id
            if kind not in known or not known[kind](target):
                raise ExchangeError(self.path, f"note {note.name or note.text[:30]!r} is "
                                    f"attached to {kind} {target!r}, which is not in the "
                                    "project")  # fmt: skip
            if kind == "project":
                target = None
            by_target[(kind, target)].append(note)
        return by_target

    def _source(self, parent: ET.Element, source: QdaSource,
                by_target: defaultdict[tuple[str, str | None], list[QdaNote]]) -> None:
        w = self.w
        element = w.element(parent, "TextSource", {
            "guid": source.guid, "name": source.name,
            "plainTextPath": f"internal://{source.guid}.txt",
            "creatingUser": self.user(source.creator),
            "creationDateTime": self.date(source.created_at, f"source {source.name!r}"),
        })  # fmt: skip
        description = thread_block(source) if source.thread_id else source.description
        if description:
            w.element(element, "Description", text=description)
        groups: dict[tuple[int, int, str | None], list[QdaCoding | QdaNote]] = defaultdict(list)
        for coding in self.codings_of[source.guid]:
            name = selection_name(coding.comment_id, coding.span_start, coding.span_end) \
                if coding.comment_id is not None else None  # fmt: skip
            groups[(coding.start, coding.end, name)].append(coding)
        for place in source.comments:
            for note in by_target[("comment", place.comment_id)]:
                groups[(place.start, place.end, place.comment_id)].append(note)
        for note in by_target[("source", source.guid)]:
            if note.start is not None and note.end is not None:
                groups[(note.start, note.end, None)].append(note)
        for (start, end, name), items in sorted(groups.items(), key=lambda g: (g[0][:2],
                                                                              g[0][2] or "")):
            key = f"{source.guid}/{start}-{end}/{name or ''}"
            selection = w.element(element, "PlainTextSelection", {
                "guid": guid_for("selection", key), "name": name,
                "startPosition": str(start), "endPosition": str(end),
            })  # fmt: skip
            self._codings(selection, key, [i for i in items if isinstance(i, QdaCoding)])
            for i, note in enumerate(i for i in items if isinstance(i, QdaNote)):
                self.note_ref(selection, note, f"annotation/{key}/{i}")
        whole = list(by_target[("thread", source.thread_id)]) if source.thread_id else []
        whole += [n for n in by_target[("source", source.guid)] if n.start is None]
        for i, note in enumerate(whole):
            self.note_ref(element, note, f"source/{source.guid}/{i}")

    def _codings(self, selection: ET.Element, key: str, codings: list[QdaCoding]) -> None:
        seen: set[str] = set()
        book = self.project.codebook
        for coding in codings:
            guid = guid_for("coding", key, coding.code_id, coding.coder)
            n = 1
            while guid in seen:
                n += 1
                guid = guid_for("coding", key, coding.code_id, coding.coder, str(n))
            seen.add(guid)
            element = self.w.element(selection, "Coding", {
                "guid": guid, "creatingUser": self.user(coding.coder),
                "creationDateTime": self.date(coding.created_at,
                                              f"coding of {coding.code_id!r} ({key})"),
            })  # fmt: skip
            self.w.element(element, "CodeRef", {"targetGUID": code_guid(book.id, coding.code_id)})
            if coding.memo:
                where = coding.comment_id or key
                memo = QdaNote(coding.memo, author=coding.coder, created_at=coding.created_at,
                               name=f"Memo: {book.code(coding.code_id).label} on {where}")
                self.note_ref(element, memo, f"memo/{guid}")

