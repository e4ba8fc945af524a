"""Parsing the many ways platforms write a moment in time, to UTC epoch seconds."""

from __future__ import annotations

import math
from datetime import UTC, datetime

_TWITTER_FORMAT = "%a %b %d %H:%M:%S %z %Y"
_MS_THRESHOLD = 1e11  # epoch values above this are milliseconds (after 1973 in ms)


def epoch_seconds(value: object) -> float | None:
    """Convert a platform timestamp to UTC epoch seconds.

    Accepted: ``None``/``""`` (returns ``None``); numbers and numeric strings of
    epoch seconds or milliseconds; ISO 8601 with ``Z`` or an offset, with or without
    fractions (a time without a zone is taken as UTC); and the classic Twitter form
    ``"Fri Mar 06 13:02:05 +0000 2026"``.

    Raises
    ------
    ValueError
        Quoting the value, if it is none of those.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a timestamp, got {value!r}")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            return _parse_time_text(text, value)
    else:
        raise ValueError(f"expected a timestamp, got {type(value).__name__} {value!r}")
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"expected a timestamp, got {value!r}")
    if number > _MS_THRESHOLD:
        number /= 1000.0
    if number > 32503680000:  # year 3000
        raise ValueError(f"timestamp {value!r} is too far in the future")
    return number


def _parse_time_text(text: str, original: object) -> float:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = datetime.strptime(text, _TWITTER_FORMAT)
        except ValueError:
            raise ValueError(
                f"unrecognised time {original!r}; expected ISO 8601 "
                "(2024-05-01T12:00:00Z) or epoch seconds"
            ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
