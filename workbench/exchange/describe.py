r"""Readable descriptions that carry structured fields through REFI-QDA.

REFI-QDA gives a code one free-text ``<Description>``. The workbench folds a code's
fields into it as labelled paragraphs that read well in any other program::

    People cannot reach a service.

    Use when: the comment names a concrete obstacle
      (cost, distance, opening hours).

    Do not use when: the obstacle is only feared; use worry.

    Status: merged into barriers.access

    Workbench id: barriers.cost

The definition comes first, unlabelled. A label starts a paragraph (``Label: value``
or, for lists such as the examples, ``Label:`` on its own line, then one
``  - item`` line per item); a value's further lines are
indented by two spaces (four inside a list item). Reading parses these paragraphs
back and accepts the result only when writing it again gives the very same text, so
a foreign description (or one edited out of shape) stays whole, as the definition.

When a value itself would read back differently (a definition containing a line
``Use when: ...`` after a blank line, say), the writer appends one more paragraph,
``Workbench exact: {json}``, and reading takes the fields from it: our own exports
always come back exactly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from workbench.codebook.model import Change, Code, Codebook
from workbench.exchange.xmlio import as_written

#: Starts the paragraph holding the exact fields as JSON (only when needed).
EXACT = "Workbench exact: "

_CODE_LABELS = {"Use when": False, "Do not use when": False, "Examples": True,
                "Status": False, "Workbench id": False}  # fmt: skip
_BOOK_LABELS = {"Workbench codebook": False, "Title": False, "Version": False,
                "Changes": True}  # fmt: skip
_CHANGE = re.compile(r"^version (\d+), (.*?), (.*?): (.*?)(?: \[(.*)\])?$")

Value = str | list[str]


# -- the paragraph format --------------------------------------------------------------


def render_blocks(free: str, fields: Sequence[tuple[str, Value]]) -> str:
    """Free text, then one paragraph per non-empty field (see the module docstring)."""
    parts = [free] if free else []
    for label, value in fields:
        if not value:
            continue
        if isinstance(value, list):
            lines = [f"{label}:"]
            for item in value:
                first, *rest = item.split("\n")
                lines.append(f"  - {first}")
                lines.extend(f"    {line}" for line in rest)
        else:
            first, *rest = value.split("\n")
            lines = [f"{label}: {first}", *(f"  {line}" for line in rest)]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def parse_blocks(text: str, labels: Mapping[str, bool]) -> tuple[str, dict[str, Value]] | None:
    """Split ``text`` into free text and labelled fields; None if it is not in shape.

    ``labels`` maps each label to whether its value is a list.
    """
    lines = text.split("\n")

    def label_at(i: int) -> str | None:
        for label, is_list in labels.items():
            if (lines[i] == f"{label}:") if is_list else lines[i].startswith(f"{label}: "):
                return label
        return None

    start = next((i for i in range(len(lines))
                  if (i == 0 or lines[i - 1] == "") and label_at(i)), None)  # fmt: skip
    if start is None:
        return text, {}
    free = "\n".join(lines[: max(start - 1, 0)])
    fields: dict[str, Value] = {}
    i = start
    while i < len(lines):
        label = label_at(i)
        if label is None or label in fields:
            return None
        head = lines[i]
        i += 1
        if labels[label]:
            items: list[list[str]] = []
            while i < len(lines) and lines[i].startswith("  "):
                if lines[i].startswith("  - "):
                    items.append([lines[i][4:]])
                elif lines[i].startswith("    ") and items:
                    items[-1].append(lines[i][4:])
                else:
                    return None
                i += 1
            fields[label] = ["\n".join(item) for item in items]
        else:
            value = [head[len(label) + 2:]]
            while i < len(lines) and lines[i].startswith("  "):
                value.append(lines[i][2:])
                i += 1
            fields[label] = "\n".join(value)
        if i < len(lines):
            if lines[i] != "" or i + 1 >= len(lines):
                return None
            i += 1
    return free, fields


def _split_exact(text: str) -> tuple[str, dict[str, Any] | None]:
    """Separate a trailing ``Workbench exact:`` paragraph (decoded) from the text."""
    if text.startswith(EXACT):
        head, tail = "", text[len(EXACT):]
    else:
        at = text.rfind("\n\n" + EXACT)
        if at < 0:
            return text, None
        head, tail = text[:at], text[at + 2 + len(EXACT):]
    try:
        data = json.loads(tail)
    except ValueError:
        return text, None
    return (head, data) if isinstance(data, dict) else (text, None)


def _with_exact(text: str, expected: dict[str, Any], read_back: dict[str, Any] | None) -> str:
    if read_back == expected:
        return text
    exact = EXACT + json.dumps(expected, ensure_ascii=False, sort_keys=True)
    return f"{text}\n\n{exact}" if text else exact


# -- codes -----------------------------------------------------------------------------


def code_fields(code: Code) -> dict[str, Any]:
    """The fields of ``code`` that travel in its description."""
    return {"definition": code.definition, "use_when": code.use_when,
            "do_not_use_when": code.do_not_use_when, "examples": list(code.examples),
            "status": code.status, "merged_into": code.merged_into, "id": code.id}  # fmt: skip


def _render_code(fields: Mapping[str, Any]) -> str:
    status = fields["status"]
    if status == "merged":
        status = f"merged into {fields['merged_into']}"
    elif status == "active":
        status = ""
    return render_blocks(fields["definition"], [
        ("Use when", fields["use_when"]), ("Do not use when", fields["do_not_use_when"]),
        ("Examples", list(fields["examples"])), ("Status", status),
        ("Workbench id", fields["id"] or ""),
    ])  # fmt: skip


def describe_code(code: Code) -> str:
    """The ``<Description>`` of ``code``: readable, and read back exactly."""
    expected = code_fields(code)
    text = _render_code(expected)
    read_back = read_code_description(as_written(text))
    if read_back is not None and read_back["status"] is None:
        read_back["status"] = "active"
    return _with_exact(text, expected, read_back)


def read_code_description(text: str) -> dict[str, Any] | None:
    """A code's fields from its description, or None when it is not in our shape.

    Returns ``definition``, ``use_when``, ``do_not_use_when``, ``examples``,
    ``status`` (None when the description does not say), ``merged_into`` and ``id``
    (None when not given).
    """
    text, exact = _split_exact(text)
    if exact is not None:
        fields = {key: exact.get(key) for key in ("definition", "use_when", "do_not_use_when",
                                                   "examples", "status", "merged_into", "id")}
        if all(isinstance(fields[k], str) for k in ("definition", "use_when", "do_not_use_when")) \
                and isinstance(fields["examples"], list):  # fmt: skip
            return fields
        return None
    parsed = parse_blocks(text, _CODE_LABELS)
    if parsed is None:
        return None
    free, found = parsed
    status_text = str(found.get("Status", ""))
    status: str | None = None
    merged_into = None
    if status_text == "retired":
        status = "retired"
    elif status_text.startswith("merged into "):
        status, merged_into = "merged", status_text[len("merged into "):]
    elif status_text:
        return None
    fields = {"definition": free, "use_when": found.get("Use when", ""),
              "do_not_use_when": found.get("Do not use when", ""),
              "examples": list(found.get("Examples", [])), "status": status,
              "merged_into": merged_into, "id": found.get("Workbench id") or None}  # fmt: skip
    check = dict(fields, status=status or "active")
    return fields if _render_code(check) == text else None


# -- the codebook itself ---------------------------------------------------------------


def codebook_fields(codebook: Codebook) -> dict[str, Any]:
    """The codebook's own fields (not its codes) that travel in a description."""
    return {"id": codebook.id, "title": codebook.title, "version": codebook.version,
            "description": codebook.description,
            "changes": [change.model_dump(mode="json") for change in codebook.changes]}


