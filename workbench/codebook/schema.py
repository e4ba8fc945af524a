"""The JSON Schema of codebook files, generated from the codebook models.

Editors check codebook YAML against ``codebooks/codebook.schema.json`` while
researchers type (a codebook's first line,
``# yaml-language-server: $schema=codebook.schema.json``, points them at it). The
file is generated from :class:`~workbench.codebook.model.Codebook`, never edited by
hand; after changing the models, regenerate it::

    python -m workbench.codebook.schema > codebooks/codebook.schema.json

A test fails while the checked-in file differs from what the models generate.
The schema checks each field; the rules between codes (unique ids, parents that
exist, no loops, merges) are checked when the workbench loads the file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from workbench.codebook.model import Codebook

#: The dialect the schema is written in (what pydantic generates).
DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: The schema's identifier. A URN, not a web address: nothing is fetched from it.
SCHEMA_ID = "urn:thread-workbench:codebook"
#: Where the repository keeps the generated schema, next to its codebooks.
SCHEMA_PATH = "codebooks/codebook.schema.json"
#: The command that writes it, run from the repository root.
REGENERATE = f"python -m workbench.codebook.schema > {SCHEMA_PATH}"

_TITLE = "Thread Workbench codebook"
_DESCRIPTION = (
    "A codebook for qualitative coding: codes (themes) with permanent ids, labels, "
    "definitions, when to use them and when not, examples and colours, in a hierarchy "
    "(parent), with a version and a log of changes. Codes are never deleted: merged and "
    "retired ones keep their status. Generated from workbench.codebook.model; the "
    "workbench also checks what a schema cannot: unique ids, parents and merge targets "
    "that exist, and no loops."
)


def codebook_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a codebook file.

    Returns
    -------
    dict
        ``Codebook.model_json_schema()`` under ``$schema``, ``$id``, ``title`` and
        ``description``.
    """
    generated = Codebook.model_json_schema()
    header = {"$schema": DIALECT, "$id": SCHEMA_ID, "title": _TITLE, "description": _DESCRIPTION}
    return header | {k: v for k, v in generated.items() if k not in header}


def schema_text() -> str:
    """The schema as the text of ``codebooks/codebook.schema.json`` (stable, ASCII)."""
    return json.dumps(codebook_schema(), indent=2, ensure_ascii=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema to standard output, or to the file named as the one argument.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0, or 2 for a wrong number of arguments.
    """
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or any(a.startswith("-") for a in args):
        print(f"usage: python -m workbench.codebook.schema [PATH]\n  e.g. {REGENERATE}",
              file=sys.stderr)  # fmt: skip
        return 2
    text = schema_text()
    if args:
        Path(args[0]).write_text(text, encoding="utf-8", newline="\n")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
