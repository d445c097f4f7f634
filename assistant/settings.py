"""All configuration, read from the environment in exactly one place.

Every other module takes plain arguments; `Settings.from_env()` is called by the entry points
(`app.py`, the CLIs, the benchmark) and the result is passed down.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "index" / "corpus" / "r2p-regional-arrangements.zh.txt"
DEFAULT_DATA_DIR = PROJECT_ROOT / ".data"
BACKENDS = ("extractive", "openai", "llamacpp")
SLACK_DEFAULT_COMMAND = "/r2p"
SLACK_DEFAULT_API_BASE_URL = "https://slack.com/api/"


class SettingsError(ValueError):
    """A setting has a value the program cannot use; the message names the variable."""


@dataclass(frozen=True)
class SlackSettings:
    bot_token: str = field(default="", repr=False)
    signing_secret: str = field(default="", repr=False)
    app_token: str = field(default="", repr=False)
    command: str = SLACK_DEFAULT_COMMAND
    api_base_url: str = SLACK_DEFAULT_API_BASE_URL

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> SlackSettings:
        """Read the SLACK_* variables (called by `Settings.from_env`, or alone by the bot's tests)."""
        env = dict(os.environ if environ is None else environ)
        command = env.get("SLACK_COMMAND", "").strip() or SLACK_DEFAULT_COMMAND
        if not command.startswith("/") or len(command) < 2 or " " in command:
            raise SettingsError(f"SLACK_COMMAND={command!r} must be one word starting with '/', e.g. /r2p")
        base_url = env.get("SLACK_API_BASE_URL", "").strip() or SLACK_DEFAULT_API_BASE_URL
        return cls(
            bot_token=env.get("SLACK_BOT_TOKEN", "").strip(),
            signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip(),
            app_token=env.get("SLACK_APP_TOKEN", "").strip(),
            command=command,
            api_base_url=base_url if base_url.endswith("/") else base_url + "/",
        )

    def check(self, mode: str) -> None:
        """Fail before anything slow starts when `mode` lacks a setting; the message names the variables."""
        missing = []
        if not self.bot_token:
            missing.append("SLACK_BOT_TOKEN (xoxb-…, OAuth & Permissions)")
        if mode == "http" and not self.signing_secret:
            missing.append("SLACK_SIGNING_SECRET (Basic Information → App Credentials)")
        if mode == "socket" and not self.app_token:
            missing.append("SLACK_APP_TOKEN (xapp-…, Basic Information → App-Level Tokens, scope connections:write)")
        if missing:
            raise SettingsError(f"--mode {mode} needs " + "; ".join(missing) + ". See the Slack section of README.md.")


@dataclass(frozen=True)
class Settings:
    """Everything the assistant can be configured with; see README "Configuration"."""

    data_dir: Path = DEFAULT_DATA_DIR
    sources: tuple[Path, ...] = (DEFAULT_CORPUS,)
    llm_backend: str = "extractive"
    openai_api_key: str = field(default="", repr=False)
    openai_base_url: str = ""
    openai_model: str = "gpt-4o-mini"
    openai_timeout_s: float = 30.0
    chroma_host: str = ""
    chroma_port: int = 8000
    retrieval_k: int = 5
    max_question_chars: int = 2000
    gguf_path: Path | None = None
    llama_threads: int = 2
    llama_max_tokens: int = 256
    drop_unsupported: bool = False
    llama_condense: bool = False
    slack: SlackSettings = field(default_factory=SlackSettings)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

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
            gguf_path=Path(env["ASSISTANT_GGUF"]).expanduser() if env.get("ASSISTANT_GGUF", "").strip() else None,
            llama_threads=_number(env, "ASSISTANT_LLAMA_THREADS", 2, int),
            llama_max_tokens=_number(env, "ASSISTANT_LLAMA_MAX_TOKENS", 256, int),
            drop_unsupported=env.get("ASSISTANT_DROP_UNSUPPORTED", "").strip() in ("1", "true", "yes"),
            llama_condense=env.get("ASSISTANT_LLAMA_CONDENSE", "").strip() in ("1", "true", "yes"),
            slack=SlackSettings.from_env(env),
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
