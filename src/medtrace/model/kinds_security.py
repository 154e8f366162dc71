"""The kinds and links of security risk management: assets under threat, threats with their
STRIDE categories and attack vectors, and how they reach safety.

Sources (paraphrased in ``../shared/standard``): IEC 81001-5-1 (threat modelling 5.2,
security risk management 7.x, verification 5.7) and the FDA's premarket cybersecurity
guidance (September 2023, updated June 2025: threat modelling, security controls traced to
requirements and tests). Security risk controls are ``risk-control`` items that mitigate a
threat; the rules are in :mod:`medtrace.standard.rules.security`.
"""

from __future__ import annotations

from dataclasses import replace

from medtrace.model.schema import FieldSpec, FieldType, KindSpec, LinkType

STRIDE = (
    "spoofing",
    "tampering",
    "repudiation",
    "information-disclosure",
    "denial-of-service",
    "elevation-of-privilege",
)
ATTACK_VECTORS = ("network", "adjacent", "local", "physical")  # as CVSS names them
_TARGETS = frozenset(
    {"software-system", "software-item", "software-unit", "soup", "data-set", "ml-model"}
)


def _f(name: str, type_: FieldType, description: str, *, values: tuple[str, ...] = ()) -> FieldSpec:
    return FieldSpec(name=name, type=type_, description=description, values=values)


SECURITY_LINK_TYPES = (
    LinkType(
        name="threatens",
        targets=_TARGETS,
        reverse="threatened-by",
        description="The software, SOUP, model or data a threat attacks (IEC 81001-5-1 5.2).",
    ),
    LinkType(
        name="may-lead-to",
        targets=frozenset({"hazardous-situation"}),
        reverse="reached-by-threat",
        description="A threat that can bring about a hazardous situation (security to safety).",
    ),
)

SECURITY_KINDS = (
    KindSpec(
        name="threat",
        title="Threat",
        prefix="THR",
        description="One entry of the threat model: an asset, the threat to it, the "
        "vulnerability exploited and the attack vector (IEC 81001-5-1 5.2, 7.x; FDA premarket "
        "cybersecurity).",
        fields=(
            _f("asset", FieldType.STRING, "What is protected: data, a function, an interface."),
            _f(
                "stride",
                FieldType.LIST,
                f"STRIDE categories of the threat: {', '.join(STRIDE)}.",
            ),
            _f("vulnerability", FieldType.TEXT, "The weakness the threat exploits."),
            _f(
                "attack-vector",
                FieldType.ENUM,
                "From where the attack is made (as CVSS names it).",
                values=ATTACK_VECTORS,
            ),
            _f("exploitability", FieldType.TEXT, "How easily it is exploited, and by whom."),
            _f("impact", FieldType.TEXT, "What a successful attack does (security and safety)."),
            _f(
                "risk-acceptance",
                FieldType.TEXT,
                "Why the threat is accepted without a control (residual security risk).",
            ),
        ),
        links=("threatens", "may-lead-to"),
    ),
)


def with_security_links(links: tuple[LinkType, ...]) -> tuple[LinkType, ...]:
    """``links`` with ``mitigates`` reaching threats: a security risk control is a
    ``risk-control`` that mitigates a threat."""
    return tuple(
        replace(link, targets=link.targets | {"threat"}) if link.name == "mitigates" else link
        for link in links
    )
