"""Load, validate and merge catalog YAML files; look models, licences and GPUs up by name."""

import difflib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from llmpick.errors import CatalogError, UnknownLicenseError, UnknownModelError
from llmpick.records import ApiOffer, CatalogFile, Cloud, Gpu, License, ModelCard

ENV_VAR = "LLMPICK_CATALOG"
CATALOG_HINT = f"fix the file, or check the paths given with --catalog / {ENV_VAR}"


def builtin_dir() -> Path:
    """The shipped catalog: inside the installed package, or the checkout's top-level folder."""
    packaged = Path(__file__).parent / "catalog"
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent / "catalog"


def builtin_files() -> list[Path]:
    """Every YAML file of the built-in catalog, in a fixed order."""
    root = builtin_dir()
    files = [root / "licenses.yaml", root / "gpus.yaml", root / "clouds.yaml", root / "apis.yaml"]
    files += sorted((root / "models").glob("*.yaml"))
    return [f for f in files if f.is_file()]


def user_paths(paths: Sequence[Path] | None, environ: dict[str, str] | None = None) -> list[Path]:
    """User catalogs: LLMPICK_CATALOG entries first, then --catalog paths (later ones win)."""
    env = (environ if environ is not None else os.environ).get(ENV_VAR, "")
    found = [Path(p) for p in env.split(os.pathsep) if p]
    found += list(paths or [])
    files: list[Path] = []
    for path in found:
        if path.is_dir():
            files += sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
        else:
            files.append(path)
    return files


def _yaml_loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """Parse one YAML file with the safe loader (the C one when present)."""
    return parse_yaml(path, _read_bytes(path))


def parse_yaml(path: Path, blob: bytes) -> Any:
    """Parse YAML bytes with the safe loader; errors name `path`, line and column."""
    import yaml

    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CatalogError(f"{path}: not UTF-8 text: {err}", hint=CATALOG_HINT) from None
    try:
        return yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = err.problem or err.context or "invalid YAML"
        raise CatalogError(f"{where}: invalid YAML: {problem}", hint=CATALOG_HINT) from None
    except yaml.YAMLError as err:
        raise CatalogError(f"{path}: invalid YAML: {err}", hint=CATALOG_HINT) from None


def _node_at(root: Any, loc: Sequence[int | str]) -> Any:
    """The deepest YAML node along a pydantic error location."""
    import yaml

    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if part < len(node.value) else None
        else:
            child = None
        if child is None:
            break
        node = child
    return node


def _label(data: Any, loc: Sequence[int | str]) -> str:
    """`models.3.kv_heads` with the entry's id added where the path goes through one."""
    parts: list[str] = []
    cursor = data
    for part in loc:
        parts.append(str(part))
        if isinstance(cursor, dict):
            cursor = cursor.get(part)
        elif isinstance(cursor, list) and isinstance(part, int) and part < len(cursor):
            cursor = cursor[part]
            if isinstance(cursor, dict) and isinstance(cursor.get("id"), str):
                parts[-1] += f" ({cursor['id']})"
        else:
            cursor = None
    return ".".join(parts)


def schema_error(path: Path, data: Any, err: Any) -> CatalogError:
    """A CatalogError naming the file, line and field of each validation error."""
    import yaml

    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_yaml_loader())
    except (OSError, yaml.YAMLError):
        root = None
    lines = []
    for item in err.errors(include_url=False):
        loc = [p for p in item["loc"] if isinstance(p, int | str)]
        node = _node_at(root, loc) if root is not None else None
        where = f"{path}:{node.start_mark.line + 1}" if node is not None else str(path)
        msg = item["msg"]
        if item["type"] not in ("missing", "extra_forbidden") and "input" in item:
            shown = repr(item["input"])
            if len(shown) <= 60:
                msg += f" (got {shown})"
        if item["type"] == "extra_forbidden":
            msg = "unknown field (a typo?)"
        lines.append(f"  {where}: {_label(data, loc) or '(top level)'}: {msg}")
    count = len(lines)
    head = f"invalid catalog {path}: {count} error{'s' if count != 1 else ''}"
    return CatalogError("\n".join([head, *lines]), hint="see docs/catalog.md for the schema")


