"""End to end: list, show, license, catalog validate, --version; outputs and exit codes."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmpick.cli import app
from tests.conftest import GOLDEN

BUILT_IN_LICENCES = (
    "Apache-2.0, LicenseRef-Cohere-CC-BY-NC-4.0, LicenseRef-DeepSeek, LicenseRef-Gemma, "
    "LicenseRef-Kimi-Modified-MIT, LicenseRef-Llama-3.1, LicenseRef-Llama-3.2, "
    "LicenseRef-Llama-3.3, LicenseRef-Llama-4, LicenseRef-MiniMax-M2-Modified-MIT, "
    "LicenseRef-MiniMax-M2.1-Modified-MIT, LicenseRef-MiniMax-Model-License, "
    "LicenseRef-Mistral-Modified-MIT, LicenseRef-Mistral-Non-Production, "
    "LicenseRef-Mistral-Research, LicenseRef-NVIDIA-Open-Model, LicenseRef-Qwen, "
    "LicenseRef-Qwen-Research, LicenseRef-Qwen3.8-Max, LicenseRef-Tencent-Hunyuan-Community, MIT"
)


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


class TestShow:
    def test_json_contract(self, runner: CliRunner) -> None:
        code, out, err = run(runner, "show", "llama3.3:70b", "-f", "json")
        assert code == 0, err
        doc = json.loads(out)
        assert doc["id"] == "meta-llama/Llama-3.3-70B-Instruct"
        assert doc["params_total_b"] == 70.55
        assert doc["context_tokens"] == 131072
        assert doc["languages"] == ["en", "de", "fr", "it", "pt", "hi", "es", "th"]
        assert doc["license"]["id"] == "LicenseRef-Llama-3.3"
        assert doc["license"]["commercial_use"] == "conditional"
        assert doc["license"]["conditions"]["mau_cap"] == 700_000_000
        assert doc["license"]["permissive"] is False
        assert doc["architecture"]["source"].startswith("https://")
        mmlu = next(b for b in doc["benchmarks"] if b["name"] == "MMLU")
        assert mmlu["variant"] == "instruct, 0-shot CoT"
        assert mmlu["value"] == 86.0
        assert mmlu["source"].startswith("https://github.com/meta-llama/llama-models/")
        assert err == ""

    def test_json_expands_inherited_licences(self, runner: CliRunner) -> None:
        code, out, _ = run(runner, "show", "DeepSeek-R1-Distill-Llama-8B", "-f", "json")
        assert code == 0
        doc = json.loads(out)
        assert doc["license"]["id"] == "MIT"
        assert [lic["id"] for lic in doc["upstream_licenses"]] == ["LicenseRef-Llama-3.1"]

    def test_table_golden(self, runner: CliRunner) -> None:
        code, out, _ = run(runner, "show", "meta-llama/Llama-3.3-70B-Instruct")
        assert code == 0
        assert out == (GOLDEN / "show_llama33.txt").read_text()

    def test_markdown_links_sources(self, runner: CliRunner) -> None:
        code, out, _ = run(runner, "show", "gpt-oss-20b", "-f", "markdown")
        assert code == 0
        assert out.startswith("### gpt-oss-20b\n\n| Section | Fact | Value | Source |\n")
        assert "| size | checkpoint dtype | mxfp4 (MoE experts) | [source](https://" in out

    def test_csv_rows_carry_source_urls(self, runner: CliRunner) -> None:
        code, out, _ = run(runner, "show", "Qwen/Qwen2.5-72B-Instruct", "-f", "csv")
        assert code == 0
        rows = list(csv.DictReader(io.StringIO(out)))
        licence = next(r for r in rows if r["fact"] == "licence")
        assert licence["value"].startswith("LicenseRef-Qwen: commercial use conditional (MAU<100M")
        assert (
            licence["source"]
            == "https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE"
        )

    def test_gguf_files_with_their_source(self, runner: CliRunner) -> None:
        code, out, _ = run(runner, "show", "allenai/OLMo-2-0325-32B-Instruct", "-f", "json")
        assert code == 0
        files = json.loads(out)["gguf_files"]
        assert files["tags"] == ["Q3_K_M", "Q4_0", "Q4_K_S", "Q5_0", "Q5_K_S", "Q8_0"]
        assert files["complete"] is True
        assert files["source"] == (
            "https://huggingface.co/allenai/OLMo-2-0325-32B-Instruct-GGUF/tree/main"
        )
        code, out, _ = run(runner, "show", "gemma-3-27b", "-f", "csv")
        row = next(r for r in csv.DictReader(io.StringIO(out)) if r["fact"] == "GGUF files")
        assert (row["value"], row["source"]) == (
            "Q4_0 (a partial list)",
            "https://huggingface.co/google/gemma-3-27b-it-qat-q4_0-gguf",
        )

    def test_unknown_model_exits_3_with_close_matches(self, runner: CliRunner) -> None:
        code, out, err = run(runner, "show", "qwen2.5-7b-instrukt")
        assert code == 3
        assert out == ""
        assert err.splitlines()[0] == "error: unknown model: qwen2.5-7b-instrukt"
        assert err.splitlines()[1].startswith("hint: did you mean: qwen2.5-7b-instruct")


class TestList:
    def test_json_contract_and_filters(self, runner: CliRunner) -> None:
        code, out, _ = run(
            runner, "list", "--family", "qwen", "--lang", "French", "--max-params", "8",
            "--license", "commercial", "-f", "json",
        )  # fmt: skip
        assert code == 0
        models = json.loads(out)["models"]
        ids = [m["id"] for m in models]
        assert "Qwen/Qwen2.5-7B-Instruct" in ids
        assert "Qwen/Qwen2.5-3B-Instruct" not in ids  # research licence: no commercial use
        assert all(m["params_total_b"] <= 8 and "fr" in m["languages"] for m in models)
        assert all(m["license"]["commercial_use"] != "no" for m in models)

    def test_empty_result_is_still_a_json_object(self, runner: CliRunner) -> None:
        code, out, _ = run(runner, "list", "--min-params", "5000", "-f", "json")
        assert code == 0
        assert json.loads(out) == {"models": []}

    def test_capability_and_modality(self, runner: CliRunner) -> None:
        code, out, _ = run(runner, "list", "--capability", "fim", "--modality", "text", "-f", "csv")
        assert code == 0
        rows = list(csv.DictReader(io.StringIO(out)))
        assert rows and all("fim" in r["capabilities"].split(";") for r in rows)

    def test_capabilities_as_the_table_abbreviates_them(self, runner: CliRunner) -> None:
        short = run(
            runner, "list", "--capability", "tools,Think", "--capability", "toggle", "-f", "csv"
        )
        full = run(
            runner, "list", "--capability", "tool-calling,reasoning,thinking-toggle", "-f", "csv"
        )
        assert short[0] == 0 and short == full
        assert len(short[1].splitlines()) == 1 + 28  # models with all three
        _, _, err = run(runner, "list", "--capability", "vision")
        assert err == (
            "error: --capability: unknown value 'vision'\nhint: choose from tool-calling (tools), "
            "reasoning (think), thinking-toggle (toggle), fim, code\n"
        )

    def test_table_caption_counts(self, runner: CliRunner) -> None:
        code, out, _ = run(runner, "list", "--family", "gpt-oss")
        assert code == 0
        assert "openai/gpt-oss-120b" in out
        assert "2 of 110 models; family gpt-oss" in out

    def test_table_fits_80_columns(self, runner: CliRunner) -> None:
        # A terminal of 80 columns (also rich's width when not a terminal): every column shows,
        # long ids fold, nothing is cropped.
        result = runner.invoke(app, ["list", "--family", "llama"], env={"COLUMNS": "80"})
        assert result.exit_code == 0
        out = result.stdout
        lines = out.splitlines()
        assert max(len(line) for line in lines) == 80
        assert lines[2].split() == ["Model", "Params", "Ctx", "(conditions)", "Comm.", "Langs",
                                    "Capabilities"]  # fmt: skip
        assert lines[4].split() == ["meta-llama/Llama-3.2-1B", "1.24B", "128K", "Llama-3.2",
                                    "cond.", "8", "tools"]  # fmt: skip
        assert lines[5].split() == ["-Instruct", "(MAU<700M,"]
        assert "17/108.6B" in out  # Llama 4 Scout: active/total, as recommend writes it
        assert lines[-1].rstrip() == "Comm. = commercial use: yes, no, or cond. (with conditions)"

    def test_markdown(self, runner: CliRunner) -> None:
        code, out, _ = run(runner, "list", "--family", "phi", "-f", "markdown")
        assert code == 0
        assert out.splitlines()[:2] == [
            "| Model | Params | Context | Licence | Commercial | Languages | Capabilities |",
            "| --- | ---: | ---: | --- | --- | --- | --- |",
        ]

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--lang", "klingon"], "error: --lang: unknown language 'klingon'"),
            (["--family", "lama"], "error: --family: unknown family 'lama'"),
            (["--capability", "vision"], "error: --capability: unknown value 'vision'"),
            (["--license", "commercial,MIT"], "error: --license commercial cannot be combined"),
            (["--license", "GPL-9"], "error: --license: unknown licence 'GPL-9'"),
            (["--min-params", "9", "--max-params", "3"], "error: --min-params is larger"),
        ],
    )
    def test_bad_values_exit_2(self, runner: CliRunner, args: list[str], message: str) -> None:
        code, out, err = run(runner, "list", *args)
        assert code == 2
        assert out == ""
        assert err.startswith(message)

    def test_bad_format_is_a_typer_usage_error(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["list", "-f", "xml"])
        assert result.exit_code == 2
        assert "Invalid value for '--format'" in result.stderr


class TestLicense:
    def test_json(self, runner: CliRunner) -> None:
        code, out, _ = run(runner, "license", "LicenseRef-Qwen", "-f", "json")
        assert code == 0
        doc = json.loads(out)
        assert doc["commercial_use"] == "conditional"
        assert doc["conditions"]["mau_cap"] == 100_000_000
        assert doc["osi_approved"] is False and doc["permissive"] is False

    def test_unknown_exits_3(self, runner: CliRunner) -> None:
        code, _, err = run(runner, "license", "GPL-9")
        assert code == 3
        assert err.startswith("error: unknown licence: GPL-9\n")

    def test_revenue_cap_is_a_condition(self, runner: CliRunner) -> None:
        code, out, _ = run(runner, "license", "LicenseRef-Mistral-Modified-MIT", "-f", "json")
        assert code == 0
        assert json.loads(out)["conditions"]["revenue_cap_usd"] == 20_000_000
        _, out, _ = run(runner, "license", "LicenseRef-Mistral-Modified-MIT")
        assert "monthly revenue cap (USD)" in out and "20,000,000" in out
        _, out, _ = run(runner, "compare", "devstral-2", "devstral-small-2", "-f", "json")
        rows = {r["label"]: r["values"] for r in json.loads(out)["rows"]}
        assert rows["conditions"] == ["revenue<$20M/mo, attribution", "-"]

    def test_unknown_hint_lists_the_licences_or_the_nearest(self, runner: CliRunner) -> None:
        _, _, err = run(runner, "license", "GPL-9")
        assert err.splitlines()[1] == "hint: licences in the catalog: " + BUILT_IN_LICENCES
        _, _, err = run(runner, "license", "apache")
        assert err.splitlines()[1] == "hint: did you mean: Apache-2.0"

    def test_unknown_license_option_hint_names_the_keywords(self, runner: CliRunner) -> None:
        code, _, err = run(runner, "list", "--license", "GPL-9")
        assert code == 2
        assert err.splitlines() == [
            "error: --license: unknown licence 'GPL-9'",
            "hint: give any, commercial, permissive or licence ids: " + BUILT_IN_LICENCES,
        ]
        _, _, err = run(runner, "list", "--license", "Apach")
        assert err.splitlines()[1] == "hint: did you mean: Apache-2.0"


class TestUserCatalogOption:
    def test_catalog_option_adds_models(self, runner: CliRunner, data: Path) -> None:
        code, out, _ = run(
            runner, "show", "tiny1b", "-c", str(data / "user_models.yaml"), "-f", "json"
        )
        assert code == 0
        assert json.loads(out)["license"]["commercial_use"] == "no"

    def test_env_var_adds_models(self, runner: CliRunner, data: Path) -> None:
        result = runner.invoke(
            app,
            ["show", "tiny1b", "-f", "json"],
            env={"LLMPICK_CATALOG": str(data / "user_models.yaml")},
        )
        assert result.exit_code == 0
        assert json.loads(result.stdout)["id"] == "acme/Tiny-1B-Chat"

    def test_broken_catalog_exits_3_with_location(self, runner: CliRunner, data: Path) -> None:
        code, out, err = run(runner, "list", "-c", str(data / "bad_fields.yaml"))
        assert code == 3
        assert out == ""
        assert f"{data / 'bad_fields.yaml'}:23: models.0 (acme/Bad-7B).contxt_tokens" in err
        assert "Traceback" not in err


class TestCatalogValidate:
    def test_builtin_passes(self, runner: CliRunner) -> None:
        code, out, err = run(runner, "catalog", "validate")
        assert code == 0
        assert out == ""
        assert err.startswith("catalog OK: 110 models, 21 licences, ")
        assert err.rstrip().endswith("all with a source (prices with their date)")

    def test_architecture_that_does_not_add_up_fails(self, runner: CliRunner, data: Path) -> None:
        code, _, err = run(runner, "catalog", "validate", str(data / "wrong_params.yaml"))
        assert code == 3
        assert (
            f"{data / 'wrong_params.yaml'}: acme/Misread-1B: the architecture adds up to "
            "1.40B parameters but params_total_b is 1.2356B (+13.6%)"
        ) in err

    def test_reports_every_broken_file(self, runner: CliRunner, data: Path) -> None:
        code, _, err = run(
            runner, "catalog", "validate", "--no-builtin",
            str(data / "bad_syntax.yaml"), str(data / "bad_fields.yaml"),
        )  # fmt: skip
        assert code == 3
        assert "bad_syntax.yaml:5:1: invalid YAML" in err
        assert "bad_fields.yaml: 3 errors" in err
        assert err.rstrip().endswith("2 problem(s) in 2 file(s)")

    def test_duplicate_keys_are_reported(
        self, runner: CliRunner, tmp_path: Path, data: Path
    ) -> None:
        text = (data / "user_models.yaml").read_text()
        path = tmp_path / "dup.yaml"
        path.write_text(
            text.replace("    aliases: [tiny1b]\n", "    aliases: [tiny1b]\n    family: acme\n")
        )
        code, _, err = run(runner, "catalog", "validate", str(path))
        assert code == 3
        assert f"{path}:18: duplicate key 'family'" in err


class TestEntryPoint:
    def test_version(self, runner: CliRunner) -> None:
        code, out, _ = run(runner, "--version")
        assert code == 0
        assert out.startswith("llmpick ")

    def test_python_dash_m(self) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "llmpick", "--version"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0
        assert result.stdout.startswith("llmpick ")

    def test_no_args_shows_help(self, runner: CliRunner) -> None:
        result = runner.invoke(app, [])
        assert result.exit_code == 2
        assert "Usage:" in result.output

    def test_crash_exits_4_with_traceback(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from llmpick import cli, describe

        def boom(*_: object) -> None:
            raise RuntimeError("simulated bug")

        monkeypatch.setattr(describe, "model_facts", boom)
        assert cli.run(["show", "gpt-oss-20b"]) == 4


PROBE = (
    "import sys; from llmpick.cli import run; code = run(['show', 'gpt-oss-20b', '-f', 'json']); "
    "loader = sys.modules.get('pydantic.plugin._loader'); "
    "print(code, 'importlib.metadata' in sys.modules, getattr(loader, '__doc__', None), "
    "file=sys.stderr)"
)


class TestPydanticPlugins:
    """The CLI loads no pydantic plugins and skips the module that would scan for them."""

    def probe(self, **env: str) -> str:
        clean = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
        result = subprocess.run(
            [sys.executable, "-c", PROBE],
            capture_output=True,
            text=True,
            check=False,
            env=clean | env,
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["id"] == "openai/gpt-oss-20b"
        return result.stderr.strip()

    def test_no_scan_and_no_metadata_import(self) -> None:
        assert self.probe() == ("0 False llmpick: pydantic plugins are disabled (no scan)")

    def test_a_users_setting_is_left_to_pydantic(self) -> None:
        code, metadata_loaded, *_ = self.probe(PYDANTIC_DISABLE_PLUGINS="some-plugin").split()
        assert (code, metadata_loaded) == ("0", "True")

    def test_pydantic_takes_only_get_plugins_from_the_loader(self) -> None:
        """The stand-in module offers `get_plugins` alone: this fails if pydantic asks for more."""
        import inspect

        from pydantic.plugin import _schema_validator

        source = inspect.getsource(_schema_validator)
        assert source.count("_loader") == 1
        assert "from ._loader import get_plugins\n" in source
