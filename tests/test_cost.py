"""`llmpick cost` and `llmpick hardware`: throughput, prices, break-even, formats, exit codes."""

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from llmpick import cost as cost_module
from llmpick.catalog import Catalog, load_catalog
from llmpick.cli import app
from llmpick.cost import (
    OnPremAssumptions,
    Workload,
    api_rows,
    break_even,
    make_cost,
    make_hardware,
    throughput,
)
from llmpick.describe import sizes_once
from llmpick.engines import Engine
from llmpick.hardware import Hardware, parse_gpu_spec
from llmpick.memory import Planner
from llmpick.quant import FORMATS
from llmpick.records import HardwareReport
from llmpick.render import csv as render_csv
from llmpick.render import markdown as render_md
from llmpick.render import table as render_tables


def render_table(report: HardwareReport) -> str:
    out = io.StringIO()
    Console(file=out, width=120, emoji=False).print(render_tables.hardware(report))
    return out.getvalue()


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


class TestPrices:
    def test_every_price_is_dated_and_sourced(self, cat: Catalog) -> None:
        assert len(cat.clouds) == 6 and sum(len(c.instances) for c in cat.clouds) == 123
        for cloud in cat.clouds:
            assert date(2026, 1, 1) <= cloud.priced_on <= date(2026, 11, 23)
            assert cloud.price_source.startswith("https://")
            assert "/blob/" in cloud.read_from  # a file at a commit
        assert len(cat.api_offers) == 217
        for offer in cat.api_offers:
            assert offer.price_source.startswith("https://") and "/blob/" in offer.read_from

    def test_known_prices(self, cat: Catalog) -> None:
        prices = {(c.id, i.id): (i.gpu, i.gpu_count, i.usd_per_hour) for c in cat.clouds
                  for i in c.instances}  # fmt: skip
        assert prices["aws", "p5.48xlarge"] == ("h100-sxm", 8, 55.04)
        assert prices["azure", "Standard_ND96isr_H100_v5"] == ("h100-sxm", 8, 98.32)
        assert prices["hf-endpoints-aws", "nvidia-h200 x8"] == ("h200-sxm", 8, 40.0)
        assert prices["gcp", "a3-highgpu-8g"] == ("h100-sxm", 8, 88.4899999025753)
        assert prices["gcp", "g2-standard-4"] == ("l4", 1, 0.706832255)

    def test_api_price_blended_over_the_workload(self, cat: Catalog) -> None:
        rows = api_rows(cat, cat.find_model("llama3.3:70b"), Workload(1000, 250))
        cheapest = rows[0]
        assert (cheapest.input_usd_per_mtok, cheapest.output_usd_per_mtok) == (0.135, 0.4)
        assert cheapest.per_million_tokens == 0.188  # (1000 x 0.135 + 250 x 0.4) / 1250
        assert [r.per_million_tokens for r in rows] == sorted(r.per_million_tokens for r in rows)
        assert {r.provider_model for r in rows} >= {"meta-llama/Llama-3.3-70B-Instruct-Turbo"}

    def test_bad_price_references_are_catalog_errors(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        bad = tmp_path / "prices.yaml"
        bad.write_text(
            "version: 1\nclouds:\n- id: mine\n  name: Mine\n  kind: cloud\n  region: null\n"
            "  priced_on: 2026-11-01\n  price_source: https://example.com/p\n"
            "  read_from: https://example.com/p\n  instances:\n  - id: big\n    gpu: h100\n"
            "    gpu_count: 8\n    usd_per_hour: 20\n    spec_source: https://example.com/s\n"
        )
        result = runner.invoke(app, ["catalog", "validate", str(bad)])
        assert result.exit_code == 3
        assert "mine big: gpu 'h100' is not in the GPU catalog" in result.stderr
        listed = runner.invoke(app, ["list", "--catalog", str(bad)])
        assert listed.exit_code == 3
        assert "hint: did you mean: h100-" in listed.stderr


class TestThroughput:
    def test_memory_bound_decode_and_flop_bound_prefill(self, cat: Catalog) -> None:
        model = cat.find_model("llama3.3:70b")
        planner = Planner.build(model, parse_gpu_spec(cat, "2xH100"), FORMATS["fp8"], Engine.VLLM)
        t = throughput(planner, Workload(1000, 250))
        assert t is not None
        assert t.decode_bound == "memory bandwidth"
        assert t.concurrency == planner.max_batch(1250) < 256
        assert t.concurrency_limit == "memory"
        # requests/s = 1 / (output x step / sequences + input / prefill rate)
        per_request = 250 * t.decode_step_ms / 1000 / t.concurrency + 1000 / t.prefill_tokens_per_s
        assert t.requests_per_s == pytest.approx(1 / per_request, rel=2e-3)
        assert t.tokens_per_s == pytest.approx(t.requests_per_s * 1250, rel=2e-3)

    def test_requested_concurrency_is_respected(self, cat: Catalog) -> None:
        model = cat.find_model("qwen3:8b")
        planner = Planner.build(model, parse_gpu_spec(cat, "1xH100"), None, Engine.VLLM)
        low = throughput(planner, Workload(1000, 250, concurrency=4))
        high = throughput(planner, Workload(1000, 250, concurrency=64))
        assert low and high and low.concurrency == 4 and high.concurrency == 64
        assert low.concurrency_limit == "requested"
        assert high.tokens_per_s > 5 * low.tokens_per_s  # batching amortises weight reads

    def test_bigger_copies_win_when_they_serve_more(self, cat: Catalog) -> None:
        report = make_cost(
            cat,
            cat.find_model("llama3.3:70b"),
            parse_gpu_spec(cat, "8xH100"),
            Engine.VLLM,
            "fp8",
            "auto",
            Workload(),
            OnPremAssumptions(),
        )
        p5 = next(c for c in report.cloud.instances if c.instance == "p5.48xlarge")
        # One H100 holds the FP8 weights but only a couple of sequences: 2-4 GPUs per copy
        # serve far more tokens per GPU.
        assert p5.gpus_per_copy >= 2 and p5.copies * p5.gpus_per_copy <= 8
        single = next(c for c in report.cloud.instances if c.instance == "p5.4xlarge")
        assert p5.tokens_per_s / 8 > 5 * single.tokens_per_s


class TestCostArithmetic:
    def test_break_even(self) -> None:
        # $730 a month against an API at $1 per million: 730 / (365/12 x 1e-6) tokens a day
        assert (
            break_even(730.0, 0.5, 1.0) == "above 24,000,000 tokens a day (one server, always on)"
        )
        assert break_even(730.0, 2.0, 1.0).startswith("never: at full load self-hosting costs $2")
        assert break_even(None, 0.5, 1.0) == "not computed (a price is missing)"

    def test_on_prem(self, cat: Catalog) -> None:
        report = make_cost(
            cat,
            cat.find_model("llama3.3:70b"),
            parse_gpu_spec(cat, "2xH100"),
            Engine.VLLM,
            "fp8",
            "auto",
            Workload(),
            OnPremAssumptions(hardware_usd=36_000, years=3, kwh_usd=0.15),
        )
        p = report.on_prem
        assert p.capex_monthly_usd == 1000.0  # 36,000 / 36 months
        assert p.power_watts == 1400 and p.power_basis.startswith("2 x 700 W TDP")
        assert p.energy_monthly_usd == 153.3  # 1.4 kW x 730 h x $0.15
        assert p.monthly_usd == 1153.3
        assert p.tokens_per_s is not None and p.per_million_tokens is not None
        assert p.per_million_tokens == pytest.approx(
            1153.3 / (p.tokens_per_s * 3600 * 730) * 1e6, rel=1e-3
        )

    def test_on_prem_without_a_hardware_price_says_what_is_missing(self, cat: Catalog) -> None:
        report = make_cost(
            cat,
            cat.find_model("qwen3:8b"),
            parse_gpu_spec(cat, "1xRTX4090"),
            Engine.VLLM,
            None,
            "auto",
            Workload(),
            OnPremAssumptions(),
        )
        assert report.on_prem.per_million_tokens is None
        assert report.on_prem.missing[0].startswith("--hardware-usd")
        assert report.on_prem.missing[1].startswith("--power-watts")  # no TDP for the 4090
        assert report.cloud.instances == ()  # no cloud rents RTX 4090s in the catalog
        assert "no priced cloud instance with NVIDIA GeForce RTX 4090" in report.notes[0]

    def test_monthly_figures_for_a_volume(self, cat: Catalog) -> None:
        report = make_cost(
            cat,
            cat.find_model("qwen3:8b"),
            parse_gpu_spec(cat, "1xL4"),
            Engine.VLLM,
            None,
            "auto",
            Workload(tokens_per_day=100_000_000),
            OnPremAssumptions(),
        )
        for row in report.cloud.instances:
            assert row.instances_needed is not None and row.monthly_usd is not None
            capacity = row.tokens_per_s * 86400 * row.instances_needed
            assert capacity >= 100_000_000 > row.tokens_per_s * 86400 * (row.instances_needed - 1)
            assert row.monthly_usd == round(row.instances_needed * row.usd_per_hour * 730, 2)
        months = [row.monthly_usd or 0.0 for row in report.cloud.instances]
        assert months == sorted(months)

    def test_a_daily_volume_picks_the_cheapest_month_not_the_lowest_rate(
        self, cat: Catalog
    ) -> None:
        def first(work: Workload) -> tuple[str, float, float | None]:
            report = make_cost(
                cat, cat.find_model("qwen3-32b"), parse_gpu_spec(cat, "1xH100"), Engine.VLLM,
                None, "auto", work, OnPremAssumptions(),
            )  # fmt: skip
            row = report.cloud.instances[0]
            assert report.cloud.per_million_tokens == row.per_million_tokens
            return row.instance, row.per_million_tokens, row.monthly_usd

        # Full load: the 8-GPU server has the lowest rate. 50M tokens a day (579 tokens/s): one
        # 1-GPU p5.4xlarge carries it for $5,022 a month; the p5.48xlarge would cost $40,179.
        assert first(Workload()) == ("p5.48xlarge", 0.3678, None)
        assert first(Workload(tokens_per_day=50_000_000)) == ("p5.4xlarge", 0.8255, 5022.4)


class TestCostCli:
    def test_an_engine_that_cannot_run_on_the_gpus_is_refused(self, runner: CliRunner) -> None:
        args = ["cost", "llama3.3:70b", "--gpu", "M3-Max-128"]
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == (
            "error: --engine vllm does not run on Apple M3 Max (16-core CPU / 40-core GPU, "
            "128GB)\nhint: on Apple GPUs use --engine llama.cpp or --engine ollama\n"
        )
        assert runner.invoke(app, [*args, "--engine", "llama.cpp"]).exit_code == 0

    def test_json_contract(self, runner: CliRunner) -> None:
        result = runner.invoke(
            app,
            ["cost", "llama3.3:70b", "--gpu", "2xH100", "--quant", "fp8", "--hardware-usd",
             "80000", "--tokens-per-day", "50000000", "-f", "json"],
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        doc = json.loads(result.stdout)
        for key in ("cloud", "on_prem", "api"):
            assert isinstance(doc[key]["per_million_tokens"], float)
        assert doc["api"]["per_million_tokens"] == 0.188
        assert doc["cloud"]["instances"][0]["priced_on"] == "2026-07-20"
        assert doc["on_prem_break_even"].startswith("above ")
        assert any("bandwidth" in line for line in doc["basis"])

    def test_table_markdown_csv(self, runner: CliRunner) -> None:
        args = ["cost", "qwen3:8b", "--gpu", "1xL4"]
        table = runner.invoke(app, args)
        assert table.exit_code == 0 and "Hosted APIs for the same model" in table.stdout
        assert "by $/M" in table.stdout and "$/M tokens  \n" in table.stdout
        volume = runner.invoke(app, [*args, "--tokens-per-day", "100000000"])
        assert "Cloud instances (on-demand), by monthly cost" in volume.stdout
        assert " $/h   Copies   Tok/s      $/M   Monthly \n" in volume.stdout
        md = runner.invoke(app, [*args, "-f", "markdown"])
        assert md.stdout.startswith("### Cost of Qwen/Qwen3-8B (bf16, vllm)")
        assert "| instance | GPUs | $/hour | tokens/s | $/M tokens | priced on |" in md.stdout
        md = runner.invoke(app, [*args, "-f", "markdown", "--tokens-per-day", "100000000"])
        head = "| instance | GPUs | $/hour | tokens/s | $/M tokens | monthly | priced on |"
        assert head in md.stdout
        csv = runner.invoke(app, [*args, "-f", "csv"])
        assert csv.stdout.splitlines()[0] == (
            "kind,option,gpu,gpu_count,usd_per_hour,tokens_per_s,per_million_tokens,monthly_usd,"
            "priced_on,price_source"
        )
        assert {line.split(",")[0] for line in csv.stdout.splitlines()[1:]} == {
            "cloud",
            "on_prem",
            "api",
        }

    @pytest.mark.parametrize(
        ("args", "code", "message"),
        [
            (["--input-tokens", "300000"], 2, "exceeds Qwen/Qwen3-8B's maximum"),
            (["--utilization", "0"], 2, "Invalid value"),
            (["--engine", "nope"], 2, "choose from"),
            (["--hardware-usd", "-1"], 2, "Invalid value for '--hardware-usd'"),
            (["--power-watts", "-300"], 2, "Invalid value for '--power-watts'"),
        ],
    )
    def test_usage_errors(
        self, runner: CliRunner, args: list[str], code: int, message: str
    ) -> None:
        result = runner.invoke(app, ["cost", "qwen3:8b", "--gpu", "1xL4", *args])
        assert result.exit_code == code
        assert message in result.stderr

    def test_unknown_model_is_exit_3(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["cost", "no-such-model-xyz", "--gpu", "1xL4"])
        assert result.exit_code == 3

    def test_says_why_there_is_no_on_premises_figure(self, runner: CliRunner) -> None:
        # Phi-4 in bf16 needs two L4s: the clouds still price 2-8 L4 servers; the user's one L4
        # gets no figure, and the note says why and what to run next.
        args = ["cost", "phi-4", "--gpu", "1xL4", "--hardware-usd", "3000", "-f", "json"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0
        doc = json.loads(result.stdout)
        assert doc["on_prem"]["copies"] == 0 and doc["on_prem"]["per_million_tokens"] is None
        assert doc["cloud"]["per_million_tokens"] == 0.2309
        assert doc["notes"][0] == (
            "bf16 does not fit on 1x NVIDIA L4 at 1,250 tokens (31.8 GB per GPU, 23.0 usable), "
            "so it has no on-premises figure; `llmpick plan microsoft/phi-4 --gpu 1xl4 "
            "--context 1250` says which format fits"
        )


class TestHardware:
    def test_configurations_are_minimal_and_fit(self, cat: Catalog) -> None:
        model = cat.find_model("qwen3:32b")
        report = make_hardware(cat, model, Engine.VLLM, None, "auto", 8192, Workload())
        assert report.configurations
        for option in report.configurations:
            assert option.per_gpu_gb <= option.per_gpu_available_gb
            if option.count > 1:
                smaller = Planner.build(
                    model, Hardware.of(cat.gpu(option.gpu), option.count // 2), None, Engine.VLLM
                )
                assert not smaller.estimate(8192, 1).fits
        priced = [o.cheapest_usd_per_hour or 0.0 for o in report.configurations if o.cheapest_offer]
        assert priced == sorted(priced)
        assert report.configurations[0].cheapest_offer == "hf-endpoints-aws nvidia-a100 x1"
        # p5.4xlarge and p5.48xlarge cost the same per GPU: the one-GPU size is the offer.
        h100 = next(o for o in report.configurations if o.gpu == "h100-sxm")
        assert (h100.count, h100.cheapest_usd_per_hour) == (1, 6.88)
        assert h100.cheapest_offer == "aws p5.4xlarge"
        assert not any(o.gpu.startswith("m") and o.gpu[1].isdigit() for o in report.configurations)

    def test_offers_are_priced_as_rented_not_per_gpu(self, cat: Catalog) -> None:
        """No catalog instance has exactly 2 L40S or 1 B200: the offer is the smallest instance
        that has enough, at its whole price, with the GPUs it rents."""
        model = cat.find_model("openai/gpt-oss-120b")
        report = make_hardware(cat, model, Engine.VLLM, None, "auto", 8192, Workload())
        offers = {
            (o.count, o.gpu): (o.cheapest_usd_per_hour, o.cheapest_offer, o.cheapest_gpu_count)
            for o in report.configurations
        }
        assert offers[(2, "l40s")] == (8.3, "hf-endpoints-aws nvidia-l40s x4", 4)  # not $4.15
        assert offers[(1, "b200")] == (113.933, "aws p6-b200.48xlarge", 8)  # not $14.24
        # GCP lists 4 A100 40GB; AWS only 8 (p4d.24xlarge), which is dearer whole.
        assert offers[(4, "a100-sxm-40")] == (14.694, "gcp a2-highgpu-4g", 4)
        assert offers[(1, "h200-sxm")] == (5.0, "hf-endpoints-aws nvidia-h200 x1", 1)
        assert offers[(1, "mi300x")] == (None, None, None)
        table = render_table(report)
        assert "2x l40s" in table and "$8.30 hf-endpoints-aws nvidia-l40s x4 (4 GPUs)" in table
        assert "$113.93 aws p6-b200.48xlarge (8 GPUs)" in table
        h200 = next(line.rstrip() for line in table.splitlines() if line.startswith("1x h200"))
        assert h200.endswith("$5.00 hf-endpoints-aws nvidia-h200 x1")  # no "(n GPUs)"
        csv_rows = list(csv.DictReader(io.StringIO(render_csv.hardware(report))))
        b200 = next(r for r in csv_rows if r["gpu"] == "b200")
        assert (b200["cheapest_usd_per_hour"], b200["cheapest_gpu_count"]) == ("113.933", "8")
        assert "$8.30 (hf-endpoints-aws nvidia-l40s x4 (4 GPUs))" not in render_md.hardware(report)
        assert "| $8.30 hf-endpoints-aws nvidia-l40s x4 (4 GPUs) |" in render_md.hardware(report)

    def test_larger_sizes_at_the_same_price_share_a_row(self, cat: Catalog) -> None:
        """HF's H200 endpoint comes in 1, 2, 4 and 8 GPUs at the same $/M: one row in the
        tables (JSON keeps every size), so other offers are not crowded out."""
        model = cat.find_model("openai/gpt-oss-120b")
        report = make_hardware(cat, model, Engine.VLLM, None, "auto", 8192, Workload())
        sizes = [c.gpu_count for c in report.instances if c.instance.startswith("nvidia-h200")]
        assert sizes == [1, 2, 4, 8]
        shown = sizes_once(report.instances, 15)
        assert [(c.cloud, c.instance, also) for c, also in shown[:3]] == [
            ("hf-endpoints-aws", "nvidia-h200 x1", " (also 2, 4, 8 GPUs)"),
            ("hf-jobs", "Nvidia H200", " (also 2, 4, 8 GPUs)"),
            ("hf-endpoints-aws", "nvidia-a100 x2", " (also 4, 8 GPUs)"),
        ]
        assert len(shown) == 15 and len({(c.cloud, c.instance) for c, _ in shown}) == 15
        assert sum(1 for c, _ in shown if c.gpu == "h200-sxm") == 3  # was 9 of the first 15
        table = render_table(report)
        assert "(also n GPUs): larger sizes at the same $/M" in " ".join(table.split())
        # With a daily volume each size costs its own month: no row is merged.
        daily = make_cost(
            cat, model, parse_gpu_spec(cat, "1xH200"), Engine.VLLM, None, "auto",
            Workload(tokens_per_day=50_000_000), OnPremAssumptions(),
        )  # fmt: skip
        assert all(also == "" for _, also in sizes_once(daily.cloud.instances, 10))

    def test_beyond_one_node_whole_cloud_instances_are_priced(self, cat: Catalog) -> None:
        model = cat.find_model("deepseek-ai/DeepSeek-R1")
        report = make_hardware(cat, model, Engine.VLLM, None, "auto", 8192, Workload())
        offers = {
            (o.count, o.gpu): (o.cheapest_usd_per_hour, o.cheapest_offer)
            for o in report.configurations
        }
        assert offers[(16, "h100-sxm")] == (110.08, "2x aws p5.48xlarge")  # 2 x $55.04
        # HF Endpoints rent 8 A100s for less, but two endpoints do not make one cluster.
        assert offers[(16, "a100-sxm-80")] == (54.894, "2x aws p4de.24xlarge")
        assert offers[(8, "h200-sxm")] == (40.0, "hf-endpoints-aws nvidia-h200 x8")
        # vLLM runs FP8 on the MI250 (gfx90a) from block-scaled checkpoints only, emulated: never
        # offered (R1's scaling is not even recorded).
        assert not any(gpu.startswith("mi250") for _, gpu in offers)
        assert offers[(4, "mi300x")] == (None, None)  # no cloud price recorded

    def test_a_model_no_instance_holds_runs_on_joined_instances(self, cat: Catalog) -> None:
        report = make_cost(
            cat, cat.find_model("deepseek-ai/DeepSeek-R1"), parse_gpu_spec(cat, "16xH100"),
            Engine.VLLM, None, "auto", Workload(), OnPremAssumptions(),
        )  # fmt: skip
        first = report.cloud.instances[0]
        assert (first.cloud, first.instance, first.gpu_count, first.usd_per_hour) == (
            "aws", "2x p5.48xlarge", 16, 110.08
        )  # fmt: skip
        assert (first.copies, first.gpus_per_copy) == (1, 16)
        gcp = next(c for c in report.cloud.instances if c.instance == "2x a3-highgpu-8g")
        assert gcp.usd_per_hour == 176.98  # not 176.9799998..., the float sum of 2 x 88.49
        # Managed endpoints are never joined: HF's 8x H100 endpoint cannot hold the model.
        assert not any(c.cloud.startswith("hf-") for c in report.cloud.instances)

    def test_apple_gpus_for_llama_cpp(self, cat: Catalog) -> None:
        model = cat.find_model("qwen3:32b")
        report = make_hardware(cat, model, Engine.LLAMA_CPP, None, "auto", 8192, Workload())
        assert "m3-max-128" in {o.gpu for o in report.configurations}

    def test_cli_formats(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["hardware", "qwen3:8b", "-f", "json"])
        assert result.exit_code == 0
        doc = json.loads(result.stdout)
        assert doc["context_tokens"] == 8192 and doc["configurations"] and doc["instances"]
        csv = runner.invoke(app, ["hardware", "qwen3:8b", "-f", "csv"])
        assert csv.stdout.startswith("gpu,count,per_gpu_gb,")
        md = runner.invoke(app, ["hardware", "qwen3:8b", "-f", "markdown"])
        assert md.stdout.startswith("### Hardware for Qwen/Qwen3-8B (bf16, vllm, 8,192 tokens)")

    def test_nothing_fits_exits_1(self, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(cost_module, "COUNTS", (1,))
        result = runner.invoke(app, ["hardware", "moonshotai/Kimi-K2-Instruct"])
        assert result.exit_code == 1
        assert "no GPU in the catalog holds moonshotai/Kimi-K2-Instruct" in result.stderr

    def test_context_over_the_maximum(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["hardware", "qwen3:8b", "--context", "10000000"])
        assert result.exit_code == 2 and "exceed" in result.stderr
