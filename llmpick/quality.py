"""Quality per use case from like-for-like benchmark comparisons, and the cost of quantization.

A score is compared only with scores of the same benchmark *and* variant (a "column": MMLU-Pro
[instruct, 5-shot CoT] is one column, MMLU-Pro [thinking] another). Within each column, scores
become standard scores z = (value - column mean) / column SD. A model's quality theta and a
per-column offset alpha are then fitted together (z ~ theta + alpha, weighted least squares with
mild shrinkage), so models are linked only through the columns they share: a column whose models
are stronger than average elsewhere gets a positive offset instead of flattering its members.
Quality is reported as a percentile among catalog models, 100 x Phi(theta).
"""

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from llmpick.records import ModelCard

# Use case -> {benchmark name: weight}. Written once, documented in docs/scoring.md.
USE_CASES: dict[str, dict[str, float]] = {
    "chat": {
        "Arena-Hard": 3, "IFEval": 2, "MT-Bench": 1, "AlpacaEval-2": 1, "WildBench": 1,
        "LiveBench": 1, "MMLU-Pro": 1, "MMLU-Redux": 1, "MMLU": 0.5,
    },
    "code": {
        "LiveCodeBench": 3, "Aider-Polyglot": 2, "SWE-bench-Verified": 2, "HumanEval": 1,
        "HumanEval+": 1, "MBPP": 1, "MBPP+": 1, "MultiPL-E": 1, "BigCodeBench": 1,
        "Codeforces": 1, "Aider": 1,
    },
    "reasoning": {
        "GPQA-Diamond": 3, "GPQA": 2, "AIME-2025": 2, "AIME-2024": 2, "MATH-500": 2,
        "HLE": 2, "MMLU-Pro": 2, "MATH": 1, "BBH": 1, "HMMT-2025": 1,
    },
    "agents": {
        "BFCL": 3, "TAU2-bench": 2, "TAU-bench-Retail": 2, "TAU-bench-Airline": 2, "TAU-bench": 2,
        "SWE-bench-Verified": 2, "Terminal-Bench": 2, "BrowseComp": 1, "IFEval": 1,
    },
    "multimodal": {
        "MMMU": 3, "MMMU-Pro": 2, "MathVista": 2, "DocVQA": 2, "ChartQA": 2, "MM-MT-Bench": 1,
    },
    "long-context": {"RULER": 3, "LongBench-v2": 3, "MMLU-Pro": 1, "IFEval": 1},
    "rag": {
        "IFEval": 2, "SimpleQA": 1, "LongBench-v2": 1, "RULER": 1, "MMLU-Pro": 1, "Arena-Hard": 1,
    },
    "edge": {"IFEval": 2, "MMLU-Pro": 2, "MMLU-Redux": 1, "MMLU": 1, "GSM8K": 1, "MATH": 1},
}  # fmt: skip

THETA_SHRINK = 2.0  # prior weight pulling a sparsely observed model towards the average
ALPHA_SHRINK = 2.0  # prior weight pulling a column offset towards zero
SD_FLOOR_FRACTION = 0.03  # a column SD is at least 3% of its mean (2-model columns are noisy)


@dataclass(frozen=True)
class Observation:
    """One score of one model in one column, with what the fit made of it."""

    name: str
    variant: str
    value: float
    column_mean: float
    column_sd: float
    column_size: int
    weight: float

    @property
    def z(self) -> float:
        return (self.value - self.column_mean) / self.column_sd


