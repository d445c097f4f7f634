"""`python -m eval feedback export`: turn 👎 answers into candidate gold lines for a person to complete.

Each line is in the gold format with what is known filled in (the question) and what a person must
add left empty (`paragraphs`, `must_include`); `kind` is "feedback" so the lines are easy to find.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.feedback import Feedback, FeedbackStore, feedback_path
from assistant.settings import Settings, SettingsError


def candidate(item: Feedback) -> dict[str, Any]:
    return {
        "id": f"feedback-{item.id}",
        "question": item.question,
        "paragraphs": [],
        "must_include": [],
        "kind": "feedback",
        "answerable": True,
    }


def export_lines(store: FeedbackStore) -> list[str]:
    """One gold line per distinct 👎 question (the earliest report of it), in the order they came in."""
    seen: set[str] = set()
    lines = []
    for item in store.items(rating=-1):
        key = item.question.strip()
        if not key or key in seen:
            continue
        seen.add(key)
        lines.append(json.dumps(candidate(item), ensure_ascii=False))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval feedback", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write the 👎 questions as candidate gold lines")
    export.add_argument("--out", type=Path, help="write to this file instead of stdout")
    export.add_argument("--data-dir", type=Path, help="data directory (default: ASSISTANT_DATA_DIR or .data)")
    args = parser.parse_args(argv)
    try:
        data_dir = args.data_dir or Settings.from_env().data_dir
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    path = feedback_path(data_dir)
    if not path.exists():
        print(f"no feedback recorded yet ({path} does not exist)", file=sys.stderr)
        lines: list[str] = []
    else:
        lines = export_lines(FeedbackStore(path))
    text = "".join(line + "\n" for line in lines)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {len(lines)} candidate gold line(s) to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
