"""Parsers: file bytes -> model objects plus findings. Pure; no 62304 rules here."""

from medtrace.ingest.config import parse_config
from medtrace.ingest.item_file import parse_item

__all__ = ["parse_config", "parse_item"]