def parse_file(path: Path) -> CatalogFile:
    """Read and validate one catalog file."""
    return parse_text(path, _read_bytes(path))


def parse_text(path: Path, blob: bytes) -> CatalogFile:
    """Validate one catalog file's bytes; errors name `path`."""
    from pydantic import ValidationError

    data = parse_yaml(path, blob)
    if not isinstance(data, dict):
        raise CatalogError(
            f"{path}: expected a mapping with `version: 1` and `models`, `licenses`, `gpus`, "
            "`clouds` or `api_offers`",
            hint=CATALOG_HINT,
        )
    try:
        return CatalogFile.model_validate(data)
    except ValidationError as err:
        raise schema_error(path, data, err) from None


@dataclass(frozen=True)
class Catalog:
    """The merged catalog, with lookups by id, alias and fragment."""

    models: tuple[ModelCard, ...]
    licenses: dict[str, License]
    gpus: tuple[Gpu, ...]
    clouds: tuple[Cloud, ...] = ()
    api_offers: tuple[ApiOffer, ...] = ()
    origin: dict[str, Path] = field(default_factory=dict, compare=False)

    def gpu(self, gpu_id: str) -> Gpu:
        """A GPU by catalog id (ids are checked when the catalog loads)."""
        return next(g for g in self.gpus if g.id == gpu_id)

    @cached_property
    def _names(self) -> dict[str, ModelCard]:
        names: dict[str, ModelCard] = {}
        for model in self.models:
            for name in (model.id, *model.aliases, model.ollama_tag):
                if name:
                    names[name.lower()] = model
        return names

    def find_model(self, name: str) -> ModelCard:
        """A model by id, alias, Ollama tag, or unique case-insensitive fragment."""
        key = name.strip().lower()
        if key in self._names:
            return self._names[key]
        hits = {m.id: m for m in self.models if key and _fragment_match(key, m)}
        if len(hits) == 1:
            return next(iter(hits.values()))
        if len(hits) > 1:
            shown = ", ".join(sorted(hits)[:8]) + (", ..." if len(hits) > 8 else "")
            raise UnknownModelError(
                f"{name!r} is ambiguous: it matches {len(hits)} models: {shown}",
                hint="give more of the name, or the full id",
            )
        close = difflib.get_close_matches(key, list(self._names), n=5, cutoff=0.5)
        hint = (
            "did you mean: " + ", ".join(close) if close else "run `llmpick list` to see the models"
        )
        raise UnknownModelError(f"unknown model: {name}", hint=hint)

    def license(self, license_id: str) -> License:
        """A licence by id (case-insensitive)."""
        found = self.licenses.get(license_id) or next(
            (lic for key, lic in self.licenses.items() if key.lower() == license_id.lower()), None
        )
        if found is None:
            close = difflib.get_close_matches(license_id, list(self.licenses), n=5, cutoff=0.4)
            hint = "did you mean: " + ", ".join(close) if close else "see `llmpick list`"
            raise UnknownLicenseError(f"unknown licence: {license_id}", hint=hint)
        return found

    def licenses_of(self, model: ModelCard) -> list[License]:
        """The model's own licence, then the ones it inherits."""
        return [self.licenses[key] for key in (model.license, *model.upstream_licenses)]


def _fragment_match(key: str, model: ModelCard) -> bool:
    names = (model.id, model.name, *model.aliases)
    return any(key in n.lower() for n in names)


