"""Fixtures for the OpenAI backend tests: a local OpenAI-compatible chat server and a built index.

`ChatServer` (tests/openai_double.py) is a test double for the OpenAI API, which cannot be reached
from here (and must not be: the tests run offline). It is not a mock of our code: it listens on a
real socket on 127.0.0.1 and speaks the real chat-completions protocol (JSON replies and
server-sent-event streaming), so the whole client stack (langchain-openai → openai → httpx) runs as
it would against OpenAI or llama.cpp. Its replies are computed from the request the way a grounded
model would answer: it quotes and cites the first paragraph of the prompt, and it rewrites a
follow-up with the subject of the previous question.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from loopback import free_port
from openai_double import ChatServer

from assistant.backends import create_backend
from assistant.bootstrap import open_engine
from assistant.engine import Engine
from assistant.settings import Settings


@pytest.fixture
def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}/v1"


@pytest.fixture(scope="session")
def chat_server() -> Iterator[ChatServer]:
    double = ChatServer()
    double.start()
    yield double
    double.close()


@pytest.fixture
def server(chat_server: ChatServer) -> ChatServer:
    chat_server.reset()
    return chat_server


@pytest.fixture(scope="session")
def base_env(chat_server: ChatServer, built_settings: Settings) -> dict[str, str]:
    """Settings for the openai backend over the session's index (built once by the root conftest)."""
    return {
        "ASSISTANT_DATA_DIR": str(built_settings.data_dir),
        "ASSISTANT_LLM": "openai",
        "OPENAI_BASE_URL": chat_server.url,
        "OPENAI_MODEL": "test-model",
        "OPENAI_TIMEOUT": "10",
    }


@pytest.fixture(scope="session")
def built_engine(base_env: dict[str, str]) -> Engine:
    """Every test reuses this engine's retriever."""
    return open_engine(Settings.from_env(base_env), build_if_missing=False)


@pytest.fixture
def make_engine(
    built_engine: Engine, base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Engine]:
    """An engine with a fresh backend made from settings; keyword arguments override env vars."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("LANGSMITH_TRACING", raising=False)
    monkeypatch.delenv("LANGCHAIN_TRACING_V2", raising=False)

    def make(**overrides: str) -> Engine:
        settings = Settings.from_env({**base_env, **overrides})
        backend = create_backend(settings.llm_backend, settings)
        return Engine(built_engine.retriever, backend, settings.retrieval_k, settings.max_question_chars)

    return make
