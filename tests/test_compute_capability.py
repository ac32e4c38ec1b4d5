"""Formats an engine refuses below a compute capability are never planned, recommended, deployed
or priced there (vLLM 0.33 will not load FP8 or AWQ on a V100, nor MXFP4 on a T4)."""

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from llmpick.catalog import Catalog, load_catalog, parse_file
from llmpick.cli import app
from llmpick.engines import Engine, emulates, refuses, rocm_fp8, usable
from llmpick.errors import CatalogError
from llmpick.hardware import parse_gpu_spec
from llmpick.scoring import Failure, Request, no_format


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


class TestCatalog:
    def test_values_and_their_source(self, cat: Catalog) -> None:
        stated = {g.id: g.compute_capability for g in cat.gpus if g.compute_capability}
        assert stated == {
            "v100-sxm2-16": "7.0", "v100-sxm2-32": "7.0", "t4": "7.5", "a10": "8.6",
            "l40": "8.9", "a100-sxm-40": "8.0", "a100-pcie-40": "8.0", "a100-sxm-80": "8.0",
            "a100-pcie-80": "8.0", "h100-pcie": "9.0", "h100-sxm": "9.0", "h100-nvl": "9.0",
            "h200-sxm": "9.0", "b200": "10.0", "rtx3090": "8.6", "rtx4090": "8.9",
            "rtx4080": "8.9", "rtx5090": "12.0",
            # NVIDIA's CUDA GPU Compute Capability page, for cards CUTLASS's table does not name
            "l4": "8.9", "l40s": "8.9", "rtx-a6000": "8.6", "rtx-6000-ada": "8.9",
            "rtx-pro-6000-blackwell": "12.0", "gh200-96": "9.0", "gh200-144": "9.0",
        }  # fmt: skip
        assert {g.compute_capability_source for g in cat.gpus if g.compute_capability} == {
            "https://github.com/NVIDIA/cutlass/blob/7107b05535f8977f5ecb9d01ee203205b1fd9bc4/"
            "README.md#hardware",
            "https://developer.nvidia.com/cuda-gpus",
        }
        assert cat.gpu("b200").sm == 100 and cat.gpu("t4").sm == 75 and cat.gpu("l4").sm == 89
        assert cat.gpu("rtx-pro-6000-blackwell").sm == 120 and cat.gpu("a10g").sm is None

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"compute_capability_source": None}, "compute_capability and compute_capability_"),
            ({"vendor": "amd"}, "compute_capability is NVIDIA's numbering; leave it out for amd"),
            ({"compute_capability": "7.5.1"}, "String should match pattern"),
        ],
    )
    def test_schema(self, tmp_path: Path, change: dict[str, object], message: str) -> None:
        gpu = load_catalog().gpu("t4").model_dump(mode="json") | {"id": "t4-copy"} | change
        path = tmp_path / "gpus.yaml"
        path.write_text(yaml.safe_dump({"version": 1, "gpus": [gpu]}))
        with pytest.raises(CatalogError) as err:
            parse_file(path)
        assert message in err.value.message