def merge_files(parsed: Iterable[tuple[Path, CatalogFile, bool]]) -> Catalog:
    """Merge files in order; built-in files may not collide, user files override by id."""
    models: dict[str, tuple[Path, ModelCard]] = {}
    licenses: dict[str, tuple[Path, License]] = {}
    gpus: dict[str, tuple[Path, Gpu]] = {}
    clouds: dict[str, tuple[Path, Cloud]] = {}
    offers: dict[str, tuple[Path, ApiOffer]] = {}
    for path, content, is_user in parsed:
        _put(models, path, content.models, is_user)
        _put(licenses, path, content.licenses, is_user)
        _put(gpus, path, content.gpus, is_user)
        _put(clouds, path, content.clouds, is_user)
        _put(offers, path, content.api_offers, is_user)
    catalog = Catalog(
        models=tuple(m for _, m in models.values()),
        licenses={k: lic for k, (_, lic) in licenses.items()},
        gpus=tuple(g for _, g in gpus.values()),
        clouds=tuple(c for _, c in clouds.values()),
        api_offers=tuple(o for _, o in offers.values()),
        origin={m.id: p for p, m in models.values()},
    )
    _check_references(catalog, {k: p for k, (p, _) in models.items()})
    _check_prices(catalog, clouds, offers)
    _check_unique_names(catalog, {k: p for k, (p, _) in models.items()})
    _check_gpu_names(catalog, {k: p for k, (p, _) in gpus.items()})
    return catalog


def _put(
    table: dict[str, tuple[Path, Any]], path: Path, entries: Iterable[Any], is_user: bool
) -> None:
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise CatalogError(f"{path}: duplicate id {entry.id!r}", hint=CATALOG_HINT)
        seen.add(entry.id)
        if entry.id in table and not is_user:
            other = table[entry.id][0]
            raise CatalogError(
                f"{path}: id {entry.id!r} is already defined in {other}", hint=CATALOG_HINT
            )
        table[entry.id] = (path, entry)


def _check_references(catalog: Catalog, where: dict[str, Path]) -> None:
    for model in catalog.models:
        for i, key in enumerate((model.license, *model.upstream_licenses)):
            if key not in catalog.licenses:
                field_name = "license" if i == 0 else "upstream_licenses"
                close = difflib.get_close_matches(key, list(catalog.licenses), n=3, cutoff=0.4)
                raise CatalogError(
                    f"{where[model.id]}: {model.id}: {field_name} {key!r} "
                    "is not in the licence table",
                    hint=("did you mean: " + ", ".join(close))
                    if close
                    else "add it to catalog/licenses.yaml",
                )


def _check_prices(
    catalog: Catalog,
    clouds: dict[str, tuple[Path, Cloud]],
    offers: dict[str, tuple[Path, ApiOffer]],
) -> None:
    """Every instance names a catalog GPU; every API offer a catalog model."""
    gpu_ids = {g.id for g in catalog.gpus}
    for path, cloud in clouds.values():
        for instance in cloud.instances:
            if instance.gpu not in gpu_ids:
                close = difflib.get_close_matches(instance.gpu, list(gpu_ids), n=3, cutoff=0.4)
                raise CatalogError(
                    f"{path}: {cloud.id} {instance.id}: gpu {instance.gpu!r} is not in the GPU "
                    "catalog",
                    hint=("did you mean: " + ", ".join(close))
                    if close
                    else "see catalog/gpus.yaml",
                )
    model_ids = {m.id for m in catalog.models}
    for path, offer in offers.values():
        if offer.model not in model_ids:
            raise CatalogError(
                f"{path}: {offer.provider} {offer.provider_model}: model {offer.model!r} is not "
                "in the catalog",
                hint="use a catalog model id (`llmpick list`)",
            )


def _check_unique_names(catalog: Catalog, where: dict[str, Path]) -> None:
    owner: dict[str, str] = {m.id.lower(): m.id for m in catalog.models}
    for model in catalog.models:
        for name in {a.lower() for a in (*model.aliases, model.ollama_tag) if a}:
            other = owner.setdefault(name, model.id)
            if other != model.id:
                raise CatalogError(
                    f"{where[model.id]}: {model.id}: alias {name!r} is already used by {other}",
                    hint="aliases must be unique across the catalog",
                )


