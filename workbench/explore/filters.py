"""What the cluster map shows: platform, thread and date filters, checked and applied."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError

_ONE_DAY = pd.Timedelta(days=1)
_TICK = pd.Timedelta(microseconds=1)


class ExploreError(WorkbenchError):
    """A filter, selection, search or queue request that cannot be carried out."""


@dataclass(frozen=True)
class ExploreFilters:
    """What the map shows; ``None`` means "no limit" on that dimension.

    Attributes
    ----------
    platforms : tuple of str or None
        Only comments from these platforms.
    thread_id : str or None
        Only comments of this thread.
    start, end : pandas.Timestamp or None
        Only comments created in this UTC range, both ends included (an end given
        as a date is stored as the last instant of that day).
    """

    platforms: tuple[str, ...] | None = None
    thread_id: str | None = None
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return any(v is not None for v in (self.platforms, self.thread_id, self.start, self.end))

    def describe(self) -> str:
        """The filters in words, e.g. ``"platforms reddit; from 2026-03-01"`` (``""``: none)."""
        parts = []
        if self.platforms is not None:
            parts.append(f"platforms {', '.join(self.platforms)}")
        if self.thread_id is not None:
            parts.append(f"thread {self.thread_id}")
        if self.start is not None:
            parts.append(f"from {day_or_time(self.start, end=False)}")
        if self.end is not None:
            parts.append(f"to {day_or_time(self.end, end=True)}")
        return "; ".join(parts)

    def mask(self, points: pd.DataFrame) -> np.ndarray:
        """Which rows of a frame with platform, thread_id and created_at pass the filters.

        Comments without a time are hidden by a date filter.
        """
        keep = np.ones(len(points), dtype=bool)
        if self.platforms is not None:
            keep &= points["platform"].isin(self.platforms).fillna(False).to_numpy(bool)
        if self.thread_id is not None:
            keep &= (points["thread_id"] == self.thread_id).fillna(False).to_numpy(bool)
        created = points["created_at"]
        if self.start is not None:
            keep &= (created >= self.start).fillna(False).to_numpy(bool)
        if self.end is not None:
            keep &= (created <= self.end).fillna(False).to_numpy(bool)
        return keep


def make_filters(
    platforms: str | Iterable[str] | None,
    thread_id: str | None,
    start: date | datetime | str | None,
    end: date | datetime | str | None,
    *,
    known_platforms: Sequence[str],
    known_threads: Iterable[str],
    run_id: int,
) -> ExploreFilters:
    """Check filter values and build :class:`ExploreFilters` (see ``set_filters``).

    Raises
    ------
    ExploreError
        Naming an unknown platform (and the known ones), an unknown thread, an
        unreadable date, or a start after the end.
    """
    chosen = None
    if platforms is not None:
        chosen = (platforms,) if isinstance(platforms, str) else tuple(platforms)
        unknown = [p for p in chosen if p not in known_platforms]
        if unknown:
            raise ExploreError(
                f"unknown platform {unknown[0]!r}; run {run_id} has comments from "
                f"{', '.join(known_platforms)}"
            )
        chosen = tuple(sorted(set(chosen))) or None
    if thread_id is not None:
        threads = set(known_threads)
        if thread_id not in threads:
            raise ExploreError(
                f"thread {thread_id!r} has no comments in run {run_id}; choose one of the "
                f"{len(threads)} threads of thread_options()"
            )
    low = parse_time(start, "start", end=False)
    high = parse_time(end, "end", end=True)
    if low is not None and high is not None and low > high:
        raise ExploreError(
            f"start ({day_or_time(low, end=False)}) is after end "
            f"({day_or_time(high, end=True)}); choose a start on or before the end"
        )
    return ExploreFilters(chosen, thread_id, low, high)


def parse_time(value: Any, name: str, *, end: bool) -> pd.Timestamp | None:
    """Read a date, datetime or ISO 8601 string as a UTC timestamp (``None`` stays).

    Times without a zone are UTC. With ``end=True`` a bare date (``2026-03-31``)
    becomes the last instant of that day, so the day is included.

    Raises
    ------
    ExploreError
        If ``value`` cannot be read as a date.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    whole_day = isinstance(value, date) and not isinstance(value, datetime)
    if isinstance(value, str):
        value = value.strip()
        whole_day = len(value) == 10
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ExploreError(
            f"{name} ({value!r}) is not a date or time ({exc}); use YYYY-MM-DD or YYYY-MM-DD HH:MM"
        ) from None
    if stamp is pd.NaT:
        raise ExploreError(f"{name} ({value!r}) is not a date; use YYYY-MM-DD")
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    if end and whole_day:
        stamp = stamp + _ONE_DAY - _TICK
    return stamp


def day_or_time(stamp: pd.Timestamp, *, end: bool) -> str:
    """A filter bound in words: a whole day as ``YYYY-MM-DD``, else with the time."""
    if end and (stamp + _TICK).normalize() == stamp + _TICK:
        return (stamp + _TICK - _ONE_DAY).strftime("%Y-%m-%d")
    if not end and stamp.normalize() == stamp:
        return stamp.strftime("%Y-%m-%d")
    return stamp.strftime("%Y-%m-%d %H:%M UTC")
