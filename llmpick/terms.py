"""A licence's conditions, worded once for every place that shows them (pure; no I/O).

`license` prints each condition as a fact, tables show a short flag, `check` lists it as a duty
and `recommend`/`compare` as a caveat. A new kind of condition is added here, once.
"""

from dataclasses import dataclass

from llmpick.records import CommercialUse, License, ModelFacts, RegionalRestriction


@dataclass(frozen=True)
class Term:
    """One condition of a licence; None where a place does not show it."""

    label: str  # the fact `license` prints, with `value`
    value: str
    flags: tuple[str, ...] = ()  # short flags for tables: 'MAU<700M', 'region:eu'
    duty: str | None = None  # the obligation `check` lists for a passing reference
    caveat: str | None = None  # the warning beside a recommendation
    fact: bool = True  # printed among the conditions by `license`


def applicable_restrictions(
    lic: License, model: ModelFacts | None = None
) -> list[RegionalRestriction]:
    """The licence's regional restrictions that bind this model (all of them if no model)."""
    multimodal = model is None or any(m != "text" for m in model.modalities)
    return [
        rr for rr in lic.conditions.regional_restrictions if rr.applies_to == "all" or multimodal
    ]


def human_count(n: int) -> str:
    """700000000 -> '700M', 100000000 -> '100M', 1500 -> '1.5K'."""
    for unit, size in (("B", 10**9), ("M", 10**6), ("K", 10**3)):
        if n >= size:
            return f"{n / size:.1f}".rstrip("0").rstrip(".") + unit
    return str(n)


def license_terms(lic: License, model: ModelFacts | None = None) -> list[Term]:
    """Every condition of the licence, in one order: non-commercial, caps, attribution, naming,
    acceptable use, regional restrictions (given a model, those that bind it), share-alike, other
    restrictions.
    Share-alike is always a term (a fact either way); it flags and binds only when set."""
    cond = lic.conditions
    i = lic.id
    terms = []
    if lic.commercial_use == CommercialUse.NO:
        # A policy without require-commercial-use lets it pass: the duty must still be said.
        # (`license` prints commercial use among the licence's own facts.)
        terms.append(
            Term(
                "commercial use",
                "no",
                duty=f"{i} non-commercial: no use for commercial advantage or payment",
                caveat=f"{i}: no commercial use",
                fact=False,
            )
        )
    if cap := cond.mau_cap:
        terms.append(
            Term(
                "monthly active users cap",
                f"{cap:,}",
                flags=(f"MAU<{human_count(cap)}",),
                duty=f"{i} MAU cap: a separate licence above {cap:,} monthly active users",
                caveat=f"{i}: a separate licence is needed above {cap:,} monthly users",
            )
        )
    if cap := cond.revenue_cap_usd:
        no_rights = f"no rights if your company's monthly revenue exceeds ${cap:,}"
        terms.append(
            Term(
                "monthly revenue cap (USD)",
                f"{cap:,}",
                flags=(f"revenue<${human_count(cap)}/mo",),
                duty=f"{i} revenue cap: {no_rights}",
                caveat=f"{i}: {no_rights}",
            )
        )
    if text := cond.attribution:
        # Keeping notices is implied by OSI licences: a duty in `check`, not worth a warning.
        notable = not lic.permissive
        terms.append(
            Term(
                "attribution",
                text,
                flags=("attribution",) if notable else (),
                duty=f"{i} attribution: {text}",
                caveat=f"{i} attribution: {text}" if notable else None,
            )
        )
    if text := cond.naming:
        terms.append(
            Term(
                "naming",
                text,
                flags=("naming",),
                duty=f"{i} naming: {text}",
                caveat=f"{i} naming: {text}",
            )
        )
    if url := cond.acceptable_use_policy:
        terms.append(
            Term(
                "acceptable use policy",
                url,
                flags=("AUP",),
                duty=f"{i} AUP: follow the acceptable use policy {url}",
                caveat=f"{i}: acceptable use policy {url}",
            )
        )
    for rr in applicable_restrictions(lic, model):
        # A policy's region is judged as a violation, so a restriction is no duty.
        regions = ", ".join(rr.regions)
        scope = "multimodal models" if rr.applies_to == "multimodal" else "all models"
        terms.append(
            Term(
                f"regional restriction ({regions}; {scope})",
                rr.text,
                flags=tuple(f"region:{r}" for r in sorted(rr.regions)),
                caveat=f"{i} regional restriction ({regions}): {rr.text}",
            )
        )
    share = "derivatives must use the same licence"
    terms.append(
        Term(
            "share-alike",
            "yes" if cond.share_alike else "no",
            flags=("share-alike",) if cond.share_alike else (),
            duty=f"{i} share-alike: {share}" if cond.share_alike else None,
            caveat=f"{i} share-alike: {share}" if cond.share_alike else None,
        )
    )
    terms += [Term("other", text) for text in cond.other]
    return terms


def license_flags(lic: License, model: ModelFacts | None = None) -> list[str]:
    """Short condition flags: 'MAU<700M', 'attribution', 'naming', 'AUP', 'region:eu'.

    Given a model, regional restrictions that cover only multimodal models are left out for
    text-only models.
    """
    return list(dict.fromkeys(f for term in license_terms(lic, model) for f in term.flags))


def obligations(lic: License, model: ModelFacts | None = None) -> list[str]:
    """The duties that come with using the model under this licence."""
    return [term.duty for term in license_terms(lic, model) if term.duty]


def caveats(lic: License, model: ModelFacts | None = None) -> list[str]:
    """The licence's warnings beside a recommendation of this model."""
    return [term.caveat for term in license_terms(lic, model) if term.caveat]
