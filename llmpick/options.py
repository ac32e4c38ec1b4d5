"""Turn raw option values into core records, with usage errors that name the option."""

from typing import TypeVar

from llmpick import languages
from llmpick.catalog import Catalog
from llmpick.errors import UsageError
from llmpick.licenses import parse_license_spec
from llmpick.listing import ModelFilter
from llmpick.records import CAPABILITY_SHORT, Capability, Modality


def language_codes(values: list[str] | None) -> frozenset[str]:
    """ISO 639-1 codes for codes or English names; comma-separated values allowed."""
    codes = set()
    for value in values or []:
        for item in filter(None, (v.strip() for v in value.split(","))):
            code = languages.to_code(item)
            if code is None:
                raise UsageError(f"--lang: unknown language {item!r}", hint=languages.hint(item))
            codes.add(code)
    return frozenset(codes)


E = TypeVar("E", Capability, Modality)


def region(value: str | None) -> str | None:
    """--region: an ISO 3166-1 alpha-2 code, a country's English name, or eu; as a code."""
    if value is None:
        return None
    from llmpick.regions import region_code, region_hint

    code = region_code(value)
    if code is None:
        raise UsageError(f"--region: unknown region {value!r}", hint=region_hint(value))
    return code


def _enum_values(
    option: str, values: list[str] | None, enum: type[E], short: dict[E, str] | None = None
) -> frozenset[E]:
    """Members by value, or by the short name tables print (`short`)."""
    by_short = {name: member for member, name in (short or {}).items()}
    found = set()
    for value in values or []:
        for item in filter(None, (v.strip().lower() for v in value.split(","))):
            try:
                found.add(by_short.get(item) or enum(item))
            except ValueError:
                choices = ", ".join(
                    e.value + (f" ({short[e]})" if short and e in short else "") for e in enum
                )
                raise UsageError(
                    f"{option}: unknown value {item!r}", hint=f"choose from {choices}"
                ) from None
    return frozenset(found)


def capabilities(values: list[str] | None) -> frozenset[Capability]:
    return _enum_values("--capability", values, Capability, CAPABILITY_SHORT)


def modalities(values: list[str] | None) -> frozenset[Modality]:
    return _enum_values("--modality", values, Modality)


def families(catalog: Catalog, values: list[str] | None) -> frozenset[str]:
    """Family names; an unknown family is a usage error listing the known ones."""
    known = {m.family for m in catalog.models}
    wanted = {v.strip().lower() for value in values or [] for v in value.split(",") if v.strip()}
    unknown = sorted(wanted - known)
    if unknown:
        raise UsageError(
            f"--family: unknown family {unknown[0]!r}", hint="known: " + ", ".join(sorted(known))
        )
    return frozenset(wanted)


def model_filter(
    catalog: Catalog,
    family: list[str] | None,
    license: list[str] | None,
    lang: list[str] | None,
    min_params: float | None,
    max_params: float | None,
    capability: list[str] | None,
    modality: list[str] | None,
) -> ModelFilter:
    """The `list` filters, checked."""
    if min_params is not None and max_params is not None and min_params > max_params:
        raise UsageError("--min-params is larger than --max-params")
    return ModelFilter(
        families=families(catalog, family),
        license=parse_license_spec(license, catalog, default="any"),
        languages=language_codes(lang),
        min_params_b=min_params,
        max_params_b=max_params,
        capabilities=capabilities(capability),
        modalities=modalities(modality),
    )
