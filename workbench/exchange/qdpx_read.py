"""Reading REFI-QDA projects (``.qdpx``) written by us or by another program.

What varies between exporters, and how it is read:

- the ``.qde`` is ``project.qde``, or the one ``*.qde`` at the top of the zip (or, in
  a zip made of a project folder, the one inside it);
- the source folder is ``Sources/`` or ``sources/`` (names are matched ignoring
  case); a text is inline (``PlainTextContent``) or a file named by
  ``plainTextPath``: ``internal://x.txt``, a bare ``x.txt``, or a ``relative://`` or
  ``absolute://`` path, which is looked for in the archive by its file name (files
  outside the archive are not read);
- text files may have a BOM, be UTF-16, or have CRLF line ends; offsets may count
  CRLF as one or two characters and emoji as one or two
  (:mod:`workbench.exchange.offsets` picks the reading per source);
- optional attributes are often missing: a coding without ``creatingUser`` takes the
  selection's user, then the project's; dates fall back to ``modifiedDateTime``;
- a coding's memo is a ``<Note>`` referenced from the ``<Coding>``, or the
  selection's ``<Description>`` (QualCoder); a selection with notes but no coding is
  an annotation, whose note may also be tied to it by a ``<Link>`` (NVivo);
- a note referenced from nowhere is a project memo. PDF, picture, audio and video
  sources are skipped, with a warning that counts their codings.

Our own threads come back as comments: each selection maps to the comments it
touches (:mod:`workbench.exchange.threads`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from workbench.codebook.model import new_code_id
from workbench.errors import ExchangeError
from workbench.exchange.model import (
    QdaCoding,
    QdaNote,
    QdaProject,
    QdaSource,
    QdaUser,
    default_note_name,
)
from workbench.exchange.offsets import (
    LINE_ENDS,
    UNITS,
    OffsetMap,
    choose_map,
    decode,
    split_newlines,
)
from workbench.exchange.qdc import codebook_set, read_codes
from workbench.exchange.threads import comments_in, read_thread_block, selection_name
from workbench.exchange.xmlio import (
    ORIGIN,
    child,
    child_text,
    children,
    normal_guid,
    parse_xml,
)

#: Largest member of an archive that is read (a guard against zip bombs).
MAX_MEMBER_BYTES = 1 << 30
_MEDIA = ("PDFSource", "PictureSource", "AudioSource", "VideoSource")


def read_qdpx(path: str | Path, *, line_ends: str = "auto", units: str = "auto") -> QdaProject:
    """Read a REFI-QDA project file.

    Parameters
    ----------
    path : str or Path
        The ``.qdpx`` file.
    line_ends : {"auto", "lf", "crlf", "file"}
        How the file's offsets count line ends; ``auto`` decides per source (our own
        files: ``lf``).
    units : {"auto", "codepoints", "utf16"}
        How they count characters outside the Basic Multilingual Plane.

    Returns
    -------
    QdaProject
        With ``warnings`` listing whatever was worked around.

    Raises
    ------
    ExchangeError
        Naming the file, the member and line, and the element: not a zip, no
        ``.qde``, malformed XML, a coding of an unknown code, a missing source text.
    """
    if line_ends not in ("auto", *LINE_ENDS) or units not in ("auto", *UNITS):
        raise ExchangeError(path, f"line_ends={line_ends!r}, units={units!r}: expected "
                            f"line_ends in auto, {', '.join(LINE_ENDS)} and units in auto, "
                            f"{', '.join(UNITS)}")  # fmt: skip
    return _Reader(Path(path), line_ends, units).read()


class _Reader:
    def __init__(self, path: Path, line_ends: str, units: str) -> None:
        self.path, self.line_ends, self.units = path, line_ends, units
        self.warnings: list[str] = []
        self.notes: list[QdaNote] = []
        self.codings: list[QdaCoding] = []
        self.referenced: set[str] = set()
        #: selection guid -> (target kind, target id, start, end) for annotations.
        self.selections: dict[str, tuple[str, str | None, int | None, int | None]] = {}
        #: source guid -> (target kind, target id) of a note on the whole source.
        self.sources_by_guid: dict[str, tuple[str, str | None]] = {}
        self.warned_no_coder = False
        #: comment id -> where a selection of part of it was seen (for one warning).
        self.partial: dict[str, str] = {}
        self.starts: tuple[QdaSource | None, list[int]] = (None, [])

    # -- the archive ---------------------------------------------------------------------

    def read(self) -> QdaProject:
        try:
            archive = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise ExchangeError(self.path, "does not exist") from None
        except (zipfile.BadZipFile, OSError) as exc:
            raise ExchangeError(self.path, f"is not a REFI-QDA project: not a zip archive "
                                f"({exc})", hint="a .qdpx is the zip another program writes "
                                "with 'Export as REFI-QDA project'") from None  # fmt: skip
        with archive:
            self.archive = archive
            self.members = {info.filename.replace("\\", "/").lstrip("/").lower(): info
                            for info in archive.infolist() if not info.is_dir()}  # fmt: skip
            qde = self._qde()
            self.tree = parse_xml(self._bytes(qde, None), self.path, qde.filename)
            return self._project()

    def _qde(self) -> zipfile.ZipInfo:
        found = [(key, info) for key, info in self.members.items() if key.endswith(".qde")]
        top = [info for key, info in found if "/" not in key] or [info for _, info in found]
        chosen = self.members.get("project.qde") or (top[0] if len(top) == 1 else None)
        if chosen is None:
            listing = ", ".join(sorted(info.filename for info in self.members.values())[:10])
            problem = "has several .qde files" if top else "has no project.qde"
            raise ExchangeError(self.path, f"{problem} (it holds: {listing or 'nothing'})",
                                hint="a REFI-QDA project holds one project.qde at its top")
        return chosen

    def _bytes(self, info: zipfile.ZipInfo, element: ET.Element | None) -> bytes:
        if info.file_size > MAX_MEMBER_BYTES:
            raise ExchangeError(self.path, f"member {info.filename!r} would unpack to "
                                f"{info.file_size} bytes, more than {MAX_MEMBER_BYTES}",
                                where=self.tree.where(element) if element is not None
                                else None)  # fmt: skip
        try:
            return self.archive.read(info)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ExchangeError(self.path, f"member {info.filename!r} cannot be unpacked "
                                f"({exc})", hint="the file is damaged; export it again") \
                from None  # fmt: skip

    def _member(self, reference: str, element: ET.Element) -> zipfile.ZipInfo:
        """The archive member a ``plainTextPath`` names (folders matched ignoring case)."""
        text = unquote(reference.strip())
        scheme, found, rest = text.partition("://")
        relative = (rest if found else text).replace("\\", "/").lstrip("/").lower()
        for key in (f"sources/{relative}", relative):
            if key in self.members:
                return self.members[key]
        name = PurePosixPath(relative).name
        matches = [info for key, info in self.members.items() if PurePosixPath(key).name == name]
        if len(matches) == 1:
            if found and scheme.lower() != "internal":
                self.warnings.append(f"{self.tree.where(element, 'guid')}: {reference!r} "
                                     f"points outside the archive; read {matches[0].filename}")
            return matches[0]
        raise ExchangeError(self.path, f"the text file {reference!r} is not in the archive",
                            where=self.tree.where(element, "guid", "name"),
                            hint="files outside the .qdpx are not read; export the project "
                            "again with its sources included")  # fmt: skip

    # -- the project ---------------------------------------------------------------------

    def _project(self) -> QdaProject:
        root, tree = self.tree.root, self.tree
        if root.tag != "Project":
            raise ExchangeError(self.path, f"the root element is <{root.tag}>, not <Project>",
                                where=tree.where(root),
                                hint="is this a REFI-QDA project? A codebook is a .qdc")
        self.origin = root.get("origin") or ""
        self.ours = self.origin.startswith(ORIGIN)
        users = child(root, "Users")
        self.users = {normal_guid(u.get("guid")): (u.get("name") or u.get("id")
                                                   or str(u.get("guid")))
                      for u in (children(users, "User") if users is not None else [])}
        self.default_user = self._user_name(root.get("creatingUserGUID"), None)
        notes = child(root, "Notes")
        self.note_elements = {normal_guid(n.get("guid")): n
                              for n in (children(notes, "Note") if notes is not None else [])}
        name = root.get("name") or self.path.stem
        meta, order = codebook_set(root)
        book = child(root, "CodeBook")
        read = read_codes(tree, child(book, "Codes") if book is not None else None, self.path,
                          meta=meta, default_id=new_code_id(name, set()), default_title=name,
                          warnings=self.warnings, order=order)  # fmt: skip
        self.codebook, self.code_ids = read.codebook, read.ids
        for code_id, element in read.elements.items():
            for ref in children(element, "NoteRef"):
                self._attach(ref, "code", code_id)
        sources: list[QdaSource] = []
        skipped: Counter[str] = Counter()
        found = child(root, "Sources")
        for element in list(found) if found is not None else []:
            representation = child(element, "Representation")
            if element.tag == "TextSource" or (element.tag == "PDFSource"
                                               and representation is not None):
                pdf = element.tag == "PDFSource"
                source = self._source(representation if pdf else element,  # type: ignore
                                      element.get("name") if pdf else None)
                if source is not None:
                    sources.append(source)
                if pdf:
                    skipped["codings"] += sum(1 for e in element.iter("PDFSelection")
                                              for c in e.iter("Coding"))
                    self.warnings.append(f"{tree.where(element, 'name')}: read through its "
                                         "plain-text representation")  # fmt: skip
            elif element.tag in _MEDIA:
                skipped[element.tag] += 1
                skipped["codings"] += sum(1 for e in element.iter() if e.tag == "Coding")
        if skipped:
            kinds = ", ".join(f"{n} {k}" for k, n in skipped.items() if k != "codings")
            self.warnings.append(f"{tree.name}: skipped {kinds or 'PDF regions'} (only text is "
                                 f"read) with {skipped['codings']} codings")  # fmt: skip
        self._links(root)
        for ref in children(root, "NoteRef"):
            self._attach(ref, "project", None)
        for guid in self.note_elements:
            if guid not in self.referenced:
                self.notes.append(self._note(guid, "project", None))
        return QdaProject(
            codebook=self.codebook, name=name,
            users=[QdaUser(str(guid), user) for guid, user in self.users.items()],
            sources=sources, codings=self.codings, notes=self.notes,
            description=child_text(root, "Description") or "", origin=self.origin,
            created_at=root.get("creationDateTime") or root.get("modifiedDateTime"),
            warnings=self.warnings,
        )  # fmt: skip

    def _user_name(self, guid: str | None, element: ET.Element | None) -> str | None:
        key = normal_guid(guid)
        if key is None:
            return None
        if key not in self.users:
            if element is not None:
                self.warnings.append(f"{self.tree.where(element, 'guid')}: user {guid} is not "
                                     "among the project's users; named by the guid")
            self.users[key] = key
        return self.users[key]

    # -- notes ---------------------------------------------------------------------------

    def _note_text(self, element: ET.Element) -> str:
        content = child_text(element, "PlainTextContent")
        if content is not None:
            return content
        if element.get("plainTextPath"):
            data = self._bytes(self._member(element.get("plainTextPath", ""), element), element)
            return split_newlines(decode(data)[0])[0]
        return child_text(element, "Description") or ""

    def _note(self, guid: str, kind: str, target: str | None, start: int | None = None,
              end: int | None = None) -> QdaNote:  # fmt: skip
        element = self.note_elements[guid]
        return QdaNote(self._note_text(element), kind, target,  # type: ignore[arg-type]
                       author=self._user_name(element.get("creatingUser")
                                              or element.get("modifyingUser"), element),
                       created_at=element.get("creationDateTime")
                       or element.get("modifiedDateTime"),
                       name=self._note_name(element, kind, target), start=start,
                       end=end)  # fmt: skip

    def _note_name(self, element: ET.Element, kind: str, target: str | None) -> str:
        """The note's name; one we made up when writing it reads back as ``""``."""
        name = element.get("name") or ""
        made_up = default_note_name(QdaNote("", kind, target))  # type: ignore[arg-type]
        return "" if self.ours and name == made_up else name

    def _attach(self, ref: ET.Element, kind: str, target: str | None,
                start: int | None = None, end: int | None = None) -> None:  # fmt: skip
        guid = normal_guid(ref.get("targetGUID"))
        if guid not in self.note_elements:
            self.warnings.append(f"{self.tree.where(ref, 'targetGUID')}: refers to a note "
                                 "that is not in the project; ignored")  # fmt: skip
            return
        self.referenced.add(guid)  # type: ignore[arg-type]
        self._annotated((kind, target, start, end))
        self.notes.append(self._note(guid, kind, target, start, end))  # type: ignore[arg-type]

    def _memo(self, coding: ET.Element) -> list[str]:
        texts = []
        for ref in children(coding, "NoteRef"):
            guid = normal_guid(ref.get("targetGUID"))
            if guid in self.note_elements:
                self.referenced.add(guid)  # type: ignore[arg-type]
                texts.append(self._note_text(self.note_elements[guid]))
            else:
                self.warnings.append(f"{self.tree.where(ref, 'targetGUID')}: refers to a note "
                                     "that is not in the project; ignored")  # fmt: skip
        return texts

    def _links(self, root: ET.Element) -> None:
        links = child(root, "Links")
        ignored = 0
        for link in children(links, "Link") if links is not None else []:
            ends = [normal_guid(link.get("originGUID")), normal_guid(link.get("targetGUID"))]
            notes = [g for g in ends if g in self.note_elements]
            others = [g for g in ends if g not in self.note_elements]
            if len(notes) != 1 or not others:
                ignored += 1
                continue
            note, other = notes[0], others[0]
            self.referenced.add(note)  # type: ignore[arg-type]
            if other in self.selections:
                kind, target, start, end = self.selections[other]
                self._annotated((kind, target, start, end))
                self.notes.append(self._note(note, kind, target, start, end))  # type: ignore
            elif other in self.code_ids:
                self.notes.append(self._note(note, "code", self.code_ids[other]))  # type: ignore
            elif other in self.sources_by_guid:
                self.notes.append(self._note(note, *self.sources_by_guid[other]))  # type: ignore
            else:
                ignored += 1
        if ignored:
            self.warnings.append(f"{self.tree.name}: {ignored} links between codes, sources or "
                                 "selections were not read (the workbench keeps none)")

    # -- sources -------------------------------------------------------------------------

    def _source(self, element: ET.Element, name: str | None = None) -> QdaSource | None:
        tree = self.tree
        guid = normal_guid(element.get("guid"))
        if not guid:
            raise ExchangeError(self.path, "a text source has no guid",
                                where=tree.where(element, "name"))
        path = element.get("plainTextPath")
        content = child_text(element, "PlainTextContent")
        name = name or element.get("name") or PurePosixPath(
            (path or "").replace("\\", "/").split("://")[-1]).name or guid
        if content is not None and (content or not path):
            raw = content
        elif path:
            raw, note = decode(self._bytes(self._member(path, element), element))
            if note:
                self.warnings.append(f"{tree.where(element, 'name')}: the text {note}")
        else:
            codings = sum(1 for e in element.iter() if e.tag == "Coding")
            self.warnings.append(f"{tree.where(element, 'name')}: has no plain text (only "
                                 f"{element.get('richTextPath') or 'nothing'}); skipped with "
                                 f"{codings} codings")  # fmt: skip
            return None
        text, widths = split_newlines(raw)
        human, thread_id, places, note = read_thread_block(
            child_text(element, "Description") or "", text)
        if note:
            self.warnings.append(f"{tree.where(element, 'name')}: {note}")
        source = QdaSource(
            guid=guid, name=name, text=text, thread_id=thread_id, comments=places,
            description=human, created_at=element.get("creationDateTime"),
            creator=self._user_name(element.get("creatingUser"), element),
        )  # fmt: skip
        whole_target = ("thread", thread_id) if thread_id else ("source", guid)
        self.sources_by_guid[guid] = whole_target
        selections = children(element, "PlainTextSelection")
        spans = [self._positions(s) for s in selections]
        offsets = self._map(source, widths, spans)
        source.offsets = offsets.basis
        for ref in children(element, "NoteRef"):
            self._attach(ref, *whole_target)
        for coding in children(element, "Coding"):  # the whole source coded
            self._coding(source, coding, element, 0, len(text), None, [])
        for selection, (start, end) in zip(selections, spans, strict=True):
            self._selection(source, selection, offsets.start(start), offsets.end(end))
        return source

    def _positions(self, selection: ET.Element) -> tuple[int, int]:
        try:
            start = int(selection.get("startPosition", ""))
            end = int(selection.get("endPosition", ""))
        except ValueError:
            raise ExchangeError(self.path, "startPosition and endPosition must be whole "
                                f"numbers, not {selection.get('startPosition')!r} and "
                                f"{selection.get('endPosition')!r}",
                                where=self.tree.where(selection, "guid")) from None
        if start > end:
            self.warnings.append(f"{self.tree.where(selection, 'guid')}: starts after it ends "
                                 f"({start} > {end}); read as {end}..{start}")
            start, end = end, start
        return start, end

    def _map(self, source: QdaSource, widths: list[int],
             spans: list[tuple[int, int]]) -> OffsetMap:  # fmt: skip
        ends, units = self.line_ends, self.units
        if self.ours:
            ends, units = ("lf" if ends == "auto" else ends), (
                "codepoints" if units == "auto" else units)
        offsets = choose_map(source.text, widths, spans, line_ends=ends, units=units,
                             prefer_lf="atlas" in self.origin.lower())  # fmt: skip
        if offsets.basis != "lf":
            self.warnings.append(f"source {source.name!r}: offsets were counted as "
                                 f"{offsets.basis} (not plain LF); mapped onto the text")
        outside = sum(1 for s, e in spans if s < 0 or e > offsets.counted_length)
        if outside:
            self.warnings.append(f"source {source.name!r}: {outside} selections reach outside "
                                 f"its {len(source.text)} characters; cut at its end")
        return offsets

    def _selection(self, source: QdaSource, selection: ET.Element, start: int, end: int) -> None:
        name = selection.get("name")
        guid = normal_guid(selection.get("guid")) or ""
        codings = children(selection, "Coding")
        description = (child_text(selection, "Description") or "").strip()
        memo = [description] if description and codings else []
        target = self._annotation_target(source, selection, start, end)
        self.selections[guid] = target
        for ref in children(selection, "NoteRef"):
            self._attach(ref, *target)
        if description and not codings:
            self._annotated(target)
            kind, target_id, start_at, end_at = target
            self.notes.append(QdaNote(description, kind, target_id, name=name or "",  # type: ignore
                                      start=start_at, end=end_at))
        for coding in codings:
            self._coding(source, coding, selection, start, end, name, memo)

    def _starts(self, source: QdaSource) -> list[int]:
        """The start offsets of the source's comments (kept per source)."""
        if self.starts[0] is not source:
            self.starts = (source, [place.start for place in source.comments])
        return self.starts[1]

    def _annotation_target(self, source: QdaSource, selection: ET.Element, start: int,
                           end: int) -> tuple[str, str | None, int | None, int | None]:
        """What a note on this selection is attached to: its comment (ours), or the span."""
        if source.comments:
            touched = comments_in(source, start, end, self._starts(source))
            if len(touched) == 1:
                place, a, b = touched[0]
                if (a, b) != (0, place.end - place.start):
                    self.partial[place.comment_id] = self.tree.where(selection, "guid")
                return "comment", place.comment_id, None, None
        return "source", source.guid, start, end

    def _annotated(self, target: tuple[str, str | None, int | None, int | None]) -> None:
        """Warn (once per comment) when a note on part of a comment becomes its note."""
        kind, comment_id = target[0], target[1]
        if kind == "comment" and comment_id in self.partial:
            self.warnings.append(f"{self.partial.pop(comment_id)}: a note on part of comment "
                                 f"{comment_id!r} is kept as a note on the whole comment")

    def _coding(self, source: QdaSource, coding: ET.Element, holder: ET.Element, start: int,
                end: int, name: str | None, memo: list[str]) -> None:  # fmt: skip
        tree = self.tree
        ref = child(coding, "CodeRef")
        target = normal_guid(ref.get("targetGUID")) if ref is not None else None
        if target is None:
            raise ExchangeError(self.path, "a coding has no <CodeRef targetGUID=...>",
                                where=tree.where(coding, "guid"),
                                hint="each <Coding> names the code it applies")
        if target not in self.code_ids:
            raise ExchangeError(self.path, f"the coding points to code {ref.get('targetGUID')}"
                                ", which is not in the codebook",
                                where=tree.where(coding, "guid"),
                                hint="the file is inconsistent; export it again with its "
                                "codebook")  # fmt: skip
        coder = self._user_name(coding.get("creatingUser") or holder.get("creatingUser")
                                or holder.get("modifyingUser"), coding) or self.default_user
        if coder is None:
            coder = "unknown"
            if not self.warned_no_coder:
                self.warned_no_coder = True
                self.warnings.append(f"{tree.name}: some codings name no coder; read as "
                                     "'unknown'")  # fmt: skip
        text = "\n\n".join(memo + self._memo(coding))
        created = coding.get("creationDateTime") or holder.get("creationDateTime") \
            or holder.get("modifiedDateTime")  # fmt: skip
        base = {"source_guid": source.guid, "code_id": self.code_ids[target], "coder": coder,
                "created_at": created, "memo": text}  # fmt: skip
        if not source.comments:
            self.codings.append(QdaCoding(start=start, end=end, **base))
            return
        touched = comments_in(source, start, end, self._starts(source))
        if not touched:
            self.warnings.append(f"{tree.where(coding, 'guid')}: selects {start}..{end} of "
                                 f"{source.name!r}, outside every comment's text; kept without "
                                 "a comment")  # fmt: skip
            self.codings.append(QdaCoding(start=start, end=end, **base))
        for place, a, b in touched:
            whole = (a, b) == (0, place.end - place.start) and \
                name != selection_name(place.comment_id, a, b)  # fmt: skip
            self.codings.append(QdaCoding(
                start=place.start + a, end=place.start + b, comment_id=place.comment_id,
                span_start=None if whole else a, span_end=None if whole else b, **base))

