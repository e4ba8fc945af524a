"""Times in generic tables: reading one cell, and the date order of a whole column.

A national export gathers rows from many providers, some writing day/month/year and
some month/day/year, in the same column. ``05/11/2026`` reads both ways; only
values such as ``25/11/2026`` (day first) or ``11/25/2026`` (month first) tell the
orders apart. :class:`DateTally` counts those in one pass over the column, and
:meth:`DateTally.order` picks the majority; a value that can only be read in the
other order raises :class:`DateOrderConflict` from :func:`parse_time`, so the table
loader can keep its row with an empty time and flag it.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from .base import DATE_ORDERS
from .timeparse import epoch_seconds

__all__ = [
    "DATE_ORDERS",
    "ORDER_WORDS",
    "DateOrderConflict",
    "DateTally",
    "date_order_of",
    "parse_time",
]

_MONTHS = {
    name: number
    for number, names in enumerate(
        ["jan january", "feb february", "mar march", "apr april", "may", "jun june",
         "jul july", "aug august", "sep sept september", "oct october", "nov november",
         "dec december"],
        start=1,
    )
    for name in names.split()
}  # fmt: skip
_CLOCK = r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*([AaPp]\.?[Mm]\.?)?)?"
_CLOCK += r"\s*(?:Z|UTC|GMT)?"
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d*)?")
_SMALLEST_EPOCH = 1e8  # 1973-03-03: smaller numbers in a time column are not epoch times
_NUMERIC_DATE = re.compile(r"(\d{1,4})([/.-])(\d{1,2})\2(\d{2,4})" + _CLOCK)
_WEEKDAY = r"(?:[A-Za-z]{3,9}\.?,?\s+)?"
_MONTH_FIRST = re.compile(
    _WEEKDAY + r"([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _CLOCK
)
_DAY_FIRST = re.compile(
    _WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})" + _CLOCK
)
#: How each declared date order is written out in messages.
ORDER_WORDS = {"day-first": "day/month/year", "month-first": "month/day/year"}
#: Below this many non-empty values, a time column is refused only when none is readable.
GUARD_MIN_VALUES = 10


class DateOrderConflict(ValueError):
    """A numeric date readable only in the other date order (``25/11/2026``, month first).

    A :class:`ValueError`, so callers that only ask whether a value is a time need
    not know about it.
    """


def parse_time(value: Any, *, dayfirst: bool = False, excel: bool = False) -> float | None:
    """Read one time cell as UTC epoch seconds (``None`` for an empty cell).

    Accepted: ISO 8601, epoch seconds or milliseconds, ``25/11/2026 14:05`` (with
    ``dayfirst``) or ``11/25/2026 2:05 PM``, ``Nov 25 2026``, ``25 November 2026``,
    and date cells of a workbook. A time without a zone is taken as UTC.

    Parameters
    ----------
    value : Any
        The cell.
    dayfirst : bool, default False
        Read ``05/11/2026`` as 5 November rather than May 11.
    excel : bool, default False
        The cell comes from a workbook, where a small number is a day serial.

    Raises
    ------
    DateOrderConflict
        If the value is a real date only in the other order (``25/11/2026`` without
        ``dayfirst``), so a mixed-up column is never misread.
    ValueError
        Saying why, if the value is not a time at all.
    """
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp()
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        return None
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        or (isinstance(value, str) and _NUMBER.fullmatch(value))
    ):
        number = float(value)
        if excel and 0 < number < _SMALLEST_EPOCH:
            from openpyxl.utils.datetime import from_excel

            return parse_time(from_excel(number))
        if number < _SMALLEST_EPOCH:
            raise ValueError(f"{value!r} is too small for epoch seconds (a year? a day number?)")
    try:
        return epoch_seconds(value)
    except ValueError as exc:
        if not isinstance(value, str):
            raise
        error = exc
    if match := _NUMERIC_DATE.fullmatch(value):
        a, _, b, c = match.group(1, 2, 3, 4)
        clock = match.groups()[4:]
        if len(a) == 4:
            return _moment(value, int(a), int(b), int(c), clock)
        if len(a) > 2 or len(c) == 3:
            raise error
        year = _year(c)
        day, month = (int(a), int(b)) if dayfirst else (int(b), int(a))
        try:
            return _moment(value, year, month, day, clock)
        except ValueError:
            if day != month and _is_real(value, year, day, month, clock):
                other = "day-first" if not dayfirst else "month-first"
                raise DateOrderConflict(
                    f"{value!r} can only be read as {ORDER_WORDS[other]}"
                ) from None
            raise
    for pattern, month_group, day_group in ((_MONTH_FIRST, 1, 2), (_DAY_FIRST, 2, 1)):
        if (match := pattern.fullmatch(value)) and match.group(month_group).lower() in _MONTHS:
            month, day = _MONTHS[match.group(month_group).lower()], int(match.group(day_group))
            return _moment(value, int(match.group(3)), month, day, match.groups()[3:])
    raise error


def _year(text: str) -> int:
    number = int(text)
    return number if len(text) == 4 else 2000 + number if number < 69 else 1900 + number


def _moment(text: str, year: int, month: int, day: int, clock: tuple[Any, ...]) -> float:
    hour_text, minute, second, meridiem = clock
    hour = int(hour_text or 0)
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError(f"{text!r} has hour {hour} with {meridiem}")
        hour = hour % 12 + (12 if meridiem[0] in "Pp" else 0)
    try:
        moment = datetime(year, month, day, hour, int(minute or 0), int(second or 0), tzinfo=UTC)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date and time ({exc})") from None
    return moment.timestamp()


def _is_real(text: str, year: int, month: int, day: int, clock: tuple[Any, ...]) -> bool:
    try:
        _moment(text, year, month, day, clock)
    except ValueError:
        return False
    return True


def date_order_of(value: Any) -> str | None:
    """Say which date orders a numeric date such as ``05/11/2026`` can be read in.

    Returns
    -------
    str or None
        ``"day-first"`` or ``"month-first"`` when the value is a real date in that
        order only (``25/11/2026``, ``11/25/2026``), ``"either"`` when it reads both
        ways as different dates (``05/11/2026``), ``None`` for anything else: not a
        day/month/year value, year first, the same date both ways (``07/07/2026``)
        or a real date in neither order.
    """
    if not isinstance(value, str) or not (match := _NUMERIC_DATE.fullmatch(value.strip())):
        return None
    a, _, b, c = match.group(1, 2, 3, 4)
    first, second = int(a), int(b)
    if len(a) > 2 or len(c) == 3 or first == second:
        return None
    year = _year(c)
    day_first = _is_day(year, second, first)
    month_first = _is_day(year, first, second)
    if not (day_first or month_first):
        return None
    # the clock reads the same either way: check it once, on a reading that exists
    month, day = (second, first) if day_first else (first, second)
    if not _is_real(value, year, month, day, match.groups()[4:]):
        return None
    if day_first and month_first:
        return "either"
    return "day-first" if day_first else "month-first"


def _is_day(year: int, month: int, day: int) -> bool:
    return year >= 1 and 1 <= month <= 12 and 1 <= day <= monthrange(year, month)[1]


@dataclass
class DateTally:
    """Counts over one time column: which date orders its values allow, how many are times.

    Feed every cell to :meth:`add` (one pass, constant memory), then ask
    :meth:`order`, :meth:`notes` and :meth:`misfit`.

    Attributes
    ----------
    values : int
        Non-empty cells seen.
    day_first, month_first : int
        Numeric dates readable only day/month/year, only month/day/year.
    either : int
        Numeric dates readable both ways as different dates.
    unreadable : int
        Cells that are no date or time in any order.
    examples : list of str
        The first few unreadable values, for messages.
    """

    excel: bool = False
    values: int = 0
    day_first: int = 0
    month_first: int = 0
    either: int = 0
    unreadable: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, value: Any) -> None:
        """Count one cell of the column."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return
        self.values += 1
        kind = date_order_of(value)
        if kind == "day-first":
            self.day_first += 1
        elif kind == "month-first":
            self.month_first += 1
        elif kind == "either":
            self.either += 1
        else:
            try:
                parse_time(value, excel=self.excel)
            except ValueError:
                self.unreadable += 1
                if len(self.examples) < 3:
                    self.examples.append(str(value).strip()[:40])

    def order(self) -> str:
        """The majority order of the unambiguous values; month-first on a tie or none."""
        return "day-first" if self.day_first > self.month_first else "month-first"

    def misfit(self) -> bool:
        """Whether the column looks mis-mapped: most values (all, below 10) are no times."""
        if self.values >= GUARD_MIN_VALUES:
            return self.unreadable * 2 > self.values
        return self.values > 0 and self.unreadable == self.values

    def notes(self, column: str) -> list[str]:
        """Warnings about the column's dates when its order was inferred (may be empty)."""
        declare = (
            "declare the order (--date-order day-first or month-first on the command line, "
            "'Date order' in the import notebook, ColumnMapping(date_order=...) in Python)"
        )
        day, month, either = self.day_first, self.month_first, self.either
        if not day and not month:
            if not either:
                return []
            return [
                f"column {column!r}: all {either} numeric dates read both as day/month/year "
                "and as month/day/year; they were read as month/day/year. If that is "
                f"wrong, {declare}"
            ]
        if day and month:
            chosen = self.order()
            minority = month if chosen == "day-first" else day
            why = "the majority" if day != month else "an even split: the default"
            ambiguous = (
                f"; {either} dates that read both ways were read as {ORDER_WORDS[chosen]} too, "
                "which may be wrong for rows from the other providers"
                if either
                else ""
            )
            return [
                f"column {column!r} mixes date orders: {day} dates can only be "
                f"day/month/year and {month} only month/day/year. Read as "
                f"{ORDER_WORDS[chosen]} ({why}); the {minority} others were imported without "
                f"a time, their value kept in the column {column!r} of their attributes "
                f"(flagged 'time-contradicts-date-order'){ambiguous}. If the order is "
                f"wrong, {declare}"
            ]
        return []
