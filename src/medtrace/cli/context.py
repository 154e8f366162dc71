"""Options of the command group, passed to every command (no globals)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Every command's own settings, so its help reads the same however it is invoked.
SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 80}


@dataclass(frozen=True, slots=True)
class Context:
    debug: bool = False
