"""Loading and validating gold files (`eval/gold.jsonl`, `eval/heldout.jsonl`, or any file of that format).

One JSON object per line:
`{"id": str, "question": str, "paragraphs": [int], "must_include": [str], "kind": str, "answerable": bool,
"history": [{"question": str, "paragraphs": [int]}]}` (`history` optional). A malformed line raises
`GoldError` naming the file, the line number and the field.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

EVAL_DIR = Path(__file__).resolve().parent
DEFAULT_GOLD = EVAL_DIR / "gold.jsonl"
# every other split is the file of its name: heldout.jsonl, fresh.jsonl, fresh2.jsonl … fresh11.jsonl
SPLITS: dict[str, Path] = {
    "dev": DEFAULT_GOLD,
    **{name: EVAL_DIR / f"{name}.jsonl" for name in ("heldout", "fresh", *(f"fresh{n}" for n in range(2, 12)))},
    # 70 questions of one form, 「报告为什么主张……」「秘书长是否支持……」: 50 about a stance the report takes, in the
    # asker's words, and 20 whose premise it never states; written blind by a helper to measure that form
    "stance": EVAL_DIR / "stance.jsonl",
}
# What `python -m eval tune` learns from (eval/tune.py): every split whose misses have been read while changing
# the code, 482 questions, 167 unanswerable. A split written later stays out, so that it measures questions
# nothing was chosen on (fresh7, fresh10 and fresh11, read only as counts). The shipped values (assistant/data/) were
# written on the first eight. With fresh8 added, `tune --write` would move the Chinese weights to (0.3, 0.5, 0,
# 0.2), min_score to 0.8934 and coverage_weight to 0.02: measured on the ten splits, hit@1 +3 and -2 questions
# on the seen ones, -1 on fresh7, one more false refusal (fresh4); not adopted. fresh9 joined the pool later the
# same day; the choice was not re-run with it.
TRAIN_SPLITS = ["dev", "heldout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh8", "fresh9"]

REQUIRED_FIELDS: dict[str, type] = {
    "id": str,
    "question": str,
    "paragraphs": list,
    "must_include": list,
    "kind": str,
    "answerable": bool,
}


class GoldError(ValueError):
    """A gold file cannot be used; the message names the file, line and field."""


@dataclass(frozen=True)
class HistoryTurn:
    question: str
    paragraphs: tuple[int, ...] = ()


@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    paragraphs: tuple[int, ...]
    must_include: tuple[str, ...]
    kind: str
    answerable: bool
    history: tuple[HistoryTurn, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class GoldSet:
    path: Path
    split: str
    sha256: str
    items: tuple[GoldItem, ...]

    def describe(self) -> dict[str, Any]:
        return {"path": display_path(self.path), "split": self.split, "sha256": self.sha256, "items": len(self.items)}


def display_path(path: Path) -> str:
    """The path relative to the project root when it is inside it (stable across checkouts)."""
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(EVAL_DIR.parent))
    except ValueError:
        return str(resolved)


def split_name(path: Path) -> str:
    """`dev` for eval/gold.jsonl, `heldout` for eval/heldout.jsonl, otherwise the file's stem."""
    resolved = Path(path).resolve()
    for name, split_path in SPLITS.items():
        if resolved == split_path.resolve():
            return name
    return resolved.stem


def _fail(path: Path, line: int, field: str, problem: str) -> GoldError:
    return GoldError(f"{display_path(path)}, line {line}: field {field!r}: {problem}")


def _int_list(path: Path, line: int, field: str, value: Any) -> tuple[int, ...]:
    if not isinstance(value, list):
        raise _fail(path, line, field, f"expected a list of paragraph numbers, got {type(value).__name__}")
    for number in value:
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise _fail(path, line, field, f"expected positive paragraph numbers, got {number!r}")
    return tuple(value)


