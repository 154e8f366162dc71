"""Interchange: other tools' files in and out (migration), one package per format.

Each format's package holds what medtrace knows about it, and nothing else does:

    interchange/
      findings.py     the migrate/* finding codes every format shares
      items.py        NewItem, item files rendered, written all or none
      block_yaml.py   the YAML front matter of those files
      reqif/          ReqIF 1.2: records, read (with xhtml), map, write (with schema)
      strictdoc/      StrictDoc .sdoc: records, read, map
      rdm/            Innolitics RDM data/*.yml: records, read, map
      doorstop/       Doorstop trees: records, read, map
      needs/          sphinx-needs needs.json: records, read, map
      tables/         CSV and XLSX tables of one kind: read, map, write

``records`` are the source format's own shapes (never part of the domain
model), ``read`` is a pure parser (bytes in, records and findings out), ``map``
turns records into new items (and items into records for an export), ``write``
renders a file of the format. The operations (``medtrace migrate ...``: read the
source, load the project, hold the project lock, write) are
:mod:`medtrace.api.migrate`. The formats do not import each other (an
import-linter contract).
"""
