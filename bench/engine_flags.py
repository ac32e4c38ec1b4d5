"""Record the command-line flags of the serving engines' real argument parsers.

Run it where the engines import (they need no GPU to build their parsers):

    VLLM_TARGET_DEVICE=cpu python bench/engine_flags.py --out tests/data/engines

It writes one JSON file per engine found, `<engine>-<version>.json`: every option string with its
choices (if any) and whether it takes a value. The tests check every command `llmpick deploy`
generates against these files, so a flag that an engine release drops or renames fails CI even
where the engine itself cannot be installed. `bench/verify_deploy.py` goes further and feeds the
generated commands to the parsers themselves.
"""

import argparse
import json
import sys
from importlib.metadata import version
from pathlib import Path


def vllm_parser() -> argparse.ArgumentParser:
    from vllm.entrypoints.common.cli_args import make_arg_parser
    from vllm.utils.argparse_utils import FlexibleArgumentParser

    return make_arg_parser(FlexibleArgumentParser())


def sglang_parser() -> argparse.ArgumentParser:
    from sglang.srt.server_args import ServerArgs

    parser = argparse.ArgumentParser()
    ServerArgs.add_cli_args(parser)
    return parser


def lmdeploy_parser() -> argparse.ArgumentParser:
    from lmdeploy.cli.serve import SubCliServe

    parser = argparse.ArgumentParser()
    SubCliServe.subparsers = parser.add_subparsers()
    SubCliServe.add_parser_api_server()
    return SubCliServe.subparsers.choices["api_server"]


PARSERS = {"vllm": vllm_parser, "sglang": sglang_parser, "lmdeploy": lmdeploy_parser}


def vllm_values() -> dict[str, list[str]]:
    """vLLM checks these values in its config classes, after argparse: read them there."""
    import typing

    from vllm.config.cache import CacheDType
    from vllm.config.parallel import DistributedExecutorBackend
    from vllm.model_executor.layers.quantization import QUANTIZATION_METHODS

    return {
        "--kv-cache-dtype": list(typing.get_args(CacheDType)),
        "--quantization": list(QUANTIZATION_METHODS),
        "--distributed-executor-backend": list(typing.get_args(DistributedExecutorBackend)),
    }


VALUES = {"vllm": vllm_values}


def describe(parser: argparse.ArgumentParser) -> dict[str, dict[str, object]]:
    options: dict[str, dict[str, object]] = {}
    for action in parser._actions:  # argparse keeps no public list of its actions
        for flag in action.option_strings:
            options[flag] = {
                "takes_value": action.nargs != 0,
                "choices": sorted(map(str, action.choices)) if action.choices else None,
            }
    return dict(sorted(options.items()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for engine, build in PARSERS.items():
        try:
            parser = build()
        except ImportError as err:
            print(f"{engine}: not importable here ({err})", file=sys.stderr)
            continue
        release = version(engine)
        options = describe(parser)
        for flag, values in VALUES.get(engine, dict)().items():
            options[flag]["choices"] = sorted(values)
        doc = {"engine": engine, "version": release, "options": options}
        path = args.out / f"{engine}-{release}.json"
        path.write_text(json.dumps(doc, indent=1) + "\n")
        print(f"{engine} {release}: {len(doc['options'])} option strings -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
