"""medtrace: git-native IEC 62304 lifecycle and traceability.

The public library surface is :mod:`medtrace.api`; the command line is
``medtrace`` (:mod:`medtrace.cli`).
"""

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]
