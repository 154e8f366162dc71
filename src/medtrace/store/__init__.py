"""Persistence: the rebuildable SQLite cache under ``.medtrace/`` and atomic file writes.

The item files stay the source of truth; the cache can be deleted at any time.
"""

from medtrace.store.cache import CACHE_FILE, FileStamp, FreshFile, ParseCache, fresh_file
from medtrace.store.files import write_atomic

__all__ = ["CACHE_FILE", "FileStamp", "FreshFile", "ParseCache", "fresh_file", "write_atomic"]
