"""vLLM's float16 rule (vllm/config/model.py, _FLOAT16_NOT_SUPPORTED_MODELS): Gemma 2 and 3 never
run in float16, so on GPUs without bfloat16 (T4, V100) vLLM falls back to float32, which llmpick
does not plan; and the 16-bit cast every other model allows (bf16 weights served as fp16) is
written into each engine's command as --dtype float16."""

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from llmpick.catalog import Catalog, load_catalog, parse_file
from llmpick.cli import app
from llmpick.deploy import Target
from llmpick.engines import Engine, float16_hint, float16_refusal, loads, refuses, usable
from llmpick.errors import CatalogError
from llmpick.hardware import parse_gpu_spec
from llmpick.scoring import Failure, Request, no_format
from tests.test_deploy import check_argv, make

FLOAT32 = (
    "vllm runs gemma3 models in float32 on GPUs without bfloat16 (compute capability below "
    "8.0), which llmpick does not plan"
)
GGUF_HINT = (
    "serve a GGUF with --engine llama.cpp or --engine ollama, or use GPUs with bfloat16 "
    "(compute capability 8.0 or newer)"
)


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


class TestCatalog:
    def test_the_gemma_2_and_3_checkpoints_name_their_type(self, cat: Catalog) -> None:
        typed = {m.id: m.model_type for m in cat.models if m.model_type}
        assert typed == {
            "google/gemma-2-9b-it": "gemma2",
            "google/gemma-2-27b-it": "gemma2",
            "google/gemma-3-1b-it": "gemma3_text",
            "google/gemma-3-4b-it": "gemma3",
            "google/gemma-3-12b-it": "gemma3",
            "google/gemma-3-27b-it": "gemma3",
        }
        rows = {r.id: r.model_type for r in cat.index.rows if r.model_type}
        assert rows == typed  # the recommender's index carries it

    def test_show_prints_it_with_the_config_source(self, runner: CliRunner) -> None:
        table = runner.invoke(app, ["show", "gemma-3-1b", "-f", "json"]).stdout
        assert json.loads(table)["architecture"]["model_type"] == "gemma3_text"
        out = runner.invoke(app, ["show", "gemma-3-1b", "-f", "markdown"]).stdout
        assert (
            "| architecture | config model_type | gemma3_text | "
            "[source](https://huggingface.co/google/gemma-3-1b-it/blob/main/config.json) |"
        ) in out
        assert "config model_type" not in runner.invoke(app, ["show", "qwen3-8b"]).stdout

    def test_a_model_type_is_config_json_spelling(self, tmp_path: Path) -> None:
        card = load_catalog().find_model("gemma-3-4b").model_dump(mode="json", exclude_none=True)
        card["architecture"]["model_type"] = "Gemma3"
        path = tmp_path / "m.yaml"
        path.write_text(yaml.safe_dump({"version": 1, "models": [card]}))
        with pytest.raises(CatalogError) as err:
            parse_file(path)
        assert "architecture.model_type" in err.value.message
        assert "String should match pattern '^[a-z0-9_]+$'" in err.value.message


