"""What every ``workbench`` command shares: ``--json``, printing, friendly errors."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any

import click

from workbench.errors import WorkbenchError

json_option = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


def emit(data: Any, as_json: bool, render: Callable[[Any], str]) -> None:
    """Print ``data`` as JSON (``--json``) or as ``render(data)`` for a person."""
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(render(data))


def friendly_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a :class:`WorkbenchError` into one ``error: ...`` line and exit status 2."""
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except WorkbenchError as exc:
            if kwargs.get("as_json"):
                click.echo(json.dumps({"error": str(exc), "type": type(exc).__name__}))
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)

    return wrapper
