"""`python -m assistant ask "问题" [--json] [--history FILE]` and `python -m assistant chat`.

Exit codes: 0 answered (or refused — a refusal is an answer), 1 the index or a server is not
usable, 2 bad usage or bad input.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from assistant.result import AnswerResult, Turn
from assistant.settings import Settings, SettingsError


class UsageError(ValueError):
    """Bad input from the command line; the message is printed as is."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Ask the report questions.")
    commands = parser.add_subparsers(dest="command", required=True)
    ask = commands.add_parser("ask", help="answer one question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print one JSON object (the machine interface)")
    ask.add_argument("--history", type=Path, help='JSON list of earlier turns: [{"question": …, "answer": …}]')
    commands.add_parser("chat", help="interactive chat in the terminal")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")

    from assistant.engine import QuestionError

    try:
        settings = Settings.from_env()
        history = _read_history(args.history) if args.command == "ask" and args.history else []
        engine = _open(settings)
        if args.command == "chat":
            return _chat(engine)
        result = engine.ask(args.question, history)
    except (SettingsError, UsageError, QuestionError) as error:
        return _fail(str(error), 2, getattr(args, "json", False))
    except _EngineUnavailable as error:
        return _fail(str(error), 1, getattr(args, "json", False))
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print(render_text(result, engine))
    return 0


class _EngineUnavailable(RuntimeError):
    pass


def _open(settings: Settings):
    from assistant.bootstrap import open_engine
    from index.parser import ReportFormatError
    from index.store import IndexCorruptError, IndexMissingError, VectorStoreUnavailableError

    try:
        return open_engine(settings)
    except (IndexMissingError, IndexCorruptError, VectorStoreUnavailableError, ReportFormatError) as error:
        raise _EngineUnavailable(str(error)) from None
    except ValueError as error:  # an unknown or misconfigured backend
        raise _EngineUnavailable(str(error)) from None
    except FileNotFoundError as error:
        raise _EngineUnavailable(
            f"{error}; set ASSISTANT_SOURCES or run `python -m index build --source FILE`"
        ) from None


def _read_history(path: Path) -> list[Turn]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"cannot read --history file {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"--history file {path} is not JSON: {error.msg} (line {error.lineno})") from None
    if not isinstance(data, list) or not all(isinstance(t, dict) and isinstance(t.get("question"), str) for t in data):
        raise UsageError('--history must be a JSON list of {"question": str, "answer": str} objects')
    from assistant.citations import cited_numbers

    return [Turn(t["question"], str(t.get("answer", "")), tuple(cited_numbers(str(t.get("answer", ""))))) for t in data]


def _fail(message: str, code: int, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"error": message, "exit_code": code}, ensure_ascii=False))
    print(f"error: {message}", file=sys.stderr)
    return code


def render_text(result: AnswerResult, engine) -> str:
    """A readable answer followed by the paragraphs it cites (or, for a refusal, the nearest ones)."""
    lines = [result.answer, ""]
    numbers = result.citations or ([r.paragraph.number for r in result.retrieved[:3]] if result.refused else [])
    heading = "最接近的段落" if result.refused and result.language == "zh" else "Nearest paragraphs"
    if numbers:
        lines.append(
            heading + ":" if result.refused else ("引用的段落:" if result.language == "zh" else "Cited paragraphs:")
        )
    for number in numbers:
        paragraph = engine.paragraph(number)
        if paragraph is not None:
            lines.append(
                f"  [第{number}段]（{paragraph.section_number}. {paragraph.section_title}）{paragraph.searchable_text}"
            )
    if result.notice:
        lines.append(result.notice)
    lines.append(f"— {result.backend}, {result.timings_ms['total']:.0f} ms")
    return "\n".join(lines)


def _chat(engine) -> int:
    from assistant.engine import QuestionError

    history: list[Turn] = []
    print("向报告提问（空行或 Ctrl-D 退出）。Ask the report (empty line or Ctrl-D to quit).")
    while True:
        try:
            question = input("> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not question.strip():
            return 0
        try:
            result = engine.ask(question, history)
        except QuestionError as error:
            print(error)
            continue
        print(render_text(result, engine))
        history.append(Turn(question, result.answer, tuple(result.citations)))


if __name__ == "__main__":
    sys.exit(main())
