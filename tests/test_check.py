"""`llmpick check`: discovery, resolution, verdicts, every exit code and every format."""

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmpick.catalog import load_catalog
from llmpick.cli import app
from llmpick.resolve import Resolver
from llmpick.scan import Found, GitIgnore, StringFilter, is_placeholder, scan, scan_text

FIXTURES = Path(__file__).parent / "fixtures"
POLICIES = Path(__file__).parent / "data" / "policies"
MIXED = FIXTURES / "repo_mixed"

EXPECTED_REFS = [
    (".env", 1, "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", "config"),
    ("app/chat.py", 10, "llama3.3:70b", "name"),
    ("app/chat.py", 11, "ollama/qwen3:8b", "name"),
    ("app/chat.py", 12, "gpt-4o", "name"),  # found, then dropped: the catalog does not know it
    ("app/chat.py", 13, "internlm/internlm2_5-7b-chat", "python"),
    ("app/chat.py", 14, "Qwen/Qwen3-8B", "python"),
    ("docs/guide.mdx", 6, "qwen3:8b", "ollama"),
    ("docs/guide.mdx", 9, "my-model", "ollama"),  # a placeholder, reported apart
    ("docs/guide.mdx", 10, "your-org/your-model", "command"),  # a placeholder
    ("app/load.py", 9, "meta-llama/Llama-3.1-8B-Instruct", "python"),
    ("app/load.py", 11, "meta-llama/Llama-3.1-8B-Instruct", "python"),
    ("app/load.py", 13, "Qwen/Qwen2.5-7B-Instruct", "python"),
    ("app/load.py", 14, "Qwen/Qwen2.5-72B-Instruct-AWQ", "python"),
    ("app/load.py", 15, "sentence-transformers/all-MiniLM-L6-v2", "python"),
    ("charts/llm/values.yaml", 3, "Qwen/Qwen2.5-3B-Instruct", "config"),
    ("config.toml", 2, "unsloth/Qwen2.5-7B-Instruct-bnb-4bit", "config"),
    ("deploy/serve.sh", 3, "mistralai/Mistral-Large-Instruct-2411", "command"),
    ("deploy/serve.sh", 4, "deepseek-ai/DeepSeek-V3", "command"),
    ("deploy/serve.sh", 5, "internlm/internlm2_5-7b-chat", "command"),
    ("deploy/serve.sh", 6, "google/gemma-3-27b-it", "command"),
    ("docker-compose.yml", 5, "CohereLabs/c4ai-command-a-03-2025", "config"),
    ("k8s/inference.yaml", 10, "openai/gpt-oss-20b", "config"),
    ("ollama/Modelfile", 1, "llama3.3:70b", "ollama"),
    ("ollama/pull.sh", 1, "qwen2.5:7b-instruct-q4_K_M", "ollama"),
    ("ollama/pull.sh", 2, "gpt-oss:20b", "ollama"),
    ("settings.json", 2, "zai-org/GLM-4.5", "config"),
]


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["check", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


class TestDiscovery:
    def test_every_reference_style_is_found_and_nothing_else(self) -> None:
        found, files = scan(MIXED)
        got = sorted((f.path, f.line, f.text, f.kind) for f in found)
        assert got == sorted(EXPECTED_REFS)
        assert files == 13  # .gitignore'd folder and *.log are not read

    @pytest.mark.parametrize(
        "text",
        [
            'path = os.path.join("data/train", "x.json")',
            'ratio = "3/4"',
            'repo = "foo/bar"',
            'url = "https://huggingface.co/docs"',
            "cp data/raw/file.txt out/clean/file.txt",
            'x = load("org/file.json")',
            'tpl = "{org}/{name}"',
            "We compared Llama 3 with foo/bar; see docs/setup.md.",
            "image: ghcr.io/huggingface/text-generation-inference:3.3.7",
            "uses: actions/checkout@v4",
            "import numpy as np  # model/training",
        ],
    )
    def test_strings_that_only_look_like_ids_are_not_references(self, text: str) -> None:
        assert scan_text(text, "x.py") == []
        assert scan_text(text, "config.yaml") == []

    def test_exclude_globs(self) -> None:
        found, _ = scan(MIXED, exclude=("deploy/**", "*.json"))
        paths = {f.path for f in found}
        assert "deploy/serve.sh" not in paths and "settings.json" not in paths
        assert "app/load.py" in paths

    def test_gitignore_semantics(self) -> None:
        ignore = GitIgnore()
        for pattern in ("*.log", "build/", "/top.txt", "docs/**/*.md", "!keep.log"):
            ignore.add(pattern)
        assert ignore.ignored("a/b/c.log", False)
        assert not ignore.ignored("keep.log", False)
        assert ignore.ignored("x/build", True) and not ignore.ignored("x/build", False)
        assert ignore.ignored("top.txt", False) and not ignore.ignored("x/top.txt", False)
        assert ignore.ignored("docs/a/b.md", False) and ignore.ignored("docs/b.md", False)


def copies(root: Path, times: int) -> Path:
    """`times` copies of the mixed fixture side by side (13 files read each)."""
    import shutil

    for i in range(times):
        shutil.copytree(MIXED, root / f"copy{i:02d}")
    return root


class TestParallelScan:
    """Files are searched in several processes (Linux); the answer must not depend on it."""

    def test_any_number_of_processes_gives_the_same_answer_in_the_same_order(
        self, tmp_path: Path
    ) -> None:
        root = copies(tmp_path, 20)
        serial = scan(root, jobs=1)
        assert serial[1] == 260 and len(serial[0]) == 20 * len(EXPECTED_REFS)
        assert [f.path for f in serial[0]][:2] == ["copy00/.env", "copy00/config.toml"]
        for jobs in (2, 3, 7):
            assert scan(root, jobs=jobs) == serial
        cat = load_catalog()
        strings = Resolver(cat).string_filter()
        assert scan(root, strings=strings, jobs=3) == scan(root, strings=strings, jobs=1)

    def test_default_is_one_process_per_cpu_with_100_files_each(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import llmpick.scan as scan_module

        calls: list[int] = []
        real = scan_module._scan_forked

        def spy(files: list[tuple[str, str]], strings: StringFilter | None, jobs: int) -> object:
            calls.append(jobs)
            return real(files, strings, jobs)

        monkeypatch.setattr(scan_module, "_scan_forked", spy)
        monkeypatch.setattr(scan_module, "cpus", lambda: 4)
        scan(MIXED)  # 13 files: no second process
        assert calls == []
        root = copies(tmp_path, 20)  # 260 files: 2 processes of 130, not 4 of 65
        assert scan(root) == scan(root, jobs=1)
        assert calls == [2]
        monkeypatch.setattr(scan_module, "cpus", lambda: 1)
        scan(root)
        assert calls == [2]
        monkeypatch.setattr(scan_module, "cpus", lambda: 64)
        for i in range(20, 80):
            (tmp_path / f"copy{i:02d}").mkdir()
            (tmp_path / f"copy{i:02d}" / "x.py").write_text("x = 1\n")
        scan(root)  # 320 files: 3 processes, whatever the CPUs
        assert calls == [2, 3]
        monkeypatch.setattr("sys.platform", "darwin")  # fork only on Linux
        scan(root, jobs=2)
        assert calls == [2, 3]

    def test_a_failed_process_share_is_scanned_again(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import os

        import llmpick.scan as scan_module

        root = copies(tmp_path, 3)
        serial = scan(root, jobs=1)
        parent = os.getpid()
        real = scan_module._scan_files

        def dies_in_children(
            files: list[tuple[str, str]], strings: StringFilter | None
        ) -> list[list[Found] | None]:
            if os.getpid() != parent:
                raise RuntimeError("a child that fails")
            return real(files, strings)

        monkeypatch.setattr(scan_module, "_scan_files", dies_in_children)
        assert scan(root, jobs=3) == serial

    def test_processes_that_cannot_start_leave_their_share_here(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import os

        root = copies(tmp_path, 3)
        serial = scan(root, jobs=1)
        real_fork = os.fork
        forks: list[int] = []

        def second_fork_fails() -> int:
            forks.append(1)
            if len(forks) == 2:
                raise OSError(11, "Resource temporarily unavailable")
            return real_fork()

        monkeypatch.setattr(os, "fork", second_fork_fails)
        assert scan(root, jobs=4) == serial
        assert len(forks) == 2  # the first child ran; shares 2 and 3 were scanned here
        monkeypatch.setattr(os, "pipe", lambda: (_ for _ in ()).throw(OSError(24, "Too many")))
        assert scan(root, jobs=4) == serial

    def test_jobs_option(self, runner: CliRunner, tmp_path: Path) -> None:
        root = copies(tmp_path, 10)
        one = run(runner, str(root), "-f", "json", "--jobs", "1")
        two = run(runner, str(root), "-f", "json", "--jobs", "2")
        assert one == two and one[0] == 1  # the mixed fixture has violations
        assert json.loads(one[1])["files_scanned"] == 130
        code, out, err = run(runner, str(root), "--jobs", "0")
        assert code == 2 and out == "" and "--jobs" in err


class TestPlaceholdersAndSpeedPaths:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("my-username/my-model", True),
            ("some-model:cloud", True),
            ("missing-model", True),
            ("user/repo", True),
            ("org/name", True),
            ("myuser/mymodel", True),
            ("choose-a-model-name", True),
            ("zai-org/GLM-4.7", False),  # "org" inside a real organisation's name
            ("meta-llama/Llama-3.3-70B-Instruct", False),
            ("qwen3:8b", False),
            ("nomic-ai/nomic-embed-text-v1.5", False),
        ],
    )
    def test_placeholder_names(self, value: str, expected: bool) -> None:
        assert is_placeholder(value) is expected

    def test_lines_survive_non_ascii_text(self) -> None:
        text = (
            "# Übersicht: İstanbul ﬁne 🙂\n\nmodel = AutoModel.from_pretrained('Qwen/Qwen3-8B')\n"
        )
        assert scan_text(text, "x.py") == [Found("x.py", 3, "Qwen/Qwen3-8B", "python")]

    def test_crlf_config_values(self) -> None:
        text = "image: x\r\nmodel: Qwen/Qwen3-8B\r\nmodel:\r\n  name: openai/gpt-oss-20b\r\n"
        assert scan_text(text, "values.yaml") == [
            Found("values.yaml", 2, "Qwen/Qwen3-8B", "config"),
            Found("values.yaml", 4, "openai/gpt-oss-20b", "config"),
        ]

    def test_ollama_pulls_hub_repositories(self) -> None:
        """`ollama run hf.co/{user}/{repo}[:quant]` (also huggingface.co): the repository, not
        a tag 'hf.co'; the docs' template with braces is nothing."""
        text = (
            "ollama run hf.co/bartowski/Llama-3.2-3B-Instruct-GGUF:IQ3_M\n"
            "ollama pull huggingface.co/unsloth/Qwen3-8B-GGUF\n"
            "ollama run hf.co/{username}/{repository}\n"
            "ollama run qwen3:8b\n"
        )
        assert scan_text(text, "run.sh") == [
            Found("run.sh", 1, "bartowski/Llama-3.2-3B-Instruct-GGUF", "command"),
            Found("run.sh", 2, "unsloth/Qwen3-8B-GGUF", "command"),
            Found("run.sh", 4, "qwen3:8b", "ollama"),
        ]
        modelfile = "FROM hf.co/unsloth/gemma-3-27b-it-GGUF:Q4_K_M\nPARAMETER num_ctx 8192\n"
        assert scan_text(modelfile, "Modelfile") == [
            Found("Modelfile", 1, "unsloth/gemma-3-27b-it-GGUF", "config")
        ]

    def test_quoted_ids_anywhere_count_when_known(self) -> None:
        """A quoted org/name in no model position counts only when `known` accepts it, never
        in docs, and never twice where a model position already found it."""
        text = (
            'BASE = "mistralai/Mistral-Large-Instruct-2407"\n'
            'MIME = "application/json"\n'
            'CANDIDATES = ["Qwen/Qwen2.5-72B-Instruct-AWQ", "hf.co/unsloth/Qwen3-8B-GGUF:Q4_K_M"]\n'
            'llm = LLM(model="Qwen/Qwen3-8B")\n'
            'chat = ChatOllama(model="ollama/qwen3:8b")\n'
        )
        known = {
            "mistralai/mistral-large-instruct-2407", "qwen/qwen2.5-72b-instruct-awq",
            "unsloth/qwen3-8b-gguf", "qwen/qwen3-8b", "ollama/qwen3",
        }  # fmt: skip
        every_line = StringFilter(re.compile(rb"/"), lambda value: value.lower() in known)
        found = scan_text(text, "app.py", every_line)
        assert found == [
            Found("app.py", 1, "mistralai/Mistral-Large-Instruct-2407", "string"),
            Found("app.py", 3, "Qwen/Qwen2.5-72B-Instruct-AWQ", "string"),
            Found("app.py", 3, "unsloth/Qwen3-8B-GGUF", "string"),
            Found("app.py", 4, "Qwen/Qwen3-8B", "python"),
            Found("app.py", 5, "ollama/qwen3:8b", "name"),
        ]
        assert scan_text(text, "app.py") == found[3:]  # no `known`: model positions only
        in_docs = scan_text(text, "README.md", StringFilter(re.compile(rb"/"), lambda v: True))
        assert [(f.line, f.text, f.kind) for f in in_docs] == [
            (f.line, f.text, f.kind) for f in found[3:]
        ]

    def test_comments_docstrings_and_shell_continuations(self) -> None:
        text = (
            'MODELS = [\n    "qwen/qwen3-8b",\n    # "qwen/qwen3-32b",\n]\n'
            'def f():\n    """Load a model such as "qwen/qwen3-14b" and so on."""\n'
            'python train.py \\\n  --model_name_or_path "qwen/qwen3-4b" \\\n  --seed 1\n'
        )
        every_line = StringFilter(re.compile(rb"/"), lambda value: True)
        assert [(f.line, f.text, f.kind) for f in scan_text(text, "x.py", every_line)] == [
            (2, "qwen/qwen3-8b", "string"),
            (8, "qwen/qwen3-4b", "command"),  # not a comment: the line starts with --
        ]

    def test_strings_that_name_catalog_models_are_judged(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        (tmp_path / "models.py").write_text(
            'DEFAULT = "mistralai/Mistral-Large-Instruct-2407"\nMIME = "application/json"\n'
            'OTHER = "acme/not-a-catalog-model"\n'
        )
        policy = tmp_path / "llmpick.toml"
        policy.write_text(
            'require-commercial-use = true\nmodels = ["qwen3:8b"]\n'
            '[[allow-models]]\nmodel = "meta-llama/Llama-3.3-70B-Instruct"\nreason = "eval"\n'
        )
        code, out, _ = run(runner, str(tmp_path), "-f", "json")
        verdicts = json.loads(out)["verdicts"]
        assert [(v["ref"]["path"], v["ref"]["kind"], v["status"]) for v in verdicts] == [
            ("models.py", "string", "violation"),  # a research licence
            ("llmpick.toml", "ollama", "pass"),  # declared; the policy file is not scanned
        ]
        assert code == 1

    def test_datasets_and_spaces_are_not_models(self) -> None:
        text = (
            'df = pd.read_parquet("hf://datasets/acme/qa/train.parquet")\n'
            'hf_hub_download(repo_id="acme/qa", filename="a.json", repo_type="dataset")\n'
            'snapshot_download(repo_id="acme/demo", repo_type="space")\n'
        )
        assert scan_text(text, "x.py") == []

    def test_gitignore_rules_apply_below_their_folder(self) -> None:
        ignore = GitIgnore()
        ignore.add("*.md")
        ignore.add("!keep.md", "docs")
        ignore.add("build/", "app")
        assert ignore.ignored("a.md", False) and ignore.ignored("docs/x/a.md", False)
        assert not ignore.ignored("docs/keep.md", False) and ignore.ignored("keep.md", False)
        assert ignore.ignored("app/build", True) and not ignore.ignored("build", True)

    def test_placeholders_are_reported_apart(self, runner: CliRunner) -> None:
        code, out, _ = run(
            runner, str(MIXED), "--policy", str(POLICIES / "commercial.toml"), "-f", "json"
        )
        doc = json.loads(out)
        assert [(p["path"], p["line"], p["text"]) for p in doc["placeholders"]] == [
            ("docs/guide.mdx", 9, "my-model"),
            ("docs/guide.mdx", 10, "your-org/your-model"),
        ]
        judged = {v["ref"]["text"] for v in doc["verdicts"]}
        assert "gpt-4o" not in judged and "my-model" not in judged
        assert {"llama3.3:70b", "ollama/qwen3:8b"} <= judged


class TestResolution:
    @pytest.mark.parametrize(
        ("text", "kind", "model"),
        [
            ("Qwen/Qwen2.5-72B-Instruct-AWQ", "python", "Qwen/Qwen2.5-72B-Instruct"),
            (
                "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF",
                "config",
                "meta-llama/Llama-3.1-8B-Instruct",
            ),
            ("unsloth/Qwen2.5-7B-Instruct-bnb-4bit", "config", "Qwen/Qwen2.5-7B-Instruct"),
            (
                "RedHatAI/Meta-Llama-3.1-70B-Instruct-FP8",
                "python",
                "meta-llama/Llama-3.1-70B-Instruct",
            ),
            ("mlx-community/gemma-3-27b-it-4bit", "python", "google/gemma-3-27b-it"),
            ("meta-llama/Llama-3.1-8B", "python", "meta-llama/Llama-3.1-8B-Instruct"),
            ("llama3.3:70b", "ollama", "meta-llama/Llama-3.3-70B-Instruct"),
            ("llama3.3", "ollama", "meta-llama/Llama-3.3-70B-Instruct"),
            ("qwen2.5:7b-instruct-q4_K_M", "ollama", "Qwen/Qwen2.5-7B-Instruct"),
            ("hf://openai/gpt-oss-20b", "config", "openai/gpt-oss-20b"),
            ("ollama/qwen3:8b", "name", "Qwen/Qwen3-8B"),  # LiteLLM's route to local Ollama
            ("gpt-oss:120b-cloud", "ollama", "openai/gpt-oss-120b"),
            ("glm-4.7:cloud", "ollama", "zai-org/GLM-4.7"),
            ("phi4", "name", "microsoft/phi-4"),
            ("gpt-4o", "name", None),
            ("acme/private-llm-7b", "python", None),
            ("someone/Qwen2.5-7B-Instruct", "python", None),  # a fine-tune: not the base's licence
        ],
    )
    def test_resolve(self, text: str, kind: str, model: str | None) -> None:
        res = Resolver(load_catalog()).resolve(text, kind)
        assert (res.model.id if res.model else None) == model


def verdicts(stdout: str) -> dict[tuple[str, int], tuple[str, str | None]]:
    doc = json.loads(stdout)
    return {
        (v["ref"]["path"], v["ref"]["line"]): (v["status"], v["model"]) for v in doc["verdicts"]
    }


class TestVerdictsAndExitCodes:
    def test_commercial_policy(self, runner: CliRunner) -> None:
        code, out, err = run(
            runner, str(MIXED), "--policy", str(POLICIES / "commercial.toml"), "-f", "json"
        )
        assert code == 1
        v = verdicts(out)
        assert v[("deploy/serve.sh", 3)] == ("violation", "mistralai/Mistral-Large-Instruct-2411")
        assert v[("docker-compose.yml", 5)][0] == "violation"  # CC-BY-NC
        assert v[("charts/llm/values.yaml", 3)][0] == "violation"  # Qwen research licence
        assert v[("app/load.py", 15)] == ("unknown", None)
        assert v[("ollama/Modelfile", 1)] == ("pass", "meta-llama/Llama-3.3-70B-Instruct")
        summary = json.loads(out)["summary"]
        assert summary == {
            "pass": 17,
            "violation": 3,
            "unknown": 3,
            "excepted": 0,
            "references": 23,
        }
        assert err.strip() == (
            "23 model reference(s) in 13 files: 17 pass, 3 violate the policy, "
            "3 unknown, 0 excepted"
        )

    def test_pass_carries_obligations(self, runner: CliRunner) -> None:
        _, out, _ = run(
            runner, str(MIXED), "--policy", str(POLICIES / "commercial.toml"), "-f", "json"
        )
        llama = next(
            v for v in json.loads(out)["verdicts"] if v["ref"]["path"] == "ollama/Modelfile"
        )
        kinds = [o.split(":", 1)[0] for o in llama["obligations"]]
        assert kinds == [
            "LicenseRef-Llama-3.3 MAU cap",
            "LicenseRef-Llama-3.3 attribution",
            "LicenseRef-Llama-3.3 naming",
            "LicenseRef-Llama-3.3 AUP",
        ]

    def test_allow_list_and_inherited_licences(self, runner: CliRunner) -> None:
        code, out, _ = run(
            runner, str(MIXED), "--policy", str(POLICIES / "permissive.toml"), "-f", "json"
        )
        assert code == 1
        v = verdicts(out)
        assert v[("app/load.py", 9)][0] == "violation"  # Llama licence not allowed
        assert v[("app/load.py", 13)][0] == "pass"  # Apache-2.0
        assert v[("app/load.py", 15)][0] == "unknown"

    def test_mau_cap(self, runner: CliRunner) -> None:
        code, out, _ = run(runner, str(MIXED), "--policy", str(POLICIES / "mau.toml"), "-f", "json")
        assert code == 1
        doc = json.loads(out)
        llama = next(
            x
            for x in doc["verdicts"]
            if x["ref"]["path"] == "app/load.py" and x["ref"]["line"] == 9
        )
        assert llama["reasons"] == [
            "licence LicenseRef-Llama-3.1 needs a separate licence above 700,000,000 monthly "
            "active users (policy: 800,000,000)"
        ]
        assert not any(x["ref"]["path"].startswith(("deploy/", "k8s/")) for x in doc["verdicts"])

    def test_revenue_cap(self, runner: CliRunner, tmp_path: Path) -> None:
        # Devstral 2's modified MIT grants no rights to a company above $20M monthly revenue.
        (tmp_path / "serve.sh").write_text("vllm serve mistralai/Devstral-2-123B-Instruct-2512\n")
        big = tmp_path / "big.toml"
        big.write_text("monthly-revenue-usd = 50_000_000\n")
        code, out, _ = run(runner, str(tmp_path), "--policy", str(big), "-f", "json")
        assert code == 1
        (verdict,) = json.loads(out)["verdicts"]
        assert verdict["status"] == "violation"
        assert verdict["reasons"] == [
            "licence LicenseRef-Mistral-Modified-MIT grants no rights above $20,000,000 monthly "
            "revenue (policy: $50,000,000)"
        ]
        small = tmp_path / "small.toml"
        small.write_text("monthly-revenue-usd = 5_000_000\n")
        code, out, _ = run(runner, str(tmp_path), "--policy", str(small), "-f", "json")
        assert code == 0
        (verdict,) = json.loads(out)["verdicts"]
        assert verdict["obligations"][0] == (
            "LicenseRef-Mistral-Modified-MIT revenue cap: no rights if your company's monthly "
            "revenue exceeds $20,000,000"
        )

    def test_region_and_policy_models(self, runner: CliRunner) -> None:
        code, out, _ = run(
            runner,
            str(FIXTURES / "repo_clean"),
            "--policy",
            str(POLICIES / "region.toml"),
            "-f",
            "json",
        )
        assert code == 1
        doc = json.loads(out)
        listed = {x["ref"]["text"]: x for x in doc["verdicts"] if x["ref"]["line"] == 0}
        assert listed["meta-llama/Llama-4-Scout-17B-16E-Instruct"]["status"] == "violation"
        assert listed["llama3.3:70b"]["status"] == "pass"  # text-only: the EU clause does not bind

    def test_policy_region_any_spelling_and_member_states(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        policy = tmp_path / "llmpick.toml"
        scout = "meta-llama/Llama-4-Scout-17B-16E-Instruct"
        policy.write_text(f'region = "France"\nmodels = ["{scout}"]\n')
        code, out, _ = run(runner, str(tmp_path), "--policy", str(policy), "-f", "json")
        (verdict,) = json.loads(out)["verdicts"]
        assert (code, verdict["status"]) == (1, "violation")
        assert verdict["reasons"][0].startswith(
            "licence LicenseRef-Llama-4 restricts the EU, of which France (fr) is a member: "
        )
        policy.write_text(f'region = "ch"\nmodels = ["{scout}"]\n')
        code, _, _ = run(runner, str(tmp_path), "--policy", str(policy))
        assert code == 0  # Switzerland is not in the EU
        policy.write_text('region = "europe"\n')
        code, out, err = run(runner, str(tmp_path), "--policy", str(policy))
        assert (code, out) == (3, "")
        assert err == (
            f"error: {policy}: region: unknown region 'europe'\n"
            "hint: give an ISO 3166-1 alpha-2 country code (de, gb, kr, us...) or eu\n"
        )

    def test_exceptions_need_a_reason_and_are_reported(self, runner: CliRunner) -> None:
        code, out, _ = run(
            runner, str(MIXED), "--policy", str(POLICIES / "exceptions.toml"), "-f", "json"
        )
        v = json.loads(out)["verdicts"]
        mistral = next(x for x in v if x["ref"]["text"] == "mistralai/Mistral-Large-Instruct-2411")
        assert mistral["status"] == "excepted"
        assert (
            mistral["reasons"][-1]
            == "allowed by allow-models: research sandbox only, never shipped"
        )
        deepseek = next(x for x in v if x["ref"]["text"] == "deepseek-ai/DeepSeek-V3")
        assert deepseek["status"] == "violation"  # deny-licenses
        assert code == 1

    def test_policy_licence_ids_as_users_write_them(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        policy = tmp_path / "llmpick.toml"
        policy.write_text('deny-licenses = ["deepseek"]\n')
        code, out, _ = run(runner, str(MIXED), "--policy", str(policy), "-f", "json")
        deepseek = next(
            x for x in json.loads(out)["verdicts"] if x["ref"]["text"] == "deepseek-ai/DeepSeek-V3"
        )
        assert (code, deepseek["status"]) == (1, "violation")
        policy.write_text('allow-licenses = ["Llama-33"]\n')
        code, _, err = run(runner, str(MIXED), "--policy", str(policy))
        assert code == 3
        assert err.startswith(
            f"error: {policy}: allow-licenses: unknown licence id 'Llama-33'\n"
            "hint: did you mean: LicenseRef-Llama-3.3,"
        )

    def test_clean_repo_exits_0(self, runner: CliRunner) -> None:
        code, out, err = run(runner, str(FIXTURES / "repo_clean"))
        assert code == 0
        assert "PASS" in out
        assert "2 pass, 0 violate" in err

    @pytest.mark.parametrize(("mode", "exit_code"), [("fail", 1), ("warn", 0), ("ignore", 0)])
    def test_unknown_models_modes(
        self, runner: CliRunner, tmp_path: Path, mode: str, exit_code: int
    ) -> None:
        policy = tmp_path / "llmpick.toml"
        policy.write_text(f'unknown-models = "{mode}"\n')
        code, _, _ = run(runner, str(FIXTURES / "repo_unknown"), "--policy", str(policy))
        assert code == exit_code

    @pytest.mark.parametrize(
        ("policy", "message"),
        [
            ("bad_key.toml", "allow-licence: unknown key (a typo?)"),
            ("bad_type.toml", "require-commercial-use: Input should be a valid boolean"),
            ("bad_licence.toml", "allow-licenses: unknown licence id 'GPL-9'"),
            ("bad_toml.toml", "invalid TOML"),
            ("bad_exception.toml", "allow-models.0.reason: Field required"),
        ],
    )
    def test_bad_policy_exits_3(self, runner: CliRunner, policy: str, message: str) -> None:
        code, out, err = run(runner, str(MIXED), "--policy", str(POLICIES / policy))
        assert code == 3
        assert out == ""
        assert message in err
        assert "Traceback" not in err

    def test_pyproject_table(self, runner: CliRunner, tmp_path: Path) -> None:
        (tmp_path / "app.py").write_text('m = LLM(model="mistralai/Mistral-Large-Instruct-2407")\n')
        (tmp_path / "pyproject.toml").write_text("[tool.llmpick]\nrequire-commercial-use = true\n")
        code, _, err = run(runner, str(tmp_path))
        assert code == 1
        assert "1 violate" in err
        (tmp_path / "pyproject.toml").write_text("[tool.llmpick]\nrequire-comercial-use = true\n")
        code, _, err = run(runner, str(tmp_path))
        assert code == 3
        assert "tool.llmpick.require-comercial-use: unknown key" in err

    def test_usage_errors_exit_2(self, runner: CliRunner) -> None:
        assert runner.invoke(app, ["check", "no/such/dir"]).exit_code == 2
        assert runner.invoke(app, ["check", str(MIXED), "-f", "xml"]).exit_code == 2

    def test_missing_policy_file_exits_3(self, runner: CliRunner) -> None:
        code, _, err = run(runner, str(MIXED), "--policy", "nope.toml")
        assert code == 3 and "no such policy file" in err


class TestFormats:
    def test_sarif(self, runner: CliRunner) -> None:
        _, out, _ = run(
            runner, str(MIXED), "--policy", str(POLICIES / "commercial.toml"), "-f", "sarif"
        )
        doc = json.loads(out)
        assert doc["version"] == "2.1.0"
        run0 = doc["runs"][0]
        assert run0["tool"]["driver"]["name"] == "llmpick"
        errors = [r for r in run0["results"] if r["level"] == "error"]
        assert len(errors) == 3
        loc = errors[0]["locations"][0]["physicalLocation"]
        assert set(loc) == {"artifactLocation", "region"}
        warnings = [r for r in run0["results"] if r["ruleId"] == "LLMPICK002"]
        assert {w["level"] for w in warnings} == {"warning"}  # unknown-models = "warn"

    def test_github_annotations(self, runner: CliRunner) -> None:
        _, out, _ = run(
            runner, str(MIXED), "--policy", str(POLICIES / "commercial.toml"), "-f", "github"
        )
        lines = out.strip().splitlines()
        assert (
            "::error file=deploy/serve.sh,line=3,title=llmpick::"
            "mistralai/Mistral-Large-Instruct-2411: "
            "licence LicenseRef-Mistral-Research does not allow commercial use"
        ) in lines
        assert sum(line.startswith("::warning ") for line in lines) == 3
        assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)

    def test_markdown(self, runner: CliRunner) -> None:
        _, out, _ = run(
            runner, str(MIXED), "--policy", str(POLICIES / "commercial.toml"), "-f", "markdown"
        )
        assert out.startswith("### llmpick licence check\n")
        assert (
            "**fails**: 23 references, 3 violations, 3 unknown models, 0 excepted; "
            "2 placeholder names (such as `my-model`) not judged."
        ) in out
        assert "| violation | `deploy/serve.sh:3` |" in out

    def test_table(self, runner: CliRunner) -> None:
        code, out, _ = run(runner, str(MIXED), "--policy", str(POLICIES / "commercial.toml"))
        assert code == 1
        assert "VIOLATION" in out and "UNKNOWN" in out and "PASS" in out

    def test_table_fits_80_columns_and_names_each_thing_once(self, runner: CliRunner) -> None:
        args = ["check", str(MIXED), "--policy", str(POLICIES / "exceptions.toml")]
        result = runner.invoke(app, args, env={"COLUMNS": "80"})
        assert result.exit_code == 1
        lines = result.stdout.splitlines()
        assert max(len(line) for line in lines) == 80
        # The Model and Licence columns name the model and a sole licence; the last column
        # does not repeat them ("licence LicenseRef-DeepSeek is in deny-licenses").
        assert lines[5:9] == [
            "VIOLATION deploy/serve.sh:4  deepseek-ai/DeepSe DeepSeek       is in            ",
            "                             ek-V3                             deny-licenses    ",
            "UNKNOWN   app/chat.py:13     internlm/internlm2 -              not in the       ",
            "                             _5-7b-chat                        catalog (add it  ",
        ]
        assert (
            "PASS      app/chat.py:10     llama3.3:70b ->    Llama-3.3      MAU cap;         "
        ) in lines

    def test_json_is_written_even_when_empty(self, runner: CliRunner, tmp_path: Path) -> None:
        code, out, _ = run(runner, str(tmp_path), "-f", "json")
        assert code == 0
        doc = json.loads(out)
        assert doc["verdicts"] == [] and doc["summary"]["references"] == 0


def test_this_repository_passes_its_own_policy(runner: CliRunner) -> None:
    root = Path(__file__).parent.parent
    code, _, err = run(runner, str(root))
    assert code == 0, err
