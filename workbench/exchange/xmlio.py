"""XML plumbing shared by the REFI-QDA readers and writers.

Reading keeps the line of every element (for errors that say where), ignores XML
namespaces (exporters have been seen with other namespace versions, or none) and
refuses DTD entity declarations (no entity-expansion tricks from a foreign file).
Writing produces the REFI-QDA 1.0 namespaces.

GUIDs of everything the workbench writes are stable: ``uuid5`` of
:data:`GUID_NAMESPACE` and a name saying what the object is (see :func:`guid_for`),
so exporting the same project twice gives the same file, and another tool's
merge-by-GUID sees the same code as the same code.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from xml.parsers import expat

from workbench.errors import ExchangeError

#: Namespace of a REFI-QDA project (``project.qde`` inside a ``.qdpx``).
PROJECT_NS = "urn:QDA-XML:project:1.0"
#: Namespace of a REFI-QDA codebook (``.qdc``).
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
#: Written as the ``origin`` of every file we export; recognises our own files.
ORIGIN = "Thread Workbench"

#: The uuid5 namespace of every GUID the workbench writes. It is
#: ``uuid5(NAMESPACE_URL, "https://thread-workbench.invalid/refi-qda")``, written out
#: so that it can never change by accident (a test recomputes it).
GUID_NAMESPACE = uuid.UUID("a64c7c16-f84c-5530-912e-4fde46016974")

#: Characters XML 1.0 cannot carry at all (written as U+FFFD).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Stands in for a carriage return until serialisation writes it as ``&#13;`` (a raw
#: one would be read back as a line feed).
_CR = "\ue00d"
_DATETIME = re.compile(
    r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$"
)


def guid_for(kind: str, *parts: str) -> str:
    """The stable GUID of one exported object: ``uuid5(GUID_NAMESPACE, "kind:a/b")``.

    Kinds used: ``code`` (codebook id, code id), ``codebook`` (codebook id), ``user``
    (name), ``thread`` (thread id), ``selection``, ``coding`` and ``note``.
    """
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{'/'.join(parts)}"))


def code_guid(codebook_id: str, code_id: str) -> str:
    """GUID of a code: ``uuid5(GUID_NAMESPACE, "code:<codebook id>/<code id>")``."""
    return guid_for("code", codebook_id, code_id)


def normal_guid(value: str | None) -> str | None:
    """A GUID in one spelling (lower case, no braces) for comparisons."""
    if value is None:
        return None
    return value.strip().strip("{}").lower()


# -- dates -----------------------------------------------------------------------------


def xml_datetime(value: str | None, what: str, path: str | Path | None) -> str | None:
    """``value`` as an ``xsd:dateTime`` (unchanged when it already is one).

    Raises
    ------
    ExchangeError
        When ``value`` is not an ISO 8601 date and time.
    """
    if value is None or value == "":
        return None
    text = str(value).strip()
    if _DATETIME.match(text):
        return text
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ExchangeError(path, f"{what}: {value!r} is not a date and time",
                            hint="use ISO 8601, such as 2024-05-01T10:00:00Z") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.isoformat().replace("+00:00", "Z")


# -- reading ---------------------------------------------------------------------------


class XmlTree:
    """A parsed XML document with namespace-free tags and each element's line.

    ``name`` is the document's name; ``member`` says whether it is a member of the file
    an error names (``project.qde`` in a ``.qdpx``) rather than that file itself.
    """

    def __init__(self, root: ET.Element, lines: dict[ET.Element, int], name: str,
                 member: bool = True) -> None:  # fmt: skip
        self.root, self._lines, self.name, self.member = root, lines, name, member

    def line(self, element: ET.Element) -> int | None:
        """1-based line where ``element`` starts."""
        return self._lines.get(element)

    def where(self, element: ET.Element, *attributes: str, named: bool = False) -> str:
        """``"project.qde line 12, <Coding guid="...">"`` for messages.

        The document's name leads when it is a member, or when ``named``.
        """
        shown = " ".join(f'{name}="{element.get(name)}"' for name in attributes
                         if element.get(name) is not None)  # fmt: skip
        tag = f"<{element.tag} {shown}>" if shown else f"<{element.tag}>"
        line = self.line(element)
        where = f"line {line}, {tag}" if line else tag
        return f"{self.name} {where}" if self.member or named else where


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def parse_xml(data: bytes, path: str | Path | None, name: str, member: bool = True) -> XmlTree:
    """Parse ``data``: the member ``name`` of ``path``, or (``member`` false) ``path`` itself.

    Raises
    ------
    ExchangeError
        Naming the line and column of malformed XML, or a DTD entity declaration.
    """
    builder = ET.TreeBuilder()
    prefix = f"{name} " if member else ""
    lines: dict[ET.Element, int] = {}
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True

    def start(tag: str, attributes: dict[str, str]) -> None:
        element = builder.start(_local(tag), {_local(k): v for k, v in attributes.items()})
        lines[element] = parser.CurrentLineNumber

    def refuse_entity(*_args: object) -> None:
        raise ExchangeError(path, "declares XML entities, which are not allowed here",
                            where=f"{prefix}line {parser.CurrentLineNumber}",
                            hint="export the file again from the program that made it")

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: builder.end(_local(tag))
    parser.CharacterDataHandler = builder.data
    parser.EntityDeclHandler = refuse_entity
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ExchangeError(
            path, f"is not well-formed XML ({expat.ErrorString(exc.code)})",
            where=f"{prefix}line {exc.lineno}, column {exc.offset + 1}",
            hint="the file is damaged or incomplete; export it again",
        ) from None
    return XmlTree(builder.close(), lines, name, member)


def children(element: ET.Element, tag: str) -> list[ET.Element]:
    """Direct children of ``element`` with this (namespace-free) tag."""
    return [child for child in element if child.tag == tag]


def child(element: ET.Element, tag: str) -> ET.Element | None:
    """The first direct child with this tag, or None."""
    for item in element:
        if item.tag == tag:
            return item
    return None


def child_text(element: ET.Element, tag: str) -> str | None:
    """Text of the first direct child with this tag (``""`` when empty), or None."""
    found = child(element, tag)
    return None if found is None else (found.text or "")


# -- writing ---------------------------------------------------------------------------


class Writer:
    """Builds elements in one namespace."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def element(self, parent: ET.Element | None, tag: str,
                attributes: dict[str, str | None] | None = None,
                text: str | None = None) -> ET.Element:  # fmt: skip
        """A new element (under ``parent`` when given); None-valued attributes skipped."""
        attrs = {k: _xml_text(v) for k, v in (attributes or {}).items() if v is not None}
        if parent is None:  # the namespace is declared once, as the default one
            made = ET.Element(tag, {"xmlns": self.namespace, **attrs})
        else:
            made = ET.SubElement(parent, tag, attrs)
        if text is not None:
            made.text = _xml_text(text)
        return made

    def tostring(self, root: ET.Element) -> bytes:
        """UTF-8 bytes with an XML declaration, the namespace as the default one."""
        ET.indent(root, space="  ")
        data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
        return data.replace(_CR.encode(), b"&#13;")


def as_written(value: str) -> str:
    """What a reader gets back for ``value``: characters XML cannot hold become U+FFFD."""
    return _NOT_XML.sub("\ufffd", value.replace(_CR, "\ufffd"))


def _xml_text(value: str) -> str:
    """``value`` made writable: CRs kept (see ``_CR``), non-XML characters as U+FFFD."""
    value = as_written(value)
    return value.replace("\r", _CR) if "\r" in value else value
