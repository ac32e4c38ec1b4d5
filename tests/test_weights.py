"""Where each planned format's weights come from, and how `recommend` shows it."""

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from llmpick.catalog import Catalog, load_catalog
from llmpick.cli import app
from llmpick.weights import Weights, weights_for

OLMO_32B = "allenai/OLMo-2-0325-32B-Instruct"


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


@pytest.mark.parametrize(
    ("model", "fmt", "engine", "expected"),
    [
        # The checkpoint as released; a bf16 checkpoint is also served as fp16 (cast at load).
        ("openai/gpt-oss-120b", "mxfp4", "vllm", Weights("as-released", "openai/gpt-oss-120b")),
        ("meta-llama/Llama-3.3-70B-Instruct", "bf16", "vllm",
         Weights("as-released", "meta-llama/Llama-3.3-70B-Instruct")),
        ("meta-llama/Llama-3.3-70B-Instruct", "fp16", "sglang",
         Weights("as-released", "meta-llama/Llama-3.3-70B-Instruct")),
        # The vendor's own quantized release.
        ("Qwen/Qwen2.5-72B-Instruct", "gptq-int4", "vllm",
         Weights("official", "Qwen/Qwen2.5-72B-Instruct-GPTQ-Int4")),
        ("Qwen/Qwen3-32B", "fp8", "lmdeploy", Weights("official", "Qwen/Qwen3-32B-FP8")),
        # The engine quantizes a 16-bit checkpoint at load time...
        ("meta-llama/Llama-3.3-70B-Instruct", "fp8", "vllm",
         Weights("engine-quantized", "meta-llama/Llama-3.3-70B-Instruct")),
        ("meta-llama/Llama-3.3-70B-Instruct", "nf4", "tgi",
         Weights("engine-quantized", "meta-llama/Llama-3.3-70B-Instruct")),
        # ...but not an MXFP4 or FP8 one, and LMDeploy and transformers are given no such path.
        ("openai/gpt-oss-20b", "fp8", "vllm", Weights("none", None)),
        ("deepseek-ai/DeepSeek-V3", "bf16", "vllm", Weights("none", None)),
        ("meta-llama/Llama-3.3-70B-Instruct", "fp8", "lmdeploy", Weights("none", None)),
        ("meta-llama/Llama-3.3-70B-Instruct", "fp8", "transformers", Weights("none", None)),
        ("meta-llama/Llama-3.3-70B-Instruct", "gptq-int4", "vllm", Weights("none", None)),
        # GGUF engines: the vendor's GGUF repository, unless its complete file list lacks the type.
        ("Qwen/Qwen2.5-7B-Instruct", "Q5_K_M", "llama.cpp",
         Weights("official", "Qwen/Qwen2.5-7B-Instruct-GGUF")),
        (OLMO_32B, "Q8_0", "llama.cpp", Weights("official", f"{OLMO_32B}-GGUF")),
        (OLMO_32B, "Q6_K", "llama.cpp", Weights("none", None)),
        (OLMO_32B, "Q6_K", "ollama", Weights("none", None)),
        # Ollama quantizes safetensors to Q8_0, Q4_K_S and Q4_K_M itself (ollama create).
        (OLMO_32B, "Q4_K_M", "ollama", Weights("engine-quantized", OLMO_32B)),
        # A checkpoint that is not GGUF is nothing these engines load.
        ("openai/gpt-oss-20b", "mxfp4", "llama.cpp", Weights("none", None)),
    ],
)  # fmt: skip
def test_weights_for(cat: Catalog, model: str, fmt: str, engine: str, expected: Weights) -> None:
    assert weights_for(cat.find_model(model), fmt, engine) == expected


ARGS = ["recommend", "--gpu", "1xA100-80", "--lang", "fr"]


def test_json_says_where_each_pick_comes_from(runner: CliRunner) -> None:
    doc = json.loads(runner.invoke(app, [*ARGS, "-f", "json"]).stdout)
    got = [
        (r["model"], r["quant"], r["weights"], r["weights_repo"]) for r in doc["recommendations"]
    ]
    assert got[:4] == [
        ("Qwen/Qwen2.5-72B-Instruct", "gptq-int4", "official",
         "Qwen/Qwen2.5-72B-Instruct-GPTQ-Int4"),
        ("meta-llama/Llama-3.3-70B-Instruct", "gptq-int4", "none", None),
        ("Qwen/Qwen3-32B", "fp8", "official", "Qwen/Qwen3-32B-FP8"),
        ("Qwen/Qwen2.5-32B-Instruct", "fp8", "engine-quantized", "Qwen/Qwen2.5-32B-Instruct"),
    ]  # fmt: skip
    assert got[4] == ("Qwen/Qwen3-14B", "bf16 (as released)", "as-released", "Qwen/Qwen3-14B")


