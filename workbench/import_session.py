"""The import controller's former home: it now lives in :mod:`workbench.importing.session`.

This name stays an alias of that module, so ``from workbench.import_session import
ImportSession`` (and every other name) goes on working.
"""

from __future__ import annotations

import sys

from workbench.importing import session as _session

sys.modules[__name__] = _session