class TestRefuses:
    def test_thresholds(self, cat: Catalog) -> None:
        v100, t4, a10g, mi250 = (cat.gpu(g) for g in ("v100-sxm2-32", "t4", "a10g", "mi250"))
        assert refuses(Engine.VLLM, "fp8", v100, "online") == (
            "vllm loads fp8 only on compute capability 7.5 or newer; "
            "NVIDIA Tesla V100 SXM2 32GB is 7.0"
        )
        assert refuses(Engine.VLLM, "fp8", t4, "online") is None
        assert refuses(Engine.SGLANG, "fp8", t4, "online") is not None  # SGLang needs 8.0
        assert refuses(Engine.VLLM, "mxfp4", t4, "online") is not None
        assert refuses(Engine.VLLM, "gptq-int4", v100, "online") is None
        assert refuses(Engine.VLLM, "bf16", v100, "online") is None
        # TurboMind has int4, FP8 and MXFP4 kernels for 7.0: LMDeploy loads them on a V100.
        for fmt in ("awq", "gptq-int4", "fp8", "mxfp4"):
            assert refuses(Engine.LMDEPLOY, fmt, v100, "online") is None
        # TGI: FP8 through Marlin from 8.0; below, torch._scaled_mm wants 8.9. AWQ: not read.
        assert refuses(Engine.TGI, "fp8", t4, "online") == (
            "tgi loads fp8 only on compute capability 8.0 or newer; NVIDIA T4 is 7.5"
        )
        assert refuses(Engine.TGI, "fp8", cat.gpu("a100-sxm-80"), "online") is None
        assert refuses(Engine.TGI, "awq", v100, "online") is None
        assert (
            refuses(Engine.VLLM, "mxfp4", a10g, "online") is None
        )  # no stated capability: not refused
        # AMD GPUs have no NVIDIA capability; their FP8 gate is by LLVM target (TestRocmFp8).
        assert refuses(Engine.VLLM, "awq", mi250, "online") is None

    def test_no_format_names_the_capability_where_known(self, cat: Catalog) -> None:
        sglang = Request(engine=Engine.SGLANG)
        assert no_format(parse_gpu_spec(cat, "1xT4"), sglang) == Failure(
            "fit", "sglang loads none of its formats on NVIDIA T4 (compute capability 7.5)"
        )
        assert no_format(parse_gpu_spec(cat, "1xA10G"), sglang) == Failure(
            "fit", "sglang loads none of its formats"
        )
        official = Request(engine=Engine.SGLANG, official_weights=True)
        assert no_format(parse_gpu_spec(cat, "1xA10G"), official) == Failure(
            "fit", "sglang loads none of its formats with official weights"
        )


class TestCommands:
    def test_recommend_never_picks_a_refused_format(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["recommend", "--gpu", "1xV100-32", "-f", "json"])
        assert result.exit_code == 0
        doc = json.loads(result.stdout)
        quants = {r["model"]: r["quant"] for r in doc["recommendations"]}
        assert quants["Qwen/Qwen3-14B"] == "gptq-int8"  # fp8 on an H100-class card
        assert not set(quants.values()) & {"fp8", "awq", "mxfp4"}
        for gpu, quant in (("1xT4", "gptq-int4"), ("1xA10", "mxfp4")):
            args = ["recommend", "--gpu", gpu, "--explain", "gpt-oss-20b", "-f", "json"]
            assert json.loads(runner.invoke(app, args).stdout)["quant"] == quant
        h100 = runner.invoke(app, ["recommend", "--gpu", "1xH100", "-f", "json"])
        assert {r["quant"] for r in json.loads(h100.stdout)["recommendations"]} & {"fp8"}

    def test_plan_warns_and_lists_only_what_loads(self, runner: CliRunner) -> None:
        args = ["plan", "deepseek-v3", "--gpu", "16xV100-32", "-f", "json"]
        doc = json.loads(runner.invoke(app, args).stdout)
        assert doc["quant"] == "fp8 (as released)"
        assert doc["warnings"] == [
            "vllm loads fp8 only on compute capability 7.5 or newer; NVIDIA Tesla V100 SXM2 "
            "32GB is 7.0: pick --quant from the formats listed"
        ]
        assert [f["quant"] for f in doc["formats"]] == ["bf16", "fp16", "gptq-int8", "gptq-int4"]
        a100 = json.loads(runner.invoke(app, [*args[:3], "16xA100-80", "-f", "json"]).stdout)
        assert a100["warnings"] == [] and a100["formats"][0]["quant"] == "fp8 (as released)"

    @pytest.mark.parametrize(
        "args",
        [
            ["deploy", "qwen3-14b", "--gpu", "1xV100-32", "--quant", "fp8"],
            ["cost", "qwen3-14b", "--gpu", "1xV100-32", "--quant", "awq"],
        ],
    )
    def test_deploy_and_cost_refuse(self, runner: CliRunner, args: list[str]) -> None:
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        assert result.stdout == ""
        fmt = args[-1]
        assert result.stderr == (
            f"error: vllm loads {fmt} only on compute capability 7.5 or newer; NVIDIA Tesla V100 "
            "SXM2 32GB is 7.0\nhint: pick --quant from what vllm loads there (`llmpick plan "
            "Qwen/Qwen3-14B --gpu 1xv100-sxm2-32 --engine vllm` lists them), or use newer GPUs\n"
        )

    def test_hardware_skips_gpus_that_refuse_the_format(self, runner: CliRunner) -> None:
        doc = json.loads(runner.invoke(app, ["hardware", "gpt-oss-20b", "-f", "json"]).stdout)
        gpus = {c["gpu"] for c in doc["configurations"]}
        assert doc["quant"] == "mxfp4"
        assert not gpus & {"t4", "v100-sxm2-16", "v100-sxm2-32"}
        assert {"a10", "l4", "rtx3090", "h100-sxm"} <= gpus


