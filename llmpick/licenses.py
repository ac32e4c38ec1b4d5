"""Licence terms as filters and verdicts (pure functions over catalog records)."""

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from llmpick.catalog import Catalog
from llmpick.errors import UnknownLicenseError, UsageError
from llmpick.records import CommercialUse, License, ModelCard, ModelFacts

if TYPE_CHECKING:
    from llmpick.records import CheckReport, Policy

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
            hint = err.hint if (err.hint or "").startswith("did you mean") else None
            raise UsageError(
                f"--license: unknown licence {item!r}",
                hint=hint
                or "give any, commercial, permissive or licence ids: "
                + ", ".join(sorted(catalog.licenses, key=str.lower)),
            ) from None
    return LicenseSpec(mode="ids", ids=frozenset(ids))


def license_failure(catalog: Catalog, model: ModelFacts, spec: LicenseSpec) -> str | None:
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


def evaluate(catalog: Catalog, model: ModelCard, policy: "Policy") -> tuple[list[str], list[str]]:
    """(violations, obligations) of a model under a policy, over its own and inherited licences."""
    from llmpick.terms import applicable_restrictions, obligations

    violations: list[str] = []
    duties: list[str] = []
    for lic in catalog.licenses_of(model):
        if policy.allow_licenses is not None and lic.id not in policy.allow_licenses:
            violations.append(f"licence {lic.id} is not in allow-licenses")
        if lic.id in policy.deny_licenses:
            violations.append(f"licence {lic.id} is in deny-licenses")
        if policy.require_commercial_use and lic.commercial_use == CommercialUse.NO:
            violations.append(f"licence {lic.id} does not allow commercial use")
        cap = lic.conditions.mau_cap
        if cap and policy.monthly_active_users is not None and policy.monthly_active_users > cap:
            violations.append(
                f"licence {lic.id} needs a separate licence above {cap:,} monthly active users "
                f"(policy: {policy.monthly_active_users:,})"
            )
        revenue_cap = lic.conditions.revenue_cap_usd
        revenue = policy.monthly_revenue_usd
        if revenue_cap and revenue is not None and revenue > revenue_cap:
            violations.append(
                f"licence {lic.id} grants no rights above ${revenue_cap:,} monthly revenue "
                f"(policy: ${revenue:,})"
            )
        if policy.region:
            from llmpick.regions import restricted_in

            for rr in applicable_restrictions(lic, model):
                where = restricted_in(policy.region, rr.regions)
                if where is not None:
                    violations.append(f"licence {lic.id} restricts {where}: {rr.text}")
        duties += obligations(lic, model)
    return violations, duties


# Reference kinds found outside a claim that they name a model (a bare name in a model key; a
# quoted "a/b" anywhere in code): judged when the catalog knows them, otherwise not reported.
UNCLAIMED = ("name", "string")


def run_check(
    catalog: Catalog,
    root: Path,
    policy: "Policy",
    policy_source: str,
    policy_path: Path | None = None,
    jobs: int | None = None,
) -> "CheckReport":
    """Scan root (in `jobs` processes, as `scan` takes them), resolve every reference, judge
    each under the policy."""
    from llmpick.records import CheckReport, ModelRef, Verdict
    from llmpick.resolve import Resolver
    from llmpick.scan import is_placeholder, scan

    resolver = Resolver(catalog)
    skip = _relative(policy_path, root) if policy_path else None
    found, files = scan(root, policy.exclude, resolver.string_filter(), skip, jobs)
    placeholders = tuple(
        ModelRef(path=f.path, line=f.line, text=f.text, kind=f.kind)
        for f in found
        if f.kind not in UNCLAIMED and is_placeholder(f.text)  # unknown ones are dropped anyway
    )
    refs = [
        ModelRef(path=f.path, line=f.line, text=f.text, kind=f.kind)
        for f in found
        if f.kind in UNCLAIMED or not is_placeholder(f.text)
    ]
    where = _relative(policy_path, root) if policy_path else "(policy)"
    refs += [
        ModelRef(path=where, line=0, text=m, kind="ollama" if ":" in m else "policy")
        for m in policy.models
    ]
    excepted = {e.model.lower(): e.reason for e in policy.allow_models}
    verdicts = []
    for ref in refs:
        res = resolver.resolve(ref.text, ref.kind)
        model = res.model
        if model is None and ref.kind in UNCLAIMED:
            continue  # a bare name (most are hosted-API names) or a string that is no model
        if model is None:
            verdicts.append(
                Verdict(
                    ref=ref,
                    status="unknown",
                    model=None,
                    reasons=(f"{ref.text} is not in the catalog (add it with --catalog)",),
                )
            )
            continue
        violations, duties = evaluate(catalog, model, policy)
        reason = excepted.get(ref.text.lower()) or excepted.get(model.id.lower())
        status = "violation" if violations else "pass"
        if violations and reason:
            status = "excepted"
            violations = [*violations, f"allowed by allow-models: {reason}"]
        verdicts.append(
            Verdict(
                ref=ref,
                status=status,
                model=model.id,
                via=res.via,
                licenses=tuple(lic.id for lic in catalog.licenses_of(model)),
                reasons=tuple(violations),
                obligations=tuple(dict.fromkeys(duties)),
            )
        )
    summary = {
        s: sum(v.status == s for v in verdicts)
        for s in ("pass", "violation", "unknown", "excepted")
    }
    summary["references"] = len(verdicts)
    return CheckReport(
        root=str(root),
        policy_source=policy_source,
        policy=policy,
        files_scanned=files,
        verdicts=tuple(verdicts),
        summary=summary,
        placeholders=placeholders,
    )


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def check_failed(report: "CheckReport") -> bool:
    """Exit 1: a violation, or an unknown model when the policy says unknown-models = fail."""
    s = report.summary
    return s["violation"] > 0 or (s["unknown"] > 0 and report.policy.unknown_models == "fail")
