"""Fixtures of the eval tests: one index built per session in a temporary data dir, and small gold files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

SMALL_GOLD = [
    {
        "id": "f1",
        "question": "《2005年世界首脑会议成果》载于大会哪一号决议？",
        "paragraphs": [1],
        "must_include": ["60/1"],
        "kind": "fact",
        "answerable": True,
    },
    {
        "id": "f2",
        "question": "秘书长的战略有哪三大支柱？",
        "paragraphs": [9],
        "must_include": ["三大支柱"],
        "kind": "fact",
        "answerable": True,
    },
    {
        "id": "u1",
        "question": "联合国维和行动2011年的预算是多少？",
        "paragraphs": [],
        "must_include": [],
        "kind": "unanswerable",
        "answerable": False,
    },
    {
        "id": "h1",
        "question": "其中哪一种被秘书长列为最紧迫的优先事项？",
        "paragraphs": [21],
        "must_include": ["操作性预防"],
        "kind": "followup",
        "answerable": True,
        "history": [
            {"question": "秘书长的战略有哪三大支柱？", "paragraphs": [9]},
            {"question": "第二个支柱下的预防努力分为哪两种？", "paragraphs": [21]},
        ],
    },
]


def write_gold(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def eval_data_dir(built_settings: Any) -> Path:
    """The data dir holding the session's index (built once by the root conftest)."""
    return built_settings.data_dir


@pytest.fixture(scope="session")
def eval_engine(eval_data_dir: Path) -> Any:
    """The real engine with the default (extractive) backend over the session's index."""
    from assistant.bootstrap import open_engine
    from assistant.settings import Settings

    return open_engine(Settings.from_env().with_overrides(data_dir=eval_data_dir, llm_backend="extractive"))


@pytest.fixture
def eval_env(monkeypatch: pytest.MonkeyPatch, eval_data_dir: Path) -> Path:
    """Point Settings.from_env at the session's built index (after any autouse fixture that resets it)."""
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(eval_data_dir))
    monkeypatch.delenv("ASSISTANT_LLM", raising=False)
    return eval_data_dir


@pytest.fixture
def small_gold_items() -> list[dict[str, Any]]:
    return [dict(item) for item in SMALL_GOLD]


@pytest.fixture
def gold_writer() -> Any:
    return write_gold


@pytest.fixture
def small_gold(tmp_path: Path) -> Path:
    return write_gold(tmp_path / "small.jsonl", SMALL_GOLD)


@pytest.fixture(scope="session")
def small_gold_session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_gold(tmp_path_factory.mktemp("gold") / "small.jsonl", SMALL_GOLD)


@pytest.fixture(scope="session")
def small_run(eval_engine: Any, small_gold_session: Path) -> dict[str, Any]:
    """A real run of the small gold set through the extractive engine."""
    from eval.gold import load_gold
    from eval.runner import run_eval

    return run_eval(eval_engine, load_gold(small_gold_session), backend="extractive", progress=False)
