"""The runner: history replay, per-item scoring on hand-made results, and a real run's JSON shape."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from assistant.result import AnswerResult, Retrieved, Turn
from eval.gold import GoldItem, GoldSet, HistoryTurn
from eval.runner import aggregate, replay, run_eval, score_item
from index.parser import Paragraph

TEXTS = {
    1: "大会就这一专题于 2009 年举行了正式辩论。",
    2: "秘书长在牛津大学作了西里尔·福斯特系列的一次讲座。",
    3: "非洲联盟在不漠视和不干预两种立场之间，选择了前者。",
}
PARAGRAPHS = {n: Paragraph("A/65/877", n, text, "一", "导言") for n, text in TEXTS.items()}


def result(answer: str, citations: list[int], retrieved: list[int], refused: bool = False) -> AnswerResult:
    return AnswerResult(
        question="q",
        answer=answer,
        citations=citations,
        refused=refused,
        retrieved=[Retrieved(PARAGRAPHS[n], 1.0 - i / 10) for i, n in enumerate(retrieved)],
        backend="fake",
        timings_ms={"retrieve": 1.0, "answer": 1.0, "total": 2.0},
    )


def item(**changes: Any) -> GoldItem:
    base = {
        "id": "i",
        "question": "q",
        "paragraphs": (1,),
        "must_include": ("2009",),
        "kind": "fact",
        "answerable": True,
    }
    base.update(changes)
    return GoldItem(**base)


class RecordingEngine:
    """Answers question n with 「回答n。[第n段]」 and records the history it was given."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[Turn]]] = []
        self.retriever = SimpleNamespace(paragraphs=list(PARAGRAPHS.values()))

    def ask(self, question: str, history: list[Turn] | None = None) -> AnswerResult:
        self.calls.append((question, list(history or [])))
        n = len(self.calls)
        return result(f"回答{n}。[第{n}段]", [n], [n])


def test_history_is_replayed_through_the_engine_with_real_answers() -> None:
    engine = RecordingEngine()
    gold = item(question="最后的问题", history=(HistoryTurn("第一问", (1,)), HistoryTurn("第二问", (2,))))
    final, history = replay(engine, gold)
    first, second = Turn("第一问", "回答1。[第1段]", (1,)), Turn("第二问", "回答2。[第2段]", (2,))
    assert engine.calls == [("第一问", []), ("第二问", [first]), ("最后的问题", [first, second])]
    assert history == [first, second]
    assert final.citations == [3]


def test_a_good_answer_passes() -> None:
    record = score_item(item(), result("大会于2009年就这一专题举行了正式辩论。[第1段]", [1], [1, 2]), PARAGRAPHS)
    assert record["passed"], record["failures"]
    assert (record["rank"], record["hit@1"], record["citation_validity"], record["citation_precision"]) == (1, 1, 1, 1)
    assert record["must_include_coverage"] == 1.0
    assert record["violations"] == [] and record["unsupported"] == []


def test_a_citation_outside_the_retrieved_set_fails() -> None:
    record = score_item(item(), result("大会于2009年举行了正式辩论。[第1段]", [1], [2, 3]), PARAGRAPHS)
    assert record["citation_validity"] == 0.0
    assert record["rank"] is None and record["hit@5"] == 0.0
    assert "cites a paragraph that does not exist or was not retrieved" in record["failures"]


def test_a_number_not_in_the_cited_paragraph_fails() -> None:
    record = score_item(item(), result("大会于2009年举行了正式辩论，共有193个会员国。[第1段]", [1], [1]), PARAGRAPHS)
    assert record["violations"] == ["193"]
    assert not record["passed"]


def test_a_refusal_on_an_answerable_question_fails() -> None:
    record = score_item(item(), result("报告中没有涉及这个问题。", [], [2, 3], refused=True), PARAGRAPHS)
    assert record["failures"] == ["refused an answerable question"]
    assert record["citation_validity"] is None  # refused answers are left out of citation and grounding metrics
    assert record["sentences"] == 0
    metrics = aggregate([record])
    assert metrics["false_refusal_rate"] == 1.0
    assert metrics["unsupported_sentence_rate"] is None
    assert metrics["must_include_coverage"] == 0.0


def test_answering_an_unanswerable_question_fails() -> None:
    gold = item(paragraphs=(), must_include=(), answerable=False, kind="unanswerable")
    answered = score_item(gold, result("非洲联盟选择了不漠视。[第3段]", [3], [3]), PARAGRAPHS)
    refused = score_item(gold, result("报告中没有涉及这个问题。", [], [3], refused=True), PARAGRAPHS)
    assert answered["failures"] == ["answered an unanswerable question"]
    assert refused["passed"]
    assert aggregate([answered, refused])["refusal_rate_unanswerable"] == 0.5


def test_aggregate_on_known_records() -> None:
    good = score_item(item(id="a"), result("大会于2009年举行了正式辩论。[第1段]", [1], [1, 2]), PARAGRAPHS)
    second = score_item(
        item(id="b", paragraphs=(2,), must_include=("牛津",)),
        result("大会于2009年举行了正式辩论。[第1段]", [1], [1, 2]),
        PARAGRAPHS,
    )
    metrics = aggregate([good, second])
    assert metrics["hit@1"] == 0.5 and metrics["hit@3"] == 1.0 and metrics["mrr"] == 0.75
    assert metrics["citation_precision"] == 0.5 and metrics["citation_recall"] == 0.5
    assert metrics["must_include_coverage"] == 0.5 and metrics["pass_rate"] == 0.5
    assert metrics["no_citation_rate"] == 0.0 and metrics["latency_p50_ms"] == 2.0


def test_an_engine_error_is_recorded_not_raised() -> None:
    class Broken(RecordingEngine):
        def ask(self, question: str, history: list[Turn] | None = None) -> AnswerResult:
            raise RuntimeError("boom")

    gold = GoldSet(Path("x.jsonl"), "x", "0" * 64, (item(),))
    run = run_eval(Broken(), gold, progress=False, warm=False)
    assert run["metrics"]["errors"] == 1
    assert run["items"][0]["failures"] == ["error: RuntimeError: boom"]


def test_a_real_run_has_the_documented_shape(small_run: dict[str, Any]) -> None:
    assert {"metrics", "by_kind", "items"} <= set(small_run)
    assert small_run["gold"]["split"] == "small" and small_run["split"] == "small"
    assert set(small_run["by_kind"]) == {"fact", "followup", "unanswerable"}
    for key in (
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
        "figure_violations",
        "must_include_coverage",
        "refusal_rate_unanswerable",
        "false_refusal_rate",
        "latency_p50_ms",
        "latency_p95_ms",
    ):
        assert key in small_run["metrics"]
    for record in small_run["items"]:
        assert {"id", "retrieved", "citations", "refused", "answer", "passed"} <= set(record)
        assert all(isinstance(n, int) for n in record["retrieved"])
    followup = next(r for r in small_run["items"] if r["id"] == "h1")
    questions = [t["question"] for t in followup["history"]]
    assert questions == ["秘书长的战略有哪三大支柱？", "第二个支柱下的预防努力分为哪两种？"]
    assert all(t["answer"] for t in followup["history"])  # the real assistant's answers were replayed
    json.dumps(small_run, ensure_ascii=False)  # serialisable


@pytest.mark.parametrize("item_id", ["f1", "f2"])
def test_real_answers_are_grounded(small_run: dict[str, Any], item_id: str) -> None:
    record = next(r for r in small_run["items"] if r["id"] == item_id)
    assert not record["refused"] and record["citation_validity"] == 1.0
    assert record["unsupported"] == [] and record["violations"] == []