def parse_item(path: Path, line: int, raw: Any) -> GoldItem:
    """Validate one decoded line; raises `GoldError` naming the line and the field."""
    if not isinstance(raw, dict):
        raise _fail(path, line, "(line)", f"expected a JSON object, got {type(raw).__name__}")
    for field, kind in REQUIRED_FIELDS.items():
        if field not in raw:
            raise _fail(path, line, field, "missing")
        if not isinstance(raw[field], kind):
            raise _fail(path, line, field, f"expected {kind.__name__}, got {type(raw[field]).__name__}")
    for field in ("id", "question", "kind"):
        if not raw[field].strip():
            raise _fail(path, line, field, "must not be empty")
    paragraphs = _int_list(path, line, "paragraphs", raw["paragraphs"])
    if not all(isinstance(s, str) and s.strip() for s in raw["must_include"]):
        raise _fail(path, line, "must_include", "expected a list of non-empty strings")
    if not raw["answerable"] and paragraphs:
        raise _fail(path, line, "paragraphs", "an unanswerable item (answerable: false) must have no gold paragraphs")
    history = _parse_history(path, line, raw.get("history", []))
    unknown = sorted(set(raw) - set(REQUIRED_FIELDS) - {"history"})
    if unknown:
        log.debug("%s line %d: ignoring extra fields %s", display_path(path), line, unknown)
    if raw["answerable"] and not paragraphs:
        log.warning(
            "%s line %d: answerable item %r has no gold paragraphs; it is left out of the retrieval metrics",
            display_path(path),
            line,
            raw["id"],
        )
    return GoldItem(
        id=raw["id"],
        question=raw["question"],
        paragraphs=paragraphs,
        must_include=tuple(raw["must_include"]),
        kind=raw["kind"],
        answerable=raw["answerable"],
        history=history,
        line=line,
    )


def _parse_history(path: Path, line: int, value: Any) -> tuple[HistoryTurn, ...]:
    if not isinstance(value, list):
        raise _fail(path, line, "history", f"expected a list of earlier turns, got {type(value).__name__}")
    turns = []
    for position, turn in enumerate(value):
        field = f"history[{position}]"
        if not isinstance(turn, dict):
            raise _fail(path, line, field, f"expected an object, got {type(turn).__name__}")
        question = turn.get("question")
        if not isinstance(question, str) or not question.strip():
            raise _fail(path, line, f"{field}.question", "missing or not a non-empty string")
        turns.append(HistoryTurn(question, _int_list(path, line, f"{field}.paragraphs", turn.get("paragraphs", []))))
    return tuple(turns)


def load_gold(path: Path | str) -> GoldSet:
    """Read and validate a gold file; raises `GoldError` on the first malformed line."""
    path = Path(path)
    if not path.is_file():
        raise GoldError(f"gold file {display_path(path)} does not exist")
    items: list[GoldItem] = []
    canonical: list[str] = []
    seen: dict[str, int] = {}
    for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise _fail(path, line, "(line)", f"not valid JSON ({error.msg} at column {error.colno})") from None
        item = parse_item(path, line, raw)
        if item.id in seen:
            raise _fail(path, line, "id", f"duplicate id {item.id!r} (first on line {seen[item.id]})")
        seen[item.id] = line
        items.append(item)
        canonical.append(json.dumps(raw, ensure_ascii=False, sort_keys=True))
    if not items:
        raise GoldError(f"gold file {display_path(path)} has no items")
    digest = hashlib.sha256("\n".join(canonical).encode("utf-8")).hexdigest()
    return GoldSet(path=path, split=split_name(path), sha256=digest, items=tuple(items))


def check_paragraphs(gold: GoldSet, existing: set[int]) -> None:
    """Every gold paragraph must exist in the indexed report; raises `GoldError` naming the line."""
    for item in gold.items:
        missing = [n for n in item.paragraphs if n not in existing]
        if missing:
            raise _fail(gold.path, item.line, "paragraphs", f"paragraph(s) {missing} do not exist in the report")
        for position, turn in enumerate(item.history):
            missing = [n for n in turn.paragraphs if n not in existing]
            if missing:
                raise _fail(
                    gold.path,
                    item.line,
                    f"history[{position}].paragraphs",
                    f"paragraph(s) {missing} do not exist in the report",
                )
