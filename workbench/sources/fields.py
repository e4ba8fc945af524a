"""Typed access to the fields of one export record, with located errors.

``Fields(obj, path, "$[1].data.children[3].data")`` wraps a parsed JSON object;
its getters return the value converted to the asked type or raise a
:class:`~workbench.errors.RecordError` naming the file, the record path, the field,
the value found and what was expected.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.errors import RecordError

from .timeparse import epoch_seconds

_MISSING = object()


def describe(value: Any) -> str:
    """Short description of a value for an error message."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


class Fields:
    """Checked getters over one JSON object.

    Parameters
    ----------
    obj : Any
        The parsed record; anything but a dict raises at once.
    path : Path
        The file the record came from.
    where : str
        The record's location: a JSON path (``"$.items[2]"``) or ``"line 7"``.
    """

    __slots__ = ("obj", "path", "where")

    def __init__(self, obj: Any, path: Path, where: str) -> None:
        if not isinstance(obj, dict):
            raise RecordError(path, f"expected a JSON object, found {describe(obj)}", record=where)
        self.obj: dict[str, Any] = obj
        self.path = path
        self.where = where

    def error(self, key: str, problem: str, hint: str | None = None) -> RecordError:
        """Build a :class:`RecordError` for field ``key`` of this record."""
        return RecordError(self.path, f"field {key!r} {problem}", record=self.where, hint=hint)

    def _get(self, key: str, required: bool) -> Any:
        value = self.obj.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                raise self.error(
                    key, "is missing", "Is this file really in the format it was read as?"
                )
            return None
        return value

    def str(self, key: str, *, required: bool = False) -> str | None:
        """Return a string field; numbers are accepted and turned into text."""
        value = self._get(key, required)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise self.error(key, f"should be text, found {describe(value)}")

    def int(self, key: str, *, required: bool = False) -> int | None:
        """Return an integer field; numeric strings ("42", as X archives write) are parsed."""
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool):
            raise self.error(key, f"should be a number, found {describe(value)}")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise self.error(key, f"should be a whole number, found {describe(value)}")

    def bool(self, key: str, *, required: bool = False) -> bool | None:
        """Return a boolean field (``"true"``/``"false"`` strings accepted)."""
        value = self._get(key, required)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise self.error(key, f"should be true or false, found {describe(value)}")

    def time(self, key: str, *, required: bool = False) -> float | None:
        """Return a timestamp field as UTC epoch seconds."""
        value = self._get(key, required)
        try:
            return epoch_seconds(value)
        except ValueError as exc:
            raise self.error(key, f"is not a time: {exc}") from None

    def dict(self, key: str, *, required: bool = False) -> dict[str, Any] | None:
        """Return an object field."""
        value = self._get(key, required)
        if value is None or isinstance(value, dict):
            return value
        raise self.error(key, f"should be an object, found {describe(value)}")

    def list(self, key: str, *, required: bool = False) -> list[Any] | None:
        """Return an array field."""
        value = self._get(key, required)
        if value is None or isinstance(value, list):
            return value
        raise self.error(key, f"should be a list, found {describe(value)}")

    def child(self, key: str, *, required: bool = True) -> Fields | None:
        """Return a :class:`Fields` over the object in field ``key``."""
        value = self.dict(key, required=required)
        if value is None:
            return None
        return Fields(value, self.path, f"{self.where}.{key}")
