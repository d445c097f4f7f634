"""`python -m eval run` with the `llamacpp` backend, before the backend registry lists it.

Registers "llamacpp" in `assistant.backends.REGISTRY` at run time, points ASSISTANT_DATA_DIR at a
temporary dir unless it is set (the eval builds its index there), then hands every argument to the
eval CLI. The model is ASSISTANT_GGUF, else the GGUF assembled under ~/.cache/r2p-assistant;
ASSISTANT_LLAMA_THREADS sets the threads (default 2). At the end it prints how often the model
cited by itself and how often attribution had to, and writes them next to `--json OUT` as
`OUT.attribution.json` when given.

    python benchmarks/llamacpp_eval.py run --json /tmp/llamacpp-eval.json [--update-baseline]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from assistant.attribution import STATS
from assistant.backends import REGISTRY, AnswerBackend
from assistant.backends.llamacpp import DEFAULT_THREADS, LlamaCppBackend
from assistant.localmodel import ensure_model
from assistant.settings import Settings

MODEL_CACHE = Path.home() / ".cache" / "r2p-assistant"


def llamacpp_factory(settings: Settings) -> AnswerBackend:
    override = os.environ.get("ASSISTANT_GGUF", "").strip()
    threads = int(os.environ.get("ASSISTANT_LLAMA_THREADS", "") or DEFAULT_THREADS)
    model_path = ensure_model(MODEL_CACHE, Path(override) if override else None)
    return LlamaCppBackend.from_settings(settings, model_path=model_path, threads=threads)


def main(argv: list[str]) -> int:
    from eval.cli import main as eval_main

    REGISTRY.setdefault("llamacpp", llamacpp_factory)
    argv = argv[1:] if argv[:1] == ["run"] else argv  # `… llamacpp_eval.py run …` reads like `python -m eval run …`
    if "--backend" not in argv:
        argv = ["--backend", "llamacpp", *argv]
    with tempfile.TemporaryDirectory(prefix="llamacpp-eval-") as temporary:
        os.environ.setdefault("ASSISTANT_DATA_DIR", temporary)
        started = time.perf_counter()
        code = eval_main(argv)
        elapsed = time.perf_counter() - started
    figures = STATS.as_dict() | {"eval_wall_s": round(elapsed, 1)}
    print("attribution:", json.dumps(figures, ensure_ascii=False))
    if "--json" in argv:
        out = Path(argv[argv.index("--json") + 1])
        out.with_name(out.name + ".attribution.json").write_text(json.dumps(figures, indent=1) + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
