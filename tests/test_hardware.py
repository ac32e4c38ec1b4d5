"""`--gpu` specs, nearest-name hints, and detection from recorded driver output."""

import pytest

from llmpick.catalog import Catalog, load_catalog
from llmpick.errors import ExitCode, UsageError
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
