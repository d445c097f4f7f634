"""All configuration, read from the environment in exactly one place.

Every other module takes plain arguments; `Settings.from_env()` is called by the entry points
(`app.py`, the CLIs, the benchmark) and the result is passed down.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "index" / "corpus" / "r2p-regional-arrangements.zh.txt"
DEFAULT_DATA_DIR = PROJECT_ROOT / ".data"
BACKENDS = ("extractive", "openai")


class SettingsError(ValueError):
    """A setting has a value the program cannot use; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Everything the assistant can be configured with; see README "Configuration"."""

    data_dir: Path = DEFAULT_DATA_DIR
    sources: tuple[Path, ...] = (DEFAULT_CORPUS,)
    llm_backend: str = "extractive"
    openai_api_key: str = ""
    openai_base_url: str = ""
    openai_model: str = "gpt-4o-mini"
    openai_timeout_s: float = 30.0
    chroma_host: str = ""
    chroma_port: int = 8000
    retrieval_k: int = 5
    max_question_chars: int = 2000

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def uses_chroma_server(self) -> bool:
        return bool(self.chroma_host)

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        backend = env.get("ASSISTANT_LLM", "").strip().lower()
        if not backend:
            backend = "extractive"
        if backend not in BACKENDS:
            raise SettingsError(
                f"ASSISTANT_LLM={backend!r} is not a known backend; choose one of: {', '.join(BACKENDS)}"
            )
        sources_raw = env.get("ASSISTANT_SOURCES", "").strip()
        sources = (
            tuple(Path(p).expanduser() for p in sources_raw.split(os.pathsep) if p.strip())
            if sources_raw
            else (DEFAULT_CORPUS,)
        )
        return cls(
            data_dir=Path(env.get("ASSISTANT_DATA_DIR", "") or DEFAULT_DATA_DIR).expanduser(),
            sources=sources,
            llm_backend=backend,
            openai_api_key=env.get("OPENAI_API_KEY", ""),
            openai_base_url=env.get("OPENAI_BASE_URL", ""),
            openai_model=env.get("OPENAI_MODEL", "") or "gpt-4o-mini",
            openai_timeout_s=_number(env, "OPENAI_TIMEOUT", 30.0, float),
            chroma_host=env.get("CHROMA_HOST", "").strip(),
            chroma_port=_number(env, "CHROMA_PORT", 8000, int),
            retrieval_k=_number(env, "ASSISTANT_K", 5, int),
            max_question_chars=_number(env, "ASSISTANT_MAX_QUESTION_CHARS", 2000, int),
        )


def _number(env: dict[str, str], name: str, default: float, kind: type) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a valid {kind.__name__}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {raw!r}")
    return value
