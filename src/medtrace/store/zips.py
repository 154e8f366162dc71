"""What reading a zip archive can raise, for the readers of zips (OSV archives, .reqifz).

:mod:`zipfile` answers a broken or hostile archive with many kinds of exception, not
only ``BadZipFile``: an unsupported version (``NotImplementedError``), a truncated
directory (``EOFError``, ``struct.error``), a member with an empty name
(``IndexError`` from ``ZipInfo.is_dir``), a bad offset (``ValueError``, ``OSError``).
A reader catches :data:`ZIP_ERRORS` and reports the archive as unreadable.
"""

from __future__ import annotations

import struct
import zipfile
import zlib

ZIP_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    OSError,
    ValueError,
    NotImplementedError,
    EOFError,
    IndexError,
    KeyError,
    OverflowError,
)


def is_folder(member: zipfile.ZipInfo) -> bool:
    """Whether an archive member is a folder (``ZipInfo.is_dir`` fails on an empty name)."""
    return member.filename.endswith("/")
