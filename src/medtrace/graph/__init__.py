"""The trace graph: ids, typed links both ways, per-kind queries, chains; structural checks."""

from medtrace.graph.trace import TraceGraph
from medtrace.graph.validate import index_rows, patch_structural, structural_findings

__all__ = ["TraceGraph", "index_rows", "patch_structural", "structural_findings"]
