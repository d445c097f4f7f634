"""Markdown and self-contained HTML reports of a run (and of its comparison with a baseline).

The HTML has its CSS and its SVG charts inline: it opens from disk with no network. The Markdown
references the same charts written next to it as .svg files.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from eval.charts import count_bars, grouped_bars
from eval.regression import Comparison, MetricDelta

log = logging.getLogger(__name__)
HEADLINE = (
    "hit@1",
    "hit@3",
    "hit@5",
    "recall@5",
    "mrr",
    "ndcg@5",
    "citation_validity",
    "citation_precision",
    "citation_recall",
    "no_citation_rate",
    "unsupported_sentence_rate",
    "mean_support",
    "unscored_sentence_rate",
    "figure_violations",
    "answers_with_violations",
    "must_include_coverage",
    "refusal_rate_unanswerable",
    "false_refusal_rate",
    "pass_rate",
    "latency_p50_ms",
    "latency_p95_ms",
    "errors",
)
KIND_COLUMNS = (
    "items",
    "hit@1",
    "hit@5",
    "mrr",
    "citation_precision",
    "must_include_coverage",
    "unsupported_sentence_rate",
    "figure_violations",
    "refusal_rate_unanswerable",
    "false_refusal_rate",
    "pass_rate",
)
CHART_METRICS = ("hit@5", "mrr", "citation_precision", "must_include_coverage", "pass_rate")
RANK_LABELS = ("1", "2", "3", "4", "5", "not retrieved")
STATUS_MARK = {
    "regressed": "❌ regressed",
    "worse": "⚠ worse (within tolerance)",
    "improved": "✅ improved",
    "same": "",
    "n/a": "",
}


def fmt(value: Any, name: str = "") -> str:
    """A metric value for display: rates with 3 decimals, milliseconds with 1, counts as integers."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if name.endswith("_ms"):
        return f"{value:.1f}"
    return f"{value:.3f}"


def fmt_delta(delta: MetricDelta) -> str:
    if delta.delta is None:
        return "–"
    if isinstance(delta.baseline, int) and isinstance(delta.current, int):
        return f"{delta.current - delta.baseline:+d}"
    return f"{delta.delta:+.1f}" if delta.name.endswith("_ms") else f"{delta.delta:+.3f}"


def rank_counts(run: dict[str, Any]) -> list[int]:
    """How many answerable items have their first gold paragraph at rank 1..5, or not retrieved."""
    counts = [0] * len(RANK_LABELS)
    for item in run["items"]:
        if item["answerable"] and item["gold"]:
            rank = item["rank"]
            counts[rank - 1 if rank is not None and rank <= 5 else -1] += 1
    return counts


def provenance(run: dict[str, Any]) -> str:
    gold = run["gold"]
    return (
        f"backend `{run['backend']}`{' (' + run['model'] + ')' if run.get('model') else ''} · gold file "
        f"`{gold['path']}` (split **{gold['split']}**, {gold['items']} items, sha256 {gold['sha256'][:12]}) · "
        f"started {run['run']['started']} · wall time {run['run']['wall_s']} s"
    )


def _verdict(comparison: Comparison | None) -> str:
    if comparison is None:
        return "No baseline given: absolute figures only."
    if comparison.regressed:
        names = ", ".join(
            f"{d.name} {fmt(d.baseline, d.name)} → {fmt(d.current, d.name)}" for d in comparison.regressions
        )
        return f"REGRESSION against {comparison.baseline_path}: {names}"
    return f"No regression against {comparison.baseline_path}."