def test_csv_and_markdown_carry_it(runner: CliRunner) -> None:
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, [*ARGS, "-f", "csv"]).stdout)))
    assert [(r["weights"], r["weights_repo"]) for r in rows[:2]] == [
        ("official", "Qwen/Qwen2.5-72B-Instruct-GPTQ-Int4"),
        ("none", ""),
    ]
    md = runner.invoke(app, [*ARGS, "-f", "markdown"]).stdout
    assert "| `meta-llama/Llama-3.3-70B-Instruct` | 70.5B | gptq-int4 (no official weights) |" in md
    assert "| `Qwen/Qwen2.5-72B-Instruct` | 72.7B | gptq-int4 |" in md


def test_a_top_pick_without_official_weights_says_so(runner: CliRunner) -> None:
    args = ["recommend", "--gpu", "1xRTX4090", "--use-case", "code", "-f", "json"]
    top = json.loads(runner.invoke(app, args).stdout)["recommendations"][0]
    assert (top["model"], top["quant"], top["weights"]) == ("Qwen/Qwen3.8-27B", "gptq-int4", "none")
    assert top["caveats"][0] == (
        "Qwen (Alibaba Cloud) published no gptq-int4 weights of Qwen3.8 27B: serve a "
        "quantization you trust (llmpick deploy --repo)"
    )


def test_no_dagger_and_no_legend_line_when_every_pick_has_weights(runner: CliRunner) -> None:
    out = runner.invoke(app, ["recommend", "--gpu", "8xH100"], env={"COLUMNS": "80"}).stdout
    assert "\u2020" not in out


class TestOfficialWeightsOnly:
    ARGS = [*ARGS, "--weights", "official"]

    def test_only_formats_with_official_weights_rank(self, runner: CliRunner) -> None:
        result = runner.invoke(app, [*self.ARGS, "-f", "json"])
        assert result.exit_code == 0
        doc = json.loads(result.stdout)
        assert doc["constraints"]["weights"] == "official"
        picks = [(r["model"], r["quant"], r["weights"]) for r in doc["recommendations"]]
        assert picks[:4] == [
            ("Qwen/Qwen2.5-72B-Instruct", "gptq-int4", "official"),
            ("Qwen/Qwen3-32B", "fp8", "official"),
            ("Qwen/Qwen2.5-32B-Instruct", "fp8", "engine-quantized"),
            ("Qwen/Qwen3-14B", "bf16 (as released)", "as-released"),
        ]
        assert all(weights != "none" for _, _, weights in picks)
        # Llama 3.3 70B fits one A100 only as a 4-bit quantization Meta never published.
        reasons = {e["model"]: e["reason"] for e in doc["excluded"] if e["constraint"] == "fit"}
        assert reasons["meta-llama/Llama-3.3-70B-Instruct"] == (
            "does not fit on 1x NVIDIA A100 SXM4 80GB at 8,192 tokens in any format vllm loads "
            "with official weights (smallest: fp8 needs 77.9 GB per GPU, the budget is 76.6 GB)"
        )
        assert doc["passed"] == 36

    def test_any_is_the_default(self, runner: CliRunner) -> None:
        doc = json.loads(runner.invoke(app, [*ARGS, "-f", "json"]).stdout)
        assert doc["constraints"]["weights"] == "any"
        assert doc["passed"] == 39

    def test_the_table_and_markdown_name_the_constraint(self, runner: CliRunner) -> None:
        table = runner.invoke(app, self.ARGS, env={"COLUMNS": "200"}).stdout
        caption = [line.rstrip() for line in table.splitlines() if "the default" in line]
        assert caption == ["(possibly with conditions) (the default); official weights only"]
        md = runner.invoke(app, [*self.ARGS, "-f", "markdown"]).stdout
        assert "languages fr, official weights only.\n" in md

    def test_ollama_takes_the_types_it_can_make(self, runner: CliRunner) -> None:
        # Q6_K of Qwen3.5 27B has no official file; Ollama makes Q4_K_M from the safetensors.
        args = ["recommend", "--gpu", "1xRTX4090", "--engine", "ollama", "-f", "json"]
        anyw = json.loads(runner.invoke(app, args).stdout)["recommendations"][0]
        official = json.loads(runner.invoke(app, [*args, "--weights", "official"]).stdout)
        top = official["recommendations"][0]
        assert (anyw["model"], anyw["quant"], anyw["weights"]) == (
            "Qwen/Qwen3.5-27B",
            "Q6_K",
            "none",
        )
        assert (top["model"], top["quant"], top["weights"], top["weights_repo"]) == (
            "Qwen/Qwen3.5-27B",
            "Q4_K_M",
            "engine-quantized",
            "Qwen/Qwen3.5-27B",
        )

    def test_an_unknown_policy_exits_2(self, runner: CliRunner) -> None:
        result = runner.invoke(app, [*ARGS, "--weights", "community"])
        assert result.exit_code == 2
        assert "Invalid value for '--weights'" in result.stderr
        assert "'community' is not one of 'any', 'official'" in result.stderr


