"""Thread Workbench: qualitative coding of social-media threads."""

from workbench.errors import WorkbenchError

__version__ = "0.1.0"

__all__ = ["WorkbenchError", "__version__"]
