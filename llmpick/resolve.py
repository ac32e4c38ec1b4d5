"""Map what a repository names (ids, aliases, Ollama tags, derivatives) to catalog models."""

import re
from dataclasses import dataclass
from functools import cached_property

from llmpick.catalog import Catalog
from llmpick.records import ModelCard
from llmpick.scan import StringFilter

# Suffixes quantizers and converters append to a repo name.
DERIVATIVE_SUFFIX = re.compile(
    r"[-_.](?:awq|gptq(?:[-_]int[48])?(?:[-_]g\d+)?|gguf|ggml|fp8(?:[-_]dynamic)?|fp4|nvfp4|"
    r"int[48]|w4a16|w8a8|w8a16|mlx(?:[-_]\d+bit)?|\d+bit|bnb(?:[-_]\d+bit)?|exl2|"
    r"quantized(?:[-_.]w\d+a\d+)?|q\d(?:_k(?:_[msl])?|_\d)?|iq\d_\w+|unsloth|imatrix)$",
    re.IGNORECASE,
)
# Client-side prefixes (LiteLLM, LangChain) that route a name to a local Ollama server.
OLLAMA_PROVIDERS = {"ollama", "ollama_chat"}
# Organisations that republish others' models (quantizations, conversions).
REPUBLISHERS = {
    "unsloth", "bartowski", "thebloke", "lmstudio-community", "mlx-community", "redhatai",
    "neuralmagic", "casperhansen", "hugging-quants", "ggml-org", "second-state", "mradermacher",
    "nm-testing", "modularai", "solidrust", "qeternity",
}  # fmt: skip


@dataclass(frozen=True)
class Resolution:
    model: ModelCard | None
    via: str | None  # how it was reached, when not by its exact id


class Resolver:
    """Lookups built once per catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._known: dict[str, bool] = {}  # quoted strings already asked about (`knows`)

    @cached_property
    def by_id(self) -> dict[str, ModelCard]:
        return {m.id.lower(): m for m in self.catalog.models}

    @cached_property
    def by_repo_name(self) -> dict[str, list[ModelCard]]:
        out: dict[str, list[ModelCard]] = {}
        for m in self.catalog.models:
            name = m.id.split("/", 1)[1].lower()
            for key in {name, name.removeprefix("meta-"), "meta-" + name}:
                out.setdefault(key, []).append(m)
        return out

    @cached_property
    def by_quantized(self) -> dict[str, ModelCard]:
        return {repo.lower(): m for m in self.catalog.models for repo in m.quantized.values()}

    @cached_property
    def by_tag(self) -> dict[str, ModelCard]:
        out = {}
        for m in self.catalog.models:
            for name in (m.ollama_tag, *m.aliases):
                if name:
                    out[name.lower()] = m
        return out

    def string_filter(self) -> StringFilter:
        """What a quoted "org/name" in no model position must look like to be one of the catalog's
        models: its name (after the "/") contains the first word of a catalog repository name,
        official quantized repository or alias (a derivative keeps its base model's name), and it
        resolves (`knows`)."""
        names = [m.id for m in self.catalog.models]
        names += [repo for m in self.catalog.models for repo in m.quantized.values()]
        names += [alias for m in self.catalog.models for alias in m.aliases if "/" in alias]
        words = set()
        for name in names:
            first = re.split(r"[-_.:]", name.rsplit("/", 1)[-1].lower())[0]
            words.add(first.rstrip("0123456789.") or first)
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
        return StringFilter(re.compile(rf"/[\w.-]*?(?:{alternatives})".encode()), self.knows)

    def knows(self, text: str) -> bool:
        """Whether a quoted "org/name" found in no model position names a catalog model. A
        repository repeats its strings ('data/raw' in every file): each is resolved once."""
        known = self._known.get(text)
        if known is None:
            known = self._known[text] = self.resolve(text, "string").model is not None
        return known

    def resolve(self, text: str, kind: str) -> Resolution:
        """The catalog model behind a reference, or Resolution(None, None)."""
        value = text.strip().lower().removeprefix("hf://").split("@")[0].rstrip("/")
        provider, _, rest = value.partition("/")
        if kind in ("ollama", "name") or (rest and provider in OLLAMA_PROVIDERS):
            # `ollama/llama3.1` is how LiteLLM and OpenAI-compatible clients name an Ollama model
            return self._tag(rest if provider in OLLAMA_PROVIDERS and rest else value)
        if value in self.by_id:
            return Resolution(self.by_id[value], None)
        if value in self.by_quantized:
            return Resolution(self.by_quantized[value], f"official quantized release {text}")
        if value in self.by_tag:
            return Resolution(self.by_tag[value], f"alias {text}")
        org, _, name = value.partition("/")
        base = name
        while (stripped := DERIVATIVE_SUFFIX.sub("", base)) != base:
            base = stripped
        for candidate in (base, base + "-instruct", base + "-it"):
            models = self.by_repo_name.get(candidate, [])
            same_org = [m for m in models if m.id.lower().startswith(org + "/")]
            pick = same_org or (models if org in REPUBLISHERS or base != name else [])
            if len(pick) == 1:
                model = pick[0]
                how = []
                if base != name:
                    how.append("a quantized or converted derivative")
                if org not in model.id.lower().split("/")[0]:
                    how.append(f"republished by {org}")
                if candidate != base:
                    how.append("the base model of this instruct release (same licence)")
                return Resolution(model, f"{text}: " + ", ".join(how) + f" of {model.id}")
        return Resolution(None, None)

    @cached_property
    def by_tag_name(self) -> dict[str, dict[str, ModelCard]]:
        """Ollama library name -> the catalog models tagged under it, by id."""
        out: dict[str, dict[str, ModelCard]] = {}
        for key, m in self.by_tag.items():
            name, colon, _ = key.partition(":")
            if colon:
                out.setdefault(name, {})[m.id] = m
        return out

    def _tag(self, value: str) -> Resolution:
        value = value.removeprefix("registry.ollama.ai/").removeprefix("library/")
        if value in self.by_tag:
            return Resolution(self.by_tag[value], f"Ollama tag {value}")
        name, _, tag = value.partition(":")
        # qwen2.5:7b-instruct-q4_K_M -> qwen2.5:7b-instruct -> qwen2.5:7b; gpt-oss:120b-cloud too
        while tag and "-" in tag:
            tag = tag.rsplit("-", 1)[0]
            if f"{name}:{tag}" in self.by_tag:
                return Resolution(self.by_tag[f"{name}:{tag}"], f"Ollama tag {value}")
        if tag in ("", "latest", "cloud"):
            if name in self.by_tag:  # glm-4.7:cloud, where glm-4.7 names one model
                return Resolution(self.by_tag[name], f"Ollama tag {value}")
            tagged = self.by_tag_name.get(name, {})
            if len(tagged) == 1:
                model = next(iter(tagged.values()))
                return Resolution(
                    model, f"Ollama tag {value}: the only size of {name} in the catalog"
                )
        return Resolution(None, None)
