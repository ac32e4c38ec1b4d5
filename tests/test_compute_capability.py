"""Formats an engine refuses below a compute capability are never planned, recommended, deployed
or priced there (vLLM 0.33 will not load FP8 or AWQ on a V100, nor MXFP4 on a T4)."""

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from llmpick.catalog import Catalog, load_catalog, parse_file
from llmpick.cli import app
from llmpick.engines import Engine, refuses
from llmpick.errors import CatalogError
from llmpick.hardware import parse_gpu_spec
from llmpick.scoring import Failure, no_format


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
        assert refuses(Engine.VLLM, "fp8", v100) == (
            "vllm loads fp8 only on compute capability 7.5 or newer; "
            "NVIDIA Tesla V100 SXM2 32GB is 7.0"
        )
        assert refuses(Engine.VLLM, "fp8", t4) is None
        assert refuses(Engine.SGLANG, "fp8", t4) is not None  # SGLang needs 8.0
        assert refuses(Engine.VLLM, "mxfp4", t4) is not None
        assert refuses(Engine.VLLM, "gptq-int4", v100) is None
        assert refuses(Engine.VLLM, "bf16", v100) is None
        # TurboMind has int4, FP8 and MXFP4 kernels for 7.0: LMDeploy loads them on a V100.
        for fmt in ("awq", "gptq-int4", "fp8", "mxfp4"):
            assert refuses(Engine.LMDEPLOY, fmt, v100) is None
        # TGI: FP8 through Marlin from 8.0; below, torch._scaled_mm wants 8.9. AWQ: not read.
        assert refuses(Engine.TGI, "fp8", t4) == (
            "tgi loads fp8 only on compute capability 8.0 or newer; NVIDIA T4 is 7.5"
        )
        assert refuses(Engine.TGI, "fp8", cat.gpu("a100-sxm-80")) is None
        assert refuses(Engine.TGI, "awq", v100) is None
        assert refuses(Engine.VLLM, "mxfp4", a10g) is None  # no stated capability: not refused
        assert refuses(Engine.VLLM, "fp8", mi250) is None  # AMD: not NVIDIA's numbering

    def test_no_format_names_the_capability_where_known(self, cat: Catalog) -> None:
        assert no_format(parse_gpu_spec(cat, "1xT4"), Engine.SGLANG) == Failure(
            "fit", "sglang loads none of its formats on NVIDIA T4 (compute capability 7.5)"
        )
        assert no_format(parse_gpu_spec(cat, "1xA10G"), Engine.SGLANG) == Failure(
            "fit", "sglang loads none of its formats"
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
