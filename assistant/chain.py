"""The engine's steps as one LangChain (LCEL) runnable: condense → retrieve → answer → validate.

Each step adds its result to the state in the calling thread. With `RunnablePassthrough.assign`, the condense
and retrieve steps ran in a new thread pool on every call, and the e5 encoder (OpenMP) was slower there: measured
on the gold questions, 15 ms a query on the main thread against 28 ms in a new thread each time, which made
retrieval p50 about 34 ms instead of 24 ms. (`Engine.stream`, which the web UI and the Slack bot use, calls the
steps directly and never had that hop.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from langchain_core.runnables import Runnable, RunnableLambda

if TYPE_CHECKING:
    from assistant.engine import Engine


def build_chain(engine: Engine) -> Runnable:
    return (
        RunnableLambda(_assign("condensed", engine.condense), name="condense")
        | RunnableLambda(_assign("retrieval", engine.retrieve), name="retrieve")
        | RunnableLambda(_assign("draft", engine.draft), name="answer")
        | RunnableLambda(engine.finish, name="validate_citations")
    )


def _assign(key: str, step: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A step that returns a copy of the state with `key` set to `step(state)`."""

    def run(state: dict[str, Any]) -> dict[str, Any]:
        state = dict(state)
        state[key] = step(state)
        return state

    return run