def _metric_rows(run: dict[str, Any], comparison: Comparison | None) -> list[list[str]]:
    deltas = {d.name: d for d in comparison.metrics} if comparison else {}
    rows = []
    for name in HEADLINE:
        value = run["metrics"].get(name)
        if comparison is None:
            rows.append([name, fmt(value, name)])
            continue
        d = deltas.get(name)
        tolerance = (
            "–"
            if d is None or d.tolerance is None
            else (f"{d.tolerance.tolerance:g}{'' if d.tolerance.gate else ' (not gated)'}")
        )
        rows.append(
            [
                name,
                fmt(value, name),
                fmt(d.baseline if d else None, name),
                fmt_delta(d) if d else "–",
                tolerance,
                STATUS_MARK.get(d.status, "") if d else "",
            ]
        )
    return rows


def _kind_rows(run: dict[str, Any], comparison: Comparison | None) -> list[list[str]]:
    rows = []
    for kind, values in run["by_kind"].items():
        deltas = {d.name: d for d in (comparison.by_kind.get(kind, []) if comparison else [])}
        row = [kind]
        for name in KIND_COLUMNS:
            cell = fmt(values.get(name), name)
            d = deltas.get(name)
            if d is not None and d.status in ("regressed", "worse", "improved") and d.delta is not None:
                cell += f" ({fmt_delta(d)}{' ▼' if d.status != 'improved' else ' ▲'})"
            row.append(cell)
        rows.append(row)
    return rows


def _diff_rows(comparison: Comparison | None) -> list[list[str]]:
    rows = []
    for diff in comparison.changed_items if comparison else []:
        before, after = diff.baseline or {}, diff.current or {}
        rows.append(
            [
                diff.id,
                diff.kind,
                diff.verdict,
                f"{fmt(before.get('rank'))} → {fmt(after.get('rank'))}",
                f"{before.get('citations')} → {after.get('citations')}",
                f"{fmt(before.get('refused'))} → {fmt(after.get('refused'))}",
                "yes" if "answer" in diff.changes else "no",
            ]
        )
    order = {"broke": 0, "changed": 1, "fixed": 2}
    return sorted(rows, key=lambda r: (order.get(r[2], 3), r[0]))


def _failure_rows(run: dict[str, Any]) -> list[list[str]]:
    return [
        [item["id"], item["kind"], item["question"], fmt(item["rank"]), "; ".join(item["failures"])]
        for item in run["items"]
        if not item["passed"]
    ]


DIFF_HEADER = ["id", "kind", "verdict", "gold rank", "citations", "refused", "answer changed"]
FAILURE_HEADER = ["id", "kind", "question", "gold rank", "why it failed"]


