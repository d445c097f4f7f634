"""The engine's steps as one LangChain (LCEL) runnable: condense → retrieve → answer → validate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

if TYPE_CHECKING:
    from assistant.engine import Engine


def build_chain(engine: Engine) -> Runnable:
    return (
        RunnablePassthrough.assign(condensed=RunnableLambda(engine.condense, name="condense"))
        | RunnablePassthrough.assign(retrieval=RunnableLambda(engine.retrieve, name="retrieve"))
        | RunnableLambda(_with_draft(engine), name="answer")
        | RunnableLambda(engine.finish, name="validate_citations")
    )


def _with_draft(engine: Engine):
    def step(state: dict) -> dict:
        state = dict(state)
        state["draft"] = engine.draft(state)
        return state

    return step
