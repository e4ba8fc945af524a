"""Suggestions kept fresh in a background thread, so that a click never waits.

A coding app holds one :class:`BackgroundSuggester`, calls :meth:`~BackgroundSuggester.
request` after every coding (it returns at once), and reads
:attr:`~BackgroundSuggester.latest` when it shows suggestions. Requests made while a
refresh runs are merged into one more refresh. Errors are kept in
:attr:`~BackgroundSuggester.error` (and passed to ``on_error``) for the app to show;
they never reach the click that asked.

``on_update`` and ``on_error`` are called in the worker thread: a widget view should
only set traits or schedule its redraw there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.suggest.suggester import Suggester, Suggestions

if TYPE_CHECKING:
    from workbench.project import Project


class BackgroundSuggester:
    """A :class:`~workbench.suggest.suggester.Suggester` refreshed in a daemon thread.

    Parameters
    ----------
    project : Project
        The project; its store may be used from the worker thread (the stores
        serialise their use with a lock).
    on_update : callable, optional
        ``on_update(suggestions)`` after each refresh that made new suggestions.
    on_error : callable, optional
        ``on_error(exception)`` when a refresh fails (the previous suggestions stay).
    **options
        ``codes``, ``coders``, ``scorer``, ``encoder``: as for :class:`Suggester`.

    Examples
    --------
    >>> background = BackgroundSuggester(project, coders=["ann"]).start()
    >>> background.request()            # after a coding: returns at once
    >>> latest = background.latest      # None until the first refresh is done
    """

    def __init__(self, project: Project, *,
                 on_update: Callable[[Suggestions], Any] | None = None,
                 on_error: Callable[[BaseException], Any] | None = None,
                 **options: Any) -> None:  # fmt: skip
        self.suggester = Suggester(project, **options)
        self.on_update = on_update
        self.on_error = on_error
        self.error: BaseException | None = None
        self._wake = threading.Condition()
        self._asked = 0
        self._done = 0
        self._stopping = False
        self._thread: threading.Thread | None = None

    @property
    def latest(self) -> Suggestions | None:
        """The newest suggestions, or None before the first refresh finished."""
        return self.suggester.latest

    def start(self) -> BackgroundSuggester:
        """Start the worker thread and ask for a first refresh."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="workbench-suggest",
                                            daemon=True)  # fmt: skip
            self._thread.start()
        self.request()
        return self

    def request(self) -> None:
        """Ask for a refresh (after a coding or a codebook change); returns at once."""
        with self._wake:
            self._asked += 1
            self._wake.notify_all()

    def wait(self, timeout: float | None = None) -> Suggestions | None:
        """Wait until every refresh requested so far is done; returns :attr:`latest`.

        For scripts and tests; an app never waits. Returns at once if not started.
        """
        if self._thread is None:
            return self.latest
        with self._wake:
            target = self._asked
            self._wake.wait_for(lambda: self._done >= target or self._stopping, timeout)
        return self.latest

    def stop(self, timeout: float | None = 5.0) -> None:
        """Stop the worker (a refresh under way finishes first)."""
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def provider(self, project: Project, code_id: str, coder: str) -> pd.DataFrame:
        """The coding app's ``suggested`` queue hook: the latest ranking for ``code_id``.

        Never waits: before the first refresh it returns an empty frame (and the
        refresh is already under way). ``project`` and ``coder`` are the app's; the
        suggestions are this suggester's (pass ``coders=[coder]`` for blind mode).
        """
        latest = self.latest
        self.request()
        if latest is None or code_id not in latest.code_ids:
            return pd.DataFrame(columns=["comment_id", "code_id", "score", "reason"])
        return latest.frame(code_id)

    def _run(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._asked > self._done or self._stopping)
                if self._stopping:
                    return
                target = self._asked
            before = self.suggester.latest
            try:
                latest = self.suggester.refresh()
                self.error = None
                if latest is not before and self.on_update is not None:
                    self.on_update(latest)
            except Exception as exc:  # noqa: BLE001 - kept for the app to show, never lost
                self.error = exc
                if self.on_error is not None:
                    try:
                        self.on_error(exc)
                    except Exception as again:  # noqa: BLE001
                        self.error = again
            with self._wake:
                self._done = target
                self._wake.notify_all()


def start(project: Project, *, codes: Sequence[str] | None = None,
          coders: Sequence[str] | None = None, **options: Any) -> BackgroundSuggester:  # fmt: skip
    """Start a :class:`BackgroundSuggester` (a shortcut for the notebook)."""
    return BackgroundSuggester(project, codes=codes, coders=coders, **options).start()
