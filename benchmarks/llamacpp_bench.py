"""Speed of the `llamacpp` backend through the real engine: load time, time to first token, tokens/s.

Builds the index in a temporary data dir (or uses ASSISTANT_DATA_DIR's), loads the local GGUF
(ASSISTANT_GGUF, else the one assembled under ~/.cache/r2p-assistant), and streams the first N
answerable gold questions that need no history. Two first-token times are printed: the model's (from
the request to its first token) and the user's (from `engine.stream` to the first piece shown, which
includes retrieval and the attribution hold-back). Figures are printed, never asserted.

    python benchmarks/llamacpp_bench.py [--questions 20] [--threads 2] [--context-chars 420] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.attribution import STATS
from assistant.backends.llamacpp import DEFAULT_CONTEXT_CHARS, LlamaCppBackend
from assistant.bootstrap import ensure_index
from assistant.engine import Engine
from assistant.localmodel import ensure_model
from assistant.result import AnswerResult
from assistant.retrieval import Retriever
from assistant.settings import Settings
from index.embeddings import E5Embeddings
from index.store import ChromaTarget, load_index

ROOT = Path(__file__).resolve().parent.parent
MODEL_CACHE = Path.home() / ".cache" / "r2p-assistant"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def gold_questions(count: int) -> list[str]:
    lines = (ROOT / "eval" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    return [i["question"] for i in items if i["answerable"] and not i.get("history")][:count]


def model_path(settings: Settings) -> Path:
    """ASSISTANT_GGUF, else the GGUF assembled once under ~/.cache/r2p-assistant (shared with the tests)."""
    return ensure_model(MODEL_CACHE, settings.gguf_path)


def open_retriever(data_dir: Path) -> Retriever:
    settings = Settings(data_dir=data_dir)
    embeddings = E5Embeddings()
    ensure_index(settings, embeddings)
    return Retriever(load_index(settings.index_dir, ChromaTarget(), embeddings), embeddings)


def measure(engine: Engine, backend: LlamaCppBackend, questions: list[str]) -> dict[str, Any]:
    shown, model_first, rates, tokens = [], [], [], []
    for question in questions:
        started = time.perf_counter()
        first: float | None = None
        result: AnswerResult | None = None
        for item in engine.stream(question):
            if isinstance(item, str):
                first = first if first is not None else time.perf_counter() - started
            else:
                result = item
        generation = backend.last_generation
        if result is None or result.refused or generation is None or generation.first_token_s is None:
            continue  # refused before the model was called
        shown.append(first or 0.0)
        model_first.append(generation.first_token_s)
        tokens.append(generation.tokens)
        if generation.tokens_per_second:
            rates.append(generation.tokens_per_second)
        logging.info("%.2f s to first piece, %d tokens: %s", first or 0.0, generation.tokens, question)
    return {
        "answered": len(shown),
        "ttft_shown_p50_s": statistics.median(shown),
        "ttft_shown_p95_s": percentile(shown, 0.95),
        "ttft_model_p50_s": statistics.median(model_first),
        "ttft_model_p95_s": percentile(model_first, 0.95),
        "tokens_per_s_median": statistics.median(rates) if rates else None,
        "answer_tokens_median": statistics.median(tokens),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--threads", type=int, help="default: ASSISTANT_LLAMA_THREADS, else 2")
    parser.add_argument("--context-chars", type=int, default=DEFAULT_CONTEXT_CHARS)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("httpx", "chromadb", "assistant.backends.llamacpp", "assistant.attribution"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    settings = Settings.from_env()
    threads = args.threads or settings.llama_threads
    path = model_path(settings)
    with tempfile.TemporaryDirectory(prefix="llamacpp-bench-") as temporary:
        data_dir = settings.data_dir if os.environ.get("ASSISTANT_DATA_DIR") else Path(temporary)
        retriever = open_retriever(data_dir)
        started = time.perf_counter()
        backend = LlamaCppBackend(path, threads=threads, context_chars=args.context_chars)
        load_s = time.perf_counter() - started
        warm_s = backend.warm()
        engine = Engine(retriever, backend, 5)
        figures = measure(engine, backend, gold_questions(args.questions))
    figures |= {
        "model": backend.model,
        "threads": threads,
        "context_chars": args.context_chars,
        "load_s": round(load_s, 2),
        "warm_system_prompt_s": round(warm_s, 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "attribution": STATS.as_dict(),
    }
    print(
        f"llamacpp bench · {figures['model']} · {threads} threads · context {args.context_chars} chars · "
        f"load {figures['load_s']:.1f} s (+ system prompt {figures['warm_system_prompt_s']:.1f} s) · "
        f"TTFT model p50 {figures['ttft_model_p50_s']:.2f} s p95 {figures['ttft_model_p95_s']:.2f} s · "
        f"shown p50 {figures['ttft_shown_p50_s']:.2f} s p95 {figures['ttft_shown_p95_s']:.2f} s · "
        f"{figures['tokens_per_s_median'] or 0:.1f} tokens/s · {figures['answered']} answers · "
        f"load average {figures['load_average_1min']} on {figures['cpus']} CPUs"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
