"""Compare a run with a committed baseline: metric deltas against tolerances, and a per-question diff.

A baseline is the JSON of an earlier run (`python -m eval run --update-baseline`), including the
sha256 of the gold set it was made on; comparing runs on different gold sets is refused.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from eval.gold import EVAL_DIR, display_path

log = logging.getLogger(__name__)
TOLERANCES_FILE = EVAL_DIR / "tolerances.json"
BASELINES_DIR = EVAL_DIR / "baselines"
EPSILON = 1e-9


class BaselineError(ValueError):
    """The baseline cannot be used for this run; the message says why and what to do."""


@dataclass(frozen=True)
class Tolerance:
    direction: str = "higher"
    tolerance: float = 0.0
    relative: float = 0.0
    gate: bool = True

    def allowance(self, baseline: float) -> float:
        return max(self.tolerance, self.relative * abs(baseline))


@dataclass(frozen=True)
class MetricDelta:
    name: str
    baseline: float | None
    current: float | None
    tolerance: Tolerance | None
    status: str  # "regressed", "worse" (within tolerance), "improved", "same", "n/a"

    @property
    def delta(self) -> float | None:
        if self.baseline is None or self.current is None:
            return None
        return self.current - self.baseline

    @property
    def fails(self) -> bool:
        return self.status == "regressed" and self.tolerance is not None and self.tolerance.gate


@dataclass(frozen=True)
class ItemDiff:
    id: str
    kind: str
    baseline: dict[str, Any] | None
    current: dict[str, Any] | None

    def _get(self, side: dict[str, Any] | None, key: str) -> Any:
        return None if side is None else side.get(key)

    @property
    def changes(self) -> list[str]:
        if self.baseline is None:
            return ["new item"]
        if self.current is None:
            return ["item removed"]
        found = []
        for key, label in (("rank", "rank"), ("citations", "citations"), ("refused", "refusal")):
            if self.baseline.get(key) != self.current.get(key):
                found.append(label)
        if self.baseline.get("answer") != self.current.get("answer"):
            found.append("answer")
        if self.baseline.get("passed") != self.current.get("passed"):
            found.append("passed")
        return found

    @property
    def verdict(self) -> str:
        """One of: broke (passed before, fails now), fixed (the reverse), changed, same."""
        before, after = self._get(self.baseline, "passed"), self._get(self.current, "passed")
        if before and not after:
            return "broke"
        if after and not before:
            return "fixed"
        return "changed" if self.changes else "same"


@dataclass
class Comparison:
    baseline_path: str
    metrics: list[MetricDelta]
    by_kind: dict[str, list[MetricDelta]] = field(default_factory=dict)
    items: list[ItemDiff] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def regressions(self) -> list[MetricDelta]:
        return [d for d in self.metrics if d.fails]

    @property
    def regressed(self) -> bool:
        return bool(self.regressions)

    @property
    def changed_items(self) -> list[ItemDiff]:
        return [d for d in self.items if d.verdict != "same"]


def load_tolerances(path: Path = TOLERANCES_FILE) -> dict[str, Tolerance]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise BaselineError(f"cannot read tolerances from {display_path(Path(path))}: {error}") from None
    tolerances = {}
    for name, spec in data.get("metrics", {}).items():
        if spec.get("direction") not in ("higher", "lower"):
            raise BaselineError(f"{display_path(Path(path))}: metric {name!r}: direction must be 'higher' or 'lower'")
        tolerances[name] = Tolerance(
            spec["direction"],
            float(spec.get("tolerance", 0.0)),
            float(spec.get("relative", 0.0)),
            bool(spec.get("gate", True)),
        )
    return tolerances


def baseline_path_for(backend: str, gold_split: str) -> Path:
    """eval/baselines/<backend>.json for the development gold set, <backend>.<split>.json for any other."""
    suffix = "" if gold_split == "dev" else f".{gold_split}"
    return BASELINES_DIR / f"{backend}{suffix}.json"


def load_baseline(path: Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise BaselineError(f"baseline {display_path(path)} does not exist; create it with --update-baseline")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise BaselineError(f"baseline {display_path(path)} is not valid JSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise BaselineError(f"baseline {display_path(path)} is not the JSON of an eval run (no 'metrics')")
    if not isinstance(data.get("gold"), dict) or not data["gold"].get("sha256"):
        raise BaselineError(
            f"baseline {display_path(path)} does not record which gold set it was made on "
            "(no gold.sha256); re-create it with --update-baseline"
        )
    return data


def check_same_gold(baseline: dict[str, Any], gold: dict[str, Any], baseline_path: Path) -> None:
    """Refuse a baseline made on a different gold set (different file, or the same file edited since)."""
    made_on = baseline["gold"]
    if made_on.get("sha256") != gold["sha256"]:
        raise BaselineError(
            f"baseline {display_path(baseline_path)} was made on a different gold set: "
            f"{made_on.get('path')} (split {made_on.get('split')}, {made_on.get('items')} items, "
            f"sha256 {str(made_on.get('sha256'))[:12]}…), but this run is on {gold['path']} "
            f"(split {gold['split']}, {gold['items']} items, sha256 {gold['sha256'][:12]}…). "
            "Compare against a baseline of the same gold file, or record a new one with --update-baseline."
        )


def judge(name: str, baseline: float | None, current: float | None, tolerance: Tolerance | None) -> MetricDelta:
    if baseline is None or current is None:
        return MetricDelta(name, baseline, current, tolerance, "same" if baseline == current else "n/a")
    direction = tolerance.direction if tolerance else "higher"
    worsening = (baseline - current) if direction == "higher" else (current - baseline)
    if abs(worsening) <= EPSILON:
        status = "same"
    elif worsening < 0:
        status = "improved"
    elif tolerance is not None and worsening > tolerance.allowance(baseline) + EPSILON:
        status = "regressed"
    else:
        status = "worse"
    return MetricDelta(name, baseline, current, tolerance, status)


def _deltas(
    current: dict[str, Any], baseline: dict[str, Any], tolerances: dict[str, Tolerance], gate: bool = True
) -> list[MetricDelta]:
    names = list(dict.fromkeys([*current, *baseline]))
    deltas = []
    for name in names:
        value, before = current.get(name), baseline.get(name)
        if not isinstance(value, int | float | None) or not isinstance(before, int | float | None):
            continue
        tolerance = tolerances.get(name)
        if tolerance is not None and not gate:
            tolerance = Tolerance(tolerance.direction, tolerance.tolerance, tolerance.relative, gate=False)
        deltas.append(judge(name, before, value, tolerance))
    return deltas


# Shares whose count is what a zero tolerance protects: when fewer questions are answered (one more refused), or
# an answer shrinks (fewer sentences scored), the same count is a larger share without the assistant being any
# less grounded. Each entry counts, in one answered item, what the share counts.
_COUNTED_SHARES: dict[str, Callable[[dict[str, Any]], int]] = {
    "no_citation_rate": lambda item: int(not item.get("citations")),
    "answers_with_violations": lambda item: int(bool(item.get("violations"))),
    "unsupported_sentence_rate": lambda item: len(item.get("unsupported") or ()),
}


def _answered_count(run: dict[str, Any], count: Callable[[dict[str, Any]], int]) -> int | None:
    items = run.get("items")
    if not items:
        return None
    return sum(count(item) for item in items if not item.get("refused") and not item.get("error"))


def _counts_held(
    delta: MetricDelta, current: dict[str, Any], baseline: dict[str, Any]
) -> tuple[MetricDelta, str | None]:
    """A share of `_COUNTED_SHARES` that rose while its count did not grow is "worse", not "regressed": 1
    answer without a citation of 97 → 1 of 96; 6 unsupported sentences of 179 → 6 of 173."""
    count = _COUNTED_SHARES.get(delta.name)
    if delta.status != "regressed" or count is None:
        return delta, None
    after, before = _answered_count(current, count), _answered_count(baseline, count)
    if after is None or before is None or after > before:
        return delta, None
    note = f"{delta.name} rose but its count did not grow ({after}, {before} before): fewer answered or scored"
    return replace(delta, status="worse"), note


def compare(
    current: dict[str, Any], baseline: dict[str, Any], tolerances: dict[str, Tolerance], baseline_path: Path | str = ""
) -> Comparison:
    """Metric deltas (overall ones gate, per-kind ones are informational) and the per-question diff."""
    comparison = Comparison(str(baseline_path), [])
    for delta in _deltas(current["metrics"], baseline["metrics"], tolerances):
        delta, note = _counts_held(delta, current, baseline)
        comparison.metrics.append(delta)
        if note:
            comparison.notes.append(note)
    kinds = sorted(set(current.get("by_kind", {})) | set(baseline.get("by_kind", {})))
    for kind in kinds:
        comparison.by_kind[kind] = _deltas(
            current.get("by_kind", {}).get(kind, {}), baseline.get("by_kind", {}).get(kind, {}), tolerances, gate=False
        )
    before = {item["id"]: item for item in baseline.get("items", [])}
    after = {item["id"]: item for item in current.get("items", [])}
    for item_id in dict.fromkeys([*after, *before]):
        side = after.get(item_id) or before[item_id]
        comparison.items.append(ItemDiff(item_id, side.get("kind", ""), before.get(item_id), after.get(item_id)))
    if baseline.get("backend") and baseline.get("backend") != current.get("backend"):
        comparison.notes.append(
            f"baseline backend is {baseline.get('backend')!r}, this run used "
            f"{current.get('backend')!r}: differences include the backend change"
        )
    return comparison


def write_baseline(run: dict[str, Any], path: Path) -> Path:
    """Store a run as a baseline (explicit: only `--update-baseline` calls this)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(run, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    log.info("wrote baseline %s", display_path(path))
    return path
