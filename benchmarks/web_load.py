"""Load the running web UI with concurrent sessions on loopback and print latency and correctness.

Each session is its own `gradio_client.Client` (its own Gradio session and `gr.State`) and asks a
different question and then a follow-up through the page's `/ask` endpoint, all sessions at once.
A reply counts as correct when the session's chat holds exactly its own questions, in order, and the
last answer cites the paragraphs the engine cites when asked directly (computed here first, with the
same settings, unless --no-verify). Timings are printed, never asserted.

    make run &                                   # or: python app.py --port 7860
    python benchmarks/web_load.py --url http://127.0.0.1:7860/ --sessions 20
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

QUESTIONS = [
    "区域组织在预警方面能做什么？",
    "非洲联盟在保护责任方面发挥了什么作用？",
    "第12段讲了什么？",
    "秘书长的战略有哪三大支柱？",
    "区域安排如何帮助能力建设？",
    "欧洲安全与合作组织做了什么？",
    "什么是结构性预防？",
    "安全理事会与区域组织如何合作？",
    "民间社会在防止暴行方面有什么作用？",
    "第30段讲了什么？",
    "什么是操作性预防？",
    "《宪章》第八章与保护责任有什么关系？",
    "非洲智者小组有什么作用？",
    "区域和次区域安排有哪些局限？",
    "秘书长建议如何加强信息交流？",
    "What does paragraph 5 say?",
    "Which regional organizations are mentioned?",
    "第40段讲了什么？",
    "联合国与区域组织之间的协作面临哪些挑战？",
    "欧洲联盟在预防方面做了什么？",
]
FOLLOW_UP = "还有呢？"
CITED = re.compile(r'href="#para-(\d+)"')


@dataclass
class Outcome:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860/", help="the running app (loopback)")
    parser.add_argument("--sessions", type=int, default=20, help="concurrent browser sessions (default 20)")
    parser.add_argument("--rounds", type=int, default=2, help="question + follow-ups per session (default 2)")
    parser.add_argument("--no-verify", action="store_true", help="skip comparing with the engine's own answers")
    return parser.parse_args()


def questions_of(session: int, rounds: int) -> list[str]:
    return [QUESTIONS[session % len(QUESTIONS)]] + [FOLLOW_UP] * (rounds - 1)


def expected_citations(sessions: int, rounds: int) -> dict[int, list[int]]:
    """What the engine itself cites for each session's last question, asked with the same history."""
    from assistant.bootstrap import open_engine
    from assistant.result import Turn
    from assistant.settings import Settings

    engine = open_engine(Settings.from_env(), build_if_missing=False)
    expected = {}
    for session in range(sessions):
        history: list[Turn] = []
        for question in questions_of(session, rounds):
            result = engine.ask(question, history)
            history.append(Turn(question, result.answer, tuple(result.citations)))
        expected[session] = list(history[-1].citations)
    return expected


def message_text(message: dict[str, Any]) -> str:
    """A Chatbot message's text; Gradio 6 sends `content` as a list of parts."""
    content = message.get("content", "")
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def run_session(url: str, session: int, rounds: int, start: threading.Barrier, outcome: Outcome) -> list[int]:
    from gradio_client import Client

    client = Client(url, verbose=False, download_files=False, analytics_enabled=False)
    asked: list[str] = []
    cited: list[int] = []
    start.wait()
    for question in questions_of(session, rounds):
        began = time.perf_counter()
        try:
            reply = client.predict(question, api_name="/ask")
        except Exception as error:  # a failed request is a figure to report, not a crash
            outcome.errors.append(f"session {session}: {type(error).__name__}: {error}")
            return cited
        outcome.latencies_ms.append((time.perf_counter() - began) * 1000)
        asked.append(question)
        messages = reply[0]
        users = [message_text(m) for m in messages if m.get("role") == "user"]
        if users != asked or len(messages) != 2 * len(asked):
            outcome.wrong.append(f"session {session}: chat holds {users}, expected {asked}")
        answer = message_text(messages[-1]) if messages else ""
        cited = list(dict.fromkeys(int(n) for n in CITED.findall(answer.split("class='sources'")[0])))
    return cited


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    arguments = parse_arguments()
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # gradio_client also reads it; loopback only
    expected = None if arguments.no_verify else expected_citations(arguments.sessions, arguments.rounds)
    outcome = Outcome()
    start = threading.Barrier(arguments.sessions)
    began = time.perf_counter()
    with ThreadPoolExecutor(arguments.sessions) as pool:
        futures = [
            pool.submit(run_session, arguments.url, s, arguments.rounds, start, outcome)
            for s in range(arguments.sessions)
        ]
        cited = [future.result() for future in futures]
    wall_s = time.perf_counter() - began
    if expected is not None:
        for session, numbers in enumerate(cited):
            if numbers != expected[session]:
                outcome.wrong.append(f"session {session}: cited {numbers}, the engine cites {expected[session]}")
    latencies = outcome.latencies_ms
    print(f"sessions {arguments.sessions} · requests {len(latencies) + len(outcome.errors)} · wall {wall_s:.1f} s")
    if latencies:
        print(
            f"latency ms: p50 {percentile(latencies, 0.5):.0f} · p95 {percentile(latencies, 0.95):.0f} · "
            f"max {max(latencies):.0f} · mean {statistics.fmean(latencies):.0f}"
        )
    print(f"errors {len(outcome.errors)} · wrong or mixed answers {len(outcome.wrong)}")
    for line in (outcome.errors + outcome.wrong)[:10]:
        print("  " + line)
    return 1 if outcome.errors or outcome.wrong else 0


if __name__ == "__main__":
    sys.exit(main())
