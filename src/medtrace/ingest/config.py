"""Parse ``medtrace.toml`` into a :class:`ProjectConfig` plus findings.

A file that is not TOML (or not UTF-8) cannot be worked with at all and
raises :class:`ConfigError`; every other mistake is a finding, and the
offending part is left out of the schema.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import replace

from medtrace.errors import ConfigError
from medtrace.ingest.item_file import ID_PATTERN
from medtrace.model import (
    CONFIG_FILE,
    FieldSpec,
    FieldType,
    Finding,
    KindSpec,
    LinkType,
    ProjectConfig,
    Severity,
    SourceLocation,
    builtin_schema,
)
from medtrace.model.config import (
    NON_NORMATIVE,
    STANDARDS,
    DocsConfig,
    ProblemsConfig,
    ReqifConfig,
    RiskConfig,
    SoupConfig,
)
from medtrace.model.schema import ANY_KIND, Schema

_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_TOML_LINE = re.compile(r"at line (\d+)")
_TOP_KEYS = frozenset(
    {
        "project",
        "kinds",
        "links",
        "fields",
        "trace",
        "change-control",
        "soup",
        "risk",
        "problems",
        "docs",
        "reqif",
        "signatures",  # read by medtrace.store.signatures (electronic signatures)
    }
)
_REQIF_KEYS = frozenset({"kinds", "fields", "links", "default-kind", "id-prefix", "folder"})
_REQIF_ITEM_PARTS = ("id", "title", "body")  # what [reqif] fields may name besides fields
_DOCS_KEYS = frozenset({"output", "templates", "reference-docx", "organisation"})
_RISK_KEYS = frozenset({"severity", "probability", "acceptability"})
_PROBLEMS_KEYS = frozenset({"states", "criticality", "folder"})
_PROBLEM_STATES = ("open", "investigating", "resolved", "verified", "closed")
_CRITICALITIES = ("low", "medium", "high")
_TRACE_KEYS = frozenset({"ignore-fields"})
_CHANGE_KEYS = frozenset({"files"})
_SOUP_KEYS = frozenset({"sources", "folder", "scopes", "advisories"})
_PROJECT_KEYS = frozenset({"name", "paths", "exclude", "fail-on", "standard"})
_KIND_KEYS = frozenset({"title", "prefix", "description", "fields", "links"})
_LINK_KEYS = frozenset({"targets", "reverse", "description", "acyclic"})
_FIELD_KEYS = frozenset({"type", "required", "values", "description"})


def parse_config(data: bytes, path: str = CONFIG_FILE) -> tuple[ProjectConfig, tuple[Finding, ...]]:
    """Read the bytes of ``medtrace.toml``. Raises :class:`ConfigError` if unreadable."""
    try:
        text = data.decode("utf-8-sig")
        raw = tomllib.loads(text)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        found = _TOML_LINE.search(str(error))
        where = f"{path}:{found.group(1)}" if found else path
        reason = _TOML_LINE.sub("", str(error)).replace("()", "").strip(" (")
        raise ConfigError(f"{where}: not valid TOML: {reason}") from None
    reader = _ConfigReader(path, text)
    config = reader.read(raw)
    return replace(config, digest=hashlib.sha256(data).hexdigest()), tuple(reader.findings)


class _ConfigReader:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = text.split("\n")
        self.findings: list[Finding] = []

    def report(self, code: str, message: str, needle: str) -> None:
        self.findings.append(
            Finding(
                code=code,
                severity=Severity.ERROR,
                message=message,
                location=SourceLocation(path=self.path, line=self._line_of(needle)),
            )
        )

    def _line_of(self, needle: str) -> int:
        for number, line in enumerate(self.lines, start=1):
            if needle in line:
                return number
        return 1

    def read(self, raw: Mapping[str, object]) -> ProjectConfig:
        self._unknown(raw, _TOP_KEYS, "top-level table")
        project = self._table(raw.get("project", {}), "[project]")
        self._unknown(project, _PROJECT_KEYS, "[project] key")
        schema = builtin_schema()
        links = dict(schema.links)
        for name, table in self._table(raw.get("links", {}), "[links]").items():
            link = self._link(name, table, links.get(name))
            if link is not None:
                links[name] = link
        common = list(schema.common_fields)
        for name, table in self._table(raw.get("fields", {}), "[fields]").items():
            spec = self._field(name, table)
            if spec is not None:
                common = [f for f in common if f.name != name] + [spec]
        kinds = dict(schema.kinds)
        for name, table in self._table(raw.get("kinds", {}), "[kinds]").items():
            kind = self._kind(name, table, kinds.get(name), links)
            if kind is not None:
                kinds[name] = kind
        built = Schema.build(tuple(kinds.values()), tuple(links.values()), tuple(common))
        for target in _unknown_targets(built):
            self.report("config/link-invalid", f"link targets name unknown kind {target!r}", target)
        return ProjectConfig(
            name=self._string(project.get("name"), "name", default="Unnamed project"),
            schema=built,
            paths=self._strings(project.get("paths", ["."]), "paths") or (".",),
            exclude=self._strings(project.get("exclude", []), "exclude"),
            fail_on=self._severity(project.get("fail-on", "error")),
            standard=self._standard(project.get("standard", STANDARDS[0])),
            non_normative=self._non_normative(raw.get("trace", {})),
            controlled_files=self._controlled_files(raw.get("change-control", {})),
            soup=self._soup(raw.get("soup", {})),
            risk=self._risk(raw.get("risk", {})),
            problems=self._problems(raw.get("problems", {})),
            docs=self._docs(raw.get("docs", {})),
            reqif=self._reqif(raw.get("reqif", {}), built),
        )

    def _unknown(self, table: Mapping[str, object], known: frozenset[str], what: str) -> None:
        for key in table:
            if key not in known:
                allowed = ", ".join(sorted(known))
                self.report("config/unknown-key", f"unknown {what} {key!r} (known: {allowed})", key)

    def _table(self, value: object, what: str) -> dict[str, object]:
        if isinstance(value, dict):
            return value
        self.report("config/value-invalid", f"{what} must be a table", what.strip("[]"))
        return {}

    def _string(self, value: object, key: str, *, default: str) -> str:
        if value is None:
            return default
        if isinstance(value, str):
            return value
        self.report("config/value-invalid", f"'{key}' must be a string", key)
        return default

    def _strings(self, value: object, key: str) -> tuple[str, ...]:
        if isinstance(value, list) and all(isinstance(entry, str) for entry in value):
            return tuple(value)
        self.report("config/value-invalid", f"'{key}' must be a list of strings", key)
        return ()

    def _severity(self, value: object) -> Severity:
        try:
            return Severity(value)
        except ValueError:
            self.report(
                "config/value-invalid", "'fail-on' must be error, warning or info", "fail-on"
            )
            return Severity.ERROR

    def _controlled_files(self, value: object) -> tuple[str, ...]:
        table = self._table(value, "[change-control]")
        self._unknown(table, _CHANGE_KEYS, "[change-control] key")
        return self._strings(table.get("files", []), "files")

    def _non_normative(self, value: object) -> tuple[str, ...]:
        table = self._table(value, "[trace]")
        self._unknown(table, _TRACE_KEYS, "[trace] key")
        if "ignore-fields" not in table:
            return NON_NORMATIVE
        return self._strings(table["ignore-fields"], "ignore-fields")

    def _soup(self, value: object) -> SoupConfig:
        table = self._table(value, "[soup]")
        self._unknown(table, _SOUP_KEYS, "[soup] key")
        default = SoupConfig()
        return SoupConfig(
            sources=self._strings(table.get("sources", []), "sources"),
            folder=self._string(table.get("folder"), "folder", default=default.folder),
            scopes=self._strings(table.get("scopes", list(default.scopes)), "scopes"),
            advisories=self._string(table.get("advisories"), "advisories", default=""),
        )

    def _risk(self, value: object) -> RiskConfig:
        table = self._table(value, "[risk]")
        self._unknown(table, _RISK_KEYS, "[risk] key")
        default = RiskConfig()
        severity = self._strings(table.get("severity", list(default.severity)), "severity")
        probability = self._strings(
            table.get("probability", list(default.probability)), "probability"
        )
        if "acceptability" not in table and (severity, probability) == (
            default.severity,
            default.probability,
        ):
            return default
        rows = self._strings(table.get("acceptability", []), "acceptability")
        fits = len(rows) == len(severity) and all(
            len(row) == len(probability) and set(row) <= set("ARU") for row in rows
        )
        if not (severity and probability and fits):
            self.report(
                "config/value-invalid",
                f"[risk] needs severity and probability levels and 'acceptability': one row "
                f"per severity ({len(severity)}) of one letter A, R or U per probability "
                f"({len(probability)})",
                "acceptability" if "acceptability" in table else "risk",
            )
            return default
        return RiskConfig(severity=severity, probability=probability, acceptability=rows)

    def _docs(self, value: object) -> DocsConfig:
        table = self._table(value, "[docs]")
        self._unknown(table, _DOCS_KEYS, "[docs] key")
        default = DocsConfig()
        return DocsConfig(
            output=self._string(table.get("output"), "output", default=default.output),
            templates=self._string(table.get("templates"), "templates", default=""),
            reference_docx=self._string(table.get("reference-docx"), "reference-docx", default=""),
            organisation=self._string(table.get("organisation"), "organisation", default=""),
        )

    def _reqif(self, value: object, schema: Schema) -> ReqifConfig:
        table = self._table(value, "[reqif]")
        self._unknown(table, _REQIF_KEYS, "[reqif] key")
        default = ReqifConfig()
        field_names = {f.name for f in schema.common_fields} | {
            f.name for kind in schema.kinds.values() for f in kind.fields
        }
        default_kind = self._string(
            table.get("default-kind"), "default-kind", default=default.default_kind
        )
        if default_kind not in schema.kinds:
            message = f"[reqif] default-kind {default_kind[:40]!r} is not a kind"
            self.report("config/value-invalid", message, "default-kind")
            default_kind = default.default_kind
        prefix = self._string(table.get("id-prefix"), "id-prefix", default="")
        if prefix and not ID_PATTERN.match(f"{prefix}-1"):
            message = f"[reqif] id-prefix {prefix[:40]!r} cannot start an id (e.g. REQ or SRS)"
            self.report("config/value-invalid", message, "id-prefix")
            prefix = ""
        return ReqifConfig(
            kinds=self._names(table.get("kinds", {}), "kinds", set(schema.kinds), "a kind"),
            fields=self._names(
                table.get("fields", {}),
                "fields",
                field_names | set(_REQIF_ITEM_PARTS),
                "id, title, body or a field",
            ),
            links=self._names(table.get("links", {}), "links", set(schema.links), "a link type"),
            default_kind=default_kind,
            id_prefix=prefix,
            folder=self._string(table.get("folder"), "folder", default=default.folder),
        )

    def _names(
        self, value: object, key: str, allowed: set[str], what: str
    ) -> tuple[tuple[str, str], ...]:
        """A ``[reqif]`` mapping of ReqIF names to medtrace names, each one of ``allowed``."""
        table = self._table(value, f"[reqif] {key}")
        pairs = []
        for name, target in table.items():
            if isinstance(target, str) and target in allowed:
                pairs.append((name, target))
            else:
                self._not_one_of(f"[reqif] {key}: {name!r}", target, what, name)
        return tuple(pairs)

    def _not_one_of(self, where: str, value: object, what: str, needle: str) -> None:
        shown = repr(value)[:60]
        self.report("config/value-invalid", f"{where} maps to {shown}, which is not {what}", needle)

    def _problems(self, value: object) -> ProblemsConfig:
        table = self._table(value, "[problems]")
        self._unknown(table, _PROBLEMS_KEYS, "[problems] key")
        return ProblemsConfig(
            states=self._mapping(table.get("states", {}), "states", _PROBLEM_STATES),
            criticality=self._mapping(table.get("criticality", {}), "criticality", _CRITICALITIES),
            folder=self._string(table.get("folder"), "folder", default="problems"),
        )

    def _mapping(
        self, value: object, key: str, allowed: tuple[str, ...]
    ) -> tuple[tuple[str, str], ...]:
        table = self._table(value, f"[problems] {key}")
        pairs = []
        for label, target in table.items():
            if target in allowed:
                pairs.append((label, str(target)))
            else:
                self.report(
                    "config/value-invalid",
                    f"[problems] {key}: label {label!r} maps to {target!r}, not one of "
                    f"{', '.join(allowed)}",
                    label,
                )
        return tuple(pairs)

    def _standard(self, value: object) -> str:
        if value in STANDARDS:
            return str(value)
        message = f"'standard' must be one of {', '.join(STANDARDS)}"
        self.report("config/value-invalid", message, "standard")
        return STANDARDS[0]

    def _field(self, name: str, table: object) -> FieldSpec | None:
        if isinstance(table, str):
            table = {"type": table}
        if not _NAME.match(name) or not isinstance(table, dict):
            message = f"field {name!r} needs a lowercase name and a type"
            self.report("config/field-invalid", message, name)
            return None
        self._unknown(table, _FIELD_KEYS, f"key of field {name!r}:")
        try:
            field_type = FieldType(table.get("type"))
        except ValueError:
            known = ", ".join(t.value for t in FieldType)
            self.report(
                "config/field-type-unknown",
                f"field {name!r} has unknown type {table.get('type')!r} (known: {known})",
                name,
            )
            return None
        values = self._strings(table.get("values", []), "values")
        if field_type is FieldType.ENUM and not values:
            self.report("config/field-invalid", f"enum field {name!r} needs 'values'", name)
            return None
        return FieldSpec(
            name=name,
            type=field_type,
            description=str(table.get("description", "")),
            required=table.get("required") is True,
            values=values,
        )

    def _link(self, name: str, table: object, existing: LinkType | None) -> LinkType | None:
        if not _NAME.match(name) or not isinstance(table, dict):
            self.report("config/link-invalid", f"link type {name!r} needs a lowercase name", name)
            return None
        self._unknown(table, _LINK_KEYS, f"key of link type {name!r}:")
        targets = frozenset(self._strings(table.get("targets", []), "targets"))
        if existing is not None:
            return replace(existing, targets=existing.targets | targets)
        if not targets:
            self.report("config/link-invalid", f"link type {name!r} needs 'targets'", name)
            return None
        return LinkType(
            name=name,
            targets=targets,
            reverse=str(table.get("reverse", f"{name} (reverse)")),
            description=str(table.get("description", "")),
            acyclic=table.get("acyclic") is True,
        )

    def _kind(
        self, name: str, table: object, existing: KindSpec | None, links: Mapping[str, LinkType]
    ) -> KindSpec | None:
        if not _NAME.match(name) or not isinstance(table, dict):
            self.report("config/kind-invalid", f"kind {name!r} needs a lowercase name", name)
            return None
        self._unknown(table, _KIND_KEYS, f"key of kind {name!r}:")
        declared = self._table(table.get("fields", {}), "fields")
        fields = [self._field(key, spec) for key, spec in declared.items()]
        own_links = self._strings(table.get("links", []), "links")
        for link in own_links:
            if link not in links:
                message = f"kind {name!r} names unknown link type {link!r}"
                self.report("config/link-invalid", message, link)
        new_links = tuple(link for link in own_links if link in links)
        new_fields = tuple(spec for spec in fields if spec is not None)
        if existing is not None:
            kept = tuple(f for f in existing.fields if f.name not in {s.name for s in new_fields})
            return replace(
                existing,
                fields=kept + new_fields,
                links=existing.links + tuple(k for k in new_links if k not in existing.links),
            )
        return KindSpec(
            name=name,
            title=str(table.get("title", name.replace("-", " ").capitalize())),
            prefix=str(table.get("prefix", "")),
            description=str(table.get("description", "")),
            fields=new_fields,
            links=new_links,
            builtin=False,
        )


def _unknown_targets(schema: Schema) -> tuple[str, ...]:
    """Link targets naming kinds the schema does not have."""
    unknown = {
        target
        for link in schema.links.values()
        for target in link.targets
        if target != ANY_KIND and target not in schema.kinds
    }
    return tuple(sorted(unknown))
