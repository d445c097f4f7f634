"""`python -m eval bench [--scale N]`: the speed figures of the core engine, printed (never asserted).

* index build time for the report (a fresh data dir, so nothing is cached);
* warm retrieval and extractive-answer latency, p50/p95 over the gold questions;
* cold start to first answer: a new process that imports, opens the index and answers once;
* a scale run: a synthetic corpus of N paragraphs (default 10,000) made by recombining the report's
  sentences, with its build time and query p50.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assistant.bootstrap import open_engine
from assistant.engine import Engine
from assistant.settings import DEFAULT_CORPUS, Settings
from index.build import build_index
from index.parser import parse_report_file
from index.sentences import split_sentences
from index.store import ChromaTarget

ROOT = Path(__file__).resolve().parent.parent
COLD_START = (
    "import time; t = time.perf_counter();"
    "from assistant.bootstrap import open_engine; from assistant.settings import Settings;"
    "engine = open_engine(Settings.from_env(), build_if_missing=False);"
    "engine.ask('区域组织在预警方面能做什么？');"
    "print(time.perf_counter() - t)"
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def questions() -> list[str]:
    lines = (ROOT / "eval" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def warm_latency(engine: Engine, asked: list[str]) -> dict[str, float]:
    for question in asked[:5]:
        engine.ask(question)
    retrieve, answer, total = [], [], []
    for question in asked:
        result = engine.ask(question)
        retrieve.append(result.timings_ms["retrieve"])
        answer.append(result.timings_ms["answer"])
        total.append(result.timings_ms["total"])
    return {
        "retrieve_p50_ms": statistics.median(retrieve),
        "retrieve_p95_ms": percentile(retrieve, 0.95),
        "answer_step_p50_ms": statistics.median(answer),
        "extractive_total_p50_ms": statistics.median(total),
        "extractive_total_p95_ms": percentile(total, 0.95),
    }


def cold_start(data_dir: Path, runs: int = 3) -> float:
    env = {"ASSISTANT_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", COLD_START], cwd=ROOT, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def synthetic_report(path: Path, paragraphs: int) -> None:
    """Numbered paragraphs of 1–2 sentences drawn (seeded) from the real report, in 10 sections."""
    report = parse_report_file(DEFAULT_CORPUS)
    sentences = [s.text for p in report.paragraphs for s in split_sentences(p.plain_text) if len(s.text) < 90]
    chooser = random.Random(20110601)
    numerals = "一二三四五六七八九十"
    lines = []
    per_section = paragraphs // 10
    for number in range(1, paragraphs + 1):
        if (number - 1) % per_section == 0 and (number - 1) // per_section < 10:
            lines.append(f"{numerals[(number - 1) // per_section]}. 第{(number - 1) // per_section + 1}部分")
        lines.append(f"{number}. " + "".join(chooser.sample(sentences, chooser.choice((1, 2)))))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10_000, help="paragraphs in the synthetic corpus (0 skips)")
    args = parser.parse_args(argv)
    figures: dict[str, float | int] = {}
    asked = questions()
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(data_dir=Path(scratch) / "report")
        started = time.perf_counter()
        build_index(settings.index_dir, settings.sources, ChromaTarget())
        figures["report_build_s"] = time.perf_counter() - started
        engine = open_engine(settings, build_if_missing=False)
        figures.update(warm_latency(engine, asked))
        figures["cold_start_to_first_answer_s"] = cold_start(settings.data_dir)
        if args.scale:
            source = Path(scratch) / "synthetic.zh.txt"
            synthetic_report(source, args.scale)
            scale = Settings(data_dir=Path(scratch) / "scale", sources=(source,))
            started = time.perf_counter()
            build_index(scale.index_dir, scale.sources, ChromaTarget())
            figures["scale_paragraphs"] = args.scale
            figures["scale_build_s"] = time.perf_counter() - started
            scale_engine = open_engine(scale, build_if_missing=False)
            latency = warm_latency(scale_engine, asked)
            figures["scale_retrieve_p50_ms"] = latency["retrieve_p50_ms"]
            figures["scale_total_p50_ms"] = latency["extractive_total_p50_ms"]
    for name, value in figures.items():
        print(f"{name:32} {value:10.2f}" if isinstance(value, float) else f"{name:32} {value:10d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
