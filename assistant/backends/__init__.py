"""Answer backends behind one small seam, looked up by name in a plain registry."""

from __future__ import annotations

from collections.abc import Callable

from assistant.backends.base import AnswerBackend, BackendError, Draft, Evidence
from assistant.settings import Settings

BackendFactory = Callable[[Settings], AnswerBackend]


def _extractive(settings: Settings) -> AnswerBackend:
    from assistant.backends.extractive import ExtractiveBackend

    return ExtractiveBackend()


def _openai(settings: Settings) -> AnswerBackend:
    from assistant.backends.openai_chat import OpenAIBackend

    return OpenAIBackend.from_settings(settings)


REGISTRY: dict[str, BackendFactory] = {"extractive": _extractive, "openai": _openai}


def create_backend(name: str, settings: Settings) -> AnswerBackend:
    if name not in REGISTRY:
        raise ValueError(f"unknown backend {name!r}; valid backends: {', '.join(sorted(REGISTRY))}")
    return REGISTRY[name](settings)


__all__ = ["REGISTRY", "AnswerBackend", "BackendError", "Draft", "Evidence", "create_backend"]
