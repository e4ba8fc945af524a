"""Codebooks as REFI-QDA ``.qdc`` files (and the codebook part of a ``.qdpx``).

Writing
    Codes nest as ``<Code>`` elements following ``parent``; ``isCodable`` is true for
    active codes only; ``color`` is the code's ``#RRGGBB``; ``<Description>`` holds the
    definition with the other fields folded in as labelled paragraphs
    (:mod:`workbench.exchange.describe`). Each code's GUID is
    ``uuid5(GUID_NAMESPACE, "code:<codebook id>/<code id>")``
    (:func:`workbench.exchange.xmlio.code_guid`): the same in every export. The
    codebook's own id, title, version, description and change log travel in the
    description of one ``<Set>`` ("Codebook: <title>") whose members are all codes.

Reading
    A code whose GUID is ours (recomputed from the codebook id and the code id named
    in its description) gets its id back; so does one whose description still names
    its workbench id (other programs may issue new GUIDs); any other code gets a
    readable id made from its name (:func:`workbench.codebook.model.new_code_id`,
    unique). Descriptions in our shape give back every field; any other description
    becomes the ``definition``. A code that is not codable and says nothing else is
    ``retired``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from workbench import __version__
from workbench.codebook.model import CODE_ID_PATTERN, Code, Codebook, new_code_id
from workbench.errors import ExchangeError
from workbench.exchange.describe import (
    describe_code,
    describe_codebook,
    read_code_description,
    read_codebook_description,
)
from workbench.exchange.xmlio import (
    CODEBOOK_NS,
    ORIGIN,
    Writer,
    XmlTree,
    child,
    child_text,
    children,
    code_guid,
    guid_for,
    normal_guid,
    parse_xml,
)

_ID = re.compile(CODE_ID_PATTERN)
_SHORT_COLOR = re.compile(r"^#([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def codebook_to_qdc(codebook: Codebook) -> bytes:
    """The codebook as a REFI-QDA codebook file (``.qdc``, UTF-8 XML).

    Raises
    ------
    ExchangeError
        When the codebook has no codes (the standard needs at least one).
    """
    if not codebook.codes:
        raise ExchangeError(None, f"codebook {codebook.id!r} has no codes; a REFI-QDA "
                            "codebook needs at least one", hint="add a code first")  # fmt: skip
    writer = Writer(CODEBOOK_NS)
    root = writer.element(None, "CodeBook", {"origin": f"{ORIGIN} {__version__}"})
    write_codes(writer, root, codebook)
    sets = writer.element(root, "Sets")
    book_set = write_codebook_set(writer, sets, codebook)
    for code in codebook.codes:
        writer.element(book_set, "MemberCode", {"guid": code_guid(codebook.id, code.id)})
    return writer.tostring(root)


def write_codes(writer: Writer, parent: ET.Element, codebook: Codebook,
                extra: Callable[[Code, ET.Element], None] | None = None) -> ET.Element:  # fmt: skip
    """Add ``<Codes>`` with the nested code tree; ``extra`` may add to each code.

    ``extra(code, element)`` runs after the code's ``<Description>`` and before its
    child codes (where a project's ``<NoteRef>`` elements belong).
    """
    codes = writer.element(parent, "Codes")

    def add(under: ET.Element, code: Code) -> None:
        element = writer.element(under, "Code", {
            "guid": code_guid(codebook.id, code.id), "name": code.label,
            "isCodable": "true" if code.status == "active" else "false", "color": code.color,
        })  # fmt: skip
        writer.element(element, "Description", text=describe_code(code))
        if extra is not None:
            extra(code, element)
        for sub in codebook.children(code.id):
            add(element, sub)

    for top in codebook.children(None):
        add(codes, top)
    return codes


def write_codebook_set(writer: Writer, sets: ET.Element, codebook: Codebook) -> ET.Element:
    """Add the ``<Set>`` carrying the codebook's own fields (members added by the caller)."""
    book_set = writer.element(sets, "Set", {"guid": guid_for("codebook", codebook.id),
                                            "name": f"Codebook: {codebook.title}"})
    writer.element(book_set, "Description", text=describe_codebook(codebook))
    return book_set


# -- reading ---------------------------------------------------------------------------


def qdc_to_codebook(data: bytes, source: str | Path = "<codebook.qdc>", *,
                    warnings: list[str] | None = None) -> Codebook:  # fmt: skip
    """Read a REFI-QDA codebook (``.qdc``) written by us or by another program.

    Parameters
    ----------
    data : bytes
        The file's content.
    source : str or Path
        Its name, for messages; its stem names a foreign codebook.
    warnings : list of str, optional
        Receives a line for every value that had to be worked around (an invalid
        colour, a merge target that is missing, ...).

    Raises
    ------
    ExchangeError
        Naming the file, line and element when the XML is malformed or not a codebook.
    """
    tree = parse_xml(data, source, Path(str(source)).name, member=False)
    if tree.root.tag != "CodeBook":
        raise ExchangeError(source, f"the root element is <{tree.root.tag}>, not <CodeBook>",
                            where=tree.where(tree.root),
                            hint="is this a REFI-QDA codebook (.qdc)? A project is a .qdpx")
    meta, order = codebook_set(tree.root)
    stem = Path(str(source)).stem
    return read_codes(tree, child(tree.root, "Codes"), source, meta=meta, order=order,
                      default_id=stem, default_title=stem,
                      warnings=warnings if warnings is not None else []).codebook


def codebook_set(root: ET.Element) -> tuple[dict[str, Any] | None, list[str]]:
    """Our codebook set under ``root``: the codebook's fields, and code GUIDs in order.

    ``(None, [])`` when there is none.
    """
    sets = child(root, "Sets")
    for candidate in children(sets, "Set") if sets is not None else []:
        meta = read_codebook_description(child_text(candidate, "Description") or "")
        if meta is not None:
            members = children(candidate, "MemberCode")
            return meta, [normal_guid(m.get("guid") or m.get("targetGUID")) or ""
                          for m in members]  # fmt: skip
    return None, []


@dataclass
class ReadCodes:
    """A codebook read from ``<Codes>``, with the GUID of each code."""

    codebook: Codebook
    #: Normalised GUID -> code id.
    ids: dict[str, str]
    #: Code id -> its ``<Code>`` element.
    elements: dict[str, ET.Element]


@dataclass
class _Found:
    element: ET.Element
    guid: str
    parent: int | None
    fields: dict[str, Any] | None
    id: str | None = None


def read_codes(tree: XmlTree, codes: ET.Element | None, source: str | Path, *,
               meta: dict[str, Any] | None, default_id: str, default_title: str,
               warnings: list[str], order: list[str] | None = None) -> ReadCodes:  # fmt: skip
    """Read the code tree under ``codes`` (``<Codes>``, or None for no codes).

    ``meta`` holds the codebook fields found in its set (ours), or None; ``order``
    the GUIDs in codebook order (codes it misses follow, in tree order).

    Raises
    ------
    ExchangeError
        For a code without a GUID, a GUID used twice, or codes that do not make a
        valid codebook.
    """
    found: list[_Found] = []

    def walk(element: ET.Element, parent: int | None) -> None:
        guid = normal_guid(element.get("guid"))
        if not guid:
            raise ExchangeError(source, "a code has no guid", where=tree.where(element, "name"),
                                hint="every <Code> needs a guid attribute")  # fmt: skip
        description = child_text(element, "Description")
        fields = read_code_description(description) if description else None
        found.append(_Found(element, guid, parent, fields))
        index = len(found) - 1
        for sub in children(element, "Code"):
            walk(sub, index)

    for top in children(codes, "Code") if codes is not None else []:
        walk(top, None)
    seen: dict[str, ET.Element] = {}
    for item in found:
        if item.guid in seen:
            raise ExchangeError(source, f"guid {item.guid} is used by two codes (the first at "
                                f"line {tree.line(seen[item.guid])})",
                                where=tree.where(item.element, "name"),
                                hint="each code needs its own guid")  # fmt: skip
        seen[item.guid] = item.element

    book_id = meta.get("id") if meta else None
    _assign_ids(found, book_id if isinstance(book_id, str) else None)
    codebook_id = book_id if isinstance(book_id, str) and _ID.match(book_id) else \
        new_code_id(default_id, set())  # fmt: skip
    rank = {guid: n for n, guid in enumerate(order or [])}
    found_in_order = sorted(found, key=lambda item: rank.get(item.guid, len(rank)))
    built = [_code(item, found, tree, warnings) for item in found_in_order]
    ids = {item.id for item in found}
    for code in built:
        if code["status"] == "merged" and code["merged_into"] not in ids:
            warnings.append(f"{tree.name}: code {code['id']!r} was merged into "
                            f"{code['merged_into']!r}, which is not in the file; read as retired")
            code["status"], code["merged_into"] = "retired", None
    body = {"id": codebook_id, "title": (meta or {}).get("title") or default_title or codebook_id,
            "version": (meta or {}).get("version") or 1,
            "description": (meta or {}).get("description") or "",
            "changes": (meta or {}).get("changes") or [], "codes": built}  # fmt: skip
    try:
        codebook = Codebook.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(part) for part in first["loc"])
        element = _element_of(first["loc"], found_in_order)
        raise ExchangeError(source, f"the codes do not make a valid codebook: {place}: "
                            f"{first['msg']}",
                            where=tree.where(element, "guid", "name") if element is not None
                            else None,
                            hint="fix the code in the program that exported it") from None
    return ReadCodes(codebook, {item.guid: item.id for item in found},  # type: ignore[misc]
                     {item.id: item.element for item in found})  # type: ignore[misc]


