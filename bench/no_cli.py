"""`llmpick recommend --gpu 1xA100-80 --lang fr` without typer: the same core calls and the same
table, with the arguments fixed in code. bench/run.py --instructions counts it beside the real
command, to show how much of a cold start the command-line layer is (docs/performance.md).

Not a second entry point: it exists only to be measured. Run with the repository on PYTHONPATH
and a warm LLMPICK_CACHE_DIR, as bench/run.py does.
"""

import os
import sys


def recommend() -> None:
    # As llmpick.cli.run does before any pydantic model is built (its helper lives beside typer).
    from types import ModuleType

    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    loader = ModuleType("pydantic.plugin._loader")
    loader.get_plugins = tuple  # type: ignore[attr-defined]
    sys.modules["pydantic.plugin._loader"] = loader
    from llmpick import hardware, options
    from llmpick.catalog import load_catalog
    from llmpick.engines import Engine
    from llmpick.licenses import parse_license_spec
    from llmpick.scoring import Request
    from llmpick.scoring import recommend as rank

    cat = load_catalog(None)
    hw = hardware.parse_gpu_spec(cat, "1xA100-80")
    req = Request(
        languages=options.language_codes(["fr"]),
        use_case="chat",
        license=parse_license_spec(None, cat, default="commercial"),
        region=None,
        context=None,
        modalities=options.modalities(None),
        engine=Engine.VLLM,
        min_tps=None,
        top=10,
    )
    result = rank(cat, hw, req)
    from rich.console import Console

    from llmpick.render import table

    Console(emoji=False).print(table.ranking(result))
    shown, excluded = len(result.recommendations), len(result.excluded)
    sys.stderr.write(f"{shown} recommended, {excluded} excluded\n")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    recommend()