def _metric_header(comparison: Comparison | None) -> list[str]:
    return ["metric", "value"] + (["baseline", "delta", "tolerance", "status"] if comparison else [])


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    def cell(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def charts(run: dict[str, Any], baseline: dict[str, Any] | None) -> dict[str, str]:
    kinds = list(run["by_kind"])
    values = {k: {name: run["by_kind"][k].get(name) for name in CHART_METRICS} for k in kinds}
    before = None
    if baseline is not None:
        before = {k: {name: baseline.get("by_kind", {}).get(k, {}).get(name) for name in CHART_METRICS} for k in kinds}
    split = run["gold"]["split"]
    return {
        "by_kind": grouped_bars(kinds, CHART_METRICS, values, before, f"Metrics by kind (split {split})"),
        "ranks": count_bars(
            RANK_LABELS,
            rank_counts(run),
            rank_counts(baseline) if baseline else None,
            f"Rank of the first gold paragraph (answerable items, split {split})",
        ),
    }


def markdown(run: dict[str, Any], comparison: Comparison | None, chart_files: dict[str, str]) -> str:
    parts = [
        f"# Evaluation report — {run['backend']} on {run['gold']['split']}",
        "",
        provenance(run),
        "",
        f"**{_verdict(comparison)}**",
        "",
    ]
    parts += [f"> note: {note}" for note in (comparison.notes if comparison else [])]
    parts += [
        "## Metrics",
        "",
        _md_table(_metric_header(comparison), _metric_rows(run, comparison)),
        "",
        "## By kind",
        "",
        _md_table(["kind", *KIND_COLUMNS], _kind_rows(run, comparison)),
        "",
    ]
    parts += [f"![{name}]({file})" for name, file in chart_files.items()] + [""]
    if comparison is not None:
        parts += ["## Per-question diff against the baseline", ""]
        rows = _diff_rows(comparison)
        parts += [_md_table(DIFF_HEADER, rows) if rows else "No question changed.", ""]
    failing = _failure_rows(run)
    parts += ["## Items that did not pass", "", _md_table(FAILURE_HEADER, failing) if failing else "None.", ""]
    return "\n".join(parts)


CSS = """body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;
text-align:left;vertical-align:top}th{background:#f3f3f3}.bad{background:#fde2e1}.warn{background:#fff5d6}
.good{background:#e3f5e1}.verdict{padding:.7em 1em;border-radius:4px;font-weight:bold}
.verdict.bad{border:1px solid #e15759}.verdict.good{border:1px solid #59a14f}.charts svg{margin:0 2em 1em 0}
code{background:#f3f3f3;padding:0 3px}"""
ROW_CLASS = {
    "❌ regressed": "bad",
    "⚠ worse (within tolerance)": "warn",
    "✅ improved": "good",
    "broke": "bad",
    "fixed": "good",
}


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        css = next((ROW_CLASS[c] for c in row if c in ROW_CLASS), "")
        if not css and any("▼" in c for c in row):
            css = "warn"
        cells = "".join(f"<td>{escape(str(c))}</td>" for c in row)
        body.append(f"<tr class='{css}'>{cells}</tr>" if css else f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def html(run: dict[str, Any], comparison: Comparison | None, svgs: dict[str, str]) -> str:
    verdict_class = "bad" if comparison is not None and comparison.regressed else "good"
    prov = escape(provenance(run)).replace("`", "").replace("**", "")
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Eval {escape(run['backend'])} · "
        f"{escape(run['gold']['split'])}</title><style>{CSS}</style></head><body>",
        f"<h1>Evaluation report — {escape(run['backend'])} on split {escape(run['gold']['split'])}</h1>",
        f"<p>{prov}</p>",
        f"<p class='verdict {verdict_class}'>{escape(_verdict(comparison))}</p>",
    ]
    parts += [f"<p><em>note: {escape(note)}</em></p>" for note in (comparison.notes if comparison else [])]
    parts += [
        "<div class='charts'>",
        *svgs.values(),
        "</div>",
        "<h2>Metrics</h2>",
        _html_table(_metric_header(comparison), _metric_rows(run, comparison)),
        "<h2>By kind</h2>",
        _html_table(["kind", *KIND_COLUMNS], _kind_rows(run, comparison)),
    ]
    if comparison is not None:
        rows = _diff_rows(comparison)
        parts += [
            "<h2>Per-question diff against the baseline</h2>",
            _html_table(DIFF_HEADER, rows) if rows else "<p>No question changed.</p>",
        ]
    parts += ["<h2>Items that did not pass</h2>", _html_table(FAILURE_HEADER, _failure_rows(run)), "</body></html>"]
    return "\n".join(parts)


def write_report(
    run: dict[str, Any], out_dir: Path, comparison: Comparison | None = None, baseline: dict[str, Any] | None = None
) -> tuple[Path, Path]:
    """Write report.md (+ its .svg charts) and the self-contained report.html into `out_dir`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    svgs = charts(run, baseline)
    chart_files = {}
    for name, svg in svgs.items():
        file = f"{name}.svg"
        (out_dir / file).write_text(
            svg.replace("<svg ", "<svg xmlns='http://www.w3.org/2000/svg' ", 1), encoding="utf-8"
        )
        chart_files[name] = file
    md_path, html_path = out_dir / "report.md", out_dir / "report.html"
    md_path.write_text(markdown(run, comparison, chart_files), encoding="utf-8")
    html_path.write_text(html(run, comparison, svgs), encoding="utf-8")
    log.info("wrote %s and %s", md_path, html_path)
    return md_path, html_path