KERNELS = (
    "only block-scaled FP8 checkpoints load there, through Triton (its per-tensor and per-channel "
    "FP8 kernels need gfx942 or gfx950)"
)
EMULATED = (
    "AMD Instinct MI250 (gfx90a) has no FP8 units: vllm runs this block-scaled FP8 checkpoint "
    "through its Triton kernel, which emulates FP8, so it runs far slower than the speed "
    "estimated here; 16-bit, awq and gptq-int4 weights run natively"
)


class TestRocmFp8:
    """vLLM 0.33 on gfx90a: no kernel for per-tensor/per-channel FP8, Triton emulation for
    block-scaled FP8; gfx942 and gfx950 run all of it."""

    @pytest.mark.parametrize(
        ("target", "kind", "path"),
        [
            ("gfx90a", "block", "emulated"),
            ("gfx90a", "channel", "refused"),
            ("gfx90a", "tensor", "refused"),
            ("gfx90a", "online", "refused"),
            ("gfx90a", None, "refused"),  # scaling not recorded
            ("gfx942", "tensor", "native"),
            ("gfx950", "online", "native"),
            (None, "tensor", "native"),  # NVIDIA: gated by compute capability instead
        ],
    )
    def test_paths(self, target: str | None, kind: str | None, path: str) -> None:
        assert rocm_fp8(Engine.VLLM, "fp8", target, kind) == path
        assert usable(Engine.VLLM, "fp8", None, target, kind) == (path == "native")

    def test_only_vllm_and_only_fp8(self) -> None:
        assert rocm_fp8(Engine.VLLM, "awq", "gfx90a", "tensor") == "native"
        assert rocm_fp8(Engine.TGI, "fp8", "gfx90a", "tensor") == "native"  # not read
        assert rocm_fp8(Engine.LMDEPLOY, "fp8", "gfx90a", "online") == "native"  # not read

    def test_messages(self, cat: Catalog) -> None:
        mi250, mi300x = cat.gpu("mi250"), cat.gpu("mi300x")
        on = "on AMD Instinct MI250 (gfx90a)"
        assert refuses(Engine.VLLM, "fp8", mi250, "online") == (
            f"vllm quantizes to fp8 per tensor at load time, which it cannot run {on}: {KERNELS}"
        )
        assert refuses(Engine.VLLM, "fp8", mi250, "channel") == (
            f"vllm cannot run this checkpoint's per-channel FP8 scales {on}: {KERNELS}"
        )
        assert refuses(Engine.VLLM, "fp8", mi250, None) == (
            f"vllm may not load this FP8 checkpoint {on}, since its scaling is not recorded: "
            f"{KERNELS}"
        )
        assert refuses(Engine.VLLM, "fp8", mi250, "block") is None
        assert emulates(Engine.VLLM, "fp8", mi250, "block") == EMULATED
        assert emulates(Engine.VLLM, "fp8", mi250, "tensor") is None  # refused, not emulated
        assert emulates(Engine.VLLM, "fp8", mi300x, "block") is None
        assert refuses(Engine.VLLM, "fp8", mi300x, "tensor") is None

    def test_plan_warns_of_emulation_and_lists_no_fp8(self, runner: CliRunner) -> None:
        args = ["plan", "qwen3-32b", "--gpu", "1xMI250", "--quant", "fp8", "-f", "json"]
        doc = json.loads(runner.invoke(app, args).stdout)
        assert doc["quant"] == "fp8"
        assert doc["warnings"] == [EMULATED.replace("MI250", "MI250 GCD")]
        quants = ["bf16 (as released)", "fp16", "gptq-int8", "gptq-int4", "awq"]
        assert [f["quant"] for f in doc["formats"]] == quants
        args[3] = "1xMI300X"
        mi300x = json.loads(runner.invoke(app, args).stdout)
        assert mi300x["warnings"] == []
        assert [f["quant"] for f in mi300x["formats"]] == [*quants[:2], "fp8", *quants[2:]]

    @pytest.mark.parametrize(
        ("args", "model", "why"),
        [
            (
                ["llama-3.3-70b", "--gpu", "2xMI250", "--quant", "fp8"],
                "meta-llama/Llama-3.3-70B-Instruct",
                "vllm quantizes to fp8 per tensor at load time, which it cannot run",
            ),
            (
                ["meta-llama/Llama-3.1-405B-Instruct", "--gpu", "8xMI250", "--quant", "fp8"],
                "meta-llama/Llama-3.1-405B-Instruct",
                "vllm cannot run this checkpoint's per-channel FP8 scales",
            ),
            (
                ["mistral-nemo", "--gpu", "1xMI250", "--quant", "fp8"],
                "mistralai/Mistral-Nemo-Instruct-2407",
                "vllm cannot run this checkpoint's per-tensor FP8 scales",
            ),
            (
                ["deepseek-ai/DeepSeek-R1", "--gpu", "8xMI250"],
                "deepseek-ai/DeepSeek-R1",
                "vllm may not load this FP8 checkpoint",
            ),
        ],
    )
    def test_deploy_refuses(self, runner: CliRunner, args: list[str], model: str, why: str) -> None:
        result = runner.invoke(app, ["deploy", *args])
        assert result.exit_code == 2
        assert result.stdout == ""
        gpus = args[2].lower()
        scaling = ", since its scaling is not recorded" if "R1" in model else ""
        assert result.stderr == (
            f"error: {why} on AMD Instinct MI250 GCD (gfx90a){scaling}: {KERNELS}\n"
            f"hint: pick --quant from what vllm loads there (`llmpick plan {model} --gpu {gpus} "
            "--engine vllm` lists them), or use newer GPUs\n"
        )

    def test_deploy_and_cost_say_when_fp8_is_emulated(self, runner: CliRunner) -> None:
        args = ["qwen3-32b", "--gpu", "1xMI250", "--quant", "fp8", "-f", "json"]
        deployed = json.loads(runner.invoke(app, ["deploy", *args]).stdout)
        assert deployed["repo"] == "Qwen/Qwen3-32B-FP8"
        assert deployed["notes"][0] == EMULATED.replace("MI250", "MI250 GCD")
        cost = json.loads(runner.invoke(app, ["cost", *args]).stdout)
        assert cost["notes"][0] == EMULATED.replace("MI250", "MI250 GCD")
        args[2] = "1xMI300X"
        assert json.loads(runner.invoke(app, ["deploy", *args]).stdout)["notes"] == [
            "Qwen/Qwen3-32B-FP8 is Qwen (Alibaba Cloud)'s own fp8 release; the engine reads its "
            "quantization from the checkpoint's config"
        ]

    def test_deploy_repo_gets_a_note_not_a_refusal(self, runner: CliRunner) -> None:
        args = ["deploy", "llama-3.3-70b", "--gpu", "2xMI250", "--quant", "fp8"]
        result = runner.invoke(app, [*args, "--repo", "acme/Llama-3.3-70B-FP8", "-f", "json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["notes"][0] == (
            "vllm loads FP8 on AMD Instinct MI250 GCD (gfx90a) only from block-scaled checkpoints, "
            "through a Triton kernel that emulates FP8; llmpick has not read how "
            "acme/Llama-3.3-70B-FP8 is scaled"
        )

    def test_recommend_weighs_no_fp8_on_gfx90a(self, runner: CliRunner) -> None:
        def quants(gpus: str) -> set[str]:
            out = runner.invoke(app, ["recommend", "--gpu", gpus, "--top", "20", "-f", "json"])
            return {r["quant"] for r in json.loads(out.stdout)["recommendations"]}

        assert not {q for q in quants("8xMI250") if q.startswith("fp8")}
        assert {"fp8", "fp8 (as released)"} <= quants("8xMI300X") | quants("1xMI300X")

    def test_show_prints_the_scaling_with_its_source(self, runner: CliRunner) -> None:
        doc = json.loads(runner.invoke(app, ["show", "deepseek-v3", "-f", "json"]).stdout)
        assert doc["fp8_scaling"]["kind"] == "block"
        assert doc["fp8_scaling"]["block"] == [128, 128]
        assert doc["fp8_scaling"]["source"] == (
            "https://github.com/deepseek-ai/DeepSeek-V3/blob/4c2fdb8f55e049553b9f4f1a3241f86d739c8cf8/"
            "README_WEIGHTS.md"
        )
        table = runner.invoke(app, ["show", "deepseek-v3"]).stdout
        assert "FP8 scales" in table and "per 128x128 block" in table
        kimi = runner.invoke(app, ["show", "moonshotai/Kimi-K2-Instruct", "-f", "json"]).stdout
        assert json.loads(kimi)["fp8_scaling"]["block"] is None  # "block-fp8", no shape stated

    def test_which_fp8_checkpoints_have_no_recorded_scaling(self, cat: Catalog) -> None:
        """The gaps, named: these count as refused on gfx90a until someone reads their config."""
        unread = {m.id for m in cat.models if m.has_fp8_checkpoint and m.fp8_scaling is None}
        assert unread == {
            "deepseek-ai/DeepSeek-V3-0324", "deepseek-ai/DeepSeek-V3.1-Terminus",
            "deepseek-ai/DeepSeek-V3.2", "deepseek-ai/DeepSeek-V3.2-Speciale",
            "deepseek-ai/DeepSeek-R1", "deepseek-ai/DeepSeek-R1-0528",
            "MiniMaxAI/MiniMax-M2.1", "MiniMaxAI/MiniMax-M2.5",
            "zai-org/GLM-4.5", "zai-org/GLM-4.5-Air", "zai-org/GLM-4.6", "zai-org/GLM-4.7",
            "tencent/Hunyuan-A13B-Instruct", "meta-llama/Llama-4-Maverick-17B-128E-Instruct",
            "mistralai/Ministral-3-14B-Instruct-2512", "mistralai/Ministral-3-3B-Instruct-2512",
            "mistralai/Devstral-Small-2-24B-Instruct-2512",
            "mistralai/Devstral-2-123B-Instruct-2512",
            "Qwen/Qwen3-4B-Instruct-2507", "Qwen/Qwen3-Coder-480B-A35B-Instruct",
            "Qwen/Qwen3-Coder-30B-A3B-Instruct", "Qwen/Qwen3-Next-80B-A3B-Instruct",
            "Qwen/Qwen3.5-397B-A17B", "Qwen/Qwen3.5-27B", "Qwen/Qwen3.6-27B", "Qwen/Qwen3.8-27B",
            "Qwen/Qwen3.8-2.4T-A95B",
        }  # fmt: skip
