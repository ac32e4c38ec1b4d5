"""Load a licence policy: --policy FILE, llmpick.toml, or [tool.llmpick] in pyproject.toml."""

import tomllib
from pathlib import Path
from typing import Any

from llmpick.catalog import Catalog
from llmpick.errors import PolicyError, UnknownLicenseError
from llmpick.records import Policy

HINT = "see docs/ci.md for the policy keys"


def find_policy(root: Path, explicit: Path | None) -> tuple[Path | None, str]:
    """The policy file and the table inside it ("" for a whole file, "tool.llmpick")."""
    if explicit is not None:
        if not explicit.is_file():
            raise PolicyError(f"{explicit}: no such policy file", hint=HINT)
        return explicit, "tool.llmpick" if explicit.name == "pyproject.toml" else ""
    if (root / "llmpick.toml").is_file():
        return root / "llmpick.toml", ""
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and b"[tool.llmpick]" in pyproject.read_bytes():
        return pyproject, "tool.llmpick"
    return None, ""


def load_policy(
    root: Path, explicit: Path | None, catalog: Catalog
) -> tuple[Policy, str, Path | None]:
    """The policy, a label for where it came from, and its file (None: the default policy)."""
    from pydantic import ValidationError

    path, table = find_policy(root, explicit)
    if path is None:
        return Policy(), "default policy (no llmpick.toml or [tool.llmpick] found)", None
    try:
        data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise PolicyError(f"{path}: cannot read: {err}", hint=HINT) from None
    except tomllib.TOMLDecodeError as err:
        raise PolicyError(f"{path}: invalid TOML: {err}", hint=HINT) from None
    for key in table.split(".") if table else []:
        data = data.get(key, {}) if isinstance(data, dict) else {}
    prefix = f"{table}." if table else ""
    try:
        policy = Policy.model_validate(data)
    except ValidationError as err:
        lines = []
        for item in err.errors(include_url=False):
            loc = prefix + ".".join(str(p) for p in item["loc"])
            msg = "unknown key (a typo?)" if item["type"] == "extra_forbidden" else item["msg"]
            lines.append(f"  {path}: {loc}: {msg}")
        raise PolicyError(f"invalid policy {path}:\n" + "\n".join(lines), hint=HINT) from None
    # Ids as `--license` reads them (any case, `LicenseRef-` optional), kept in catalog form.
    canonical: dict[str, object] = {}
    for key in ("allow-licenses", "deny-licenses"):
        field = key.replace("-", "_")
        given: tuple[str, ...] | None = getattr(policy, field)
        if given is None:
            continue
        ids = []
        for lic in given:
            try:
                ids.append(catalog.license(lic).id)
            except UnknownLicenseError as err:
                raise PolicyError(
                    f"{path}: {prefix}{key}: unknown licence id {lic!r}", hint=err.hint
                ) from None
        canonical[field] = tuple(ids)
    if policy.region is not None:  # as `--region` reads it: 'DE', 'Germany', 'uk'
        from llmpick.regions import region_code, region_hint

        canonical["region"] = region_code(policy.region)
        if canonical["region"] is None:
            raise PolicyError(
                f"{path}: {prefix}region: unknown region {policy.region!r}",
                hint=region_hint(policy.region),
            )
    policy = policy.model_copy(update=canonical)
    return policy, f"{path}" + (f" [{table}]" if table else ""), path
