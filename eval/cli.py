"""`python -m eval run`: evaluate a gold set, compare with a baseline, write JSON / reports.

Exit codes: 0 ok, 1 a gated metric regressed beyond its tolerance, 2 bad usage or bad input
(malformed gold file, unknown backend, unusable baseline, a baseline from another gold set).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from eval.gold import DEFAULT_GOLD, SPLITS, TRAIN_SPLITS, GoldError, check_paragraphs, display_path, load_gold
from eval.regression import (
    TOLERANCES_FILE,
    BaselineError,
    Comparison,
    baseline_path_for,
    check_same_gold,
    compare,
    load_baseline,
    load_tolerances,
    write_baseline,
)
from eval.report import HEADLINE, KIND_COLUMNS, STATUS_MARK, fmt, fmt_delta, write_report

log = logging.getLogger(__name__)
EngineFactory = Callable[[str], Any]
OK, REGRESSED, USAGE = 0, 1, 2


class UsageError(ValueError):
    """Bad arguments or input; the message is shown and the exit code is 2."""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m eval run", description="Evaluate the assistant on a gold set.")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--gold", type=Path, help=f"gold file (default {display_path(DEFAULT_GOLD)})")
    source.add_argument(
        "--split",
        choices=sorted(SPLITS),
        help=f"a named split: dev = eval/gold.jsonl, heldout = eval/heldout.jsonl; fresh, fresh2 … = "
        f"eval/fresh*.jsonl, each written blind; `eval tune` learns from all but "
        f"{', '.join(name for name in SPLITS if name not in TRAIN_SPLITS)}",
    )
    p.add_argument("--backend", help="answer backend (default: ASSISTANT_LLM, else extractive)")
    p.add_argument("--json", type=Path, metavar="OUT", help="write the run as JSON to OUT")
    p.add_argument("--baseline", type=Path, metavar="FILE", help="compare with this baseline; exit 1 on regression")
    p.add_argument("--tolerances", type=Path, default=TOLERANCES_FILE, help=argparse.SUPPRESS)
    p.add_argument("--report", type=Path, metavar="DIR", help="write report.md and report.html into DIR")
    p.add_argument(
        "--update-baseline",
        action="store_true",
        help="store this run as eval/baselines/<backend>.json (<backend>.<split>.json for other gold "
        "files); never done otherwise",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def open_engine_for(backend: str | None) -> tuple[Any, str]:
    """Open the engine with `backend` (None: the configured one); UsageError names the valid backends."""
    from assistant.backends import REGISTRY
    from assistant.bootstrap import open_engine
    from assistant.settings import Settings, SettingsError

    try:
        settings = Settings.from_env()
    except SettingsError as error:
        raise UsageError(str(error)) from None
    name = (backend or settings.llm_backend).strip().lower()
    if name not in REGISTRY:
        raise UsageError(f"unknown backend {name!r}; valid backends: {', '.join(sorted(REGISTRY))}")
    try:
        return open_engine(settings.with_overrides(llm_backend=name)), name
    except (ValueError, OSError) as error:
        raise UsageError(f"cannot open the engine with backend {name!r}: {error}") from None


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join(line.format(*map(str, r)).rstrip() for r in [header, *rows])


def summary(run: dict[str, Any], comparison: Comparison | None) -> str:
    gold = run["gold"]
    out = [
        f"backend {run['backend']} · gold {gold['path']} (split {gold['split']}, {gold['items']} items) · "
        f"{run['run']['wall_s']} s"
    ]
    deltas = {d.name: d for d in comparison.metrics} if comparison else {}
    rows = []
    for name in HEADLINE:
        d = deltas.get(name)
        row = [name, fmt(run["metrics"].get(name), name)]
        if comparison:
            row += [fmt(d.baseline, name), fmt_delta(d), STATUS_MARK.get(d.status, "")] if d else ["–", "–", ""]
        rows.append(row)
    out += ["", _table(["metric", "value", *(["baseline", "delta", "status"] if comparison else [])], rows), ""]
    kind_rows = [[kind, *(fmt(values.get(c), c) for c in KIND_COLUMNS)] for kind, values in run["by_kind"].items()]
    out += [f"by kind (split {gold['split']}):", _table(["kind", *KIND_COLUMNS], kind_rows)]
    if comparison:
        out += [""] + [f"note: {note}" for note in comparison.notes]
        changed = comparison.changed_items
        out.append(f"per-question diff: {len(changed)} of {len(comparison.items)} questions changed")
        diff_rows = []
        for diff in changed:
            before, after = diff.baseline or {}, diff.current or {}
            diff_rows.append(
                [
                    diff.id,
                    diff.verdict,
                    f"{fmt(before.get('rank'))}→{fmt(after.get('rank'))}",
                    f"{before.get('citations')}→{after.get('citations')}",
                    f"{fmt(before.get('refused'))}→{fmt(after.get('refused'))}",
                    "yes" if "answer" in diff.changes else "no",
                ]
            )
        if diff_rows:
            out.append(_table(["id", "verdict", "rank", "citations", "refused", "answer changed"], diff_rows))
        if comparison.regressed:
            failed = [
                f"{d.name} {fmt(d.baseline, d.name)} → {fmt(d.current, d.name)} (tolerance {d.tolerance.tolerance:g})"
                for d in comparison.regressions
                if d.tolerance
            ]
            out += ["", "REGRESSION: " + "; ".join(failed)]
        else:
            out += ["", f"no regression against {comparison.baseline_path}"]
    return "\n".join(out)


def run_command(argv: Sequence[str] | None = None, engine_factory: EngineFactory | None = None) -> int:
    """The `run` subcommand; `engine_factory(backend_name)` lets tests pass an engine of their own."""
    from eval.runner import report_paragraphs, run_eval

    args = parser().parse_args(argv)
    gold_path = args.gold or SPLITS.get(args.split or "dev", DEFAULT_GOLD)
    gold = load_gold(gold_path)
    baseline = tolerances = None
    if args.baseline:
        baseline = load_baseline(args.baseline)
        check_same_gold(baseline, gold.describe(), args.baseline)
        tolerances = load_tolerances(args.tolerances)
    if engine_factory is None:
        engine, backend = open_engine_for(args.backend)
    else:
        backend = args.backend or "extractive"
        engine = engine_factory(backend)
    check_paragraphs(gold, set(report_paragraphs(engine)))
    clock = time.perf_counter()
    run = run_eval(engine, gold, backend=backend, progress=not args.no_progress)
    log.info("evaluated %d items in %.1f s", len(gold.items), time.perf_counter() - clock)
    comparison = None
    if baseline is not None and tolerances is not None:
        comparison = compare(run, baseline, tolerances, display_path(args.baseline))
    print(summary(run, comparison))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(run, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    if args.report:
        md_path, html_path = write_report(run, args.report, comparison, baseline)
        print(f"wrote {md_path} and {html_path}")
    if args.update_baseline:
        path = write_baseline(run, baseline_path_for(run["backend"], gold.split))
        print(f"updated baseline {display_path(path)} (split {gold.split})")
        return OK
    return REGRESSED if comparison is not None and comparison.regressed else OK


def main(argv: Sequence[str] | None = None, engine_factory: EngineFactory | None = None) -> int:
    try:
        return run_command(argv, engine_factory)
    except (GoldError, BaselineError, UsageError) as error:
        print(f"error: {error}", file=sys.stderr)
        return USAGE