class TestRule:
    @pytest.mark.parametrize(
        ("engine", "fmt", "sm", "model_type", "why"),
        [
            (Engine.VLLM, "bf16", 75, "gemma3", FLOAT32),
            (Engine.VLLM, "gptq-int4", 70, "gemma3", FLOAT32),
            (Engine.VLLM, "bf16", 80, "gemma3", None),
            (Engine.VLLM, "awq", 89, "gemma2", None),
            (
                Engine.VLLM,
                "fp16",
                90,
                "gemma2",
                "vllm does not run gemma2 models in float16 (numerical instability)",
            ),
            (Engine.VLLM, "fp16", 90, "llama", None),
            (Engine.VLLM, "bf16", 75, None, None),  # not recorded: not refused
            (Engine.VLLM, "bf16", None, "gemma3", None),  # capability not stated
            (Engine.SGLANG, "fp16", 90, "gemma3", None),  # vLLM's rule only
            (Engine.LMDEPLOY, "bf16", 70, "gemma3", None),
        ],
    )
    def test_refusal(
        self, engine: Engine, fmt: str, sm: int | None, model_type: str | None, why: str | None
    ) -> None:
        assert float16_refusal(engine, fmt, sm, model_type) == why
        assert loads(engine, fmt, sm, model_type) is (why is None)
        assert usable(engine, fmt, sm, None, "online", model_type) is (why is None)

    def test_hints(self) -> None:
        assert float16_hint(Engine.VLLM, "bf16", 75, "gemma3") == GGUF_HINT
        assert float16_hint(Engine.VLLM, "fp16", 90, "gemma3") == (
            "serve the checkpoint in bf16 (--quant bf16), as released"
        )
        assert float16_hint(Engine.VLLM, "bf16", 90, "gemma3") is None

    def test_refuses_names_the_gpu(self, cat: Catalog) -> None:
        assert refuses(Engine.VLLM, "awq", cat.gpu("t4"), "online", "gemma3") == (
            f"{FLOAT32}; NVIDIA T4 is 7.5"
        )
        assert refuses(Engine.VLLM, "fp16", cat.gpu("h100-sxm"), "online", "gemma3") == (
            "vllm does not run gemma3 models in float16 (numerical instability)"
        )
        # the capability gate still speaks first
        assert refuses(Engine.VLLM, "fp8", cat.gpu("v100-sxm2-32"), "online", "gemma3") == (
            "vllm loads fp8 only on compute capability 7.5 or newer; "
            "NVIDIA Tesla V100 SXM2 32GB is 7.0"
        )

    def test_no_format_says_why(self, cat: Catalog) -> None:
        assert no_format(parse_gpu_spec(cat, "1xT4"), Request(), "gemma3") == Failure(
            "fit", f"{FLOAT32}; NVIDIA T4 is 7.5"
        )


class TestCommands:
    def test_recommend_on_a_t4_excludes_gemma_with_the_reason(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["recommend", "--gpu", "1xT4", "-f", "json"])
        assert result.exit_code == 0
        doc = json.loads(result.stdout)
        picks = [r["model"] for r in doc["recommendations"]]
        assert not [m for m in picks if m.startswith("google/gemma-")]
        assert picks[:3] == ["Qwen/Qwen3-14B", "Qwen/Qwen3-8B", "Qwen/Qwen2.5-14B-Instruct"]
        reasons = {e["model"]: e["reason"] for e in doc["excluded"]}
        assert reasons["google/gemma-3-4b-it"] == f"{FLOAT32}; NVIDIA T4 is 7.5"
        assert reasons["google/gemma-2-9b-it"] == (
            f"{FLOAT32.replace('gemma3', 'gemma2')}; NVIDIA T4 is 7.5"
        )

    def test_recommend_elsewhere_still_weighs_gemma(self, runner: CliRunner) -> None:
        args = ["recommend", "--gpu", "1xL4", "--explain", "gemma-3-4b", "-f", "json"]
        assert json.loads(runner.invoke(app, args).stdout)["quant"] == "bf16"
        llama_cpp = ["recommend", "--gpu", "1xT4", "--engine", "llama.cpp", "-f", "json"]
        doc = json.loads(runner.invoke(app, llama_cpp).stdout)
        excluded = {e["model"] for e in doc["excluded"]}
        assert "google/gemma-3-4b-it" not in excluded  # GGUF: not vLLM's rule

    def test_plan_warns_with_the_hint(self, runner: CliRunner) -> None:
        args = ["plan", "gemma-3-4b", "--gpu", "1xT4", "-f", "json"]
        doc = json.loads(runner.invoke(app, args).stdout)
        assert doc["warnings"] == [f"{FLOAT32}; NVIDIA T4 is 7.5: {GGUF_HINT}"]
        assert doc["formats"] == []
        fp16 = ["plan", "gemma-3-4b", "--gpu", "1xH100", "--quant", "fp16", "-f", "json"]
        doc = json.loads(runner.invoke(app, fp16).stdout)
        assert doc["warnings"] == [
            "vllm does not run gemma3 models in float16 (numerical instability): serve the "
            "checkpoint in bf16 (--quant bf16), as released"
        ]
        assert "fp16" not in [f["quant"] for f in doc["formats"]]
        assert "fp16" in [f["quant"] for f in json.loads(
            runner.invoke(app, [*fp16[:4], "--engine", "sglang", "-f", "json"]).stdout
        )["formats"]]  # fmt: skip

    @pytest.mark.parametrize(
        ("args", "error", "hint"),
        [
            (
                ["deploy", "gemma-3-27b", "--gpu", "2xV100-32"],
                f"{FLOAT32}; NVIDIA Tesla V100 SXM2 32GB is 7.0",
                GGUF_HINT,
            ),
            (
                [
                    "deploy",
                    "gemma-2-9b",
                    "--gpu",
                    "1xH100",
                    "--quant",
                    "fp16",
                    "--engine",
                    "kserve",
                ],
                "vllm does not run gemma2 models in float16 (numerical instability)",
                "serve the checkpoint in bf16 (--quant bf16), as released",
            ),
            (
                ["cost", "gemma-3-4b", "--gpu", "1xT4"],
                f"{FLOAT32}; NVIDIA T4 is 7.5",
                GGUF_HINT,
            ),
        ],
    )
    def test_deploy_and_cost_refuse(
        self, runner: CliRunner, args: list[str], error: str, hint: str
    ) -> None:
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == f"error: {error}\nhint: {hint}\n"

    def test_hardware_skips_gpus_without_bfloat16(self, runner: CliRunner) -> None:
        doc = json.loads(runner.invoke(app, ["hardware", "gemma-3-4b", "-f", "json"]).stdout)
        gpus = {c["gpu"] for c in doc["configurations"]}
        assert not gpus & {"t4", "v100-sxm2-16", "v100-sxm2-32"}
        assert {"l4", "a10", "rtx3090"} <= gpus
        llama = json.loads(runner.invoke(app, ["hardware", "llama3.1:8b", "-f", "json"]).stdout)
        assert "t4" in {c["gpu"] for c in llama["configurations"]}  # cast to fp16 there


