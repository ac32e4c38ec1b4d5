"""Find the models a repository uses: Python loaders, serving commands, Ollama, config values.

Only strings in a model position count (a loader's argument, a `--model` flag, a `model:` key,
an Ollama command): an arbitrary "a/b" string in code is never taken for a model.
"""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# A Hugging Face repo id: org/name, each part [\w.-], the name starting with a letter or digit.
HF_ID = r"[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}"
# An Ollama tag: name[:tag], optionally namespaced (library/name, user/name).
OLLAMA_TAG = r"(?:[a-z0-9][\w.-]*/)?[a-z0-9][\w.-]*(?::[\w.-]+)?"
Q = r"""['"]"""

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # Python: loaders and pipelines whose first argument or model= is a repo id.
    (
        "python",
        re.compile(
            r"(?:from_pretrained|SentenceTransformer|AutoModel\w*|AutoTokenizer|LLM|"
            r"snapshot_download|hf_hub_download|load_model|Llama\.from_pretrained)"
            rf"\(\s*(?:[\w]+\s*=\s*)?{Q}(?:hf://)?(?P<id>{HF_ID}){Q}"
        ),
    ),
    (
        "python",
        re.compile(
            rf"\b(?:model|model_name|model_id|model_name_or_path|repo_id|"
            rf"pretrained_model_name_or_path|base_model|tokenizer)\s*=\s*{Q}(?:hf://)?(?P<id>{HF_ID}){Q}"
        ),
    ),
    # Serving commands and their flags.
    ("command", re.compile(rf"\bvllm\s+serve\s+{Q}?(?P<id>{HF_ID}){Q}?")),
    (
        "command",
        re.compile(
            rf"--(?:model|model-path|model-id|model_id|model_name|model-name|served-model-path)"
            rf"(?:\s+|=){Q}?(?:hf://)?(?P<id>{HF_ID}){Q}?"
        ),
    ),
    (
        "command",
        re.compile(rf"\blmdeploy\s+serve\s+(?:api_server|gradio)\s+{Q}?(?P<id>{HF_ID}){Q}?"),
    ),
    # Ollama.
    (
        "ollama",
        re.compile(rf"\bollama\s+(?:pull|run|show|create\s+\S+\s+-f)\s+(?P<tag>{OLLAMA_TAG})"),
    ),
    # Config values: YAML/TOML/.env keys and JSON fields naming a model, and hf:// URIs.
    (
        "config",
        re.compile(
            r"""(?im)^[ \t-]*['"]?(?:model|model_name|model_id|modelId|model-id|base_model|"""
            r"""llm_model|modelName|modelRepo|MODEL|MODEL_ID|MODEL_NAME|LLM_MODEL|HF_MODEL_ID)"""
            r"""['"]?\s*[:=]\s*"""
            rf"""{Q}?(?:hf://)?(?P<id>{HF_ID}){Q}?\s*,?\s*(?:#.*)?$"""
        ),
    ),
    ("config", re.compile(rf"\bhf://(?P<id>{HF_ID})")),
    # Helm-style nesting: `model:` then an indented `name:`/`id:`/`repo:` holding the id.
    (
        "config",
        re.compile(
            r"(?m)^(?P<indent>[ \t]*)model:\s*\n(?:(?P=indent)[ \t]+\S.*\n)*?(?P=indent)[ \t]+"
            rf"(?:name|id|repo|repoId|modelId|hf_id):\s*{Q}?(?P<id>{HF_ID}){Q}?\s*$"
        ),
    ),
]
MODELFILE_FROM = re.compile(rf"(?im)^\s*FROM\s+(?P<tag>{OLLAMA_TAG})\s*$")

TEXT_SUFFIXES = {
    ".py", ".ipynb", ".sh", ".bash", ".zsh", ".yaml", ".yml", ".json", ".toml", ".env", ".cfg",
    ".ini", ".md", ".txt", ".js", ".ts", ".tsx", ".jsx", ".go", ".rs", ".java", ".kt", ".rb",
    ".tf", ".hcl", ".dockerfile", ".conf", ".properties", ".mk",
}  # fmt: skip
TEXT_NAMES = {"Dockerfile", "Modelfile", "Makefile", "Procfile", ".env", "docker-compose.yml"}
ALWAYS_SKIPPED = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox"}
MAX_BYTES = 2_000_000
# A cheap first pass: most files mention none of these and are not searched further.
HINTS = re.compile(
    r"from_pretrained|SentenceTransformer|LLM\(|snapshot_download|hf_hub_download|serve|--model|"
    r"ollama|FROM\s|hf://|model|MODEL",
)


@dataclass(frozen=True)
class Found:
    path: str  # relative to the scanned root, with forward slashes
    line: int
    text: str
    kind: str  # python | command | ollama | config


