"""Regression runs: tolerances, the per-question diff, exit codes, and refusing a baseline of another gold set."""

from __future__ import annotations

import copy
import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import eval.regression as regression
from assistant.backends import REGISTRY
from assistant.result import AnswerResult, Turn
from eval.cli import main
from eval.regression import BaselineError, Tolerance, check_same_gold, compare, judge, load_baseline, load_tolerances

ROOT = Path(__file__).resolve().parents[2]


def test_judge_directions_and_tolerances() -> None:
    higher = Tolerance("higher", 0.015)
    assert judge("hit@1", 0.90, 0.89, higher).status == "worse"
    assert judge("hit@1", 0.90, 0.88, higher).status == "regressed"
    assert judge("hit@1", 0.90, 0.95, higher).status == "improved"
    assert judge("hit@1", 0.90, 0.90, higher).status == "same"
    lower = Tolerance("lower", 0.0)
    assert judge("unsupported_sentence_rate", 0.0, 0.01, lower).status == "regressed"
    assert judge("unsupported_sentence_rate", 0.1, 0.05, lower).status == "improved"
    latency = Tolerance("lower", 50, relative=1.0, gate=False)
    assert judge("latency_p50_ms", 100, 190, latency).status == "worse"  # allowance max(50, 100 % of 100)
    regressed = judge("latency_p50_ms", 100, 250, latency)
    assert regressed.status == "regressed" and not regressed.fails  # reported, never gating
    assert judge("hit@1", None, 0.5, higher).status == "n/a"


def test_tolerance_file_is_explained_and_valid() -> None:
    tolerances = load_tolerances()
    assert tolerances["unsupported_sentence_rate"].direction == "lower"
    assert tolerances["unsupported_sentence_rate"].tolerance == 0.0
    assert not tolerances["latency_p95_ms"].gate
    assert json.loads(regression.TOLERANCES_FILE.read_text(encoding="utf-8"))["_comment"]


def _run(metrics: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "metrics": metrics,
        "by_kind": {"fact": metrics},
        "items": items,
        "backend": "extractive",
        "gold": {"path": "g.jsonl", "split": "g", "sha256": "a" * 64, "items": len(items)},
    }


def _item(item_id: str, rank: int | None, passed: bool, answer: str = "x") -> dict[str, Any]:
    return {
        "id": item_id,
        "kind": "fact",
        "rank": rank,
        "citations": [1],
        "refused": False,
        "answer": answer,
        "passed": passed,
    }


def test_compare_flags_metrics_and_items() -> None:
    tolerances = load_tolerances()
    before = _run(
        {"hit@1": 0.9, "figure_violations": 0, "latency_p50_ms": 10.0},
        [_item("a", 1, True), _item("b", 2, False), _item("c", 1, True)],
    )
    after = _run(
        {"hit@1": 0.8, "figure_violations": 0, "latency_p50_ms": 100.0},
        [_item("a", 3, False), _item("b", 1, True), _item("c", 1, True)],
    )
    comparison = compare(after, before, tolerances, "base.json")
    assert [d.name for d in comparison.regressions] == ["hit@1"]  # latency regressed too, but does not gate
    assert comparison.regressed
    assert all(not d.fails for d in comparison.by_kind["fact"])  # per-kind deltas are informational
    verdicts = {d.id: d.verdict for d in comparison.items}
    assert verdicts == {"a": "broke", "b": "fixed", "c": "same"}
    assert "rank" in next(d for d in comparison.items if d.id == "a").changes
    assert not compare(before, copy.deepcopy(before), tolerances).regressed


def test_a_share_that_rose_only_because_fewer_were_answered_does_not_fail() -> None:
    """One answer without a citation among 4 answered, then the same one among 3 (another now refused): the
    share rose from 0.25 to 0.33, the count did not; a second answer without one does fail."""
    tolerances = load_tolerances()
    items = [_item(i, 1, True) for i in "abcd"]
    items[0]["citations"] = []
    before = _run({"no_citation_rate": 0.25}, items)
    fewer = copy.deepcopy(items)
    fewer[3]["refused"] = True
    comparison = compare(_run({"no_citation_rate": 1 / 3}, fewer), before, tolerances)
    assert not comparison.regressed
    assert next(d for d in comparison.metrics if d.name == "no_citation_rate").status == "worse"
    assert any("count did not grow" in note for note in comparison.notes)
    more = copy.deepcopy(items)
    more[1]["citations"] = []
    assert compare(_run({"no_citation_rate": 0.5}, more), before, tolerances).regressed


