"""IEC 62304 as code: the clause table, classification and the registered rules.

Empty in this release: the structural checks live in :mod:`medtrace.graph`.
"""