class TestCast:
    @pytest.mark.parametrize(
        ("target", "expected"),
        [
            (Target.VLLM, ("--dtype", "float16")),
            (Target.SGLANG, ("--dtype", "float16")),
            (Target.LMDEPLOY, ("--dtype", "float16")),
            (Target.TGI, ("--dtype", "float16")),
        ],
    )
    def test_fp16_of_a_bf16_checkpoint_is_a_cast(
        self, cat: Catalog, target: Target, expected: tuple[str, str]
    ) -> None:
        d = make(cat, "llama3.1:8b", "1xL4", target, quant="fp16")
        assert d.repo == "meta-llama/Llama-3.1-8B-Instruct" and d.quant == "fp16"
        argv = next(s.argv for s in d.steps if s.main)
        assert argv is not None
        i = argv.index(expected[0])
        assert argv[i : i + 2] == expected
        assert check_argv(target, argv) == []
        assert [f.why for f in d.flags if f.flag == "--dtype"] == [
            "cast the 16-bit checkpoint to the planned format"
        ]
        assert d.notes[0] == (
            "the engine casts the bf16 checkpoint to fp16 as it loads (the same bytes); float16 "
            "overflows above 65,504, where bfloat16 does not, so compare its answers with the "
            "checkpoint's own dtype"
        )
        assert "--quantization" not in argv and "--quantize" not in argv

    def test_kserve_passes_the_cast_through(self, cat: Catalog) -> None:
        d = make(cat, "llama3.1:8b", "1xL4", Target.KSERVE, quant="fp16")
        args = yaml.safe_load(d.manifest or "")["spec"]["predictor"]["model"]["args"]
        assert "--dtype=float16" in args

    def test_as_released_has_no_dtype_flag(self, cat: Catalog) -> None:
        for quant in (None, "bf16"):
            d = make(cat, "llama3.1:8b", "1xL4", Target.VLLM, quant=quant)
            assert "--dtype" not in (d.command or "")
