"""Start-up shared by every entry point: make sure an index exists, then open the engine."""

from __future__ import annotations

import logging

from assistant.engine import Engine
from assistant.settings import Settings
from index.build import build_index, index_status
from index.embeddings import E5Embeddings
from index.store import ChromaTarget

log = logging.getLogger(__name__)


def ensure_index(settings: Settings, embeddings: E5Embeddings | None = None) -> bool:
    """Build the index when it is missing or stale; returns True when a build ran.

    A damaged index is not rebuilt silently: `IndexCorruptError` names `python -m index build --force`.
    """
    target = ChromaTarget(settings.chroma_host, settings.chroma_port)
    status = index_status(settings.index_dir, settings.sources, target)
    if status == "current":
        return False
    log.warning("the index under %s is %s; building it now (about 15 s)", settings.index_dir, status)
    build_index(settings.index_dir, settings.sources, target, embeddings=embeddings)
    return True


def open_engine(settings: Settings, build_if_missing: bool = True) -> Engine:
    embeddings = E5Embeddings()
    if build_if_missing:
        ensure_index(settings, embeddings)
    return Engine.from_settings(settings, embeddings)
