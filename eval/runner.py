"""Run a gold set through the engine and score every item: the `metrics` / `by_kind` / `items` JSON.

Each item's `history` is replayed through the engine first, so the conversation the last question sees
is the one the assistant really had (its real answers and citations), not the gold paragraphs.
"""

from __future__ import annotations

import logging
import platform
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from tqdm import tqdm

from assistant.result import AnswerResult, Turn
from eval import metrics as m
from eval.gold import GoldItem, GoldSet
from index.parser import Paragraph

log = logging.getLogger(__name__)
K = 5


class EngineLike(Protocol):
    """What the runner needs of `assistant.engine.Engine` (tests pass stand-ins)."""

    def ask(self, question: str, history: list[Turn] | None = None) -> AnswerResult: ...


def report_paragraphs(engine: Any) -> dict[int, Paragraph]:
    """Paragraphs of the evaluated report by number (the first indexed report when there are several)."""
    paragraphs: Sequence[Paragraph] = engine.retriever.paragraphs
    if not paragraphs:
        return {}
    document = paragraphs[0].document
    return {p.number: p for p in paragraphs if p.document == document}


def replay(engine: EngineLike, item: GoldItem) -> tuple[AnswerResult, list[Turn]]:
    """Ask the item's earlier turns in order, each with the real conversation so far, then its question."""
    history: list[Turn] = []
    for turn in item.history:
        earlier = engine.ask(turn.question, list(history))
        history.append(Turn(turn.question, earlier.answer, tuple(earlier.citations)))
    return engine.ask(item.question, list(history)), history


def score_item(
    item: GoldItem,
    result: AnswerResult | None,
    paragraphs: dict[int, Paragraph],
    history: Sequence[Turn] = (),
    error: str = "",
) -> dict[str, Any]:
    """The per-item record of the JSON output: what the engine did, every metric, passed and why not."""
    retrieved = [r.paragraph.number for r in result.retrieved] if result else []
    citations = list(result.citations) if result else []
    refused = bool(result.refused) if result else False
    answer = result.answer if result else ""
    gold = list(item.paragraphs)
    texts = {n: p.searchable_text for n, p in paragraphs.items()}
    ground = m.grounding(answer, texts) if result and not refused else m.Grounding()
    record: dict[str, Any] = {
        "id": item.id,
        "kind": item.kind,
        "question": item.question,
        "answerable": item.answerable,
        "gold": gold,
        "retrieved": retrieved,
        "citations": citations,
        "refused": refused,
        "answer": answer,
        "passed": False,
        "failures": [],
        "rank": m.gold_rank(gold, retrieved) if gold else None,
        "hit@1": m.hit_at_k(gold, retrieved, 1) if gold else None,
        "hit@3": m.hit_at_k(gold, retrieved, 3) if gold else None,
        "hit@5": m.hit_at_k(gold, retrieved, K) if gold else None,
        "recall@5": m.recall_at_k(gold, retrieved, K),
        "rr": m.reciprocal_rank(gold, retrieved) if gold else None,
        "ndcg@5": m.ndcg_at_k(gold, retrieved, K),
        "citation_validity": m.citation_validity(citations, retrieved, set(paragraphs)) if not refused else None,
        "citation_precision": m.citation_precision(citations, gold) if gold and not refused else None,
        "citation_recall": m.citation_recall(citations, gold) if not refused else None,
        "must_include_coverage": m.must_include_coverage(answer, item.must_include) if item.answerable else None,
        "missing": [s for s in item.must_include if m.compact(s) not in m.compact(answer)],
        "sentences": len(ground.sentences),
        "scored_sentences": len(ground.scored),
        "mean_support": ground.mean_support,
        "support_scores": [round(x.support, 4) for x in ground.scored if x.support is not None],
        "unsupported": [s.text for s in ground.unsupported],
        "violations": ground.violations,
        "latency_ms": round(result.timings_ms.get("total", 0.0), 2) if result else None,
        "removed_citations": result.removed_citations if result else 0,
        "standalone_question": result.standalone_question if result else "",
        "history": [{"question": t.question, "answer": t.answer, "citations": list(t.citations)} for t in history],
        "error": error,
    }
    record["failures"] = failures(item, record)
    record["passed"] = not record["failures"]
    return record


def failures(item: GoldItem, record: dict[str, Any]) -> list[str]:
    """Why an item did not pass; an empty list means it passed.

    Unanswerable: it must be refused. Answerable: not refused, every must_include string present, at least
    one gold paragraph cited, every citation valid, no unsupported sentence, no figure missing from the
    cited paragraphs.
    """
    if record["error"]:
        return [f"error: {record['error']}"]
    if not item.answerable:
        return [] if record["refused"] else ["answered an unanswerable question"]
    if record["refused"]:
        return ["refused an answerable question"]
    reasons = [f"missing {s!r}" for s in record["missing"]]
    if item.paragraphs and not set(record["citations"]) & set(item.paragraphs):
        reasons.append("no gold paragraph cited")
    if record["citation_validity"] == 0.0:
        reasons.append("cites a paragraph that does not exist or was not retrieved")
    reasons.extend(f"unsupported sentence: {text[:40]}" for text in record["unsupported"])
    reasons.extend(f"figure not in cited paragraphs: {figure}" for figure in record["violations"])
    return reasons