def _render_change(change: Mapping[str, Any]) -> str:
    codes = f" [{', '.join(change['codes'])}]" if change["codes"] else ""
    head = f"version {change['version']}, {change['date']}, {change['who']}: " \
           f"{change['operation']}{codes}"  # fmt: skip
    return f"{head}\n{change['rationale']}" if change["rationale"] else head


def _render_codebook(fields: Mapping[str, Any]) -> str:
    return render_blocks(fields["description"], [
        ("Workbench codebook", fields["id"]), ("Title", fields["title"]),
        ("Version", str(fields["version"])),
        ("Changes", [_render_change(change) for change in fields["changes"]]),
    ])  # fmt: skip


def describe_codebook(codebook: Codebook) -> str:
    """Description of the set that carries the codebook's id, title, version and log."""
    expected = codebook_fields(codebook)
    text = _render_codebook(expected)
    return _with_exact(text, expected, read_codebook_description(as_written(text)))


def read_codebook_description(text: str) -> dict[str, Any] | None:
    """The codebook fields from :func:`describe_codebook`'s text, or None."""
    text, exact = _split_exact(text)
    if exact is not None:
        return exact if isinstance(exact.get("id"), str) else None
    parsed = parse_blocks(text, _BOOK_LABELS)
    if parsed is None:
        return None
    free, found = parsed
    if "Workbench codebook" not in found or not str(found.get("Version", "")).isdigit():
        return None
    changes = []
    for item in found.get("Changes", []):
        head, _, rationale = item.partition("\n")
        match = _CHANGE.match(head)
        if match is None:
            return None
        version, date, who, operation, codes = match.groups()
        try:
            change = Change(version=int(version), date=date, who=who, operation=operation,
                            rationale=rationale, codes=codes.split(", ") if codes else [])
        except ValidationError:
            return None
        changes.append(change.model_dump(mode="json"))
    fields = {"id": found["Workbench codebook"], "title": found.get("Title", ""),
              "version": int(str(found["Version"])), "description": free,
              "changes": changes}  # fmt: skip
    return fields if _render_codebook(fields) == text else None