def _check_gpu_names(catalog: Catalog, where: dict[str, Path]) -> None:
    owner: dict[str, str] = {g.id: g.id for g in catalog.gpus}
    for gpu in catalog.gpus:
        for name in {a.lower() for a in gpu.aliases}:
            other = owner.setdefault(name, gpu.id)
            if other != gpu.id:
                raise CatalogError(
                    f"{where[gpu.id]}: {gpu.id}: alias {name!r} is already used by {other}",
                    hint="GPU aliases must be unique",
                )


CACHE_ENV = "LLMPICK_CACHE_DIR"
CACHE_FORMAT = 2  # bump when the pickled shape changes


def cache_dir(environ: dict[str, str] | None = None) -> Path | None:
    """Where validated catalogs are cached; LLMPICK_CACHE_DIR="" turns the cache off."""
    env = environ if environ is not None else os.environ
    if CACHE_ENV in env:
        return Path(env[CACHE_ENV]) if env[CACHE_ENV] else None
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "llmpick"


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CatalogError(f"{path}: no such file", hint=CATALOG_HINT) from None
    except IsADirectoryError:
        raise CatalogError(f"{path}: is a folder with no .yaml files", hint=CATALOG_HINT) from None
    except OSError as err:
        raise CatalogError(f"{path}: cannot read: {err}", hint=CATALOG_HINT) from None


def _cache_key(blobs: Sequence[tuple[Path, bool, bytes]]) -> str:
    import hashlib
    from importlib.metadata import PackageNotFoundError, version

    try:
        tool = version("llmpick")
    except PackageNotFoundError:
        tool = "dev"
    # The code's own files too, so a schema change in a checkout never reads a stale cache.
    code = "|".join(
        str((Path(__file__).parent / name).stat().st_mtime_ns)
        for name in ("catalog.py", "records.py")
    )
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{tool}|{code}".encode())
    for path, is_user, blob in blobs:
        digest.update(f"\0{path.resolve()}|{is_user}|{len(blob)}\0".encode())
        digest.update(blob)
    return digest.hexdigest()[:32]


def _cache_get(key: str) -> Catalog | None:
    import pickle

    folder = cache_dir()
    if folder is None:
        return None
    try:
        with (folder / f"catalog-{key}.pickle").open("rb") as fh:
            found = pickle.load(fh)  # noqa: S301 - our own cache, keyed on the files' bytes
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return found if isinstance(found, Catalog) else None


def _cache_put(key: str, catalog: Catalog) -> None:
    """Write atomically; a cache that cannot be written is silently skipped."""
    import pickle
    import tempfile

    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("catalog-*.pickle"):
            old.unlink(missing_ok=True)  # keep one entry: catalogs change rarely
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as fh:
            pickle.dump(catalog, fh, protocol=pickle.HIGHEST_PROTOCOL)
        Path(fh.name).replace(folder / f"catalog-{key}.pickle")
    except OSError:
        return


def load_catalog(paths: Sequence[Path] | None = None, builtin: bool = True) -> Catalog:
    """The built-in catalog merged with user catalogs (from --catalog and LLMPICK_CATALOG).

    The validated result is cached, keyed on llmpick's version and every file's bytes, so a
    repeat run skips YAML parsing and validation; any change to any file misses the cache.
    """
    files = [(p, False) for p in builtin_files()] if builtin else []
    files += [(p, True) for p in user_paths(paths)]
    blobs = [(path, is_user, _read_bytes(path)) for path, is_user in files]
    key = _cache_key(blobs)
    cached = _cache_get(key)
    if cached is not None:
        return cached
    catalog = merge_files((path, parse_text(path, blob), is_user) for path, is_user, blob in blobs)
    _cache_put(key, catalog)
    return catalog


def iter_duplicate_keys(path: Path) -> Iterator[str]:
    """`path:line: duplicate key 'x'` for every mapping that repeats a key (YAML keeps the last)."""
    import yaml

    root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_yaml_loader())
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if key.value in seen:
                    yield f"{path}:{key.start_mark.line + 1}: duplicate key {key.value!r}"
                seen.add(key.value)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
