"""Frozen, typed value objects. No I/O; imports nothing else of medtrace."""

from medtrace.model.config import CACHE_DIR, CONFIG_FILE, ProjectConfig
from medtrace.model.finding import Finding, Severity
from medtrace.model.item import FieldValue, Item, Link
from medtrace.model.kinds import builtin_schema
from medtrace.model.location import SourceLocation
from medtrace.model.project import ItemRow, LinkRow, ParsedFile, Project
from medtrace.model.safety import ALL_CLASSES, RigorLevel, SafetyClass
from medtrace.model.schema import ANY_KIND, FieldSpec, FieldType, KindSpec, LinkType, Schema

__all__ = [
    "ALL_CLASSES",
    "ANY_KIND",
    "CACHE_DIR",
    "CONFIG_FILE",
    "FieldSpec",
    "FieldType",
    "FieldValue",
    "Finding",
    "Item",
    "ItemRow",
    "KindSpec",
    "Link",
    "LinkRow",
    "LinkType",
    "ParsedFile",
    "Project",
    "ProjectConfig",
    "RigorLevel",
    "SafetyClass",
    "Schema",
    "Severity",
    "SourceLocation",
    "builtin_schema",
]
