"""The codebook's codes as the coding app offers them: order, shortcuts, help on hover."""

from __future__ import annotations

from workbench.codebook.model import Code, Codebook, label_of
from workbench.coding.saving import CodingSessionError

#: Keys of the codes' shortcuts, in code order (the first ten active codes).
SHORTCUT_KEYS = "1234567890"


def tree_order(codebook: Codebook) -> list[Code]:
    """The active codes, each parent before its children (codebook order otherwise)."""
    ordered: list[Code] = []

    def walk(parent: str | None) -> None:
        for code in codebook.children(parent):
            if code.status == "active":
                ordered.append(code)
            walk(code.id)

    walk(None)
    return ordered


def find(codebook: Codebook, code_id: str | None, *, active: bool = True) -> Code:
    """A code of the codebook (an active one unless ``active`` is false).

    Raises
    ------
    CodingSessionError
        Naming the active codes when there is no such code, or the code's status
        when it is merged or retired.
    """
    if not code_id or not codebook.has(str(code_id)):
        raise CodingSessionError(
            f"the codebook has no code {code_id!r}; its active codes: "
            + ", ".join(c.id for c in tree_order(codebook))
        )
    code = codebook.code(str(code_id))
    if active and code.status != "active":
        raise CodingSessionError(
            f"code {label_of(codebook, code.id)} is {code.status}"
            + (f" into {code.merged_into}" if code.merged_into else "")
            + "; code with an active code"
        )
    return code


def code_help(codebook: Codebook, code_id: str) -> str:
    """What a code means, on a few lines: its path, definition, use when, don't use when."""
    code = find(codebook, code_id, active=False)
    path = " › ".join(codebook.code(c).label for c in codebook.path(code.id))
    lines = [f"{path} ({code.id})"]
    for title, text in (("Definition", code.definition), ("Use when", code.use_when),
                        ("Don't use when", code.do_not_use_when)):  # fmt: skip
        if text.strip():
            lines.append(f"{title}: {text.strip()}")
    if code.examples:
        lines.append("Examples: " + "; ".join(code.examples))
    return "\n".join(lines)


def shortcut(codes: list[Code], code_id: str) -> str | None:
    """The number key of a code (the first ten of ``codes`` have one)."""
    ids = [c.id for c in codes[: len(SHORTCUT_KEYS)]]
    return SHORTCUT_KEYS[ids.index(code_id)] if code_id in ids else None


def code_for_key(codes: list[Code], key: str) -> str:
    """The code a number key stands for.

    Raises
    ------
    CodingSessionError
        If the key stands for no code.
    """
    position = SHORTCUT_KEYS.find(str(key)) if len(str(key)) == 1 else -1
    if position < 0 or position >= len(codes):
        keys = f"1 to {min(len(codes), 9)}" + (" and 0" if len(codes) >= 10 else "")
        raise CodingSessionError(f"key {key!r} stands for no code: the keys {keys} code the "
                                 "first codes")  # fmt: skip
    return codes[position].id
