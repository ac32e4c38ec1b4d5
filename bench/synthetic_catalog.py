"""Write a valid catalog of N synthetic models, for scale tests of `recommend` and friends.

    python bench/synthetic_catalog.py --models 16000 --out /tmp/synthetic.yaml [--seed 0]

The models look like real releases: dense GQA, sliding-window hybrids, MoE with GQA or MLA,
hybrid linear-attention models; 0.5B to 700B parameters (counted from the architecture, so
`llmpick catalog validate` accepts them); the built-in licences; 2 to 40 languages; benchmarks
drawn from the (name, variant) pairs the built-in catalog uses, so the quality model has peers
to compare. Ids live under `synthetic-N/` and never collide with built-in ids or aliases.
Deterministic for a given seed.
"""

import argparse
import math
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from llmpick.catalog import load_catalog  # noqa: E402
from llmpick.params import count_params  # noqa: E402
from llmpick.records import Architecture  # noqa: E402

# ISO 639-1 codes the synthetic cards list (a subset each).
LANGUAGES = (
    "en fr de es it pt nl sv da no fi pl cs sk hu ro bg el tr ru uk ar he fa hi bn ur ta te mr "
    "gu kn ml th vi id ms tl zh ja ko sw am yo"
)
CONTEXTS = (4096, 8192, 32768, 65536, 131072, 262144)
VOCABS = (32000, 32768, 65536, 128256, 151936, 201088, 262144)
HIDDEN = (896, 1536, 2048, 2560, 3072, 4096, 5120, 6144, 7168, 8192, 12288)
SOURCE = "https://huggingface.co/{id}"


def architecture(rng: random.Random) -> dict[str, Any]:
    """A plausible config: the width sets the rest, with the usual ratios."""
    hidden = rng.choice(HIDDEN)
    head_dim = 128 if hidden >= 2048 else 64
    heads = hidden // head_dim
    kv_heads = rng.choice([k for k in (1, 2, 4, 8, 16) if heads % k == 0 and k <= heads])
    layers = rng.randint(16, 96) if hidden >= 4096 else rng.randint(16, 40)
    arch: dict[str, Any] = {
        "layers": layers,
        "hidden_size": hidden,
        "attention_heads": heads,
        "kv_heads": kv_heads,
        "head_dim": head_dim,
        "intermediate_size": int(hidden * rng.uniform(2.6, 4.0)) // 256 * 256,
        "vocab_size": rng.choice(VOCABS),
        "tied_embeddings": hidden < 3072 and rng.random() < 0.6,
        "source": "config",
    }
    kind = rng.choices(("dense", "window", "moe", "mla", "hybrid"), (50, 12, 20, 8, 10))[0]
    if kind == "window":
        arch["sliding_window"] = rng.choice((1024, 4096))
        arch["sliding_window_layers"] = layers * 5 // 6
    elif kind in ("moe", "mla"):
        experts = rng.choice((8, 16, 64, 128, 256))
        arch["moe"] = {
            "experts": experts,
            "experts_per_token": rng.choice([k for k in (2, 4, 6, 8) if k < experts]),
            "expert_intermediate_size": max(256, hidden // rng.choice((2, 4, 6)) // 128 * 128),
            "shared_experts": rng.choice((0, 1)),
            "dense_layers": rng.choice((0, 1, 3)),
        }
        if kind == "mla":
            arch["attention"] = "mla"
            arch["kv_heads"] = heads
            arch["mla"] = {
                "kv_lora_rank": 512,
                "qk_rope_head_dim": 64,
                "qk_nope_head_dim": 128,
                "v_head_dim": 128,
                "q_lora_rank": 1536,
            }
    elif kind == "hybrid":
        arch["linear_attention"] = {
            "kind": "gated-deltanet",
            "layers": layers * 3 // 4,
            "heads": heads,
            "key_heads": max(1, heads // 2),
            "key_head_dim": 128,
            "value_head_dim": 128,
            "conv_kernel": 4,
        }
    return arch


def model(
    i: int, rng: random.Random, licenses: list[str], pairs: list[tuple[str, str]]
) -> dict[str, Any]:
    arch = architecture(rng)
    params = count_params(Architecture.model_validate(arch))
    total_b = params.total / 1e9
    org = f"synthetic-{i % 97}"
    name = f"syn-{i}-{total_b:.1f}b".replace(".", "p")
    model_id = f"{org}/{name}"
    card: dict[str, Any] = {
        "id": model_id,
        "name": f"Synthetic {i} ({total_b:.1f}B)",
        "family": f"synthetic-{i % 31}",
        "vendor": org,
        "aliases": [f"{name}-alias"],
        "params_total_b": round(total_b, 3),
        "params_source": "card",
        "context_tokens": rng.choice(CONTEXTS),
        "context_source": "config",
        "architecture": arch,
        "languages": sorted(rng.sample(LANGUAGES.split(), rng.randint(2, 40))),
        "modalities": ["text", "image"] if rng.random() < 0.15 else ["text"],
        "capabilities": sorted(
            rng.sample(["tool-calling", "reasoning", "code", "fim"], rng.randint(0, 2))
        ),
        "license": rng.choice(licenses),
        "license_source": "card",
        "sources": {
            "card": SOURCE.format(id=model_id),
            "config": SOURCE.format(id=model_id) + "/blob/main/config.json",
        },
    }
    if "moe" in arch:
        card["params_active_b"] = round(params.active(Architecture.model_validate(arch)) / 1e9, 3)
    # Scores rise with the log of the active size, plus noise; each model reports a few.
    strength = math.log10(max(card.get("params_active_b", total_b), 0.3)) + rng.gauss(0, 0.25)
    card["benchmarks"] = [
        {
            "name": n,
            "variant": v,
            "value": round(min(99.0, max(1.0, 45 + 18 * strength + rng.gauss(0, 6))), 1),
            "source": "card",
        }
        for n, v in rng.sample(pairs, rng.randint(3, min(10, len(pairs))))
    ]
    return card


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    builtin = load_catalog()
    licenses = sorted(builtin.licenses)
    pairs = sorted(
        {(b.name, b.variant) for m in builtin.models for b in m.benchmarks if b.unit == "%"}
    )
    rng = random.Random(args.seed)
    models = [model(i, rng, licenses, pairs) for i in range(args.models)]
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    args.out.write_text(
        yaml.dump({"version": 1, "models": models}, Dumper=dumper, sort_keys=False, width=1000)
    )
    print(f"{args.models} models -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
