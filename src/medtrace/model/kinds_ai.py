"""The kinds and links of AI/ML-enabled software: data sets, models, training runs,
performance evaluations and the modifications a predetermined change control plan permits.

Sources (paraphrased in ``../shared/standard``): IEC 62304 Edition 2 (AI development life
cycle planning), FDA's AI-enabled device software functions draft guidance (January 2025:
model description, data lineage, subgroups, performance with confidence intervals) and its
PCCP final guidance (December 2024: modification description, protocol, impact assessment).
The rules that check these records live in :mod:`medtrace.standard.rules.ai`.
"""

from __future__ import annotations

from dataclasses import replace

from medtrace.model.schema import FieldSpec, FieldType, KindSpec, LinkType

_S, _T, _E, _L, _D = (
    FieldType.STRING,
    FieldType.TEXT,
    FieldType.ENUM,
    FieldType.LIST,
    FieldType.DATE,
)
REQUIREMENTS = frozenset({"system-requirement", "software-requirement"})
SOFTWARE = frozenset({"software-system", "software-item", "software-unit"})
DATA_PURPOSES = ("training", "tuning", "test")
SUPPORT_LEVELS = ("actively-maintained", "maintained-security-only", "unmaintained", "unknown")


def _f(name: str, type_: FieldType, description: str, *, values: tuple[str, ...] = ()) -> FieldSpec:
    return FieldSpec(name=name, type=type_, description=description, values=values)


_CRITERIA = _f(
    "acceptance-criteria",
    _L,
    "Criteria a performance evaluation must meet, one per entry: `METRIC >= VALUE` (or `>`, "
    "`<=`, `<`), e.g. `sensitivity >= 0.90`; each holds overall and in every subgroup.",
)

AI_LINK_TYPES = (
    LinkType(
        name="trained-on",
        targets=frozenset({"data-set"}),
        reverse="trains",
        description="The training and tuning data sets of a model (FDA AI-enabled functions).",
    ),
    LinkType(
        name="specified-by",
        targets=REQUIREMENTS,
        reverse="specifies-model",
        description="The performance requirements a model must meet (5.2.2).",
    ),
    LinkType(
        name="deployed-in",
        targets=SOFTWARE,
        reverse="runs-model",
        description="The software item that runs a model (5.3.1).",
    ),
    LinkType(
        name="built-on",
        targets=frozenset({"soup"}),
        reverse="underlies",
        description="Frameworks and pretrained models a model depends on, as SOUP (8.1.2).",
    ),
    LinkType(
        name="produces",
        targets=frozenset({"ml-model"}),
        reverse="produced-by",
        description="The model a training run produced (8.1.1).",
    ),
    LinkType(
        name="trained-with",
        targets=frozenset({"data-set"}),
        reverse="used-in-run",
        description="The data sets a training run read (8.1.1).",
    ),
    LinkType(
        name="evaluates-model",
        targets=frozenset({"ml-model"}),
        reverse="evaluated-in",
        description="The model a performance evaluation measured (5.7.1).",
    ),
    LinkType(
        name="tested-on",
        targets=frozenset({"data-set"}),
        reverse="tests",
        description="The test data set of a performance evaluation (5.7.1).",
    ),
    LinkType(
        name="overlaps-with",
        targets=frozenset({"data-set"}),
        reverse="overlapped-by",
        description="A data set shares records with another (declared overlap).",
    ),
    LinkType(
        name="depends-on",
        targets=frozenset({"soup"}),
        reverse="needed-by",
        description="A SOUP component needs another: the SBOM's dependency graph (8.1.2).",
    ),
    LinkType(
        name="permits-change-of",
        targets=frozenset({"ml-model"}),
        reverse="changeable-under",
        description="The model a PCCP modification may change (FDA PCCP guidance).",
    ),
)

