"""The catalogue of structural finding codes (stable across releases).

Rule codes (``62304.<clause>/<name>``) are registered with their rules in
:mod:`medtrace.standard`; these are the codes about files, items and links.
docs/format.md has a section for each, and a test keeps the two in step.
"""

from __future__ import annotations

# A deviation from a source's format that a reader goes past with a warning (the lenient
# default) and a strict import refuses: these codes at warning severity.
DEVIATIONS = frozenset({"migrate/invalid", "reqif/invalid", "components/invalid"})

STRUCTURAL_CODES: dict[str, str] = {
    "config/unknown-key": "medtrace.toml has a key medtrace does not know.",
    "config/value-invalid": "A medtrace.toml value has the wrong type.",
    "config/field-invalid": "A declared field has no valid name, or an enum has no values.",
    "config/field-type-unknown": "A declared field names a type medtrace does not know.",
    "config/kind-invalid": "A declared kind has no valid name.",
    "config/link-invalid": "A link type is malformed, unknown, or targets an unknown kind.",
    "config/path-invalid": "An item path is not a folder inside the project.",
    "file/not-utf8": "The file is not UTF-8 text.",
    "file/unreadable": "The file cannot be read (permissions, vanished).",
    "file/front-matter": "The front matter fences are broken, or it is not a mapping.",
    "file/yaml-invalid": "The front matter is not valid YAML.",
    "file/outside-project": "An item file is a link to a file outside the project; it is not "
    "read (the containment rule, docs/format.md).",
    "file/reviews-invalid": "An entry of medtrace-reviews.yaml cannot be read.",
    "item/id-missing": "The front matter has no id.",
    "item/id-malformed": "The id is not letters, digits, '-', '_' or '.'.",
    "item/id-duplicate": "Another file already uses this id.",
    "item/kind-missing": "The front matter has no kind.",
    "item/kind-unknown": "The kind is neither built in nor declared in medtrace.toml.",
    "item/title-missing": "The front matter has no title.",
    "item/key-duplicate": "A front matter key appears twice (YAML keeps only the last).",
    "item/field-unknown": "The kind has no such field or link type.",
    "item/field-invalid": "A field's value does not fit its type.",
    "item/field-missing": "A required field is absent.",
    "item/link-not-allowed": "The kind may not hold links of this type.",
    "item/anomaly-list-missing": "A SOUP record's anomaly-list names a file that is not in the "
    "project (7.1.3).",
    "item/link-malformed": "A link value is not a list of ids.",
    "link/dangling": "A link points to an id no item has.",
    "link/target-kind": "A link points to a kind its link type does not allow.",
    "link/self": "An item links to itself.",
    "link/duplicate": "The same target is listed twice under one link type.",
    "results/xml-invalid": "A test report is not well-formed XML (or is hostile XML).",
    "results/not-junit": "A test report is XML but not JUnit, NUnit or TRX.",
    "results/totals-mismatch": "A test report's declared totals differ from its test cases.",
    "results/dtd-ignored": "A test report declares a DTD; it is not loaded.",
    "results/output-truncated": "A failure's text is longer than 64 KiB; the run keeps its "
    "first 64 KiB and a note of what was left out.",
    "results/outcome-unknown": "A test case has an outcome medtrace does not know (skipped).",
    "results/test-unnamed": "A test case has no name.",
    "results/attachment-missing": "A test record names an attachment that is not in the project.",
    "results/run-invalid": "A file in verification/runs/ is not a medtrace test run.",
    "results/evaluation-invalid": "A performance evaluation's metrics file is not medtrace's "
    "evaluation JSON.",
    "results/not-in-git": "Results imported outside git are bound to a version label only, not "
    "to a commit or to the code they tested (a warning of results import).",
    "results/uncommitted-changes": "Project files differed from the tested commit when the "
    "results were imported; a release of that commit does not count the run (a warning of "
    "results import).",
    "results/outside-project": "A file in verification/runs/ is a link to a file outside the "
    "project; it is not read.",
    "code/marker-unknown-id": "A marker in source code names an id no item has.",
    "code/file-not-in-unit": "A source file with implements markers is in no unit's source-files.",
    "code/unit-implements-missing": "A unit's files mark requirements the unit does not implement.",
    "components/unreadable": "An SBOM or lockfile is not well-formed JSON, XML, TOML or text.",
    "components/unknown-format": "A file is not an SBOM or lockfile medtrace can read.",
    "components/invalid": "An SBOM or lockfile breaks its format (a component without a name).",
    "components/unpinned": "A requirement names no exact version; its SOUP version is unknown.",
    "components/include-missing": "A requirements file includes (-r) a file that is not there.",
    "osv/unreadable": "An OSV record is not JSON or not an OSV record.",
    "osv/archive-unsafe": "An OSV archive holds a path that escapes its folder; it is refused.",
    "osv/outside-project": "A record in the [soup] advisories folder is a link to a file "
    "outside the project; it is not read.",
    "osv/range-invalid": "An OSV range holds a version its ecosystem cannot read (skipped).",
    "change/uncontrolled": "An approved item (or the code of an approved unit or test case) "
    "changed between two revisions with no approved change request naming it (8.2.1; "
    "medtrace change-control, check --since).",
    "change/approved-after-change": "The change request naming a changed item was approved "
    "only after the first commit of the change: an approval after the fact covers nothing "
    "(8.2.1).",
    "change/commit-unknown": "A change request written in the range names a commit the "
    "repository does not have (8.2.4).",
    "change/commit-outside-range": "A change request written in the range names a commit "
    "outside the range audited (8.2.4).",
    "change/file-unclaimed": "A file matching [change-control] files changed, and no unit "
    "lists it and no test case names it: its change is under no item's control (8.1.1).",
    "problems/export-unreadable": "An issue tracker export is not JSON (empty, not UTF-8, or "
    "a syntax error).",
    "problems/export-invalid": "An export is JSON but not a GitHub or GitLab issue list, or "
    "an issue lacks a field the import needs; nothing is imported.",
    "migrate/unreadable": "A file to migrate is empty, not UTF-8, not YAML or JSON, not the "
    "shape its format has, or holds an impossible value.",
    "migrate/invalid": "A Doorstop tree, needs.json, StrictDoc document or RDM data file breaks "
    "its format (no prefix, a bad UID or id, no current version, no needs, an unterminated "
    "multi-line field, a relation without target, an entry without id).",
    "migrate/value-invalid": "An imported value does not fit the medtrace field it maps to; it "
    "is kept in the item's body.",
    "migrate/not-imported": "Source content that becomes no item (narrative text, nodes without "
    "an id, includes, files medtrace has no kind for); it is named, never dropped silently.",
    "migrate/link-unmapped": "A migrated link has no target or no fitting link type; it is kept "
    "in the item's body.",
    "reqif/unreadable": "A ReqIF file is not readable XML: empty, not XML, with a DOCTYPE, or "
    "a broken or unsafe .reqifz archive.",
    "reqif/invalid": "A file is XML but not ReqIF, or refers to a spec object it does not hold.",
    "link/cycle": "Links of an acyclic type (derived-from, part-of, supersedes) form a cycle.",
}
