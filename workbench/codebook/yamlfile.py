"""Codebooks as YAML files, read and written round-trip (ruamel.yaml).

Researchers keep codebooks under version control and edit them by hand, so writing
a revised codebook keeps their comments, key order and layout: the new version is
written *into* the previous document (:func:`dump`), changing only what changed.
Reading names the file, the line and the code at fault (:func:`load`).
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString
from ruamel.yaml.tokens import CommentToken

from workbench.codebook.model import Change, Code, Codebook, consistency_problems
from workbench.errors import CodebookError

#: Text longer than this is written as a folded block (``>-``), broken at words into
#: lines of at most this length: ruamel.yaml's own wrapping of long plain scalars
#: leaves a trailing space at every break.
_FOLD_AT = 88


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: comments and key order survive
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def parse(text: str, source: str | Path = "<codebook>") -> tuple[Codebook, Any]:
    """Read codebook YAML; returns the codebook and the round-trip document.

    Raises
    ------
    CodebookError
        Naming ``source``, the line and the code id at fault, what was wrong and
        what is expected.
    """
    try:
        document = _yaml().load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise CodebookError(f"is not valid YAML ({getattr(exc, 'problem', exc)})",
                            path=source, line=line) from None  # fmt: skip
    if not isinstance(document, dict):
        raise CodebookError("expected a mapping with id, title, version and codes",
                            path=source, line=1)  # fmt: skip
    try:
        codebook = Codebook.model_validate(_plain(document))
    except ValidationError as exc:
        raise _located(exc, document, source) from None
    return codebook, document


def load(path: str | Path) -> tuple[Codebook, str]:
    """Read a codebook file; returns the codebook and the file's text."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CodebookError("file not found", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError(f"cannot be read as UTF-8 text ({exc})", path=path) from None
    codebook, _ = parse(text, path)
    return codebook, text


def dump(codebook: Codebook, previous: str | None = None) -> str:
    """The codebook as YAML text, written into ``previous`` (keeping its comments).

    Keys and codes present in ``previous`` keep their place and comments; new
    codes go after the last one, new keys after a code's others.
    """
    yaml = _yaml()
    document = yaml.load(previous) if previous else None
    if not isinstance(document, CommentedMap):
        document = CommentedMap()
    data = codebook.model_dump(mode="json", exclude_defaults=False)
    for key in ("id", "title", "version", "description"):
        if key == "description" and not data[key] and key not in document:
            continue
        if key not in document or _plain(document[key]) != data[key]:
            document[key] = _block(data[key])
    document["codes"] = _merge_list(document.get("codes"), data["codes"], key="id")
    document["changes"] = _merge_list(document.get("changes"), data["changes"], key="version")
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _merge_list(old: Any, new: list[dict], key: str) -> CommentedSeq:
    """``new`` items written into ``old`` by ``key``, keeping old items' comments and order."""
    by_key = {}
    if isinstance(old, list):
        for item in old:
            if isinstance(item, CommentedMap) and key in item:
                by_key[item[key]] = item
    merged = CommentedSeq()
    after = None
    if isinstance(old, CommentedSeq):
        merged.ca.comment = old.ca.comment
        after = _take_tail(old)  # the lines after the list (the next key's heading)
    for item in new:
        target = by_key.get(item[key], CommentedMap())
        below = _take_tail(target)  # the lines after this item (the next one's heading)
        defaults = Code.model_fields if key == "id" else Change.model_fields
        for name, value in item.items():
            optional = name in defaults and value == defaults[name].get_default(
                call_default_factory=True
            )
            if optional and name not in target:
                continue  # keep files short: defaults are written only if already there
            if name not in target or _plain(target[name]) != value:
                target[name] = _block(value, target.get(name))
        for name in [n for n in target if n not in item]:
            del target[name]
        _put_tail(target, below)
        merged.append(target)
    _put_tail(merged, after)
    return merged


def _tail_slot(node: Any) -> tuple[dict, Any, int] | None:
    """Where ruamel.yaml keeps the comment lines that follow ``node``'s last line.

    They hang on the last scalar inside it: ``(ca.items, key, slot)`` of that scalar.
    """
    while isinstance(node, (CommentedMap, CommentedSeq)) and len(node):
        key = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
        value = node[key]
        if not (isinstance(value, (CommentedMap, CommentedSeq)) and len(value)):
            return node.ca.items, key, 0 if isinstance(node, CommentedSeq) else 2
        node = value
    return None