def _element_of(location: tuple, found: list[_Found]) -> ET.Element | None:
    """The element of the code at ``location`` (indexes follow ``found``)."""
    if len(location) >= 2 and location[0] == "codes" and isinstance(location[1], int):
        return found[location[1]].element if location[1] < len(found) else None
    return None


def _assign_ids(found: list[_Found], book_id: str | None) -> None:
    """Ids in three tiers: our GUIDs, then ids named in descriptions, then names."""
    taken: set[str] = set()
    for item in found:  # 1. the GUID is ours: uuid5 of the codebook id and this id
        named = (item.fields or {}).get("id")
        if book_id and isinstance(named, str) and _ID.match(named) and named not in taken \
                and code_guid(book_id, named) == item.guid:  # fmt: skip
            item.id = named
            taken.add(named)
    for item in found:  # 2. another program issued a new GUID; the description kept the id
        named = (item.fields or {}).get("id")
        if item.id is None and isinstance(named, str) and _ID.match(named) \
                and named not in taken:  # fmt: skip
            item.id = named
            taken.add(named)
    for item in found:  # 3. foreign: a readable id from the name
        if item.id is None:
            item.id = new_code_id(item.element.get("name") or "code", taken)
            taken.add(item.id)


def _code(item: _Found, found: list[_Found], tree: XmlTree, warnings: list[str]) -> dict:
    element = item.element
    label = (element.get("name") or "").strip()
    if not label:
        label = item.id or "code"
        warnings.append(f"{tree.where(element, 'guid', named=True)}: the code has no name; "
                        f"named {label!r}")  # fmt: skip
    codable = (element.get("isCodable") or "true").strip().lower() not in ("false", "0")
    fields = item.fields
    if fields is None:
        description = child_text(element, "Description") or ""
        fields = {"definition": description, "use_when": "", "do_not_use_when": "",
                  "examples": [], "status": None, "merged_into": None}  # fmt: skip
    status = fields["status"] or ("active" if codable else "retired")
    return {"id": item.id, "label": label,
            "parent": found[item.parent].id if item.parent is not None else None,
            "definition": fields["definition"], "use_when": fields["use_when"],
            "do_not_use_when": fields["do_not_use_when"],
            "examples": [str(example) for example in fields["examples"]],
            "color": _color(element, tree, warnings), "status": status,
            "merged_into": fields["merged_into"] if status == "merged" else None}  # fmt: skip


def _color(element: ET.Element, tree: XmlTree, warnings: list[str]) -> str | None:
    value = (element.get("color") or "").strip()
    if not value:
        return None
    short = _SHORT_COLOR.match(value)
    if short:
        return "#" + "".join(part * 2 for part in short.groups())
    if _COLOR.match(value):
        return value
    warnings.append(f"{tree.where(element, 'name', named=True)}: colour {value!r} is not "
                    "#RRGGBB; left out")
    return None
