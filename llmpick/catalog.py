"""Load, validate and merge catalog YAML files; look models, licences and GPUs up by name."""

import os
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmpick.errors import CatalogError, UnknownLicenseError, UnknownModelError, did_you_mean
from llmpick.records import ApiOffer, CatalogFile, Cloud, Gpu, License, ModelCard, ModelFacts

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


def _short_license(license_id: str) -> str:
    """A licence id as users write it: any case, without SPDX's `LicenseRef-` prefix."""
    return license_id.lower().removeprefix("licenseref-")


class Catalog:
    """The merged catalog, with lookups by id, alias and fragment.

    Model cards are built lazily when the catalog comes from the cache: each is stored as its
    own pickle, so a run that ranks 16,000 models through the index (`Catalog.index`) builds
    only the cards it shows."""

    def __init__(
        self,
        models: tuple[ModelCard, ...],
        licenses: dict[str, License],
        gpus: tuple[Gpu, ...],
        clouds: tuple[Cloud, ...] = (),
        api_offers: tuple[ApiOffer, ...] = (),
        origin: dict[str, Path] | None = None,
    ) -> None:
        self._models: tuple[ModelCard, ...] | None = models
        # Cached catalogs keep their cards in a file beside the cache: (path, byte offsets).
        self._card_store: tuple[Path, tuple[int, ...]] = (Path(), (0,))
        self._built: dict[int, ModelCard] = {}
        self.licenses = licenses
        self.gpus = gpus
        self.clouds = clouds
        self.api_offers = api_offers
        self.origin = origin or {}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Catalog):
            return NotImplemented
        mine = (self.models, self.licenses, self.gpus, self.clouds, self.api_offers)
        return mine == (other.models, other.licenses, other.gpus, other.clouds, other.api_offers)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Catalog({len(self.models)} models, {len(self.licenses)} licences)"

    @property
    def models(self) -> tuple[ModelCard, ...]:
        if self._models is None:
            import pickle

            path, offsets = self._card_store
            data = path.read_bytes()
            self._models = tuple(
                self._built.get(i) or pickle.loads(data[offsets[i] : offsets[i + 1]])  # noqa: S301
                for i in range(len(offsets) - 1)
            )
        return self._models

    def model_at(self, i: int) -> ModelCard:
        """The i-th model card (catalog order), built from the cache on first use."""
        if self._models is not None:
            return self._models[i]
        if i not in self._built:
            import pickle

            path, offsets = self._card_store
            with path.open("rb") as fh:
                fh.seek(offsets[i])
                blob = fh.read(offsets[i + 1] - offsets[i])
            self._built[i] = pickle.loads(blob)  # noqa: S301 - our own cache
        return self._built[i]

    @property
    def size(self) -> int:
        """How many models (without building them)."""
        return len(self._models) if self._models is not None else len(self._card_store[1]) - 1

    @cached_property
    def index(self) -> "Index":
        from llmpick.index import Index

        return Index(self.models)

    def card_blobs(self) -> list[bytes]:
        """Each model card pickled on its own, for the cache's card store."""
        import pickle

        return [pickle.dumps(m, protocol=pickle.HIGHEST_PROTOCOL) for m in self.models]

    def __getstate__(self) -> dict[str, object]:
        skip = ("_models", "_built", "_names")
        state = {k: v for k, v in self.__dict__.items() if k not in skip}
        return state | {"index": self.index}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._models = None
        self._built = {}

    def gpu(self, gpu_id: str) -> Gpu:
        """A GPU by catalog id (ids are checked when the catalog loads)."""
        return next(g for g in self.gpus if g.id == gpu_id)

    @cached_property
    def _names(self) -> dict[str, int]:
        """Lower-cased id, aliases and Ollama tag -> catalog position (from the index rows, so
        finding one model builds only that card)."""
        names: dict[str, int] = {}
        for i, row in enumerate(self.index.rows):
            for name in (row.id, *row.aliases, row.ollama_tag):
                if name:
                    names[name.lower()] = i
        return names

    def find_model(self, name: str) -> ModelCard:
        """A model by id, alias, Ollama tag, or unique case-insensitive fragment."""
        key = name.strip().lower()
        if key in self._names:
            return self.model_at(self._names[key])
        rows = self.index.rows
        hits = {
            r.id: i
            for i, r in enumerate(rows)
            if key and any(key in n.lower() for n in (r.id, r.name, *r.aliases))
        }
        if len(hits) == 1:
            return self.model_at(next(iter(hits.values())))
        if len(hits) > 1:
            shown = ", ".join(sorted(hits)[:8]) + (", ..." if len(hits) > 8 else "")
            raise UnknownModelError(
                f"{name!r} is ambiguous: it matches {len(hits)} models: {shown}",
                hint="give more of the name, or the full id",
            )
        hint = did_you_mean(key, self._names, "run `llmpick list` to see the models")
        raise UnknownModelError(f"unknown model: {name}", hint=hint)

    def license(self, license_id: str) -> License:
        """A licence by id, case-insensitive, the SPDX `LicenseRef-` prefix optional ("gemma")."""
        short = {_short_license(key): key for key in self.licenses}
        key = short.get(_short_license(license_id))
        found = self.licenses.get(license_id) or (self.licenses[key] if key else None)
        if found is None:
            known = "licences in the catalog: " + ", ".join(sorted(self.licenses, key=str.lower))
            hint = did_you_mean(_short_license(license_id), short, known, cutoff=0.4, shown=short)
            raise UnknownLicenseError(f"unknown licence: {license_id}", hint=hint)
        return found

    def licenses_of(self, model: ModelFacts) -> list[License]:
        """The model's own licence, then the ones it inherits."""
        return [self.licenses[key] for key in (model.license, *model.upstream_licenses)]


