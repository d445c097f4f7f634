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


def _llamacpp(settings: Settings) -> AnswerBackend:
    try:
        from assistant.backends.llamacpp import LlamaCppBackend
    except ImportError as error:
        raise ValueError(
            f"the llamacpp backend needs the optional extra ({error.name} is missing): pip install -e '.[local]'"
        ) from None
    return LlamaCppBackend.from_settings(settings)


REGISTRY: dict[str, BackendFactory] = {"extractive": _extractive, "openai": _openai, "llamacpp": _llamacpp}


def create_backend(name: str, settings: Settings) -> AnswerBackend:
    if name not in REGISTRY:
        raise ValueError(f"unknown backend {name!r}; valid backends: {', '.join(sorted(REGISTRY))}")
    return REGISTRY[name](settings)


__all__ = ["REGISTRY", "AnswerBackend", "BackendError", "Draft", "Evidence", "create_backend"]