def aggregate(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Headline metrics over a list of item records (the whole set or one kind)."""
    answerable = [r for r in records if r["answerable"]]
    unanswerable = [r for r in records if not r["answerable"]]
    with_gold = [r for r in answerable if r["gold"]]
    answered = [r for r in records if not r["refused"] and not r["error"]]
    scored = sum(r["scored_sentences"] for r in answered)
    sentences = sum(r["sentences"] for r in answered)
    unsupported = sum(len(r["unsupported"]) for r in answered)
    latencies = [r["latency_ms"] for r in records if r["latency_ms"] is not None]

    def over(rows: Sequence[dict[str, Any]], key: str) -> float | None:
        return m.mean(r[key] for r in rows)

    return {
        "items": len(records),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "hit@1": over(with_gold, "hit@1"),
        "hit@3": over(with_gold, "hit@3"),
        "hit@5": over(with_gold, "hit@5"),
        "recall@5": over(with_gold, "recall@5"),
        "mrr": over(with_gold, "rr"),
        "ndcg@5": over(with_gold, "ndcg@5"),
        "citation_validity": over(answered, "citation_validity"),
        "citation_precision": over([r for r in answered if r["answerable"]], "citation_precision"),
        "citation_recall": over([r for r in answered if r["answerable"]], "citation_recall"),
        "no_citation_rate": m.rate(not r["citations"] for r in answered),
        "unsupported_sentence_rate": unsupported / scored if scored else None,
        "mean_support": m.mean(s for r in answered for s in r["support_scores"]),
        "unscored_sentence_rate": (sentences - scored) / sentences if sentences else None,
        "figure_violations": sum(len(r["violations"]) for r in answered),
        "answers_with_violations": m.rate(bool(r["violations"]) for r in answered),
        "must_include_coverage": over(answerable, "must_include_coverage"),
        "refusal_rate_unanswerable": m.rate(r["refused"] for r in unanswerable),
        "false_refusal_rate": m.rate(r["refused"] for r in answerable),
        "pass_rate": m.rate(r["passed"] for r in records),
        "latency_p50_ms": m.percentile(latencies, 50),
        "latency_p95_ms": m.percentile(latencies, 95),
        "errors": sum(1 for r in records if r["error"]),
    }


def summarize(records: Sequence[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(metrics over all items, metrics per `kind`)."""
    kinds = sorted({r["kind"] for r in records})
    return aggregate(records), {kind: aggregate([r for r in records if r["kind"] == kind]) for kind in kinds}


def run_items(
    engine: EngineLike,
    items: Sequence[GoldItem],
    paragraphs: dict[int, Paragraph],
    progress: bool = True,
    on_item: Callable[[dict[str, Any]], None] | None = None,
) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for item in tqdm(items, desc="eval", unit="q", disable=not progress, dynamic_ncols=True):
        result: AnswerResult | None = None
        history: list[Turn] = []
        error = ""
        try:
            result, history = replay(engine, item)
        except Exception as exc:  # one broken item must not lose the whole run; it is reported and gated
            log.exception("item %s failed", item.id)
            error = f"{type(exc).__name__}: {exc}"
        record = score_item(item, result, paragraphs, history, error)
        records.append(record)
        if on_item:
            on_item(record)
    return records


WARM_UP_QUESTION = "报告的主题是什么？"


def warm_up(engine: EngineLike) -> None:
    """One unrecorded question first, so the latency figures do not include first-call loading."""
    try:
        engine.ask(WARM_UP_QUESTION, [])
    except Exception as exc:  # the run itself will report real failures item by item
        log.warning("warm-up question failed: %s", exc)


def run_eval(
    engine: EngineLike, gold: GoldSet, backend: str = "", progress: bool = True, warm: bool = True
) -> dict[str, Any]:
    """Evaluate every gold item; returns the full JSON document (metrics, by_kind, items, provenance)."""
    started = datetime.now(UTC)
    clock = time.perf_counter()
    if warm:
        warm_up(engine)
    paragraphs = report_paragraphs(engine)
    records = run_items(engine, gold.items, paragraphs, progress)
    metrics, by_kind = summarize(records)
    backend_name = backend or getattr(getattr(engine, "backend", None), "name", "") or "unknown"
    return {
        "metrics": metrics,
        "by_kind": by_kind,
        "items": records,
        "gold": gold.describe(),
        "split": gold.split,
        "backend": backend_name,
        "model": getattr(getattr(engine, "backend", None), "model", "") or "",
        "run": {
            "started": started.isoformat(timespec="seconds"),
            "wall_s": round(time.perf_counter() - clock, 2),
            "python": platform.python_version(),
            "k": K,
        },
    }
