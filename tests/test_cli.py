"""The machine interface other tools depend on: `python -m assistant ask … --json`, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from loopback import free_port

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], data_dir: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_ask_json_contract(built_settings) -> None:
    completed = run(["assistant", "ask", "区域组织在预警方面能做什么？", "--json"], built_settings.data_dir)
    assert completed.returncode == 0, completed.stderr
    payload = json.loads(completed.stdout)
    assert isinstance(payload["answer"], str) and "[第27段]" in payload["answer"]
    assert payload["citations"] and all(isinstance(n, int) for n in payload["citations"])
    assert payload["refused"] is False
    assert [set(r) for r in payload["retrieved"]] == [{"paragraph", "score"}] * len(payload["retrieved"])
    scores = [r["score"] for r in payload["retrieved"]]
    assert scores == sorted(scores, reverse=True)
    assert payload["backend"] == "extractive"
    assert set(payload["timings_ms"]) == {"retrieve", "answer", "total"}
    assert "Traceback" not in completed.stderr


def test_history_file_drives_a_follow_up(built_settings, tmp_path: Path) -> None:
    history = tmp_path / "history.json"
    history.write_text(json.dumps([{"question": "非洲联盟智者小组能发挥什么作用？", "answer": "……[第27段]"}]))
    completed = run(
        ["assistant", "ask", "它决定采用什么框架？", "--json", "--history", str(history)], built_settings.data_dir
    )
    payload = json.loads(completed.stdout)
    assert payload["retrieved"][0]["paragraph"] == 27


@pytest.mark.parametrize("question", ["", "   "])
def test_empty_question_exits_2_with_a_message(built_settings, question: str) -> None:
    completed = run(["assistant", "ask", question], built_settings.data_dir)
    assert completed.returncode == 2
    assert "请输入问题" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_over_long_question_is_rejected(built_settings) -> None:
    completed = run(["assistant", "ask", "问" * 2001], built_settings.data_dir)
    assert completed.returncode == 2 and "2000" in completed.stderr


def test_bad_history_file(built_settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    completed = run(["assistant", "ask", "问题", "--history", str(bad)], built_settings.data_dir)
    assert completed.returncode == 2 and "--history" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_corrupt_index_names_the_fix(tmp_path: Path) -> None:
    build = tmp_path / "index" / "builds" / "b1"
    build.mkdir(parents=True)
    (tmp_path / "index" / "CURRENT").write_text("b1")
    (build / "manifest.json").write_text("{broken")
    completed = run(["assistant", "ask", "区域组织能做什么？"], tmp_path)
    assert completed.returncode == 1
    assert "python -m index build --force" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_missing_index_is_built_automatically(tmp_path: Path) -> None:
    completed = run(["assistant", "ask", "第27段讲了什么？", "--json"], tmp_path / "fresh")
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["citations"] == [27]
    assert (tmp_path / "fresh" / "index" / "CURRENT").exists()


def test_index_build_is_idempotent(built_settings) -> None:
    completed = run(["index", "build"], built_settings.data_dir)
    assert completed.returncode == 0 and "up to date" in completed.stdout


def test_unknown_backend_names_the_valid_ones(built_settings) -> None:
    env_dir = built_settings.data_dir
    completed = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "问题"],
        cwd=ROOT,
        env={**os.environ, "ASSISTANT_DATA_DIR": str(env_dir), "ASSISTANT_LLM": "gpt9"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 2
    assert "extractive" in completed.stderr and "openai" in completed.stderr


def test_dead_chroma_server_is_reported_before_any_work(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(tmp_path),
        "CHROMA_HOST": "127.0.0.1",
        "CHROMA_PORT": str(free_port()),
    }
    for args in (["index", "build"], ["assistant", "ask", "区域组织能做什么？"]):
        completed = subprocess.run(
            [sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert completed.returncode == 1
        assert "cannot reach the Chroma server" in completed.stderr
        assert "Traceback" not in completed.stderr