class GitIgnore:
    """The subset of .gitignore semantics that matters here: globs, dir/, !negation, /anchors."""

    def __init__(self) -> None:
        self.rules: list[tuple[str, re.Pattern[str], bool, bool]] = []  # base, pattern, neg, dir

    def add_file(self, path: Path, base: str) -> None:
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            self.add(line, base)

    def add(self, pattern: str, base: str = "") -> None:
        negate = pattern.startswith("!")
        pattern = pattern.removeprefix("!")
        directory = pattern.endswith("/")
        pattern = pattern.rstrip("/")
        anchored = "/" in pattern
        glob = _glob(pattern.lstrip("/"))
        regex = re.compile(glob if anchored else rf"(?:.*/)?{glob}")
        self.rules.append((base, regex, negate, directory))

    def ignored(self, rel: str, is_dir: bool) -> bool:
        verdict = False
        for base, regex, negate, directory in self.rules:
            if directory and not is_dir:
                continue
            if base and not rel.startswith(base + "/"):
                continue
            local = rel[len(base) + 1 :] if base else rel
            if regex.fullmatch(local):
                verdict = not negate
        return verdict


def _glob(pattern: str) -> str:
    """A gitignore glob as a regex: `**` crosses folders, `*` and `?` stay within one."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 1 :]:
            end = pattern.index("]", i + 1)
            out.append("[" + pattern[i + 1 : end].replace("!", "^", 1) + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


def iter_files(root: Path, exclude: tuple[str, ...] = ()) -> Iterator[tuple[Path, str]]:
    """Text files under root, honouring every .gitignore on the way and the exclude globs."""
    ignore = GitIgnore()
    for pattern in exclude:
        ignore.add(pattern)
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        rel_dir = here.relative_to(root).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir
        if (here / ".gitignore").is_file():
            ignore.add_file(here / ".gitignore", rel_dir)
        keep = []
        for d in sorted(dirnames):
            rel = f"{rel_dir}/{d}" if rel_dir else d
            if d not in ALWAYS_SKIPPED and not ignore.ignored(rel, True):
                keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            suffix = os.path.splitext(name)[1].lower()
            if suffix not in TEXT_SUFFIXES and name not in TEXT_NAMES:
                continue
            if ignore.ignored(rel, False):
                continue
            yield here / name, rel


def scan_text(text: str, rel: str) -> list[Found]:
    """References in one file's text."""
    if not HINTS.search(text):
        return []
    found: dict[tuple[int, str], Found] = {}
    line_starts = _line_starts(text)
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            value = match.groupdict().get("id") or match.groupdict().get("tag")
            if not value or not _plausible(value, kind):
                continue
            group = "id" if match.groupdict().get("id") else "tag"
            line = _line_of(line_starts, match.start(group))
            if kind == "python" and not rel.endswith((".py", ".ipynb")):
                kind_here = "config"  # `model = "..."` in TOML, .env, YAML
            else:
                kind_here = kind
            found.setdefault((line, value), Found(rel, line, value, kind_here))
    if rel.rsplit("/", 1)[-1] == "Modelfile" or rel.endswith(".modelfile"):
        for match in MODELFILE_FROM.finditer(text):
            value = match.group("tag")
            if value.startswith((".", "/")) or value.endswith(".gguf"):
                continue  # a local file, not a library model
            line = _line_of(line_starts, match.start("tag"))
            found.setdefault((line, value), Found(rel, line, value, "ollama"))
    return sorted(found.values(), key=lambda f: (f.line, f.text))


def _plausible(value: str, kind: str) -> bool:
    """Drop what only looks like an id: paths, URLs, file names, placeholders."""
    if kind == "ollama":
        return not value.startswith(("-", ".")) and value not in {"serve", "list", "ps", "rm"}
    org, _, name = value.partition("/")
    if not name or org in {
        "http:",
        "https:",
        "data",
        "models",
        "tmp",
        "home",
        "usr",
        "path",
        "..",
        ".",
    }:
        return False
    if name.endswith((".py", ".json", ".yaml", ".yml", ".txt", ".bin", ".safetensors", ".gguf")):
        return False
    return not any(ch in value for ch in "${}<>*")


def _line_starts(text: str) -> list[int]:
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


def _line_of(starts: list[int], offset: int) -> int:
    lo, hi = 0, len(starts)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid
    return lo + 1


def scan(root: Path, exclude: tuple[str, ...] = ()) -> tuple[list[Found], int]:
    """Every reference under root, and how many files were read."""
    refs: list[Found] = []
    count = 0
    for path, rel in iter_files(root, exclude):
        try:
            if path.stat().st_size > MAX_BYTES:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        count += 1
        refs += scan_text(text, rel)
    return refs, count
