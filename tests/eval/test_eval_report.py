"""Reports: Markdown and self-contained HTML with inline SVG charts, saying which split the figures are on."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from eval.regression import compare, load_tolerances
from eval.report import RANK_LABELS, rank_counts, write_report


def test_report_without_baseline(small_run: dict[str, Any], tmp_path: Path) -> None:
    md_path, html_path = write_report(small_run, tmp_path / "report")
    md, page = md_path.read_text(encoding="utf-8"), html_path.read_text(encoding="utf-8")
    assert "split **small**" in md and "No baseline given" in md
    assert "| hit@1 |" in md and "| fact |" in md
    assert page.count("<svg") == 2
    assert (tmp_path / "report" / "by_kind.svg").is_file() and "by_kind.svg" in md


def test_report_with_a_regression_is_self_contained(small_run: dict[str, Any], tmp_path: Path) -> None:
    worse = copy.deepcopy(small_run)
    worse["metrics"]["hit@1"] = small_run["metrics"]["hit@1"] - 0.5
    worse["items"][0] = dict(worse["items"][0], rank=None, passed=False, failures=["made worse"])
    comparison = compare(worse, small_run, load_tolerances(), "baseline.json")
    _, html_path = write_report(worse, tmp_path, comparison, small_run)
    page = html_path.read_text(encoding="utf-8")
    assert "REGRESSION against baseline.json: hit@1" in page
    assert "class='bad'" in page and "broke" in page
    assert "split small" in page
    # nothing is fetched: no scripts, stylesheets, images or URLs
    assert not re.search(r"<script|<link|<img|src=|https?://", page)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "## Per-question diff against the baseline" in md and "| f1 | fact | broke |" in md


def test_rank_counts(small_run: dict[str, Any]) -> None:
    counts = rank_counts(small_run)
    assert len(counts) == len(RANK_LABELS)
    assert sum(counts) == sum(1 for item in small_run["items"] if item["answerable"] and item["gold"])
