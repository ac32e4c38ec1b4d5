"""`--gpu` specs, nearest-name hints, and detection from recorded driver output."""

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from llmpick.catalog import Catalog, load_catalog, parse_file
from llmpick.cli import app
from llmpick.errors import CatalogError, ExitCode, UsageError
from llmpick.hardware import match_detected, parse_gpu_spec, parse_nvidia_smi


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


@pytest.mark.parametrize(
    ("spec", "gpu", "count"),
    [
        ("1xA100-80", "a100-sxm-80", 1),
        ("A100-40", "a100-sxm-40", 1),
        ("2xH100", "h100-sxm", 2),
        ("8xH100-80", "h100-sxm", 8),
        ("4xRTX4090", "rtx4090", 4),
        ("2xMI300X", "mi300x", 2),
        ("1xL40S", "l40s", 1),
        ("M3-Max-128", "m3-max-128", 1),
        ("8 x h200", "h200-sxm", 8),
        ("3*a100 80gb", "a100-sxm-80", 3),
    ],
)
def test_specs(cat: Catalog, spec: str, gpu: str, count: int) -> None:
    hw = parse_gpu_spec(cat, spec)
    assert (hw.gpu.id, hw.count) == (gpu, count)


def test_nodes_split_at_eight(cat: Catalog) -> None:
    hw = parse_gpu_spec(cat, "16xH100")
    assert (hw.nodes, hw.gpus_per_node) == (2, 8)


def test_typo_gets_nearest_names(cat: Catalog) -> None:
    with pytest.raises(UsageError) as err:
        parse_gpu_spec(cat, "1xH10O")
    assert err.value.message == "--gpu: unknown GPU 'H10O'"
    assert err.value.hint is not None and "h100" in err.value.hint
    assert err.value.exit_code == ExitCode.USAGE


def test_wrong_memory_lists_variants(cat: Catalog) -> None:
    with pytest.raises(UsageError) as err:
        parse_gpu_spec(cat, "A100-60")
    assert err.value.hint is not None
    assert "a100-sxm-40" in err.value.hint and "a100-sxm-80" in err.value.hint


def test_a_card_not_in_the_catalog_gets_nearest_names_not_memory_variants(cat: Catalog) -> None:
    with pytest.raises(UsageError) as err:
        parse_gpu_spec(cat, "1xRTX3060")
    assert err.value.message == "--gpu: unknown GPU 'RTX3060'"
    assert err.value.hint is not None and err.value.hint.startswith("did you mean: rtx3090")


def test_a_name_close_to_nothing_lists_every_gpu(cat: Catalog) -> None:
    with pytest.raises(UsageError) as err:
        parse_gpu_spec(cat, "1xQQQ")
    assert err.value.hint == "known GPUs: " + ", ".join(sorted(g.id for g in cat.gpus))
    assert err.value.hint.startswith("known GPUs: a10, a100-pcie-40, ")


NVIDIA_SMI_H100 = "NVIDIA H100 80GB HBM3, 81559\nNVIDIA H100 80GB HBM3, 81559\n"


def test_detection_matches_catalog(cat: Catalog) -> None:
    hw = match_detected(cat, parse_nvidia_smi(NVIDIA_SMI_H100))
    assert (hw.gpu.id, hw.count) == ("h100-sxm", 2)
    rtx = match_detected(cat, parse_nvidia_smi("NVIDIA GeForce RTX 4090, 24564\n"))
    assert rtx.gpu.id == "rtx4090"


def test_no_gpu_says_so(cat: Catalog) -> None:
    with pytest.raises(UsageError, match="no NVIDIA GPU found"):
        match_detected(cat, [])


def test_mixed_gpus_are_refused(cat: Catalog) -> None:
    mixed = parse_nvidia_smi("NVIDIA H100 80GB HBM3, 81559\nNVIDIA GeForce RTX 4090, 24564\n")
    with pytest.raises(UsageError, match="mixed GPUs"):
        match_detected(cat, mixed)


