"""Licence terms as filters and verdicts (pure functions over catalog records)."""

from dataclasses import dataclass
from typing import Literal

from llmpick.catalog import Catalog
from llmpick.errors import UnknownLicenseError, UsageError
from llmpick.records import CommercialUse, License, ModelCard

KEYWORDS = ("any", "commercial", "permissive")


@dataclass(frozen=True)
class LicenseSpec:
    """What licences a user accepts: a keyword, or a set of licence ids."""

    mode: Literal["any", "commercial", "permissive", "ids"]
    ids: frozenset[str] = frozenset()

    def describe(self) -> str:
        match self.mode:
            case "any":
                return "any licence"
            case "commercial":
                return "commercial use allowed (possibly with conditions)"
            case "permissive":
                return "OSI-approved permissive licences only"
            case "ids":
                return "licences " + ", ".join(sorted(self.ids))


def parse_license_spec(values: list[str] | None, catalog: Catalog, default: str) -> LicenseSpec:
    """`any`, `commercial`, `permissive`, or licence ids (repeatable or comma-separated)."""
    items = [v.strip() for value in (values or [default]) for v in value.split(",") if v.strip()]
    keywords = [v.lower() for v in items if v.lower() in KEYWORDS]
    if keywords:
        if len(items) > 1:
            raise UsageError(
                f"--license {keywords[0]} cannot be combined with other values",
                hint="give one keyword (any, commercial, permissive) or a list of licence ids",
            )
        return LicenseSpec(mode=keywords[0])  # type: ignore[arg-type]
    ids = set()
    for item in items:
        try:
            ids.add(catalog.license(item).id)
        except UnknownLicenseError as err:  # a bad option value here, not a catalog error
            raise UsageError(f"--license: unknown licence {item!r}", hint=err.hint) from None
    return LicenseSpec(mode="ids", ids=frozenset(ids))


def license_failure(catalog: Catalog, model: ModelCard, spec: LicenseSpec) -> str | None:
    """Why the model's licences (own and inherited) break the spec, or None if they don't."""
    for lic in catalog.licenses_of(model):
        reason = _failure(lic, spec)
        if reason:
            return reason
    return None


def _failure(lic: License, spec: LicenseSpec) -> str | None:
    match spec.mode:
        case "any":
            return None
        case "commercial":
            if lic.commercial_use == CommercialUse.NO:
                return f"licence {lic.id} does not allow commercial use"
        case "permissive":
            if not lic.permissive:
                return f"licence {lic.id} is not an OSI-approved permissive licence"
        case "ids":
            if lic.id not in spec.ids:
                return f"licence {lic.id} is not in the allowed list"
    return None
