"""Keep numba's thread pool from fighting torch's (see ``workbench/__init__.py``)."""

from __future__ import annotations

import os


def use_workqueue_threads() -> None:
    """Ask numba for its work-queue thread pool unless a layer was chosen already.

    Call before the first parallel numba function runs (importing ``umap`` or
    ``fast_hdbscan`` is fine). Has no effect once numba has started a pool, nor
    when ``NUMBA_THREADING_LAYER`` names a layer explicitly.
    """
    import numba

    if os.environ.get("NUMBA_THREADING_LAYER", "workqueue") == "workqueue":
        numba.config.THREADING_LAYER = "workqueue"
