"""`python -m eval run --backend llamacpp` on a throw-away data dir with the shared model file, plus attribution counts.

The eval builds its index in a temporary ASSISTANT_DATA_DIR (unless one is set). So that it does not
assemble a fresh 1.1 GB model there, ASSISTANT_GGUF defaults to the GGUF assembled once under
~/.cache/r2p-assistant (the tests use the same file). Every argument goes to the eval CLI. At the end
it prints how often the model cited by itself and how often attribution had to, and writes that next to
`--json OUT` as `OUT.attribution.json`.

    python benchmarks/llamacpp_eval.py run --json /tmp/llamacpp-eval.json [--baseline eval/baselines/llamacpp.json]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from assistant.attribution import STATS
from assistant.localmodel import ensure_model

MODEL_CACHE = Path.home() / ".cache" / "r2p-assistant"


def main(argv: list[str]) -> int:
    from eval.cli import main as eval_main

    argv = argv[1:] if argv[:1] == ["run"] else argv  # `… llamacpp_eval.py run …` reads like `python -m eval run …`
    if "--backend" not in argv:
        argv = ["--backend", "llamacpp", *argv]
    if not os.environ.get("ASSISTANT_GGUF", "").strip():
        os.environ["ASSISTANT_GGUF"] = str(ensure_model(MODEL_CACHE))
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
