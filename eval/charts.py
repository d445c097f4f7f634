"""Inline SVG charts for the HTML report, drawn by hand: no script, no CDN, nothing fetched."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#e15759")
FONT = "font-family='system-ui, sans-serif' font-size='11'"


def _text(x: float, y: float, label: str, anchor: str = "middle", extra: str = "") -> str:
    return f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' {FONT} {extra}>{escape(label)}</text>"


def grouped_bars(
    groups: Sequence[str],
    series: Sequence[str],
    values: dict[str, dict[str, float | None]],
    baseline: dict[str, dict[str, float | None]] | None = None,
    title: str = "",
    maximum: float = 1.0,
) -> str:
    """Bars per group (x axis) and series (colour), values in [0, maximum]; a baseline value is drawn as a
    black tick over its bar. `values[group][series]`; None is drawn as a grey "–"."""
    bar, gap, left, top, height = 12, 18, 40, 30, 180
    group_width = len(series) * bar + gap
    width = left + len(groups) * group_width + 20
    legend_y = top + height + 48
    parts = [
        f"<svg width='{width}' height='{legend_y + 20}' role='img' aria-label='{escape(title)}'>",
        _text(left, 16, title, "start", "font-weight='bold'"),
    ]
    for step in range(0, 5):
        fraction = step / 4
        y = top + height - fraction * height
        parts.append(f"<line x1='{left}' x2='{width - 10}' y1='{y:.1f}' y2='{y:.1f}' stroke='#ddd'/>")
        parts.append(_text(left - 4, y + 4, f"{fraction * maximum:g}", "end"))
    for g, group in enumerate(groups):
        x0 = left + g * group_width + gap / 2
        for s, name in enumerate(series):
            x = x0 + s * bar
            value = values.get(group, {}).get(name)
            if value is None:
                parts.append(_text(x + bar / 2, top + height - 3, "–", extra="fill='#999'"))
                continue
            h = max(0.0, min(value / maximum, 1.0)) * height
            parts.append(
                f"<rect x='{x:.1f}' y='{top + height - h:.1f}' width='{bar - 2}' height='{h:.1f}' "
                f"fill='{PALETTE[s % len(PALETTE)]}'><title>{escape(group)} · {escape(name)}: "
                f"{value:.3f}</title></rect>"
            )
            before = (baseline or {}).get(group, {}).get(name)
            if before is not None:
                y = top + height - max(0.0, min(before / maximum, 1.0)) * height
                parts.append(
                    f"<line x1='{x - 1:.1f}' x2='{x + bar - 1:.1f}' y1='{y:.1f}' y2='{y:.1f}' "
                    f"stroke='#000' stroke-width='2'><title>baseline {before:.3f}</title></line>"
                )
        parts.append(_text(x0 + len(series) * bar / 2, top + height + 14, group))
    x = left
    for s, name in enumerate(series):
        parts.append(f"<rect x='{x}' y='{legend_y - 9}' width='10' height='10' fill='{PALETTE[s % len(PALETTE)]}'/>")
        parts.append(_text(x + 14, legend_y, name, "start"))
        x += 14 + 7 * len(name) + 16
    if baseline:
        parts.append(
            f"<line x1='{x}' x2='{x + 12}' y1='{legend_y - 4}' y2='{legend_y - 4}' stroke='#000' stroke-width='2'/>"
        )
        parts.append(_text(x + 16, legend_y, "baseline", "start"))
    parts.append("</svg>")
    return "".join(parts)


def count_bars(
    labels: Sequence[str], counts: Sequence[int], baseline: Sequence[int] | None = None, title: str = ""
) -> str:
    """Vertical bars of counts per label (e.g. the rank of the gold paragraph); baseline as outlined bars."""
    left, top, height, slot = 40, 30, 160, 64
    width = left + len(labels) * slot + 20
    peak = max([*counts, *(baseline or []), 1])
    parts = [
        f"<svg width='{width}' height='{top + height + 60}' role='img' aria-label='{escape(title)}'>",
        _text(left, 16, title, "start", "font-weight='bold'"),
    ]
    parts.append(f"<line x1='{left}' x2='{width - 10}' y1='{top + height}' y2='{top + height}' stroke='#999'/>")
    for i, label in enumerate(labels):
        x = left + i * slot + 8
        bars = [(counts[i], PALETTE[0], "this run")]
        if baseline is not None:
            bars.append((baseline[i], "none", "baseline"))
        for j, (count, fill, name) in enumerate(bars):
            h = count / peak * height
            stroke = "stroke='#000' stroke-width='1.5' stroke-dasharray='3,2'" if fill == "none" else ""
            bx = x + j * 24
            parts.append(
                f"<rect x='{bx}' y='{top + height - h:.1f}' width='22' height='{h:.1f}' fill='{fill}' "
                f"{stroke}><title>{escape(label)} · {name}: {count}</title></rect>"
            )
            parts.append(_text(bx + 11, top + height - h - 3, str(count)))
        parts.append(_text(x + (24 if baseline is not None else 11), top + height + 14, label))
    legend_y = top + height + 40
    parts.append(f"<rect x='{left}' y='{legend_y - 9}' width='10' height='10' fill='{PALETTE[0]}'/>")
    parts.append(_text(left + 14, legend_y, "this run", "start"))
    if baseline is not None:
        parts.append(
            f"<rect x='{left + 80}' y='{legend_y - 9}' width='10' height='10' fill='none' stroke='#000' "
            "stroke-dasharray='3,2'/>"
        )
        parts.append(_text(left + 94, legend_y, "baseline", "start"))
    parts.append("</svg>")
    return "".join(parts)
