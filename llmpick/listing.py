"""Select catalog models by family, licence, language, size, capability and modality."""

from collections.abc import Sequence
from dataclasses import dataclass

from llmpick.catalog import Catalog
from llmpick.licenses import LicenseSpec, license_failure
from llmpick.records import Capability, Modality, ModelCard


@dataclass(frozen=True)
class ModelFilter:
    families: frozenset[str] = frozenset()
    license: LicenseSpec = LicenseSpec(mode="any")
    languages: frozenset[str] = frozenset()  # ISO 639-1 codes; a model must list all of them
    min_params_b: float | None = None  # total parameters, billions
    max_params_b: float | None = None
    capabilities: frozenset[Capability] = frozenset()
    modalities: frozenset[Modality] = frozenset()

    def describe(self) -> list[str]:
        """The active filters, for a caption."""
        parts = []
        if self.families:
            parts.append("family " + "/".join(sorted(self.families)))
        if self.license.mode != "any":
            parts.append(self.license.describe())
        if self.languages:
            parts.append("languages " + ", ".join(sorted(self.languages)))
        if self.min_params_b is not None:
            parts.append(f">= {self.min_params_b:g}B params")
        if self.max_params_b is not None:
            parts.append(f"<= {self.max_params_b:g}B params")
        if self.capabilities:
            parts.append("capabilities " + ", ".join(sorted(self.capabilities)))
        if self.modalities:
            parts.append("input " + ", ".join(sorted(self.modalities)))
        return parts


def matches(catalog: Catalog, model: ModelCard, flt: ModelFilter) -> bool:
    """Whether the model passes every filter."""
    total = model.params_total_b
    return (
        (not flt.families or model.family in flt.families)
        and license_failure(catalog, model, flt.license) is None
        and flt.languages <= set(model.languages)
        and (flt.min_params_b is None or total >= flt.min_params_b)
        and (flt.max_params_b is None or total <= flt.max_params_b)
        and flt.capabilities <= set(model.capabilities)
        and flt.modalities <= set(model.modalities)
    )


def select_models(catalog: Catalog, flt: ModelFilter) -> list[ModelCard]:
    """Matching models ordered by family, size, then id."""
    found: Sequence[ModelCard] = [m for m in catalog.models if matches(catalog, m, flt)]
    return sorted(found, key=lambda m: (m.family, m.params_total_b, m.id))