class TestPackagesOfSeveralDevices:
    """An MI250 or MI250X is two GCDs, each its own device to ROCm and the engines (ROCm's MI250
    microarchitecture page): `--gpu` counts packages, plans count devices."""

    def test_catalog_values_and_source(self, cat: Catalog) -> None:
        assert {g.id: g.devices for g in cat.gpus if g.devices > 1} == {"mi250": 2, "mi250x": 2}
        assert {g.devices_source for g in cat.gpus if g.devices > 1} == {
            "https://github.com/ROCm/ROCm/blob/e396b4898f459db094bfd60b876f419f77eb9f09/docs/"
            "conceptual/gpu-arch/mi250.md"
        }

    def test_a_device_gets_an_even_share(self, cat: Catalog) -> None:
        gcd = cat.gpu("mi250x").device()
        assert gcd.name == "AMD Instinct MI250X GCD"
        shares = (gcd.memory_gib, gcd.bandwidth_gb_s, gcd.bf16_tflops, gcd.int8_tops)
        assert shares == (64, 1600, 191.5, 191.5)
        assert (gcd.tdp_w, gcd.devices, gcd.devices_source) == (280, 1, None)
        assert cat.gpu("h100-sxm").device() is cat.gpu("h100-sxm")

    def test_spec_counts_packages_and_the_plan_devices(self, cat: Catalog) -> None:
        hw = parse_gpu_spec(cat, "2xMI250")
        assert (hw.gpu.id, hw.gpu.memory_gib, hw.count) == ("mi250", 64, 4)
        assert hw.package is cat.gpu("mi250") and hw.product is cat.gpu("mi250")
        assert hw.label == "2x AMD Instinct MI250 (4 GCDs)"
        assert (hw.spec(), hw.spec(3), hw.spec(6)) == ("2xmi250", "2xmi250", "3xmi250")
        assert hw.resized(1).label == "1x AMD Instinct MI250 GCD"
        assert (hw.nodes, parse_gpu_spec(cat, "8xMI250X").nodes) == (1, 2)

    def test_one_device_gpus_are_unchanged(self, cat: Catalog) -> None:
        hw = parse_gpu_spec(cat, "2xH100")
        assert (hw.package, hw.product, hw.label, hw.spec(4)) == (
            None, cat.gpu("h100-sxm"), "2x NVIDIA H100 SXM5 80GB", "4xh100-sxm"
        )  # fmt: skip

    def test_llvm_targets_and_their_source(self, cat: Catalog) -> None:
        assert {g.id: g.llvm_target for g in cat.gpus if g.llvm_target} == {
            "mi250": "gfx90a", "mi250x": "gfx90a", "mi300x": "gfx942", "mi325x": "gfx942",
            "mi355x": "gfx950",
        }  # fmt: skip
        assert {g.llvm_target_source for g in cat.gpus if g.llvm_target} == {
            "https://github.com/ROCm/ROCm/blob/e396b4898f459db094bfd60b876f419f77eb9f09/docs/"
            "reference/gpu-arch-specs.rst",
            # The March 2025 copy above predates the MI355X; AMD's current table lists it.
            "https://rocmdocs.amd.com/en/develop/reference/gpu-arch-specs.html",
        }
        assert cat.gpu("mi250").device().llvm_target == "gfx90a"

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"llvm_target_source": None}, "llvm_target and llvm_target_source go together"),
            ({"vendor": "nvidia"}, "llvm_target is AMD's numbering; leave it out for nvidia"),
            ({"llvm_target": "sm90"}, "String should match pattern"),
            ({"devices": 2}, "devices above 1 needs devices_source, and only then"),
            ({"devices_source": "https://example.com/x"}, "devices above 1 needs devices_source"),
            ({"devices": 0}, "Input should be greater than or equal to 1"),
        ],
    )
    def test_schema(self, tmp_path: Path, change: dict[str, object], message: str) -> None:
        gpu = load_catalog().gpu("mi300x").model_dump(mode="json") | {"id": "mi-copy"} | change
        gpu["aliases"] = []
        path = tmp_path / "gpus.yaml"
        path.write_text(yaml.safe_dump({"version": 1, "gpus": [gpu]}))
        with pytest.raises(CatalogError) as err:
            parse_file(path)
        assert message in err.value.message

    def test_plan_splits_each_package(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["plan", "llama3.3:70b", "--gpu", "2xMI250", "-f", "json"])
        assert result.exit_code == 0, result.output
        plan = json.loads(result.stdout)
        assert (plan["gpus"], plan["gpu"], plan["gpu_count"]) == (
            "2x AMD Instinct MI250 (4 GCDs)", "mi250", 4
        )  # fmt: skip
        # 141 GB of bf16 weights: 4-way tensor parallel over 64 GiB devices, 90% of 68.05 GB.
        assert (plan["tensor_parallel_size"], plan["per_gpu_available_gb"]) == (4, 61.24)
        assert plan["fits"] and plan["per_gpu_gb"] == 40.15
        assert (
            "each AMD Instinct MI250 is 2 GCDs, each its own device to the engine: its 128 GiB, "
            "3200 GB/s and compute are split evenly, so 2x AMD Instinct MI250 (4 GCDs) is 4 "
            "devices"
        ) in plan["basis"]

    def test_deploy_shards_over_every_device(self, runner: CliRunner) -> None:
        # Two MI250s hold 141 GB of bf16 weights only over all four GCDs: TP 2 would load 128 GB.
        args = ["deploy", "llama3.3:70b", "--gpu", "2xMI250", "-f", "json"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        d = json.loads(result.stdout)
        assert (d["layout"]["gpus"], d["layout"]["tensor_parallel_size"]) == (4, 4)
        assert "--tensor-parallel-size 4" in d["command"]

    def test_hardware_lists_packages_with_their_devices(self, runner: CliRunner) -> None:
        args = ["hardware", "meta-llama/Llama-3.1-405B-Instruct", "-f", "csv"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        header, *lines = (line.split(",") for line in result.stdout.splitlines())
        rows = {r[0]: dict(zip(header, r, strict=True)) for r in lines}
        # 16 GCDs of 61.24 GB hold the 405B model's 810 GB of bf16; 4 packages (8 GCDs) do not.
        mi250 = rows["mi250"]
        assert (mi250["count"], mi250["devices"], mi250["per_gpu_available_gb"]) == (
            "8", "16", "61.24"
        )  # fmt: skip
        assert (rows["h200-sxm"]["count"], rows["h200-sxm"]["devices"]) == ("8", "8")
        table = runner.invoke(app, ["hardware", "meta-llama/Llama-3.1-405B-Instruct"]).stdout
        assert "\n8x mi250 (16 devices)       55.3/61.2   8x2    10   23 -" in table