if TYPE_CHECKING:
    from llmpick.index import Index


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
    _check_regions(catalog, {k: p for k, (p, _) in licenses.items()})
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
                raise CatalogError(
                    f"{where[model.id]}: {model.id}: {field_name} {key!r} "
                    "is not in the licence table",
                    hint=did_you_mean(
                        key, catalog.licenses, "add it to catalog/licenses.yaml", n=3, cutoff=0.4
                    ),
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
                raise CatalogError(
                    f"{path}: {cloud.id} {instance.id}: gpu {instance.gpu!r} is not in the GPU "
                    "catalog",
                    hint=did_you_mean(
                        instance.gpu, gpu_ids, "see catalog/gpus.yaml", n=3, cutoff=0.4
                    ),
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


def _check_regions(catalog: Catalog, where: dict[str, Path]) -> None:
    """Regional restrictions name 'eu' or ISO 3166-1 alpha-2 codes, as `--region` reads them."""
    from llmpick.regions import COUNTRIES, region_hint

    for lic in catalog.licenses.values():
        for rr in lic.conditions.regional_restrictions:
            for region in rr.regions:
                if region != "eu" and region not in COUNTRIES:
                    raise CatalogError(
                        f"{where[lic.id]}: {lic.id}: regional_restrictions: unknown region "
                        f"{region!r}",
                        hint=f"write it in lower case: {region.lower()}"
                        if region.lower() in (*COUNTRIES, "eu")
                        else region_hint(region),
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
CACHE_FORMAT = 7  # bump when the pickled shape changes
CACHE_CODE = (
    "catalog.py", "records.py", "index.py", "memory.py", "params.py", "quality.py", "quant.py",
    "regions.py",
)  # fmt: skip


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

    # The code that shapes the cached data: a new llmpick (or an edit in a checkout) rewrites
    # these files, so a changed schema or index never reads a stale cache.
    here = Path(__file__).parent
    code = "|".join(str((here / name).stat().st_mtime_ns) for name in CACHE_CODE)
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{code}".encode())
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
        if not isinstance(found, Catalog):
            return None
        path, offsets = found._card_store
        if path.stat().st_size != offsets[-1]:
            return None  # the card store was cut short or replaced: rebuild
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None
    return found


def _cache_put(key: str, catalog: Catalog) -> None:
    """Write atomically: the cards first, then the catalog that points at them. A cache that
    cannot be written is silently skipped."""
    import pickle
    import tempfile

    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in (*folder.glob("catalog-*.pickle"), *folder.glob("catalog-*.cards")):
            old.unlink(missing_ok=True)  # keep one entry: catalogs change rarely
        blobs = catalog.card_blobs()
        offsets = [0]
        for blob in blobs:
            offsets.append(offsets[-1] + len(blob))
        cards = folder / f"catalog-{key}.cards"
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as fh:
            fh.write(b"".join(blobs))
        Path(fh.name).replace(cards)
        catalog._card_store = (cards, tuple(offsets))
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