AI_KINDS = (
    KindSpec(
        name="data-set",
        title="Data set",
        prefix="DS",
        description="Data for training, tuning or testing a model, with its provenance "
        "(FDA AI-enabled functions: data lineage and splits; Edition 2 data management).",
        fields=(
            _f("purpose", _E, "What the data is for.", values=DATA_PURPOSES),
            _f("version", _S, "The version of the data set."),
            _f("source", _T, "Where the data comes from: sites, devices, registries."),
            _f("collection-period", _S, "When it was collected, e.g. 2021-01..2023-06."),
            _f("population", _T, "Who the data describes: inclusion and exclusion."),
            _f("subgroups", _L, "Subgroups results are reported for (age 65+, sex female...)."),
            _f("size", FieldType.INTEGER, "Number of records or cases."),
            _f("labelling-method", _T, "How the data was labelled (annotation method)."),
            _f("reference-standard", _T, "The ground truth labels are judged against."),
            _f("known-biases", _T, "Known limits of representativeness."),
            _f("license", _S, "The licence or data use agreement."),
            _f("content-hash", _S, "A digest of the content (sha256:...), to tell sets apart."),
            _f("manifest", _S, "A manifest file listing the records and their digests."),
        ),
        links=("overlaps-with",),
    ),
    KindSpec(
        name="ml-model",
        title="Machine learning model",
        prefix="MDL",
        description="A trained model the software runs (FDA AI-enabled functions: model "
        "description).",
        fields=(
            _f("model-version", _S, "The version of the model that ships."),
            _f("architecture", _T, "Model type, inputs, outputs and features."),
            _f("inputs", _T, "The inputs the model reads."),
            _f("outputs", _T, "What the model outputs."),
            _f("hyperparameters", _T, "Training hyperparameters, or where they are kept."),
            _f("config-file", _S, "The training configuration file, relative to the project."),
            _f("artefact-hash", _S, "A digest of the model artefact that ships (sha256:...)."),
            _f(
                "authorised-version",
                _S,
                "The version the marketing authorisation covers; a shipped version that "
                "differs is a change a PCCP must permit (FDA PCCP guidance).",
            ),
            _f("monitoring", _T, "How performance is monitored after deployment."),
        ),
        links=("trained-on", "specified-by", "deployed-in", "built-on"),
    ),
    KindSpec(
        name="training-run",
        title="Training run",
        prefix="TRN",
        description="The record of training one model version (reproducibility, 8.1.1).",
        fields=(
            _f("model-version", _S, "The model version the run produced."),
            _f("data-set-versions", _L, "The version of each data set read: `DS-001@1.2`."),
            _f("code-commit", _S, "The commit of the training code."),
            _f("environment", _T, "Hardware, framework versions and container image."),
            _f("seed", FieldType.INTEGER, "The random seed."),
            _f("date", _D, "When it ran."),
        ),
        links=("produces", "trained-with"),
    ),
    KindSpec(
        name="performance-evaluation",
        title="Performance evaluation",
        prefix="PEV",
        description="The measured performance of one model version on a test data set, "
        "verifying its performance requirements (5.7.1; FDA AI-enabled functions).",
        fields=(
            _f("model-version", _S, "The model version evaluated."),
            _f(
                "metrics",
                _L,
                "Overall results, one per entry: `METRIC = VALUE [LOW, HIGH]` (the 95 % "
                "confidence interval), e.g. `sensitivity = 0.93 [0.90, 0.95]`.",
            ),
            _f(
                "subgroup-results",
                _L,
                "Per-subgroup results: `SUBGROUP / METRIC = VALUE [LOW, HIGH]`.",
            ),
            _CRITERIA,
            _f("outcome", _E, "Did the model meet its criteria?", values=("passed", "failed")),
            _f("commit", _S, "The commit of the evaluation code and model."),
            _f("date", _D, "When it ran."),
        ),
        links=("evaluates-model", "tested-on", "verifies"),
    ),
    KindSpec(
        name="pccp-modification",
        title="PCCP modification",
        prefix="PCCP",
        description="A planned model modification of a predetermined change control plan "
        "(FDA PCCP guidance, December 2024).",
        fields=(
            _f("modification", _T, "What may change (description of modifications)."),
            _f("protocol", _T, "How: data management, retraining, evaluation and update."),
            _CRITERIA,
            _f("impact-assessment", _T, "Benefits, risks and how the protocol controls them."),
        ),
        links=("permits-change-of",),
    ),
)

# Fields the AI and SBOM work adds to built-in kinds.
_EXTRA_FIELDS = {
    "software-requirement": (_CRITERIA,),
    "plan": (
        _f(
            "ai-lifecycle",
            _T,
            "The AI development life cycle plan: data management, training, evaluation "
            "and deployment monitoring (IEC 62304 Edition 2).",
        ),
    ),
    "soup": (
        _f(
            "support-level",
            _E,
            "The level of support its maintainer gives (FDA premarket cybersecurity).",
            values=SUPPORT_LEVELS,
        ),
        _f("end-of-support", _D, "The date support ends (FDA premarket cybersecurity)."),
        _f("hashes", _L, "Digests of the component as shipped: `sha256:<hex>` (CISA SBOM)."),
    ),
    "vulnerability-evaluation": (
        _f(
            "cvss-vector",
            _S,
            "The CVSS vector the evaluation rests on (the advisory's, e.g. CVSS:3.1/AV:N/...).",
        ),
        _f("cvss-score", FieldType.NUMBER, "The CVSS base score of that vector."),
        _f(
            "known-exploited",
            FieldType.BOOLEAN,
            "Is it in CISA's Known Exploited Vulnerabilities catalogue (FDA premarket "
            "cybersecurity)?",
        ),
    ),
}


_EXTRA_LINKS = {"soup": ("depends-on",)}


def with_added_fields(kinds: tuple[KindSpec, ...]) -> tuple[KindSpec, ...]:
    """``kinds`` with the fields and links the AI and SBOM records add to built-in kinds."""
    return tuple(
        replace(
            kind,
            fields=(*kind.fields, *_EXTRA_FIELDS[kind.name]),
            links=(*kind.links, *_EXTRA_LINKS.get(kind.name, ())),
        )
        if kind.name in _EXTRA_FIELDS
        else kind
        for kind in kinds
    )