def test_unsupported_sentences_are_judged_by_their_count() -> None:
    """1 unsupported sentence of 4 scored, then the same one of 2 (another answer got shorter): the share rose
    from 0.25 to 0.5, the count did not; a second unsupported sentence does fail."""
    tolerances = load_tolerances()
    items = [_item(i, 1, True) for i in "ab"]
    items[0]["unsupported"] = ["一句没有依据的话。"]
    before = _run({"unsupported_sentence_rate": 0.25}, items)
    comparison = compare(_run({"unsupported_sentence_rate": 0.5}, copy.deepcopy(items)), before, tolerances)
    assert not comparison.regressed
    assert next(d for d in comparison.metrics if d.name == "unsupported_sentence_rate").status == "worse"
    more = copy.deepcopy(items)
    more[1]["unsupported"] = ["另一句。"]
    assert compare(_run({"unsupported_sentence_rate": 0.5}, more), before, tolerances).regressed


def test_a_baseline_from_another_gold_set_is_refused(tmp_path: Path) -> None:
    baseline = _run({}, [])
    other = dict(baseline["gold"], sha256="b" * 64, path="other.jsonl")
    with pytest.raises(BaselineError, match="different gold set"):
        check_same_gold(baseline, other, tmp_path / "base.json")
    check_same_gold(baseline, baseline["gold"], tmp_path / "base.json")


def test_unusable_baselines(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="does not exist"):
        load_baseline(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(BaselineError, match="not valid JSON"):
        load_baseline(tmp_path / "bad.json")
    (tmp_path / "old.json").write_text(json.dumps({"metrics": {}}), encoding="utf-8")
    with pytest.raises(BaselineError, match="gold set"):
        load_baseline(tmp_path / "old.json")


class WorseEngine:
    """The real engine made deliberately worse: retrieval order reversed and an invented figure appended."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.retriever = engine.retriever
        self.backend = engine.backend

    def ask(self, question: str, history: list[Turn] | None = None) -> AnswerResult:
        result = self.engine.ask(question, history)
        if result.refused:
            return result
        cited = result.citations[0] if result.citations else 1
        return dataclasses.replace(
            result,
            retrieved=list(reversed(result.retrieved)),
            answer=result.answer + f"\n维和行动2099年的预算为999亿美元。[第{cited}段]",
        )


def test_cli_baseline_round_trip_and_a_worse_run_fails(
    eval_engine: Any,
    small_gold: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(regression, "BASELINES_DIR", tmp_path / "baselines")
    real = lambda backend: eval_engine  # noqa: E731
    args = ["--gold", str(small_gold), "--no-progress"]
    assert main([*args, "--update-baseline", "--json", str(tmp_path / "run.json")], real) == 0
    baseline = tmp_path / "baselines" / "extractive.small.json"
    assert baseline.is_file() and (tmp_path / "run.json").is_file()
    assert json.loads(baseline.read_text(encoding="utf-8"))["gold"]["sha256"]
    capsys.readouterr()

    assert main([*args, "--baseline", str(baseline)], real) == 0
    assert "no regression" in capsys.readouterr().out

    assert main([*args, "--baseline", str(baseline)], lambda backend: WorseEngine(eval_engine)) == 1
    out = capsys.readouterr().out
    assert "REGRESSION" in out and "hit@1" in out and "figure_violations" in out
    assert "broke" in out  # the per-question diff names the questions that broke

    other = tmp_path / "other.jsonl"
    other.write_text(small_gold.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    assert main(["--gold", str(other), "--baseline", str(baseline), "--no-progress"], real) == 2
    assert "different gold set" in capsys.readouterr().err


def test_cli_bad_input_exits_2(small_gold: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--gold", str(small_gold), "--backend", "nope"]) == 2
    assert f"valid backends: {', '.join(sorted(REGISTRY))}" in capsys.readouterr().err
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "x", "question": "q", "paragraphs": [1]}\n', encoding="utf-8")
    assert main(["--gold", str(broken)]) == 2
    assert "line 1: field 'must_include': missing" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["--no-such-option"])
    assert caught.value.code == 2


def test_python_m_eval_run_unknown_backend(small_gold: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "eval", "run", "--gold", str(small_gold), "--backend", "nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "unknown backend 'nope'" in done.stderr and "extractive" in done.stderr
