"""Thread Workbench: qualitative coding of social-media threads."""

import os

from workbench.errors import WorkbenchError

# numba (UMAP, HDBSCAN) defaults to an OpenMP thread pool that, once used, leaves
# torch's own OpenMP threads fighting it: embedding in the same process then ran
# about 9x slower (measured: 8 s against 93 s for the demo project). numba's own
# work-queue pool has no such conflict. Set before numba is first imported; a user's
# explicit choice wins. See also workbench.cluster.threads.
os.environ.setdefault("NUMBA_THREADING_LAYER", "workqueue")

__version__ = "0.1.0"

__all__ = ["WorkbenchError", "__version__"]
