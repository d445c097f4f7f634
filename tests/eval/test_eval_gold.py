"""Gold file loading: the committed files are valid, and a malformed line names its line number and field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval.gold import DEFAULT_GOLD, SPLITS, GoldError, check_paragraphs, load_gold


@pytest.mark.parametrize("path", list(SPLITS.values()), ids=list(SPLITS))
def test_committed_gold_files_are_valid(path: Path, eval_engine: Any) -> None:
    gold = load_gold(path)
    assert len(gold.items) >= (80 if path == DEFAULT_GOLD else 10)
    assert sum(1 for item in gold.items if not item.answerable) >= (10 if path == DEFAULT_GOLD else 1)
    check_paragraphs(gold, {p.number for p in eval_engine.retriever.paragraphs})


def test_splits_and_hash(tmp_path: Path, small_gold_items: list[dict[str, Any]], gold_writer: Any) -> None:
    for name, path in SPLITS.items():  # each committed split reads as its name
        assert load_gold(path).split == name
    a = load_gold(gold_writer(tmp_path / "a.jsonl", small_gold_items))
    b = load_gold(gold_writer(tmp_path / "b.jsonl", small_gold_items))
    assert a.split == "a" and a.sha256 == b.sha256
    c = load_gold(gold_writer(tmp_path / "c.jsonl", small_gold_items[:-1]))
    assert c.sha256 != a.sha256


def test_history_is_parsed(small_gold: Path) -> None:
    item = load_gold(small_gold).items[-1]
    assert [t.question for t in item.history] == ["秘书长的战略有哪三大支柱？", "第二个支柱下的预防努力分为哪两种？"]
    assert item.history[1].paragraphs == (21,)


FIRST = {
    "id": "f1",
    "question": "《2005年世界首脑会议成果》载于大会哪一号决议？",
    "paragraphs": [1],
    "must_include": ["60/1"],
    "kind": "fact",
    "answerable": True,
}


def _broken(tmp_path: Path, line3: str) -> Path:
    second = dict(FIRST, id="f2")
    good = [json.dumps(item, ensure_ascii=False) for item in (FIRST, second)]
    path = tmp_path / "broken.jsonl"
    path.write_text("\n".join([*good, line3]) + "\n", encoding="utf-8")
    return path


def _line(**changes: Any) -> str:
    item = dict(FIRST, id="x")
    item.update(changes)
    return json.dumps({k: v for k, v in item.items() if v is not ...}, ensure_ascii=False)


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('{"id": "x", "question": ', "(line)"),
        (_line(question=...), "question"),
        (_line(paragraphs="1"), "paragraphs"),
        (_line(paragraphs=[1, "2"]), "paragraphs"),
        (_line(answerable="yes"), "answerable"),
        (_line(must_include=[""]), "must_include"),
        (_line(kind=""), "kind"),
        (_line(answerable=False), "paragraphs"),
        (_line(history=[{"paragraphs": [1]}]), "history[0].question"),
        (_line(id="f1"), "id"),
        ("[1, 2]", "(line)"),
    ],
)
def test_malformed_line_names_line_and_field(tmp_path: Path, line: str, field: str) -> None:
    with pytest.raises(GoldError) as caught:
        load_gold(_broken(tmp_path, line))
    assert "line 3" in str(caught.value)
    assert f"field {field!r}" in str(caught.value)


def test_unknown_paragraph_is_reported(small_gold: Path) -> None:
    with pytest.raises(GoldError, match=r"line 4: field 'paragraphs': paragraph\(s\) \[21\] do not exist"):
        check_paragraphs(load_gold(small_gold), set(range(1, 20)))


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(GoldError, match="does not exist"):
        load_gold(tmp_path / "nope.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(GoldError, match="no items"):
        load_gold(tmp_path / "empty.jsonl")