def _take_tail(node: Any) -> str | None:
    """Detach the comment lines after ``node`` (an end-of-line comment stays put).

    Written into a document, a node gets new keys or items after its old last one;
    the lines that followed it (often the heading of the next section) must move
    below them, or they would end up in the middle of the node.
    """
    slot = _tail_slot(node)
    if slot is None:
        return None
    items, key, index = slot
    token = (items.get(key) or [None] * 4)[index]
    if not isinstance(token, CommentToken) or "\n" not in token.value:
        return None
    if token.value.startswith("\n"):
        tail, items[key][index] = token.value, None
    else:  # "# end-of-line comment\n..." keeps its first line
        end = token.value.index("\n") + 1
        tail, token.value = "\n" + token.value[end:], token.value[:end]
    return tail if tail != "\n" else None


def _put_tail(node: Any, tail: str | None) -> None:
    """Attach comment lines taken by :func:`_take_tail` after ``node``'s last line."""
    slot = _tail_slot(node) if tail else None
    if slot is None:
        return
    items, key, index = slot
    entry = items.setdefault(key, [None] * 4)
    token = entry[index]
    if isinstance(token, CommentToken):  # an end-of-line comment: the lines go below it
        token.value = token.value.rstrip("\n") + tail
    else:
        entry[index] = CommentToken(tail, CommentMark(0))


def _block(value: Any, previous: Any = None) -> Any:
    """A value ready to write: lists as block sequences, long text folded at words.

    Items of a ``previous`` list that are still there are kept as written (quotes).
    """
    if isinstance(value, list):
        kept = {v: v for v in previous if isinstance(v, str)} if isinstance(previous, list) else {}
        return CommentedSeq(
            [kept[v] if isinstance(v, str) and v in kept else _block(v) for v in value]
        )
    if (
        isinstance(value, str)
        and len(value) > _FOLD_AT
        and value == value.strip()
        and value.isprintable()
        and "  " not in value
    ):
        folded = FoldedScalarString(value)
        lines = textwrap.wrap(value, _FOLD_AT, break_long_words=False, break_on_hyphens=False)
        positions, at = [], 0
        for line in lines[:-1]:
            at += len(line)
            positions.append(at)  # the space between this line and the next
            at += 1
        folded.fold_pos = positions
        return folded
    return value


def _plain(node: Any) -> Any:
    """A round-trip document as plain dicts and lists (for validation)."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, dt.date):
        return node.isoformat()  # an unquoted date in YAML: the models hold text
    return node


def _line_of(document: Any, loc: tuple) -> int | None:
    """1-based line of the node at pydantic location ``loc`` in the round-trip document."""
    node, line = document, None
    for part in loc:
        try:
            if isinstance(node, CommentedMap) and part in node:
                line = node.lc.key(part)[0] + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                line = node.lc.item(part)[0] + 1
                node = node[part]
            else:
                break
        except (KeyError, AttributeError, TypeError):
            break
    return line


def _located(error: ValidationError, document: Any, source: str | Path) -> CodebookError:
    errors = error.errors()
    # A misspelt key also makes the real one "missing": name the misspelling.
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = tuple(first["loc"])
    code_id = None
    codes = document.get("codes")
    if len(loc) >= 2 and loc[0] == "codes" and isinstance(loc[1], int):
        try:
            code_id = codes[loc[1]].get("id")
        except (AttributeError, IndexError, TypeError):
            code_id = None
    names = [str(p) for p in loc if not isinstance(p, int)]
    field = (names[-1] if code_id or len(names) == 1 else ".".join(names)) if names else "codebook"
    message = first["msg"].removeprefix("Value error, ")
    value = first.get("input")
    if first["type"] == "value_error" and not loc:
        # A rule between codes: find the code it names for the line.
        problems = consistency_problems(Codebook.model_construct(
            codes=[Code.model_construct(**c) for c in _plain(codes or [])]
        ))  # fmt: skip
        code_id = problems[0][0] if problems else None
        found = [i for i, c in enumerate(codes or []) if c.get("id") == code_id]
        # A duplicated id: point at its second use, where the clash is.
        index = found[1] if len(found) > 1 else (found[0] if found else None)
        key = next((k for k in ("merged_into", "parent", "status") if k in message), "id")
        line = _line_of(document, ("codes", index, key)) if index is not None else None
        message = message.removeprefix(f"code {code_id!r}: ")
        return CodebookError(message, path=source, line=line, code_id=code_id)
    shown = "" if isinstance(value, dict) else f" (got {value!r})"
    hint = {
        "string_pattern_mismatch": "; ids are lower case letters, digits, '_', '-' or '.', "
        "starting with a letter, and colours are #rrggbb",
        "extra_forbidden": "; check the spelling (allowed: "
        + ", ".join({"codes": Code, "changes": Change}.get(loc[0] if loc else "", Codebook)
                    .model_fields)
        + ")",
        "literal_error": "",
    }.get(first["type"], "")
    return CodebookError(f"{field}: {message}{shown}{hint}", path=source,
                         line=_line_of(document, loc), code_id=code_id)  # fmt: skip
