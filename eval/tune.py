"""Learn the fusion weights and refusal thresholds on the seen gold splits, with cross-validation.

`python -m eval tune [--train dev heldout fresh fresh2 … fresh9] [--write]`

The splits named by `--train` are pooled (by default every split whose misses have been read: the
development split, the held-out split and eight blind splits after their first runs, 482 questions). The
per-signal scores of every question are computed once; weights are then searched on a grid over the simplex
(steps of 0.1), separately for Chinese and for English questions; then the answer-type weight (the bonus that
puts first a top paragraph holding the kind of answer asked for, `assistant/retrieval.py`) on a grid of its own.
Five-fold cross-validation (repeated over three shuffles) reports how well weights chosen on four folds do on
the fifth, and leave-one-split-out scores each split with what the others chose, so a result that only fits the
questions it was tuned on shows up as a gap. Fusion weights move away from the shipped ones
(assistant/data/fusion.json) only when the grid beats them by two or more questions at rank 1, so the result of
`--write` depends on what is shipped; cross-validation measures the grid's own choice instead, since the shipped
weights have seen every fold. `--write` stores the weights chosen on the whole pool in assistant/data/fusion.json
and assistant/data/refusal.json.

Why pool (measured 2026-11-27): weights and thresholds chosen on the development split alone, scored on the
five other splits, reach hit@1 108/119, refusal 47/65, 1 false refusal; chosen on the other splits each
time (leave-one-split-out), 111/119, 49/65, 1.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from statistics import NormalDist

import numpy as np

from assistant.addressing import resolve
from assistant.bootstrap import open_engine
from assistant.engine import Condensed, Engine
from assistant.refusal import REFUSAL_FILE, RefusalFeatures, RefusalThresholds, refusal_features, should_refuse
from assistant.result import Turn
from assistant.retrieval import FUSION_FILE, FusionWeights, Signals
from assistant.settings import Settings
from eval.gold import SPLITS, TRAIN_SPLITS

FOLDS = 5
CV_REPEATS = 3
# The target is at most 5 % false refusals; training allows fewer, because a cut fitted to exactly 5 %
# refuses more answerable questions it has not seen. Measured: trained at 5 % → cross-validated false
# refusals 0.078, held-out 0.158; trained at 2 % → 0.031 and 0.000, with the same refusal rates (dev alone,
# 95 answerable questions). On the pool of the seen splits (215 answerable at first, 265 now) 1 % can be
# placed, and leave-one-split-out showed the need: cut at 2 %, the five other splits' choice refused 9 of
# dev's 88 answerable questions (0.102), cut at 1 %, 2 (0.023), the other splits' figures unchanged; the 2 %
# cut chosen on the whole pool refused 「区域组织在预警中扮演什么角色？」 (tests/assistant/test_engine.py).
TRAIN_FALSE_REFUSALS = 0.01
Z_FALSE_REFUSALS = NormalDist().inv_cdf(1 - TRAIN_FALSE_REFUSALS)  # 2.326
MIN_GAIN_QUESTIONS = 2
GRID = [round(x, 1) for x in np.arange(0, 1.01, 0.1)]
MIX_GRID = [0.0, 0.02, 0.05, 0.1, 0.2]
ANSWER_TYPE_GRID = [0.0, 0.05, 0.1, 0.2, 0.3]


@dataclass
class Case:
    id: str
    kind: str
    answerable: bool
    gold: list[int]
    question: str
    signals: Signals
    boost: dict[str, float]


def load_cases(engine: Engine, gold_file: Path) -> list[Case]:
    cases = []
    numbers = {p.number for p in engine.retriever.paragraphs}
    sections = engine.retriever.reports[0].sections
    for line in gold_file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if not resolve(item["question"], numbers, sections, engine._footnote_places).is_empty:
            continue  # addressed questions bypass similarity: nothing to tune
        history = [Turn(t["question"], "", tuple(t.get("paragraphs", ()))) for t in item.get("history") or []]
        condensed: Condensed = engine.condense({"question": item["question"], "history": history})
        cases.append(
            Case(
                item["id"],
                item["kind"],
                bool(item["answerable"]),
                list(item["paragraphs"]),
                item["question"],
                engine.retriever.signals(condensed.query, item["question"]),
                condensed.boost,
            )
        )
    return cases


def _rank_of_gold(engine: Engine, case: Case, weights: FusionWeights) -> int:
    engine.retriever.weights = weights
    hits = engine.retriever.rank(case.signals, case.boost)
    for rank, hit in enumerate(hits, start=1):
        if hit.paragraph.number in case.gold:
            return rank
    return len(hits) + 1


def _score(engine: Engine, cases: list[Case], weights: FusionWeights) -> tuple[float, float]:
    ranks = [_rank_of_gold(engine, c, weights) for c in cases if c.answerable]
    if not ranks:
        return 0.0, 0.0
    return float(np.mean([r == 1 for r in ranks])), float(np.mean([1 / r for r in ranks]))


def _candidates(chinese: bool) -> list[FusionWeights]:
    """Every point of the grid on the simplex: four signals for Chinese questions, three for English ones
    (an English question has no character bigrams)."""
    out = []
    if chinese:
        for a, b, c in itertools.product(GRID, GRID, GRID):
            d = round(1 - a - b - c, 1)
            if d > -1e-9:
                out.append(FusionWeights(paragraph=a, sentence=b, lexical=c, characters=d))
        return out
    for a, b in itertools.product(GRID, GRID):
        c = round(1 - a - b, 1)
        if c > -1e-9:
            out.append(FusionWeights(english_paragraph=a, english_sentence=b, english_lexical=c))
    return out


def best_weights(engine: Engine, cases: list[Case], incumbent: FusionWeights | None = None) -> FusionWeights:
    """The grid's best weights per language (hit@1, then MRR) — or, given an `incumbent` (the shipped weights),
    those unless the grid's best beats them by MIN_GAIN_QUESTIONS or more questions at rank 1: a one-question
    difference is noise, and moving on it churns every answer (on the 137-question split, (0.3, 0.7, 0) beat
    the shipped (0.3, 0.4, 0.3) by one question on dev and lost one on held-out)."""
    chosen = {}
    shipped = replace(incumbent, answer_type=0.0) if incumbent is not None else None  # the signals alone
    for chinese in (True, False):
        subset = [c for c in cases if c.signals.chinese == chinese and c.answerable]
        if not subset:
            chosen[chinese] = shipped or FusionWeights()
            continue
        best = max(_candidates(chinese), key=lambda w: _score(engine, subset, w))
        chosen[chinese] = _unless_clearly_better(engine, subset, best, shipped)
    zh, en = chosen[True], chosen[False]
    weights = replace(
        zh,
        english_paragraph=en.english_paragraph,
        english_sentence=en.english_sentence,
        english_lexical=en.english_lexical,
        answer_type=0.0,
    )
    return _with_answer_type(engine, [c for c in cases if c.answerable], weights, incumbent)


def _with_answer_type(
    engine: Engine, cases: list[Case], weights: FusionWeights, incumbent: FusionWeights | None
) -> FusionWeights:
    """The answer-type bonus, chosen after the signal weights on every answerable question (both languages), with
    the same rule against moving the shipped value for less than MIN_GAIN_QUESTIONS; ties go to the smaller bonus."""
    if not cases:
        return replace(weights, answer_type=incumbent.answer_type if incumbent else 0.0)
    candidates = [replace(weights, answer_type=bonus) for bonus in ANSWER_TYPE_GRID]
    best = max(candidates, key=lambda w: (_score(engine, cases, w), -w.answer_type))
    kept = replace(weights, answer_type=incumbent.answer_type) if incumbent is not None else None
    return _unless_clearly_better(engine, cases, best, kept)


def _unless_clearly_better(
    engine: Engine, cases: list[Case], best: FusionWeights, shipped: FusionWeights | None
) -> FusionWeights:
    """`shipped` unless `best` puts MIN_GAIN_QUESTIONS or more of the cases more at rank 1 (no `shipped`: `best`)."""
    if shipped is None:
        return best
    gain = (_score(engine, cases, best)[0] - _score(engine, cases, shipped)[0]) * len(cases)
    return best if gain >= MIN_GAIN_QUESTIONS - 1e-9 else shipped


def _features(engine: Engine, cases: list[Case], weights: FusionWeights) -> list[tuple[Case, RefusalFeatures]]:
    engine.retriever.weights = weights
    return [
        (
            c,
            refusal_features(
                engine.retriever,
                c.signals,
                engine.retriever.rank(c.signals, c.boost, limit=5),
                c.question,
            ),
        )
        for c in cases
    ]


@dataclass(frozen=True)
class Cut:
    threshold: float
    refused: float  # share of the unanswerable scores below the threshold
    margin: float  # gap between the lowest kept answerable score and the highest refused unanswerable one


def _cut(answerable: list[float], unanswerable: list[float]) -> Cut | None:
    """The threshold that refuses at most 1 % of the answerable scores, placed half-way between the lowest
    answerable score it keeps and the highest unanswerable score it refuses (a maximum-margin cut: a new
    answerable question a little below the ones seen is not refused at once). With fewer than 100 answerable
    scores the "lowest kept" is the normal estimate of their 1 % quantile when that is lower than every score
    seen, and the margin is measured from it."""
    if not answerable:
        return None
    ordered = sorted(answerable)
    lowest_kept = ordered[int(np.floor(TRAIN_FALSE_REFUSALS * len(ordered)))]
    if 2 < len(ordered) < 1 / TRAIN_FALSE_REFUSALS:
        # Too few scores to place a 1 % quantile (in practice the English questions: 66 in the pool, about 53
        # in a CV fold): estimate it from their mean and spread instead of trusting the lowest one seen. Measured
        # (3 x 5-fold CV on dev): refusals 0.857 → 0.825, false refusals 0.034 → 0.023; "What role can the
        # African Union Panel of the Wise play?" was refused under the lowest-seen cut.
        lowest_kept = min(lowest_kept, float(np.mean(ordered) - Z_FALSE_REFUSALS * np.std(ordered, ddof=1)))
    below = [v for v in unanswerable if v < lowest_kept]
    if not below:
        return Cut(lowest_kept - 1e-6, 0.0, 0.0)
    return Cut((lowest_kept + max(below)) / 2, len(below) / max(1, len(unanswerable)), lowest_kept - max(below))


def _better(cut: Cut, best: Cut | None) -> bool:
    if best is None or cut.refused > best.refused + 1e-9:
        return True
    return abs(cut.refused - best.refused) <= 1e-9 and cut.margin > best.margin + 1e-9


def best_thresholds(engine: Engine, cases: list[Case], weights: FusionWeights) -> RefusalThresholds:
    """Search the combination weights, Chinese questions first, then English; per candidate, the cut keeps
    false refusals ≤ 1 %; the most refusals win, then the widest margin."""
    # questions addressed to the assistant are refused by rule: the cut has no say in them. (Leaving out every
    # question a rule decides — a name never mentioned, after the report, a topic named in full — was measured
    # on 2026-11-27: pooled CV refusal 0.827 → 0.818, false refusals 0.016 → 0.013, leave-one-split-out one
    # refusal fewer and one false refusal more; not adopted.)
    features = [(c, f) for c, f in _features(engine, cases, weights) if not f.addresses_assistant]
    chinese = [(c, f) for c, f in features if f.chinese and f.has_terms]
    english = [(c, f) for c, f in features if not (f.chinese and f.has_terms)]
    zh_candidates = (
        RefusalThresholds(a, b, c, d, e, min_score=0.0, min_english_similarity=0.0)
        for a, b, c, d, e in itertools.product(MIX_GRID, MIX_GRID, MIX_GRID, MIX_GRID, MIX_GRID)
    )
    chosen = _search(zh_candidates, chinese, RefusalFeatures.score, "min_score") or RefusalThresholds()
    en_candidates = (
        replace(chosen, english_coverage_weight=w, english_name_penalty=p)
        for w, p in itertools.product(MIX_GRID, MIX_GRID)
    )
    return _search(en_candidates, english, RefusalFeatures.english_score, "min_english_similarity") or chosen


def _search(
    candidates: Iterable[RefusalThresholds],
    cases: list[tuple[Case, RefusalFeatures]],
    score: Callable[[RefusalFeatures, RefusalThresholds], float],
    threshold_field: str,
) -> RefusalThresholds | None:
    """The candidate whose cut refuses the most unanswerable cases (then with the widest margin), with its
    threshold stored in `threshold_field`; None when there are no answerable cases."""
    chosen, best = None, None
    for candidate in candidates:
        cut = _cut(
            [score(f, candidate) for c, f in cases if c.answerable],
            [score(f, candidate) for c, f in cases if not c.answerable],
        )
        if cut is not None and _better(cut, best):
            best, chosen = cut, replace(candidate, **{threshold_field: round(cut.threshold, 4)})
    return chosen


def refusal_rates(engine: Engine, cases: list[Case], weights: FusionWeights, thresholds: RefusalThresholds) -> dict:
    refused = {c.id: should_refuse(f, thresholds) for c, f in _features(engine, cases, weights)}
    unanswerable = [refused[c.id] for c in cases if not c.answerable]
    answerable = [refused[c.id] for c in cases if c.answerable]
    return {
        "refusal_rate_unanswerable": float(np.mean(unanswerable)) if unanswerable else None,
        "false_refusal_rate": float(np.mean(answerable)) if answerable else None,
    }


def cross_validate(engine: Engine, cases: list[Case]) -> dict:
    """Five-fold cross-validation, repeated over CV_REPEATS shuffles of the cases (a single split of a
    hundred-odd questions moves the refusal rate by several points); the rates are pooled over all."""
    hits, refusals, false_refusals = [], [], []
    for repeat in range(CV_REPEATS):
        order = list(cases)
        random.Random(repeat).shuffle(order)
        folds = [order[i::FOLDS] for i in range(FOLDS)]
        for i, test in enumerate(folds):
            train = [c for j, fold in enumerate(folds) if j != i for c in fold]
            weights = best_weights(engine, train)  # no incumbent: the shipped weights have seen every fold
            thresholds = best_thresholds(engine, train, weights)
            hits.extend(_rank_of_gold(engine, c, weights) == 1 for c in test if c.answerable)
            refused = {c.id: should_refuse(f, thresholds) for c, f in _features(engine, test, weights)}
            refusals.extend(refused[c.id] for c in test if not c.answerable)
            false_refusals.extend(refused[c.id] for c in test if c.answerable)
    return {
        "hit@1": float(np.mean(hits)),
        "refusal_rate_unanswerable": float(np.mean(refusals)),
        "false_refusal_rate": float(np.mean(false_refusals)),
    }


def leave_one_split_out(engine: Engine, splits: dict[str, list[Case]]) -> dict:
    """Each split scored with weights and thresholds chosen on all the others: the splits were written by
    different people at different times, so this is the nearest the seen questions come to a new author's."""
    out = {}
    for held, test in splits.items():
        train = [c for name, cases in splits.items() if name != held for c in cases]
        weights = best_weights(engine, train)
        thresholds = best_thresholds(engine, train, weights)
        out[held] = {"hit@1": _score(engine, test, weights)[0], **refusal_rates(engine, test, weights, thresholds)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval tune", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--train",
        nargs="+",
        choices=sorted(SPLITS),
        default=TRAIN_SPLITS,
        help=f"the splits to learn from (default: {' '.join(TRAIN_SPLITS)}, every split whose misses have been read)",
    )
    parser.add_argument("--write", action="store_true", help="store the chosen weights and thresholds")
    args = parser.parse_args(argv)
    engine = open_engine(Settings.from_env())
    splits = {name: load_cases(engine, SPLITS[name]) for name in args.train}
    pooled = [c for cases in splits.values() for c in cases]
    report: dict = {"cases": {name: len(cases) for name, cases in splits.items()}}
    for name, weights in (
        ("bm25_only", FusionWeights(0, 0, 1, 0, english_paragraph=0, english_sentence=0, english_lexical=1)),
        ("dense_only", FusionWeights(0.5, 0.5, 0, 0, english_paragraph=0.5, english_sentence=0.5, english_lexical=0)),
    ):
        report[name] = {"hit@1": _score(engine, pooled, weights)[0]}
    report["cross_validation"] = cross_validate(engine, pooled)
    if len(splits) > 1:
        report["leave_one_split_out"] = leave_one_split_out(engine, splits)
    weights = best_weights(engine, pooled, incumbent=FusionWeights.load())
    thresholds = best_thresholds(engine, pooled, weights)
    report["chosen"] = {"weights": asdict(weights), "thresholds": asdict(thresholds)}
    report["in_sample"] = {
        name: {"hit@1": _score(engine, cases, weights)[0], **refusal_rates(engine, cases, weights, thresholds)}
        for name, cases in splits.items()
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if args.write:
        note = f"chosen by `python -m eval tune --write` on the splits {', '.join(args.train)}; see eval/tune.py"
        FUSION_FILE.write_text(
            json.dumps({"note": note, "weights": asdict(weights)}, indent=1) + "\n", encoding="utf-8"
        )
        REFUSAL_FILE.write_text(
            json.dumps({"note": note, "thresholds": asdict(thresholds)}, indent=1) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
