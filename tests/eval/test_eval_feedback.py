"""`python -m eval feedback export`: 👎 answers become candidate gold lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.feedback import FeedbackStore, feedback_path
from eval.feedback import main
from eval.gold import parse_item


def _store(data_dir: Path) -> FeedbackStore:
    store = FeedbackStore(feedback_path(data_dir))
    common = {"source": "web", "answer": "……", "citations": [1], "backend": "extractive"}
    store.record(rating=-1, question="维和预算是多少？", **common)
    store.record(rating=1, question="三大支柱是什么？", **common)
    store.record(rating=-1, question="第12段讲了什么", **common)
    store.record(rating=-1, question="维和预算是多少？", **common)  # a repeat: exported once
    return store


def test_export_writes_gold_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _store(tmp_path)
    assert main(["export", "--data-dir", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    items = [json.loads(line) for line in lines]
    assert [i["question"] for i in items] == ["维和预算是多少？", "第12段讲了什么"]
    assert items[0] == {
        "id": "feedback-1",
        "question": "维和预算是多少？",
        "paragraphs": [],
        "must_include": [],
        "kind": "feedback",
        "answerable": True,
    }
    for number, raw in enumerate(items, start=1):
        parse_item(Path("candidates.jsonl"), number, raw)  # valid in the gold format


def test_export_to_file_and_with_no_feedback(tmp_path: Path) -> None:
    _store(tmp_path / "data")
    out = tmp_path / "candidates.jsonl"
    assert main(["export", "--data-dir", str(tmp_path / "data"), "--out", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    assert main(["export", "--data-dir", str(tmp_path / "empty"), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == ""