@dataclass
class QualityModel:
    """Fitted quality for one use case over the whole catalog (compact: per-model figures and
    per-column statistics; a model's observations are rebuilt from its card when shown)."""

    use_case: str
    theta: dict[str, float] = field(default_factory=dict)
    alpha: dict[tuple[str, str], float] = field(default_factory=dict)
    columns: dict[tuple[str, str], tuple[float, float, int]] = field(default_factory=dict)
    typical: dict[str, float] = field(default_factory=dict)  # weighted mean column SD
    counts: dict[str, int] = field(default_factory=dict)  # comparable results per model
    lone: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # not comparable
    theta_mean: float = 0.0
    theta_sd: float = 1.0

    def percentile(self, model_id: str, shift: float = 0.0) -> float | None:
        """100 x Phi(standardized theta + shift), or None when nothing is comparable."""
        if model_id not in self.theta:
            return None
        t = (self.theta[model_id] - self.theta_mean) / self.theta_sd + shift
        return 50.0 * (1.0 + math.erf(t / math.sqrt(2.0)))

    def typical_sd(self, model_id: str) -> float:
        """The weighted mean SD of the columns this model is compared in (points)."""
        return self.typical.get(model_id, 10.0)

    def loss_at_median(self, points: float) -> float:
        """Percentile points that `points` benchmark points cost a model at the 50th percentile,
        with the median model's column SD: a quantization's cost for a model whose own rank is
        unknown (without it, the fastest, most lossy format would always win for such models)."""
        sds = sorted(self.typical.values())
        sd = sds[len(sds) // 2] if sds else 10.0
        return 50.0 * math.erf(-points / sd / self.theta_sd / math.sqrt(2.0))

    def observations(self, model: ModelCard) -> list[Observation]:
        """The model's comparable results with their column statistics and weights."""
        weights = USE_CASES[self.use_case]
        mine = [
            b for b in model.benchmarks if b.name in weights and (b.name, b.variant) in self.columns
        ]
        per_name: dict[str, int] = defaultdict(int)
        for b in mine:
            per_name[b.name] += 1
        out = []
        for b in mine:
            mean, sd, n = self.columns[(b.name, b.variant)]
            # A model's variants of one benchmark share its weight; a column of n models is
            # as reliable as (1 - 1/n): two models say less than twenty.
            w = weights[b.name] / per_name[b.name] * (1 - 1 / n)
            out.append(Observation(b.name, b.variant, b.value, mean, sd, n, w))
        return out


def fit_quality(models: Sequence[ModelCard], use_case: str) -> QualityModel:
    """Fit theta (model quality) and alpha (column offsets) from like-variant columns."""
    weights = USE_CASES[use_case]
    columns: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for model in models:
        for b in model.benchmarks:
            if b.name in weights:
                columns[(b.name, b.variant)][model.id] = b.value
    qm = QualityModel(use_case)
    for key, values in columns.items():
        if len(values) < 2:
            for model_id in values:
                qm.lone.setdefault(model_id, []).append(key)
            continue
        vals = list(values.values())
        mean = sum(vals) / len(vals)
        sd = math.sqrt(sum((v - mean) ** 2 for v in vals) / (len(vals) - 1))
        qm.columns[key] = (mean, max(sd, SD_FLOOR_FRACTION * abs(mean), 0.5), len(vals))
    per_name: dict[tuple[str, str], int] = defaultdict(int)
    for key in qm.columns:
        for model_id in columns[key]:
            per_name[(model_id, key[0])] += 1
    # Observations as parallel lists (model, column, weight, z) for the fit.
    model_index: dict[str, int] = {}
    col_index = {key: i for i, key in enumerate(qm.columns)}
    obs_model: list[int] = []
    obs_col: list[int] = []
    obs_w: list[float] = []
    obs_z: list[float] = []
    sd_sum: dict[str, float] = defaultdict(float)
    w_sum: dict[str, float] = defaultdict(float)
    for key, (mean, sd, n) in qm.columns.items():
        for model_id, value in columns[key].items():
            w = weights[key[0]] / per_name[(model_id, key[0])] * (1 - 1 / n)
            obs_model.append(model_index.setdefault(model_id, len(model_index)))
            obs_col.append(col_index[key])
            obs_w.append(w)
            obs_z.append((value - mean) / sd)
            sd_sum[model_id] += sd * w
            w_sum[model_id] += w
            qm.counts[model_id] = qm.counts.get(model_id, 0) + 1
    qm.typical = {m: sd_sum[m] / w_sum[m] if w_sum[m] else 10.0 for m in model_index}
    theta, alpha = _fit(obs_model, obs_col, obs_w, obs_z, len(model_index), len(col_index))
    ids = list(model_index)
    qm.theta = dict(zip(ids, theta, strict=True))
    qm.alpha = dict(zip(qm.columns, alpha, strict=True))
    if theta:
        qm.theta_mean = sum(theta) / len(theta)
        var = sum((v - qm.theta_mean) ** 2 for v in theta) / max(len(theta) - 1, 1)
        qm.theta_sd = math.sqrt(var) or 1.0
    return qm


def _fit(
    obs_model: list[int],
    obs_col: list[int],
    obs_w: list[float],
    obs_z: list[float],
    n_models: int,
    n_cols: int,
    rounds: int = 50,
) -> tuple[list[float], list[float]]:
    """Alternating weighted least squares for z ~ theta[model] + alpha[column]."""
    theta = [0.0] * n_models
    alpha = [0.0] * n_cols
    model_w = [THETA_SHRINK] * n_models
    col_w = [ALPHA_SHRINK] * n_cols
    for m, c, w in zip(obs_model, obs_col, obs_w, strict=True):
        model_w[m] += w
        col_w[c] += w
    wz = [w * z for w, z in zip(obs_w, obs_z, strict=True)]
    rows = list(zip(obs_model, obs_col, obs_w, wz, strict=True))
    for _ in range(rounds):
        num = [0.0] * n_models
        for m, c, w, x in rows:
            num[m] += x - w * alpha[c]
        theta = [n / d for n, d in zip(num, model_w, strict=True)]
        num = [0.0] * n_cols
        for m, c, w, x in rows:
            num[c] += x - w * theta[m]
        alpha = [n / d for n, d in zip(num, col_w, strict=True)]
    return theta, alpha


# --- quantization ------------------------------------------------------------------------------

# Benchmark points lost against 16-bit, measured at ~8B and ~70B parameters.
# fp8: Neural Magic Llama-3.1-8B-Instruct FP8 99.7% and Llama-3-8B-Instruct FP8 99.28% recovery of
#      an OpenLLM v1 average near 74 (-0.22, -0.53 points); Llama-3.1-70B-Instruct FP8 -0.11 points.
# int8: Neural Magic Llama-3.1-8B W8A8 -0.32; Qwen2-7B-Instruct GPTQ-Int8 -0.7; Qwen2-72B -0.6
#      (Qwen quantization benchmark, average of MMLU, C-Eval, IFEval).
# int4: Neural Magic Llama-3.1-8B-Instruct W4A16 -1.75, Qwen2-7B GPTQ-Int4 -2.8 and AWQ -2.8;
#      Llama-3.1-70B-Instruct W4A16 -0.13, Qwen2-72B GPTQ-Int4 -0.1 and AWQ -0.9.
POINTS_LOST: dict[str, tuple[float, float]] = {
    "fp8": ((0.22 + 0.53) / 2, 0.11),
    "int8": ((0.32 + 0.7) / 2, 0.6),
    "int4": ((1.75 + 2.8 + 2.8) / 3, (0.13 + 0.1 + 0.9) / 3),
}
# GGUF types: the int4 loss scaled by llama.cpp's mean KL divergence against FP16 on Llama-3-8B
# (tools/perplexity/README.md), relative to Q4_K_M's 0.031273.
GGUF_KLD = {
    "Q8_0": 0.001355, "Q6_K": 0.005452, "Q5_K_M": 0.010762, "Q5_K_S": 0.016595,
    "Q4_K_M": 0.031273, "IQ4_XS": 0.036334, "Q4_K_S": 0.043136, "Q4_0": 0.07194,
    "Q3_K_L": 0.087176, "Q3_K_M": 0.101913, "Q2_K": 0.445132,
}  # fmt: skip
HF_TIER = {
    "fp8": "fp8", "gptq-int8": "int8", "gptq-int4": "int4", "awq": "int4", "nf4": "int4",
    "int4": "int4", "mxfp4": "int4",
}  # fmt: skip


def points_lost(fmt: str, params_b: float) -> tuple[float, str]:
    """Benchmark points a format costs a model of this size, and where the figure comes from."""
    if fmt in ("bf16", "fp16", "F16"):
        return 0.0, "16-bit: no loss"
    t = min(1.0, max(0.0, (math.log(params_b) - math.log(8)) / (math.log(70) - math.log(8))))
    if fmt in GGUF_KLD:
        small, large = POINTS_LOST["int4"]
        ratio = GGUF_KLD[fmt] / GGUF_KLD["Q4_K_M"]
        points = (small + t * (large - small)) * ratio
        return points, (
            f"{fmt}: int4's measured loss x {ratio:.2f} (llama.cpp KL divergence vs Q4_K_M), "
            f"at {params_b:g}B parameters"
        )
    tier = HF_TIER.get(fmt)
    if tier is None:
        return 0.0, f"{fmt}: no published loss measurement; no penalty applied"
    small, large = POINTS_LOST[tier]
    points = small + t * (large - small)
    return points, (
        f"{fmt}: measured {tier} loss {small:.2f} points at 8B, {large:.2f} at 70B "
        f"(Neural Magic, Qwen), interpolated for {params_b:g}B"
    )