class TestOllamaImport:
    def test_the_converter_list_is_the_one_read(self) -> None:
        from llmpick.weights import OLLAMA_CONVERTS

        assert len(OLLAMA_CONVERTS) == len(set(OLLAMA_CONVERTS)) == 39
        for found in ("LlamaForCausalLM", "Qwen2ForCausalLM", "Qwen3_5ForConditionalGeneration"):
            assert found in OLLAMA_CONVERTS
        for missing in ("Qwen3ForCausalLM", "Qwen3MoeForCausalLM", "MistralForCausalLM"):
            assert missing not in OLLAMA_CONVERTS

    def test_deploy_names_the_converter_limit(self, runner: CliRunner) -> None:
        args = ["deploy", "llama-3.1-8b", "--gpu", "1xRTX4090", "--engine", "ollama"]
        doc = json.loads(runner.invoke(app, [*args, "--quant", "q4_k_m", "-f", "json"]).stdout)
        assert doc["steps"][2]["argv"][:4] == ["ollama", "create", "llama-3-1-8b-instruct",
                                               "--quantize"]  # fmt: skip
        assert doc["notes"][0] == (
            "ollama create converts only the 39 config.json architectures its converter lists "
            "(https://github.com/ollama/ollama/blob/fb30760996871fa9460115c753afd2c60d4ab0f7/"
            "convert/convert.go; docs/deploy.md), such as LlamaForCausalLM, Qwen2ForCausalLM and "
            "Gemma3ForConditionalGeneration, but not Qwen3ForCausalLM, Qwen3MoeForCausalLM or "
            "MistralForCausalLM: check `architectures` in the checkpoint's config.json"
        )

    def test_recommend_caveats_an_ollama_import(self, runner: CliRunner) -> None:
        args = ["recommend", "--gpu", "1xRTX4090", "--engine", "ollama", "--weights", "official"]
        top = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)["recommendations"][0]
        assert top["weights"] == "engine-quantized"
        assert top["caveats"][0] == (
            "no official Q4_K_M GGUF file: `ollama create --quantize` makes it from the "
            "safetensors, if Ollama's converter lists the checkpoint's architecture "
            "(docs/deploy.md)"
        )


class TestExplain:
    def test_json_and_title_say_where_the_weights_come_from(self, runner: CliRunner) -> None:
        args = ["recommend", "--gpu", "1xA100-80", "--explain"]
        qwen = json.loads(runner.invoke(app, [*args, "qwen2.5-72b", "-f", "json"]).stdout)
        assert (qwen["quant"], qwen["weights"], qwen["weights_repo"]) == (
            "gptq-int4", "official", "Qwen/Qwen2.5-72B-Instruct-GPTQ-Int4"
        )  # fmt: skip
        wide = {"COLUMNS": "200"}
        llama = runner.invoke(app, [*args, "llama-3.3-70b"], env=wide).stdout.splitlines()[0]
        assert llama.rstrip() == (
            "Score of meta-llama/Llama-3.3-70B-Instruct as gptq-int4 (no official weights: "
            "deploy --repo)"
        )
        title = runner.invoke(app, [*args, "qwen2.5-72b"], env=wide).stdout.splitlines()[0]
        assert title.rstrip() == (
            "Score of Qwen/Qwen2.5-72B-Instruct as gptq-int4 (weights: "
            "Qwen/Qwen2.5-72B-Instruct-GPTQ-Int4)"
        )

    def test_an_excluded_model_has_none(self, runner: CliRunner) -> None:
        args = ["recommend", "--gpu", "1xA100-80", "--weights", "official", "--explain"]
        doc = json.loads(runner.invoke(app, [*args, "llama-3.3-70b", "-f", "json"]).stdout)
        assert (doc["excluded"], doc["constraint"], doc["weights"], doc["weights_repo"]) == (
            True, "fit", None, None
        )  # fmt: skip
