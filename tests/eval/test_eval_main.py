"""`python -m eval COMMAND` dispatch."""

from __future__ import annotations

import sys
import types

import pytest

import eval.__main__ as entry


def test_dispatch_calls_the_module_main(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    fake = types.ModuleType("eval_fake_tune")
    fake.main = lambda argv: seen.append(argv) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "eval_fake_tune", fake)
    monkeypatch.setitem(entry.COMMANDS, "tune", "eval_fake_tune")
    assert entry.main(["tune", "--write"]) == 0
    assert seen == [["--write"]]


def test_a_command_whose_module_is_missing(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(entry.COMMANDS, "bench", "eval_no_such_module")
    assert entry.main(["bench"]) == 2
    assert "not available yet" in capsys.readouterr().err


def test_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.main([]) == 2
    assert entry.main(["frobnicate"]) == 2
    assert "unknown command 'frobnicate'" in capsys.readouterr().err
    assert entry.main(["--help"]) == 0
    assert set(entry.COMMANDS) == {"run", "tune", "bench", "feedback"}
