"""Does an earlier turn change the answer to a question that does not read on from it?

In the web UI and in Slack every question after the first carries the conversation. This asks each gold
question that has no history of its own twice: alone, and after the question before it in its file (with the
answer that question got), as a chat session would. It prints how often the earlier turn cost the question its
rank-1 paragraph, turned an answer into a refusal or the reverse. Figures are printed, never asserted.

    python benchmarks/session_drift.py [--split dev --split fresh …] [--list]
"""

from __future__ import annotations

import argparse
import json

from assistant.bootstrap import open_engine
from assistant.result import AnswerResult, Turn
from assistant.settings import Settings
from eval.gold import SPLITS, TRAIN_SPLITS, load_gold


def _top(result: AnswerResult) -> int | None:
    return None if result.refused or not result.retrieved else result.retrieved[0].paragraph.number


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", action="append", choices=sorted(SPLITS), help=f"default: {' '.join(TRAIN_SPLITS)}")
    parser.add_argument("--list", action="store_true", help="print the questions that changed")
    args = parser.parse_args(argv)
    engine = open_engine(Settings.from_env())
    figures = {
        "asked_after_another": 0,
        "lost_rank_1": 0,
        "gained_rank_1": 0,
        "answerable_now_refused": 0,
        "unanswerable_now_answered": 0,
    }
    for split in args.split or TRAIN_SPLITS:
        previous: tuple[str, AnswerResult] | None = None
        for item in load_gold(SPLITS[split]).items:
            if item.history:
                previous = None
                continue
            alone = engine.ask(item.question)
            if previous is not None:
                question, answer = previous
                after = engine.ask(item.question, [Turn(question, answer.answer, tuple(answer.citations))])
                figures["asked_after_another"] += 1
                change = ""
                if item.answerable:
                    before_hit, after_hit = _top(alone) in item.paragraphs, _top(after) in item.paragraphs
                    if before_hit and not after_hit:
                        figures["lost_rank_1"] += 1
                        change = "lost rank 1"
                    elif after_hit and not before_hit:
                        figures["gained_rank_1"] += 1
                        change = "gained rank 1"
                    if after.refused and not alone.refused:
                        figures["answerable_now_refused"] += 1
                        change = "answerable, now refused"
                elif alone.refused and not after.refused:
                    figures["unanswerable_now_answered"] += 1
                    change = "unanswerable, now answered"
                if change and args.list:
                    print(f"{split} {item.id}: {change} (after 「{question}」)")
            previous = (item.question, alone)
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
